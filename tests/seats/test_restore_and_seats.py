"""Issue 24, item 2: restore and seats. A seat's presence survives a dropped connection, command-line
runs count while they run, and a restore is an event the other seats learn of: they say so and go on
writing, with no tamper alarm and no `audit heads reset`."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from shop_orders import paths
from shop_orders.services import backup, orders
from shop_orders.store import audit, seats
from shop_orders.store.db import resolve_url
from shop_orders.store.errors import AuditTrailDamaged, StoreError
from shop_orders.store.open import open_database
from tests.factories import apply, make_order
from tests.seats.conftest import ROOT, seat_env


def _seats(url, tmp_path):
    """Seat 1 is this user's data folder (a backup is checked with its key); seat 2 another's."""
    one = open_database(url, data_dir=paths.data_dir(), create=True)
    two = open_database(url, data_dir=tmp_path / "seat2")
    audit.adopt_key(two, one.chain_key, "key file")  # `audit key import` on seat 2
    return one, two


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "shop.sqlite3")
        return
    yield request.getfixturevalue("pg_url")


def test_the_other_seats_learn_of_a_restore_and_go_on_writing(store_url, tmp_path):
    one, two = _seats(store_url, tmp_path)
    try:
        no = make_order(one)
        apply(two, orders.edit, no, {"buyer": "before the backup"})
        report = backup.backup(one, None, tmp_path / "backups")
        apply(two, orders.edit, no, {"buyer": "after the backup"})  # seat 2's heads go past the backup
        apply(two, orders.record_payment, no, 100)
        backup.restore(one, report.path, tmp_path / "backups", by="owner")
        # Seat 2, still open: its next write follows the signed restore instead of stopping.
        apply(two, orders.edit, no, {"buyer": "after the restore"})
        assert two.restore_notice and "restored to the backup of" in two.restore_notice and "by owner" in two.restore_notice
        assert audit.verify_database(two).ok and audit.verify_database(one).ok
    finally:
        one.dispose()
        two.dispose()
    # A seat that was closed during the restore is told at its next start, and writes.
    three = open_database(store_url, data_dir=paths.data_dir())
    try:
        assert three.restore_notice is None  # seat 1 made the restore: nothing new to it
        assert audit.verify_database(three).ok
    finally:
        three.dispose()


def test_a_seat_closed_during_the_restore_is_told_at_its_next_start(store_url, tmp_path):
    one, two = _seats(store_url, tmp_path)
    try:
        no = make_order(one)
        report = backup.backup(one, None, tmp_path / "backups")
        apply(two, orders.edit, no, {"buyer": "after the backup"})
    finally:
        two.dispose()
    try:
        backup.restore(one, report.path, tmp_path / "backups", by="owner")
    finally:
        one.dispose()
    again = open_database(store_url, data_dir=tmp_path / "seat2")
    try:
        assert again.restore_notice and "by owner" in again.restore_notice
        apply(again, orders.edit, no, {"buyer": "seat 2 goes on"})
        assert audit.verify_database(again).ok
    finally:
        again.dispose()


def test_a_restore_record_written_outside_the_app_is_not_followed(store_url, tmp_path):
    one, two = _seats(store_url, tmp_path)
    try:
        no = make_order(one)
        apply(two, orders.edit, no, {"buyer": "b"})
        apply(two, orders.edit, no, {"buyer": "c"})
        engine = create_engine(resolve_url(store_url))
        with engine.begin() as c:  # cut seat 2's events and claim a restore, without the key
            c.execute(text("DELETE FROM audit_events WHERE id > 1"))
            c.execute(text("UPDATE audit_head SET seq = 1, hash = (SELECT hash FROM audit_events WHERE id = 1)"))
            c.execute(text("DELETE FROM seat_heads"))
            c.execute(text(
                "INSERT INTO settings (key, value, updated_at, signature) VALUES ('store_restored', "
                "'{\"epoch\": 99999999999999999, \"head\": [1, \"' || (SELECT hash FROM audit_events WHERE id = 1) "
                "|| '\"], \"by\": \"owner\", \"at\": \"2026-12-06T00:00:00+00:00\"}', CURRENT_TIMESTAMP, 'forged')"))
        engine.dispose()
        with pytest.raises(StoreError):  # the forged record is refused, the cut still stops the writes
            apply(two, orders.edit, no, {"buyer": "over the cut"})
        assert not audit.verify_database(two).ok
    finally:
        one.dispose()
        two.dispose()


def test_an_older_restore_record_put_back_does_not_hide_a_later_cut(store_url, tmp_path):
    one, two = _seats(store_url, tmp_path)
    try:
        no = make_order(one)
        report = backup.backup(one, None, tmp_path / "backups")
        backup.restore(one, report.path, tmp_path / "backups", by="owner")
        apply(two, orders.edit, no, {"buyer": "learns the restore"})  # seat 2 knows that restore now
        apply(two, orders.edit, no, {"buyer": "later"})
        engine = create_engine(resolve_url(store_url))
        with engine.begin() as c:  # the events after the restore are cut; the genuine record stays
            seq = c.execute(text("SELECT seq FROM audit_head")).scalar_one()
            c.execute(text(f"DELETE FROM audit_events WHERE id > {seq - 1}"))
            c.execute(text(f"UPDATE audit_head SET seq = {seq - 1}, hash = (SELECT hash FROM audit_events "
                           f"WHERE id = {seq - 1})"))
        engine.dispose()
        with pytest.raises(AuditTrailDamaged):
            apply(two, orders.edit, no, {"buyer": "over the cut"})
    finally:
        one.dispose()
        two.dispose()


_HOLD_A_SEAT = """
import sys, time
from pathlib import Path
from shop_orders.store.open import open_database
from shop_orders.store import seats
db = open_database(sys.argv[1], data_dir=Path(sys.argv[2]))
seat = seats.join(db, "gui")
print("joined", flush=True)
time.sleep(120)
"""


def test_a_seat_whose_connection_the_server_dropped_registers_again(pg_url, tmp_path):
    one = open_database(pg_url, data_dir=tmp_path / "seat1", create=True)
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_A_SEAT, pg_url, str(tmp_path / "seat2")], cwd=ROOT,
                            env=seat_env(tmp_path / "home2"), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "joined"
        assert [s.pid for s in seats.others(one)] == [proc.pid]
        with one.engine.begin() as c:  # the server drops the seat's connection (as a restart does)
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE "
                           "'shop-orders:%' AND pid <> pg_backend_pid()"))
        deadline = time.monotonic() + 4 * seats.PG_BEAT_S
        while time.monotonic() < deadline and [s.pid for s in seats.others(one)] != [proc.pid]:
            time.sleep(0.2)
        assert [s.pid for s in seats.others(one)] == [proc.pid]
        with pytest.raises(backup.StoreInUse):
            backup.wait_for_store(one, wait=False)
    finally:
        proc.kill()
        proc.wait()
        one.dispose()


def test_a_command_line_run_counts_as_a_seat_while_it_runs(tmp_path, monkeypatch):
    from shop_orders import cli

    store = tmp_path / "shop.sqlite3"
    assert cli.main(["--db", str(store), "init"]) == 0
    seen = []

    def orders_command(args, ctx):  # what the real command would do, and a look at the seats folder
        seen.extend(p.name for p in seats.seats_dir(store).glob("*.json"))
        return 0

    monkeypatch.setattr(cli.orders, "cmd_orders", orders_command)
    assert cli.main(["--db", str(store), "orders"]) == 0
    assert len(seen) == 1 and seen[0].endswith(f"-{__import__('os').getpid()}.json")
    assert list(seats.seats_dir(store).glob("*.json")) == []  # and it left when it ended


def test_a_restore_never_deadlocks_with_a_reader_going_through_the_tables(pg_url, tmp_path):
    """As `audit verify` on another seat does: it reads the trail, then the orders, in one transaction.
    The restore asks for every table at once and lets go when any is held, so the reader finishes
    and the restore goes through after it."""
    import threading

    one = open_database(pg_url, data_dir=paths.data_dir(), create=True)
    try:
        make_order(one)
        report = backup.backup(one, None, tmp_path / "backups")
        reader = one.engine.connect()
        reader.begin()
        reader.execute(text("SELECT count(*) FROM audit_events")).scalar_one()  # holds the trail
        outcome: list = []

        def restore():
            try:
                outcome.append(backup.restore(one, report.path, tmp_path / "backups", by="owner"))
            except Exception as exc:  # noqa: BLE001 - the test says what went wrong
                outcome.append(exc)

        worker = threading.Thread(target=restore)
        worker.start()
        time.sleep(1.0)  # the restore is trying for the tables now
        assert reader.execute(text("SELECT count(*) FROM orders")).scalar_one() == 1  # no deadlock, no wait
        reader.commit()
        reader.close()
        worker.join(60)
        assert outcome and not isinstance(outcome[0], Exception), outcome
        assert audit.verify_database(one).ok
    finally:
        one.dispose()


def test_the_other_seats_are_told_while_a_restore_waits_for_them(store_url, tmp_path):
    one, two = _seats(store_url, tmp_path)
    try:
        assert seats.restore_waiting(two) is None
        with seats.announcing_restore(one, "owner"):
            said = seats.restore_waiting(two)
            assert said is not None and said.startswith("owner on ") and seats._host().startswith(said[9:])
        assert seats.restore_waiting(two) is None  # said only while it waits
    finally:
        one.dispose()
        two.dispose()


def test_an_old_copy_of_the_head_beside_an_sqlite_store_does_not_make_a_seat_follow_a_restore_again(tmp_path):
    """Whoever can write the store's folder (not the key) puts back the head file beside it as it was
    before a restore, cuts what was written after the restore, and clears the seat heads: the seat
    knows that restore already (its own head file says so) and stops instead of following it again."""
    import shutil

    store = str(tmp_path / "shop.sqlite3")
    one, two = _seats(store, tmp_path)
    try:
        no = make_order(one)
        report = backup.backup(one, None, tmp_path / "backups")
        beside = one.head_file
        shutil.copyfile(beside, tmp_path / "beside-before.json")
        backup.restore(one, report.path, tmp_path / "backups", by="owner")
        apply(two, orders.edit, no, {"buyer": "learns the restore"})
        apply(two, orders.edit, no, {"buyer": "after"})
        engine = create_engine(resolve_url(store))
        with engine.begin() as c:
            restored = c.execute(text("SELECT value FROM settings WHERE key = 'store_restored'")).scalar_one()
            seq = int(__import__("json").loads(restored)["head"][0])
            c.execute(text(f"DELETE FROM audit_events WHERE id > {seq}"))
            c.execute(text(f"UPDATE audit_head SET seq = {seq}, hash = (SELECT hash FROM audit_events WHERE id = {seq})"))
            c.execute(text("DELETE FROM seat_heads"))
        engine.dispose()
        shutil.copyfile(tmp_path / "beside-before.json", beside)
        with pytest.raises(AuditTrailDamaged):
            apply(two, orders.edit, no, {"buyer": "over the cut"})
        assert not audit.verify_database(two).ok
    finally:
        one.dispose()
        two.dispose()


def test_a_store_that_moved_to_another_server_keeps_its_seats_writing(pg_url, tmp_path):
    """pg_upgrade or a dump and restore gives the server a new system identifier: the seat's head
    files are found by the store's id and carried to the new names."""
    db = open_database(pg_url, data_dir=tmp_path / "seat", create=True)
    no = make_order(db)
    files = [db.head_file, db.data_head_file]
    db.dispose()
    for f in files:  # as named at the old server
        f.rename(f.with_name("old-" + f.name))
    again = open_database(pg_url, data_dir=tmp_path / "seat")
    try:
        assert all(f.exists() for f in files)
        apply(again, orders.edit, no, {"buyer": "on the new server"})
        assert audit.verify_database(again).ok
    finally:
        again.dispose()


def test_a_restore_record_rewritten_outside_the_app_does_not_stop_a_seat_that_is_not_behind(store_url, tmp_path):
    from shop_orders.services.verification import verify_store

    one, two = _seats(store_url, tmp_path)
    try:
        no = make_order(one)
        report = backup.backup(one, None, tmp_path / "backups")
        backup.restore(one, report.path, tmp_path / "backups", by="owner")
        engine = create_engine(resolve_url(store_url))
        with engine.begin() as c:
            c.execute(text("UPDATE settings SET value = replace(value, 'owner', 'mallory') "
                           "WHERE key = 'store_restored'"))
        engine.dispose()
        apply(one, orders.edit, no, {"buyer": "the shop goes on"})  # seat 1 is on the chain
        assert not verify_store(one).ok  # and the rewritten record is reported
    finally:
        one.dispose()
        two.dispose()
