"""Shopify Payments' transactions export (Finances -> Payouts -> Transactions -> Export, CSV):
Transaction Date (local time with its offset, "2026-08-30 16:59:53 +0400"; a date without an offset
is read in the option zone, UTC by default), Type (charge, refund,
dispute, adjustment, payout, ...), Order ("#3426", the shop's order name), Card Brand, Card Source,
Payout Status, Payout Date, Payout ID, Available On, Amount, Fee, Net, Checkout, Payment Method
Name, Presentment Amount, Presentment Currency, Currency, and in some shops VAT and Business Entity
columns after them.

Amount and Net are signed in the settlement Currency (money in positive); Fee is positive when
charged, and Amount - Fee = Net on every row (checked; a row that does not add up is refused with
the difference). The fee on a charge is the line's fee_minor (negative when charged).
Presentment Amount/Currency is what the buyer paid in their own currency: kept on the line when
the currency or the amount differs from the settlement. Shopify writes the presentment amount of a
refund without its minus sign ("-1598.70 AED" settled, "1598.70" presented): its sign follows
Amount.

Kinds: charge -> payment, refund -> refund, dispute/chargeback -> refund, payout -> payout,
reserve/adjustment/anything else -> other. payout_id: the Payout ID (empty while pending).
platform_order_no: the Order as written ("#3426"; the matching strips the '#').

The export has no transaction id. external_id is a digest of what a movement is (time, type,
order, amount, fee, net, currency, checkout, presentment amount) and how many identical rows came
before it; the payout columns (status, date, id, available on) are left out of it because they
change as Shopify pays the money out, so a later export of the same movement gives the same id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

from shop_orders.adapters.statements import _bank, common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)

CODE = "shopify_payments"
PROVIDER = "shopify_payments"
LABEL = N_("Shopify Payments transactions export (CSV)")

REQUIRED = ("Transaction Date", "Type", "Order", "Amount", "Fee", "Net", "Currency")
OPTIONAL = ("Payout Status", "Payout ID", "Checkout", "Presentment Amount", "Presentment Currency", "Card Brand",
            "Payment Method Name")
KINDS = {"charge": LineKind.PAYMENT, "refund": LineKind.REFUND, "dispute": LineKind.REFUND,
         "chargeback": LineKind.REFUND, "payout": LineKind.PAYOUT}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def sniff(head: str) -> bool:
    first = next((line for line in head.splitlines() if line.strip()), "").lower()
    return all(h.lower() in first for h in ("Transaction Date", "Payout Status", "Amount", "Fee", "Net")) \
        and "type,order" in first.replace('"', "").replace(" ", "")


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    rows = common.csv_rows(common.decode(common.read_bytes(path), name), delimiter=",")
    if not rows:
        raise StatementFileError(t("{file} is empty: not even a heading row", file=name))
    cols = common.header_index(rows[0], REQUIRED, name, 1)
    keys = {common.clean(h).lower(): i for i, h in enumerate(rows[0])}
    cols.update({h: keys[h.lower()] for h in OPTIONAL if h.lower() in keys})
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    zone = _bank.zone(options.get("zone"))
    lines = [_line(row, i, cols, name, zone) for i, row in body]
    ids = _bank.digest_ids("shopify", (_identity(row, cols) for _, row in body))
    lines = [replace(line, external_id=ext) for line, ext in zip(lines, ids, strict=True)]
    times = [x.occurred_at for x in lines]
    return Statement(provider=PROVIDER, format=CODE, account=str(options.get("account") or ""), lines=tuple(lines),
                     period_from=min(times, default=None), period_to=max(times, default=None),
                     notes=(t("{count} lines; amount less fee is net on every line", count=len(lines)),))


def _identity(row: Sequence[str], cols: dict[str, int]) -> tuple[str, ...]:
    return tuple(common.cell(row, cols[h]) if h in cols else "" for h in (
        "Transaction Date", "Type", "Order", "Amount", "Fee", "Net", "Currency", "Checkout", "Presentment Amount",
        "Presentment Currency"))


def _line(row: Sequence[str], i: int, cols: dict[str, int], name: str, zone: tzinfo) -> StatementLine:
    def get(heading: str) -> str:
        return common.cell(row, cols[heading]) if heading in cols else ""

    currency = get("Currency").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(name, i, "Currency"),
                                   text=currency[:20]))
    amount, fee, net = (_bank.amount(get(h), currency, name, i, h) for h in ("Amount", "Fee", "Net"))
    if amount - fee != net:
        raise StatementFileError(t("{where}: amount {amount} less fee {fee} is {found}, not the net {net} the file "
                                   "states (a difference of {diff})", where=where(name, i, "Net"),
                                   amount=format_minor(amount, currency), fee=format_minor(fee, currency),
                                   found=format_minor(amount - fee, currency), net=format_minor(net, currency),
                                   diff=format_minor(amount - fee - net, currency)))
    when = _bank.when(get("Transaction Date"), zone, name, i, "Transaction Date", TIME_FORMATS)
    type_text = get("Type").lower()
    kind = KINDS.get(type_text, LineKind.OTHER)
    presentment, other = None, ""
    p_currency = get("Presentment Currency").upper()
    p_text = get("Presentment Amount")
    if p_currency and p_text:
        if not re.fullmatch(r"[A-Z]{3}", p_currency):
            raise StatementFileError(t("{where}: '{text}' is not a currency code",
                                       where=where(name, i, "Presentment Currency"), text=p_currency[:20]))
        value = abs(_bank.amount(p_text, p_currency, name, i, "Presentment Amount"))
        value = -value if amount < 0 else value
        if p_currency != currency or value != amount:
            presentment, other = value, p_currency
    return StatementLine(
        row=i, external_id="", kind=kind, amount_minor=amount, currency=currency, occurred_at=when, fee_minor=-fee,
        platform_order_no=get("Order"), provider_txn=get("Checkout"), payout_id=get("Payout ID"),
        memo=_bank.join_text(type_text, get("Payment Method Name"), get("Card Brand")),
        presentment_minor=presentment, presentment_currency=other)
