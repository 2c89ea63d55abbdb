"""Run slow work off the UI thread (QThreadPool) and hand the result back through signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class Task(QRunnable):
    """Calls fn() in a pool thread; emits finished(result) or failed(message) on the UI thread."""

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        from shop_orders.domain.errors import ShopOrdersError

        try:
            result = self.fn()
        except ShopOrdersError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: still reported, never a silent dead thread
            self.signals.failed.emit(f"Unexpected {type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)


def run_in_pool(fn: Callable[[], object], on_done: Callable[[object], None],
                on_error: Callable[[str], None]) -> Task:
    task = Task(fn)
    task.signals.finished.connect(on_done)
    task.signals.failed.connect(on_error)
    QThreadPool.globalInstance().start(task)
    return task
