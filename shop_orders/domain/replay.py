"""What the audit trail says an order is: its creation event's value, and the replay of its events.

An order's 'create' event carries, as canonical JSON (sorted keys, no spaces), every field the
replay compares: channel, channel order number, status, currency, total and paid amounts (minor
units), buyer, recipient, phone, address, courier, tracking number and the lines' quantities and
unit prices. Later events change one field each ('status', 'payment' of 'paid', 'edit' of a text
field), so replaying an order's events in chain order gives exactly what its row must hold.

The channel's flags (domain/flags.py) and an unknown amount ("amount_known": false) are in the
creation value only when set, so every creation value written before them reads the same: a JSON
value without them says no flags and known amounts. An 'edit' of `flags` and a 'price' of the
total (a later file filling an unknown amount, which makes it known) replay like the others.

Creation events recorded before this format ("taobao 301...; awaiting_payment; 12.00 CNY[; paid
12.00]") are still read: they say the channel, number, status, total, currency and paid amount,
and the fields they do not say are not compared. Pure: no SQL, no Qt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress

from shop_orders.domain import flags
from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import t
from shop_orders.domain.money import digits, format_minor, parse_minor
from shop_orders.domain.status import Status
from shop_orders.domain.vocabulary import FIELDS

# Keys of the creation value, in the order they are compared (and reported).
MONEY = ("total", "paid")
TEXT = ("channel", "channel_order_no", "status", "currency", "buyer", "recipient", "phone", "address",
        "courier", "tracking_no", "flags", "amount_known")
# Every stated key, in the order of first_difference's report.
KEYS = (*TEXT[:4], *MONEY, *TEXT[4:])
# The row column each key is compared with.
COLUMN = {"total": "total_minor", "paid": "paid_minor", **{k: k for k in TEXT}}
# Personal data: a mismatch is reported without the values (messages never carry personal data).
PERSONAL = frozenset({"buyer", "recipient", "phone", "address"})
# Each key's name for people (vocabulary's field labels; translate with t()).
LABELS = {key: FIELDS[key] for key in KEYS}
EDITED = frozenset({"buyer", "recipient", "phone", "address", "courier", "tracking_no", "flags"})

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def created_value(channel: str, channel_order_no: str, status: str, currency: str, total: int, paid: int,
                  buyer: str, recipient: str, phone: str, address: str, courier: str, tracking_no: str,
                  lines: Sequence[tuple[int, int]], *, flags: str = "", amount_known: bool = True,
                  refunded: int = 0) -> str:
    """The creation event's value: canonical JSON of the order as created. `lines` are
    (quantity, unit price in minor units) in line order; flags, an unknown amount and what was
    refunded of the payment (paid is what is left) only when set."""
    # Keys written in sorted order (canonical without sorting each time: 100,000 per import).
    value: dict[str, object] = {"address": address}
    if not amount_known:
        value["amount_known"] = False
    value.update({"buyer": buyer, "channel": channel, "channel_order_no": channel_order_no, "courier": courier,
                  "currency": currency})
    if flags:
        value["flags"] = flags
    value.update({"lines": [[q, p] for q, p in lines], "paid": paid, "phone": phone, "recipient": recipient})
    if refunded:
        value["refunded"] = refunded
    value.update({"status": status, "total": total, "tracking_no": tracking_no})
    return _encode(value)


def parse_created(text: str | None) -> dict:
    """The fields a creation event's value states (new JSON or the older text); {} if none."""
    if not text:
        return {}
    if text[0] == "{":
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {"flags": "", "amount_known": True, **data}  # values before them: no flags, amounts known
    # Older text: "<channel> <number>; <status>; <total> <currency>[; paid <amount>]"
    parts = text.split("; ")
    try:
        channel, cno = parts[0].split(" ", 1)
        amount, currency = parts[2].rsplit(" ", 1)
        data = {"channel": channel, "channel_order_no": cno, "status": parts[1], "currency": currency,
                "total": parse_minor(amount, currency), "paid": 0}
        if len(parts) > 3 and parts[3].startswith("paid "):
            data["paid"] = parse_minor(parts[3][5:], currency)
    except (ValueError, IndexError):
        return {}
    return data


def _status_label(code: object, lang: str | None) -> str:
    try:
        return Status(str(code)).label(lang)
    except ValueError:
        return str(code or "")


