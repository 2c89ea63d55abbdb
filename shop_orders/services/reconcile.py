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
9. `not_sale` — transfers and other movements, payouts that name no payout id (Alipay's 提现: the
   balance moved to the bank), and payments whose memo says 余额宝/理财/提现/…: excluded by rule
   (domain/reconcile.not_sale), never "unmatched".

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

from sqlalchemy import and_, bindparam, delete, exists, func, select, update
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
    Payment,
    StatementFile,
    StatementLineRow,
)

ACTION = "reconcile.match"
THRESHOLD_KEY = "reconcile.two_person_minor"
DEFAULT_THRESHOLD = 100_000
AMOUNT_WINDOW = timedelta(days=3)
AMOUNT_CANDIDATES = 20  # at most this many orders of one amount and window are looked at (two fitting: no match)
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
    states: dict[str, int] = field(default_factory=dict)  # state -> orders reconciled so far (after the run)
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
                 "original", "own", "payout", "platform", "presentment", "presentment_currency", "provider", "txn")

    def __init__(self, r: Any) -> None:  # a row of _LINE_SQL, by position (rows are many)
        (lid, self.provider, self.kind, amount, fee, self.currency, presentment, presentment_currency,
         self.occurred_at, merchant, platform, txn, original, memo, counterparty, payout) = r
        self.id, self.amount, self.fee = int(lid), int(amount), int(fee)
        self.presentment = None if presentment is None else int(presentment)
        self.presentment_currency = presentment_currency or ""
        self.merchant, self.platform = (merchant or "").strip(), (platform or "").strip()
        self.txn, self.original = (txn or "").strip(), (original or "").strip()
        self.memo, self.counterparty, self.payout = memo or "", counterparty or "", (payout or "").strip()
        own = [self.merchant] + ([self.platform] if self.provider not in PLATFORM_IS_BASE else [])
        self.own = [n for n in own if n]  # the numbers the exact rule tries




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
    fresh: dict[int, list[int]] = field(default_factory=dict)  # order -> [received, lines] matched in this run

    def match(self, rows: list[tuple[int, int, int, str, str]]) -> None:
        """Write matches (line id, order id, amount, rule, the line's kind): one executemany for
        the matches, one UPDATE ... IN per rule for the lines' state."""
        if not rows:
            return
        now, who = self.uow.now, self.ctx.actor.name
        insert_many(self.uow.session, M, ("line_id", "order_id", "amount_minor", "rule", "matched_by", "matched_at"),
                    [(lid, oid, amt, rule, who, now) for lid, oid, amt, rule, _kind in rows])
        by_rule: dict[str, list[int]] = {}
        for lid, oid, amt, rule, kind in rows:
            by_rule.setdefault(rule, []).append(lid)
            got = self.fresh.setdefault(oid, [0, 0])
            got[0] += amt if kind in RECEIVED_KINDS else 0
            got[1] += 1
        for rule, ids in by_rule.items():
            _update_in(self.uow.session, {"state": LINE_MATCHED, "rule": rule, "decided_by": who, "decided_at": now},
                       ids)
        for _lid, oid, _amt, rule, _kind in rows:
            self.touched.add(oid)
            self.summary.matched[rule] = self.summary.matched.get(rule, 0) + 1


def _update_in(session: Session, values: dict[str, Any], ids: Sequence[int]) -> None:
    """UPDATE statement_lines SET values WHERE id IN (ids), CHUNK ids a statement (set-wise: one
    statement where an executemany would run one per line)."""
    conn = session.connection()
    dialect = conn.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    names = list(values)
    bound = []
    for name in names:  # each value as the column's type binds it (UTC times)
        proc = L.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        bound.append(proc(values[name]) if proc is not None and values[name] is not None else values[name])
    sets = ", ".join(f"{dialect.identifier_preparer.quote(n)} = {mark}" for n in names)
    for i in range(0, len(ids), CHUNK):
        chunk = tuple(ids[i:i + CHUNK])
        conn.exec_driver_sql(f"UPDATE statement_lines SET {sets} WHERE id IN ({', '.join([mark] * len(chunk))})",
                             (*bound, *chunk))


