"""A second PC joining the shop's server, in the window: the Connect dialog with its own password
field, a seat without the store's audit key told it may read but not write, and the key imported
from Tools (issue 24)."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from shop_orders.services.context import AppContext, current_actor
from shop_orders.store import keys
from shop_orders.store.open import open_database
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.first_run import TARGET_SETTING, ConnectDialog
from shop_orders.ui.main_window import MainWindow
from tests.factories import make_order
from tests.ui.conftest import settle


def test_the_connect_dialog_takes_the_password_apart_from_the_address(qtbot, qsettings, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    d = ConnectDialog(None, qsettings)
    qtbot.addWidget(d)
    assert d.password.echoMode() == d.password.EchoMode.Password  # not readable over the shoulder
    assert ":password@" not in d.url.placeholderText()
    d.url.setText("postgresql://shop@192.0.2.10:5432/shop")
    d.password.setText("p@ss:word")
    d.save()
    assert qsettings.value(TARGET_SETTING) == "postgresql://shop@192.0.2.10:5432/shop"
    pgpass = tmp_path / "pgpass"
    assert pgpass.read_text() == "192.0.2.10:5432:shop:shop:p@ss\\:word\n"
    assert stat.S_IMODE(os.stat(pgpass).st_mode) == 0o600


def test_the_file_menu_connects_to_a_shop_server_once_the_store_has_orders(make_window, sqlite_db, qtbot, monkeypatch):
    make_order(sqlite_db)
    w = make_window()
    asked = []
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a: asked.append(True)))
    file_menu = w.menuBar().actions()[0].menu()
    assert w.store_actions.connect_action in file_menu.actions()
    w.store_actions.connect_action.trigger()
    assert asked == [True]


def test_a_seat_without_the_key_says_so_and_imports_it_from_tools(qtbot, sqlite_db, tmp_path, qsettings, clock,
                                                                 monkeypatch):
    no = make_order(sqlite_db)
    key_file = tmp_path / "usb" / "shop.key"
    key_file.parent.mkdir()
    keys.write_private(key_file, sqlite_db.chain_key.to_json(), exclusive=True)
    other = open_database(sqlite_db.url.database, data_dir=tmp_path / "other-seat")  # another PC's data folder
    try:
        assert other.chain_key is None
        ctx = AppContext(other, tmp_path / "other-seat", tmp_path / "backups", current_actor())
        w = MainWindow(ctx, qsettings=qsettings, poll_ms=200, clock=lambda: clock.now + timedelta(0), sweep_ms=0)
        qtbot.addWidget(w)
        w.show()
        settle(qtbot, w)
        assert w.notice.isVisibleTo(w) and "may read the orders but not change them" in w.notice.label.text()
        said = []
        monkeypatch.setattr(FileDialog, "ask_open", classmethod(lambda cls, *a, **k: Path(key_file)))
        monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
        w.store_actions.key_import_action.trigger()
        qtbot.waitUntil(lambda: bool(said), timeout=20000)
        assert "This seat may now write" in said[0] and not w.notice.isVisibleTo(w)
        assert other.chain_key is not None
        from shop_orders.services import orders
        from tests.factories import apply

        apply(other, orders.edit, no, {"buyer": "from the second PC"})
        w.close()
    finally:
        other.dispose()


def test_the_window_fits_a_1366_by_768_screen(make_window):
    w = make_window()
    room = w.screen().availableGeometry()
    assert w.width() <= room.width() and w.height() <= room.height()


def test_the_window_says_when_a_restore_waits_for_this_seat(make_window, sqlite_db, qtbot):
    from shop_orders.store import seats

    w = make_window(poll_ms=100)
    with seats.announcing_restore(sqlite_db, "olivia"):
        qtbot.waitUntil(lambda: "is waiting to restore a backup" in w.statusBar().currentMessage(), timeout=5000)
    assert "olivia on" in w.statusBar().currentMessage()


def test_a_new_pc_joins_the_shop_server_without_making_a_local_owner(qtbot, sqlite_db, monkeypatch):
    from shop_orders.services import seat
    from shop_orders.ui.users import FirstOwnerDialog

    ctx = AppContext(sqlite_db, Path(sqlite_db.url.database).parent, Path("/nonexistent"), current_actor())
    d = FirstOwnerDialog(ctx)
    qtbot.addWidget(d)
    started = []
    monkeypatch.setattr(ConnectDialog, "ask", classmethod(lambda cls, *a: "postgresql://shop@server/shop"))
    monkeypatch.setattr(seat, "restart", lambda *a: started.append(True))
    from PySide6.QtWidgets import QPushButton

    d.findChild(QPushButton, "joinServer").click()
    assert started == [True] and d.result() == d.DialogCode.Rejected and d.user is None


def test_the_app_asks_for_the_servers_password_when_nothing_gave_it(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from shop_orders import app
    from shop_orders.services.context import DB_PASSWORD_ENV, NoPassword

    monkeypatch.setenv(DB_PASSWORD_ENV, "")  # recorded, so what the app sets is undone after the test
    monkeypatch.delenv(DB_PASSWORD_ENV)
    tries = []

    def open_context(target, create):
        tries.append(os.environ.get(DB_PASSWORD_ENV))
        if len(tries) == 1:
            raise NoPassword("The database server for postgresql://shop@server/shop asks for a password")
        return "opened"

    asked = []
    monkeypatch.setattr(app, "open_context", open_context)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: asked.append(a[2]) or ("s3cret", True)))
    assert app._open_asking_password("postgresql://shop@server/shop") == "opened"
    assert tries == [None, "s3cret"] and "asks for a password" in asked[0]
    assert "s3cret" not in asked[0]
