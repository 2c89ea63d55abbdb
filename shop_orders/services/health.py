"""The shop's health: every figure of domain/health.py for a period and a channel, against the
previous period of the same length (the dashboard, `health` on the command line and the export
all call `report`, so they show the same numbers).

Reads only, from the rollup (store/health_rollup.py) and the tickets' and statements' tables
(store/health_queries.py). `Report.slice(key, part)` is what a click opens: the grid filtered to
exactly the orders behind the figure (GridQuery.health), as many as Figure.orders / Part.orders.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.channels import CHANNELS, channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.health import (
    AGE_BANDS,
    BY_KEY,
    FIGURES,
    PICKUP_LATE_S,
    Light,
    Lights,
    Period,
    Slice,
    Span,
    checked_lights,
    median,
    percentile,
    period_of,
    share,
)
from shop_orders.domain.messages import t
from shop_orders.domain.reconcile import State as ReconState
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, Priority
from shop_orders.services import permissions, settings
from shop_orders.services.setting_rows import put
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import health_queries as q
from shop_orders.store import health_rollup, signing
from shop_orders.store.db import Database

LIGHTS_KEY = "health.lights"


@dataclass(frozen=True)
class Part:
    part: str
    label: str
    value: float | None
    orders: int


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | None
    previous: float | None
    orders: int
    measured: int
    excluded: int
    light: Light
    extra: dict[str, float | None] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()

    @property
    def change(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class Chart:
    key: str
    figure: str
    points: tuple[Part, ...]


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    channel: str | None
    now: datetime
    lights: Lights
    thresholds: Thresholds
    figures: tuple[Figure, ...]
    charts: tuple[Chart, ...]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def slice(self, key: str, part: str = "") -> Slice:
        return Slice(key, part, self.period.start, self.period.end, self.channel, self.now, self.period.tz,
                     self.lights)


# --- the settings ------------------------------------------------------------------------------

def _lights(session: Session) -> Lights:
    row = signing.setting(session, LIGHTS_KEY)
    if row is None:
        return Lights()
    try:
        data = json.loads(row.value)
        return Lights({k: (float(v[0]), float(v[1])) for k, v in data.items() if k in BY_KEY})
    except (ValueError, TypeError, KeyError, IndexError):
        return Lights()


def get_lights(db: Database) -> Lights:
    with db.read_session() as s:
        return _lights(s)


def set_lights(uow: UnitOfWork, ctx: ChangeContext, key: str, green: float, amber: float) -> None:
    """The owner's thresholds of one figure's light (audited like every setting); a ValidationError
    naming what is wrong otherwise, nothing written."""
    permissions.require(uow, ctx.actor, "settings.shop")
    pair = checked_lights(key, green, amber)
    chosen = dict(_lights(uow.session).chosen)
    chosen[key] = pair
    put(uow, ctx, LIGHTS_KEY, json.dumps({k: list(v) for k, v in sorted(chosen.items())}))


# --- the report --------------------------------------------------------------------------------

def channels(db: Database) -> list[str]:
    with db.read_session() as s:
        return q.channels(s)


def _check_channel(session: Session, channel: str | None) -> str | None:
    if not channel:
        return None
    known = q.channels(session)
    if channel not in known and channel not in CHANNELS:
        raise ValidationError(t("There is no channel '{channel}'; the store's channels are: {known}.",
                                channel=channel[:40], known=", ".join(known) or "-"))
    return channel


def report(db: Database, *, span: Span | str = Span.DAYS_7, first: date | None = None, last: date | None = None,
           channel: str | None = None, now: datetime | None = None) -> Report:
    now = now or datetime.now(UTC)
    with db.read_session() as s:
        tz = settings.get_timezone(s)
        period = period_of(span, now, tz, first, last)
        channel = _check_channel(s, channel)
        lights = _lights(s)
        thresholds = settings.get_thresholds(s)
        build = _Build(s, period, channel, now, lights, thresholds)
        figures = tuple(build.figure(d.key) for d in FIGURES)
        return Report(period, period.previous(), channel, now, lights, thresholds, figures, build.charts())


class _Build:
    def __init__(self, s: Session, period: Period, channel: str | None, now: datetime, lights: Lights,
                 thresholds: Thresholds) -> None:
        self.s, self.p, self.prev, self.channel, self.now = s, period, period.previous(), channel, now
        self.lights, self.thresholds = lights, thresholds
        self.ship_days: list[Part] = []
        self.couriers: list[Part] = []
        self.parcel_rows: dict[Period, list[tuple[Any, ...]]] = {}

    def figure(self, key: str) -> Figure:
        make: Callable[[], Figure] = getattr(self, f"_{key}")
        return make()

    def _fig(self, key: str, value: float | None, previous: float | None, orders: int, measured: int,
             excluded: int = 0, extra: dict[str, float | None] | None = None, parts: tuple[Part, ...] = ()) -> Figure:
        return Figure(key, value, previous, orders, measured, excluded, self.lights.light(key, value), extra or {},
                      parts)

    # one method per figure, in FIGURES' order

    def _sync_delay(self) -> Figure:
        limit = (self.lights.of("sync_delay") or (3, 15))[0] * 60

        def measure(p: Period) -> tuple[float | None, int, int, int]:
            rows = self._parcels(p)
            delays = sorted(v for r in rows for v in (r[3], r[4]) if v is not None)
            missing = sum((r[5] and r[3] is None) + (r[6] and r[4] is None) for r in rows)
            slow = sum(1 for r in rows if (r[3] is not None and r[3] > limit) or (r[4] is not None and r[4] > limit))
            m = median(delays)
            return (None if m is None else m / 60), len(delays), missing, slow

        value, measured, missing, slow = measure(self.p)
        return self._fig("sync_delay", value, measure(self.prev)[0], slow, measured, missing)

    def _recon_auto(self) -> Figure:
        auto, total, hand, lines = q.recon_money(self.s, self.p.start, self.p.end, self.channel)
        pa, pt, _, _ = q.recon_money(self.s, self.prev.start, self.prev.end, self.channel)
        return self._fig("recon_auto", share(auto, total), share(pa, pt), hand, lines)

    def _exception_auto(self) -> Figure:
        total, auto, hand = q.tickets_opened(self.s, self.p.start, self.p.end, self.channel)
        pt, pa, _ = q.tickets_opened(self.s, self.prev.start, self.prev.end, self.channel)
        return self._fig("exception_auto", share(auto, total), share(pa, pt), hand, total)

    def _id_consistency(self) -> Figure:
        ok, total, orders = q.id_consistency(self.s, self._slice("id_consistency"))
        pok, ptotal, _ = q.id_consistency(self.s, self._slice("id_consistency", self.prev), orders=False)
        return self._fig("id_consistency", share(ok, total), share(pok, ptotal), orders, total)

    def _orders(self) -> Figure:
        rows = q.orders_counts(self.s, self.p.start, self.p.end, self.channel)
        prev = sum(n for *_, n in q.orders_counts(self.s, self.prev.start, self.prev.end, self.channel))
        total = sum(n for *_, n in rows)
        by_status: dict[str, int] = {}
        by_channel: dict[str, int] = {}
        for status, ch, n in rows:
            by_status[status] = by_status.get(status, 0) + n
            by_channel[ch] = by_channel.get(ch, 0) + n
        parts = tuple(Part(f"status:{st.value}", st.label(), by_status[st.value], by_status[st.value])
                      for st in Status if st.value in by_status)
        parts += tuple(Part(f"channel:{ch}", channel_label(ch), n, n) for ch, n in sorted(by_channel.items()))
        return self._fig("orders", total, prev, total, total, parts=parts)

    def _stale(self) -> Figure:
        by_status, bands = q.stale_counts(self.s, self.thresholds, self.now, self.channel)
        total = sum(by_status.values())
        parts = tuple(Part(f"status:{st.value}", st.label(), by_status[st.value], by_status[st.value])
                      for st in Status if by_status.get(st.value))
        parts += tuple(Part(f"band:{i}", t(AGE_BANDS[i][0]), n, n) for i, n in enumerate(bands))
        return self._fig("stale", total, None, total, total, parts=parts)

    def _ship_24h(self) -> Figure:
        def measure(p: Period) -> tuple[int, int, int, dict[date, list[int]]]:
            rows = q.by_quarter_hour(self.s, "paid_at", p.start, p.end, self.channel, q.ship_within(),
                                     q.ship_missed(self.now), q.ship_excluded(self.now))
            days = self._per_day(rows, p)
            return (sum(v[1] for v in days.values()), sum(v[2] for v in days.values()),
                    sum(v[3] for v in days.values()), days)

        within, missed, excluded, days = measure(self.p)
        pw, pm, _, _ = measure(self.prev)
        self.ship_days = [Part(f"day:{d.isoformat()}", d.isoformat(), share(v[1], v[1] + v[2]), v[2])
                          for d, v in ((d, days.get(d, [0, 0, 0, 0])) for d in self.p.days())]
        m = q.ship_median(self.s, self.p.start, self.p.end, self.channel)
        return self._fig("ship_24h", share(within, within + missed), share(pw, pw + pm), missed, within + missed,
                         excluded, {"median_hours": None if m is None else m / 3600})

    def _per_day(self, rows: list[tuple[int, ...]], p: Period) -> dict[date, list[int]]:
        """Quarter-hour counts summed per local day of p's time zone."""
        out: dict[date, list[int]] = {}
        for bucket, *counts in rows:
            day = datetime.fromtimestamp(bucket * q.BUCKET_S, UTC).astimezone(p.tz).date()
            got = out.setdefault(day, [0] * len(counts))
            for i, n in enumerate(counts):
                got[i] += n
        return out

    def _parcels(self, p: Period) -> list[tuple[Any, ...]]:
        """The parcel rows of a period, read once for the three parcel figures."""
        if p not in self.parcel_rows:
            self.parcel_rows[p] = q.parcel_rows(self.s, p.start, p.end, self.channel)
        return self.parcel_rows[p]

    def _pickup_gap(self) -> Figure:
        def measure(p: Period) -> tuple[list[tuple[Any, ...]], list[int]]:
            rows = self._parcels(p)
            return rows, sorted(r[1] for r in rows if r[1] is not None)

        rows, gaps = measure(self.p)
        _, prev = measure(self.prev)
        late = sum(1 for g in gaps if g > PICKUP_LATE_S)
        per: dict[str, list[int]] = {}
        for r in rows:
            if r[1] is not None:
                per.setdefault(r[0], []).append(r[1])
        self.couriers = [Part(f"courier:{c}", c or t("(no courier)"), _minutes(median(sorted(v))), len(v))
                         for c, v in sorted(per.items())]
        return self._fig("pickup_gap", _minutes(median(gaps)), _minutes(median(prev)), late, len(gaps),
                         len(rows) - len(gaps), {"over_15_share": share(late, len(gaps))}, tuple(self.couriers))

    def _delivery(self) -> Figure:
        def measure(p: Period) -> tuple[list[tuple[Any, ...]], list[int]]:
            rows = self._parcels(p)
            return rows, sorted(r[2] for r in rows if r[2] is not None)

        rows, took = measure(self.p)
        _, prev = measure(self.prev)
        per: dict[str, list[int]] = {}
        for r in rows:
            if r[2] is not None:
                per.setdefault(r[0], []).append(r[2])
        parts = tuple(Part(f"courier:{c}", c or t("(no courier)"), _hours(median(sorted(v))), len(v))
                      for c, v in sorted(per.items()))
        return self._fig("delivery", _hours(median(took)), _hours(median(prev)), len(took), len(took),
                         len(rows) - len(took), {"p90_hours": _hours(percentile(took, 90))}, parts)

    def _recalled(self) -> Figure:
        n = q.recalled_count(self.s, self.p.start, self.p.end, self.channel)
        return self._fig("recalled", n, q.recalled_count(self.s, self.prev.start, self.prev.end, self.channel), n, n)

    def _open_exceptions(self) -> Figure:
        total, kinds, prios = q.open_exceptions(self.s, self.channel)
        parts = tuple(Part(f"kind:{k}", _kind_label(k), n, n) for k, n in kinds.items())
        parts += tuple(Part(f"priority:{p}", _priority_label(p), n, n) for p, n in prios.items())
        return self._fig("open_exceptions", total, None, total, total, parts=parts)

    def _sla_hit(self) -> Figure:
        resolved, hit, missed_orders, mean_s = q.tickets_resolved(self.s, self.p.start, self.p.end, self.channel)
        pr, ph, _, _ = q.tickets_resolved(self.s, self.prev.start, self.prev.end, self.channel)
        return self._fig("sla_hit", share(hit, resolved), share(ph, pr), missed_orders, resolved,
                         extra={"mean_resolve_hours": None if mean_s is None else mean_s / 3600})

    def _refund_rate(self) -> Figure:
        def measure(p: Period) -> tuple[int, int, float | None]:
            rows = q.money_rows(self.s, p.start, p.end, self.channel)
            paid = sum(r[1] for r in rows)
            refunded = sum(r[2] for r in rows)
            main = max(rows, key=lambda r: (r[1], r[0]), default=None)  # the currency most orders were paid in
            return paid, refunded, None if main is None else share(main[4], main[3])

        paid, refunded, amount = measure(self.p)
        pp, pr, _ = measure(self.prev)
        return self._fig("refund_rate", share(refunded, paid), share(pr, pp), refunded, paid,
                         extra={"amount_share": amount})

    def _recon_red(self) -> Figure:
        states = q.recon_states(self.s, self.p.start, self.p.end, self.channel)
        prev = q.recon_states(self.s, self.prev.start, self.prev.end, self.channel)
        parts = tuple(Part(f"state:{st.value}", st.label(), states.get(st.value, 0), states.get(st.value, 0))
                      for st in ReconState)
        parts += (Part("state:none", t("not reconciled yet"), states.get("none", 0), states.get("none", 0)),)
        red = states.get(ReconState.RED.value, 0)
        return self._fig("recon_red", red, prev.get(ReconState.RED.value, 0), red, sum(states.values()), parts=parts)

    def _slice(self, key: str, p: Period | None = None) -> Slice:
        p = p or self.p
        return Slice(key, "", p.start, p.end, self.channel, self.now, p.tz, self.lights)

    def charts(self) -> tuple[Chart, ...]:
        days = self._per_day(q.by_quarter_hour(self.s, "created_at", self.p.start, self.p.end, self.channel), self.p)
        orders = tuple(Part(f"day:{d.isoformat()}", d.isoformat(), n, n)
                       for d, n in ((d, days.get(d, [0])[0]) for d in self.p.days()))
        return (Chart("orders_per_day", "orders", orders), Chart("ship_24h_per_day", "ship_24h", tuple(self.ship_days)),
                Chart("pickup_gap_per_courier", "pickup_gap", tuple(self.couriers)))


def _midnight(day: date, p: Period) -> datetime:
    from datetime import time

    return datetime.combine(day, time(0), tzinfo=p.tz).astimezone(UTC)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _kind_label(kind: str) -> str:
    try:
        return Kind(kind).label()
    except ValueError:
        return kind


def _priority_label(p: int) -> str:
    try:
        return Priority(p).label()
    except ValueError:
        return str(p)


# --- the click, the rollup ----------------------------------------------------------------------

def orders_behind(db: Database, s: Slice) -> int:
    """How many orders a click on s shows (the grid's count)."""
    with db.read_session() as session:
        return q.count(session, s, settings.get_thresholds(session))


def rebuild(db: Database) -> int:
    """The rollup made again from the live rows (`health rebuild`); returns how many orders it holds."""
    with db.engine.begin() as conn:
        return health_rollup.rebuild(conn)


def check(db: Database) -> tuple[int, list[int]]:
    """How many orders' rollup rows differ from a rebuild from the live rows, and the first of them."""
    with db.engine.connect() as conn:
        return health_rollup.differences(conn)
