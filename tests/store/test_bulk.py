"""Bulk writes store exactly what the one-at-a-time path stores, on both backends."""

import gc
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select

from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit, queries
from shop_orders.store.bulk import collector_paused, indexes_deferred
from shop_orders.store.models import AuditEvent, Order, OrderLine, Payment
from tests.factories import ALICE, draft

KEPT = ("channel", "buyer", "recipient", "phone", "address", "currency", "total_minor", "paid_minor", "courier",
        "tracking_no", "status", "created_at", "updated_at", "version")


def _stored(db, order_no):
    with db.read_session() as s:
        o = s.execute(select(Order).where(Order.order_no == order_no)).scalar_one()
        lines = s.execute(select(OrderLine.line_no, OrderLine.sku, OrderLine.title, OrderLine.qty,
                                 OrderLine.unit_price_minor, OrderLine.shipped_qty)
                          .where(OrderLine.order_id == o.id).order_by(OrderLine.line_no)).all()
        pays = s.execute(select(Payment.amount_minor, Payment.method, Payment.reference, Payment.paid_at)
                         .where(Payment.order_id == o.id)).all()
        events = s.execute(select(AuditEvent.at, AuditEvent.action, AuditEvent.field, AuditEvent.new)
                           .where(AuditEvent.order_id == o.id)).all()
        return {k: getattr(o, k) for k in KEPT}, lines, pays, [(*e[:3], _without_number(e[3])) for e in events]


def _without_number(value: str) -> str:
    """A creation event's value without the channel order number (the one field that differs)."""
    data = json.loads(value)
    data.pop("channel_order_no")
    return json.dumps(data, sort_keys=True)


def test_bulk_creation_stores_what_creating_one_by_one_stores(db):
    now = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)
    # a time given in another zone is stored as the same instant
    created = datetime(2026, 11, 20, 23, 30, 5, 7, tzinfo=timezone(timedelta(hours=8)))
    kw = dict(created_at=created, status=Status.AWAITING_SHIPMENT, paid_minor=37500, courier="顺丰")
    one, many = draft(**kw), draft(**kw)
    with UnitOfWork(db, clock=lambda: now) as uow:
        single_no = orders.create_order(uow, ALICE, one).order_no
        assert orders.create_orders_bulk(uow, ALICE, [many]) == 1
        uow.commit()
    with db.read_session() as s:
        bulk_no = s.execute(select(Order.order_no).where(Order.channel_order_no == many.channel_order_no)).scalar()
        assert audit.verify(s, None).ok
    assert single_no.startswith("SO-20261120-") and bulk_no.startswith("SO-20261120-")  # the UTC day
    a, b = _stored(db, single_no), _stored(db, bulk_no)
    assert a == b
    fields, lines, pays, events = b
    assert fields["created_at"] == created and fields["created_at"].tzinfo is not None
    assert fields["updated_at"] == now
    assert pays == [(37500, "taobao", "manual", created)]
    assert [e[:3] for e in events] == [(now, "create", "order")]
    stated = json.loads(events[0][3])
    assert (stated["status"], stated["total"], stated["paid"], stated["courier"]) == ("awaiting_shipment", 37500, 37500, "顺丰")


def test_bulk_creation_is_listed_like_any_other_order(db):
    with UnitOfWork(db) as uow:
        orders.create_orders_bulk(uow, ALICE, [draft(channel_order_no=f"B{i}") for i in range(3)])
        uow.commit()
    with db.read_session() as s:
        got = sorted(r["channel_order_no"] for r in queries.iter_orders(s, queries.OrderFilter()))
    assert got == ["B0", "B1", "B2"]


def test_the_collector_is_paused_for_the_outermost_block_only_and_resumes():
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _index_sql(db):
    with db.engine.connect() as c:
        return sorted(c.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name = 'orders'").all())


def _statements(db):
    seen = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_first_large_load_builds_the_indexes_after_the_rows_in_the_same_transaction(sqlite_db):
    before = _index_sql(sqlite_db)
    seen = _statements(sqlite_db)
    with UnitOfWork(sqlite_db) as uow:
        with indexes_deferred(uow.session, (Order.__table__,), adding=3):
            orders.create_orders_bulk(uow, ALICE, [draft() for _ in range(3)])
        uow.commit()
    assert any(s.startswith("DROP INDEX") for s in seen) and any(s.startswith("CREATE INDEX") for s in seen)
    assert _index_sql(sqlite_db) == before


def test_a_failed_load_leaves_the_indexes_as_they_were(sqlite_db):
    before = _index_sql(sqlite_db)
    with (pytest.raises(RuntimeError), UnitOfWork(sqlite_db) as uow,
          indexes_deferred(uow.session, (Order.__table__,), adding=3)):
        orders.create_orders_bulk(uow, ALICE, [draft() for _ in range(3)])
        raise RuntimeError("cancelled")
    assert _index_sql(sqlite_db) == before
    with sqlite_db.read_session() as s:
        assert s.execute(select(func.count()).select_from(Order)).scalar() == 0


def test_a_small_load_into_a_larger_store_keeps_the_indexes(sqlite_db):
    with UnitOfWork(sqlite_db) as uow:
        orders.create_orders_bulk(uow, ALICE, [draft() for _ in range(5)])
        uow.commit()
    seen = _statements(sqlite_db)
    with UnitOfWork(sqlite_db) as uow:
        with indexes_deferred(uow.session, (Order.__table__,), adding=2):
            orders.create_orders_bulk(uow, ALICE, [draft(), draft()])
        uow.commit()
    assert not any("INDEX" in s for s in seen)


def test_postgresql_never_drops_an_index_for_a_load(db):
    seen = _statements(db)
    with UnitOfWork(db) as uow:
        with indexes_deferred(uow.session, (Order.__table__,), adding=3):
            orders.create_orders_bulk(uow, ALICE, [draft() for _ in range(3)])
        uow.commit()
    assert any("DROP INDEX" in s for s in seen) == (db.engine.dialect.name == "sqlite")
