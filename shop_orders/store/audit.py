"""The tamper-evident audit trail: a keyed hash chain over every recorded change.

Each event's hash is HMAC-SHA256(key, previous hash + canonical JSON of the event's content, its
position included), so editing, inserting, reordering or deleting a past event breaks the chain
at that event, and nobody without the key (store/keys.py: a key file outside the database) can
append a forged event with a hash that fits. Events recorded before a store was keyed (older
versions) keep their plain sha256 hashes; the key file says where the keyed part starts.

Deleting the *newest* events (and fixing the in-table head) cannot be seen from inside the
database, so the head is also kept outside it, in two files signed with the key (HeadFile):
beside the database (`<db>.audit-head.json`; for PostgreSQL per server and database in the data
folder) and in this user's data folder per store id and location (`audit-heads/<store id>-
<location hash>.json`); and in every backup's manifest. Each seat of a PostgreSQL store keeps its
own pair. `verify` checks the chain against both and reports a missing, unreadable, re-signed or
disagreeing head file. A writer (services/uow.py, `check_heads`) refuses to write when a head file
is missing or names an event the database no longer holds, so normal writes after a truncation
cannot erase the evidence; head files are only ever advanced, never recreated, except by an
explicit owner action (restore, key import, `audit heads reset`).

Writers append in turn: a write transaction locks the single audit_head row first (SQLite's
IMMEDIATE transactions serialise writers anyway).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.atomic import write_atomic
from shop_orders.domain.messages import N_, t
from shop_orders.store import keys
from shop_orders.store.bulk import insert_many
from shop_orders.store.db import data_head_file_for
from shop_orders.store.errors import AuditKeyMissing, AuditTrailDamaged, StoreError
from shop_orders.store.keys import ChainKey
from shop_orders.store.models import AuditEvent, AuditHead, Setting

GENESIS = "0" * 64
log = logging.getLogger(__name__)


class PendingEvent(NamedTuple):
    """An event recorded in a unit of work, chained and written at commit (a tuple: an import
    records one per order, 100,000 at a time)."""

    at: datetime
    actor: str
    source: str
    order_id: int | None
    order_no: str
    action: str
    field: str = ""
    old: str | None = None
    new: str | None = None
    reason: str = ""
    role: str = ""  # the signed-in user's role
    approver: str = ""  # who approved a two-person change ("name (role)")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _iso_text(at: str | datetime) -> str:
    """_iso of a time as SQLite stores it (UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', always with
    microseconds: SQLAlchemy's format); anything else goes the long way."""
    if isinstance(at, str) and len(at) == 26 and at[10] == " " and at[19] == ".":
        return at[:10] + "T" + at[11:] + "+00:00"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return _iso(at if at.tzinfo is not None else at.replace(tzinfo=UTC))


_WALK = ("id", "at", "actor", "source", "order_id", "order_no", "action", "field", "old", "new", "reason",
         "role", "approver", "prev_hash", "hash")


class _Walked(NamedTuple):
    """An audit_events row as verify reads it (driver row, `at` as the driver gives it)."""

    id: int
    at: object
    actor: str
    source: str
    order_id: int | None
    order_no: str
    action: str
    field: str
    old: str | None
    new: str | None
    reason: str
    role: str
    approver: str
    prev_hash: str
    hash: str


# json.dumps(..., ensure_ascii=False, separators=(",", ":")) with its encoder built once.
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _fields(seq: int, at: str, e) -> list:
    """What an event's hash covers. The role and approver (added with users) only when either
    is set, so every event written before keeps its hash."""
    out = [seq, at, e.actor, e.source, e.order_id, e.order_no, e.action, e.field, e.old, e.new, e.reason]
    if e.role or e.approver:
        out += [e.role, e.approver]
    return out


def _payload(seq: int, e: PendingEvent | AuditEvent) -> str:
    return _canonical(_fields(seq, _iso(e.at), e))


def digest(prev_hash: str, seq: int, e: PendingEvent | AuditEvent, key: ChainKey | None = None) -> str:
    """The event's hash: HMAC-SHA256 under key from key.keyed_from on, else plain sha256 (the
    hashes older versions wrote, and all an attacker without the key can compute)."""
    msg = (prev_hash + _payload(seq, e)).encode("utf-8")
    if key is not None and seq >= key.keyed_from:
        m = key.mac()
        m.update(msg)
        return m.hexdigest()
    return hashlib.sha256(msg).hexdigest()


def lock_head(session: Session, *, nowait: bool = False) -> tuple[int, str]:
    row = session.execute(
        select(col(AuditHead.seq), col(AuditHead.hash)).where(col(AuditHead.id) == 1).with_for_update(nowait=nowait)
    ).one()
    return int(row.seq), row.hash


def read_head(session: Session) -> tuple[int, str]:
    row = session.execute(select(col(AuditHead.seq), col(AuditHead.hash)).where(col(AuditHead.id) == 1)).one()
    return int(row.seq), row.hash


def store_id(session: Session) -> str | None:
    """The store's random id (names its key file and data-folder heads); None before keying."""
    row = session.get(Setting, keys.STORE_ID_SETTING)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        value = None
    return value if keys.valid_store_id(value) else "malformed"


COLUMNS = ("id", "at", "actor", "source", "order_id", "order_no", "action", "field", "old", "new", "reason",
           "role", "approver", "prev_hash", "hash")


def chain_rows(
    events: Iterable[PendingEvent], seq: int, prev: str, *, key: ChainKey
) -> tuple[list[tuple], int, str]:
    """Give events their positions and keyed hashes after (seq, prev); returns rows (in the order
    of COLUMNS) and the new head. One HMAC per event from a pre-keyed state."""
    base = key.mac()
    rows = []
    for e in events:
        seq += 1
        msg = (prev + _payload(seq, e)).encode("utf-8")
        if seq >= key.keyed_from:
            m = base.copy()
            m.update(msg)
            h = m.hexdigest()
        else:  # cannot happen for a keyed store (writes come after keying); kept for completeness
            h = hashlib.sha256(msg).hexdigest()
        rows.append((seq, e.at, e.actor, e.source, e.order_id, e.order_no, e.action, e.field, e.old, e.new,
                     e.reason, e.role, e.approver, prev, h))
        prev = h
    return rows, seq, prev


def append(session: Session, events: Sequence[PendingEvent], head: tuple[int, str], *,
           key: ChainKey, newest: dict[int, str] | None = None) -> tuple[int, str]:
    """Insert events after head (locked by the caller); returns the new head. See write_head.
    `newest` gets, per order id, the hash of its newest event among these (store/seals.py)."""
    if not events:
        return head
    rows, seq, last = chain_rows(events, *head, key=key)
    insert_many(session, AuditEvent.__table__, COLUMNS, rows)
    if newest is not None:
        newest.update((r[4], r[14]) for r in rows if r[4] is not None)
    return seq, last


def write_head(session: Session, head: tuple[int, str]) -> None:
    session.execute(update(AuditHead.__table__).where(col(AuditHead.id) == 1).values(seq=head[0], hash=head[1]))


# --- the head kept outside the database ------------------------------------------------------

_thread_locks: dict[Path, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextmanager
def _head_lock(path: Path):
    """Threads of this process, and (where the OS has flock) other processes, in turn: the lock is
    taken on the head file's folder, so no extra file is made beside the store."""
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(path, threading.Lock())
    with lock:
        try:
            import fcntl
        except ImportError:  # Windows: threads only
            yield
            return
        try:
            fd = os.open(path.parent, os.O_RDONLY)
        except FileNotFoundError:  # the folder is gone: the file too (advance leaves it missing)
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the flock


MISSING, UNREADABLE, UNSIGNED, OK = "missing", "unreadable", "unsigned", "ok"


@dataclass(frozen=True)
class HeadState:
    status: str  # MISSING, UNREADABLE (or wrongly signed), UNSIGNED (no signature), OK
    head: tuple[int, str] | None = None
    signed: bool = False  # carries a signature (written by a keyed store)
    epoch: int = 0  # the newest restore this seat has learned of (learn_restore)


class HeadFile:
    """The chain head kept outside the database, signed with the store's key when there is one.
    It only moves forward (`advance`, which never recreates a missing file); `reset` writes it
    whatever was there (store creation, restore, key import, `audit heads reset`)."""

    def __init__(self, path: Path, key: ChainKey | None = None) -> None:
        self.path = path
        self.key = key

    def _signed_text(self, seq: int, h: str, epoch: int = 0) -> str:
        if not self.key:
            return ""
        return f"{self.key.store_id}|{seq}|{h}" + (f"|restored:{epoch}" if epoch else "")

    def state(self) -> HeadState:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            head = (int(data["seq"]), str(data["hash"]))
            epoch = int(data.get("epoch", 0))
            mac = data.get("mac")
            signed = mac is not None
        except FileNotFoundError:
            return HeadState(MISSING)
        except (ValueError, KeyError, TypeError, OSError, AttributeError):
            return HeadState(UNREADABLE)
        if self.key is None or mac is None:
            return HeadState(UNSIGNED if self.key is not None else OK, head, signed, epoch)
        if not isinstance(mac, str) or mac != self.key.sign(self._signed_text(*head, epoch)):
            return HeadState(UNREADABLE, head, signed, epoch)
        return HeadState(OK, head, signed, epoch)

    def read(self) -> tuple[int, str] | None:
        """(seq, hash); None when missing; (-1, "") when unreadable or wrongly signed."""
        st = self.state()
        if st.status == MISSING:
            return None
        if st.status == UNREADABLE:
            return (-1, "")
        return st.head

    def _write(self, seq: int, h: str, epoch: int = 0) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, object] = {"seq": seq, "hash": h, "written_at": _iso(datetime.now(UTC))}
        if epoch:
            data["epoch"] = epoch
        if self.key is not None:
            data["store_id"] = self.key.store_id
            data["mac"] = self.key.sign(self._signed_text(seq, h, epoch))
        write_atomic(self.path, json.dumps(data), prefix=".audit-head-")

    def advance(self, seq: int, h: str) -> bool:
        """Move the head forward; a missing, unreadable or unsigned file is left as it is (evidence
        for verify), never recreated. Writers that committed one after the other advance it in
        turn (read, compare, write under a lock), so the head never moves back."""
        with _head_lock(self.path):
            current = self.state()
            if current.status != OK or current.head is None or current.head[0] >= seq:
                return False
            self._write(seq, h, current.epoch)
            return True

    def reset(self, seq: int, h: str, epoch: int | None = None) -> None:
        """Write the head whatever was there; the restore epoch stays what it was unless given."""
        if epoch is None:
            current = self.state()
            epoch = current.epoch if current.status == OK else 0
        self._write(seq, h, epoch)


def head_files(db) -> list[HeadFile]:
    """This seat's two head files of db (beside the store, and in the data folder per store id)."""
    files = [HeadFile(db.head_file, db.chain_key)]
    if db.data_head_file is not None:
        files.append(HeadFile(db.data_head_file, db.chain_key))
    return files


def reset_heads(db, head: tuple[int, str], epoch: int | None = None) -> None:
    """Owner action (restore, key import, `audit heads reset`): write both head files at head.
    Re-reads the store id and key first (a restore brings the backup's store id). Without the key
    nothing is written: `audit key import` starts this seat's heads."""
    reload_key(db)
    if db.chain_key is None:
        return
    epoch = max(epoch or 0, known_epoch(db), record_epoch(db))
    for hf in head_files(db):
        hf.reset(*head, epoch)
    if db.keychain_head is not None:
        db.keychain_head.reset(*head)


def adopt_key(db, key: ChainKey, where: str) -> VerifyResult:
    """Owner action `audit key import`: check that key fits db's whole trail (and this seat's
    heads signed with it), save it, and start this seat's missing or foreign head files."""
    old = db.chain_key
    db.chain_key = key
    heads = head_files(db)
    signed = [hf for hf in heads if hf.state().status == OK]  # this key's heads are evidence: honour them
    with db.read_session() as s:
        result = verify(s, None, key=key, heads=signed)
    if not result.ok:
        db.chain_key = old
        raise keys.KeyFileError(t("{file} does not fit the audit trail of {where}: {problem}.", file=where,
                                  where=db.where, problem=result.problem))
    keys.KeyStore(db.data_dir).save(key)
    epoch = max(known_epoch(db), record_epoch(db))
    for hf in heads:
        if hf not in signed:
            hf.reset(*result.head, epoch)
    return result


def reset_heads_checked(db) -> VerifyResult:
    """Owner action `audit heads reset` (e.g. after a head file was lost): only when the trail in
    the database checks out under the key, record its end in both head files."""
    key = require_key(db)
    with db.read_session() as s:
        rows = seat_rows(s, key)
        result = verify(s, None, key=key, seats=[r for r in rows if r.signed])  # the other seats' evidence counts
    if not result.ok:
        raise AuditTrailDamaged(t("The audit trail of {where} is damaged ({problem}); restore a backup "
                                  "instead of resetting the heads.", where=db.where, problem=result.problem))
    forged = [r.seat for r in rows if not r.signed]
    if forged:  # rows nobody with the key wrote are evidence of nothing: they would only stop every write
        from shop_orders.store.models import SeatHead

        session = db.write_session()
        try:
            lock_head(session)
            session.execute(SeatHead.__table__.delete().where(SeatHead.__table__.c.seat.in_(forged)))
            session.commit()
        finally:
            session.close()
    epoch = max(known_epoch(db), record_epoch(db))
    for hf in head_files(db):
        hf.reset(*result.head, epoch)
    if db.keychain_head is not None:
        db.keychain_head.reset(*result.head)
    return result


def advance_heads(db, head: tuple[int, str]) -> None:
    """After a commit. A head that cannot be written stays behind, which is still on the chain
    (the next write checks it); the commit itself stands."""
    for hf in head_files(db):
        try:
            hf.advance(*head)
        except OSError as exc:
            log.warning("audit head file %s could not be advanced: %s", hf.path.name, exc.strerror)
    if db.keychain_head is not None:
        db.keychain_head.advance(*head)


def event_hash(session: Session, seq: int) -> str | None:
    table = AuditEvent.__table__
    return session.execute(select(table.c.hash).where(table.c.id == seq)).scalar_one_or_none()


def check_heads(session: Session, db, locked: tuple[int, str]) -> None:
    """Before a write: this seat's head files must both be there and name an event the database
    still holds with that hash. Otherwise the trail was truncated or the heads were tampered
    with: raise AuditTrailDamaged and write nothing (the head files keep the evidence)."""
    seq, h = locked
    # Another seat restored a backup: follow it when behind, if it signed so; else learn its epoch
    # at least, so that the same record is never followed later (one PK read and an HMAC). A record
    # written outside the app stops writing only where it would matter (this seat is behind);
    # `audit verify` reports it either way.
    try:
        learn_restore(db, session)
    except StoreError:
        if _behind_the_chain(session, db, seq, h):
            raise
    for hf in head_files(db):
        st = hf.state()
        if st.status == MISSING:
            raise AuditTrailDamaged(t(
                "The audit head file {path} of {where} is missing: writing stopped; run "
                "`shop-orders audit verify`, then `shop-orders audit heads reset` if the trail is intact.",
                path=hf.path, where=db.where))
        if st.status != OK:
            raise AuditTrailDamaged(t(
                "The audit head file {path} of {where} was changed outside Shop Orders: writing stopped; "
                "run `shop-orders audit verify`.", path=hf.path, where=db.where))
        assert st.head is not None  # an OK state carries its head
        mine, mine_hash = st.head
        if mine > seq or (mine == seq and mine_hash != h) or (
                mine < seq and (GENESIS if mine == 0 else event_hash(session, mine)) != mine_hash):
            raise AuditTrailDamaged(t(
                "The audit trail of {where} ends at event #{seq} but this seat recorded #{mine}: writing "
                "stopped; run `shop-orders audit verify` and restore a backup.", where=db.where, seq=seq, mine=mine))
    if db.chain_key is not None:
        _check_seat_heads(session, db, seq, h, db.chain_key)
    _check_keychain_head(session, db, seq, h)


# --- a restore, as the other seats learn of it ------------------------------------------------
# A restore puts the store back to a backup's chain, which ends before what the other seats'
# head files recorded: without more they would stop writing with a tamper alarm. So the restoring
# seat records the restore in a settings row signed with the audit key (RESTORED_SETTING: an
# epoch, the restored head, who and when) and an audit event. Another seat whose heads are ahead
# of the chain follows a signed restore newer than the newest it knows (the epoch in its head
# files): its heads are reset to the restored head (not to the chain's end: a cut made after the
# restore is still found by the seat heads on the server) and it says so once. Nobody without the
# key can write such a row; a replayed older one is not newer than what the seats know.

RESTORED_SETTING = "store_restored"


def _behind_the_chain(session: Session, db, seq: int, h: str) -> bool:
    """This seat's head files name an event the chain does not hold (or no longer holds)."""
    for hf in head_files(db):
        st = hf.state()
        if st.status == OK and st.head is not None:
            mine, mine_hash = st.head
            if mine > seq or (mine == seq and mine_hash != h) or (
                    mine < seq and (GENESIS if mine == 0 else event_hash(session, mine)) != mine_hash):
                return True
    return False


def _restore_record(session: Session) -> dict | None:
    """The signed restore row (its signature checked: a forged one raises RowTampered)."""
    from shop_orders.store import signing

    row = session.get(Setting, RESTORED_SETTING)
    if row is None:
        return None
    signing.check(session, row)
    try:
        data = json.loads(row.value)
        data["epoch"], data["head"] = int(data["epoch"]), (int(data["head"][0]), str(data["head"][1]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return data


def _own_head_files(db) -> list[HeadFile]:
    """The head files that are this seat's alone: on SQLite not the one beside the store (every
    user of the file shares it, and whoever can write the store's folder can put an old copy
    back), on PostgreSQL both."""
    files = head_files(db)
    return files[1:] if db.is_sqlite and len(files) > 1 else files


def known_epoch(db) -> int:
    """The newest restore this seat has learned of, from its own head files."""
    return max((st.epoch for st in (hf.state() for hf in _own_head_files(db)) if st.status == OK), default=0)


def record_epoch(db, session: Session | None = None) -> int:
    """The epoch of the store's signed restore record (0 when none, or one that does not check):
    head files started afresh (key import, heads reset, a new seat) start knowing it, so an old
    record is never followed again."""
    if db.chain_key is None:
        return 0
    if session is None:
        with db.read_session() as s:
            return record_epoch(db, s)
    try:
        data = _restore_record(session)
    except StoreError:
        return 0
    return data["epoch"] if data is not None else 0


def learn_restore(db, session: Session | None = None) -> str | None:
    """Follow a restore another seat made since this seat last wrote; returns what to tell the
    person ("The store was restored to ... by ..."), or None when there is nothing new. Head files
    that are missing or rewritten are evidence and stay as they are."""
    if db.chain_key is None:
        return None
    if session is None:
        with db.read_session() as s:
            return learn_restore(db, s)
    data = _restore_record(session)
    if data is None or data["epoch"] <= known_epoch(db):
        return None
    states = [hf.state() for hf in head_files(db)]
    if any(st.status != OK for st in states):
        return None
    seq, h = data["head"]
    if (GENESIS if seq == 0 else event_hash(session, seq)) != h:
        return None  # the restored head is not on the chain: not a restore this seat can follow
    if _behind_the_chain(session, db, *read_head(session)):
        for hf in head_files(db):
            hf.reset(seq, h, data["epoch"])
        if db.keychain_head is not None:
            db.keychain_head.reset(seq, h)
    else:  # this seat's heads are on the restored chain already: it only learns the epoch
        for hf, st in zip(head_files(db), states, strict=True):
            assert st.head is not None  # an OK state carries its head
            hf.reset(*st.head, data["epoch"])
    notice = t("The store was restored to the backup of {backup} by {who} at {at}; this seat goes on from there.",
               backup=str(data.get("backup_at", "?"))[:16].replace("T", " "), who=str(data.get("by", "?")),
               at=_local_time(str(data.get("at", ""))))
    db.restore_notice = notice
    return notice


def _local_time(iso: str) -> str:
    try:
        return f"{datetime.fromisoformat(iso).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        return "?"


def restore_epoch(db) -> int:
    """A new restore's epoch: after every one this seat knows (microseconds since 1970)."""
    import time

    newest = max(known_epoch(db), record_epoch(db))  # a PC whose clock is behind still goes after them
    return max(time.time_ns() // 1000, newest + 1)


# --- every seat's head, on the server ---------------------------------------------------------
# The head files are this seat's own: a cut of events another seat wrote after this seat last
# looked is invisible to them. So each seat's newest head is also kept in the database
# (seat_heads, one row per seat, signed with the audit key, written in the transaction of every
# write): before writing, a seat checks every seat's row, so it never writes over a cut of events
# any seat has seen, and `audit verify` reports such a cut on every seat. Without the key nobody
# can write a row that checks; a row deleted or put back to an older signed one is noticed by the
# seat it belongs to (its head files are ahead), not by the others.


class SeatRow(NamedTuple):
    seat: str
    host: str
    seq: int
    hash: str
    signed: bool  # the row's mac checks under this seat's key


def seat_id(db) -> str:
    """This seat: its computer and data folder (two windows of one user on one PC are one seat,
    as they share their head files)."""
    import socket

    where = f"{socket.gethostname()}|{Path(db.data_dir).resolve() if db.data_dir else ''}"
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:32]


def _seat_text(key: ChainKey, seat: str, seq: int, h: str) -> str:
    return f"seat|{key.store_id}|{seat}|{seq}|{h}"


def write_seat_head(session: Session, db, head: tuple[int, str], key: ChainKey) -> None:
    """This seat's row at head, in the caller's (write) transaction."""
    import socket

    from shop_orders.store.models import SeatHead

    seat = seat_id(db)
    values = {"seat": seat, "host": (socket.gethostname() or "?")[:255], "seq": head[0], "hash": head[1],
              "mac": key.sign(_seat_text(key, seat, *head)), "at": datetime.now(UTC)}
    table = SeatHead.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    stmt = upsert(table).values(**values)
    session.execute(stmt.on_conflict_do_update(index_elements=["seat"],
                                               set_={k: stmt.excluded[k] for k in values if k != "seat"}))


def seat_rows(session: Session, key: ChainKey | None) -> list[SeatRow]:
    from shop_orders.store.models import SeatHead

    t_ = SeatHead.__table__
    rows = session.execute(select(t_.c.seat, t_.c.host, t_.c.seq, t_.c.hash, t_.c.mac).order_by(t_.c.seat)).all()
    return [SeatRow(r.seat, r.host, int(r.seq), r.hash,
                    key is not None and r.mac == key.sign(_seat_text(key, r.seat, int(r.seq), r.hash)))
            for r in rows]


def _check_seat_heads(session: Session, db, seq: int, h: str, key: ChainKey) -> None:
    """Before a write: every seat's row on the server is signed and names an event the chain holds."""
    for row in seat_rows(session, key):
        if not row.signed:
            raise AuditTrailDamaged(t(
                "The audit head of the seat on {host}, kept in {where}, was changed outside Shop Orders: writing "
                "stopped; run `shop-orders audit verify`.", host=row.host, where=db.where))
        if row.seq > seq or (row.seq == seq and row.hash != h) or (
                row.seq < seq and (GENESIS if row.seq == 0 else event_hash(session, row.seq)) != row.hash):
            raise AuditTrailDamaged(t(
                "The audit trail of {where} ends at event #{seq} but the seat on {host} recorded #{mine}: writing "
                "stopped; run `shop-orders audit verify` and restore a backup.", where=db.where, seq=seq,
                host=row.host, mine=row.seq))


def require_key(db) -> ChainKey:
    if db.chain_key is None and getattr(db, "replaced_store_id", None):
        raise AuditTrailDamaged(t(
            "The audit store id of {where} is not the one this computer keyed there: writing stopped; run "
            "`shop-orders audit verify` and restore a backup (or import the new store's key).", where=db.where))
    if db.chain_key is None:
        raise AuditKeyMissing(t(
            "This computer has no key for the audit trail of {where}, so it may read but not write: on a seat "
            "that has it run `shop-orders audit key export FILE`, then here `shop-orders audit key import FILE`.",
            where=db.where))
    return db.chain_key


def reload_key(db) -> None:
    """Read the store id from the database again and load its key and head paths (after restore)."""
    with db.read_session() as s:
        sid = store_id(s)
    db.store_id = sid if keys.valid_store_id(sid) else None
    db.chain_key = keys.KeyStore(db.data_dir).load(db.store_id) if db.store_id else None
    if db.chain_key is not None and db.chain_key.location != db.location:
        # written by an older version (the URL's text) or before the store moved: where it is now,
        # so that a replaced or removed store id is recognised here (store_for_location)
        import dataclasses

        with contextlib.suppress(OSError, keys.KeyFileError):
            db.chain_key = dataclasses.replace(db.chain_key, location=db.location)
            keys.KeyStore(db.data_dir).save(db.chain_key)
    db.replaced_store_id = None
    if db.store_id and db.chain_key is None:  # another id than the one this computer keyed here?
        mine = keys.KeyStore(db.data_dir).store_for_location(db.location)
        db.replaced_store_id = mine if mine and mine != db.store_id else None
    db.data_head_file = data_head_file_for(db.url, db.data_dir, db.store_id, db.location) if db.store_id else None
    _carry_legacy_heads(db)
    _carry_by_store_id(db)
    _start_keychain_head(db)


def _carry_legacy_heads(db) -> None:
    """PostgreSQL head files named by an older version after the URL's text are moved to their
    names by the server's identity (store/db.py server_location), once; never over a newer one."""
    if db.is_sqlite or db.data_dir is None:
        return
    from shop_orders.store.db import legacy_head_files

    old = legacy_head_files(db.url, db.data_dir, db.store_id)
    for legacy, new in zip(old, [db.head_file, db.data_head_file], strict=False):
        if new is not None and legacy is not None and legacy != new and legacy.exists() and not new.exists():
            try:
                os.replace(legacy, new)
            except OSError as exc:
                log.warning("audit head file %s could not be carried over: %s", legacy.name, exc.strerror)


def _carry_by_store_id(db) -> None:
    """A store that moved (a PostgreSQL server upgraded by dump and restore or pg_upgrade has a new
    system identifier; an SQLite file moved to another folder): this seat's head files for it are
    found by its store id (signed inside them) and carried to the names of the new location, so the
    seat goes on instead of stopping at "head file missing". Never over an existing file."""
    if db.data_dir is None or db.store_id is None:
        return
    targets = [db.data_head_file] + ([] if db.is_sqlite else [db.head_file])
    missing = [p for p in targets if p is not None and not p.exists()]
    folder = Path(db.data_dir) / "audit-heads"
    if not missing or not folder.is_dir():
        return
    best: tuple[int, Path] | None = None
    for f in folder.glob("*.json"):
        if f in targets:
            continue
        try:
            d = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (isinstance(d, dict) and d.get("store_id") == db.store_id and isinstance(d.get("seq"), int)
                and (best is None or d["seq"] > best[0])):
            best = (d["seq"], f)
    if best is None:
        return
    text = best[1].read_text(encoding="utf-8")
    for p in missing:
        write_atomic(p, text, prefix=".audit-head-")
        log.info("audit head file carried over from %s to %s (the store moved)", best[1].name, p.name)


def _start_keychain_head(db) -> None:
    """This user's keychain copy of the head (store/keychain.py), started at the database's head
    when the keychain has none for this store yet."""
    from shop_orders.store import keychain

    kc = keychain.head_for(db.chain_key)
    db.keychain_head = kc
    if kc is not None and kc.read() is None:
        with db.read_session() as s:
            kc.reset(*read_head(s))


def _check_keychain_head(session: Session, db, seq: int, h: str) -> None:
    """Before the first write of this open store: the keychain's head is on the chain."""
    kc = db.keychain_head
    if kc is None or getattr(kc, "checked", False):
        return
    mine = kc.read()
    if mine is not None and (mine[0] < 0 or mine[0] > seq or (mine[0] == seq and mine[1] != h) or (
            mine[0] < seq and (GENESIS if mine[0] == 0 else event_hash(session, mine[0])) != mine[1])):
        raise AuditTrailDamaged(t(
            "The audit trail of {where} ends at event #{seq} but this computer's keychain recorded #{mine}: the store "
            "was put back to an earlier state or its trail was cut; writing stopped; run `shop-orders audit verify` "
            "and restore a backup.", where=db.where, seq=seq, mine=mine[0]))
    kc.checked = True


def _was_keyed(session: Session) -> bool:
    """True when a store without a store id was nevertheless written by a keyed version: a row
    is signed or sealed, a seat head is kept, or its chain is not a plain sha256 chain. Then the id
    row was deleted (a new seat would otherwise re-key the store and lock the real seats out)."""
    from shop_orders.store.models import Order, SeatHead, User

    for probe in (select(Setting.__table__.c.key).where(Setting.__table__.c.signature != ""),
                  select(User.__table__.c.id).where(User.__table__.c.signature != ""),
                  select(Order.__table__.c.id).where(Order.__table__.c.seal != ""),
                  select(SeatHead.__table__.c.seat)):
        if session.execute(probe.limit(1)).first() is not None:
            return True
    return not verify(session, None).ok  # no store id: checked as a plain sha256 chain


def ensure_keyed(db) -> None:
    """At open: give a store without a store id (new, or written by an older version) its id, key
    and head files; load the key of a keyed one. An older store's sha256 chain is kept as it is
    (verify checks it with sha256 up to `keyed_from`); its head file is carried over, signed."""
    _carry_legacy_heads(db)
    with db.read_session() as s:
        sid = store_id(s)
    if sid is None:
        session = db.write_session()
        try:
            seq, h = lock_head(session)
            sid = store_id(session)
            if sid is None:
                known = keys.KeyStore(db.data_dir)
                if seq > 0 and (known.store_for_location(db.location) or known.store_for_location(db.where)):
                    raise AuditTrailDamaged(t(
                        "The audit store id of {where} was removed from the database, which this computer "
                        "keyed before: writing stopped; run `shop-orders audit verify` and restore a backup.",
                        where=db.where))
                old = HeadFile(db.head_file).state()
                if _was_keyed(session):
                    raise AuditTrailDamaged(t(
                        "The audit store id of {where} is missing, but the store was written under an audit key "
                        "(its trail, signed rows or seat heads say so): writing stopped; run `shop-orders audit "
                        "verify` and restore a backup.", where=db.where))
                if seq > 0 and old.signed:
                    raise AuditTrailDamaged(t(
                        "The audit store id of {where} was removed from the database: writing stopped; "
                        "run `shop-orders audit verify` and restore a backup.", where=db.where))
                sid = keys.new_store_id()
                key = keys.KeyStore(db.data_dir).create(sid, seq + 1, db.location)
                session.add(Setting(key=keys.STORE_ID_SETTING, value=json.dumps(sid), updated_at=datetime.now(UTC)))
                session.commit()
                carried = old.head if old.status == OK and old.head is not None and seq > 0 else (seq, h)
                db.store_id, db.chain_key = sid, key
                db.data_head_file = data_head_file_for(db.url, db.data_dir, sid, db.location)
                for hf in head_files(db):
                    hf.reset(*carried)
                _start_keychain_head(db)
                return
        finally:
            session.close()
    reload_key(db)


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head: tuple[int, str]
    problem: str | None = None
    broken_event: int | None = None
    kind: str | None = None  # what kind of damage (see KINDS)

    @property
    def ok(self) -> bool:
        return self.problem is None


KINDS = {
    "missing-event": N_("an event was deleted from the middle of the chain"),
    "inserted": N_("an event was inserted, replaced or reordered"),
    "altered": N_("an event's content (or hash) was changed, or it was forged without the key"),
    "head-row": N_("the database's own head row does not match its chain"),
    "truncated": N_("the newest events were deleted (the chain ends before a head kept outside)"),
    "head-mismatch": N_("a head kept outside names a different event than the chain holds"),
    "head-missing": N_("a head file is missing"),
    "head-forged": N_("a head file is unreadable or not signed with the store's key"),
    "heads-disagree": N_("the two head files name different events (one was reset or rewritten)"),
    "no-key": N_("this computer has no key for the store's chain"),
}


def key_for(session: Session) -> ChainKey | None:
    """This seat's key for the store the session reads (by its store id), if it has one."""
    return _default_key(session)[0]


def _default_key(session: Session) -> tuple[ChainKey | None, str | None]:
    from shop_orders import paths

    sid = store_id(session)
    if sid is None:
        return None, None
    if not keys.valid_store_id(sid):
        return None, sid
    return keys.KeyStore(paths.data_dir()).load(sid), sid


def verify(session: Session, outside_head: tuple[int, str] | None = None, batch: int = 20000, *,
           key: ChainKey | None = None, heads: Sequence[HeadFile] = (),
           progress: Callable[[int], object] | None = None, first_head_shared: bool = False,
           behind: tuple[int, str] | None = None, seats: Sequence[SeatRow] = ()) -> VerifyResult:
    """Walk the whole chain once; name the first event that does not match, then check the heads
    kept outside (`outside_head`, e.g. a backup manifest's, and this seat's head files).

    Without `key`, the key of the store id found in the database is looked up in this user's data
    folder (paths.data_dir()). A store without a store id (written by an older version) is checked
    as a plain sha256 chain. `progress(events checked)` is called after every batch.

    The head files must agree; when `first_head_shared` (SQLite: every user of the file advances
    the head beside it, the data-folder one is this user's own), the first may be ahead of the
    second but never behind it. `behind` is a head kept elsewhere that may lag (this computer's
    keychain, store/keychain.py): it must name an event of the chain. `seats` are every seat's
    heads kept in the database (read before the walk, so they name events the walk will see)."""
    if key is None:
        key, sid = _default_key(session)
        if sid is not None and key is None:
            return VerifyResult(0, (0, GENESIS),
                                t("this computer has no key for the audit chain of store {store}; import it with "
                                  "`shop-orders audit key import FILE`", store=sid), None, "no-key")
    states = [(hf, hf.state()) for hf in heads]
    targets = _targets(outside_head, behind, states, seats)
    for h in targets.get(0, []):
        if h != GENESIS:
            return VerifyResult(0, (0, GENESIS), t("the head recorded outside the database does not match the "
                                                   "start of the audit chain"), 1, "head-mismatch")
    walked = _walk(session, key, targets, batch, progress)
    if isinstance(walked, VerifyResult):
        return walked
    count, last_id, prev = walked
    end = (last_id, prev)
    head = read_head(session)
    if head != end:
        return VerifyResult(count, end,
                            t("the audit chain ends at event #{last} but the database's head says #{head}",
                              last=last_id, head=head[0]),
                            last_id + 1, "head-row")
    beyond = max((s for s in targets if s > last_id), default=None)
    if beyond is not None:
        return VerifyResult(count, end,
                            t("audit events #{first} to #{beyond} are missing: the chain ends at #{last} "
                              "but the head recorded outside the database is #{beyond}", first=last_id + 1,
                              beyond=beyond, last=last_id), last_id + 1, "truncated")
    problem = _outside_problem(outside_head, behind, seats, states, first_head_shared)
    if problem is not None:
        return VerifyResult(count, end, problem[0], None, problem[1])
    return VerifyResult(count, end)


def _targets(outside_head: tuple[int, str] | None, behind: tuple[int, str] | None,
             states: Sequence[tuple[HeadFile, Any]], seats: Sequence[SeatRow]) -> dict[int, list[str]]:
    """seq -> the hashes the heads kept outside the chain name for it."""
    targets: dict[int, list[str]] = {}
    named = [h for h in [outside_head, behind] if h is not None and h[0] >= 0]
    named += [st.head for _, st in states if st.status in (OK, UNSIGNED) and st.head is not None]
    named += [(r.seq, r.hash) for r in seats if r.signed]
    for seq, h in named:
        targets.setdefault(seq, []).append(h)
    return targets


def _walk(session: Session, key: ChainKey | None, targets: dict[int, list[str]], batch: int,
          progress: Callable[[int], object] | None) -> VerifyResult | tuple[int, int, str]:
    """Walk the chain from its first event: the first event that does not match, or (events
    checked, last id, last hash). A store without a key is checked as a plain sha256 chain."""
    keyed_from = key.keyed_from if key is not None else 1 << 62
    base = key.mac() if key is not None else None
    sha256 = hashlib.sha256
    prev, expected, count = GENESIS, 1, 0
    last_id = 0
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    # Plain driver rows (no ORM row objects) and, on SQLite, the stored UTC text turned into the
    # canonical ISO form by slicing: the walk costs about what a bare sqlite3 + hashlib loop does
    # (tests/bench/bench_audit.py).
    query = (f"SELECT {', '.join(_WALK)} FROM audit_events WHERE id >= {mark} ORDER BY id LIMIT {mark}")
    # The driver's type for `at` depends on the dialect (text on SQLite), as does iso.
    iso: Callable[[Any], str] = _iso_text if conn.dialect.name == "sqlite" else _iso
    canonical = _canonical
    while rows := conn.exec_driver_sql(query, (expected, batch)).fetchall():
        for row in rows:
            r = _Walked(*row)
            if r.id != expected or r.prev_hash != prev:
                return _out_of_place(r, count, expected, prev)
            msg = (prev + canonical(_fields(r.id, iso(r.at), r))).encode("utf-8")
            if base is not None and r.id >= keyed_from:
                m = base.copy()
                m.update(msg)
                h = m.hexdigest()
            else:
                h = sha256(msg).hexdigest()
            if h != r.hash:
                return VerifyResult(count, (expected - 1, prev),
                                    t("audit event #{n} ({action} {field} of {order}) was altered "
                                      "or forged after it was recorded", n=r.id, action=r.action, field=r.field,
                                      order=r.order_no or t("shop")), r.id, "altered")
            if r.id in targets and any(x != r.hash for x in targets[r.id]):
                return VerifyResult(count, (r.id, r.hash),
                                    t("audit event #{n} does not match the head recorded outside the database",
                                      n=r.id),
                                    r.id, "head-mismatch")
            prev, expected, count, last_id = r.hash, expected + 1, count + 1, r.id
        if progress is not None:
            progress(count)
    return count, last_id, prev


def _out_of_place(r: Any, count: int, expected: int, prev: str) -> VerifyResult:
    """An event that is not the one expected next: one is missing, or this one does not follow."""
    if r.id != expected:
        return VerifyResult(count, (expected - 1, prev),
                            t("audit event #{n} is missing (deleted from the chain)", n=expected), expected,
                            "missing-event")
    return VerifyResult(count, (expected - 1, prev),
                        t("audit event #{n} does not follow event #{previous} (inserted or replaced)",
                          n=r.id, previous=r.id - 1),
                        r.id, "inserted")


def _outside_problem(outside_head: tuple[int, str] | None, behind: tuple[int, str] | None,
                     seats: Sequence[SeatRow], states: Sequence[tuple[HeadFile, Any]],
                     first_head_shared: bool) -> tuple[str, str] | None:
    """What is wrong with the heads kept outside the chain, once the chain itself checked out:
    (message, kind), or None."""
    if outside_head is not None and outside_head[0] < 0:
        return t("the audit head file outside the database is unreadable"), "head-forged"
    if behind is not None and behind[0] < 0:
        return t("the audit head in this computer's keychain was rewritten (its signature does not match)"), \
            "head-forged"
    for sr in seats:
        if not sr.signed:
            return t("the audit head of the seat on {host} kept in the database is not signed with the store's key",
                     host=sr.host), "head-forged"
    for hf, st in states:
        if st.status == MISSING:
            return t("the audit head file {path} is missing", path=hf.path), "head-missing"
        if st.status in (UNREADABLE, UNSIGNED):
            return t("the audit head file {path} is unreadable or was rewritten (its signature does not match)",
                     path=hf.path), "head-forged"
    # Every state is OK here, and an OK state carries its head.
    ok = [(hf, st.head) for hf, st in states if st.head is not None]
    seen = {head for _, head in ok}
    if first_head_shared and len(ok) == 2 and ok[0][1][0] > ok[1][1][0]:
        seen = set()  # another user of the same file wrote since this user's last write
    if len(seen) > 1:
        listed = ", ".join(t("{file} says #{n}", file=hf.path.name, n=head[0]) for hf, head in ok)
        return t("the two audit head files disagree ({listed}): one was reset or rewritten", listed=listed), \
            "heads-disagree"
    return None


def verify_database(db, session: Session | None = None, *, progress: Callable[[int], object] | None = None
                    ) -> VerifyResult:
    """verify() of an open store with this seat's key and both of its head files. When the trail
    checks out, this seat's heads move forward to its end (another seat's writes are then known
    here too, so a later truncation of them is noticed by this seat as well)."""
    if db.store_id is not None and db.chain_key is None:
        return VerifyResult(0, (0, GENESIS),
                            t("this computer has no key for the audit chain of {where}; import it with "
                              "`shop-orders audit key import FILE`", where=db.where), None, "no-key")
    behind = db.keychain_head.read() if db.keychain_head is not None else None
    if session is None:
        with db.read_session() as s:
            result = verify(s, None, key=db.chain_key, heads=head_files(db), progress=progress,
                            first_head_shared=db.is_sqlite, behind=behind, seats=seat_rows(s, db.chain_key))
    else:
        result = verify(session, None, key=db.chain_key, heads=head_files(db), progress=progress,
                        first_head_shared=db.is_sqlite, behind=behind, seats=seat_rows(session, db.chain_key))
    if result.ok and db.chain_key is not None:
        advance_heads(db, result.head)
    return result
