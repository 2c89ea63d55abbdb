"""Users and the two-person rule on the command line, through real subprocesses: signing in with
--user and a password that never is an argument, the users commands, and the bulk change cycle
(propose → list → show → approve by another → revert → approve) with every refusal one line on
stderr, exit 1, nothing changed."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.test_cli import assert_one_line_error, run

PASSWORDS = {"olivia": "olivia-secret-1", "max": "max-secret-1", "sam": "sam-secret-1"}


def as_(user: str, *args, db, env=None, check=True, password: str | None = None, stdin: str | None = None):
    """Run a command signed in as `user` (the password from SHOP_ORDERS_PASSWORD)."""
    pw = PASSWORDS[user] if password is None else password
    return run("--user", user, *args, db=db, env={"SHOP_ORDERS_PASSWORD": pw, **(env or {})}, check=check,
               stdin=stdin)


def add_user(db, name: str, role: str, pin: str | None = None):
    env = {"SHOP_ORDERS_NEW_PASSWORD": PASSWORDS[name]} | ({"SHOP_ORDERS_NEW_PIN": pin} if pin else {})
    return as_("olivia", "users", "add", name, "--role", role, *(["--pin"] if pin else []), db=db, env=env)


def orders(db, user="olivia") -> list[dict]:
    return json.loads(as_(user, "orders", "--format", "json", db=db).stdout)


def change_sets(db) -> list[dict]:
    return json.loads(as_("olivia", "bulk", "list", "--format", "json", db=db).stdout)


def settled_manager(db, name: str) -> None:
    """A manager olivia added more than a week ago who has set their own password since: one who
    may approve what she proposes (tests/factories.settled_user; the two-person rule's week)."""
    from shop_orders import paths
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.store.open import open_database
    from tests.factories import settled_user

    store = open_database(db, data_dir=paths.data_dir())
    try:
        settled_user(store, ChangeContext(Actor("olivia", "owner")), name, "manager", PASSWORDS[name])
    finally:
        store.dispose()


def _shop(db):
    run("demo", "--orders", "40", "--seed", "3", db=db)  # creates the store, without owner
    run("init", "--owner", "olivia", db=db, env={"SHOP_ORDERS_PASSWORD": PASSWORDS["olivia"]})
    settled_manager(db, "max")
    add_user(db, "sam", "service", pin="246810")


@pytest.fixture
def shop(tmp_path, built_store):
    """40 demo orders, made before the first owner; then olivia (owner), max (manager, with the
    shop for a week and his own password), sam (service)."""
    return built_store("shop-of-three", _shop, tmp_path / "shop.sqlite3")


def test_init_without_a_password_leaves_the_store_without_owner_and_says_how_to_add_one(tmp_path):
    db = tmp_path / "s.sqlite3"
    res = run("init", db=db)
    assert "shop-orders users add NAME --role owner" in res.stderr and "Database ready" in res.stdout
    assert run("orders", db=db).returncode == 0  # no user yet: the store's owner, as before
    res = run("init", "--owner", "olivia", db=db, env={"SHOP_ORDERS_PASSWORD": PASSWORDS["olivia"]})
    assert "olivia is the owner of this store" in res.stdout
    assert_one_line_error(run("orders", db=db, check=False))  # from now on every command signs in
    assert as_("olivia", "orders", db=db).returncode == 0
    assert_one_line_error(as_("olivia", "init", "--owner", "eve", db=db, check=False))  # one first owner


def test_users_add_without_a_role_makes_a_stores_first_account_its_owner(tmp_path):
    db = tmp_path / "s.sqlite3"
    run("init", db=db)
    res = run("users", "add", "olivia", db=db, env={"SHOP_ORDERS_NEW_PASSWORD": PASSWORDS["olivia"]})
    assert res.stdout.strip() == "Added olivia (Owner)."  # the only role a first account may have


def test_users_add_list_disable_enable_and_passwords(shop):
    users = json.loads(as_("olivia", "users", "list", "--format", "json", db=shop).stdout)
    assert users == [
        {"name": "max", "role": "manager", "disabled": False, "has_pin": False, "locked_until": None},
        {"name": "olivia", "role": "owner", "disabled": False, "has_pin": False, "locked_until": None},
        {"name": "sam", "role": "service", "disabled": False, "has_pin": True, "locked_until": None}]
    table = as_("max", "users", "list", db=shop).stdout
    assert "argon2" not in table and "Customer service" in table
    zh = as_("sam", "--lang", "zh_CN", "users", "list", db=shop, password="246810").stdout  # the PIN signs in too
    assert "角色" in zh and "客服" in zh and "店长" in zh

    res = as_("max", "users", "add", "eve", "--role", "service", db=shop, check=False,
              env={"SHOP_ORDERS_NEW_PASSWORD": "eve-secret-1"})
    assert_one_line_error(res)
    assert "Manager may not add, disable and re-role users" in res.stderr
    # no --role: the role that may do the least (a slip gives too little, never too much)
    res = as_("olivia", "users", "add", "eve", db=shop, env={"SHOP_ORDERS_NEW_PASSWORD": "eve-secret-1"})
    assert res.stdout.strip() == "Added eve (Bookkeeper)."

    assert as_("olivia", "users", "disable", "sam", db=shop).stdout.strip() == "sam is disabled."
    res = as_("sam", "orders", db=shop, check=False)
    assert_one_line_error(res)
    assert "disabled" in res.stderr
    as_("olivia", "users", "enable", "sam", db=shop)
    assert as_("sam", "orders", db=shop).returncode == 0

    as_("max", "users", "password", db=shop, env={"SHOP_ORDERS_NEW_PASSWORD": "max-new-secret"})
    assert_one_line_error(as_("max", "orders", db=shop, check=False))  # the old one no longer
    assert as_("max", "orders", db=shop, password="max-new-secret").returncode == 0


def test_a_wrong_password_or_unknown_user_is_one_line_and_nothing_is_done(shop):
    before = orders(shop)
    target = before[0]["id"]
    for res in (as_("max", "edit", target, "--phone", "13900000000", "--reason", "x", db=shop, check=False,
                    password="guess"),
                as_("olivia", "edit", target, "--phone", "13900000000", "--reason", "x", db=shop, check=False,
                    env={"SHOP_ORDERS_PASSWORD": "nope"}),
                run("--user", "nobody", "edit", target, "--phone", "13900000000", "--reason", "x", db=shop,
                    check=False),
                run("--user", "max", "edit", target, "--phone", "13900000000", "--reason", "x", db=shop,
                    check=False)):  # no password at all, and no terminal to ask on
        assert_one_line_error(res)
    assert orders(shop) == before
    assert "Wrong password or PIN for max." in as_("max", "orders", db=shop, check=False, password="x").stderr
    assert "There is no user nobody." in run("--user", "nobody", "orders", db=shop, check=False).stderr


def test_a_role_change_is_proposed_and_applies_when_another_person_approves(shop):
    res = as_("olivia", "users", "set-role", "sam", "manager", "--reason", "promotion", db=shop)
    cs = res.stdout.strip()
    assert cs.isdigit() and "waits for another person's approval" in res.stderr
    assert "sam: Customer service → Manager" in as_("olivia", "bulk", "show", cs, db=shop).stdout
    assert_one_line_error(as_("olivia", "bulk", "approve", cs, db=shop, check=False))  # not the owner alone
    as_("max", "bulk", "approve", cs, db=shop)
    users = json.loads(as_("olivia", "users", "list", "--format", "json", db=shop).stdout)
    assert {u["name"]: u["role"] for u in users}["sam"] == "manager"


def test_the_whole_bulk_cycle_propose_list_show_approve_revert_approve(shop):
    before = {o["id"]: o for o in orders(shop)}
    chosen = sorted(before)[:3]
    res = as_("max", "bulk", "propose", "--orders", ",".join(chosen), "--set-courier", "ZTO-TEST",
              "--reason", "courier switch", db=shop)
    cs = res.stdout.strip()
    assert res.stdout == f"{cs}\n" and cs.isdigit()  # the id alone, for scripts
    [listed] = change_sets(shop)
    assert listed["id"] == int(cs) and listed["state"] == "pending" and listed["kind"] == "set_courier"
    assert (listed["proposer"], listed["approver"], listed["orders"]) == ("max", None, 3)
    assert listed["created"][-6] in "+-" and listed["expires"] > listed["created"]
    shown = as_("sam", "bulk", "show", cs, db=shop).stdout.splitlines()
    assert shown[0] == f"Change set #{cs}: change courier, waiting for approval, 3 orders"
    assert "proposed by max (Manager)" in shown[1] and "courier switch" in shown[2]
    assert sorted(line.split()[0] for line in shown[3:]) == chosen and all("→ ZTO-TEST" in line for line in shown[3:])

    for who, why in (("max", "another person must approve it"), ("sam", "Customer service may not approve")):
        res = as_(who, "bulk", "approve", cs, db=shop, check=False)
        assert_one_line_error(res)
        assert why in res.stderr
    assert {o["id"]: o for o in orders(shop)} == before

    assert f"Change set #{cs} approved by olivia" in as_("olivia", "bulk", "approve", cs, db=shop).stdout
    after = {o["id"]: o for o in orders(shop)}
    assert {after[i]["courier"] for i in chosen} == {"ZTO-TEST"}
    assert all(after[i] == before[i] for i in before if i not in chosen)
    assert_one_line_error(as_("olivia", "bulk", "approve", cs, db=shop, check=False))  # applied: not twice

    revert = as_("max", "bulk", "revert", cs, "--reason", "wrong courier", db=shop).stdout.strip()
    assert revert.isdigit() and revert != cs
    as_("olivia", "bulk", "approve", revert, db=shop)
    back = {o["id"]: o for o in orders(shop)}
    assert {i: back[i]["courier"] for i in chosen} == {i: before[i]["courier"] for i in chosen}
    states = {c["id"]: (c["state"], c["approver"]) for c in change_sets(shop)}
    assert states == {int(cs): ("reverted", "olivia"), int(revert): ("applied", "olivia")}
    trail = as_("olivia", "show", chosen[0], db=shop).stdout
    assert f"[change set: #{cs}]" in trail and f"[change set: #{revert}]" in trail


def test_reject_expiry_and_every_refusal_leave_the_orders_as_they_were(shop):
    data = orders(shop)
    before = {o["id"]: o for o in data}
    status = max({o["status"] for o in data}, key=lambda s: sum(o["status"] == s for o in data))
    channels = {o["channel"] for o in data}
    empty = next(c for c in ("taobao", "jd", "amazon", "pos", "phone", "shopify", "youzan")
                 if not any(o["channel"] == c and o["status"] == status for o in data))
    assert channels  # the demo data has orders
    propose = ("bulk", "propose", "--where-status", status, "--set-courier", "SF", "--reason", "switch")

    rejected = as_("max", *propose, db=shop).stdout.strip()
    assert as_("olivia", "bulk", "reject", rejected, "--reason", "not now", db=shop).stdout.strip() == (
        f"Change set #{rejected} rejected.")
    expired = as_("max", *propose, db=shop).stdout.strip()
    with sqlite3.connect(shop) as c:  # its time runs out
        c.execute("UPDATE change_sets SET expires_at = created_at WHERE id = ?", (int(expired),))
    c.close()
    assert {c["id"]: c["state"] for c in change_sets(shop)} == {int(rejected): "rejected", int(expired): "expired"}

    refusals = [
        (("bulk", "approve", rejected), "is rejected"),
        (("bulk", "approve", expired), "is expired"),
        (("bulk", "propose", "--where-status", status, "--where-channel", empty, "--cancel", "--reason", "x"),
         "No order matches"),
        (("bulk", "propose", "--orders", "SO-19990101-999999", "--cancel", "--reason", "x"), "There is no order"),
        (("bulk", "propose", "--where-status", status, "--price-percent", "ten", "--reason", "x"),
         "'ten' is not a percentage"),
        (("bulk", "propose", "--where-status", status, "--price-percent=-150", "--reason", "x"), "from -100% to"),
        (("bulk", "propose", "--where-channel", "jd", "--cancel", "--reason", "x"), "Say which orders"),
        (("bulk", "propose", "--two-person", "0,24", "--reason", "x"), "from 1 order up"),
    ]
    for args, why in refusals:
        res = as_("olivia", *args, db=shop, check=False)
        assert_one_line_error(res)
        assert why in res.stderr, res.stderr
    assert len(change_sets(shop)) == 2 and {o["id"]: o for o in orders(shop)} == before

    one = sorted(before)[0]
    res = as_("max", "bulk", "propose", "--orders", one, "--set-courier", "YTO", "--reason", "one parcel", db=shop)
    assert res.stdout.strip().isdigit() and "applied at once" in res.stderr  # below the threshold
    assert {o["id"]: o["courier"] for o in orders(shop)}[one] == "YTO"

    two = ",".join(sorted(before)[1:3])
    waiting = as_("max", "bulk", "propose", "--orders", two, "--set-courier", "EMS", "--reason", "x", db=shop)
    archive = as_("max", "bulk", "propose", "--orders", sorted(before)[2], "--archive", "--reason", "test order",
                  db=shop)
    as_("olivia", "bulk", "approve", archive.stdout.strip(), db=shop)  # one of its orders is archived meanwhile
    res = as_("olivia", "bulk", "approve", waiting.stdout.strip(), db=shop, check=False)
    assert_one_line_error(res)
    assert "changed after change set" in res.stderr


def test_the_shops_rules_are_proposed_from_a_file_and_approved_by_another(shop, tmp_path):
    matrix = tmp_path / "matrix.json"
    matrix.write_text(json.dumps({"order.ship": ["owner", "manager"]}), encoding="utf-8")
    cs = as_("olivia", "bulk", "propose", "--permissions", matrix, "--reason", "only managers ship", db=shop)
    rule = as_("olivia", "bulk", "propose", "--two-person", "5,48", "--reason", "fewer asks", db=shop)
    shown = as_("olivia", "--lang", "zh_CN", "bulk", "show", rule.stdout.strip(), db=shop).stdout
    assert "修改双人复核规则" in shown and "5 单起需要第二个人审批" in shown
    as_("max", "bulk", "approve", cs.stdout.strip(), db=shop)
    states = {c["kind"]: (c["state"], c["approver"]) for c in change_sets(shop)}
    assert states == {"permissions": ("applied", "max"), "two_person": ("pending", None)}
    assert_one_line_error(as_("olivia", "bulk", "approve", rule.stdout.strip(), db=shop, check=False))  # her own


def test_backup_and_the_audit_key_obey_the_permission_matrix(shop, tmp_path):
    res = as_("sam", "backup", str(tmp_path / "b.sqlite3"), db=shop, check=False)
    assert_one_line_error(res)
    assert "Customer service may not back up the store" in res.stderr and not (tmp_path / "b.sqlite3").exists()
    res = as_("max", "audit", "key", "export", str(tmp_path / "k.json"), db=shop, check=False)
    assert_one_line_error(res)
    assert "may not move the audit key to another seat" in res.stderr and not (tmp_path / "k.json").exists()
    assert as_("max", "backup", str(tmp_path / "b.sqlite3"), db=shop).returncode == 0  # a manager may
    assert (tmp_path / "b.sqlite3").is_file()


def test_bulk_propose_takes_the_orders_from_a_file_or_standard_input(shop, tmp_path):
    """10,000 ids do not fit a command line ("Argument list too long"): a file or - for stdin."""
    chosen = sorted(o["id"] for o in orders(shop))[:4]
    listing = tmp_path / "orders.txt"
    listing.write_text("# picked by the bookkeeper\n" + "\n".join(chosen[:2]) + "\n\n" + ", ".join(chosen[2:]) + "\n",
                       encoding="utf-8")
    cs = as_("max", "bulk", "propose", "--orders-from", listing, "--set-courier", "ZTO-FILE", "--reason", "file",
             db=shop).stdout.strip()
    assert [c["orders"] for c in change_sets(shop) if c["id"] == int(cs)] == [4]
    res = as_("max", "bulk", "propose", "--orders-from", "-", "--set-courier", "ZTO-STDIN", "--reason", "stdin",
              db=shop, stdin="\n".join(chosen[:3]) + "\n")
    assert [c["orders"] for c in change_sets(shop) if c["id"] == int(res.stdout.strip())] == [3]
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    for source, why in ((empty, "names no order"), (tmp_path / "missing.txt", "cannot be read")):
        res = as_("max", "bulk", "propose", "--orders-from", source, "--cancel", "--reason", "x", db=shop, check=False)
        assert_one_line_error(res)
        assert why in res.stderr and str(source) in res.stderr
