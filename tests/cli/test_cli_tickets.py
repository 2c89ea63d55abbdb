"""Exception tickets on the command line, through real subprocesses (issue 15, item 8 and "Bad
input"): `tickets open` printing the id alone, `tickets list` in json (codes) and as a table with
its filters, assign / comment / state (waiting pauses the clock), close only with a resolution and
readable evidence under the size limit, `tickets show`, `tickets stats`, `rules run` with its
counts and its dedupe, the permission matrix and the Chinese messages. Every refusal is one line
on stderr, exit 1, and nothing changed.

One store is shared by the module (each test works on its own orders and compares only what it
touched); `rules run` counts over the whole store, so its test has a store of its own."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shop_orders.services.tickets import MAX_ATTACHMENT
from tests.cli.test_cli import assert_one_line_error, run

PASSWORDS = {"olivia": "olivia-secret-1", "max": "max-secret-1", "sam": "sam-secret-1", "bob": "bob-secret-1"}
KEYS = {"id", "order_id", "kind", "priority", "state", "assignee", "due_at", "opened_at"}
NO_TICKET = "999999"


class Shop:
    """A demo store with olivia (owner), max (manager), sam (customer service) and bob
    (bookkeeper), and its own data folder (audit key and heads) for every command."""

    def __init__(self, db, home) -> None:
        self.db = db
        self.env = {"XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
        self.orders: list[str] = []

    def as_(self, user: str, *args, check: bool = True, env: dict | None = None):
        return run("--user", user, *args, db=self.db, check=check,
                   env={**self.env, "SHOP_ORDERS_PASSWORD": PASSWORDS[user], **(env or {})})

    def __call__(self, *args, check: bool = True):  # the owner
        return self.as_("olivia", *args, check=check)

    def open(self, order: str, *args, user: str = "olivia") -> int:
        res = self.as_(user, "tickets", "open", order, *args)
        assert res.stdout == f"{res.stdout.strip()}\n" and res.stdout.strip().isdigit(), res.stdout  # the id alone
        return int(res.stdout)

    def tickets(self, *filters) -> list[dict]:
        return json.loads(self("tickets", "list", "--format", "json", *filters).stdout)

    def refused(self, *cases, user: str = "olivia") -> None:
        """Each (args, what the one line says) refused: exit 1, one line on stderr. A refusal
        changes nothing, so they run side by side (the file stays fast)."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda case: self.as_(user, *case[0], check=False), cases))
        for (args, says), res in zip(cases, results, strict=True):
            assert_one_line_error(res)
            assert says in res.stderr, (args, res.stderr)

    def state(self, ticket: int) -> tuple[list[dict], list[str]]:
        """Everything `tickets list` says, and the ticket's `tickets show`."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            listed = pool.submit(self.tickets)
            shown = pool.submit(show, self, ticket)
            return listed.result(), shown.result()


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    root = tmp_path_factory.mktemp("tickets-shop")
    s = Shop(root / "shop.sqlite3", root / "home")
    run("demo", "--orders", "40", "--seed", "3", db=s.db, env=s.env)  # the store, without owner yet
    run("init", "--owner", "olivia", db=s.db, env={**s.env, "SHOP_ORDERS_PASSWORD": PASSWORDS["olivia"]})
    for name, role in (("max", "manager"), ("sam", "service"), ("bob", "bookkeeper")):
        s.as_("olivia", "users", "add", name, "--role", role, env={"SHOP_ORDERS_NEW_PASSWORD": PASSWORDS[name]})
    data = json.loads(s("orders", "--format", "json").stdout)
    # live, consistent orders that no rule fires on: each test below takes its own
    s.orders = sorted(o["id"] for o in data if o["status"] in ("awaiting_shipment", "shipped") and not o["stale"]
                      and o["paid"] == o["total"])
    assert len(s.orders) >= 9
    return s


def when(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    assert dt.tzinfo is not None, text  # local times with their offset
    return dt


def show(shop: Shop, ticket: int) -> list[str]:
    """`tickets show` without its live countdown line (it changes by the second)."""
    return [line for line in shop("tickets", "show", ticket).stdout.splitlines() if not line.startswith("  due ")]


def test_open_prints_the_id_alone_and_list_gives_codes_filters_and_a_table(shop):
    o1, o2 = shop.orders[0], shop.orders[1]
    res = shop("tickets", "open", o1, "--kind", "address", "--priority", "P1", "--note", "wrong street")
    address = int(res.stdout)
    assert res.stdout == f"{address}\n"  # the id alone, for scripts; the rest for people on stderr
    assert f"Ticket #{address} opened on {o1} for Customer service, due " in res.stderr
    other = shop.open(o1, "--kind", "other", user="sam")  # customer service may open tickets too
    payment = shop.open(o2.lower(), "--kind", "PAYMENT")  # the order id and the code in any case
    assert len({address, other, payment}) == 3

    listed = shop.tickets("--order", o1)
    assert all(set(tk) == KEYS for tk in listed)
    by_id = {tk["id"]: tk for tk in listed}
    assert set(by_id) == {address, other}
    a = by_id[address]
    assert (a["order_id"], a["kind"], a["priority"], a["state"], a["assignee"]) == (o1, "address", "P1", "open",
                                                                                     "service")
    assert when(a["due_at"]) - when(a["opened_at"]) == timedelta(hours=1)  # an address problem: 1 h, wall-clock
    assert abs(when(a["opened_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    o = by_id[other]
    assert (o["kind"], o["priority"], o["assignee"]) == ("other", "P3", "service")  # the kind's defaults
    assert when(o["due_at"]) - when(o["opened_at"]) == timedelta(hours=8)

    assert [tk["id"] for tk in shop.tickets("--order", o2, "--kind", "payment")] == [payment]
    kinds = shop.tickets("--kind", "address", "--kind", "payment")
    assert {address, payment} <= {tk["id"] for tk in kinds} and other not in {tk["id"] for tk in kinds}
    assert {tk["kind"] for tk in kinds} <= {"address", "payment"}

    assert shop("tickets", "state", other, "resolved").stdout.strip() == f"Ticket #{other} is now resolved."
    assert [tk["id"] for tk in shop.tickets("--order", o1, "--open")] == [address]

    with sqlite3.connect(shop.db) as c:  # the address ticket's hour has passed (the test's own store)
        c.execute("UPDATE tickets SET due_at = datetime('now', '-2 hours') WHERE id = ?", (address,))
    c.close()
    overdue = shop.tickets("--overdue")
    assert address in {tk["id"] for tk in overdue} and not {other, payment} & {tk["id"] for tk in overdue}
    assert all(when(tk["due_at"]) < datetime.now(UTC) for tk in overdue)

    res = shop("tickets", "list", "--order", o1)  # for people: labels, the countdown, overdue negative
    header, *rows = res.stdout.splitlines()
    assert header.split() == ["Ticket", "Order", "Kind", "Priority", "State", "Assignee", "Due", "Left", "Opened"]
    row = next(r for r in rows if r.startswith(f"#{address} "))
    assert o1 in row and "address problem" in row and "P1" in row and "Customer service" in row
    assert re.search(r"\s-2 h 0\d min\s", row), row  # two hours overdue
    assert re.search(r"\sresolved\s", next(r for r in rows if r.startswith(f"#{other} ")))
    assert len(rows) == 2 and res.stderr.strip() == "2 tickets"


def test_assign_comment_and_waiting_pauses_the_clock(shop):
    order = shop.orders[2]
    tk = shop.open(order, "--kind", "logistics")
    [before] = shop.tickets("--order", order)
    assert (before["assignee"], before["priority"]) == ("warehouse", "P2")  # the kind's defaults
    assert when(before["due_at"]) - when(before["opened_at"]) == timedelta(hours=24)

    assert shop("tickets", "assign", tk, "sam").stdout.strip() == f"Ticket #{tk} is assigned to sam."
    assert shop("tickets", "assign", f"#{tk}", "Service").stdout.strip() == (
        f"Ticket #{tk} is assigned to Customer service.")  # '#12' as the messages name it; a role by its code
    [assigned] = shop.tickets("--order", order)
    assert assigned["assignee"] == "service" and assigned["due_at"] == before["due_at"]  # the clock goes on
    shop.refused((("tickets", "assign", tk, "nobody"), "'nobody' is neither a user of this store nor a role"),
                 (("tickets", "comment", tk, "  "), "A comment needs some text."))
    assert shop("tickets", "comment", tk, "courier says: lost in Wuhan").stdout.strip() == (
        f"Comment added to ticket #{tk}.")

    assert shop("tickets", "state", tk, "waiting").stdout.strip() == f"Ticket #{tk} is now waiting on customer."
    [waiting] = shop.tickets("--order", order)
    assert (waiting["state"], waiting["due_at"]) == ("waiting", None)  # paused: no due time
    assert re.search(r"^  the clock is paused with (23 h \d\d min|1 d 0 h) left$",
                     shop("tickets", "show", tk).stdout, re.M)

    assert shop("tickets", "state", tk, "in_progress").stdout.strip() == f"Ticket #{tk} is now in progress."
    [going] = shop.tickets("--order", order)
    assert going["state"] == "in_progress" and going["due_at"] is not None  # a due time again:
    assert when(before["due_at"]) <= when(going["due_at"]) <= datetime.now(UTC) + timedelta(hours=24)  # what was left

    lines = show(shop, tk)
    assert lines[0] == f"Ticket #{tk} on {order}: logistics, P2, in progress"
    assert "assigned to Customer service; opened" in lines[1] and "by olivia [by hand]" in lines[1]
    assert any(line.endswith("olivia  courier says: lost in Wuhan") for line in lines)
    history = lines[lines.index("  history (newest first):") + 1:]
    assert [h.split("]  ", 1)[1] for h in history] == [
        f"ticket #{tk} state: waiting on customer → in progress",
        f"ticket #{tk} state: open → waiting on customer",
        f"ticket #{tk} comment: courier says: lost in Wuhan",
        f"ticket #{tk} assignee: sam → Customer service",
        f"ticket #{tk} assignee: Warehouse → sam",
        f"ticket #{tk} opened: logistics P2 Warehouse"]


def test_close_needs_a_resolution_and_readable_evidence_under_the_limit_and_a_refusal_changes_nothing(
        shop, tmp_path):
    order = shop.orders[3]
    tk = shop.open(order, "--kind", "out_of_stock", "--note", "the blue one is gone")
    receipt = tmp_path / "receipt.txt"
    receipt.write_bytes(b"refund 168.00 to alipay\n")
    too_big = tmp_path / "video.mp4"
    with too_big.open("wb") as f:  # sparse: one byte over the limit, nothing written to the disk
        f.truncate(MAX_ATTACHMENT + 1)
    folder = tmp_path / "photos"
    folder.mkdir()
    before = shop.state(tk)
    assert "  attachments:" not in before[1]

    refusals = [
        (("--evidence", receipt), "Closing a ticket needs a written resolution."),
        (("--resolution", "refunded"), "Closing a ticket needs at least one evidence file"),
        (("--resolution", "refunded", "--evidence", tmp_path / "missing.jpg"), "missing.jpg cannot be read."),
        (("--resolution", "refunded", "--evidence", folder), "photos cannot be read."),
        (("--resolution", "refunded", "--evidence", receipt, "--evidence", too_big),  # the good one is not kept
         "video.mp4 is 20.0 MB; an attachment is at most 20 MB."),
    ]
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.jpg"
        locked.write_bytes(b"x")
        locked.chmod(0)
        refusals.append((("--resolution", "refunded", "--evidence", locked), "locked.jpg cannot be read."))
    shop.refused(*((("tickets", "close", tk, *args), says) for args, says in refusals),
                 (("tickets", "state", tk, "closed"), "Closing a ticket needs a resolution and evidence: use close."))
    assert shop.state(tk) == before

    at_limit = tmp_path / "scan.pdf"
    with at_limit.open("wb") as f:
        f.truncate(MAX_ATTACHMENT)  # exactly the limit is allowed
    res = shop("tickets", "close", tk, "--resolution", "refunded the customer", "--evidence", receipt,
               "--evidence", at_limit)
    assert res.stdout.strip() == f"Ticket #{tk} closed."
    [closed] = shop.tickets("--order", order)
    assert (closed["state"], closed["due_at"]) == ("closed", None)
    lines = shop("tickets", "show", tk).stdout.splitlines()
    assert lines[0] == f"Ticket #{tk} on {order}: out of stock, P1, closed"
    assert any(line.startswith("  closed ") and line.endswith(": refunded the customer") for line in lines)
    assert lines[lines.index("  comments:") + 1].endswith("  olivia  the blue one is gone")  # the note
    sha = hashlib.sha256(receipt.read_bytes()).hexdigest()
    files = lines[lines.index("  attachments:") + 1:lines.index("  history (newest first):")]
    assert len(files) == 2
    assert files[0].startswith(f"    receipt.txt  24 bytes  sha256 {sha[:12]}…  (")
    assert files[1].startswith(f"    scan.pdf  {MAX_ATTACHMENT:,} bytes  sha256 ")
    history = [h.split("]  ", 1)[1] for h in lines[lines.index("  history (newest first):") + 1:]]
    assert history[:2] == [f"ticket #{tk} state: open → closed", f"ticket #{tk} resolution: refunded the customer"]
    assert f"ticket #{tk} attachment: receipt.txt" in history  # by name; its SHA-256 in the attachments above
    shop.refused((("tickets", "close", tk, "--resolution", "again", "--evidence", receipt),
                  "The ticket is already closed."))


def test_unknown_kind_state_priority_an_archived_order_and_a_missing_ticket_are_one_sentence(shop, tmp_path):
    order, gone = shop.orders[4], shop.orders[5]
    tk = shop.open(order, "--kind", "other")
    old = shop.open(gone, "--kind", "address")
    shop("tickets", "state", old, "resolved")
    cs = shop.as_("max", "bulk", "propose", "--orders", gone, "--archive", "--reason", "test order").stdout.strip()
    shop("bulk", "approve", cs)  # archived, by two people
    receipt = tmp_path / "r.txt"
    receipt.write_text("x", encoding="utf-8")
    before = shop.state(tk)

    archived = f"{gone} is archived; restore it from the archive before opening a ticket."
    no_ticket = f"There is no ticket #{NO_TICKET}."
    shop.refused(
        (("tickets", "open", order, "--kind", "nope"), "unknown ticket kind 'nope'; expected one of: payment, "
                                                       "out_of_stock, address, cancel, logistics, return, stuck, other"),
        (("tickets", "list", "--kind", "nope"), "unknown ticket kind 'nope'"),
        (("tickets", "open", order, "--kind", "address", "--priority", "P9"),
         "unknown priority 'P9'; expected P0, P1, P2 or P3"),
        (("tickets", "state", tk, "done"),
         "unknown ticket state 'done'; expected one of: open, in_progress, waiting, resolved, closed"),
        (("tickets", "open", order, "--kind", "other"), f"{order} already has an open other ticket (#{tk})"),
        (("tickets", "open", "SO-19990101-999999", "--kind", "other"), "There is no order SO-19990101-999999."),
        (("tickets", "list", "--order", "SO-19990101-999999"), "There is no order SO-19990101-999999."),
        (("tickets", "open", gone, "--kind", "other"), archived),
        (("tickets", "state", old, "open"), archived),  # nor reopening one of its tickets
        (("tickets", "show", NO_TICKET), no_ticket),
        (("tickets", "comment", NO_TICKET, "hello"), no_ticket),
        (("tickets", "close", NO_TICKET, "--resolution", "x", "--evidence", receipt), no_ticket),
    )
    assert shop.state(tk) == before


def test_stats_give_the_hit_rate_and_mean_time_to_resolve_per_kind_per_assignee_and_overall(shop, tmp_path):
    order = shop.orders[6]
    tk = shop.open(order, "--kind", "return")  # the only return ticket, and the only one max has
    shop("tickets", "assign", tk, "max")
    (tmp_path / "label.png").write_bytes(b"\x89PNG return label")
    shop("tickets", "close", tk, "--resolution", "exchanged", "--evidence", tmp_path / "label.png")

    stats = json.loads(shop("tickets", "stats", "--format", "json").stdout)
    assert set(stats) == {"by_kind", "by_assignee", "overall"}
    figures = {"tickets", "resolved", "in_time", "hit_rate", "mean_resolve_s"}
    [ret] = [k for k in stats["by_kind"] if k["kind"] == "return"]
    [mx] = [p for p in stats["by_assignee"] if p["assignee"] == "max"]
    for f in (ret, mx):
        assert (f["tickets"], f["resolved"], f["in_time"], f["hit_rate"]) == (1, 1, 1, 1.0), f
        assert isinstance(f["mean_resolve_s"], int) and 0 <= f["mean_resolve_s"] < 120
    assert set(ret) == {"kind", *figures} and set(mx) == {"assignee", *figures}
    everything = shop.tickets()
    overall = stats["overall"]
    assert set(overall) == figures
    assert overall["tickets"] == len(everything) == sum(k["tickets"] for k in stats["by_kind"])
    assert overall["resolved"] == sum(tk["state"] in ("resolved", "closed") for tk in everything) >= 1
    assert 0 < overall["hit_rate"] <= 1 and overall["mean_resolve_s"] is not None
    assert all(k["hit_rate"] is None for k in stats["by_kind"] if not k["resolved"])

    table = shop("tickets", "stats").stdout
    assert "SLA hit rate" in table and "Mean time to resolve" in table
    assert re.search(r"^return / exchange\s+1\s+1\s+1\s+100%\s+\d+ min \d\d s$", table, re.M), table
    assert re.search(r"^max\s+1\s+1\s+1\s+100%", table, re.M), table


def test_a_role_without_the_right_to_handle_tickets_is_refused_and_nothing_changes(shop, tmp_path):
    order = shop.orders[7]
    tk = shop.open(order, "--kind", "address", user="sam")
    (tmp_path / "r.txt").write_text("x", encoding="utf-8")
    before = shop.state(tk)
    says = "Bookkeeper may not open and handle exception tickets"
    shop.refused(*((args, says) for args in (
        ("tickets", "open", order, "--kind", "other"), ("tickets", "comment", tk, "mine now"),
        ("tickets", "close", tk, "--resolution", "x", "--evidence", tmp_path / "r.txt"), ("rules", "run"))),
        user="bob")
    assert shop.state(tk) == before


def test_tickets_speak_chinese_with_lang_zh_cn(shop):
    order = shop.orders[8]
    tk = shop.open(order, "--kind", "address")
    out = shop("--lang", "zh_CN", "tickets", "list", "--order", order)
    header, row = out.stdout.splitlines()
    assert header.split() == ["工单", "订单", "类型", "优先级", "状态", "负责人", "截止", "剩余", "创建时间"]
    assert row.startswith(f"#{tk} ") and "地址问题" in row and "待处理" in row and "客服" in row
    assert out.stderr.strip() == "1 个工单"


# ---- rules run: a store of its own (it counts over every order) -----------------------------------

def test_rules_run_opens_tickets_for_what_the_rules_see_and_running_again_opens_none(tmp_path):
    db = tmp_path / "rules.sqlite3"
    run("demo", "--orders", "40", "--seed", "3", db=db)  # no users: the store's owner

    def tickets() -> list[dict]:
        return json.loads(run("tickets", "list", "--format", "json", db=db).stdout)

    data = json.loads(run("orders", "--status", "awaiting_shipment", "--format", "json", db=db).stdout)
    payer = next(o for o in data if not o["stale"] and o["paid"] == o["total"])["id"]
    run("pay", payer, "0.01", db=db)  # paid is now more than the total: the payment rule fires on the change
    [payment] = tickets()
    assert (payment["order_id"], payment["kind"], payment["state"], payment["assignee"], payment["priority"]) == (
        payer, "payment", "open", "service", "P1")

    run("thresholds", "--status", "awaiting_payment=1", db=db)  # unpaid for an hour is stuck now
    stale = {o["id"] for o in json.loads(run("orders", "--stale", "--format", "json", db=db).stdout)}
    assert len(stale) >= 3  # the demo's stuck one and the unpaid ones
    # the demo's orders are history (stale before the store's first sweep): one ticket per order when asked
    assert "one ticket per order" in run("tickets", "history", "each", db=db).stdout
    res = run("rules", "run", db=db)
    assert res.stdout.startswith(f"Rules run: {len(stale)} tickets opened, 0 updated;"), res.stdout
    everything = tickets()
    stuck = [tk for tk in everything if tk["kind"] == "stuck"]
    assert sorted(tk["order_id"] for tk in stuck) == sorted(stale)
    assert {(tk["state"], tk["assignee"], tk["priority"]) for tk in stuck} == {("open", "manager", "P2")}
    assert [tk for tk in everything if tk["kind"] != "stuck"] == [payment]  # the same mismatch: not again

    assert run("rules", "run", db=db).stdout.startswith("Rules run: 0 tickets opened, 0 updated;")
    assert tickets() == everything  # the same sightings: nothing new

    target = sorted(stale)[0]  # what the rule sees changes (an older last update): added to its ticket
    with sqlite3.connect(db) as c:  # the test's own store
        c.execute("UPDATE orders SET updated_at = datetime(updated_at, '-1 day') WHERE order_no = ?", (target,))
    c.close()
    assert run("rules", "run", db=db).stdout.startswith("Rules run: 0 tickets opened, 1 updated;")
    assert tickets() == everything  # no second ticket
    [tk] = [tk for tk in stuck if tk["order_id"] == target]
    shown = run("tickets", "show", tk["id"], db=db).stdout
    sightings = re.findall(rf"  system  {target} \(.+\) has had no update since (\S+ \S+)\.$", shown, re.M)
    assert len(sightings) == 2 and sightings[0] > sightings[1], shown  # the second a day earlier
    assert f"[rule: stuck orders]  ticket #{tk['id']} seen again by a rule: no update since " in shown
    assert "opened 20" in shown and "by system [rule: stuck orders]" in shown

    run("pay", payer, "0.01", db=db)  # the mismatch grows: the payment ticket hears of it, no second one
    assert [t for t in tickets() if t["kind"] == "payment"] == [payment]


def test_history_goes_into_one_summary_ticket_per_age_band_listed_by_tickets_orders(tmp_path):
    """A store's first sweep over orders already stale: summary tickets (the default), each
    listing its orders; a bad choice is one sentence."""
    db = tmp_path / "history.sqlite3"
    run("demo", "--orders", "40", "--seed", "3", db=db)
    assert "one summary ticket per kind and age band" in run("tickets", "history", db=db).stdout
    run("thresholds", "--status", "awaiting_payment=1", db=db)
    stale = {o["id"] for o in json.loads(run("orders", "--stale", "--format", "json", db=db).stdout)}
    res = run("rules", "run", db=db)
    assert res.stdout.startswith("Rules run: "), res.stdout
    assert f"{len(stale)} orders already stale when the store first saw them went into summary tickets" in res.stdout
    stuck = [tk for tk in json.loads(run("tickets", "list", "--format", "json", db=db).stdout) if tk["kind"] == "stuck"]
    assert 1 <= len(stuck) <= 4  # one per age band, not one per order
    listed = set()
    for tk in stuck:
        listed |= set(run("tickets", "orders", tk["id"], db=db).stdout.split())
    assert listed == stale
    assert "Rules run: 0 tickets opened, 0 updated;" in run("rules", "run", db=db).stdout  # held: nothing again
    bad = run("tickets", "history", "sometimes", db=db, check=False)
    assert_one_line_error(bad)
    assert "sometimes" in bad.stderr
