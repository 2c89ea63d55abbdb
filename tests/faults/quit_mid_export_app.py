"""Run by test_quit_mid_export.py in a subprocess: the real window on a store of 3,000 demo
orders starts an export, and the app quits (window close, then QApplication.quit) as soon as
the export has written its first rows. Exits with app.exec()'s code.

usage: python -m tests.faults.quit_mid_export_app FOLDER DEST.xlsx
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(folder: Path, dest: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from shop_orders.services import demo, exporting
    from shop_orders.services.context import AppContext, current_actor
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.open import open_database
    from shop_orders.ui.file_dialogs import FileDialog
    from shop_orders.ui.main_window import ExportOptionsDialog, MainWindow
    from tests.factories import ctx

    app = QApplication([sys.argv[0]])
    db = open_database(folder / "quit.sqlite3", data_dir=folder / "data", create=True)
    with UnitOfWork(db) as uow:
        demo.fill(uow, ctx(source="demo"), 3000, seed=7)
        uow.commit()
    window = MainWindow(AppContext(db, folder, folder / "backups", current_actor()),
                        qsettings=QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
    app.aboutToQuit.connect(window.stop_workers)  # as run_gui does
    window.show()
    FileDialog.ask_save = classmethod(lambda cls, *a, **k: dest)
    ExportOptionsDialog.ask = classmethod(lambda cls, *a, **k: "en")  # the workbook's language
    real_export = exporting.export

    def slow_export(*args, progress=None, **kw):  # keeps the export busy long enough to quit mid-way
        def report(done, total):
            time.sleep(0.05)
            progress(done, total)
        return real_export(*args, progress=report, **kw)

    exporting.export = slow_export
    window.export_orders()

    def quit_now(*_args) -> None:
        print("QUIT_MID_EXPORT", flush=True)
        window.close()
        app.quit()

    window.export_task.signals.progress.connect(lambda *_: QTimer.singleShot(0, quit_now))
    code = app.exec()
    db.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
