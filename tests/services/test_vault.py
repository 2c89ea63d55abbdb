"""The vault for courier secrets, on SQLite and PostgreSQL: our own AES-256-GCM vault and an OS
keychain (a fake, in memory), the refusal of keyrings that do not encrypt, the master passphrase
(wrong, missing, changed), the size and name limits, owner-only writes audited without the
value, and a byte-by-byte search for a planted secret everywhere the shop's data goes."""

from __future__ import annotations

import base64
import json
import logging
import zipfile
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.compat import properties
from keyring.errors import KeyringError, PasswordDeleteError
from sqlalchemy import select
from sqlmodel import SQLModel

from shop_orders.domain import trail
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import DEFAULT_MATRIX, Role, allowed
from shop_orders.services import auth, backup, exporting, permissions, vault
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import AuditEvent, Setting
from tests.factories import make_order, run

PLANTED = "PLANTED-SECRET-7f3a"
PASS = "correct horse battery staple"
OWNER, MANAGER = Actor("alice", "owner"), Actor("max", "manager")


def ctx(actor: Actor = OWNER) -> ChangeContext:
    return ChangeContext(actor, "manual")


# -- fake keyrings: never viable, so keyring itself never picks one --------------------------

class _TestBackend(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service, username):
        self.calls.append("get")
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.calls.append("set")
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.calls.append("delete")
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class MemoryKeyring(_TestBackend):
    """An encrypting keyring as far as the vault can tell (not from a refused module)."""


class BrokenKeyring(_TestBackend):
    """A keychain that is locked: every call fails."""

    def set_password(self, service, username, password):
        raise KeyringError("the collection is locked")

    def get_password(self, service, username):
        raise KeyringError("the collection is locked")


def fake(module: str, name: str, base: type = _TestBackend) -> type:
    """A backend class that says it comes from `module` (as keyrings.alt's would)."""
    return type(name, (base,), {"__module__": module, "__qualname__": name})


class FakeChainer(chainer.ChainerBackend):
    viable = False
    backends: list = []

    def __init__(self, members: list) -> None:
        super().__init__()
        self.backends = members


@pytest.fixture(autouse=True)
def _keyring(monkeypatch):
    """Every test starts with keyring's fail backend (no real keychain is touched) and no
    passphrase in the environment; the process's keyring is put back afterwards."""
    saved = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(vault.PASSPHRASE_ENV, raising=False)
    yield
    keyring.set_keyring(saved)


@pytest.fixture
def shop(db):
    """A store with one order, an owner (alice) and a manager."""
    make_order(db)
    for actor in (OWNER, MANAGER):
        run(db, auth.create_user, ctx(OWNER), actor.name, actor.role, f"{actor.name}-password-1")
    return db



def put(db, v, name, secret, actor=OWNER):
    return run(db, lambda uow: v.put(uow, ctx(actor), name, secret))


def row(db, key=vault.VAULT_KEY):
    with db.read_session() as s:
        r = s.get(Setting, key)
        return json.loads(r.value) if r is not None else None


def events(db):
    with db.read_session() as s:
        return [(e.action, e.field, e.old, e.new, e.actor)
                for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
                if e.field.startswith(("secret:", "vault:"))]


def own(db, passphrase=PASS):
    return vault.open_vault(db, lambda: passphrase)


# -- our own vault ---------------------------------------------------------------------------

def test_own_vault_round_trip_keeps_only_ciphertext_and_the_kdf_in_the_store(shop):
    v = own(shop)
    assert v.kind == "own" and v.refused == "keyring.backends.fail.Keyring"
    assert put(shop, v, "sf:api_key", PLANTED) is True
    assert put(shop, v, "kuaidi100:customer", "顾客-42") is True
    assert v.names() == ["kuaidi100:customer", "sf:api_key"] and v.has("sf:api_key") and not v.has("nope")
    again = own(shop)  # another seat, another process: the passphrase opens the same row
    assert again.get("sf:api_key") == PLANTED and again.get("kuaidi100:customer") == "顾客-42"
    data = row(shop)
    assert data["cipher"] == "AES-256-GCM"
    assert data["kdf"] | {"salt": None} == {"name": "argon2id", "version": 19, "memory_kib": 65536, "time_cost": 3,
                                           "parallelism": 4, "hash_len": 32, "salt": None}
    assert len(base64.b64decode(data["kdf"]["salt"])) == 16
    boxes = data["secrets"]
    nonces = [base64.b64decode(b["nonce"]) for b in (*boxes.values(), data["check"])]
    assert all(len(n) == 12 for n in nonces) and len(set(nonces)) == len(nonces)  # each its own nonce
    assert PLANTED not in json.dumps(data) and "顾客" not in json.dumps(data, ensure_ascii=False)


