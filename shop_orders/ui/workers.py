"""Run slow work off the UI thread (QThreadPool) and hand the result back through signals:
`run_in_pool` for a read, `run_write` for a change (the one write wrapper of the UI),
`progress_dialog` and `run_job` for a long job with progress and Cancel.

Every worker a window starts is tracked by that window's `WorkerRegistry` (found from any
widget or model through `registry_for`): at close and at quit the registry asks each running
worker to cancel, then waits until each has returned, so Python never finalises with a worker
still running and a cancelled export, import or backup removes its partial file itself.

A task's `signals` object lives on the UI thread from start to end: one keeper on the UI thread
holds every started task (and parents its signals) until the task's last signal, `settled`, was
delivered there, and only then lets it go (`deleteLater`), whether or not the window that started
it still exists. A signals object destroyed on a pool thread while its queued answer still waits
for the UI thread loses the answer or crashes Qt (SIGSEGV in sendPostedEvents), so nothing but the
UI thread ever destroys one. The pool never owns a task either (it runs a function that holds the
task only while running it), so the last reference to a task is dropped on the UI thread.
"""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog, QWidget

from shop_orders.domain.messages import t

R = TypeVar("R")  # what a worker's fn returns
T = TypeVar("T", bound="Task")


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    settled = Signal()  # always the last one a task emits: after it nothing more is queued


def _report(signals: _Signals, fn: Callable[[], object]) -> None:
    """Run fn; emit finished(result), or failed(one sentence) for a person-readable error or a bug."""
    from shop_orders.domain.errors import ShopOrdersError

    try:
        result = fn()
    except ShopOrdersError as exc:
        signals.failed.emit(str(exc))
    except Exception as exc:  # a bug: still reported, never a silent dead thread
        signals.failed.emit(t("Unexpected {kind}: {problem}", kind=type(exc).__name__, problem=exc))
    else:
        signals.finished.emit(result)


class _ProgressSignals(_Signals):
    progress = Signal(str, int, int)


class Task(QRunnable):
    """Calls fn() in a pool thread; emits finished(result) or failed(message) on the UI thread,
    then `settled`. `ended` is set in the worker thread once fn has returned and its answer was
    emitted, `quiet` once `settled` was emitted too (nothing more comes from it). Created on the
    UI thread (its signals live there) and started through `start`, never handed to the pool
    itself: the pool would take it over and delete it on its own thread."""

    signals_class: type[_Signals] = _Signals

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # should it ever be handed to a pool: the pool must not delete it
        self.fn = fn
        self.signals = self.signals_class()
        self.ended = threading.Event()
        self.quiet = threading.Event()

    def cancel(self) -> None:
        """A plain task cannot stop early (a single query); it is waited for instead."""

    def run(self) -> None:
        """Run fn on this thread with every signal (in the pool, `start` runs it through `_in_pool`)."""
        _in_pool(self)()


def _in_pool(task: Task) -> Callable[[], None]:
    """What the pool runs for task. It lets go of the task before emitting `settled`, so the last
    reference to a task is the keeper's, dropped on the UI thread once `settled` arrived."""
    ref = weakref.ref(task)

    def work() -> None:
        held = ref()
        if held is None:  # never: the keeper holds it until `settled` was delivered
            return
        signals, ended, quiet = held.signals, held.ended, held.quiet
        try:
            _report(signals, held.fn)
        finally:
            del held
            ended.set()
            signals.settled.emit()
            quiet.set()
    return work


class ProgressTask(Task):
    """Calls fn(report, cancelled) in a pool thread: report(stage, done, total) emits progress on
    the UI thread; cancelled() turns true after cancel() so fn can stop and roll back."""

    signals_class = _ProgressSignals
    signals: _ProgressSignals

    def __init__(self, fn: Callable[[Callable[[str, int, int], None], Callable[[], bool]], object]) -> None:
        super().__init__(lambda: fn(
            lambda stage, done, total: self.signals.progress.emit(stage, done, total), lambda: self._cancel))
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @property
    def cancelled(self) -> bool:
        return self._cancel


