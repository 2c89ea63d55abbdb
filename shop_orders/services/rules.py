"""The detection rules, registered in one place: each is a plain function of an order's facts that
says what it sees (a key, such as "paid 100.00 of 168.00") or nothing, for every order status.

- `payment`: once payment is expected, the paid amount must equal the total (a cancelled order's
  must be zero: a refund is owed). Deposit orders (partially paid) are not a mismatch.
- `stuck`: an unfinished order with no update past its staleness threshold (the red flag).
- `cancel`: the channel says the customer cancelled an order that has shipped here (an import
  cannot apply that: someone must stop the parcel or arrange the return).
- `hold`: the channel flags an order that waits for shipment as held (JD's "(锁定)", "(暂停)",
  "(冻结)": domain/flags.py): a cancel ticket says not to ship it; scanning and shipping by hand
  refuse it while the flag stands.
An order whose amounts are unknown (a channel file without them) is never a payment mismatch.

Each rule names every status in its `applies` table; a rule whose table misses a status fails at
import (and a test walks them all), so a new status can never be silently skipped (seed 002's
auto-cancel incident). The logistics rules of the courier issue register here the same way.

They run:
- on every change, in the same unit of work (`on_change`, the UoW's default rule): the orders the
  change touched are checked against the rules that look at changes;
- on a timer and by `rules run` (`sweep`): the rules over every live order in the store, then
  reminders and escalation of tickets whose time has come.

A rule that fires again on an order with an active ticket of its kind adds to that ticket (only
when what it sees changed); at most one active ticket per order and kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, and_, or_, select, true
from sqlmodel import col

from shop_orders.domain import flags as flag_codes
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.money import format_minor
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, rule_note
from shop_orders.services import settings, tickets
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit
from shop_orders.store.models import Order
from shop_orders.store.queries import stale_clause

CHUNK = 900
S = Status


@dataclass(frozen=True)
class Facts:
    """What a rule may look at: an order's row as it is now."""

    id: int
    order_no: str
    status: Status
    total_minor: int
    paid_minor: int
    currency: str
    updated_at: datetime
    stale: bool = False
    flags: str = ""
    amount_known: bool = True


@dataclass(frozen=True)
class Rule:
    name: str
    kind: Kind
    applies: Mapping[Status, bool]  # every status, said explicitly
    sees: Callable[[Facts], str | None]  # the key of what it sees, or None
    says: Callable[[Facts], str]  # the note for the ticket, for people
    on_change: bool  # checked on every change (else only by the sweep)
    candidates: Callable[[datetime, Thresholds], Any] | None = None  # SQL narrowing the sweep

    def fires(self, f: Facts) -> str | None:
        if not self.applies[f.status]:
            return None
        return self.sees(f)


# ---- the rules ----------------------------------------------------------------------------------

PAYMENT_EXPECTED: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False, S.AWAITING_PAYMENT: False,
    S.PARTIALLY_PAID: False,  # a deposit: the rest is still to come, not a mismatch
    S.AWAITING_SHIPMENT: True, S.PARTIALLY_SHIPPED: True, S.SHIPPED: True, S.COMPLETED: True,
    S.CANCELLED: True,  # expected: nothing kept (what was paid is owed back)
}


def _payment_expected_minor(f: Facts) -> int:
    return 0 if f.status is S.CANCELLED else f.total_minor


def _payment_sees(f: Facts) -> str | None:
    if not f.amount_known:
        return None  # the channel's file had no amounts: nothing to compare yet
    expected = _payment_expected_minor(f)
    if f.paid_minor == expected:
        return None
    return f"paid {f.paid_minor} expected {expected}"


def _payment_says(f: Facts) -> str:
    if f.status is S.CANCELLED:
        return rule_note("{order} is cancelled but {paid} was paid and not refunded.", order=f.order_no,
                         paid=format_minor(f.paid_minor, f.currency) + " " + f.currency)
    return rule_note("{order} is {status} with {paid} paid of {total}.", order=f.order_no, status=f.status.value,
                     paid=format_minor(f.paid_minor, f.currency),
                     total=format_minor(f.total_minor, f.currency) + " " + f.currency)


