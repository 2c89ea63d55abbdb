"""What each real-shaped statement sample (tests/real/statements/, sources in its README.md) must
match, pinned by hand, line by line, the way a bookkeeper reads it.

For every sample: a store holding the orders its lines refer to, as the shop has them (created
through services.orders: the channel a provider pays for, the channel's order number as the
channel gives it, the amount paid and refunded on the channel), plus one paid order of the
statement's period the file does not show. The sample is imported through services.statements and
matched by services.reconcile.run. Pinned: each line's state, the rule that decided it and the
order it went to (by its channel order number); each order's state, expected, received and
difference (minor units). Where an order is deliberately off (amber within 0.5%, red beyond), the
comment says why.

What the bookkeeper expects and the tests hold:
- money leaving the provider for the shop's own bank (Alipay 提现, a PayPal withdrawal, a Stripe
  payout its lines add up to) is not a sale: excluded by rule, or matched to the lines it paid out;
- transfers and other movements (余额宝, 余利宝, 充值, currency conversions, a hold and its
  release, a supplier's invoice, the bank's own fees) are excluded by rule, never "unmatched";
- a provider's fee for the account (Stripe Radar) and a bank credit with no number (a fee
  waived) stay open for the bookkeeper;
- a bank statement makes no order red by its absence: which orders were paid by bank transfer no
  file says (the 'money not seen' check is per provider, for the channels it pays for);
- a line in another currency with no amount in the order's is not matched (no rate).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import auth, reconcile, statements
from shop_orders.store.models import LineMatch, Order, OrderReconciliation, StatementLineRow
from tests.factories import make_order, run

HERE = Path(__file__).parent / "statements"
OWNER = ChangeContext(Actor("olivia", "owner"), "manual")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def shop(db, *orders: tuple) -> None:
    """The owner, and the orders (channel, channel order number, paid, refunded, currency,
    created and paid at), each paid on its channel as the channel reports it."""
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    for channel, no, paid, refunded, currency, when in orders:
        make_order(db, channel=channel, channel_order_no=no, paid_minor=paid, refunded_minor=refunded,
                   total_minor=paid, currency=currency, status=Status.AWAITING_SHIPMENT, created_at=when)


def imported(db, *files: str) -> int:
    """Import the samples in order; the last one's statement id."""
    sid = None
    for rel in files:
        sid = run(db, statements.import_file, OWNER, HERE / rel).statement_id
    assert sid is not None
    return sid


def reconciled(db) -> reconcile.RunSummary:
    return run(db, reconcile.run, OWNER)


def lines(db, statement_id: int) -> dict[int, tuple[str, str, str | None]]:
    """row -> (state, rule, the channel order number of the order it matched, or None)."""
    with db.read_session() as s:
        rows = s.execute(select(StatementLineRow.row_no, StatementLineRow.state, StatementLineRow.rule,
                                Order.channel_order_no)
                         .outerjoin(LineMatch, LineMatch.line_id == StatementLineRow.id)
                         .outerjoin(Order, Order.id == LineMatch.order_id)
                         .where(StatementLineRow.statement_id == statement_id)).all()
    return {int(r[0]): (r[1], r[2], r[3]) for r in rows}


