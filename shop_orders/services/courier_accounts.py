"""The shop's courier accounts: which API each courier speaks, where, and its key.

An account's settings (kind, address, customer id, carrier code, aliases) are a shop setting
every seat shares; its key lives only in the vault (services/vault.py, the OS's or our own
encrypted one), under "courier:<name>". Only the owner adds, replaces or removes them; every
change is audited without the key.

A parcel belongs to the account whose name or one of whose aliases its courier matches
(domain/carriers.py carrier_key): channel files write "顺丰速运" or "SF Express" where the shop
named its account "SF". A new account starts with the names its carrier code is known by
(domain/carriers.py KNOWN); the owner edits them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from shop_orders.domain.carriers import carrier_key, default_aliases
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.couriers import KINDS, Adapter
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.models import Setting

if TYPE_CHECKING:  # the HTTP client and the vault load when a courier is used
    import httpx

    from shop_orders.services.vault import Vault

SETTING_KEY = "couriers"
DEFAULT_URLS = {"kuaidi100": "https://poll.kuaidi100.com", "aftership": "https://api.aftership.com/tracking/2026-07"}
MAX_ALIASES = 20
_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff .-]{0,39}$")


@dataclass(frozen=True)
class Account:
    """What a seat needs to ask a courier, but its key (the vault holds that)."""

    name: str
    kind: str
    url: str
    customer: str = ""
    carrier: str = ""
    pattern: str = ""  # the courier's tracking numbers, a regular expression (e.g. ^SF\d{12}$); "" any
    aliases: tuple[str, ...] = ()  # other names parcels give this courier ("顺丰速运", "SF Express")

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "url": self.url, "customer": self.customer, "carrier": self.carrier}
        if self.pattern:  # absent when unset: accounts stored before it read and compare the same
            out["pattern"] = self.pattern
        if self.aliases:
            out["aliases"] = list(self.aliases)
        return out

    def names(self) -> frozenset[str]:
        """Its name and aliases as compared with a parcel's courier (carrier_key)."""
        return frozenset(k for k in map(carrier_key, (self.name, *self.aliases)) if k)


def secret_name(name: str) -> str:
    return f"courier:{name.strip().lower()}"


def accounts(session: Session) -> list[Account]:
    row = signing.setting(session, SETTING_KEY)
    if row is None:
        return []
    try:
        data = json.loads(row.value)
        return [Account(str(n), str(a["kind"]), str(a["url"]), str(a.get("customer", "")), str(a.get("carrier", "")),
                        str(a.get("pattern", "")), tuple(str(x) for x in a.get("aliases", ()))[:MAX_ALIASES])
                for n, a in sorted(data.items())]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def account(session: Session, name: str) -> Account:
    for a in accounts(session):
        if a.name.lower() == name.strip().lower():
            return a
    for a in accounts(session):
        if carrier_key(name) in a.names():
            return a
    known = ", ".join(a.name for a in accounts(session)) or t("none yet")
    raise ValidationError(t("There is no courier '{name}' (known: {known}).", name=name, known=known))


def _check(name: str, kind: str, url: str) -> None:
    if not _NAME.match(name.strip()):
        raise ValidationError(t("'{name}' is not a courier name: 1 to 40 letters, digits, spaces, dots or dashes.",
                                name=name[:60]))
    if kind not in KINDS:
        raise ValidationError(t("'{kind}' is not a courier API; use one of: {kinds}.", kind=kind[:40],
                                kinds=", ".join(KINDS)))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(t("'{url}' is not a web address such as https://api.example.com.", url=url[:200]))
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValidationError(t("The courier's key would travel unencrypted to {host}: use an https:// address.",
                                host=parts.hostname))


def check_pattern(pattern: str) -> str:
    """A tracking-number pattern as typed, checked (services/patterns.py: RE2, linear time)."""
    from shop_orders.services import patterns

    return patterns.check(pattern)


def check_aliases(aliases: Iterable[str], name: str, others: list[Account]) -> tuple[str, ...]:
    """The aliases as typed, checked: each 1 to 40 characters, none another account's name or
    alias (a parcel must belong to one account), duplicates and the account's own name dropped."""
    out: list[str] = []
    seen = {carrier_key(name)}
    taken = {k: a.name for a in others for k in a.names()}
    for alias in aliases:
        alias = " ".join(str(alias).split())
        key = carrier_key(alias)
        if not key or key in seen:
            continue
        if len(alias) > 40:
            raise ValidationError(t("The courier alias '{alias}' is longer than 40 characters.", alias=alias[:40]))
        if key in taken:
            raise ValidationError(t("'{alias}' already names the courier {other}; a parcel's courier must point to "
                                    "one account.", alias=alias, other=taken[key]))
        seen.add(key)
        out.append(alias)
    if len(out) > MAX_ALIASES:
        raise ValidationError(t("A courier has at most {n} aliases.", n=MAX_ALIASES))
    return tuple(out)


