"""The pure rules moved down to domain/ (issue 25 item 4): a price change by a percentage and its
bounds (domain/money.py), and the refusal of an unpaid order (domain/payment.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.money import MAX_PERCENT, MIN_PERCENT, parse_percent, scaled
from shop_orders.domain.payment import unpaid_refusal


@pytest.mark.parametrize(("text", "value"), [("-10", Decimal(-10)), (" 12.5% ", Decimal("12.5")),
                                             ("-100", MIN_PERCENT), ("1000", MAX_PERCENT)])
def test_a_percentage_is_read_within_its_bounds(text, value):
    assert parse_percent(text) == value


@pytest.mark.parametrize("text", ["-100.1", "1000.01", "abc", "NaN", "Infinity", ""])
def test_a_percentage_outside_its_bounds_or_not_a_number_is_one_sentence(text):
    with pytest.raises(ValidationError, match="percentage|from -100% to \\+1000%"):
        parse_percent(text)


def test_scaling_rounds_half_up_to_whole_minor_units():
    assert scaled(16800, Decimal(-10)) == 15120
    assert scaled(5, Decimal(10)) == 6  # 5.5 -> 6
    assert scaled(-5, Decimal(10)) == -6  # half away from zero
    assert scaled(999, MIN_PERCENT) == 0
    assert scaled(100, MAX_PERCENT) == 1100


def test_an_unpaid_order_is_refused_unless_paid_or_cash_on_delivery():
    assert unpaid_refusal("SO-1", "taobao", 16800, 16800, "CNY", frozenset()) is None
    assert unpaid_refusal("SO-1", "taobao", 0, 16800, "CNY", frozenset({"taobao"})) is None
    why = unpaid_refusal("SO-1", "taobao", 10000, 16800, "CNY", frozenset({"jd"}))
    assert why is not None and "SO-1" in why and "100.00 of 168.00" in why
