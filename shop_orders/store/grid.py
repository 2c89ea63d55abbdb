"""Queries behind the order grid: exact counts, sorted windows, facet counts, quick search.

The grid never loads every order. A GridQuery (immutable; a new one per filter or header click)
becomes one WHERE clause and one ORDER BY (the chosen column, then id, both served by an index).
`count` gives the exact number of rows; `window` fetches rows [offset, offset+limit) and, past
the middle, reads from the other end with the order reversed, so the last row is as cheap as the
first. Quick search finds any part (two characters or more) of an order's number, channel order
number, tracking number, buyer, recipient, phone or address through the store's search index
(store/search_index.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select, union
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.grid import Facets, GridQuery
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.store import search_index
from shop_orders.store.models import Order, StockReservation, Ticket, TicketOrder
from shop_orders.store.queries import stale_clause

T = Order.__table__
GRID_COLUMNS = [T.c.id, T.c.order_no, T.c.channel, T.c.channel_order_no, T.c.buyer, T.c.total_minor,
                T.c.paid_minor, T.c.currency, T.c.status, T.c.courier, T.c.tracking_no, T.c.created_at,
                T.c.updated_at, T.c.version, T.c.flags, T.c.amount_known]
SORTABLE = {
    "order_no": T.c.order_no, "channel": T.c.channel, "channel_order_no": T.c.channel_order_no,
    "buyer": T.c.buyer, "total": T.c.total_minor, "paid": T.c.paid_minor, "status": T.c.status,
    "courier": T.c.courier, "tracking_no": T.c.tracking_no, "created_at": T.c.created_at,
    "updated_at": T.c.updated_at,
}
# A search matching at most this many orders is sorted in Python: SQLite would otherwise walk the
# sort column's index across the whole table to avoid sorting a handful of rows.
SMALL_RESULT = 2000
# A search matching more orders than this is paged along the sort column's index (see window).
BROAD_RESULT = 20000


def search_clause(text: str, dialect: str):
    return search_index.clause(text, dialect)


def _in_range(col, start: datetime | None, end: datetime | None):
    bounds = ([col >= start] if start is not None else []) + ([col < end] if end is not None else [])
    return and_(*bounds)


def where(q: GridQuery, dialect: str, search_leads: bool = True) -> list:
    conds: list[ColumnElement[bool]] = [T.c.archived.is_(True) if q.archived else T.c.archived.is_(False)]
    if q.statuses:
        conds.append(T.c.status.in_([Status(s).value for s in q.statuses]))
    if q.channels:
        conds.append(T.c.channel.in_(list(q.channels)))
    if q.created_from is not None:
        conds.append(T.c.created_at >= q.created_from)
    if q.created_to is not None:
        conds.append(T.c.created_at < q.created_to)
    if q.changed_from is not None or q.changed_to is not None:
        conds.append(or_(_in_range(T.c.created_at, q.changed_from, q.changed_to),
                         _in_range(T.c.updated_at, q.changed_from, q.changed_to)))
    if q.stale_only:
        if q.now is None:
            raise AssertionError("a stale filter needs the current time")
        conds.append(stale_clause(q.thresholds, q.now))
    if q.with_tickets:
        conds.append(has_active_ticket())
    if q.short_only:
        conds.append(T.c.id.in_(short_ids()))
    if q.summary_of is not None:
        M = TicketOrder.__table__
        conds.append(T.c.id.in_(select(M.c.order_id).where(M.c.ticket_id == q.summary_of)))
    if q.health is not None:
        from shop_orders.store.health_queries import order_ids

        behind = order_ids(q.health, q.thresholds).subquery()
        conds.append(T.c.id.in_(select(behind.c[0])))
    if q.search.strip():  # a search the domain refuses (search_refusal) finds nothing
        if dialect == "sqlite" and search_leads:
            # The search's few ids lead: without statistics SQLite would take `archived = 0` (or a
            # status) as selective and walk its index over every live order, probing each id.
            conds = [func.likelihood(c, literal_column("0.9")) for c in conds]
        conds.append(search_clause(q.search, dialect))
    return conds


ACTIVE_STATES = ("open", "in_progress", "waiting")  # domain/tickets.py ACTIVE


def has_active_ticket():
    """An order with an active ticket of its own, or held by an active summary ticket (history)."""
    K, M = Ticket.__table__, TicketOrder.__table__
    return or_(exists().where(K.c.order_id == T.c.id, K.c.state.in_(ACTIVE_STATES)),
               exists().where(M.c.order_id == T.c.id, K.c.id == M.c.ticket_id, K.c.state.in_(ACTIVE_STATES)))


def short_ids() -> Select:
    """The ids of the orders short of stock: a line of theirs misses units (the (missing,
    order_id) index; archived and finished orders reserve nothing, so they are never here)."""
    R = StockReservation.__table__
    return select(R.c.order_id).where(R.c.missing > 0).distinct()


def _ticketed_ids():
    """The ids of the orders with an active ticket: their own, or a summary ticket holding them."""
    K, M = Ticket.__table__, TicketOrder.__table__
    return union(select(K.c.order_id.label("order_id")).where(K.c.state.in_(ACTIVE_STATES)),
                 select(M.c.order_id).select_from(M.join(K, K.c.id == M.c.ticket_id))
                 .where(K.c.state.in_(ACTIVE_STATES))).subquery()


def ticket_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """Active exception tickets per order, for the grid's badges (one indexed query a page)."""
    if not ids:
        return {}
    K, M = Ticket.__table__, TicketOrder.__table__
    counts = {oid: n for oid, n in session.execute(
        select(K.c.order_id, func.count()).where(K.c.order_id.in_(ids), K.c.state.in_(ACTIVE_STATES))
        .group_by(K.c.order_id)).all()}
    # and the summary tickets holding them (not twice for the order a summary ticket stands on)
    for oid, n in session.execute(
            select(M.c.order_id, func.count()).select_from(M.join(K, K.c.id == M.c.ticket_id))
            .where(M.c.order_id.in_(ids), K.c.state.in_(ACTIVE_STATES), K.c.order_id != M.c.order_id)
            .group_by(M.c.order_id)).all():
        counts[oid] = counts.get(oid, 0) + n
    return counts


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def count(session: Session, q: GridQuery) -> int:
    stmt = select(func.count()).select_from(T).where(*where(q, _dialect(session)))
    return session.execute(stmt).scalar_one()


