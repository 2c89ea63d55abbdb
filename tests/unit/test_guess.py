"""The mapping dialog's guesses: columns by header name (Chinese and English) then by content,
and status words by meaning."""

import pytest

from shop_orders.domain.status import Status
from shop_orders.services.importing.guess import guess_columns, guess_status
from shop_orders.services.importing.layouts import BUILT_IN

S = Status


@pytest.mark.parametrize("word,status", [
    ("等待买家付款", S.AWAITING_PAYMENT), ("待付款", S.AWAITING_PAYMENT), ("未付款", S.AWAITING_PAYMENT),
    ("买家已付款，等待卖家发货", S.AWAITING_SHIPMENT), ("已付款", S.AWAITING_SHIPMENT), ("待发货", S.AWAITING_SHIPMENT),
    ("交易关闭", S.CANCELLED), ("已取消", S.CANCELLED), ("未发货，退款成功", S.CANCELLED), ("作废", S.CANCELLED),
    ("(删除)等待确认收货", S.SHIPPED), ("【删除】待出库", S.AWAITING_SHIPMENT),  # a prefix is a flag, not a status
    ("卖家已发货，等待买家确认", S.SHIPPED), ("运输中", S.SHIPPED), ("部分发货", S.PARTIALLY_SHIPPED),
    ("交易成功", S.COMPLETED), ("已签收", S.COMPLETED), ("定金已付", S.PARTIALLY_PAID), ("待成团", S.AWAITING_CONFIRMATION),
    ("Pending payment", S.AWAITING_PAYMENT), ("On hold", S.AWAITING_PAYMENT), ("Processing", S.AWAITING_SHIPMENT),
    ("Unshipped", S.AWAITING_SHIPMENT), ("Shipped", S.SHIPPED), ("Delivered", S.COMPLETED), ("Refunded", S.CANCELLED),
])
def test_status_words_are_guessed_by_meaning(word, status):
    assert guess_status(word, BUILT_IN) is status
    assert guess_status(word) is status  # the rules alone, for words no layout knows


def test_a_word_nothing_suggests_is_left_for_the_person():
    assert guess_status("火星", BUILT_IN) is None


def test_columns_are_guessed_by_chinese_and_english_header_names():
    zh = guess_columns(["单号", "客户", "状态", "日期", "金额", "手机", "快递单号", "备注"], [], BUILT_IN)
    assert zh == {"channel_order_no": "单号", "buyer": "客户", "status": "状态", "created_at": "日期", "total": "金额",
                  "phone": "手机", "tracking_no": "快递单号"}
    en = guess_columns(["Order no.", "Customer", "Order status", "Order date", "Ship to", "Phone", "Total",
                        "Tracking number", "Qty", "Unit price"], [], BUILT_IN)
    assert en == {"channel_order_no": "Order no.", "buyer": "Customer", "status": "Order status",
                  "created_at": "Order date", "recipient": "Ship to", "phone": "Phone", "total": "Total",
                  "tracking_no": "Tracking number", "qty": "Qty", "unit_price": "Unit price"}


def test_columns_with_unknown_names_are_guessed_by_what_they_hold():
    rows = [["T0001234", "2026-11-20 10:00", "138****5678", "88.50", "SF1234567890123"],
            ["T0001235", "2026/11/21 09:30", "13900139000", "9.00", "SF1234567890124"]]
    assert guess_columns(["A", "B", "C", "D", "E"], rows, BUILT_IN) == {
        "channel_order_no": "A", "created_at": "B", "phone": "C", "total": "D", "tracking_no": "E"}
