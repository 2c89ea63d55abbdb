"""What the bank formats (bank_csv, camt053, mt940) share: which kind a bank line is, a stable id for
a line its bank gives no id, the zone a date-only booking is read in, and the text the memo rule
searches. Not a format itself (not in _MODULES).

A bank line is money in (a customer paying by transfer: a payment the rules may match by the order
number in its remittance text) or money out (rent, suppliers, bank charges: other). Money in from a
payment provider (a Stripe, PayPal or Shopify payout reaching the bank) is not a sale: it is the
provider's payout, matched from the provider's own statement, so it is a transfer here; otherwise the
amount-and-time rule could pin a payout on an order of the same amount."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shop_orders.adapters.statements import common
from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_MINOR, digits
from shop_orders.domain.statements import LineKind, StatementFileError

# Names payment providers pay out under, as they appear in a bank's counterparty or remittance text.
PROVIDER_PAYOUT = re.compile(r"\b(stripe|paypal|shopify|adyen|klarna|mollie|sumup|square|amazon\s+payments)\b",
                             re.IGNORECASE)


# A customer's payment the bank took back (a returned credit transfer or direct debit), as banks
# write it: the ISO 20022 sub-family ARET (camt.053 PMNT/RCDT/ARET), MT940's RETOURE posting text,
# Rücklastschrift / Rückbuchung (German banks), Terugboeking (Dutch).
RETURNED = re.compile(r"(ARET|RETOURE)|r(ü|ue|u)ck(lastschrift|buchung|überweisung|ueberweisung)|terugboeking"
                      r"|returned (payment|credit|transfer|direct debit)", re.IGNORECASE)


def kind(amount_minor: int, text: str, reversal: bool = False) -> LineKind:
    """Money in: a payment, unless it is a reversal (other) or a provider's payout (transfer).
    Money out: a refund when it is a customer's payment returned (reversed, or written as a
    return: RETURNED), so it counts against the order its text names; else other (rent,
    suppliers, bank charges)."""
    if amount_minor > 0:
        if reversal:
            return LineKind.OTHER
        return LineKind.TRANSFER if PROVIDER_PAYOUT.search(text) else LineKind.PAYMENT
    if reversal or RETURNED.search(text):
        return LineKind.REFUND
    return LineKind.OTHER


def zone(value: object, default: tzinfo = UTC) -> tzinfo:
    """The `zone` option (a tzinfo or an IANA name) a date-only booking is read in, else `default`."""
    if value is None or value == "":
        return default
    if isinstance(value, tzinfo):
        return value
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise StatementFileError(t("'{text}' is not a time zone (e.g. Europe/Berlin)", text=str(value)[:40])) from None


def digest_ids(prefix: str, keys: Iterable[tuple[str, ...]]) -> list[str]:
    """Stable ids for lines whose file gives none: a digest of what the line is (account, date,
    amount, text), with the count of identical lines before it so two equal lines on one day stay
    two. The same file, or one that overlaps it, gives the same ids again."""
    seen: Counter[tuple[str, ...]] = Counter()
    ids: list[str] = []
    for key in keys:
        seen[key] += 1
        text = "\x1f".join(key) + f"\x1f{seen[key]}"
        ids.append(f"{prefix}:{hashlib.sha256(text.encode()).hexdigest()[:24]}")
    return ids


# Placeholders banks write where a reference is not given.
NOISE = {"NOTPROVIDED", "NONREF", "NOT PROVIDED"}


def western_text(raw: bytes, name: str) -> str:
    """A European provider's or bank's file: UTF-8 (with or without BOM), else Windows-1252 (what
    their older exports and Excel write), never GB18030, which would read a German umlaut as a
    Chinese character without a word."""
    if b"\x00" in raw[: 1 << 16]:
        raise StatementFileError(t("{file} holds binary data, not a statement's text", file=name))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def join_text(*parts: str | None) -> str:
    """Non-empty parts, spaces collapsed, joined with ' | ' (what the memo rule searches)."""
    seen: list[str] = []
    for part in parts:
        text = re.sub(r"\s+", " ", part or "").strip()
        if text and text not in seen and text.upper() not in NOISE and set(text) != {"0"}:
            seen.append(text)
    return " | ".join(seen)


# ---- the fast paths (a year of a busy shop is 100,000 lines): the plain cases without regex
# substitutions or strptime; anything else goes to common.minor / common.local_time, which also
# word the refusals.
_PLAIN = {".": re.compile(r"(-?)(\d{1,15})(?:\.(\d{1,6}))?"), ",": re.compile(r"(-?)(\d{1,15})(?:,(\d{1,6}))?")}
_POW10: tuple[int, ...] = tuple(10**k for k in range(10))
_ISO = re.compile(r"\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)?(?: ?(?:Z|[+-]\d\d:?\d\d))?")


def amount(text: str, currency: str, file: str, row: int, column: str, decimal_mark: str = ".") -> int:
    """common.minor for a cleaned cell, without its work when the text is a plain decimal number."""
    m = _PLAIN[decimal_mark].fullmatch(text)
    if m is not None:
        places = digits(currency)
        frac = m.group(3) or ""
        if len(frac) <= places:
            value = int(m.group(2)) * _POW10[places] + (int(frac) * _POW10[places - len(frac)] if frac else 0)
            if value <= MAX_MINOR:
                return -value if m.group(1) else value
    return common.minor(text, currency, file, row, column, decimal_mark=decimal_mark)


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, zone: tzinfo, formats: tuple[str, ...]) -> datetime | None:
    if any(f.startswith("%Y-%m-%d") for f in formats) and _ISO.fullmatch(text):
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = None
        if value is not None:
            return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    for fmt in formats:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return None


def when(text: str, zone: tzinfo, file: str, row: int, column: str, formats: Sequence[str]) -> datetime:
    """common.local_time (a local time to UTC), each distinct text parsed once (a bank's lines share
    their booking days)."""
    found = _parsed(text, zone, tuple(formats))
    return found if found is not None else common.local_time(text, zone, file, row, column, formats)
