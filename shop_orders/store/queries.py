"""Read-side queries for screens and the command line: filters, counts, staleness, in SQL.

Staleness is a WHERE clause built from the per-status cutoffs (domain/staleness.py) and served
by the (status, updated_at) index: one index range per unfinished status, never a Python loop
over every order. Tickets are listed by due time on the (state, due_at) index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlmodel import col

from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import ACTIVE, Kind
from shop_orders.store.models import AuditEvent, Order, Ticket, TicketAttachment, TicketComment, rel

ORDER_COLUMNS = [c for c in Order.__table__.columns]


def stale_clause(thresholds: Thresholds, now: datetime, fraction: float = 1.0):
    cutoffs = thresholds.cutoffs(now, fraction)
    if not cutoffs:
        return false()
    return or_(*[and_(col(Order.status) == s.value, col(Order.updated_at) <= cut) for s, cut in cutoffs.items()])


@dataclass(frozen=True)
class OrderFilter:
    statuses: Sequence[Status] = ()
    channels: Sequence[str] = ()
    stale_only: bool = False
    thresholds: Thresholds = field(default_factory=Thresholds)
    now: datetime | None = None

    def where(self) -> list:
        conds = [col(Order.archived).is_(False)]  # archived (deleted) orders are listed nowhere
        if self.statuses:
            conds.append(col(Order.status).in_([Status(s).value for s in self.statuses]))
        if self.channels:
            conds.append(col(Order.channel).in_(list(self.channels)))
        if self.stale_only:
            if self.now is None:
                raise AssertionError("a stale filter needs the current time")
            conds.append(stale_clause(self.thresholds, self.now))
        return conds


def order_rows(f: OrderFilter) -> Select:
    return select(Order.__table__).where(*f.where()).order_by(col(Order.id))


def iter_orders(session: Session, f: OrderFilter, batch: int = 2000) -> Iterator:
    """Rows (mappings of the order columns) matching f, in id order, streamed in batches."""
    last = 0
    while True:
        rows = session.execute(order_rows(f).where(col(Order.id) > last).limit(batch)).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def count_by_status(session: Session) -> dict[Status, int]:
    rows = session.execute(select(col(Order.status), func.count()).group_by(col(Order.status))).all()
    counts = {s: 0 for s in Status}
    for status, n in rows:
        counts[Status(status)] = n
    return counts


def count_stale(session: Session, thresholds: Thresholds, now: datetime) -> int:
    return session.execute(select(func.count()).select_from(Order).where(stale_clause(thresholds, now))).scalar_one()


def order_detail(session: Session, order_no: str) -> Order | None:
    return session.execute(
        select(Order).where(col(Order.order_no) == order_no.strip().upper()).options(
            selectinload(rel(Order.lines)), selectinload(rel(Order.payments)), selectinload(rel(Order.shipments)))
    ).scalar_one_or_none()


def order_history(session: Session, order_id: int) -> list[AuditEvent]:
    """The order's audit events, newest first."""
    return list(session.execute(
        select(AuditEvent).where(col(AuditEvent.order_id) == order_id).order_by(col(AuditEvent.id).desc())
    ).scalars())


# ---- exception tickets ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TicketFilter:
    """Which tickets: only the active ones (open, in progress, waiting on the customer), only
    those overdue at `overdue_at` (active with a due time before it; a paused clock is never
    overdue), of these kinds, on this order (its global id)."""

    active_only: bool = False
    overdue_at: datetime | None = None
    kinds: Sequence[Kind] = ()
    order_no: str | None = None

    def where(self) -> list:
        conds: list = []
        if self.active_only or self.overdue_at is not None:
            conds.append(col(Ticket.state).in_([s.value for s in ACTIVE]))
        if self.overdue_at is not None:
            conds.append(col(Ticket.due_at).is_not(None))
            conds.append(col(Ticket.due_at) <= self.overdue_at)  # due this second: escalated
        if self.kinds:
            conds.append(col(Ticket.kind).in_([Kind(k).value for k in self.kinds]))
        if self.order_no is not None:
            conds.append(col(Ticket.order_no) == self.order_no.strip().upper())
        return conds


def tickets(session: Session, f: TicketFilter) -> list[Ticket]:
    """The tickets matching f, soonest due first; those without a due time (paused, resolved,
    closed) after them, by number."""
    no_due = case((col(Ticket.due_at).is_(None), 1), else_=0)
    return list(session.execute(select(Ticket).where(*f.where()).order_by(no_due, col(Ticket.due_at),
                                                                          col(Ticket.id))).scalars())


def ticket_comments(session: Session, ticket_id: int) -> list[TicketComment]:
    """The ticket's comments (and what the rules saw), oldest first."""
    return list(session.execute(select(TicketComment).where(col(TicketComment.ticket_id) == ticket_id)
                                .order_by(col(TicketComment.id))).scalars())


def ticket_attachments(session: Session, ticket_id: int) -> list[TicketAttachment]:
    return list(session.execute(select(TicketAttachment).where(col(TicketAttachment.ticket_id) == ticket_id)
                                .order_by(col(TicketAttachment.id))).scalars())


def ticket_history(session: Session, ticket: Ticket) -> list[AuditEvent]:
    """The ticket's audit events (on its order, field 'ticket#<id>.<what>'), newest first."""
    return list(session.execute(
        select(AuditEvent).where(col(AuditEvent.order_id) == ticket.order_id,
                                 col(AuditEvent.field).like(f"ticket#{int(ticket.id or 0)}.%"))
        .order_by(col(AuditEvent.id).desc())).scalars())
