"""Shop-wide settings shared by every seat; every change is audited like an order change (written
by services/setting_rows.put, which this module passes on as settings.put)."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.shop import FIELDS, ShopIdentity, checked_field
from shop_orders.domain.staleness import Thresholds, checked_setting
from shop_orders.domain.status import Status
from shop_orders.services import permissions
from shop_orders.services.setting_rows import put as put
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.models import Setting

if TYPE_CHECKING:  # the import profiles read these settings: imported at call time
    from shop_orders.services.importing.profiles import Profile

STALENESS_KEY = "staleness"


def _thresholds_to_json(t: Thresholds) -> str:
    return json.dumps({"default_hours": t.default_hours,
                       "per_status": {s.value: h for s, h in sorted(t.per_status.items())}},
                      sort_keys=True)


def get_thresholds(session: Session) -> Thresholds:
    row = signing.setting(session, STALENESS_KEY)
    if row is None:
        return Thresholds()
    data = json.loads(row.value)
    return Thresholds(float(data["default_hours"]),
                      {Status(k): float(v) for k, v in data.get("per_status", {}).items()})


def set_thresholds(uow: UnitOfWork, ctx: ChangeContext, thresholds: Thresholds) -> bool:
    """Set the shop's staleness thresholds: whole hours from 1 h to 90 days each (ValidationError
    naming the field otherwise, nothing written). The same values again write nothing and record
    no event; returns whether anything changed."""
    permissions.require(uow, ctx.actor, "settings.shop")
    thresholds = checked_setting(thresholds)
    old_row = uow.session.get(Setting, STALENESS_KEY)
    if thresholds == get_thresholds(uow.session):
        return False
    new = _thresholds_to_json(thresholds)
    old = old_row.value if old_row else _thresholds_to_json(Thresholds())
    if old_row is None:
        uow.session.add(Setting(key=STALENESS_KEY, value=new, updated_at=uow.now))
    else:
        old_row.value, old_row.updated_at = new, uow.now
    uow.record(ctx, "setting", field=STALENESS_KEY, old=old, new=new)
    return True


TIMEZONE_KEY = "timezone"
CUSTOM_PROFILES_KEY = "import_profiles"


def get_timezone(session: Session) -> tzinfo:
    """The shop's time zone (IANA name setting), else this computer's local zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    row = signing.setting(session, TIMEZONE_KEY)
    if row is not None:
        try:
            return ZoneInfo(json.loads(row.value))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a zone this computer lacks: use local time
    local = datetime.now().astimezone().tzinfo
    assert local is not None  # astimezone() always sets one
    return local


def set_timezone(uow: UnitOfWork, ctx: ChangeContext, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    permissions.require(uow, ctx.actor, "settings.shop")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(t("'{name}' is not a time zone name such as Asia/Shanghai or Europe/London",
                                name=name)) from None
    put(uow, ctx, TIMEZONE_KEY, json.dumps(name))


def get_custom_profiles(session: Session) -> list[Profile]:
    from shop_orders.services.importing.profiles import Profile

    row = signing.setting(session, CUSTOM_PROFILES_KEY)
    if row is None:
        return []
    return [Profile.from_json(p) for p in json.loads(row.value)]


def save_custom_profile(uow: UnitOfWork, ctx: ChangeContext, profile: Profile) -> None:
    """Add or replace (by code) a custom import profile built in the mapping dialog."""
    permissions.require(uow, ctx.actor, "orders.import")
    current = [p for p in get_custom_profiles(uow.session) if p.code != profile.code]
    put(uow, ctx, CUSTOM_PROFILES_KEY, json.dumps([p.to_json() for p in [*current, profile]], ensure_ascii=False))


COD_KEY = "cod_channels"


def get_cod_channels(session: Session) -> frozenset[str]:
    """The channels whose orders are cash on delivery: they may wait for and go out to shipping
    unpaid (services/orders.py payment_refusal). None by default."""
    row = signing.setting(session, COD_KEY)
    if row is None:
        return frozenset()
    try:
        return frozenset(str(c) for c in json.loads(row.value))
    except (ValueError, TypeError):
        return frozenset()


def set_cod_channels(uow: UnitOfWork, ctx: ChangeContext, channels: list[str]) -> None:
    """Which channels' orders are cash on delivery (channel codes; unknown ones are refused)."""
    from shop_orders.domain.channels import parse_channel

    permissions.require(uow, ctx.actor, "settings.shop")
    try:
        codes = sorted({parse_channel(c) for c in channels})
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    put(uow, ctx, COD_KEY, json.dumps(codes))


STATUS_WORDS_KEY = "import_status_words"


def get_status_words(session: Session) -> dict[str, dict[str, Status]]:
    """Status words a person mapped in the import dialog, per profile code."""
    row = signing.setting(session, STATUS_WORDS_KEY)
    if row is None:
        return {}
    return {code: {w: Status(v) for w, v in words.items()} for code, words in json.loads(row.value).items()}


def save_status_words(uow: UnitOfWork, ctx: ChangeContext, profile_code: str, words: dict[str, Status]) -> None:
    """Remember what these words mean for files of this profile (a shop setting, audited);
    the next check of any file of the layout reads them so."""
    permissions.require(uow, ctx.actor, "orders.import")
    current = get_status_words(uow.session)
    merged = {**current.get(profile_code, {}), **{w.strip(): Status(s) for w, s in words.items() if w.strip()}}
    current[profile_code] = merged
    value = {code: {w: s.value for w, s in sorted(ws.items())} for code, ws in sorted(current.items())}
    put(uow, ctx, STATUS_WORDS_KEY, json.dumps(value, ensure_ascii=False, sort_keys=True))


# The shop's identity (issue 26 item 8): one setting row per field, each a JSON string, so each
# change is its own line in the trail (setting shop_name: old -> new). "shop_name" is the key
# slips have always read.
SHOP_KEYS = {"name": "shop_name", "address": "shop_address", "phone": "shop_phone"}


def _text_setting(session: Session, key: str) -> str:
    row = signing.setting(session, key)  # its signature checked: a row written by hand is refused
    if row is None:
        return ""
    try:
        value = json.loads(row.value)
    except ValueError:
        value = row.value
    return value.strip() if isinstance(value, str) else ""


def get_shop(session: Session) -> ShopIdentity:
    """The shop's name, address and phone as set (each "" when not)."""
    return ShopIdentity(*(_text_setting(session, SHOP_KEYS[f]) for f in FIELDS))


def set_shop(uow: UnitOfWork, ctx: ChangeContext, name: str | None = None, address: str | None = None,
             phone: str | None = None) -> bool:
    """Set the fields given (None keeps one, "" clears it): each at most domain/shop.LIMITS
    characters, without control characters; the first bad one is a ValidationError naming it and
    nothing is written. Needs settings.shop. Returns whether anything changed."""
    permissions.require(uow, ctx.actor, "settings.shop")
    given = {f: v for f, v in zip(FIELDS, (name, address, phone), strict=True) if v is not None}
    clean = {f: checked_field(f, v) for f, v in given.items()}  # every field checked before any is written
    before = get_shop(uow.session)
    changed = False
    for field, value in clean.items():
        if value != getattr(before, field):
            put(uow, ctx, SHOP_KEYS[field], json.dumps(value, ensure_ascii=False))
            changed = True
    return changed
