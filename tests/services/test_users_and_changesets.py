"""Users, the permission matrix and the two-person rule, on SQLite and PostgreSQL: sign-in and
lockout, who may do what, and the whole propose / approve / reject / expire / revert cycle with
every way around it refused and the data left untouched."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.roles import Role
from shop_orders.domain.status import Status
from shop_orders.services import auth, changesets, orders, permissions
from shop_orders.services.browse import OrderBrowser
from shop_orders.store.models import AuditEvent, ChangeSetItem, Order, User
from tests.factories import make_order, make_shippable, run, settled_user

OWNER, MANAGER, SERVICE, WAREHOUSE, BOOKKEEPER = (Actor("olivia", "owner"), Actor("max", "manager"),
                                                  Actor("sam", "service"), Actor("wang", "warehouse"),
                                                  Actor("bea", "bookkeeper"))
PASSWORDS = {a.name: f"{a.name}-secret-1" for a in (OWNER, MANAGER, SERVICE, WAREHOUSE, BOOKKEEPER)}


def ctx(actor: Actor, reason: str = "", source: str = "manual") -> ChangeContext:
    return ChangeContext(actor, source, reason)



@pytest.fixture
def shop(db):
    """A store with one user per role and four orders awaiting shipment."""
    run(db, auth.create_user, ctx(OWNER), OWNER.name, OWNER.role, PASSWORDS[OWNER.name])
    for a in (MANAGER, SERVICE, WAREHOUSE, BOOKKEEPER):  # people of the shop for a while, with their own passwords
        settled_user(db, ctx(OWNER), a.name, a.role, PASSWORDS[a.name], pin="123456" if a is MANAGER else None)
    nos = [make_order(db, status=Status.AWAITING_SHIPMENT) for _ in range(4)]
    return nos


def _state(db):
    with db.read_session() as s:
        rows = s.execute(select(Order.order_no, Order.status, Order.courier, Order.total_minor, Order.archived,
                                Order.version).order_by(Order.id)).all()
        events = s.execute(select(AuditEvent.id)).all()
        return [tuple(r) for r in rows], len(events)


def _ids(db, nos):
    with db.read_session() as s:
        return [s.execute(select(Order.id).where(Order.order_no == n)).scalar_one() for n in nos]


# ---- users --------------------------------------------------------------------------------------

def test_secrets_are_kept_only_as_argon2id_hashes_and_sign_in_checks_them(db, shop):
    with db.read_session() as s:
        u = s.execute(select(User).where(User.name == "max")).scalar_one()
        assert u.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORDS["max"] not in u.password_hash
        assert u.pin_hash.startswith("$argon2id$") and "123456" not in u.pin_hash
    assert auth.authenticate(db, "max", PASSWORDS["max"]).role is Role.MANAGER
    assert auth.authenticate(db, "max", "123456").name == "max"  # the quick-switch PIN


def test_a_pin_has_six_digits_and_a_password_eight_characters(db, shop):
    for bad in ("12345", "12a456"):
        with pytest.raises(ValidationError, match="PIN is at least 6 digits"):
            run(db, auth.set_secret, ctx(SERVICE), "sam", pin=bad)
    with pytest.raises(ValidationError, match="at least 8 characters"):
        run(db, auth.create_user, ctx(OWNER), "newbie", "service", "short")


def test_five_wrong_attempts_lock_the_account_for_a_growing_time(db, shop):
    for _ in range(4):
        with pytest.raises(auth.SignInFailed, match="Wrong password or PIN for sam"):
            auth.authenticate(db, "sam", "nope")
    with pytest.raises(auth.SignInFailed, match="now locked for 1 min"):
        auth.authenticate(db, "sam", "nope")
    with pytest.raises(auth.SignInFailed, match="locked after too many wrong attempts"):
        auth.authenticate(db, "sam", PASSWORDS["sam"])  # even the right password waits
    with db.engine.begin() as c:  # the minute passes
        c.execute(update(User.__table__).where(User.__table__.c.name == "sam").values(
            locked_until=text("NULL") if False else None))
    with pytest.raises(auth.SignInFailed, match="now locked for 2 min"):
        auth.authenticate(db, "sam", "nope")  # the sixth wrong one: twice as long


def test_unknown_and_disabled_users_cannot_sign_in_or_act(db, shop):
    with pytest.raises(auth.SignInFailed, match="There is no user nobody"):
        auth.authenticate(db, "nobody", "x")
    run(db, auth.set_disabled, ctx(OWNER), "wang")
    with pytest.raises(auth.SignInFailed, match="disabled"):
        auth.authenticate(db, "wang", PASSWORDS["wang"])
    with pytest.raises(permissions.PermissionDenied, match="not a user of this store"):
        run(db, orders.ship, ctx(WAREHOUSE), shop[0])


def test_only_the_owner_manages_users(db, shop):
    with pytest.raises(permissions.PermissionDenied, match="may not add, disable and re-role users"):
        run(db, auth.create_user, ctx(MANAGER), "eve", "owner", "eve-secret-1")


# ---- the permission matrix ---------------------------------------------------------------------

def test_the_default_matrix_lets_each_role_do_its_job_and_no_more(db, shop):
    paid = make_shippable(db)
    with pytest.raises(permissions.PermissionDenied, match="Warehouse may not ship without a scan"):
        run(db, orders.ship, ctx(WAREHOUSE, reason="no scanner"), paid)
    run(db, orders.ship, ctx(WAREHOUSE, source="scan"), paid)  # warehouse ships by scanning
    with pytest.raises(permissions.PermissionDenied, match="Bookkeeper may not status"):
        run(db, orders.transition, ctx(BOOKKEEPER, reason="x"), shop[1], Status.CANCELLED)
    with pytest.raises(permissions.PermissionDenied, match="Warehouse may not status"):
        run(db, orders.transition, ctx(WAREHOUSE, reason="x"), shop[1], Status.CANCELLED)
    run(db, orders.edit, ctx(SERVICE, reason="customer called"), shop[1], {"address": "上海市"})  # service edits
    with pytest.raises(permissions.PermissionDenied):
        run(db, orders.edit, ctx(BOOKKEEPER, reason="x"), shop[1], {"address": "北京市"})
    run(db, orders.record_payment, ctx(BOOKKEEPER), shop[2], 100)  # the bookkeeper records money


def test_a_context_claiming_another_role_than_the_users_is_refused(db, shop):
    with pytest.raises(permissions.PermissionDenied, match="wang is now Warehouse; sign in again"):
        run(db, orders.transition, ctx(Actor("wang", "owner"), reason="x"), shop[0], Status.CANCELLED)


def test_every_audit_event_carries_the_signed_in_user_and_role(db, shop):
    run(db, orders.ship, ctx(WAREHOUSE, source="scan"), make_shippable(db))
    with db.read_session() as s:
        e = s.execute(select(AuditEvent).where(AuditEvent.action == "ship")).scalar_one()
    assert (e.actor, e.role, e.approver) == ("wang", "warehouse", "")


# ---- the two-person rule ---------------------------------------------------------------------------

def _propose_status(db, nos, actor=MANAGER, status=Status.CANCELLED, clock=None):
    return run(db, changesets.submit, ctx(actor), "set_status", {"status": status.value}, "duplicates",
               selection=_ids(db, nos), clock=clock)


def test_a_bulk_edit_waits_for_a_second_person_and_applies_in_one_step_naming_both(db, shop):
    before = _state(db)
    p = _propose_status(db, shop[:3])
    assert p.state == "pending" and p.orders == 3
    assert _state(db)[0] == before[0]  # nothing applied yet
    done = changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    assert done.state == "applied"
    with db.read_session() as s:
        statuses = s.execute(select(Order.status).where(Order.order_no.in_(shop[:3]))).scalars().all()
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "status")).scalars().all()
    assert set(statuses) == {"cancelled"}
    assert {(e.actor, e.role, e.approver, e.source) for e in events} == {
        ("max", "manager", "olivia (owner)", f"changeset:{p.id}")}
    assert all(e.reason == "duplicates" for e in events)


def _statements_of_approving(db, nos, kind: str, params: dict) -> int:
    from sqlalchemy import event

    p = run(db, changesets.submit, ctx(MANAGER), kind, params, "duplicates", selection=_ids(db, nos))
    said: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        said.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"]).state == "applied"
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(said)


@pytest.mark.parametrize("kind,params", [("set_status", {"status": "cancelled"}), ("set_courier", {"courier": "SF"})])
def test_a_bulk_change_is_written_set_wise_and_its_trail_replays(db, shop, kind, params):
    """Approving a change over 3 orders or over 12 runs the same statements (one executemany per
    kind of row, not one round trip per order), and the trail it wrote verifies: chain, replay,
    every order sealed to its newest event."""
    from shop_orders.services import verification

    more = [make_order(db, status=Status.AWAITING_SHIPMENT, paid_minor=0) for _ in range(12)]
    small = _statements_of_approving(db, shop[:3], kind, params)
    large = _statements_of_approving(db, more, kind, params)
    assert large == small
    with db.read_session() as s:
        changed = s.execute(select(Order.status, Order.courier, Order.version)
                            .where(Order.order_no.in_(more + shop[:3]))).all()
    assert all((r.status == "cancelled") if kind == "set_status" else (r.courier == "SF") for r in changed)
    assert {r.version for r in changed} == {2}
    check = verification.verify_store(db)
    assert check.ok, check.problem
    assert check.orders == len(shop) + len(more)


def test_a_small_edit_below_the_threshold_applies_at_once(db, shop):
    p = _propose_status(db, shop[:1])
    assert p.state == "applied"


def test_self_approval_is_refused_and_nothing_changes(db, shop):
    p = _propose_status(db, shop[:2])
    before = _state(db)
    with pytest.raises(changesets.ChangeSetRefused, match="another person must approve it"):
        changesets.confirm(db, MANAGER.name, p.id, PASSWORDS["max"])
    assert _state(db) == before


def test_approval_by_a_role_without_the_right_is_refused(db, shop):
    p = _propose_status(db, shop[:2])
    before = _state(db)
    with pytest.raises(changesets.ChangeSetRefused, match="Customer service may not approve"):
        changesets.confirm(db, SERVICE.name, p.id, PASSWORDS["sam"])
    assert _state(db) == before


def test_a_wrong_password_refuses_the_approval_and_counts_toward_the_lock(db, shop):
    p = _propose_status(db, shop[:2])
    with pytest.raises(changesets.ChangeSetRefused, match="Wrong password or PIN for olivia"):
        changesets.confirm(db, OWNER.name, p.id, "guess")
    with db.read_session() as s:
        assert s.execute(select(User.failed_attempts).where(User.name == "olivia")).scalar_one() == 1


def test_an_order_changed_after_the_proposal_refuses_the_whole_change_set(db, shop):
    p = _propose_status(db, shop[:3])
    run(db, orders.edit, ctx(SERVICE, reason="call"), shop[1], {"phone": "13900000000"})
    before = _state(db)
    with pytest.raises(changesets.ChangeSetRefused, match=f"{shop[1]} changed after change set #{p.id} was proposed"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    assert _state(db) == before


def test_a_modified_change_set_is_refused(db, shop):
    p = _propose_status(db, shop[:2])
    with db.engine.begin() as c:  # someone edits the stored proposal: cancel becomes completed
        c.execute(update(ChangeSetItem.__table__).where(ChangeSetItem.__table__.c.change_set_id == p.id)
                  .values(after=json.dumps({"status": "completed"})))
    before = _state(db)
    with pytest.raises(changesets.ChangeSetRefused, match="was modified after it was proposed"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    assert _state(db) == before


def test_an_expired_change_set_is_refused(db, shop, clock):
    p = _propose_status(db, shop[:2], clock=clock)
    clock.now = clock.now + timedelta(hours=25)
    with pytest.raises(changesets.ChangeSetRefused, match="is expired"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"], clock=clock)


def test_approving_twice_or_replaying_an_approval_is_refused(db, shop):
    p = _propose_status(db, shop[:2])
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    before = _state(db)
    with pytest.raises(changesets.ChangeSetRefused, match="is applied"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    with db.engine.begin() as c:  # a replay: the applied set put back to pending
        c.execute(text("UPDATE change_sets SET state = 'pending' WHERE id = :i"), {"i": p.id})
    with pytest.raises(changesets.ChangeSetRefused, match="changed after change set"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])  # the orders moved on: refused
    assert _state(db)[0] == before[0]


def test_a_rejected_change_set_keeps_its_reason_and_cannot_be_approved(db, shop):
    p = _propose_status(db, shop[:2])
    with pytest.raises(ValidationError, match="Rejecting needs a reason"):
        run(db, changesets.reject, ctx(OWNER), p.id, " ")
    r = run(db, changesets.reject, ctx(OWNER), p.id, "wrong orders")
    assert (r.state, r.decided_by, r.decision_reason) == ("rejected", "olivia", "wrong orders")
    with pytest.raises(changesets.ChangeSetRefused, match="is rejected"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])


def test_calling_the_two_person_services_directly_is_refused(db, shop):
    before = _state(db)
    faked = ChangeContext(MANAGER, "changeset:999", "sneaky", approver=OWNER)  # names an approver, no approval
    with pytest.raises(permissions.NeedsApproval):
        run(db, orders.set_archived, faked, shop[0])
    with pytest.raises(permissions.NeedsApproval):
        run(db, orders.set_prices, faked, shop[0], {1: 1}, 1)
    with pytest.raises(permissions.NeedsApproval):
        run(db, auth.apply_role, faked, "sam", "owner")
    with pytest.raises(permissions.NeedsApproval):
        run(db, permissions.apply_matrix, faked, {"order.ship": ["bookkeeper"]})
    with pytest.raises(permissions.NeedsApproval):
        run(db, permissions.apply_two_person, faked, 100, 24)
    assert _state(db) == before


def test_prices_change_by_percent_exactly_and_always_need_a_second_person(db, shop):
    p = run(db, changesets.submit, ctx(MANAGER), "price_percent", {"percent": "-10"}, "autumn sale",
            selection=_ids(db, shop[:1]))
    assert p.state == "pending"  # one order, still two-person: a price change
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    with db.read_session() as s:
        o = s.execute(select(Order).where(Order.order_no == shop[0])).scalar_one()
        assert o.total_minor == 33750 and [li.unit_price_minor for li in o.lines] == [15120, 3510]
    with pytest.raises(ValidationError, match="not a percentage"):
        run(db, changesets.submit, ctx(MANAGER), "price_percent", {"percent": "ten"}, "x", selection=_ids(db, shop))
    with pytest.raises(ValidationError, match="from -100% to"):
        run(db, changesets.submit, ctx(MANAGER), "price_percent", {"percent": "-150"}, "x", selection=_ids(db, shop))


def test_deleting_archives_orders_out_of_the_grid_and_a_revert_brings_them_back(db, shop):
    browser = OrderBrowser(db)
    p = run(db, changesets.submit, ctx(MANAGER), "archive", {}, "test orders", selection=_ids(db, shop[:2]))
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    assert browser.count(GridQuery()) == 2 and browser.count(GridQuery(archived=True)) == 2
    r = run(db, changesets.revert, ctx(MANAGER), p.id, "deleted by mistake")
    assert r.state == "pending" and r.revert_of == p.id  # the revert is two-person too
    changesets.confirm(db, OWNER.name, r.id, PASSWORDS["olivia"])
    assert browser.count(GridQuery()) == 4
    with db.read_session() as s:
        assert changesets.get(s, p.id).state == "reverted"


def test_a_status_revert_that_the_status_machine_refuses_is_refused_when_proposed(db, shop):
    p = _propose_status(db, shop[:2])  # cancelled: final
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    with pytest.raises(ValidationError, match="cannot go back from Cancelled to Awaiting shipment"):
        run(db, changesets.revert, ctx(MANAGER), p.id, "oops")


def test_a_filter_that_matches_no_orders_is_one_sentence(db, shop):
    with pytest.raises(ValidationError, match="No order matches: nothing to change"):
        run(db, changesets.submit, ctx(MANAGER), "set_courier", {"courier": "SF"}, "x",
            selection=GridQuery(statuses=(Status.COMPLETED,)))


def test_an_archived_order_cannot_be_edited_in_bulk(db, shop):
    p = run(db, changesets.submit, ctx(MANAGER), "archive", {}, "x", selection=_ids(db, shop[:1]))
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    with pytest.raises(ValidationError, match="is archived; restore it from the archive first"):
        run(db, changesets.submit, ctx(MANAGER), "set_courier", {"courier": "SF"}, "x", selection=_ids(db, shop[:2]))


def test_roles_the_matrix_and_the_two_person_rule_change_only_through_approval(db, shop):
    with pytest.raises(permissions.PermissionDenied):  # the manager may not even propose a role change
        run(db, changesets.submit, ctx(MANAGER), "set_role", {"user": "sam", "role": "owner"}, "promotion")
    p = run(db, changesets.submit, ctx(OWNER), "set_role", {"user": "sam", "role": "manager"}, "promotion")
    assert p.state == "pending"
    with pytest.raises(changesets.ChangeSetRefused, match="another person must approve"):
        changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])  # not even the owner alone
    changesets.confirm(db, MANAGER.name, p.id, "123456")  # the manager's PIN on the owner's PC
    with db.read_session() as s:
        assert auth.find(s, "sam").role is Role.MANAGER
    m = run(db, changesets.submit, ctx(OWNER), "permissions", {"matrix": {"order.ship": ["owner"]}}, "only me")
    tp = run(db, changesets.submit, ctx(OWNER), "two_person", {"min_orders": 50, "expiry_hours": 2}, "fewer asks")
    assert (m.state, tp.state) == ("pending", "pending")
    changesets.confirm(db, MANAGER.name, m.id, PASSWORDS["max"])
    with pytest.raises(permissions.PermissionDenied, match="Warehouse may not ship"):
        run(db, orders.ship, ctx(WAREHOUSE), shop[0])


def test_a_second_person_approves_from_their_own_signed_in_seat(db, shop):
    p = _propose_status(db, shop[:2])
    done = run(db, changesets.approve, OWNER, p.id)  # the owner's seat: signed in already
    assert done.state == "applied" and done.decided_by == "olivia"


def test_purging_archived_orders_is_two_person_and_takes_a_backup_first(db, shop, tmp_path):
    from shop_orders import paths
    from shop_orders.services import backup

    p = run(db, changesets.submit, ctx(MANAGER), "archive", {}, "test orders", selection=_ids(db, shop[:2]))
    changesets.confirm(db, OWNER.name, p.id, PASSWORDS["olivia"])
    with pytest.raises(ValidationError, match="is not archived; only archived orders are purged"):
        run(db, changesets.submit, ctx(OWNER), "purge", {}, "x", selection=_ids(db, shop[1:3]))
    ids = _ids(db, shop[:2])
    purge = run(db, changesets.submit, ctx(OWNER), "purge", {}, "test orders, for good", selection=ids)
    assert purge.state == "pending"  # whatever its size
    folder = paths.default_backup_dir()
    before = set(folder.glob("*.sqlite3")) if folder.is_dir() else set()
    changesets.confirm(db, MANAGER.name, purge.id, "123456")  # the manager's PIN
    with db.read_session() as s:
        assert s.execute(select(Order.id).where(Order.id.in_(ids))).all() == []
        trail = s.execute(select(AuditEvent.new).where(AuditEvent.action == "purge")).scalars().all()
    assert trail == ["purged", "purged"]  # the trail stays
    taken = set(folder.glob("*.sqlite3")) - before
    assert len(taken) == 1  # the backup, taken before the purge, still holds both orders
    _rev, count, verdict = backup.check_file(taken.pop())
    assert count == 4 and verdict.ok
