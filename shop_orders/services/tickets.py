"""Exception tickets on orders: open, assign, comment, attach evidence, move, close, reopen; the
SLA clock (the shop's opening hours, paused while waiting on the customer); reminders and
escalation at the due time; the figures (SLA hit rate, time to resolve).

Every change is one audit event on the ticket's order (action 'ticket', field 'ticket#<id>.<what>')
in the caller's unit of work; the order row itself is not touched, so handling a ticket never
hides a stuck order. People need `tickets.open` (the permission matrix); the detection rules
(services/rules.py) open and add to tickets through `detected`, as 'rule:<name>'.

The shop's ticket settings (one Setting row, JSON): the SLA table (seconds, priority and owning
role per kind), the opening hours (none: wall-clock), how long before the due time the
assignee is reminded, and how history is ticketed.

History (issue 26): a store that starts with a year of orders, or an import of last year's file,
must not bury the queue under one "stuck" ticket per old order. The decision:
- A sighting is *history* when the order was already past its staleness threshold (its last
  update + the threshold of its status) when the store first looked at it: at the store's first
  sweep (the time is kept in the setting `tickets.first_sweep`, written by that sweep), or at
  the order's arrival (its `create` event) when it came later, by an import. Only the sweep
  (services/rules.py) tells history apart; a change made here is always news.
- With the shop setting `history` = "summary" (the default), history goes into one summary
  ticket per kind and age band of the last update (under 3 days, 3-7, 7-30, over 30 days):
  the ticket stands on the band's first order (its order_id, for the trail and the SLA), its rule
  key is `summary:<band>`, and every order it holds is a `ticket_orders` row with what the rule
  saw on it. Each order it gathers gets an audit event `ticket#<id>.summary` on its own trail; a
  later sweep adds new history to the band's active summary ticket (one `orders` event, a
  comment). `summary_orders` lists them; the panel's "Show orders" puts them in the grid.
- While a summary ticket is active its orders get nothing more of its kind (it holds them); once
  it is closed, the same sighting is not news, and an order that is updated and goes stale
  again later is news: a ticket of its own.
- With "each", history is ticketed like news: one ticket per order.
The owner chooses in the ticket settings dialog or with `tickets history summary|each`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.roles import Role
from shop_orders.domain.sla import Clock, OpeningHours
from shop_orders.domain.tickets import (
    ACTIVE,
    DEFAULT_REMINDER_MINUTES,
    DEFAULT_SLA,
    ESCALATE_TO,
    HISTORY_CHOICES,
    HISTORY_SUMMARY,
    SUMMARY_KEY,
    Kind,
    Priority,
    Sla,
    State,
    age_band,
    check_move,
    check_sla_seconds,
    history_choice,
    rule_note,
)
from shop_orders.services import permissions, settings
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.bulk import insert_many
from shop_orders.store.db import sync_sequences
from shop_orders.store.models import (
    AttachmentBlob,
    Order,
    Setting,
    Ticket,
    TicketAttachment,
    TicketComment,
    TicketOrder,
    User,
)

SETTINGS_KEY = "tickets"
FIRST_SWEEP_KEY = "tickets.first_sweep"  # when the store's rules first swept it (ISO, UTC)
MAX_ATTACHMENT = 20 * 1024 * 1024  # 20 MiB: a phone photo or a PDF receipt, not a video
MAX_TEXT = 4000
SYSTEM = Actor("system", "")  # the rules, reminders and escalation: the shop's own clock, no one's role


class TicketNotFound(ShopOrdersError):
    """A ticket number that is not in the store (one sentence naming it)."""


# ---- the shop's ticket settings ------------------------------------------------------------------

@dataclass(frozen=True)
class TicketRules:
    sla: dict[Kind, Sla]
    hours: OpeningHours | None
    reminder_minutes: int
    history: str = HISTORY_SUMMARY  # summary or each: how orders already stale on arrival are ticketed

    @property
    def clock(self) -> Clock:
        return Clock(self.hours)


def ticket_rules(session: Session) -> TicketRules:
    row = signing.setting(session, SETTINGS_KEY)
    data = json.loads(row.value) if row is not None else {}
    sla = dict(DEFAULT_SLA)
    for code, v in (data.get("sla") or {}).items():
        with suppress(ValueError, KeyError, TypeError):  # an entry this version does not know: its default
            kind = Kind(code)
            base = sla[kind]
            sla[kind] = Sla(int(v.get("seconds", base.seconds)), Priority(int(v.get("priority", base.priority))),
                            Role(v.get("role", base.role.value)))
    hours = None
    if data.get("hours"):
        hours = OpeningHours.from_json(json.dumps(data["hours"]), settings.get_timezone(session))
    history = data.get("history") if data.get("history") in HISTORY_CHOICES else HISTORY_SUMMARY
    return TicketRules(sla, hours, int(data.get("reminder_minutes", DEFAULT_REMINDER_MINUTES)), str(history))


def set_ticket_rules(uow: UnitOfWork, ctx: ChangeContext, *, sla: dict[Kind, Sla] | None = None,
                     hours: OpeningHours | None | bool = False, reminder_minutes: int | None = None,
                     history: str | None = None) -> None:
    """Change the SLA table, the opening hours (None: count every hour; False: leave them), the
    reminder time or how history is ticketed ('summary' or 'each'). Owners and managers
    (settings.shop). Tickets already open keep their due time."""
    permissions.require(uow, ctx.actor, "settings.shop")
    current = ticket_rules(uow.session)
    table = dict(current.sla)
    for kind, s in (sla or {}).items():
        table[kind] = Sla(check_sla_seconds(s.seconds), Priority(s.priority), Role(s.role))
    minutes = current.reminder_minutes if reminder_minutes is None else int(reminder_minutes)
    if not 0 <= minutes <= 24 * 60:
        raise ValidationError(t("a reminder is from 0 to 1440 minutes before the due time"))
    new_hours = current.hours if hours is False else hours
    value = json.dumps({
        "sla": {k.value: {"seconds": s.seconds, "priority": int(s.priority), "role": s.role.value}
                for k, s in table.items()},
        "hours": json.loads(new_hours.to_json()) if isinstance(new_hours, OpeningHours) else None,
        "reminder_minutes": minutes,
        "history": current.history if history is None else history_choice(history),
    }, sort_keys=True)
    settings.put(uow, ctx, SETTINGS_KEY, value)


# ---- reading ------------------------------------------------------------------------------------

def get(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, int(ticket_id))
    if ticket is None:
        raise TicketNotFound(t("There is no ticket #{id}.", id=ticket_id))
    return ticket


def _locked(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = uow.session.execute(select(Ticket).where(col(Ticket.id) == int(ticket_id)).with_for_update()
                                 ).scalar_one_or_none()
    if ticket is None:
        raise TicketNotFound(t("There is no ticket #{id}.", id=ticket_id))
    return ticket


def active_for(session: Session, order_id: int, kind: Kind) -> Ticket | None:
    return session.execute(select(Ticket).where(
        col(Ticket.order_id) == order_id, col(Ticket.kind) == kind.value,
        col(Ticket.state).in_([s.value for s in ACTIVE]))).scalar_one_or_none()


def active_keys(session: Session, kind: Kind, order_ids: Iterable[int]) -> dict[int, str]:
    """The rule key of each of these orders' active ticket of this kind (order id -> key), in one
    query (at most a few hundred ids at a time)."""
    ids = list(order_ids)
    if not ids:
        return {}
    rows = session.execute(select(col(Ticket.order_id), col(Ticket.rule_key)).where(
        col(Ticket.order_id).in_(ids), col(Ticket.kind) == kind.value,
        col(Ticket.state).in_([s.value for s in ACTIVE]))).all()
    return {int(r.order_id): r.rule_key for r in rows}


def left_seconds(ticket: Ticket, clock: Clock, now: datetime) -> int:
    """Open time left before the due time (negative: overdue by that much wall-clock time)."""
    if ticket.due_at is None:  # paused: what was left when it paused
        return ticket.sla_seconds - ticket.used_seconds
    if now >= ticket.due_at:
        return -int((now - ticket.due_at).total_seconds())
    return clock.between(now, ticket.due_at)


# ---- the clock ----------------------------------------------------------------------------------

def _start_clock(ticket: Ticket, rules: TicketRules, now: datetime) -> None:
    """(Re)start the clock at now with what is left of the ticket's time."""
    clock = rules.clock
    ticket.clock_from = now
    ticket.due_at = clock.add(now, max(0, ticket.sla_seconds - ticket.used_seconds))
    lead = timedelta(minutes=rules.reminder_minutes)
    ticket.remind_at = max(now, ticket.due_at - lead) if rules.reminder_minutes else None
    if ticket.escalation == 0:
        ticket.escalate_at = ticket.due_at
    elif ticket.escalation < len(ESCALATE_TO):
        ticket.escalate_at = clock.add(now, ticket.sla_seconds)
    else:
        ticket.escalate_at = None


