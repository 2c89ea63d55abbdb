"""The import dialog (preview, problems, worker with progress, cancel) and the export action."""

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QComboBox, QProgressDialog

from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.import_dialog import ImportDialog
from shop_orders.ui.store_actions import ExportOptionsDialog
from tests import channel_files as cf
from tests.factories import make_order

CHANNEL_FILES = Path(cf.__file__).parent


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
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services.browse import OrderBrowser

    assert OrderBrowser(sqlite_db).count(GridQuery()) == 0  # nothing yet
    d.import_button.click()
    qtbot.waitUntil(lambda: d.result is not None, timeout=10000)
    assert "created 1" in d.summary.text() and OrderBrowser(sqlite_db).count(GridQuery()) == 1


def test_problems_are_listed_by_row_and_column_and_block_the_import_unless_skipped(qtbot, sqlite_db, tmp_path):
    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path, bad=True))
    assert d.problems.rowCount() == 1
    assert [d.problems.item(0, c).text() for c in range(3)] == ["3", "订单状态", "unknown order status '火星' (row 3)"]
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
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    monkeypatch.setattr(ExportOptionsDialog, "ask", classmethod(lambda cls, parent, lang: lang))
    w.export_orders()
    qtbot.waitUntil(lambda: "Exported 2 orders" in w.statusBar().currentMessage(), timeout=10000)
    ws = load_workbook(dest)["Orders"]
    assert ws.max_row == 3 and "Currency" in [c.value for c in ws[1]]


def _phone_sheet(tmp_path):
    return cf.write_csv(tmp_path / "phone-orders.csv", [["电话订单登记"], ["单号", "客户", "状态", "日期", "金额"],
                                                         ["T1", "老王", "已付款", "2026-11-20 10:00", "50"],
                                                         ["T2", "老李", "未付款", "2026-11-21 11:00", "80"]])


def test_mapping_dialog_builds_a_profile_with_live_preview_and_saves_it_for_the_channel(qtbot, sqlite_db, tmp_path):
    from shop_orders.services import settings
    from shop_orders.services.importing import runner
    from shop_orders.ui.mapping_dialog import MappingDialog

    f = _phone_sheet(tmp_path)
    ctx = AppContext(sqlite_db, tmp_path, tmp_path, current_actor())
    d = MappingDialog(ctx, f)
    qtbot.addWidget(d)
    assert [d.columns.item(i).text() for i in range(d.columns.count())] == ["单号", "客户", "状态", "日期", "金额"]
    # it starts from the best guess: every column is already where it belongs
    assert {f: c.currentData() for f, c in d.combos.items() if c.currentData()} == {
        "channel_order_no": "单号", "buyer": "客户", "status": "状态", "created_at": "日期", "total": "金额"}
    d.assign("channel_order_no", None)
    assert not d.save_button.isEnabled()  # no order number column
    d.assign("channel_order_no", "单号")
    d.channel.setCurrentIndex(d.channel.findData("phone"))
    assert d.preview.rowCount() == 2 and d.preview.item(0, 0).text() == "T1"
    words = {d.words.item(r, 0).text(): d.words.cellWidget(r, 1).currentData() for r in range(d.words.rowCount())}
    assert words == {"已付款": "awaiting_shipment", "未付款": "awaiting_payment"}
    assert d.preview.item(1, 1).text() == "Awaiting payment" and d.preview.item(0, 3).text() == "50.00 CNY"
    d.save()
    assert d.saved is not None
    with sqlite_db.read_session() as s:
        [saved] = settings.get_custom_profiles(s)
    assert saved.channel == "phone" and saved.columns["channel_order_no"] == ("单号",)
    plan = runner.prepare(sqlite_db, f)  # auto-detection now knows this layout
    assert plan.profile.code == saved.code and len(plan.creates) == 2 and not plan.problems


def test_cancel_while_a_large_file_is_checked_stops_the_check(qtbot, sqlite_db, tmp_path):
    h = cf.JD_HEADER
    rows = [h] + [cf.row_for(h, **{"订单号": f"7{i:08d}", "订单状态": "等待出库", "下单时间": "2026-11-20 08:00:00"})
                  for i in range(40_000)]
    path = cf.write_csv(tmp_path / "jd-big.csv", rows)
    ctx = AppContext(sqlite_db, tmp_path, tmp_path, current_actor())
    d = ImportDialog(ctx, path)
    qtbot.addWidget(d)
    d.cancel_button.click()  # the check started with the dialog
    qtbot.waitUntil(lambda: d.task is None, timeout=10000)
    assert d.plan is None and "cancelled; nothing was written" in d.summary.text()
    assert not d.import_button.isEnabled()


