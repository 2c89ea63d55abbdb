"""The health dashboard's rollup: one narrow row per order with the times and durations its
figures are made of (domain/health.py defines the figures; services/health.py reads them).

`order_health` is derived data, like the quick search's index (store/search_index.py): created by
migration 0019, kept by every unit of work in the transaction that writes the orders
(services/uow.py calls `refresh` with every order it seals, so an order's row always agrees with
its payments and parcels as committed), rebuilt whole by `rebuild` (the migration's backfill,
after a store is copied between backends, and `health rebuild`). It is not in the models: not
copied by backups, not sealed; `differences` compares it with a rebuild from the live rows
(`audit verify` and the tests use it), so an edited rollup is found and made whole again.

One row per order (archived ones too, marked, so a restore from the archive needs nothing
else). Times are UTC; durations are whole seconds, NULL when either end is missing:

- paid_at: the earliest payment of a positive amount; paid_minor the positive payments' sum and
  refunded_minor the refunds' (negative payments') sum, in the order's currency;
- shipped_at, courier, picked_up_at, delivered_at: the order's first parcel that was not
  recalled (scan-out or a shipment entered by hand), and what its courier said of it;
- pay_ship_s = shipped_at − paid_at, 0 for an order shipped before it was paid (cash on delivery);
- ship_pickup_s = picked_up_at − shipped_at; pickup_deliver_s = delivered_at − picked_up_at (a
  courier's clock before ours counts 0, never negative);
- sync_pickup_s / sync_deliver_s: how long the courier's pickup / delivery took to reach the store
  (the parcel's pickup_seen_at − picked_up_at; migration 0019 added those times to parcels);
- recalled: how many of the order's parcels were recalled (they never left), recalled_at the
  latest recall;
- numbered: the order's parcels not recalled that carry a tracking number; shared: how many of
  those carry a number another order's parcel (not recalled) carries too (cross-system id
  consistency). A parcel written or recalled changes its number's other orders too: `refresh`
  re-rolls every order with a parcel of the same number.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    case,
    delete,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from shop_orders.store.models import Order, Payment, Shipment
from shop_orders.store.types import UTCDateTime

NAME = "order_health"
Row = tuple[Any, ...]  # one rollup row, in COLUMNS order
CHUNK = 500
REBUILD_BATCH = 20_000

META = MetaData()
H = Table(
    NAME, META,
    Column("order_id", BigInteger, primary_key=True, autoincrement=False),
    Column("channel", String(32), nullable=False),
    Column("status", String(24), nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("paid_at", UTCDateTime(), nullable=True),
    Column("paid_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False),
    Column("shipped_at", UTCDateTime(), nullable=True),
    Column("courier", String(64), nullable=False),
    Column("picked_up_at", UTCDateTime(), nullable=True),
    Column("delivered_at", UTCDateTime(), nullable=True),
    Column("pay_ship_s", BigInteger, nullable=True),
    Column("ship_pickup_s", BigInteger, nullable=True),
    Column("pickup_deliver_s", BigInteger, nullable=True),
    Column("sync_pickup_s", BigInteger, nullable=True),
    Column("sync_deliver_s", BigInteger, nullable=True),
    Column("recalled", Integer, nullable=False),
    Column("recalled_at", UTCDateTime(), nullable=True),
    Column("numbered", Integer, nullable=False),
    Column("shared", Integer, nullable=False),
)
# The period's anchors: each figure reads the orders whose anchor time falls in the period. The
# three busy anchors' indexes carry every column their figures read (covering: an index range and
# no row lookups; at 1,000,000 orders a 30-day period is ~40,000 rows per anchor, and a row lookup
# per row cost ~3 us, ~100 ms a read; tests/bench/bench_health.py).
INDEXES = (
    Index("ix_order_health_created", H.c.created_at, H.c.archived, H.c.channel, H.c.status),
    Index("ix_order_health_paid", H.c.paid_at, H.c.archived, H.c.channel, H.c.status, H.c.currency, H.c.pay_ship_s,
          H.c.shipped_at, H.c.paid_minor, H.c.refunded_minor, H.c.order_id),
    Index("ix_order_health_shipped", H.c.shipped_at, H.c.archived, H.c.channel, H.c.courier, H.c.ship_pickup_s,
          H.c.pickup_deliver_s, H.c.sync_pickup_s, H.c.sync_deliver_s, H.c.picked_up_at, H.c.delivered_at,
          H.c.numbered, H.c.shared, H.c.order_id),
    Index("ix_order_health_recalled", H.c.recalled_at),
)
COLUMNS = tuple(c.name for c in H.columns)

ORD, P, S = Order.__table__, Payment.__table__, Shipment.__table__


def is_rollup_table(name: str) -> bool:
    return name == NAME


def _seconds(a: datetime | None, b: datetime | None) -> int | None:
    """b − a in whole seconds, never negative; None when either is missing."""
    if a is None or b is None:
        return None
    return max(0, int((b - a).total_seconds()))


def _rows(conn: Connection, ids: Sequence[int] | None, after: int = 0, limit: int = 0) -> dict[int, Row]:
    """The rollup rows of these orders (or of the batch of orders after `after`), computed from
    the live orders, payments and parcels."""
    q = select(ORD.c.id, ORD.c.channel, ORD.c.status, ORD.c.archived, ORD.c.currency, ORD.c.created_at
               ).order_by(ORD.c.id)
    q = q.where(ORD.c.id.in_(ids)) if ids is not None else q.where(ORD.c.id > after).limit(limit)
    orders = conn.execute(q).all()
    if not orders:
        return {}
    lo, hi = orders[0][0], orders[-1][0]
    scope_p = P.c.order_id.in_(ids) if ids is not None else P.c.order_id.between(lo, hi)
    scope_s = S.c.order_id.in_(ids) if ids is not None else S.c.order_id.between(lo, hi)
    pays: dict[int, list[Any]] = {}
    for oid, amount, at in conn.execute(select(P.c.order_id, P.c.amount_minor, P.c.paid_at).where(scope_p)):
        got = pays.setdefault(oid, [None, 0, 0])
        if amount > 0:
            got[1] += amount
            if got[0] is None or at < got[0]:
                got[0] = at
        else:
            got[2] -= amount
    sharing = _sharing(conn, scope_s)
    parcels: dict[int, list[Any]] = {}
    for r in conn.execute(select(S.c.order_id, S.c.id, S.c.shipped_at, S.c.courier, S.c.picked_up_at,
                                 S.c.delivered_at, S.c.pickup_seen_at, S.c.delivered_seen_at, S.c.recalled_at,
                                 S.c.tracking_no)
                          .where(scope_s).order_by(S.c.order_id, S.c.shipped_at, S.c.id)):
        got = parcels.setdefault(r.order_id, [None, 0, None, 0, 0])
        if r.recalled_at is not None:
            got[1] += 1
            got[2] = r.recalled_at if got[2] is None else max(got[2], r.recalled_at)
            continue
        if got[0] is None:
            got[0] = r
        if r.tracking_no:
            got[3] += 1
            got[4] += len(sharing.get(r.tracking_no, ())) > 1
    out: dict[int, Row] = {}
    for oid, channel, status, archived, currency, created in orders:
        paid_at, paid, refunded = pays.get(oid, (None, 0, 0))
        first, recalled, recalled_at, numbered, shared = parcels.get(oid, (None, 0, None, 0, 0))
        shipped = first.shipped_at if first is not None else None
        picked = first.picked_up_at if first is not None else None
        delivered = first.delivered_at if first is not None else None
        out[oid] = (
            oid, channel, status, bool(archived), currency, created, paid_at, paid, refunded,
            shipped, first.courier if first is not None else "", picked, delivered,
            _seconds(paid_at, shipped) if paid_at is not None and shipped is not None else None,
            _seconds(shipped, picked), _seconds(picked, delivered),
            _seconds(picked, first.pickup_seen_at) if first is not None else None,
            _seconds(delivered, first.delivered_seen_at) if first is not None else None,
            recalled, recalled_at, numbered, shared,
        )
    return out


def _live_parcel() -> Any:
    """Not recalled, written so that no index serves it: a bare `recalled_at IS NULL` lets SQLite
    read every live parcel along ix_shipments_tracking instead of the few in scope."""
    return case((S.c.recalled_at.is_(None), 1), else_=0) == 1


def _sharing(conn: Connection, scope: Any) -> dict[str, set[int]]:
    """For the tracking numbers of the parcels in scope (not recalled): the orders whose parcels
    (not recalled) carry each (through the number's index, a few hundred numbers a statement)."""
    numbers = sorted({n for (n,) in conn.execute(select(S.c.tracking_no).where(
        scope, _live_parcel(), S.c.tracking_no != ""))})
    out: dict[str, set[int]] = {}
    for i in range(0, len(numbers), CHUNK):
        for number, oid in conn.execute(select(S.c.tracking_no, S.c.order_id).where(
                S.c.tracking_no.in_(numbers[i:i + CHUNK]), _live_parcel())):
            out.setdefault(number, set()).add(oid)
    return out


def _neighbours(conn: Connection, ids: Sequence[int]) -> set[int]:
    """The other orders with a parcel (recalled or not) whose tracking number one of these
    orders' parcels carries: their `shared` may have changed with these orders' parcels."""
    other = S.alias("other")
    q = (select(other.c.order_id).select_from(S.join(other, other.c.tracking_no == S.c.tracking_no))
         .where(S.c.order_id.in_(ids), S.c.tracking_no != "", other.c.order_id != S.c.order_id).distinct())
    return {oid for (oid,) in conn.execute(q)}


def _stored(conn: Connection, ids: Sequence[int]) -> dict[int, Row]:
    return {r[0]: tuple(r) for r in conn.execute(select(H).where(H.c.order_id.in_(ids)))}


def _write(conn: Connection, gone: Iterable[int], new: Sequence[Row]) -> None:
    gone = list(gone)
    if gone:
        conn.execute(delete(H).where(H.c.order_id.in_(gone)))
    if new:
        conn.execute(insert(H), [dict(zip(COLUMNS, row, strict=True)) for row in new])


def refresh(session: Session, ids: Iterable[int]) -> None:
    """The rollup rows of these orders as they are now in this transaction (orders gone leave
    it); rows that did not change are not written."""
    given = set(ids)
    if not given:
        return
    conn = session.connection()
    ordered = sorted(given)
    for start in range(0, len(ordered), CHUNK):
        given |= _neighbours(conn, ordered[start:start + CHUNK])
    wanted = sorted(given)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        now = _rows(conn, chunk)
        before = _stored(conn, chunk)
        changed = [oid for oid in chunk if now.get(oid) != before.get(oid)]
        if changed:
            _write(conn, [oid for oid in changed if oid in before], [now[oid] for oid in changed if oid in now])


def _batches(conn: Connection) -> Iterator[dict[int, Row]]:
    last = 0
    while True:
        rows = _rows(conn, None, after=last, limit=REBUILD_BATCH)
        if not rows:
            return
        last = max(rows)
        yield rows


def rebuild(conn: Connection) -> int:
    """Empty the rollup and compute every order's row again (in the caller's transaction);
    returns how many orders it holds (0 in a store older than the rollup). Memory is bounded by
    one batch of REBUILD_BATCH orders."""
    if not inspect(conn).has_table(NAME):
        return 0
    conn.execute(delete(H))
    done = 0
    for batch in _batches(conn):
        _write(conn, (), list(batch.values()))
        done += len(batch)
    return done


def differences(conn: Connection, limit: int = 20) -> tuple[int, list[int]]:
    """How many orders' rollup rows differ from a rebuild from the live rows (missing, extra or
    other values), and the first `limit` such order ids. Read only."""
    count, first = 0, list[int]()
    last = 0
    while True:
        live = _rows(conn, None, after=last, limit=REBUILD_BATCH)
        hi = max(live) if live else None
        q = select(H).where(H.c.order_id > last)
        if hi is not None:
            q = q.where(H.c.order_id <= hi)
        stored = {r[0]: tuple(r) for r in conn.execute(q)}
        for oid in sorted(set(live) | set(stored)):
            if live.get(oid) != stored.get(oid):
                count += 1
                if len(first) < limit:
                    first.append(oid)
        if hi is None:
            return count, first
        last = hi


def create(conn: Connection) -> None:
    """The rollup's table and its indexes (migration 0019; the indexes belong to the table)."""
    H.create(conn)


def drop(conn: Connection) -> None:
    H.drop(conn)


def present(conn: Connection) -> bool:
    return inspect(conn).has_table(NAME)


def row_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(H)).scalar_one()
