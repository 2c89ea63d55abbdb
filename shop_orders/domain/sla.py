"""The SLA clock: when a ticket is due, counting the shop's opening hours if it has set them.

A shop's calendar (`OpeningHours`) is, per weekday, the periods the shop is open in its own time
zone, and the holidays on which it does not open. A period may run across midnight (20:00–02:00
belongs to the day it starts on; a holiday on that day removes it). Without a calendar the clock is
wall-clock time. All arithmetic is done in UTC on aware datetimes, so a daylight-saving change
inside a period counts the hours that really pass. Pure: no SQL, no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t

DAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
        N_("Sunday"))
# How far ahead a due time is looked for: a calendar open one hour a week still finds it.
HORIZON_DAYS = 800

Period = tuple[time, time]


@dataclass(frozen=True)
class OpeningHours:
    """week[0] is Monday: the (start, end) periods that day, in `tz`; end <= start runs past
    midnight into the next day (00:00-24:00, stored as 00:00-00:00, is the whole day)."""

    week: tuple[tuple[Period, ...], ...]
    tz: tzinfo
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValidationError(t("opening hours name the seven days of the week"))
        if not any(self.week):
            raise ValidationError(t("the shop is never open in these opening hours; leave them empty to count "
                                    "every hour"))

    def periods_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The open periods, in UTC, of `day` and the days after it, in order."""
        for n in range(HORIZON_DAYS):
            d = day + timedelta(days=n)
            if d in self.holidays:
                continue
            for start, end in sorted(self.week[d.weekday()]):
                begins = datetime.combine(d, start, tzinfo=self.tz)
                ends = datetime.combine(d + timedelta(days=1) if end <= start else d, end, tzinfo=self.tz)
                yield begins.astimezone(UTC), ends.astimezone(UTC)

    def _first_day(self, moment: datetime) -> date:
        # a period of the day before may still be running (across midnight)
        return moment.astimezone(self.tz).date() - timedelta(days=1)

    def add(self, start: datetime, seconds: int) -> datetime:
        """The moment `seconds` of open time after `start`."""
        start = start.astimezone(UTC)
        left = timedelta(seconds=max(0, int(seconds)))
        for begins, ends in self.periods_from(self._first_day(start)):
            if ends <= start:
                continue
            begins = max(begins, start)
            if begins + left <= ends:
                return begins + left
            left -= ends - begins
        raise ValidationError(t("the opening hours leave no time for this due time within {days} days",
                                days=HORIZON_DAYS))

    def between(self, a: datetime, b: datetime) -> int:
        """Open seconds from a to b (0 when b is not after a)."""
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b <= a:
            return 0
        total = timedelta(0)
        for begins, ends in self.periods_from(self._first_day(a)):
            if begins >= b:
                break
            overlap = min(ends, b) - max(begins, a)
            if overlap > timedelta(0):
                total += overlap
        return int(total.total_seconds())

    # ---- stored as JSON in the shop's settings --------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"week": [[[f"{s:%H:%M}", f"{e:%H:%M}"] for s, e in day] for day in self.week],
                           "holidays": sorted(d.isoformat() for d in self.holidays)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, tz: tzinfo) -> OpeningHours:
        data = json.loads(text)
        week = tuple(tuple((parse_time(s), parse_time(e)) for s, e in day) for day in data["week"])
        return cls(week, tz, frozenset(date.fromisoformat(d) for d in data.get("holidays", [])))


def parse_time(text: str) -> time:
    """'9:00', '09:30', '24:00' (the end of a day) → a time; anything else is one sentence."""
    s = str(text).strip()
    try:
        hours, minutes = s.split(":")
        h, m = int(hours), int(minutes)
    except ValueError:
        raise ValidationError(t("'{text}' is not a time of day such as 09:00", text=s)) from None
    if (h, m) == (24, 0):
        return time(0, 0)  # the end of the day: a period 09:00–24:00 ends at midnight
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValidationError(t("'{text}' is not a time of day such as 09:00", text=s))
    return time(h, m)


def parse_periods(text: str) -> tuple[Period, ...]:
    """'09:00-12:00, 13:00-18:00' → periods; '' → closed that day."""
    periods = []
    for part in str(text).replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.replace("–", "-").replace("—", "-").split("-")
        if len(bits) != 2:
            raise ValidationError(t("'{text}' is not an opening period such as 09:00-18:00", text=part))
        periods.append((parse_time(bits[0]), parse_time(bits[1])))
    return tuple(periods)


def format_periods(periods: tuple[Period, ...]) -> str:
    return ", ".join(f"{s:%H:%M}-{'24:00' if e == time(0) else f'{e:%H:%M}'}" for s, e in periods)


class Clock:
    """The clock a ticket runs on: the shop's opening hours, or wall-clock time without them."""

    def __init__(self, hours: OpeningHours | None = None) -> None:
        self.hours = hours

    def add(self, start: datetime, seconds: int) -> datetime:
        if self.hours is None:
            return start.astimezone(UTC) + timedelta(seconds=max(0, int(seconds)))
        return self.hours.add(start, seconds)

    def between(self, a: datetime, b: datetime) -> int:
        if self.hours is None:
            return max(0, int((b.astimezone(UTC) - a.astimezone(UTC)).total_seconds()))
        return self.hours.between(a, b)
