"""The audit chain's secret key: kept outside the database, in a key file per store.

Why: with a plain sha256 chain anyone who can write to the database can append an event with a
correctly recomputed hash and fix the in-table head. Each event's hash is therefore an
HMAC-SHA256 under a 32-byte secret that never enters the database (store/audit.py).

Where the key lives
    `<data folder>/audit-keys/<store id>.key` (platformdirs, see shop_orders/paths.py), a small
    JSON file with mode 0600. The store id is 32 random hex digits kept in the database
    (`settings` row `audit_store_id`); it names the key file and the data-folder head file. The
    key is made when the store is created, or when an older store (a plain sha256 chain) is first
    opened by this version: then the key file also records `keyed_from`, the first event chained
    under the key. Events before it keep their sha256 hashes and stay verifiable, and the first
    keyed event covers the last sha256 hash, so nothing is re-written and nothing is lost. An
    attacker cannot move `keyed_from`: it is in the key file, not in the database.

How another seat or computer gets the key
    A second seat of a PostgreSQL store, or a new computer after a restore, has no key file. It
    can read everything but refuses to write (AuditKeyMissing says what to do). The owner runs
    `shop-orders audit key export FILE` on a seat that has the key, carries FILE (USB stick) to the
    other seat and runs `shop-orders audit key import FILE` there: the import checks that the key
    fits this store's whole chain, saves it and starts this seat's own head files. The key is
    never printed or logged. (The OS vault through keyring was considered; a key file is what
    works the same on every seat and in tests, without a keyring daemon.)
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from shop_orders.atomic import write_atomic
from shop_orders.domain.messages import t
from shop_orders.store.errors import StoreError

KEY_DIR = "audit-keys"
STORE_ID_SETTING = "audit_store_id"
_STORE_ID = re.compile(r"^[0-9a-f]{32}$")
_KIND = "shop-orders audit key"


class KeyFileError(StoreError):
    """A key file offered for import is not a Shop Orders audit key, or does not fit."""


def new_store_id() -> str:
    return secrets.token_hex(16)


def valid_store_id(text: object) -> bool:
    return isinstance(text, str) and bool(_STORE_ID.match(text))


@dataclass(frozen=True, repr=False)
class ChainKey:
    """The secret of one store's chain and the first event chained under it."""

    store_id: str
    secret: bytes = field(repr=False)
    keyed_from: int = 1
    location: str = ""
    rows_signed: bool = False  # this seat has seen the store's rows signed (store/signing.py)

    def __repr__(self) -> str:  # never show the secret
        return f"ChainKey(store_id={self.store_id!r}, keyed_from={self.keyed_from})"

    def mac(self) -> hmac.HMAC:
        """A fresh HMAC-SHA256 state under the key; `.copy()` it per message (saves re-keying)."""
        return hmac.new(self.secret, digestmod="sha256")  # OpenSSL HMAC: copy() is cheapest

    def sign(self, text: str) -> str:
        m = self.mac()
        m.update(b"head\x00" + text.encode("utf-8"))
        return m.hexdigest()

    def sign_row(self, kind: str, payload: str) -> str:
        """A row's signature (store/signing.py): domain-separated from the chain and the heads."""
        m = self.mac()
        m.update(b"row\x00" + kind.encode("utf-8") + b"\x00" + payload.encode("utf-8"))
        return m.hexdigest()

    def fingerprint(self) -> str:
        """A short public name for the key (not the key): lets two seats compare keys."""
        m = self.mac()
        m.update(b"fingerprint")
        return m.hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps({"format": 1, "kind": _KIND, "store_id": self.store_id, "keyed_from": self.keyed_from,
                           "location": self.location, "created_at": datetime.now(UTC).isoformat(),
                           "rows_signed": self.rows_signed, "key": base64.b64encode(self.secret).decode("ascii")},
                          indent=1)


def parse_key(text: str, where: str) -> ChainKey:
    try:
        data = json.loads(text)
        if data.get("kind") != _KIND or not valid_store_id(data.get("store_id")):
            raise ValueError
        secret = base64.b64decode(data["key"], validate=True)
        keyed_from = int(data["keyed_from"])
        if len(secret) != 32 or keyed_from < 1:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(t("{where} is not a Shop Orders audit key file.", where=where)) from None
    return ChainKey(data["store_id"], secret, keyed_from, str(data.get("location", "")),
                    data.get("rows_signed") is True)


def write_private(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write text to path readable by its owner only (0600), atomically (shop_orders/atomic.py),
    or, `exclusive`, refuse (FileExistsError) if it exists."""
    if not exclusive:
        write_atomic(path, text, prefix=".key-")  # mkstemp's file: 0600
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


class KeyStore:
    """The key files of this computer's user: `<data folder>/audit-keys/<store id>.key`."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir) / KEY_DIR

    def path(self, store_id: str) -> Path:
        if not valid_store_id(store_id):  # the id comes from the database: never a path
            raise StoreError(t("The database holds a malformed audit store id."))
        return self.dir / f"{store_id}.key"

    def load(self, store_id: str) -> ChainKey | None:
        path = self.path(store_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        key = parse_key(text, str(path))
        if key.store_id != store_id:
            raise KeyFileError(t("{path} holds the key of another store.", path=path))
        return key

    def create(self, store_id: str, keyed_from: int, location: str) -> ChainKey:
        key = ChainKey(store_id, secrets.token_bytes(32), keyed_from, location, rows_signed=keyed_from == 1)
        write_private(self.path(store_id), key.to_json(), exclusive=True)
        return key

    def save(self, key: ChainKey) -> None:
        existing = self.load(key.store_id)
        if existing is not None and existing.secret != key.secret:
            raise KeyFileError(t("This computer already holds a different audit key for store {store}; "
                                 "nothing was changed.", store=key.store_id))
        write_private(self.path(key.store_id), key.to_json())

    def store_for_location(self, location: str) -> str | None:
        """The id of a store this computer keyed at `location` before (None if none)."""
        if not self.dir.is_dir():
            return None
        for path in self.dir.glob("*.key"):
            try:
                key = parse_key(path.read_text(encoding="utf-8"), str(path))
            except (OSError, KeyFileError):
                continue
            if key.location == location:
                return key.store_id
        return None
