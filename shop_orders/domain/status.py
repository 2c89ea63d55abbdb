"""The eight standard order statuses, their zh/en labels and the allowed transitions, as data.

Codes are stable (stored in the database and printed by the CLI); never rename one.

Partial payment and partial shipment are *derived*: they follow from recorded payments and
shipped line quantities and are never chosen by hand. Shipping itself is triggered by shipping
lines (the scan-out), so `shipped` is derived too.

Every rule that switches on a status is a table with one entry per status, checked by
`require_every_status`; a new status that some rule forgets fails at import time and in the
tests (seed 002: an auto-cancel job that did not know `partial_paid` cancelled 2,371 orders).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from shop_orders.domain.errors import TransitionNotAllowed
from shop_orders.domain.messages import N_, is_chinese, t


class Status(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AWAITING_PAYMENT = "awaiting_payment"
    PARTIALLY_PAID = "partially_paid"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def number(self) -> str:
        return NUMBERS[self]

    def label(self, lang: str | None = None) -> str:
        """The status's name in `lang`, by default the language of the messages."""
        return LABELS[self][1 if is_chinese(lang) else 0]

    @classmethod
    def parse(cls, text: str) -> Status:
        """A status from its code, its two-digit number or either label; ValueError names the choices."""
        key = text.strip()
        for status in cls:
            if key.lower() in (status.value, status.number, LABELS[status][0].lower(), LABELS[status][1]):
                return status
            if key in OLD_LABELS.get(status, ()):
                return status
        choices = ", ".join(s.value for s in cls)
        raise ValueError(t("unknown status '{text}'; expected one of: {choices}", text=text, choices=choices))


def require_every_status(name: str, table: Mapping[Status, object]) -> None:
    """Raise if a status-switching rule's table misses a status (or has a stray key)."""
    missing = [s.value for s in Status if s not in table]
    extra = [str(k) for k in table if k not in set(Status)]
    if missing or extra:
        raise AssertionError(
            f"status rule '{name}' does not handle every status: missing {missing}, unknown {extra}"
        )


NUMBERS: dict[Status, str] = {
    Status.AWAITING_CONFIRMATION: "01",
    Status.AWAITING_PAYMENT: "02",
    Status.PARTIALLY_PAID: "03",
    Status.AWAITING_SHIPMENT: "04",
    Status.PARTIALLY_SHIPPED: "05",
    Status.SHIPPED: "06",
    Status.COMPLETED: "07",
    Status.CANCELLED: "08",
}

LABELS: dict[Status, tuple[str, str]] = {
    Status.AWAITING_CONFIRMATION: ("Awaiting confirmation", "待确认"),
    Status.AWAITING_PAYMENT: ("Awaiting payment", "待付款"),
    Status.PARTIALLY_PAID: ("Partially paid", "部分付款"),
    Status.AWAITING_SHIPMENT: ("Awaiting shipment", "待发货"),
    Status.PARTIALLY_SHIPPED: ("Partially shipped", "部分发货"),
    Status.SHIPPED: ("Shipped", "已发货"),
    Status.COMPLETED: ("Completed", "完成"),
    Status.CANCELLED: ("Cancelled", "已取消"),
}
# Names used before: still understood when read back (files, the command line).
OLD_LABELS: dict[Status, tuple[str, ...]] = {Status.CANCELLED: ("取消",), Status.COMPLETED: ("已完成",)}

S = Status

