"""The audit hash chain: tampering through raw SQL is detected and the event is named."""

import pytest
from sqlalchemy import text

from shop_orders.services import orders
from shop_orders.store import audit
from shop_orders.store.models import AuditEvent
from tests.factories import apply, ctx, make_order


def verify(db):
    with db.read_session() as s:
        return audit.verify(s, audit.HeadFile(db.head_file).read())


def raw(db, sql, **params):
    with db.engine.begin() as c:
        c.execute(text(sql), params)


@pytest.fixture
def history(db):
    """Three orders with a few changes each: 3 creates + 2 payments x 2 events + 1 edit = 8 events."""
    nos = [make_order(db) for _ in range(3)]
    apply(db, orders.record_payment, nos[0], 100)
    apply(db, orders.record_payment, nos[1], 100)
    apply(db, orders.edit, nos[2], {"phone": "13900000000"}, context=ctx(reason="typo"))
    return nos


def test_an_untouched_chain_verifies(db, history):
    result = verify(db)
    assert result.ok and result.count == 8 and result.head[0] == 8
    assert audit.HeadFile(db.head_file).read() == result.head


def test_an_edited_past_event_is_named(db, history):
    raw(db, "UPDATE audit_events SET new = '999.00' WHERE id = 4")
    result = verify(db)
    assert not result.ok and result.broken_event == 4
    assert "audit event #4" in result.problem and "altered" in result.problem


def test_a_changed_actor_is_detected(db, history):
    raw(db, "UPDATE audit_events SET actor = 'mallory' WHERE id = 2")
    assert verify(db).broken_event == 2


def test_a_deleted_past_event_is_named(db, history):
    raw(db, "DELETE FROM audit_events WHERE id = 5")
    result = verify(db)
    assert result.broken_event == 5 and "missing" in result.problem


def test_an_inserted_event_is_detected_even_with_a_recomputed_hash(db, history):
    # Shift events 6..8 up by one and forge a new #6 whose own hash is right for its content.
    raw(db, "UPDATE audit_events SET id = id + 100 WHERE id >= 6")
    raw(db, "UPDATE audit_events SET id = id - 99 WHERE id >= 100")
    with db.read_session() as s:
        prev = s.execute(text("SELECT hash FROM audit_events WHERE id = 5")).scalar_one()
        ev = s.get(AuditEvent, 7)
    forged = audit.PendingEvent(ev.at, "mallory", "manual", ev.order_id, ev.order_no, "edit", "phone", "1", "2")
    h = audit.digest(prev, 6, forged)
    raw(db, "INSERT INTO audit_events (id, at, actor, source, order_id, order_no, action, field, old, new, reason, prev_hash, hash) "
            "SELECT 6, at, 'mallory', 'manual', order_id, order_no, 'edit', 'phone', '1', '2', '', :prev, :h FROM audit_events WHERE id = 7",
        prev=prev, h=h)
    result = verify(db)
    # The recomputed plain sha256 does not fit the keyed chain: the forged #6 itself is named.
    assert not result.ok and result.broken_event == 6 and "forged" in result.problem


def test_deleting_the_newest_events_is_caught_by_the_head_kept_outside(db, history):
    raw(db, "DELETE FROM audit_events WHERE id >= 7")
    with db.read_session() as s:
        h6 = s.execute(text("SELECT hash FROM audit_events WHERE id = 6")).scalar_one()
    raw(db, "UPDATE audit_head SET seq = 6, hash = :h", h=h6)  # a careful forger fixes the in-table head
    result = verify(db)
    assert not result.ok and "#7 to #8 are missing" in result.problem and result.broken_event == 7


def test_deleting_the_newest_events_without_fixing_the_head_is_caught_inside(db, history):
    raw(db, "DELETE FROM audit_events WHERE id = 8")
    assert "head says #8" in verify(db).problem


def _edit_concurrently(db, orders_n: int, edits: int) -> None:
    """orders_n threads, each editing its own order `edits` times; none may fail."""
    import threading

    nos = [make_order(db) for _ in range(orders_n)]
    errors = []

    def worker(no):
        try:
            for i in range(edits):
                apply(db, orders.edit, no, {"buyer": f"b{i}"})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(no,)) for no in nos]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_concurrent_writers_keep_one_unbroken_chain(db):
    _edit_concurrently(db, 4, 10)
    result = verify(db)
    assert result.ok and result.count == 4 + 40


def test_concurrent_writers_leave_both_head_files_at_the_end_of_the_chain(db):
    _edit_concurrently(db, 4, 15)
    assert [hf.read()[0] for hf in audit.head_files(db)] == [64, 64]  # no head went backwards
    assert audit.verify_database(db).ok
