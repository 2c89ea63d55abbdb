"""Acceptance (issue 28, "Tests and figures"): `shop-orders health --format json` on a shop of a few
hundred orders built through the services (tests/services/health_shop.py: payments, refunds,
scan-outs, the couriers' answers, recalls, tickets by hand and by a rule resolved in and out of
their SLA, a bank statement matched by the rules and by hand, archived orders) gives, for every
figure, the value, the click set's size (`orders`) and the `excluded` count that this file works
out on its own, with the sqlite3 module straight from the store's base tables (orders, payments,
shipments, tickets, statement_lines, line_matches, order_reconciliation), following the words of
domain/health.py's definitions: not through the rollup (order_health), store/health_queries.py or
services/health.py. The previous period is checked the same way, and the Excel export of the same
period holds the same numbers.

"Now" figures (stale orders, open exceptions, the 24 h exclusion) are worked out at a time just
before and just after the command ran; the test first makes sure both give the same answer, so a
threshold crossed while it runs cannot make it flaky."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

import pytest

from tests.services import health_shop

ROOT = Path(__file__).resolve().parents[2]
DAY = timedelta(days=1)
FINISHED = ("completed", "cancelled")
ACTIVE = ("open", "in_progress", "waiting")
STALE_HOURS = 72  # the shop's staleness threshold: the default (the test store sets none)


def _t(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _secs(a: datetime | None, b: datetime | None) -> int | None:
    """b - a in whole seconds, never negative (a courier's clock before ours counts 0)."""
    if a is None or b is None:
        return None
    return max(0, int((b - a).total_seconds()))


def _share(part: int | float, whole: int | float) -> float | None:
    return None if not whole else 100.0 * part / whole


def _med(values: list[int]) -> float | None:
    return float(median(values)) if values else None


@dataclass
class Expect:
    value: float | None
    orders: int
    excluded: int = 0


class Store:
    """The store's base rows, read with sqlite3 and nothing of ours."""

    def __init__(self, path: Path) -> None:
        c = sqlite3.connect(path)
        try:
            self.orders = {r[0]: dict(channel=r[1], status=r[2], archived=bool(r[3]), created=_t(r[4]),
                                      updated=_t(r[5]))
                           for r in c.execute("SELECT id, channel, status, archived, created_at, updated_at "
                                              "FROM orders")}
            self.payments = [(o, amount, _t(at)) for o, amount, at in
                             c.execute("SELECT order_id, amount_minor, paid_at FROM payments")]
            self.parcels = [dict(order=r[0], id=r[1], shipped=_t(r[2]), courier=r[3], number=r[4], picked=_t(r[5]),
                                 delivered=_t(r[6]), pickup_seen=_t(r[7]), delivered_seen=_t(r[8]),
                                 recalled=_t(r[9]))
                            for r in c.execute("SELECT order_id, id, shipped_at, courier, tracking_no, picked_up_at, "
                                               "delivered_at, pickup_seen_at, delivered_seen_at, recalled_at "
                                               "FROM shipments")]
            self.tickets = [dict(id=r[0], order=r[1], state=r[2], source=r[3], opened=_t(r[4]), resolved=_t(r[5]),
                                 used=r[6], sla=r[7], kind=r[8])
                            for r in c.execute("SELECT id, order_id, state, source, opened_at, resolved_at, "
                                               "used_seconds, sla_seconds, kind FROM tickets")]
            self.held = list(c.execute("SELECT ticket_id, order_id FROM ticket_orders"))
            self.lines = [dict(id=r[0], kind=r[1], amount=r[2], at=_t(r[3]), state=r[4], rule=r[5])
                          for r in c.execute("SELECT id, kind, amount_minor, occurred_at, state, rule "
                                             "FROM statement_lines")]
            self.matches = list(c.execute("SELECT line_id, order_id, rule FROM line_matches"))
            self.recon = dict(c.execute("SELECT order_id, state FROM order_reconciliation"))
            self.staleness_set = c.execute("SELECT count(*) FROM settings WHERE key = 'staleness'").fetchone()[0]
        finally:
            c.close()
        self.live = {i for i, o in self.orders.items() if not o["archived"]}
        self.paid_at: dict[int, datetime] = {}
        self.paid: dict[int, int] = {}
        self.refunded: dict[int, int] = {}
        for o, amount, at in self.payments:
            if amount > 0:
                self.paid[o] = self.paid.get(o, 0) + amount
                self.paid_at[o] = min(self.paid_at.get(o, at), at)
            else:
                self.refunded[o] = self.refunded.get(o, 0) - amount
        self.first: dict[int, dict] = {}  # the order's first parcel that was not recalled
        for p in sorted(self.parcels, key=lambda p: (p["shipped"], p["id"])):
            if p["recalled"] is None and p["order"] not in self.first:
                self.first[p["order"]] = p

    # --- the figures, one function each, in domain/health.py's words ----------------------------

    def placed(self, a: datetime, b: datetime) -> list[int]:
        return [i for i in self.live if a <= self.orders[i]["created"] < b]

    def orders_figure(self, a, b, now) -> Expect:
        n = len(self.placed(a, b))
        return Expect(n, n)

    def stale(self, a, b, now) -> Expect:
        cut = now - timedelta(hours=STALE_HOURS)
        n = sum(1 for i in self.live if self.orders[i]["status"] not in FINISHED and self.orders[i]["updated"] <= cut)
        return Expect(n, n)

    def paid_in(self, a, b) -> list[int]:
        return [i for i in self.live if i in self.paid_at and a <= self.paid_at[i] < b]

    def ship_24h(self, a, b, now) -> Expect:
        """Scanned out within 24 h of payment; paid less than 24 h ago and not shipped yet (or
        cancelled without shipping) excluded."""
        within = missed = excluded = 0
        for i in self.paid_in(a, b):
            parcel = self.first.get(i)
            if parcel is None:
                if self.paid_at[i] > now - DAY or self.orders[i]["status"] == "cancelled":
                    excluded += 1
                else:
                    missed += 1
            elif _secs(self.paid_at[i], parcel["shipped"]) <= 24 * 3600:
                within += 1
            else:
                missed += 1
        return Expect(_share(within, within + missed), missed, excluded)

    def scanned_out(self, a, b) -> list[dict]:
        return [p for i, p in self.first.items() if i in self.live and a <= p["shipped"] < b]

    def pickup_gap(self, a, b, now) -> Expect:
        rows = self.scanned_out(a, b)
        gaps = sorted(g for p in rows if (g := _secs(p["shipped"], p["picked"])) is not None)
        med = _med(gaps)
        return Expect(None if med is None else med / 60, sum(1 for g in gaps if g > 15 * 60), len(rows) - len(gaps))

    def delivery(self, a, b, now) -> Expect:
        rows = self.scanned_out(a, b)
        took = sorted(d for p in rows if (d := _secs(p["picked"], p["delivered"])) is not None)
        med = _med(took)
        return Expect(None if med is None else med / 3600, len(took), len(rows) - len(took))

    def sync_delay(self, a, b, now) -> Expect:
        """Minutes from the courier's pickup or delivery to the store hearing of it; a time the
        courier gave that the store has no record of hearing is excluded and counted."""
        delays, slow, missing = [], 0, 0
        for p in self.scanned_out(a, b):
            mine = [_secs(p["picked"], p["pickup_seen"]), _secs(p["delivered"], p["delivered_seen"])]
            missing += (p["picked"] is not None and mine[0] is None) + (p["delivered"] is not None and mine[1] is None)
            delays += [d for d in mine if d is not None]
            slow += any(d is not None and d > 3 * 60 for d in mine)  # the green threshold, 3 minutes
        med = _med(sorted(delays))
        return Expect(None if med is None else med / 60, slow, missing)

    def recalled(self, a, b, now) -> Expect:
        n = len({p["order"] for p in self.parcels if p["order"] in self.live and p["recalled"] is not None
                 and a <= p["recalled"] < b})
        return Expect(n, n)

    def open_exceptions(self, a, b, now) -> Expect:
        active = {t["id"] for t in self.tickets if t["state"] in ACTIVE}
        orders = {t["order"] for t in self.tickets if t["id"] in active} | {o for tid, o in self.held if tid in active}
        n = len(orders & self.live)
        return Expect(n, n)

    def exception_auto(self, a, b, now) -> Expect:
        opened = [t for t in self.tickets if t["order"] in self.live and a <= t["opened"] < b]
        by_rule = [t for t in opened if t["source"].startswith("rule:")]
        by_hand = {t["order"] for t in opened if not t["source"].startswith("rule:")}
        return Expect(_share(len(by_rule), len(opened)), len(by_hand))

    def sla_hit(self, a, b, now) -> Expect:
        done = [t for t in self.tickets if t["order"] in self.live and t["resolved"] is not None
                and a <= t["resolved"] < b]
        hit = [t for t in done if t["used"] < t["sla"]]
        return Expect(_share(len(hit), len(done)), len({t["order"] for t in done if t["used"] >= t["sla"]}))

    def refund_rate(self, a, b, now) -> Expect:
        paid = self.paid_in(a, b)
        refunded = [i for i in paid if self.refunded.get(i, 0) > 0]
        return Expect(_share(len(refunded), len(paid)), len(refunded))

    def recon_red(self, a, b, now) -> Expect:
        n = sum(1 for i in self.paid_in(a, b) if self.recon.get(i) == "red")
        return Expect(n, n)

    def lines_in(self, a, b) -> list[dict]:
        return [x for x in self.lines if a <= x["at"] < b]

    def recon_auto(self, a, b, now) -> Expect:
        matched = [x for x in self.lines_in(a, b) if x["state"] == "matched"]
        auto = sum(abs(x["amount"]) for x in matched if x["rule"] != "manual")
        total = sum(abs(x["amount"]) for x in matched)
        ids = {x["id"] for x in self.lines_in(a, b)}
        by_hand = {o for line, o, rule in self.matches if line in ids and rule == "manual" and o in self.live}
        return Expect(_share(auto, total), len(by_hand))

    def id_consistency(self, a, b, now) -> Expect:
        """The period's sale lines (payments and refunds not excluded) and parcels scanned out,
        each tied to exactly one order or not."""
        orders_of: dict[int, set[int]] = {}
        for line, o, _rule in self.matches:
            orders_of.setdefault(line, set()).add(o)
        lines = [x for x in self.lines_in(a, b) if x["kind"] in ("payment", "refund") and x["state"] != "excluded"]
        one = sum(1 for x in lines if len(orders_of.get(x["id"], ())) == 1)
        by_number: dict[str, set[int]] = {}
        for p in self.parcels:
            if p["recalled"] is None and p["number"]:
                by_number.setdefault(p["number"], set()).add(p["order"])
        parcels = [p for p in self.scanned_out(a, b) if p["number"]]
        alone = sum(1 for p in parcels if by_number[p["number"]] == {p["order"]})
        sharing = ({o for x in lines if len(orders_of.get(x["id"], ())) > 1 for o in orders_of[x["id"]]}
                   | {p["order"] for p in parcels if len(by_number[p["number"]]) > 1})
        return Expect(_share(one + alone, len(lines) + len(parcels)), len(sharing & self.live))

    FIGURES = {"sync_delay": sync_delay, "recon_auto": recon_auto, "exception_auto": exception_auto,
               "id_consistency": id_consistency, "orders": orders_figure, "stale": stale, "ship_24h": ship_24h,
               "pickup_gap": pickup_gap, "delivery": delivery, "recalled": recalled,
               "open_exceptions": open_exceptions, "sla_hit": sla_hit, "refund_rate": refund_rate,
               "recon_red": recon_red}
    NOW_ONLY = ("stale", "open_exceptions")  # no previous period

    def expect(self, key: str, a: datetime, b: datetime, now: datetime) -> Expect:
        return self.FIGURES[key](self, a, b, now)


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(db), *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def _local_days(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(last + DAY, time(0), tzinfo=tz).astimezone(UTC))


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The shop, built once for this file (in a data folder of its own: the store's audit key)."""
    from shop_orders.services.context import install_rules
    from shop_orders.store.open import open_database

    root = tmp_path_factory.mktemp("health-shop")
    home = {"XDG_DATA_HOME": str(root / "xdg"), "XDG_CONFIG_HOME": str(root / "xdg" / "config")}
    saved = {k: os.environ.get(k) for k in home}
    os.environ.update(home)
    try:
        install_rules()  # the units of work run the detection rules, as in the app
        db = open_database(root / "shop.sqlite3", data_dir=root / "xdg" / "ShopOrders", create=True)
        try:
            built = health_shop.build(db, root)
        finally:
            db.dispose()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return root / "shop.sqlite3", home, built


def _run_health(shop, monkeypatch, *args: str) -> tuple[dict, Store, datetime, datetime]:
    path, home, _built = shop
    for k, v in home.items():
        monkeypatch.setenv(k, v)
    before = datetime.now(UTC)
    res = _cli(path, "health", "--format", "json", *args)
    after = datetime.now(UTC)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout), Store(path), before, after


def test_every_figure_of_the_json_agrees_with_counts_made_from_the_stores_rows(shop, monkeypatch):
    tz = ZoneInfo(health_shop.ZONE)
    for _ in range(2):  # run again if the local day turned while the command ran (it cannot twice)
        got, store, before, after = _run_health(shop, monkeypatch)
        today = after.astimezone(tz).date()
        if before.astimezone(tz).date() == today:
            break
    assert before.astimezone(tz).date() == today
    assert store.staleness_set == 0  # so the threshold is the default STALE_HOURS
    assert (got["period"]["first_day"], got["period"]["last_day"]) == ((today - 6 * DAY).isoformat(), today.isoformat())
    assert (got["previous"]["first_day"], got["previous"]["last_day"]) == (
        (today - 13 * DAY).isoformat(), (today - 7 * DAY).isoformat())
    assert got["channel"] is None
    a, b = _local_days(today - 6 * DAY, today, tz)
    pa, pb = _local_days(today - 13 * DAY, today - 7 * DAY, tz)
    figures = {f["key"]: f for f in got["figures"]}
    assert list(figures) == list(Store.FIGURES)  # every figure, in domain/health.py's order
    for key, f in figures.items():
        want = store.expect(key, a, b, before)
        assert want == store.expect(key, a, b, after), f"{key}: changed while the command ran; run again"
        assert (f["orders"], f["excluded"]) == (want.orders, want.excluded), key
        assert f["value"] == pytest.approx(want.value, abs=1e-3), key
        if key in Store.NOW_ONLY:
            assert f["previous"] is None, key
        else:
            assert f["previous"] == pytest.approx(store.expect(key, pa, pb, before).value, abs=1e-3), key
        assert f["unit"] in ("percent", "minutes", "hours", "count") and f["light"] in ("green", "amber", "red", "none")

    # the shop is not a trivial one: each figure measured something, both ways where there are two
    assert figures["orders"]["value"] > 50 and figures["ship_24h"]["orders"] > 0 and figures["ship_24h"]["excluded"] >= 0
    assert figures["pickup_gap"]["excluded"] > 0 and figures["delivery"]["excluded"] > 0  # no pickup: excluded, counted
    assert 0 < figures["exception_auto"]["value"] < 100 and 0 < figures["sla_hit"]["value"] < 100
    assert 0 < figures["recon_auto"]["value"] < 100 and figures["refund_rate"]["orders"] > 0
    assert figures["recalled"]["value"] + figures["recalled"]["previous"] > 0
    assert min(figures["id_consistency"]["value"], figures["id_consistency"]["previous"]) < 100  # a shared number
    # an archived order is never counted: it is in the store, and in no figure
    assert len(store.placed(a, b)) < sum(1 for o in store.orders.values() if a <= o["created"] < b)

    # the breakdowns add up to their figure, and a part's orders are the orders it counts
    orders = figures["orders"]
    statuses = [p for p in orders["parts"] if p["part"].startswith("status:")]
    channels = [p for p in orders["parts"] if p["part"].startswith("channel:")]
    assert sum(p["orders"] for p in statuses) == sum(p["orders"] for p in channels) == orders["orders"]
    placed = store.placed(a, b)
    for p in statuses:
        assert p["orders"] == sum(1 for i in placed if store.orders[i]["status"] == p["part"][7:]), p
    for p in channels:
        assert p["orders"] == sum(1 for i in placed if store.orders[i]["channel"] == p["part"][8:]), p
    per_day = next(c for c in got["charts"] if c["key"] == "orders_per_day")
    assert [p["part"] for p in per_day["points"]] == [f"day:{(today - (6 - i) * DAY).isoformat()}" for i in range(7)]
    assert sum(p["orders"] for p in per_day["points"]) == orders["value"]
    for p in per_day["points"]:
        day = date.fromisoformat(p["part"][4:])
        lo, hi = _local_days(day, day, tz)
        assert p["orders"] == len(store.placed(lo, hi)), p
    couriers = [p for p in figures["pickup_gap"]["parts"] if p["part"].startswith("courier:")]
    assert sum(p["orders"] for p in couriers) == figures["pickup_gap"]["measured"]
    for p in couriers:
        gaps = sorted(g for q in store.scanned_out(a, b) if q["courier"] == p["part"][8:]
                      and (g := _secs(q["shipped"], q["picked"])) is not None)
        assert (p["orders"], p["value"]) == (len(gaps), pytest.approx(_med(gaps) / 60, abs=1e-3)), p


def test_a_channel_and_a_chosen_range_agree_with_the_stores_rows_too(shop, monkeypatch):
    tz = ZoneInfo(health_shop.ZONE)
    today = datetime.now(UTC).astimezone(tz).date()
    first, last = today - 10 * DAY, today - 2 * DAY
    got, store, before, after = _run_health(shop, monkeypatch, "--from", first.isoformat(), "--to", last.isoformat(),
                                            "--channel", "jd")
    assert (got["period"]["first_day"], got["period"]["last_day"], got["channel"]) == (
        first.isoformat(), last.isoformat(), "jd")
    a, b = _local_days(first, last, tz)
    jd = {i for i, o in store.orders.items() if o["channel"] == "jd"}
    store.live &= jd  # every figure of one channel: its orders; statement lines through the orders they pay
    store.lines = [x for x in store.lines if any(line == x["id"] and o in jd for line, o, _ in store.matches)]
    for f in got["figures"]:
        want = store.expect(f["key"], a, b, before)
        assert want == store.expect(f["key"], a, b, after), f["key"]
        assert (f["orders"], f["excluded"]) == (want.orders, want.excluded), f["key"]
        assert f["value"] == pytest.approx(want.value, abs=1e-3), f["key"]


def test_the_excel_export_holds_the_same_numbers(shop, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    got, _store, _before, _after = _run_health(shop, monkeypatch)
    path, _home, _built = shop
    out = tmp_path / "health.xlsx"
    res = _cli(path, "health", "export", str(out), "--lang", "en")
    assert res.returncode == 0, res.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["Figures", "Breakdown", "Per day"]
    ws = wb["Figures"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("Figure", "Value", "Unit", "Previous", "Against previous", "Light", "Orders", "Measured",
                         "Excluded", "Beside it", "Definition"))
    assert rows[1][0] == f"Period: {got['period']['first_day']} to {got['period']['last_day']}"
    assert rows[3][0] == "Channel: every channel"
    from shop_orders.domain.health import FIGURES

    body = rows[header + 1:header + 1 + len(FIGURES)]
    for d, row, f in zip(FIGURES, body, got["figures"], strict=True):
        assert row[0] == d.title and row[10] == d.definition
        assert (row[6], row[7], row[8]) == (f["orders"], f["measured"], f["excluded"])
        assert (row[1] is None) == (f["value"] is None)
        if f["value"] is not None:
            assert row[1] == pytest.approx(f["value"], abs=1e-3)
    cell = ws.cell(row=header + 2, column=7)
    assert cell.data_type == "n" and cell.number_format == "#,##0"
