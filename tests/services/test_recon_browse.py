"""The reconciliation board's read side (services/recon_browse.py) on SQLite and PostgreSQL: the
period's lines and orders sorted and filtered in SQL, rows by page, the counts and totals per
source and state, a line's orders, an order's lines and trust chain."""

from datetime import UTC, date, datetime

import pytest

from shop_orders.services.recon_browse import (
    NO_SOURCE,
    LineFilter,
    OrderFilter,
    Period,
    ReconBrowser,
)
from tests.recon_data import FORMULA_MEMO, fill

NOVEMBER = Period.month_of(date(2026, 11, 22), UTC)


@pytest.fixture
def board(db):
    return ReconBrowser(db), fill(db)


def test_a_month_is_its_days_in_the_shops_zone():
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    p = Period.month_of(date(2026, 2, 14), shanghai)
    assert p.start == datetime(2026, 2, 1, tzinfo=shanghai)
    assert p.end == datetime(2026, 3, 1, tzinfo=shanghai)  # the last day included, to its end
    d = Period.month_of(date(2026, 12, 31), UTC)
    assert (d.start, d.end) == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def test_lines_of_the_period_newest_first_and_filtered(board):
    b, r = board
    ids = b.line_ids(LineFilter(NOVEMBER))
    assert ids == [r.lines[k] for k in ("S1", "A5", "A4", "A3", "A2", "A1")]  # A6 is October's
    assert b.line_ids(LineFilter()) [-1] == r.lines["A6"]  # no period: every line
    assert b.line_ids(LineFilter(NOVEMBER, provider="stripe")) == [r.lines["S1"]]
    assert b.line_ids(LineFilter(NOVEMBER, state="open")) == [r.lines["A5"]]
    assert b.line_ids(LineFilter(NOVEMBER, state="excluded")) == [r.lines["A4"]]
    assert b.line_ids(LineFilter(NOVEMBER, kind="fee")) == [r.lines["A3"]]
    assert b.line_ids(LineFilter(NOVEMBER, text="T200P")) == [r.lines["A2"]]
    assert b.line_ids(LineFilter(NOVEMBER, text="王小二")) == [r.lines["A5"]]
    assert b.line_ids(LineFilter(NOVEMBER, text="100%")) == []  # % is a character, not a wildcard
    by_amount = b.line_ids(LineFilter(NOVEMBER), sort="amount", descending=False)
    assert by_amount[0] == r.lines["A4"] and by_amount[-1] == r.lines["A2"]


def test_line_rows_come_in_the_order_asked_with_their_orders(board):
    b, r = board
    rows = b.lines([r.lines["A5"], r.lines["A1"], 10**9])
    assert [x.id for x in rows] == [r.lines["A5"], r.lines["A1"]]  # a missing id left out
    open_line, matched = rows
    assert open_line.state == "open" and open_line.orders == () and open_line.memo == FORMULA_MEMO
    assert matched.orders == (r.numbers["green"],) and matched.rule == "exact" and matched.key == "T-green"
    assert matched.amount_minor == 10000 and matched.currency == "CNY"
    assert matched.occurred_at.astimezone(UTC) == datetime(2026, 11, 10, 6, 0, tzinfo=UTC)


def test_orders_worst_first_and_filtered(board):
    b, r = board
    ids = b.order_ids(OrderFilter(NOVEMBER))
    states = [o.state for o in b.orders(ids)]
    assert states == ["red", "amber", "green", "green", "excluded", "confirmed"]
    assert b.order_ids(OrderFilter(NOVEMBER, state="amber")) == [r.orders["amber"]]
    assert set(b.order_ids(OrderFilter(NOVEMBER, provider="alipay"))) == {r.orders["green"], r.orders["amber"]}
    assert b.order_ids(OrderFilter(NOVEMBER, provider="stripe")) == [r.orders["usd"]]
    assert b.order_ids(OrderFilter(NOVEMBER, text="T-red")) == [r.orders["red"]]
    october = Period.month_of(date(2026, 10, 1), UTC)
    assert b.order_ids(OrderFilter(october)) == []  # created in November, no line in October
    amber = b.order(r.orders["amber"])
    assert amber is not None
    assert (amber.expected_minor, amber.received_minor, amber.difference_minor, amber.line_count) == (
        20000, 19950, -50, 2)
    assert amber.provider == "alipay" and amber.order_no == r.numbers["amber"] and amber.channel == "tmall"
    red = b.order(r.orders["red"])
    assert red is not None and red.provider == NO_SOURCE
    excluded = b.order(r.orders["excluded"])
    assert excluded is not None and (excluded.decided_by, excluded.reason) == ("bea", "paid in cash")


