"""The read side of the reconciliation board (issue 27): a period's statement lines, the orders
with their reconciliation state, the counts and totals per source and state, a line's orders and
an order's lines and trust chain.

Like the grid and the ticket list (services/browse.py), a list is read in two steps: every id
of the filter, sorted and counted in SQL (`line_ids`, `order_ids`), then the rows of a page of
those ids (`lines`, `orders`), so a screen over 100,000 lines only ever holds ids and the pages
it shows. Each call opens its own short read session.

An order's source is the provider of the statement lines matched to it (the first by name when
lines of two providers paid it); an order no line was matched to has no source ("") and is
counted apart. Money is summed per currency, never across currencies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session

from shop_orders.domain.messages import N_, t
from shop_orders.domain.reconcile import (
    LINE_EXCLUDED,
    LINE_MATCHED,
    LINE_OPEN,
    STATE_LABELS,
    State,
)
from shop_orders.services import settings
from shop_orders.store.db import Database
from shop_orders.store.models import (
    AuditEvent,
    LineMatch,
    Order,
    OrderReconciliation,
    StatementFile,
    StatementLineRow,
)

L = StatementLineRow.__table__
M = LineMatch.__table__
R = OrderReconciliation.__table__
O = Order.__table__  # noqa: E741 - the orders table, as L, M and R name theirs
S = StatementFile.__table__
A = AuditEvent.__table__

# The orders' states worst first, as the board lists them; their names and the rules' are
# domain/reconcile.py's (the command line and the payment tickets say the same words).
ORDER_STATES = tuple(s.value for s in (State.RED, State.AMBER, State.GREEN, State.EXCLUDED, State.CONFIRMED))
LINE_STATE_LABELS: dict[str, str] = {LINE_OPEN: N_("not matched"), LINE_MATCHED: STATE_LABELS[State.GREEN],
                                     LINE_EXCLUDED: STATE_LABELS[State.EXCLUDED]}


def order_state_label(state: str, lang: str | None = None) -> str:
    try:
        return State(state).label(lang)
    except ValueError:
        return state


def line_state_label(state: str, lang: str | None = None) -> str:
    return t(LINE_STATE_LABELS[state], lang=lang) if state in LINE_STATE_LABELS else state


NO_SOURCE = ""  # the source of an order no statement line was matched to
BATCH = 900  # ids per IN (...) (SQLite's bound parameters)
# The board's lists sort by these (services/browse.py's way: the column, then the id).
LINE_SORTS = ("time", "provider", "kind", "amount", "key", "state", "rule")
ORDER_SORTS = ("state", "order", "channel", "expected", "received", "difference", "lines", "updated")


@dataclass(frozen=True)
class Period:
    """From `start` (included) to `end` (excluded), UTC; None: open on that side."""

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def days(cls, first: date, last: date, tz: tzinfo) -> Period:
        """The days from `first` to `last`, both included, in the shop's time zone."""
        return cls(datetime.combine(first, time(), tz), datetime.combine(last + timedelta(days=1), time(), tz))

    @classmethod
    def month_of(cls, day: date, tz: tzinfo) -> Period:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls.days(first, following - timedelta(days=1), tz)


@dataclass(frozen=True)
class LineFilter:
    period: Period = Period()
    provider: str = ""  # a PROVIDERS code, '' for all
    state: str = ""  # open, matched, excluded; '' for all
    kind: str = ""  # a LineKind, '' for all
    text: str = ""  # a part of its ids, order numbers, memo or counterparty


@dataclass(frozen=True)
class OrderFilter:
    period: Period = Period()
    provider: str = ""  # a PROVIDERS code, '' for all
    state: str = ""  # red, amber, green, excluded, confirmed; '' for all
    text: str = ""  # a part of its order or channel order number