def _open_ids(session: Session, kinds: Sequence[str], period_from: datetime | None,
              period_to: datetime | None) -> list[int]:
    """The open lines of these kinds the rules may take (not reopened by a person), by id."""
    q = select(L.c.id).where(L.c.state == LINE_OPEN, L.c.rule == "", L.c.kind.in_(list(kinds)))
    if period_from is not None:
        q = q.where(L.c.occurred_at >= period_from)
    if period_to is not None:
        q = q.where(L.c.occurred_at < period_to)
    return sorted(int(i) for i in session.execute(q).scalars())


_LINE_COLUMNS = ("id, provider, kind, amount_minor, fee_minor, currency, presentment_minor, presentment_currency, "
                 "occurred_at, merchant_order_no, platform_order_no, provider_txn, original_txn, memo, counterparty, "
                 "payout_id")
_LINE_SQL = f"SELECT {_LINE_COLUMNS} FROM statement_lines WHERE id >= {{mark}} AND id <= {{mark}} ORDER BY id"
_LINES_BY_ID = f"SELECT {_LINE_COLUMNS} FROM statement_lines WHERE id IN ({{in}})"


def _batches(session: Session, ids: list[int]) -> Iterator[list[_Line]]:
    """The lines of these ids, BATCH at a time: a batch whose ids lie close together (a fresh
    statement) is read by its id range, one whose ids are scattered (a few lines left open among
    many matched) by its ids. Read as the driver gives them: `occurred_at` is converted by
    _time() where a rule needs it."""
    conn = session.connection()
    sql = _LINE_SQL.format(mark="?" if conn.dialect.paramstyle == "qmark" else "%s")
    for i in range(0, len(ids), BATCH):
        chunk = ids[i:i + BATCH]
        if chunk[-1] - chunk[0] < 2 * len(chunk):
            wanted = set(chunk)
            yield [_Line(r) for r in conn.exec_driver_sql(sql, (chunk[0], chunk[-1])).all() if r[0] in wanted]
        else:
            yield sorted((_Line(r) for r in _in(session, _LINES_BY_ID, chunk)), key=lambda x: x.id)


def _time(session: Session, value: Any) -> datetime:
    """A statement line's time as the driver gave it, as the store's column type reads it (aware UTC)."""
    dialect = session.get_bind().dialect
    proc = L.c.occurred_at.type.dialect_impl(dialect).result_processor(dialect, None)
    out = proc(value) if proc is not None else value
    assert isinstance(out, datetime)
    return out


