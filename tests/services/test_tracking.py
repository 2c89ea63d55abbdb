"""Tracking sync against the courier simulator, on SQLite and PostgreSQL: each parcel gets what
the courier says; a false "shipped" (a number the courier positively calls invalid, never picked
up within the hours, failed pickup) is rolled back to awaiting shipment on the courier's word with
a logistics ticket for the warehouse, but a parcel the courier knows nothing of yet is not; delivered
completes the order; a courier that is down changes nothing and is reported once; one parcel's
garbled answer does not stop the others; parcels are matched to accounts by name and alias, and
those no account answers for are counted; the trail still replays (audit verify)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop_orders.adapters.couriers import adapter_for
from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY, CourierSim, start_time
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.couriers import CourierConfig, CourierLimits
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import note_text
from shop_orders.services import auth, orders, permissions, tracking
from shop_orders.services.verification import verify_store
from shop_orders.store.models import AuditEvent, Order, OrderLine, Shipment, Ticket, TicketComment
from tests import factories
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")  # the parcels are scanned out
SHIPPED_AT = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def sim():
    with CourierSim(rate=None, slow_seconds=0.2, first_fetch=timedelta(0)) as server:
        yield server


def run(db, fn, *args, at=SHIPPED_AT, **kw):
    return factories.run(db, fn, *args, clock=lambda: at, **kw)


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
    number = "DELIVERED000" + ("1" if db.engine.dialect.name == "sqlite" else "2")  # the simulator outlives a store
    no = shipped(db, number)
    if kind == "aftership":  # the first sync registers the parcel with AfterShip: not known yet
        first = sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(hours=1))
        assert (first.checked, first.waiting, first.rolled_back) == (1, 1, 0)
        assert parcel(db, no).track_state == "unknown" and parcel(db, no).track_ref
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


def test_a_number_aftership_refuses_to_register_rolls_back_at_once(db, sim):
    no = shipped(db, "INVALID0001")
    result = sync(db, asker(sim, kind="aftership"), at=SHIPPED_AT + timedelta(minutes=5))
    assert result.rolled_back == 1 and order(db, no).status == Status.AWAITING_SHIPMENT.value
    assert tickets_of(db, no)[0].kind == "logistics"


@pytest.mark.parametrize("kind", ["kuaidi100", "aftership"])
def test_a_fresh_parcel_unknown_for_its_first_hours_is_not_recalled(db, kind):
    number = "FRESH0000001"
    clock = [start_time(number) + timedelta(minutes=20)]  # the courier has nothing yet
    at = clock[0]
    with CourierSim(rate=None, first_fetch=timedelta(minutes=30), clock=lambda: clock[0]) as fresh:
        no = run(db, lambda uow: orders.create_order(uow, OWNER, draft(status=Status.AWAITING_SHIPMENT,
                                                                       paid_minor=37500)).order_no, at=at)
        run(db, orders.ship, SCAN, no, courier="SF", tracking_no=number, at=at)
        for hours in (0, 1, 2):  # Kuaidi100 "查询无结果", AfterShip Pending: not invalid, not picked up yet
            clock[0] = at + timedelta(hours=hours)
            result = sync(db, asker(fresh, kind=kind), at=clock[0])
            assert (result.checked, result.waiting, result.rolled_back) == (1, 1, 0)
            assert order(db, no).status == Status.SHIPPED.value and parcel(db, no).track_state == "unknown"
        clock[0] = at + timedelta(hours=4)
        result = sync(db, asker(fresh, kind=kind), at=clock[0])
    assert (result.waiting, result.rolled_back) == (0, 0)
    p = parcel(db, no)
    assert p.track_state == "picked_up" and p.picked_up_at == start_time(number) + timedelta(hours=3)
    assert tickets_of(db, no) == [] and verify_store(db).ok


@pytest.mark.parametrize("kind", ["kuaidi100", "aftership"])
def test_a_parcel_still_unknown_past_the_pickup_deadline_is_recalled(db, sim, kind):
    no = shipped(db, "NEVER0000001")
    early = sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(hours=23))
    assert (early.waiting, early.rolled_back) == (1, 0) and order(db, no).status == Status.SHIPPED.value
    late = sync(db, asker(sim, kind=kind), at=SHIPPED_AT + timedelta(hours=24))
    assert late.rolled_back == 1 and order(db, no).status == Status.AWAITING_SHIPMENT.value
    [tk] = tickets_of(db, no)
    with db.read_session() as s:
        [note] = s.execute(select(TicketComment.text).where(TicketComment.ticket_id == tk.id)).scalars()
    assert "has not picked up NEVER0000001" in note_text(note, "en")


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


def test_one_garbled_answer_is_reported_for_its_parcel_and_the_others_are_checked(db, sim):
    garbled, waybill, unknown = (shipped(db, n) for n in ("GARBAGE0001", "NOPICKUP0002", "INVALID0002"))
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(hours=2))
    assert (result.checked, result.updated, result.rolled_back, result.failed, result.waiting) == (2, 2, 0, 1, 1)
    [problem] = result.problems
    assert garbled in problem and "GARBAGE0001" in problem and "could not be read" in problem
    assert parcel(db, garbled).track_state == "" and order(db, garbled).status == Status.SHIPPED.value
    assert parcel(db, waybill).track_state == "info_received" and parcel(db, unknown).track_state == "unknown"


def test_a_server_error_and_a_slow_courier_change_nothing_and_are_reported_once(db, sim):
    failing = [shipped(db, f"ERR50000{i:02d}") for i in range(5)]
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2))
    assert result.failed == 5 and result.checked == 0
    assert len(result.problems) == 1 and "had a server error" in result.problems[0]
    assert {parcel(db, n).track_state for n in failing} == {""}
    no = shipped(db, "SLOW0000001", courier="YTO")
    quick = adapter_for(CourierConfig("YTO", "aftership", sim.url, "", "yto"), DEFAULT_KEY,
                        limits=CourierLimits(rate_per_second=0, read_timeout=0.05, tries=1), sleep=lambda s: None)
    result = sync(db, ("YTO", quick.track), at=SHIPPED_AT + timedelta(days=2))
    assert result.failed == 1 and any("YTO did not answer" in p for p in result.problems)
    assert parcel(db, no).track_state == ""


def test_a_parcel_of_another_courier_or_without_a_number_is_not_asked_and_is_counted(db, sim):
    other = shipped(db, "NOPICKUP0003", courier="EMS")
    none = shipped(db, "", courier="SF")
    result = sync(db, asker(sim), at=SHIPPED_AT + timedelta(days=2))
    assert result.checked == 0 and result.no_account == {"EMS": 1}
    assert result.problems == [] and result.unchecked() == [
        "1 parcels of EMS were not checked: no courier account answers for that name. Add one, or add EMS as an alias "
        "of the right account (Tools → Couriers…)."]
    assert order(db, other).status == order(db, none).status == Status.SHIPPED.value


def test_a_courier_name_from_a_channel_file_reaches_its_account_by_alias(db, sim):
    from shop_orders.services.courier_accounts import Account

    nos = [shipped(db, n, courier=c) for n, c in (("SF2026000011", "顺丰速运"), ("SF2026000012", "ＳＦ Express"),
                                                  ("SF2026000013", "sf"), ("SF2026000014", "中通快递"))]
    sf = Account("SF", "kuaidi100", sim.url, DEFAULT_CUSTOMER, "shunfeng", aliases=("顺丰速运", "SF Express"))
    result = sync(db, (sf, asker(sim)[1]), at=SHIPPED_AT + timedelta(days=2))
    assert result.checked == 3 and result.no_account == {"中通快递": 1}
    assert {parcel(db, n).track_state for n in nos[:3]} == {"in_transit"} and parcel(db, nos[3]).track_state == ""
    assert "1 parcels of 中通快递 were not checked" in result.unchecked()[0]


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
