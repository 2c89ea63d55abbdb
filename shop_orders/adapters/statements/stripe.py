"""Stripe's itemised reports as CSV: "Balance change from activity" (balance_change_from_activity.
itemized) and "Payout reconciliation" (payout_reconciliation.itemized), one row per balance
transaction: balance_transaction_id, created_utc (or created, in the zone the report was run in),
currency (lower case), gross, fee, net, reporting_category, and, when chosen, source_id, charge_id,
payment_intent_id, description, automatic_payout_id, customer_facing_amount/currency and the
payment's metadata as payment_metadata[key] columns.

Signs as Stripe writes them: gross and net signed (money in positive), fee positive when Stripe
charged it, and gross - fee = net on every row (checked: a row that does not add up is refused with
the difference). Here the fee on a charge is the line's fee_minor (negative when charged); a row
that is itself a fee (reporting_category fee: Radar, billing) is a line of kind fee.

Kinds by reporting_category: charge/payment -> payment, refund/payment_refund/dispute/
dispute_reversal -> refund (original_txn: the charge), fee/network_cost/tax -> fee, payout/
payout_reversal -> payout (payout_id: the payout itself, source_id po_...), transfer/topup/
connect_* -> transfer, anything else -> other. Every other row's payout_id is the
automatic_payout_id that paid it out. external_id: Stripe's balance_transaction_id (txn_...),
one per money movement in either report, so the two reports of the same money give the same ids.

Keys: provider_txn is the charge (ch_/py_) of a payment, the refund (re_) or dispute (dp_/du_) of a
refund, whose original_txn is its charge. The shop's order number: the first non-empty of the
refund_metadata (refunds only) then payment_metadata columns order_id, order_number, order_no, order, order_name (WooCommerce's Stripe plugin writes
order_id), or the key named with the option order_key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC
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

CODE = "stripe"
PROVIDER = "stripe"
LABEL = N_("Stripe itemised balance or payout reconciliation report (CSV)")

REQUIRED = ("balance_transaction_id", "currency", "gross", "fee", "net", "reporting_category")
OPTIONAL = ("automatic_payout_id", "source_id", "charge_id", "payment_intent_id", "description",
            "customer_facing_amount", "customer_facing_currency")
ORDER_KEYS = ("order_id", "order_number", "order_no", "order", "order_name", "orderid")
KINDS: dict[str, LineKind] = {
    "charge": LineKind.PAYMENT, "payment": LineKind.PAYMENT,
    "refund": LineKind.REFUND, "payment_refund": LineKind.REFUND, "refund_failure": LineKind.REFUND,
    "dispute": LineKind.REFUND, "dispute_reversal": LineKind.REFUND,
    "fee": LineKind.FEE, "network_cost": LineKind.FEE, "tax": LineKind.FEE,
    "payout": LineKind.PAYOUT, "payout_reversal": LineKind.PAYOUT,
    "transfer": LineKind.TRANSFER, "transfer_reversal": LineKind.TRANSFER, "topup": LineKind.TRANSFER,
    "topup_reversal": LineKind.TRANSFER, "connect_collection_transfer": LineKind.TRANSFER,
    "connect_reserved_funds": LineKind.TRANSFER, "platform_earning": LineKind.TRANSFER,
    "platform_earning_refund": LineKind.TRANSFER,
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def sniff(head: str) -> bool:
    first = next((line for line in head.splitlines() if line.strip()), "").lower()
    return all(name in first for name in ("balance_transaction_id", "reporting_category", "gross", "net"))


def parse(path: Path, **options: Any) -> Statement:
    name = path.name
    rows = common.csv_rows(common.decode(common.read_bytes(path), name), delimiter=",")
    if not rows:
        raise StatementFileError(t("{file} is empty: not even a heading row", file=name))
    header = [common.clean(h).lower() for h in rows[0]]
    cols = common.header_index(header, REQUIRED, name, 1)
    created = _created_column(header, name)
    zone = UTC if created == "created_utc" else _bank.zone(options.get("zone"))
    optional: dict[str, int] = {c: header.index(c) for c in OPTIONAL if c in header}
    pay_meta = _metadata_columns(header, "payment_metadata", options.get("order_key"))
    refund_meta = _metadata_columns(header, "refund_metadata", options.get("order_key"))
    lines: list[StatementLine] = []
    ids: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        line = _line(row, i, name, cols, created, header.index(created), zone, optional,
                     refund_meta + pay_meta if _kind(common.cell(row, cols["reporting_category"])) == LineKind.REFUND
                     else pay_meta)
        if line.external_id in ids:
            raise StatementFileError(t("{where}: the balance transaction {id} is already on row {other}",
                                       where=where(name, i, "balance_transaction_id"), id=line.external_id,
                                       other=ids[line.external_id]))
        ids[line.external_id] = i
        lines.append(line)
    times = [x.occurred_at for x in lines]
    return Statement(provider=PROVIDER, format=CODE, account=str(options.get("account") or ""), lines=tuple(lines),
                     period_from=min(times, default=None), period_to=max(times, default=None),
                     notes=(t("{count} lines; gross less fee is net on every line", count=len(lines)),))


def _created_column(header: Sequence[str], name: str) -> str:
    for column in ("created_utc", "created"):
        if column in header:
            return column
    raise StatementFileError(t("{where}: the column '{column}' is missing", where=where(name, 1), column="created_utc"))


def _metadata_columns(header: Sequence[str], prefix: str, key: object) -> list[int]:
    keys = (str(key).lower(),) if key else ORDER_KEYS
    found: list[int] = []
    for wanted in keys:
        for i, heading in enumerate(header):
            m = re.fullmatch(rf"{prefix}\[(.+)\]", heading)
            if m and m.group(1).strip().lower() == wanted:
                found.append(i)
    return found


def _kind(category: str) -> LineKind:
    return KINDS.get(category.strip().lower(), LineKind.OTHER)


def _line(row: Sequence[str], i: int, name: str, cols: dict[str, int], created: str, created_at: int,
          zone: Any, optional: dict[str, int], meta: list[int]) -> StatementLine:
    def get(column: str) -> str:
        return common.cell(row, optional[column]) if column in optional else ""

    txn = common.cell(row, cols["balance_transaction_id"])
    if not txn:
        raise StatementFileError(t("{where}: the balance transaction id is empty",
                                   where=where(name, i, "balance_transaction_id")))
    currency = common.cell(row, cols["currency"]).upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(name, i, "currency"),
                                   text=currency[:20]))
    gross, fee, net = (_bank.amount(common.cell(row, cols[c]), currency, name, i, c) for c in ("gross", "fee", "net"))
    if gross - fee != net:
        raise StatementFileError(t("{where}: gross {gross} less fee {fee} is {found}, not the net {net} the file states "
                                   "(a difference of {diff})", where=where(name, i, "net"),
                                   gross=format_minor(gross, currency), fee=format_minor(fee, currency),
                                   found=format_minor(gross - fee, currency), net=format_minor(net, currency),
                                   diff=format_minor(gross - fee - net, currency)))
    category = common.cell(row, cols["reporting_category"]).lower()
    kind = _kind(category)
    when = _bank.when(common.cell(row, created_at), zone, name, i, created, TIME_FORMATS)
    source, charge = get("source_id"), get("charge_id")
    payout = source if kind == LineKind.PAYOUT and source.startswith("po_") else get("automatic_payout_id")
    order = next((common.cell(row, c) for c in meta if common.cell(row, c)), "")
    presentment = _presentment(row, i, name, optional, currency, gross)
    return StatementLine(
        row=i, external_id=txn, kind=kind, amount_minor=gross, currency=currency,
        occurred_at=when, fee_minor=-fee,
        merchant_order_no=order,
        provider_txn=(source if kind == LineKind.REFUND else charge or source) if kind != LineKind.FEE else source,
        refund_no=source if kind == LineKind.REFUND else "",
        original_txn=charge if kind in (LineKind.REFUND, LineKind.FEE) else "",
        payout_id=payout, memo=_bank.join_text(category, get("description")),
        presentment_minor=presentment[0], presentment_currency=presentment[1])


def _presentment(row: Sequence[str], i: int, name: str, optional: dict[str, int], currency: str,
                 gross: int) -> tuple[int | None, str]:
    """What the customer was charged in their own currency (customer_facing_amount/currency) when it
    is not the settlement currency; the sign follows the line's gross."""
    other = common.cell(row, optional["customer_facing_currency"]).upper() if "customer_facing_currency" in optional \
        else ""
    text = common.cell(row, optional["customer_facing_amount"]) if "customer_facing_amount" in optional else ""
    if not other or not text or other == currency:
        return None, ""
    value = abs(_bank.amount(text, other, name, i, "customer_facing_amount"))
    return (-value if gross < 0 else value), other