def test_the_dialog_says_which_layout_matched_how_well_and_which_columns_it_read(qtbot, sqlite_db, tmp_path):
    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path))
    assert d.profile_choice.currentData() == "jd" and d.profile_choice.isEnabled()
    assert d.match_label.text() == f"{len(d.plan.match.columns)} of {len(d.plan.profile.columns)} columns"
    read = {d.used_columns.item(r, 0).text(): d.used_columns.item(r, 1).text()
            for r in range(d.used_columns.rowCount())}
    assert read["订单号"] == "channel order number" and read["订单状态"] == "status" and read["京东价"] == "unit price"


def test_an_unknown_status_word_is_mapped_on_the_spot_and_remembered_for_the_layout(qtbot, sqlite_db, tmp_path,
                                                                                     monkeypatch):
    from shop_orders.domain.status import Status
    from shop_orders.services import settings
    from shop_orders.ui.dialogs import StatusWordsDialog

    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path, bad=True))
    assert d.words_button.isVisibleTo(d) and not d.import_button.isEnabled()
    asked = []
    monkeypatch.setattr(StatusWordsDialog, "ask", classmethod(
        lambda cls, parent, name, words, lang: asked.append(words) or {"火星": Status.CANCELLED}))
    d.words_button.click()
    qtbot.waitUntil(lambda: d.plan is not None, timeout=10000)
    assert asked == [["火星"]]
    assert not d.plan.problems and d.import_button.isEnabled()
    assert {o.channel_order_no: o.status for o in d.plan.creates}["300002"] is Status.CANCELLED
    with sqlite_db.read_session() as s:
        assert settings.get_status_words(s) == {"jd": {"火星": Status.CANCELLED}}


def test_the_status_words_dialog_guesses_by_meaning_and_wants_every_word(qtbot):
    from shop_orders.ui.dialogs import StatusWordsDialog

    d = StatusWordsDialog(None, "x", ["等待买家付款", "交易关闭", "买家已付款，等待卖家发货", "火星"], "en")
    qtbot.addWidget(d)
    assert {w: c.currentData() for w, c in d.choices.items()} == {
        "等待买家付款": "awaiting_payment", "交易关闭": "cancelled", "买家已付款，等待卖家发货": "awaiting_shipment",
        "火星": None}
    assert d.validate() == "Choose the standard status of: 火星"


def test_when_two_layouts_fit_equally_the_person_chooses_before_importing(qtbot, sqlite_db, tmp_path):
    from shop_orders.services import settings
    from shop_orders.services.importing import layouts
    from shop_orders.services.importing.profiles import Profile
    from shop_orders.services.uow import UnitOfWork
    from tests.factories import ctx

    jd = layouts.JD
    twin = Profile("custom-phone-jd-like", "phone", "JD-like phone sheet", dict(jd.columns), dict(jd.statuses),
                   custom=True)
    with UnitOfWork(sqlite_db) as uow:
        settings.save_custom_profile(uow, ctx(), twin)
        uow.commit()
    d = _dialog(qtbot, sqlite_db, tmp_path, _jd_file(tmp_path))
    assert d.must_choose and not d.import_button.isEnabled()
    assert d.profile_choice.itemData(0) is None
    assert {d.profile_choice.itemData(i) for i in (1, 2)} == {"jd", "custom-phone-jd-like"}
    d.profile_choice.setCurrentIndex(d.profile_choice.findData("jd"))
    d.profile_choice.activated.emit(d.profile_choice.currentIndex())
    qtbot.waitUntil(lambda: d.plan is not None, timeout=10000)
    assert d.plan.profile.code == "jd" and d.import_button.isEnabled()


def test_the_export_options_offer_both_languages_starting_with_the_windows_own(qtbot):
    for lang, name in (("zh_CN", "简体中文"), ("en", "English")):
        d = ExportOptionsDialog(None, lang)
        qtbot.addWidget(d)
        combo = d.findChild(QComboBox, "exportLanguage")
        assert combo.currentText() == name and d.chosen() == lang
        assert [combo.itemData(i) for i in range(combo.count())] == ["en", "zh_CN"]
    combo.setCurrentIndex(combo.findData("zh_CN"))
    assert d.chosen() == "zh_CN"