def test_storing_the_same_secret_again_writes_nothing_and_a_new_one_is_replaced(shop):
    v = own(shop)
    put(shop, v, "sf:api_key", "first-secret")
    before = row(shop), events(shop)
    assert put(shop, v, "sf:api_key", "first-secret") is False
    assert (row(shop), events(shop)) == before
    assert put(shop, v, "sf:api_key", "second-secret") is True
    assert own(shop).get("sf:api_key") == "second-secret"
    run(shop, lambda uow: v.delete(uow, ctx(), "sf:api_key"))
    assert v.names() == [] and not v.has("sf:api_key")
    with pytest.raises(vault.SecretNotFound) as err:
        v.get("sf:api_key")
    assert str(err.value) == "No secret named sf:api_key is stored."


def test_wrong_passphrase_is_one_sentence_and_changes_nothing(shop):
    put(shop, own(shop), "sf:api_key", PLANTED)
    before = row(shop), events(shop)
    wrong = own(shop, "not the passphrase")
    with pytest.raises(vault.WrongPassphrase) as err:
        wrong.get("sf:api_key")
    assert isinstance(err.value, ValidationError)
    assert str(err.value) == t("The vault passphrase is wrong.") and "not the passphrase" not in repr(err.value)
    with pytest.raises(vault.WrongPassphrase):
        put(shop, wrong, "sf:api_key", "something else")
    with pytest.raises(vault.WrongPassphrase):
        put(shop, wrong, "new:name", "something else")
    assert (row(shop), events(shop)) == before


def test_the_passphrase_comes_from_the_callback_else_the_environment_else_one_sentence(shop, monkeypatch):
    put(shop, own(shop), "sf:api_key", PLANTED)
    with pytest.raises(vault.PassphraseNeeded) as err:
        vault.open_vault(shop).get("sf:api_key")
    assert str(err.value) == ("The vault's master passphrase is needed: type it, or set "
                              "SHOP_ORDERS_VAULT_PASSPHRASE for scripts.")
    assert vault.open_vault(shop, lambda: "").names() == ["sf:api_key"]  # names need no passphrase
    monkeypatch.setenv(vault.PASSPHRASE_ENV, PASS)
    assert vault.open_vault(shop).get("sf:api_key") == PLANTED
    assert vault.open_vault(shop, lambda: "").get("sf:api_key") == PLANTED  # an empty answer: the environment


def test_the_key_is_derived_once_per_vault_and_the_passphrase_is_not_kept(shop):
    asked = []
    v = vault.open_vault(shop, lambda: asked.append(1) or PASS)
    put(shop, v, "a", "secret-a")
    put(shop, v, "b", "secret-b")
    assert v.get("a") == "secret-a" and v.get("b") == "secret-b"
    assert len(asked) == 1
    assert PASS not in repr(vars(v))


def test_a_first_passphrase_shorter_than_8_characters_is_refused(shop):
    with pytest.raises(ValidationError) as err:
        put(shop, own(shop, "short"), "sf:api_key", PLANTED)
    assert str(err.value) == "A vault passphrase has at least 8 characters."
    assert row(shop) is None and events(shop) == []


def test_a_ciphertext_moved_to_another_name_does_not_decrypt(shop):
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    put(shop, v, "other", "other-secret")
    data = row(shop)
    data["secrets"]["other"] = data["secrets"]["sf:api_key"]
    with UnitOfWork(shop) as uow:
        uow.session.get(Setting, vault.VAULT_KEY).value = json.dumps(data)
        uow.commit()
    with pytest.raises(vault.VaultError) as err:
        own(shop).get("other")
    assert str(err.value) == "The vault's data in the store is damaged; store the secrets again."
    assert own(shop).get("sf:api_key") == PLANTED


@pytest.mark.parametrize("damage", ["not json", '{"format": 1, "kdf": {"name": "argon2id"}, "secrets": {"x": {}}}',
                                    '{"format": 2}', "[]"])
def test_a_damaged_vault_row_is_one_sentence(shop, damage):
    put(shop, own(shop), "x", PLANTED)
    with UnitOfWork(shop) as uow:
        uow.session.get(Setting, vault.VAULT_KEY).value = damage
        uow.commit()
    with pytest.raises(vault.VaultError) as err:
        v = own(shop)
        v.names()
        v.get("x")
    assert str(err.value) == "The vault's data in the store is damaged; store the secrets again."


