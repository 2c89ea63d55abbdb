"""Nothing but SQLite touches the store's files; a WAL deleted under the app stops its writes.

POSIX locks belong to the process: closing any handle on the database, `-wal` or `-shm` drops
the locks SQLite holds there, and a second process may then checkpoint and delete the WAL under
the running app, whose later commits go to an unlinked file and are lost. Qt's stock file
dialog reads `-wal`/`-shm` to guess their type. These tests watch the store's folder with
inotify (it sees opens by this process too) while every file dialog of the app lists it.
SQLite keeps its read-write handles open for the connection's life; a handle opened read-only
and closed again (IN_CLOSE_NOWRITE) is exactly what a sniffing dialog leaves behind.
"""

from __future__ import annotations

import ctypes
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QFileSystemModel

from shop_orders.store.errors import StoreFilesChanged
from shop_orders.ui.file_dialogs import FileDialog, NameOnlyIconProvider
from tests.factories import make_order
from tests.ui.conftest import make_window, qsettings  # noqa: F401 - the GUI fixtures

ROOT = Path(__file__).resolve().parents[2]
IN_CLOSE_NOWRITE = 0x10
IN_OPEN = 0x20
IN_NONBLOCK = os.O_NONBLOCK

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


class FolderWatch:
    """inotify on one folder: which files were opened / closed read-only since it started."""

    def __init__(self, folder: Path) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK)
        assert self.fd >= 0
        assert self.libc.inotify_add_watch(self.fd, str(folder).encode(), IN_OPEN | IN_CLOSE_NOWRITE) >= 0
        self.events: list[tuple[str, int]] = []

    def drain(self) -> list[tuple[str, int]]:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return self.events
            pos = 0
            while pos < len(data):
                _wd, mask, _cookie, length = struct.unpack_from("iIII", data, pos)
                name = data[pos + 16:pos + 16 + length].rstrip(b"\0").decode()
                self.events.append((name, mask))
                pos += 16 + length

    def closed_read_only(self, names: set[str]) -> list[str]:
        return [n for n, m in self.drain() if m & IN_CLOSE_NOWRITE and n in names]

    def close(self) -> None:
        os.close(self.fd)


def _cli(*args, db: Path, check: bool = True) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(db), *args], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def _fresh_process_view(path: Path) -> tuple[list[str], str]:
    """Order numbers and integrity_check as a new process sees them."""
    orders = [o["id"] for o in json.loads(_cli("orders", "--format", "json", db=path).stdout)]
    code = f"import sqlite3; print(sqlite3.connect({str(path)!r}).execute('PRAGMA integrity_check').fetchone()[0])"
    check = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return orders, check.stdout.strip()


def _store_names(db) -> set[str]:
    return {p.name for p in db.own_files()}


def test_a_stock_qt_file_dialog_reads_the_wal_so_the_watch_can_catch_it(qtbot, sqlite_db):
    """The detector is not blind: Qt's own dialog, as the app used it, opens the store's files."""
    make_order(sqlite_db)
    folder = sqlite_db.own_files()[0].parent
    watch = FolderWatch(folder)
    try:
        d = QFileDialog(None, "stock", str(folder))
        d.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(d)
        d.show()
        qtbot.waitUntil(lambda: watch.closed_read_only(_store_names(sqlite_db)) != [], timeout=5000)
        d.close()
    finally:
        watch.close()


def test_every_file_dialog_on_the_store_folder_leaves_its_locks_and_later_writes_survive_a_second_process(
        make_window, sqlite_db, qtbot, monkeypatch):  # noqa: F811 - fixture imported above
    make_order(sqlite_db)
    store = sqlite_db.own_files()[0]
    w = make_window()
    w.background.poll_timer.stop()
    qtbot.waitUntil(lambda: not w.model.loading and w.model.count_is_exact and not w.workers.running(), timeout=5000)  # the window's own workers are done
    shown: list[tuple[str, list[str], bool, bool]] = []

    def show_for_two_seconds(dialog: FileDialog) -> int:
        dialog.setDirectory(str(store.parent))  # the user browses to the data folder
        dialog.setViewMode(QFileDialog.ViewMode.Detail)  # the type column asks about every file
        dialog.show()
        qtbot.wait(2000)
        files = dialog.findChild(QFileSystemModel)
        model, root = files, files.index(str(store.parent))
        if dialog.proxyModel() is not None:
            model, root = dialog.proxyModel(), dialog.proxyModel().mapFromSource(root)
        listed = [model.index(r, 0, root).data() for r in range(model.rowCount(root))]
        shown.append((dialog.windowTitle(), listed,
                      bool(dialog.options() & QFileDialog.Option.DontUseNativeDialog),
                      isinstance(dialog.iconProvider(), NameOnlyIconProvider)))
        dialog.close()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(FileDialog, "exec", show_for_two_seconds)
    (store.parent / "orders-from-taobao.csv").write_text("x", encoding="utf-8")
    watch = FolderWatch(store.parent)
    try:
        w.store_actions.import_orders()
        w.store_actions.export_orders()
        w.store_actions.back_up()
        w.store_actions.restore_from_backup()
        sniffed = watch.closed_read_only(_store_names(sqlite_db))
    finally:
        watch.close()
    assert [t for t, *_ in shown] == ["Import a channel's order export", "Export to Excel", "Back up database",
                                     "Restore from backup"]
    assert sniffed == []
    for _title, listed, qt_dialog, name_only in shown:
        assert qt_dialog and name_only
        assert not set(listed) & _store_names(sqlite_db)
    assert "orders-from-taobao.csv" in shown[0][1]  # the listing itself works

    _cli("orders", db=store)  # a second process opens and closes the store
    written = make_order(sqlite_db)  # the app writes through a service afterwards
    orders, integrity = _fresh_process_view(store)
    assert written in orders and integrity == "ok"
    _cli("audit", "verify", db=store)