def test_exporting_in_the_other_language_writes_a_chinese_workbook_from_an_english_window(
        make_window, sqlite_db, qtbot, tmp_path, monkeypatch):
    make_order(sqlite_db)
    w = make_window(lang="en")
    dest = tmp_path / "zh.xlsx"
    asked: list = []
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    monkeypatch.setattr(ExportOptionsDialog, "ask",
                        classmethod(lambda cls, parent, lang: asked.append(lang) or "zh_CN"))
    w.export_orders()
    qtbot.waitUntil(lambda: "Exported 1 orders" in w.statusBar().currentMessage(), timeout=10000)
    assert asked == ["en"]  # offered with the window's language first
    wb = load_workbook(dest)
    assert wb.sheetnames == ["订单", "商品明细", "工单", "汇总", "审计记录"] and "状态代码" in [c.value for c in wb["订单"][1]]


def test_cancelling_the_export_options_exports_nothing(make_window, sqlite_db, qtbot, tmp_path, monkeypatch):
    make_order(sqlite_db)
    w = make_window()
    dest = tmp_path / "none.xlsx"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    monkeypatch.setattr(ExportOptionsDialog, "ask", classmethod(lambda cls, parent, lang: None))
    w.export_orders()
    assert w.store_actions.export_task is None and w.findChild(QProgressDialog, "exportProgress") is None
    assert not dest.exists()


def test_a_file_crafted_to_kill_the_reader_is_one_sentence_in_the_dialog(qtbot, sqlite_db, tmp_path):
    """The 5 KB sheet with one cell at XFD1048576 and no dimension aborted the app (issue 23)."""
    from tests.security import hostile

    d = _dialog(qtbot, sqlite_db, tmp_path, hostile.far_cell_without_dimension(tmp_path / "far.xlsx", tmp_path))
    assert "far.xlsx: the sheet reaches 1,048,576 rows x 16,384 columns; refused" in d.summary.text()
    assert not d.import_button.isEnabled()


# ---- the preview counts what the import does; every problem at once (issue 26, item 7) ----------

_WILL = re.compile(r"Will create (\d+), update (\d+); (\d+) unchanged, (\d+) refused, (\d+) problems")


def _preview(d) -> tuple[int, int, int, int]:
    m = _WILL.search(d.summary.text())
    assert m is not None, d.summary.text()
    return int(m[1]), int(m[2]), int(m[3]), int(m[4])


def _import(qtbot, d):
    d.import_button.click()
    qtbot.waitUntil(lambda: d.result is not None, timeout=20000)
    r = d.result
    return r.created, r.updated, r.unchanged, r.refused


@pytest.mark.parametrize("name", ["douyin-orders-2024.csv", "taobao-orderlist-2024.xlsx", "shopify-orders-2025.csv"])
def test_the_previews_counts_are_what_the_import_then_does(qtbot, sqlite_db, tmp_path, name):
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services.browse import OrderBrowser

    path = CHANNEL_FILES / name
    d = _dialog(qtbot, sqlite_db, tmp_path, path)
    said = _preview(d)
    assert said[0] > 0 and d.import_button.isEnabled()
    assert _import(qtbot, d) == said
    assert OrderBrowser(sqlite_db).count(GridQuery()) == said[0]  # the store holds what the preview said
    again = _dialog(qtbot, sqlite_db, tmp_path, path)  # the same file once more: nothing new
    assert _preview(again)[:2] == (0, 0) and _preview(again)[2] >= said[0] - said[3]


def test_every_problem_of_a_file_is_listed_at_once_and_skipping_them_imports_what_the_preview_says(
        qtbot, sqlite_db, tmp_path):
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services.browse import OrderBrowser

    lines = (CHANNEL_FILES / "douyin-orders-2024.csv").read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]]))
    rows = [next(csv.reader([line])) for line in lines[1:]]
    broken = {2: ("订单状态", "火星"), 4: ("商品数量", "three"), 6: ("订单提交时间", "某天")}  # three rows, three kinds
    for i, (column, value) in broken.items():
        rows[i][header.index(column)] = value
    path = tmp_path / "douyin-broken.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    d = _dialog(qtbot, sqlite_db, tmp_path, path)
    listed = {int(d.problems.item(r, 0).text()) for r in range(d.problems.rowCount())}
    assert listed >= {i + 2 for i in broken}, listed  # spreadsheet rows: the header is row 1
    assert d.tabs.tabText(d.tabs.indexOf(d.problems)) == f"Problems ({len(d.plan.problems)})"
    assert not d.import_button.isEnabled() and "Nothing is imported until" in d.summary.text()
    d.skip_invalid.setChecked(True)
    said = _preview(d)
    assert "The rows with problems are skipped" in d.summary.text()
    assert said[0] == len(d.plan.creates) - len(d.plan.invalid_rows() & {o.first_row for o in d.plan.creates})
    assert _import(qtbot, d) == said
    assert OrderBrowser(sqlite_db).count(GridQuery()) == said[0]
