"""The order grid window on the offscreen platform: filters, search, sort, flags, detail,
actions with conflicts, live refresh from another process, copying, layout memory."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from shop_orders.domain.staleness import Level, Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.ui import dialogs
from shop_orders.ui.order_model import COLUMNS, OrderIdRole, OrderNoRole, StaleLevelRole, StatusRole
from tests.factories import apply, ctx, make_order
from tests.ui.conftest import settle

ROOT = Path(__file__).resolve().parents[2]


def col(key):
    return [k for k, _ in COLUMNS].index(key)


def grid_order_nos(w):
    m = w.model
    return [m.index(r, 0).data(OrderNoRole) for r in range(m.rowCount())]


@pytest.fixture
def shop(sqlite_db, clock):
    """Six orders: ages 1 h, 47 h 59 m, 48 h, 71 h 59 m, 72 h, and a cancelled one 10 days old."""
    start = clock.now
    made = {}
    for name, age in [("fresh", timedelta(hours=1)), ("almost_amber", timedelta(hours=48) - timedelta(minutes=1)),
                      ("amber", timedelta(hours=48)), ("almost_red", timedelta(hours=72) - timedelta(minutes=1)),
                      ("red", timedelta(hours=72)), ("done", timedelta(days=10))]:
        clock.now = start - age
        made[name] = make_order(sqlite_db, clock, buyer=f"buyer-{name}", phone="1390000" + str(len(made)).zfill(4),
                                channel="jd" if name in ("amber", "red") else "taobao")
    clock.now = start - timedelta(days=10)
    apply(sqlite_db, orders.transition, made["done"], "cancelled", clock=clock, context=ctx(reason="test"))
    clock.now = start
    return made


def test_the_model_passes_the_qt_model_tester(qtmodeltester, make_window, shop):
    w = make_window()
    qtmodeltester.check(w.model, force_py=True)


def test_grid_shows_every_order_newest_update_first_with_exact_count(make_window, shop):
    w = make_window()
    assert w.model.rowCount() == 6
    assert grid_order_nos(w)[0] == shop["fresh"] and grid_order_nos(w)[-1] == shop["done"]
    idx = w.model.index(0, col("status"))
    assert idx.data() == "Awaiting payment" and idx.data(StatusRole) == "awaiting_payment"
    assert w.model.index(0, col("total")).data() == "375.00 CNY"


def test_red_and_amber_flags_at_the_exact_threshold_edges(make_window, shop):
    w = make_window()
    levels = {w.model.index(r, 0).data(OrderNoRole): w.model.index(r, 0).data(StaleLevelRole) for r in range(6)}
    assert levels[shop["fresh"]] == Level.FRESH.value
    assert levels[shop["almost_amber"]] == Level.FRESH.value
    assert levels[shop["amber"]] == Level.AMBER.value
    assert levels[shop["almost_red"]] == Level.AMBER.value
    assert levels[shop["red"]] == Level.RED.value
    assert levels[shop["done"]] == Level.FRESH.value  # cancelled: never stale
    red_row = grid_order_nos(w).index(shop["red"])
    assert w.model.index(red_row, 0).data(Qt.ItemDataRole.ToolTipRole).startswith("No update for 3 d 0 h")


def test_status_bar_counts_stale_and_one_click_filters_to_them(make_window, shop, qtbot):
    w = make_window()
    qtbot.waitUntil(lambda: w.stale_button.text() == "⚑ 1 stale", timeout=5000)
    assert "6 of 6 orders" in w.counts_label.text()
    qtbot.mouseClick(w.stale_button, Qt.MouseButton.LeftButton)
    settle(qtbot, w)
    assert grid_order_nos(w) == [shop["red"]]
    assert w.filters.stale_item.text(1) == "1" and w.filters.status_items[Status.CANCELLED].text(1) == "1"


def test_side_list_filters_by_status_and_channel(make_window, shop, qtbot):
    w = make_window()
    w.filters.select_status(Status.CANCELLED)
    settle(qtbot, w)
    assert grid_order_nos(w) == [shop["done"]]
    w.filters.tree.clearSelection()
    w.filters.channel_items["jd"].setSelected(True)
    settle(qtbot, w)
    assert sorted(grid_order_nos(w)) == sorted([shop["amber"], shop["red"]])


def test_quick_search_is_debounced_and_finds_by_phone_and_order_number(make_window, shop, qtbot):
    w = make_window()
    qtbot.keyClicks(w.filters.search, "13900000004")
    assert w.model.rowCount() == 6  # not yet: debounced
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=3000)
    assert grid_order_nos(w) == [shop["red"]]
    w.filters.search.setText(shop["amber"])
    qtbot.keyClick(w.filters.search, Qt.Key.Key_Return)  # Enter searches at once
    settle(qtbot, w)
    assert grid_order_nos(w) == [shop["amber"]]


def test_ctrl_f_focuses_search(make_window, shop, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(w.filters.search.hasFocus, timeout=3000)


def test_header_click_sorts_in_sql_and_keeps_the_selection(make_window, shop, qtbot):
    w = make_window()
    w.view.selectRow(grid_order_nos(w).index(shop["amber"]))
    w.view.sortByColumn(col("buyer"), Qt.SortOrder.AscendingOrder)
    settle(qtbot, w)
    buyers = [w.model.index(r, col("buyer")).data() for r in range(6)]
    assert buyers == sorted(buyers)
    assert w.view.currentIndex().data(OrderNoRole) == shop["amber"]
    w.view.sortByColumn(col("buyer"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, w)
    assert [w.model.index(r, col("buyer")).data() for r in range(6)] == sorted(buyers, reverse=True)


def test_detail_panel_shows_the_trust_chain_newest_first(make_window, shop, sqlite_db, qtbot):
    apply(sqlite_db, orders.record_payment, shop["fresh"], 37500, context=ctx("bob", source="import:taobao.csv"))
    w = make_window()
    w.view.selectRow(grid_order_nos(w).index(shop["fresh"]))
    qtbot.waitUntil(lambda: shop["fresh"] in w.detail.title.text(), timeout=5000)
    h = w.detail.history
    rows = [[h.item(r, c).text() for c in range(5)] for r in range(h.rowCount())]
    assert rows[0][1:4] == ["bob", "import: taobao.csv", "status: Awaiting payment → Awaiting shipment"]
    assert rows[1][3] == "paid amount: 0.00 → 375.00" and "375.00 CNY" in rows[-1][3]
    assert w.detail.lifecycle.stage.name == "PAID"
    assert w.detail.lines.rowCount() == 2 and w.detail.payments.rowCount() == 1


def test_actions_go_through_the_services_and_are_audited(make_window, shop, monkeypatch, qtbot):
    w = make_window()
    w.view.selectRow(grid_order_nos(w).index(shop["fresh"]))
    monkeypatch.setattr(dialogs.PaymentDialog, "ask", classmethod(lambda cls, *a: dialogs.PaymentAnswer(10000, "alipay", "T1")))
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.order_actions.record_payment()  # written in a worker
    settle(qtbot, w)
    assert w.view.currentIndex().data(OrderNoRole) == shop["fresh"]
    assert w.model.index(w.view.currentIndex().row(), col("status")).data() == "Partially paid"
    monkeypatch.setattr(dialogs.EditContactDialog, "ask", classmethod(lambda cls, *a: ({"phone": "13711112222"}, "customer called")))
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.order_actions.edit_contact()
    settle(qtbot, w)
    assert w.detail.fields["phone"].text() == "13711112222"
    assert w.detail.history.item(0, 4).text() == "customer called"


def test_a_conflicting_change_reloads_and_says_so_without_overwriting(make_window, shop, sqlite_db, monkeypatch,
                                                                      qtbot):
    w = make_window(poll_ms=60_000)  # no live refresh: this window still shows the old version
    w.view.selectRow(grid_order_nos(w).index(shop["fresh"]))
    settle(qtbot, w)
    apply(sqlite_db, orders.edit, shop["fresh"], {"phone": "13500000000"}, context=ctx("bob", reason="other seat"))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    monkeypatch.setattr(dialogs.ChangeStatusDialog, "ask", classmethod(lambda cls, *a: (Status.CANCELLED, "duplicate")))
    with qtbot.waitSignal(w.changeFinished, timeout=10000) as finished:
        w.order_actions.change_status()
    settle(qtbot, w)
    assert finished.args == ["conflict"]
    assert warnings and "changed by someone else" in warnings[0]
    assert w.detail.fields["phone"].text() == "13500000000"  # reloaded
    assert w.model.index(w.view.currentIndex().row(), col("status")).data() == "Awaiting payment"  # not cancelled


def test_refused_transitions_show_the_reason(make_window, shop, monkeypatch, qtbot):
    w = make_window()
    w.view.selectRow(grid_order_nos(w).index(shop["fresh"]))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    monkeypatch.setattr(dialogs.ChangeStatusDialog, "ask", classmethod(lambda cls, *a: (Status.CANCELLED, "")))
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.order_actions.change_status()
    assert warnings == [f"Cancelling {shop['fresh']} needs a reason."]


def test_change_status_dialog_offers_only_allowed_manual_targets(qtbot):
    d = dialogs.ChangeStatusDialog(None, "SO-1", Status.AWAITING_PAYMENT, "en")
    qtbot.addWidget(d)
    offered = [d.combo.itemData(i) for i in range(d.combo.count())]
    assert offered == ["awaiting_shipment", "cancelled"]  # never the derived 'partially paid'


def test_a_change_by_another_process_appears_within_two_seconds_keeping_selection_and_scroll(
        make_window, shop, sqlite_db, qtbot, clock):
    for _ in range(60):
        make_order(sqlite_db, clock)
    w = make_window(poll_ms=200)
    w.resize(1200, 500)
    target_row = 40
    w.view.selectRow(target_row)
    keep = w.view.currentIndex().data(OrderIdRole)
    w.view.verticalScrollBar().setValue(20)
    scroll = w.view.verticalScrollBar().value()
    red_row = grid_order_nos(w).index(shop["red"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "shop_orders", "--db", sqlite_db.url.database, "pay", shop["red"], "1.00",
                    "--method", "cash"], check=True, env=env, capture_output=True, timeout=60)
    qtbot.waitUntil(lambda: w.model.index(red_row, col("paid")).data() == "1.00"
                    or shop["red"] not in grid_order_nos(w)[red_row:red_row + 1], timeout=2000)
    assert w.view.currentIndex().data(OrderIdRole) == keep
    assert w.view.verticalScrollBar().value() == scroll


def test_ctrl_c_copies_selected_rows_as_tab_separated_text_with_header(make_window, shop):
    w = make_window()
    w.view.selectRow(0)
    w.table.copy_action.trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:4] == ["Order", "Status", "Short of stock", "Channel"]  # short: beside the status
    assert lines[1].split("\t")[0] == shop["fresh"] and len(lines) == 2


def test_settings_change_thresholds_for_every_seat_and_the_flags_follow(make_window, shop, monkeypatch, sqlite_db,
                                                                        qtbot):
    w = make_window()
    monkeypatch.setattr(dialogs.SettingsDialog, "ask", classmethod(
        lambda cls, *a: (Thresholds(72, {Status.AWAITING_PAYMENT: 1}), "zh_CN", a[-1])))
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.store_actions.open_settings()
    settle(qtbot, w)
    from shop_orders.services.browse import OrderBrowser

    assert OrderBrowser(sqlite_db).thresholds().per_status == {Status.AWAITING_PAYMENT: 1}
    assert w.qsettings.value("ui/language") == "zh_CN"
    red = {w.model.index(r, 0).data(OrderNoRole) for r in range(6) if w.model.index(r, 0).data(StaleLevelRole) == 2}
    assert red == {shop[k] for k in ("fresh", "almost_amber", "amber", "almost_red", "red")}


def test_column_choice_order_and_window_geometry_are_remembered(make_window, shop):
    w = make_window()
    h = w.view.horizontalHeader()
    h.setSectionHidden(col("courier"), True)
    h.moveSection(h.visualIndex(col("status")), 1)
    w.close()
    w2 = make_window()
    h2 = w2.view.horizontalHeader()
    assert h2.isSectionHidden(col("courier")) and h2.visualIndex(col("status")) == 1


def test_backup_from_the_menu_runs_in_the_background_and_reports(make_window, shop, qtbot, tmp_path, monkeypatch):
    from shop_orders.ui.file_dialogs import FileDialog

    w = make_window()
    dest = tmp_path / "menu-backup.sqlite3"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    w.store_actions.back_up()
    qtbot.waitUntil(lambda: "Backup written and checked" in w.statusBar().currentMessage(), timeout=10000)
    assert dest.exists() and w.store_actions.backup_action.isEnabled()


def test_past_one_page_the_exact_count_arrives_from_a_worker_and_ctrl_end_reaches_the_last_row(
        make_window, sqlite_db, qtbot, clock, qtmodeltester):
    from shop_orders.services import demo
    from shop_orders.services.uow import UnitOfWork

    with UnitOfWork(sqlite_db, clock=clock) as uow:
        demo.fill(uow, ctx(source="demo"), 450, seed=2)
        uow.commit()
    w = make_window()
    assert w.model.rowCount() in (200, 450)  # the first page at once...
    qtbot.waitUntil(lambda: w.model.rowCount() == 450, timeout=3000)  # ...every row once counted
    assert w.model.count_is_exact
    qtmodeltester.check(w.model, force_py=True)
    w.table.end_action.trigger()
    assert w.view.currentIndex().row() == 449
    updated = [w.model.row_at(r).updated_at for r in (0, 199, 200, 448, 449)]
    assert updated == sorted(updated, reverse=True)  # pages read from the far end keep the order
    qtbot.waitUntil(lambda: "450 of 450 orders" in w.counts_label.text(), timeout=3000)


def test_enter_on_a_row_opens_its_detail(make_window, shop, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.splitter.setSizes([1000, 0])  # detail collapsed
    w.view.setFocus()
    w.view.setCurrentIndex(w.model.index(2, 0))
    qtbot.keyClick(w.view, Qt.Key.Key_Return)
    settle(qtbot, w)
    assert w.splitter.sizes()[1] > 0
    assert w.model.index(2, 0).data(OrderNoRole) in w.detail.title.text()


def test_row_context_menu_offers_the_order_actions(make_window, shop):
    w = make_window()
    assert w.view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    names = {a.objectName() for a in w.actions()}
    assert {"changeStatus", "recordPayment", "editContact", "copyRows", "find", "jumpToEnd"} <= names


def test_backup_from_the_menu_shows_progress_and_a_cancel_leaves_no_file(make_window, shop, qtbot, tmp_path,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

    from shop_orders.ui.file_dialogs import FileDialog

    w = make_window()
    dest = tmp_path / "cancelled-backup.sqlite3"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a))
    real_start = w.workers.start

    def cancel_then_start(task):
        w.findChild(QProgressDialog, "backupProgress").findChild(QPushButton).click()  # the person cancels
        return real_start(task)

    monkeypatch.setattr(w.workers, "start", cancel_then_start)
    w.store_actions.back_up()
    qtbot.waitUntil(lambda: w.store_actions.backup_action.isEnabled(), timeout=10000)
    assert not dest.exists() and not list(tmp_path.glob("cancelled-backup*")) and warnings == []