@dataclass(frozen=True)
class LineRow:
    """A statement line as the board and the export show it, with the orders it was matched to."""

    id: int
    statement_id: int
    provider: str
    external_id: str
    row_no: int
    kind: str
    amount_minor: int
    fee_minor: int
    currency: str
    occurred_at: datetime
    merchant_order_no: str
    provider_txn: str
    refund_no: str
    platform_order_no: str
    original_txn: str
    payout_id: str
    memo: str
    counterparty: str
    state: str
    rule: str
    reason: str
    decided_by: str
    decided_at: datetime | None
    paid_out_by: int | None
    orders: tuple[str, ...] = ()  # the order numbers it was matched to

    @property
    def key(self) -> str:
        """The number it carries that matters most to a person: merchant order, platform order,
        provider transaction, refund, else its own id."""
        return (self.merchant_order_no or self.platform_order_no or self.provider_txn or self.refund_no
                or self.external_id)


@dataclass(frozen=True)
class OrderRecRow:
    """An order with its reconciliation as last worked out."""

    order_id: int
    order_no: str
    channel: str
    channel_order_no: str
    state: str
    expected_minor: int
    received_minor: int
    difference_minor: int
    currency: str
    line_count: int
    decided_by: str
    reason: str
    updated_at: datetime
    created_at: datetime
    provider: str  # the source of its lines, NO_SOURCE when none


@dataclass(frozen=True)
class StateFigures:
    """The orders of one source, currency and state: how many, expected, received, difference."""

    provider: str
    currency: str
    state: str
    count: int
    expected_minor: int
    received_minor: int
    difference_minor: int


@dataclass(frozen=True)
class LineFigures:
    """The statement lines of one source, currency and line state: how many, their amount and fees."""

    provider: str
    currency: str
    state: str
    count: int
    amount_minor: int
    fee_minor: int


@dataclass(frozen=True)
class Figures:
    orders: list[StateFigures] = field(default_factory=list)
    lines: list[LineFigures] = field(default_factory=list)

    def providers(self) -> list[str]:
        """The sources the figures name, by name, the orders without a line last."""
        found = {f.provider for f in self.orders} | {f.provider for f in self.lines}
        return sorted(found, key=lambda p: (p == NO_SOURCE, p))

    def of(self, provider: str) -> tuple[list[StateFigures], list[LineFigures]]:
        return ([f for f in self.orders if f.provider == provider], [f for f in self.lines if f.provider == provider])


@dataclass(frozen=True)
class Match:
    """One tie between a line and an order, with the other side's essentials."""

    line_id: int
    order_id: int
    order_no: str
    amount_minor: int
    currency: str
    rule: str
    matched_by: str
    matched_at: datetime
    order_state: str  # the order's reconciliation state ('' when not worked out)


def _in_period(column: Any, period: Period) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if period.start is not None:
        conds.append(column >= period.start)
    if period.end is not None:
        conds.append(column < period.end)
    return conds


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def line_where(f: LineFilter) -> list[ColumnElement[bool]]:
    conds = _in_period(L.c.occurred_at, f.period)
    if f.provider:
        conds.append(L.c.provider == f.provider)
    if f.state:
        conds.append(L.c.state == f.state)
    if f.kind:
        conds.append(L.c.kind == f.kind)
    text = f.text.strip()
    if text:
        pattern = _like(text)
        conds.append(or_(*[c.like(pattern, escape="\\") for c in (
            L.c.external_id, L.c.merchant_order_no, L.c.provider_txn, L.c.platform_order_no, L.c.refund_no,
            L.c.original_txn, L.c.payout_id, L.c.memo, L.c.counterparty)]))
    return conds


def _order_source() -> Any:
    """order_id → the first provider (by name) of the lines matched to it."""
    return (select(M.c.order_id.label("order_id"), func.min(L.c.provider).label("provider"))
            .select_from(M.join(L, L.c.id == M.c.line_id)).group_by(M.c.order_id).subquery("order_source"))