def test_counts_and_totals_per_source_and_state(board):
    b, _r = board
    f = b.figures(NOVEMBER)
    assert f.providers() == ["alipay", "stripe", NO_SOURCE]
    orders = {(x.provider, x.currency, x.state): (x.count, x.expected_minor, x.received_minor, x.difference_minor)
              for x in f.orders}
    assert orders == {
        ("alipay", "CNY", "green"): (1, 10000, 10000, 0),
        ("alipay", "CNY", "amber"): (1, 20000, 19950, -50),
        ("stripe", "USD", "green"): (1, 1999, 1999, 0),
        (NO_SOURCE, "CNY", "red"): (1, 30000, 0, -30000),
        (NO_SOURCE, "CNY", "excluded"): (1, 4000, 0, -4000),
        (NO_SOURCE, "CNY", "confirmed"): (1, 5000, 0, -5000),
    }
    lines = {(x.provider, x.currency, x.state): (x.count, x.amount_minor) for x in f.lines}
    assert lines == {("alipay", "CNY", "matched"): (3, 10000 + 19950 - 60), ("alipay", "CNY", "excluded"): (1, -50000),
                     ("alipay", "CNY", "open"): (1, 5000), ("stripe", "USD", "matched"): (1, 1999)}


def test_a_lines_orders_and_an_orders_lines_and_trail(board, db):
    from shop_orders.services import orders as order_service
    from tests.factories import apply, ctx, run

    b, r = board
    [m] = b.line_orders(r.lines["A2"])
    assert (m.order_no, m.amount_minor, m.rule, m.order_state) == (r.numbers["amber"], 19950, "prefix", "amber")
    assert b.line_orders(r.lines["A5"]) == []
    pairs = b.order_lines(r.orders["amber"])
    assert [(line.id, tie.amount_minor, tie.rule) for line, tie in pairs] == [
        (r.lines["A2"], 19950, "prefix"), (r.lines["A3"], -60, "fee")]
    apply(db, order_service.transition, r.numbers["amber"], "cancelled", context=ctx("alice", "manual", "buyer left"))
    line = r.lines["A3"]

    def line_event(uow):  # a line's own event (services/reconcile.py writes these without an order)
        uow.record(ctx("bea", "manual", "fee checked"), "reconcile", field=f"statement_line#{line}.excluded",
                   old="matched", new="matched")
        uow.record(ctx("bea"), "reconcile", field=f"statement_line#{line}0.excluded", new="x")  # another line

    run(db, line_event)
    trail = b.order_trail(r.orders["amber"])
    assert [e.field for e in trail] == [f"statement_line#{line}.excluded", "status", "order"]  # newest first
    assert trail[0].reason == "fee checked" and trail[-1].action == "create"


def test_counts_and_windows_agree_with_the_id_lists(board):
    b, _r = board
    lf, of = LineFilter(NOVEMBER), OrderFilter(NOVEMBER)
    ids, oids = b.line_ids(lf), b.order_ids(of)
    assert b.line_count(lf) == len(ids) == 6 and b.order_count(of) == len(oids) == 6
    assert [x.id for x in b.line_window(lf, 0, 4)] == ids[:4]
    assert [x.id for x in b.line_window(lf, 4, 4)] == ids[4:]
    assert [x.id for x in b.line_window(lf, 0, 6, "amount", False)] == b.line_ids(lf, "amount", False)
    assert [x.order_id for x in b.order_window(of, 1, 2)] == oids[1:3]
    assert b.line_count(LineFilter(NOVEMBER, provider="stripe")) == 1
    assert b.providers() == ["alipay", "stripe"]
