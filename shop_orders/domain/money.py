"""Money as integer minor units (fen, cents) beside an ISO currency code; never float.

Parsing accepts what people type: "1,234.50", "¥88", "-3.2"; it refuses more decimals than the
currency has rather than rounding them away silently.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

# Decimal places per currency; anything not listed uses 2.
MINOR_DIGITS: dict[str, int] = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3}
SYMBOLS = "¥￥$€£"
# The largest amount one order, line or payment may carry, in minor units (9,999,999,999.99 for
# two-decimal currencies): a million such amounts still add up inside the store's BIGINT columns
# (summaries, exports), and nothing a shop sells comes near it.
MAX_MINOR = 999_999_999_999


def check_range(minor: int, what: str = "") -> int:
    """minor itself, or ValidationError when it is beyond what the store keeps (MAX_MINOR)."""
    if abs(minor) > MAX_MINOR:
        raise ValidationError(t("{what} is too large (at most {most} in whole units)", what=what or t("the amount"),
                                most=f"{MAX_MINOR // 100:,}"))
    return minor


def digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency.upper(), 2)


def parse_minor(text: str | int | Decimal, currency: str) -> int:
    """Decimal text (or a Decimal) to integer minor units of the currency."""
    if isinstance(text, (bool, float)):
        raise ValidationError(t("amount {text} must be given as text or Decimal, not a float", text=repr(text)))
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    else:
        cleaned = text.strip().replace(",", "").replace(" ", "")
        for sym in SYMBOLS:
            cleaned = cleaned.replace(sym, "")
        if cleaned.upper().startswith(currency.upper()):
            cleaned = cleaned[len(currency):]
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(t("'{text}' is not an amount of money", text=text)) from None
    if not value.is_finite():
        raise ValidationError(t("'{text}' is not an amount of money", text=text))
    places = digits(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValidationError(t("'{text}' has more than {places} decimal places for {currency}", text=text,
                                places=places, currency=currency))
    return check_range(int(scaled), f"'{text}'")


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-digits(currency))


UNKNOWN = "—"  # an amount the channel's file did not give (shown instead of 0.00)


def shown(minor: int, currency: str, known: bool = True) -> str:
    """format_minor, or "—" for an amount that is not known."""
    return format_minor(minor, currency) if known else UNKNOWN


def format_minor(minor: int, currency: str) -> str:
    """Plain decimal text, e.g. 12345 CNY -> '123.45' (what CSV/JSON carry)."""
    places = digits(currency)
    if not places:
        return str(minor)
    whole, part = divmod(abs(minor), 10**places)
    return f"{'-' if minor < 0 else ''}{whole}.{part:0{places}d}"


# ---- a price change by a percentage (a two-person bulk change: services/changesets.py) ---------------
# From -100 % (free) to +1000 % (eleven times the price); the bulk dialog's field has the same bounds.
MIN_PERCENT = Decimal(-100)
MAX_PERCENT = Decimal(1000)


def parse_percent(text: str) -> Decimal:
    """A price change as typed ("-10", "12.5%"), within MIN_PERCENT..MAX_PERCENT; ValidationError
    naming the text otherwise."""
    try:
        p = Decimal(str(text).strip().rstrip("%"))
    except InvalidOperation:
        raise ValidationError(t("'{text}' is not a percentage", text=text)) from None
    if not p.is_finite() or not MIN_PERCENT <= p <= MAX_PERCENT:
        raise ValidationError(t("a price change is from -100% to +1000%, not {text}", text=text))
    return p


def scaled(minor: int, percent: Decimal) -> int:
    """An amount in minor units changed by `percent`, rounded half up to a whole minor unit."""
    return int((Decimal(minor) * (100 + percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
