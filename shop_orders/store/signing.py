"""Keyed signatures of the rows that decide who may do what: users (their role, whether they are
disabled, their password and PIN hashes, who last set their role and their credentials) and every
shop setting (the permission matrix, the two-person rule, courier accounts, cash-on-delivery
channels, thresholds, the vault's wrapped keys...).

A row's signature is HMAC-SHA256 under the store's audit key (store/keys.py, a file outside the
database) over its kind and canonical content. Someone who can write the database file but has no
key cannot make a row that checks: the services refuse to act on it (`RowTampered`, one sentence
naming what was altered) and `audit verify` reports it.

Rows are signed by a flush listener on every session of the store, so no writer can forget: a new
row is signed; a changed row is signed again only after its stored signature is checked (a write
never launders a row someone altered). Rows written before signatures existed are signed once, by
the first seat that holds the key (`adopt`); the key file then says the store's rows are signed,
so from that moment an unsigned row is an altered one. (A seat whose key file predates adoption
and that finds no signed row at all adopts again: only a database writer who blanks every
signature at once could pass that, on such a seat.)

The sign-in counters (failed attempts, locked until) are not signed: a seat without the key still
counts wrong attempts, and they decide nothing about rights.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from shop_orders.domain.messages import t
from shop_orders.store.errors import StoreError
from shop_orders.store.keys import STORE_ID_SETTING, ChainKey, KeyStore
from shop_orders.store.models import Setting, User

USER_FIELDS = ("name", "role", "disabled", "password_hash", "pin_hash", "role_set_by", "role_set_at",
               "secret_set_by", "secret_set_at")
SETTING_FIELDS = ("key", "value")
UNSIGNED_SETTINGS = frozenset({STORE_ID_SETTING})  # the audit store id has its own scheme (store/audit.py)
_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode


class RowTampered(StoreError):
    """A signed row does not check: it was written into the database outside Shop Orders."""


def _text(value) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, bool):
        return value
    return value


def payload(kind: str, values: dict) -> str:
    fields = USER_FIELDS if kind == "user" else SETTING_FIELDS
    return _canonical([kind, *[_text(values.get(f)) for f in fields]])


def signature(key: ChainKey, kind: str, values: dict) -> str:
    return key.sign_row(kind, payload(kind, values))


def _values(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _kind(obj) -> str | None:
    if isinstance(obj, User):
        return "user"
    if isinstance(obj, Setting) and obj.key not in UNSIGNED_SETTINGS:
        return "setting"
    return None


def describe(kind: str, values: dict) -> str:
    """What a row is, for the sentence that refuses it."""
    if kind == "user":
        return t("the account {name}", name=values.get("name", ""))
    return t("the shop setting {key}", key=values.get("key", ""))


def tampered(kind: str, values: dict) -> RowTampered:
    return RowTampered(t("{what} was changed in the database outside Shop Orders (its signature does not match); "
                         "nothing was done: run `shop-orders audit verify`, then restore a backup or set it again.",
                         what=describe(kind, values)))


def key_of(session: Session) -> ChainKey | None:
    db = session.info.get("db")
    return getattr(db, "chain_key", None)


def signed_store(key: ChainKey | None) -> bool:
    return key is not None and key.rows_signed


def is_valid(key: ChainKey, kind: str, values: dict, sig: str | None) -> bool:
    import hmac

    return bool(sig) and hmac.compare_digest(str(sig), signature(key, kind, values))


def check(session: Session, obj) -> None:
    """RowTampered unless the row's signature checks (nothing to check on a seat without the key,
    which may not act, or in a store whose rows are not signed yet)."""
    kind = _kind(obj)
    key = key_of(session)
    if kind is None or not signed_store(key):
        return
    fields = USER_FIELDS if kind == "user" else SETTING_FIELDS
    values = _values(obj, fields)
    if not is_valid(key, kind, values, obj.signature):  # type: ignore[arg-type]
        raise tampered(kind, values)


def _before_flush(session: Session, _context, _instances) -> None:
    key = key_of(session)
    if key is None:
        return
    for obj in list(session.new):
        kind = _kind(obj)
        if kind is not None:
            obj.signature = signature(key, kind, _values(obj, USER_FIELDS if kind == "user" else SETTING_FIELDS))
    for obj in list(session.dirty):
        kind = _kind(obj)
        if kind is None:
            continue
        fields = USER_FIELDS if kind == "user" else SETTING_FIELDS
        state = inspect(obj)
        changed = [f for f in fields if state.attrs[f].history.has_changes()]
        if not changed:
            continue
        before = {}
        for f in fields:
            hist = state.attrs[f].history
            before[f] = hist.deleted[0] if hist.deleted else getattr(obj, f)
        hist = state.attrs["signature"].history
        stored = hist.deleted[0] if hist.deleted else obj.signature
        if signed_store(key) and not is_valid(key, kind, before, stored):
            raise tampered(kind, before)
        obj.signature = signature(key, kind, _values(obj, fields))


def listen(session_factory) -> None:
    """Sign on every flush of the sessions this factory makes."""
    event.listen(session_factory, "before_flush", _before_flush)


def adopt(db) -> None:
    """At open, on a seat with the key: sign the rows of a store whose rows are not signed yet,
    once, and note in this seat's key file that the store's rows are signed."""
    key = db.chain_key
    if key is None or key.rows_signed:
        return
    session = db.write_session()
    try:
        sign_all(session, key)
        session.commit()
    finally:
        session.close()
    from dataclasses import replace

    db.chain_key = replace(key, rows_signed=True)
    KeyStore(db.data_dir).save(db.chain_key)


def sign_all(session: Session, key: ChainKey) -> None:
    """Sign the users and settings and seal the orders (store/seals.py) of a store none of whose
    rows are signed yet (written before signatures, or restored from such a backup)."""
    from shop_orders.store import seals
    from shop_orders.store.models import Order

    users, settings_, orders = User.__table__.c, Setting.__table__.c, Order.__table__.c
    signed_any = session.execute(select(users.id).where(users.signature != "").limit(1)).first() or \
        session.execute(select(settings_.key).where(settings_.signature != "").limit(1)).first() or \
        session.execute(select(orders.id).where(orders.seal != "").limit(1)).first()
    if not signed_any:
        for u in session.execute(select(User)).scalars():
            values = _values(u, USER_FIELDS)
            session.execute(update(User.__table__).where(User.__table__.c.id == u.id)
                            .values(signature=signature(key, "user", values)))
        for s in session.execute(select(Setting)).scalars():
            if s.key in UNSIGNED_SETTINGS:
                continue
            session.execute(update(Setting.__table__).where(Setting.__table__.c.key == s.key)
                            .values(signature=signature(key, "setting", _values(s, SETTING_FIELDS))))
        seals.seal_all(session, key)


def problems(session: Session) -> list[str]:
    """One sentence per signed row that does not check (for `audit verify`)."""
    key = key_of(session)
    if not signed_store(key):
        return []
    assert key is not None
    out = []
    for u in session.execute(select(User)).scalars():
        values = _values(u, USER_FIELDS)
        if not is_valid(key, "user", values, u.signature):
            out.append(str(tampered("user", values)))
    for s in session.execute(select(Setting)).scalars():
        if s.key in UNSIGNED_SETTINGS:
            continue
        values = _values(s, SETTING_FIELDS)
        if not is_valid(key, "setting", values, s.signature):
            out.append(str(tampered("setting", values)))
    return out


def setting(session: Session, key: str) -> Setting | None:
    """A shop setting's row, its signature checked (RowTampered when it does not check)."""
    row = session.get(Setting, key)
    if row is not None:
        check(session, row)
    return row