def order_where(f: OrderFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.period.start is not None or f.period.end is not None:
        line_in_period = exists(select(M.c.line_id).select_from(M.join(L, L.c.id == M.c.line_id)).where(
            M.c.order_id == R.c.order_id, *_in_period(L.c.occurred_at, f.period)))
        conds.append(or_(and_(*_in_period(O.c.created_at, f.period)), line_in_period))
    if f.state:
        conds.append(R.c.state == f.state)
    if f.provider:
        conds.append(exists(select(M.c.line_id).select_from(M.join(L, L.c.id == M.c.line_id)).where(
            M.c.order_id == R.c.order_id, L.c.provider == f.provider)))
    text = f.text.strip()
    if text:
        pattern = _like(text)
        conds.append(or_(O.c.order_no.like(pattern, escape="\\"), O.c.channel_order_no.like(pattern, escape="\\")))
    return conds


def _way(column: Any, descending: bool) -> Any:
    return column.desc() if descending else column.asc()


def _severity() -> Any:
    return case({s: i for i, s in enumerate(ORDER_STATES)}, value=R.c.state, else_=len(ORDER_STATES))


def _line_order(sort: str, descending: bool) -> list[Any]:
    columns: dict[str, Any] = {
        "time": L.c.occurred_at, "provider": L.c.provider, "kind": L.c.kind, "amount": L.c.amount_minor,
        "key": func.coalesce(func.nullif(L.c.merchant_order_no, ""), func.nullif(L.c.platform_order_no, ""),
                             func.nullif(L.c.provider_txn, ""), L.c.external_id),
        "state": L.c.state, "rule": L.c.rule}
    if sort not in columns:
        raise ValueError(sort)
    return [_way(columns[sort], descending), _way(L.c.id, descending)]


def _order_order(sort: str, descending: bool) -> list[Any]:
    if sort == "state":  # the worst first, the biggest difference first within a state
        return [_way(_severity(), descending), _way(-func.abs(R.c.difference_minor), descending),
                _way(R.c.order_id, descending)]
    columns: dict[str, Any] = {
        "order": O.c.order_no, "channel": O.c.channel, "expected": R.c.expected_minor,
        "received": R.c.received_minor, "difference": R.c.difference_minor, "lines": R.c.line_count,
        "updated": R.c.updated_at}
    if sort not in columns:
        raise ValueError(sort)
    return [_way(columns[sort], descending), _way(R.c.order_id, descending)]


LINE_COLUMNS = [L.c.id, L.c.statement_id, L.c.provider, L.c.external_id, L.c.row_no, L.c.kind, L.c.amount_minor,
                L.c.fee_minor, L.c.currency, L.c.occurred_at, L.c.merchant_order_no, L.c.provider_txn, L.c.refund_no,
                L.c.platform_order_no, L.c.original_txn, L.c.payout_id, L.c.memo, L.c.counterparty, L.c.state,
                L.c.rule, L.c.reason, L.c.decided_by, L.c.decided_at, L.c.paid_out_by]


def _line_rows(s: Session, ids: list[int]) -> dict[int, LineRow]:
    found: dict[int, LineRow] = {}
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        orders: dict[int, list[str]] = defaultdict(list)
        for line_id, order_no in s.execute(
                select(M.c.line_id, O.c.order_no).select_from(M.join(O, O.c.id == M.c.order_id))
                .where(M.c.line_id.in_(chunk)).order_by(M.c.line_id, O.c.order_no)):
            orders[int(line_id)].append(order_no)
        for r in s.execute(select(*LINE_COLUMNS).where(L.c.id.in_(chunk))):
            values = dict(r._mapping)
            found[int(r.id)] = LineRow(**values, orders=tuple(orders.get(int(r.id), ())))
    return found


ORDER_COLUMNS = [R.c.order_id, O.c.order_no, O.c.channel, O.c.channel_order_no, R.c.state, R.c.expected_minor,
                 R.c.received_minor, R.c.difference_minor, R.c.currency, R.c.line_count, R.c.decided_by, R.c.reason,
                 R.c.updated_at, O.c.created_at]


def _order_rows(s: Session, ids: list[int]) -> dict[int, OrderRecRow]:
    found: dict[int, OrderRecRow] = {}
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        sources: dict[int, str] = dict(s.execute(select(M.c.order_id, func.min(L.c.provider)).select_from(
            M.join(L, L.c.id == M.c.line_id)).where(M.c.order_id.in_(chunk)).group_by(M.c.order_id)).all())
        for r in s.execute(select(*ORDER_COLUMNS).select_from(R.join(O, O.c.id == R.c.order_id))
                           .where(R.c.order_id.in_(chunk))):
            found[int(r.order_id)] = OrderRecRow(**dict(r._mapping), provider=sources.get(r.order_id) or NO_SOURCE)
    return found


def _figure_key(f: StateFigures | LineFigures) -> tuple[bool, str, str, str]:
    return (f.provider == NO_SOURCE, f.provider, f.currency, f.state)


class ReconBrowser:
    """The reconciliation board's reads (short read sessions; call them from workers)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def timezone(self) -> tzinfo:
        with self.db.read_session() as s:
            return settings.get_timezone(s)

    # ---- statement lines ----------------------------------------------------------------------------
    def line_ids(self, f: LineFilter, sort: str = "time", descending: bool = True) -> list[int]:
        """Every line id of the filter in the list's order (the newest first by default)."""
        q = select(L.c.id).where(*line_where(f)).order_by(*_line_order(sort, descending))
        with self.db.read_session() as s:
            return [int(x) for x in s.execute(q).scalars()]

    def line_count(self, f: LineFilter) -> int:
        with self.db.read_session() as s:
            return int(s.execute(select(func.count()).select_from(L).where(*line_where(f))).scalar_one())

    def line_window(self, f: LineFilter, offset: int, limit: int, sort: str = "time",
                    descending: bool = True) -> list[LineRow]:
        """Rows [offset, offset + limit) of the filter in the list's order (a first page is shown
        before the whole id list has been read)."""
        q = (select(L.c.id).where(*line_where(f)).order_by(*_line_order(sort, descending))
             .offset(offset).limit(limit))
        with self.db.read_session() as s:
            ids = [int(x) for x in s.execute(q).scalars()]
            found = _line_rows(s, ids)
        return [found[i] for i in ids if i in found]

    def lines(self, ids: list[int]) -> list[LineRow]:
        """These lines (in the order of `ids`; missing ones left out), with their orders' numbers."""
        if not ids:
            return []
        with self.db.read_session() as s:
            found = _line_rows(s, ids)
        return [found[i] for i in ids if i in found]

    def line(self, line_id: int) -> LineRow | None:
        found = self.lines([line_id])
        return found[0] if found else None

    def line_orders(self, line_id: int) -> list[Match]:
        """The orders a line was matched to, with how much of it is each's and by which rule."""
        q = (select(M.c.line_id, M.c.order_id, O.c.order_no, M.c.amount_minor, L.c.currency, M.c.rule, M.c.matched_by,
                    M.c.matched_at, func.coalesce(R.c.state, "").label("order_state"))
             .select_from(M.join(O, O.c.id == M.c.order_id).join(L, L.c.id == M.c.line_id)
                          .outerjoin(R, R.c.order_id == M.c.order_id))
             .where(M.c.line_id == line_id).order_by(O.c.order_no))
        with self.db.read_session() as s:
            return [Match(**dict(r._mapping)) for r in s.execute(q)]

    # ---- orders -------------------------------------------------------------------------------------
    def order_ids(self, f: OrderFilter, sort: str = "state", descending: bool = False) -> list[int]:
        """Every reconciled order id of the filter in the list's order (the worst first by default)."""
        q = (select(R.c.order_id).select_from(R.join(O, O.c.id == R.c.order_id)).where(*order_where(f))
             .order_by(*_order_order(sort, descending)))
        with self.db.read_session() as s:
            return [int(x) for x in s.execute(q).scalars()]

    def order_count(self, f: OrderFilter) -> int:
        q = select(func.count()).select_from(R.join(O, O.c.id == R.c.order_id)).where(*order_where(f))
        with self.db.read_session() as s:
            return int(s.execute(q).scalar_one())

    def order_window(self, f: OrderFilter, offset: int, limit: int, sort: str = "state",
                     descending: bool = False) -> list[OrderRecRow]:
        q = (select(R.c.order_id).select_from(R.join(O, O.c.id == R.c.order_id)).where(*order_where(f))
             .order_by(*_order_order(sort, descending)).offset(offset).limit(limit))
        with self.db.read_session() as s:
            ids = [int(x) for x in s.execute(q).scalars()]
            found = _order_rows(s, ids)
        return [found[i] for i in ids if i in found]

    def orders(self, ids: list[int]) -> list[OrderRecRow]:
        if not ids:
            return []
        with self.db.read_session() as s:
            found = _order_rows(s, ids)
        return [found[i] for i in ids if i in found]

    def order(self, order_id: int) -> OrderRecRow | None:
        found = self.orders([order_id])
        return found[0] if found else None

    def order_lines(self, order_id: int) -> list[tuple[LineRow, Match]]:
        """The lines matched to an order, oldest first, each with its tie to the order."""
        q = (select(M.c.line_id, M.c.order_id, O.c.order_no, M.c.amount_minor, L.c.currency, M.c.rule, M.c.matched_by,
                    M.c.matched_at, func.coalesce(R.c.state, "").label("order_state"))
             .select_from(M.join(O, O.c.id == M.c.order_id).join(L, L.c.id == M.c.line_id)
                          .outerjoin(R, R.c.order_id == M.c.order_id))
             .where(M.c.order_id == order_id).order_by(L.c.occurred_at, L.c.id))
        with self.db.read_session() as s:
            matches = [Match(**dict(r._mapping)) for r in s.execute(q)]
            rows = _line_rows(s, [m.line_id for m in matches])
        return [(rows[m.line_id], m) for m in matches if m.line_id in rows]

    def order_trail(self, order_id: int) -> list[AuditEvent]:
        """The order's trust chain, newest first: its own events and those of the statement lines
        matched to it (a line's own events have no order: field statement_line#<id>.<what>)."""
        with self.db.read_session() as s:
            line_ids = [int(x) for x in s.execute(select(M.c.line_id).where(M.c.order_id == order_id)).scalars()]
            about_lines = [A.c.field.like(f"statement\\_line#{i}.%", escape="\\") for i in line_ids[:BATCH]]
            wanted = or_(A.c.order_id == order_id, and_(A.c.order_id.is_(None), or_(*about_lines))) if about_lines \
                else A.c.order_id == order_id
            return list(s.execute(select(AuditEvent).where(wanted).order_by(A.c.id.desc())).scalars())

    # ---- figures ------------------------------------------------------------------------------------
    def figures(self, period: Period) -> Figures:
        """Per source, currency and state: the orders' counts and totals, and the lines'."""
        source = _order_source()
        provider = func.coalesce(source.c.provider, literal_column("''"))  # no bound value: PostgreSQL groups by it
        oq: Select[Any] = (
            select(provider, R.c.currency, R.c.state, func.count(),
                   func.coalesce(func.sum(R.c.expected_minor), 0), func.coalesce(func.sum(R.c.received_minor), 0),
                   func.coalesce(func.sum(R.c.difference_minor), 0))
            .select_from(R.join(O, O.c.id == R.c.order_id).outerjoin(source, source.c.order_id == R.c.order_id))
            .where(*order_where(OrderFilter(period)))
            .group_by(provider, R.c.currency, R.c.state))
        lq: Select[Any] = (
            select(L.c.provider, L.c.currency, L.c.state, func.count(), func.coalesce(func.sum(L.c.amount_minor), 0),
                   func.coalesce(func.sum(L.c.fee_minor), 0))
            .where(*line_where(LineFilter(period))).group_by(L.c.provider, L.c.currency, L.c.state))
        with self.db.read_session() as s:
            orders = [StateFigures(str(p), str(c), str(st), int(n), int(e), int(r), int(d))
                      for p, c, st, n, e, r, d in s.execute(oq)]
            lines = [LineFigures(str(p), str(c), str(st), int(n), int(a), int(fee))
                     for p, c, st, n, a, fee in s.execute(lq)]
        return Figures(sorted(orders, key=_figure_key), sorted(lines, key=_figure_key))

    def providers(self) -> list[str]:
        """The sources the store holds statements of."""
        with self.db.read_session() as s:
            return sorted(str(p) for p in s.execute(select(S.c.provider).distinct()).scalars())
