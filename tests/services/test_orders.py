"""Order use cases end to end on SQLite and PostgreSQL: rules, audit events, conflicts, rollback."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop_orders.domain.errors import (
    DuplicateOrder,
    OrderConflict,
    OrderNotFound,
    TransitionNotAllowed,
    ValidationError,
)
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import queries
from shop_orders.store.models import AuditEvent, Order
from tests.factories import ALICE, apply, ctx, make_order


def _order(db, order_no):
    with db.read_session() as s:
        return queries.order_detail(s, order_no)


def _events(db, order_no):
    with db.read_session() as s:
        o = queries.order_detail(s, order_no)
        return [(e.action, e.field, e.old, e.new, e.actor, e.source, e.reason)
                for e in reversed(queries.order_history(s, o.id))]


def test_create_gives_a_global_id_and_records_who_and_where(db, clock):
    no = make_order(db, clock, channel_order_no="000123456789012345678")
    o = _order(db, no)
    assert no == "SO-20261120-000001"
    assert o.channel_order_no == "000123456789012345678"  # text, leading zeros kept
    assert o.total_minor == 2 * 16800 + 3900 and o.currency == "CNY"
    assert o.created_at.tzinfo is not None and o.updated_at == clock.now
    assert o.version == 1 and [line.sku for line in o.lines] == ["TEA-LJ-250", "CUP-GL-01"]
    [(action, field, old, new, actor, source, _)] = _events(db, no)
    assert (action, field, old, actor, source) == ("create", "order", None, "alice", "manual")
    assert "000123456789012345678" in new
    assert make_order(db, clock) == "SO-20261120-000002"


def test_same_channel_order_number_cannot_be_created_twice(db):
    make_order(db, channel="jd", channel_order_no="300001")
    make_order(db, channel="taobao", channel_order_no="300001")  # another channel: fine
    with pytest.raises(DuplicateOrder, match="JD order 300001 already exists"):
        make_order(db, channel="jd", channel_order_no="300001")


def test_invalid_drafts_are_refused_with_a_sentence(db):
    with pytest.raises(ValidationError, match="unknown channel 'mercadolibre'"):
        make_order(db, channel="mercadolibre")
    with pytest.raises(ValidationError, match="quantity"):
        make_order(db, lines=[orders.LineDraft("X", "x", 0, 100)])
    with pytest.raises(ValidationError, match="phone"):
        make_order(db, phone="call me")


def test_payments_derive_partial_then_full_payment_and_are_audited(db, clock):
    no = make_order(db, clock)  # total 375.00
    clock.now += timedelta(hours=1)
    o = apply(db, orders.record_payment, no, 10000, method="alipay", clock=clock)
    assert (o.status, o.paid_minor, o.version) == ("partially_paid", 10000, 2)
    o = apply(db, orders.record_payment, no, 27500, clock=clock)
    assert (o.status, o.paid_minor) == ("awaiting_shipment", 37500)
    assert _order(db, no).updated_at == clock.now
    assert _events(db, no)[1:] == [
        ("payment", "paid", "0.00", "100.00", "alice", "manual", ""),
        ("status", "status", "awaiting_payment", "partially_paid", "alice", "manual", ""),
        ("payment", "paid", "100.00", "375.00", "alice", "manual", ""),
        ("status", "status", "partially_paid", "awaiting_shipment", "alice", "manual", ""),
    ]


def test_a_refund_larger_than_what_was_paid_is_refused(db):
    no = make_order(db)
    apply(db, orders.record_payment, no, 5000)
    with pytest.raises(ValidationError, match="more than the 50.00 paid"):
        apply(db, orders.record_payment, no, -6000)
    assert _order(db, no).paid_minor == 5000


def test_shipping_lines_derives_partial_then_full_shipment(db):
    no = make_order(db)
    apply(db, orders.record_payment, no, 37500)
    o = apply(db, orders.ship, no, {1: 1}, courier="顺丰速运", tracking_no="SF1234567890", context=ctx(source="scan"))
    assert o.status == "partially_shipped" and o.tracking_no == "SF1234567890"
    with pytest.raises(ValidationError, match="1 of 2 already shipped"):
        apply(db, orders.ship, no, {1: 2}, context=ctx(source="scan"))
    with pytest.raises(ValidationError, match="without a scan needs a reason"):  # no "shipped" without a scan
        apply(db, orders.ship, no)
    o = apply(db, orders.ship, no, context=ctx(reason="the scanner is broken"))  # the rest, by hand
    assert o.status == "shipped"
    assert [line.shipped_qty for line in _order(db, no).lines] == [2, 1]
    assert len(_order(db, no).shipments) == 2
    assert ("ship", "shipped_qty", "0", "1", "alice", "scan", "") in _events(db, no)


def test_unpaid_orders_cannot_ship_and_derived_statuses_cannot_be_typed(db):
    no = make_order(db)
    with pytest.raises(TransitionNotAllowed, match="cannot be shipped"):
        apply(db, orders.ship, no, context=ctx(source="scan"))
    with pytest.raises(TransitionNotAllowed, match="record a payment instead"):
        apply(db, orders.transition, no, Status.PARTIALLY_PAID)


def test_cancelling_needs_a_reason_and_then_ends_the_order(db):
    no = make_order(db)
    with pytest.raises(ValidationError, match="needs a reason"):
        apply(db, orders.transition, no, "cancelled")
    o = apply(db, orders.transition, no, "cancelled", context=ctx(reason="买家不想要了"))
    assert o.status == "cancelled"
    assert _events(db, no)[-1] == ("status", "status", "awaiting_payment", "cancelled", "alice", "manual", "买家不想要了")
    with pytest.raises(TransitionNotAllowed):
        apply(db, orders.transition, no, "awaiting_payment")
    with pytest.raises(TransitionNotAllowed, match="takes no more payments"):
        apply(db, orders.record_payment, no, 100)


def test_editing_address_needs_a_reason_and_records_old_and_new(db):
    no = make_order(db)
    with pytest.raises(ValidationError, match="needs a reason"):
        apply(db, orders.edit, no, {"address": "上海市浦东新区"})
    apply(db, orders.edit, no, {"address": "上海市浦东新区世纪大道100号", "buyer": "tb_小明"},
          context=ctx("bob", reason="customer called"))
    assert _events(db, no)[-1] == ("edit", "address", "浙江省杭州市西湖区文三路1号", "上海市浦东新区世纪大道100号",
                                   "bob", "manual", "customer called")
    with pytest.raises(ValidationError, match="cannot be edited"):
        apply(db, orders.edit, no, {"status": "shipped"})


def test_a_write_based_on_a_stale_version_is_refused_and_overwrites_nothing(db):
    no = make_order(db)
    seen = _order(db, no).version
    apply(db, orders.edit, no, {"phone": "13900000000"}, context=ctx("bob", reason="typo"), expected_version=seen)
    with pytest.raises(OrderConflict, match="changed by someone else"):
        apply(db, orders.edit, no, {"phone": "13711111111"}, context=ctx(reason="x"), expected_version=seen)
    assert _order(db, no).phone == "13900000000"


def test_two_sessions_editing_the_same_order_one_gets_a_conflict(db):
    no = make_order(db)
    first, second = UnitOfWork(db), UnitOfWork(db)
    version = _order(db, no).version
    with first:
        orders.edit(first, ctx(reason="r"), no, {"phone": "111"}, expected_version=version)
        first.commit()
    with second, pytest.raises(OrderConflict):
        orders.edit(second, ctx(reason="r"), no, {"phone": "222"}, expected_version=version)
    assert _order(db, no).phone == "111"


def test_a_failed_change_writes_nothing_at_all(db):
    no = make_order(db)
    with db.read_session() as s:
        before = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    with pytest.raises(ValidationError), UnitOfWork(db) as uow:
        orders.record_payment(uow, ALICE, no, 100)  # fine on its own...
        orders.record_payment(uow, ALICE, no, -500)  # ...but this fails: the whole unit is dropped
        uow.commit()
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before
        assert s.execute(select(Order.paid_minor).where(Order.order_no == no)).scalar_one() == 0


def test_an_uncommitted_unit_of_work_changes_nothing(db):
    no = make_order(db)
    with UnitOfWork(db) as uow:
        orders.record_payment(uow, ALICE, no, 100)
    assert _order(db, no).paid_minor == 0


def test_unknown_orders_are_named(db):
    with pytest.raises(OrderNotFound, match="no order SO-20990101-000001"):
        apply(db, orders.transition, "SO-20990101-000001", "cancelled")


def test_rules_see_every_change_and_can_act_in_the_same_transaction(db):
    seen = []

    def remember(uow, events):
        seen.extend((e.action, e.field) for e in events)

    no = make_order(db)
    with UnitOfWork(db, rules=[remember]) as uow:
        orders.record_payment(uow, ALICE, no, 100)
        uow.commit()
    assert seen == [("payment", "paid"), ("status", "status")]


def test_operations_can_be_named_now_and_applied_later(db):
    no = make_order(db)
    proposal = {"op": "edit", "args": {"ref": no, "changes": {"buyer": "new buyer"}}}
    with UnitOfWork(db) as uow:
        orders.OPERATIONS[proposal["op"]](uow, ALICE, **proposal["args"])
        uow.commit()
    assert _order(db, no).buyer == "new buyer"
