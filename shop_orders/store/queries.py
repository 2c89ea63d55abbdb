"""Read-side queries for screens and the command line: filters, counts, staleness, in SQL.

Staleness is a WHERE clause built from the per-status cutoffs (domain/staleness.py) and served
by the (status, updated_at) index: one index range per unfinished status, never a Python loop
over every order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlmodel import col

from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.store.models import AuditEvent, Order, rel

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
