"""The scan-out: shipping happens when the parcel is scanned, not when someone clicks "shipped".

A warehouse clerk scans the order's barcode (its global id or the channel's order number), then
the items (SKUs) one by one, then the parcel's tracking number; the order ships with source
"scan" and the clerk as actor. The scan station (ui/scan_station.py) and `shop-orders scan`
(cli/) both drive one ScanSession, which holds what was scanned so far and runs these:

    find_order      the order behind a scanned code, or ScanRefused (not an order, cancelled, ...)
    match_item      which line a scanned SKU counts toward (pure: domain/scanning.py)
    check_tracking  the tracking number normalised (services/parcels.py), or wrong pattern / already used /
                    a SKU or order id of the store (never a waybill)
    supervisor      a manager's or owner's PIN, on the spot, for skipping the item check
    ship_scanned    every check again inside the unit of work, then orders.ship
    undo_last_scan  within UNDO_WINDOW (60 s) of the scan, with a reason: orders.recall_shipment

Every refusal is a ScanRefused with one spoken-language sentence and a `kind` the station turns
into its red screen and sound; nothing is written by a refused scan. Lookups use indexes only
(order_no unique, channel_order_no, shipments.tracking_no, order_lines (order_id, line_no)), so a
scan costs the same on a store of a million orders as on one of ten (tests/bench/bench_scan.py).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain import ids
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import Role
from shop_orders.domain.scanning import (
    KINDS,
    UNDO_SECONDS,
    UNDO_WINDOW,
    ScanLine,
    ScanOrder,
    ScanRefused,
    clean_code,
    counted_items,
    is_complete,
    match_item,
    names_order,
    only_counted,
    refuse_extra_item,
    undo_open,
)
from shop_orders.domain.status import SHIPPING_ALLOWED, Status
from shop_orders.services import orders, permissions, stock_moves
from shop_orders.services.parcels import check_number
from shop_orders.services.uow import UnitOfWork, utcnow
from shop_orders.store import stock_queries
from shop_orders.store.models import Order, OrderLine, Shipment

T = TypeVar("T")

SUPERVISORS = frozenset({Role.OWNER.value, Role.MANAGER.value})

__all__ = ["COMPLETE", "ITEM", "KINDS", "ORDER", "ORDER_AGAIN", "SHIPPED", "STEP_ITEMS", "STEP_ORDER", "STEP_TRACKING",
           "UNDONE", "UNDO_SECONDS", "UNDO_WINDOW", "Parcel", "Runner", "ScanLine", "ScanOrder", "ScanRefused",
           "ScanSession", "Scanned", "check_number", "check_tracking", "clean_code", "find_order", "last_shipment",
           "match_item", "ship_scanned", "supervisor", "undo_last_scan"]


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
    short = stock_moves.short_refusal(session, int(order.id or 0), no)
    if short:
        raise ScanRefused("short", short)
    if not SHIPPING_ALLOWED[status]:
        raise ScanRefused("not_ready", t("Order {order} is {status}; it cannot be sent until it is awaiting shipment.",
                                         order=no, status=status.label()))


def _scan_order(session: Session, order: Order) -> ScanOrder:
    assert order.id is not None  # a stored row
    lines = list(session.execute(select(OrderLine).where(col(OrderLine.order_id) == order.id)
                                 .order_by(col(OrderLine.line_no))).scalars())
    codes = stock_queries.barcodes_of(session, [li.sku.strip() for li in lines])  # a scan of any counts as the SKU
    return ScanOrder(order.id, order.order_no, order.channel, order.channel_order_no, order.status,
                     order.recipient, order.address, order.courier,
                     tuple(ScanLine(li.line_no, li.sku, li.title, li.qty, li.shipped_qty, codes.get(li.sku.strip(), ()))
                           for li in lines),
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


def check_tracking(session: Session, order: ScanOrder, courier: str, tracking_no: str) -> str:
    """The scanned tracking number, normalised (no spaces, capitals), if it has a tracking
    number's shape (domain/tracking.py), matches the courier account's own pattern when it has
    one, and is on no live (not recalled) parcel of another order; else ScanRefused."""
    return check_number(session, order.order_id, courier, tracking_no)


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
        items = counted_items(scanned, items)
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
    if not undo_open(uow.now - shipment.shipped_at):
        seconds = int((uow.now - shipment.shipped_at).total_seconds())
        raise ScanRefused("undo_expired", t("The scan was {seconds} seconds ago; a scan can be undone only within "
                                            "60 seconds. Ask a manager to recall the parcel.", seconds=seconds))
    return orders.recall_shipment(uow, ChangeContext(ctx.actor, "scan", reason.strip()), shipment_id)


# ---- one scan session: the station's and the command line's ---------------------------------------

ORDER, ORDER_AGAIN, ITEM, COMPLETE, SHIPPED, UNDONE = "order", "order_again", "item", "complete", "shipped", "undone"
STEP_ORDER, STEP_ITEMS, STEP_TRACKING = "order", "items", "tracking"


@dataclass(frozen=True)
class Scanned:
    """What a scan did, for the front end to say in its own words: `kind` is ORDER (an order is
    on screen), ORDER_AGAIN (its own barcode scanned again), ITEM (a line counted: `sku`, `counted`
    of `needed`), COMPLETE (every item is there), SHIPPED or UNDONE (`status`, `version`)."""

    kind: str
    order_no: str
    status: str = ""
    version: int = 0
    sku: str = ""
    counted: int = 0
    needed: int = 0


@dataclass(frozen=True)
class Parcel:
    """The last parcel a session shipped: what undo takes back (`at` on the session's clock)."""

    shipment_id: int | None
    order_no: str
    at: float


class Runner(Protocol):
    """What a scan session works through: services.context.AppContext (its run and read)."""

    def run(self, change: Callable[[UnitOfWork, ChangeContext], T], source: str = "manual",
            reason: str = "") -> T: ...

    def read(self, query: Callable[[Session], T]) -> T: ...


class ScanSession:
    """One clerk's scan-out, scan after scan: the order on screen, the items counted toward it,
    the supervisor who let its item check be skipped, the last parcel (for undo) and the parcels
    of the session (for the per-hour counter). The scan station and `shop-orders scan` drive it;
    reads go through ctx.read, each write is one ctx.run (its own unit of work) as ctx.actor with
    source "scan". Refusals are ScanRefused (or another ShopOrdersError) and change nothing in
    the session, except the supervisor's wrong PIN, which is written (it counts toward the lock)
    before it is refused. `clock` (seconds, monotonic) measures the undo window and the hour."""

    HOUR = 3600.0

    def __init__(self, ctx: Runner, clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx, self.clock = ctx, clock
        self.order: ScanOrder | None = None
        self.counted: dict[int, int] = {}
        self.skipped_by: Actor | None = None
        self._counted_at_skip: dict[int, int] = {}
        self._skip_next: Actor | None = None  # a supervisor who confirmed before the order was scanned
        self.last: Parcel | None = None
        self.parcels = 0
        self.times: deque[float] = deque()

    # ---- where the session is --------------------------------------------------------------------
    def complete(self) -> bool:
        return self.order is not None and is_complete(self.order, self.counted)

    @property
    def step(self) -> str:
        """STEP_ORDER (scan an order), STEP_ITEMS (count its items) or STEP_TRACKING (the parcel's number)."""
        if self.order is None:
            return STEP_ORDER
        return STEP_TRACKING if self.skipped_by is not None or self.complete() else STEP_ITEMS

    def last_hour(self) -> int:
        """The parcels shipped in the last hour of this session."""
        now = self.clock()
        while self.times and now - self.times[0] > self.HOUR:
            self.times.popleft()
        return len(self.times)

    # ---- scans -----------------------------------------------------------------------------------
    def scan(self, code: str, courier: str) -> Scanned:
        """One scan, as a keyboard-wedge scanner sends it: the order, then its items, then (every
        item counted, or the check skipped) the tracking number of a parcel of `courier`. Where
        the tracking number is due, one of the order's items is one too many (ScanRefused
        too_many, nothing shipped) and its own barcode is ORDER_AGAIN; check_number refuses any
        other SKU or order id of the store."""
        step = self.step
        if step == STEP_ORDER:
            return self.open_order(code)
        assert self.order is not None
        if names_order(self.order, clean_code(code)):
            return Scanned(ORDER_AGAIN, self.order.order_no)
        if step == STEP_TRACKING:
            refuse_extra_item(self.order, code)  # one item too many is never the tracking number
            return self.ship(courier, code)
        return self.count_item(code)

    def open_order(self, code: str) -> Scanned:
        """The order a scanned code names on screen (find_order), nothing counted yet."""
        found = self.ctx.read(lambda s: find_order(s, code))
        self.order, self.counted, self.skipped_by, self._counted_at_skip = found, {}, self._skip_next, {}
        self._skip_next = None
        return Scanned(ORDER, found.order_no, found.status, found.version)

    def count_item(self, sku: str) -> Scanned:
        """One item scanned toward the order on screen (match_item)."""
        if self.order is None:
            raise AssertionError("count_item before an order is on screen")
        line_no = match_item(self.order, self.counted, sku)
        self.counted[line_no] = self.counted.get(line_no, 0) + 1
        if self.complete():
            return Scanned(COMPLETE, self.order.order_no)
        line = next(x for x in self.order.lines if x.line_no == line_no)
        return Scanned(ITEM, self.order.order_no, sku=line.sku, counted=self.counted[line_no],
                       needed=line.qty - line.shipped_qty)

    def skip_check(self, name: str, pin: str) -> Actor:
        """The supervisor `name` lets the order on screen go without (more) counting, by their PIN
        (supervisor()); confirmed before any order is on screen (the command line asks first), it
        holds for the order scanned next. A wrong PIN is committed (it counts toward the lock),
        then refused."""

        def check(uow: UnitOfWork, _ctx: ChangeContext) -> tuple[Actor | None, ScanRefused | None]:
            try:
                return supervisor(uow, name, pin), None
            except ScanRefused as exc:
                return None, exc

        who, refused = self.ctx.run(check, "scan")
        if refused is not None or who is None:
            raise refused or AssertionError("supervisor() returned no one")
        if self.order is None:
            self._skip_next = who
        else:
            self.skipped_by, self._counted_at_skip = who, dict(self.counted)
        return who

    def ship_counted(self) -> bool:
        """A partial shipment: the order on screen cut to what was counted, so the next scan is
        the tracking number. False (nothing changes) when nothing was counted."""
        if self.order is None or not any(self.counted.values()):
            return False
        self.order = only_counted(self.order, self.counted)
        return True

    def ship(self, courier: str, tracking_no: str) -> Scanned:
        """Ship the order on screen (ship_scanned, every check again on the locked row): what was
        counted; after a supervisor's skip, everything still to ship (or, when items were counted
        after the skip, those)."""
        if self.order is None:
            raise AssertionError("ship before an order is on screen")
        skipped_by = self.skipped_by
        items = None if skipped_by is not None and self.counted == self._counted_at_skip else dict(self.counted)
        order_no = self.order.order_no

        def change(uow: UnitOfWork, ctx: ChangeContext) -> tuple[Scanned, int | None]:
            order = ship_scanned(uow, ctx, order_no, items, courier, tracking_no, skipped_by=skipped_by)
            parcel = last_shipment(uow.session, int(order.id or 0))
            return (Scanned(SHIPPED, order.order_no, order.status, order.version),
                    None if parcel is None else int(parcel.id or 0))

        done, shipment_id = self.ctx.run(change, "scan")
        now = self.clock()
        self.last = Parcel(shipment_id, done.order_no, now)
        self.parcels += 1
        self.times.append(now)
        self.drop()
        return done

    def drop(self) -> bool:
        """Forget the order on screen (True if there was one)."""
        had = self.order is not None
        self.order, self.counted, self.skipped_by, self._counted_at_skip = None, {}, None, {}
        self._skip_next = None
        return had

    # ---- undo ------------------------------------------------------------------------------------
    def can_undo(self) -> bool:
        """The last parcel of this session was shipped within the undo window."""
        last = self.last
        return (last is not None and last.shipment_id is not None
                and undo_open(timedelta(seconds=self.clock() - last.at)))

    def undo(self, reason: str) -> Scanned:
        """Take the last parcel back (undo_last_scan, which checks the window again on the store's
        clock), with a reason."""
        last = self.last
        if last is None or last.shipment_id is None:
            raise AssertionError("undo without a parcel to undo")
        shipment_id = last.shipment_id

        def change(uow: UnitOfWork, ctx: ChangeContext) -> Scanned:
            order = undo_last_scan(uow, ctx, shipment_id, reason)
            return Scanned(UNDONE, order.order_no, order.status, order.version)

        done = self.ctx.run(change, "scan", reason.strip())
        self.last = None
        self.parcels = max(0, self.parcels - 1)
        if self.times:
            self.times.pop()
        return done
