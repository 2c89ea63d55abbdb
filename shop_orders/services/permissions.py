"""Who may do what: the permission matrix (role × action, domain/roles.py) as the shop set it,
the two-person rule's settings, and the idle lock — shop settings every seat shares.

Every service that changes something calls `require` first, so the command line and the UI obey
the same rules. The role checked is the one the store holds for the signed-in user now (a
context claiming another role is refused), and a disabled user may do nothing. A store with no
user at all acts as its owner until its first owner is set up.

The matrix and the two-person settings are changed only through an approved change set (a
second person's approval), so nobody loosens the rule to pass their own change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import (
    ALL_ACTIONS,
    DEFAULT_MATRIX,
    OWNER_ONLY,
    Role,
    action_label,
    allowed,
    least_privileged,
)
from shop_orders.services.setting_rows import put
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.db import Database
from shop_orders.store.errors import DamagedDatabase, translate
from shop_orders.store.models import User

PERMISSIONS_KEY = "permissions"
TWO_PERSON_KEY = "two_person"
IDLE_LOCK_KEY = "idle_lock_minutes"


class PermissionDenied(ShopOrdersError):
    """The signed-in user's role may not do this."""


class NeedsApproval(ShopOrdersError):
    """This change is a two-person change: it must be proposed and approved."""


@dataclass(frozen=True)
class TwoPerson:
    min_orders: int = 2  # a bulk edit of at least this many orders needs a second person
    expiry_hours: int = 24  # a proposal not decided within this is expired

    def to_json(self) -> str:
        return json.dumps({"min_orders": self.min_orders, "expiry_hours": self.expiry_hours}, sort_keys=True)


def _setting(session: Session, key: str) -> Any:  # the setting's JSON, as stored
    row = signing.setting(session, key)
    return json.loads(row.value) if row is not None else None


def matrix(session: Session) -> dict[str, frozenset[Role]]:
    """The shop's matrix: the defaults, with what the owner changed."""
    stored = _setting(session, PERMISSIONS_KEY) or {}
    out = dict(DEFAULT_MATRIX)
    for action, roles in stored.items():
        if action in out and action not in OWNER_ONLY:
            out[action] = frozenset(Role(r) for r in roles)
    return out


def matrix_json(m: dict[str, frozenset[Role]]) -> str:
    return json.dumps({a: sorted(r.value for r in m[a]) for a in ALL_ACTIONS}, sort_keys=True)


def two_person(session: Session) -> TwoPerson:
    d = _setting(session, TWO_PERSON_KEY) or {}
    return TwoPerson(int(d.get("min_orders", 2)), int(d.get("expiry_hours", 24)))


def idle_lock_minutes(session: Session) -> int:
    """Minutes without input after which a seat locks (0: never). Default 15."""
    value = _setting(session, IDLE_LOCK_KEY)
    return 15 if value is None else int(value)


def users_exist(session: Session) -> bool:
    return (session.execute(select(func.count()).select_from(User.__table__)).scalar() or 0) > 0


def new_user_role(session: Session) -> Role:
    """A new user's default role: the owner for a store's very first account (the only role it may
    have), else the role that may do the least under the shop's matrix (a slip gives too little,
    never too much)."""
    return least_privileged(matrix(session)) if users_exist(session) else Role.OWNER


def role_of(session: Session, actor: Actor) -> Role | None:
    """The role the store holds for this user now; None when they may not act at all. A user row
    whose signature does not check (written outside Shop Orders) raises RowTampered."""
    if not users_exist(session):
        return Role.OWNER  # a store before its first owner
    u = session.execute(select(User).where(col(User.name) == actor.name)).scalar_one_or_none()
    if u is None or u.disabled:
        return None
    signing.check(session, u)
    return Role(u.role)


def may(session: Session, actor: Actor, action: str) -> bool:
    return why_not(session, actor, action) is None


def why_not(session: Session, actor: Actor, action: str) -> str | None:
    """None when the user may; else the sentence saying why not (a tooltip, an error). An altered
    user row or rule is the reason too: nobody acts on it."""
    try:
        return _why_not(session, actor, action)
    except signing.RowTampered as exc:
        return str(exc)


def _why_not(session: Session, actor: Actor, action: str) -> str | None:
    role = role_of(session, actor)
    if role is None:
        return t("{name} is not a user of this store (or is disabled).", name=actor.name)
    if role.value != actor.role:
        return t("{name} is now {role}; sign in again.", name=actor.name, role=role.label())
    if not allowed(matrix(session), role, action):
        return t("{role} may not {action} (the owner sets this in the permissions).", role=role.label(),
                 action=action_label(action))
    return None


def require(uow: UnitOfWork, actor: Actor, action: str) -> None:
    """PermissionDenied (nothing written) unless the signed-in user may take this action."""
    cache = uow.permission_checks
    key = (actor.name, actor.role, action)
    if key not in cache:
        cache[key] = why_not(uow.session, actor, action)
    if cache[key] is not None:
        raise PermissionDenied(cache[key])


