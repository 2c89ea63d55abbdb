"""The red flag: an unfinished order with no update for too long.

An order that is neither completed nor cancelled is *stale* (red) once its last meaningful
update is at least the threshold old (72 hours unless the shop sets otherwise, per status if
wanted), and *ageing* (amber) from two thirds of the threshold. The store computes the same
rule in SQL (store/queries.py) from `Thresholds.cutoffs`, so Python and SQL cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import SupportsFloat, cast

from shop_orders.domain.errors import ThresholdOutOfRange
from shop_orders.domain.messages import t
from shop_orders.domain.status import FINAL, Status

DEFAULT_HOURS = 72
# What the shop may set (dialog and command line alike): whole hours from 1 h to 90 days.
MIN_SETTING_HOURS = 1
MAX_SETTING_HOURS = 90 * 24
AMBER_FRACTION = 2 / 3


class Level(Enum):
    FRESH = 0
    AMBER = 1
    RED = 2


@dataclass(frozen=True)
class Thresholds:
    default_hours: float = DEFAULT_HOURS
    per_status: dict[Status, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for hours in [self.default_hours, *self.per_status.values()]:
            if not hours > 0:
                raise ValueError(t("staleness thresholds must be more than 0 hours"))
        for status in self.per_status:
            if FINAL[status]:
                raise ValueError(t("{status} orders are finished and never go stale", status=status.label()))

    def hours_for(self, status: Status) -> float | None:
        """The threshold for a status, or None for finished statuses."""
        if FINAL[status]:
            return None
        return self.per_status.get(status, self.default_hours)

    def cutoffs(self, now: datetime, fraction: float = 1.0) -> dict[Status, datetime]:
        """Per unfinished status: orders updated before this instant are past the fraction."""
        out: dict[Status, datetime] = {}
        for status in Status:
            hours = self.hours_for(status)
            if hours is not None:
                out[status] = now - timedelta(hours=hours * fraction)
        return out


def setting_hours(value: object, field: str) -> int:
    """A threshold as the shop may set it, as whole hours; ThresholdOutOfRange naming `field` otherwise.

    Refuses fractions (0.5), zero and negatives, more than 90 days, and what is not a finite
    number (nan, inf, 1e308): one value like that once flagged every order of every seat.
    """
    try:
        # anything float() refuses raises TypeError or ValueError: caught below
        hours = float(value.strip()) if isinstance(value, str) else float(cast(SupportsFloat, value))
    except (TypeError, ValueError, OverflowError):
        hours = math.nan
    if not (math.isfinite(hours) and hours.is_integer() and MIN_SETTING_HOURS <= hours <= MAX_SETTING_HOURS):
        raise ThresholdOutOfRange(field, value, MIN_SETTING_HOURS, MAX_SETTING_HOURS)
    return int(hours)


def checked_setting(thresholds: Thresholds) -> Thresholds:
    """The thresholds with every value checked by `setting_hours` (the one place that rule lives)."""
    return Thresholds(
        setting_hours(thresholds.default_hours, t("The default threshold")),
        {s: setting_hours(h, t("The threshold for {status}", status=s.label())) for s, h in thresholds.per_status.items()},
    )


def level(status: Status, updated_at: datetime, now: datetime, thresholds: Thresholds) -> Level:
    hours = thresholds.hours_for(status)
    if hours is None:
        return Level.FRESH
    age = now - updated_at
    limit = timedelta(hours=hours)
    if age >= limit:
        return Level.RED
    if age >= limit * AMBER_FRACTION:
        return Level.AMBER
    return Level.FRESH


def describe_age(age: timedelta) -> str:
    """'3 d 4 h', '5 h 12 min', '8 min': how long an order has had no update."""
    minutes = int(age.total_seconds() // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return t("{days} d {hours} h", days=days, hours=hours)
    if hours:
        return t("{hours} h {mins} min", hours=hours, mins=mins)
    return t("{mins} min", mins=mins)
