"""Cells from channel exports to exact values: every quirk the profiles must absorb."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shop_orders.domain.status import Status
from shop_orders.services.importing import values
from shop_orders.services.importing.layouts import BUILT_IN
from shop_orders.services.importing.profiles import norm, shopify_status

SHANGHAI = timezone(timedelta(hours=8))


@pytest.mark.parametrize("raw,expected", [
    ('="3012345678901234567"', "3012345678901234567"), ("\t3012345678901234567", "3012345678901234567"),
    ("'000123", "000123"), ("  0042  ", "0042"), (123456, "123456"), ("３０１２", "3012"),
])
def test_order_numbers_stay_exact_text(raw, expected):
    assert values.order_number(raw) == expected


@pytest.mark.parametrize("raw", ["1.23E+18", "3.01234567890123E+18", 3.012345678901235e18])
def test_order_numbers_excel_turned_into_numbers_are_refused(raw):
    with pytest.raises(values.CellError, match="lost digits"):
        values.order_number(raw)


@pytest.mark.parametrize("raw,minor", [
    ("¥1,234.50", 123450), ("￥88", 8800), ("１２．５", 1250), ("$-3.20", -320), ("(5.00)", -500),
    (12.3, 1230), (7, 700), ("", 0), ("-", 0), ("null", 0), ("100.00元", 10000),
])
def test_amounts_with_symbols_separators_and_full_width_digits(raw, minor):
    assert values.amount_minor(raw, "CNY") == minor


def test_bad_amounts_are_named():
    with pytest.raises(values.CellError, match="'12.3.4' is not an amount"):
        values.amount_minor("12.3.4", "CNY")
    with pytest.raises(values.CellError, match="more decimals"):
        values.amount_minor("1.234", "CNY")


@pytest.mark.parametrize("raw,expected", [
    ("2026-11-20 10:00:00", datetime(2026, 11, 20, 2, 0, tzinfo=UTC)),
    ("2026/11/20 10:00", datetime(2026, 11, 20, 2, 0, tzinfo=UTC)),
    ("2026年11月20日 10:00:00", datetime(2026, 11, 20, 2, 0, tzinfo=UTC)),
    ("2026-11-20 10:00:00 +0000", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),  # Shopify
    ("2026-11-20T10:00:00+00:00", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),  # Amazon
    (46346.5, datetime(2026, 11, 20, 4, 0, tzinfo=UTC)),  # an Excel serial, shop time
    (datetime(2026, 11, 20, 10, 0), datetime(2026, 11, 20, 2, 0, tzinfo=UTC)),
])
def test_times_in_common_formats_and_excel_serials_in_the_shop_zone(raw, expected):
    assert values.when(raw, SHANGHAI) == expected


def test_unknown_time_formats_are_named():
    with pytest.raises(values.CellError, match="not a date"):
        values.when("next tuesday", SHANGHAI)


def test_header_names_with_tabs_spaces_and_wrappers_match():
    assert norm("订单编号\t ") == norm("订单编号") == norm('="订单编号"')
    assert norm(" Financial   Status ") == norm("financial status")


def test_status_words_of_every_channel_map_to_standard_statuses():
    taobao = next(p for p in BUILT_IN if p.code == "taobao")
    assert taobao.status_for("买家已付款，等待卖家发货") is Status.AWAITING_SHIPMENT
    assert taobao.status_for("买家已付款,等待卖家发货") is Status.AWAITING_SHIPMENT
    assert taobao.status_for("交易成功") is Status.COMPLETED
    assert shopify_status("paid", "", "") is Status.AWAITING_SHIPMENT
    assert shopify_status("paid", "fulfilled", "") is Status.SHIPPED
    assert shopify_status("partially_paid", "", "") is Status.PARTIALLY_PAID
    assert shopify_status("paid", "", "2026-11-20 10:00:00 +0000") is Status.CANCELLED
    amazon = next(p for p in BUILT_IN if p.code == "amazon")
    assert amazon.status_for("Shipped - Delivered to Buyer") is Status.COMPLETED


def test_taobaos_no_refund_requested_is_an_empty_refund_cell():
    assert values.amount_or_none("无退款申请", "CNY") is None


@pytest.mark.parametrize("raw", ["0", "0\t", "0.0", 0])
def test_a_line_quantity_of_zero_is_zero_not_an_error(raw):
    assert values.line_quantity(raw) == 0


@pytest.mark.parametrize("raw", ["-1", "1.5", "abc"])
def test_a_negative_or_fractional_line_quantity_is_still_refused(raw):
    with pytest.raises(values.CellError):
        values.line_quantity(raw)
