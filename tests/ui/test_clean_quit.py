"""Closing the window while a worker runs (export, import, backup) cancels the worker and waits
for it: no half-written file at the destination or in its folder, an import rolled back, no
worker left running once the window is gone. Each worker is slowed (its progress callback
sleeps) so that the close lands in the middle of the real work, every time."""

import time
from datetime import timedelta

from PySide6.QtCore import QSettings, QThreadPool

from shop_orders.domain.grid import GridQuery
from shop_orders.services import backup as backup_service
from shop_orders.services import demo, exporting
from shop_orders.services.browse import OrderBrowser
from shop_orders.services.context import AppContext, current_actor
from shop_orders.services.importing import runner
from shop_orders.services.uow import UnitOfWork
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.import_dialog import ImportDialog
from shop_orders.ui.main_window import MainWindow
from shop_orders.ui.store_actions import ExportOptionsDialog
from tests import channel_files as cf
from tests.factories import ctx


def _window(qtbot, db, tmp_path, clock, orders: int) -> MainWindow:
    with UnitOfWork(db, clock=clock) as uow:
        demo.fill(uow, ctx(source="demo"), orders, seed=5)
        uow.commit()
    context = AppContext(db, tmp_path, tmp_path / "backups", current_actor())
    w = MainWindow(context, qsettings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
                   clock=lambda: clock.now + timedelta(0))
    qtbot.addWidget(w)
    w.show()
    return w


def _slowed(monkeypatch, module, name: str, started: list, pause: float = 0.05):
    """Replace module.name by the same function whose progress callback sleeps a little."""
    real = getattr(module, name)

    def slow(progress):
        def report(*args):
            started.append(args)
            time.sleep(pause)
            if progress is not None:
                progress(*args)
        return report

    def wrapper(*args, progress=None, **kw):
        return real(*args, progress=slow(progress), **kw)

    monkeypatch.setattr(module, name, wrapper)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name or p.name.startswith(".~"))


def _import_under_way(qtbot, w, tmp_path, monkeypatch, *, first: int, count: int):
    """An import dialog on a JD file of `count` orders, its import started and slowed so that a
    close lands mid-import; returns the dialog and its task."""
    h = cf.JD_HEADER
    rows = [h] + [cf.row_for(h, **{"订单号": str(first + i), "商品名称": "龙井", "订购数量": "1", "京东价": "168",
                                   "订单金额": "168", "应付金额": "168", "订单状态": "等待出库",
                                   "下单时间": "2026-11-20 08:00:00"}) for i in range(count)]
    d = ImportDialog(w.ctx, cf.write_csv(tmp_path / "jd-big.csv", rows), "en", w)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.plan is not None, timeout=30000)
    started: list = []
    _slowed(monkeypatch, runner, "apply", started, pause=0.5)  # reports once a block of orders
    d.import_button.click()
    qtbot.waitUntil(lambda: len(started) >= 1, timeout=20000)
    return d, d.task


def test_closing_the_window_mid_export_cancels_it_and_leaves_no_file(qtbot, db, tmp_path, clock, monkeypatch):
    w = _window(qtbot, db, tmp_path, clock, 3000)
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "orders.xlsx"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    monkeypatch.setattr(ExportOptionsDialog, "ask", classmethod(lambda cls, parent, lang: lang))
    started: list = []
    _slowed(monkeypatch, exporting, "export", started)
    w.export_orders()
    qtbot.waitUntil(lambda: len(started) >= 2, timeout=20000)
    assert not w.export_task.ended.is_set()  # the close below lands mid-export
    w.close()
    assert w.export_task.ended.is_set() and not w.workers.running()
    QThreadPool.globalInstance().waitForDone(60000)
    assert not dest.exists() and _leftovers(out) == [] and sorted(p.name for p in out.iterdir()) == []


def test_closing_the_window_mid_import_rolls_it_back(qtbot, db, tmp_path, clock, monkeypatch):
    w = _window(qtbot, db, tmp_path, clock, 50)
    before = OrderBrowser(db).count(GridQuery())
    d, task = _import_under_way(qtbot, w, tmp_path, monkeypatch, first=500000, count=3000)
    assert task is not None and not task.ended.is_set()  # the close below lands mid-import
    w.close()
    assert task.ended.is_set() and not w.workers.running()
    QThreadPool.globalInstance().waitForDone(60000)
    assert OrderBrowser(db).count(GridQuery()) == before  # rolled back: not one order written
    d.close()


def test_closing_the_import_dialog_mid_import_rolls_it_back(qtbot, sqlite_db, tmp_path, clock, monkeypatch):
    w = _window(qtbot, sqlite_db, tmp_path, clock, 10)
    d, task = _import_under_way(qtbot, w, tmp_path, monkeypatch, first=600000, count=2000)
    d.close()  # the dialog's close button: cancels and waits, never leaves the import running
    assert task.ended.is_set()
    QThreadPool.globalInstance().waitForDone(60000)
    assert OrderBrowser(sqlite_db).count(GridQuery()) == 10


def test_closing_the_window_mid_backup_leaves_no_partial_copy(qtbot, sqlite_db, tmp_path, clock, monkeypatch):
    w = _window(qtbot, sqlite_db, tmp_path, clock, 500)
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "copy.sqlite3"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    started: list = []
    real = backup_service.backup

    def slow_backup(db, target, folder, progress=None, **kw):
        def report(done, total):
            started.append((done, total))
            time.sleep(0.5)
            if progress is not None:
                progress(done, total)
        return real(db, target, folder, report, **kw)

    monkeypatch.setattr(backup_service, "backup", slow_backup)
    w.store_actions.back_up()
    qtbot.waitUntil(lambda: len(started) >= 1, timeout=20000)
    w.close()
    assert sorted(p.name for p in out.iterdir()) == []  # right after close: nothing half-done
    QThreadPool.globalInstance().waitForDone(60000)
    assert sorted(p.name for p in out.iterdir()) == []
