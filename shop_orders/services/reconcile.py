"""Matching statement lines to orders (issue 27 item 3), and the bookkeeper's decisions by hand.

`run` applies the rule chain (domain/reconcile.py RULES) to the open statement lines, set-wise
and in batches (one indexed lookup per distinct number, matches written with one executemany per
batch), then works out `order_reconciliation` again for the orders it touched:

1. `exact`, 2. `prefix`, 3. `base_order`, 4. `memo` — a payment, refund or fee line whose merchant
   order number (then platform order number, then those without a known prefix, then the base
   order number, then a number in its memo or counterparty) is exactly one order's channel order
   number or global id (SO-…), of a channel its provider pays for. Two orders fitting is no
   match: the line stays open for the bookkeeper (a weaker rule is not tried on it).
5. `amount_time` — a payment line carrying no number at all: the one live order of a channel the
   provider pays for, in the line's currency, whose paid amount equals the line's and which was
   paid within AMOUNT_WINDOW before the line and has no line yet; two candidates: no match.
6. `refund`, 7. `fee` — a refund or fee line whose original transaction (or, for a refund, its own
   transaction number: Alipay keeps the payment's 交易号) is a matched payment line's: the same order.
8. `payout` — a payout line whose lines (same provider, same payout id) add up to it: matched, and
   each of them gets `paid_out_by`; one that does not add up stays open with the difference kept
   as `reason` ("payout_difference:<minor>", see payout_difference()).
9. `not_sale` — transfers and other movements, payouts naming no payout id (Alipay's 提现 of the
   balance to the shop's bank card), and payments whose memo says 余额宝/理财/提现/…: excluded by
   rule (domain/reconcile.not_sale), never "unmatched".

A line already matched or excluded is never matched again; a line a person reopened (unmatch) is
left to people (its `rule` is "manual"). A line in another currency than the order's is matched
only through its presentment amount in the order's currency (Shopify Payments); else it stays open.

Per order: expected = the order's paid amount; received = its matched payment and refund lines
(fees apart). The state is domain/reconcile.order_state. An order of a channel a (non-bank)
provider pays for, created within the period a statement of that provider covers, paid, and
without any line, is red: money not seen. A red order gets a payment ticket (rule key
`reconcile:<order number> diff <minor>`, through tickets.detected_many as 'rule:reconcile'); when
it turns green, is confirmed or excluded, that ticket is resolved with a note (the loop closed).

Manual actions (`match_by_hand`, `unmatch`, `exclude_line`, `exclude_order`, `confirm_order`) each
run in the caller's unit of work and are in the trail: on the order when there is one (action
"reconcile", field `statement_line#<id>.<what>` or `reconcile.state`), else line-only events
(order_id None). A match by hand over the shop's threshold (setting `reconcile.two_person_minor`,
default 100000 minor units) is a change set (services/changesets.py, kind "reconcile_match"): it is
done when another person approves it. Owners, managers and bookkeepers may reconcile
(`reconcile.match` in the permission matrix).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, select, update
from sqlalchemy.orm import Session

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.reconcile import (
    BY_HAND,
    LINE_EXCLUDED,
    LINE_MATCHED,
    LINE_OPEN,
    MANUAL_STATES,
    PLATFORM_IS_BASE,
    Figures,
    Rule,
    State,
    channels_of,
    memo_numbers,
    not_sale,
    order_state,
    pays_for,
    prefixed,
    strip_prefix,
)
from shop_orders.domain.statements import LineKind
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, rule_note
from shop_orders.services import changesets, permissions, tickets
from shop_orders.services.setting_rows import put
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.bulk import insert_many, update_many
from shop_orders.store.models import (
    LineMatch,
    Order,
    OrderReconciliation,
    StatementFile,
    StatementLineRow,
)

ACTION = "reconcile.match"
THRESHOLD_KEY = "reconcile.two_person_minor"
DEFAULT_THRESHOLD = 100_000
AMOUNT_WINDOW = timedelta(days=3)
CHUNK = 900  # ids or numbers in one IN (...)
BATCH = 5000  # lines read and written at a time
TICKET_SOURCE = "rule:reconcile"
KEY_PREFIX = "reconcile:"
PAYOUT_DIFFERENCE = "payout_difference:"

L = StatementLineRow.__table__
M = LineMatch.__table__
OT = Order.__table__
R = OrderReconciliation.__table__
S = StatementFile.__table__

KEYED_KINDS = (LineKind.PAYMENT.value, LineKind.REFUND.value, LineKind.FEE.value)
RECEIVED_KINDS = (LineKind.PAYMENT.value, LineKind.REFUND.value)


@dataclass
class RunSummary:
    matched: dict[str, int] = field(default_factory=dict)  # rule -> lines matched by it in this run
    excluded: int = 0  # lines excluded by the not_sale rule in this run
    still_open: int = 0  # lines of the period still open after the run
    payouts_off: list[tuple[int, int, str]] = field(default_factory=list)  # (payout line id, difference, currency)
    states: dict[str, int] = field(default_factory=dict)  # state -> orders of the period (after the run)
    orders_touched: int = 0
    tickets_opened: int = 0
    tickets_resolved: int = 0

    @property
    def matched_total(self) -> int:
        return sum(self.matched.values())


@dataclass(frozen=True)
class HandMatch:
    """What match_by_hand did: 'matched' now, or 'proposed' (change set #change_set_id waits for
    a second person)."""

    line_id: int
    order_id: int
    state: str
    change_set_id: int | None = None


class _Line:
    __slots__ = ("amount", "currency", "fee", "id", "kind", "memo", "counterparty", "merchant", "occurred_at",
                 "original", "payout", "platform", "presentment", "presentment_currency", "provider", "txn")

    def __init__(self, r: Any) -> None:  # a row of LINE_COLUMNS
        self.id, self.provider, self.kind = int(r.id), r.provider, r.kind
        self.amount, self.fee, self.currency = int(r.amount_minor), int(r.fee_minor), r.currency
        self.presentment = None if r.presentment_minor is None else int(r.presentment_minor)
        self.presentment_currency = r.presentment_currency or ""
        self.occurred_at = r.occurred_at
        self.merchant, self.platform = (r.merchant_order_no or "").strip(), (r.platform_order_no or "").strip()
        self.txn, self.original = (r.provider_txn or "").strip(), (r.original_txn or "").strip()
        self.memo, self.counterparty = r.memo or "", r.counterparty or ""
        self.payout = (r.payout_id or "").strip()


LINE_COLUMNS = (L.c.id, L.c.provider, L.c.kind, L.c.amount_minor, L.c.fee_minor, L.c.currency,
                L.c.presentment_minor, L.c.presentment_currency, L.c.occurred_at, L.c.merchant_order_no,
                L.c.platform_order_no, L.c.provider_txn, L.c.original_txn, L.c.memo, L.c.counterparty, L.c.payout_id)


def amount_for(line_currency: str, amount: int, presentment: int | None, presentment_currency: str,
               order_currency: str) -> int | None:
    """The line's amount in the order's currency: its own, or its presentment amount when that is
    in the order's currency; None when neither (no rate: not matched)."""
    if line_currency == order_currency:
        return amount
    if presentment is not None and presentment_currency == order_currency:
        return presentment
    return None


