"""`audit verify` and Tools → Verify trail: the hash chain, then a replay of every order.

The chain check (store/audit.py `verify`) proves the trail itself was not edited. The replay then
proves the orders were not: every order's events, replayed in chain order (domain/replay.py), must
give exactly its row's status, money, recipient, tracking fields and lines, and its payment rows
must add up to the paid amount the trail says; and its seal (store/seals.py: the keyed digest of
what the trail does not state, from archived to its parcels, bound to its newest event) must
match. An order row changed, deleted or inserted directly in the database is reported as the
first bad order and the kind of damage. Both passes stream: the chain in batches of events, the replay in ranges of order ids
(orders, their lines and their events, one range at a time), so memory stays constant.

One read transaction for both passes (REPEATABLE READ on PostgreSQL), so a seat writing meanwhile
never causes a false alarm. Progress and cancel work in both passes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import Session

from shop_orders.domain import replay
from shop_orders.domain.changes import Actor
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.store import audit, seals
from shop_orders.store.db import Database
from shop_orders.store.keys import ChainKey

RANGE = 5000  # order ids replayed at a time

CANCELLED = N_("The check of the audit trail was cancelled; nothing was concluded.")
Progress = Callable[[str, int, int], None]  # (stage "chain" | "orders", done, total)
# What a broken seal part means (store/seals.py), in the order the parts are checked.
SEAL_BROKEN = {
    "order": N_("its archived state, its created or updated time or its version was changed directly in the store "
                "(its seal does not match)"),
    "lines": N_("a line's SKU, title or shipped quantity was changed directly in the store (its seal does not match)"),
    "payments": N_("a payment's method, reference or time was changed directly in the store (its seal does not "
                   "match)"),
    "parcels": N_("a parcel (its courier, tracking number or items) was changed, added or removed directly in the "
                  "store (its seal does not match)"),
}


class VerifyCancelled(ShopOrdersError):
    """The person stopped the check; nothing was concluded."""


@dataclass(frozen=True)
class StoreCheck:
    """The outcome of verify_store: the chain's result and, if the chain holds, the replay's."""

    events: int  # audit events checked
    orders: int  # orders replayed
    head: tuple[int, str]
    problem: str | None = None
    kind: str = ""  # "chain", "changed", "deleted", "inserted"
    broken_event: int | None = None
    order_no: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None

    def count_text(self) -> str:
        return t("{events} events, {orders} orders replayed", events=f"{self.events:,}", orders=f"{self.orders:,}")


REPLAY_KINDS = ("changed", "deleted", "inserted", "attachment", "summary", "statement", "rollup", "stock",
                "signed")  # the rest: the chain's (store/audit.py)


def verify_store(db: Database, progress: Progress | None = None,
                 cancel: Callable[[], bool] | None = None) -> StoreCheck:
    """Check the audit chain with this seat's key and both head files (audit.verify_database),
    then replay every order against it; the first problem found.

    Raises VerifyCancelled if `cancel()` turns true."""
    cancelled = cancel or (lambda: False)
    with db.read_session() as s:
        if not db.is_sqlite:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # Nothing is read before audit.verify: it reads the head files first and only then starts
        # the snapshot, so a seat writing meanwhile can only be ahead of the heads, never behind.
        total: list[int] = []

        def chain_progress(done: int) -> None:  # called by audit.verify after every batch
            if progress is not None:
                if not total:  # same snapshot as the walk
                    total.append(s.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_events")).scalar() or 0)
                progress("chain", min(done, total[0]), total[0])
            if cancelled():
                raise VerifyCancelled(t(CANCELLED))

        if cancelled():
            raise VerifyCancelled(t(CANCELLED))
        chain = audit.verify_database(db, s, progress=chain_progress)
        if not chain.ok:
            return StoreCheck(chain.count, 0, chain.head, chain.problem, chain.kind or "chain", chain.broken_event)
        replayed = replay_orders(s, chain, db.chain_key, progress, cancelled)
        if not replayed.ok:
            return replayed
        attached = _attachments(s, replayed, cancelled)
        if not attached.ok:
            return attached
        held = _summary_members(s, attached)
        if not held.ok:
            return held
        kept = _statements(s, db.chain_key, held)
        if not kept.ok:
            return kept
        rolled = _rollup(s, kept)
        if not rolled.ok:
            return rolled
        stocked = _stock(s, rolled)
        if not stocked.ok:
            return stocked
        return _signed(s, db, stocked)


def _signed(s: Session, db: Database, check: StoreCheck) -> StoreCheck:
    """The rows that decide who may do what (users, settings: store/signing.py) and the pending
    change sets (their keyed content hash) must check under the store's key."""
    from shop_orders.store import change_set_hash, signing

    problems = signing.problems(s)
    if not problems and db.chain_key is not None:
        problems = change_set_hash.altered_pending(s, db.chain_key)
    if problems:
        return StoreCheck(check.events, check.orders, check.head, problems[0], "signed")
    return check


