"""Run slow work off the UI thread (QThreadPool) and hand the result back through signals:
`run_in_pool` for a read, `run_write` for a change (the one write wrapper of the UI),
`progress_dialog` and `run_job` for a long job with progress and Cancel.

Every worker a window starts is tracked by that window's `WorkerRegistry` (found from any
widget or model through `registry_for`): at close and at quit the registry asks each running
worker to cancel, then waits until each has returned, so Python never finalises with a worker
still running and a cancelled export, import or backup removes its partial file itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog, QWidget

from shop_orders.domain.messages import t

R = TypeVar("R")  # what a worker's fn returns
T = TypeVar("T", bound="Task")


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


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
    """Calls fn() in a pool thread; emits finished(result) or failed(message) on the UI thread.
    `ended` is set in the worker thread once fn has returned and its signal was emitted."""

    signals_class: type[_Signals] = _Signals

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = self.signals_class()
        self.ended = threading.Event()

    def cancel(self) -> None:
        """A plain task cannot stop early (a single query); it is waited for instead."""

    def run(self) -> None:
        try:
            _report(self.signals, self.fn)
        finally:
            self.ended.set()


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


class WorkerRegistry(QObject):
    """The workers a window has running. `start` tracks a task until it has ended;
    `cancel_and_wait` (closeEvent, aboutToQuit) cancels every one and joins them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workers")
        self._running: list[Task] = []
        # each task until its answer was delivered on the UI thread: a task ends (and is pruned)
        # in its worker thread before its queued answer arrives, which must not be lost with it
        self._delivering: set[Task] = set()

    def start(self, task: T) -> T:
        self._prune()
        self._running.append(task)
        self._delivering.add(task)
        task.signals.finished.connect(lambda *_: self._delivered(task))
        task.signals.failed.connect(lambda *_: self._delivered(task))
        QThreadPool.globalInstance().start(task)
        return task

    def running(self) -> list[Task]:
        self._prune()
        return list(self._running)

    def _delivered(self, task: Task) -> None:
        self._delivering.discard(task)
        self._prune()

    def _prune(self) -> None:
        self._running = [task for task in self._running if not task.ended.is_set()]

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
        self._prune()
        self._delivering.difference_update(tasks)  # their answers are dropped
        return all(task.ended.is_set() for task in tasks)


def registry_for(obj: QObject) -> WorkerRegistry:
    """The registry of the window obj belongs to (obj itself or its nearest ancestor that has one);
    a top-level object without one gets one."""
    node: QObject | None = obj
    top = obj
    while node is not None:
        found = node.findChild(WorkerRegistry, "workers")
        if found is not None and found.parent() is node:
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


def start(task: T, owner: QObject | None = None) -> T:
    if owner is not None:
        return registry_for(owner).start(task)
    QThreadPool.globalInstance().start(task)
    return task


def progress_dialog(parent: QWidget, label: str, name: str, *, maximum: int = 1) -> QProgressDialog:
    """The progress window of a long job (shown after 300 ms), with a Cancel button."""
    dialog = QProgressDialog(label, t("Cancel"), 0, maximum, parent)
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
