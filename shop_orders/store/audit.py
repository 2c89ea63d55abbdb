"""The tamper-evident audit trail: a hash chain over every recorded change.

Each event's hash is sha256(previous hash + canonical JSON of the event's content, its position
included), so editing, inserting, reordering or deleting a past event breaks the chain at that
event. Deleting the *newest* events (and fixing the in-table head) cannot be seen from inside the
database, so the head is also kept outside it: a small sidecar JSON file (HeadFile) next to the
database (per server for PostgreSQL) and in every backup's manifest. `verify` checks both.

Writers append in turn: a write transaction locks the single audit_head row first (SQLite's
IMMEDIATE transactions serialise writers anyway).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shop_orders.store.bulk import insert_many
from shop_orders.store.models import AuditEvent, AuditHead

GENESIS = "0" * 64


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


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# json.dumps(..., ensure_ascii=False, separators=(",", ":")) with its encoder built once.
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def digest(prev_hash: str, seq: int, e: PendingEvent | AuditEvent) -> str:
    payload = _canonical([seq, _iso(e.at), e.actor, e.source, e.order_id, e.order_no, e.action, e.field,
                          e.old, e.new, e.reason])
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def lock_head(session: Session) -> tuple[int, str]:
    row = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one()
    return int(row.seq), row.hash


COLUMNS = ("id", "at", "actor", "source", "order_id", "order_no", "action", "field", "old", "new", "reason",
           "prev_hash", "hash")


def chain_rows(
    events: Iterable[PendingEvent], seq: int, prev: str
) -> tuple[list[tuple], int, str]:
    """Give events their positions and hashes after (seq, prev); returns rows (in the order of
    COLUMNS) and the new head."""
    rows = []
    for e in events:
        seq += 1
        h = digest(prev, seq, e)
        rows.append((seq, e.at, e.actor, e.source, e.order_id, e.order_no, e.action, e.field, e.old, e.new,
                     e.reason, prev, h))
        prev = h
    return rows, seq, prev


def append(session: Session, events: Sequence[PendingEvent], head: tuple[int, str]) -> tuple[int, str]:
    """Insert events after head (locked by the caller); returns the new head. See write_head."""
    if not events:
        return head
    rows, seq, last = chain_rows(events, *head)
    insert_many(session, AuditEvent.__table__, COLUMNS, rows)
    return seq, last


def write_head(session: Session, head: tuple[int, str]) -> None:
    session.execute(update(AuditHead.__table__).where(AuditHead.id == 1).values(seq=head[0], hash=head[1]))


class HeadFile:
    """The chain head kept outside the database. It only moves forward, except on restore."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[int, str] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return int(data["seq"]), str(data["hash"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError):
            return (-1, "")  # present but unreadable: verify reports it

    def _write(self, seq: int, h: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"seq": seq, "hash": h, "written_at": _iso(datetime.now(UTC))})
        fd, tmp = tempfile.mkstemp(prefix=".audit-head-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def advance(self, seq: int, h: str) -> None:
        current = self.read()
        if current is None or current[0] < seq:
            self._write(seq, h)

    def reset(self, seq: int, h: str) -> None:
        self._write(seq, h)


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head: tuple[int, str]
    problem: str | None = None
    broken_event: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, outside_head: tuple[int, str] | None, batch: int = 20000) -> VerifyResult:
    """Walk the whole chain once; name the first event that does not match."""
    t = AuditEvent.__table__
    prev, expected, count = GENESIS, 1, 0
    outside_ok = outside_head is None or outside_head[0] == 0
    last_id = 0
    while True:
        rows = session.execute(
            select(t).where(t.c.id >= expected).order_by(t.c.id).limit(batch)
        ).all()
        if not rows:
            break
        for r in rows:
            if r.id != expected:
                return VerifyResult(count, (expected - 1, prev),
                                    f"audit event #{expected} is missing (deleted from the chain)", expected)
            if r.prev_hash != prev:
                return VerifyResult(count, (expected - 1, prev),
                                    f"audit event #{r.id} does not follow event #{r.id - 1} (inserted or replaced)", r.id)
            if digest(prev, r.id, r) != r.hash:
                return VerifyResult(count, (expected - 1, prev),
                                    f"audit event #{r.id} ({r.action} {r.field} of {r.order_no or 'shop'}) was altered after it was recorded", r.id)
            if outside_head is not None and r.id == outside_head[0]:
                if r.hash != outside_head[1]:
                    return VerifyResult(count, (r.id, r.hash),
                                        f"audit event #{r.id} does not match the head recorded outside the database", r.id)
                outside_ok = True
            prev, expected, count, last_id = r.hash, expected + 1, count + 1, r.id
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    if (head.seq, head.hash) != (last_id, prev):
        return VerifyResult(count, (last_id, prev),
                            f"the audit chain ends at event #{last_id} but the database's head says #{head.seq}",
                            last_id + 1)
    if not outside_ok:
        seq = outside_head[0] if outside_head else 0
        if seq < 0:
            return VerifyResult(count, (last_id, prev), "the audit head file outside the database is unreadable")
        return VerifyResult(count, (last_id, prev),
                            f"audit events #{last_id + 1} to #{seq} are missing: the chain ends at #{last_id} "
                            f"but the head recorded outside the database is #{seq}", last_id + 1)
    return VerifyResult(count, (last_id, prev))
