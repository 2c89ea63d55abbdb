"""The chain's key: made with the store, kept outside the database, needed to write; older
sha256 stores are keyed on upgrade without losing or rewriting anything."""

from __future__ import annotations

import hashlib
import json
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import column as sql_column
from sqlalchemy import create_engine, insert, text, update
from sqlalchemy import table as sql_table

from shop_orders.services import orders
from shop_orders.store import audit, keys, migrate
from shop_orders.store.db import head_file_for, legacy_head_files, resolve_url
from shop_orders.store.errors import AuditKeyMissing
from shop_orders.store.models import AuditEvent, AuditHead
from shop_orders.store.open import open_database
from tests.factories import apply, make_order


def test_the_key_is_made_with_the_store_private_and_not_in_the_database(db):
    path = keys.KeyStore(db.data_dir).path(db.store_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = db.chain_key
    assert key.keyed_from == 1 and len(key.secret) == 32 and key.secret.hex() not in repr(key)
    make_order(db)
    with db.engine.connect() as c:
        dump = " ".join(str(v) for t in ("settings", "audit_events", "audit_head")
                        for row in c.execute(text(f"SELECT * FROM {t}")) for v in row)
    assert db.store_id in dump
    assert key.secret.hex() not in dump and json.loads(path.read_text())["key"] not in dump
    assert db.head_file.exists() and db.data_head_file.exists()


def test_events_are_hashed_with_the_key_not_plain_sha256(db):
    make_order(db)
    with db.read_session() as s:
        ev = s.get(AuditEvent, 1)
        assert ev.hash == audit.digest(audit.GENESIS, 1, ev, db.chain_key)
        assert ev.hash != audit.digest(audit.GENESIS, 1, ev)


def test_a_seat_without_the_key_reads_but_refuses_to_write_saying_what_to_do(db, tmp_path):
    no = make_order(db)
    url = db.url.render_as_string(hide_password=False)
    other = open_database(url, data_dir=tmp_path / "other-seat")
    try:
        assert other.chain_key is None and other.store_id == db.store_id
        with other.read_session() as s:
            assert s.execute(text("SELECT count(*) FROM orders")).scalar_one() == 1
        result = audit.verify_database(other)
        assert result.kind == "no-key" and "audit key import" in result.problem
        with pytest.raises(AuditKeyMissing, match=r"may read but not write: .*audit key export FILE.*audit key import FILE"):
            apply(other, orders.record_payment, no, 100)
    finally:
        other.dispose()


def test_a_second_seat_that_adopts_the_key_writes_on_the_same_chain(db, tmp_path):
    no = make_order(db)
    url = db.url.render_as_string(hide_password=False)
    seat2 = open_database(url, data_dir=tmp_path / "seat2")
    try:
        audit.adopt_key(seat2, db.chain_key, "key file")
        assert [hf.read()[0] for hf in audit.head_files(seat2)] == [1, 1]
        apply(seat2, orders.record_payment, no, 100)
        assert audit.verify_database(seat2).ok
        assert audit.verify_database(db).ok  # seat 1's heads are behind, still on the chain
    finally:
        seat2.dispose()


def _legacy_store(db_url, data_dir, n=5):
    """A populated store as an older release left it: plain sha256 chain, unsigned head file."""
    url = resolve_url(db_url)
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(conn, "0004")
        prev, rows = audit.GENESIS, []
        for i in range(1, n + 1):
            ev = audit.PendingEvent(datetime(2026, 1, i, tzinfo=UTC), "old", "manual", None, f"SO-{i}", "setting",
                                    "x", str(i - 1), str(i))
            h = audit.digest(prev, i, ev)
            row = dict(ev._asdict(), id=i, prev_hash=prev, hash=h)
            del row["role"], row["approver"]  # columns of a later schema (0006)
            rows.append(row)
            prev = h
        old_events = sql_table("audit_events", *(sql_column(k) for k in rows[0]))
        conn.execute(insert(old_events), rows)
        conn.execute(update(AuditHead.__table__).values(seq=n, hash=prev))
    engine.dispose()
    # Where the version that wrote it kept its head: beside the file, or (PostgreSQL) named after the URL's text.
    head = head_file_for(url, data_dir) if url.drivername == "sqlite" else legacy_head_files(url, data_dir, None)[0]
    head.parent.mkdir(parents=True, exist_ok=True)
    head.write_text(json.dumps({"seq": n, "hash": prev}))
    return prev


def test_an_older_sha256_store_is_keyed_on_upgrade_and_nothing_is_lost(db_url, tmp_path):
    old_head = _legacy_store(db_url, tmp_path)
    db = open_database(db_url, data_dir=tmp_path)
    try:
        assert db.chain_key.keyed_from == 6  # the key file says where the keyed chain starts
        result = audit.verify_database(db)
        assert result.ok and result.count == 5 and result.head == (5, old_head)
        make_order(db)  # written after the upgrade: keyed, chained onto the old hashes
        with db.read_session() as s:
            ev = s.get(AuditEvent, 6)
            assert ev.prev_hash == old_head and ev.hash == audit.digest(old_head, 6, ev, db.chain_key)
        assert audit.verify_database(db).ok
        with db.engine.begin() as c:  # the old part is still protected
            c.execute(text("UPDATE audit_events SET new = '99' WHERE id = 3"))
        result = audit.verify_database(db)
        assert result.kind == "altered" and result.broken_event == 3
    finally:
        db.dispose()


def test_a_truncated_older_store_still_shows_the_truncation_after_keying(db_url, tmp_path):
    _legacy_store(db_url, tmp_path)
    engine = create_engine(resolve_url(db_url))
    with engine.begin() as c:  # before the upgrade: someone cut #5 and fixed the head row
        c.execute(text("DELETE FROM audit_events WHERE id = 5"))
        h4 = c.execute(text("SELECT hash FROM audit_events WHERE id = 4")).scalar_one()
        c.execute(text("UPDATE audit_head SET seq = 4, hash = :h"), {"h": h4})
    engine.dispose()
    db = open_database(db_url, data_dir=tmp_path)
    try:
        result = audit.verify_database(db)
        assert result.kind == "truncated" and result.broken_event == 5
    finally:
        db.dispose()


def test_keyed_digest_costs_one_hmac_per_event_like_sha256():
    """Speed guard: chaining 20,000 events under the key stays within 3x of plain sha256."""
    import time

    key = keys.ChainKey("0" * 32, b"k" * 32, 1)
    ev = audit.PendingEvent(datetime(2026, 1, 1, tzinfo=UTC), "a", "manual", 1, "SO-1", "edit", "phone", "1", "2")
    events = [ev] * 20000
    t0 = time.perf_counter()
    rows, *_ = audit.chain_rows(events, 0, audit.GENESIS, key=key)
    keyed = time.perf_counter() - t0
    t0 = time.perf_counter()
    prev = audit.GENESIS
    for i in range(1, 20001):
        prev = hashlib.sha256((prev + audit._payload(i, ev)).encode()).hexdigest()
    plain = time.perf_counter() - t0
    assert len(rows) == 20000 and keyed < 3 * plain + 0.05
