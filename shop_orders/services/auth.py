"""Local accounts: who signs in at a seat, with which role.

Passwords, and the numeric PINs (at least 6 digits) people use for a quick switch at a shared
PC, are kept only as argon2id hashes at OWASP's recommended minimum (19 MiB of memory, 2 passes,
1 lane; ~30 ms here, well under the 0.5 s a sign-in may take). After 5 wrong attempts in a row an
account locks, for 1 minute, then 2, 4, ... up to 1 hour; a right answer after the lock resets it.
A store with no user at all acts as its owner (before the first owner is set up); once one
exists, every change names the signed-in user and role.

Users are managed by whoever holds `users.manage` (the owner); a change of role is a two-person
change (services/changesets.py), so nobody raises their own rights alone.

Two people means two people. Once the store has two enabled people who may approve change sets,
the account changes that would give someone that right or take an approver's account over are
themselves two-person (`NeedsApproval`; services/changesets.py proposes them as change sets):
creating a user whose role may approve, enabling one, and setting another approver's password or
PIN. Every account keeps who last gave it its role (created, re-roled, enabled it) and who last set
its password or PIN, and when; an approver may not approve what that person proposes while the
password they set is unchanged, or within 7 days of their giving the role (COOLING). So one person
with two accounts cannot approve their own change: in a shop with one approver, the first account
they create waits a week before it may approve their proposals, and the trail names who made it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import Role
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork, utcnow
from shop_orders.store import signing
from shop_orders.store.db import Database
from shop_orders.store.errors import DamagedDatabase, translate
from shop_orders.store.models import User

# OWASP Password Storage Cheat Sheet: argon2id, m=19456 KiB, t=2, p=1 (the minimum it recommends).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
MAX_ATTEMPTS = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)
MIN_PIN = 6
MIN_PASSWORD = 8
COOLING = timedelta(days=7)  # an approver whose role the proposer gave waits this long (module docstring)


class SignInFailed(ShopOrdersError):
    """Wrong name or secret, a disabled account, or one locked after wrong attempts."""


class NoSuchUser(SignInFailed):
    """The store has users, and none of this name (said before any secret is asked for)."""


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    disabled: bool
    has_pin: bool
    locked_until: datetime | None

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role.value)


def _info(u: User) -> UserInfo:
    return UserInfo(u.name, Role(u.role), bool(u.disabled), u.pin_hash is not None, u.locked_until)


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "owner"


def has_users(session: Session) -> bool:
    return (session.execute(select(func.count()).select_from(User.__table__)).scalar() or 0) > 0


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.execute(select(User).order_by(col(User.name))).scalars()]


def find(session: Session, name: str) -> UserInfo | None:
    u = session.execute(select(User).where(col(User.name) == name.strip())).scalar_one_or_none()
    return _info(u) if u is not None else None


def check_password(secret: str) -> None:
    if len(secret) < MIN_PASSWORD:
        raise ValidationError(t("a password needs at least {n} characters", n=MIN_PASSWORD))


def check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and len(pin) >= MIN_PIN):
        raise ValidationError(t("a PIN is at least {n} digits", n=MIN_PIN))


def hash_secret(secret: str) -> str:
    return HASHER.hash(secret)


def _matches(stored: str | None, secret: str) -> bool:
    if not stored or not secret:
        return False
    try:
        return HASHER.verify(stored, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c in name for c in "\r\n\t"):
        raise ValidationError(t("'{name}' cannot be a user name", name=name))
    return name


def approvers(session: Session) -> list[str]:
    """The enabled people whose role may approve change sets now."""
    m = permissions.matrix(session)
    return [u.name for u in session.execute(select(User).where(col(User.disabled).is_(False))).scalars()
            if Role(u.role) in m.get("changes.approve", frozenset())]


def _may_approve(session: Session, role: Role) -> bool:
    return role in permissions.matrix(session).get("changes.approve", frozenset())


def approval_refusal(session: Session, now: datetime, approver: Actor, proposer: str, change_set_id: int) -> str | None:
    """The two-person guard, the one place that says who may approve whose change set: the sentence
    refusing `approver` for what `proposer` proposed (#change_set_id), or None when they may. Not
    the proposer; holding `changes.approve`; and not an account the proposer controls: one whose
    password or PIN the proposer set (until its holder sets their own), or whose role the proposer
    gave within COOLING (module docstring)."""
    if approver.name == proposer:
        return t("{name} proposed change set #{id}; another person must approve it.", name=approver.name,
                 id=change_set_id)
    why = permissions.why_not(session, approver, "changes.approve")
    if why is not None:
        return why
    u = session.execute(select(User).where(col(User.name) == approver.name)).scalar_one_or_none()
    if u is None:
        return None
    if u.secret_set_by == proposer:
        return t("{proposer} set {name}'s password or PIN, so {name} may not approve what {proposer} proposes (#{id}) "
                 "until {name} sets their own.", proposer=proposer, name=u.name, id=change_set_id)
    if u.role_set_by == proposer and u.role_set_at is not None and now - u.role_set_at < COOLING:
        until = (u.role_set_at + COOLING).astimezone().strftime("%Y-%m-%d %H:%M")
        return t("{proposer} gave {name} their role, so {name} may not approve what {proposer} proposes (#{id}) "
                 "before {until}.", proposer=proposer, name=u.name, id=change_set_id, until=until)
    return None


def _strengthens(uow: UnitOfWork, ctx: ChangeContext, what: str) -> None:
    """An account change that gives someone the approve right, or takes an approver's account
    over, is two-person once two people may approve (module docstring); applied only from an
    approved change set then."""
    if permissions.applying_approved(uow, ctx) or len(approvers(uow.session)) < 2:
        return
    raise permissions.NeedsApproval(t("{what} needs a second person's approval while two people may approve: "
                                      "propose it.", what=what))


def create_user(uow: UnitOfWork, ctx: ChangeContext, name: str, role: Role | str, password: str,
                pin: str | None = None, *, password_hash: str | None = None,
                pin_hash: str | None = None) -> UserInfo:
    """A new account (needs `users.manage`, except the very first, which becomes the owner). One
    whose role may approve is two-person while two people may approve (`_strengthens`); an approved
    change set applies it with the hashes it carries (never the secrets)."""
    name, role = _check_name(name), Role(role)
    first = not has_users(uow.session)
    if first and role is not Role.OWNER:
        raise ValidationError(t("The first user of a store is its owner."))
    if not first:
        permissions.require(uow, ctx.actor, "users.manage")
        if _may_approve(uow.session, role):
            _strengthens(uow, ctx, t("Creating {name} as {role}", name=name, role=role.label()))
    if password_hash is None:
        check_password(password)
        password_hash = hash_secret(password)
    if pin is not None:
        check_pin(pin)
        pin_hash = hash_secret(pin)
    if find(uow.session, name) is not None:
        raise ValidationError(t("There is already a user {name}.", name=name))
    by = name if first else ctx.actor.name
    u = User(name=name, role=role.value, password_hash=password_hash, pin_hash=pin_hash or None, disabled=False,
             failed_attempts=0, created_at=uow.now, updated_at=uow.now, role_set_by=by, role_set_at=uow.now,
             secret_set_by=by, secret_set_at=uow.now)
    uow.session.add(u)
    uow.session.flush()
    uow.record(ctx if not first else ChangeContext(Actor(name, role.value), ctx.source, ctx.reason), "user",
               field="user", old=None, new=f"{name} ({role.value})")
    return _info(u)


def sign_in(uow: UnitOfWork, name: str, secret: str) -> UserInfo:
    """The user, if `secret` is their password or PIN; a wrong one counts toward the lock. The
    caller commits either way (a failed attempt is recorded)."""
    return _sign_in(uow.session, uow.now, name, secret)


def _sign_in(session: Session, now: datetime, name: str, secret: str, pin_only: bool = False) -> UserInfo:
    u = session.execute(select(User).where(col(User.name) == name.strip()).with_for_update()).scalar_one_or_none()
    if u is None:
        raise SignInFailed(t("There is no user {name}.", name=name.strip()))
    try:
        signing.check(session, u)  # an account written into the store by hand signs nobody in
    except signing.RowTampered as exc:
        raise SignInFailed(str(exc)) from None
    if u.disabled:
        raise SignInFailed(t("The account {name} is disabled; the owner can enable it.", name=u.name))
    if u.locked_until is not None and u.locked_until > now:
        wait = int((u.locked_until - now).total_seconds() // 60) + 1
        raise SignInFailed(t("The account {name} is locked after too many wrong attempts; try again in {minutes} "
                             "min.", name=u.name, minutes=wait))
    if (not pin_only and _matches(u.password_hash, secret)) or _matches(u.pin_hash, secret):
        if u.failed_attempts or u.locked_until is not None:
            u.failed_attempts, u.locked_until = 0, None
        return _info(u)
    u.failed_attempts += 1
    if u.failed_attempts >= MAX_ATTEMPTS:
        lock = min(FIRST_LOCK * 2 ** (u.failed_attempts - MAX_ATTEMPTS), LONGEST_LOCK)
        u.locked_until = now + lock
        raise SignInFailed(t("Wrong password or PIN; the account {name} is now locked for {minutes} min.",
                             name=u.name, minutes=int(lock.total_seconds() // 60)))
    raise SignInFailed(t("Wrong password or PIN for {name}.", name=u.name))


def check_pin_of(session: Session, now: datetime, name: str, pin: str) -> UserInfo:
    """The user, if `pin` is their PIN (not their password: a supervisor confirming on the spot);
    a wrong one counts toward the same lock as signing in. The caller commits either way."""
    return _sign_in(session, now, name, pin, pin_only=True)


def authenticate(db: Database, name: str, secret: str, clock: Callable[[], datetime] = utcnow,
                 pin_only: bool = False) -> UserInfo:
    """sign_in in its own transaction, keeping the count of wrong attempts. Not a unit of work:
    signing in changes no audited data (only the attempt count), so a seat without the audit key,
    or whose trail stopped writes, can still tell who is at the keyboard (e.g. to import the key
    or restore a backup)."""
    session = db.write_session()
    try:
        try:
            user = _sign_in(session, clock(), name, secret, pin_only)
        except SignInFailed:
            session.commit()
            raise
        session.commit()
    finally:
        session.close()
    return user


def signed_in_actor(db: Database, name: str, secret: Callable[[], str], damaged_ok: bool = False) -> Actor:
    """Who a front end acts as. A store without any user acts as its owner, under `name` (a
    store before its first owner: nothing to sign in to, `secret` is not asked for); once a user
    exists, `name` must sign in with the secret, and acts with the role the store holds.

    damaged_ok (restore only): a store too damaged to read its users cannot check anyone, and
    whoever can replace its file needs no sign-in to do so; restoring it then acts as its owner."""
    try:
        with db.read_session() as s:
            if not has_users(s):
                return Actor(name.strip() or os_user(), Role.OWNER.value)
            if find(s, name) is None:  # said before asking for a secret that could not help
                raise NoSuchUser(t("There is no user {name}.", name=name.strip()))
    except SQLAlchemyError as exc:
        if damaged_ok and isinstance(translate(exc, db.where), DamagedDatabase):
            return Actor(name.strip() or os_user(), Role.OWNER.value)
        raise
    return authenticate(db, name, secret()).actor


def set_secret(uow: UnitOfWork, ctx: ChangeContext, name: str, password: str | None = None,
               pin: str | None = None, *, password_hash: str | None = None, pin_hash: str | None = None) -> None:
    """A new password or PIN: one's own, or anyone's by who holds users.manage. Setting another
    approver's is two-person while two people may approve (`_strengthens`); an approved change
    set applies it with the hashes it carries."""
    u = _user(uow, name)
    if ctx.actor.name != u.name:
        permissions.require(uow, ctx.actor, "users.manage")
        if _may_approve(uow.session, Role(u.role)) and not u.disabled:
            _strengthens(uow, ctx, t("Setting {name}'s password or PIN", name=u.name))
    if password is not None:
        check_password(password)
        password_hash = hash_secret(password)
    if pin is not None:
        check_pin(pin)
        pin_hash = hash_secret(pin)
    if password_hash is not None:
        u.password_hash = password_hash
    if pin_hash is not None:
        u.pin_hash = pin_hash
    u.secret_set_by, u.secret_set_at = ctx.actor.name, uow.now
    u.updated_at = uow.now
    uow.record(ctx, "user", field="secret", old=None, new=name)  # never the secret itself


def set_disabled(uow: UnitOfWork, ctx: ChangeContext, name: str, disabled: bool = True) -> None:
    """Disable an account (it may neither sign in nor act) or enable it again; needs
    `users.manage`. The last enabled owner stays enabled, so the shop keeps someone who manages it."""
    permissions.require(uow, ctx.actor, "users.manage")
    u = _user(uow, name)
    if bool(u.disabled) == disabled:
        return  # already so: nothing to record
    if disabled and u.role == Role.OWNER.value and _owners(uow.session) <= 1:
        raise ValidationError(t("{name} is the only owner; make someone else owner first.", name=name))
    if not disabled and _may_approve(uow.session, Role(u.role)):
        _strengthens(uow, ctx, t("Enabling {name}", name=u.name))
        u.role_set_by, u.role_set_at = ctx.actor.name, uow.now  # the right is given again
    u.disabled, u.updated_at = disabled, uow.now
    # the event names whose account it is (the trail's user events carry the name in the value)
    uow.record(ctx, "user", field="disabled", old=f"{u.name}: {str(not disabled).lower()}",
               new=f"{u.name}: {str(disabled).lower()}")


def apply_role(uow: UnitOfWork, ctx: ChangeContext, name: str, role: Role | str) -> None:
    """Give a user another role. Only through an approved change set (services/changesets.py):
    a role is a right, and rights are two-person changes."""
    role = Role(role)
    if not permissions.applying_approved(uow, ctx):
        raise permissions.NeedsApproval(t("Changing a role needs a second person's approval: propose it."))
    u = _user(uow, name)
    if u.role == Role.OWNER.value and role is not Role.OWNER and _owners(uow.session) <= 1:
        raise ValidationError(t("{name} is the only owner; make someone else owner first.", name=name))
    old, u.role, u.updated_at = u.role, role.value, uow.now
    u.role_set_by, u.role_set_at = ctx.actor.name, uow.now  # the proposer gave it (its approver agreed)
    uow.record(ctx, "user", field="role", old=f"{name} ({old})", new=f"{name} ({role.value})")


def _owners(session: Session) -> int:
    return session.execute(select(func.count()).select_from(User.__table__).where(
        col(User.role) == Role.OWNER.value, col(User.disabled).is_(False))).scalar() or 0


def _user(uow: UnitOfWork, name: str) -> User:
    u = uow.session.execute(select(User).where(col(User.name) == name.strip())).scalar_one_or_none()
    if u is None:
        raise ValidationError(t("There is no user {name}.", name=name.strip()))
    return u
