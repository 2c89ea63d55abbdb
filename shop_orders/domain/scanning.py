"""The scan-out's pure rules: what a scanned code is, which line a scanned item counts toward, when
an order's items are all there, and how long a scan can be undone. No SQL: the services
(services/scanning.py) read the order and write the shipment, the station and the command line
drive them through one ScanSession.

    clean_code      a scanned code without the scanner's noise
    names_order     whether a code names the order already on screen
    match_item      which line a scanned SKU (or one of its barcodes) counts toward, or wrong item / too many
    is_item_code    whether a code is one of the order's items (SKU or barcode), so never its tracking number
    refuse_extra_item  an item scanned where the tracking number is due: one too many
    counted_items   the items counted, checked against what is still to ship
    is_complete     every line counted to what is still to ship
    only_counted    the order cut to what was counted (a partial shipment)
    undo_open       whether a scan made `elapsed` ago can still be undone (UNDO_WINDOW)

Every refusal is a ScanRefused: one spoken-language sentence and a `kind` (one of KINDS) that the
station turns into its red screen and sound; a refused scan changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

UNDO_WINDOW = timedelta(seconds=60)  # a scan-out can be taken back this long after it (then: a manager's recall)
UNDO_SECONDS = int(UNDO_WINDOW.total_seconds())

KINDS = ("not_an_order", "ambiguous", "already_shipped", "cancelled", "held", "not_paid", "not_ready", "archived",
         "wrong_item", "too_many", "no_items", "no_courier", "tracking_pattern", "tracking_used", "tracking_is_item",
         "wrong_pin",
         "not_supervisor", "reason_needed", "undo_expired", "short")


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
    codes: tuple[str, ...] = ()  # the SKU's barcodes in the stock catalogue (EAN-13 on the box, the shop's own...)

    @property
    def remaining(self) -> int:
        return max(self.qty - self.shipped_qty, 0)

    def named_by(self, code: str) -> bool:
        """The code is this line's SKU or one of its catalogue barcodes (any case, the scanner's
        noise ignored)."""
        wanted = clean_code(code).casefold()
        return bool(wanted) and (clean_code(self.sku).casefold() == wanted
                                 or any(clean_code(c).casefold() == wanted for c in self.codes))


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


def names_order(order: ScanOrder, code: str) -> bool:
    """The code is the order's own barcode (its global id, any case) or its channel order number:
    the order on screen scanned again, not an item."""
    return code.upper() == order.order_no or code == order.channel_order_no


def match_item(order: ScanOrder, counted: Mapping[int, int], sku: str) -> int:
    """The line a scanned SKU, or any of its catalogue barcodes, counts toward: the first line
    with that SKU (any case) still short
    of its quantity, counting what was already shipped and what `counted` (line_no -> scanned
    so far) holds. The caller adds one to counted[line]. wrong_item / too_many otherwise."""
    same = [li for li in order.lines if li.named_by(sku)]
    if not same:
        raise ScanRefused("wrong_item", t("Wrong item: {sku} is not in order {order}; take it out of the parcel.",
                                          sku=clean_code(sku)[:40] or "—", order=order.order_no))
    for li in same:
        if counted.get(li.line_no, 0) < li.remaining:
            return li.line_no
    raise ScanRefused("too_many", t("Too many: order {order} needs only {qty} of {sku}; take one out.",
                                    order=order.order_no, qty=sum(li.remaining for li in same), sku=same[0].sku))


def is_item_code(order: ScanOrder, code: str) -> bool:
    """The code is the SKU of one of the order's lines, or one of that SKU's barcodes in the stock
    catalogue (any case, the scanner's noise ignored): an item, never the parcel's tracking number.
    The packing slip prints the SKU as the item's barcode; the box's own codes count as it too."""
    return any(li.named_by(code) for li in order.lines)


def refuse_extra_item(order: ScanOrder, code: str) -> None:
    """Every item is counted (or the check was skipped) and the tracking number is due: a code
    that is one of the order's items is one item too many (too_many), never the tracking number."""
    if is_item_code(order, code):
        sku = next(li.sku for li in order.lines if li.named_by(code))
        raise ScanRefused("too_many", t("One too many: every {sku} of order {order} is already counted; take this one "
                                        "out of the parcel, then scan the tracking number on the courier's label.",
                                        sku=sku, order=order.order_no))


def counted_items(order: ScanOrder, items: Mapping[int, int]) -> dict[int, int]:
    """`items` (line_no -> quantity counted) checked against the order's lines and what is still
    to ship, without the lines counted zero; wrong_item, too_many or no_items otherwise."""
    remaining = order.remaining()
    by_no = {li.line_no: li for li in order.lines}
    clean: dict[int, int] = {}
    for n, qty in items.items():
        if int(n) not in by_no:
            raise ScanRefused("wrong_item", t("Order {order} has no line {n}.", order=order.order_no, n=n))
        if int(qty) <= 0:
            continue
        if int(qty) > remaining.get(int(n), 0):
            li = by_no[int(n)]
            raise ScanRefused("too_many", t("Too many: order {order} needs only {qty} of {sku}; take one out.",
                                            order=order.order_no, qty=remaining.get(int(n), 0), sku=li.sku))
        clean[int(n)] = int(qty)
    if not clean:
        raise ScanRefused("no_items", t("Nothing was scanned for order {order}; scan its items.",
                                        order=order.order_no))
    return clean


def is_complete(order: ScanOrder, counted: Mapping[int, int]) -> bool:
    """Every line counted up to what is still to ship."""
    return all(counted.get(li.line_no, 0) >= li.qty - li.shipped_qty for li in order.lines)


def only_counted(order: ScanOrder, counted: Mapping[int, int]) -> ScanOrder:
    """The order with its lines cut to what was counted (so a partial shipment is complete)."""
    lines = tuple(replace(li, qty=li.shipped_qty + counted[li.line_no]) for li in order.lines
                  if counted.get(li.line_no))
    return replace(order, lines=lines)


def undo_open(elapsed: timedelta) -> bool:
    """A scan made `elapsed` ago can still be undone (within UNDO_WINDOW, both ends included)."""
    return elapsed <= UNDO_WINDOW
