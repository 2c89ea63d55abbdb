"""Matching on statements nobody here wrote the shape of: the real-shaped samples of
tests/real/statements/ (their sources are cited in its README.md) imported as `statements import`
does, matched by `reconcile.run`, each line's outcome and each order's state pinned by hand, on
SQLite and PostgreSQL.

- Alipay 账务明细: two sales (one with Alipay's 服务费 booked under the same trade and 商户订单号), a
  sale partly refunded, a 提现 to the bank and a 余额宝 transfer (both not sales).
- Tmall's ledger: a sale under `T200P` + the Taobao number, the platform's commissions reaching the
  order by its base order number (业务基础订单号) or by the prefixed number, a refund of an order
  whose payment is in no imported statement (red: the statements and the order disagree), a
  transfer and a 提现.
- Stripe's itemised payout reconciliation: Shopify orders by their number (one kept as '#1001'),
  a refund, a charge settled in USD for an order in EUR (its presentment amount), and Radar's
  account fee, which belongs to no order and stays open for the bookkeeper.
- Shopify Payments: orders by name ('#1101'), a charge settled in EUR for an order in CHF, an
  adjustment (not a sale), and a charge for an order this store does not have (open).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import auth, reconcile, statements
from shop_orders.store.models import LineMatch, Order, OrderReconciliation, StatementLineRow
from tests.factories import make_order, run

SAMPLES = Path(__file__).resolve().parents[1] / "real" / "statements"
OWNER = ChangeContext(Actor("olivia", "owner"), "manual")


def order(db, channel: str, number: str, paid: int, currency: str, day: datetime) -> int:
    no = make_order(db, channel=channel, channel_order_no=number, paid_minor=paid, total_minor=max(paid, 0),
                    currency=currency, status=Status.SHIPPED, created_at=day)
    with db.read_session() as s:
        return s.execute(select(Order.id).where(Order.order_no == no)).scalar_one()


def imported(db, *path: str) -> int:
    """Import a sample as `statements import` does; its statement's id."""
    return run(db, statements.import_file, OWNER, SAMPLES.joinpath(*path)).statement_id


def lines(db, statement_id: int) -> dict[int, tuple[str, str, list[int]]]:
    """row in the file -> (state, rule, orders matched) of each line of the statement."""
    with db.read_session() as s:
        out = {}
        for line in s.execute(select(StatementLineRow).where(StatementLineRow.statement_id == statement_id)).scalars():
            orders = list(s.execute(select(LineMatch.order_id).where(LineMatch.line_id == line.id)).scalars())
            out[line.row_no] = (line.state, line.rule, orders)
        return out


def states(db, *ids: int) -> list[tuple[str, int, int]]:
    with db.read_session() as s:
        return [(r.state, r.expected_minor, r.received_minor) for r in (s.get(OrderReconciliation, i) for i in ids)]


@pytest.fixture
def shop(db):
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    return db


def test_alipay_and_tmall_ledgers(shop):
    db = shop
    may = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    o1 = order(db, "taobao", "SO-240501-0001", 12800, "CNY", may)
    o2 = order(db, "taobao", "SO-240501-0002", 5990 - 2000, "CNY", may)  # 20.00 of 59.90 refunded
    o3 = order(db, "taobao", "SO-240502-0003", 7650, "CNY", may)
    t1 = order(db, "tmall", "3871205539871234567", 23900, "CNY", datetime(2024, 6, 1, 2, 0, tzinfo=UTC))
    t2 = order(db, "tmall", "3871205539879876543", 0, "CNY", may)  # paid in May, refunded in full in June
    ali = imported(db, "alipay_account", "20881234567890120156_20240501_账务明细.csv")
    tm = imported(db, "tmall", "20880512345678900156_20240601_账务明细.csv")
    summary = run(db, reconcile.run, OWNER)
    ali, tm = lines(db, ali), lines(db, tm)
    assert ali == {6: ("matched", "exact", [o1]), 7: ("matched", "exact", [o1]),  # 服务费 under the same 商户订单号
                   8: ("matched", "exact", [o2]), 9: ("matched", "exact", [o2]),
                   10: ("excluded", "not_sale", []), 11: ("excluded", "not_sale", []),  # 提现, 余额宝
                   12: ("matched", "exact", [o3])}
    assert tm == {6: ("matched", "prefix", [t1]), 7: ("matched", "base_order", [t1]),  # 天猫佣金: 业务基础订单号
                  8: ("matched", "prefix", [t1]), 9: ("matched", "base_order", [t1]),
                  10: ("matched", "prefix", [t2]),  # 售后退款 of T200P3871205539879876543
                  11: ("excluded", "not_sale", []), 12: ("excluded", "not_sale", [])}
    assert states(db, o1, o2, o3, t1) == [("green", 12800, 12800), ("green", 3990, 3990), ("green", 7650, 7650),
                                          ("green", 23900, 23900)]  # fees are not received money
    assert states(db, t2) == [("red", 0, -5900)]  # its payment is in no imported statement
    assert summary.tickets_opened == 1


def test_stripe_and_shopify_payments(shop):
    db = shop
    sep = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    s1 = order(db, "shopify", "#1001", 4000 - 1000, "USD", sep)  # 10.00 refunded
    s2 = order(db, "shopify", "1002", 2300, "EUR", sep)  # settled in USD, paid in EUR
    s5 = order(db, "shopify", "1005", 12000, "USD", sep)
    p1 = order(db, "shopify", "#1101", 3000 - 500, "EUR", sep)
    p2 = order(db, "shopify", "#1102", 103740, "CHF", sep)  # settled in EUR, paid in CHF
    stripe = imported(db, "stripe", "payout_reconciliation_itemized_2026-09.csv")
    shopify = imported(db, "shopify_payments", "payment_transactions_export_2026-09.csv")
    run(db, reconcile.run, OWNER)
    stripe, shopify = lines(db, stripe), lines(db, shopify)
    assert stripe == {2: ("matched", "prefix", [s1]),  # '1001' is the order '#1001'
                      3: ("matched", "exact", [s2]), 4: ("matched", "prefix", [s1]),
                      5: ("open", "", []),  # Radar's fee: the account's, no order's
                      6: ("matched", "exact", [s5])}
    assert shopify == {2: ("matched", "exact", [p1]), 3: ("matched", "exact", [p2]), 4: ("matched", "exact", [p1]),
                       5: ("excluded", "not_sale", []),  # an adjustment
                       6: ("open", "", [])}  # '#1103' is no order of this store
    assert states(db, s1, s2, s5, p1, p2) == [("green", 3000, 3000), ("green", 2300, 2300), ("green", 12000, 12000),
                                              ("green", 2500, 2500), ("green", 103740, 103740)]