# -- changing the passphrase ------------------------------------------------------------------

def test_changing_the_passphrase_reencrypts_everything_old_fails_new_reads(shop):
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    put(shop, v, "kuaidi100:key", "k100-secret")
    before = row(shop)
    new = "a brand new passphrase"
    run(shop, lambda uow: v.change_passphrase(uow, ctx(), PASS, new))
    after = row(shop)
    assert after["kdf"]["salt"] != before["kdf"]["salt"] and after["check"] != before["check"]
    assert all(after["secrets"][n]["nonce"] != before["secrets"][n]["nonce"] and
               after["secrets"][n]["ct"] != before["secrets"][n]["ct"] for n in before["secrets"])
    with pytest.raises(vault.WrongPassphrase):
        own(shop, PASS).get("sf:api_key")
    reader = own(shop, new)
    assert reader.get("sf:api_key") == PLANTED and reader.get("kuaidi100:key") == "k100-secret"
    assert v.get("sf:api_key") == PLANTED  # the vault that changed it keeps working
    assert events(shop)[-1] == ("setting", "vault:passphrase", "set", "changed", "alice")


def test_changing_the_passphrase_with_a_wrong_old_one_or_a_short_new_one_changes_nothing(shop):
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    before = row(shop), events(shop)
    with pytest.raises(vault.WrongPassphrase):
        run(shop, lambda uow: v.change_passphrase(uow, ctx(), "wrong passphrase", "a brand new passphrase"))
    with pytest.raises(ValidationError) as err:
        run(shop, lambda uow: v.change_passphrase(uow, ctx(), PASS, "short"))
    assert str(err.value) == "A vault passphrase has at least 8 characters."
    assert (row(shop), events(shop)) == before
    assert own(shop).get("sf:api_key") == PLANTED


def test_another_seat_that_changed_the_passphrase_makes_this_one_ask_again(shop):
    here, there = own(shop), own(shop)
    put(shop, here, "sf:api_key", PLANTED)
    assert there.get("sf:api_key") == PLANTED
    run(shop, lambda uow: here.change_passphrase(uow, ctx(), PASS, "a brand new passphrase"))
    with pytest.raises(vault.WrongPassphrase):
        there.get("sf:api_key")  # its cached key no longer opens the vault, its passphrase neither


# -- the OS keychain ----------------------------------------------------------------------------

def test_os_vault_round_trip_on_an_encrypting_keyring_keeps_only_names_in_the_store(shop):
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    v = vault.open_vault(shop)
    assert v.kind == "os" and v.backend.endswith("MemoryKeyring")
    assert put(shop, v, "sf:api_key", PLANTED) is True
    service = f"ShopOrders:{shop.store_id}"
    assert ring.items == {(service, "sf:api_key"): PLANTED}
    assert row(shop, vault.OS_NAMES_KEY) == {"format": 1, "names": ["sf:api_key"]} and row(shop) is None
    assert vault.open_vault(shop).get("sf:api_key") == PLANTED and v.names() == ["sf:api_key"]
    assert put(shop, v, "sf:api_key", PLANTED) is False
    assert put(shop, v, "sf:api_key", "replaced-secret") is True and v.get("sf:api_key") == "replaced-secret"
    run(shop, lambda uow: v.delete(uow, ctx(), "sf:api_key"))
    assert ring.items == {} and v.names() == []
    assert [e[1:4] for e in events(shop)] == [("secret:sf:api_key", None, "stored"),
                                              ("secret:sf:api_key", "stored", "replaced"),
                                              ("secret:sf:api_key", "stored", "deleted")]


def test_os_vault_secret_stored_on_another_computer_is_one_sentence(shop):
    keyring.set_keyring(MemoryKeyring())
    put(shop, vault.open_vault(shop), "sf:api_key", PLANTED)
    keyring.set_keyring(MemoryKeyring())  # another seat's keychain: the name is shared, the secret not
    v = vault.open_vault(shop)
    assert v.names() == ["sf:api_key"]
    with pytest.raises(vault.SecretNotFound) as err:
        v.get("sf:api_key")
    assert str(err.value) == ("The secret sf:api_key is not in this computer's keychain; the owner stores it "
                              "again on this computer.")
    run(shop, lambda uow: v.delete(uow, ctx(), "sf:api_key"))  # the owner can still remove the name
    assert v.names() == []


