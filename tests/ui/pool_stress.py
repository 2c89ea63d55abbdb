"""Stress of `ui/workers.run_in_pool` as the window uses it (run as a subprocess by
test_workers.py under faulthandler, so a segfault fails the test instead of killing pytest):
a timer starts 50 small reads every 5 ms, each owned by a widget, and the caller drops each task
as soon as its answer is in (as the poll and the grid model do), then waits for every answer. Prints ALIVE=<tasks not freed>
DESTROYED=<signal objects destroyed> OFF_UI=<of them on a pool thread>,
STARTED=<n> DELIVERED=<n> LEFT=<tasks the registry still holds> at the end.

usage: python -X faulthandler -m tests.ui.pool_stress [SECONDS]
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import weakref


def main(seconds: float) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from shop_orders.ui.workers import registry_for, run_in_pool

    app = QApplication([sys.argv[0]])
    owner = QWidget()
    counts = {"started": 0, "delivered": 0, "off_ui": 0, "destroyed": 0}
    kept: dict[int, object] = {}  # the caller's own references, dropped once the answer is in
    every: list[weakref.ref] = []  # to see that ended tasks are let go, not kept

    def destroyed(*_a: object) -> None:
        counts["destroyed"] += 1
        if threading.current_thread() is not threading.main_thread():
            counts["off_ui"] += 1

    def arrived(key: int) -> None:
        counts["delivered"] += 1
        kept.pop(key, None)

    def burst() -> None:
        for _ in range(50):
            key = counts["started"]
            counts["started"] += 1
            kept[key] = run_in_pool(lambda key=key: [key] * 8, lambda _r, key=key: arrived(key),
                                    lambda _m, key=key: arrived(key), owner=owner)
            every.append(weakref.ref(kept[key]))
            kept[key].signals.destroyed.connect(destroyed, Qt.ConnectionType.DirectConnection)

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(burst)
    timer.start()
    registry = registry_for(owner)
    drained = QTimer()  # after the bursts: quit once every answer is in (or 30 s later)
    drained.setInterval(20)
    drained.timeout.connect(lambda: app.quit() if not registry.held() else None)
    QTimer.singleShot(int(seconds * 1000), timer.stop)
    QTimer.singleShot(int(seconds * 1000), drained.start)
    QTimer.singleShot(int(seconds * 1000) + 30_000, app.quit)
    app.exec()
    registry.cancel_and_wait(timeout_s=30)
    for _ in range(50):
        app.processEvents()
    gc.collect()
    alive = sum(ref() is not None for ref in every)
    print(f"ALIVE={alive} DESTROYED={counts['destroyed']} OFF_UI={counts['off_ui']}", flush=True)
    print(f"STARTED={counts['started']} DELIVERED={counts['delivered']} LEFT={len(getattr(registry, 'held', registry.running)())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0))