def set_account(uow: UnitOfWork, ctx: ChangeContext, vault: Vault, name: str, kind: str, url: str = "",
                customer: str = "", carrier: str = "", secret: str | None = None,
                pattern: str | None = None, aliases: list[str] | tuple[str, ...] | None = None) -> Account:
    """Add or change a courier account; `secret` (None: keep the stored one) goes to the vault.
    A new account needs its key. `pattern` (None: keep the stored one) is the regular expression
    its tracking numbers match, checked at the scan-out (services/scanning.py). `aliases` (None:
    keep the stored ones; a new account starts with its carrier code's known names) are the other
    names its parcels carry."""
    permissions.require(uow, ctx.actor, "settings.secrets")
    name, kind, url = name.strip(), kind.strip().lower(), (url.strip() or DEFAULT_URLS.get(kind.strip().lower(), ""))
    _check(name, kind, url)
    row = uow.session.get(Setting, SETTING_KEY)
    data = json.loads(row.value) if row is not None else {}
    same = next((n for n in data if n.lower() == name.lower()), None)
    if same is None and secret is None and not vault.has(secret_name(name)):
        raise ValidationError(t("A new courier needs its API key."))
    kept = str((data.get(same) or {}).get("pattern", "")) if same else ""
    others = [a for a in accounts(uow.session) if a.name.lower() != name.lower()]
    if aliases is None:
        stored = (data.get(same) or {}).get("aliases") if same else None
        aliases = list(stored) if stored is not None else [
            a for a in default_aliases(carrier, name) if not any(carrier_key(a) in o.names() for o in others)]
    if any(carrier_key(name) in o.names() for o in others):
        raise ValidationError(t("'{alias}' already names the courier {other}; a parcel's courier must point to one "
                                "account.", alias=name, other=next(o.name for o in others
                                                                   if carrier_key(name) in o.names())))
    new = Account(same or name, kind, url.rstrip("/"), customer.strip(), carrier.strip(),
                  kept if pattern is None else check_pattern(pattern), check_aliases(aliases, name, others))
    old = json.dumps(data.get(same), sort_keys=True) if same else None
    data[new.name] = new.to_dict()
    if secret is not None:
        vault.put(uow, ctx, secret_name(new.name), check_secret(secret))
    value = json.dumps(data, sort_keys=True, ensure_ascii=False)
    if row is None:
        uow.session.add(Setting(key=SETTING_KEY, value=value, updated_at=uow.now))
    else:
        row.value, row.updated_at = value, uow.now
    if old != json.dumps(new.to_dict(), sort_keys=True):
        uow.record(ctx, "setting", field=f"courier:{new.name}", old=old,
                   new=json.dumps(new.to_dict(), sort_keys=True, ensure_ascii=False))
    return new


def remove_account(uow: UnitOfWork, ctx: ChangeContext, vault: Vault, name: str) -> None:
    """Forget a courier account and its key (its parcels keep what it last said)."""
    permissions.require(uow, ctx.actor, "settings.secrets")
    found = account(uow.session, name)
    row = uow.session.get(Setting, SETTING_KEY)
    assert row is not None  # account() found it there
    data = json.loads(row.value)
    old = data.pop(found.name)
    row.value, row.updated_at = json.dumps(data, sort_keys=True, ensure_ascii=False), uow.now
    if vault.has(secret_name(found.name)):
        vault.delete(uow, ctx, secret_name(found.name))
    uow.record(ctx, "setting", field=f"courier:{found.name}", old=json.dumps(old, sort_keys=True), new=None)


def check_secret(secret: str) -> str:
    """A courier key as typed: printable ASCII (it travels in an HTTP header or an MD5 signature),
    at most 500 characters; one sentence otherwise, never a crash of the request."""
    if not secret or len(secret) > 500 or not all(" " < ch < "\x7f" for ch in secret):
        raise ValidationError(t("A courier key is 1 to 500 printable ASCII characters (letters, digits, signs), "
                                "without spaces."))
    return secret


def adapter(found: Account, vault: Vault, client: httpx.Client | None = None,
            zone: tzinfo | None = None) -> Adapter:
    """The account's adapter (adapters/couriers/) with its key from the vault; close() it after.
    `zone` reads the courier's times that carry no offset (the shop's time zone). The address is
    checked again here, at every use (https, or this computer): an account row changed in the
    store after it was set never sends the key elsewhere in clear."""
    from shop_orders.adapters.couriers import adapter_for
    from shop_orders.domain.couriers import CourierConfig

    _check(found.name, found.kind, found.url)
    config = CourierConfig(found.name, found.kind, found.url, found.customer, found.carrier)
    return adapter_for(config, check_secret(vault.get(secret_name(found.name))), client, zone=zone)
