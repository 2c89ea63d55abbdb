"""Money in minor units, global order ids, the staleness rule at its exact edges."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shop_orders.domain import ids
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.money import format_minor, parse_minor
from shop_orders.domain.staleness import Level, Thresholds, describe_age, level
from shop_orders.domain.status import Status

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text,currency,minor", [
    ("123.45", "CNY", 12345), ("¥1,234.5", "CNY", 123450), ("-3.20", "USD", -320), ("1500", "JPY", 1500),
    (Decimal("0.01"), "GBP", 1), ("CNY 88", "CNY", 8800), ("  7 ", "EUR", 700),
])
def test_amounts_parse_to_exact_minor_units(text, currency, minor):
    assert parse_minor(text, currency) == minor


@pytest.mark.parametrize("text", ["1.234", "abc", "", "NaN", 1.5])
def test_bad_amounts_are_refused_not_rounded(text):
    with pytest.raises(ValidationError):
        parse_minor(text, "CNY")


def test_minor_units_format_as_plain_decimals():
    assert format_minor(12345, "CNY") == "123.45"
    assert format_minor(-5, "USD") == "-0.05"
    assert format_minor(1500, "JPY") == "1500"


def test_order_ids_are_readable_and_sort_by_day_then_sequence():
    a = ids.format_order_id("20261122", 123)
    assert a == "SO-20261122-000123"
    assert ids.parse_order_id(a) == (datetime(2026, 11, 22).date(), 123)
    assert ids.parse_order_id("SO-2026-1") is None
    listed = ["SO-20261122-000002", "SO-20261121-999999", "SO-20261122-000010"]
    assert sorted(listed) == ["SO-20261121-999999", "SO-20261122-000002", "SO-20261122-000010"]
    big = ids.format_order_id("20261122", 1_000_000)
    assert sorted([big, "SO-20261122-999999"], key=ids.order_id_sort_key)[-1] == big


def test_order_id_day_is_the_utc_day():
    late_in_hangzhou = datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    assert ids.day_key(late_in_hangzhou) == "20261122"
    assert ids.day_key(datetime(2026, 11, 22, 1, 0, tzinfo=timezone(timedelta(hours=8)))) == "20261121"


@pytest.mark.parametrize("age,expected", [
    (timedelta(hours=72), Level.RED),
    (timedelta(hours=72) - timedelta(microseconds=1), Level.AMBER),
    (timedelta(hours=48), Level.AMBER),
    (timedelta(hours=48) - timedelta(microseconds=1), Level.FRESH),
    (timedelta(0), Level.FRESH),
])
def test_staleness_edges_at_72_hours_and_two_thirds(age, expected):
    assert level(Status.AWAITING_SHIPMENT, NOW - age, NOW, Thresholds()) is expected


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.CANCELLED])
def test_finished_orders_never_go_stale(status):
    assert level(status, NOW - timedelta(days=400), NOW, Thresholds()) is Level.FRESH


def test_per_status_threshold_overrides_the_default():
    t = Thresholds(72, {Status.AWAITING_PAYMENT: 24})
    assert level(Status.AWAITING_PAYMENT, NOW - timedelta(hours=24), NOW, t) is Level.RED
    assert level(Status.AWAITING_SHIPMENT, NOW - timedelta(hours=24), NOW, t) is Level.FRESH
    assert set(t.cutoffs(NOW)) == set(Status) - {Status.COMPLETED, Status.CANCELLED}


def test_thresholds_refuse_nonsense():
    with pytest.raises(ValueError):
        Thresholds(0)
    with pytest.raises(ValueError, match="never go stale"):
        Thresholds(72, {Status.COMPLETED: 5})


def test_age_is_described_for_people():
    assert describe_age(timedelta(days=3, hours=4, minutes=5)) == "3 d 4 h"
    assert describe_age(timedelta(hours=5, minutes=12)) == "5 h 12 min"
    assert describe_age(timedelta(minutes=8)) == "8 min"


def test_change_sources_are_from_the_documented_set():
    ChangeContext(Actor("a"), "import:taobao.csv")
    ChangeContext(Actor("a"), "courier:sf")
    with pytest.raises(ValidationError, match="unknown change source"):
        ChangeContext(Actor("a"), "sneaky")
    with pytest.raises(ValidationError):
        Actor(" ")
