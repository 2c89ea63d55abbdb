"""Channel profiles: which header names mean which field, which status words mean which status,
and how a layout's rows make an order (one row per order, or one per line item).

The built-in layouts are in layouts.py, each citing where its columns and words come from, with
`by_code`, which finds a profile by its code or channel.
Custom profiles made in the mapping dialog are the same data, saved as a shop setting; words a
person mapped on the spot in the import dialog are saved beside a built-in profile
(settings.STATUS_WORDS_KEY) and merged in with `with_words`.

Header names are compared after `norm` (NFKC, trimmed, tabs and `="..."` removed, case folded).
Status words are compared after `status_key`, which also drops every space and tab, folds
full-width punctuation (，（） to ,()) and takes a bracketed prefix off ("(删除)等待确认收货":
the word 等待确认收货 with the prefix 删除), because channels decorate their words.

A bracketed prefix is a flag on the order, never its status: the word after it says the status
(domain/flags.py says what each prefix means and which hold an order from shipping).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property

from shop_orders.domain.flags import prefix_flag
from shop_orders.domain.messages import N_, t
from shop_orders.domain.status import Status

S = Status

# Fields an order export can fill. channel_order_no is the only one every profile must map.
FIELDS = ["channel_order_no", "channel", "status", "created_at", "paid_at", "shipped_at", "finished_at", "buyer",
          "recipient", "phone", "address", "currency", "total", "paid", "refunded", "sku", "title", "qty",
          "unit_price", "line_total", "courier", "tracking_no", "address_province", "address_city",
          "address_district", "address_street", "financial_status", "fulfillment_status", "cancelled_at",
          "outstanding", "payment_method", "marketplace", "address_line2", "address_line3", "address_postcode",
          "address_country", "line_status"]
REQUIRED = ("channel_order_no",)
TIME_FIELDS = ("created_at", "paid_at", "shipped_at", "finished_at")
MONEY_FIELDS = ("total", "paid", "refunded", "unit_price", "line_total", "outstanding")
# Fields that describe a line item, not the order: they may differ on every row of an order.
LINE_FIELDS = ("sku", "title", "qty", "unit_price", "line_total")

_PREFIX = re.compile(r"^(?:\(([^()]{1,8})\)|\[([^\[\]]{1,8})\]|【([^【】]{1,8})】)")
# The stages a prefixed word can name at which the buyer had paid (a deleted order was paid).
PAID_STAGES = frozenset({S.PARTIALLY_PAID, S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED, S.SHIPPED, S.COMPLETED})


def norm(text: object) -> str:
    t_ = unicodedata.normalize("NFKC", str(text or "")).strip().strip("\t").strip()
    if t_.startswith('="') and t_.endswith('"'):
        t_ = t_[2:-1]
    if t_.startswith("'"):
        t_ = t_[1:]
    return " ".join(t_.split()).casefold()


def status_key(word: object) -> tuple[str, str]:
    """(the word to look up, its bracketed prefix or ""): width folded, no spaces, case folded."""
    w = "".join(unicodedata.normalize("NFKC", str(word or "")).split()).casefold()
    if w[:2] == '="' and w[-1:] == '"':
        w = w[2:-1]
    w = w.strip("'\"")
    prefix = ""
    m = _PREFIX.match(w)
    if m and len(w) > m.end():
        prefix, w = next(g for g in m.groups() if g), w[m.end():]
    if w.startswith("wc-"):  # WooCommerce's internal names: wc-processing
        w = w[3:]
    return w.rstrip(",.;:。"), prefix


@dataclass(frozen=True)
class StatusReading:
    """What a status word says: the status, whether it says the buyer paid (even if the order was
    closed later), whether the payment went back to the buyer, the flag its prefix sets, and
    whether it says nothing (`from_facts`: no status column, or an empty cell), so the order's
    payment, refund, shipping and finishing decide it (plan.facts_status)."""

    status: Status
    paid: bool = False
    refunded: bool = False
    flag: str = ""
    from_facts: bool = False


FROM_FACTS = StatusReading(S.AWAITING_PAYMENT, from_facts=True)


@dataclass(frozen=True)
class Profile:
    code: str
    channel: str
    name: str  # a catalogue message for built-ins (shown with t()), the user's name for custom ones
    columns: dict[str, tuple[str, ...]]
    statuses: dict[str, Status] = field(default_factory=dict)
    currency: str = "CNY"
    # Fields that must all be found for the layout to be recognised (with channel_order_no); the
    # other mapped fields are optional and may be missing, reordered or among extra columns.
    identity: tuple[str, ...] = ()
    status_rule: str = "words"  # "words", "shopify", "standard" (our codes), "paid_time" (no status column)
    custom: bool = False
    # Status words (as written) saying the buyer paid although the order is now closed, and those
    # saying the money went back (a refund that succeeded).
    paid_words: tuple[str, ...] = ()
    refunded_words: tuple[str, ...] = ()
    # Fields whose value on each row belongs to that row (a sub-order), summed or combined over
    # the order's rows; every other order field must agree between an order's rows.
    per_row: tuple[str, ...] = ()
    line_items: str = "rows"  # "rows": one line per row; "webtoffee": line_item_N columns
    source: str = ""  # where the layout was taken from
    # The paid column is what is left after refunds (Taobao's 买家实际支付金额): received = paid + refunded.
    paid_net: bool = False
    # Columns that fill a field when its own cell is empty (Shopify: no e-mail, the billing name).
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # How the address parts are put together: "cn" province city district street; "west" street,
    # lines 2 and 3, city, province or state, postcode, country.
    address_style: str = "cn"
    # Dates like 03/04/23: "dmy" (day first) or "mdy" (US channels: Etsy, eBay).
    date_order: str = "dmy"
    # Every order of the file has this status (a list of orders waiting for pickup), or None.
    fixed_status: Status | None = None
    # A line without a price takes the order's total divided by its quantity when it is the only
    # line (Taobao's 订单报表: 总金额 and 宝贝总数量); not where the total holds tax and shipping (Etsy).
    line_price_from_total: bool = True

    @property
    def label(self) -> str:
        return self.name if self.custom else t(self.name)

    def to_json(self) -> str:
        return json.dumps({"code": self.code, "channel": self.channel, "name": self.name,
                           "columns": {k: list(v) for k, v in self.columns.items()},
                           "statuses": {k: v.value for k, v in self.statuses.items()},
                           "currency": self.currency, "identity": list(self.identity)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        d = json.loads(text)
        return cls(d["code"], d["channel"], d["name"], {k: tuple(v) for k, v in d["columns"].items()},
                   {k: Status(v) for k, v in d.get("statuses", {}).items()}, d.get("currency", "CNY"),
                   tuple(d.get("identity", ())), "words", True)

    def with_words(self, words: dict[str, Status]) -> Profile:
        """This profile with more status words (mapped by a person), which take precedence."""
        if not words:
            return self
        return replace(self, statuses={**self.statuses, **words})

    @cached_property
    def _words(self) -> dict[str, Status]:
        out: dict[str, Status] = {}
        for w, s in self.statuses.items():
            out.setdefault(status_key(w)[0], s)
        return out

    @cached_property
    def _paid(self) -> frozenset[str]:
        return frozenset(status_key(w)[0] for w in (*self.paid_words, *self.refunded_words))

    @cached_property
    def _refunded(self) -> frozenset[str]:
        return frozenset(status_key(w)[0] for w in self.refunded_words)

    @cached_property
    def _seen(self) -> dict[str, StatusReading | None]:
        return {}

    def read_status(self, word: str) -> StatusReading | None:
        """What the word means in this profile, or None for a word it does not know."""
        seen = self._seen  # a file repeats a handful of status words 100,000 times
        try:
            return seen[word]
        except KeyError:
            pass
        key, prefix = status_key(word)
        reading = None
        status = self._words.get(key)
        if status is None and prefix:  # a prefix we do not know, on a word we know as a whole
            status = self._words.get(status_key(f"({prefix}){key}")[0])
        if status is not None:
            paid, refunded = key in self._paid, key in self._refunded
            reading = StatusReading(status, paid or refunded, refunded, prefix_flag(prefix) if prefix else "")
        if len(seen) < 10_000:
            seen[word] = reading
        return reading

    def status_for(self, word: str) -> Status | None:
        reading = self.read_status(word)
        return reading.status if reading else None


SHOPIFY_FINANCIAL = ("pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided",
                     "expired", "")


def cash_on_delivery(payment_method: str) -> bool:
    """Shopify's "Cash on Delivery (COD)" gateway (alone or beside another, "Gift Card + ...")."""
    method = norm(payment_method)
    return "cash on delivery" in method or "(cod)" in method or method == "cod"


