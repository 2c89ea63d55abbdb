"""File → Restore from backup: the window restores a checked backup in a worker, waits (cancellable)
for other seats, keeps the replaced store, and shows the backup's orders afterwards. Both backends."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton
from sqlalchemy import text

from shop_orders.services.backup import backup
from shop_orders.services.context import AppContext, current_actor
from shop_orders.store import seats
from shop_orders.store.db import sqlite_path
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.main_window import MainWindow
from shop_orders.ui.order_model import OrderNoRole
from tests.factories import make_order


@pytest.fixture
def window(qtbot, db, tmp_path, qsettings):
    made = []

    def _make():
        ctx = AppContext(db, tmp_path, tmp_path / "backups", current_actor())
        w = MainWindow(ctx, qsettings=qsettings, poll_ms=200)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield _make
    for w in made:
        w.background.poll_timer.stop()
        w.background.tick_timer.stop()
        w.stop_workers()


def _grid_order_nos(w) -> set[str]:
    return {w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())}


def _choose(monkeypatch, path: Path, answer=QMessageBox.StandardButton.Yes) -> dict[str, list]:
    shown: dict[str, list] = {"question": [], "information": [], "warning": []}
    monkeypatch.setattr(FileDialog, "ask_open", classmethod(lambda cls, *a, **k: (shown.setdefault("open", []).append(k),
                                                                                   path)[1]))

    def question(*a, **_k):
        shown["question"].append(a[2])
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **_k: shown["information"].append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **_k: shown["warning"].append(a[2]))
    return shown


class OtherSeat:
    """Another running app connected to the store: a live process registered as a seat."""

    def __init__(self, db) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        path = sqlite_path(db.url)
        self.conn = None
        if path is not None:
            folder = seats.seats_dir(path)
            folder.mkdir(exist_ok=True)
            now = datetime.now(UTC).isoformat()
            (folder / f"other-{self.proc.pid}.json").write_text(json.dumps({
                "host": seats._host(), "pid": self.proc.pid, "user": "u", "app": "gui", "since": now,
                "last_seen": now}))
        else:
            self.conn = db.engine.connect()
            name = f"{seats.PG_PREFIX}gui:{self.proc.pid}:{seats._host()}"[:63]
            self.conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": name})
            self.conn.commit()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.proc.kill()
        self.proc.wait()


def test_restore_from_the_menu_shows_the_backups_orders_and_keeps_the_replaced_store(
        window, db, tmp_path, qtbot, monkeypatch):
    kept = {make_order(db), make_order(db)}
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    later = make_order(db)  # a change after the backup
    seat = seats.join(db, "gui")  # the window's own seat, as run_gui joins it: it must not count
    try:
        w = window()
        qtbot.waitUntil(lambda: _grid_order_nos(w) == kept | {later}, timeout=5000)
        shown = _choose(monkeypatch, report.path)
        w.findChild(type(w.store_actions.restore_action), "restoreAction").trigger()
        qtbot.waitUntil(lambda: w.store_actions.restore_action.isEnabled() and w.store_actions.restore_result is not None, timeout=30000)
    finally:
        seat.leave()
    assert shown["open"][0]["start"] == tmp_path / "backups" and shown["open"][0]["protected"] == db.own_files()
    assert "kept as a copy" in shown["question"][0]
    assert shown["warning"] == []
    before = list((tmp_path / "backups").glob("before-restore-*.sqlite3"))
    assert len(before) == 1
    assert shown["information"] == [f"The backup was restored; the replaced store was kept as {before[0]}."]
    assert "Restored 2 orders from b.sqlite3." in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: _grid_order_nos(w) == kept, timeout=5000)  # the grid refreshed to the backup's orders
    assert w.background.poll_timer.isActive()


def test_declining_the_confirmation_replaces_nothing(window, db, tmp_path, qtbot, monkeypatch):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    make_order(db)
    w = window()
    shown = _choose(monkeypatch, report.path, answer=QMessageBox.StandardButton.No)
    w.store_actions.restore_action.trigger()
    assert w.findChild(QProgressDialog, "restoreProgress") is None and not hasattr(w, "restore_task")
    assert len(shown["question"]) == 1 and not list((tmp_path / "backups").glob("before-restore-*"))
    qtbot.waitUntil(lambda: len(_grid_order_nos(w)) == 2, timeout=5000)


def test_cancel_while_waiting_for_another_seat_replaces_nothing(window, db, tmp_path, qtbot, monkeypatch):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    later = make_order(db)
    other = OtherSeat(db)
    try:
        w = window()
        shown = _choose(monkeypatch, report.path)
        w.store_actions.restore_action.trigger()
        dialog = w.findChild(QProgressDialog, "restoreProgress")
        qtbot.waitUntil(lambda: "Waiting for 1 other seat(s) to close: " in dialog.labelText(), timeout=15000)
        assert f"pid {other.proc.pid}" in dialog.labelText() and not w.store_actions.restore_action.isEnabled()
        dialog.findChild(QPushButton).click()  # the person cancels
        qtbot.waitUntil(lambda: w.store_actions.restore_action.isEnabled(), timeout=10000)
    finally:
        other.close()
    assert w.statusBar().currentMessage() == "The restore was cancelled; nothing was replaced."
    assert shown["warning"] == [] and shown["information"] == []
    assert not list((tmp_path / "backups").glob("*before-restore-*")) and not list((tmp_path / "backups").glob(".*"))
    qtbot.waitUntil(lambda: later in _grid_order_nos(w) and len(_grid_order_nos(w)) == 2, timeout=5000)


def test_restore_over_a_tampered_store_says_it_was_kept_as_damaged(window, db, tmp_path, qtbot, monkeypatch):
    kept = make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    make_order(db)
    with db.engine.begin() as c:  # someone edits the trail behind the app's back
        c.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 1"))
    w = window()
    shown = _choose(monkeypatch, report.path)
    w.store_actions.restore_action.trigger()
    qtbot.waitUntil(lambda: w.store_actions.restore_result is not None, timeout=30000)
    damaged = list((tmp_path / "backups").glob("damaged-before-restore-*.sqlite3"))
    assert len(damaged) == 1 and shown["warning"] == []
    assert shown["information"][0].startswith("The backup was restored; the replaced store failed its checks (")
    assert shown["information"][0].endswith(f"and was kept as {damaged[0]} for investigation.")
    qtbot.waitUntil(lambda: _grid_order_nos(w) == {kept}, timeout=5000)


def test_a_backup_that_fails_its_checks_is_refused_with_one_warning_and_nothing_replaced(
        window, db, tmp_path, qtbot, monkeypatch):
    from shop_orders.services.backup import manifest_path

    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    manifest_path(report.path).unlink()
    make_order(db)
    w = window()
    shown = _choose(monkeypatch, report.path)
    w.store_actions.restore_action.trigger()
    qtbot.waitUntil(lambda: len(shown["warning"]) == 1, timeout=30000)
    assert "b.sqlite3 has no manifest" in shown["warning"][0] and shown["information"] == []
    assert w.store_actions.restore_action.isEnabled() and w.store_actions.restore_result is None
    assert not list((tmp_path / "backups").glob("*before-restore-*"))
    qtbot.waitUntil(lambda: len(_grid_order_nos(w)) == 2, timeout=5000)


def test_the_restored_stores_staleness_thresholds_apply_to_the_grid(window, db, tmp_path, qtbot, monkeypatch):
    from shop_orders.domain.staleness import Thresholds
    from shop_orders.services import settings
    from shop_orders.services.uow import UnitOfWork
    from tests.factories import ALICE

    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")  # default thresholds
    w = window()
    custom = Thresholds(48)
    with UnitOfWork(db) as uow:
        settings.set_thresholds(uow, ALICE, custom)
        uow.commit()
    w.model.set_thresholds(custom)
    _choose(monkeypatch, report.path)
    w.store_actions.restore_action.trigger()
    qtbot.waitUntil(lambda: w.store_actions.restore_result is not None, timeout=30000)
    assert w.model.query.thresholds == Thresholds()


def test_quitting_while_the_restore_waits_for_a_seat_stops_it_and_replaces_nothing(
        window, db, tmp_path, qtbot, monkeypatch):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path / "backups")
    make_order(db)
    other = OtherSeat(db)
    try:
        w = window()
        _choose(monkeypatch, report.path)
        w.store_actions.restore_action.trigger()
        dialog = w.findChild(QProgressDialog, "restoreProgress")
        qtbot.waitUntil(lambda: "Waiting for 1 other seat(s)" in dialog.labelText(), timeout=15000)
        assert w.store_actions.restore_task in w.workers.running()
        assert w.workers.cancel_and_wait(timeout_s=10)  # what closing the window does
    finally:
        other.close()
    assert not list((tmp_path / "backups").glob("*before-restore-*"))
    with db.read_session() as s:
        from shop_orders.store import queries
        assert len(list(queries.iter_orders(s, queries.OrderFilter()))) == 2