def _payment_candidates(now: datetime, thresholds: Thresholds) -> Any:
    live = [s.value for s, on in PAYMENT_EXPECTED.items() if on and s is not S.CANCELLED]
    return and_(col(Order.amount_known) == true(),
                or_(and_(col(Order.status).in_(live), col(Order.paid_minor) != col(Order.total_minor)),
                    and_(col(Order.status) == S.CANCELLED.value, col(Order.paid_minor) != 0)))


STUCK_APPLIES: dict[Status, bool] = {s: s not in (S.COMPLETED, S.CANCELLED) for s in Status}


def _stuck_sees(f: Facts) -> str | None:
    return f"no update since {f.updated_at.isoformat(timespec='seconds')}" if f.stale else None


def _stuck_says(f: Facts) -> str:
    return rule_note("{order} ({status}) has had no update since {since}.", order=f.order_no,
                     status=f.status.value, since=f.updated_at.astimezone(UTC).isoformat(timespec="seconds"))


CANCEL_APPLIES: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False, S.AWAITING_PAYMENT: False, S.PARTIALLY_PAID: False,
    S.AWAITING_SHIPMENT: False,  # the channel's cancel is simply applied: nothing has left
    S.PARTIALLY_SHIPPED: True, S.SHIPPED: True, S.COMPLETED: True,  # the parcel is out: stop it or take it back
    S.CANCELLED: False,
}


def _cancel_says(f: Facts) -> str:
    return rule_note("The channel says the customer cancelled {order}, which is {status} here: stop the parcel "
                     "or arrange the return.", order=f.order_no, status=f.status.value)


HOLD_APPLIES: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False, S.AWAITING_PAYMENT: False, S.PARTIALLY_PAID: False,  # nothing to ship yet
    S.AWAITING_SHIPMENT: True, S.PARTIALLY_SHIPPED: True,  # the next parcel must wait for the channel
    S.SHIPPED: False, S.COMPLETED: False,  # gone: the cancel rule speaks if the channel cancels
    S.CANCELLED: False,
}


def _hold_sees(f: Facts) -> str | None:
    held = [x for x in flag_codes.parse(f.flags) if x in flag_codes.HOLDS]
    return "held: " + ",".join(held) if held else None


def _hold_says(f: Facts) -> str:
    return rule_note("The channel holds {order} ({flags}): do not ship it until a later file of the channel no "
                     "longer says so.", order=f.order_no, flags=f.flags)


# The courier's word on a parcel (services/tracking.py): a false "shipped" was rolled back, so
# the order is awaiting shipment again (or partially shipped when another parcel did go).
LOGISTICS_APPLIES: dict[Status, bool] = {
    S.AWAITING_CONFIRMATION: False, S.AWAITING_PAYMENT: False, S.PARTIALLY_PAID: False,  # nothing was sent
    S.AWAITING_SHIPMENT: True, S.PARTIALLY_SHIPPED: True,  # rolled back: someone must find the parcel
    S.SHIPPED: True, S.COMPLETED: True,  # a parcel among others: the courier's word still counts
    S.CANCELLED: False,  # nothing to deliver any more
}


RULES: tuple[Rule, ...] = (
    Rule("payment", Kind.PAYMENT, PAYMENT_EXPECTED, _payment_sees, _payment_says, on_change=True,
         candidates=_payment_candidates),
    Rule("stuck", Kind.STUCK, STUCK_APPLIES, _stuck_sees, _stuck_says, on_change=False,
         candidates=lambda now, thresholds: stale_clause(thresholds, now)),
    # fired by imports (channel_cancelled below), never by looking at a row
    Rule("cancel", Kind.CANCEL, CANCEL_APPLIES, lambda f: None, _cancel_says, on_change=False, candidates=None),
    Rule("hold", Kind.CANCEL, HOLD_APPLIES, _hold_sees, _hold_says, on_change=True,
         candidates=lambda now, thresholds: col(Order.flags) != ""),
    # fired by courier sync (courier_flagged below)
    Rule("logistics", Kind.LOGISTICS, LOGISTICS_APPLIES, lambda f: None, lambda f: "", on_change=False,
         candidates=None),
)
for _rule in RULES:
    assert set(_rule.applies) == set(Status), f"rule {_rule.name} does not say what it does for every status"
