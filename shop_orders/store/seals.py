"""Order seals: every field of an order a user relies on, bound to the order's place in the trail.

The audit trail's replay (domain/replay.py) states an order's channel, number, status, amounts,
buyer, address, courier, tracking number, flags and line quantities and prices. An order holds
more that people rely on: whether it is archived, when it was created and last changed, its
version, each line's SKU, title and shipped quantity, each payment's method and reference, and its
parcels (courier, tracking number, line quantities, when shipped and recalled). The seal covers
those: four keyed digests (the order row, its lines, its payments, its parcels), each a keyed
BLAKE2b under a key derived from the store's audit key (store/keys.py) over the order's id, the
hash of its newest audit event and the part's canonical content, 64 bits each, kept in
`orders.seal` as "order:lines:payments:parcels".

Every unit of work seals again the orders it touched (those it recorded events for, and those
whose rows the session wrote: services/uow.py), after their events are chained. So someone who can
write the database file but has no key cannot change any of these fields, nor put back an older
row with its older seal (that seal names an older event), without `audit verify` naming the order
and which part no longer matches. What the courier answers about a parcel (its tracking state,
events and times) is not sealed: the next sync asks again.

Orders written before seals existed are sealed once, by the first seat that holds the key
(store/signing.adopt), with the rows that decide rights.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from hashlib import blake2b
from itertools import groupby
from operator import itemgetter

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from shop_orders.store.keys import ChainKey
from shop_orders.store.models import AuditEvent, Order, OrderLine, Payment, Shipment

PARTS = ("order", "lines", "payments", "parcels")
ORD, L, P, S, E = (m.__table__ for m in (Order, OrderLine, Payment, Shipment, AuditEvent))
ORDER_FIELDS = ("order_no", "channel", "channel_order_no", "buyer", "recipient", "phone", "address", "currency",
                "total_minor", "paid_minor", "courier", "tracking_no", "status", "created_at", "updated_at",
                "version", "archived", "flags", "amount_known")
LINE_FIELDS = ("line_no", "sku", "title", "qty", "unit_price_minor", "shipped_qty")
PAYMENT_FIELDS = ("id", "amount_minor", "method", "reference", "paid_at")
PARCEL_FIELDS = ("id", "courier", "tracking_no", "items", "shipped_at", "recalled_at")
CHUNK = 500  # ids per IN (...) query
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_first = itemgetter(0)


TIMES = frozenset({"created_at", "updated_at", "paid_at", "shipped_at", "recalled_at"})
FLAGS = frozenset({"archived", "amount_known"})


def _time(value) -> str | None:
    """A stored time the same way whatever the backend gave (PostgreSQL: an aware datetime;
    SQLite: SQLAlchemy's UTC text), so a store copied between them keeps its seals."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return value  # SQLite's UTC text (SQLAlchemy's format) is this canonical form already
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _normaliser(fields: Sequence[str]):
    times = [i for i, f in enumerate(fields) if f in TIMES]
    flags = [i for i, f in enumerate(fields) if f in FLAGS]

    def canonical(row) -> list:
        out = list(row)
        for i in times:
            out[i] = _time(out[i])
        for i in flags:
            out[i] = int(bool(out[i]))
        return out
    return canonical


def _rows(conn: Connection, table: str, key: str, fields: Sequence[str], ids: Sequence[int],
          order: str) -> dict[int, list]:
    """{order id: [canonical row, ...]} of one table for these orders: plain driver rows (the
    seal of every order an import writes is read back here), normalised (_normaliser)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"SELECT {key}, {', '.join(fields)} FROM {table} WHERE {key} IN ({', '.join([mark] * len(ids))}) "
           f"ORDER BY {key}{', ' + order if order else ''}")
    canonical = _normaliser(fields)
    out: dict[int, list] = {}
    for oid, group in groupby(conn.exec_driver_sql(sql, tuple(ids)).fetchall(), key=_first):
        out[oid] = [canonical(r[1:]) for r in group]
    return out


def states(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, str, str]]:
    """The canonical content of each part of these orders (those that exist)."""
    out: dict[int, tuple[str, str, str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        orders = _rows(conn, "orders", "id", ORDER_FIELDS, chunk, "")
        lines = _rows(conn, "order_lines", "order_id", LINE_FIELDS, chunk, "line_no")
        payments = _rows(conn, "payments", "order_id", PAYMENT_FIELDS, chunk, "id")
        parcels = _rows(conn, "shipments", "order_id", PARCEL_FIELDS, chunk, "id")
        for oid, (row,) in orders.items():
            out[oid] = (_encode(row), _encode(lines.get(oid, [])), _encode(payments.get(oid, [])),
                        _encode(parcels.get(oid, [])))
    return out


def last_hashes(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """The hash of each order's newest audit event."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    out: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = tuple(ids[start:start + CHUNK])
        out.update(conn.exec_driver_sql(
            "SELECT e.order_id, e.hash FROM audit_events e JOIN (SELECT MAX(id) AS newest FROM audit_events "
            f"WHERE order_id IN ({', '.join([mark] * len(chunk))}) GROUP BY order_id) n ON e.id = n.newest",
            chunk).fetchall())
    return out


@lru_cache(maxsize=8)
def _seal_key(key: ChainKey) -> bytes:
    """The seals' own key, derived from the store's audit key (domain-separated from the chain,
    the heads and the row signatures)."""
    m = key.mac()
    m.update(b"order seals v1")
    return m.digest()


def seal(key: ChainKey, oid: int, last_hash: str, parts: tuple[str, ...]) -> str:
    """Keyed BLAKE2b (a MAC in its own right, and several times faster than HMAC-SHA256: every
    order an import writes is sealed) of each part, 64 bits each."""
    k = _seal_key(key)
    head = f"{oid}\x00{last_hash}\x00".encode()
    return ":".join(blake2b(head + content.encode("utf-8"), key=k, digest_size=8, person=name).hexdigest()
                    for name, content in zip(_PERSON, parts, strict=True))


_PERSON = tuple(p.encode() for p in PARTS)


def broken_parts(key: ChainKey, oid: int, last_hash: str, parts: tuple[str, ...], stored: str | None) -> list[str]:
    """The parts whose digest does not match the stored seal (all four when there is none)."""
    said = (stored or "").split(":")
    if len(said) != len(PARTS):
        return list(PARTS)
    return [name for name, ours, theirs in zip(PARTS, seal(key, oid, last_hash, parts).split(":"), said, strict=True)
            if not hmac.compare_digest(ours, theirs)]


def reseal(session: Session, key: ChainKey, ids: Iterable[int], newest: dict[int, str] | None = None) -> int:
    """Seal these orders again as they are now in this transaction (their events already added;
    `newest`: the hashes of their newest events where the caller knows them); returns how many
    were sealed (orders that no longer exist are skipped)."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    known = newest or {}
    conn = session.connection()
    done = 0
    stmt = update(ORD).where(ORD.c.id == bindparam("oid")).values(seal=bindparam("s"))
    for start in range(0, len(wanted), CHUNK * 10):
        chunk = wanted[start:start + CHUNK * 10]
        found = states(conn, chunk)
        unknown = [oid for oid in chunk if oid not in known]
        hashes = {**known, **last_hashes(conn, unknown)} if unknown else known
        rows = [{"oid": oid, "s": seal(key, oid, hashes.get(oid, ""), parts)} for oid, parts in found.items()]
        if rows:
            conn.execute(stmt, rows)
        done += len(rows)
    return done


def touched(session: Session) -> set[int]:
    """The ids of orders whose rows (order, lines, payments, parcels) this session has written."""
    return session.info.setdefault("sealed_orders_touched", set())


def _after_flush(session: Session, _context) -> None:
    ids = touched(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Order):
            if obj.id is not None:
                ids.add(obj.id)
        elif isinstance(obj, OrderLine | Payment | Shipment) and obj.order_id is not None:
            ids.add(obj.order_id)


def listen(session_factory) -> None:
    from sqlalchemy import event

    event.listen(session_factory, "after_flush", _after_flush)


def seal_all(session: Session, key: ChainKey, *, only_unsealed: bool = False) -> int:
    """Seal every order of the store (adoption of a store written before seals)."""
    conn = session.connection()
    q = select(ORD.c.id).order_by(ORD.c.id)
    if only_unsealed:
        q = q.where(ORD.c.seal == "")
    ids = [r[0] for r in conn.execute(q)]
    return reseal(session, key, ids)
