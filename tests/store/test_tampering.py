"""The tamper catalogue: every kind of damage to the audit trail and its heads that the keyed
chain and the two head files detect, on SQLite and PostgreSQL. Each kind is named; `verify`
must report it (not ok) with the kind of damage and, where there is one, the first bad event.
(Order-row kinds are checked by the replay in services/verification.py.)"""

from __future__ import annotations

import json
import secrets

import pytest
from sqlalchemy import text

from shop_orders.services import orders
from shop_orders.store import audit, keys
from shop_orders.store.errors import AuditTrailDamaged
from shop_orders.store.models import AuditEvent
from tests.factories import apply, ctx, make_order


def raw(db, sql, **params):
    with db.engine.begin() as c:
        c.execute(text(sql), params)


def event_hash(db, seq):
    with db.read_session() as s:
        return s.execute(text("SELECT hash FROM audit_events WHERE id = :i"), {"i": seq}).scalar_one()


@pytest.fixture
def history(db):
    """8 events: 3 creates, 2 payments x 2 events, 1 edit."""
    nos = [make_order(db) for _ in range(3)]
    apply(db, orders.record_payment, nos[0], 100)
    apply(db, orders.record_payment, nos[1], 100)
    apply(db, orders.edit, nos[2], {"phone": "13900000000"}, context=ctx(reason="typo"))
    return nos


def forge_append(db, key=None):
    """Append event #9 copying #8 with a new value, hashed as an attacker can (sha256, or an HMAC
    under a key of their own), and make the head row and both head files agree with it."""
    prev = event_hash(db, 8)
    with db.read_session() as s:
        ev = s.get(AuditEvent, 8)
        forged = audit.PendingEvent(ev.at, "mallory", "manual", ev.order_id, ev.order_no, "edit", "phone", "1", "2")
    h = audit.digest(prev, 9, forged, key)
    raw(db, "INSERT INTO audit_events (id, at, actor, source, order_id, order_no, action, field, old, new, reason, "
            "prev_hash, hash) SELECT 9, at, 'mallory', 'manual', order_id, order_no, 'edit', 'phone', '1', '2', '', "
            ":prev, :h FROM audit_events WHERE id = 8", prev=prev, h=h)
    raw(db, "UPDATE audit_head SET seq = 9, hash = :h", h=h)
    for hf in audit.head_files(db):
        audit.HeadFile(hf.path, key).reset(9, h)


def truncate_and_fix_head_row(db):
    raw(db, "DELETE FROM audit_events WHERE id >= 7")
    raw(db, "UPDATE audit_head SET seq = 6, hash = :h", h=event_hash(db, 6))


def swap_events_3_and_4(db):
    raw(db, "UPDATE audit_events SET id = 103 WHERE id = 3")
    raw(db, "UPDATE audit_events SET id = 3 WHERE id = 4")
    raw(db, "UPDATE audit_events SET id = 4 WHERE id = 103")


def insert_with_recomputed_hash(db):
    raw(db, "UPDATE audit_events SET id = id + 100 WHERE id >= 6")
    raw(db, "UPDATE audit_events SET id = id - 99 WHERE id >= 100")
    prev = event_hash(db, 5)
    with db.read_session() as s:
        ev = s.get(AuditEvent, 7)
        forged = audit.PendingEvent(ev.at, "mallory", "manual", ev.order_id, ev.order_no, "edit", "phone", "1", "2")
    raw(db, "INSERT INTO audit_events (id, at, actor, source, order_id, order_no, action, field, old, new, reason, "
            "prev_hash, hash) SELECT 6, at, 'mallory', 'manual', order_id, order_no, 'edit', 'phone', '1', '2', '', "
            ":prev, :h FROM audit_events WHERE id = 7", prev=prev, h=audit.digest(prev, 6, forged))
    raw(db, "UPDATE audit_head SET seq = 9, hash = :h", h=event_hash(db, 9))


def edit_and_recompute_sha256(db):
    with db.read_session() as s:
        ev = s.get(AuditEvent, 4)
        changed = audit.PendingEvent(ev.at, ev.actor, ev.source, ev.order_id, ev.order_no, ev.action, ev.field,
                                     ev.old, "999.00", ev.reason)
    raw(db, "UPDATE audit_events SET new = '999.00', hash = :h WHERE id = 4",
        h=audit.digest(event_hash(db, 3), 4, changed))