def test_dialogs_start_in_documents_never_in_the_folder_holding_the_store(qtbot, sqlite_db, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _loc: str(docs)))
    store = sqlite_db.own_files()[0]
    d = FileDialog(None, "t", "All files (*)", protected=sqlite_db.own_files(), save=False, start=store.parent)
    qtbot.addWidget(d)
    assert Path(d.directory().absolutePath()) == docs
    d2 = FileDialog(None, "t", "All files (*)", protected=sqlite_db.own_files(), save=False)
    qtbot.addWidget(d2)
    assert Path(d2.directory().absolutePath()) == docs


def _unlock_by_a_stray_handle(path: Path) -> None:
    """What a sniffing dialog did: open and close the database outside SQLite (drops our locks)."""
    with open(path, "rb") as fh:
        fh.read(16)


def _second_process_open_and_close(path: Path) -> None:
    code = f"import sqlite3; c = sqlite3.connect({str(path)!r}); c.execute('SELECT count(*) FROM orders').fetchone(); c.close()"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_write_after_the_wal_was_deleted_under_the_app_stops_with_one_sentence_and_loses_nothing(sqlite_db):
    first = make_order(sqlite_db)
    store = sqlite_db.own_files()[0]
    wal = store.with_name(store.name + "-wal")
    _unlock_by_a_stray_handle(store)
    _second_process_open_and_close(store)
    assert not wal.exists()  # the WAL went from under us: without the guard the next commit is lost
    with pytest.raises(StoreFilesChanged) as err:
        make_order(sqlite_db)
    message = str(err.value)
    assert len(message.splitlines()) == 1 and str(wal) in message and "nothing more will be written" in message
    orders, integrity = _fresh_process_view(store)
    assert orders == [first] and integrity == "ok"
    with pytest.raises(StoreFilesChanged):  # and it keeps refusing
        make_order(sqlite_db)


def test_a_write_after_the_wal_was_replaced_by_another_file_stops(sqlite_db):
    make_order(sqlite_db)
    store = sqlite_db.own_files()[0]
    wal = store.with_name(store.name + "-wal")
    assert wal.exists()
    replacement = wal.with_name("elsewhere")
    replacement.write_bytes(wal.read_bytes())
    os.replace(replacement, wal)
    with pytest.raises(StoreFilesChanged):
        make_order(sqlite_db)


def test_closing_every_connection_lets_sqlite_remove_its_wal_without_tripping_the_guard(sqlite_db):
    make_order(sqlite_db)
    sqlite_db.engine.dispose()  # our last connection: SQLite checkpoints and deletes the WAL itself
    assert not sqlite_db.own_files()[1].exists()
    second = make_order(sqlite_db)
    assert second in _fresh_process_view(sqlite_db.own_files()[0])[0]


def test_postgresql_has_no_files_to_watch(db):
    make_order(db)
    db.check_files_intact()
    if not db.is_sqlite:
        assert db.own_files() == [db.head_file]


def test_backup_of_the_live_store_does_not_drop_its_locks(sqlite_db, tmp_path):
    """The backup reads the live store through SQLite only; a second process then cannot delete the WAL."""
    from shop_orders.services import backup

    make_order(sqlite_db)
    backup.backup(sqlite_db, tmp_path / "b.sqlite3", tmp_path)
    _second_process_open_and_close(sqlite_db.own_files()[0])
    written = make_order(sqlite_db)
    assert written in _fresh_process_view(sqlite_db.own_files()[0])[0]