def _stop_clock(ticket: Ticket, rules: TicketRules, now: datetime) -> None:
    if ticket.clock_from is not None:
        ticket.used_seconds = min(ticket.sla_seconds, ticket.used_seconds + rules.clock.between(ticket.clock_from, now))
    ticket.clock_from = ticket.due_at = ticket.remind_at = ticket.escalate_at = None


# ---- changing -----------------------------------------------------------------------------------

def _record(uow: UnitOfWork, ctx: ChangeContext, ticket: Ticket, what: str, old: object, new: object) -> None:
    uow.record(ctx, "ticket", order_id=ticket.order_id, order_no=ticket.order_no, field=f"ticket#{ticket.id}.{what}",
               old=old, new=new)


def _touched(uow: UnitOfWork, ticket: Ticket) -> None:
    ticket.updated_at = uow.now
    ticket.version += 1


def _text(value: str, what: str) -> str:
    s = str(value or "").strip()
    if len(s) > MAX_TEXT:
        raise ValidationError(t("{what} is longer than {n} characters", what=what, n=MAX_TEXT))
    return s


def _order(uow: UnitOfWork, ref: str | int) -> Order:
    cond = col(Order.id) == ref if isinstance(ref, int) else col(Order.order_no) == str(ref).strip().upper()
    order = uow.session.execute(select(Order).where(cond)).scalar_one_or_none()
    if order is None:
        raise ValidationError(t("There is no order {order}.", order=ref))
    if order.archived:
        raise ValidationError(t("{order} is archived; restore it from the archive before opening a ticket.",
                                order=order.order_no))
    return order


