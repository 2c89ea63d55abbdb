"""A packing slip's content: what goes in the parcel for one order (the shop's name and contact,
the recipient, the address, the lines still to ship). services/slips.py reads it from the store;
adapters/slip_painting.py draws it. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.status import Status


class SlipCancelled(ShopOrdersError):
    """The person cancelled; no file was written."""


@dataclass(frozen=True)
class SlipLine:
    sku: str
    title: str
    to_ship: int  # ordered minus already shipped
    location: str = ""  # where to pick it from (the stock catalogue's shelf location), "" when not known


@dataclass(frozen=True)
class Slip:
    shop: str
    order_no: str
    channel: str  # its label, in the language
    channel_order_no: str
    status: Status
    created_at: datetime
    recipient: str
    phone: str
    address: str
    lines: tuple[SlipLine, ...]
    shop_contact: str = ""  # the shop's address and phone on one line (domain/shop.py), "" when not set
