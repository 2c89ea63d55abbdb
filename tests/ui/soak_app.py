"""Soak run of the real window (run as a subprocess by test_soak.py, so that a Python abort fails
the test instead of killing pytest): opens MainWindow offscreen on a store of N demo orders,
scrolls to the end and back, sorts every column both ways, resizes, then quits through the
window's close. Prints NONE_DROP=<how many references None lost during the run>.

usage: python -m tests.ui.soak_app STORE_FOLDER [ORDERS]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(folder: Path, orders: int) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from shop_orders.services import demo
    from shop_orders.services.context import AppContext, current_actor
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.open import open_database
    from shop_orders.ui.main_window import MainWindow
    from shop_orders.ui.order_model import COLUMNS
    from tests.factories import ctx

    app = QApplication([sys.argv[0]])
    db = open_database(folder / "soak.sqlite3", data_dir=folder / "data", create=True)
    with UnitOfWork(db) as uow:
        demo.fill(uow, ctx(source="demo"), orders, seed=11)
        uow.commit()
    window = MainWindow(AppContext(db, folder, folder / "backups", current_actor()),
                        qsettings=QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
    window.show()
    app.processEvents()

    def paint() -> None:
        window.view.viewport().repaint()
        app.processEvents()

    start = sys.getrefcount(None)
    bar = window.view.verticalScrollBar()
    window.table.jump_to_end()
    step = max(bar.maximum() // 150, 1)
    for value in list(range(bar.maximum(), -1, -step)) + list(range(0, bar.maximum() + 1, step)):
        bar.setValue(value)  # to the end and back, a page-cache's worth at a time
        paint()
    header = window.view.horizontalHeader()
    for column, (_key, sort) in enumerate(COLUMNS):
        if sort is None:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            header.setSortIndicator(column, order)
            paint()
            bar.setValue(bar.maximum())
            paint()
    for width, height in ((900, 600), (1600, 1000), (1200, 700)):
        window.resize(width, height)
        paint()
    window.close()  # the window's own close: stops timers, joins workers, saves the layout
    app.processEvents()
    drop = sys.getrefcount(None) - start
    print(f"NONE_DROP={-drop}", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 20_000))