def _in(session: Session, sql: str, values: Sequence[Any]) -> list[Any]:
    """Rows of `sql` whose one `IN ({in})` takes these values, CHUNK at a time, sent to the driver as
    they are (many lookups: SQLAlchemy's expanding parameters would be compiled for each chunk).
    Only for columns that need no type conversion (ids, text, amounts, booleans)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    out: list[Any] = []
    for i in range(0, len(values), CHUNK):
        chunk = tuple(values[i:i + CHUNK])
        out += conn.exec_driver_sql(sql.replace("({in})", "(" + ", ".join([mark] * len(chunk)) + ")"), chunk).all()
    return out


# An order as the keyed rules see it: (id, channel, currency), a plain tuple (many are made).
_Order = tuple[int, str, str]


_ORDER_SQL = "SELECT id, order_no, channel, channel_order_no, currency, paid_minor, archived FROM orders WHERE "


def _orders_by_number(session: Session, numbers: Iterable[str]) -> dict[str, list[_Order]]:
    """number -> the live orders whose channel order number or global id it is (indexed lookups)."""
    wanted = sorted({n for n in numbers if n})
    out: dict[str, list[_Order]] = {}
    for r in _in(session, _ORDER_SQL + "channel_order_no IN ({in})", wanted):
        if not r[6]:
            out.setdefault(r[3], []).append((int(r[0]), r[2], r[4]))
    ours = sorted({n.upper() for n in wanted if n[:3].upper() == "SO-"})
    for r in _in(session, _ORDER_SQL + "order_no IN ({in})", ours):
        if not r[6]:
            out.setdefault(r[1], []).append((int(r[0]), r[2], r[4]))
    return out


def _numbers(line: _Line, rule: Rule) -> list[str]:
    """The numbers a keyed rule tries for this line."""
    if rule is Rule.EXACT:
        return line.own
    if rule is Rule.PREFIX:
        own = line.own
        return [x for n in own if (x := strip_prefix(line.provider, n))] + \
            [p for n in own for p in prefixed(line.provider, n)]
    if rule is Rule.BASE_ORDER:
        if line.provider not in PLATFORM_IS_BASE or not line.platform:
            return []
        return [line.platform] + [x for x in (strip_prefix(line.provider, line.platform),) if x]
    if not line.memo and not line.counterparty:
        return []
    memo = memo_numbers(line.memo, line.counterparty)
    return memo + [x for n in memo if (x := strip_prefix(line.provider, n))]


def _keyed_pass(run: _Run, period_from: datetime | None, period_to: datetime | None) -> None:
    """Rules 1-5 over the open payment, refund and fee lines, a batch at a time. Each keyed rule
    looks up only the numbers of the lines still undecided (most lines: one lookup, exact)."""
    s = run.uow.session
    for lines in _batches(s, _open_ids(s, KEYED_KINDS, period_from, period_to)):
        found: dict[str, list[_Order]] = {}
        looked: set[str] = set()
        matches: list[tuple[int, int, int, str, str]] = []
        numbered: set[int] = set()
        undecided = lines
        for rule in KEYED_RULES:
            numbers = {line.id: _numbers(line, rule) for line in undecided}
            wanted = {n for ns in numbers.values() for n in ns} - looked
            found.update(_orders_by_number(s, wanted))
            looked |= wanted
            rest = []
            for line in undecided:
                verdict = _decide(line, rule, numbers[line.id], found)
                if verdict is _NEXT:
                    rest.append(line)
                    if numbers[line.id] and rule is not Rule.MEMO:
                        numbered.add(line.id)  # a number that names no order: not one to guess by amount
                    continue
                numbered.add(line.id)
                if verdict is not _STOP:
                    assert isinstance(verdict, tuple)
                    matches.append(verdict)
            undecided = rest
        run.match(matches)
        unnumbered = [x for x in undecided if x.id not in numbered and x.kind == LineKind.PAYMENT.value]
        run.match([m for line in unnumbered if (m := _amount_time(run, line)) is not None])


KEYED_RULES = (Rule.EXACT, Rule.PREFIX, Rule.BASE_ORDER, Rule.MEMO)
_NEXT, _STOP = "next", "stop"  # try the next rule; no match for this line (two orders fit, or no rate)


def _decide(line: _Line, rule: Rule, numbers: list[str], found: dict[str, list[_Order]]
            ) -> tuple[int, int, int, str, str] | str:
    """The match one keyed rule gives the line, or _NEXT (nothing fits: the next rule), or _STOP
    (two orders fit, or the one that fits is in another currency with no rate: left to people)."""
    fits = {o[0]: o for n in numbers for o in found.get(n, ()) if pays_for(line.provider, o[1])}
    if not fits:
        return _NEXT
    if len(fits) > 1:
        return _STOP
    ((order_id, _channel, currency),) = fits.values()
    amount = amount_for(line.currency, line.amount, line.presentment, line.presentment_currency, currency)
    if amount is None:
        return _STOP
    return line.id, order_id, amount, rule.value, line.kind


_P = Payment.__table__
# Rule 5's one statement (compiled once: its parameters are plain binds); the channel is checked
# in Python (no expanding IN to compile for every line).
_AMOUNT_TIME = (select(OT.c.id, OT.c.channel).select_from(OT.join(_P, _P.c.order_id == OT.c.id))
                .where(OT.c.archived.is_(False), OT.c.paid_minor == bindparam("amount"),
                       OT.c.currency == bindparam("currency"), _P.c.paid_at <= bindparam("hi"),
                       _P.c.paid_at >= bindparam("lo"), _P.c.amount_minor > 0,
                       ~exists().where(M.c.order_id == OT.c.id))
                .group_by(OT.c.id, OT.c.channel).limit(AMOUNT_CANDIDATES))


def _amount_time(run: _Run, line: _Line) -> tuple[int, int, int, str, str] | None:
    """Rule 5 for one line: exactly one candidate order, else nothing."""
    if line.amount <= 0:
        return None
    at = _time(run.uow.session, line.occurred_at)
    rows = run.uow.session.execute(_AMOUNT_TIME, {"amount": line.amount, "currency": line.currency, "hi": at,
                                                  "lo": at - AMOUNT_WINDOW})
    found = [int(oid) for oid, channel in rows if pays_for(line.provider, channel) and int(oid) not in run.claimed]
    if len(found) != 1:
        return None
    run.claimed.add(found[0])
    return line.id, found[0], line.amount, Rule.AMOUNT_TIME.value, line.kind


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
                matches.append((x.id, oid, amount, rule.value, x.kind))
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
        out = [x.id for x in lines if not_sale(x.provider, x.kind, x.memo, x.counterparty, payout_id=x.payout)]
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
    opened, resolved = recompute(uow, sorted(state.touched), state.fresh)
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

def recompute(uow: UnitOfWork, order_ids: Sequence[int], fresh: dict[int, list[int]] | None = None
              ) -> tuple[int, int]:
    """Work out order_reconciliation again for these orders (set-wise, CHUNK at a time); open a
    payment ticket on each that turned red (or whose difference changed), resolve the reconcile
    ticket of each that turned green, confirmed or excluded. Returns (tickets opened, resolved).
    `fresh` (run): what this unit of work matched to each order; an order without a row yet has
    no other match (every match is followed by this, in its unit of work), so its figures are
    these without asking the store."""
    s = uow.session
    s.flush()
    opened = resolved = 0
    sys_ctx = ChangeContext(tickets.SYSTEM, TICKET_SOURCE)
    cache: list[tickets.TicketRules] = []
    for i in range(0, len(order_ids), CHUNK):
        chunk = list(order_ids[i:i + CHUNK])
        red, settled = _recompute_chunk(uow, chunk, fresh or {})
        if red:
            if not cache:
                cache.append(tickets.ticket_rules(s))
            opened += sum(1 for x in tickets.detected_many(uow, sys_ctx, Kind.PAYMENT, red, cache[0]) if x == "opened")
        if settled:
            resolved += tickets.resolve_detected(uow, sys_ctx, Kind.PAYMENT, settled, KEY_PREFIX)
    return opened, resolved


_RECEIVED_SQL = ("SELECT m.order_id, SUM(CASE WHEN l.kind IN ('payment', 'refund') THEN m.amount_minor ELSE 0 END), "
                 "COUNT(*) FROM line_matches m JOIN statement_lines l ON l.id = m.line_id WHERE m.order_id IN ({in}) "
                 "GROUP BY m.order_id")  # RECEIVED_KINDS


def _recompute_chunk(uow: UnitOfWork, chunk: list[int], fresh: dict[int, list[int]]
                     ) -> tuple[list[tuple[int, str, str, str]], dict[int, str]]:
    s = uow.session
    rows = _in(s, "SELECT o.id, o.order_no, o.paid_minor, o.currency, o.status, o.archived, r.order_id, r.state, "
                  "r.expected_minor, r.received_minor, r.line_count FROM orders o LEFT JOIN order_reconciliation r "
                  "ON r.order_id = o.id WHERE o.id IN ({in})", chunk)
    orders = {int(r[0]): r[:6] for r in rows}
    old = {int(r[0]): r[6:] for r in rows if r[6] is not None}
    asked = [oid for oid in chunk if oid in old or oid not in fresh]
    got = {int(r[0]): (int(r[1] or 0), int(r[2])) for r in _in(s, _RECEIVED_SQL, asked)}
    got.update((oid, (fresh[oid][0], fresh[oid][1])) for oid in chunk if oid not in old and oid in fresh)
    inserts, updates = [], []
    red: list[tuple[int, str, str, str]] = []
    settled: dict[int, str] = {}
    for oid in chunk:
        o = orders.get(oid)
        if o is None:
            continue
        _oid, order_no, paid, currency, status, archived = o
        received, lines = got.get(oid, (0, 0))
        before = old.get(oid)
        manual = State(before[1]) if before is not None and State(before[1]) in MANUAL_STATES else None
        f = Figures(int(paid), received, lines, deposit=status == Status.PARTIALLY_PAID.value)
        state = order_state(f, manual)
        row = (state.value, f.expected, f.received, f.difference, currency, lines, uow.now)
        if before is None:
            inserts.append((oid, *row, "", ""))
        elif (before[1], int(before[2]), int(before[3]), int(before[4])) != (state.value, f.expected, f.received, lines):
            updates.append((*row, oid))
        else:
            continue  # unchanged: nothing written, no ticket news
        if state is State.RED and not archived:
            red.append((oid, order_no, f"{KEY_PREFIX}{order_no} diff {f.difference}", _red_note(order_no, f, currency)))
        elif state in (State.GREEN, State.CONFIRMED, State.EXCLUDED) and before is not None \
                and before[1] == State.RED.value:
            settled[oid] = order_no
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