_first = itemgetter(0)
_SEALS = text("SELECT id, seal FROM orders WHERE id >= :lo AND id < :hi")
_ORDER_COLUMNS = ("id", "order_no", *(replay.COLUMN[k] for k in replay.KEYS))
_ORDERS = (f"SELECT {', '.join(_ORDER_COLUMNS)} FROM orders WHERE id >= {{m}} AND id < {{m}} ORDER BY id")
_LINES = ("SELECT order_id, qty, unit_price_minor FROM order_lines "
          "WHERE order_id >= {m} AND order_id < {m} ORDER BY order_id, line_no")
_PAYMENTS = ("SELECT order_id, SUM(amount_minor) FROM payments WHERE order_id >= {m} AND order_id < {m} "
             "GROUP BY order_id")
_EVENTS = ("SELECT order_id, order_no, action, field, new, hash FROM audit_events "
           "WHERE order_id >= {m} AND order_id < {m} ORDER BY order_id, id")


def replay_orders(s: Session, chain: audit.VerifyResult, key: ChainKey | None, progress: Progress | None = None,
                  cancelled: Callable[[], bool] = lambda: False) -> StoreCheck:
    """Replay every order of the session's store against its trail, and check each order's seal
    under `key` (store/seals.py) when the store has seals; the first problem found."""
    conn = s.connection()
    has_seals = key is not None and "seal" in {c["name"] for c in inspect(conn).get_columns("orders")}
    cursor = conn.connection.cursor()
    try:
        return _replay_ranges(conn, cursor, chain, key if has_seals else None, progress, cancelled)
    finally:
        cursor.close()


@dataclass
class _Range:
    """One range of order ids as the store holds them: rows, lines, payments, the trail's events
    (and the global id and newest hash they name), and the seals."""

    rows: dict[int, Any]
    lines: dict[int, list[tuple[int, int]]]
    payments: dict[int, Any]
    events: dict[int, list[tuple[str, str, str | None]]]
    numbers: dict[int, str]
    newest: dict[int, str]
    sealed: dict[int, Any]
    stored_seals: dict[int, Any]


def _replay_ranges(conn: Connection, cursor: DBAPICursor, chain: audit.VerifyResult, key: ChainKey | None,
                   progress: Progress | None, cancelled: Callable[[], bool]) -> StoreCheck:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sqls = tuple(q.format(m=mark) for q in (_ORDERS, _LINES, _PAYMENTS, _EVENTS))
    top = conn.exec_driver_sql("SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM orders "
                               "UNION ALL SELECT MAX(order_id) FROM audit_events) AS t").scalar() or 0
    replayed = 0
    for lo in range(1, top + 1, RANGE):
        if progress is not None:
            progress("orders", lo - 1, top)
        if cancelled():
            raise VerifyCancelled(t(CANCELLED))
        rng = _read_range(conn, cursor, sqls, lo, key)
        for oid in sorted(rng.rows.keys() | rng.events.keys()):
            found = _check_order(oid, rng, key)
            if found is _PURGED:
                continue
            if found is not None:
                kind, order_no, cno, what = found
                return StoreCheck(chain.count, replayed, chain.head,
                                  t("order {order} ({number}): {what}", order=order_no, number=cno, what=what), kind,
                                  None, order_no)
            replayed += 1
    if progress is not None:
        progress("orders", top, top)
    return StoreCheck(chain.count, replayed, chain.head)


def _read_range(conn: Connection, cursor: DBAPICursor, sqls: tuple[str, ...], lo: int, key: ChainKey | None) -> _Range:
    """Plain driver rows, in the session's transaction: the replay reads every order, line and
    order event once."""
    orders_sql, lines_sql, payments_sql, events_sql = sqls
    bounds = (lo, lo + RANGE)
    cursor.execute(orders_sql, bounds)
    rows = {r[0]: r for r in cursor.fetchall()}
    cursor.execute(lines_sql, bounds)
    lines: dict[int, list[tuple[int, int]]] = {}
    for oid, group in groupby(cursor.fetchall(), key=_first):
        lines[oid] = [r[1:] for r in group]
    cursor.execute(payments_sql, bounds)
    payments = dict(cursor.fetchall())
    cursor.execute(events_sql, bounds)
    events: dict[int, list[tuple[str, str, str | None]]] = {}
    numbers: dict[int, str] = {}
    newest: dict[int, str] = {}
    for oid, group in groupby(cursor.fetchall(), key=_first):
        chained = list(group)
        numbers[oid] = chained[0][1]
        events[oid] = [r[2:5] for r in chained]
        newest[oid] = chained[-1][5]
    sealed = seals.states(conn, sorted(rows)) if key is not None else {}
    stored_seals: dict[int, Any] = dict(conn.execute(_SEALS, {"lo": lo, "hi": lo + RANGE}).all()) if key is not None else {}
    return _Range(rows, lines, payments, events, numbers, newest, sealed, stored_seals)


