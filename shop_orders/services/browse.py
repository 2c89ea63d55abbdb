"""The read side for screens: grid windows, counts, facets, one order's detail and history.

Each call opens its own short read session (WAL readers never block writers), so the UI can
call it from the UI thread for small, indexed reads and from workers for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.grid import Facets, GridQuery
from shop_orders.domain.roles import Role
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.tickets import note_text
from shop_orders.services import settings
from shop_orders.services.stock_settle import short_of
from shop_orders.store import grid, queries
from shop_orders.store.db import Database
from shop_orders.store.errors import StoreError, translate, user_message
from shop_orders.store.models import AuditEvent, Order

if TYPE_CHECKING:  # the services below import at call time (they import this module's neighbours)
    from shop_orders.domain.changes import Actor
    from shop_orders.domain.sla import Clock
    from shop_orders.services.courier_accounts import Account
    from shop_orders.services.tickets import Figures, TicketRules
    from shop_orders.services.tracking import TrackingSettings


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    history: list[AuditEvent]  # newest first
    tickets: list = field(default_factory=list)  # its exception tickets (Ticket rows), newest first
    short: str = ""  # what it is short of ("2 × A-1, 1 × B-2"), "" when its stock is reserved


def _with_tickets(session: Session, rows: list) -> list[SimpleNamespace]:
    """The rows with what the grid marks beside them, read for the page's ids only (one indexed
    query each): `tickets`, their active exception tickets (the badge), and `short`, what they
    are short of ("2 × A-1, 1 × B-2"; "" when not short, derived from the stock reservations)."""
    ids = [r.id for r in rows]
    counts = grid.ticket_counts(session, ids)
    short = short_of(session, ids) if ids else {}
    return [SimpleNamespace(**r._mapping, tickets=counts.get(r.id, 0), short=short.get(r.id, "")) for r in rows]


class OrderBrowser:
    def __init__(self, db: Database) -> None:
        self.db = db

    def count(self, q: GridQuery) -> int:
        with self.db.read_session() as s:
            return grid.count(s, q)

    def window(self, q: GridQuery, offset: int, limit: int, total: int | None) -> list[SimpleNamespace]:
        """The rows, each with `tickets`: its number of active exception tickets (the badge)."""
        with self.db.read_session() as s:
            return _with_tickets(s, grid.window(s, q, offset, limit, total))

    def position_of(self, q: GridQuery, row: SimpleNamespace) -> int | None:
        with self.db.read_session() as s:
            return grid.position_of(s, q, row)

    def row(self, order_id: int) -> SimpleNamespace | None:
        with self.db.read_session() as s:
            found = grid.rows_by_id(s, [order_id]).get(order_id)
            return None if found is None else _with_tickets(s, [found])[0]

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
            from shop_orders.store.models import Ticket

            found = list(s.execute(select(Ticket).where(col(Ticket.order_id) == order.id)
                                   .order_by(col(Ticket.id).desc())).scalars())
            return OrderDetail(order, queries.order_history(s, order.id), found,
                               short_of(s, [order.id]).get(order.id, ""))

    def change_marker(self) -> int:
        with self.db.read_session() as s:
            return grid.change_marker(s)

    def news(self) -> tuple[int, str | None]:
        """What the window asks about every second: the change marker, and who is waiting to
        restore a backup over the store (store/seats.py), if anyone."""
        from shop_orders.store import seats

        return self.change_marker(), seats.restore_waiting(self.db)


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

    def allowed(self, actor: Actor) -> frozenset[str]:
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.allowed_actions(s, actor)

    def why_not(self, actor: Actor, action: str) -> str | None:
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.why_not(s, actor, action)

    def rules(self) -> tuple[dict, TwoPerson, int]:
        """(the permission matrix, the two-person settings, the idle lock in minutes)."""
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.matrix(s), permissions.two_person(s), permissions.idle_lock_minutes(s)

    def new_user_role(self) -> Role:
        """A new user's default role (permissions.new_user_role)."""
        from shop_orders.services import permissions

        with self.db.read_session() as s:
            return permissions.new_user_role(s)

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


@dataclass(frozen=True)
class TicketRow:
    """A ticket as the panel lists it, with its time left on its clock at `now`."""

    id: int
    order_id: int
    order_no: str
    kind: str
    priority: int
    state: str
    assignee_user: str
    assignee_role: str
    opened_at: datetime
    due_at: datetime | None
    sla_seconds: int
    left_seconds: int  # open time left (negative: overdue by that much)
    escalation: int
    resolved_at: datetime | None
    source: str
    orders: int = 0  # a summary ticket: how many orders it holds (0: a ticket on one order)
    band: str = ""  # a summary ticket's age band (domain/tickets.py AGE_BANDS)

    @property
    def assignee(self) -> str:
        return self.assignee_user or self.assignee_role


@dataclass(frozen=True)
class TicketFilter:
    scope: str = "active"  # active, mine, role, overdue, all
    kind: str = ""
    priority: int | None = None
    order_id: int | None = None
    limit: int = 500


