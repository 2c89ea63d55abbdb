"""Run slow work off the UI thread (QThreadPool) and hand the result back through signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
        signals.failed.emit(f"Unexpected {type(exc).__name__}: {exc}")
    else:
        signals.finished.emit(result)


class Task(QRunnable):
    """Calls fn() in a pool thread; emits finished(result) or failed(message) on the UI thread."""

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        _report(self.signals, self.fn)


def run_in_pool(fn: Callable[[], object], on_done: Callable[[object], None],
                on_error: Callable[[str], None]) -> Task:
    task = Task(fn)
    task.signals.finished.connect(on_done)
    task.signals.failed.connect(on_error)
    QThreadPool.globalInstance().start(task)
    return task


class _ProgressSignals(_Signals):
    progress = Signal(str, int, int)


class ProgressTask(QRunnable):
    """Calls fn(report, cancelled) in a pool thread: report(stage, done, total) emits progress on
    the UI thread; cancelled() turns true after cancel() so fn can stop and roll back."""

    def __init__(self, fn: Callable[[Callable[[str, int, int], None], Callable[[], bool]], object]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _ProgressSignals()
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        _report(self.signals, lambda: self.fn(
            lambda stage, done, total: self.signals.progress.emit(stage, done, total), lambda: self._cancel))


def start(task: QRunnable) -> None:
    QThreadPool.globalInstance().start(task)
