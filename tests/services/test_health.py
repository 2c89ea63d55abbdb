"""The health figures on tiny hand-made stores, SQLite and PostgreSQL: each definition of
domain/health.py pinned by hand (an order paid at 23:59 and scanned out at 23:58 the next day is
within 24 hours; a parcel with no pickup is excluded and counted; an archived order is not
counted), every tile's and breakdown's click giving the grid exactly its count, the rollup equal to
a rebuild from the live rows after every kind of change (and an edited rollup found and made
whole), and bad input refused with one sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.health import FIGURES, Light, Lights, local_days, median, percentile
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState
from shop_orders.services import health, orders, permissions, settings, tickets, tracking
from shop_orders.services.uow import UnitOfWork
from shop_orders.services.verification import verify_store
from shop_orders.store import grid, health_rollup
from shop_orders.store.models import Order, Shipment, Ticket
from tests import factories
from tests.factories import DRAFT_TOTAL, draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=SHANGHAI).astimezone(UTC)  # Sunday noon in Hangzhou


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def run(db, fn, *args, at=NOW, **kw):
    return factories.run(db, fn, *args, clock=lambda: at, **kw)


@pytest.fixture
def shop(db):
    run(db, settings.set_timezone, OWNER, "Asia/Shanghai")
    return db


def paid(db, at: datetime, channel: str = "taobao", **kw) -> str:
    """An order created and paid in full at `at`, awaiting shipment."""
    d = draft(status=Status.AWAITING_SHIPMENT, paid_minor=DRAFT_TOTAL, created_at=at, paid_at=at, channel=channel,
              **kw)
    return run(db, lambda uow: orders.create_order(uow, OWNER, d).order_no, at=at)


def ship(db, no: str, at: datetime, courier: str = "SF", number: str | None = None) -> int:
    run(db, orders.ship, SCAN, no, courier=courier, tracking_no=number or f"SF{abs(hash(no)) % 10**12:012d}", at=at)
    with db.read_session() as s:
        return s.execute(select(Shipment.id).join(Order).where(Order.order_no == no)
                         .order_by(Shipment.id.desc())).scalars().first()


def courier_says(db, parcel: int, at: datetime, picked: datetime | None, delivered: datetime | None = None) -> None:
    """The courier's answer about a parcel, written at `at` (the tracking sync's own path)."""
    events = []
    if picked is not None:
        events.append(TrackEvent(picked, TrackState.PICKED_UP, "收件"))
    if delivered is not None:
        events.append(TrackEvent(delivered, TrackState.DELIVERED, "签收"))
    state = TrackState.DELIVERED if delivered else TrackState.IN_TRANSIT if picked else TrackState.UNKNOWN
    with db.read_session() as s:
        number = s.get(Shipment, parcel).tracking_no
    result = TrackResult.of(number, state, events)
    run(db, lambda uow: tracking.apply_answer(uow, "SF", parcel, result, tracking.TrackingSettings()), at=at)


def report(db, **kw):
    kw.setdefault("span", "7d")
    return health.report(db, now=kw.pop("now", NOW), **kw)


def grid_count(db, r: health.Report, key: str, part: str = "") -> int:
    with db.read_session() as s:
        q = GridQuery(health=r.slice(key, part), thresholds=settings.get_thresholds(s), now=r.now)
        return grid.count(s, q)


# --- the definitions, pinned by hand -----------------------------------------------------------

def test_shipped_within_24_hours_counts_the_clock_not_the_calendar(shop):
    db = shop
    a = paid(db, local(3, 23, 59))
    ship(db, a, local(4, 23, 58))  # 23 h 59 min: within
    b = paid(db, local(3, 10, 0))
    ship(db, b, local(4, 10, 1))  # 24 h 1 min: missed
    paid(db, local(4, 9, 0))  # never shipped, paid more than 24 h ago: missed
    paid(db, local(6, 9, 0))  # paid 3 h ago, not shipped yet: excluded, counted
    c = paid(db, local(4, 8, 0))
    run(db, orders.transition, ChangeContext(OWNER.actor, "manual", "buyer changed mind"), c, Status.CANCELLED)  # cancelled unshipped: excluded, counted
    d = paid(db, local(4, 8, 0))
    ship(db, d, local(4, 9, 0))
    with UnitOfWork(db, clock=lambda: NOW) as uow:  # archived by an approved change set: not counted
        permissions.grant_approved(uow, "changeset:1")
        orders.set_archived(uow, ChangeContext(Actor("olivia", "owner"), "changeset:1", "duplicate",
                                               Actor("bob", "manager")), d, True)
        uow.commit()
    f = report(db).figure("ship_24h")
    assert (f.measured, f.orders, f.excluded) == (3, 2, 2)
    assert f.value == pytest.approx(100 / 3)
    assert f.light is Light.RED
    assert f.extra["median_hours"] == pytest.approx((23 * 60 + 59 + 24 * 60 + 1) / 2 / 60)
    assert grid_count(db, report(db), "ship_24h") == 2
    day = {p.part: p for p in report(db).charts[1].points}
    assert day["day:2026-12-03"].value == 50.0 and day["day:2026-12-03"].orders == 1
    assert day["day:2026-12-04"].orders == 1 and day["day:2026-12-04"].value == 0.0


def test_a_parcel_the_courier_has_not_picked_up_is_excluded_and_counted(shop):
    db = shop
    late = ship(db, paid(db, local(5, 9, 0)), local(5, 10, 0), courier="SF")
    soon = ship(db, paid(db, local(5, 9, 0)), local(5, 10, 0), courier="YTO")
    ship(db, paid(db, local(5, 9, 0)), local(5, 10, 0), courier="SF")  # no pickup yet
    courier_says(db, late, local(5, 11, 0), picked=local(5, 10, 40), delivered=None)
    courier_says(db, soon, local(5, 10, 30), picked=local(5, 10, 5))
    courier_says(db, soon, local(6, 9, 0), picked=local(5, 10, 5), delivered=local(6, 8, 5))
    r = report(db)
    gap = r.figure("pickup_gap")
    assert (gap.measured, gap.excluded, gap.orders) == (2, 1, 1)  # the one over 15 minutes
    assert gap.value == pytest.approx((40 + 5) / 2)
    assert gap.extra["over_15_share"] == 50.0
    assert {p.part: (p.value, p.orders) for p in gap.parts} == {"courier:SF": (40.0, 1), "courier:YTO": (5.0, 1)}
    delivery = r.figure("delivery")
    assert (delivery.value, delivery.measured, delivery.excluded) == (22.0, 1, 2)
    assert delivery.extra["p90_hours"] == 22.0
    sync = r.figure("sync_delay")  # seen 20, 25 minutes after pickup; delivery 55 minutes after
    assert sync.measured == 3 and sync.value == pytest.approx(25.0)
    assert sync.orders == 2  # both parcels had news later than the 3-minute green line
    for key in ("pickup_gap", "delivery", "sync_delay"):
        assert grid_count(db, r, key) == r.figure(key).orders
    assert grid_count(db, r, "pickup_gap", "courier:SF") == 1


def test_tickets_rules_and_hands_sla_and_time_to_resolve(shop):
    db = shop
    a, b, c = (paid(db, local(1, 9, 0)) for _ in range(3))
    opened = local(1, 10, 0)
    run(db, tickets.open_ticket, OWNER, a, Kind.ADDRESS, at=opened)  # by hand
    with UnitOfWork(db, clock=lambda: opened, rules=()) as uow:  # by a rule (the system actor)
        order = uow.session.execute(select(Order).where(Order.order_no == b)).scalar_one()
        assert tickets.detected(uow, ChangeContext(tickets.SYSTEM, "rule:stuck"), order, Kind.STUCK, "stuck",
                                "stuck") == "opened"
        uow.commit()
    run(db, tickets.open_ticket, OWNER, c, Kind.PAYMENT, at=opened)
    with db.read_session() as s:
        ids = {r.order_no: r.id for r in s.execute(select(Ticket)).scalars()}
    run(db, tickets.set_state, OWNER, ids[a], "resolved", at=opened + timedelta(minutes=30))  # in time
    run(db, tickets.set_state, OWNER, ids[c], "resolved", at=opened + timedelta(days=3))  # late
    r = report(db)
    auto = r.figure("exception_auto")
    assert (auto.measured, auto.value, auto.orders) == (3, pytest.approx(100 / 3), 2)
    sla = r.figure("sla_hit")
    assert (sla.measured, sla.value, sla.orders) == (2, 50.0, 1)
    assert sla.extra["mean_resolve_hours"] == pytest.approx((0.5 + 72) / 2)
    exc = r.figure("open_exceptions")
    assert exc.value == 1 and {p.part for p in exc.parts} == {"kind:stuck", f"priority:{exc.parts[-1].part[9:]}"}
    for key in ("exception_auto", "sla_hit", "open_exceptions"):
        assert grid_count(db, r, key) == r.figure(key).orders


def test_refunds_orders_by_status_and_channel_and_the_previous_period(shop):
    db = shop
    a = paid(db, local(5, 9, 0), channel="jd")
    paid(db, local(5, 9, 0), channel="taobao")
    paid(db, local(27, 9, 0, month=11), channel="taobao")  # the previous 7 days
    run(db, orders.record_payment, OWNER, a, -3900, at=local(5, 12, 0))
    r = report(db)
    refund = r.figure("refund_rate")
    assert (refund.value, refund.orders, refund.measured) == (50.0, 1, 2)
    assert refund.extra["amount_share"] == pytest.approx(100 * 3900 / (2 * DRAFT_TOTAL))
    o = r.figure("orders")
    assert (o.value, o.previous, o.change) == (2, 1, 1)
    assert {p.part: p.orders for p in o.parts} == {"status:awaiting_shipment": 2, "channel:jd": 1,
                                                    "channel:taobao": 1}
    jd = report(db, channel="jd")
    assert jd.figure("orders").value == 1 and jd.figure("refund_rate").value == 100.0
    assert r.period.first_day == date(2026, 11, 30) and r.previous.last_day == date(2026, 11, 29)


def test_every_tile_part_and_point_gives_the_grid_its_count(shop):
    db = shop
    for day in range(1, 7):
        no = paid(db, local(day, 9, 0), channel=("jd", "taobao")[day % 2])
        if day % 3:
            p = ship(db, no, local(day, 20, 0), courier=("SF", "ZTO")[day % 2])
            if day < 5:
                courier_says(db, p, local(day, 21, 0), picked=local(day, 20, 30))
    stale = paid(db, local(20, 9, 0, month=11))
    assert stale
    run(db, tickets.open_ticket, OWNER, stale, Kind.OUT_OF_STOCK, at=local(28, 9, 0, month=11))
    for span in ("today", "7d", "30d"):
        r = report(db, span=span)
        for f in r.figures:
            assert grid_count(db, r, f.key) == f.orders, (span, f.key)
            for p in f.parts:
                assert grid_count(db, r, f.key, p.part) == p.orders, (span, f.key, p.part)
        for chart in r.charts:
            for p in chart.points:
                assert grid_count(db, r, chart.figure, p.part) == (p.orders if chart.figure != "pickup_gap"
                                                                    else p.orders), (chart.key, p.part)
    # stale now (72 h): the orders of Dec 1 and 2 (shipped then), Dec 3 (never shipped) and Nov 20
    assert report(db, span="30d").figure("stale").value == 4


# --- the rollup ----------------------------------------------------------------------------------

def test_the_rollup_equals_a_rebuild_after_every_kind_of_change_and_an_edit_is_found(shop):
    db = shop
    a = paid(db, local(5, 9, 0))
    parcel = ship(db, a, local(5, 10, 0))
    courier_says(db, parcel, local(5, 11, 0), picked=local(5, 10, 20))
    run(db, orders.record_payment, OWNER, a, -100, at=local(5, 12, 0))
    b = paid(db, local(5, 9, 0))
    p2 = ship(db, b, local(5, 10, 0))
    run(db, orders.recall_shipment, OWNER, p2, at=local(5, 11, 0))
    factories.make_order(db)  # unpaid
    assert health.check(db) == (0, [])
    with db.engine.connect() as conn:
        rows = conn.execute(select(health_rollup.H).order_by(health_rollup.H.c.order_id)).all()
    assert len(rows) == 3 and sum(r.recalled for r in rows) == 1
    with db.engine.begin() as conn:  # someone who can write the database file improves the figures
        conn.execute(text("UPDATE order_health SET pay_ship_s = 60"))
        conn.execute(text("DELETE FROM order_health WHERE recalled > 0"))
    count, first = health.check(db)
    assert count == 3 and len(first) == 3
    found = verify_store(db)  # audit verify names it too
    assert found.kind == "rollup" and "differs from the orders for 3 orders" in found.problem
    assert health.rebuild(db) == 3
    assert health.check(db) == (0, []) and verify_store(db).ok
    with db.engine.connect() as conn:
        assert conn.execute(select(health_rollup.H).order_by(health_rollup.H.c.order_id)).all() == rows


# --- bad input -----------------------------------------------------------------------------------

def test_bad_ranges_channels_and_lights_are_one_sentence_and_change_nothing(shop):
    db = shop
    with pytest.raises(ValidationError, match=r"ends on 2026-12-01, before it starts on 2026-12-05"):
        report(db, span="range", first=date(2026, 12, 5), last=date(2026, 12, 1))
    with pytest.raises(ValidationError, match=r"There is no channel 'nosuch'"):
        report(db, channel="nosuch")
    for key, green, amber, why in (("ship_24h", 120, 80, "from 0 to 100"), ("ship_24h", 80, 90, "not be above"),
                                   ("pickup_gap", 30, 10, "not be below"), ("orders", 1, 2, "no traffic light"),
                                   ("nosuch", 1, 2, "not a health figure")):
        with pytest.raises(ValidationError, match=why):
            run(db, health.set_lights, OWNER, key, green, amber)
    assert health.get_lights(db) == Lights()
    clerk = ChangeContext(Actor("wang", "clerk"), "manual")
    with pytest.raises(permissions.PermissionDenied):
        run(db, health.set_lights, clerk, "ship_24h", 90, 80)
    run(db, health.set_lights, OWNER, "ship_24h", 90, 50)
    assert health.get_lights(db).of("ship_24h") == (90.0, 50.0)
    assert health.get_lights(db).light("ship_24h", 60) is Light.AMBER


# --- the arithmetic (pure) ---------------------------------------------------------------------------

def test_medians_percentiles_and_local_days():
    assert median([]) is None and median([3]) == 3 and median([1, 2, 3, 10]) == 2.5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9 and percentile([5], 90) == 5
    p = local_days(date(2026, 3, 28), date(2026, 3, 29), ZoneInfo("Europe/London"))  # the clocks go forward
    assert p.end - p.start == timedelta(hours=47)
    assert p.previous().last_day == date(2026, 3, 27) and len(p.previous().days()) == 2
    assert [d.key for d in FIGURES][:4] == ["sync_delay", "recon_auto", "exception_auto", "id_consistency"]
