"""Packing slips: what goes in the parcel for one or more orders, read from the store, and the
PDF of their pages.

A slip (domain/slips.py) carries the shop's name, address and phone (shop settings), the recipient (phone as stored, masked or not),
the address, the lines still to ship with the shelf to pick each from (the stock catalogue's location),
and the global order id, so the scan station always has
something to scan. The pages are drawn by adapters/slip_painting.py (Qt: Code 128 barcodes on whole
device pixels, one page per order); `write_pdf` puts them in a file that appears whole or not at
all (shop_orders/atomic.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload
from sqlmodel import col

from shop_orders.adapters import slip_painting
from shop_orders.atomic import partial_path, replacing
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.shop import ShopIdentity
from shop_orders.domain.slips import Slip, SlipCancelled, SlipLine
from shop_orders.domain.status import Status
from shop_orders.services.settings import get_shop
from shop_orders.store import stock_queries
from shop_orders.store.models import Order, rel

if TYPE_CHECKING:
    from shop_orders.store.db import Database

__all__ = ["SHOP_NAME_KEY", "Slip", "SlipCancelled", "SlipLine", "find_order", "load_slips", "load_slips_by_id",
           "shop", "shop_name", "slip_of", "write_pdf"]

SHOP_NAME_KEY = "shop_name"  # a shop setting (JSON string); without it the slip says the app's name
# (services/settings.py SHOP_KEYS: the address and phone beside it)


# ---- content ------------------------------------------------------------------------------------

def shop_name(session: Session) -> str:
    """The shop's name for its slips: the `shop_name` shop setting, else the app's name."""
    return shop(session).shown_name()


def shop(session: Session) -> ShopIdentity:
    """The shop's name, address and phone (services/settings.py get_shop)."""
    return get_shop(session)


def _with_lines() -> Select[Order]:
    return select(Order).options(selectinload(rel(Order.lines)))


def find_order(session: Session, ref: str) -> Order:
    """The order a person named: its global id, else its channel order number (any channel).
    Raises ValidationError with one sentence when there is none, or several channels share it."""
    text = ref.strip()
    found = session.execute(_with_lines().where(col(Order.order_no) == text.upper())).scalar_one_or_none()
    if found is not None:
        return found
    matches = list(session.execute(_with_lines().where(col(Order.channel_order_no) == text)).scalars())
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(t("{ref} is the channel order number of {n} orders ({orders}); name it by its "
                                "global id.", ref=text, n=len(matches),
                                orders=", ".join(sorted(o.order_no for o in matches))))
    raise ValidationError(t("There is no order {order}.", order=text))


def slip_of(order: Order, identity: str | ShopIdentity, locations: Mapping[str, str] | None = None) -> Slip:
    """The slip of an order for the shop `identity` (or just its name); `locations` (SKU -> shelf,
    store/stock_queries.location_of) says where to pick each line from."""
    if not isinstance(identity, ShopIdentity):
        identity = ShopIdentity(name=identity)
    shelf = locations or {}
    lines = tuple(SlipLine(line.sku, line.title, max(line.qty - line.shipped_qty, 0), shelf.get(line.sku.strip(), ""))
                  for line in sorted(order.lines, key=lambda line: line.line_no))
    return Slip(shop=identity.shown_name(), shop_contact=identity.contact(), order_no=order.order_no,
                channel=channel_label(order.channel),
                channel_order_no=order.channel_order_no, status=Status(order.status),
                created_at=order.created_at, recipient=order.recipient, phone=order.phone,
                address=order.address, lines=tuple(line for line in lines if line.to_ship > 0))


def load_slips(db: Database, refs: Sequence[str]) -> list[Slip]:
    """The slips of the named orders (global ids or channel order numbers), in the order given,
    each once; an unknown order is a ValidationError before anything is drawn."""
    with db.read_session() as s:
        identity = shop(s)
        found: list[Order] = []
        seen: set[str] = set()
        for ref in refs:
            order = find_order(s, ref)
            if order.order_no not in seen:
                seen.add(order.order_no)
                found.append(order)
        shelves = _locations(s, found)
        return [slip_of(order, identity, shelves) for order in found]


def _locations(session: Session, found: Sequence[Order]) -> dict[str, str]:
    """Where each of these orders' SKUs is picked from (one read for all of them)."""
    skus = sorted({line.sku.strip() for order in found for line in order.lines if line.sku.strip()})
    shelves: dict[str, str] = {}
    for i in range(0, len(skus), 500):
        shelves.update(stock_queries.location_of(session, skus[i:i + 500]))
    return shelves


def load_slips_by_id(db: Database, order_ids: Sequence[int]) -> list[Slip]:
    """The slips of the orders with these row ids (the grid's selection), in that order."""
    with db.read_session() as s:
        identity = shop(s)
        rows = {o.id: o for o in s.execute(_with_lines().where(col(Order.id).in_(list(order_ids)))).scalars()}
        shelves = _locations(s, list(rows.values()))
        return [slip_of(rows[i], identity, shelves) for i in order_ids if i in rows]


def write_pdf(path: Path, slips: Sequence[Slip], progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> int:
    """Write the slips to path as one PDF (A6 portrait, one page per order); written to a
    temporary name and renamed when complete, so a failure or cancel leaves no file. Returns the
    number of pages."""
    from shop_orders.services.exporting import _cannot_write

    if not slips:
        raise ValidationError(t("Name at least one order for the packing slips."))
    slip_painting.ensure_gui_app()
    try:
        partial_path(path).write_bytes(b"")  # the folder takes a file: else one sentence before any page is drawn
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with replacing(path) as tmp:
            pages = slip_painting.paint_pdf(tmp, slips, progress, cancelled)
            if cancelled and cancelled():
                raise SlipCancelled(t("Printing the packing slips was cancelled."))
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return pages
