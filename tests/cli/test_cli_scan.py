"""`shop-orders scan` through real subprocesses: the scan station's checks for scripted scanners,
source scan and the signed-in clerk as actor; every refusal one line on stderr, exit 1, nothing
changed; the supervisor's PIN from the environment (never an argument); `ship` by hand needs an
owner or manager and a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_one_line_error, run

PASSWORDS = {"olivia": "olivia-secret-1", "max": "max-secret-1", "wang": "wang-secret-1"}
PINS = {"max": "222222", "wang": "333333"}


def as_(user: str, *args, db, env=None, check=True):
    return run("--user", user, *args, db=db, env={"SHOP_ORDERS_PASSWORD": PASSWORDS[user], **(env or {})},
               check=check)


@pytest.fixture
def shop(tmp_path, _isolated_home):
    """olivia (owner), max (manager, PIN), wang (warehouse, PIN); paid orders awaiting shipment on
    Taobao T1..T4, an unpaid one (T5) and a cancelled one (T6)."""
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.domain.status import Status
    from shop_orders.services import auth
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.open import open_database
    from tests.factories import make_order, make_shippable

    path = tmp_path / "shop.sqlite3"
    db = open_database(path, data_dir=Path(_isolated_home) / "ShopOrders", create=True)
    with UnitOfWork(db) as uow:
        owner = ChangeContext(Actor("olivia", "owner"))
        for name, role in (("olivia", "owner"), ("max", "manager"), ("wang", "warehouse")):
            auth.create_user(uow, owner, name, role, PASSWORDS[name], pin=PINS.get(name))
        uow.commit()
    for n in range(1, 5):
        make_shippable(db, channel_order_no=f"T{n}")
    make_order(db, channel_order_no="T5", status=Status.AWAITING_PAYMENT)
    make_order(db, channel_order_no="T6", status=Status.CANCELLED)
    db.dispose()
    return path


def state(db) -> list[tuple]:
    rows = json.loads(as_("olivia", "orders", "--format", "json", db=db).stdout)
    return sorted((r["channel_order_no"], r["status"], r["tracking_no"]) for r in rows)


def status_of(db, cno: str) -> str:
    return {r[0]: r[1] for r in state(db)}[cno]


def test_a_scan_by_channel_number_ships_the_counted_items_as_the_clerk(shop):
    res = as_("wang", "scan", "T1", "--courier", "SF", "--tracking-no", "sf100000000001", "--sku", "TEA-LJ-250=2", db=shop)
    assert "Partially shipped" in res.stdout
    res = as_("wang", "scan", "T1\r\n", "--courier", "SF", "--tracking-no", "SF100000000002", "--sku", "cup-gl-01",
              db=shop)
    assert "Shipped" in res.stdout
    no = json.loads(as_("olivia", "orders", "--format", "json", db=shop).stdout)[0]["id"]
    shown = as_("olivia", "show", no, db=shop).stdout
    assert "wang  [scan]  shipped" in shown and "SF100000000002" in shown


@pytest.mark.parametrize(("args", "words"), [
    (("NOPE-1", "--sku", "TEA-LJ-250"), "is not an order of this shop"),
    (("T2", "--sku", "BOOK-1"), "Wrong item: BOOK-1"),
    (("T2", "--sku", "TEA-LJ-250=3"), "Too many"),
    (("T5", "--sku", "TEA-LJ-250"), "not paid"),
    (("T6", "--sku", "TEA-LJ-250"), "cancelled"),
    (("T2",), "Scan the items with --sku"),
    (("T2", "--sku", "=2"), "should look like SKU or SKU=QTY"),
    (("T2", "--skip-check"), "--skip-check needs --pin-user"),
    (("T2", "--skip-check", "--pin", "222222"), "never an argument"),
])
def test_every_refusal_is_one_line_and_changes_nothing(shop, args, words):
    before = state(shop)
    res = as_("wang", "scan", args[0], "--courier", "SF", "--tracking-no", "SF200000000001", *args[1:], db=shop,
              check=False)
    assert_one_line_error(res)
    assert words in res.stderr
    assert state(shop) == before


def test_a_tracking_number_used_on_another_order_is_refused(shop):
    as_("wang", "scan", "T1", "--courier", "SF", "--tracking-no", "SF300000000001", "--sku", "TEA-LJ-250=2", db=shop)
    before = state(shop)
    res = as_("wang", "scan", "T2", "--courier", "SF", "--tracking-no", "SF300000000001", "--sku", "TEA-LJ-250",
              db=shop, check=False)
    assert_one_line_error(res)
    assert "already on order" in res.stderr and state(shop) == before


def test_skipping_the_check_takes_a_managers_pin_from_the_environment(shop):
    before = state(shop)
    wrong = as_("wang", "scan", "T3", "--courier", "SF", "--tracking-no", "SF400000000001", "--skip-check",
                "--pin-user", "max", db=shop, env={"SHOP_ORDERS_SUPERVISOR_PIN": "000000"}, check=False)
    assert_one_line_error(wrong)
    assert "PIN was not accepted" in wrong.stderr
    clerk = as_("wang", "scan", "T3", "--courier", "SF", "--tracking-no", "SF400000000001", "--skip-check",
                "--pin-user", "wang", db=shop, env={"SHOP_ORDERS_SUPERVISOR_PIN": PINS["wang"]}, check=False)
    assert_one_line_error(clerk)
    assert "only a manager or the owner" in clerk.stderr
    no_pin = as_("wang", "scan", "T3", "--courier", "SF", "--tracking-no", "SF400000000001", "--skip-check",
                 "--pin-user", "max", db=shop, check=False)  # not a terminal: nothing to ask on
    assert_one_line_error(no_pin)
    assert "SHOP_ORDERS_SUPERVISOR_PIN" in no_pin.stderr
    assert state(shop) == before
    ok = as_("wang", "scan", "T3", "--courier", "SF", "--tracking-no", "SF400000000001", "--skip-check",
             "--pin-user", "max", db=shop, env={"SHOP_ORDERS_SUPERVISOR_PIN": PINS["max"]})
    assert "Shipped" in ok.stdout and status_of(shop, "T3") == "shipped"


def test_shipping_by_hand_needs_an_owner_or_manager_and_a_reason(shop):
    no = [r for r in json.loads(as_("olivia", "orders", "--format", "json", db=shop).stdout)
          if r["channel_order_no"] == "T4"][0]["id"]
    clerk = as_("wang", "ship", no, "--reason", "no scanner", db=shop, check=False)
    assert_one_line_error(clerk)
    assert "may not ship without a scan" in clerk.stderr
    bare = as_("max", "ship", no, db=shop, check=False)
    assert_one_line_error(bare)
    assert "needs a reason" in bare.stderr
    assert "Shipped" in as_("max", "ship", no, "--reason", "scanner broken", db=shop).stdout
    assert "scanner broken" in as_("olivia", "show", no, db=shop).stdout


@pytest.mark.parametrize("number", ["TEA-LJ-250", "cup-gl-01", "T2-ORDER-ID"])
def test_a_tracking_number_that_is_a_sku_or_an_order_id_is_one_sentence_and_nothing_ships(shop, number):
    """Issue 26 item 6 on the command line: the scan, and shipping by hand, refuse a SKU of the
    store (any case) or one of its order ids as the parcel's tracking number."""
    rows = json.loads(as_("olivia", "orders", "--format", "json", db=shop).stdout)
    if number == "T2-ORDER-ID":
        number = next(r["id"] for r in rows if r["channel_order_no"] == "T1")
    before = state(shop)
    res = as_("wang", "scan", "T2", "--courier", "SF", "--tracking-no", number, "--sku", "TEA-LJ-250=2",
              "--sku", "CUP-GL-01", db=shop, check=False)
    assert_one_line_error(res)
    assert "not a tracking number" in res.stderr and "is an item or an order of this shop" in res.stderr
    t2 = next(r["id"] for r in rows if r["channel_order_no"] == "T2")
    res = as_("max", "ship", t2, "--courier", "SF", "--tracking-no", number, "--reason", "courier came early",
              db=shop, check=False)
    assert_one_line_error(res)
    assert "is an item or an order of this shop" in res.stderr
    assert state(shop) == before
