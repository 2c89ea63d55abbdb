"""The import dialog (preview, problems, worker with progress, cancel) and the export action."""

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from shop_orders.app import AppContext, current_actor
from shop_orders.ui.import_dialog import ImportDialog
from tests import channel_files as cf
from tests.factories import make_order


def _jd_file(tmp_path: Path, bad: bool = False) -> Path:
    h = cf.JD_HEADER
    rows = [h, cf.row_for(h, **{"订单号": "300001", "商品名称": "龙井", "订购数量": "1", "京东价": "168",
                                "订单金额": "168", "应付金额": "168", "订单状态": "等待出库",
                                "下单时间": "2026-11-20 08:00:00"})]
    if bad:
        rows.append(cf.row_for(h, **{"订单号": "300002", "订单状态": "火星", "下单时间": "2026-11-20 08:00:00"}))
    return cf.write_csv(tmp_path / "jd.csv", rows)


def _dialog(qtbot, sqlite_db, tmp_path, path):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path, current_actor())
    d = ImportDialog(ctx, path)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.plan is not None or "error" in d.summary.styleSheet() or "c62828" in d.summary.styleSheet(),
                    timeout=10000)
    return d


def test_preview_shows_what_will_be_created_before_anything_is_written(qtbot, sqlite_db, tmp_path):
    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path))
    assert "Will create 1, update 0" in d.summary.text()
    assert d.creates.rowCount() == 1 and d.creates.item(0, 2).text() == "300001"
    assert d.import_button.isEnabled()
    from shop_orders.services.browse import OrderBrowser
    from shop_orders.store.grid import GridQuery

    assert OrderBrowser(sqlite_db).count(GridQuery()) == 0  # nothing yet
    d.import_button.click()
    qtbot.waitUntil(lambda: d.result is not None, timeout=10000)
    assert "created 1" in d.summary.text() and OrderBrowser(sqlite_db).count(GridQuery()) == 1


def test_problems_are_listed_by_row_and_column_and_block_the_import_unless_skipped(qtbot, sqlite_db, tmp_path):
    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path, bad=True))
    assert d.problems.rowCount() == 1
    assert [d.problems.item(0, c).text() for c in range(3)] == ["3", "订单状态", "unknown order status '火星'"]
    assert not d.import_button.isEnabled()
    d.skip_invalid.setChecked(True)
    assert d.import_button.isEnabled()


def test_a_file_that_cannot_be_read_is_explained_in_the_dialog(qtbot, sqlite_db, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    d = _dialog(qtbot, sqlite_db, tmp_path, junk)
    assert "damaged" in d.summary.text() and not d.import_button.isEnabled()


def test_export_action_writes_the_current_filter_in_the_background(make_window, sqlite_db, qtbot, tmp_path, monkeypatch):
    make_order(sqlite_db)
    make_order(sqlite_db)
    w = make_window()
    dest = tmp_path / "books.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    w.export_orders()
    qtbot.waitUntil(lambda: "Exported 2 orders" in w.statusBar().currentMessage(), timeout=10000)
    ws = load_workbook(dest)["Orders"]
    assert ws.max_row == 3 and "Currency" in [c.value for c in ws[1]]
