"""What channel files say beyond their status words, on SQLite and PostgreSQL (issue 22): a bracketed
prefix is a flag, and JD's (锁定) holds an order from shipping with a ticket until a later file
releases it; a file without amounts gives unknown amounts that a later file fills; a file without
a status (or an empty cell) gets the status its facts say; money columns that contradict each other
are one problem naming the row and the columns, with nothing written; a file that almost matches a
layout says which and what it misses."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.status import Status
from shop_orders.services import orders, scanning
from shop_orders.services.importing import runner
from shop_orders.services.verification import verify_store
from shop_orders.store.models import Order, Payment, Ticket
from tests.factories import run

OWNER = ChangeContext(Actor("olivia", "owner"), "manual", "packed at the counter")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")
JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
             "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "付款确认时间"]


def write(path: Path, rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def jd_file(tmp_path: Path, name: str, status: str) -> Path:
    return write(tmp_path / name, [JD_HEADER, [
        "11800000001", "1001", "紫砂壶 200ml", "1", "在线支付", "2026-11-20 10:00:00", "199.00", "199.00", "199.00",
        "0.00", "199.00", status, "销售订单", "jd_buyer", "王**", "北京海淀区**路**号", "138****0001",
        "2026-11-20 10:01:00"]], encoding="gb18030")


def imported(db, path: Path, channel: str = "auto"):
    plan = runner.prepare(db, path, channel)
    assert [str(p) for p in plan.problems] == []
    return runner.apply(db, ChangeContext(Actor("olivia", "owner"), f"import:{path.name}"), plan)


def order(db, number: str) -> Order:
    with db.read_session() as s:
        found = s.execute(select(Order).where(Order.channel_order_no == number)).scalar_one()
        s.expunge(found)
        return found


def tickets(db, order_no: str) -> list[tuple[str, str]]:
    with db.read_session() as s:
        return [(k.kind, k.state) for k in s.execute(select(Ticket).where(Ticket.order_no == order_no)).scalars()]



def test_a_locked_jd_order_is_held_from_shipping_with_a_ticket_until_a_later_file_releases_it(db, tmp_path):
    imported(db, jd_file(tmp_path, "jd-1.csv", "(锁定)等待出库"))
    o = order(db, "11800000001")
    assert (o.status, o.flags, o.paid_minor) == ("awaiting_shipment", "locked", 19900)
    assert tickets(db, o.order_no) == [("cancel", "open")]
    with pytest.raises(scanning.ScanRefused) as refused:
        run(db, scanning.ship_scanned, SCAN, o.order_no, {1: 1}, "SF", "SF1234567890")
    assert refused.value.kind == "held" and "the channel holds order" in str(refused.value)
    with pytest.raises(ShopOrdersError, match="the channel holds order"):
        run(db, orders.ship, OWNER, o.order_no)
    # the next day's export no longer says (锁定): the hold is lifted, the order ships
    imported(db, jd_file(tmp_path, "jd-2.csv", "等待出库"))
    assert order(db, "11800000001").flags == ""
    assert run(db, scanning.ship_scanned, SCAN, o.order_no, {1: 1}, "SF", "SF1234567890").status == "shipped"
    assert verify_store(db).ok


def test_a_deleted_jd_order_keeps_its_status_and_shows_the_flag(db, tmp_path):
    imported(db, jd_file(tmp_path, "jd-del.csv", "(删除)等待出库"))
    o = order(db, "11800000001")
    assert (o.status, o.flags, o.paid_minor) == ("awaiting_shipment", "deleted", 19900)  # never cancelled by it
    assert tickets(db, o.order_no) == []  # a flag to look at, not a hold


AMAZON_PICKUP = ["order-id", "tracking-id", "expected-ship-date", "asin", "sku", "product-name", "quantity-purchased",
                 "invoice-id", "package-identifier", "ship-service-level", "is-prime", "pickup-slot", "order-item-id",
                 "purchase-date", "ship-postal-code", "ship-country", "ship-city", "ship-state", "carrier",
                 "verge-of-cancellation", "verge-of-lateShipment"]
AMAZON_ORDERS = ["order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email", "buyer-name", "sku",
                 "product-name", "quantity-purchased", "currency", "item-price", "item-tax", "shipping-price",
                 "ship-service-level", "recipient-name", "ship-address-1", "ship-address-2", "ship-city",
                 "ship-state", "ship-postal-code", "ship-country", "sales-channel"]


def test_a_file_without_amounts_gives_unknown_amounts_that_a_later_file_fills(db, tmp_path):
    pickup = write(tmp_path / "pickup.txt", [AMAZON_PICKUP, [
        "403-7089694-1230741", "164608094547", "2025-02-18T18:29:59+00:00", "B07RF5ZXLB", "WaterBottle_Blue",
        "Water Bottle (Blue)", "2", "IN-308916", "403-7089694-1230741", "SecondDay", "true",
        "Tue, Feb 18 2025, 4:00 PM-5:00 PM", "46665731625682", "2025-02-16T06:00:03+00:00", "370001", "IN", "BHUJ",
        "GUJARAT", "ATS", "true", "false"]], delimiter="\t")
    imported(db, pickup)
    o = order(db, "403-7089694-1230741")
    assert (o.amount_known, o.total_minor, o.paid_minor, o.currency, o.status) == (False, 0, 0, "INR",
                                                                                   "awaiting_shipment")
    assert o.address == "BHUJ, GUJARAT, 370001, IN"
    with db.read_session() as s:
        assert s.execute(select(Ticket)).first() is None  # an unknown amount is not a payment mismatch
    report = write(tmp_path / "orders.txt", [AMAZON_ORDERS, [
        "403-7089694-1230741", "46665731625682", "2025-02-16T06:00:03+00:00", "2025-02-16T06:00:10+00:00",
        "x@marketplace.amazon.in", "A Buyer", "WaterBottle_Blue", "Water Bottle (Blue)", "2", "INR", "598.00",
        "0.00", "0.00", "SecondDay", "A Buyer", "12 Example Road", "Flat 3", "BHUJ", "GUJARAT", "370001", "IN",
        "Amazon.in"]], delimiter="\t")
    imported(db, report)
    o = order(db, "403-7089694-1230741")
    assert (o.amount_known, o.total_minor, o.paid_minor, o.currency) == (True, 59800, 59800, "INR")
    assert verify_store(db).ok  # the fill replays: a price event makes the amounts known
    again = runner.prepare(db, report)
    assert (len(again.updates), again.unchanged) == (0, 1)


def test_an_empty_status_cell_takes_the_status_its_facts_say(db, tmp_path):
    header = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "退款金额", "订单状态", "订单创建时间", "订单付款时间"]
    path = write(tmp_path / "tb.csv", [header,
                                       ["4100000000000000001", "a", "100.00", "0.00", "0.00", "", "2026-11-20 10:00:00", ""],
                                       ["4100000000000000002", "b", "100.00", "100.00", "0.00", "", "2026-11-20 10:00:00",
                                        "2026-11-20 10:01:00"],
                                       ["4100000000000000003", "c", "100.00", "0.00", "100.00", "",
                                        "2026-11-20 10:00:00", "2026-11-20 10:01:00"]])
    imported(db, path)
    assert [order(db, f"410000000000000000{i}").status for i in (1, 2, 3)] == [
        "awaiting_payment", "awaiting_shipment", "cancelled"]  # unpaid is never awaiting shipment
    with db.read_session() as s:
        refunds = s.execute(select(Payment.amount_minor).join(Order).where(
            Order.channel_order_no == "4100000000000000003").order_by(Payment.id)).scalars().all()
    assert refunds == [10000, -10000]  # received, then one refund row: net 0, never reduced twice


@pytest.mark.parametrize("paid, refund, column, says", [
    ("150.00", "0.00", "买家实际支付金额", "the paid amount 150.00 is more than the total 100.00 in 总金额"),
    ("0.00", "120.00", "退款金额", "the refund 120.00 is more than the total 100.00 in 总金额"),
])
def test_money_columns_that_contradict_each_other_are_one_problem_and_nothing_is_written(db, tmp_path, paid, refund,
                                                                                         column, says):
    header = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "退款金额", "订单状态", "订单创建时间", "订单付款时间"]
    path = write(tmp_path / "bad.csv", [header, ["4100000000000000009", "a", "100.00", paid, refund, "交易成功",
                                                 "2026-11-20 10:00:00", "2026-11-20 10:01:00"]])
    plan = runner.prepare(db, path)
    [problem] = plan.problems
    assert (problem.row, problem.column) == (2, column) and says in str(problem)
    with pytest.raises(runner.ImportFileError):
        runner.apply(db, ChangeContext(Actor("olivia", "owner"), "import:bad.csv"), plan)
    with db.read_session() as s:
        assert s.execute(select(Order)).first() is None


def test_a_file_that_almost_matches_a_layout_says_which_and_what_it_misses(db, tmp_path):
    path = write(tmp_path / "tmall.csv", [["订单编号", "总金额", "买家实际支付金额", "收货地址 ", "订单创建时间", "订单付款时间 ",
                                           "退款金额"], ["1", "178.8", "0.0", "上海", "2020-02-21 00:00:00", "", "0.0"]])
    with pytest.raises(runner.ImportFileError) as caught:
        runner.prepare(db, path)
    assert str(caught.value) == ("tmall.csv: looks like a Taobao/Tmall order report (订单报表) (7 of its columns); "
                                 "missing 订单状态, 买家会员名: choose the channel or map the columns.")
    plan = runner.prepare(db, path, "taobao")  # the person chooses the channel
    assert [o.status for o in plan.orders] == [Status.AWAITING_PAYMENT]