def _new(uow: UnitOfWork, ctx: ChangeContext, order: Order, kind: Kind, priority: Priority | None, note: str,
         rule_key: str, rules: TicketRules) -> Ticket:
    sla = rules.sla[kind]
    ticket = Ticket(order_id=int(order.id or 0), order_no=order.order_no, kind=kind.value,
                    priority=int(sla.priority if priority is None else priority), state=State.OPEN.value,
                    assignee_role=sla.role.value, note=note, source=ctx.source, rule_key=rule_key[:200],
                    opened_by=ctx.actor.name, opened_at=uow.now, sla_seconds=sla.seconds, updated_at=uow.now)
    _start_clock(ticket, rules, uow.now)
    uow.session.add(ticket)
    uow.session.flush()
    _record(uow, ctx, ticket, "opened", None, f"{kind.value} P{ticket.priority} {sla.role.value}")
    if note:
        uow.session.add(TicketComment(ticket_id=int(ticket.id or 0), at=uow.now, author=ctx.actor.name, text=note))
    return ticket


def open_ticket(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, kind: Kind | str,
                priority: Priority | str | None = None, note: str = "") -> Ticket:
    """A person opens a ticket on an order (at most one active ticket per order and kind)."""
    permissions.require(uow, ctx.actor, "tickets.open")
    kind = kind if isinstance(kind, Kind) else Kind.parse(kind)
    prio = None if priority is None else priority if isinstance(priority, Priority) else Priority.parse(priority)
    order = _order(uow, ref)
    existing = active_for(uow.session, int(order.id or 0), kind)
    if existing is not None:
        raise ValidationError(t("{order} already has an open {kind} ticket (#{id}); add to it instead.",
                                order=order.order_no, kind=kind.label(), id=existing.id))
    return _new(uow, ctx, order, kind, prio, _text(note, t("The note")), "", ticket_rules(uow.session))


def detected(uow: UnitOfWork, ctx: ChangeContext, order: Order, kind: Kind, key: str, note: str,
             rules: TicketRules | None = None) -> str:
    """A detection rule saw `kind` on this order ('rule:<name>' in ctx). Opens a ticket, or adds
    to the active one when what it saw (`key`) changed since; the same sighting again changes
    nothing, even after a person closed the ticket it opened. Returns 'opened', 'updated' or ''."""
    existing = active_for(uow.session, int(order.id or 0), kind)
    if existing is None:
        last = uow.session.execute(select(col(Ticket.rule_key)).where(
            col(Ticket.order_id) == order.id, col(Ticket.kind) == kind.value).order_by(col(Ticket.id).desc())
            .limit(1)).scalar_one_or_none()
        if last == key[:200]:
            return ""  # a person closed this very sighting: it is not news
        _new(uow, ctx, order, kind, None, note, key, rules or ticket_rules(uow.session))
        return "opened"
    return _seen_again(uow, ctx, existing, key, note)


