"""What the bank formats (bank_csv, camt053, mt940) share: which kind a bank line is, a stable id for
a line its bank gives no id, the zone a date-only booking is read in, and the text the memo rule
searches. Not a format itself (not in _MODULES).

A bank line is money in (a customer paying by transfer: a payment the rules may match by the order
number in its remittance text) or money out (rent, suppliers, bank charges: other). Money in from a
payment provider (a Stripe, PayPal or Shopify payout reaching the bank) is not a sale: it is the
provider's payout, matched from the provider's own statement, so it is a transfer here; otherwise the
amount-and-time rule could pin a payout on an order of the same amount."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shop_orders.domain.messages import t
from shop_orders.domain.statements import LineKind, StatementFileError

# Names payment providers pay out under, as they appear in a bank's counterparty or remittance text.
PROVIDER_PAYOUT = re.compile(r"\b(stripe|paypal|shopify|adyen|klarna|mollie|sumup|square|amazon\s+payments)\b",
                             re.IGNORECASE)


def kind(amount_minor: int, text: str, reversal: bool = False) -> LineKind:
    """Money in: a payment, unless it is a reversal (other) or a provider's payout (transfer);
    money out: other."""
    if reversal:
        return LineKind.OTHER
    if amount_minor > 0:
        return LineKind.TRANSFER if PROVIDER_PAYOUT.search(text) else LineKind.PAYMENT
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