def _ordered(q: GridQuery, reverse: bool, dialect: str, search_leads: bool = True) -> Select:
    col = SORTABLE[q.sort]
    desc = q.descending != reverse
    order = [col.desc(), T.c.id.desc()] if desc else [col.asc(), T.c.id.asc()]
    return select(*GRID_COLUMNS).where(*where(q, dialect, search_leads)).order_by(*order)


def window(session: Session, q: GridQuery, offset: int, limit: int, total: int | None) -> list:
    """Rows [offset, offset+limit) of q's order.

    total = count(q) when known: past the middle the rows are read from the far end with the
    order reversed. With total None the rows are read from the start.
    """
    dialect = _dialect(session)
    leads = True
    if q.search.strip():
        n = total if total is not None else count(session, q)
        if n <= SMALL_RESULT:
            rows = list(session.execute(select(*GRID_COLUMNS).where(*where(q, dialect))).all())
            key = SORTABLE[q.sort].key
            rows.sort(key=lambda r: (getattr(r, key), r.id), reverse=q.descending)
            return rows[offset:offset + limit]
        # Many found: walking the sort column's index, each row checked against the found ids,
        # reaches a page sooner than sorting them all.
        leads = n <= BROAD_RESULT
    if total is None:
        return list(session.execute(_ordered(q, False, dialect, leads).offset(offset).limit(limit)).all())
    if offset >= total:
        return []
    limit = min(limit, total - offset)
    if offset + limit / 2 <= total / 2:
        return list(session.execute(_ordered(q, False, dialect, leads).offset(offset).limit(limit)).all())
    far = total - offset - limit
    rows = list(session.execute(_ordered(q, True, dialect, leads).offset(far).limit(limit)).all())
    rows.reverse()
    return rows


def rows_by_id(session: Session, ids: list[int]) -> dict[int, object]:
    return {r.id: r for r in session.execute(select(*GRID_COLUMNS).where(T.c.id.in_(ids))).all()}


def position_of(session: Session, q: GridQuery, row) -> int | None:
    """Where a row (with its sort value and id) sits in q's order: the count of rows before it."""
    col = SORTABLE[q.sort]
    value = getattr(row, col.key)
    before = (or_(col > value, and_(col == value, T.c.id > row.id)) if q.descending
              else or_(col < value, and_(col == value, T.c.id < row.id)))
    stmt = select(func.count()).select_from(T).where(*where(q, _dialect(session)), before)
    return session.execute(stmt).scalar_one()


def facets(session: Session, thresholds: Thresholds, now: datetime) -> Facets:
    """Counts beside the grid: by status and channel, stale, and archived (not in the others)."""
    live = T.c.archived.is_(False)
    by_status = {s: 0 for s in Status}
    for status, n in session.execute(select(T.c.status, func.count()).where(live).group_by(T.c.status)).all():
        by_status[Status(status)] = n
    by_channel: dict[str, int] = dict(session.execute(
        select(T.c.channel, func.count()).where(live).group_by(T.c.channel)).all())
    stale = session.execute(select(func.count()).select_from(T).where(live, stale_clause(thresholds, now))
                            ).scalar_one()
    archived = session.execute(select(func.count()).select_from(T).where(T.c.archived.is_(True))).scalar_one()
    held = _ticketed_ids()
    ticketed = session.execute(select(func.count()).select_from(held.join(T, T.c.id == held.c.order_id))
                               .where(live)).scalar_one()
    short = session.execute(select(func.count()).select_from(short_ids().subquery())).scalar_one()
    return Facets(by_status, by_channel, stale, sum(by_status.values()), archived, ticketed, short)


def change_marker(session: Session) -> int:
    """A number that moves whenever any seat changes anything (every change is audited)."""
    from shop_orders.store.models import AuditHead

    return session.execute(select(col(AuditHead.seq)).where(col(AuditHead.id) == 1)).scalar_one()
