"""Where courier API secrets live: the operating system's vault through `keyring`, or, when this
computer has none that encrypts, the store's own vault (AES-256-GCM under an argon2id key from
the owner's master passphrase).

The rule it enforces: a secret is never in clear outside the process that uses it. Not in the
database (and so not in its WAL or a backup), an export, a log line, an error message, an audit
event or a `repr()`. Only the owner stores, replaces or deletes one, and each of those is an
audit event that names the secret and says what happened to it ("stored", "replaced",
"deleted"), never its value. Reading a secret (the courier adapters do) needs no right: the
sync runs at any seat, as whoever is signed in.

Choosing the backend (open_vault):
- a store that already holds its own vault keeps using it, so switching seats or installing a
  keychain never hides the secrets the shop already stored;
- else the OS vault when `keyring.get_keyring()` encrypts (`encrypts`): Windows Credential
  Locker, macOS Keychain, Secret Service, KWallet. Refused: keyring's fail and null backends,
  keyrings.alt's plain-text files (the one keyring silently picks on a headless Linux box), and
  anything else from keyrings.alt but its encrypted keyrings. A chainer is used through its
  first member that encrypts, never through the chainer (which writes into whichever member
  comes first);
- else our own vault.

The OS vault keeps each secret under service "ShopOrders:<store id>", user = the secret's name;
the store's settings keep only the list of names (so `names()` works without asking the OS).
Such a secret is on that computer only: another seat of a PostgreSQL shop sees the name but
must have the secret stored again there (get says so in one sentence).

Our own vault is one settings row (VAULT_KEY), JSON: the argon2id parameters and salt, a
key-check value (a known text encrypted under the key, so a wrong passphrase is one sentence,
not garbage) and, per secret, its own random 96-bit nonce and the AES-GCM ciphertext, with the
secret's name as associated data (a ciphertext moved to another name does not decrypt). Every
seat shares it and backups carry it only encrypted. The passphrase comes from the callback
given to open_vault (the UI's prompt), else $SHOP_ORDERS_VAULT_PASSPHRASE (scripts); the derived
key is kept in the Vault object for its lifetime, the passphrase not at all.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import keychain, signing
from shop_orders.store.db import Database
from shop_orders.store.models import Setting

log = logging.getLogger(__name__)
_T = TypeVar("_T")  # what a keychain call returns

PASSPHRASE_ENV = "SHOP_ORDERS_VAULT_PASSPHRASE"
ACTION = "settings.secrets"  # domain/roles.py: the owner's alone
VAULT_KEY = "vault"  # settings row of our own vault
OS_NAMES_KEY = "vault_os_names"  # settings row: the names (never values) kept in the OS vault
SERVICE_PREFIX = "ShopOrders:"

# Windows Credential Locker keeps at most 2,560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE) and keyring
# writes the secret there as UTF-16, so a secret must fit in 2,560 bytes both as UTF-8 and as
# UTF-16 (about 1,280 Latin characters). The same limit for our vault keeps secrets movable.
MAX_SECRET_BYTES = 2560
MAX_NAME_CHARS = 50  # the audit field "secret:<name>" is at most 64 characters
MIN_PASSPHRASE_CHARS = 8

# argon2id for the vault key: RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes),
# above OWASP's minimum (19 MiB, 2, 1); it runs once per vault object. Stored with the vault, so
# later defaults never lock out an older vault; what a stored vault may ask is bounded.
KDF_MEMORY_KIB = 65536
KDF_TIME_COST = 3
KDF_PARALLELISM = 4
KDF_HASH_LEN = 32  # AES-256
KDF_SALT_BYTES = 16
# Bounded above too (issue 23): a vault row asking for 4 GiB or 64 passes would stall or kill the
# seat that opens it; 256 MiB, 10 passes and 16 lanes are four times today's parameters and more.
_KDF_BOUNDS = {"memory_kib": (19456, 256 * 1024), "time_cost": (2, 10), "parallelism": (1, 16)}
KDF_SALT_MAX = 64

_CHECK_TEXT = b"Shop Orders vault key check v1"
_CHECK_AAD = b"\x00key-check"  # no secret name is this (names are printable)
_NONCE_BYTES = 12


class VaultError(ShopOrdersError):
    """The vault cannot do this now (the OS keychain refused, the vault's data is damaged)."""


class SecretNotFound(VaultError):
    """No secret of that name is stored (here)."""


class PassphraseNeeded(ValidationError):
    """Our vault needs its master passphrase and none was given."""


class WrongPassphrase(ValidationError):
    """The master passphrase does not open the vault."""


# -- choosing the backend -------------------------------------------------------------------

# Which keyring backends encrypt: store/keychain.py (the audit head kept in the keychain uses it too).
_encrypting, encrypts, describe_backend = keychain.encrypting, keychain.encrypts, keychain.describe_backend


# -- checks shared by both backends ---------------------------------------------------------

def check_name(name: object) -> str:
    """A secret's name: 1 to 50 printable characters, no space at either end."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(t("A secret needs a name."))
    if len(name) > MAX_NAME_CHARS or not name.isprintable() or name != name.strip():
        raise ValidationError(t("A secret's name is 1 to {max} printable characters without spaces at its ends.",
                                max=MAX_NAME_CHARS))
    return name


def secret_size(secret: str) -> int:
    """Bytes the secret takes where it takes most: UTF-8 or UTF-16 (Windows)."""
    return max(len(secret.encode("utf-8")), len(secret.encode("utf-16-le")))


def check_secret(secret: object) -> str:
    if not isinstance(secret, str) or secret == "":
        raise ValidationError(t("An empty secret cannot be stored; delete it instead."))
    try:
        size = secret_size(secret)
    except UnicodeEncodeError:
        raise ValidationError(t("This secret holds characters that are not text.")) from None
    if size > MAX_SECRET_BYTES:
        raise ValidationError(t(
            "A secret is at most {max} bytes (about 1,280 letters, as Windows keeps it); this one is {size}.",
            max=f"{MAX_SECRET_BYTES:,}", size=f"{size:,}"))
    return secret


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError(text)  # internal: turned into the damaged-vault sentence
    return base64.b64decode(text.encode("ascii"), validate=True)


def _damaged() -> VaultError:
    return VaultError(t("The vault's data in the store is damaged; store the secrets again."))


def _json_row(session: Session, key: str) -> dict | None:
    row = signing.setting(session, key)
    if row is None:
        return None
    try:
        data = json.loads(row.value)
    except ValueError:
        raise _damaged() from None
    if not isinstance(data, dict) or data.get("format") != 1:
        raise _damaged()
    return data


def _write_row(uow: UnitOfWork, key: str, data: dict) -> None:
    """Settings row written without the generic settings audit event (which records old and new
    values): the vault records its own events, which never carry a value."""
    value = json.dumps(data, sort_keys=True)
    row = uow.session.get(Setting, key)
    if row is None:
        uow.session.add(Setting(key=key, value=value, updated_at=uow.now))
    else:
        row.value, row.updated_at = value, uow.now


def _record(uow: UnitOfWork, ctx: ChangeContext, name: str, old: str | None, new: str) -> None:
    uow.record(ctx, "setting", field=f"secret:{name}", old=old, new=new)


# -- the vault ------------------------------------------------------------------------------

class Vault:
    """Named secrets of this store. `kind` is "os" (the computer's keychain) or "own" (ours).
    Readers take no right; writers take a unit of work, need the owner and are audited."""

    kind: str = ""

    def __init__(self, db: Database) -> None:
        self._db = db

    def __repr__(self) -> str:  # never the secrets, the key or the passphrase
        return f"<Vault kind={self.kind!r} backend={self.backend!r}>"

    @property
    def backend(self) -> str:
        return "own"

    def names(self) -> list[str]:
        with self._db.read_session() as session:
            return self._names(session)

    def has(self, name: str) -> bool:
        return name in self.names()

    def get(self, name: str) -> str:
        raise NotImplementedError

    def put(self, uow: UnitOfWork, ctx: ChangeContext, name: str, secret: str) -> bool:
        """Store or replace a secret (owner only; audited as stored/replaced, without the value).
        The same secret again writes nothing; returns whether anything changed."""
        raise NotImplementedError

    def delete(self, uow: UnitOfWork, ctx: ChangeContext, name: str) -> None:
        """Delete a secret (owner only; audited as deleted). SecretNotFound if there is none."""
        raise NotImplementedError

    def change_passphrase(self, uow: UnitOfWork, ctx: ChangeContext, old: str, new: str) -> None:
        raise NotImplementedError

    def _names(self, session: Session) -> list[str]:
        raise NotImplementedError

    def _not_found(self, name: str) -> SecretNotFound:
        return SecretNotFound(t("No secret named {name} is stored.", name=name))


@dataclass(frozen=True)
class _Kdf:
    salt: bytes
    memory_kib: int = KDF_MEMORY_KIB
    time_cost: int = KDF_TIME_COST
    parallelism: int = KDF_PARALLELISM

    def __repr__(self) -> str:
        return f"_Kdf(argon2id m={self.memory_kib} t={self.time_cost} p={self.parallelism})"

    def to_json(self) -> dict:
        return {"name": "argon2id", "version": 19, "memory_kib": self.memory_kib, "time_cost": self.time_cost,
                "parallelism": self.parallelism, "hash_len": KDF_HASH_LEN, "salt": _b64(self.salt)}

    @classmethod
    def from_json(cls, data: object) -> _Kdf:
        if not isinstance(data, dict) or data.get("name") != "argon2id" or data.get("hash_len") != KDF_HASH_LEN:
            raise _damaged()
        values = {}
        for field, (low, high) in _KDF_BOUNDS.items():
            value = data.get(field)
            if not isinstance(value, int) or not low <= value <= high:
                raise _damaged()
            values[field] = value
        try:
            salt = _unb64(data.get("salt"))
        except (ValueError, binascii.Error):
            raise _damaged() from None
        if not KDF_SALT_BYTES <= len(salt) <= KDF_SALT_MAX:
            raise _damaged()
        return cls(salt, **values)

    def derive(self, passphrase: str) -> bytes:
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
        return hash_secret_raw(secret, self.salt, time_cost=self.time_cost, memory_cost=self.memory_kib,
                               parallelism=self.parallelism, hash_len=KDF_HASH_LEN, type=Type.ID)


def _seal(key: bytes, plain: bytes, aad: bytes) -> dict:
    nonce = os.urandom(_NONCE_BYTES)
    return {"nonce": _b64(nonce), "ct": _b64(AESGCM(key).encrypt(nonce, plain, aad))}


def _open(key: bytes, box: object, aad: bytes) -> bytes:
    """The plain bytes; InvalidTag when the key (or the name) is not the one it was sealed with."""
    if not isinstance(box, dict):
        raise _damaged()
    try:
        nonce, ct = _unb64(box.get("nonce")), _unb64(box.get("ct"))
    except (ValueError, binascii.Error):
        raise _damaged() from None
    if len(nonce) != _NONCE_BYTES:
        raise _damaged()
    return AESGCM(key).decrypt(nonce, ct, aad)


class OwnVault(Vault):
    """Our vault: one settings row, AES-256-GCM under an argon2id key (see the module's text)."""

    kind = "own"

    def __init__(self, db: Database, passphrase: Callable[[], str] | None = None, refused: str = "") -> None:
        super().__init__(db)
        self._ask = passphrase
        self.refused = refused  # the OS backend that was refused ("" when none was looked at)
        self._key: tuple[_Kdf, bytes] | None = None

    def exists(self) -> bool:
        """The store holds our vault already (else the first secret stored creates it)."""
        with self._db.read_session() as session:
            return _json_row(session, VAULT_KEY) is not None

    def unlock(self) -> None:
        """Ask for the passphrase now (the UI does, on its thread, before any worker needs the key):
        WrongPassphrase for a stored vault it does not open; a new vault's passphrase is checked
        for length. The key stays in this object."""
        with self._db.read_session() as session:
            data = _json_row(session, VAULT_KEY)
        if data is not None:
            self._unlock(data)
        else:
            self._check_new(self._passphrase())

    def _passphrase(self) -> str:
        given = self._ask() if self._ask is not None else None
        if not given:
            given = os.environ.get(PASSPHRASE_ENV) or None
        if not given:
            raise PassphraseNeeded(t("The vault's master passphrase is needed: type it, or set "
                                     "SHOP_ORDERS_VAULT_PASSPHRASE for scripts."))
        return given

    @staticmethod
    def _check_new(passphrase: object) -> str:
        if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_CHARS:
            raise ValidationError(t("A vault passphrase has at least {min} characters.", min=MIN_PASSPHRASE_CHARS))
        return passphrase

    def _unlock(self, data: dict, passphrase: str | None = None) -> bytes:
        """The key of the stored vault; WrongPassphrase when the passphrase does not open it."""
        kdf = _Kdf.from_json(data.get("kdf"))
        if passphrase is None and self._key is not None and self._key[0] == kdf:
            key = self._key[1]
        else:
            key = kdf.derive(passphrase if passphrase is not None else self._passphrase())
        try:
            ok = _open(key, data.get("check"), _CHECK_AAD) == _CHECK_TEXT
        except InvalidTag:
            ok = False
        if not ok:
            if self._key is not None and self._key[1] == key:
                self._key = None  # the passphrase was changed at another seat: ask again next time
            raise WrongPassphrase(t("The vault passphrase is wrong."))
        if passphrase is None:
            self._key = (kdf, key)
        return key

    @staticmethod
    def _new_vault(key_kdf: tuple[_Kdf, bytes]) -> dict:
        kdf, key = key_kdf
        return {"format": 1, "cipher": "AES-256-GCM", "kdf": kdf.to_json(), "check": _seal(key, _CHECK_TEXT, _CHECK_AAD),
                "secrets": {}}

    @staticmethod
    def _fresh_key(passphrase: str) -> tuple[_Kdf, bytes]:
        kdf = _Kdf(os.urandom(KDF_SALT_BYTES))
        return kdf, kdf.derive(passphrase)

    @staticmethod
    def _secrets(data: dict) -> dict:
        boxes = data.get("secrets", {})
        if not isinstance(boxes, dict):
            raise _damaged()
        return boxes

    def _names(self, session: Session) -> list[str]:
        data = _json_row(session, VAULT_KEY)
        return sorted(self._secrets(data)) if data is not None else []

    def get(self, name: str) -> str:
        """The secret in clear (for the courier adapters); SecretNotFound, PassphraseNeeded,
        WrongPassphrase otherwise."""
        with self._db.read_session() as session:
            data = _json_row(session, VAULT_KEY)
        if data is None or name not in self._secrets(data):
            raise self._not_found(name)
        key = self._unlock(data)
        try:
            return _open(key, self._secrets(data)[name], name.encode("utf-8")).decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise _damaged() from None

    def put(self, uow: UnitOfWork, ctx: ChangeContext, name: str, secret: str) -> bool:
        permissions.require(uow, ctx.actor, ACTION)
        name, secret = check_name(name), check_secret(secret)
        data = _json_row(uow.session, VAULT_KEY)
        if data is None:  # the first secret sets the vault up under the passphrase given now
            key_kdf = self._fresh_key(self._check_new(self._passphrase()))
            data = self._new_vault(key_kdf)
            self._key = key_kdf
            uow.record(ctx, "setting", field="vault:passphrase", old=None, new="set")
        key = self._unlock(data)
        boxes = self._secrets(data)
        aad = name.encode("utf-8")
        old = None
        if name in boxes:
            try:
                if _open(key, boxes[name], aad) == secret.encode("utf-8"):
                    return False
            except InvalidTag:
                pass  # a damaged entry is simply replaced
            old = "stored"
        boxes[name] = _seal(key, secret.encode("utf-8"), aad)
        data["secrets"] = boxes
        _write_row(uow, VAULT_KEY, data)
        _record(uow, ctx, name, old, "replaced" if old else "stored")
        log.info("vault: secret %s %s (own vault)", name, "replaced" if old else "stored")
        return True

    def delete(self, uow: UnitOfWork, ctx: ChangeContext, name: str) -> None:
        permissions.require(uow, ctx.actor, ACTION)
        data = _json_row(uow.session, VAULT_KEY)
        boxes = self._secrets(data) if data is not None else {}
        if data is None or name not in boxes:
            raise self._not_found(name)
        del boxes[name]
        data["secrets"] = boxes
        _write_row(uow, VAULT_KEY, data)
        _record(uow, ctx, name, "stored", "deleted")
        log.info("vault: secret %s deleted (own vault)", name)

    def change_passphrase(self, uow: UnitOfWork, ctx: ChangeContext, old: str, new: str) -> None:
        """Re-encrypt every secret under a key from the new passphrase (new salt, new nonces,
        today's argon2id parameters). WrongPassphrase (nothing changed) if `old` does not open
        the vault. A store without a vault yet gets one under `new`."""
        permissions.require(uow, ctx.actor, ACTION)
        new = self._check_new(new)
        data = _json_row(uow.session, VAULT_KEY)
        old_key = self._unlock(data, old) if data is not None else b""  # a wrong one stops here
        fresh = self._fresh_key(new)
        rebuilt = self._new_vault(fresh)
        if data is not None:
            for name, box in self._secrets(data).items():
                aad = name.encode("utf-8")
                try:
                    plain = _open(old_key, box, aad)
                except InvalidTag:
                    raise _damaged() from None
                rebuilt["secrets"][name] = _seal(fresh[1], plain, aad)
        _write_row(uow, VAULT_KEY, rebuilt)
        uow.record(ctx, "setting", field="vault:passphrase", old=None if data is None else "set",
                   new="set" if data is None else "changed")
        self._key = fresh
        log.info("vault: passphrase %s (own vault)", "set" if data is None else "changed")


class OsVault(Vault):
    """The computer's keychain through keyring; the store keeps the list of names only."""

    kind = "os"

    def __init__(self, db: Database, backend: object) -> None:
        super().__init__(db)
        self._backend = backend

    @property
    def backend(self) -> str:
        return describe_backend(self._backend)

    def _service(self) -> str:
        sid = self._db.store_id
        if not sid:
            raise VaultError(t("This store has no id yet, so its secrets have no place in the keychain."))
        return SERVICE_PREFIX + sid

    def _keychain(self, what: Callable[[], _T]) -> _T:
        from keyring.errors import KeyringError

        try:
            return what()
        except KeyringError as exc:
            log.warning("vault: the keychain refused (%s)", type(exc).__name__)  # no message: it may echo input
            raise VaultError(t("The computer's keychain refused; unlock it or try again.")) from None

    def _names(self, session: Session) -> list[str]:
        data = _json_row(session, OS_NAMES_KEY)
        names = data.get("names", []) if data is not None else []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _damaged()
        return sorted(names)

    def get(self, name: str) -> str:
        if name not in self.names():
            raise self._not_found(name)
        secret = self._keychain(lambda: self._backend.get_password(self._service(), name))  # type: ignore[attr-defined]
        if secret is None:
            raise SecretNotFound(t("The secret {name} is not in this computer's keychain; the owner stores it "
                                   "again on this computer.", name=name))
        return str(secret)

    def _write_names(self, uow: UnitOfWork, names: list[str]) -> None:
        _write_row(uow, OS_NAMES_KEY, {"format": 1, "names": sorted(set(names))})

    def put(self, uow: UnitOfWork, ctx: ChangeContext, name: str, secret: str) -> bool:
        """As Vault.put. The keychain is written before the transaction commits, so a keychain
        that refuses leaves the store unchanged."""
        permissions.require(uow, ctx.actor, ACTION)
        name, secret = check_name(name), check_secret(secret)
        names = self._names(uow.session)
        service = self._service()
        current = self._keychain(lambda: self._backend.get_password(service, name))  # type: ignore[attr-defined]
        if name in names and current == secret:
            return False
        self._keychain(lambda: self._backend.set_password(service, name, secret))  # type: ignore[attr-defined]
        old = "stored" if name in names else None
        self._write_names(uow, [*names, name])
        _record(uow, ctx, name, old, "replaced" if old else "stored")
        log.info("vault: secret %s %s (%s)", name, "replaced" if old else "stored", self.backend)
        return True

    def delete(self, uow: UnitOfWork, ctx: ChangeContext, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        permissions.require(uow, ctx.actor, ACTION)
        names = self._names(uow.session)
        if name not in names:
            raise self._not_found(name)
        service = self._service()

        def remove() -> None:
            # not in this computer's keychain (stored at another seat): the name goes all the same
            with contextlib.suppress(PasswordDeleteError):
                self._backend.delete_password(service, name)  # type: ignore[attr-defined]

        self._keychain(remove)
        self._write_names(uow, [n for n in names if n != name])
        _record(uow, ctx, name, "stored", "deleted")
        log.info("vault: secret %s deleted (%s)", name, self.backend)

    def change_passphrase(self, uow: UnitOfWork, ctx: ChangeContext, old: str, new: str) -> None:
        permissions.require(uow, ctx.actor, ACTION)
        raise ValidationError(t("The computer's keychain keeps these secrets under its own sign-in; "
                                "there is no vault passphrase to change."))


def open_vault(db: Database, passphrase: Callable[[], str] | None = None) -> Vault:
    """The store's vault: our own when the store already holds one; else the OS keychain when
    keyring's backend encrypts (encrypts()); else our own. `passphrase` is asked only when our
    vault needs its key (the UI's prompt); without it, $SHOP_ORDERS_VAULT_PASSPHRASE."""
    with db.read_session() as session:
        has_own = session.get(Setting, VAULT_KEY) is not None
    if has_own:
        return OwnVault(db, passphrase)
    import keyring

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a keyring that cannot even load is not used
        log.info("vault: keyring unavailable (%s); using the own vault", type(exc).__name__)
        return OwnVault(db, passphrase, refused=type(exc).__name__)
    chosen = _encrypting(backend)
    if chosen is None:
        log.info("vault: %s does not encrypt; using the own vault", describe_backend(backend))
        return OwnVault(db, passphrase, refused=describe_backend(backend))
    return OsVault(db, chosen)
