"""A small reconciliation written straight into the tables (statements, statement_lines,
line_matches, order_reconciliation), as services/reconcile.py leaves them, for the board's
and the export's tests: two sources, every order state and every line state, one line outside
the period and a memo that looks like a formula.

November 2026 (the tests' clock is 2026-11-22):
- alipay: A1 payment ¥100.00 → green order; A2 payment ¥199.50 and A3 fee −¥0.60 → amber order
  (expected ¥200.00, received ¥199.50); A4 transfer excluded by rule; A5 payment ¥50.00 open
  (memo "=HYPERLINK(...)"); A6 payment ¥7.00 open in October (outside the period).
- stripe: S1 payment $19.99 → green order (USD).
- orders without a line: red (¥300.00 expected, nothing seen), excluded by bea, confirmed by bea.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import col

from shop_orders.store.models import (
    LineMatch,
    Order,
    OrderReconciliation,
    StatementFile,
    StatementLineRow,
)
from tests.factories import make_order

NOV = datetime(2026, 11, 10, 6, 0, tzinfo=UTC)
FORMULA_MEMO = '=HYPERLINK("http://evil.example","x")'


@dataclass
class Recon:
    orders: dict[str, int]  # name → order id
    numbers: dict[str, str]  # name → order number
    lines: dict[str, int]  # name → line id


def _line(statement_id: int, provider: str, ext: str, kind: str, amount: int, currency: str, at: datetime,
          **kw) -> StatementLineRow:
    return StatementLineRow(statement_id=statement_id, provider=provider, external_id=ext, row_no=kw.pop("row", 1),
                            kind=kind, amount_minor=amount, currency=currency, occurred_at=at, **kw)


def fill(db) -> Recon:
    names = {"green": 10000, "amber": 20000, "red": 30000, "excluded": 4000, "confirmed": 5000}
    numbers = {n: make_order(db, channel="tmall", channel_order_no=f"T-{n}") for n in names}
    numbers["usd"] = make_order(db, channel="shopify", channel_order_no="#1001", currency="USD")
    at = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
    with db.write_session() as s:
        ids = dict(s.execute(select(col(Order.order_no), col(Order.id))
                             .where(col(Order.order_no).in_(list(numbers.values())))).all())
        orders = {n: int(ids[no]) for n, no in numbers.items()}
        ali = StatementFile(provider="alipay", format="alipay_account", account="shop@example.com",
                            file_name="alipay.csv", file_sha256="a" * 64, imported_at=at, imported_by="bea")
        stripe = StatementFile(provider="stripe", format="stripe_balance", account="acct_1", file_name="stripe.csv",
                               file_sha256="b" * 64, imported_at=at, imported_by="bea")
        s.add_all([ali, stripe])
        s.flush()
        assert ali.id is not None and stripe.id is not None
        rows = {
            "A1": _line(ali.id, "alipay", "2026111022001", "payment", 10000, "CNY", NOV, row=1,
                        merchant_order_no="T-green", state="matched", rule="exact"),
            "A2": _line(ali.id, "alipay", "2026111022002", "payment", 19950, "CNY", NOV.replace(hour=7), row=2,
                        merchant_order_no="T200PT-amber", state="matched", rule="prefix"),
            "A3": _line(ali.id, "alipay", "2026111022003", "fee", -60, "CNY", NOV.replace(hour=8), row=3,
                        original_txn="2026111022002", state="matched", rule="fee"),
            "A4": _line(ali.id, "alipay", "2026111022004", "transfer", -50000, "CNY", NOV.replace(hour=9), row=4,
                        memo="余额宝 转入", state="excluded", rule="not_sale", reason="not a sale"),
            "A5": _line(ali.id, "alipay", "2026111022005", "payment", 5000, "CNY", NOV.replace(day=15), row=5,
                        memo=FORMULA_MEMO, counterparty="王小二"),
            "A6": _line(ali.id, "alipay", "2026102822006", "payment", 700, "CNY",
                        datetime(2026, 10, 28, 2, 0, tzinfo=UTC), row=6),
            "S1": _line(stripe.id, "stripe", "txn_1Q2w3E", "payment", 1999, "USD", NOV.replace(day=20), row=1,
                        provider_txn="ch_3Q2w3E", platform_order_no="#1001", state="matched", rule="exact"),
        }
        s.add_all(rows.values())
        s.flush()
        lines = {k: int(v.id or 0) for k, v in rows.items()}
        for line, order, amount, rule, who in (("A1", "green", 10000, "exact", ""), ("A2", "amber", 19950, "prefix", ""),
                                               ("A3", "amber", -60, "fee", ""), ("S1", "usd", 1999, "exact", "")):
            s.add(LineMatch(line_id=lines[line], order_id=orders[order], amount_minor=amount, rule=rule,
                            matched_by=who, matched_at=at))
        for name, state, expected, received, count, who, why in (
                ("green", "green", 10000, 10000, 1, "", ""), ("amber", "amber", 20000, 19950, 2, "", ""),
                ("red", "red", 30000, 0, 0, "", ""), ("excluded", "excluded", 4000, 0, 0, "bea", "paid in cash"),
                ("confirmed", "confirmed", 5000, 0, 0, "bea", "=cmd|' /C calc'!A0"),
                ("usd", "green", 1999, 1999, 1, "", "")):
            s.add(OrderReconciliation(order_id=orders[name], state=state, expected_minor=expected,
                                      received_minor=received, difference_minor=received - expected,
                                      currency="USD" if name == "usd" else "CNY", line_count=count, decided_by=who,
                                      reason=why, updated_at=at))
        s.commit()
    return Recon(orders, numbers, lines)