def test_a_keychain_that_refuses_is_one_sentence_and_changes_nothing(shop):
    keyring.set_keyring(BrokenKeyring())
    v = vault.open_vault(shop)
    with pytest.raises(vault.VaultError) as err:
        put(shop, v, "sf:api_key", PLANTED)
    assert str(err.value) == "The computer's keychain refused; unlock it or try again."
    assert PLANTED not in repr(err.value) and err.value.__cause__ is None
    assert v.names() == [] and events(shop) == []


def test_os_vault_has_no_passphrase_to_change(shop):
    keyring.set_keyring(MemoryKeyring())
    v = vault.open_vault(shop)
    with pytest.raises(ValidationError) as err:
        run(shop, lambda uow: v.change_passphrase(uow, ctx(), "old passphrase", "new passphrase"))
    assert str(err.value) == ("The computer's keychain keeps these secrets under its own sign-in; "
                              "there is no vault passphrase to change.")


REFUSED = [
    lambda: fail.Keyring(),
    lambda: null.Keyring(),
    lambda: fake("keyrings.alt.file", "PlaintextKeyring")(),
    lambda: fake("keyrings.alt.file", "SomeFutureKeyring")(),
    lambda: fake("keyrings.alt.pyfs", "PlaintextKeyring")(),
    lambda: fake("keyrings.alt.Gnome", "Keyring")(),
    lambda: fake("somewhere.else", "PlaintextKeyring")(),
    lambda: FakeChainer([fail.Keyring(), fake("keyrings.alt.file", "PlaintextKeyring")()]),
    lambda: FakeChainer([]),
]


@pytest.mark.parametrize("make", REFUSED, ids=["fail", "null", "alt-plaintext", "alt-file-other", "alt-pyfs-plaintext",
                                               "alt-other", "plaintext-elsewhere", "chainer-of-refused",
                                               "empty-chainer"])
def test_keyrings_that_do_not_encrypt_are_refused_and_the_own_vault_is_used(shop, make):
    backend = make()
    assert vault.encrypts(backend) is False
    keyring.set_keyring(backend)
    v = vault.open_vault(shop, lambda: PASS)
    assert v.kind == "own" and v.refused
    put(shop, v, "sf:api_key", PLANTED)
    assert own(shop).get("sf:api_key") == PLANTED
    members = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    assert all(PLANTED not in getattr(m, "items", {}).values() for m in members)
    assert all("set" not in getattr(m, "calls", []) for m in members)


def test_encrypts_accepts_os_vaults_and_keyrings_alt_encrypted_ones():
    for module, name in [("keyring.backends.Windows", "WinVaultKeyring"), ("keyring.backends.macOS", "Keyring"),
                         ("keyring.backends.SecretService", "Keyring"), ("keyring.backends.kwallet", "DBusKeyring"),
                         ("keyrings.alt.file", "EncryptedKeyring"), ("keyrings.alt.Windows", "RegistryKeyring")]:
        assert vault.encrypts(fake(module, name)()), (module, name)
    assert vault.encrypts(None) is False


def test_a_chainer_is_used_through_its_first_encrypting_member_never_a_plaintext_one(shop):
    plain, good = fake("keyrings.alt.file", "PlaintextKeyring")(), MemoryKeyring()
    chain = FakeChainer([plain, good])
    assert vault.encrypts(chain)
    keyring.set_keyring(chain)
    v = vault.open_vault(shop)
    assert v.kind == "os" and v.backend.endswith("MemoryKeyring")
    put(shop, v, "sf:api_key", PLANTED)
    assert list(good.items.values()) == [PLANTED] and plain.items == {} and plain.calls == []


def test_a_store_with_its_own_vault_keeps_it_when_a_keychain_appears(shop):
    put(shop, own(shop), "sf:api_key", PLANTED)
    keyring.set_keyring(MemoryKeyring())
    v = own(shop)
    assert v.kind == "own" and v.get("sf:api_key") == PLANTED


# -- limits ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("secret, ok", [
    ("a" * 1280, True), ("a" * 1281, False),  # UTF-16 (Windows): 2 bytes a letter
    ("中" * 853, True), ("中" * 854, False),  # UTF-8: 3 bytes a character
    ("🔑" * 640, True), ("🔑" * 641, False),  # 4 bytes either way
])
def test_a_secret_is_at_most_2560_bytes_as_utf8_and_as_utf16(shop, secret, ok):
    v = own(shop)
    if ok:
        assert put(shop, v, "big", secret) and own(shop).get("big") == secret
        return
    with pytest.raises(ValidationError) as err:
        put(shop, v, "big", secret)
    message = str(err.value)
    assert message.startswith("A secret is at most 2,560 bytes") and len(message.splitlines()) == 1
    assert secret[:10] not in message and row(shop) is None and events(shop) == []