def payout_difference(reason: str) -> int | None:
    """The difference kept on a payout line whose lines do not add up to it, else None."""
    if reason.startswith(PAYOUT_DIFFERENCE):
        try:
            return int(reason[len(PAYOUT_DIFFERENCE):])
        except ValueError:
            return None
    return None


# ---- the threshold (an owner's setting) ------------------------------------------------------------

def two_person_minor(session: Session) -> int:
    """Above this many minor units a match by hand needs a second person (default 100000)."""
    row = signing.setting(session, THRESHOLD_KEY)
    if row is None:
        return DEFAULT_THRESHOLD
    try:
        return int(json.loads(row.value))
    except (ValueError, TypeError):
        return DEFAULT_THRESHOLD


def set_two_person_minor(uow: UnitOfWork, ctx: ChangeContext, minor: int) -> None:
    """The owner sets the threshold (audited like every setting)."""
    permissions.require(uow, ctx.actor, "settings.permissions")
    if not 0 <= int(minor) <= 10**12:
        raise ValidationError(t("The threshold for a second person is 0 or more minor units."))
    put(uow, ctx, THRESHOLD_KEY, json.dumps(int(minor)))


# ---- the rules -----------------------------------------------------------------------------------

@dataclass
class _Run:
    uow: UnitOfWork
    ctx: ChangeContext
    summary: RunSummary
    touched: set[int] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)  # orders taken by amount_time in this run

    def match(self, rows: list[tuple[int, int, int, str]]) -> None:
        """Write matches (line id, order id, amount, rule): one executemany each for the matches
        and the lines' state."""
        if not rows:
            return
        now, who = self.uow.now, self.ctx.actor.name
        insert_many(self.uow.session, M, ("line_id", "order_id", "amount_minor", "rule", "matched_by", "matched_at"),
                    [(lid, oid, amt, rule, who, now) for lid, oid, amt, rule in rows])
        update_many(self.uow.session, L, ("state", "rule", "decided_by", "decided_at"), ("id",),
                    [(LINE_MATCHED, rule, who, now, lid) for lid, _oid, _amt, rule in rows])
        for _lid, oid, _amt, rule in rows:
            self.touched.add(oid)
            self.summary.matched[rule] = self.summary.matched.get(rule, 0) + 1


def _open_ids(session: Session, kinds: Sequence[str], period_from: datetime | None,
              period_to: datetime | None) -> list[int]:
    """The open lines of these kinds the rules may take (not reopened by a person), by id."""
    q = select(L.c.id).where(L.c.state == LINE_OPEN, L.c.rule == "", L.c.kind.in_(list(kinds)))
    if period_from is not None:
        q = q.where(L.c.occurred_at >= period_from)
    if period_to is not None:
        q = q.where(L.c.occurred_at < period_to)
    return sorted(int(i) for i in session.execute(q).scalars())


