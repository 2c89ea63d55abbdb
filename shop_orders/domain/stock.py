"""Stock as people read it (issue 29): an SKU's row in the stock window and `stock list`, a
movement, a purchase suggestion, and the list's filters. Quantities are whole units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StockFilter:
    """Which SKUs a list shows: short for paid orders, below safety stock (available < safety),
    at a location (exact; '' any), or whose SKU, title or barcode starts with `text`."""

    short: bool = False
    below_safety: bool = False
    location: str = ""
    text: str = ""


@dataclass(frozen=True)
class StockRow:
    sku: str
    title: str
    location: str
    on_hand: int
    reserved: int
    safety: int
    incoming: int
    demand: int  # what waiting paid orders want of it (reserved + short)
    short_orders: int  # how many of them wait for it
    barcodes: tuple[str, ...] = ()

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def missing(self) -> int:
        return self.demand - self.reserved

    def as_json(self) -> dict[str, object]:
        return {"sku": self.sku, "title": self.title, "location": self.location, "on_hand": self.on_hand,
                "reserved": self.reserved, "available": self.available, "safety": self.safety,
                "incoming": self.incoming, "missing": self.missing, "short_orders": self.short_orders,
                "barcodes": list(self.barcodes)}


@dataclass(frozen=True)
class MovementRow:
    id: int
    at: datetime
    actor: str
    source: str
    kind: str
    delta: int
    on_hand_after: int
    incoming_after: int
    order_no: str
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """What to buy: suggested = demand + safety − on hand − incoming (demand: what waiting paid
    orders want, the short part included), with the orders waiting for it."""

    sku: str
    title: str
    location: str
    on_hand: int
    reserved: int
    demand: int
    safety: int
    incoming: int
    suggested: int
    waiting: tuple[str, ...]  # order numbers short of it, first paid first

    def as_json(self) -> dict[str, object]:
        return {"sku": self.sku, "title": self.title, "on_hand": self.on_hand, "reserved": self.reserved,
                "demand": self.demand, "safety": self.safety, "incoming": self.incoming,
                "suggested": self.suggested, "waiting_orders": list(self.waiting)}


def suggested(demand: int, safety: int, on_hand: int, incoming: int) -> int:
    return max(0, demand + safety - on_hand - incoming)
