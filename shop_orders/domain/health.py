"""The shop's health figures: one definition each, used by the dashboard, the command line
(`health`) and the export alike (services/health.py computes them; README, "The shop's health").

Every figure is measured over a period [start, end) and compared with the previous period of the
same length, for one channel or all. Archived orders are never counted. A time that is missing
(a parcel the courier has not picked up yet, an order not yet paid) is excluded from a median or
a rate and counted as excluded, never taken as zero. Medians, not means, where the seeds or the
anchors use them; the one mean is the tickets' time to resolve (the ticket panel's, one
definition: services/tickets.stats).

Each figure has a click set: the orders behind it, which the grid shows when the tile is
clicked (store/health_queries.py gives both the count on the tile and the grid's filter, so they
cannot differ). For a rate that should be high it is the orders that missed; for a count, the
orders counted; for a median, the orders measured.

The first four are the seed's health table (shared/seeds/002: 订单状态同步延迟 ≤3 minutes,
财务对账自动化率 ≥95%, 订单异常自动识别率 ≥88%, 跨系统订单ID一致率 100%), with its best
practice as the default green; the owner may set every light's thresholds
(services/health.set_lights). Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    PERCENT = "percent"
    COUNT = "count"


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # nothing measured, or a figure without a light


@dataclass(frozen=True)
class Definition:
    key: str
    title: str  # N_: shown through t()
    definition: str  # N_: one sentence, the README says the same
    unit: Unit
    higher_is_better: bool
    green: float | None  # default: at least this good is green (None: no light)
    amber: float | None  # default: at least this good is amber, else red
    click: str  # N_: what a click on the tile shows


FIGURES: tuple[Definition, ...] = (
    Definition("sync_delay", N_("Status sync delay"),
               N_("Median minutes between a courier's pickup or delivery and this store recording it, over the "
                  "parcels scanned out in the period."),
               Unit.MINUTES, False, 3, 15, N_("the orders whose courier news took longer than the green threshold")),
    Definition("recon_auto", N_("Reconciliation automation"),
               N_("Share of the money on the period's statement lines matched to orders by the rules rather than "
                  "by hand."),
               Unit.PERCENT, True, 95, 85, N_("the orders matched by hand")),
    Definition("exception_auto", N_("Exception auto-detection"),
               N_("Share of the exception tickets opened in the period that the rules opened."),
               Unit.PERCENT, True, 88, 70, N_("the orders whose tickets were opened by hand")),
    Definition("id_consistency", N_("Cross-system id consistency"),
               N_("Share of the period's statement lines and parcels tied to exactly one order."),
               Unit.PERCENT, True, 100, 99, N_("the orders sharing a parcel or a statement line with another order")),
    Definition("orders", N_("Orders"),
               N_("Orders placed in the period, by status and channel."),
               Unit.COUNT, True, None, None, N_("those orders")),
    Definition("stale", N_("Stale orders"),
               N_("Unfinished orders with no update for longer than the shop's staleness threshold, now, by status "
                  "and age."),
               Unit.COUNT, False, 0, 20, N_("those orders")),
    Definition("ship_24h", N_("Shipped within 24 h"),
               N_("Share of the orders paid in the period scanned out within 24 hours of payment; orders paid less "
                  "than 24 hours ago and not yet shipped are excluded."),
               Unit.PERCENT, True, 95, 85, N_("the orders paid in the period not shipped within 24 hours")),
    Definition("pickup_gap", N_("Scan-out to pickup"),
               N_("Median minutes from our scan-out to the courier's pickup, over the parcels scanned out in the "
                  "period; the share over 15 minutes beside it."),
               Unit.MINUTES, False, 15, 60, N_("the orders whose courier took more than 15 minutes to pick up")),
    Definition("delivery", N_("Pickup to delivery"),
               N_("Median hours from the courier's pickup to delivery, per courier, with the 90th percentile, over "
                  "the parcels scanned out in the period."),
               Unit.HOURS, False, 48, 96, N_("the delivered orders measured")),
    Definition("recalled", N_("Recalled parcels"),
               N_("Orders with a parcel recalled in the period (it never left: no pickup, invalid number)."),
               Unit.COUNT, False, 0, 3, N_("those orders")),
    Definition("open_exceptions", N_("Open exceptions"),
               N_("Orders with an open exception ticket now, by kind and priority."),
               Unit.COUNT, False, 5, 20, N_("those orders")),
    Definition("sla_hit", N_("SLA hit rate"),
               N_("Share of the tickets resolved in the period that were resolved within their SLA; the mean time "
                  "to resolve beside it."),
               Unit.PERCENT, True, 95, 85, N_("the orders whose tickets missed their SLA")),
    Definition("refund_rate", N_("Refund rate"),
               N_("Share of the orders paid in the period with a refund; the refunded share of the money beside "
                  "it."),
               Unit.PERCENT, False, 3, 8, N_("the refunded orders")),
    Definition("recon_red", N_("Unreconciled orders"),
               N_("Orders paid in the period whose money and statements disagree (red), by reconciliation state."),
               Unit.COUNT, False, 0, 5, N_("the red orders")),
)
BY_KEY = {d.key: d for d in FIGURES}
SEED_FIGURES = ("sync_delay", "recon_auto", "exception_auto", "id_consistency")

SHIP_WITHIN_S = 24 * 3600
PICKUP_LATE_S = 15 * 60  # the seed's red line: our scan-out and the courier's pickup 15 minutes apart
AGE_BANDS = ((N_("under 1 day"), 0, 1), (N_("1–3 days"), 1, 3), (N_("3–7 days"), 3, 7), (N_("over 7 days"), 7, None))
MAX_RANGE_DAYS = 3660


def definition(key: str) -> Definition:
    try:
        return BY_KEY[key]
    except KeyError:
        raise ValidationError(t("'{key}' is not a health figure; the figures are: {keys}.", key=key,
                                keys=", ".join(BY_KEY))) from None


# --- the lights ---------------------------------------------------------------------------

LIMITS = {Unit.PERCENT: 100.0, Unit.MINUTES: 100_000.0, Unit.HOURS: 10_000.0, Unit.COUNT: 1_000_000.0}


@dataclass(frozen=True)
class Lights:
    """The owner's thresholds per figure key: (green, amber); figures not named keep the defaults."""
    chosen: dict[str, tuple[float, float]] = field(default_factory=dict)

    def of(self, key: str) -> tuple[float, float] | None:
        d = BY_KEY[key]
        if d.green is None or d.amber is None:
            return None
        return self.chosen.get(key, (d.green, d.amber))

    def light(self, key: str, value: float | None) -> Light:
        pair = self.of(key)
        if pair is None or value is None or math.isnan(value):
            return Light.NONE
        green, amber = pair
        if BY_KEY[key].higher_is_better:
            return Light.GREEN if value >= green else Light.AMBER if value >= amber else Light.RED
        return Light.GREEN if value <= green else Light.AMBER if value <= amber else Light.RED