def older_head_in_the_file_beside(db):
    key = db.chain_key
    audit.HeadFile(db.head_file, key).reset(5, event_hash(db, 5))  # what a copy taken after #5 holds


def head_file_rewritten(db):
    data = json.loads(db.head_file.read_text())
    data["seq"], data["hash"] = 6, event_hash(db, 6)  # moved back by hand; the signature no longer fits
    db.head_file.write_text(json.dumps(data))


def data_head_rewritten_unsigned(db):
    db.data_head_file.write_text(json.dumps({"seq": 8, "hash": event_hash(db, 8)}))


KINDS = {
    # name: (tamper, expected kind, expected first bad event or None)
    "edit a field of an event": (lambda db: raw(db, "UPDATE audit_events SET new = '999.00' WHERE id = 4"), "altered", 4),
    "edit a field and recompute its sha256": (edit_and_recompute_sha256, "altered", 4),
    "change the actor of an event": (lambda db: raw(db, "UPDATE audit_events SET actor = 'mallory' WHERE id = 2"), "altered", 2),
    "delete a middle event": (lambda db: raw(db, "DELETE FROM audit_events WHERE id = 5"), "missing-event", 5),
    "delete newest events without fixing the head row": (lambda db: raw(db, "DELETE FROM audit_events WHERE id = 8"), "head-row", 8),
    "delete newest events and fix the head row": (truncate_and_fix_head_row, "truncated", 7),
    "insert an event with a recomputed hash": (insert_with_recomputed_hash, "altered", 6),
    "reorder two events": (swap_events_3_and_4, "inserted", 3),
    "change a prev_hash": (lambda db: raw(db, "UPDATE audit_events SET prev_hash = :h WHERE id = 5", h="ab" * 32), "inserted", 5),
    "forged append with recomputed sha256, head row and head files": (forge_append, "altered", 9),
    "forged append with an HMAC under a wrong key": (
        lambda db: forge_append(db, keys.ChainKey(db.store_id, secrets.token_bytes(32), 1)), "altered", 9),
    "head file beside the store deleted": (lambda db: db.head_file.unlink(), "head-missing", None),
    "data-folder head file deleted": (lambda db: db.data_head_file.unlink(), "head-missing", None),
    "head file reset to an older head": (older_head_in_the_file_beside, "heads-disagree", None),
    "head file rewritten": (head_file_rewritten, "head-forged", None),
    "data-folder head rewritten without signature": (data_head_rewritten_unsigned, "head-forged", None),
}


def test_an_untouched_trail_verifies_with_both_heads(db, history):
    result = audit.verify_database(db)
    assert result.ok and result.count == 8
    assert [hf.read() for hf in audit.head_files(db)] == [result.head, result.head]


@pytest.mark.parametrize("name", list(KINDS))
def test_tampering_of_each_kind_is_detected(db, history, name):
    tamper, kind, event = KINDS[name]
    tamper(db)
    result = audit.verify_database(db)
    assert not result.ok, name
    assert result.kind == kind, result.problem
    assert result.broken_event == event, result.problem


def test_writes_after_a_truncation_stop_and_verify_still_reports_it(db, history):
    truncate_and_fix_head_row(db)
    heads_before = [hf.path.read_text() for hf in audit.head_files(db)]
    with pytest.raises(AuditTrailDamaged, match=r"ends at event #6 but this seat recorded #8: writing stopped"):
        apply(db, orders.record_payment, history[2], 100)
    assert [hf.path.read_text() for hf in audit.head_files(db)] == heads_before  # evidence kept
    result = audit.verify_database(db)
    assert result.kind == "truncated" and "#7 to #8 are missing" in result.problem


def test_a_missing_head_file_stops_writes_and_is_not_recreated(db, history):
    db.data_head_file.unlink()
    with pytest.raises(AuditTrailDamaged, match="is missing: writing stopped"):
        apply(db, orders.record_payment, history[2], 100)
    assert not db.data_head_file.exists()
    assert audit.verify_database(db).kind == "head-missing"


def test_removing_the_store_id_to_re_key_the_store_is_refused(db, history, _isolated_home):
    from shop_orders.store.open import open_database

    url = db.url.render_as_string(hide_password=False)
    forge_append(db)  # then hide the forgery under a new key
    raw(db, "DELETE FROM settings WHERE key = 'audit_store_id'")
    db.dispose()
    with pytest.raises(AuditTrailDamaged, match="store id of .* was removed"):
        open_database(url, data_dir=db.data_dir)
