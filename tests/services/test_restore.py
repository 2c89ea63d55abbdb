"""Restore works when it is needed: on a damaged or tampered store, and it refuses backups that
cannot be trusted (no manifest, truncated chain). Backups can be cancelled without leftovers."""

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from shop_orders.services import orders
from shop_orders.services.backup import (
    BackupCancelled,
    BackupError,
    StoreInUse,
    backup,
    manifest_path,
    restore,
)
from shop_orders.store import audit, copying, queries
from tests.factories import apply, make_order


def _verify(db):
    with db.read_session() as s:
        return audit.verify(s, audit.HeadFile(db.head_file).read())


def _order_nos(db):
    with db.read_session() as s:
        return {r["order_no"] for r in queries.iter_orders(s, queries.OrderFilter())}


def _truncate_tail(path, keep_events):
    """Delete the newest audit events of a backup file and fix its head row to match."""
    with sqlite3.connect(path) as c:
        c.execute("DELETE FROM audit_events WHERE id > ?", (keep_events,))
        seq, h = c.execute("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
        c.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, h))
    c.close()


def _rewrite_manifest_sha(path):
    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text())
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    mpath.write_text(json.dumps(manifest))


def test_restore_refuses_a_backup_without_its_manifest(db, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    manifest_path(report.path).unlink()
    make_order(db)
    with pytest.raises(BackupError, match=r"b\.sqlite3 has no manifest") as err:
        restore(db, report.path, tmp_path / "backups")
    assert str(err.value).count(". ") == 0  # one sentence
    assert len(_order_nos(db)) == 2  # nothing was replaced


def test_restore_refuses_a_backup_whose_audit_chain_was_truncated(db, tmp_path):
    no = make_order(db)
    apply(db, orders.record_payment, no, 100)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    _truncate_tail(report.path, keep_events=1)
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(db, report.path, tmp_path / "backups")
    _rewrite_manifest_sha(report.path)  # the forger fixes the checksum too
    with pytest.raises(BackupError, match=r"audit events #2 to #3 are missing"):
        restore(db, report.path, tmp_path / "backups")
    manifest_path(report.path).unlink()  # or throws the manifest away
    with pytest.raises(BackupError, match="has no manifest"):
        restore(db, report.path, tmp_path / "backups")
    with db.read_session() as s:
        assert queries.order_detail(s, no).paid_minor == 100  # nothing was replaced


def test_restore_works_when_the_live_store_was_tampered_and_keeps_it_as_damaged(db, tmp_path):
    kept = make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    later = make_order(db)
    with db.engine.begin() as c:  # someone edits the trail behind the app's back
        c.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 1"))
    assert not _verify(db).ok
    result = restore(db, report.path, tmp_path / "backups")
    assert result.path.name.startswith("damaged-before-restore-") and result.path.is_file()
    assert "audit event #1" in result.replaced_problem
    with sqlite3.connect(result.path) as c:  # the tampered store is kept as it was
        assert c.execute("SELECT actor FROM audit_events WHERE id = 1").fetchone() == ("mallory",)
        assert {r[0] for r in c.execute("SELECT order_no FROM orders")} == {kept, later}
    c.close()
    assert _order_nos(db) == {kept} and _verify(db).ok
    make_order(db)  # writing continues on the restored chain
    assert _verify(db).ok


def test_restore_of_a_sound_store_keeps_it_as_a_checked_backup(db, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    make_order(db)
    result = restore(db, report.path, tmp_path / "backups")
    assert result.path.name.startswith("before-restore-") and result.replaced_problem is None
    # what was replaced is itself a restorable backup
    again = restore(db, result.path, tmp_path / "backups")
    assert again.replaced_problem is None and len(_order_nos(db)) == 2 and _verify(db).ok


def test_restore_works_when_the_live_file_has_a_corrupt_page(sqlite_db, tmp_path):
    db = sqlite_db
    kept = make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    for _ in range(30):
        make_order(db)
    path = db.url.database
    db.engine.dispose()
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
        page = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    with open(path, "r+b") as fh:  # no SQLite connection is open in this process now
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 64)
    assert copying.sqlite_quick_check(Path(path)) is not None  # SQLite sees the damage
    result = restore(db, report.path, tmp_path / "backups")
    assert result.path.name.startswith("damaged-before-restore-") and result.path.is_file()
    assert "damaged" in result.replaced_problem
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    c.close()
    assert _order_nos(db) == {kept} and _verify(db).ok


def test_restore_refuses_naming_another_connected_seat(sqlite_db, tmp_path):
    import subprocess
    import sys
    from datetime import UTC, datetime

    from shop_orders.store import seats

    db = sqlite_db
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        folder = seats.seats_dir(Path(db.url.database))
        folder.mkdir()
        now = datetime.now(UTC).isoformat()
        (folder / "x.json").write_text(json.dumps({
            "host": seats._host(), "pid": other.pid, "user": "u", "app": "gui", "since": now, "last_seen": now}))
        with pytest.raises(StoreInUse, match=rf"Restore needs the store to itself: 1 other seat is connected "
                                             rf"\(.* pid {other.pid} since \d\d:\d\d\)\. Close them, or use --wait\."):
            restore(db, report.path, tmp_path / "backups")
    finally:
        other.kill()
        other.wait()
    # a seat whose process is gone is not counted
    assert restore(db, report.path, tmp_path / "backups").replaced_problem is None
    assert not list(folder.glob("*.json"))  # and its file was cleared


def test_cancelled_backup_leaves_no_file(db, tmp_path):
    for _ in range(3):
        make_order(db)
    folder = tmp_path / "out"
    folder.mkdir()
    seen = []

    def progress(done, total):
        seen.append((done, total))

    with pytest.raises(BackupCancelled, match="cancelled"):
        backup(db, folder / "b.sqlite3", folder, progress=progress, cancel=lambda: bool(seen))
    assert seen and list(folder.iterdir()) == []
    # the same with cancel asked before anything was copied
    with pytest.raises(BackupCancelled):
        backup(db, folder / "b.sqlite3", folder, cancel=lambda: True)
    assert list(folder.iterdir()) == []


def test_after_a_restore_search_and_the_health_figures_are_the_restored_stores(db, tmp_path):
    """The derived tables (the quick search's index, the health rollup) come back with the rows
    they were made from: a search finds the restored orders and nothing of the replaced ones."""
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services import health
    from shop_orders.services.verification import verify_store
    from shop_orders.store import grid

    kept = make_order(db, buyer="restored-buyer")
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    gone = make_order(db, buyer="replaced-buyer")
    restore(db, report.path, tmp_path / "backups")
    with db.read_session() as s:
        assert grid.count(s, GridQuery(search="restored-buyer")) == 1
        assert grid.count(s, GridQuery(search="replaced-buyer")) == 0
        assert grid.count(s, GridQuery(search=kept)) == 1 and grid.count(s, GridQuery(search=gone)) == 0
    assert health.check(db) == (0, []) and verify_store(db).ok
