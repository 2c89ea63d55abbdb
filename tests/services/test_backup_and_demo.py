"""Backups are checked before success is reported; restore refuses bad files; demo data is real."""

import hashlib
import json
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text

from shop_orders.domain.status import Status
from shop_orders.services import demo, orders
from shop_orders.services.backup import BackupError, backup, manifest_path, restore
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit, queries
from tests.factories import apply, ctx, make_order


def _count(db):
    with db.read_session() as s:
        return sum(queries.count_by_status(s).values())


def _rewrite_manifest_sha(path):
    mpath = manifest_path(path)
    manifest = json.loads(mpath.read_text())
    manifest["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    mpath.write_text(json.dumps(manifest))


def test_backup_is_checked_and_carries_the_chain_head_in_its_manifest(db, tmp_path):
    no = make_order(db)
    apply(db, orders.record_payment, no, 100)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    manifest = json.loads(manifest_path(report.path).read_text())
    assert report.orders == 1 and report.events == 3
    assert manifest["audit_head"] == {"seq": 3, "hash": audit.HeadFile(db.head_file).read()[1]}
    with sqlite3.connect(report.path) as c:  # one self-contained file, not a WAL database
        assert c.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert c.execute("SELECT order_no FROM orders").fetchall() == [(no,)]


def test_backup_refuses_to_overwrite_an_existing_file(db, tmp_path):
    (tmp_path / "b.sqlite3").write_text("keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup(db, tmp_path / "b.sqlite3", tmp_path)
    assert (tmp_path / "b.sqlite3").read_text() == "keep me"


def test_restore_brings_back_the_backed_up_orders_and_keeps_what_it_replaced(db, tmp_path):
    kept = make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    lost = make_order(db)
    apply(db, orders.transition, kept, "cancelled", context=ctx(reason="mistake"))
    result = restore(db, report.path, tmp_path / "backups")
    with db.read_session() as s:
        assert queries.order_detail(s, kept).status == "awaiting_payment"
        assert queries.order_detail(s, lost) is None
        assert audit.verify(s, audit.HeadFile(db.head_file).read()).ok
    with sqlite3.connect(result.path) as c:  # what was replaced is still there
        assert c.execute("SELECT count(*) FROM orders").fetchone() == (2,)
    # writing after a restore continues the restored chain
    apply(db, orders.record_payment, kept, 100)
    with db.read_session() as s:
        assert audit.verify(s, audit.HeadFile(db.head_file).read()).ok


def test_restore_refuses_a_backup_whose_chain_was_tampered_with(db, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    with sqlite3.connect(report.path) as c:
        c.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 1")
    _rewrite_manifest_sha(report.path)  # the forger also fixes the manifest's checksum
    make_order(db)
    with pytest.raises(BackupError, match="audit event #1"):
        restore(db, report.path, tmp_path / "backups")
    assert _count(db) == 2  # nothing was replaced


def test_restore_refuses_a_file_changed_after_its_manifest(db, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    with sqlite3.connect(report.path) as c:
        c.execute("UPDATE orders SET buyer = 'x'")
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(db, report.path, tmp_path / "backups")


def test_restore_refuses_something_that_is_not_a_backup(db, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00" * 4096)
    with pytest.raises(BackupError, match="not a Shop Orders backup"):
        restore(db, junk, tmp_path)
    truncated = tmp_path / "t.sqlite3"
    report = backup(db, tmp_path / "full.sqlite3", tmp_path)
    truncated.write_bytes(report.path.read_bytes()[:3000])
    with pytest.raises(BackupError):
        restore(db, truncated, tmp_path)


def test_backup_of_a_live_wal_database_includes_the_newest_writes(sqlite_db, tmp_path):
    reader = sqlite3.connect(sqlite_db.url.database)  # an open reader keeps pages in the WAL file
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM orders").fetchone()
    no = make_order(sqlite_db)
    report = backup(sqlite_db, tmp_path / "b.sqlite3", tmp_path)
    reader.rollback()
    reader.close()
    with sqlite3.connect(report.path) as c:
        assert c.execute("SELECT order_no FROM orders").fetchall() == [(no,)]


def test_demo_fills_every_status_with_partials_staleness_and_a_valid_chain(db, clock):
    with UnitOfWork(db, clock=clock) as uow:
        assert demo.fill(uow, ctx(source="demo"), 1500, seed=7) == 1500
        uow.commit()
    with db.read_session() as s:
        counts = queries.count_by_status(s)
        from shop_orders.domain.staleness import Thresholds

        stale = queries.count_stale(s, Thresholds(), clock.now)
        rows = list(queries.iter_orders(s, queries.OrderFilter()))
        chain = audit.verify(s, audit.HeadFile(db.head_file).read())
        partial = queries.order_detail(s, next(r["order_no"] for r in rows if r["status"] == "partially_shipped"))
    assert all(counts[st] > 0 for st in Status)
    assert 0 < stale < 1500
    assert {r["channel"] for r in rows} >= {"taobao", "jd", "pinduoduo", "douyin", "shopify", "amazon"}
    assert {r["currency"] for r in rows} >= {"CNY", "GBP", "USD"}
    pp = [r for r in rows if r["status"] == "partially_paid"]
    assert all(0 < r["paid_minor"] < r["total_minor"] for r in pp)
    assert 0 < sum(line.shipped_qty for line in partial.lines) < sum(line.qty for line in partial.lines)
    assert len({r["order_no"] for r in rows}) == 1500 and all(r["updated_at"] <= clock.now for r in rows)
    assert chain.ok and chain.count > 1500


def test_demo_is_repeatable_by_seed(db, tmp_path, clock):
    from shop_orders.store.open import open_database

    other = open_database(tmp_path / "second.sqlite3", data_dir=db.data_dir, create=True)
    stores = []
    for store in (db, other):
        with UnitOfWork(store, clock=clock) as uow:
            demo.fill(uow, ctx(source="demo"), 50, seed=3)
            uow.commit()
        with store.read_session() as s:
            stores.append([(r["channel"], r["status"], r["total_minor"])
                           for r in queries.iter_orders(s, queries.OrderFilter())])
            assert audit.verify(s, audit.HeadFile(store.head_file).read()).ok
    other.dispose()
    assert len(stores[0]) == 50 and stores[0] == stores[1]
    clock.now += timedelta(minutes=1)
    assert make_order(db, clock)  # the id counters continue after the demo's
    with db.engine.connect() as c:
        assert c.execute(text("SELECT count(DISTINCT order_no) FROM orders")).scalar_one() == 51


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_demo_orders_go_only_into_an_empty_store_and_only_by_its_owner(db, clock, who):
    """Demo orders among real ones would be counted, shipped and exported as real (issue 23)."""
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.domain.errors import ShopOrdersError
    from shop_orders.services import auth

    with UnitOfWork(db, clock=clock) as uow:
        auth.create_user(uow, ctx("olivia"), "olivia", "owner", "olivia-secret-1")
        auth.create_user(uow, ctx("olivia"), "max", "manager", "max-secret-12")
        uow.commit()
    by = ChangeContext(Actor("olivia", "owner") if who == "owner" else Actor("max", "manager"), "demo")
    if who == "manager":
        with pytest.raises(ShopOrdersError, match="Only the owner may add demo orders"), UnitOfWork(db) as uow:
            demo.fill(uow, by, 10)
        assert _count(db) == 0
        return
    make_order(db, clock)
    with pytest.raises(ShopOrdersError, match="Demo orders go only into an empty store, and .* holds 1 orders"), \
            UnitOfWork(db) as uow:
        demo.fill(uow, by, 10)
    assert _count(db) == 1
