"""Order seals: every field of an order a user relies on, bound to the order's place in the trail.

The audit trail's replay (domain/replay.py) states an order's channel, number, status, amounts,
buyer, address, courier, tracking number, flags and line quantities and prices. An order holds
more that people rely on: whether it is archived, when it was created and last changed, its
version, each line's SKU, title and shipped quantity, each payment's method and reference, and its
parcels (courier, tracking number, line quantities, when shipped and recalled). The seal covers
those: four keyed digests (the order row, its lines, its payments, its parcels), each HMAC-SHA256
under the store's audit key (store/keys.py) over the order's id, the hash of its newest audit
event and the part's canonical content, truncated to 64 bits and kept in `orders.seal` as
"order:lines:payments:parcels".

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


def _plain(value):
    if hasattr(value, "isoformat"):
        from shop_orders.store.signing import _text

        return _text(value)
    return value


def _rows(conn: Connection, table, fields: Sequence[str], key, ids: Sequence[int], order) -> dict[int, list]:
    """{order id: [canonical row, ...]} of one table for these orders."""
    out: dict[int, list] = {}
    stmt = select(key, *(table.c[f] for f in fields)).where(key.in_(ids)).order_by(key, *order)
    for oid, group in groupby(conn.execute(stmt), key=_first):
        out[oid] = [[_plain(v) for v in r[1:]] for r in group]
    return out


def states(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str, str, str]]:
    """The canonical content of each part of these orders (those that exist)."""
    out: dict[int, tuple[str, str, str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        orders = _rows(conn, ORD, ORDER_FIELDS, ORD.c.id, chunk, ())
        lines = _rows(conn, L, LINE_FIELDS, L.c.order_id, chunk, (L.c.line_no,))
        payments = _rows(conn, P, PAYMENT_FIELDS, P.c.order_id, chunk, (P.c.id,))
        parcels = _rows(conn, S, PARCEL_FIELDS, S.c.order_id, chunk, (S.c.id,))
        for oid, (row,) in orders.items():
            out[oid] = (_encode(row), _encode(lines.get(oid, [])), _encode(payments.get(oid, [])),
                        _encode(parcels.get(oid, [])))
    return out


def last_hashes(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """The hash of each order's newest audit event."""
    out: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        newest = select(E.c.order_id, E.c.id).where(E.c.order_id.in_(chunk)).order_by(E.c.order_id, E.c.id.desc())
        last: dict[int, int] = {}
        for oid, eid in conn.execute(newest):
            last.setdefault(oid, eid)
        if last:
            out.update({oid: h for oid, h in conn.execute(select(E.c.order_id, E.c.hash)
                                                         .where(E.c.id.in_(list(last.values()))))})
    return out


def seal(key: ChainKey, oid: int, last_hash: str, parts: tuple[str, ...]) -> str:
    base = key.mac()
    base.update(b"seal\x00" + f"{oid}\x00{last_hash}".encode())
    out = []
    for name, content in zip(PARTS, parts, strict=True):
        m = base.copy()
        m.update(b"\x00" + name.encode() + b"\x00" + content.encode("utf-8"))
        out.append(m.hexdigest()[:16])
    return ":".join(out)


def broken_parts(key: ChainKey, oid: int, last_hash: str, parts: tuple[str, ...], stored: str | None) -> list[str]:
    """The parts whose digest does not match the stored seal (all four when there is none)."""
    said = (stored or "").split(":")
    if len(said) != len(PARTS):
        return list(PARTS)
    return [name for name, ours, theirs in zip(PARTS, seal(key, oid, last_hash, parts).split(":"), said, strict=True)
            if not hmac.compare_digest(ours, theirs)]


def reseal(session: Session, key: ChainKey, ids: Iterable[int]) -> int:
    """Seal these orders again as they are now in this transaction (their events already added);
    returns how many were sealed (orders that no longer exist are skipped)."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    conn = session.connection()
    done = 0
    stmt = update(ORD).where(ORD.c.id == bindparam("oid")).values(seal=bindparam("s"))
    for start in range(0, len(wanted), CHUNK * 10):
        chunk = wanted[start:start + CHUNK * 10]
        found, hashes = states(conn, chunk), last_hashes(conn, chunk)
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