def detected_many(uow: UnitOfWork, ctx: ChangeContext, kind: Kind, sightings: list[tuple[int, str, str, str]],
                  rules: TicketRules | None = None, history: dict[int, datetime] | None = None) -> list[str]:
    """`detected` for many orders at once (the rules over a batch): sightings are (order id, order
    number, key, note) of live orders, at most one per order. The same outcome per order as
    `detected`, in the same order, with the same events; the new tickets and their notes are
    written with one executemany each. `history`: the last update of those sightings that are
    history (see the module's docstring); with the shop's 'summary' setting, those that would
    open a ticket go into the summary ticket of their age band instead ('summarised'). Orders an
    active summary ticket of the kind holds get nothing ('').
    Returns 'opened', 'updated', 'summarised' or '' per sighting."""
    if not sightings:
        return []
    s = uow.session
    ids = [oid for oid, _, _, _ in sightings]
    held = summary_holds(s, kind, ids)
    T = Ticket.__table__
    active = {int(tk.order_id): tk for tk in s.execute(select(Ticket).where(
        col(Ticket.order_id).in_(ids), col(Ticket.kind) == kind.value,
        col(Ticket.state).in_([x.value for x in ACTIVE]))).scalars()}
    newest = (select(func.max(T.c.id)).where(T.c.order_id.in_([i for i in ids if i not in active]),
                                              T.c.kind == kind.value).group_by(T.c.order_id))
    last = dict(s.execute(select(T.c.order_id, T.c.rule_key).where(T.c.id.in_(newest))).all())
    rules = rules or ticket_rules(s)
    sla = rules.sla[kind]
    template = Ticket(order_id=0, order_no="", kind=kind.value, priority=int(sla.priority), state=State.OPEN.value,
                      assignee_role=sla.role.value, note="", source=ctx.source, rule_key="", opened_by=ctx.actor.name,
                      opened_at=uow.now, sla_seconds=sla.seconds, updated_at=uow.now)
    _start_clock(template, rules, uow.now)  # the same for every ticket of this kind opened now
    columns = [c.name for c in T.columns]
    row = [getattr(template, c) for c in columns]
    at = {c: columns.index(c) for c in ("id", "order_id", "order_no", "note", "rule_key")}
    next_id = (s.execute(select(func.max(T.c.id))).scalar() or 0) + 1
    tickets, comments, out = [], [], []
    bands: dict[str, list[tuple[int, str, str, datetime]]] = {}
    summarise = history if history and rules.history == HISTORY_SUMMARY else {}
    for oid, order_no, key, note in sightings:
        hold = held.get(oid)
        if hold is not None and (hold[0] or hold[1] == key[:200]):
            out.append("")  # a summary ticket holds it, or held this very sighting: not news
            continue
        existing = active.get(oid)
        if existing is not None:
            out.append(_seen_again(uow, ctx, existing, key, note))
            continue
        if last.get(oid) == key[:200]:
            out.append("")  # a person closed this very sighting: it is not news
            continue
        if oid in summarise:
            bands.setdefault(age_band(uow.now - summarise[oid]), []).append((oid, order_no, key, summarise[oid]))
            out.append("summarised")
            continue
        for name, value in (("id", next_id), ("order_id", oid), ("order_no", order_no), ("note", note),
                            ("rule_key", key[:200])):
            row[at[name]] = value
        tickets.append(tuple(row))
        uow.record(ctx, "ticket", order_id=oid, order_no=order_no, field=f"ticket#{next_id}.opened", old=None,
                   new=f"{kind.value} P{template.priority} {sla.role.value}")
        if note:
            comments.append((next_id, uow.now, ctx.actor.name, note))
        next_id += 1
        out.append("opened")
    s.flush()
    insert_many(s, T, columns, tickets)
    insert_many(s, TicketComment.__table__, ("ticket_id", "at", "author", "text"), comments)
    if tickets:
        sync_sequences(s, (T,))
    for band, members in bands.items():
        _summarise(uow, ctx, kind, band, members, rules)
    return out


def resolve_detected(uow: UnitOfWork, ctx: ChangeContext, kind: Kind, orders: dict[int, str], key_prefix: str,
                     note: str = "The statements now agree with {order}.") -> int:
    """A detection rule no longer sees what it ticketed (services/reconcile.py: the statements now
    agree): the active tickets of `kind` on these orders (order id -> order number) whose rule key
    starts with `key_prefix` are moved to resolved, with a note (`note`, an N_() text with
    {order}); a person closes them. Returns how many."""
    if not orders:
        return 0
    found = list(uow.session.execute(select(Ticket).where(
        col(Ticket.order_id).in_(list(orders)), col(Ticket.kind) == kind.value,
        col(Ticket.state).in_([x.value for x in ACTIVE]))).scalars())
    found = [tk for tk in found if tk.rule_key.startswith(key_prefix)]
    if not found:
        return 0
    rules = ticket_rules(uow.session)
    for tk in found:
        said = rule_note(note, order=tk.order_no)
        uow.session.add(TicketComment(ticket_id=int(tk.id or 0), at=uow.now, author=ctx.actor.name, text=said))
        _move(uow, ctx, tk, State(tk.state), State.RESOLVED, rules)
    return len(found)


