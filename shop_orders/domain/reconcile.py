"""Reconciliation as a bookkeeper does it: what a statement line may match, and what an order's
money looks like once its lines are matched (services/reconcile.py applies it to the store).

- States of an order (`order_reconciliation.state`): green (the statements show what the order
  says was paid), amber (a difference within 0.5% of what was expected, or a deposit partly
  seen), red (a difference over 0.5%, money seen for an order that expected none, or an order
  paid in a period its provider's statement covers without a line: money not seen), excluded and
  confirmed (set by the bookkeeper with a reason; the rules never change them).
- The tolerance: |difference| ≤ 0.5% of the expected amount, in integer arithmetic
  (|diff| × 1000 ≤ |expected| × 5): 0.5% of ¥100.00 is exactly ¥0.50, and ¥0.51 is over.
- Which channels a provider pays for (`PROVIDER_CHANNELS`): a line of Alipay's is matched to a
  Taobao or Tmall order, never to a Shopify one with the same number; a bank pays for any channel.
- The known prefixes a provider puts before the channel's number (`PREFIXES`): Tmall's 商户订单号
  is `T200P` + the Taobao order number, a Shopify order name is `#1001`.
- `platform_order_no` is the order's own number for Stripe, PayPal and Shopify Payments (the
  Shopify order name), and the marketplace's base order number (Tmall 业务基础订单号, the parent of
  the sub-orders) for Alipay and WeChat Pay: those are tried by the `base_order` rule, after the
  merchant order number (`exact`, `prefix`).
- What is not a sale (`not_sale`): transfers and other movements (余额宝, 理财, 提现, transfers
  between the shop's own accounts, withdrawals): excluded by rule, never "unmatched".
Pure: no I/O.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import LineKind


class State(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    EXCLUDED = "excluded"
    CONFIRMED = "confirmed"

    def label(self, lang: str | None = None) -> str:
        return t(STATE_LABELS[self], lang=lang)

    @classmethod
    def parse(cls, text: str) -> State:
        key = text.strip().lower()
        for s in cls:
            if key in (s.value, t(STATE_LABELS[s], lang="en").lower(), t(STATE_LABELS[s], lang="zh_CN")):
                return s
        raise ValueError(t("unknown reconciliation state '{text}'; expected one of: {choices}", text=text,
                           choices=", ".join(s.value for s in cls)))


STATE_LABELS: dict[State, str] = {
    State.GREEN: N_("matched"), State.AMBER: N_("small difference"), State.RED: N_("disagrees"),
    State.EXCLUDED: N_("excluded"), State.CONFIRMED: N_("confirmed by hand"),
}
MANUAL_STATES = frozenset({State.EXCLUDED, State.CONFIRMED})  # set by a person; the rules keep them


# A statement line's own state (statement_lines.state).
LINE_OPEN, LINE_MATCHED, LINE_EXCLUDED = "open", "matched", "excluded"
LINE_STATES = (LINE_OPEN, LINE_MATCHED, LINE_EXCLUDED)


class Rule(enum.StrEnum):
    """The matching rules, in the order they are tried; each is recorded on the line and match."""

    EXACT = "exact"
    PREFIX = "prefix"
    BASE_ORDER = "base_order"
    MEMO = "memo"
    AMOUNT_TIME = "amount_time"
    REFUND = "refund"
    FEE = "fee"
    PAYOUT = "payout"
    NOT_SALE = "not_sale"


RULES: tuple[Rule, ...] = tuple(Rule)
BY_HAND = "manual"  # the `rule` of a match, exclusion or confirmation made by a person
RULE_LABELS: dict[str, str] = {
    Rule.EXACT: N_("order number"), Rule.PREFIX: N_("order number without its prefix"),
    Rule.BASE_ORDER: N_("base order number"), Rule.MEMO: N_("number in the memo"),
    Rule.AMOUNT_TIME: N_("amount and time"), Rule.REFUND: N_("refund of a payment"),
    Rule.FEE: N_("fee of a payment"), Rule.PAYOUT: N_("payout of its lines"), Rule.NOT_SALE: N_("not a sale"),
    BY_HAND: N_("by hand"),
}


def rule_label(rule: str, lang: str | None = None) -> str:
    return t(RULE_LABELS[rule], lang=lang) if rule in RULE_LABELS else rule


# ---- which orders a provider's line may be ---------------------------------------------------------

# provider -> the channels whose orders it takes money for; None: any channel (a bank).
PROVIDER_CHANNELS: dict[str, frozenset[str] | None] = {
    "alipay": frozenset({"taobao", "tmall", "youzan", "pos", "phone"}),
    "wechat_pay": frozenset({"wechat", "youzan", "pos", "phone"}),
    "stripe": frozenset({"shopify", "woocommerce", "pos", "phone"}),
    "paypal": frozenset({"shopify", "woocommerce", "ebay", "etsy", "phone"}),
    "shopify_payments": frozenset({"shopify"}),
    "bank": None,
}


def pays_for(provider: str, channel: str) -> bool:
    """True when a line of `provider` may be money for an order of `channel`."""
    channels = PROVIDER_CHANNELS.get(provider)
    return channels is None or channel in channels


def channels_of(provider: str) -> frozenset[str] | None:
    return PROVIDER_CHANNELS.get(provider)


# provider -> prefixes its files put before the channel's order number (stripped by the prefix rule)
PREFIXES: dict[str, tuple[str, ...]] = {
    "alipay": ("T200P", "T300P"),  # Tmall/Taobao 商户订单号: T200P + the order number
    "wechat_pay": (),
    "stripe": ("#",),
    "paypal": ("#", "WC-"),  # WooCommerce invoice ids: WC-1234
    "shopify_payments": ("#",),  # the order name: #1001
    "bank": ("#",),
}
# Providers whose platform_order_no is the marketplace's base (parent) order number rather than
# the order's own (tried by the base_order rule).
PLATFORM_IS_BASE = frozenset({"alipay", "wechat_pay"})


def strip_prefix(provider: str, number: str) -> str:
    """The number without a known prefix of the provider ('' when it has none to strip)."""
    text = number.strip()
    for prefix in PREFIXES.get(provider, ()):
        if len(text) > len(prefix) and text.upper().startswith(prefix.upper()):
            return text[len(prefix):].strip()
    return ""


KEPT_PREFIXES = ("#",)  # prefixes a channel may keep in its own order number (Shopify's '#1001')


_KEPT = {provider: tuple(p for p in prefixes if p in KEPT_PREFIXES) for provider, prefixes in PREFIXES.items()}


def prefixed(provider: str, number: str) -> list[str]:
    """The number with each prefix of the provider that a channel keeps in its own order number
    put before it ('1001' -> '#1001')."""
    kept = _KEPT.get(provider, ())
    if not kept:
        return []
    text = number.strip()
    return [p + text for p in kept if text and not text.upper().startswith(p.upper())]


# ---- a number in free text (bank memos, remittance information) -------------------------------------

_ORDER_ID = re.compile(r"SO-\d{8}-\d{6,}", re.IGNORECASE)
_TOKEN = re.compile(r"#?[A-Za-z0-9][A-Za-z0-9_-]{2,62}[A-Za-z0-9]")  # 4 to 64 characters
MEMO_MAX_TOKENS = 8


def memo_numbers(*texts: str) -> list[str]:
    """The order and channel numbers a memo may name: our global ids (SO-…) first, then every
    token of four or more characters with at least four digits (a channel's number: 'Order 1001',
    '#1001' as '1001' as well), in order, each once, at most MEMO_MAX_TOKENS."""
    out: list[str] = []

    def add(x: str) -> None:
        if x and x not in out and len(out) < MEMO_MAX_TOKENS:
            out.append(x)

    for text in texts:
        for m in _ORDER_ID.finditer(text or ""):
            add(m.group(0).upper())
    for text in texts:
        for m in _TOKEN.finditer(text or ""):
            token = m.group(0)
            if sum(ch.isdigit() for ch in token) >= 4:
                add(token)
                if token.startswith("#"):
                    add(token[1:])
    return out


# ---- what is not a sale ---------------------------------------------------------------------------

NOT_SALE_WORDS: tuple[str, ...] = (
    "余额宝", "理财", "提现", "转账到银行", "转出", "基金", "零钱通", "余利宝",
    "withdrawal", "internal transfer", "own account", "savings", "money market",
)
# On a bank's statement a customer's 转账 / transfer is how an order is paid: these words alone
# do not make a bank line "not a sale".
TRANSFER_WORDS: tuple[str, ...] = ("转账", "transfer")


def not_sale(provider: str, kind: str, *texts: str, payout_id: str = "") -> bool:
    """True when a line that matched no order is not a sale: a transfer or other movement, a
    payout that names no payout its lines could be tied to (Alipay's 提现: the balance moved to
    the shop's bank), or a payment whose memo says it went to a wealth product, a withdrawal, the
    shop's own account."""
    if kind in (LineKind.TRANSFER, LineKind.OTHER):
        return True
    if kind == LineKind.PAYOUT:
        return not payout_id.strip()
    if kind not in (LineKind.PAYMENT,):
        return False
    text = " ".join(x for x in texts if x).lower()
    if any(w.lower() in text for w in NOT_SALE_WORDS):
        return True
    return provider != "bank" and any(w in text for w in TRANSFER_WORDS)


# ---- an order's state ---------------------------------------------------------------------------------

TOLERANCE_PER_MILLE_X10 = 5  # 0.5% = 5 per thousand


def within_tolerance(difference: int, expected: int) -> bool:
    """|difference| ≤ 0.5% of |expected|, in whole numbers (no rounding anywhere)."""
    return abs(difference) * 1000 <= abs(expected) * TOLERANCE_PER_MILLE_X10


@dataclass(frozen=True)
class Figures:
    expected: int  # what the order says was paid (refunds included, negative)
    received: int  # what its matched payment and refund lines brought (gross, fees apart)
    lines: int  # how many statement lines are matched to it
    deposit: bool = False  # the order is partly paid on purpose (a deposit): the rest is to come

    @property
    def difference(self) -> int:
        return self.received - self.expected


def order_state(f: Figures, manual: State | None = None) -> State:
    """The state of an order from its figures; a state a person set (excluded, confirmed) stays."""
    if manual in MANUAL_STATES:
        assert manual is not None
        return manual
    diff = f.difference
    if diff == 0:
        return State.GREEN if f.lines or f.expected == 0 else State.RED
    if f.expected == 0 or f.lines == 0:
        return State.RED  # money nobody expected, or money expected and not seen
    if within_tolerance(diff, f.expected):
        return State.AMBER
    if f.deposit and 0 < f.received < f.expected:
        return State.AMBER  # a deposit partly seen: the rest is still to come
    return State.RED


def count_states(states: Iterable[str]) -> dict[State, int]:
    out = {s: 0 for s in State}
    for s in states:
        out[State(s)] += 1
    return out
