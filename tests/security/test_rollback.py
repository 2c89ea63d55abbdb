"""A store put back to an earlier state together with both of its head files (issue 23 item 8):
found by `audit verify` and refused at the first write where this computer's keychain encrypts
(store/keychain.py keeps a third copy of the head there); where it does not, the rollback is a
state the shop really had and nothing can tell (the README says so)."""

from __future__ import annotations

import shutil

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from shop_orders import paths
from shop_orders.services.verification import verify_store
from shop_orders.store import audit, keychain
from shop_orders.store.errors import AuditTrailDamaged
from shop_orders.store.open import open_database
from tests.factories import make_order


class MemoryKeyring(KeyringBackend):
    """An encrypting keychain as far as the app can tell (not a refused module)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture
def ring(monkeypatch):
    saved = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setattr(keychain, "THROTTLE_S", 0.0)
    yield ring
    keyring.set_keyring(saved)


def _files(db) -> list:
    store = db.url.database
    return [p for p in (store, store + "-wal", str(db.head_file), str(db.data_head_file))]


def _snapshot(db, where) -> dict:
    """What someone with the files copies while the app is closed (the store and both heads)."""
    kept = {}
    for i, f in enumerate(_files(db)):
        try:
            shutil.copyfile(f, where / f"snap-{i}")
            kept[f] = where / f"snap-{i}"
        except FileNotFoundError:
            kept[f] = None
    return kept


def _put_back(kept: dict) -> None:
    for f, copy in kept.items():
        if copy is None:
            from pathlib import Path

            Path(f).unlink(missing_ok=True)
        else:
            shutil.copyfile(copy, f)


def _rolled_back(tmp_path):
    store = tmp_path / "shop.sqlite3"
    db = open_database(store, data_dir=paths.data_dir(), create=True)
    first = make_order(db)
    db.dispose()
    db = open_database(store, data_dir=paths.data_dir())
    kept = _snapshot(db, tmp_path)
    db.dispose()
    db = open_database(store, data_dir=paths.data_dir())
    for _ in range(3):
        make_order(db)  # the shop goes on; the keychain's head follows
    db.dispose()
    _put_back(kept)  # the store and both head files as they were after the first order
    return open_database(store, data_dir=paths.data_dir()), first


def test_a_store_rolled_back_with_both_head_files_is_found_through_the_keychain(tmp_path, ring):
    db, _first = _rolled_back(tmp_path)
    try:
        check = verify_store(db)
        assert not check.ok and check.kind == "truncated"
        assert "the head recorded outside the database is #" in check.problem
        with pytest.raises(AuditTrailDamaged, match="this computer's keychain recorded #"):
            make_order(db)
    finally:
        db.dispose()


def test_a_keychain_head_written_by_someone_else_is_reported(tmp_path, ring):
    store = tmp_path / "shop.sqlite3"
    db = open_database(store, data_dir=paths.data_dir(), create=True)
    try:
        make_order(db)
        [(service, name)] = ring.kept
        ring.kept[(service, name)] = '{"seq": 1, "hash": "00", "mac": "forged"}'
        check = verify_store(db)
        assert not check.ok and "keychain was rewritten" in check.problem
    finally:
        db.dispose()


def test_without_an_encrypting_keychain_such_a_rollback_stays_undetectable(tmp_path):
    keyring.set_keyring(fail.Keyring())
    db, first = _rolled_back(tmp_path)
    try:
        assert verify_store(db).ok  # a state the shop really had: nothing can tell (README)
        assert audit.head_files(db) and db.keychain_head is None
    finally:
        db.dispose()
