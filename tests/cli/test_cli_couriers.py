"""Couriers and tracking on the command line, through real subprocesses against the courier
simulator: the key from standard input into the vault (never an argument, never shown, never in
the store's file), list, test, sync that rolls a false "shipped" back and completes a delivered
order, a courier that is down, a wrong passphrase, an unknown courier, remove; `courier-sim`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY, CourierSim
from tests.cli.test_cli import ROOT, assert_one_line_error, run

PASS = "correct horse battery"
BY_HAND = "packed at the counter"  # shipped without a scan: the owner, with a reason
ENV = {"SHOP_ORDERS_VAULT_PASSPHRASE": PASS, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def cli(*args, db, stdin: str = "", env=None, check=True):
    cmd = [sys.executable, "-m", "shop_orders", "--db", str(db), *map(str, args)]
    res = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **ENV, **(env or {})}, input=stdin, capture_output=True,
                         text=True, timeout=120)
    if check:
        assert res.returncode == 0, res.stderr
    return res


@pytest.fixture(scope="module")
def sim():
    with CourierSim(rate=None) as server:
        yield server


@pytest.fixture
def shop(tmp_path, sim):
    db = tmp_path / "shop.sqlite3"
    run("init", db=db, env=ENV)
    run("demo", "--orders", "60", "--seed", "3", db=db, env=ENV)
    cli("couriers", "set", "SF", "--kind", "kuaidi100", "--url", sim.url, "--customer", DEFAULT_CUSTOMER,
        "--carrier", "shunfeng", "--no-aliases", db=db, stdin=DEFAULT_KEY + "\n")
    return db


def awaiting(db) -> list[str]:
    rows = json.loads(cli("orders", "--status", "awaiting_shipment", "--format", "json", db=db).stdout)
    return [r["id"] for r in rows]


def statuses(db) -> dict[str, str]:
    return {r["id"]: r["status"] for r in json.loads(cli("orders", "--format", "json", db=db).stdout)}


def test_the_key_goes_to_the_vault_and_is_shown_nowhere(shop):
    res = cli("couriers", "list", "--format", "json", db=shop)
    assert json.loads(res.stdout) == [{"name": "SF", "kind": "kuaidi100", "url": json.loads(res.stdout)[0]["url"],
                                       "customer": DEFAULT_CUSTOMER, "carrier": "shunfeng", "aliases": [],
                                       "has_key": True}]
    table = cli("couriers", "list", db=shop).stdout
    assert "SF" in table and DEFAULT_KEY not in table and DEFAULT_KEY not in res.stdout
    for path in shop.parent.glob("shop.sqlite3*"):  # the store, its WAL: encrypted only
        assert DEFAULT_KEY.encode() not in path.read_bytes()
    assert "answers" in cli("couriers", "test", "SF", db=shop).stdout


def test_sync_rolls_a_false_shipped_back_completes_a_delivered_one_and_says_what_it_did(shop, sim):
    cli("couriers", "set", "AS", "--kind", "aftership", "--url", sim.url, "--carrier", "ups", "--no-aliases", db=shop,
        stdin=DEFAULT_KEY + "\n")
    bad, good, moving, fresh = awaiting(shop)[:4]
    cli("ship", bad, "--courier", "AS", "--tracking-no", "INVALID0001", "--reason", BY_HAND, db=shop)
    cli("ship", good, "--courier", "SF", "--tracking-no", "DELIVERED0001", "--reason", BY_HAND, db=shop)
    cli("ship", moving, "--courier", "SF", "--tracking-no", "SF2026000001", "--reason", BY_HAND, db=shop)
    cli("ship", fresh, "--courier", "SF", "--tracking-no", "NEVER0000001", "--reason", BY_HAND, db=shop)
    res = cli("sync", db=shop)
    assert res.stdout.splitlines()[:2] == [
        "Checked 4, updated 4, rolled back 1, completed 1, failed 0.",
        "1 of the checked parcels are not known to their courier yet; they stay shipped until the pickup deadline."]
    assert all("were not checked: no courier account" in line for line in res.stderr.splitlines())
    now = statuses(shop)
    assert (now[bad], now[good], now[moving], now[fresh]) == ("awaiting_shipment", "completed", "shipped", "shipped")
    tickets = json.loads(cli("tickets", "list", "--order", bad, "--format", "json", db=shop).stdout)
    assert [(t_["kind"], t_["assignee"]) for t_ in tickets] == [("logistics", "warehouse")]
    shown = cli("show", bad, db=shop).stdout
    assert "courier:AS" in shown or "courier: AS" in shown
    again = cli("sync", db=shop)
    assert again.stdout.splitlines()[0] == "Checked 2, updated 0, rolled back 0, completed 0, failed 0."  # still live
    assert cli("audit", "verify", db=shop).returncode == 0  # the rollback replays


def test_a_courier_that_is_down_changes_nothing_and_is_one_line(shop):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    cli("couriers", "set", "JD", "--kind", "aftership", "--url", f"http://127.0.0.1:{dead}", "--carrier", "jd",
        "--no-aliases", db=shop, stdin="some-key\n")
    nos = awaiting(shop)[:2]
    for i, no in enumerate(nos):
        cli("ship", no, "--courier", "JD", "--tracking-no", f"JD00000000{i}", "--reason", BY_HAND, db=shop)
    before = statuses(shop)
    res = cli("sync", "--courier", "JD", db=shop, check=False)
    assert res.returncode == 1 and "Checked 0, updated 0, rolled back 0, completed 0, failed 2." in res.stdout
    assert len(res.stderr.strip().splitlines()) == 1 and "JD" in res.stderr
    assert statuses(shop) == before


def test_bad_input_is_one_sentence_and_changes_nothing(shop):
    assert_one_line_error(cli("sync", "--courier", "NOPE", db=shop, check=False))
    assert_one_line_error(cli("couriers", "test", "SF", db=shop, env={"SHOP_ORDERS_VAULT_PASSPHRASE": "wrong one!"},
                              check=False))
    assert_one_line_error(cli("couriers", "set", "EMS", "--kind", "aftership", "--url", "http://example.com",
                              db=shop, stdin="k\n", check=False))  # a key over plain http to another host
    assert_one_line_error(cli("couriers", "set", "EMS", "--kind", "aftership", db=shop, stdin="\n", check=False))
    res = cli("couriers", "set", "SF", "--kind", "kuaidi100", DEFAULT_KEY, db=shop, check=False)
    assert res.returncode == 2  # a key is never an argument
    names = [c["name"] for c in json.loads(cli("couriers", "list", "--format", "json", db=shop).stdout)]
    assert names == ["SF"]


def test_changing_the_passphrase_reencrypts_the_keys(shop):
    cli("couriers", "passphrase", db=shop, env={"SHOP_ORDERS_NEW_VAULT_PASSPHRASE": "a brand new one"})
    assert_one_line_error(cli("couriers", "test", "SF", db=shop, check=False))  # the old one opens nothing
    assert "answers" in cli("couriers", "test", "SF", db=shop, env={"SHOP_ORDERS_VAULT_PASSPHRASE": "a brand new one"}
                            ).stdout


def test_remove_forgets_the_courier_and_its_key(shop):
    cli("couriers", "remove", "SF", db=shop)
    assert json.loads(cli("couriers", "list", "--format", "json", db=shop).stdout) == []
    assert_one_line_error(cli("sync", db=shop, check=False))


def test_courier_sim_serves_both_protocols_until_stopped(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "shop_orders", "courier-sim", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        from shop_orders.adapters.couriers import adapter_for
        from shop_orders.domain.couriers import CourierConfig, CourierLimits

        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)
        for kind in ("kuaidi100", "aftership"):
            adapter = adapter_for(CourierConfig("SIM", kind, f"http://127.0.0.1:{port}", DEFAULT_CUSTOMER, "shunfeng"),
                                  DEFAULT_KEY, limits=CourierLimits(rate_per_second=0))
            try:  # AfterShip knows the number once it is registered, Pending until its first fetch
                first = adapter.track("DELIVERED0009")
                assert first.state == ("delivered" if kind == "kuaidi100" else "unknown")
            finally:
                adapter.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_adding_an_alias_keeps_the_accounts_address_customer_and_carrier(shop, sim):
    """The README's alias step, `couriers set NAME --kind K --alias ...` on an existing account:
    what is left out keeps what the account has (it used to reset the address to the real
    service's and clear the customer id and carrier code, so the next sync asked the wrong place)."""
    res = cli("couriers", "set", "SF", "--kind", "kuaidi100", "--alias", "顺丰速运", "--alias", "SF Express", db=shop,
              stdin="\n")  # an empty key keeps the stored one
    assert "It also answers for parcels of: 顺丰速运, SF Express." in res.stdout
    [sf] = json.loads(cli("couriers", "list", "--format", "json", db=shop).stdout)
    assert (sf["url"], sf["customer"], sf["carrier"], sf["aliases"], sf["has_key"]) == (
        sim.url, DEFAULT_CUSTOMER, "shunfeng", ["顺丰速运", "SF Express"], True)
    assert "SF Express" in cli("couriers", "list", db=shop).stdout
    cli("couriers", "set", "SF", "--kind", "kuaidi100", "--no-aliases", db=shop, stdin="\n")
    [sf] = json.loads(cli("couriers", "list", "--format", "json", db=shop).stdout)
    assert (sf["url"], sf["carrier"], sf["aliases"]) == (sim.url, "shunfeng", [])
    cli("couriers", "set", "SF", "--kind", "aftership", db=shop, stdin="\n")  # another API: its own address
    [sf] = json.loads(cli("couriers", "list", "--format", "json", db=shop).stdout)
    assert sf["kind"] == "aftership" and sf["url"] != sim.url and sf["carrier"] == "shunfeng"