def checked_lights(key: str, green: float, amber: float) -> tuple[float, float]:
    """One figure's thresholds as the owner typed them, or a ValidationError naming what is wrong."""
    d = definition(key)
    if d.green is None:
        raise ValidationError(t("{figure} has no traffic light to set.", figure=t(d.title)))
    top = LIMITS[d.unit]
    for name, value in ((t("green"), green), (t("amber"), amber)):
        if not isinstance(value, int | float) or math.isnan(value) or not 0 <= value <= top:
            raise ValidationError(t("The {light} threshold of {figure} must be a number from 0 to {top}.",
                                    light=name, figure=t(d.title), top=f"{top:g}"))
    if d.higher_is_better and amber > green:
        raise ValidationError(t("The amber threshold of {figure} ({amber}) must not be above its green one ({green}): "
                                "higher is better.", figure=t(d.title), amber=f"{amber:g}", green=f"{green:g}"))
    if not d.higher_is_better and amber < green:
        raise ValidationError(t("The amber threshold of {figure} ({amber}) must not be below its green one ({green}): "
                                "lower is better.", figure=t(d.title), amber=f"{amber:g}", green=f"{green:g}"))
    return float(green), float(amber)


# --- the period ---------------------------------------------------------------------------

class Span(StrEnum):
    TODAY = "today"
    DAYS_7 = "7d"
    DAYS_30 = "30d"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `days` the local days it covers (for the per-day charts)."""
    start: datetime
    end: datetime
    first_day: date
    last_day: date  # inclusive
    tz: tzinfo

    def previous(self) -> Period:
        n = (self.last_day - self.first_day).days + 1
        return local_days(self.first_day - timedelta(days=n), self.first_day - timedelta(days=1), self.tz)

    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]


def _midnight(day: date, tz: tzinfo) -> datetime:
    from datetime import UTC

    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def local_days(first: date, last: date, tz: tzinfo) -> Period:
    """The local days first..last (inclusive) as a period, or a ValidationError for a range that
    ends before it starts or is longer than ten years."""
    if last < first:
        raise ValidationError(t("The range ends on {end}, before it starts on {start}: nothing was shown.",
                                start=first.isoformat(), end=last.isoformat()))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(t("The range from {start} to {end} is longer than ten years: choose a shorter one.",
                                start=first.isoformat(), end=last.isoformat()))
    return Period(_midnight(first, tz), _midnight(last + timedelta(days=1), tz), first, last, tz)


def period_of(span: Span | str, now: datetime, tz: tzinfo, first: date | None = None,
              last: date | None = None) -> Period:
    """Today, the last 7 or 30 local days (today included), or a chosen range of local days."""
    span = Span(span)
    today = now.astimezone(tz).date()
    if span is Span.TODAY:
        return local_days(today, today, tz)
    if span is Span.DAYS_7:
        return local_days(today - timedelta(days=6), today, tz)
    if span is Span.DAYS_30:
        return local_days(today - timedelta(days=29), today, tz)
    if first is None or last is None:
        raise ValidationError(t("A chosen range needs both its first and its last day."))
    return local_days(first, last, tz)


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD day typed on the command line, or one sentence naming the option."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(t("{option} '{text}' is not a day: write it as YYYY-MM-DD.", option=what,
                                text=text[:40])) from None


# --- the arithmetic -------------------------------------------------------------------------

def median(values: Sequence[float]) -> float | None:
    """The median of values already sorted ascending (the mean of the middle two for an even count)."""
    n = len(values)
    if not n:
        return None
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) of sorted values, nearest rank (a value that occurred)."""
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return float(values[rank - 1])