# Every allowed status change. Who may make which change (roles) is added by the users issue on
# top of this table; the table itself says what is possible at all.
ALLOWED: dict[Status, frozenset[Status]] = {
    S.AWAITING_CONFIRMATION: frozenset({S.AWAITING_PAYMENT, S.AWAITING_SHIPMENT, S.CANCELLED}),
    S.AWAITING_PAYMENT: frozenset({S.PARTIALLY_PAID, S.AWAITING_SHIPMENT, S.CANCELLED}),
    S.PARTIALLY_PAID: frozenset({S.AWAITING_PAYMENT, S.AWAITING_SHIPMENT, S.CANCELLED}),
    S.AWAITING_SHIPMENT: frozenset({S.AWAITING_PAYMENT, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    # Back to awaiting shipment: the courier reported pickup failed / invalid tracking number.
    S.PARTIALLY_SHIPPED: frozenset({S.AWAITING_SHIPMENT, S.SHIPPED}),
    S.SHIPPED: frozenset({S.AWAITING_SHIPMENT, S.PARTIALLY_SHIPPED, S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Statuses that follow from payments / shipped quantities and cannot be chosen by hand.
DERIVED: dict[Status, str | None] = {
    S.AWAITING_CONFIRMATION: None,
    S.AWAITING_PAYMENT: None,
    S.PARTIALLY_PAID: N_("it follows from the recorded payments; record a payment instead"),
    S.AWAITING_SHIPMENT: None,
    S.PARTIALLY_SHIPPED: N_("it follows from the shipped line quantities; ship the lines instead"),
    S.SHIPPED: N_("it follows from the shipped line quantities; ship (scan out) the lines instead"),
    S.COMPLETED: None,
    S.CANCELLED: None,
}

# Finished orders never go stale and take no more payments or shipments.
FINAL: dict[Status, bool] = {s: s in (S.COMPLETED, S.CANCELLED) for s in Status}

# Where recorded payments decide the status (before anything has shipped).
PAYMENT_DECIDES: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False,  # the customer has not confirmed yet: a deposit does not move it
    S.AWAITING_PAYMENT: True,
    S.PARTIALLY_PAID: True,
    # Paid in full, or moved on by hand (cash on delivery): a refund is a manual step back.
    S.AWAITING_SHIPMENT: False,
    S.PARTIALLY_SHIPPED: False,
    S.SHIPPED: False,
    S.COMPLETED: False,
    S.CANCELLED: False,
}

# Where shipped line quantities decide the status.
SHIPPING_ALLOWED: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False,
    S.AWAITING_PAYMENT: False,
    S.PARTIALLY_PAID: False,
    S.AWAITING_SHIPMENT: True,
    S.PARTIALLY_SHIPPED: True,
    S.SHIPPED: True,  # the rollback of a shipment goes back through here
    S.COMPLETED: False,
    S.CANCELLED: False,
}

# How far along an order is, as a channel's export reports it. An import moves an order only
# forward on this scale (never back over a newer local change, e.g. a scan-out), and a channel's
# cancellation applies only to an order that has not shipped here.
CHANNEL_RANK: dict[Status, int] = {
    S.AWAITING_CONFIRMATION: 0,
    S.AWAITING_PAYMENT: 1,
    S.PARTIALLY_PAID: 2,
    S.AWAITING_SHIPMENT: 3,
    S.PARTIALLY_SHIPPED: 4,
    S.SHIPPED: 5,
    S.COMPLETED: 6,
    S.CANCELLED: 6,
}

STATUS_RULES: dict[str, Mapping[Status, object]] = {
    "numbers": NUMBERS,
    "labels": LABELS,
    "allowed transitions": ALLOWED,
    "derived statuses": DERIVED,
    "final statuses": FINAL,
    "payment decides": PAYMENT_DECIDES,
    "shipping allowed": SHIPPING_ALLOWED,
    "channel rank": CHANNEL_RANK,
}
for _name, _table in STATUS_RULES.items():
    require_every_status(_name, _table)


def check_manual_transition(current: Status, target: Status) -> None:
    """Raise TransitionNotAllowed unless a person may move an order from current to target."""
    if current == target:
        raise TransitionNotAllowed(t("The order is already {status}.", status=target.label()))
    if target not in ALLOWED[current]:
        raise TransitionNotAllowed(t("An order that is {current} cannot become {target}.",
                                     current=current.label(), target=target.label()))
    reason = DERIVED[target]
    if reason:
        raise TransitionNotAllowed(t("{status} cannot be set by hand: {reason}.", status=target.label(), reason=t(reason)))


def status_after_payment(current: Status, total_minor: int, paid_minor: int) -> Status:
    """The status that recorded payments imply (only where payments decide)."""
    if not PAYMENT_DECIDES[current]:
        return current
    if paid_minor <= 0 < total_minor:
        return S.AWAITING_PAYMENT
    if paid_minor < total_minor:
        return S.PARTIALLY_PAID
    return S.AWAITING_SHIPMENT


def status_after_shipping(current: Status, ordered_qty: int, shipped_qty: int) -> Status:
    """The status that shipped line quantities imply."""
    if not SHIPPING_ALLOWED[current]:
        raise TransitionNotAllowed(t("An order that is {status} cannot be shipped.", status=current.label()))
    if shipped_qty <= 0:
        return S.AWAITING_SHIPMENT
    if shipped_qty < ordered_qty:
        return S.PARTIALLY_SHIPPED
    return S.SHIPPED



def channel_update_allowed(ours: Status, theirs: Status) -> bool:
    """May a channel's export move an order from `ours` to `theirs`?"""
    if ours is theirs:
        return True
    if FINAL[ours]:
        return False  # finished here: a file neither reopens nor flips it
    if theirs is S.CANCELLED:
        return CHANNEL_RANK[ours] < CHANNEL_RANK[S.SHIPPED]
    return CHANNEL_RANK[theirs] > CHANNEL_RANK[ours]
