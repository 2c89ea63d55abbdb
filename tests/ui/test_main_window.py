"""The main window shell on the offscreen platform: menus, overview counts, status bar."""

from datetime import timedelta

import pytest

from shop_orders.app import AppContext, current_actor
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.ui.main_window import MainWindow
from tests.factories import apply, make_order


@pytest.fixture
def window(qtbot, sqlite_db, tmp_path, clock):
    a = make_order(sqlite_db)
    make_order(sqlite_db)
    apply(sqlite_db, orders.record_payment, a, 100)
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def test_status_bar_shows_the_database_and_order_counts(window, qtbot, sqlite_db):
    assert sqlite_db.where in window.db_label.text()
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("2 orders"), timeout=5000)
    assert "stale" in window.counts_label.text()


def test_overview_lists_every_status_with_its_count(window, qtbot):
    rows = {window.summary.item(r, 0).text(): r for r in range(window.summary.rowCount())}
    assert set(s.label() for s in Status) <= set(rows)
    qtbot.waitUntil(lambda: window.summary.item(rows["Partially paid"], 2).text() == "1", timeout=5000)
    assert window.summary.item(rows["Awaiting payment"], 2).text() == "1"
    assert window.summary.item(rows["Shipped"], 2).text() == "0"
    assert window.summary.item(rows["Partially paid"], 1).text() == "部分付款"


def test_refresh_picks_up_changes_made_elsewhere(window, qtbot, sqlite_db):
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("2 orders"), timeout=5000)
    make_order(sqlite_db)
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("3 orders"), timeout=5000)


def test_menus_offer_backup_refresh_and_quit(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Help"]
    assert window.backup_action.isEnabled()


def test_backup_from_the_menu_runs_in_the_background_and_reports(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    dest = tmp_path / "menu-backup.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    window.back_up()
    qtbot.waitUntil(lambda: "Backup written and checked" in window.statusBar().currentMessage(), timeout=10000)
    assert dest.exists() and window.backup_action.isEnabled()


def test_stale_orders_are_counted_in_the_status_bar(qtbot, sqlite_db, tmp_path, clock):
    clock.now -= timedelta(days=30)  # made long ago, never touched since
    make_order(sqlite_db, clock)
    w = MainWindow(AppContext(sqlite_db, tmp_path, tmp_path, current_actor()))
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: "1 stale" in w.counts_label.text(), timeout=5000)