def describe_created(text: str | None, lang: str | None = None) -> str:
    """A creation value (new JSON or the older text) for people, in the messages' language (or
    `lang`): "created as Taobao 301...; Awaiting payment; 12.00 CNY; paid 12.00" / "创建为 淘宝
    301...；待付款；12.00 CNY；已付 12.00". A value that cannot be read is shown as it is."""
    d = parse_created(text)
    if not d:
        return text or ""
    cur = str(d.get("currency", ""))
    try:
        total = format_minor(int(d.get("total", 0)), cur) if d.get("amount_known", True) is not False else "—"
        paid = format_minor(int(d["paid"]), cur) if d.get("paid") else None
        refunded = int(d.get("refunded") or 0)
    except (ValueError, TypeError):
        return text or ""
    values = {"channel": channel_label(str(d.get("channel", "")), lang), "number": d.get("channel_order_no", ""),
              "status": _status_label(d.get("status"), lang), "total": total, "currency": cur}
    if refunded:
        said = t("created as {channel} {number}; {status}; {total} {currency}; received {received}, refunded "
                 "{refunded}", lang=lang, received=format_minor(int(d.get("paid") or 0) + refunded, cur),
                 refunded=format_minor(refunded, cur), **values)
    elif paid is None:
        said = t("created as {channel} {number}; {status}; {total} {currency}", lang=lang, **values)
    else:
        said = t("created as {channel} {number}; {status}; {total} {currency}; paid {paid}", lang=lang, paid=paid,
                 **values)
    if d.get("flags"):
        said += t("; flagged: {flags}", lang=lang, flags=flags.describe(str(d["flags"]), lang))
    return said


def replay(events: Sequence[tuple[str, str, str | None]]) -> dict:
    """What an order's (action, field, new) events, in chain order, say its row holds.

    Keys absent from the result are not stated by the trail (older creation events). A payment
    event's value is the order's paid amount after it; every other change names its field."""
    state: dict = {}
    for action, field, new in events:
        if action == "create":
            state = parse_created(new)
        elif action == "status" and new is not None:
            state["status"] = new
        elif action == "payment" and field == "paid" and new is not None and "currency" in state:
            state["paid"] = _minor(new, state["currency"])
        elif action == "edit" and field in EDITED:
            state[field] = new if new is not None else ""
        elif action == "price" and field == "lines" and new is not None:
            with suppress(ValueError):
                state["lines"] = json.loads(new)
        elif action == "price" and field == "total" and new is not None and "currency" in state:
            state["total"] = _minor(new, state["currency"])
            if "amount_known" in state:
                state["amount_known"] = True  # a price is an amount: once stated, it is known
        elif action == "price" and field == "currency" and new is not None:
            state["currency"] = new
        elif action == "purge":
            state["purged"] = True  # removed from the store by an approved purge (its trail stays)
    return state


def _minor(text: str, currency: str) -> int | str:
    """A payment event's amount (format_minor's text) in minor units; the text if unreadable."""
    places = digits(currency)
    if places and len(text) > places and text[-places - 1] == "." and text[0] != "+":
        with suppress(ValueError):  # not plain digits: parse_minor below decides
            return int(text[:-places - 1] + text[-places:])  # "-3.90" -> -390: what format_minor wrote
    try:
        return parse_minor(text, currency)
    except ValueError:
        return text  # unreadable: reported as a mismatch


def show(key: str, value: object, currency: str) -> str:
    """A stated or stored value for a message (money in the currency's decimals)."""
    if key in MONEY and isinstance(value, int):
        return format_minor(value, currency)
    return repr(value) if value == "" else str(value)


def first_difference(stated: dict, row: dict, lines: Sequence[tuple[int, int]]) -> str | None:
    """'<field> is X in the store but the audit trail says Y' for the first field that differs."""
    cur = str(stated.get("currency") or row.get("currency") or "")
    for key in KEYS:
        if key not in stated:
            continue
        ours, says = row[COLUMN[key]], stated[key]
        if ours != says:
            label = t(LABELS[key])
            if key in PERSONAL:
                return t("{field} differs from what the audit trail says", field=label)
            return t("{field} is {stored} in the store but the audit trail says {said}", field=label,
                     stored=show(key, ours, cur), said=show(key, says, cur))
    said = stated.get("lines")
    if said is not None:
        said = [tuple(x) for x in said]
        if len(said) != len(lines):
            return t("the number of lines is {stored} in the store but the audit trail says {said}",
                     stored=len(lines), said=len(said))
        for n, ((q, p), (sq, sp)) in enumerate(zip(lines, said, strict=True), 1):
            if q != sq:
                return t("line {n} quantity is {stored} in the store but the audit trail says {said}",
                         n=n, stored=q, said=sq)
            if p != sp:
                return t("line {n} unit price is {stored} in the store but the audit trail says {said}",
                         n=n, stored=format_minor(p, cur), said=format_minor(sp, cur))
    return None