BY_NAME = {r.name: r for r in RULES}


def register(rule: Rule) -> None:
    """Add a rule (the courier issue's logistics rules); it must name every status."""
    global RULES
    if set(rule.applies) != set(Status):
        raise AssertionError(f"rule {rule.name} does not say what it does for every status")
    RULES = (*[r for r in RULES if r.name != rule.name], rule)
    BY_NAME[rule.name] = rule


# ---- running ------------------------------------------------------------------------------------

# `archived` is read with the facts and live orders are kept in Python, not in the SQL: SQLite
# (no statistics) takes `archived = ?` for a selective index and walks all the live orders through
# ix_orders_live_* for every chunk (a million rows a chunk, and for `id IN (...)` as well), where
# the rowid alone (`id > ?`, `id IN (...)`) reads each row once.
FACT_COLUMNS = tuple(col(c) for c in (Order.id, Order.order_no, Order.status, Order.total_minor, Order.paid_minor,
                                      Order.currency, Order.updated_at, Order.archived, Order.flags,
                                      Order.amount_known))


def _facts(row: Row, stale: bool = False) -> Facts:
    return Facts(int(row.id), row.order_no, Status(row.status), int(row.total_minor), int(row.paid_minor),
                 row.currency, row.updated_at, stale, row.flags or "", bool(row.amount_known))


@dataclass
class Outcome:
    opened: int = 0
    updated: int = 0
    reminded: int = 0
    escalated: int = 0
    summarised: int = 0  # orders gathered into summary tickets (history)

    def add(self, what: str) -> None:
        if what == "opened":
            self.opened += 1
        elif what == "updated":
            self.updated += 1
        elif what == "summarised":
            self.summarised += 1


def _fire(uow: UnitOfWork, rule: Rule, facts: Iterable[Facts], outcome: Outcome,
          rules_cache: list[tickets.TicketRules], history: History | None = None) -> None:
    """The rule over a chunk of live orders' facts, set-wise: what it sees that their tickets do
    not already hold goes to tickets.detected_many (new tickets written with one executemany).
    With `history` (the sweep), the sightings on orders already stale when the store first saw
    them are marked as history (summary tickets, services/tickets.py)."""
    ctx = ChangeContext(tickets.SYSTEM, f"rule:{rule.name}")
    seen = [(f, key) for f in facts if (key := rule.fires(f)) is not None]
    if not seen:
        return
    # One query for the chunk's active tickets of this kind: a sighting its ticket already holds is
    # not news (tickets.detected would change nothing), so it costs no query of its own.
    held = tickets.active_keys(uow.session, rule.kind, [f.id for f, _ in seen])
    fresh = [(f, key) for f, key in seen if held.get(f.id) != key[:200]]
    news = [(f.id, f.order_no, key, rule.says(f)) for f, key in fresh]
    if not news:
        return
    if not rules_cache:
        rules_cache.append(tickets.ticket_rules(uow.session))
    old = history.of(uow, [f for f, _ in fresh]) if history is not None else None
    for what in tickets.detected_many(uow, ctx, rule.kind, news, rules_cache[0], old):
        outcome.add(what)


@dataclass
class History:
    """Tells history from news in the sweep: an order already past its staleness threshold when
    the store first looked at it (the first sweep, or its arrival by import when later)."""

    thresholds: Thresholds
    first: datetime

    def of(self, uow: UnitOfWork, facts: list[Facts]) -> dict[int, datetime]:
        """The last update of each of these orders whose sighting is history."""
        limits = {f.id: h for f in facts if (h := self.thresholds.hours_for(f.status)) is not None}
        if not limits:
            return {}
        came = tickets.arrivals(uow.session, list(limits))
        out = {}
        for f in facts:
            if f.id in limits:
                stale_since = f.updated_at + timedelta(hours=limits[f.id])
                if stale_since <= max(self.first, came.get(f.id, self.first)):
                    out[f.id] = f.updated_at
        return out