@pytest.mark.parametrize("name", ["", " ", " padded", "padded ", "line\nbreak", "tab\tname", "n" * 51, None])
def test_secret_names_are_short_and_printable(shop, name):
    with pytest.raises(ValidationError):
        put(shop, own(shop), name, PLANTED)
    assert row(shop) is None


def test_an_empty_secret_is_refused(shop):
    with pytest.raises(ValidationError) as err:
        put(shop, own(shop), "sf:api_key", "")
    assert str(err.value) == "An empty secret cannot be stored; delete it instead."


def test_a_50_character_name_fits_the_audit_field(shop):
    name = "n" * 50
    put(shop, own(shop), name, PLANTED)
    assert own(shop).get(name) == PLANTED and events(shop)[-1][1] == f"secret:{name}"


# -- who may ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["own", "os"])
def test_only_the_owner_stores_replaces_deletes_or_changes_the_passphrase(shop, kind):
    if kind == "os":
        keyring.set_keyring(MemoryKeyring())
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    before = row(shop), row(shop, vault.OS_NAMES_KEY), events(shop)
    for attempt in (lambda uow: v.put(uow, ctx(MANAGER), "sf:api_key", "manager-secret"),
                    lambda uow: v.put(uow, ctx(MANAGER), "new", "manager-secret"),
                    lambda uow: v.delete(uow, ctx(MANAGER), "sf:api_key"),
                    lambda uow: v.change_passphrase(uow, ctx(MANAGER), PASS, "a brand new passphrase")):
        with pytest.raises(permissions.PermissionDenied) as err:
            run(shop, attempt)
        assert "Manager may not store, replace and delete courier secrets" in str(err.value)
    assert (row(shop), row(shop, vault.OS_NAMES_KEY), events(shop)) == before
    assert v.get("sf:api_key") == PLANTED


def test_no_matrix_gives_the_secrets_to_another_role(shop):
    assert DEFAULT_MATRIX["settings.secrets"] == frozenset({Role.OWNER})
    assert not allowed({"settings.secrets": frozenset(Role)}, Role.MANAGER, "settings.secrets")
    assert allowed({"settings.secrets": frozenset()}, Role.OWNER, "settings.secrets")
    with pytest.raises(ValidationError) as err:
        permissions.check_matrix({"settings.secrets": ["owner", "manager"]})
    assert str(err.value) == ("Only the owner may store, replace and delete courier secrets; "
                              "no other role can be given it.")
    assert permissions.check_matrix({"settings.secrets": ["owner"]}) == {"settings.secrets": ["owner"]}
    with UnitOfWork(shop) as uow:  # a matrix written into the store directly changes nothing
        uow.session.add(Setting(key=permissions.PERMISSIONS_KEY, value=json.dumps({"settings.secrets": ["manager"]}),
                                updated_at=uow.now))
        uow.commit()
    with shop.read_session() as s:
        assert permissions.matrix(s)["settings.secrets"] == frozenset({Role.OWNER})
        assert not permissions.may(s, MANAGER, "settings.secrets") and permissions.may(s, OWNER, "settings.secrets")


# -- the trail -------------------------------------------------------------------------------------

def test_audit_events_name_the_secret_and_what_happened_never_the_value(shop):
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    put(shop, v, "sf:api_key", PLANTED + "-2")
    run(shop, lambda uow: v.delete(uow, ctx(), "sf:api_key"))
    assert events(shop) == [("setting", "vault:passphrase", None, "set", "alice"),
                            ("setting", "secret:sf:api_key", None, "stored", "alice"),
                            ("setting", "secret:sf:api_key", "stored", "replaced", "alice"),
                            ("setting", "secret:sf:api_key", "stored", "deleted", "alice")]
    with shop.read_session() as s:
        every = [str(tuple(e)) for e in s.execute(select(AuditEvent.__table__)).all()]
    assert not any(PLANTED in e for e in every)
    assert trail.readable("setting", "secret:sf:api_key", "stored", "zh_CN") == "已保存（不显示内容）"
    assert trail.readable("setting", "vault:passphrase", "changed", "en") == "changed"


# -- never in clear ----------------------------------------------------------------------------------