def _batches(session: Session, ids: list[int]) -> Iterator[list[_Line]]:
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        rows: list[_Line] = []
        for j in range(0, len(chunk), CHUNK):
            rows += [_Line(r) for r in session.execute(select(*LINE_COLUMNS).where(L.c.id.in_(chunk[j:j + CHUNK])))]
        rows.sort(key=lambda x: x.id)
        yield rows


@dataclass(frozen=True)
class _Order:
    id: int
    order_no: str
    channel: str
    channel_order_no: str
    currency: str
    paid_minor: int


ORDER_COLUMNS = (OT.c.id, OT.c.order_no, OT.c.channel, OT.c.channel_order_no, OT.c.currency, OT.c.paid_minor)


def _orders_by_number(session: Session, numbers: Iterable[str]) -> dict[str, list[_Order]]:
    """number -> the live orders whose channel order number or global id it is (indexed lookups)."""
    wanted = sorted({n for n in numbers if n})
    out: dict[str, list[_Order]] = {}
    ours = [n for n in wanted if n.upper().startswith("SO-")]
    for i in range(0, len(wanted), CHUNK):
        for r in session.execute(select(*ORDER_COLUMNS, OT.c.archived)
                                 .where(OT.c.channel_order_no.in_(wanted[i:i + CHUNK]))):
            if not r.archived:
                out.setdefault(r.channel_order_no, []).append(_Order(*r[:6]))
    for i in range(0, len(ours), CHUNK):
        chunk = [n.upper() for n in ours[i:i + CHUNK]]
        for r in session.execute(select(*ORDER_COLUMNS, OT.c.archived).where(OT.c.order_no.in_(chunk))):
            if not r.archived:
                out.setdefault(r.order_no, []).append(_Order(*r[:6]))
    return out


def _keys(line: _Line) -> list[tuple[Rule, list[str]]]:
    """The numbers each keyed rule tries for this line, in the rules' order."""
    own = [line.merchant] + ([line.platform] if line.provider not in PLATFORM_IS_BASE else [])
    own = [n for n in own if n]
    stripped = [s for n in own if (s := strip_prefix(line.provider, n))] + \
        [p for n in own for p in prefixed(line.provider, n)]
    base: list[str] = []
    if line.provider in PLATFORM_IS_BASE and line.platform:
        base = [line.platform] + [s for s in (strip_prefix(line.provider, line.platform),) if s]
    memo = memo_numbers(line.memo, line.counterparty)
    memo += [s for n in list(memo) if (s := strip_prefix(line.provider, n))]
    return [(Rule.EXACT, own), (Rule.PREFIX, stripped), (Rule.BASE_ORDER, base), (Rule.MEMO, memo)]


