"""`shop-orders reconcile` through real subprocesses (issue 27 item 6): the run prints the lines
matched per rule and the orders per state, `reconcile list` gives codes in json and a table for
people (in either language), a match by hand, an exclusion, the two-person rule on a large match
(approved by another person with `bulk approve`), and every refusal one line on stderr with
nothing changed.

The statement lines are written into the store directly (sqlite3), as an import would leave them:
this file tests the matching's command line, not a statement format."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.test_cli import assert_one_line_error, run

PASSWORDS = {"olivia": "olivia-secret-1", "max": "max-secret-1", "sam": "sam-secret-1", "bob": "bob-secret-1"}


class Shop:
    def __init__(self, db, home) -> None:
        self.db = db
        self.env = {"XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}

    def as_(self, user: str, *args, check: bool = True, env: dict | None = None):
        return run("--user", user, *args, db=self.db, check=check,
                   env={**self.env, "SHOP_ORDERS_PASSWORD": PASSWORDS[user], **(env or {})})

    def listed(self, *args) -> dict[str, dict]:
        return {o["order_id"]: o for o in json.loads(self.as_("bob", "reconcile", "list", "--format", "json",
                                                              *args).stdout)}

    def sql(self, query: str, *params):
        with sqlite3.connect(self.db) as c:
            rows = c.execute(query, params).fetchall()
        c.close()
        return rows


def _lines(db, rows: list[tuple]) -> list[int]:
    """A bank statement's lines as an import leaves them: (kind, amount, merchant no, memo)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.000000")
    with sqlite3.connect(db) as c:
        cur = c.execute("INSERT INTO statements (provider, format, account, file_name, file_sha256, line_count, "
                        "imported_at, imported_by, digest) VALUES ('bank', 'bank_csv', 'CN12', 'bank.csv', ?, ?, ?, "
                        "'olivia', '')", ("0" * 64, len(rows), now))
        sid = cur.lastrowid
        ids = []
        for i, (kind, amount, merchant, memo) in enumerate(rows, 1):
            cur = c.execute("INSERT INTO statement_lines (statement_id, provider, external_id, row_no, kind, "
                            "amount_minor, fee_minor, currency, presentment_currency, occurred_at, merchant_order_no, "
                            "provider_txn, refund_no, platform_order_no, original_txn, payout_id, memo, counterparty, "
                            "state, rule, reason, decided_by) VALUES (?, 'bank', ?, ?, ?, ?, 0, 'CNY', '', ?, ?, '', "
                            "'', '', '', '', ?, '', 'open', '', '', '')",
                            (sid, f"cli-{sid}-{i}", i, kind, amount, now, merchant, memo))
            ids.append(cur.lastrowid)
    c.close()
    return ids


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Shop:
    root = tmp_path_factory.mktemp("reconcile-shop")
    s = Shop(root / "shop.sqlite3", root / "home")
    run("demo", "--orders", "30", "--seed", "4", db=s.db, env=s.env)
    run("init", "--owner", "olivia", db=s.db, env={**s.env, "SHOP_ORDERS_PASSWORD": PASSWORDS["olivia"]})
    for name, role in (("max", "manager"), ("sam", "service"), ("bob", "bookkeeper")):
        s.as_("olivia", "users", "add", name, "--role", role, env={"SHOP_ORDERS_NEW_PASSWORD": PASSWORDS[name]})
    return s