def orders(db) -> dict[str, tuple[str, int, int, int] | None]:
    """channel order number -> (state, expected, received, difference), None for an order the
    run gave no state."""
    with db.read_session() as s:
        rows = s.execute(select(Order.channel_order_no, OrderReconciliation.state, OrderReconciliation.expected_minor,
                                OrderReconciliation.received_minor, OrderReconciliation.difference_minor)
                         .outerjoin(OrderReconciliation, OrderReconciliation.order_id == Order.id)).all()
    return {r[0]: None if r[1] is None else (r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows}


OPEN = ("open", "", None)
NOT_SALE = ("excluded", "not_sale", None)


# ---- Alipay 账务明细 ---------------------------------------------------------------------------------

def test_alipay_account_2024_sales_a_refund_a_fee_a_withdrawal_and_yuebao(db):
    """On SQLite and PostgreSQL. The shop's Youzan store sends its own order numbers as 商户订单号."""
    shop(db,
         ("youzan", "SO-240501-0001", 12800, 0, "CNY", at(2024, 5, 1, 1, 10)),
         ("youzan", "SO-240501-0002", 5990, 2000, "CNY", at(2024, 5, 1, 6, 35)),
         # the order says ¥76.80, Alipay shows ¥76.50: 0.39% off, within 0.5%: amber
         ("youzan", "SO-240502-0003", 7680, 0, "CNY", at(2024, 5, 2, 2, 20)),
         ("youzan", "SO-240501-0009", 9900, 0, "CNY", at(2024, 5, 1, 8, 0)))  # not in the file
    sid = imported(db, "alipay_account/20881234567890120156_20240501_账务明细.csv")
    summary = reconciled(db)
    assert lines(db, sid) == {
        6: ("matched", "exact", "SO-240501-0001"),
        7: ("matched", "exact", "SO-240501-0001"),  # 服务费 carries the sale's 商户订单号
        8: ("matched", "exact", "SO-240501-0002"),
        9: ("matched", "exact", "SO-240501-0002"),  # 部分退款, under the sale's number
        10: NOT_SALE,  # 提现到银行卡: the balance to the shop's own bank card
        11: NOT_SALE,  # 余额宝自动转入
        12: ("matched", "exact", "SO-240502-0003"),
    }
    assert orders(db) == {
        "SO-240501-0001": ("green", 12800, 12800, 0),  # the fee is not received money
        "SO-240501-0002": ("green", 3990, 3990, 0),  # ¥59.90 paid, ¥20.00 refunded
        "SO-240502-0003": ("amber", 7680, 7650, -30),
        "SO-240501-0009": ("red", 9900, 0, -9900),  # money not seen
    }
    assert summary.matched_total == 5 and summary.excluded == 2 and summary.still_open == 0
    assert summary.tickets_opened == 1  # a payment ticket for the red order, none for the amber one
    again = reconciled(db)  # a second run finds nothing more to do
    assert (again.matched_total, again.excluded, again.tickets_opened) == (0, 0, 0)
    assert orders(db)["SO-240502-0003"] == ("amber", 7680, 7650, -30)


def test_alipay_account_2025_top_up_and_yulibao_are_not_sales(sqlite_db):
    db = sqlite_db
    shop(db,
         # the order says ¥99.00, Alipay shows ¥89.00 (a coupon the order does not know): red
         ("youzan", "WX-250301-17", 9900, 0, "CNY", at(2025, 3, 1, 0, 0)),
         ("youzan", "WX-250301-18", 4500, 0, "CNY", at(2025, 3, 1, 3, 0)))
    sid = imported(db, "alipay_account/20889876543210980156_20250301_账务明细.csv")
    reconciled(db)
    assert lines(db, sid) == {
        6: ("matched", "exact", "WX-250301-17"),
        7: NOT_SALE,  # 充值 from the shop's own ICBC card
        8: NOT_SALE,  # 余利宝申购
    }
    assert orders(db) == {"WX-250301-17": ("red", 9900, 8900, -1000), "WX-250301-18": ("red", 4500, 0, -4500)}


# ---- Alipay 业务明细 ---------------------------------------------------------------------------------

def test_alipay_business_trades_and_a_refund(sqlite_db):
    db = sqlite_db
    shop(db,
         ("youzan", "SO-240815-0101", 12800, 2800, "CNY", at(2024, 8, 15, 2, 50)),
         ("youzan", "SO-240815-0102", 5490, 0, "CNY", at(2024, 8, 15, 3, 15)),
         ("youzan", "SO-240815-0103", 7650, 0, "CNY", at(2024, 8, 15, 12, 40)),
         ("youzan", "SO-240815-0104", 3300, 0, "CNY", at(2024, 8, 15, 10, 0)))  # not in the file
    sid = imported(db, "alipay_business/20880211234567890156_20240815_业务明细.csv")
    reconciled(db)
    assert lines(db, sid) == {
        6: ("matched", "exact", "SO-240815-0101"),
        7: ("matched", "exact", "SO-240815-0102"),
        8: ("matched", "exact", "SO-240815-0101"),  # the refund, under the trade's 商户订单号
        9: ("matched", "exact", "SO-240815-0103"),
    }
    assert orders(db) == {
        "SO-240815-0101": ("green", 10000, 10000, 0),
        "SO-240815-0102": ("green", 5490, 5490, 0),
        "SO-240815-0103": ("green", 7650, 7650, 0),
        "SO-240815-0104": ("red", 3300, 0, -3300),
    }


# ---- Tmall (its Alipay 账务明细) ---------------------------------------------------------------------

def test_tmall_sale_with_its_commissions_a_refund_a_transfer_and_a_withdrawal(sqlite_db):
    db = sqlite_db
    shop(db,
         ("tmall", "3871205539871234567", 23900, 0, "CNY", at(2024, 6, 1, 1, 55)),
         # sold in May for ¥118.00 (May's statement is not imported), ¥59.00 refunded on 1 June
         ("tmall", "3871205539879876543", 11800, 5900, "CNY", at(2024, 5, 20, 9, 0)),
         ("taobao", "3871205539870000001", 6600, 0, "CNY", at(2024, 6, 1, 5, 0)))  # not in the file
    sid = imported(db, "tmall/20880512345678900156_20240601_账务明细.csv")
    reconciled(db)
    assert lines(db, sid) == {
        6: ("matched", "prefix", "3871205539871234567"),  # T200P + the Tmall order number
        7: ("matched", "base_order", "3871205539871234567"),  # 天猫佣金: only the 业务基础订单号
        8: ("matched", "prefix", "3871205539871234567"),  # 淘宝客佣金, with the T200P number
        9: ("matched", "base_order", "3871205539871234567"),  # 返点积分
        10: ("matched", "prefix", "3871205539879876543"),  # 售后退款
        11: NOT_SALE,  # 转出到网商银行
        12: NOT_SALE,  # 提现到银行卡
    }
    assert orders(db) == {
        "3871205539871234567": ("green", 23900, 23900, 0),  # commissions are fees, not received money
        # only the refund is in this file: red until May's statement (its payment) is imported
        "3871205539879876543": ("red", 5900, -5900, -11800),
        "3871205539870000001": ("red", 6600, 0, -6600),
    }


# ---- WeChat Pay --------------------------------------------------------------------------------------

def test_wechat_2014_till_sales(sqlite_db):
    db = sqlite_db
    shop(db,
         ("pos", "POS-141110-0007", 1200, 0, "CNY", at(2014, 11, 10, 8, 33)),
         ("pos", "POS-141110-0008", 850, 0, "CNY", at(2014, 11, 10, 8, 45)),
         ("pos", "POS-141110-0009", 1500, 0, "CNY", at(2014, 11, 10, 8, 40)))  # not in the file
    sid = imported(db, "wechat/1900009921_20141110_all_old.csv")
    reconciled(db)
    assert lines(db, sid) == {2: ("matched", "exact", "POS-141110-0007"), 3: ("matched", "exact", "POS-141110-0008")}
    assert orders(db) == {"POS-141110-0007": ("green", 1200, 1200, 0), "POS-141110-0008": ("green", 850, 850, 0),
                          "POS-141110-0009": ("red", 1500, 0, -1500)}


WECHAT_0709 = (
    ("wechat", "SO-240709-0001", 6000, 0, "CNY", at(2024, 7, 9, 2, 5)),
    ("wechat", "SO-240709-0002", 3500, 0, "CNY", at(2024, 7, 9, 4, 40)),
    # sold in June for ¥80.00 (June's bill is not imported), ¥50.00 refunded on 9 July
    ("wechat", "SO-240625-0042", 8000, 5000, "CNY", at(2024, 6, 25, 10, 0)),
    # the order says ¥128.50, WeChat shows ¥128.00: 0.39% off: amber
    ("wechat", "SO-240709-0003", 12850, 0, "CNY", at(2024, 7, 9, 12, 10)),
    ("wechat", "SO-240709-0004", 2000, 0, "CNY", at(2024, 7, 9, 5, 0)),  # not in the file
)


def test_wechat_2024_all_sales_and_a_refund_of_junes_order(sqlite_db):
    db = sqlite_db
    shop(db, *WECHAT_0709)
    sid = imported(db, "wechat/1900012345_20240709_all.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "exact", "SO-240709-0001"),
        3: ("matched", "exact", "SO-240709-0002"),
        4: ("matched", "exact", "SO-240625-0042"),  # the refund, under the sale's 商户订单号
        5: ("matched", "exact", "SO-240709-0003"),
    }
    assert orders(db) == {
        "SO-240709-0001": ("green", 6000, 6000, 0),
        "SO-240709-0002": ("green", 3500, 3500, 0),
        "SO-240625-0042": ("red", 3000, -5000, -8000),  # its payment is in June's bill
        "SO-240709-0003": ("amber", 12850, 12800, -50),
        "SO-240709-0004": ("red", 2000, 0, -2000),
    }


def test_wechat_2024_refund_bill_after_the_all_bill(sqlite_db):
    """The next day's refund bill, imported after the day's full bill: the shop's orders as they
    are on 10 July (two of them partly refunded)."""
    db = sqlite_db
    as_on_10_july = {"SO-240709-0002": (3500, 1500), "SO-240709-0003": (12800, 1480)}
    shop(db, *[(c, n, *as_on_10_july.get(n, (p, r)), cur, w) for c, n, p, r, cur, w in WECHAT_0709],
         ("wechat", "SO-240710-0005", 4200, 0, "CNY", at(2024, 7, 10, 3, 0)))  # not in either file
    sid = imported(db, "wechat/1900012345_20240709_all.csv", "wechat/1900012345_20240710_refund.csv")
    reconciled(db)
    assert lines(db, sid) == {2: ("matched", "exact", "SO-240709-0002"), 3: ("matched", "exact", "SO-240709-0003")}
    got = orders(db)
    assert got["SO-240709-0002"] == ("green", 2000, 2000, 0)
    assert got["SO-240709-0003"] == ("green", 11320, 11320, 0)
    assert got["SO-240710-0005"] == ("red", 4200, 0, -4200)


# ---- Stripe ------------------------------------------------------------------------------------------

STRIPE_ORDERS = (  # a WooCommerce shop taking cards through Stripe ("Order 1001" is its number)
    ("woocommerce", "1001", 4000, 1000, "USD", at(2026, 9, 1, 9, 0)),
    ("woocommerce", "1002", 2300, 0, "EUR", at(2026, 9, 2, 17, 30)),  # paid in euros, settled in dollars
    ("woocommerce", "1005", 12000, 0, "USD", at(2026, 9, 5, 12, 0)),
    ("woocommerce", "1006", 5000, 0, "USD", at(2026, 9, 3, 10, 0)),  # in neither file
)


def test_stripe_payout_reconciliation_itemized(sqlite_db):
    db = sqlite_db
    shop(db, *STRIPE_ORDERS)
    sid = imported(db, "stripe/payout_reconciliation_itemized_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "exact", "1001"),  # metadata order_id
        3: ("matched", "exact", "1002"),  # through its presentment amount, €23.00
        4: ("matched", "exact", "1001"),  # the refund carries the order's metadata too
        5: OPEN,  # Radar for Fraud Teams: the account's fee, no order's; the bookkeeper books it as a cost
        6: ("matched", "exact", "1005"),
    }
    assert orders(db) == {
        "1001": ("green", 3000, 3000, 0),
        "1002": ("green", 2300, 2300, 0),
        "1005": ("green", 12000, 12000, 0),
        "1006": ("red", 5000, 0, -5000),
    }


def test_stripe_balance_change_from_activity(sqlite_db):
    """The balance report has no metadata: the orders are named in the description only
    ("Order 1001 - Ada Lindqvist"), and the payout is there."""
    db = sqlite_db
    shop(db, *STRIPE_ORDERS)
    sid = imported(db, "stripe/balance_change_from_activity_itemized_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "memo", "1001"),
        3: OPEN,  # names order 1002, but in dollars and the order is in euros: no rate, left to people
        4: ("matched", "memo", "1001"),  # REFUND FOR CHARGE (Order 1001 - ...)
        5: OPEN,  # Radar fee
        6: ("matched", "memo", "1005"),
        7: ("matched", "payout", None),  # its five lines add up to $167.08
    }
    assert orders(db) == {
        "1001": ("green", 3000, 3000, 0),
        # the line naming it cannot be counted in euros: red (the itemised payout report gives €23.00)
        "1002": ("red", 2300, 0, -2300),
        "1005": ("green", 12000, 12000, 0),
        "1006": ("red", 5000, 0, -5000),
    }


# ---- PayPal ------------------------------------------------------------------------------------------

def test_paypal_en_sales_refund_conversion_hold_and_withdrawal(sqlite_db):
    db = sqlite_db
    shop(db,
         ("woocommerce", "2041", 8400, 2000, "USD", at(2026, 9, 2, 14, 40)),
         # the order says $1,659.00, PayPal shows $1,653.75: 0.32% off: amber
         ("woocommerce", "2044", 165900, 0, "USD", at(2026, 9, 15, 2, 0)),
         ("woocommerce", "2045", 3000, 0, "USD", at(2026, 9, 20, 10, 0)))  # not in the file
    sid = imported(db, "paypal/activity_en_2026.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "prefix", "2041"),  # invoice WC-2041
        3: NOT_SALE, 4: NOT_SALE,  # User Initiated Currency Conversion, both sides
        5: ("matched", "prefix", "2044"),
        6: ("matched", "prefix", "2041"),  # Payment Refund, invoice WC-2041
        7: NOT_SALE, 8: NOT_SALE,  # Payment Hold and its Release
        9: NOT_SALE,  # General Withdrawal to the shop's bank
    }
    assert orders(db) == {
        "2041": ("green", 6400, 6400, 0),
        "2044": ("amber", 165900, 165375, -525),
        "2045": ("red", 3000, 0, -3000),
    }


def test_paypal_de_sale_purchase_conversion_and_partial_refund(sqlite_db):
    db = sqlite_db
    shop(db,
         ("woocommerce", "SO-7781", 124990, 4990, "EUR", at(2026, 9, 15, 12, 30)),
         ("woocommerce", "SO-7782", 2500, 0, "EUR", at(2026, 9, 20, 9, 0)))  # not in the file
    sid = imported(db, "paypal/aktivitaet_de_2026.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "exact", "SO-7781"),
        3: NOT_SALE,  # Einkauf: packaging bought from the PayPal balance
        4: NOT_SALE, 5: NOT_SALE,  # Allgemeine Währungsumrechnung
        6: ("matched", "exact", "SO-7781"),  # Teilerstattung
    }
    assert orders(db) == {"SO-7781": ("green", 120000, 120000, 0), "SO-7782": ("red", 2500, 0, -2500)}


# ---- Shopify Payments ----------------------------------------------------------------------------------

def test_shopify_payments_charges_refund_adjustment_and_a_franc_order(sqlite_db):
    db = sqlite_db
    shop(db,
         ("shopify", "#1101", 3000, 500, "EUR", at(2026, 9, 1, 8, 10)),
         ("shopify", "#1102", 103740, 0, "CHF", at(2026, 9, 2, 20, 0)),  # a Swiss buyer paid in francs
         # the order says €7.99, Shopify Payments shows €6.99 (a discount code the order lacks): red
         ("shopify", "#1103", 799, 0, "EUR", at(2026, 9, 5, 5, 30)),
         ("shopify", "#1104", 4500, 0, "EUR", at(2026, 9, 4, 10, 0)))  # not in the file
    sid = imported(db, "shopify_payments/payment_transactions_export_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: ("matched", "exact", "#1101"),
        3: ("matched", "exact", "#1102"),  # CHF 1,037.40 as presented, €988.21 settled
        4: ("matched", "exact", "#1101"),
        5: NOT_SALE,  # adjustment
        6: ("matched", "exact", "#1103"),
    }
    assert orders(db) == {
        "#1101": ("green", 2500, 2500, 0),
        "#1102": ("green", 103740, 103740, 0),
        "#1103": ("red", 799, 699, -100),
        "#1104": ("red", 4500, 0, -4500),
    }


# ---- banks ---------------------------------------------------------------------------------------------

def test_lloyds_transfers_naming_orders_a_stripe_payout_and_bills(sqlite_db):
    db = sqlite_db
    shop(db,
         ("woocommerce", "1207", 4590, 0, "GBP", at(2026, 9, 7, 20, 0)),
         ("woocommerce", "1199", 11500, 0, "GBP", at(2026, 9, 4, 10, 0)),
         ("woocommerce", "1210", 2000, 0, "GBP", at(2026, 9, 6, 10, 0)))  # paid by card, not in the bank
    sid = imported(db, "bank_csv/lloyds_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {
        2: NOT_SALE,  # ROYAL MAIL GROUP, a bill
        3: ("matched", "memo", "1207"),  # M PATEL ORDER 1207
        4: NOT_SALE,  # STRIPE PAYMENTS UK: a payout, counted on Stripe's statement
        5: NOT_SALE,  # BT, a bill
        6: NOT_SALE,  # the bank's fee
        7: OPEN,  # CLUB LLOYDS WAIVED: money in with no number, no order of £3.00: the bookkeeper's
        8: ("matched", "memo", "1199"),  # J OKONKWO INV 1199
    }
    assert orders(db) == {"1207": ("green", 4590, 4590, 0), "1199": ("green", 11500, 11500, 0), "1210": None}


def test_dkb_an_order_by_its_number_a_paypal_payout_and_a_supplier(sqlite_db):
    db = sqlite_db
    shop(db, ("woocommerce", "SO-7790", 8990, 0, "EUR", at(2026, 8, 31, 10, 0)))
    sid = imported(db, "bank_csv/dkb_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {
        6: ("matched", "memo", "SO-7790"),  # Bestellung SO-7790
        7: NOT_SALE,  # Rechnung 2026-114 Versandkartons, paid out
        8: NOT_SALE,  # PayPal Auszahlung: counted on PayPal's statement
    }
    assert orders(db) == {"SO-7790": ("green", 8990, 8990, 0)}


def test_monzo_a_customer_transfer_and_card_spending(sqlite_db):
    db = sqlite_db
    shop(db, ("woocommerce", "3310", 5800, 0, "GBP", at(2026, 9, 2, 10, 0)))
    sid = imported(db, "bank_csv/monzo_2026-09.csv")
    reconciled(db)
    assert lines(db, sid) == {2: NOT_SALE, 3: ("matched", "memo", "3310"), 4: NOT_SALE}
    assert orders(db) == {"3310": ("green", 5800, 5800, 0)}


CAMT_ORDERS = (
    ("woocommerce", "1208", 8990, 0, "EUR", at(2026, 9, 11, 15, 0)),
    ("woocommerce", "1199", 4500, 0, "EUR", at(2026, 9, 8, 10, 0)),  # its payment came back (see below)
)


def test_camt053_a_transfer_naming_an_order_a_stripe_payout_and_bills(sqlite_db):
    db = sqlite_db
    shop(db, *CAMT_ORDERS)
    sid = imported(db, "camt053/abn_camt053_2026-09-12.xml")
    reconciled(db)
    got = lines(db, sid)
    del got[5]  # the returned payment: test_camt053_a_returned_payment_counts_against_its_order
    assert got == {
        1: NOT_SALE,  # the insurer's direct debit
        2: ("matched", "memo", "1208"),  # Bestelling 1208
        3: NOT_SALE,  # STRIPE PAYOUT: counted on Stripe's statement
        4: NOT_SALE,  # two suppliers paid in one batch
        6: NOT_SALE,  # KOSTEN BETALINGSVERKEER, the bank's fee
    }
    assert orders(db)["1208"] == ("green", 8990, 8990, 0)


def test_camt053_a_returned_payment_counts_against_its_order(sqlite_db):
    db = sqlite_db
    shop(db, *CAMT_ORDERS)
    sid = imported(db, "camt053/abn_camt053_2026-09-12.xml")
    reconciled(db)
    assert lines(db, sid)[5] == ("matched", "memo", "1199")
    assert orders(db)["1199"] == ("red", 4500, -4500, -9000)


MT940_ORDERS = (
    ("woocommerce", "SO-7791", 8990, 0, "EUR", at(2026, 9, 14, 10, 0)),
    ("woocommerce", "SO-7785", 2450, 0, "EUR", at(2026, 9, 10, 10, 0)),  # its direct debit came back
)


def test_mt940_a_transfer_naming_an_order_a_paypal_payout_and_the_banks_fee(sqlite_db):
    db = sqlite_db
    shop(db, *MT940_ORDERS)
    sid = imported(db, "mt940/sparkasse_sepa_2026-09.sta")
    reconciled(db)
    got = lines(db, sid)
    del got[5]  # the returned direct debit: test_mt940_a_returned_direct_debit_counts_against_its_order
    assert got == {
        1: ("matched", "memo", "SO-7791"),  # Bestellung SO-7791 Danke
        2: NOT_SALE,  # PayPal Auszahlung
        3: NOT_SALE,  # Rechnung 2026-114 Versandkartons
        4: NOT_SALE,  # Entgelt Kontoführung
    }
    assert orders(db)["SO-7791"] == ("green", 8990, 8990, 0)


def test_mt940_a_returned_direct_debit_counts_against_its_order(sqlite_db):
    db = sqlite_db
    shop(db, *MT940_ORDERS)
    sid = imported(db, "mt940/sparkasse_sepa_2026-09.sta")
    reconciled(db)
    assert lines(db, sid)[5] == ("matched", "memo", "SO-7785")
    assert orders(db)["SO-7785"] == ("red", 2450, -2450, -4900)
