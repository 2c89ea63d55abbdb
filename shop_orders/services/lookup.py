"""The read side for the command line: orders streamed by a filter, one order with its history,
tickets with their comments, files and history. Each function takes a read session; a front end
runs it through AppContext.read (`ctx.read(lambda s: lookup.order(s, "SO-..."))`), so the command
line reads through services and never imports the store. The filters are the store's own
(re-exported here): they are plain values a front end builds from its options.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from shop_orders.store import queries
from shop_orders.store.models import AuditEvent, Order, Ticket, TicketAttachment, TicketComment
from shop_orders.store.queries import OrderFilter, TicketFilter

__all__ = ["OrderFilter", "TicketFilter", "order", "order_history", "orders", "ticket_attachments", "ticket_comments",
           "ticket_history", "tickets"]


def orders(session: Session, f: OrderFilter) -> Iterator:
    """The orders `f` selects, as rows (order_no, channel, status, amounts, times, ...), streamed in
    batches: a list of a million orders is written as it is read."""
    return queries.iter_orders(session, f)


def order(session: Session, order_no: str) -> Order | None:
    """The order with this global id, with its lines and payments; None when there is none."""
    return queries.order_detail(session, order_no)


def order_history(session: Session, order_id: int) -> list[AuditEvent]:
    """The order's audit events, newest first."""
    return queries.order_history(session, order_id)


def tickets(session: Session, f: TicketFilter) -> list[Ticket]:
    """The tickets `f` selects, soonest due first."""
    return queries.tickets(session, f)


def ticket_comments(session: Session, ticket_id: int) -> list[TicketComment]:
    return queries.ticket_comments(session, ticket_id)


def ticket_attachments(session: Session, ticket_id: int) -> list[TicketAttachment]:
    return queries.ticket_attachments(session, ticket_id)


def ticket_history(session: Session, ticket: Ticket) -> list[AuditEvent]:
    """The ticket's audit events, newest first."""
    return queries.ticket_history(session, ticket)