# ---- summary tickets (history) --------------------------------------------------------------------

def summary_holds(session: Session, kind: Kind, order_ids: Iterable[int]) -> dict[int, tuple[bool, str]]:
    """For each of these orders gathered into a summary ticket of this kind: (whether one such
    ticket is still active, what the newest one saw on it)."""
    ids = list(order_ids)
    if not ids:
        return {}
    K, M = Ticket.__table__, TicketOrder.__table__
    rows = session.execute(select(M.c.order_id, M.c.rule_key, K.c.state).join(K, K.c.id == M.c.ticket_id).where(
        M.c.order_id.in_(ids), K.c.kind == kind.value).order_by(M.c.ticket_id)).all()
    out: dict[int, tuple[bool, str]] = {}
    live = {x.value for x in ACTIVE}
    for oid, key, state in rows:
        was = out.get(int(oid), (False, ""))
        out[int(oid)] = (was[0] or state in live, key)
    return out


def is_summary(ticket: Ticket) -> bool:
    return ticket.rule_key.startswith(SUMMARY_KEY)


def summary_orders(session: Session, ticket_id: int) -> list[int]:
    """The ids of the orders a summary ticket holds (empty for a ticket on one order)."""
    M = TicketOrder.__table__
    return [int(x) for x in session.execute(select(M.c.order_id).where(M.c.ticket_id == int(ticket_id))
                                            .order_by(M.c.order_id)).scalars()]


def summary_order_numbers(session: Session, ticket_id: int) -> list[str]:
    """The order numbers of the orders a summary ticket holds, in order (empty: not a summary)."""
    M, OT = TicketOrder.__table__, Order.__table__
    return [str(x) for x in session.execute(select(OT.c.order_no).join(M, M.c.order_id == OT.c.id).where(
        M.c.ticket_id == int(ticket_id)).order_by(OT.c.order_no)).scalars()]


def summary_sizes(session: Session, ticket_ids: Iterable[int]) -> dict[int, int]:
    """How many orders each of these summary tickets holds (ticket id -> count)."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    M = TicketOrder.__table__
    return {int(k): int(n) for k, n in session.execute(select(M.c.ticket_id, func.count()).where(
        M.c.ticket_id.in_(ids)).group_by(M.c.ticket_id)).all()}


SUMMARY_NOTE = N_("{count} orders were already past their staleness threshold when the store first saw them "
                  "(last update {band} ago): one ticket for them all; Show orders lists them.")
SUMMARY_NOTES = {  # a kind whose history is not about staleness says what it is
    Kind.OUT_OF_STOCK: N_("{count} orders were paid before the stock catalogue knew what they are short of (paid "
                          "{band} ago): one ticket for them all; Show orders lists them."),
}


def _summarise(uow: UnitOfWork, ctx: ChangeContext, kind: Kind, band: str,
               members: list[tuple[int, str, str, datetime]], rules: TicketRules) -> Ticket:
    """Gather history (order id, number, key, last update) into the active summary ticket of this
    kind and age band, or a new one standing on the band's longest-quiet order."""
    s = uow.session
    members = sorted(members, key=lambda m: (m[3], m[0]))
    ticket = s.execute(select(Ticket).where(col(Ticket.kind) == kind.value, col(Ticket.rule_key) == SUMMARY_KEY + band,
                                            col(Ticket.state).in_([x.value for x in ACTIVE]))
                       .order_by(col(Ticket.id).desc()).limit(1)).scalars().first()
    before = 0
    if ticket is None:
        first = members[0]
        order = s.get(Order, first[0])
        assert order is not None  # a live order the rule just saw
        note = rule_note(SUMMARY_NOTES.get(kind, SUMMARY_NOTE), count=str(len(members)), band=band)
        ticket = _new(uow, ctx, order, kind, None, note, SUMMARY_KEY + band, rules)
    else:
        before = summary_sizes(s, [int(ticket.id or 0)]).get(int(ticket.id or 0), 0)
    tid = int(ticket.id or 0)
    insert_many(s, TicketOrder.__table__, ("ticket_id", "order_id", "rule_key"),
                [(tid, oid, key[:200]) for oid, _no, key, _at in members])
    for oid, order_no, _key, _at in members:
        uow.record(ctx, "ticket", order_id=oid, order_no=order_no, field=f"ticket#{tid}.summary", old=None,
                   new=f"{kind.value} {band}")
    if before:
        note = rule_note(SUMMARY_NOTES.get(kind, SUMMARY_NOTE), count=str(len(members)), band=band)
        s.add(TicketComment(ticket_id=tid, at=uow.now, author=ctx.actor.name, text=note))
        _touched(uow, ticket)
        _record(uow, ctx, ticket, "orders", before, before + len(members))
    return ticket