def check(db: Database, actor: Actor, action: str, *, damaged_ok: bool = False) -> None:
    """For the services that take the store rather than a unit of work (backup, restore, export,
    the audit key): PermissionDenied unless the signed-in user may, read in its own session.
    damaged_ok (restore): a store too damaged to read its users cannot say who may; whoever can
    replace its file may mend it (as signing in lets them)."""
    try:
        with db.read_session() as session:
            why = why_not(session, actor, action)
    except SQLAlchemyError as exc:
        if damaged_ok and isinstance(translate(exc, db.where), DamagedDatabase):
            return
        raise
    if why is not None:
        raise PermissionDenied(why)


def allowed_actions(session: Session, actor: Actor) -> frozenset[str]:
    """Every action this user may take now (for the UI: what to enable); none on an altered row."""
    try:
        role = role_of(session, actor)
        if role is None or role.value != actor.role:
            return frozenset()
        m = matrix(session)
    except signing.RowTampered:
        return frozenset()
    return frozenset(a for a in ALL_ACTIONS if allowed(m, role, a))


def grant_approved(uow: UnitOfWork, source: str) -> None:
    """Mark, for this unit of work only, that the change set named by `source` ("changeset:12")
    was approved and is being applied in it (services/changesets.py, nothing else, calls this)."""
    uow.approved_sources.add(source)


def applying_approved(uow: UnitOfWork, ctx: ChangeContext) -> bool:
    """True while an approved change set applies this change: its source, its approver, this
    very transaction. A context that merely names an approver does not pass."""
    return ctx.approver is not None and ctx.source in uow.approved_sources


def _approved(uow: UnitOfWork, ctx: ChangeContext, what: str) -> None:
    if not applying_approved(uow, ctx):
        raise NeedsApproval(t("Changing {what} needs a second person's approval: propose it.", what=what))


def apply_matrix(uow: UnitOfWork, ctx: ChangeContext, new: dict[str, list[str]]) -> None:
    """The owner's matrix (action → roles); only through an approved change set."""
    _approved(uow, ctx, t("the permissions"))
    m = matrix(uow.session)
    for action, roles in check_matrix(new).items():
        m[action] = frozenset(Role(r) for r in roles)
    put(uow, ctx, PERMISSIONS_KEY, matrix_json(m))


def apply_two_person(uow: UnitOfWork, ctx: ChangeContext, min_orders: int, expiry_hours: int) -> None:
    _approved(uow, ctx, t("the two-person rule"))
    put(uow, ctx, TWO_PERSON_KEY, check_two_person(min_orders, expiry_hours).to_json())


def check_two_person(min_orders: object, expiry_hours: object) -> TwoPerson:
    """The two-person settings, if they are whole numbers in range (checked when proposed and
    again when applied); else ValidationError."""
    try:
        rule = TwoPerson(int(str(min_orders).strip()), int(str(expiry_hours).strip()))
    except ValueError:
        raise ValidationError(t("the two-person rule is two whole numbers: orders and hours")) from None
    if not 1 <= rule.min_orders <= 1_000_000:
        raise ValidationError(t("the two-person rule applies from 1 order up (at most 1,000,000)"))
    if not 1 <= rule.expiry_hours <= 24 * 30:
        raise ValidationError(t("a proposal expires after 1 hour to 30 days"))
    return rule


def check_matrix(new: object) -> dict[str, list[str]]:
    """A matrix as proposed (action → role codes or labels), checked: known actions, known roles;
    else ValidationError naming what is wrong."""
    if not isinstance(new, dict):
        raise ValidationError(t("the permissions are an object of action → list of roles"))
    unknown = sorted(str(a) for a in set(new) - set(ALL_ACTIONS))
    if unknown:
        raise ValidationError(t("unknown actions: {actions}", actions=", ".join(unknown)))
    out: dict[str, list[str]] = {}
    for action, roles in new.items():
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ValidationError(t("the permissions are an object of action → list of roles"))
        try:
            out[action] = sorted({Role.parse(r).value for r in roles})
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if action in OWNER_ONLY and out[action] != [Role.OWNER.value]:
            raise ValidationError(t("Only the owner may {action}; no other role can be given it.",
                                    action=action_label(action)))
    return out


def set_idle_lock(uow: UnitOfWork, ctx: ChangeContext, minutes: int) -> None:
    """The seats' idle lock (a shop setting of the owner's; locking sooner is never a loosening,
    so this one is not two-person)."""
    require(uow, ctx.actor, "settings.permissions")
    if not 0 <= int(minutes) <= 24 * 60:
        raise ValidationError(t("the idle lock is 0 (never) to 1440 minutes"))
    put(uow, ctx, IDLE_LOCK_KEY, json.dumps(int(minutes)))