# Events that can change what a rule sees (and never a rule's own events, or it would loop).
WATCHED = frozenset({"create", "status", "payment", "price", "ship", "edit", "unarchive"})


def on_change(uow: UnitOfWork, batch: Sequence[audit.PendingEvent]) -> None:
    """The unit of work's default rule: the orders this batch of events touched, against the rules
    that look at changes, before the commit (same transaction)."""
    ids = sorted({e.order_id for e in batch if e.order_id is not None and e.action in WATCHED
                  and not e.source.startswith("rule:")})
    watching = [r for r in RULES if r.on_change]
    if not ids or not watching:
        return
    uow.session.flush()
    outcome, cache = Outcome(), cast("list[tickets.TicketRules]", [])
    for i in range(0, len(ids), CHUNK):
        rows = uow.session.execute(select(*FACT_COLUMNS).where(col(Order.id).in_(ids[i:i + CHUNK]))).all()
        facts = [_facts(r) for r in rows if not r.archived]
        for rule in watching:
            _fire(uow, rule, facts, outcome, cache)


def sweep(uow: UnitOfWork, now: datetime, *, every_rule: bool = True) -> Outcome:
    """Every rule over the live orders it could fire on (each narrowed in SQL), then reminders and
    escalation. `every_rule=False` (the timer): only the rules that time alone can make fire."""
    thresholds = settings.get_thresholds(uow.session)
    outcome, cache = Outcome(), cast("list[tickets.TicketRules]", [])
    history = History(thresholds, tickets.first_sweep(uow, ChangeContext(tickets.SYSTEM, "rule:sweep"), now))
    for rule in RULES:
        if rule.candidates is None or (not every_rule and rule.on_change):
            continue
        where = rule.candidates(now, thresholds)
        stale = rule.name == "stuck"
        last = 0
        while True:
            rows = uow.session.execute(select(*FACT_COLUMNS).where(col(Order.id) > last, where)
                                       .order_by(col(Order.id)).limit(CHUNK)).all()
            if not rows:
                break
            last = int(rows[-1].id)
            _fire(uow, rule, [_facts(r, stale) for r in rows if not r.archived], outcome, cache, history)
            if len(rows) < CHUNK:
                break
    outcome.reminded = len(tickets.remind_due(uow, now))
    outcome.escalated = len(tickets.escalate_due(uow, now))
    return outcome


def channel_cancelled(uow: UnitOfWork, ctx: ChangeContext, order_ids: Iterable[int]) -> Outcome:
    """An import found the channel's cancellation of orders it cannot cancel here (shipped): the
    cancel rule fires on each (a ticket, or nothing new if one is open for it)."""
    rule = BY_NAME["cancel"]
    ids = sorted(set(order_ids))
    outcome, cache = Outcome(), cast("list[tickets.TicketRules]", [])
    for i in range(0, len(ids), CHUNK):
        rows = uow.session.execute(select(*FACT_COLUMNS).where(col(Order.id).in_(ids[i:i + CHUNK]))).all()
        facts = [_facts(r) for r in rows if not r.archived]
        seen = Rule(rule.name, rule.kind, rule.applies, lambda f: "cancelled on the channel", rule.says, False)
        _fire(uow, seen, facts, outcome, cache)
    return outcome


def courier_flagged(uow: UnitOfWork, order_id: int, key: str, note: str) -> Outcome:
    """Courier sync rolled a parcel back (invalid number, failed or missing pickup): the logistics
    rule fires on its order, a ticket for the warehouse (or the open one gets what it saw)."""
    rule = BY_NAME["logistics"]
    outcome, cache = Outcome(), cast("list[tickets.TicketRules]", [])
    rows = uow.session.execute(select(*FACT_COLUMNS).where(col(Order.id) == order_id)).all()
    seen = Rule(rule.name, rule.kind, rule.applies, lambda f: key, lambda f: note, False)
    _fire(uow, seen, [_facts(r) for r in rows if not r.archived], outcome, cache)
    return outcome