def encodings(secret: str) -> list[bytes]:
    """The secret as bytes in every form we look for: UTF-8, UTF-16 both ways, hex, and base64
    at each of its three alignments (the part of it that does not depend on what precedes)."""
    raw = secret.encode("utf-8")
    forms = [raw, secret.encode("utf-16-le"), secret.encode("utf-16-be"), raw.hex().encode(),
             raw.hex().upper().encode(), secret.lower().encode(), secret.upper().encode()]
    for pad in range(3):
        b64 = base64.b64encode(b"\x00" * pad + raw)
        forms.append(b64[4 if pad else 0:-4])
        forms.append(base64.urlsafe_b64encode(b"\x00" * pad + raw)[4 if pad else 0:-4])
    return forms


def found_in(data: bytes, secret: str = PLANTED) -> list[bytes]:
    return [form for form in encodings(secret) if form in data]


def zip_members(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in z.namelist())


def every_row(db) -> bytes:
    with db.read_session() as s:
        return "\n".join(str(tuple(r)) for table in SQLModel.metadata.sorted_tables
                         for r in s.execute(select(table)).all()).encode("utf-8")


@pytest.mark.parametrize("kind", ["own", "os"])
def test_a_planted_secret_is_nowhere_in_clear(shop, kind, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # every statement and its parameters
    if kind == "os":
        keyring.set_keyring(MemoryKeyring())
    v = own(shop)
    put(shop, v, "sf:api_key", PLANTED)
    put(shop, v, "sf:other", "other-" + PLANTED)
    assert v.get("sf:api_key") == PLANTED and own(shop).get("sf:other") == "other-" + PLANTED
    with pytest.raises(ValidationError) as big:
        put(shop, v, "sf:api_key", PLANTED * 200)
    wrong: object = ""
    if kind == "own":
        with pytest.raises(vault.WrongPassphrase) as err:
            own(shop, "wrong passphrase").get("sf:api_key")
        wrong = err.value
    run(shop, lambda uow: v.delete(uow, ctx(), "sf:other"))
    if kind == "own":
        run(shop, lambda uow: v.change_passphrase(uow, ctx(), PASS, "a brand new passphrase"))
    report = backup.backup(shop, tmp_path / "backup.sqlite3", tmp_path)
    export = exporting.export(shop, tmp_path / "orders.xlsx")
    assert export.orders == 1
    places: dict[str, bytes] = {
        "every row of the store": every_row(shop),
        "backup": report.path.read_bytes(),
        "backup manifest": report.manifest.read_bytes(),
        "export (as stored)": (tmp_path / "orders.xlsx").read_bytes(),
        "export (unzipped)": zip_members(tmp_path / "orders.xlsx"),
        "logs": "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records).encode("utf-8"),
        "log text": caplog.text.encode("utf-8"),
        "errors": f"{big.value!r} {big.value} {wrong!r} {wrong}".encode(),
        "reprs": f"{v!r} {vars(v)!r} {own(shop)!r}".encode(),
    }
    if shop.is_sqlite:
        db_file = Path(shop.url.database)
        wal = db_file.with_name(db_file.name + "-wal")
        assert wal.exists()  # looked at while the store is open, before any checkpoint removes it
        places["database file"] = db_file.read_bytes()
        places["WAL"] = wal.read_bytes()
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # the statements were logged
    assert {where: found_in(data) for where, data in places.items() if found_in(data)} == {}
    # the search itself finds a secret written in any of these forms
    for form in encodings(PLANTED):
        assert found_in(b"xx" + form + b"yy")
    for pad in range(3):
        assert found_in(base64.b64encode(b"?" * pad + PLANTED.encode()))


@pytest.mark.parametrize("field, value", [("memory_kib", 4 * 1024 * 1024), ("time_cost", 64), ("parallelism", 64),
                                          ("salt", base64.b64encode(b"s" * 4096).decode())])
def test_a_vault_row_asking_for_a_huge_key_derivation_is_refused_at_once(shop, field, value):
    """4 GiB or 64 passes were accepted: the seat that opened the vault stalled or died (issue 23)."""
    put(shop, own(shop), "x", PLANTED)
    data = row(shop)
    data["kdf"][field] = value
    with UnitOfWork(shop) as uow:  # written through the app: the row's signature checks
        uow.session.get(Setting, vault.VAULT_KEY).value = json.dumps(data)
        uow.commit()
    with pytest.raises(vault.VaultError, match="The vault's data in the store is damaged"):
        own(shop).get("x")  # refused before argon2 is asked for anything