_PURGED = ("purged", "", "", "")  # an order archived, then purged by an approved change set: its trail says so


def _check_order(oid: int, rng: _Range, key: ChainKey | None) -> tuple[str, str, str, str] | None:
    """What is wrong with one order against its trail and seal: (kind, global id, channel order
    number, what), _PURGED for an order purged as its trail says, or None."""
    row, history = rng.rows.get(oid), rng.events.get(oid)
    if row is None:
        assert history is not None  # oid is one of events'
        stated = replay.replay(history)
        if stated.get("purged"):
            return _PURGED
        return ("deleted", rng.numbers[oid], stated.get("channel_order_no", "?"),
                t("deleted directly from the store: the audit trail records it but its row is gone"))
    order_no, cno = row[1], row[3]
    if history is None or history[0][0] != "create":
        return "inserted", order_no, cno, t("added to the store directly: the audit trail has no record of its creation")
    if rng.numbers[oid] != order_no:
        return ("changed", order_no, cno, t("the global id is {order} in the store but the audit trail says {said}",
                                            order=order_no, said=rng.numbers[oid]))
    stated = replay.replay(history)
    stored = row[2:]
    said_lines = stated.get("lines")
    order_lines = rng.lines.get(oid, [])
    if (tuple(stated.get(k, v) for k, v in zip(replay.KEYS, stored, strict=True)) != stored
            or (said_lines is not None and list(map(tuple, said_lines)) != order_lines)):
        what = replay.first_difference(stated, dict(zip(_ORDER_COLUMNS, row, strict=True)), order_lines)
        return "changed", order_no, cno, what or t("it differs from what the audit trail says")
    paid = stated.get("paid")
    if isinstance(paid, int) and int(rng.payments.get(oid) or 0) != paid:
        cur = str(stated.get("currency", ""))
        return ("changed", order_no, cno,
                t("its payments add up to {stored} in the store but the audit trail says {said}",
                  stored=format_minor(int(rng.payments.get(oid) or 0), cur), said=format_minor(paid, cur)))
    if key is not None and oid in rng.sealed:
        broken = seals.broken_parts(key, oid, rng.newest[oid], rng.sealed[oid], rng.stored_seals.get(oid))
        if broken:
            return "changed", order_no, cno, t(SEAL_BROKEN[broken[0]])
    return None


def _attachments(s: Session, check: StoreCheck, cancelled: Callable[[], bool]) -> StoreCheck:
    """Every ticket attachment's content is there and still hashes to what the trail recorded
    when it was attached (a missing, altered or swapped file is named)."""
    recorded = {(field, (new or "").split(" ", 1)[0]) for field, new in s.execute(
        text("SELECT field, new FROM audit_events WHERE action = 'ticket' AND field LIKE :like"),
        {"like": "ticket#%.attachment"})}
    rows = s.execute(text(
        "SELECT a.ticket_id, a.sha256, a.name, a.size, t.order_no FROM ticket_attachments a "
        "JOIN tickets t ON t.id = a.ticket_id ORDER BY a.id")).all()
    for ticket_id, sha, name, size, order_no in rows:
        if cancelled():
            raise VerifyCancelled(t(CANCELLED))
        blob = s.execute(text("SELECT data FROM attachment_blobs WHERE sha256 = :sha"), {"sha": sha}).scalar()
        if (f"ticket#{ticket_id}.attachment", sha) not in recorded:
            what = t("the audit trail has no record of this file being attached")
        elif blob is None:
            what = t("the file is missing from the store")
        elif len(bytes(blob)) != size or hashlib.sha256(bytes(blob)).hexdigest() != sha:
            what = t("the file was altered after it was attached (its SHA-256 no longer matches)")
        else:
            continue
        return StoreCheck(check.events, check.orders, check.head,
                          t("ticket #{id} on {order}, attachment {name}: {what}", id=ticket_id, order=order_no,
                            name=name, what=what), "attachment", None, order_no)
    return check



def _summary_members(s: Session, check: StoreCheck) -> StoreCheck:
    """Every order a summary ticket holds was gathered there on the record (its own trail's
    `ticket#N.summary` event): a row slipped into ticket_orders would silence the rules for that
    order (held orders get no ticket of their own) without anyone having decided it."""
    recorded = {(field, order_id) for field, order_id in s.execute(
        text("SELECT field, order_id FROM audit_events WHERE action = 'ticket' AND field LIKE :like"),
        {"like": "ticket#%.summary"})}
    for ticket_id, order_id, order_no in s.execute(text(
            "SELECT m.ticket_id, m.order_id, o.order_no FROM ticket_orders m JOIN orders o ON o.id = m.order_id "
            "ORDER BY m.ticket_id, m.order_id")):
        if (f"ticket#{ticket_id}.summary", order_id) not in recorded:
            return StoreCheck(check.events, check.orders, check.head,
                              t("ticket #{id} holds order {order}, but the audit trail has no record of it being "
                                "gathered there", id=ticket_id, order=order_no), "summary", None, order_no)
    return check

