"""The unit of work: one write transaction, its audit events, and the rules that react to them.

Usage::

    with uow_factory() as uow:
        ...change rows through uow.session, call uow.record(...)...
        uow.commit()          # nothing is written unless commit() is called

On commit the recorded events are appended to the audit hash chain (keyed: a seat without the
store's key cannot write) in the same transaction, every order touched is sealed again
(store/seals.py), then the chain head is copied outside the database. Before anything is written, this seat's head files must still name an event the
database holds (audit.check_heads): after a truncation of the trail every write stops with
AuditTrailDamaged instead of overwriting the evidence. Rules (callables registered in `rules`)
see every batch of events before commit and may make further changes in the same transaction.

Where the rules come from: this module knows no rule. The composition root installs the rules
every unit of work runs by default (`install_default_rules`): services/context.py's
`install_rules` installs the detection rules of services/rules.py (exception tickets), and the
app, the command line and the self-test call it when they open a store (`open_context`,
`AppContext`); the test suite does too when it is imported (tests/__init__.py), and so do the
benchmark scripts, so a test's `UnitOfWork(db)` runs them. A unit of
work made before anything was installed refuses to start (a forgotten composition root must not
silently skip the detection rules); `rules=()` turns them off for one unit of work (benchmarks,
bulk loads, restores).

State kept on a unit of work for the services (declared here, not set from outside):
`permission_checks` caches services/permissions.require's answers for this transaction,
`approved_sources` names the change sets being applied in it (permissions.grant_approved), and
`bulk_orders` the orders append_in_bulk wrote (the stock rule settles them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.messages import N_, t
from shop_orders.store import audit, health_rollup, seals, search_index, seats
from shop_orders.store.db import Database
from shop_orders.store.errors import DatabaseBusy, translate

Rule = Callable[["UnitOfWork", Sequence[audit.PendingEvent]], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


_default_rules: list[Rule] | None = None  # filled by the composition root (install_default_rules)


def install_default_rules(rules: Sequence[Rule]) -> None:
    """Set what every unit of work runs before its commit unless it is given its own `rules`
    (the composition root calls this; installing again replaces, never adds)."""
    global _default_rules
    _default_rules = list(rules)


def default_rules() -> list[Rule]:
    """The rules installed by the composition root; RuntimeError when none were (a programming
    error: call services.context.install_rules first, or pass rules=())."""
    if _default_rules is None:
        raise RuntimeError("no default rules are installed for the unit of work: the composition root must call "
                           "services.context.install_rules() (or pass rules=() to run none)")
    return list(_default_rules)


WAIT_FOR_SEAT_S = 60  # how long a write waits for another seat's transaction (PostgreSQL) before it gives up


class UnitOfWork:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow,
                 rules: Sequence[Rule] | None = None, waiting: Callable[[str], None] | None = None) -> None:
        """waiting(message): told when this write must wait for another seat's transaction."""
        self.db = db
        self.waiting = waiting
        self.clock = clock
        self.rules = list(default_rules() if rules is None else rules)
        self.events: list[audit.PendingEvent] = []
        self._committed = False
        # Kept for services/permissions.py, for this transaction only:
        self.permission_checks: dict[tuple[str, str, str], str | None] = {}  # (name, role, action) -> why not
        self.approved_sources: set[str] = set()  # sources of the approved change sets applied here
        # Orders written by append_in_bulk, whose events the rules do not see: the stock rule
        # (services/stock_settle.py) settles their SKUs all the same.
        self.bulk_orders: set[int] = set()

    def __enter__(self) -> UnitOfWork:
        self.key = audit.require_key(self.db)  # a seat without the chain's key reads only
        self.session = self.db.write_session()
        try:
            self._head = self._take_turn()  # writers take turns from here
            self.db.check_files_intact()  # our WAL is still the file SQLite opened (store/db.py)
            self._locked_head = self._head
        except BaseException as exc:
            self.session.close()
            translated = translate(exc, self.db.where)
            if isinstance(translated, DatabaseBusy):
                translated = _busy(self.db, translated)
            raise translated from exc
        self.now = self.clock()
        self._labelled = False
        return self

    def _take_turn(self) -> tuple[int, str]:
        """Lock the chain's head. PostgreSQL: when another seat's transaction holds it (a long
        import, an approval), say so (`waiting`) and wait up to WAIT_FOR_SEAT_S for it."""
        if self.db.is_sqlite:
            return audit.lock_head(self.session)  # BEGIN IMMEDIATE queued already (busy timeout)
        try:
            return audit.lock_head(self.session, nowait=True)
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03":
                raise
        self.session.rollback()
        if self.waiting is not None:
            holder = seats.busy_with(self.db) or (t("another seat"), "manual")
            self.waiting(t("Another seat ({host}) is busy with {work}; waiting…", host=holder[0],
                           work=t(WORK.get(holder[1], N_("a change")))))
        self.session.execute(text(f"SET LOCAL lock_timeout = '{int(WAIT_FOR_SEAT_S)}s'"))
        return audit.lock_head(self.session)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if exc is not None:
            translated = translate(exc, self.db.where)
            if isinstance(translated, DatabaseBusy) and translated is not exc:
                translated = _busy(self.db, translated)
            if translated is not exc:
                raise translated from exc

    def _label(self, source: str) -> None:
        """Name this transaction's work for the seats it makes wait (PostgreSQL; once)."""
        if not self._labelled:
            self._labelled = True
            seats.label_work(self.session.connection(), source.split(":", 1)[0] or "a change")

    def record(self, ctx: ChangeContext, action: str, *, order_id: int | None = None,
               order_no: str = "", field: str = "", old: object = None, new: object = None,
               at: datetime | None = None) -> None:
        self._label(ctx.source)
        self.events.append(audit.PendingEvent(
            at=at or self.now, actor=ctx.actor.name, source=ctx.source, order_id=order_id,
            order_no=order_no, action=action, field=field,
            old=None if old is None else str(old), new=None if new is None else str(new),
            reason=ctx.reason, role=ctx.actor.role,
            approver=ctx.approver.describe() if ctx.approver is not None else "",
        ))

    def append_in_bulk(self, events: Sequence[audit.PendingEvent]) -> None:
        """Chain and insert a large batch of events now (bulk loads), and seal their orders (rows
        written before this call); rules do not see these."""
        if events:
            self._label(events[0].source)
        newest: dict[int, str] = {}
        self._head = audit.append(self.session, events, self._head, key=self.key, newest=newest)
        seals.reseal(self.session, self.key, newest, newest)
        search_index.refresh(self.session, newest)
        health_rollup.refresh(self.session, newest)
        self.bulk_orders.update(newest)

    def commit(self) -> None:
        seen, bulk = 0, bool(self.bulk_orders)
        while seen < len(self.events) or bulk:  # rules may record more events; they see those too
            bulk = False  # a bulk load's orders are seen once, even without an event of their own
            batch = self.events[seen:]
            seen = len(self.events)
            for rule in self.rules:
                rule(self, batch)
        self.session.flush()
        audit.check_heads(self.session, self.db, self._locked_head)  # raises before anything is written
        newest: dict[int, str] = {}
        self._head = audit.append(self.session, self.events, self._head, key=self.key, newest=newest)
        # Every order this unit of work touched is sealed again, bound to its newest event (store/seals.py).
        written = seals.touched(self.session) | newest.keys()
        seals.reseal(self.session, self.key, written, newest)
        search_index.refresh(self.session, written)  # the quick search's index, same transaction
        health_rollup.refresh(self.session, written)  # the health dashboard's rollup, same transaction
        if self._head != self._locked_head:
            audit.write_head(self.session, self._head)
            audit.write_seat_head(self.session, self.db, self._head, self.key)  # for every other seat
        self.session.commit()
        self._committed = True
        audit.advance_heads(self.db, self._head)


WORK = {  # the first part of a change's source -> what another seat is busy with
    "import": N_("an import"), "demo": N_("adding demo data"), "scan": N_("a scan"), "manual": N_("a change"),
    "changeset": N_("applying a bulk change"), "rule": N_("the rules' sweep"), "sync": N_("a tracking sync"),
    "restore": N_("a restore"),
}


def _busy(db: Database, plain: DatabaseBusy) -> DatabaseBusy:
    """A write that waited too long for another seat: say which seat and what it is doing."""
    holder = seats.busy_with(db)
    if holder is None:
        return plain
    host, work = holder
    return DatabaseBusy(t("Another seat ({host}) is busy with {work} on {where}; nothing was changed; try again "
                          "in a moment.", host=host, work=t(WORK.get(work, N_("a change"))), where=db.where))


def uow_factory(db: Database, *, clock: Callable[[], datetime] = utcnow, rules: Sequence[Rule] | None = None,
                waiting: Callable[[str], None] | None = None) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(db, clock=clock, rules=rules, waiting=waiting)