@dataclass(frozen=True)
class TicketDetail:
    ticket: object
    comments: list  # (at, author, text)
    attachments: list  # (id, name, size, sha256, added_at, added_by)
    history: list  # AuditEvent rows of the ticket, oldest first


class TicketBrowser:
    """The exception tickets for screens: the list by due time, one ticket, the figures, and the
    notifications for the signed-in user."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def clock(self) -> Clock:
        from shop_orders.services import tickets

        with self.db.read_session() as s:
            return tickets.ticket_rules(s).clock

    def rules(self) -> TicketRules:
        """The ticket settings (tickets.TicketRules): each kind's SLA, the opening hours, the reminder."""
        from shop_orders.services import tickets

        with self.db.read_session() as s:
            return tickets.ticket_rules(s)

    def timezone(self) -> tzinfo:
        """The shop's time zone (the opening hours are in it)."""
        with self.db.read_session() as s:
            return settings.get_timezone(s)

    def listing(self, f: TicketFilter, actor: Actor, now: datetime) -> list[TicketRow]:
        """At most f.limit tickets of the filter, soonest due first (the command line's list)."""
        ids = self.ids(f, actor, now)[:f.limit]
        return self.rows(ids, now)

    def ids(self, f: TicketFilter, actor: Actor, now: datetime, sort: str = "due", descending: bool = False
            ) -> list[int]:
        """Every ticket id of the filter in the list's order, sorted in SQL (by due time: the most
        urgent first, paused and finished ones after; else by the column, then the id)."""
        from shop_orders.store.models import Ticket

        q = _ticket_filtered(select(col(Ticket.id)), f, actor, now).order_by(*_ticket_order(sort, descending))
        with self.db.read_session() as s:
            return [int(x) for x in s.execute(q).scalars()]

    def rows(self, ids: list[int], now: datetime) -> list[TicketRow]:
        """These tickets as the list shows them (in the order of `ids`; missing ones left out), with
        their time left at `now` and, for a summary ticket, how many orders it holds."""
        from shop_orders.services import tickets
        from shop_orders.store.models import Ticket

        if not ids:
            return []
        with self.db.read_session() as s:
            clock = tickets.ticket_rules(s).clock
            found = {int(k.id or 0): k for k in s.execute(select(Ticket).where(col(Ticket.id).in_(ids))).scalars()}
            sizes = tickets.summary_sizes(s, [i for i, k in found.items() if tickets.is_summary(k)])
            return [_ticket_row(found[i], clock, now, sizes.get(i, 0)) for i in ids if i in found]

    def matching(self, f: TicketFilter, actor: Actor, now: datetime, ticket_id: int) -> TicketRow | None:
        """The ticket as the list shows it, or None when it is no longer in the filter's list."""
        from shop_orders.store.models import Ticket

        q = _ticket_filtered(select(col(Ticket.id)), f, actor, now).where(col(Ticket.id) == ticket_id)
        with self.db.read_session() as s:
            if s.execute(q).first() is None:
                return None
        found = self.rows([ticket_id], now)
        return found[0] if found else None

    def marker(self) -> tuple:
        """A cheap marker that moves whenever a ticket is opened or changed (every ticket change
        sets its updated_at; the count and the newest id catch the rest)."""
        from sqlalchemy import func

        from shop_orders.store.models import Ticket

        with self.db.read_session() as s:
            return tuple(s.execute(select(func.count(), func.max(col(Ticket.id)), func.max(col(Ticket.updated_at)))
                                   .select_from(Ticket)).one())

    def summary_orders(self, ticket_id: int) -> list[int]:
        """The ids of the orders a summary ticket holds (empty for a ticket on one order)."""
        from shop_orders.services import tickets

        with self.db.read_session() as s:
            return tickets.summary_orders(s, ticket_id)

    def detail(self, ticket_id: int) -> TicketDetail | None:
        from shop_orders.store.models import Ticket

        with self.db.read_session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                return None
            comments = [(c.at, c.author, note_text(c.text)) for c in queries.ticket_comments(s, ticket_id)]
            files = [(a.id, a.name, a.size, a.sha256, a.added_at, a.added_by)
                     for a in queries.ticket_attachments(s, ticket_id)]
            history = queries.ticket_history(s, ticket)[::-1]
            return TicketDetail(ticket, comments, files, history)

    def attachment(self, attachment_id: int) -> tuple[str, bytes] | None:
        from shop_orders.store.models import AttachmentBlob, TicketAttachment

        with self.db.read_session() as s:
            a = s.get(TicketAttachment, attachment_id)
            blob = s.get(AttachmentBlob, a.sha256) if a is not None else None
            return None if a is None or blob is None else (a.name, bytes(blob.data))

    def stats(self) -> tuple[list[Figures], list[Figures], Figures]:
        from shop_orders.services import tickets

        with self.db.read_session() as s:
            return tickets.stats(s)

    def counts(self, now: datetime) -> tuple[int, int]:
        """(active tickets, overdue ones)."""
        from sqlalchemy import func, select
        from sqlmodel import col

        from shop_orders.domain.tickets import ACTIVE
        from shop_orders.store.models import Ticket

        active = col(Ticket.state).in_([s.value for s in ACTIVE])
        with self.db.read_session() as s:
            n = s.execute(select(func.count()).select_from(Ticket).where(active)).scalar_one()
            late = s.execute(select(func.count()).select_from(Ticket).where(
                active, col(Ticket.due_at).is_not(None), col(Ticket.due_at) <= now)).scalar_one()
            return int(n), int(late)

    def news_for(self, actor: Actor, since: datetime) -> list[tuple[int, str, str, str]]:
        """Reminders, escalations and parcels the courier sync rolled back since `since`, for this
        user (or their role): (ticket id, order, kind, what) - 'reminder', 'escalated' or 'opened'
        (a logistics ticket the sync opened: the warehouse is told)."""
        from sqlalchemy import select
        from sqlmodel import col

        from shop_orders.store.models import Ticket

        with self.db.read_session() as s:
            rows = s.execute(select(col(AuditEvent.field), col(AuditEvent.order_no)).where(
                col(AuditEvent.action) == "ticket", col(AuditEvent.at) > since,
                col(AuditEvent.source).in_(["rule:reminder", "rule:escalation", "rule:logistics"]))
                .order_by(col(AuditEvent.id))).all()
            out = []
            for field, order_no in rows:
                ticket_id = int(field.split("#", 1)[1].split(".", 1)[0])
                k = s.get(Ticket, ticket_id)
                if k is None:
                    continue
                mine = k.assignee_user == actor.name or (not k.assignee_user and k.assignee_role == actor.role)
                what = field.rsplit(".", 1)[1]
                if mine and what in ("reminder", "escalated", "opened"):
                    out.append((ticket_id, order_no, k.kind, what))
            return out


