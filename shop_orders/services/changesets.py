"""The two-person rule: one proposes, another approves, nobody bypasses it.

A change set is a proposal written down with its exact content: for every order it touches, the
version it was proposed against and the fields before → after ({"status": ...}, {"courier": ...},
{"prices": {line: price}, "total": ...}, {"archived": true}); for the shop's rules, the setting
before → after. Its content hash covers the kind, the parameters, the reason, the proposer and
every item, and an approval is bound to it: approving recomputes it from what is stored.

`submit` proposes; when the change needs no second person (a bulk edit of fewer orders than the
shop's threshold, and not a price change, a delete, a purge or a change of the rules) it is
applied at once by its proposer. Otherwise it waits for `approve` by a different person holding
`changes.approve`, who confirms with their own password (or from their own signed-in seat), and
who is not an account the proposer controls: an approver whose password the proposer set (and who
has not set their own since), or whose role the proposer gave in the last 7 days, may not approve
that proposer's sets (auth.COOLING). Account changes that would give the proposer a second
approver (creating or enabling an approver, setting an approver's password or PIN) are change sets
themselves while two people may approve (`create_user`, `enable_user`, `set_secret` here). The
content hash is keyed with the store's audit key, so nobody who can only write the database file
can edit a pending set, or insert one, and make it check. In
the approving transaction everything is checked again — the state (pending, not expired), the
content hash, every order's version (an order changed since the proposal refuses the whole set:
propose again), the approver's rights — and the items are applied through the order services
(orders_batch.change_many: their rules, written set-wise), each event naming the proposer (as actor)
and the approver. An applied set can be reverted by a new change set with before and after
swapped, itself two-person. The changes only approved sets may make (prices, archive, purge,
roles, the permission matrix, the two-person settings) refuse any call that does not come from an approval being applied (services/permissions.py).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders import paths
from shop_orders.domain import trail
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.money import parse_percent as _percent
from shop_orders.domain.money import scaled as _scaled
from shop_orders.domain.payment import unpaid_refusal
from shop_orders.domain.roles import Role, action_label, status_action
from shop_orders.domain.status import ALLOWED, DERIVED, FINAL, Status, check_manual_transition
from shop_orders.domain.vocabulary import field_label
from shop_orders.services import auth, backup, orders_batch, permissions
from shop_orders.services.settings import get_cod_channels
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import grid
from shop_orders.store.change_set_hash import PENDING, content_hash
from shop_orders.store.change_set_hash import canonical as _canonical
from shop_orders.store.db import Database
from shop_orders.store.models import ChangeSet, ChangeSetItem, Order, OrderLine

APPLIED, REJECTED, EXPIRED, REVERTED = "applied", "rejected", "expired", "reverted"  # and PENDING (store)

# kind -> what people read
KINDS: dict[str, str] = {
    "set_status": N_("change status"), "cancel": N_("cancel"), "set_courier": N_("change courier"),
    "price_percent": N_("change prices"), "archive": N_("delete (archive)"), "unarchive": N_("restore from the archive"),
    "purge": N_("purge archived orders"), "revert": N_("revert a change set"), "set_role": N_("change a user's role"),
    "permissions": N_("change the permissions"), "two_person": N_("change the two-person rule"),
    "create_user": N_("add a user who may approve"), "enable_user": N_("enable a user who may approve"),
    "set_secret": N_("set another approver's password or PIN"),
}
ORDER_KINDS = ("set_status", "cancel", "set_courier", "price_percent", "archive", "unarchive", "purge", "revert")
ACCOUNT_KINDS = ("create_user", "enable_user", "set_secret")
ALWAYS_TWO = frozenset({"price_percent", "archive", "unarchive", "purge", "set_role", "permissions", "two_person",
                        *ACCOUNT_KINDS})
CHUNK = 900


@dataclass(frozen=True)
class KindHandler:
    """A two-person change another service owns (services/reconcile.py's match by hand): what it is
    called, the permission its proposer needs, how its parameters are checked when proposed, how it
    is applied once approved (in the approving unit of work, ctx naming proposer and approver), and
    how it reads for people. Such a kind always needs a second person."""

    label: str  # N_() text
    action: str  # the permission matrix's action
    check: Callable[[Session, dict], dict]
    apply: Callable[[UnitOfWork, ChangeContext, dict], None]
    describe: Callable[[dict, str | None], list[str]]


HANDLERS: dict[str, KindHandler] = {}


def register_kind(kind: str, handler: KindHandler) -> None:
    """Add a two-person kind owned by another service (it registers itself when imported; the
    composition root, services/context.py, imports it, so every seat that may approve knows it)."""
    HANDLERS[kind] = handler
    KINDS[kind] = handler.label


class ChangeSetRefused(ShopOrdersError):
    """An approval, rejection or revert that the rule does not allow; nothing changed."""


@dataclass(frozen=True)
class Proposal:
    id: int
    kind: str
    state: str
    orders: int
    proposer: str
    proposer_role: str
    reason: str
    created_at: datetime
    expires_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_reason: str
    params: dict
    revert_of: int | None
    decided_role: str = ""  # the role of who decided (decided_by)

    @property
    def label(self) -> str:
        return t(KINDS.get(self.kind, self.kind))

    def decided(self, lang: str | None = None) -> str:
        """Who approved (or rejected) it, with their role: "olivia (owner)" / "olivia（老板）"; an applied
        set that needed no second person says so; a waiting one ""."""
        if self.decided_by:
            return trail.approver_text(Actor(self.decided_by, self.decided_role).describe(), lang) \
                if self.decided_role else self.decided_by
        if self.state in (APPLIED, REVERTED):
            return t("no second person needed", lang=lang)
        return ""


def _proposal(cs: ChangeSet) -> Proposal:
    assert cs.id is not None  # a stored row
    return Proposal(int(cs.id), cs.kind, cs.state, cs.order_count, cs.proposer, cs.proposer_role, cs.reason,
                    cs.created_at, cs.expires_at, cs.decided_by, cs.decided_at, cs.decision_reason,
                    json.loads(cs.params), cs.revert_of, cs.decided_role)


# ---- what a change does to one order ---------------------------------------------------------

def _item(kind: str, params: dict, o: Row, lines: list[tuple[int, int]]) -> tuple[dict, dict]:
    """(before, after) of one order for a kind; ValidationError naming the order when the change
    cannot apply to it."""
    status = Status(o.status)
    if kind in ("set_status", "cancel"):
        target = Status.CANCELLED if kind == "cancel" else Status(params["status"])
        try:
            check_manual_transition(status, target)
        except ShopOrdersError as exc:
            raise ValidationError(t("{order}: {problem}", order=o.order_no, problem=exc)) from None
        return {"status": status.value}, {"status": target.value}
    if kind == "set_courier":
        return {"courier": o.courier}, {"courier": params["courier"]}
    if kind == "price_percent":
        if FINAL[status]:
            raise ValidationError(t("{order} is {status}; its prices stay as they are.", order=o.order_no,
                                    status=status.label()))
        p = _percent(params["percent"])
        before = {"prices": {str(n): price for n, price in lines}, "total": o.total_minor}
        after = {"prices": {str(n): _scaled(price, p) for n, price in lines}, "total": _scaled(o.total_minor, p)}
        return before, after
    if kind in ("archive", "unarchive"):
        return {"archived": bool(o.archived)}, {"archived": kind == "archive"}
    if kind == "purge":
        if not o.archived:
            raise ValidationError(t("{order} is not archived; only archived orders are purged.", order=o.order_no))
        return {"archived": True}, {"purged": True}
    raise ValidationError(t("unknown change '{kind}'", kind=kind))


def _kind_action(kind: str, params: dict) -> str:
    return {"set_status": "orders.bulk", "cancel": "orders.bulk", "set_courier": "orders.bulk",
            "price_percent": "orders.prices", "archive": "orders.archive", "unarchive": "orders.archive",
            "purge": "orders.purge", "revert": "orders.bulk", "set_role": "users.manage",
            "permissions": "settings.permissions", "two_person": "settings.permissions",
            "create_user": "users.manage", "enable_user": "users.manage", "set_secret": "users.manage",
            **{k: h.action for k, h in HANDLERS.items()}}[kind]


# ---- proposing -------------------------------------------------------------------------------

def _selected(session: Session, selection: list[int] | GridQuery) -> list[int]:
    if isinstance(selection, GridQuery):
        q = selection.with_(sort="created_at", descending=False)
        total = grid.count(session, q)
        ids: list[int] = []
        while len(ids) < total:
            rows = grid.window(session, q, len(ids), 5000, total)
            if not rows:
                break
            ids += [r.id for r in rows]
        return ids
    return sorted({int(i) for i in selection})


def _orders_of(session: Session, ids: list[int]) \
        -> Iterator[tuple[int, Row | None, list[tuple[int, int]]]]:
    T, L = Order.__table__, OrderLine.__table__
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        found = {r.id: r for r in session.execute(select(T).where(T.c.id.in_(chunk)))}
        lines: dict[int, list[tuple[int, int]]] = {}
        for r in session.execute(select(L.c.order_id, L.c.line_no, L.c.unit_price_minor)
                                 .where(L.c.order_id.in_(chunk)).order_by(L.c.order_id, L.c.line_no)):
            lines.setdefault(r.order_id, []).append((r.line_no, r.unit_price_minor))
        for oid in chunk:
            yield oid, found.get(oid), lines.get(oid, [])


def needs_second_person(session: Session, kind: str, order_count: int) -> bool:
    return kind in ALWAYS_TWO or kind in HANDLERS or order_count >= permissions.two_person(session).min_orders


def propose(uow: UnitOfWork, ctx: ChangeContext, kind: str, params: dict, reason: str,
            selection: list[int] | GridQuery | None = None, revert_of: int | None = None) -> Proposal:
    """Write a change set down (pending). Every order must be able to take the change now."""
    if kind not in KINDS:
        raise ValidationError(t("unknown change '{kind}'", kind=kind))
    if not reason.strip():
        raise ValidationError(t("A change set needs a reason."))
    permissions.require(uow, ctx.actor, _kind_action(kind, params))
    s = uow.session
    items: list[tuple[int, str, int, str, str]] = []
    if kind == "revert":
        items = _revert_items(s, int(revert_of or 0))
    elif kind in ORDER_KINDS:
        params = _order_params(kind, params)
        items = _order_items(uow, ctx, kind, params, selection or [])
    else:
        params = _rule_params(s, kind, params)
    now = uow.now
    expires = (now + timedelta(hours=permissions.two_person(s).expiry_hours)).replace(microsecond=0)
    cs = ChangeSet(kind=kind, params=_canonical(params), reason=reason.strip(), state=PENDING,
                   content_hash=content_hash(uow.key, kind, params, reason.strip(), ctx.actor.name, ctx.actor.role,
                                             expires, revert_of, items),
                   order_count=len(items), proposer=ctx.actor.name, proposer_role=ctx.actor.role, created_at=now,
                   expires_at=expires, revert_of=revert_of)
    s.add(cs)
    s.flush()
    for i in range(0, len(items), 5000):
        s.execute(insert(ChangeSetItem.__table__), [
            {"change_set_id": cs.id, "order_id": a, "order_no": b, "version": c, "before": d, "after": e}
            for a, b, c, d, e in items[i:i + 5000]])
    uow.record(ctx, "changeset", field="proposed", old=None,
               new=f"#{cs.id} {kind} ({len(items)})" if items else f"#{cs.id} {kind}")
    return _proposal(cs)


def _order_params(kind: str, params: dict) -> dict:
    """An order change's parameters as they are kept: checked and in their canonical form."""
    if kind == "set_status":
        target = Status(params.get("status", ""))
        if DERIVED[target]:
            raise ValidationError(t("{status} cannot be set by hand.", status=target.label()))
        return {"status": target.value}
    if kind == "set_courier":
        return {"courier": str(params.get("courier", "")).strip()[:64]}
    if kind == "price_percent":
        return {"percent": str(_percent(params.get("percent", "")))}
    return params


def _order_items(uow: UnitOfWork, ctx: ChangeContext, kind: str, params: dict,
                 selection: list[int] | GridQuery) -> list[tuple[int, str, int, str, str]]:
    """(order id, global id, version, before, after) of every selected order, each of which must be
    able to take the change now (the proposer's rights for each move included)."""
    s = uow.session
    ids = _selected(s, selection)
    if not ids:
        raise ValidationError(t("No order matches: nothing to change."))
    cod = get_cod_channels(s)
    items: list[tuple[int, str, int, str, str]] = []
    for oid, o, lines in _orders_of(s, ids):
        if o is None:
            raise ValidationError(t("Order #{id} is no longer in the store.", id=oid))
        if o.archived and kind not in ("unarchive", "purge"):
            raise ValidationError(t("{order} is archived; restore it from the archive first.", order=o.order_no))
        before, after = _item(kind, params, o, lines)
        if after.get("status") == Status.AWAITING_SHIPMENT.value:  # the transition checks again when applied
            refusal = unpaid_refusal(o.order_no, o.channel, o.paid_minor, o.total_minor, o.currency, cod)
            if refusal:
                raise ValidationError(refusal)
        if kind in ("set_status", "cancel"):
            permissions.require(uow, ctx.actor, status_action(Status(before["status"]), Status(after["status"])))
        items.append((oid, o.order_no, int(o.version), _canonical(before), _canonical(after)))
    return items


def _rule_params(s: Session, kind: str, params: dict) -> dict:
    if kind == "set_role":
        user = auth.find(s, str(params.get("user", "")))
        if user is None:
            raise ValidationError(t("There is no user {name}.", name=params.get("user", "")))
        role = Role.parse(str(params.get("role", "")))
        return {"user": user.name, "role": role.value, "before": user.role.value}
    if kind == "permissions":
        return {"matrix": permissions.check_matrix(params.get("matrix", {}))}
    if kind == "two_person":
        rule = permissions.check_two_person(params.get("min_orders", 2), params.get("expiry_hours", 24))
        return {"min_orders": rule.min_orders, "expiry_hours": rule.expiry_hours}
    if kind in HANDLERS:
        return HANDLERS[kind].check(s, params)
    if kind in ACCOUNT_KINDS:
        name = str(params.get("user", "")).strip()
        found = auth.find(s, name)
        if kind == "create_user":
            if found is not None:
                raise ValidationError(t("There is already a user {name}.", name=name))
            return {"user": name, "role": Role.parse(str(params.get("role", ""))).value,
                    "password_hash": str(params["password_hash"]), "pin_hash": params.get("pin_hash") or None}
        if found is None:
            raise ValidationError(t("There is no user {name}.", name=name))
        if kind == "enable_user":
            return {"user": found.name}
        return {"user": found.name, "password_hash": params.get("password_hash") or None,
                "pin_hash": params.get("pin_hash") or None}
    raise ValidationError(t("unknown change '{kind}'", kind=kind))


def _revert_items(s: Session, of: int) -> list[tuple[int, str, int, str, str]]:
    cs = s.get(ChangeSet, of)
    if cs is None or cs.state != APPLIED:
        raise ValidationError(t("Only an applied change set can be reverted (#{id} is not one).", id=of))
    if cs.kind in ("purge",) or cs.kind not in ORDER_KINDS:
        raise ValidationError(t("#{id} cannot be reverted: {what}.", id=of, what=t(KINDS.get(cs.kind, cs.kind))))
    items = []
    T = Order.__table__
    old = _items(s, of)
    orders_now: dict = {}
    for i in range(0, len(old), CHUNK):
        ids = [it.order_id for it in old[i:i + CHUNK]]
        orders_now.update({r.id: r for r in s.execute(select(T.c.id, T.c.version, T.c.status)
                                                       .where(T.c.id.in_(ids)))})
    for it in old:
        o = orders_now.get(it.order_id)
        if o is None:
            raise ValidationError(t("{order} is no longer in the store.", order=it.order_no))
        before, after = json.loads(it.after), json.loads(it.before)
        if "status" in after:
            now, back = Status(o.status), Status(after["status"])
            if back not in ALLOWED[now] or DERIVED[back]:
                raise ValidationError(t("{order} cannot go back from {current} to {status}.", order=it.order_no,
                                        current=now.label(), status=back.label()))
            before = {"status": now.value}
        items.append((it.order_id, it.order_no, int(o.version), _canonical(before), _canonical(after)))
    return items


def submit(uow: UnitOfWork, ctx: ChangeContext, kind: str, params: dict, reason: str,
           selection: list[int] | GridQuery | None = None, revert_of: int | None = None) -> Proposal:
    """Propose; a change that needs no second person is applied at once, by its proposer."""
    p = propose(uow, ctx, kind, params, reason, selection, revert_of)
    if needs_second_person(uow.session, kind, p.orders):
        return p
    return _apply(uow, _locked(uow, p.id), ctx.actor, None)


# ---- deciding ----------------------------------------------------------------------------------

def _locked(uow: UnitOfWork, change_set_id: int) -> ChangeSet:
    cs = uow.session.get(ChangeSet, int(change_set_id), with_for_update=True)
    if cs is None:
        raise ChangeSetRefused(t("There is no change set #{id}.", id=change_set_id))
    return cs


def _still_pending(uow: UnitOfWork, cs: ChangeSet) -> None:
    if cs.state == PENDING and cs.expires_at <= uow.now:
        cs.state, cs.decided_at = EXPIRED, uow.now
    if cs.state != PENDING:
        raise ChangeSetRefused(t("Change set #{id} is {state}: it can no longer be approved or rejected.", id=cs.id,
                                 state=t(STATES[cs.state])))


STATES = {PENDING: N_("waiting for approval"), APPLIED: N_("applied"), REJECTED: N_("rejected"),
          EXPIRED: N_("expired"), REVERTED: N_("reverted")}


def _items(s: Session, change_set_id: int) -> list:
    """The change set's rows (order_id, order_no, version, before, after) as plain rows: a set of
    100,000 orders is not held as 100,000 objects in the applying session."""
    c = ChangeSetItem.__table__.c
    return list(s.execute(select(c.order_id, c.order_no, c.version, c.before, c.after)
                          .where(c.change_set_id == change_set_id).order_by(c.id)).all())


def approve(uow: UnitOfWork, approver: Actor, change_set_id: int) -> Proposal:
    """A second person approves from their own signed-in seat: the change set is checked again
    and applied in this transaction (the caller commits)."""
    cs = _locked(uow, change_set_id)
    _still_pending(uow, cs)
    refusal = auth.approval_refusal(uow.session, uow.now, approver, cs.proposer, int(cs.id or 0))
    if refusal is not None:
        raise ChangeSetRefused(refusal)
    return _apply(uow, cs, Actor(cs.proposer, cs.proposer_role), approver)


def confirm(db: Database, approver_name: str, change_set_id: int, secret: str,
            clock: Callable[[], datetime] | None = None) -> Proposal:
    """A second person approves on the spot, with their own password or PIN (checked first, in
    its own transaction, so a wrong one counts toward their lock), then `approve`."""
    try:
        user = auth.authenticate(db, approver_name, secret)
    except auth.SignInFailed as exc:
        raise ChangeSetRefused(str(exc)) from None
    uow = UnitOfWork(db, clock=clock) if clock else UnitOfWork(db)
    with uow:
        done = approve(uow, user.actor, change_set_id)
        uow.commit()
    return done


def _apply(uow: UnitOfWork, cs: ChangeSet, proposer: Actor, approver: Actor | None) -> Proposal:
    s = uow.session
    if cs.state != PENDING:
        raise ChangeSetRefused(t("Change set #{id} is {state}: it can no longer be approved or rejected.", id=cs.id,
                                 state=t(STATES[cs.state])))
    items = _items(s, int(cs.id or 0))
    params = json.loads(cs.params)
    stored = content_hash(uow.key, cs.kind, params, cs.reason, cs.proposer, cs.proposer_role, cs.expires_at,
                          cs.revert_of, [(i.order_id, i.order_no, i.version, i.before, i.after) for i in items])
    if not hmac.compare_digest(stored, cs.content_hash) or len(items) != cs.order_count:
        raise ChangeSetRefused(t("Change set #{id} was modified after it was proposed; it cannot be approved.",
                                 id=cs.id))
    T = Order.__table__
    for i in range(0, len(items), CHUNK):
        chunk = items[i:i + CHUNK]
        now = dict(s.execute(select(T.c.id, T.c.version).where(T.c.id.in_([x.order_id for x in chunk]))).all())
        for it in chunk:
            if now.get(it.order_id) != it.version:
                raise ChangeSetRefused(t("{order} changed after change set #{id} was proposed; nothing was changed: "
                                         "propose it again.", order=it.order_no, id=cs.id))
    source = f"changeset:{cs.id}"
    ctx = ChangeContext(proposer, source, cs.reason, approver)
    if approver is not None:
        permissions.grant_approved(uow, source)
    if cs.kind not in ORDER_KINDS:
        _apply_rule_kind(uow, ctx, cs.kind, params)
    else:
        if cs.kind == "purge" and approver is not None:
            _backup_first(uow)
        # Every order's rules and events as orders.transition/edit/set_prices/set_archived/purge
        # give them, written set-wise (orders_batch.change_many); the rules see the batch at commit.
        orders_batch.change_many(uow, ctx, [(it.order_id, json.loads(it.after)) for it in items])
    cs.state, cs.decided_at = APPLIED, uow.now
    cs.decided_by = approver.name if approver is not None else ""
    cs.decided_role = approver.role if approver is not None else ""
    if cs.revert_of is not None:
        s.execute(update(ChangeSet.__table__).where(ChangeSet.__table__.c.id == cs.revert_of).values(state=REVERTED))
    uow.record(ctx, "changeset", field="applied", old=None, new=f"#{cs.id} {cs.kind}")
    return _proposal(cs)


def _apply_rule_kind(uow: UnitOfWork, ctx: ChangeContext, kind: str, params: dict) -> None:
    """An approved change of the shop's rules, of an account, or of another service's kind."""
    if kind == "set_role":
        auth.apply_role(uow, ctx, params["user"], params["role"])
    elif kind == "permissions":
        permissions.apply_matrix(uow, ctx, params["matrix"])
    elif kind == "two_person":
        permissions.apply_two_person(uow, ctx, params["min_orders"], params["expiry_hours"])
    elif kind == "create_user":
        auth.create_user(uow, ctx, params["user"], params["role"], "", password_hash=params["password_hash"],
                         pin_hash=params.get("pin_hash"))
    elif kind == "enable_user":
        auth.set_disabled(uow, ctx, params["user"], False)
    elif kind == "set_secret":
        auth.set_secret(uow, ctx, params["user"], password_hash=params.get("password_hash"),
                        pin_hash=params.get("pin_hash"))
    elif kind in HANDLERS:
        HANDLERS[kind].apply(uow, ctx, params)
    else:
        raise ValidationError(t("unknown change '{kind}'", kind=kind))


def _backup_first(uow: UnitOfWork) -> None:
    """A purge is approved: a checked backup of the store as it is now (before the purge, which is
    not yet committed) goes into the backup folder first; a failed backup stops the purge."""
    try:
        backup.backup(uow.db, None, paths.default_backup_dir())
    except (OSError, ShopOrdersError) as exc:
        raise ChangeSetRefused(t("A purge takes a backup first, and the backup failed: {reason}", reason=exc)) from None


def reject(uow: UnitOfWork, ctx: ChangeContext, change_set_id: int, reason: str) -> Proposal:
    """Turn a proposal down (anyone who may approve, or its proposer withdrawing it)."""
    if not reason.strip():
        raise ValidationError(t("Rejecting needs a reason."))
    cs = _locked(uow, change_set_id)
    _still_pending(uow, cs)
    if ctx.actor.name != cs.proposer:
        try:
            permissions.require(uow, ctx.actor, "changes.approve")
        except permissions.PermissionDenied as exc:
            raise ChangeSetRefused(str(exc)) from None
    cs.state, cs.decided_by, cs.decided_role, cs.decided_at = REJECTED, ctx.actor.name, ctx.actor.role, uow.now
    cs.decision_reason = reason.strip()
    uow.record(ctx, "changeset", field="rejected", old=None, new=f"#{cs.id}")
    return _proposal(cs)


def revert(uow: UnitOfWork, ctx: ChangeContext, change_set_id: int, reason: str) -> Proposal:
    """Propose undoing an applied change set (a new change set, two-person like any other)."""
    return propose(uow, ctx, "revert", {"of": int(change_set_id)}, reason, revert_of=int(change_set_id))


# ---- reading -----------------------------------------------------------------------------------

def expire_due(uow: UnitOfWork) -> int:
    """Mark every pending change set past its time as expired; returns how many."""
    T = ChangeSet.__table__
    result = uow.session.execute(update(T).where(T.c.state == PENDING, T.c.expires_at <= uow.now)
                                 .values(state=EXPIRED, decided_at=uow.now))
    return getattr(result, "rowcount", 0) or 0


def listing(session: Session, states: tuple[str, ...] = (), now: datetime | None = None) -> list[Proposal]:
    """Change sets, newest first. Given `now`, a pending one past its time is shown as expired
    (what approving it would find), without writing."""
    q = select(ChangeSet).order_by(col(ChangeSet.id).desc())
    found = [_proposal(cs) for cs in session.execute(q).scalars()]
    if now is not None:
        found = [as_of(p, now) for p in found]
    return [p for p in found if not states or p.state in states]


def as_of(p: Proposal, now: datetime) -> Proposal:
    """The proposal as it stands at `now`: a pending one past its time is expired."""
    return replace(p, state=EXPIRED) if p.state == PENDING and p.expires_at <= now else p


def state_label(state: str) -> str:
    return t(STATES[state]) if state in STATES else state


def order_ids(session: Session, order_nos: Iterable[str]) -> list[int]:
    """The stored ids of orders named by their global ids (SO-…), for a selection; an unknown
    one refuses the whole list, naming the first few."""
    wanted = list(dict.fromkeys(n.strip() for n in order_nos if n.strip()))
    T = Order.__table__
    found: dict[str, int] = {}
    for i in range(0, len(wanted), CHUNK):
        found.update({no: int(oid) for no, oid in session.execute(
            select(T.c.order_no, T.c.id).where(T.c.order_no.in_(wanted[i:i + CHUNK])))})
    missing = [n for n in wanted if n not in found]
    if missing:
        raise ValidationError(t("There is no order {order}.", order=", ".join(missing[:5])
                                + (" …" if len(missing) > 5 else "")))
    return [found[n] for n in wanted]


@dataclass(frozen=True)
class ItemView:
    order_no: str
    currency: str
    before: dict
    after: dict

    def describe(self, lang: str | None = None) -> str:
        return describe_item(self.before, self.after, self.currency, lang)


def details(session: Session, change_set_id: int, limit: int | None = None) -> list[ItemView]:
    """The orders of a change set with their currency (for showing money), in order."""
    get(session, change_set_id)  # a missing set is one sentence
    it, T = ChangeSetItem.__table__, Order.__table__
    q = (select(it.c.order_no, T.c.currency, it.c.before, it.c.after)
         .select_from(it.outerjoin(T, T.c.id == it.c.order_id))
         .where(it.c.change_set_id == int(change_set_id)).order_by(it.c.id))
    if limit is not None:
        q = q.limit(limit)
    return [ItemView(no, cur or "", json.loads(b), json.loads(a)) for no, cur, b, a in session.execute(q).all()]


def _shown(field: str, value: Any, currency: str, lang: str | None) -> str:
    if value is None or value == "":
        return t("(none)", lang=lang)
    if field == "status":
        return Status(value).label(lang)
    if field in ("archived", "purged"):
        return t("yes", lang=lang) if value else t("no", lang=lang)
    if field in ("total", "price"):
        return format_minor(int(value), currency) if currency else str(value)
    return str(value)


def describe_item(before: dict, after: dict, currency: str = "", lang: str | None = None) -> str:
    """One order's change for people, in the language: 'status: Awaiting shipment → Cancelled',
    'total: 375.00 → 337.50; line 1: 168.00 → 151.20'."""
    parts = []
    for field in ("status", "courier", "total", "archived"):
        if field in after:
            parts.append(t("{field}: {old} → {new}", lang=lang, field=field_label(field, lang),
                           old=_shown(field, before.get(field), currency, lang),
                           new=_shown(field, after[field], currency, lang)))
    old_prices, new_prices = before.get("prices", {}), after.get("prices", {})
    for line in sorted(new_prices, key=int):
        parts.append(t("line {n}: {old} → {new}", lang=lang, n=line,
                       old=_shown("price", old_prices.get(line), currency, lang),
                       new=_shown("price", new_prices[line], currency, lang)))
    if after.get("purged"):
        parts.append(t("purged", lang=lang))
    return "; ".join(parts)


def pending_count(session: Session, now: datetime) -> int:
    T = ChangeSet.__table__
    return session.execute(select(func.count()).select_from(T).where(T.c.state == PENDING, T.c.expires_at > now)
                           ).scalar() or 0


def get(session: Session, change_set_id: int) -> Proposal:
    cs = session.get(ChangeSet, int(change_set_id))
    if cs is None:
        raise ChangeSetRefused(t("There is no change set #{id}.", id=change_set_id))
    return _proposal(cs)


def items(session: Session, change_set_id: int, limit: int | None = None) -> list[tuple[str, dict, dict]]:
    """(order number, before, after) of a change set, in order."""
    q = (select(col(ChangeSetItem.order_no), col(ChangeSetItem.before), col(ChangeSetItem.after))
         .where(col(ChangeSetItem.change_set_id) == int(change_set_id)).order_by(col(ChangeSetItem.id)))
    if limit is not None:
        q = q.limit(limit)
    return [(no, json.loads(b), json.loads(a)) for no, b, a in session.execute(q).all()]


def describe_params(p: Proposal, lang: str | None = None) -> list[str]:
    """What a change set of the shop's rules (or a bulk kind's parameter) changes, for people."""
    d = p.params
    if p.kind == "set_role":
        return [t("{name}: {old} → {new}", lang=lang, name=d["user"], old=Role(d["before"]).label(lang),
                  new=Role(d["role"]).label(lang))]
    if p.kind == "two_person":
        return [t("a second person from {n} orders; a proposal expires after {hours} h", lang=lang,
                  n=d["min_orders"], hours=d["expiry_hours"])]
    if p.kind == "permissions":
        return [t("{action}: {roles}", lang=lang, action=action_label(a, lang),
                  roles=", ".join(Role(r).label(lang) for r in roles) or t("(none)", lang=lang))
                for a, roles in sorted(d["matrix"].items())]
    if p.kind == "price_percent":
        return [t("prices {percent}%", lang=lang, percent=d["percent"])]
    if p.kind == "revert":
        return [t("undoes change set #{id}", lang=lang, id=p.revert_of)]
    if p.kind == "create_user":
        return [t("{name} as {role}", lang=lang, name=d["user"], role=Role(d["role"]).label(lang))]
    if p.kind in ("enable_user", "set_secret"):
        return [str(d["user"])]  # never the hashes
    if p.kind in HANDLERS:
        return HANDLERS[p.kind].describe(d, lang)
    return []


def account_change(uow: UnitOfWork, ctx: ChangeContext, kind: str, name: str, *, role: Role | str | None = None,
                   password: str | None = None, pin: str | None = None,
                   reason: str = "") -> auth.UserInfo | Proposal | None:
    """An account change done at once, or, when the two-person rule wants a second person for it
    (auth._strengthens), proposed as a change set carrying the new secrets' hashes (never the
    secrets). Returns the UserInfo/None of a change done, or the Proposal."""
    if password is not None:
        auth.check_password(password)
    if pin is not None:
        auth.check_pin(pin)
    try:
        with uow.session.begin_nested():
            if kind == "create_user":
                return auth.create_user(uow, ctx, name, role or Role.OWNER, password or "", pin)
            if kind == "enable_user":
                auth.set_disabled(uow, ctx, name, False)
                return None
            auth.set_secret(uow, ctx, name, password, pin)
            return None
    except permissions.NeedsApproval:
        pass
    params: dict = {"user": name}
    if kind == "create_user":
        params.update(role=Role(role).value if role is not None else "")
    if kind in ("create_user", "set_secret"):
        params.update(password_hash=auth.hash_secret(password) if password else None,
                      pin_hash=auth.hash_secret(pin) if pin else None)
    return submit(uow, ctx, kind, params, reason or t(KINDS[kind]) + f": {name}")