def _keyed_pass(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Rules 1-5 over the open payment, refund and fee lines, a batch at a time."""
    s = run.uow.session
    for lines in _batches(s, _open_ids(s, KEYED_KINDS, period_from, period_to)):
        keys = {line.id: _keys(line) for line in lines}
        found = _orders_by_number(s, (n for ks in keys.values() for _r, ns in ks for n in ns))
        matches: list[tuple[int, int, int, str]] = []
        unnumbered: list[_Line] = []
        for line in lines:
            decided, numbered = _decide(line, keys[line.id], found)
            if decided is not None:
                matches.append(decided)
            elif not numbered and line.kind == LineKind.PAYMENT.value:
                unnumbered.append(line)
        run.match(matches)
        run.match([m for line in unnumbered if (m := _amount_time(run, line)) is not None])


def _decide(line: _Line, keys: list[tuple[Rule, list[str]]], found: dict[str, list[_Order]]
            ) -> tuple[tuple[int, int, int, str] | None, bool]:
    """(the match the first rule that fits gives, or None; whether the line carried any number
    at all). A rule two orders fit decides "no match"."""
    numbered = False
    for rule, numbers in keys:
        if rule is Rule.MEMO and not any(n in found for n in numbers):
            continue  # words in a memo are not "a number" unless one names an order
        numbered = numbered or bool(numbers)
        fits = {o.id: o for n in numbers for o in found.get(n, ()) if pays_for(line.provider, o.channel)}
        if not fits:
            continue
        if len(fits) > 1:
            return None, True
        (order,) = fits.values()
        amount = amount_for(line.currency, line.amount, line.presentment, line.presentment_currency, order.currency)
        if amount is None:
            return None, True  # another currency, no rate: left to people
        return (line.id, order.id, amount, rule.value), True
    return None, numbered


def _amount_time(run: _Run, line: _Line) -> tuple[int, int, int, str] | None:
    """Rule 5 for one line: exactly one candidate order, else nothing."""
    from shop_orders.store.models import Payment

    P = Payment.__table__
    channels = channels_of(line.provider)
    q = (select(OT.c.id, OT.c.channel).select_from(OT.join(P, P.c.order_id == OT.c.id))
         .where(OT.c.archived.is_(False), OT.c.paid_minor == line.amount, OT.c.currency == line.currency,
                P.c.paid_at <= line.occurred_at, P.c.paid_at >= line.occurred_at - AMOUNT_WINDOW,
                P.c.amount_minor > 0, ~exists().where(M.c.order_id == OT.c.id))
         .group_by(OT.c.id, OT.c.channel).limit(3))
    if channels is not None:
        q = q.where(OT.c.channel.in_(sorted(channels)))
    found = [int(r.id) for r in run.uow.session.execute(q) if int(r.id) not in run.claimed]
    if len(found) != 1 or line.amount <= 0:
        return None
    run.claimed.add(found[0])
    return line.id, found[0], line.amount, Rule.AMOUNT_TIME.value


def _linked_pass(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Rules 6 and 7: refunds and fees to the order of the payment they belong to."""
    s = run.uow.session
    ids = _open_ids(s, (LineKind.REFUND.value, LineKind.FEE.value), period_from, period_to)
    for lines in _batches(s, ids):
        wanted = sorted({n for x in lines for n in (x.original, x.txn if x.kind == LineKind.REFUND.value else "")
                         if n})
        paid: dict[tuple[str, str], set[tuple[int, str]]] = {}
        for i in range(0, len(wanted), CHUNK):
            q = (select(L.c.provider, L.c.provider_txn, M.c.order_id, OT.c.currency)
                 .select_from(L.join(M, M.c.line_id == L.c.id).join(OT, OT.c.id == M.c.order_id))
                 .where(L.c.provider_txn.in_(wanted[i:i + CHUNK]), L.c.kind == LineKind.PAYMENT.value))
            for r in s.execute(q):
                paid.setdefault((r.provider, r.provider_txn), set()).add((int(r.order_id), r.currency))
        matches = []
        for x in lines:
            keys = [x.original] + ([x.txn] if x.kind == LineKind.REFUND.value else [])
            orders = {o for k in keys if k for o in paid.get((x.provider, k), ())}
            if len(orders) != 1:
                continue
            ((oid, currency),) = orders
            amount = amount_for(x.currency, x.amount, x.presentment, x.presentment_currency, currency)
            if amount is not None:
                rule = Rule.REFUND if x.kind == LineKind.REFUND.value else Rule.FEE
                matches.append((x.id, oid, amount, rule.value))
        run.match(matches)


def _payout_pass(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Rule 8: a payout line to the lines it paid out (many to one), when they add up."""
    s = run.uow.session
    ids = _open_ids(s, (LineKind.PAYOUT.value,), period_from, period_to)
    for lines in _batches(s, ids):
        payouts = [x for x in lines if x.payout]
        pid = {x.id: x.payout for x in payouts}
        sums: dict[tuple[str, str], tuple[int, int]] = {}
        wanted = sorted(set(pid.values()))
        for i in range(0, len(wanted), CHUNK):
            q = (select(L.c.provider, L.c.payout_id, func.sum(L.c.amount_minor + L.c.fee_minor), func.count())
                 .where(L.c.payout_id.in_(wanted[i:i + CHUNK]), L.c.kind != LineKind.PAYOUT.value)
                 .group_by(L.c.provider, L.c.payout_id))
            for prov, payout, total, n in s.execute(q):
                sums[(prov, payout)] = (int(total or 0), int(n))
        done, off = [], []
        for x in payouts:
            total, n = sums.get((x.provider, pid[x.id]), (0, 0))
            if n == 0:
                continue  # its lines are not in the store yet
            paid = x.amount + x.fee
            if total + paid == 0 or total == paid:  # out of the balance (negative) or as money in (positive)
                done.append(x)
            else:
                off.append((x.id, total + paid if paid < 0 else total - paid, x.currency))
        now, who = run.uow.now, run.ctx.actor.name
        update_many(s, L, ("state", "rule", "decided_by", "decided_at", "reason"), ("id",),
                    [(LINE_MATCHED, Rule.PAYOUT.value, who, now, "", x.id) for x in done])
        for x in done:
            s.execute(update(L).where(L.c.provider == x.provider, L.c.payout_id == pid[x.id],
                                      L.c.kind != LineKind.PAYOUT.value).values(paid_out_by=x.id))
        update_many(s, L, ("reason",), ("id",), [(f"{PAYOUT_DIFFERENCE}{d}", lid) for lid, d, _c in off])
        if done:
            run.summary.matched[Rule.PAYOUT.value] = run.summary.matched.get(Rule.PAYOUT.value, 0) + len(done)
        run.summary.payouts_off += off


def _not_sale_pass(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Rule 9: what is not a sale is excluded by rule (never "unmatched")."""
    s = run.uow.session
    ids = _open_ids(s, (LineKind.PAYMENT.value, LineKind.TRANSFER.value, LineKind.OTHER.value,
                        LineKind.PAYOUT.value), period_from, period_to)
    now, who = run.uow.now, run.ctx.actor.name
    for lines in _batches(s, ids):
        # a payout with a payout id is the payout rule's (one that does not add up stays open)
        out = [x.id for x in lines if not (x.kind == LineKind.PAYOUT.value and x.payout)
               and not_sale(x.provider, x.kind, x.memo, x.counterparty)]
        update_many(s, L, ("state", "rule", "decided_by", "decided_at"), ("id",),
                    [(LINE_EXCLUDED, Rule.NOT_SALE.value, who, now, i) for i in out])
        run.summary.excluded += len(out)


def _money_not_seen(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Orders of the channels a (non-bank) provider pays for, created within a period one of its
    statements covers, paid, with no line: red (touched, so their state is worked out)."""
    s = run.uow.session
    q = select(S.c.provider, S.c.period_from, S.c.period_to).where(S.c.period_from.is_not(None),
                                                                    S.c.period_to.is_not(None))
    for provider, start, end in s.execute(q).all():
        channels = channels_of(provider)
        if channels is None:
            continue
        lo = max(start, period_from) if period_from is not None else start
        hi = min(end, period_to) if period_to is not None else end
        if lo > hi:
            continue
        ids = s.execute(select(OT.c.id).where(
            OT.c.archived.is_(False), OT.c.created_at >= lo, OT.c.created_at <= hi,
            OT.c.channel.in_(sorted(channels)), OT.c.paid_minor != 0,
            ~exists().where(M.c.order_id == OT.c.id),
            ~exists().where(and_(R.c.order_id == OT.c.id, R.c.state == State.RED.value)))).scalars()
        run.touched.update(int(i) for i in ids)


def run(uow: UnitOfWork, ctx: ChangeContext, period_from: datetime | None = None,
        period_to: datetime | None = None) -> RunSummary:
    """The rule chain over the open lines of the period (all when not given), then the state of
    every order it touched. Needs `reconcile.match`."""
    permissions.require(uow, ctx.actor, ACTION)
    summary = RunSummary(matched={r.value: 0 for r in Rule if r is not Rule.NOT_SALE})
    state = _Run(uow, ctx, summary)
    _keyed_pass(state, period_from, period_to)
    _linked_pass(state, period_from, period_to)
    _payout_pass(state, period_from, period_to)
    _not_sale_pass(state, period_from, period_to)
    _money_not_seen(state, period_from, period_to)
    opened, resolved = recompute(uow, sorted(state.touched))
    summary.orders_touched = len(state.touched)
    summary.tickets_opened, summary.tickets_resolved = opened, resolved
    summary.still_open = len(_open_ids(uow.session, [k.value for k in LineKind], period_from, period_to))
    summary.states = state_counts(uow.session)
    uow.record(ctx, "reconcile", field="reconcile.run", old=None,
               new=json.dumps({"matched": summary.matched_total, "excluded": summary.excluded,
                               "orders": summary.orders_touched}, sort_keys=True))
    return summary


def state_counts(session: Session) -> dict[str, int]:
    out = {s.value: 0 for s in State}
    for state, n in session.execute(select(R.c.state, func.count()).group_by(R.c.state)):
        out[state] = int(n)
    return out


# ---- each order's state ------------------------------------------------------------------------------

def recompute(uow: UnitOfWork, order_ids: Sequence[int]) -> tuple[int, int]:
    """Work out order_reconciliation again for these orders (set-wise, CHUNK at a time); open a
    payment ticket on each that turned red (or whose difference changed), resolve the reconcile
    ticket of each that turned green, confirmed or excluded. Returns (tickets opened, resolved)."""
    s = uow.session
    s.flush()
    opened = resolved = 0
    sys_ctx = ChangeContext(tickets.SYSTEM, TICKET_SOURCE)
    cache: list[tickets.TicketRules] = []
    for i in range(0, len(order_ids), CHUNK):
        chunk = list(order_ids[i:i + CHUNK])
        red, settled = _recompute_chunk(uow, chunk)
        if red:
            if not cache:
                cache.append(tickets.ticket_rules(s))
            opened += sum(1 for x in tickets.detected_many(uow, sys_ctx, Kind.PAYMENT, red, cache[0]) if x == "opened")
        if settled:
            resolved += tickets.resolve_detected(uow, sys_ctx, Kind.PAYMENT, settled, KEY_PREFIX)
    return opened, resolved


def _recompute_chunk(uow: UnitOfWork, chunk: list[int]
                     ) -> tuple[list[tuple[int, str, str, str]], dict[int, str]]:
    s = uow.session
    orders = {int(r.id): r for r in s.execute(select(OT.c.id, OT.c.order_no, OT.c.paid_minor, OT.c.currency, OT.c.status,
                                                      OT.c.archived).where(OT.c.id.in_(chunk)))}
    got = {int(r[0]): (int(r[1] or 0), int(r[2])) for r in s.execute(
        select(M.c.order_id, func.sum(case((L.c.kind.in_(RECEIVED_KINDS), M.c.amount_minor), else_=0)), func.count())
        .select_from(M.join(L, L.c.id == M.c.line_id)).where(M.c.order_id.in_(chunk)).group_by(M.c.order_id))}
    old = {int(r.order_id): r for r in s.execute(select(R).where(R.c.order_id.in_(chunk)))}
    inserts, updates = [], []
    red: list[tuple[int, str, str, str]] = []
    settled: dict[int, str] = {}
    for oid in chunk:
        o = orders.get(oid)
        if o is None:
            continue
        received, lines = got.get(oid, (0, 0))
        before = old.get(oid)
        manual = State(before.state) if before is not None and State(before.state) in MANUAL_STATES else None
        f = Figures(int(o.paid_minor), received, lines, deposit=o.status == Status.PARTIALLY_PAID.value)
        state = order_state(f, manual)
        row = (state.value, f.expected, f.received, f.difference, o.currency, lines, uow.now)
        if before is None:
            inserts.append((oid, *row, "", ""))
        elif (before.state, before.expected_minor, before.received_minor, before.line_count) != \
                (state.value, f.expected, f.received, lines):
            updates.append((*row, oid))
        else:
            continue  # unchanged: nothing written, no ticket news
        if state is State.RED and not o.archived:
            red.append((oid, o.order_no, f"{KEY_PREFIX}{o.order_no} diff {f.difference}",
                        _red_note(o.order_no, f, o.currency)))
        elif state in (State.GREEN, State.CONFIRMED, State.EXCLUDED) and before is not None \
                and before.state == State.RED.value:
            settled[oid] = o.order_no
    insert_many(s, R, ("order_id", "state", "expected_minor", "received_minor", "difference_minor", "currency",
                       "line_count", "updated_at", "decided_by", "reason"), inserts)
    update_many(s, R, ("state", "expected_minor", "received_minor", "difference_minor", "currency", "line_count",
                       "updated_at"), ("order_id",), updates)
    return red, settled


def _money(minor: int, currency: str) -> str:
    return f"{format_minor(minor, currency)} {currency}"


def _red_note(order_no: str, f: Figures, currency: str) -> str:
    if f.lines == 0:
        return rule_note("{order}: the statements show no money for it, where the order says {expected} was paid.",
                         order=order_no, expected=_money(f.expected, currency))
    return rule_note("{order}: the statements show {received} received, where the order says {expected} was paid "
                     "(a difference of {diff}).", order=order_no, received=_money(f.received, currency),
                     expected=_money(f.expected, currency), diff=_money(f.difference, currency))


# ---- by hand -------------------------------------------------------------------------------------------

def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(t("Say why (a reason is kept in the trail)."))
    return text[:2000]


def _line(uow: UnitOfWork, line_id: int) -> Any:
    row = uow.session.execute(select(L).where(L.c.id == int(line_id)).with_for_update()).one_or_none()
    if row is None:
        raise ValidationError(t("There is no statement line #{id}.", id=line_id))
    return row


def _order(uow: UnitOfWork, order_id: int) -> Any:
    row = uow.session.execute(select(OT.c.id, OT.c.order_no, OT.c.currency, OT.c.archived, OT.c.paid_minor)
                              .where(OT.c.id == int(order_id))).one_or_none()
    if row is None:
        raise ValidationError(t("There is no order #{id}.", id=order_id))
    return row


def _matched_orders(uow: UnitOfWork, line_id: int) -> list[tuple[int, str]]:
    return [(int(a), b) for a, b in uow.session.execute(
        select(M.c.order_id, OT.c.order_no).select_from(M.join(OT, OT.c.id == M.c.order_id))
        .where(M.c.line_id == int(line_id)).order_by(M.c.order_id))]


def _by_hand(ctx: ChangeContext, reason: str) -> ChangeContext:
    return replace(ctx, reason=reason)


def match_by_hand(uow: UnitOfWork, ctx: ChangeContext, line_id: int, order_id: int, reason: str) -> HandMatch:
    """A person ties a statement line to an order, with a reason. Refused (one sentence, nothing
    written): no reason; the line matched elsewhere or excluded; another currency with no amount
    in the order's. Over the shop's threshold it is proposed as a change set for a second person
    (HandMatch.state 'proposed'); an approved set applies it here."""
    permissions.require(uow, ctx.actor, ACTION)
    why = _reason(reason)
    line, order = _line(uow, line_id), _order(uow, order_id)
    if order.archived:
        raise ValidationError(t("{order} is archived; restore it from the archive first.", order=order.order_no))
    if line.state == LINE_MATCHED:
        others = _matched_orders(uow, line.id)
        if any(oid == order.id for oid, _ in others):
            raise ValidationError(t("Statement line #{line} is already matched to {order}.", line=line.id,
                                    order=order.order_no))
        raise ValidationError(t("Statement line #{line} is already matched to {other}; unmatch it first to match it "
                                "to {order}.", line=line.id, other=", ".join(n for _, n in others) or
                                t("the lines of its payout"), order=order.order_no))
    if line.state == LINE_EXCLUDED:
        raise ValidationError(t("Statement line #{line} is excluded; unmatch it first to match it to {order}.",
                                line=line.id, order=order.order_no))
    amount = amount_for(line.currency, int(line.amount_minor), line.presentment_minor,
                        line.presentment_currency or "", order.currency)
    if amount is None:
        raise ValidationError(t("Statement line #{line} is in {currency} and {order} in {order_currency}, and the "
                                "line gives no amount in {order_currency}: it cannot be matched without a rate.",
                                line=line.id, currency=line.currency, order=order.order_no,
                                order_currency=order.currency))
    if abs(amount) > two_person_minor(uow.session) and not permissions.applying_approved(uow, ctx):
        p = changesets.propose(uow, ctx, MATCH_KIND, {"line": int(line.id), "order": int(order.id)}, why)
        return HandMatch(int(line.id), int(order.id), "proposed", p.id)
    s = uow.session
    insert_many(s, M, ("line_id", "order_id", "amount_minor", "rule", "matched_by", "matched_at"),
                [(int(line.id), int(order.id), amount, BY_HAND, ctx.actor.name, uow.now)])
    s.execute(update(L).where(L.c.id == line.id).values(state=LINE_MATCHED, rule=BY_HAND, reason=why,
                                                        decided_by=ctx.actor.name, decided_at=uow.now))
    uow.record(_by_hand(ctx, why), "reconcile", order_id=int(order.id), order_no=order.order_no,
               field=f"statement_line#{line.id}.match", old=None,
               new=f"{line.provider} {line.external_id} {amount} {order.currency}")
    recompute(uow, [int(order.id)])
    return HandMatch(int(line.id), int(order.id), "matched")


def _apply_approved_match(uow: UnitOfWork, ctx: ChangeContext, params: dict[str, Any]) -> None:
    """An approved change set of kind reconcile_match (services/changesets.py calls this)."""
    done = match_by_hand(uow, ctx, int(params["line"]), int(params["order"]), ctx.reason)
    if done.state != "matched":  # cannot happen: the approval is being applied
        raise ValidationError(t("The match was not made."))


def _check_match_params(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """A proposed reconcile_match's parameters, checked (services/changesets.py)."""
    try:
        line, order = int(params["line"]), int(params["order"])
    except (KeyError, TypeError, ValueError):
        raise ValidationError(t("A match names a statement line and an order.")) from None
    if session.get(StatementLineRow, line) is None:
        raise ValidationError(t("There is no statement line #{id}.", id=line))
    if session.get(Order, order) is None:
        raise ValidationError(t("There is no order #{id}.", id=order))
    return {"line": line, "order": order}


def _describe_match(params: dict[str, Any], lang: str | None) -> list[str]:
    return [t("statement line #{line} → order #{order}", lang=lang, line=params["line"], order=params["order"])]


MATCH_KIND = "reconcile_match"
changesets.register_kind(MATCH_KIND, changesets.KindHandler(
    N_("match a statement line to an order by hand"), ACTION, _check_match_params, _apply_approved_match,
    _describe_match))


def unmatch(uow: UnitOfWork, ctx: ChangeContext, line_id: int, reason: str) -> None:
    """Undo a line's match or exclusion (by a rule or a person): the line is open again and left
    to people (the rules do not take it again: its rule is 'manual')."""
    permissions.require(uow, ctx.actor, ACTION)
    why = _reason(reason)
    line = _line(uow, line_id)
    if line.state == LINE_OPEN:
        raise ValidationError(t("Statement line #{line} is open: there is nothing to undo.", line=line.id))
    s = uow.session
    orders = _matched_orders(uow, line.id)
    s.execute(delete(M).where(M.c.line_id == line.id))
    if line.kind == LineKind.PAYOUT.value:
        s.execute(update(L).where(L.c.paid_out_by == line.id).values(paid_out_by=None))
    s.execute(update(L).where(L.c.id == line.id).values(state=LINE_OPEN, rule=BY_HAND, reason=why,
                                                        decided_by=ctx.actor.name, decided_at=uow.now))
    c = _by_hand(ctx, why)
    what = f"{line.state} {line.rule}".strip()
    for oid, no in orders:
        uow.record(c, "reconcile", order_id=oid, order_no=no, field=f"statement_line#{line.id}.unmatch",
                   old=what, new=LINE_OPEN)
    if not orders:
        uow.record(c, "reconcile", field=f"statement_line#{line.id}.unmatch", old=what, new=LINE_OPEN)
    recompute(uow, [oid for oid, _ in orders])


def exclude_line(uow: UnitOfWork, ctx: ChangeContext, line_id: int, reason: str) -> None:
    """A person excludes an open line (not a sale, a duplicate...), with a reason."""
    permissions.require(uow, ctx.actor, ACTION)
    why = _reason(reason)
    line = _line(uow, line_id)
    if line.state == LINE_EXCLUDED:
        raise ValidationError(t("Statement line #{line} is already excluded.", line=line.id))
    if line.state == LINE_MATCHED:
        raise ValidationError(t("Statement line #{line} is matched; unmatch it first to exclude it.", line=line.id))
    uow.session.execute(update(L).where(L.c.id == line.id).values(
        state=LINE_EXCLUDED, rule=BY_HAND, reason=why, decided_by=ctx.actor.name, decided_at=uow.now))
    uow.record(_by_hand(ctx, why), "reconcile", field=f"statement_line#{line.id}.exclude", old=line.state,
               new=LINE_EXCLUDED)


def _set_order_state(uow: UnitOfWork, ctx: ChangeContext, order_id: int, reason: str, state: State) -> None:
    permissions.require(uow, ctx.actor, ACTION)
    why = _reason(reason)
    order = _order(uow, order_id)
    s = uow.session
    recompute(uow, [int(order.id)])  # its row exists, with its figures as they are now
    before = s.execute(select(R.c.state).where(R.c.order_id == order.id)).scalar_one_or_none()
    if before is None:  # an order no statement line has touched: its figures are what it expects
        insert_many(s, R, ("order_id", "state", "expected_minor", "received_minor", "difference_minor", "currency",
                           "line_count", "updated_at", "decided_by", "reason"),
                    [(int(order.id), state.value, int(order.paid_minor), 0, -int(order.paid_minor), order.currency,
                      0, uow.now, ctx.actor.name, why)])
    elif before == state.value:
        raise ValidationError(t("{order} is already {state}.", order=order.order_no, state=state.label()))
    else:
        s.execute(update(R).where(R.c.order_id == order.id).values(state=state.value, decided_by=ctx.actor.name,
                                                                   reason=why, updated_at=uow.now))
    uow.record(_by_hand(ctx, why), "reconcile", order_id=int(order.id), order_no=order.order_no,
               field="reconcile.state", old=before, new=state.value)
    if before == State.RED.value:
        tickets.resolve_detected(uow, ChangeContext(tickets.SYSTEM, TICKET_SOURCE), Kind.PAYMENT,
                                 {int(order.id): order.order_no}, KEY_PREFIX)


def exclude_order(uow: UnitOfWork, ctx: ChangeContext, order_id: int, reason: str) -> None:
    """The bookkeeper takes an order out of the reconciliation (with a reason); the rules keep it so."""
    _set_order_state(uow, ctx, order_id, reason, State.EXCLUDED)


def confirm_order(uow: UnitOfWork, ctx: ChangeContext, order_id: int, reason: str) -> None:
    """The bookkeeper confirms an order's money as it is (with a reason); the rules keep it so."""
    _set_order_state(uow, ctx, order_id, reason, State.CONFIRMED)


# ---- reading -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderRow:
    order_id: int
    order_no: str
    state: str
    expected_minor: int
    received_minor: int
    difference_minor: int
    currency: str
    lines: int
    decided_by: str
    reason: str


def listing(session: Session, state: State | str | None = None, limit: int | None = None) -> list[OrderRow]:
    """The orders' reconciliation, by order number (the command line's `reconcile list`)."""
    q = (select(R.c.order_id, OT.c.order_no, R.c.state, R.c.expected_minor, R.c.received_minor, R.c.difference_minor,
                R.c.currency, R.c.line_count, R.c.decided_by, R.c.reason)
         .select_from(R.join(OT, OT.c.id == R.c.order_id)).order_by(OT.c.order_no))
    if state is not None:
        q = q.where(R.c.state == State(state).value)
    if limit is not None:
        q = q.limit(limit)
    return [OrderRow(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5]), r[6], int(r[7]), r[8], r[9])
            for r in session.execute(q)]


def line_ids_of(session: Session, order_ids: Sequence[int]) -> dict[int, list[int]]:
    """order id -> its matched statement lines' ids."""
    out: dict[int, list[int]] = {}
    for i in range(0, len(order_ids), CHUNK):
        for oid, lid in session.execute(select(M.c.order_id, M.c.line_id)
                                        .where(M.c.order_id.in_(list(order_ids[i:i + CHUNK])))
                                        .order_by(M.c.order_id, M.c.line_id)):
            out.setdefault(int(oid), []).append(int(lid))
    return out


def order_id_of(session: Session, ref: str) -> int:
    """The stored id of an order named by its global id (SO-…)."""
    found = session.execute(select(OT.c.id).where(OT.c.order_no == ref.strip().upper())).scalar_one_or_none()
    if found is None:
        raise ValidationError(t("There is no order {order}.", order=ref))
    return int(found)


def actor_may(session: Session, actor: Actor) -> bool:
    return permissions.may(session, actor, ACTION)