def shopify_status(financial: str, fulfillment: str, cancelled_at: str, payment_method: str = "") -> Status | None:
    """Shopify writes the payment and the fulfilment instead of one status (tests/real/exports/
    MEANINGS.md): cancelled when `Cancelled at` is set, voided, refunded in full or restocked;
    shipped when fulfilled, whatever was paid (cash on delivery and pending orders are shipped and
    unpaid); partially shipped when partly fulfilled; else by the payment: paid → awaiting
    shipment, partially paid, and pending/authorized/expired → awaiting payment, except cash on
    delivery, which waits for shipment. None for a financial status Shopify does not write."""
    financial, fulfillment = norm(financial), norm(fulfillment)
    if financial not in SHOPIFY_FINANCIAL:
        return None
    if norm(cancelled_at) or financial in ("refunded", "voided") or fulfillment == "restocked":
        return S.CANCELLED
    if fulfillment == "fulfilled":
        return S.SHIPPED
    if fulfillment == "partial":
        return S.PARTIALLY_SHIPPED
    if financial in ("paid", "partially_refunded"):
        return S.AWAITING_SHIPMENT
    if financial == "partially_paid":
        return S.PARTIALLY_PAID
    return S.AWAITING_SHIPMENT if cash_on_delivery(payment_method) else S.AWAITING_PAYMENT


__all__ = ["FIELDS", "FROM_FACTS", "N_", "Profile", "StatusReading", "cash_on_delivery", "norm",
           "shopify_status", "status_key"]
