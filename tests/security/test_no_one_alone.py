"""Attacks on the two-person rule and on what decides who may do what (issue 23), on SQLite and
PostgreSQL. Each test is one attack that got through before: one person with two accounts, an owner
who resets an approver's password, and someone who can write the store's file but has no key."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.status import Status
from shop_orders.services import (
    auth,
    changesets,
    courier_accounts,
    orders,
    permissions,
    scanning,
    settings,
    vault,
)
from shop_orders.services.uow import UnitOfWork, utcnow
from shop_orders.services.verification import verify_store
from tests.factories import make_shippable, settled_user

OLIVIA, MAX, WANG = Actor("olivia", "owner"), Actor("max", "manager"), Actor("wang", "warehouse")
PW = {"olivia": "olivia-secret-1", "max": "max-secret-12", "wang": "wang-secret-1", "mallory": "mallory-secret-1"}


def run(db, fn, *args, at=None, **kw):
    with UnitOfWork(db, clock=(lambda: at) if at else None) if at else UnitOfWork(db) as uow:
        out = fn(uow, *args, **kw)
        uow.commit()
        return out


def owner_alone(db) -> list[str]:
    """A shop of one owner and three orders awaiting shipment."""
    run(db, auth.create_user, ChangeContext(OLIVIA), "olivia", "owner", PW["olivia"])
    return [make_shippable(db) for _ in range(3)]


def owner_and_manager(db) -> list[str]:
    """Olivia and Max, who has run the shop with her for weeks with his own password."""
    nos = owner_alone(db)
    settled_user(db, ChangeContext(OLIVIA), "max", "manager", PW["max"])
    return nos


def price_cut(db, nos, who=OLIVIA) -> int:
    return run(db, changesets.submit, ChangeContext(who, "manual"), "price_percent", {"percent": "-90"}, "sale",
               selection=[_id(db, n) for n in nos]).id


def _id(db, no: str) -> int:
    with db.read_session() as s:
        return s.execute(text("SELECT id FROM orders WHERE order_no = :n"), {"n": no}).scalar_one()


def raw(db, sql: str, **params) -> None:
    """What someone who can write the database file does: SQL, no key, no service."""
    with db.engine.begin() as c:
        c.execute(text(sql), params)


# ---- one person, two accounts -----------------------------------------------------------------

def test_an_owner_alone_cannot_approve_with_a_manager_she_just_created(db):
    nos = owner_alone(db)
    cut = price_cut(db, nos)
    run(db, auth.create_user, ChangeContext(OLIVIA), "mallory", "manager", PW["mallory"])  # her second account
    with pytest.raises(changesets.ChangeSetRefused, match="olivia set mallory's password or PIN"):
        changesets.confirm(db, "mallory", cut, PW["mallory"])
    # she signs in as mallory and sets "mallory's own" password: the role she gave still waits a week
    run(db, auth.set_secret, ChangeContext(Actor("mallory", "manager")), "mallory", "mallory-secret-2")
    with pytest.raises(changesets.ChangeSetRefused, match="olivia gave mallory their role"):
        changesets.confirm(db, "mallory", cut, "mallory-secret-2")
    with db.read_session() as s:
        assert s.execute(text("SELECT state FROM change_sets WHERE id = :i"), {"i": cut}).scalar_one() == "pending"
    # a week later a one-person shop's second account may approve: the trail names who created it
    week = utcnow() + timedelta(days=8)
    fresh = run(db, changesets.submit, ChangeContext(OLIVIA), "price_percent", {"percent": "-10"}, "later",
                selection=[_id(db, nos[0])], at=week).id
    assert changesets.confirm(db, "mallory", fresh, "mallory-secret-2", clock=lambda: week).state == "applied"


def test_an_owner_cannot_take_over_the_managers_account_to_approve(db):
    nos = owner_and_manager(db)
    cut = price_cut(db, nos)
    with pytest.raises(permissions.NeedsApproval, match="Setting max's password or PIN needs a second person"):
        run(db, auth.set_secret, ChangeContext(OLIVIA), "max", "i-know-it-now")
    p = run(db, changesets.account_change, ChangeContext(OLIVIA), "set_secret", "max", password="i-know-it-now")
    assert p.state == "pending" and p.kind == "set_secret"  # proposed: max must agree to it
    with pytest.raises(ShopOrdersError):
        changesets.confirm(db, "max", cut, "i-know-it-now")  # not his password until approved
    assert changesets.confirm(db, "max", cut, PW["max"]).state == "applied"  # the real max approves the cut


@pytest.mark.parametrize("change", ["create", "enable"])
def test_a_second_approver_is_itself_a_two_person_change_once_two_may_approve(db, change):
    if change == "enable":  # mallory managed once and was switched off before max came
        owner_alone(db)
        settled_user(db, ChangeContext(OLIVIA), "mallory", "manager", PW["mallory"])
        run(db, auth.set_disabled, ChangeContext(OLIVIA), "mallory", True)
        settled_user(db, ChangeContext(OLIVIA), "max", "manager", PW["max"])
        with pytest.raises(permissions.NeedsApproval):
            run(db, auth.set_disabled, ChangeContext(OLIVIA), "mallory", False)
        p = run(db, changesets.account_change, ChangeContext(OLIVIA), "enable_user", "mallory")
    else:
        owner_and_manager(db)
        with pytest.raises(permissions.NeedsApproval):
            run(db, auth.create_user, ChangeContext(OLIVIA), "mallory", "manager", PW["mallory"])
        p = run(db, changesets.account_change, ChangeContext(OLIVIA), "create_user", "mallory", role="manager",
                password=PW["mallory"])
    assert p.state == "pending"
    with pytest.raises(changesets.ChangeSetRefused, match="another person must approve it"):
        changesets.confirm(db, "olivia", p.id, PW["olivia"])
    changesets.confirm(db, "max", p.id, PW["max"])  # max agrees: now there are three
    with db.read_session() as s:
        assert "mallory" in [u.name for u in auth.list_users(s) if not u.disabled]
    # a clerk is no approver: added at once
    assert run(db, changesets.account_change, ChangeContext(OLIVIA), "create_user", "wang", role="warehouse",
               password=PW["wang"]).name == "wang"


# ---- someone who can write the database file --------------------------------------------------

def test_a_pending_change_sets_proposer_rewritten_in_the_file_is_refused_and_reported(db):
    nos = owner_and_manager(db)
    cut = price_cut(db, nos, who=MAX)  # max proposes; olivia would approve
    raw(db, "UPDATE change_sets SET proposer = 'olivia', proposer_role = 'owner' WHERE id = :i", i=cut)
    with pytest.raises(changesets.ChangeSetRefused, match="was modified after it was proposed"):
        changesets.confirm(db, "max", cut, PW["max"])
    check = verify_store(db)
    assert check.kind == "signed" and f"Change set #{cut} was changed in the database outside Shop Orders" in check.problem


def test_a_change_set_nobody_proposed_inserted_in_the_file_is_refused(db):
    nos = owner_and_manager(db)
    cut = price_cut(db, nos)
    raw(db, "INSERT INTO change_sets (kind, params, reason, state, content_hash, order_count, proposer, proposer_role, "
            "created_at, expires_at, decided_by, decided_role, decision_reason) SELECT kind, params, reason, state, "
            "content_hash, order_count, 'max', 'manager', created_at, expires_at, '', '', '' FROM change_sets "
            "WHERE id = :i", i=cut)
    with db.read_session() as s:
        forged = s.execute(text("SELECT MAX(id) FROM change_sets")).scalar_one()
    with pytest.raises(changesets.ChangeSetRefused, match="was modified after it was proposed"):
        changesets.confirm(db, "olivia", forged, PW["olivia"])


FORGED_MATRIX = {**json.loads(permissions.matrix_json(permissions.DEFAULT_MATRIX)),
                 "order.ship_manual": ["manager", "owner", "warehouse"]}
RULES = [
    ("two_person", json.dumps({"min_orders": 1000, "expiry_hours": 24}), "bulk", MAX),
    ("permissions", json.dumps(FORGED_MATRIX), "ship_manual", WANG),
]


@pytest.mark.parametrize("how", ["rewritten", "inserted"])
@pytest.mark.parametrize("key, forged, action, who", RULES, ids=["threshold", "matrix"])
def test_rules_written_in_the_file_are_refused_and_reported(db, how, key, forged, action, who):
    nos = owner_and_manager(db)
    settled_user(db, ChangeContext(OLIVIA), "wang", "warehouse", PW["wang"])
    if how == "rewritten":  # the shop had saved the rule; the file's writer changes its value
        default = permissions.TwoPerson().to_json() if key == "two_person" else \
            permissions.matrix_json(permissions.DEFAULT_MATRIX)
        run(db, settings.put, ChangeContext(OLIVIA), key, default)
        raw(db, "UPDATE settings SET value = :v WHERE key = :k", v=forged, k=key)
    else:  # never saved: the writer adds the row, with no signature or a made-up one
        raw(db, "INSERT INTO settings (key, value, updated_at, signature) VALUES (:k, :v, :t, 'ab12')",
            k=key, v=forged, t=utcnow())
    with pytest.raises(ShopOrdersError, match="outside Shop Orders"):
        if action == "bulk":  # with the threshold raised, a cancel of 3 orders would apply at once
            run(db, changesets.submit, ChangeContext(who), "set_status", {"status": "cancelled"}, "x",
                selection=[_id(db, n) for n in nos])
        else:
            run(db, orders.ship, ChangeContext(who, "manual", "by hand"), nos[0], courier="SF", tracking_no="SF1234567890123")
    check = verify_store(db)
    assert check.kind == "signed" and "outside Shop Orders" in check.problem


def test_a_clerk_made_owner_in_the_file_is_refused_and_reported(db):
    nos = owner_and_manager(db)
    settled_user(db, ChangeContext(OLIVIA), "wang", "warehouse", PW["wang"])
    raw(db, "UPDATE users SET role = 'owner' WHERE name = 'wang'")
    with pytest.raises(ShopOrdersError, match="outside Shop Orders"):
        auth.authenticate(db, "wang", PW["wang"])
    with pytest.raises(ShopOrdersError, match="outside Shop Orders"):
        run(db, orders.transition, ChangeContext(Actor("wang", "owner"), "manual", "x"), nos[0], Status.CANCELLED)
    assert verify_store(db).kind == "signed"


def test_a_courier_account_pointed_elsewhere_in_the_file_never_gets_the_key(db, tmp_path):
    owner_alone(db)
    box = vault.open_vault(db, lambda: "correct horse battery")
    run(db, courier_accounts.set_account, ChangeContext(OLIVIA), box, "SF", "kuaidi100", "https://poll.kuaidi100.com",
        "C1", "shunfeng", secret="real-key-123")
    with db.read_session() as s:
        value = json.loads(s.execute(text("SELECT value FROM settings WHERE key = 'couriers'")).scalar_one())
    value["SF"]["url"] = "http://attacker.example:8080"
    raw(db, "UPDATE settings SET value = :v WHERE key = 'couriers'", v=json.dumps(value))
    with db.read_session() as s, pytest.raises(ShopOrdersError, match="outside Shop Orders"):
        courier_accounts.accounts(s)
    # and even a row that checks is refused at use when it is plain http to another computer
    found = courier_accounts.Account("SF", "kuaidi100", "http://attacker.example:8080", "C1", "shunfeng")
    with pytest.raises(ShopOrdersError, match="would travel unencrypted"):
        courier_accounts.adapter(found, box)


def test_a_courier_key_that_is_not_ascii_is_one_sentence(db):
    owner_alone(db)
    box = vault.open_vault(db, lambda: "correct horse battery")
    with pytest.raises(ShopOrdersError, match="printable ASCII"):
        run(db, courier_accounts.set_account, ChangeContext(OLIVIA), box, "SF", "kuaidi100", "", "C1", "shunfeng",
            secret="密钥")


def test_a_backtracking_pattern_cannot_hold_the_scan_out(db):
    from time import monotonic

    from shop_orders.services import patterns

    with pytest.raises(ShopOrdersError, match="without back-references"):
        patterns.check(r"(A+)\1")
    began = monotonic()
    assert patterns.fullmatch(r"(A+)+$", "A" * 40 + "B") is False  # Python's re takes minutes on this
    assert monotonic() - began < 5  # Python's re: minutes
    nos = owner_alone(db)
    box = vault.open_vault(db, lambda: "correct horse battery")
    run(db, courier_accounts.set_account, ChangeContext(OLIVIA), box, "SF", "kuaidi100", "", "C1", "shunfeng",
        secret="k-1", pattern=r"(A+)+$")
    began = monotonic()
    with pytest.raises(scanning.ScanRefused, match="is not a SF tracking number"):
        run(db, scanning.ship_scanned, ChangeContext(OLIVIA, "scan"), nos[0], {1: 2, 2: 1}, "SF", "A" * 39 + "B")
    assert monotonic() - began < 5


def test_an_order_status_word_is_untouched_by_these_checks(db):
    nos = owner_alone(db)
    assert run(db, orders.transition, ChangeContext(OLIVIA, "manual", "x"), nos[0], Status.CANCELLED).status == \
        "cancelled"
