"""A first run that guides: an empty store says what to do next; demo data in a worker with
progress and cancel; connecting this seat to a shop server; the first start says where the store
lives and how it is backed up."""

from __future__ import annotations

import os
import stat

from PySide6.QtWidgets import QMessageBox

from shop_orders.services import seat
from shop_orders.ui.first_run import TARGET_SETTING, ConnectDialog
from tests.factories import make_order
from tests.ui.conftest import settle


def test_an_empty_store_shows_what_to_do_next_where_the_grid_will_be(make_window, qtbot):
    w = make_window()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.guide, timeout=5000)
    names = {b.objectName() for b in w.guide.findChildren(type(w.notice.show_button))}
    assert {"guideImport", "guideDemo", "guideConnect"} <= names


def test_a_store_with_orders_shows_the_grid(make_window, sqlite_db, qtbot):
    make_order(sqlite_db)
    w = make_window()
    qtbot.waitUntil(lambda: w._facets is not None, timeout=5000)
    assert w.stack.currentIndex() == 0


def test_demo_data_is_added_in_a_worker_and_the_grid_replaces_the_guide(make_window, qtbot):
    w = make_window()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.guide, timeout=5000)
    w.guide.findChild(type(w.notice.show_button), "guideDemo").click()
    qtbot.waitUntil(lambda: w.stack.currentIndex() == 0 and w.model.rowCount() > 0, timeout=20000)
    settle(qtbot, w)
    assert w._facets.total == 500


def test_cancelling_demo_data_adds_none(make_window, qtbot, monkeypatch, sqlite_db):
    w = make_window()
    real_start = w.workers.start

    def cancel_first(task):
        task.cancel()  # the person presses Cancel at once
        return real_start(task)

    monkeypatch.setattr(w.workers, "start", cancel_first)
    w.store_actions.add_demo_orders()
    qtbot.waitUntil(lambda: "cancelled; none were added" in w.statusBar().currentMessage(), timeout=10000)
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services.browse import OrderBrowser

    assert OrderBrowser(sqlite_db).count(GridQuery()) == 0


def test_the_first_start_says_where_the_store_lives_and_how_it_is_backed_up(make_window, sqlite_db, qsettings):
    w = make_window()
    assert w.notice.isVisibleTo(w)
    text = w.notice.label.text()
    assert str(sqlite_db.where) in text and "Back them up with File → Back up database…" in text
    w.close()
    assert not make_window().notice.isVisibleTo(w)  # once per seat


def test_connecting_to_a_shop_server_saves_the_address_without_its_password(qtbot, qsettings, tmp_path,
                                                                            monkeypatch, pg_admin_url):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    d = ConnectDialog(None, qsettings)
    qtbot.addWidget(d)
    d.url.setText("mysql://nope")
    d.test()
    assert "starts with postgresql://" in d.result.text()
    d.url.setText(pg_admin_url)
    d.test()
    qtbot.waitUntil(lambda: d.task is None, timeout=20000)
    assert d.result.text()  # one sentence either way (the admin database has no store: it says so)
    d.url.setText("postgresql://shop:s3cret@192.0.2.10:5432/shop")
    d.save()
    assert qsettings.value(TARGET_SETTING) == "postgresql://shop@192.0.2.10:5432/shop"
    pgpass = tmp_path / "pgpass"
    assert pgpass.read_text() == "192.0.2.10:5432:shop:shop:s3cret\n"
    assert stat.S_IMODE(os.stat(pgpass).st_mode) == 0o600
    seat.remember_password("postgresql://shop@192.0.2.10:5432/shop", "new")  # replaced, not added
    assert pgpass.read_text() == "192.0.2.10:5432:shop:shop:new\n"


def test_the_guide_connect_button_asks_then_offers_a_restart(make_window, qtbot, monkeypatch):
    w = make_window()
    asked = []
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a: "postgresql://shop@server/shop"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    w.guide.findChild(type(w.notice.show_button), "guideConnect").click()
    assert asked and "next start" in asked[0]


def test_demo_orders_from_another_connection_replace_the_guide_within_the_poll(make_window, sqlite_db, qtbot):
    """The README's `shop-orders --user NAME demo` while the window stays open (issue 26 item 10):
    orders written by another connection take the guide's place without a click."""
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import demo

    w = make_window()
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.guide, timeout=5000)
    demo.add_demo_orders(sqlite_db, ChangeContext(Actor("olivia", "owner"), "demo"), 40, seed=7)
    qtbot.waitUntil(lambda: w.stack.currentIndex() == 0 and w.model.rowCount() == 40, timeout=10000)
    settle(qtbot, w)
