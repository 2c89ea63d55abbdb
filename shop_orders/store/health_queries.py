"""The health figures' reads (domain/health.py defines them; services/health.py assembles them).

Order figures read the rollup (store/health_rollup.py), one indexed range of its anchor time per
period; ticket figures read the tickets; statement figures the statement lines and their matches.
`order_ids` is the click: the order ids behind a figure or one part of it, the grid's filter
(store/grid.py, GridQuery.health). The counts the dashboard shows beside each figure are
computed by the aggregates here with the same conditions (`_click` below gives both), and
tests/services/test_health.py holds every tile's count equal to the grid's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from shop_orders.domain.health import PICKUP_LATE_S, SHIP_WITHIN_S, Slice, definition
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.store.health_rollup import H
from shop_orders.store.models import (
    LineMatch,
    Order,
    OrderReconciliation,
    StatementLineRow,
    Ticket,
    TicketOrder,
)

ORD = Order.__table__
K, M = Ticket.__table__, TicketOrder.__table__
L, LM, R = StatementLineRow.__table__, LineMatch.__table__, OrderReconciliation.__table__
ACTIVE = ("open", "in_progress", "waiting")  # domain/tickets.py ACTIVE
SYSTEM = "system"  # the rules' actor (services/tickets.SYSTEM): a ticket it opened was detected by a rule
BY_HAND = "manual"  # domain/reconcile.BY_HAND
SALE_KINDS = ("payment", "refund")  # the lines an order id must tie (fees and payouts follow their payment)
CANCELLED = Status.CANCELLED.value
Ids = Select[Any] | CompoundSelect[Any]  # a query of order ids


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _live(channel: str | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [H.c.archived.is_(False)]
    if channel:
        conds.append(H.c.channel == channel)
    return conds


def _order_live(channel: str | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [ORD.c.archived.is_(False)]
    if channel:
        conds.append(ORD.c.channel == channel)
    return conds


def _of_live_order(order_id: Any, channel: str | None) -> ColumnElement[bool]:
    """order_id is a live order's (of the channel): one primary-key probe per row. (`IN (SELECT id
    FROM orders WHERE NOT archived)` made SQLite list all million live ids first: ~1 s.)"""
    return exists().where(ORD.c.id == order_id, *_order_live(channel))


def _stale_live(thresholds: Thresholds, now: datetime, channel: str | None) -> ColumnElement[bool]:
    """Live, of the channel and stale, `archived` and the channel inside each status's term: SQLite
    then reads one index range of ix_orders_live_status_updated per status (with them outside the
    OR it read every live order, or every order of the channel: ~0.5 s / ~0.25 s at 1,000,000)."""
    cutoffs = thresholds.cutoffs(now)
    if not cutoffs:
        return false()
    return or_(*[and_(*_order_live(channel), ORD.c.status == st.value, ORD.c.updated_at <= cut)
                 for st, cut in cutoffs.items()])


# --- what each figure's click set is (one definition, used by the counts and by the grid) ---------

def ship_missed(now: datetime) -> ColumnElement[bool]:
    """Paid and not scanned out within 24 h: shipped later, or not shipped 24 h after payment (a
    cancelled order that never shipped is neither: excluded)."""
    return or_(H.c.pay_ship_s > SHIP_WITHIN_S,
               and_(H.c.shipped_at.is_(None), H.c.paid_at <= now - timedelta(seconds=SHIP_WITHIN_S),
                    H.c.status != CANCELLED))


def ship_excluded(now: datetime) -> ColumnElement[bool]:
    """Paid less than 24 h ago and not shipped yet, or cancelled without shipping."""
    return and_(H.c.shipped_at.is_(None),
                or_(H.c.paid_at > now - timedelta(seconds=SHIP_WITHIN_S), H.c.status == CANCELLED))


def ship_within() -> ColumnElement[bool]:
    return H.c.pay_ship_s <= SHIP_WITHIN_S


def sync_slow(limit_s: float) -> ColumnElement[bool]:
    return or_(H.c.sync_pickup_s > limit_s, H.c.sync_deliver_s > limit_s)


def _rollup_ids(s: Slice, anchor: Any, *conds: Any) -> Ids:
    return select(H.c.order_id).where(*_live(s.channel), _between(anchor, s.start, s.end), *conds)


def _day(s: Slice, part: str) -> tuple[datetime, datetime]:
    from datetime import date, time

    day = date.fromisoformat(part)
    start = datetime.combine(day, time(0), tzinfo=s.tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=s.tz)
    return start, end


def _tickets_ids(s: Slice, *conds: Any) -> Ids:
    q = select(K.c.order_id).where(*conds)
    if s.channel:
        q = q.where(K.c.order_id.in_(select(ORD.c.id).where(ORD.c.channel == s.channel)))
    return q


def _active_held(*conds: Any) -> Ids:
    """Orders with an active ticket of their own or held by an active summary ticket, the tickets
    meeting conds (as the grid's "with open tickets" filter)."""
    own = select(K.c.order_id).where(K.c.state.in_(ACTIVE), *conds)
    held = select(M.c.order_id).select_from(M.join(K, K.c.id == M.c.ticket_id)).where(K.c.state.in_(ACTIVE), *conds)
    return own.union(held)


def _lines_in(s: Slice) -> list[ColumnElement[bool]]:
    return [_between(L.c.occurred_at, s.start, s.end), L.c.kind.in_(SALE_KINDS)]


def _shared_parcels(s: Slice) -> Select[Any]:
    """Orders with a parcel scanned out in the period whose tracking number another order's parcel
    (not recalled) carries too (the rollup's `shared`)."""
    return select(H.c.order_id).where(*_live(s.channel), _between(H.c.shipped_at, s.start, s.end), H.c.shared > 0)


def _shared_lines(s: Slice) -> Select[Any]:
    """Orders matched to a sale line of the period that is matched to more than one order."""
    other = LM.alias("other")
    return (select(LM.c.order_id).select_from(LM.join(L, L.c.id == LM.c.line_id))
            .where(*_lines_in(s), exists().where(other.c.line_id == LM.c.line_id, other.c.order_id != LM.c.order_id))
            .where(_of_live_order(LM.c.order_id, s.channel)))


def order_ids(s: Slice, thresholds: Thresholds) -> Ids:  # noqa: C901 - one branch per figure
    """The order ids behind figure s.figure (part s.part) in s's period and channel."""
    kind, _, value = s.part.partition(":")
    f = s.figure
    if f == "orders":
        if kind == "day":
            a, b = _day(s, value)
            return select(H.c.order_id).where(*_live(s.channel), _between(H.c.created_at, a, b))
        extra = [H.c.status == value] if kind == "status" else [H.c.channel == value] if kind == "channel" else []
        return _rollup_ids(s, H.c.created_at, *extra)
    if f == "stale":
        conds = [_stale_live(thresholds, s.now, s.channel)]
        if kind == "status":
            conds.append(ORD.c.status == value)
        elif kind == "band":
            conds.append(age_band(int(value), s.now))
        return select(ORD.c.id).where(*conds)
    if f == "ship_24h":
        if kind == "day":
            a, b = _day(s, value)
            return select(H.c.order_id).where(*_live(s.channel), _between(H.c.paid_at, a, b), ship_missed(s.now))
        return _rollup_ids(s, H.c.paid_at, ship_missed(s.now))
    if f == "pickup_gap":
        if kind == "courier":
            return _rollup_ids(s, H.c.shipped_at, H.c.courier == value, H.c.ship_pickup_s.is_not(None))
        return _rollup_ids(s, H.c.shipped_at, H.c.ship_pickup_s > PICKUP_LATE_S)
    if f == "delivery":
        extra = [H.c.courier == value] if kind == "courier" else []
        return _rollup_ids(s, H.c.shipped_at, H.c.pickup_deliver_s.is_not(None), *extra)
    if f == "sync_delay":
        pair = s.lights.of("sync_delay")
        assert pair is not None
        return _rollup_ids(s, H.c.shipped_at, sync_slow(pair[0] * 60))
    if f == "recalled":
        return _rollup_ids(s, H.c.recalled_at, H.c.recalled > 0)
    if f == "refund_rate":
        return _rollup_ids(s, H.c.paid_at, H.c.refunded_minor > 0)
    if f == "recon_red":
        if kind == "state" and value == "none":
            return _rollup_ids(s, H.c.paid_at, ~exists().where(R.c.order_id == H.c.order_id))
        state = value if kind == "state" else "red"
        return _rollup_ids(s, H.c.paid_at, H.c.order_id.in_(select(R.c.order_id).where(R.c.state == state)))
    if f == "open_exceptions":
        conds = ([K.c.kind == value] if kind == "kind" else [K.c.priority == int(value)] if kind == "priority"
                 else [])
        held = _active_held(*conds).subquery()
        return select(held.c.order_id).where(_of_live_order(held.c.order_id, s.channel))
    if f == "sla_hit":
        return _live_orders(s, _tickets_ids(s, _between(K.c.resolved_at, s.start, s.end),
                                            K.c.used_seconds >= K.c.sla_seconds))
    if f == "exception_auto":
        return _live_orders(s, _tickets_ids(s, _between(K.c.opened_at, s.start, s.end), K.c.opened_by != SYSTEM))
    if f == "recon_auto":
        q = (select(LM.c.order_id).select_from(LM.join(L, L.c.id == LM.c.line_id))
             .where(_between(L.c.occurred_at, s.start, s.end), LM.c.rule == BY_HAND))
        return _live_orders(s, q)
    if f == "id_consistency":
        return _live_orders(s, _shared_parcels(s).union(_shared_lines(s)))
    definition(f)  # names the figures that exist (ValidationError)
    raise AssertionError(f)  # every figure is answered above


def _live_orders(s: Slice, ids: Ids) -> Ids:
    sub = ids.subquery()
    return select(sub.c[0]).where(_of_live_order(sub.c[0], s.channel))


def count(session: Session, s: Slice, thresholds: Thresholds) -> int:
    sub = order_ids(s, thresholds).subquery()
    return session.execute(select(func.count()).select_from(sub)).scalar_one()


# --- the stale ages ----------------------------------------------------------------------------

BAND_DAYS = ((0, 1), (1, 3), (3, 7), (7, None))


def age_band(band: int, now: datetime) -> ColumnElement[bool]:
    """Last updated within band's days before now: [lo, hi) days old."""
    lo, hi = BAND_DAYS[band]
    conds = [ORD.c.updated_at <= now - timedelta(days=lo)]
    if hi is not None:
        conds.append(ORD.c.updated_at > now - timedelta(days=hi))
    return and_(*conds)


# --- the aggregates ----------------------------------------------------------------------------

def _n(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def orders_counts(session: Session, start: datetime, end: datetime, channel: str | None) -> list[tuple[str, str, int]]:
    """(status, channel, orders) placed in [start, end)."""
    q = (select(H.c.status, H.c.channel, func.count()).where(*_live(channel), _between(H.c.created_at, start, end))
         .group_by(H.c.status, H.c.channel))
    return [(a, b, n) for a, b, n in session.execute(q).all()]


BUCKET_S = 900  # every time zone's offset is a whole number of quarter hours: no bucket spans a local midnight


def _bucket(column: Any, dialect: str) -> Any:
    """The quarter hour (since 1970, UTC) a time falls in."""
    if dialect == "sqlite":
        # // : SQLAlchemy renders `/` between integers as `/ (900 + 0.0)`, a float division that
        # made one group per row (~38,000 for 30 days instead of 2,880 quarter hours)
        return func.cast(func.strftime(literal_column("'%s'"), column), BigInteger) // BUCKET_S
    return func.cast(func.floor(func.extract("epoch", column) / literal_column(str(BUCKET_S))), BigInteger)


def by_quarter_hour(session: Session, anchor_name: str, start: datetime, end: datetime, channel: str | None,
                    *conds: Any) -> list[tuple[int, ...]]:
    """(quarter hour, rows, rows meeting each of conds...) of the rollup rows whose anchor is in
    [start, end): one range scan, grouped (services/health turns quarter hours into local days)."""
    anchor = H.c[anchor_name]
    bucket = _bucket(anchor, session.get_bind().dialect.name).label("b")
    q = (select(bucket, func.count(), *(_n(c) for c in conds)).where(*_live(channel), _between(anchor, start, end))
         .group_by(bucket))
    return [tuple(int(v) for v in r) for r in session.execute(q).all()]


def ship_median(session: Session, start: datetime, end: datetime, channel: str | None) -> float | None:
    """The median paid-to-scan-out seconds of the orders paid in [start, end) and shipped (the
    middle one or two read in SQL, not every value fetched)."""
    scope = [*_live(channel), _between(H.c.paid_at, start, end), H.c.pay_ship_s.is_not(None)]
    n = session.execute(select(func.count()).select_from(H).where(*scope)).scalar_one()
    if not n:
        return None
    middle = session.execute(select(H.c.pay_ship_s).where(*scope).order_by(H.c.pay_ship_s)
                             .offset((n - 1) // 2).limit(2 - n % 2)).scalars().all()
    return float(sum(middle)) / len(middle)


# Rows fetched at a time: between two fetches the worker lets go of Python's lock, so the UI
# thread never waits for a whole period's rows to be made (a 365-day range held it ~100-275 ms).
FETCH = 2000


def parcel_rows(session: Session, start: datetime, end: datetime, channel: str | None) -> list[tuple[Any, ...]]:
    """(courier, ship_pickup_s, pickup_deliver_s, sync_pickup_s, sync_deliver_s, picked, delivered) per
    order whose first parcel was scanned out in [start, end)."""
    q = select(H.c.courier, H.c.ship_pickup_s, H.c.pickup_deliver_s, H.c.sync_pickup_s, H.c.sync_deliver_s,
               H.c.picked_up_at.is_not(None), H.c.delivered_at.is_not(None)
               ).where(*_live(channel), _between(H.c.shipped_at, start, end))
    return [tuple(r) for part in session.execute(q.execution_options(yield_per=FETCH)).partitions() for r in part]


def recalled_count(session: Session, start: datetime, end: datetime, channel: str | None) -> int:
    return session.execute(select(func.count()).select_from(H).where(
        *_live(channel), _between(H.c.recalled_at, start, end), H.c.recalled > 0)).scalar_one()


def money_rows(session: Session, start: datetime, end: datetime, channel: str | None) -> list[tuple[Any, ...]]:
    """(currency, orders paid, orders refunded, paid minor, refunded minor) per currency, orders
    paid in [start, end)."""
    q = (select(H.c.currency, func.count(), _n(H.c.refunded_minor > 0), func.coalesce(func.sum(H.c.paid_minor), 0),
                func.coalesce(func.sum(H.c.refunded_minor), 0))
         .where(*_live(channel), _between(H.c.paid_at, start, end)).group_by(H.c.currency))
    return [(r[0], *(int(v) for v in r[1:])) for r in session.execute(q).all()]


def recon_states(session: Session, start: datetime, end: datetime, channel: str | None) -> dict[str, int]:
    """Orders paid in [start, end) per reconciliation state ('none': not reconciled yet)."""
    q = (select(R.c.state, func.count()).select_from(H.outerjoin(R, R.c.order_id == H.c.order_id))
         .where(*_live(channel), _between(H.c.paid_at, start, end)).group_by(R.c.state))
    return {state or "none": n for state, n in session.execute(q).all()}


def stale_counts(session: Session, thresholds: Thresholds, now: datetime, channel: str | None
                 ) -> tuple[dict[str, int], list[int]]:
    """Stale orders now: per status, and per age band."""
    conds = [_stale_live(thresholds, now, channel)]
    by_status: dict[str, int] = dict(session.execute(select(ORD.c.status, func.count()).where(*conds).group_by(ORD.c.status)).all())
    bands = session.execute(select(*(_n(age_band(i, now)) for i in range(len(BAND_DAYS)))).where(*conds)).one()
    return by_status, [int(v) for v in bands]


def open_exceptions(session: Session, channel: str | None) -> tuple[int, dict[str, int], dict[int, int]]:
    """Orders with an active ticket now: all, per ticket kind, per priority (an order counts once
    in each: twice in the kinds if it has tickets of two kinds)."""
    def n(*conds: Any) -> int:
        held = _active_held(*conds).subquery()
        return session.execute(select(func.count()).select_from(held).where(
            _of_live_order(held.c.order_id, channel))).scalar_one()

    kinds = [k for (k,) in session.execute(select(K.c.kind).where(K.c.state.in_(ACTIVE)).distinct()).all()]
    prios = [p for (p,) in session.execute(select(K.c.priority).where(K.c.state.in_(ACTIVE)).distinct()).all()]
    return n(), {k: n(K.c.kind == k) for k in sorted(kinds)}, {p: n(K.c.priority == p) for p in sorted(prios)}


def _ticket_scope(channel: str | None) -> list[ColumnElement[bool]]:
    return [_of_live_order(K.c.order_id, channel)]


def tickets_opened(session: Session, start: datetime, end: datetime, channel: str | None) -> tuple[int, int, int]:
    """(tickets opened in [start, end), of which by the rules, orders of those opened by hand)."""
    scope = [_between(K.c.opened_at, start, end), *_ticket_scope(channel)]
    total, auto = session.execute(select(func.count(), _n(K.c.opened_by == SYSTEM)).where(*scope)).one()
    hand = session.execute(select(func.count(K.c.order_id.distinct())).where(*scope, K.c.opened_by != SYSTEM)
                           ).scalar_one()
    return int(total), int(auto), int(hand)


def tickets_resolved(session: Session, start: datetime, end: datetime, channel: str | None
                     ) -> tuple[int, int, int, float | None]:
    """(tickets resolved in [start, end), of which within their SLA, orders of those that missed it,
    mean seconds from opening to resolution): services/tickets.stats' definition of in time."""
    scope = [_between(K.c.resolved_at, start, end), *_ticket_scope(channel)]
    rows = session.execute(select(K.c.order_id, K.c.opened_at, K.c.resolved_at, K.c.used_seconds, K.c.sla_seconds)
                           .where(*scope)).all()
    hit = sum(1 for r in rows if r.used_seconds < r.sla_seconds)
    missed_orders = len({r.order_id for r in rows if r.used_seconds >= r.sla_seconds})
    took = [(r.resolved_at - r.opened_at).total_seconds() for r in rows]
    return len(rows), hit, missed_orders, (sum(took) / len(took) if took else None)


def recon_money(session: Session, start: datetime, end: datetime, channel: str | None
                ) -> tuple[int, int, int, int]:
    """(|money| matched by the rules, |money| matched in all, orders matched by hand, lines matched)
    over the lines of [start, end); with a channel, the lines matched to its orders."""
    scope = [_between(L.c.occurred_at, start, end), L.c.state == "matched"]
    if channel:
        scope.append(exists().where(LM.c.line_id == L.c.id, LM.c.order_id == ORD.c.id, ORD.c.channel == channel))
    money = func.abs(L.c.amount_minor)
    auto, total, lines = session.execute(select(
        func.coalesce(func.sum(case((L.c.rule != BY_HAND, money), else_=0)), 0), func.coalesce(func.sum(money), 0),
        func.count()).where(*scope)).one()
    hand = session.execute(select(func.count(LM.c.order_id.distinct())).select_from(LM.join(L, L.c.id == LM.c.line_id))
                           .where(_between(L.c.occurred_at, start, end), LM.c.rule == BY_HAND)
                           .where(_of_live_order(LM.c.order_id, channel))).scalar_one()
    return int(auto), int(total), int(hand), int(lines)


def id_consistency(session: Session, s: Slice, orders: bool = True) -> tuple[int, int, int]:
    """(items tied to exactly one order, items, orders sharing one): the period's sale lines (not
    excluded) and the parcels (not recalled, with a tracking number) of the orders first scanned
    out in it (the rollup's numbered and shared); orders False: 0 orders, not counted (the previous
    period's)."""
    matches = select(func.count()).where(LM.c.line_id == L.c.id).scalar_subquery()
    line_scope = [*_lines_in(s), L.c.state != "excluded"]
    if s.channel:
        line_scope.append(exists().where(LM.c.line_id == L.c.id, LM.c.order_id == ORD.c.id, ORD.c.channel == s.channel))
    lines, lines_one = session.execute(
        select(func.count(), _n(matches == 1)).where(*line_scope)).one()
    parcels, parcels_shared = session.execute(
        select(func.coalesce(func.sum(H.c.numbered), 0), func.coalesce(func.sum(H.c.shared), 0))
        .where(*_live(s.channel), _between(H.c.shipped_at, s.start, s.end))).one()
    sharing = session.execute(select(func.count()).select_from(
        _shared_parcels(s).union(_shared_lines(s)).subquery())).scalar_one() if orders else 0
    return int(lines_one) + int(parcels) - int(parcels_shared), int(lines) + int(parcels), int(sharing)


def channels(session: Session) -> list[str]:
    """The channels the store has orders of: one seek per channel along the (channel, channel order
    no.) index, the next channel after the last (SELECT DISTINCT read the whole index: ~110 ms at
    1,000,000 orders)."""
    seen = select(func.min(ORD.c.channel).label("ch")).cte("seen", recursive=True)
    after = select(func.min(ORD.c.channel)).where(ORD.c.channel > seen.c.ch).scalar_subquery()
    seen = seen.union_all(select(after).where(seen.c.ch.is_not(None)))
    return sorted(c for (c,) in session.execute(select(seen.c.ch).where(seen.c.ch.is_not(None))).all())

