"""The OS keychain of this computer's user: which keyring backends encrypt (the courier vault,
services/vault.py, keeps secrets only in those), and a third copy of the audit chain's head.

The head is kept beside the store and in the data folder (store/audit.py); someone who can write
all three files (the store and both heads) can put the whole store back as it was at an earlier
moment. Where keyring's backend encrypts (Windows Credential Locker, macOS Keychain, the Secret
Service), the head is also kept there, under the service name KEYCHAIN_SERVICE and the store id,
signed with the store's key: a rollback of the files to before the keychain's head is found by
`audit verify` and stops every write. It is written after commits at most every THROTTLE_S
seconds (a keychain call costs milliseconds, the scan-out's commit must not), so a rollback to
within the last few seconds of work is not found by it. A seat whose keychain does not encrypt
(or has none) keeps the two head files only; what then stays undetectable is said in the README.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from shop_orders.store.keys import ChainKey

log = logging.getLogger(__name__)
KEYCHAIN_SERVICE = "ShopOrders audit head"
THROTTLE_S = 5.0

# keyrings.alt's backends that encrypt; everything else from keyrings.alt is refused.
_ALT_ENCRYPTED = frozenset({
    ("keyrings.alt.file", "EncryptedKeyring"),
    ("keyrings.alt.Windows", "EncryptedKeyring"),  # DPAPI
    ("keyrings.alt.Windows", "RegistryKeyring"),  # DPAPI
})
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null")


def _is_chainer(backend: object) -> bool:
    from keyring.backends.chainer import ChainerBackend

    cls = type(backend)
    return isinstance(backend, ChainerBackend) or (
        cls.__module__ == "keyring.backends.chainer" and cls.__name__ == "ChainerBackend")


def _members(backend: object) -> list:
    try:
        return list(getattr(backend, "backends", None) or [])
    except Exception:  # noqa: BLE001 - a chainer that cannot list its members offers none
        return []


def encrypting(backend: object) -> object | None:
    """The backend a secret would be written into, if it encrypts: the backend itself, or a
    chainer's first member that encrypts; else None."""
    if backend is None:
        return None
    if _is_chainer(backend):
        return next((m for m in _members(backend) if not _is_chainer(m) and encrypting(m) is not None), None)
    cls = type(backend)
    module, name = cls.__module__ or "", cls.__name__
    if module in _REFUSED_MODULES or module.startswith(tuple(m + "." for m in _REFUSED_MODULES)):
        return None
    if name == "PlaintextKeyring":
        return None
    if (module == "keyrings.alt" or module.startswith("keyrings.alt.")) and (module, name) not in _ALT_ENCRYPTED:
        return None
    return backend


def encrypts(backend: object) -> bool:
    """Whether secrets given to this keyring backend are kept encrypted by it (or, for a chainer,
    by one of its members). Conservative: keyring's fail and null backends, any PlaintextKeyring,
    and everything from keyrings.alt except its encrypted keyrings do not."""
    return encrypting(backend) is not None


def describe_backend(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


class KeychainHead:
    """The chain head of one store in this user's keychain (see the module's text)."""

    def __init__(self, backend: object, key: ChainKey) -> None:
        self.backend = backend
        self.key = key
        self.path = f"{describe_backend(backend)} ({KEYCHAIN_SERVICE})"  # where, for messages
        self._lock = threading.Lock()
        self._written_at = 0.0
        self.checked = False  # the first write of this open store checks it (store/audit.py)

    def _mac(self, seq: int, h: str) -> str:
        return self.key.sign(f"keychain|{self.key.store_id}|{seq}|{h}")

    def read(self) -> tuple[int, str] | None:
        """(seq, hash); None when the keychain has none for this store; (-1, "") when it holds
        one that does not check under the store's key (written by someone else)."""
        try:
            text = self.backend.get_password(KEYCHAIN_SERVICE, self.key.store_id)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - a locked or broken keychain adds no evidence
            log.info("keychain head unreadable: %s", type(exc).__name__)
            return None
        if text is None:
            return None
        try:
            data = json.loads(text)
            head = (int(data["seq"]), str(data["hash"]))
            ok = data["mac"] == self._mac(*head)
        except (ValueError, KeyError, TypeError):
            return (-1, "")
        return head if ok else (-1, "")

    def reset(self, seq: int, h: str) -> None:
        with self._lock:
            self._write(seq, h)

    def advance(self, seq: int, h: str) -> None:
        """After a commit: at most every THROTTLE_S seconds, and only forward."""
        with self._lock:
            if time.monotonic() - self._written_at < THROTTLE_S:
                return
            current = self.read()
            if current is not None and current[0] >= seq:
                return
            self._write(seq, h)

    def _write(self, seq: int, h: str) -> None:
        text = json.dumps({"seq": seq, "hash": h, "mac": self._mac(seq, h)})
        try:
            self.backend.set_password(KEYCHAIN_SERVICE, self.key.store_id, text)  # type: ignore[attr-defined]
            self._written_at = time.monotonic()
        except Exception as exc:  # noqa: BLE001 - the commit stands; the head files still hold
            log.warning("keychain head could not be written: %s", type(exc).__name__)


def head_for(key: ChainKey | None) -> KeychainHead | None:
    """This user's keychain head of the store, when there is a key and the keychain encrypts."""
    if key is None:
        return None
    try:
        import keyring

        backend = encrypting(keyring.get_keyring())
    except Exception:  # noqa: BLE001 - no usable keyring: no third place
        return None
    return KeychainHead(backend, key) if backend is not None else None