def share(part: int | float, whole: int | float) -> float | None:
    """part / whole as a percentage, None when there is nothing to divide by."""
    return None if not whole else 100.0 * part / whole


def change(value: float | None, previous: float | None) -> float | None:
    """The change against the previous period, in the figure's own unit (points for a rate)."""
    if value is None or previous is None:
        return None
    return value - previous


# --- the click: the orders behind a figure ----------------------------------------------------

@dataclass(frozen=True)
class Slice:
    """The orders behind one figure (or one part of it) of one period and channel: what the grid
    shows after a click (GridQuery.health) and what the tile counts (store/health_queries.py).

    part: "" for the figure's own click set, else one breakdown row or chart point:
    "status:<status>", "channel:<channel>" (orders); "status:<status>", "band:<0-3>" (stale);
    "day:<YYYY-MM-DD>" (orders, ship_24h: that local day); "courier:<name>" (pickup_gap,
    delivery); "kind:<kind>", "priority:<n>" (open_exceptions); "state:<state>" (recon_red).
    """
    figure: str
    part: str
    start: datetime
    end: datetime
    channel: str | None
    now: datetime
    tz: tzinfo
    lights: Lights = field(default_factory=Lights)

    def label(self) -> str:
        """What the grid's status line says it shows."""
        d = definition(self.figure)
        return t(d.title) + (f" · {self.part.split(':', 1)[1]}" if self.part else "")