def first_sweep(uow: UnitOfWork, ctx: ChangeContext, now: datetime) -> datetime:
    """When the store's rules first swept it (`now` the first time: written, audited, by that
    sweep; read by the later ones)."""
    row = uow.session.get(Setting, FIRST_SWEEP_KEY)
    if row is not None:
        with suppress(ValueError, TypeError):
            return datetime.fromisoformat(json.loads(row.value))
    settings.put(uow, ctx, FIRST_SWEEP_KEY, json.dumps(now.isoformat()))
    return now


def arrivals(session: Session, order_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these orders came into the store (its create event)."""
    from shop_orders.store.models import AuditEvent

    ids = list(order_ids)
    if not ids:
        return {}
    A = AuditEvent.__table__
    return {int(oid): at for oid, at in session.execute(
        select(A.c.order_id, func.min(A.c.at)).where(A.c.order_id.in_(ids), A.c.action == "create")
        .group_by(A.c.order_id))}


def _seen_again(uow: UnitOfWork, ctx: ChangeContext, existing: Ticket, key: str, note: str) -> str:
    """`detected` on an order whose active ticket of the kind is `existing`."""
    if existing.rule_key == key[:200]:
        return ""
    old = existing.rule_key
    existing.rule_key = key[:200]
    uow.session.add(TicketComment(ticket_id=int(existing.id or 0), at=uow.now, author=ctx.actor.name, text=note))
    _touched(uow, existing)
    _record(uow, ctx, existing, "seen", old or None, key[:200])
    return "updated"


def _assignee_text(ticket: Ticket) -> str:
    return ticket.assignee_user or ticket.assignee_role


def assign(uow: UnitOfWork, ctx: ChangeContext, ticket_id: int, who: str) -> Ticket:
    """Give the ticket to a user (by name) or a role (by code: owner, manager, service, ...)."""
    permissions.require(uow, ctx.actor, "tickets.open")
    ticket = _locked(uow, ticket_id)
    name = str(who or "").strip()
    user = uow.session.execute(select(User).where(col(User.name) == name)).scalar_one_or_none()
    old = _assignee_text(ticket)
    if user is not None:
        if user.disabled:
            raise ValidationError(t("The account {name} is disabled; the owner can enable it.", name=name))
        ticket.assignee_user, ticket.assignee_role = user.name, user.role
    else:
        try:
            role = Role(name.lower())
        except ValueError:
            raise ValidationError(t("'{name}' is neither a user of this store nor a role ({roles}).", name=name,
                                    roles=", ".join(r.value for r in Role))) from None
        ticket.assignee_user, ticket.assignee_role = "", role.value
    if _assignee_text(ticket) != old:
        _touched(uow, ticket)
        _record(uow, ctx, ticket, "assignee", old, _assignee_text(ticket))
    return ticket


def comment(uow: UnitOfWork, ctx: ChangeContext, ticket_id: int, text: str) -> Ticket:
    permissions.require(uow, ctx.actor, "tickets.open")
    ticket = _locked(uow, ticket_id)
    body = _text(text, t("A comment"))
    if not body:
        raise ValidationError(t("A comment needs some text."))
    uow.session.add(TicketComment(ticket_id=int(ticket.id or 0), at=uow.now, author=ctx.actor.name, text=body))
    _touched(uow, ticket)
    _record(uow, ctx, ticket, "comment", None, body[:200])
    return ticket


def read_evidence(path: Path) -> tuple[str, bytes]:
    """A file to attach: its name and bytes; unreadable or too large is one sentence."""
    try:
        size = path.stat().st_size
    except OSError:
        raise ValidationError(t("{path} cannot be read.", path=path)) from None
    if size > MAX_ATTACHMENT:
        raise ValidationError(t("{name} is {mb} MB; an attachment is at most {limit} MB.", name=path.name,
                                mb=f"{size / 2 ** 20:.1f}", limit=MAX_ATTACHMENT // 2 ** 20))
    if not path.is_file():
        raise ValidationError(t("{path} cannot be read.", path=path))
    try:
        return path.name, path.read_bytes()
    except OSError:
        raise ValidationError(t("{path} cannot be read.", path=path)) from None


def attach(uow: UnitOfWork, ctx: ChangeContext, ticket_id: int, name: str, data: bytes) -> TicketAttachment:
    """Store a file on the ticket, by its SHA-256 (the same content twice is stored once)."""
    permissions.require(uow, ctx.actor, "tickets.open")
    ticket = _locked(uow, ticket_id)
    return _attach(uow, ctx, ticket, name, data)


def _attach(uow: UnitOfWork, ctx: ChangeContext, ticket: Ticket, name: str, data: bytes) -> TicketAttachment:
    clean = Path(str(name or "")).name.strip()[:255]
    if not clean:
        raise ValidationError(t("An attachment needs a file name."))
    if not data:
        raise ValidationError(t("{name} is empty; attach the file itself.", name=clean))
    if len(data) > MAX_ATTACHMENT:
        raise ValidationError(t("{name} is {mb} MB; an attachment is at most {limit} MB.", name=clean,
                                mb=f"{len(data) / 2 ** 20:.1f}", limit=MAX_ATTACHMENT // 2 ** 20))
    digest = hashlib.sha256(data).hexdigest()
    if uow.session.get(AttachmentBlob, digest) is None:
        uow.session.add(AttachmentBlob(sha256=digest, size=len(data), data=bytes(data)))
        uow.session.flush()
    att = TicketAttachment(ticket_id=int(ticket.id or 0), sha256=digest, name=clean, size=len(data), added_at=uow.now,
                           added_by=ctx.actor.name)
    uow.session.add(att)
    _touched(uow, ticket)
    _record(uow, ctx, ticket, "attachment", None, f"{digest} {clean}")
    return att


def set_state(uow: UnitOfWork, ctx: ChangeContext, ticket_id: int, state: State | str) -> Ticket:
    """Move a ticket: in progress, waiting on the customer (the clock pauses), resolved, or open
    again (a reopened ticket gets its whole time again). Closing is `close`."""
    permissions.require(uow, ctx.actor, "tickets.open")
    target = state if isinstance(state, State) else State.parse(state)
    if target is State.CLOSED:
        raise ValidationError(t("Closing a ticket needs a resolution and evidence: use close."))
    ticket = _locked(uow, ticket_id)
    current = State(ticket.state)
    check_move(current, target)
    if target in ACTIVE and current not in ACTIVE:  # reopening is opening: not on an archived order
        order = uow.session.get(Order, ticket.order_id)
        if order is not None and order.archived:
            raise ValidationError(t("{order} is archived; restore it from the archive before opening a ticket.",
                                    order=order.order_no))
        clash = active_for(uow.session, ticket.order_id, Kind(ticket.kind))
        if clash is not None:
            raise ValidationError(t("{order} already has an open {kind} ticket (#{id}); add to it instead.",
                                    order=ticket.order_no, kind=Kind(ticket.kind).label(), id=clash.id))
    _move(uow, ctx, ticket, current, target, ticket_rules(uow.session))
    return ticket


def _move(uow: UnitOfWork, ctx: ChangeContext, ticket: Ticket, current: State, target: State,
          rules: TicketRules) -> None:
    now = uow.now
    if target is State.WAITING:
        _stop_clock(ticket, rules, now)
    elif current is State.WAITING and target in ACTIVE:
        _start_clock(ticket, rules, now)
    elif target is State.RESOLVED:
        if ticket.resolved_at is None:
            ticket.resolved_at = now
        _stop_clock(ticket, rules, now)
    elif target is State.OPEN and current not in ACTIVE:  # reopened: a new round, its whole time again
        ticket.used_seconds, ticket.escalation, ticket.reminded_at = 0, 0, None
        ticket.resolved_at = ticket.closed_at = None
        _start_clock(ticket, rules, now)
    ticket.state = target.value
    _touched(uow, ticket)
    _record(uow, ctx, ticket, "state", current.value, target.value)


def close(uow: UnitOfWork, ctx: ChangeContext, ticket_id: int, resolution: str,
          evidence: Iterable[tuple[str, bytes]] = ()) -> Ticket:
    """Close with a written resolution and at least one evidence file (attached now or before)."""
    permissions.require(uow, ctx.actor, "tickets.open")
    ticket = _locked(uow, ticket_id)
    text = _text(resolution, t("The resolution"))
    if not text:
        raise ValidationError(t("Closing a ticket needs a written resolution."))
    current = State(ticket.state)
    check_move(current, State.CLOSED)
    for name, data in evidence:
        _attach(uow, ctx, ticket, name, data)
    uow.session.flush()
    files = uow.session.execute(select(func.count()).select_from(TicketAttachment.__table__).where(
        TicketAttachment.__table__.c.ticket_id == ticket.id)).scalar_one()
    if not files:
        raise ValidationError(t("Closing a ticket needs at least one evidence file (a photo, a screenshot, a "
                                "receipt)."))
    rules = ticket_rules(uow.session)
    if ticket.resolved_at is None:
        ticket.resolved_at = uow.now
    _stop_clock(ticket, rules, uow.now)
    ticket.resolution, ticket.closed_at = text, uow.now
    _record(uow, ctx, ticket, "resolution", None, text[:200])
    ticket.state = State.CLOSED.value
    _touched(uow, ticket)
    _record(uow, ctx, ticket, "state", current.value, State.CLOSED.value)
    return ticket


# ---- the clock's own work: reminders and escalation ------------------------------------------

def _live_order() -> ColumnElement[bool]:
    """The ticket's order is not archived: an archived order's tickets wait, unreminded, until it
    is restored (its clock still runs; a restore brings them back due or overdue)."""
    return col(Ticket.order_id).in_(select(col(Order.id)).where(col(Order.archived) == false()))


def remind_due(uow: UnitOfWork, now: datetime) -> list[Ticket]:
    """Tickets whose reminder time has come: marked reminded (once) and returned, for the
    assignee's notification."""
    due = list(uow.session.execute(select(Ticket).where(
        col(Ticket.state).in_([s.value for s in ACTIVE]), col(Ticket.remind_at).is_not(None),
        col(Ticket.remind_at) <= now, col(Ticket.reminded_at).is_(None), _live_order())).scalars())
    ctx = ChangeContext(SYSTEM, "rule:reminder")
    for ticket in due:
        ticket.reminded_at = now
        _record(uow, ctx, ticket, "reminder", None, _assignee_text(ticket))
    return due


def escalate_due(uow: UnitOfWork, now: datetime) -> list[Ticket]:
    """At the due time a ticket escalates: one priority step up, to a manager (and, one more SLA
    later, to the owner), with an audit event and a notification."""
    rules = ticket_rules(uow.session)
    due = list(uow.session.execute(select(Ticket).where(
        col(Ticket.state).in_([s.value for s in ACTIVE]), col(Ticket.escalate_at).is_not(None),
        col(Ticket.escalate_at) <= now, _live_order())).scalars())
    ctx = ChangeContext(SYSTEM, "rule:escalation")
    for ticket in due:
        old = f"P{ticket.priority} {_assignee_text(ticket)}"
        step = min(ticket.escalation, len(ESCALATE_TO) - 1)
        ticket.escalation += 1
        ticket.priority = int(Priority(ticket.priority).raised())
        ticket.assignee_user, ticket.assignee_role = "", ESCALATE_TO[step].value
        ticket.escalate_at = (rules.clock.add(now, ticket.sla_seconds) if ticket.escalation < len(ESCALATE_TO)
                              else None)
        ticket.reminded_at = None  # the new assignee is told
        ticket.remind_at = now
        _touched(uow, ticket)
        _record(uow, ctx, ticket, "escalated", old, f"P{ticket.priority} {_assignee_text(ticket)}")
    return due


# ---- the figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """For one kind or one assignee: tickets, resolved ones, resolved in time, mean time to
    resolve (seconds, None without any resolved)."""

    group: str
    tickets: int
    resolved: int
    in_time: int
    mean_resolve_s: int | None

    @property
    def hit_rate(self) -> float | None:
        return None if not self.resolved else self.in_time / self.resolved


def stats(session: Session) -> tuple[list[Figures], list[Figures], Figures]:
    """Per kind, per assignee, and over all: SLA hit rate (resolved before the due time they had
    when resolved) and mean time to resolve."""
    c = Ticket.__table__.c
    rows = session.execute(select(c.kind, c.assignee_user, c.assignee_role, c.opened_at, c.resolved_at,
                                  c.sla_seconds, c.used_seconds)).all()
    groups: dict[tuple[str, str], list] = {}
    for r in rows:
        in_time = r.resolved_at is not None and r.used_seconds < r.sla_seconds
        took = None if r.resolved_at is None else int((r.resolved_at - r.opened_at).total_seconds())
        for key in (("kind", r.kind), ("who", r.assignee_user or r.assignee_role), ("all", "")):
            groups.setdefault(key, []).append((r.resolved_at is not None, in_time, took))

    def figures(name: str, items: list) -> Figures:
        times = [x[2] for x in items if x[2] is not None]
        return Figures(name, len(items), sum(1 for x in items if x[0]), sum(1 for x in items if x[1]),
                       round(sum(times) / len(times)) if times else None)

    kinds = [figures(k[1], v) for k, v in sorted(groups.items()) if k[0] == "kind"]
    people = [figures(k[1], v) for k, v in sorted(groups.items()) if k[0] == "who"]
    return kinds, people, figures("", groups.get(("all", ""), []))
