"""The SLA clock at its exact boundaries: to the second, across closing time, midnight, weekends,
holidays and a daylight-saving change; ticket states and priorities."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.sla import Clock, OpeningHours, format_periods, parse_periods, parse_time
from shop_orders.domain.tickets import (
    Kind,
    Priority,
    State,
    Urgency,
    check_move,
    countdown,
    urgency,
)

SH = ZoneInfo("Asia/Shanghai")
WEEKDAYS_9_TO_6 = OpeningHours(tuple(((time(9), time(18)),) if d < 5 else () for d in range(7)), SH)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_wall_clock_counts_every_second():
    start = datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC)
    assert Clock().add(start, 7200) == start + timedelta(hours=2)
    assert Clock().between(start, start + timedelta(seconds=59)) == 59


def test_a_due_time_is_exact_to_the_second_inside_opening_hours():
    clock = Clock(WEEKDAYS_9_TO_6)
    assert clock.add(local(2026, 11, 23, 9, 0, 0), 3600) == local(2026, 11, 23, 10, 0, 0)
    assert clock.add(local(2026, 11, 23, 17, 59, 59), 1) == local(2026, 11, 23, 18, 0, 0)  # the last second
    assert clock.add(local(2026, 11, 23, 17, 59, 59), 2) == local(2026, 11, 24, 9, 0, 1)  # the next morning


def test_time_after_closing_on_friday_runs_on_monday_morning():
    clock = Clock(WEEKDAYS_9_TO_6)  # 2026-11-27 is a Friday
    assert clock.add(local(2026, 11, 27, 17, 30), 2 * 3600) == local(2026, 11, 30, 10, 30)
    assert clock.add(local(2026, 11, 28, 12, 0), 60) == local(2026, 11, 30, 9, 1)  # opened on Saturday
    assert clock.add(local(2026, 11, 27, 18, 0), 0) == local(2026, 11, 30, 9, 0)  # at closing: the next opening
    assert clock.between(local(2026, 11, 27, 17, 30), local(2026, 11, 30, 10, 30)) == 2 * 3600


def test_a_holiday_is_skipped():
    hours = OpeningHours(WEEKDAYS_9_TO_6.week, SH, frozenset({date(2026, 11, 30)}))
    assert Clock(hours).add(local(2026, 11, 27, 17, 30), 2 * 3600) == local(2026, 12, 1, 10, 30)


def test_a_period_across_midnight_belongs_to_the_day_it_starts():
    night = OpeningHours(tuple(((time(20), time(2)),) for _ in range(7)), SH)
    clock = Clock(night)
    assert clock.add(local(2026, 11, 23, 1, 0), 2 * 3600) == local(2026, 11, 23, 21, 0)  # 1 h left, then 20:00
    assert clock.add(local(2026, 11, 23, 23, 30), 3600) == local(2026, 11, 24, 0, 30)  # over midnight
    assert clock.between(local(2026, 11, 23, 19, 0), local(2026, 11, 24, 3, 0)) == 6 * 3600
    # a holiday on the day a night starts removes that night, not the one before
    closed = OpeningHours(night.week, SH, frozenset({date(2026, 11, 23)}))
    assert Clock(closed).add(local(2026, 11, 23, 1, 0), 2 * 3600) == local(2026, 11, 24, 21, 0)


def test_a_daylight_saving_change_counts_the_hours_that_pass():
    london = ZoneInfo("Europe/London")  # 2026-03-29 01:00 GMT the clocks go to 02:00 BST
    all_day = OpeningHours(tuple(((time(0), time(0)),) for _ in range(7)), london)
    start = datetime(2026, 3, 29, 0, 30, tzinfo=london)
    due = Clock(all_day).add(start, 2 * 3600)
    assert due.astimezone(london).strftime("%H:%M %Z") == "03:30 BST"
    assert (due - start.astimezone(UTC)) == timedelta(hours=2)


def test_opening_hours_are_written_and_read_in_the_shops_words():
    assert parse_periods("09:00-12:00, 13:30–18:00") == ((time(9), time(12)), (time(13, 30), time(18)))
    assert parse_time("24:00") == time(0) and format_periods(((time(9), time(0)),)) == "09:00-24:00"
    with pytest.raises(ValidationError, match="'25:00' is not a time of day"):
        parse_time("25:00")
    with pytest.raises(ValidationError, match="is not an opening period"):
        parse_periods("nine to five")
    with pytest.raises(ValidationError, match="never open"):
        OpeningHours(((),) * 7, SH)
    back = OpeningHours.from_json(WEEKDAYS_9_TO_6.to_json(), SH)
    assert back == WEEKDAYS_9_TO_6


def test_ticket_states_priorities_and_colours():
    check_move(State.OPEN, State.WAITING)
    check_move(State.CLOSED, State.OPEN)  # reopened
    with pytest.raises(ValidationError, match="A ticket that is closed cannot become in progress"):
        check_move(State.CLOSED, State.IN_PROGRESS)
    with pytest.raises(ValidationError, match="already open"):
        check_move(State.OPEN, State.OPEN)
    assert Priority.P2.raised() is Priority.P1 and Priority.P0.raised() is Priority.P0
    assert Priority.parse("p1") is Priority.P1 and Kind.parse("Stuck") is Kind.STUCK
    with pytest.raises(ValidationError, match="unknown ticket kind 'lost'"):
        Kind.parse("lost")
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    due = now + timedelta(minutes=30)
    assert urgency(State.OPEN, due, 1800, 7200, now) is Urgency.AMBER  # 25% of 2 h left
    assert urgency(State.OPEN, due, 1801, 7200, now) is Urgency.NONE
    assert urgency(State.OPEN, now, 0, 7200, now) is Urgency.RED  # at the due second
    assert urgency(State.RESOLVED, now, 0, 7200, now) is Urgency.NONE
    assert countdown(3900) == "1 h 05 min" and countdown(-750) == "-12 min 30 s" and countdown(90000) == "1 d 1 h"
