"""Benchmark: the health dashboard's refresh at 1,000,000 orders (issue 28: goal at most 200 ms and at
most 3x the bare queries), against the same aggregate queries run bare with sqlite3 in the same run.

The store (untimed, kept with --keep DIR so the million orders are built once): migrated by the app
(its audit key, its schema at head), the shop's time zone Asia/Shanghai, then its rows written
straight into the tables with sqlite3 executemany (the tables' indexes dropped and built again
after), the shape of a busy Chinese shop over two years up to NOW:
- --orders N (default 1,000,000) orders, ~1,370 a day, across 8 channels (taobao, tmall, jd,
  pinduoduo, douyin, wechat in CNY; shopify in USD, amazon in GBP), every status;
- their payments: 95% paid 1-30 min after the order; ~3% of the shipped ones refunded (part or
  whole) later, and the paid orders that were never shipped refunded whole (cancelled);
- ~90% shipped with a parcel 0-48 h after payment (92% within 24 h), 98% of those picked up
  1-120 min after scan-out (70% within 15), 99% of those delivered 1-5 days later,
  pickup_seen_at / delivered_seen_at 0-60 min after the courier's time (80% within 3);
  ~0.5% of the orders had a parcel recalled (invalid number) and a second one sent; a few parcels
  share a tracking number with another order's;
- ~0.3% of the old orders archived; ~28,000 unfinished orders stale now (the parcels never picked up
  stay shipped, 2% of the paid orders never shipped stay awaiting shipment): a harsh case for the
  stale figure, whose reads grow with the stale orders;
- --tickets (default 10,000) exception tickets on distinct orders over the two years, 85% opened by
  the rules (stuck, payment, logistics), the others by hand; the old ones resolved or closed, 85%
  within their SLA; the last days' still open;
- the last 62 days' statement lines (Alipay and WeChat Pay, one statement file a month): a line per
  paid order (95%), matched by rule (exact, prefix, amount_time) or by hand (5%), a few paying two
  orders, fee lines matched by rule; the orders' reconciliation states (green, amber, red,
  confirmed; red for the paid orders without a line).
Then `store.health_rollup.rebuild` fills the rollup (timed: the rebuild's time is printed).

The refresh: services.health.report(db, span=..., channel=None, now=NOW) for today, 7d and 30d,
wall clock, in this process, after one untimed run per span (SQLAlchemy's statement cache and the
page cache warm for both sides). The bare queries: the statements report() sends, caught with
SQLAlchemy's before_cursor_execute event during that untimed run, with their bound values, replayed
with the sqlite3 module on the same file, one after the other on one connection, every row fetched.
The two are interleaved run by run (the machine's drift cancels); median and max of --runs; the
ratio refresh / bare of the medians. With --plans each statement's time and its EXPLAIN QUERY PLAN
(the slowest first) are printed.

Once, on the same store: `health_rollup.differences` (a whole compare of the rollup with the live
rows, read only) and `health_rollup.rebuild` (in a transaction rolled back: the kept store is not
changed). With --migration: migration 0019 (parcels' seen times, the rollup created and backfilled)
on a copy of the store taken back to 0018, timed as `shop-orders` runs it when opening an older
store; --migrate-from DIR does the same on another kept store (e.g. bench_reconcile's prepared one,
at 0017: taken to 0018 first, untimed).

    python3 tests/bench/bench_health.py [--orders 1000000] [--runs 9] [--keep DIR] [--channel C] [--plans]
        [--migration] [--migrate-from DIR] [--no-rebuild]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOAL_MS, GOAL_RATIO = 200.0, 3.0
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
DAYS = 730
LAYOUT = 1  # the shape build() writes (a kept store of another layout is built again)
OWNER = ("olivia", "owner")
CHANNELS = {"taobao": 26, "tmall": 10, "jd": 18, "pinduoduo": 16, "douyin": 14, "wechat": 8, "shopify": 5,
            "amazon": 3}
CURRENCY = {"shopify": "USD", "amazon": "GBP"}
COURIERS = (("顺丰速运", "SF", 22), ("中通快递", "ZT", 25), ("圆通速递", "YT", 20), ("京东物流", "JD", 15),
            ("韵达快递", "YD", 12), ("EMS", "EM", 6))
TICKET_KINDS = (("stuck", "rule:stuck", 4 * 3600, 2, 30), ("payment", "rule:payment", 2 * 3600, 1, 25),
                ("logistics", "rule:logistics", 24 * 3600, 2, 30), ("address", "manual", 3600, 1, 5),
                ("return", "manual", 48 * 3600, 2, 6), ("out_of_stock", "manual", 4 * 3600, 1, 2),
                ("other", "manual", 8 * 3600, 3, 2))


def stamp(moment: datetime | None) -> str | None:
    """A UTC instant as the store keeps it on SQLite (naive UTC text)."""
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def open_store(folder: Path, create: bool = False):
    from shop_orders.store.open import open_database

    return open_database(folder / "shop.sqlite3", data_dir=folder / "data", create=create)


# ---- the store (untimed) ---------------------------------------------------------------------------

class Rows:
    """Rows for one table, the NOT NULL columns not given filled as the models' Python-side defaults
    would ('' or 0), so bare INSERTs meet the schema."""

    def __init__(self, c: sqlite3.Connection, table: str, given: tuple[str, ...]) -> None:
        info = c.execute(f"PRAGMA table_info({table})").fetchall()
        extra = [(name, 0 if "INT" in (kind or "").upper() or "BOOL" in (kind or "").upper() else "")
                 for _, name, kind, notnull, default, pk in info
                 if notnull and not pk and default is None and name not in given]
        self.columns = (*given, *(n for n, _ in extra))
        self.fill = tuple(v for _, v in extra)
        self.table = table
        self.rows: list[tuple] = []

    def add(self, *values: object) -> None:
        self.rows.append((*values, *self.fill))

    def write(self, c: sqlite3.Connection) -> int:
        marks = ", ".join("?" * len(self.columns))
        c.executemany(f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})", self.rows)
        n, self.rows = len(self.rows), []
        return n


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


class Shop:
    """The rows of one store, built order by order (see the module's docstring for the shape)."""

    def __init__(self, c: sqlite3.Connection, n: int, n_tickets: int) -> None:
        self.c, self.n, self.rng = c, n, random.Random(28)
        self.orders = Rows(c, "orders", ("id", "order_no", "channel", "channel_order_no", "buyer", "recipient",
                                         "phone", "address", "currency", "total_minor", "paid_minor", "courier",
                                         "tracking_no", "status", "created_at", "updated_at", "version", "archived",
                                         "amount_known"))
        self.payments = Rows(c, "payments", ("order_id", "amount_minor", "method", "reference", "paid_at"))
        self.parcels = Rows(c, "shipments", ("order_id", "courier", "tracking_no", "items", "shipped_at",
                                             "track_state", "track_checked_at", "picked_up_at", "delivered_at",
                                             "recalled_at", "pickup_seen_at", "delivered_seen_at"))
        self.paid: list[tuple[int, str, str, int, datetime]] = []  # recent paid orders: statement lines
        self.tickets_wanted = n_tickets
        self.counts: dict[str, int] = {}
        self.last_tracking = ""

    def count(self, key: str, k: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + k

    def seen(self, at: datetime | None) -> datetime | None:
        """When the store heard of a courier's event: 80% within 3 minutes, the rest within the hour."""
        if at is None:
            return None
        r = self.rng
        late = at + timedelta(seconds=r.randint(5, 180) if r.random() < 0.8 else r.randint(180, 3600))
        return late if late <= NOW else None

    def parcel(self, oid: int, shipped: datetime, courier: tuple[str, str, int], recalled: bool) -> tuple:
        """One parcel's row values after its courier's news up to NOW; returns (status, last event, tracking)."""
        r = self.rng
        name, prefix, _ = courier
        tracking = prefix + f"{r.randrange(10 ** 12):012d}"
        if r.random() < 0.0005 and self.last_tracking:  # a number typed twice: two orders, one parcel
            tracking = self.last_tracking
            self.count("shared_tracking")
        self.last_tracking = tracking
        if recalled:
            back = shipped + timedelta(hours=r.uniform(1, 6))
            self.parcels.add(oid, name, tracking, '{"1": 1}', stamp(shipped), "invalid_number", stamp(back), None, None,
                             stamp(back), None, None)
            return "recalled", back, tracking
        picked = delivered = None
        if r.random() < 0.98:
            gap = r.randint(60, 900) if r.random() < 0.7 else r.randint(900, 7200)
            if shipped + timedelta(seconds=gap) <= NOW:
                picked = shipped + timedelta(seconds=gap)
        if picked is not None and r.random() < 0.99:
            at = picked + timedelta(seconds=r.randint(86400, 5 * 86400))
            delivered = at if at <= NOW else None
        state = "delivered" if delivered else ("in_transit" if picked else "info_received")
        picked_seen, delivered_seen = self.seen(picked), self.seen(delivered)
        checked = max(x for x in (shipped, picked_seen, delivered_seen) if x is not None)
        self.parcels.add(oid, name, tracking, '{"1": 1}', stamp(shipped), state, stamp(checked), stamp(picked),
                         stamp(delivered), None, stamp(picked_seen), stamp(delivered_seen))
        self.count("parcels")
        self.count("picked_up" if picked else "not_picked_up")
        return ("completed" if delivered else "shipped"), checked, tracking

    def order(self, i: int) -> None:
        r, oid = self.rng, i + 1
        step = DAYS * 86400 / self.n
        created = NOW - timedelta(days=DAYS) + timedelta(seconds=i * step + r.uniform(0, step))
        channel = _pick(r, CHANNELS)
        currency = CURRENCY.get(channel, "CNY")
        total = r.randint(990, 99_900)
        paid_minor, status, updated, courier_name, tracking = 0, "", created, "", ""
        if r.random() < 0.05:  # never paid
            status = "awaiting_payment" if NOW - created < timedelta(days=1) else "cancelled"
        else:
            paid_at = created + timedelta(seconds=r.randint(60, 1800))
            if paid_at > NOW:
                paid_at = created
            method = "alipay" if r.random() < 0.7 else "wechat"
            self.payments.add(oid, total, method if currency == "CNY" else "card", f"P{oid:012d}", stamp(paid_at))
            paid_minor, updated = total, paid_at
            if NOW - paid_at < timedelta(days=62) and currency == "CNY":
                self.paid.append((oid, channel, method, total, paid_at))
            status, updated, courier_name, tracking = self.fulfil(oid, paid_at, total)
            if status == "cancelled":
                self.payments.add(oid, -total, "alipay", f"R{oid:012d}", stamp(updated))
                self.count("refunds")
            elif status == "completed" and r.random() < 0.03:  # refunded afterwards, in part or whole
                back = total if r.random() < 0.4 else total // 3
                at = updated + timedelta(days=r.uniform(0.5, 7))
                if at <= NOW:
                    self.payments.add(oid, -back, "alipay", f"R{oid:012d}", stamp(at))
                    self.count("refunds")
                    updated = at
        archived = status in ("completed", "cancelled") and NOW - updated > timedelta(days=180) and r.random() < 0.003
        self.count("archived", archived)
        self.count(status)
        day = created.strftime("%Y%m%d")
        self.orders.add(oid, f"SO-{day}-{i:07d}", channel, f"{channel[:2].upper()}{4100000000000 + i}", f"buyer{i % 50_000}",
                        "王伟", f"138{i % 100_000_000:08d}", "浙江省杭州市西湖区文三路1号", currency, total, paid_minor,
                        courier_name, tracking, status, stamp(created), stamp(updated), 3, int(archived), 1)

    def fulfil(self, oid: int, paid_at: datetime, total: int) -> tuple[str, datetime, str, str]:
        """(status, last update, courier, tracking number) of a paid order, its parcels written."""
        r = self.rng
        if r.random() >= 0.9:  # paid, never shipped
            if NOW - paid_at < timedelta(hours=48):
                return "awaiting_shipment", paid_at, "", ""
            if r.random() < 0.02:  # forgotten: stale
                return "awaiting_shipment", paid_at, "", ""
            return "cancelled", paid_at + timedelta(hours=r.uniform(1, 40)), "", ""
        delay = r.uniform(300, 20 * 3600) if r.random() < 0.92 else r.uniform(24 * 3600, 48 * 3600)
        shipped = paid_at + timedelta(seconds=delay)
        if shipped > NOW:
            return "awaiting_shipment", paid_at, "", ""
        courier = COURIERS[r.choices(range(len(COURIERS)), weights=[c[2] for c in COURIERS])[0]]
        if r.random() < 0.005:  # a false scan-out recalled, the real parcel sent after
            self.count("recalled")
            _, back, _ = self.parcel(oid, shipped, courier, recalled=True)
            shipped = back + timedelta(minutes=r.randint(20, 600))
            if shipped > NOW:
                return "awaiting_shipment", back, "", ""
        status, last, tracking = self.parcel(oid, shipped, courier, recalled=False)
        return status, last, courier[0], tracking

    def tickets(self) -> None:
        """Exception tickets on distinct orders, spread over the two years."""
        r = self.rng
        rows = Rows(self.c, "tickets", ("id", "order_id", "order_no", "kind", "priority", "state", "source",
                                        "opened_by", "opened_at", "sla_seconds", "used_seconds", "clock_from",
                                        "due_at", "resolved_at", "closed_at", "resolution", "updated_at", "version"))
        targets = sorted(r.sample(range(1, self.n + 1), min(self.tickets_wanted, self.n // 10)))
        known = {oid: (at, no) for oid, at, no in self.c.execute(
            "SELECT id, created_at, order_no FROM orders WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(targets),))}
        weights = [k[4] for k in TICKET_KINDS]
        for tid, oid in enumerate(targets, 1):
            kind, source, sla, priority, _ = TICKET_KINDS[r.choices(range(len(TICKET_KINDS)), weights=weights)[0]]
            at, no = known[oid]
            opened = datetime.fromisoformat(at).replace(tzinfo=UTC) + timedelta(hours=r.uniform(1, 72))
            if opened > NOW:
                opened = NOW - timedelta(minutes=r.randint(1, 600))
            took = r.uniform(0.05, 0.95) * sla if r.random() < 0.85 else sla * r.uniform(1.05, 4)
            resolved = opened + timedelta(seconds=took)
            by = "system" if source.startswith("rule:") else "mei"
            if resolved > NOW:  # still open: its clock running
                rows.add(tid, oid, no, kind, priority, "in_progress" if r.random() < 0.5 else "open", source, by,
                         stamp(opened), sla, 0, stamp(opened), stamp(opened + timedelta(seconds=sla)), None, None, "",
                         stamp(opened), 1)
                self.count("tickets_open")
            else:
                closed = resolved + timedelta(days=1) if r.random() < 0.5 and resolved + timedelta(days=1) < NOW else None
                rows.add(tid, oid, no, kind, priority, "closed" if closed else "resolved", source, by, stamp(opened),
                         sla, int(took), None, None, stamp(resolved), stamp(closed), "done", stamp(closed or resolved),
                         3)
            self.count("tickets")
        rows.write(self.c)

    def statements(self) -> None:
        """The last 62 days' Alipay and WeChat Pay lines of the paid orders, matched, and the orders'
        reconciliation states."""
        r = self.rng
        files = Rows(self.c, "statements", ("id", "provider", "format", "account", "file_name", "file_sha256",
                                            "line_count", "imported_at", "imported_by"))
        lines = Rows(self.c, "statement_lines", ("id", "statement_id", "provider", "external_id", "row_no", "kind",
                                                 "amount_minor", "fee_minor", "currency", "occurred_at",
                                                 "merchant_order_no", "provider_txn", "state", "rule", "decided_by",
                                                 "decided_at"))
        matches = Rows(self.c, "line_matches", ("line_id", "order_id", "amount_minor", "rule", "matched_by",
                                                "matched_at"))
        recs = Rows(self.c, "order_reconciliation", ("order_id", "state", "expected_minor", "received_minor",
                                                     "difference_minor", "currency", "line_count", "decided_by",
                                                     "reason", "updated_at"))
        statement: dict[tuple[str, str], int] = {}
        line_id = 0
        pending: tuple[int, int] | None = None  # a line paying two orders: (line id, order)
        for oid, _channel, method, total, paid_at in self.paid:
            month = paid_at.strftime("%Y-%m")
            key = (method, month)
            if key not in statement:
                statement[key] = len(statement) + 1
                files.add(statement[key], method, f"{method}_account", "shop@example.com", f"{method}-{month}.csv",
                          f"{len(statement):064d}", 0, stamp(NOW), "olivia")
            sid = statement[key]
            roll = r.random()
            if roll < 0.05:  # no line (yet): money not seen
                recs.add(oid, "red", total, 0, -total, "CNY", 0, "", "", stamp(NOW))
                self.count("recon_red")
                continue
            at = paid_at + timedelta(seconds=r.randint(1, 120))
            if pending is not None and roll < 0.051:  # one line paid this order and the one before
                matches.add(pending[0], oid, total, "amount_time", "", stamp(NOW))
                recs.add(oid, "green", total, total, 0, "CNY", 1, "", "", stamp(NOW))
                pending = None
                self.count("shared_lines")
                continue
            line_id += 1
            rule, by = ("manual", "fang") if roll < 0.10 else (("exact", "") if roll < 0.6 else
                                                                (("prefix", "") if roll < 0.97 else ("amount_time", "")))
            lines.add(line_id, sid, method, f"{method[:2]}{line_id:018d}", line_id, "payment", total, 0, "CNY", stamp(at),
                      str(oid) if rule == "exact" else f"T200P{oid}", f"T{line_id:020d}", "matched", rule, by,
                      stamp(NOW) if by else None)
            matches.add(line_id, oid, total, rule, by, stamp(NOW))
            pending = (line_id, oid)
            state = "green" if roll > 0.12 else ("amber" if roll > 0.11 else "confirmed")
            recs.add(oid, state, total, total, 0, "CNY", 1, by, "", stamp(NOW))
            self.count("lines")
            if r.random() < 0.3:  # the provider's fee on it, matched by rule
                line_id += 1
                fee = -max(1, total * 6 // 1000)
                lines.add(line_id, sid, method, f"{method[:2]}{line_id:018d}", line_id, "fee", fee, 0, "CNY",
                          stamp(at), "", f"T{line_id:020d}", "matched", "fee", "", None)
                matches.add(line_id, oid, fee, "fee", "", stamp(NOW))
                self.count("lines")
        for rows in (files, lines, matches, recs):
            rows.write(self.c)


def build(folder: Path, n: int, n_tickets: int) -> dict:
    """The store, its rows and its rollup; returns what was written and how long the rollup took."""
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import settings
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store import health_rollup

    db = open_store(folder, create=True)
    with UnitOfWork(db, rules=()) as uow:
        settings.set_timezone(uow, ChangeContext(Actor(*OWNER), "manual"), "Asia/Shanghai")
        uow.commit()
    db.dispose()
    path = folder / "shop.sqlite3"
    c = sqlite3.connect(path)
    c.execute("PRAGMA journal_mode = WAL")
    tables = ("orders", "payments", "shipments", "tickets", "statements", "statement_lines", "line_matches",
              "order_reconciliation")
    marks = ", ".join("?" * len(tables))
    indexes = c.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name "
                        f"IN ({marks})", tables).fetchall()
    for name, _ in indexes:
        c.execute(f'DROP INDEX "{name}"')
    shop = Shop(c, n, n_tickets)
    for i in range(n):
        shop.order(i)
        if len(shop.orders.rows) >= 50_000:
            for rows in (shop.orders, shop.payments, shop.parcels):
                rows.write(c)
    for rows in (shop.orders, shop.payments, shop.parcels):
        rows.write(c)
    shop.statements()
    c.commit()
    for _, sql in indexes:
        c.execute(sql)
    c.commit()
    shop.tickets()  # reads the orders back by id
    c.commit()
    c.close()  # no ANALYZE: the app's stores carry no statistics, and neither does this one
    db = open_store(folder)
    t0 = time.perf_counter()
    with db.engine.begin() as conn:
        rolled = health_rollup.rebuild(conn)
    took = time.perf_counter() - t0
    db.dispose()
    return {"orders": n, "rollup_rows": rolled, "rebuild_s": took, "counts": shop.counts}


def prepare(keep: Path, n: int, n_tickets: int) -> dict:
    """The kept store in keep/store (built again unless it was built there for the same --orders,
    --tickets and layout)."""
    base = keep / "store"
    kept = base / "prepared.json"
    if kept.exists() and json.loads(kept.read_text())["asked"] == [n, n_tickets, LAYOUT]:
        print(f"reusing the store built in {base}")
        return json.loads(kept.read_text())
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    t0 = time.perf_counter()
    out = build(base, n, n_tickets)
    out.update(asked=[n, n_tickets, LAYOUT], build_s=time.perf_counter() - t0)
    kept.write_text(json.dumps(out))
    print(f"built {n:,} orders in {out['build_s']:.0f} s (untimed)")
    return out


# ---- measuring ---------------------------------------------------------------------------------------

def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # naive UTC, as the store's type binds it
    return value


def _params(params: object) -> object:
    if isinstance(params, dict):
        return {k: _plain(v) for k, v in params.items()}
    return tuple(_plain(p) for p in (params or ()))


def reads(found: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(sql, _params(p)) for sql, p in found if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def bare(con: sqlite3.Connection, statements: list[tuple[str, object]]) -> float:
    """The statements one after the other in one read transaction (as report() reads one snapshot)."""
    t0 = time.perf_counter()
    con.execute("BEGIN")
    for sql, params in statements:
        con.execute(sql, params).fetchall()
    con.execute("COMMIT")
    return (time.perf_counter() - t0) * 1000


def plans(con: sqlite3.Connection, statements: list[tuple[str, object]], top: int) -> None:
    """Each statement's bare time (best of 3), the slowest first, with its query plan."""
    timed = []
    for sql, params in statements:
        best = min(bare(con, [(sql, params)]) for _ in range(3))  # each in its own transaction
        timed.append((best, sql, params))
    timed.sort(key=lambda x: -x[0])
    total = sum(x[0] for x in timed)
    print(f"  the {len(timed)} statements bare: {total:.1f} ms; the slowest {min(top, len(timed))}:")
    for ms, sql, params in timed[:top]:
        print(f"  --- {ms:.1f} ms ({ms / max(total, 1e-9):.0%})")
        print("     " + " ".join(sql.split())[:900])
        for row in con.execute("EXPLAIN QUERY PLAN " + sql, params):
            print(f"       plan: {row[-1]}")


def refresh(db, path: Path, spans: list[str], runs: int, channel: str | None, top: int) -> dict[str, tuple]:
    """The refresh of each span against its bare statements, interleaved run by run."""
    from sqlalchemy import event

    from shop_orders.services import health

    caught: list[tuple[str, object]] = []
    catching = [False]

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if catching[0]:
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    con = sqlite3.connect(path, isolation_level=None)
    out: dict[str, tuple] = {}
    for span in spans:
        caught.clear()
        catching[0] = True
        t0 = time.perf_counter()
        first = health.report(db, span=span, channel=channel, now=NOW)  # untimed: warms, catches
        cold = (time.perf_counter() - t0) * 1000
        catching[0] = False
        statements = reads(caught)
        bare(con, statements)  # warm
        ours, floor = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            health.report(db, span=span, channel=channel, now=NOW)
            ours.append((time.perf_counter() - t0) * 1000)
            floor.append(bare(con, statements))
        others = [sql for sql, _ in caught if sql.split()[0].upper() not in ("SELECT", "WITH", "BEGIN", "COMMIT",
                                                                               "ROLLBACK")]
        out[span] = (ours, floor, len(statements), len(statements) + len(others), cold, first)
        show(span, out[span])
        if top:
            plans(con, statements, top)
    event.remove(db.engine, "before_cursor_execute", grab)
    con.close()
    return out


def show(span: str, result: tuple) -> None:
    ours, floor, n_reads, n_all, cold, first = result
    med = statistics.median
    ratio = med(ours) / max(med(floor), 1e-9)
    ok = med(ours) <= GOAL_MS and ratio <= GOAL_RATIO
    print(f"{span:>5}: refresh median {med(ours):6.1f} ms, max {max(ours):6.1f} ms (first {cold:.0f} ms) | bare "
          f"{n_reads} reads median {med(floor):6.1f} ms, max {max(floor):6.1f} ms | ratio {ratio:.2f}x  "
          f"{'meets' if ok else 'MISSES'} the goal (<= {GOAL_MS:.0f} ms, <= {GOAL_RATIO:.0f}x)"
          + (f" [{n_all - n_reads} statements not replayed]" if n_all != n_reads else ""))


def figures(report) -> None:
    p = report.period
    print(f"  {p.first_day}..{p.last_day} ({p.start:%Y-%m-%d %H:%M}..{p.end:%Y-%m-%d %H:%M} UTC); the figures:")
    for f in report.figures:
        value = "—" if f.value is None else f"{f.value:,.2f}"
        before = "—" if f.previous is None else f"{f.previous:,.2f}"
        print(f"    {f.key:<16} {value:>12} (previous {before:>12}) orders {f.orders:>7,} measured {f.measured:>7,} "
              f"excluded {f.excluded:>6,} {f.light.value}")


def rollup(db) -> None:
    """differences (read only) and rebuild (rolled back) once on the store."""
    from shop_orders.store import health_rollup

    with db.engine.connect() as conn:
        t0 = time.perf_counter()
        count, first = health_rollup.differences(conn)
        took = time.perf_counter() - t0
    print(f"differences: {took:.1f} s ({count} orders differ{': ' + str(first) if first else ''})")
    with db.engine.connect() as conn:
        trans = conn.begin()
        t0 = time.perf_counter()
        rows = health_rollup.rebuild(conn)
        took = time.perf_counter() - t0
        trans.rollback()
    print(f"rebuild: {took:.1f} s for {rows:,} orders ({took / max(rows, 1) * 1e6:.0f} us an order; rolled back)")


def migration(source: Path, work: Path, down_to: str | None) -> None:
    """Migration 0019 timed on a copy of source/shop.sqlite3: taken down to 0018 first (down_to) or
    up to it (an older store), untimed."""
    from alembic import command
    from sqlalchemy import make_url

    from shop_orders.store import migrate
    from shop_orders.store.db import make_engine

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy2(source / "shop.sqlite3", work / "shop.sqlite3")
    engine = make_engine(make_url(f"sqlite:///{work / 'shop.sqlite3'}"))
    with engine.begin() as conn:
        at = migrate.current_revision(conn)
        if down_to is not None:
            command.downgrade(migrate.alembic_config(conn), down_to)
        else:
            migrate.upgrade(conn, "0018")
    with engine.connect() as conn:
        orders, parcels = (conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar() for t in ("orders", "shipments"))
    t0 = time.perf_counter()
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:  # as migrate.ensure_current does
        migrate.upgrade(conn, "0019")
    took = time.perf_counter() - t0
    engine.dispose()
    print(f"migration 0019 on a copy of {source} (at {at}, {orders:,} orders, {parcels:,} parcels; taken to 0018 "
          f"first, untimed): {took:.1f} s")
    shutil.rmtree(work, ignore_errors=True)


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--tickets", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--spans", default="today,7d,30d", help="comma-separated (default today,7d,30d)")
    ap.add_argument("--channel", help="one channel's dashboard (default: all)")
    ap.add_argument("--keep", metavar="DIR", help="keep the store in DIR/store (one built there before for the same "
                                                  "--orders and --tickets is used again)")
    ap.add_argument("--plans", type=int, nargs="?", const=6, default=0, metavar="N",
                    help="the N slowest statements (default 6) with their bare time and query plan")
    ap.add_argument("--no-rebuild", action="store_true", help="skip the timed differences and rebuild")
    ap.add_argument("--migration", action="store_true", help="time migration 0019 on a copy of the store")
    ap.add_argument("--migrate-from", metavar="DIR", help="time migration 0019 on a copy of DIR/shop.sqlite3 (an "
                                                          "older store, brought to 0018 first)")
    return ap.parse_args()


def main() -> None:
    a = arguments()
    root = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-health-"))
    built = prepare(root, a.orders, a.tickets)
    counts = built["counts"]
    print(f"store: {built['orders']:,} orders over {DAYS} days to {NOW:%Y-%m-%d %H:%M} UTC, {counts.get('parcels', 0):,} "
          f"parcels ({counts.get('recalled', 0):,} recalled), {counts.get('refunds', 0):,} refunds, "
          f"{counts.get('tickets', 0):,} tickets, {counts.get('lines', 0):,} statement lines; rollup rebuilt in "
          f"{built['rebuild_s']:.1f} s when built")
    db = open_store(root / "store")
    try:
        results = refresh(db, root / "store" / "shop.sqlite3", a.spans.split(","), a.runs, a.channel, a.plans)
        for span, result in results.items():
            if span != "today":
                print(f"{span}:")
                figures(result[5])
        print("summary (medians):")
        for span, result in results.items():
            show(span, result)
        if not a.no_rebuild:
            rollup(db)
    finally:
        db.dispose()
    if a.migration:
        migration(root / "store", root / "migration", "0018")
    if a.migrate_from:
        migration(Path(a.migrate_from), root / "migration", None)
    if not a.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
