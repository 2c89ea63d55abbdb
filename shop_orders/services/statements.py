"""Importing payment and bank statements: each line kept once, all or nothing, the dry run and the
import one path.

`prepare(session, path)` reads and checks the file (adapters/statements: its format recognised by
its header, its own totals checked against its lines) and compares it with the store: which lines
are new, which the store holds already (the same provider and external id: re-importing a
statement, or one overlapping it, adds nothing). A line the store holds with another amount or
currency is refused, naming the row: two statements disagreeing about one movement is for the
bookkeeper to look at, not for the import to settle. `outcome(plan)` counts what importing the plan
does; the dry run prints it, `apply(uow, ctx, plan)` compares again inside the write transaction
(another seat may have imported meanwhile), writes the statement and its new lines, and returns
the same outcome for what it wrote.

Tamper evidence: every line gets a seal, a keyed digest (the store's audit key, domain-separated)
of what it said when imported: provider, external id, kind, amounts, currency, time, keys and memo.
The statement's row holds a keyed digest over its lines' seals, and the import is one event in the
audit chain (`statement#<id>.import`, new value: that digest and the line count). `verify(session,
key)` (run by `audit verify`) names a line changed, added or removed behind the app's back.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_orders.adapters import statements as formats
from shop_orders.adapters.statements import common
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.bulk import indexes_deferred, insert_many
from shop_orders.store.keys import ChainKey
from shop_orders.store.models import AuditEvent, StatementFile, StatementLineRow

_L = StatementLineRow.__table__.c
_F = StatementFile.__table__.c
_E = AuditEvent.__table__.c
CHUNK = 2000  # external ids per lookup
PERMISSION = "statements.import"


@dataclass(frozen=True)
class StatementPlan:
    """A statement read and compared with the store; nothing written."""

    file: str
    sha256: str
    statement: Statement
    new: tuple[StatementLine, ...]
    known: int  # lines the store holds already (same provider and id, same money)
    # Known lines the file says more about than the store holds: (line id, its statement's id,
    # the keys the provider has filled in since: a Shopify or Stripe charge's payout, ...).
    completed: tuple[tuple[int, int, dict[str, str]], ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    file: str
    format: str
    provider: str
    lines: int
    new: int
    known: int
    totals: tuple[tuple[str, int, int], ...]  # per currency of the new lines: (currency, money in, money out)
    statement_id: int | None = None  # None for a dry run, or when nothing was new
    completed: int = 0  # known lines given the keys the provider filled in since (their payout, ...)

    def describe(self) -> str:
        money = t("; ").join(t("{currency} in {money_in}, out {money_out}", currency=c, money_in=format_minor(i, c),
                            money_out=format_minor(o, c)) for c, i, o in self.totals)
        what = t("{file} ({format}): {lines} lines, {new} new, {known} already imported", file=self.file,
                 format=self.format, lines=self.lines, new=self.new, known=self.known)
        if self.completed:
            what = t("{what}; {n} of them completed with what the provider added since (their payout, ...)",
                     what=what, n=self.completed)
        return t("{what}; {money}", what=what, money=money) if money else what


def read(path: Path, fmt: str | None = None, **options: Any) -> tuple[Statement, str]:
    """The statement in the file and the file's SHA-256; nothing is written. StatementFileError
    (one sentence naming file, row and column) when the file cannot be imported as it is."""
    raw = common.read_bytes(path)
    statement = formats.read(path, fmt or None, **options)
    common.check_unique(statement.lines, path.name)  # whatever the format's parser checked
    return statement, hashlib.sha256(raw).hexdigest()



def prepare(session: Session, path: Path, fmt: str | None = None, **options: Any) -> StatementPlan:
    statement, sha = read(path, fmt, **options)
    return _compare(session, path.name, sha, statement)


def _compare(session: Session, file: str, sha: str, statement: Statement) -> StatementPlan:
    """Split the statement's lines into new and known; refuse one the store holds with other money.
    A known line whose keys the store holds empty and the file fills (a charge paid out since: its
    payout id) is completed, never changed otherwise."""
    held = _held(session, statement.provider, [line.external_id for line in statement.lines])
    new: list[StatementLine] = []
    completed: list[tuple[int, int, dict[str, str]]] = []
    for line in statement.lines:
        stored = held.get(line.external_id)
        if stored is None:
            new.append(line)
            continue
        if (stored.amount, stored.currency) != (line.amount_minor, line.currency):
            raise StatementFileError(t(
                "{where}: line {id} is already in the store from {other} with {stored}, but this file says {says}; "
                "nothing was imported", where=where(file, line.row), id=line.external_id, other=stored.file,
                stored=f"{format_minor(stored.amount, stored.currency)} {stored.currency}",
                says=f"{format_minor(line.amount_minor, line.currency)} {line.currency}"))
        fills = {f: str(getattr(line, f)) for f, have in zip(FILLABLE, stored.keys, strict=True)
                 if not have and getattr(line, f)}
        if fills:
            completed.append((stored.id, stored.statement_id, fills))
    _not_counted_twice(session, file, statement, new)
    return StatementPlan(file, sha, statement, tuple(new), len(statement.lines) - len(new), tuple(completed))


MONEY_KINDS = (LineKind.PAYMENT.value, LineKind.REFUND.value)


def _not_counted_twice(session: Session, file: str, statement: Statement, new: Sequence[StatementLine]) -> None:
    """Refuse a new payment or refund whose provider transaction the store holds, as the same kind,
    from another format of the same provider: Alipay's 业务明细 and 账务明细 show the same trades
    with ids of their own (services cannot tell the lines apart by id), so importing both for one
    period would count every sale twice. The bookkeeper imports one of them per account and period."""
    wanted = {(x.provider_txn, str(x.kind)): x for x in new if x.provider_txn and x.kind in MONEY_KINDS}
    if not wanted:
        return
    txns = sorted({txn for txn, _kind in wanted})
    sql = ("SELECT l.provider_txn, l.kind, f.file_name FROM statement_lines l JOIN statements f ON f.id = l.statement_id "
           "WHERE l.provider = {m} AND l.kind IN ({m}, {m}) AND f.format <> {m} AND l.provider_txn IN ({in})")
    for txn, kind, other in _rows_in(session, sql, (statement.provider, *MONEY_KINDS, statement.format), txns):
        line = wanted.get((txn, kind))
        if line is None:
            continue
        raise StatementFileError(t(
            "{where}: transaction {txn} is already in the store from {other}, another kind of statement of the "
            "same account; import one kind per account and period, or every sale counts twice; nothing was "
            "imported", where=where(file, line.row), txn=txn, other=other))


FILLABLE = ("merchant_order_no", "provider_txn", "refund_no", "platform_order_no", "original_txn", "payout_id")


@dataclass(frozen=True)
class _Held:
    id: int
    statement_id: int
    amount: int
    currency: str
    file: str
    keys: tuple[str, ...]  # FILLABLE's values


def _held(session: Session, provider: str, ids: Sequence[str]) -> dict[str, _Held]:
    """external id -> what the store holds of it, for the ids the store holds."""
    found: dict[str, _Held] = {}
    sql = ("SELECT l.external_id, l.id, l.statement_id, l.amount_minor, l.currency, f.file_name, "
           + ", ".join(f"l.{f}" for f in FILLABLE) + " FROM statement_lines l JOIN statements f ON f.id = l.statement_id "
           "WHERE l.provider = {m} AND l.external_id IN ({in})")
    for r in _rows_in(session, sql, (provider,), list(ids)):
        found[r[0]] = _Held(int(r[1]), int(r[2]), int(r[3]), r[4], r[5], tuple(r[6:]))
    return found


def _rows_in(session: Session, sql: str, fixed: tuple[Any, ...], values: Sequence[Any]) -> list[Any]:
    """Rows of `sql` (its parameter marks written {m}, then one IN ({in}) last) for these values,
    CHUNK at a time, sent to the driver as they are: plain text and integer columns only (one
    lookup per 2,000 lines, where SQLAlchemy's expanding IN would be compiled for each)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    out: list[Any] = []
    for i in range(0, len(values), CHUNK):
        chunk = tuple(values[i:i + CHUNK])
        text = sql.replace("{m}", mark).replace("{in}", ", ".join([mark] * len(chunk)))
        out += conn.exec_driver_sql(text, (*fixed, *chunk)).all()
    return out


def outcome(plan: StatementPlan, statement_id: int | None = None) -> ImportSummary:
    """What importing the plan does (the dry run's answer), and what apply() reports it did."""
    totals: dict[str, list[int]] = {}
    for line in plan.new:
        pair = totals.setdefault(line.currency, [0, 0])
        pair[0 if line.amount_minor >= 0 else 1] += line.amount_minor
    return ImportSummary(plan.file, plan.statement.format, plan.statement.provider, len(plan.statement.lines),
                         len(plan.new), plan.known, tuple((c, i, o) for c, (i, o) in sorted(totals.items())),
                         statement_id, len(plan.completed))


def apply(uow: UnitOfWork, ctx: ChangeContext, plan: StatementPlan) -> ImportSummary:
    """Write the statement's new lines, and complete the known lines it says more about, in this
    unit of work (compared again inside it)."""
    permissions.require(uow, ctx.actor, PERMISSION)
    plan = _compare(uow.session, plan.file, plan.sha256, plan.statement)
    statement_id = _write_new(uow, ctx, plan) if plan.new else None
    if plan.completed:
        _complete(uow, ctx, plan.completed)
    return outcome(plan, statement_id)


def _write_new(uow: UnitOfWork, ctx: ChangeContext, plan: StatementPlan) -> int:
    st = plan.statement
    times = [line.occurred_at for line in st.lines]
    row = StatementFile(provider=st.provider, format=st.format, account=st.account, file_name=plan.file[:255],
                        file_sha256=plan.sha256, period_from=st.period_from or min(times),
                        period_to=st.period_to or max(times), line_count=len(plan.new), imported_at=uow.now,
                        imported_by=ctx.actor.name)
    uow.session.add(row)
    uow.session.flush()
    assert row.id is not None
    seals: list[str] = []
    # A statement that at least doubles the lines held (the first months): its secondary indexes
    # are built once at the end rather than grown a row at a time (SQLite; store/bulk.py).
    with indexes_deferred(uow.session, [StatementLineRow.__table__], len(plan.new)):
        for i in range(0, len(plan.new), 5000):
            batch = [_row(row.id, st.provider, line, uow.key) for line in plan.new[i:i + 5000]]
            seals.extend(b[-1] for b in batch)
            insert_many(uow.session, StatementLineRow.__table__, ROW_COLUMNS, batch)
    row.digest = statement_digest(uow.key, row.id, seals)
    uow.record(ctx, "statement", field=f"statement#{row.id}.import", new=f"{row.digest} {len(plan.new)}")
    return row.id


def _complete(uow: UnitOfWork, ctx: ChangeContext, completed: Sequence[tuple[int, int, dict[str, str]]]) -> None:
    """Fill in the keys, seal the lines again, and each statement they belong to (one event each)."""
    touched: dict[int, int] = {}
    for line_id, statement_id, fills in completed:
        uow.session.execute(StatementLineRow.__table__.update().where(_L.id == line_id).values(**fills))
        line = uow.session.execute(select(StatementLineRow.__table__).where(_L.id == line_id)).one()
        uow.session.execute(StatementLineRow.__table__.update().where(_L.id == line_id).values(seal=_seal_of(uow.key, line)))
        touched[statement_id] = touched.get(statement_id, 0) + 1
    for statement_id, count in sorted(touched.items()):
        seals = list(uow.session.scalars(select(_L.seal).where(_L.statement_id == statement_id)))
        digest = statement_digest(uow.key, statement_id, seals)
        uow.session.execute(StatementFile.__table__.update().where(_F.id == statement_id).values(digest=digest))
        uow.record(ctx, "statement", field=f"statement#{statement_id}.complete", new=f"{digest} {count}")


def _seal_of(key: ChainKey, line: Any) -> str:
    """A stored line's seal from its row as it is now."""
    return line_seal(key, line.provider, line.external_id, line.kind, line.amount_minor, line.fee_minor,
                     line.currency, line.presentment_minor, line.presentment_currency, line.occurred_at,
                     [getattr(line, f) for f in KEY_FIELDS])


def import_file(uow: UnitOfWork, ctx: ChangeContext, path: Path, fmt: str | None = None, *,
                dry_run: bool = False, **options: Any) -> ImportSummary:
    """Read the file and import it in this unit of work; with dry_run, only what it would do."""
    if dry_run:
        return outcome(prepare(uow.session, path, fmt, **options))
    statement, sha = read(path, fmt, **options)
    return apply(uow, ctx, StatementPlan(path.name, sha, statement, statement.lines, 0))


# ---- seals ---------------------------------------------------------------------------------------------------

def _canonical(provider: str, external_id: str, kind: str, amount: int, fee: int, currency: str,
               presentment: int | None, presentment_currency: str, at: datetime, keys: Iterable[str]) -> str:
    return "\x1f".join([provider, external_id, kind, str(amount), str(fee), currency,
                        "" if presentment is None else str(presentment), presentment_currency,
                        at.isoformat(timespec="microseconds"), *keys])


KEY_FIELDS = ("merchant_order_no", "provider_txn", "refund_no", "platform_order_no", "original_txn", "payout_id",
              "memo", "counterparty")


def line_seal(key: ChainKey, provider: str, external_id: str, kind: str, amount: int, fee: int, currency: str,
              presentment: int | None, presentment_currency: str, at: datetime, keys: Iterable[str]) -> str:
    return key.sign_row("statement line", _canonical(provider, external_id, kind, amount, fee, currency, presentment,
                                                      presentment_currency, at, keys))


def statement_digest(key: ChainKey, statement_id: int, seals: Iterable[str]) -> str:
    return key.sign_row("statement", f"{statement_id}\x1f" + "\x1f".join(sorted(seals)))


ROW_COLUMNS = ("statement_id", "provider", "external_id", "row_no", "kind", "amount_minor", "fee_minor", "currency",
               "presentment_minor", "presentment_currency", "occurred_at", *KEY_FIELDS, "state", "rule", "reason",
               "decided_by", "seal")


def _row(statement_id: int, provider: str, line: StatementLine, key: ChainKey) -> tuple[Any, ...]:
    """The line as a row of ROW_COLUMNS (its seal last)."""
    keys = [getattr(line, f) for f in KEY_FIELDS]
    seal = line_seal(key, provider, line.external_id, str(line.kind), line.amount_minor, line.fee_minor,
                     line.currency, line.presentment_minor, line.presentment_currency, line.occurred_at, keys)
    return (statement_id, provider, line.external_id, line.row, str(line.kind), line.amount_minor, line.fee_minor,
            line.currency, line.presentment_minor, line.presentment_currency, line.occurred_at, *keys, "open", "", "",
            "", seal)


@dataclass(frozen=True)
class Tampered:
    statement_id: int
    file: str
    row: int | None  # the line's row in its file; None when the statement as a whole no longer checks
    what: str


def verify(session: Session, key: ChainKey) -> Tampered | None:
    """The first statement line whose content is not what was imported (its seal), or statement
    whose lines were added or removed (its digest, and the digest its import event recorded)."""
    recorded: dict[str, str] = {}  # statement#N -> the digest its newest event (import, complete) recorded
    for field, new in session.execute(select(_E.field, _E.new).where(_E.action == "statement",
                                                                     _E.field.like("statement#%")).order_by(_E.id)):
        recorded[field.rsplit(".", 1)[0]] = new or ""
    for st in session.scalars(select(StatementFile).order_by(_F.id)):
        seals: list[str] = []
        for line in session.scalars(select(StatementLineRow).where(_L.statement_id == st.id).order_by(_L.row_no)):
            if not hmac.compare_digest(_seal_of(key, line), line.seal):
                return Tampered(st.id or 0, st.file_name, line.row_no, t("the line is not what was imported"))
            seals.append(line.seal)
        digest = statement_digest(key, st.id or 0, seals)
        event = recorded.get(f"statement#{st.id}", "")
        if not hmac.compare_digest(digest, st.digest) or event.split(" ")[0] != digest:
            return Tampered(st.id or 0, st.file_name, None,
                            t("its lines are not the ones imported (a line was added or removed)"))
    return None



@dataclass(frozen=True)
class StatementInfo:
    id: int
    provider: str
    format: str
    account: str
    file: str
    period_from: datetime | None
    period_to: datetime | None
    lines: int
    imported_at: datetime
    imported_by: str
    open: int  # lines not yet matched or excluded


def listing(session: Session) -> list[StatementInfo]:
    """Every imported statement, newest first, with how many of its lines are still open."""
    from sqlalchemy import func

    still: dict[int, int] = {sid: n for sid, n in session.execute(
        select(_L.statement_id, func.count()).where(_L.state == "open").group_by(_L.statement_id))}
    return [StatementInfo(st.id or 0, st.provider, st.format, st.account, st.file_name, st.period_from, st.period_to,
                          st.line_count, st.imported_at, st.imported_by, still.get(st.id or 0, 0))
            for st in session.scalars(select(StatementFile).order_by(_F.id.desc()))]
