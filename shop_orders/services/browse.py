"""The read side for screens: grid windows, counts, facets, one order's detail and history.

Each call opens its own short read session (WAL readers never block writers), so the UI can
call it from the UI thread for small, indexed reads and from workers for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shop_orders.domain.grid import Facets, GridQuery
from shop_orders.domain.staleness import Thresholds
from shop_orders.services import settings
from shop_orders.store import grid, queries
from shop_orders.store.db import Database
from shop_orders.store.models import AuditEvent, Order


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    history: list[AuditEvent]  # newest first


class OrderBrowser:
    def __init__(self, db: Database) -> None:
        self.db = db

    def count(self, q: GridQuery) -> int:
        with self.db.read_session() as s:
            return grid.count(s, q)

    def window(self, q: GridQuery, offset: int, limit: int, total: int | None) -> list:
        with self.db.read_session() as s:
            return grid.window(s, q, offset, limit, total)

    def position_of(self, q: GridQuery, row) -> int | None:
        with self.db.read_session() as s:
            return grid.position_of(s, q, row)

    def row(self, order_id: int):
        with self.db.read_session() as s:
            return grid.rows_by_id(s, [order_id]).get(order_id)

    def facets(self, thresholds: Thresholds, now: datetime) -> Facets:
        with self.db.read_session() as s:
            return grid.facets(s, thresholds, now)

    def thresholds(self) -> Thresholds:
        with self.db.read_session() as s:
            return settings.get_thresholds(s)

    def detail(self, order_no: str) -> OrderDetail | None:
        with self.db.read_session() as s:
            order = queries.order_detail(s, order_no)
            if order is None:
                return None
            assert order.id is not None  # a stored row
            return OrderDetail(order, queries.order_history(s, order.id))

    def change_marker(self) -> int:
        with self.db.read_session() as s:
            return grid.change_marker(s)


from shop_orders.services.permissions import TwoPerson  # noqa: E402 - below the order browser it serves beside


class PeopleBrowser:
    """The read side of users, permissions and change sets, for the screens (short read sessions)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def has_users(self) -> bool:
        from shop_orders.services import auth

        with self.db.read_session() as s:
            return auth.has_users(s)

    def users(self) -> list:
        from shop_orders.services import auth

        with self.db.read_session() as s:
            return auth.list_users(s)

    def allowed(self, actor) -> frozenset[str]:
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.allowed_actions(s, actor)

    def why_not(self, actor, action: str) -> str | None:
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.why_not(s, actor, action)

    def rules(self) -> tuple[dict, TwoPerson, int]:
        """(the permission matrix, the two-person settings, the idle lock in minutes)."""
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.matrix(s), permissions.two_person(s), permissions.idle_lock_minutes(s)

    def change_sets(self, states: tuple[str, ...] = ()) -> list:
        from shop_orders.services import changesets

        with self.db.read_session() as s:
            return changesets.listing(s, states)

    def change_set_items(self, change_set_id: int, limit: int = 500) -> list:
        from shop_orders.services import changesets

        with self.db.read_session() as s:
            return changesets.items(s, change_set_id, limit)

    def pending(self, now: datetime) -> int:
        from shop_orders.services import changesets

        with self.db.read_session() as s:
            return changesets.pending_count(s, now)
