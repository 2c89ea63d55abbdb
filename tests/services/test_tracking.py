"""Tracking sync against the courier simulator, on SQLite and PostgreSQL: each parcel gets what
the courier says; a false "shipped" (invalid number, never picked up within the hours, failed
pickup) is rolled back to awaiting shipment on the courier's word with a logistics ticket for the
warehouse; delivered completes the order; a courier that is down or answers garbage changes
nothing and is reported once; the trail still replays (audit verify)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY, CourierSim
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import note_text
from shop_orders.services import auth, orders, permissions, tracking
from shop_orders.services.couriers.base import CourierConfig, CourierLimits, adapter_for
from shop_orders.services.uow import UnitOfWork
from shop_orders.services.verification import verify_store
from shop_orders.store.models import AuditEvent, Order, OrderLine, Shipment, Ticket, TicketComment
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")  # the parcels are scanned out
SHIPPED_AT = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sim():
    with CourierSim(rate=None, slow_seconds=0.2) as server:
        yield server


def run(db, fn, *args, at=SHIPPED_AT, **kw):
    with UnitOfWork(db, clock=lambda: at) as uow:
        result = fn(uow, *args, **kw)
        uow.commit()
        return result


def shipped(db, tracking_no: str, courier: str = "SF") -> str:
    """A paid order, scanned out with this courier and number at SHIPPED_AT."""
    no = run(db, lambda uow: orders.create_order(uow, OWNER, draft(status=Status.AWAITING_SHIPMENT,
                                                                   paid_minor=37500)).order_no)
    run(db, orders.ship, SCAN, no, courier=courier, tracking_no=tracking_no)
    return no


def asker(sim, name="SF", kind="kuaidi100"):
    adapter = adapter_for(CourierConfig(name, kind, sim.url, DEFAULT_CUSTOMER, "shunfeng"), DEFAULT_KEY,
                          limits=CourierLimits(rate_per_second=0, read_timeout=2, tries=1), sleep=lambda s: None)
    return name, adapter.track


def sync(db, *couriers, at, actor=OWNER.actor):
    return tracking.sync(db, actor, list(couriers), clock=lambda: at)


def order(db, no: str) -> Order:
    with db.read_session() as s:
        found = s.execute(select(Order).where(Order.order_no == no)).scalar_one()
        s.expunge(found)
        return found


def parcel(db, no: str) -> Shipment:
    with db.read_session() as s:
        found = s.execute(select(Shipment).join(Order).where(Order.order_no == no)).scalar_one()
        s.expunge(found)
        return found


def tickets_of(db, no: str) -> list[Ticket]:
    with db.read_session() as s:
        found = list(s.execute(select(Ticket).where(Ticket.order_no == no)).scalars())
        for x in found:
            s.expunge(x)
        return found


@pytest.mark.parametrize("kind", ["kuaidi100", "aftership"])
def test_a_delivered_parcel_completes_its_order_and_keeps_the_couriers_times(db, sim, kind):
    no = shipped(db, "DELIVERED0001")
    result = sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(days=3))
    assert (result.checked, result.updated, result.completed, result.rolled_back) == (1, 1, 1, 0)
    p = parcel(db, no)
    assert p.track_state == "delivered" and p.picked_up_at is not None and p.delivered_at > p.picked_up_at
    assert order(db, no).status == Status.COMPLETED.value
    with db.read_session() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.order_no == no, AuditEvent.field == "status")
                       .order_by(AuditEvent.id.desc())).scalars().first()
        assert (ev.source, ev.actor, ev.new) == ("courier:SF", "system", "completed") and "delivered" in ev.reason
    assert sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(days=4)).checked == 0  # finished: not asked


def test_no_pickup_within_the_hours_rolls_the_order_back_with_a_ticket_for_the_warehouse(db, sim):
    no = shipped(db, "NOPICKUP0001")
    early = sync(db, asker(sim), at=SHIPPED_AT + timedelta(hours=23, minutes=59))
    assert (early.checked, early.rolled_back) == (1, 0) and order(db, no).status == Status.SHIPPED.value
    assert parcel(db, no).track_state == "info_received"
    late = sync(db, asker(sim), at=SHIPPED_AT + timedelta(hours=24))
    assert late.rolled_back == 1
    o = order(db, no)
    assert o.status == Status.AWAITING_SHIPMENT.value
    with db.read_session() as s:
        assert set(s.execute(select(OrderLine.shipped_qty).where(OrderLine.order_id == o.id)).scalars()) == {0}
        ev = s.execute(select(AuditEvent).where(AuditEvent.order_no == no, AuditEvent.field == "status")
                       .order_by(AuditEvent.id.desc())).scalars().first()
        assert (ev.source, ev.old, ev.new) == ("courier:SF", "shipped", "awaiting_shipment")
        assert "label created, not picked up" in ev.reason  # the courier's answer as the reason
    assert parcel(db, no).recalled_at is not None
    [tk] = tickets_of(db, no)
    assert (tk.kind, tk.assignee_role, tk.source) == ("logistics", "warehouse", "rule:logistics")
    with db.read_session() as s:
        [note] = s.execute(select(TicketComment.text).where(TicketComment.ticket_id == tk.id)).scalars()
    assert note_text(note, "en") == (f"SF has not picked up NOPICKUP0001 of {no} within 24 h of its scan-out; {no} is "
                                     "back to Awaiting shipment.")
    assert "待发货" in note_text(note, "zh_CN")
    from shop_orders.services.browse import TicketBrowser

    told = TicketBrowser(db).news_for(Actor("wang", "warehouse"), SHIPPED_AT)  # the warehouse's seats are told
    assert told == [(tk.id, no, "logistics", "opened")]
    assert TicketBrowser(db).news_for(Actor("sam", "service"), SHIPPED_AT) == []
    again = sync(db, asker(sim), at=SHIPPED_AT + timedelta(hours=30))
    assert again.checked == 0 and len(tickets_of(db, no)) == 1  # a recalled parcel is not asked again
    assert verify_store(db).ok  # the rollback replays like any change


@pytest.mark.parametrize("kind", ["kuaidi100", "aftership"])
def test_an_invalid_number_rolls_back_at_once(db, sim, kind):
    no = shipped(db, "INVALID0001")
    result = sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(minutes=5))
    assert result.rolled_back == 1 and order(db, no).status == Status.AWAITING_SHIPMENT.value
    assert tickets_of(db, no)[0].kind == "logistics"


def test_a_parcel_on_its_way_is_updated_and_nothing_else_changes(db, sim):
    no = shipped(db, "SF2026000001")
    before = order(db, no).version
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2))
    assert (result.checked, result.updated, result.rolled_back, result.completed) == (1, 1, 0, 0)
    p = parcel(db, no)
    assert p.track_state == "in_transit" and p.picked_up_at is not None and p.track_checked_at is not None
    assert order(db, no).status == Status.SHIPPED.value and order(db, no).version == before
    assert tickets_of(db, no) == []
    assert sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2, hours=1)).updated == 0  # the same answer: nothing


def test_a_courier_that_answers_garbage_changes_nothing_and_is_reported_once(db, sim):
    nos = [shipped(db, n) for n in ("GARBAGE0001", "NOPICKUP0002", "INVALID0002")]
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2))
    assert (result.checked, result.updated, result.rolled_back, result.failed) == (0, 0, 0, 3)
    assert len(result.problems) == 1 and "SF" in result.problems[0]
    assert {order(db, n).status for n in nos} == {Status.SHIPPED.value}
    assert {parcel(db, n).track_state for n in nos} == {""}


def test_a_server_error_and_a_slow_courier_change_nothing(db, sim):
    shipped(db, "ERR5000001")
    assert sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2)).failed == 1
    no = shipped(db, "SLOW0000001", courier="YTO")
    name, ask = asker(sim, "YTO", "aftership")
    quick = adapter_for(CourierConfig("YTO", "aftership", sim.url), DEFAULT_KEY,
                        limits=CourierLimits(rate_per_second=0, read_timeout=0.05, tries=1), sleep=lambda s: None)
    result = sync(db, ("YTO", quick.track), at=SHIPPED_AT + timedelta(days=2))
    assert result.failed == 1 and "YTO" in result.problems[0] and parcel(db, no).track_state == ""


def test_a_parcel_of_another_courier_or_without_a_number_is_not_asked(db, sim):
    other = shipped(db, "NOPICKUP0003", courier="EMS")
    none = shipped(db, "", courier="SF")
    assert sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2)).checked == 0
    assert order(db, other).status == order(db, none).status == Status.SHIPPED.value


def test_a_number_of_the_wrong_pattern_is_not_sent_and_is_named(db, sim):
    no = shipped(db, "sf 123; drop")
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2))
    assert result.failed == 1 and no in result.problems[0] and order(db, no).status == Status.SHIPPED.value


def test_who_may_not_ship_may_not_sync(db, sim):
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    run(db, auth.create_user, OWNER, "bob", "bookkeeper", "bob-secret-12")
    shipped(db, "NOPICKUP0004")
    with pytest.raises(permissions.PermissionDenied):
        sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2), actor=Actor("bob", "bookkeeper"))


def test_a_person_recalls_a_parcel_and_the_status_follows_the_other_parcels(db):
    no = run(db, lambda uow: orders.create_order(uow, OWNER, draft(status=Status.AWAITING_SHIPMENT,
                                                                   paid_minor=37500)).order_no)
    run(db, orders.ship, SCAN, no, {1: 2}, courier="SF", tracking_no="SF0000000001")
    run(db, orders.ship, SCAN, no, {2: 1}, courier="SF", tracking_no="SF0000000002")
    with db.read_session() as s:
        first = s.execute(select(Shipment.id).join(Order).where(Order.order_no == no).order_by(Shipment.id)).scalars().first()
    run(db, orders.recall_shipment, OWNER, first)
    assert order(db, no).status == Status.PARTIALLY_SHIPPED.value
    with pytest.raises(Exception, match="cannot be recalled"):
        run(db, orders.recall_shipment, OWNER, first)
    assert verify_store(db).ok
