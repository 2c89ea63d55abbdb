"""Payment and bank statements as the shop receives them: one shape for every provider's file.

A statement file (Alipay 账务明细, WeChat Pay 交易账单, Stripe's balance report, a bank's CAMT.053,
...) is read by its format's parser (shop_orders/adapters/statements/) into a `Statement`: the
provider it comes from, the account it is about, and its lines. Each `StatementLine` is one money
movement with what the bookkeeper matches it by:

- `external_id`: the provider's own id of this movement (账务流水号, Stripe's balance transaction,
  the bank's entry reference). Unique per provider: importing the same statement again, or an
  overlapping one, adds nothing (services/statements.py keeps each line once).
- `kind`: payment (money in for a sale), refund (money back to a buyer), fee (the provider's
  charge), payout (the provider's balance paid to the shop's bank), transfer (money moved between
  the shop's own accounts, wealth products, withdrawals), other.
- `amount_minor`: the signed gross amount in minor units (money in positive, out negative), and
  `fee_minor` the signed fee charged with it (negative when charged), both in `currency`.
- `occurred_at`: when it happened, in UTC (parsers convert the provider's local time).
- the keys it carries: `merchant_order_no` (the number the shop's channel gave the provider:
  商户订单号, Stripe's order metadata, PayPal's invoice id), `provider_txn` (the provider's own
  transaction: 支付宝交易号, 微信支付单号, Stripe charge, PayPal transaction id), `refund_no`
  (退款批次号/请求号, refund id), `platform_order_no` (the marketplace's base order number:
  Tmall's 业务基础订单号, Shopify's order name), `original_txn` (a refund's or fee's payment:
  PayPal's Reference Txn ID, Stripe's source), `payout_id` (the payout that paid it out),
  `memo` (free text: 备注, remittance information) and `counterparty`.

Parsers never trust the file: every value is checked, and a statement's own summary (totals,
counts) must agree with its lines or the file is refused, naming the difference
(`StatementFileError`, one sentence with file, row and column). Pure: no I/O here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import N_, is_chinese, t


class LineKind(enum.StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"
    FEE = "fee"
    PAYOUT = "payout"
    TRANSFER = "transfer"
    OTHER = "other"


KIND_LABELS: dict[str, str] = {
    LineKind.PAYMENT: N_("payment"), LineKind.REFUND: N_("refund"), LineKind.FEE: N_("fee"),
    LineKind.PAYOUT: N_("payout"), LineKind.TRANSFER: N_("transfer"), LineKind.OTHER: N_("other"),
}

# Providers (who holds the money) and the formats that read their files. Two formats of one
# provider (Alipay's 账务明细 and 业务明细, Tmall's statement paid through Alipay) describe the same
# money: their external ids are chosen so that the same movement has the same id in both.
PROVIDERS: dict[str, tuple[str, str]] = {
    "alipay": ("Alipay", "支付宝"),
    "wechat_pay": ("WeChat Pay", "微信支付"),
    "stripe": ("Stripe", "Stripe"),
    "paypal": ("PayPal", "PayPal"),
    "shopify_payments": ("Shopify Payments", "Shopify Payments"),
    "bank": ("Bank", "银行"),
}


def provider_label(code: str, lang: str | None = None) -> str:
    """The provider's name in `lang`, by default the language of the messages."""
    names = PROVIDERS.get(code)
    if names is None:
        return code
    return names[1 if is_chinese(lang) else 0]


@dataclass(frozen=True)
class StatementLine:
    row: int  # where it is in the file: the 1-based row (CSV/sheet) or entry number (CAMT, MT940)
    external_id: str
    kind: LineKind
    amount_minor: int
    currency: str
    occurred_at: datetime  # aware, UTC
    fee_minor: int = 0
    merchant_order_no: str = ""
    provider_txn: str = ""
    refund_no: str = ""
    platform_order_no: str = ""
    original_txn: str = ""
    payout_id: str = ""
    memo: str = ""
    counterparty: str = ""
    # What the buyer paid when it differs from what the provider settled (Shopify Payments'
    # presentment currency): amount and currency as shown to the buyer; empty when the same.
    presentment_minor: int | None = None
    presentment_currency: str = ""


@dataclass(frozen=True)
class Statement:
    provider: str  # a PROVIDERS code
    format: str  # the parser's code, e.g. "alipay_account", "camt053"
    account: str  # the account it is about (Alipay account, IBAN, Stripe account), '' when the file does not say
    lines: tuple[StatementLine, ...]
    period_from: datetime | None = None  # what the file says it covers (UTC), else the lines' first and last time
    period_to: datetime | None = None
    notes: tuple[str, ...] = field(default=())  # what the parser checked (e.g. "totals agree: 12 lines, ¥1,234.00")


class StatementFileError(ShopOrdersError):
    """The statement cannot be imported as it is; the sentence names the file, row and column."""


def where(file: str, row: int | None = None, column: str = "") -> str:
    """'file', 'file, row 12' or 'file, row 12, column 收入金额（+元）' for a sentence."""
    if row is None:
        return file
    if column:
        return t("{file}, row {row}, column {column}", file=file, row=row, column=column)
    return t("{file}, row {row}", file=file, row=row)