def test_run_list_match_exclude_and_the_refusals(shop):
    orders = shop.sql("SELECT order_no, channel_order_no, paid_minor FROM orders WHERE paid_minor > 20000 "
                      "AND currency = 'CNY' AND archived = 0 ORDER BY id LIMIT 5")
    assert len(orders) == 5
    (a, a_no, a_paid), (b, b_no, b_paid), (c, c_no, c_paid), (d, _d_no, _d_paid), (e, _e_no, _e_paid) = orders
    lines = _lines(shop.db, [
        ("payment", a_paid, a_no, ""),  # exact
        ("payment", b_paid - b_paid * 5 // 1000, "", f"转账 货款 {b_no}"),  # memo, within 0.5%: amber
        ("payment", c_paid // 2, c_no, ""),  # half of what the order says: red
        ("payment", 12345, "", "no number at all"),  # stays open
        ("transfer", -500000, "", "转到余额宝"),  # not a sale
        ("payment", 250000, "", "a big one"),  # over the owner's threshold by hand
    ])
    res = shop.as_("bob", "reconcile")
    assert res.stdout.splitlines()[0] == ("Matched 3 statement lines (order number 2, number in the memo 1); "
                                          "1 excluded as not sales; 2 still open.")
    assert "Orders: matched 1, small difference 1, disagrees 1, excluded 0, confirmed by hand 0." in res.stdout
    assert "Payment tickets: 1 opened, 0 resolved." in res.stdout
    listed = shop.listed()
    assert set(listed) == {a, b, c}
    assert (listed[a]["state"], listed[a]["lines"], listed[a]["difference"]) == ("green", [lines[0]], "0.00")
    assert listed[b]["state"] == "amber" and listed[b]["lines"] == [lines[1]]
    assert listed[c]["state"] == "red" and listed[c]["received"] != listed[c]["expected"]
    assert set(shop.listed("--state", "red")) == {c}
    again = shop.as_("bob", "reconcile").stdout
    assert again.startswith("Matched 0 statement lines (none); 0 excluded as not sales; 2 still open.")

    assert shop.as_("bob", "reconcile", "match", lines[3], d.lower(), "--reason", "the buyer called").stdout == \
        f"Statement line #{lines[3]} matched to {d}.\n"
    assert shop.listed()[d]["lines"] == [lines[3]]
    res = shop.as_("bob", "reconcile", "match", lines[5], e, "--reason", "big buyer")
    change_set = int(res.stdout.split("change set #")[1].split()[0])
    assert e not in shop.listed()
    shop.as_("max", "bulk", "approve", change_set)
    assert shop.listed()[e]["lines"] == [lines[5]]
    shop.as_("bob", "reconcile", "confirm", c, "--reason", "the rest was paid in cash")
    assert shop.listed()[c]["state"] == "confirmed" and shop.listed()[c]["decided_by"] == "bob"

    before = shop.sql("SELECT * FROM line_matches ORDER BY line_id"), shop.sql("SELECT count(*) FROM audit_events")
    for user, args, says in [
        ("bob", ("reconcile", "match", lines[0], b, "--reason", "x"),
         f"Statement line #{lines[0]} is already matched to {a}; unmatch it first to match it to {b}."),
        ("sam", ("reconcile", "exclude", lines[3], "--reason", "x"),
         "Customer service may not reconcile statements with orders (match, exclude, confirm)"),
        ("bob", ("reconcile", "exclude", 999999, "--reason", "x"), "There is no statement line #999999."),
        ("bob", ("reconcile", "match", lines[3], "SO-20990101-000001", "--reason", "x"),
         "There is no order SO-20990101-000001."),
        ("bob", ("reconcile", "--from", "2026-13-01"), "--from '2026-13-01' is not a date"),
        ("bob", ("reconcile", "unmatch", lines[0], "--reason", "  "), "Say why"),
    ]:
        res = shop.as_(user, *args, check=False)
        assert_one_line_error(res)
        assert says in res.stderr, (args, res.stderr)
    assert (shop.sql("SELECT * FROM line_matches ORDER BY line_id"),
            shop.sql("SELECT count(*) FROM audit_events")) == before
    res = shop.as_("bob", "reconcile", "match", lines[3], a, check=False)
    assert res.returncode == 2 and "--reason" in res.stderr  # argparse: the reason is required

    res = shop.as_("bob", "reconcile", "unmatch", lines[4], "--reason", "it was a sale after all")
    assert res.stdout == f"Statement line #{lines[4]} is open again.\n"

    # the list in Chinese (in this test: it lists what the steps above made, whatever ran before)
    res = shop.as_("bob", "--lang", "zh_CN", "reconcile", "list")
    header = res.stdout.splitlines()[0].split()
    assert header == ["订单", "状态", "应收", "实收", "差额", "对账单明细"], header
    assert "已人工确认" in res.stdout and "已对平" in res.stdout
    res = shop.as_("sam", "--lang", "zh_CN", "reconcile", check=False)
    assert res.returncode == 1 and res.stderr == "错误：“客服”不能将对账单与订单核对（匹配、排除、确认）（由老板在权限中设置）。\n"


def test_the_date_window_takes_whole_local_days(shop):
    res = shop.as_("bob", "reconcile", "--from", "2026-11-02", "--to", "2026-11-01", check=False)
    assert_one_line_error(res)
    assert "The period starts after it ends (--from 2026-11-02, --to 2026-11-01)." in res.stderr
    day = (datetime.now() - timedelta(days=400)).strftime("%Y-%m-%d")
    res = shop.as_("bob", "reconcile", "--from", day, "--to", day)
    assert res.stdout.startswith("Matched 0 statement lines (none); 0 excluded as not sales; 0 still open.")