def _rollup(s: Session, check: StoreCheck) -> StoreCheck:
    """The health dashboard's rollup (derived data, store/health_rollup.py) agrees with the orders,
    payments and parcels it is made from: an edited figure is named, and `health rebuild` makes
    it whole again."""
    from shop_orders.store import health_rollup

    conn = s.connection()
    if not health_rollup.present(conn):
        return check
    count, first = health_rollup.differences(conn, limit=1)
    if not count:
        return check
    order_no = s.execute(text("SELECT order_no FROM orders WHERE id = :i"), {"i": first[0]}).scalar() or f"#{first[0]}"
    return StoreCheck(check.events, check.orders, check.head,
                      t("the health figures' rollup differs from the orders for {count} orders (the first: {order}); "
                        "'health rebuild' makes it again from the orders", count=count, order=order_no),
                      "rollup", None, str(order_no))


def _stock(s: Session, check: StoreCheck) -> StoreCheck:
    """Every SKU's on-hand and incoming quantities are what the trail's last stock movement left,
    and the reservations agree with a recomputation (services/stock.py check)."""
    from shop_orders.services import stock_check

    found = stock_check.check(s, limit=1)
    if not found:
        return check
    return StoreCheck(check.events, check.orders, check.head, found[0], "stock")


def _statements(s: Session, key: ChainKey | None, check: StoreCheck) -> StoreCheck:
    """Every imported statement line is what its file said (its seal), and every statement holds
    the lines it was imported with (its digest, and the digest its import event recorded): an
    amount changed to make a payment match, or a line slipped in or taken out, is named."""
    from shop_orders.services import statements

    if key is None:
        return check
    found = statements.verify(s, key)
    if found is None:
        return check
    if found.row is None:
        problem = t("statement #{id} ({file}): {what}", id=found.statement_id, file=found.file, what=found.what)
    else:
        problem = t("statement #{id} ({file}), row {row}: {what}", id=found.statement_id, file=found.file,
                    row=found.row, what=found.what)
    return StoreCheck(check.events, check.orders, check.head, problem, "statement", None, "")


def import_key(db: Database, actor: Actor, src: Path) -> str:
    """`audit key import FILE` and Tools → Import the store's audit key…: take the key from src (it
    must fit the store's whole trail: audit.adopt_key) so that this seat may write; returns the
    sentence to show. A key of another store is saved for the restore of that store's backup."""
    from shop_orders.services import permissions
    from shop_orders.store import audit, keys

    permissions.check(db, actor, "audit.keys")
    try:
        text = src.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise keys.KeyFileError(t("{path} cannot be read.", path=src)) from None
    key = keys.parse_key(text, str(src))
    if key.store_id != db.store_id:  # e.g. a new computer: the key comes before the restore
        assert db.data_dir is not None  # an opened store has its data folder (store/open.py)
        keys.KeyStore(db.data_dir).save(key)
        return t("Audit key saved (fingerprint {fingerprint}). It belongs to another store than {where}: restore a "
                 "backup of that store (`shop-orders restore FILE`) to use it.",
                 fingerprint=key.fingerprint(), where=db.where)
    result = audit.adopt_key(db, key, str(src))
    return t("Audit key imported (fingerprint {fingerprint}); the trail checks out ({count} events). "
             "This seat may now write.", fingerprint=key.fingerprint(), count=result.count)


def export_key(db: Database, actor: Actor, dest: Path) -> str:
    """`audit key export FILE`: write the store's audit key to dest, readable by its owner only
    (the right audit.keys); a file already there is refused, never overwritten. Returns the key's
    fingerprint."""
    from shop_orders.services import permissions
    from shop_orders.store import keys

    permissions.check(db, actor, "audit.keys")
    key = audit.require_key(db)
    if dest.exists():
        raise ShopOrdersError(t("{path} already exists; choose another name.", path=dest))
    keys.write_private(dest, key.to_json(), exclusive=True)
    return key.fingerprint()


def reset_heads(db: Database, actor: Actor) -> int:
    """`audit heads reset` (e.g. after a head file was lost): when the trail checks out under the
    key, record its end in both head files again (the right audit.keys). Returns its event number."""
    from shop_orders.services import permissions

    permissions.check(db, actor, "audit.keys")
    return audit.reset_heads_checked(db).head[0]