class _Keeper(QObject):
    """The one place, on the UI thread, that holds every started task until its `settled` was
    delivered there, and parents its signals object meanwhile: a task ends in its worker thread
    before its queued answer arrives, and neither the answer nor the object that carries it may be
    lost with it. It outlives the windows (a worker still running when its window or dialog is
    deleted keeps its signals object until it has settled)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("taskKeeper")
        self._serial = itertools.count()
        self._held: dict[int, Task] = {}
        self._keys: dict[int, int] = {}  # id(task) -> key, while held

    def keep(self, task: Task) -> None:
        key = next(self._serial)
        self._held[key] = task
        self._keys[id(task)] = key
        task.signals.setParent(self)  # owned by the UI thread: no pool thread can delete it
        task.signals.settled.connect(lambda: self._let_go(key))

    def holds(self, task: Task) -> bool:
        return id(task) in self._keys and self._held.get(self._keys[id(task)]) is task

    def let_go(self, task: Task) -> None:
        """A task whose signals were blocked (its answer dropped): it settles unheard."""
        if self.holds(task):
            self._let_go(self._keys[id(task)])

    def _let_go(self, key: int) -> None:
        task = self._held.pop(key, None)
        if task is None:
            return
        del self._keys[id(task)]
        if shiboken6.isValid(task.signals):
            task.signals.deleteLater()  # on the UI thread, once the signal being delivered has returned


_keepers: list[_Keeper] = []  # made on first use, on the UI thread


def _keeper() -> _Keeper:
    if not _keepers:
        _keepers.append(_Keeper())
    return _keepers[0]


class WorkerRegistry(QObject):
    """The workers a window has running. `start` hands a task to the pool (held on the UI thread
    until its last signal was delivered there, then its signals object is deleted there);
    `cancel_and_wait` (closeEvent, aboutToQuit) cancels every running one and joins them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workers")
        self._tasks: weakref.WeakSet[Task] = weakref.WeakSet()  # each lives while the keeper holds it

    def start(self, task: T) -> T:
        _keeper().keep(task)
        self._tasks.add(task)
        QThreadPool.globalInstance().start(_in_pool(task))
        return task

    def running(self) -> list[Task]:
        """The tasks started and not yet ended."""
        return [task for task in self.held() if not task.ended.is_set()]

    def held(self) -> list[Task]:
        """The tasks whose answers are not all delivered yet (running, or ended and queued)."""
        keeper = _keeper()
        return [task for task in list(self._tasks) if keeper.holds(task)]

    def cancel_and_wait(self, timeout_s: float = 120.0, only: list[Task] | None = None) -> bool:
        """Cancel every running worker (or only those given) and wait until each has returned
        (True if all did). Their results are dropped: nothing is shown for what is closing."""
        tasks = [task for task in self.running() if only is None or task in only]
        for task in tasks:
            task.signals.blockSignals(True)
            task.cancel()
        deadline = time.monotonic() + timeout_s
        for task in tasks:
            task.ended.wait(max(0.0, deadline - time.monotonic()))
        for task in tasks:
            if task.quiet.wait(max(0.0, deadline - time.monotonic())):  # its blocked `settled` was emitted
                _keeper().let_go(task)
        return all(task.ended.is_set() for task in tasks)


def registry_for(obj: QObject) -> WorkerRegistry:
    """The registry of the window obj belongs to (obj itself or its nearest ancestor that has one);
    a top-level object without one gets one."""
    node: QObject | None = obj
    top = obj
    while node is not None:
        found = node.findChild(WorkerRegistry, "workers", Qt.FindChildOption.FindDirectChildrenOnly)
        if found is not None:
            return found
        top = node
        node = node.parent()
    return WorkerRegistry(top)


def run_in_pool(fn: Callable[[], R], on_done: Callable[[R], None],
                on_error: Callable[[str], None], owner: QObject | None = None) -> Task:
    """Run fn in a worker; with an owner the worker is tracked by the owner's window registry, and
    its answer is dropped if the owner was deleted meanwhile (a closed window's late page)."""
    task = Task(fn)
    task.signals.finished.connect(_while_alive(owner, on_done))
    task.signals.failed.connect(_while_alive(owner, on_error))
    start(task, owner)
    return task


def _while_alive(owner: QObject | None, fn: Callable) -> Callable:
    if owner is None:
        return fn

    def call(*args) -> None:
        if shiboken6.isValid(owner):
            fn(*args)
    return call


_unowned: list[WorkerRegistry] = []  # the registry of tasks started without an owner (made on the UI thread)


def start(task: T, owner: QObject | None = None) -> T:
    """Start task in the pool, held by the owner's window registry (or, without an owner, by the
    registry of unowned tasks) until its answer was delivered."""
    if owner is not None:
        return registry_for(owner).start(task)
    if not _unowned:
        _unowned.append(WorkerRegistry())
    return _unowned[0].start(task)


class _JobProgress(QProgressDialog):
    """A job's progress window, made for that one job: `reset()` (what every job's end calls) hides
    it and lets it go, so no hidden window is left behind per job."""

    def reset(self) -> None:
        super().reset()
        self.deleteLater()


def progress_dialog(parent: QWidget, label: str, name: str, *, maximum: int = 1) -> QProgressDialog:
    """The progress window of a long job (shown after 300 ms), with a Cancel button; deleted once
    the job's end resets it."""
    dialog = _JobProgress(label, t("Cancel"), 0, maximum, parent)
    dialog.setObjectName(name)
    dialog.setMinimumDuration(300)
    return dialog


def run_job(owner: QObject, task: ProgressTask, progress: Callable[[str, int, int], None],
            done: Callable[[object], None], failed: Callable[[str], None]) -> ProgressTask:
    """Start a long job's worker with its progress, success and failure handlers; the owner's
    window keeps it until closing, which cancels and joins it."""
    task.signals.progress.connect(progress)
    task.signals.finished.connect(done)
    task.signals.failed.connect(failed)
    return registry_for(owner).start(task)


Holdable = QWidget | QAction


def run_write(owner: QObject, work: Callable[[], R], done: Callable[[R], None], failed: Callable[[str], None],
              *, hold: Iterable[Holdable] = ()) -> Task:
    """The UI's one way to write: `work` (a change through `AppContext.run`, or a service that
    commits its own unit of work) runs in a worker tracked by the owner's window, and
    `done(result)` or `failed(one sentence)` is called on the UI thread (nothing for a window
    closed meanwhile). The controls in `hold` are off while it runs; done and failed set them
    again by the panel's own rule (what the person may do after the change)."""
    for control in hold:
        control.setEnabled(False)
    return run_in_pool(work, done, failed, owner=owner)
