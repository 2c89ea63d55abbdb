"""The order grid's value types: what a screen asks for (GridQuery) and the counts beside it
(Facets). Pure data, shared by the store (which turns a query into SQL), the services and the UI,
so the UI never imports the store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from shop_orders.domain.health import Slice
from shop_orders.domain.messages import t
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status


@dataclass(frozen=True)
class GridQuery:
    statuses: tuple[Status, ...] = ()
    channels: tuple[str, ...] = ()
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    # Orders created OR last updated in [changed_from, changed_to) (the bookkeeper's period;
    # either end may be open). Both columns are indexed; the trail's times are not consulted.
    changed_from: datetime | None = None  # inclusive
    changed_to: datetime | None = None  # exclusive
    stale_only: bool = False
    archived: bool = False  # the Archived filter: deleted orders, hidden everywhere else
    with_tickets: bool = False  # only orders with an active exception ticket
    short_only: bool = False  # only orders short of stock (a line with stock_reservations.missing > 0)
    summary_of: int | None = None  # only the orders this summary ticket holds (services/tickets.py)
    health: Slice | None = None  # only the orders behind a health figure (store/health_queries.order_ids)
    search: str = ""
    sort: str = "updated_at"
    descending: bool = True
    thresholds: Thresholds = field(default_factory=Thresholds)
    now: datetime | None = None

    def with_(self, **changes: Any) -> GridQuery:
        return replace(self, **changes)


MIN_SEARCH = 2  # the quick search finds any part of a field of at least this many characters


def search_refusal(text: str) -> str | None:
    """Why a quick search cannot be run (one sentence), or None: an empty box is no search; only
    spaces, or a single character, are refused (nothing is searched)."""
    if not text:
        return None
    if not text.strip():
        return t("The search holds only spaces: type at least two characters of an order, tracking or "
                 "phone number, a name or an address.")
    if len(text.strip()) < MIN_SEARCH:
        return t("Type at least two characters to search: one character would match almost every order.")
    return None


@dataclass(frozen=True)
class Facets:
    statuses: dict[Status, int]
    channels: dict[str, int]
    stale: int
    total: int
    archived: int = 0
    tickets: int = 0  # live orders with an active exception ticket
    short: int = 0  # orders short of stock (what their lines miss is not on the shelf)