def _ticket_filtered(q: Select[Any], f: TicketFilter, actor: Actor, now: datetime) -> Select[Any]:
    from shop_orders.domain.tickets import ACTIVE
    from shop_orders.store.models import Ticket

    if f.scope != "all":
        q = q.where(col(Ticket.state).in_([x.value for x in ACTIVE]))
    if f.scope == "mine":
        q = q.where(col(Ticket.assignee_user) == actor.name)
    elif f.scope == "role":
        q = q.where(col(Ticket.assignee_role) == actor.role)
    elif f.scope == "overdue":
        q = q.where(col(Ticket.due_at).is_not(None), col(Ticket.due_at) <= now)
    if f.kind:
        q = q.where(col(Ticket.kind) == f.kind)
    if f.priority is not None:
        q = q.where(col(Ticket.priority) == f.priority)
    if f.order_id is not None:
        q = q.where(col(Ticket.order_id) == f.order_id)
    return q


TICKET_SORTS = ("id", "order", "kind", "priority", "state", "assignee", "due", "opened")


def _ticket_order(sort: str, descending: bool) -> list[Any]:
    from sqlalchemy import func

    from shop_orders.store.models import Ticket

    def way(c: Any) -> Any:
        return c.desc() if descending else c.asc()

    tid = col(Ticket.id)
    if sort == "due":  # the most urgent first: by due time, paused and finished ones after
        return [way(col(Ticket.due_at).is_(None)), way(col(Ticket.due_at)), way(col(Ticket.priority)), way(tid)]
    column = {"id": tid, "order": col(Ticket.order_no), "kind": col(Ticket.kind), "priority": col(Ticket.priority),
              "state": col(Ticket.state), "opened": col(Ticket.opened_at),
              "assignee": func.coalesce(func.nullif(col(Ticket.assignee_user), ""), col(Ticket.assignee_role))}
    if sort not in column:
        raise ValueError(sort)
    return [way(column[sort]), way(tid)]


def _ticket_row(k: Any, clock: Clock, now: datetime, orders: int) -> TicketRow:
    from shop_orders.domain.tickets import SUMMARY_KEY
    from shop_orders.services import tickets

    band = k.rule_key[len(SUMMARY_KEY):] if k.rule_key.startswith(SUMMARY_KEY) else ""
    return TicketRow(int(k.id or 0), k.order_id, k.order_no, k.kind, k.priority, k.state, k.assignee_user,
                     k.assignee_role, k.opened_at, k.due_at, k.sla_seconds, tickets.left_seconds(k, clock, now),
                     k.escalation, k.resolved_at, k.source, orders, band)


class WarehouseBrowser:
    """What the warehouse's screens read: the courier accounts' names and the tracking settings
    (the scan station reads its orders through services.scanning.ScanSession)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def accounts(self) -> list[Account]:
        from shop_orders.services import courier_accounts

        with self.db.read_session() as s:
            return courier_accounts.accounts(s)

    def courier_names(self) -> list[str]:
        return [a.name for a in self.accounts()]

    def tracking_settings(self) -> TrackingSettings:
        """The couriers' sync settings; a store that cannot be read now (a server away, a file
        locked) raises a ShopOrdersError in one sentence, as every service does."""
        from shop_orders.services import tracking

        try:
            with self.db.read_session() as s:
                return tracking.tracking_settings(s)
        except SQLAlchemyError as exc:
            found = translate(exc, self.db.where)
            raise (found if isinstance(found, ShopOrdersError) else StoreError(user_message(exc))) from exc
