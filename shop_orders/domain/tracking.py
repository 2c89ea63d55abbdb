"""Tracking: the normalised states and events every courier adapter returns, and the number check.

Each courier speaks its own words (Kuaidi100's state codes, AfterShip's tags); the adapters in
adapters/couriers/ translate them into these nine states, so the sync and its rules read one
vocabulary. Times are timezone-aware UTC. Pure: no I/O, no Qt, no SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t


class TrackState(StrEnum):
    INFO_RECEIVED = "info_received"  # the courier has the label's data, not the parcel
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"
    RETURNED = "returned"
    EXCEPTION = "exception"
    INVALID_NUMBER = "invalid_number"  # the courier positively says the number is wrong
    UNKNOWN = "unknown"  # the courier has nothing on the number yet (a fresh waybill): not invalid

    def label(self) -> str:
        return t(STATE_LABELS[self])


STATE_LABELS = {
    TrackState.INFO_RECEIVED: N_("label created, not picked up"),
    TrackState.PICKED_UP: N_("picked up by the courier"),
    TrackState.IN_TRANSIT: N_("on the way"),
    TrackState.OUT_FOR_DELIVERY: N_("out for delivery"),
    TrackState.DELIVERED: N_("delivered to the customer"),
    TrackState.FAILED_ATTEMPT: N_("delivery attempt failed"),
    TrackState.RETURNED: N_("returned to the shop"),
    TrackState.EXCEPTION: N_("courier problem"),
    TrackState.INVALID_NUMBER: N_("not a valid tracking number"),
    TrackState.UNKNOWN: N_("no news from the courier yet"),
}

# States in which the courier has physically taken the parcel: the first event in one of them is
# the pickup (AfterShip has no separate "picked up" tag; its first InTransit checkpoint is it).
HAS_PARCEL = frozenset({TrackState.PICKED_UP, TrackState.IN_TRANSIT, TrackState.OUT_FOR_DELIVERY,
                        TrackState.DELIVERED, TrackState.FAILED_ATTEMPT, TrackState.RETURNED})


@dataclass(frozen=True)
class TrackEvent:
    """One scan or status line from the courier. `at` is aware UTC; `text` and `location` are the
    courier's words (untrusted, already cut to a sane length by the adapter)."""
    at: datetime
    state: TrackState
    text: str
    location: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise TypeError("TrackEvent.at must be timezone-aware")
        if self.at.tzinfo is not UTC:
            object.__setattr__(self, "at", self.at.astimezone(UTC))


@dataclass(frozen=True)
class TrackResult:
    """What the courier says about one number now: its state (the courier's overall state, not
    one worked out from the events), every event oldest first, the pickup and delivery times, and
    `ref`, the courier's own id for the parcel where it has one (AfterShip's tracking id), kept so
    the next question is asked by it."""
    number: str
    state: TrackState
    events: tuple[TrackEvent, ...]
    picked_up_at: datetime | None
    delivered_at: datetime | None
    ref: str = ""

    @classmethod
    def of(cls, number: str, state: TrackState, events: Iterable[TrackEvent], *, picked_up_at: datetime | None = None,
           delivered_at: datetime | None = None, ref: str = "") -> TrackResult:
        """A result from the courier's events given OLDEST FIRST in the courier's own order: they
        are sorted by time, stably, so two events at the same second keep the order the courier
        gave them. The pickup and delivery times are the courier's where it states them, else
        the first event that had the parcel and the last delivery event."""
        ordered = tuple(sorted(events, key=lambda e: e.at))
        picked = picked_up_at or next((e.at for e in ordered if e.state in HAS_PARCEL), None)
        delivered = delivered_at or next((e.at for e in reversed(ordered) if e.state is TrackState.DELIVERED), None)
        if state is TrackState.DELIVERED and delivered is None and ordered:
            delivered = ordered[-1].at
        return cls(number, state, ordered, picked, delivered, ref)

    @classmethod
    def invalid(cls, number: str) -> TrackResult:
        return cls(number, TrackState.INVALID_NUMBER, (), None, None)

    @classmethod
    def unknown(cls, number: str, ref: str = "") -> TrackResult:
        """The courier has nothing on the number yet: neither picked up nor invalid."""
        return cls(number, TrackState.UNKNOWN, (), None, None, ref)


_NUMBER = re.compile(r"[A-Z0-9-]{6,40}")


def plausible_number(number: str) -> bool:
    """True for 6 to 40 characters of A-Z, 0-9 and '-': anything else is never sent to a courier."""
    return isinstance(number, str) and _NUMBER.fullmatch(number) is not None


def require_plausible(number: str) -> str:
    """The number itself, or a ValidationError naming it (cut short) when it has the wrong pattern."""
    if not plausible_number(number):
        shown = str(number)[:40].encode("unicode_escape").decode("ascii")
        raise ValidationError(t("'{number}' is not a tracking number: it must be 6 to 40 capital letters, digits or '-'.",
                                number=shown))
    return number
