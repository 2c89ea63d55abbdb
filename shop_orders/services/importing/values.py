"""Untrusted cells to exact values. Each function raises CellError with a sentence for people.

Order numbers stay text: `="..."` wrappers, a leading apostrophe or tab, and spaces are removed;
a number Excel already turned into scientific notation (1.23E+18) has lost digits and is refused.
Amounts accept currency symbols, thousands separators and full-width digits. Times accept the
common formats and Excel serial numbers, read in the shop's time zone when they carry none.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_MINOR, digits

# Cells that say "nothing here". 无退款申请 ("no refund requested") is what Taobao's item report writes in
# its 退款金额 column for an item without a refund.
EMPTY = {"", "-", "--", "null", "NULL", "None", "none", "N/A", "n/a", "#N/A", "无", "无退款申请"}
_SCI = re.compile(r"^[0-9.]+[eE][+-]?[0-9]+$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
# A cell as a file reader gives it: text, a number, a date or time, a bool, None - from an
# untrusted file, so anything; each function below checks what it got.
Cell: TypeAlias = Any


class CellError(ValueError):
    """A cell that cannot be read as the field it is mapped to."""


class EmptyCell(CellError):
    """The cell is empty where a value is needed."""


def clean(value: Cell) -> str:
    """Cell to trimmed text: NFKC (full-width digits and letters), quirks of channel exports removed."""
    if value is None:
        return ""
    if value.__class__ is str and value.isascii():
        text = value.strip()  # NFKC leaves ASCII as it is
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = unicodedata.normalize("NFKC", str(value)).strip()
    if text[:2] == '="' and text.endswith('"'):
        text = text[2:-1].strip()
    if text[:1] == "'":
        text = text[1:].strip()
    return "" if text in EMPTY else text


def order_number(value: Cell) -> str:
    if isinstance(value, float) and not value.is_integer():
        raise CellError(t("{value} is a fraction, not an order number", value=repr(value)))
    if isinstance(value, float) and abs(value) >= 2**53:
        raise CellError(t("{value} was stored as a number and has lost digits; export the column as text",
                           value=f"{value:.0f}"))
    text = clean(value)
    if _SCI.match(text):
        raise CellError(t("'{text}' was turned into a number by Excel and has lost digits; export the order "
                          "numbers as text", text=text))
    if len(text) > 64:
        raise CellError(t("the order number is longer than 64 characters"))
    return text


MAX_QTY = 1_000_000  # a line's quantity (the store keeps 32-bit quantities)


def amount_minor(value: Cell, currency: str) -> int:
    """Money in minor units, never beyond what the store keeps (domain.money.MAX_MINOR); refuses
    more decimals than the currency has. Whether a negative amount is allowed is the order
    services' rule (orders.validate_draft), checked for every order when the file is checked."""
    if isinstance(value, bool):
        raise CellError(t("{value} is not an amount", value=repr(value)))
    if isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, float):
        dec = Decimal(repr(value))  # the shortest text that reads back as this float
    else:
        text = clean(value)
        if not text:
            return 0
        text = re.sub(r"[¥￥$€£,\s]|CNY|RMB|USD|GBP|EUR|元", "", text, flags=re.IGNORECASE)
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise CellError(t("'{text}' is not an amount", text=clean(value))) from None
        if negative:
            dec = -dec
    if not dec.is_finite():
        raise CellError(t("'{text}' is not an amount", text=value))
    scaled = dec.scaleb(digits(currency))
    if scaled != scaled.to_integral_value():
        rounded = scaled.quantize(Decimal(1))
        if abs(scaled - rounded) > Decimal("0.000001"):
            raise CellError(t("'{text}' has more decimals than {currency} allows", text=value, currency=currency))
        scaled = rounded
    if abs(scaled) > MAX_MINOR:
        raise CellError(t("'{text}' is too large for an amount (at most {most})", text=value,
                          most=f"{MAX_MINOR // 100:,}"))
    return int(scaled)


def amount_or_none(value: Cell, currency: str) -> int | None:
    """amount_minor, or None for an empty cell (the file does not say)."""
    if value is None or (value.__class__ is str and not clean(value)):
        return None
    return amount_minor(value, currency)


def quantity(value: Cell) -> int:
    text = clean(value)
    if not text:
        return 1
    try:
        dec = Decimal(text)
    except InvalidOperation:
        raise CellError(t("'{text}' is not a quantity", text=text)) from None
    if not dec.is_finite() or dec != dec.to_integral_value() or dec <= 0:
        raise CellError(t("'{text}' is not a whole quantity of at least 1", text=text))
    if dec > MAX_QTY:
        raise CellError(t("'{text}' is too large for a quantity (at most {most})", text=text, most=f"{MAX_QTY:,}"))
    return int(dec)


def line_quantity(value: Cell) -> int:
    """A line's quantity as quantity() reads it, except that 0 is 0: channels write 0 for a line
    nothing is left of (Amazon's cancelled items, WooCommerce's 'Quantity (- Refund)' of a fully
    refunded line). Such a row adds no line to its order; its amounts still count."""
    text = clean(value)
    try:
        if text and Decimal(text) == 0:
            return 0
    except InvalidOperation:
        pass
    return quantity(value)


_COMMON = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d",
    "%Y.%m.%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%b %d, %Y %I:%M %p", "%b-%d-%y", "%b-%d-%Y",
]
_FORMATS = [*_COMMON, "%d/%m/%Y %H:%M", "%d/%m/%Y"]  # day first, as most of the world writes 03/04/2026
# US channels (Etsy, eBay) write the month first: 07/16/22, 7/16/2022.
_MONTH_FIRST = [*_COMMON, "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y %H:%M", "%m/%d/%y"]


def when_or_none(value: Cell, shop_tz: tzinfo, month_first: bool = False) -> datetime | None:
    """when(), or None for an empty cell: an optional time the file leaves empty."""
    try:
        return when(value, shop_tz, month_first)
    except EmptyCell:
        return None


def when(value: Cell, shop_tz: tzinfo, month_first: bool = False) -> datetime:
    """A time as aware UTC; text without a zone is the shop's local time. `month_first` reads
    03/04/23 as March 4th (the layout's channel writes dates the US way)."""
    dt: datetime | None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(t("{value} is not a date", value=value))
        dt = _EXCEL_EPOCH + timedelta(days=float(value))
        dt = dt.replace(microsecond=round(dt.microsecond, -3) % 1000000)
    else:
        text = clean(value)
        if not text:
            raise EmptyCell(t("the time is empty"))
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            return when(float(text), shop_tz, month_first)
        dt = None
        iso = text.replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(iso)
        except ValueError:
            m = re.match(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) ([+-]\d{4})$", text)  # Shopify
            if m:
                dt = datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z")
            else:
                for fmt in _MONTH_FIRST if month_first else _FORMATS:
                    try:
                        dt = datetime.strptime(text, fmt)
                        break
                    except ValueError:
                        continue
        if dt is None:
            raise CellError(t("'{text}' is not a date and time this importer knows", text=text))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=shop_tz)
    return dt.astimezone(UTC)
