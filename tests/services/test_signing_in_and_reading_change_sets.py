"""What the command line (and any front end) needs from the users and change set services: who is
at the keyboard (a store before its first owner, a signed-in user, a seat without the audit key),
a disabled account named in the trail, selections by global order id, the change sets as they
stand now, each order's change in words, and proposals of the shop's rules checked when proposed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.status import Status
from shop_orders.services import auth, changesets
from shop_orders.store.models import AuditEvent, ChangeSet
from shop_orders.store.open import open_database
from tests.factories import make_order, run, settled_user

OWNER, MANAGER = Actor("olivia", "owner"), Actor("max", "manager")
PASSWORD = {"olivia": "olivia-secret-1", "max": "max-secret-1"}



def ctx(actor: Actor, reason: str = "") -> ChangeContext:
    return ChangeContext(actor, "manual", reason)


@pytest.fixture
def shop(db):
    run(db, auth.create_user, ctx(OWNER), OWNER.name, OWNER.role, PASSWORD[OWNER.name])
    settled_user(db, ctx(OWNER), MANAGER.name, MANAGER.role, PASSWORD[MANAGER.name])
    return [make_order(db, status=Status.AWAITING_SHIPMENT) for _ in range(3)]


def _never() -> str:
    raise AssertionError("the secret was asked for")


def test_a_store_before_its_first_owner_acts_as_its_owner_without_asking_for_a_secret(db):
    assert auth.signed_in_actor(db, "kim", _never) == Actor("kim", "owner")


def test_once_a_user_exists_the_name_signs_in_and_acts_with_the_stored_role(db, shop):
    assert auth.signed_in_actor(db, "max", lambda: PASSWORD["max"]) == MANAGER
    with pytest.raises(auth.SignInFailed, match="Wrong password or PIN for max"):
        auth.signed_in_actor(db, "max", lambda: "wrong")
    with pytest.raises(auth.SignInFailed, match="There is no user kim"):
        auth.signed_in_actor(db, "kim", _never)  # said before a password is asked for


def test_a_seat_without_the_audit_key_can_still_sign_in(db, shop, tmp_path):
    other = open_database(db.url.render_as_string(hide_password=False), data_dir=tmp_path / "new-seat")
    try:
        assert other.chain_key is None  # it may read, not write: signing in is how it imports the key
        assert auth.signed_in_actor(other, "olivia", lambda: PASSWORD["olivia"]) == OWNER
    finally:
        other.dispose()


def test_disabling_names_whose_account_and_doing_it_twice_records_nothing(db, shop):
    run(db, auth.set_disabled, ctx(OWNER), "max")
    run(db, auth.set_disabled, ctx(OWNER), "max")
    with db.read_session() as s:
        events = s.execute(select(AuditEvent.old, AuditEvent.new).where(AuditEvent.field == "disabled")).all()
        assert [tuple(e) for e in events] == [("max: false", "max: true")]
        assert auth.find(s, "max").disabled
    run(db, auth.set_disabled, ctx(OWNER), "max", disabled=False)
    assert auth.authenticate(db, "max", PASSWORD["max"]).name == "max"


def test_a_selection_by_global_order_id_refuses_an_unknown_one(db, shop):
    with db.read_session() as s:
        ids = changesets.order_ids(s, [shop[1], shop[0], shop[1]])
        assert len(ids) == 2
        with pytest.raises(ValidationError, match="There is no order SO-19990101-999999"):
            changesets.order_ids(s, [shop[0], "SO-19990101-999999"])


def test_the_listing_shows_a_pending_set_past_its_time_as_expired(db, shop, clock):
    ids = changesets.order_ids
    with db.read_session() as s:
        selection = ids(s, shop[:2])
    p = run(db, changesets.submit, ctx(MANAGER), "set_courier", {"courier": "SF"}, "x", selection=selection,
            clock=clock)
    with db.read_session() as s:
        assert [x.state for x in changesets.listing(s, now=clock.now)] == ["pending"]
        later = clock.now + timedelta(hours=25)
        assert [x.state for x in changesets.listing(s, now=later)] == ["expired"]
        assert changesets.listing(s, ("pending",), now=later) == []
        assert changesets.get(s, p.id).state == "pending"  # nothing written by reading


def test_each_orders_change_reads_in_the_language_with_money_in_its_currency(db, shop):
    with db.read_session() as s:
        selection = changesets.order_ids(s, shop[:2])
    status = run(db, changesets.submit, ctx(MANAGER), "set_status", {"status": "cancelled"}, "x", selection=selection)
    price = run(db, changesets.submit, ctx(MANAGER), "price_percent", {"percent": "-10"}, "sale", selection=selection)
    with db.read_session() as s:
        first = changesets.details(s, status.id)[0]
        assert first.order_no == shop[0] and first.currency == "CNY"
        assert first.describe("en") == "status: Awaiting shipment → Cancelled"
        assert first.describe("zh_CN") == "状态：待发货 → 已取消"
        assert changesets.details(s, price.id)[0].describe("en") == (
            "total: 375.00 → 337.50; line 1: 168.00 → 151.20; line 2: 39.00 → 35.10")
        with pytest.raises(changesets.ChangeSetRefused, match="There is no change set #999"):
            changesets.details(s, 999)
    assert changesets.describe_item({"courier": ""}, {"courier": "SF"}, lang="en") == "courier: (none) → SF"
    assert changesets.describe_item({"archived": False}, {"archived": True}, lang="zh_CN") == "已归档：否 → 是"


def test_a_proposal_of_the_shops_rules_is_checked_when_proposed(db, shop):
    bad = [("permissions", {"matrix": {"order.ship": ["chef"]}}, "unknown role 'chef'"),
           ("permissions", {"matrix": {"order.ship": "owner"}}, "action → list of roles"),
           ("permissions", {"matrix": {"fly": ["owner"]}}, "unknown actions: fly"),
           ("two_person", {"min_orders": 0, "expiry_hours": 24}, "from 1 order up"),
           ("two_person", {"min_orders": "two", "expiry_hours": 24}, "two whole numbers"),
           ("two_person", {"min_orders": 5, "expiry_hours": 24 * 31}, "1 hour to 30 days")]
    for kind, params, problem in bad:
        with pytest.raises(ValidationError, match=problem):
            run(db, changesets.submit, ctx(OWNER), kind, params, "tighten")
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(ChangeSet.__table__)).scalar() == 0
    ok = run(db, changesets.submit, ctx(OWNER), "permissions", {"matrix": {"order.ship": ["Owner", "仓管"]}}, "x")
    assert ok.params == {"matrix": {"order.ship": ["owner", "warehouse"]}}
