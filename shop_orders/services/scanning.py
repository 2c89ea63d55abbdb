"""The scan-out: shipping happens when the parcel is scanned, not when someone clicks "shipped".

A warehouse clerk scans the order's barcode (its global id or the channel's order number), then
the items (SKUs) one by one, then the parcel's tracking number; the order ships with source
"scan" and the clerk as actor. The scan station (ui/) and `shop-orders scan` (cli.py) are thin
front ends over these functions:

    find_order      the order behind a scanned code, or ScanRefused (not an order, cancelled, ...)
    match_item      which line a scanned SKU counts toward (pure), or wrong item / too many
    check_tracking  the tracking number normalised, or wrong pattern / already used on another order
    supervisor      a manager's or owner's PIN, on the spot, for skipping the item check
    ship_scanned    every check again inside the unit of work, then orders.ship
    undo_last_scan  within 60 s of the scan, with a reason: orders.recall_shipment

Every refusal is a ScanRefused with one spoken-language sentence and a `kind` the station turns
into its red screen and sound; nothing is written by a refused scan. Lookups use indexes only
(order_no unique, channel_order_no, shipments.tracking_no, order_lines (order_id, line_no)), so a
scan costs the same on a store of a million orders as on one of ten (tests/bench/bench_scan.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain import ids
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import Role
from shop_orders.domain.status import SHIPPING_ALLOWED, Status
from shop_orders.domain.tracking import plausible_number
from shop_orders.services import orders, permissions
from shop_orders.services.uow import UnitOfWork, utcnow
from shop_orders.store.models import Order, OrderLine, Shipment

UNDO_WINDOW = timedelta(seconds=60)
SUPERVISORS = frozenset({Role.OWNER.value, Role.MANAGER.value})

KINDS = ("not_an_order", "ambiguous", "already_shipped", "cancelled", "held", "not_paid", "not_ready", "archived",
         "wrong_item", "too_many", "no_items", "no_courier", "tracking_pattern", "tracking_used", "wrong_pin",
         "not_supervisor", "reason_needed", "undo_expired")


class ScanRefused(ValidationError):
    """A scan that changes nothing: one sentence for the clerk, and what kind of refusal it is
    (the station's feedback; one of KINDS)."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in KINDS:
            raise AssertionError(f"unknown scan refusal {kind!r}")
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class ScanLine:
    line_no: int
    sku: str
    title: str
    qty: int
    shipped_qty: int

    @property
    def remaining(self) -> int:
        return max(self.qty - self.shipped_qty, 0)


@dataclass(frozen=True)
class ScanOrder:
    """What the station shows large once an order is scanned, read in one go."""

    order_id: int
    order_no: str
    channel: str
    channel_order_no: str
    status: str
    recipient: str
    address: str
    courier: str
    lines: tuple[ScanLine, ...]
    version: int = 0

    def remaining(self) -> dict[int, int]:
        """line_no -> quantity not yet shipped (the lines still to pack)."""
        return {li.line_no: li.remaining for li in self.lines if li.remaining}


_NOISE = re.compile(r"[\s\x00-\x1f\x7f]+")  # what a keyboard-wedge scanner or a paste adds: CR/LF, tabs, spaces


def clean_code(code: str) -> str:
    """A scanned code without the scanner's noise (every space and control character)."""
    return _NOISE.sub("", str(code or ""))


def _locate(session: Session, code: str) -> int:
    """The row id of the order a scanned code names; ScanRefused when none or more than one."""
    cleaned = clean_code(code)
    if not cleaned:
        raise ScanRefused("not_an_order", t("That was an empty scan; scan the order's barcode."))
    if ids.parse_order_id(cleaned) is not None:
        found = session.execute(select(col(Order.id)).where(col(Order.order_no) == cleaned.upper())).scalar()
        if found is not None:
            return int(found)
    # A channel's order number: unique per channel, so look for it across all of them (the
    # channel_order_no index) and refuse a number two channels share instead of guessing.
    rows = session.execute(select(col(Order.id), col(Order.channel)).where(col(Order.channel_order_no) == cleaned)
                           .limit(3)).all()
    if len(rows) == 1 and rows[0][0] is not None:
        return int(rows[0][0])
    if len(rows) > 1:
        names = sorted(channel_label(r[1]) for r in rows)
        raise ScanRefused("ambiguous", t("{number} is an order number of {first} and of {second}; scan the order's "
                                         "own barcode (SO-...) from the packing slip instead.",
                                         number=cleaned, first=names[0], second=names[1]))
    shown = cleaned[:40]
    raise ScanRefused("not_an_order", t("{code} is not an order of this shop; scan the order's barcode on the "
                                        "packing slip.", code=shown))


def _refuse_unshippable(session: Session, order: Order) -> None:
    """ScanRefused unless this order may be scanned out now."""
    no, status = order.order_no, Status(order.status)
    if order.archived:
        raise ScanRefused("archived", t("Order {order} was deleted (it is in the archive); do not send it.", order=no))
    if status is Status.CANCELLED:
        raise ScanRefused("cancelled", t("Stop: order {order} was cancelled; do not send it.", order=no))
    if status in (Status.SHIPPED, Status.COMPLETED):
        raise ScanRefused("already_shipped", t("Order {order} has already been shipped; do not send it twice.",
                                               order=no))
    held = orders.hold_refusal(order)
    if held:
        raise ScanRefused("held", held)
    refusal = orders.payment_refusal(session, order)
    if refusal:
        raise ScanRefused("not_paid", t("Stop: order {order} is not paid yet; do not send it. ({why})", order=no,
                                        why=refusal))
    if not SHIPPING_ALLOWED[status]:
        raise ScanRefused("not_ready", t("Order {order} is {status}; it cannot be sent until it is awaiting shipment.",
                                         order=no, status=status.label()))


def _scan_order(session: Session, order: Order) -> ScanOrder:
    assert order.id is not None  # a stored row
    lines = session.execute(select(OrderLine).where(col(OrderLine.order_id) == order.id)
                            .order_by(col(OrderLine.line_no))).scalars()
    return ScanOrder(order.id, order.order_no, order.channel, order.channel_order_no, order.status,
                     order.recipient, order.address, order.courier,
                     tuple(ScanLine(li.line_no, li.sku, li.title, li.qty, li.shipped_qty) for li in lines),
                     order.version)


def find_order(session: Session, code: str) -> ScanOrder:
    """The order a scanned code names (its global id SO-..., in any case, or a channel's order
    number), if it may be scanned out now: not archived, cancelled, already shipped, unpaid
    (unless its channel is cash on delivery) or not yet awaiting shipment; else ScanRefused."""
    order = session.get(Order, _locate(session, code))
    if order is None:  # deleted between the two reads
        raise ScanRefused("not_an_order", t("{code} is not an order of this shop; scan the order's barcode on the "
                                            "packing slip.", code=clean_code(code)[:40]))
    _refuse_unshippable(session, order)
    return _scan_order(session, order)


def match_item(order: ScanOrder, counted: dict[int, int], sku: str) -> int:
    """The line a scanned SKU counts toward: the first line with that SKU (any case) still short
    of its quantity, counting what was already shipped and what `counted` (line_no -> scanned
    so far) holds. The caller adds one to counted[line]. wrong_item / too_many otherwise."""
    wanted = clean_code(sku).casefold()
    same = [li for li in order.lines if li.sku.strip().casefold() == wanted and wanted]
    if not same:
        raise ScanRefused("wrong_item", t("Wrong item: {sku} is not in order {order}; take it out of the parcel.",
                                          sku=clean_code(sku)[:40] or "—", order=order.order_no))
    for li in same:
        if counted.get(li.line_no, 0) < li.remaining:
            return li.line_no
    raise ScanRefused("too_many", t("Too many: order {order} needs only {qty} of {sku}; take one out.",
                                    order=order.order_no, qty=sum(li.remaining for li in same), sku=same[0].sku))


def _courier_pattern(session: Session, courier: str) -> str:
    """The pattern of the courier account the parcel's courier names (by its name or an alias)."""
    from shop_orders.domain.carriers import carrier_key
    from shop_orders.services.courier_accounts import accounts

    key = carrier_key(courier)
    for a in accounts(session):
        if key in a.names():
            return a.pattern
    return ""


def check_tracking(session: Session, order: ScanOrder, courier: str, tracking_no: str) -> str:
    """The scanned tracking number, normalised (no spaces, capitals), if it has a tracking
    number's shape (domain/tracking.py), matches the courier account's own pattern when it has
    one, and is on no live (not recalled) parcel of another order; else ScanRefused."""
    return check_number(session, order.order_id, courier, tracking_no)


def check_number(session: Session, order_id: int, courier: str, tracking_no: str) -> str:
    """check_tracking for the order `order_id`: the scan-out's checks, which shipping by hand
    (services/orders.ship) runs too. The courier's pattern is matched by RE2 (linear time) on at
    most 40 characters (plausible_number, checked first), so it takes microseconds on the locked
    row (issue 23 item 7)."""
    if not courier.strip():
        raise ScanRefused("no_courier", t("Choose the courier of the parcel first."))
    number = clean_code(tracking_no).upper()
    if not plausible_number(number):
        raise ScanRefused("tracking_pattern", t("{number} is not a tracking number; scan the barcode on the courier's "
                                                "label.", number=number[:40] or "—"))
    pattern = _courier_pattern(session, courier)
    if pattern:
        from shop_orders.services import patterns

        if not patterns.fullmatch(pattern, number):  # RE2: linear time, on the locked row too
            raise ScanRefused("tracking_pattern", t("{number} is not a {courier} tracking number; check the label and "
                                                    "the courier.", number=number, courier=courier.strip()))
    other = session.execute(
        select(col(Order.order_no)).join(Shipment, col(Shipment.order_id) == col(Order.id))
        .where(col(Shipment.tracking_no) == number, col(Shipment.recalled_at).is_(None),
               col(Shipment.order_id) != order_id).limit(1)
    ).scalar()
    if other is not None:
        raise ScanRefused("tracking_used", t("Tracking number {number} is already on order {other}; use a new label.",
                                             number=number, other=other))
    return number


def supervisor(uow_or_session: UnitOfWork | Session, name: str, pin: str) -> Actor:
    """The owner or manager `name`, if `pin` is their PIN (not their password), for a check
    skipped on the spot. A wrong PIN counts toward the account's lock like a wrong sign-in
    (services/auth.py): the caller commits the unit of work or session either way."""
    from shop_orders.services import auth

    if isinstance(uow_or_session, UnitOfWork):
        session, now = uow_or_session.session, uow_or_session.now
    else:
        session, now = uow_or_session, utcnow()
    try:
        info = auth.check_pin_of(session, now, name, pin)
    except auth.SignInFailed as exc:
        raise ScanRefused("wrong_pin", t("The PIN was not accepted: {why}", why=exc)) from None
    if info.role.value not in SUPERVISORS:
        raise ScanRefused("not_supervisor", t("{name} is {role}; only a manager or the owner may skip the item check.",
                                              name=info.name, role=info.role.label()))
    return info.actor


def _check_supervisor(uow: UnitOfWork, who: Actor) -> None:
    """The supervisor is still a manager or owner now (checked in the transaction that ships)."""
    role = permissions.role_of(uow.session, who)
    if role is None or role.value != who.role or role.value not in SUPERVISORS:
        raise ScanRefused("not_supervisor", t("{name} may not skip the item check (not a manager or owner now).",
                                              name=who.name))


def ship_scanned(uow: UnitOfWork, ctx: ChangeContext, code: str, items: dict[int, int] | None, courier: str,
                 tracking_no: str, *, skipped_by: Actor | None = None) -> Order:
    """Ship what was scanned: `items` (line_no -> quantity counted by scanning SKUs), or None for
    everything not yet shipped, which skips the item check and so needs `skipped_by`, a
    supervisor (supervisor()); the trail names them on the ship event (its approver) and in a
    "scan / item_check" event. ctx.source must be "scan", ctx.actor the clerk. Everything the
    station checked is checked again here, on the locked row: another seat may have changed it."""
    if ctx.source != "scan":
        raise ValidationError(t("A scan-out is recorded with the source scan."))
    permissions.require(uow, ctx.actor, "order.ship")
    if skipped_by is not None:
        _check_supervisor(uow, skipped_by)
    order_id = _locate(uow.session, code)
    row = orders.load_for_update(uow, order_id, None)
    _refuse_unshippable(uow.session, row)
    scanned = _scan_order(uow.session, row)
    if not scanned.lines:
        items = None  # an order without lines (a channel file without them): nothing to count
    elif items is None and skipped_by is None:
        raise ScanRefused("no_items", t("Scan the items first, or have a manager confirm skipping the item check."))
    if items is not None:
        remaining = scanned.remaining()
        by_no = {li.line_no: li for li in scanned.lines}
        clean: dict[int, int] = {}
        for n, qty in items.items():
            if int(n) not in by_no:
                raise ScanRefused("wrong_item", t("Order {order} has no line {n}.", order=scanned.order_no, n=n))
            if int(qty) <= 0:
                continue
            if int(qty) > remaining.get(int(n), 0):
                li = by_no[int(n)]
                raise ScanRefused("too_many", t("Too many: order {order} needs only {qty} of {sku}; take one out.",
                                                order=scanned.order_no, qty=remaining.get(int(n), 0), sku=li.sku))
            clean[int(n)] = int(qty)
        if not clean:
            raise ScanRefused("no_items", t("Nothing was scanned for order {order}; scan its items.",
                                            order=scanned.order_no))
        items = clean
    number = check_tracking(uow.session, scanned, courier, tracking_no)
    ship_ctx = ChangeContext(ctx.actor, "scan", ctx.reason, approver=skipped_by)
    if skipped_by is not None:
        uow.record(ship_ctx, "scan", order_id=scanned.order_id, order_no=scanned.order_no, field="item_check",
                   old="counted", new="skipped")
    return orders.ship(uow, ship_ctx, scanned.order_id, items, courier=courier.strip(), tracking_no=number)


def last_shipment(session: Session, order_id: int) -> Shipment | None:
    """The order's newest parcel still standing (not recalled): what undo_last_scan takes back."""
    return session.execute(select(Shipment).where(col(Shipment.order_id) == order_id,
                                                  col(Shipment.recalled_at).is_(None))
                           .order_by(col(Shipment.id).desc()).limit(1)).scalar()


def undo_last_scan(uow: UnitOfWork, ctx: ChangeContext, shipment_id: int, reason: str) -> Order:
    """Take a scan-out back within 60 s of it (a wrong parcel, a label on the wrong box), with a
    reason: the parcel is recalled (orders.recall_shipment), its quantities wait for shipping
    again. Later, the parcel has likely left: the courier sync or a manager's recall deals with it."""
    if not reason.strip():
        raise ScanRefused("reason_needed", t("Say why the scan is undone."))
    shipment = uow.session.get(Shipment, shipment_id)
    if shipment is None:
        raise ValidationError(t("There is no parcel {id}.", id=shipment_id))
    if uow.now - shipment.shipped_at > UNDO_WINDOW:
        seconds = int((uow.now - shipment.shipped_at).total_seconds())
        raise ScanRefused("undo_expired", t("The scan was {seconds} seconds ago; a scan can be undone only within "
                                            "60 seconds. Ask a manager to recall the parcel.", seconds=seconds))
    return orders.recall_shipment(uow, ChangeContext(ctx.actor, "scan", reason.strip()), shipment_id)
