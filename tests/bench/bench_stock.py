"""Benchmark: stock reservations (issue 29: goal at most 3x the same set-based SQL run bare).

The store (untimed, kept with --keep DIR): migrated by the app (its audit key, its schema at head;
the two-person limit raised through services/stock.set_limit so a whole stocktake applies at once),
then its rows written straight into the tables with sqlite3 executemany (the indexes dropped and
built again after): --skus SKUs (default 10,000) in the catalogue 30 days before NOW, and --orders
paid orders awaiting shipment (default 100,000), paid over the last 14 days, 1-3 lines each of 1-3
units, the SKUs chosen with a skewed (Zipf-like) popularity; each SKU's on hand is its expected
demand times a random 0.8-2.5, so the popular SKUs with a low factor go short. One SKU, HOT-1, is
wanted by 5,000 single-line orders (the first 4,990 in its queue served, the last 10 short), one,
COLD-1, by none. The catalogue rows carry no movements (the bench never calls stock check).

Measured, each run on a fresh copy of the prepared store (sqlite3's backup API, its audit key and
head files copied beside it; untimed), ours and the floor alternated, median of --runs:
1. Reserving for every order from nothing: services/stock_settle.rebuild in a unit of work (the
   detection rules on, as the app runs it) and its commit: store/stock_alloc.settle(None), the
   order events of the orders that are short, their out-of-stock tickets, the chain, the seals.
   Floor: the same DELETE, stock_alloc.ALLOCATION's INSERT ... SELECT and the totals UPDATE run bare
   with sqlite3 in one transaction, one commit.
2. A stocktake of every SKU (services/stock.count, every on hand changed: 40% down, 60% up) and the
   settle at its commit, on the store after (1). Floor: the same on-hand UPDATEs and movement
   INSERTs with executemany, then the same set-based statements for all SKUs, one commit (what the
   floor leaves out: the 10,000 keyed audit events, the short events and tickets).
3. Nothing changed: rebuild on the store after (1) against its floor (the statements alone).
Then, on one copy, one at a time (median of --runs): a scan-out (orders.ship, source "scan") of the
first order in HOT-1's queue (the settle of an SKU with 5,000 waiting lines) against the same
scan-out on a copy without a catalogue (stock tables emptied), and a receipt of 1 unit of HOT-1
(serves its first short order, resolves its ticket) against a receipt of COLD-1 (no demand).

    python3 tests/bench/bench_stock.py [--skus 10000] [--orders 100000] [--runs 5] [--keep DIR]
        [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
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

from tests.bench.bench_health import Rows, stamp  # noqa: E402
from tests.bench.bench_rules import copy_store  # noqa: E402

GOAL = 3.0
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
LAYOUT = 1
OWNER = ("olivia", "owner")
HOT, COLD, HOT_LINES, HOT_ON_HAND = "HOT-1", "COLD-1", 5_000, 4_990


def open_store(folder: Path, create: bool = False):
    from shop_orders.store.open import open_database

    return open_database(folder / "shop.sqlite3", data_dir=folder / "data", create=create)


def owner():
    from shop_orders.domain.changes import Actor, ChangeContext

    return ChangeContext(Actor(*OWNER), "manual", "bench")


# ---- the store (untimed) ---------------------------------------------------------------------------

def build(folder: Path, n_skus: int, n_orders: int) -> dict:
    from shop_orders.services import settings, stock
    from shop_orders.services.stock_moves import MAX_QTY
    from shop_orders.services.uow import UnitOfWork

    db = open_store(folder, create=True)
    with UnitOfWork(db, rules=()) as uow:
        settings.set_timezone(uow, owner(), "Asia/Shanghai")
        stock.set_limit(uow, owner(), MAX_QTY)  # a whole stocktake applies at once
        uow.commit()
    db.dispose()
    c = sqlite3.connect(folder / "shop.sqlite3")
    c.execute("PRAGMA journal_mode = WAL")
    tables = ("orders", "order_lines", "payments", "stock_items")
    marks = ", ".join("?" * len(tables))
    indexes = c.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name "
                        f"IN ({marks})", tables).fetchall()
    for name, _ in indexes:
        c.execute(f'DROP INDEX "{name}"')
    r = random.Random(29)
    skus = [f"SKU-{i:05d}" for i in range(n_skus - 2)]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(skus))]
    orders = Rows(c, "orders", ("id", "order_no", "channel", "channel_order_no", "buyer", "recipient", "phone",
                                "address", "currency", "total_minor", "paid_minor", "status", "created_at",
                                "updated_at", "version", "archived", "amount_known"))
    lines = Rows(c, "order_lines", ("order_id", "line_no", "sku", "title", "qty", "unit_price_minor", "shipped_qty"))
    payments = Rows(c, "payments", ("order_id", "amount_minor", "method", "reference", "paid_at"))
    demand: dict[str, int] = {}
    counts = {"lines": 0}
    for oid in range(1, n_orders + 1):
        created = NOW - timedelta(seconds=r.uniform(600, 14 * 86400))
        paid = created + timedelta(seconds=r.randint(30, 1800))
        if oid <= HOT_LINES:  # HOT-1's queue: one line each, paid in this order
            chosen = [(HOT, 1)]
            paid = NOW - timedelta(days=13, seconds=-oid * 60)
            created = paid - timedelta(minutes=5)
        else:
            chosen = [(sku, r.choice((1, 1, 1, 2, 3))) for sku in
                      dict.fromkeys(r.choices(skus, weights=weights, k=r.choice((1, 1, 2, 3))))]
        total = 0
        for no, (sku, qty) in enumerate(chosen, 1):
            price = 1000 + 37 * len(chosen) + 10 * no
            lines.add(oid, no, sku, f"item {sku}", qty, price, 0)
            demand[sku] = demand.get(sku, 0) + qty
            total += qty * price
            counts["lines"] += 1
        orders.add(oid, f"SO-{oid:08d}", "taobao", f"{4100000000000 + oid}", f"buyer{oid % 9000}", "王伟",
                   f"138{oid:08d}", "浙江省杭州市西湖区文三路1号", "CNY", total, total, "awaiting_shipment",
                   stamp(created), stamp(paid), 2, 0, 1)
        payments.add(oid, total, "alipay", f"P{oid:012d}", stamp(paid))
        if len(orders.rows) >= 20_000:
            for rows in (orders, lines, payments):
                rows.write(c)
    for rows in (orders, lines, payments):
        rows.write(c)
    items = Rows(c, "stock_items", ("sku", "title", "location", "on_hand", "reserved", "safety", "incoming",
                                    "added_at", "updated_at"))
    added = stamp(NOW - timedelta(days=30))
    for i, sku in enumerate(skus):
        items.add(sku, f"item {sku}", f"A-{i % 400:03d}", int(demand.get(sku, 0) * r.uniform(0.8, 2.5)), 0,
                  r.randint(0, 5), 0, added, added)
    items.add(HOT, "the hot item", "H-001", HOT_ON_HAND, 0, 0, 0, added, added)
    items.add(COLD, "the cold item", "C-001", 10, 0, 0, 0, added, added)
    items.write(c)
    c.commit()
    for _, sql in indexes:
        c.execute(sql)
    c.commit()
    c.close()
    return {"skus": n_skus, "orders": n_orders, "lines": counts["lines"]}


def settle_all(folder: Path) -> dict:
    """The prepared store after (1), committed: what the stocktake and the single changes start from."""
    from shop_orders.services import stock_settle
    from shop_orders.services.uow import UnitOfWork

    db = open_store(folder)
    try:
        with UnitOfWork(db) as uow:
            short = stock_settle.rebuild(uow, owner())
            uow.commit()
    finally:
        db.dispose()
    c = sqlite3.connect(folder / "shop.sqlite3")
    out = {"short_orders": short,
           "short_skus": c.execute("SELECT COUNT(DISTINCT sku) FROM stock_reservations WHERE missing > 0").fetchone()[0],
           "reservations": c.execute("SELECT COUNT(*) FROM stock_reservations").fetchone()[0],
           "tickets": c.execute("SELECT COUNT(*) FROM tickets WHERE kind = 'out_of_stock'").fetchone()[0]}
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    return out


def prepare(keep: Path, n_skus: int, n_orders: int) -> dict:
    """keep/empty: the store without reservations; keep/settled: the same after one rebuild."""
    kept = keep / "prepared.json"
    asked = [n_skus, n_orders, LAYOUT]
    if kept.exists() and json.loads(kept.read_text())["asked"] == asked:
        print(f"reusing the stores built in {keep}")
        return json.loads(kept.read_text())
    for name in ("empty", "settled"):
        shutil.rmtree(keep / name, ignore_errors=True)
    (keep / "empty").mkdir(parents=True)
    t0 = time.perf_counter()
    out = build(keep / "empty", n_skus, n_orders)
    copy_store(keep / "empty" / "shop.sqlite3", keep / "empty" / "data", keep / "settled")
    out.update(settle_all(keep / "settled"))
    out.update(asked=asked, build_s=time.perf_counter() - t0)
    kept.write_text(json.dumps(out))
    print(f"built in {out['build_s']:.0f} s (untimed)")
    return out


def fresh(keep: Path, name: str) -> Path:
    work = keep / "work"
    shutil.rmtree(work, ignore_errors=True)
    copy_store(keep / name / "shop.sqlite3", keep / name / "data", work)
    return work


# ---- the floors ------------------------------------------------------------------------------------

def bare_connection(path: Path) -> sqlite3.Connection:
    c = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "foreign_keys = ON", "synchronous = FULL"):
        c.execute(f"PRAGMA {pragma}")
    return c


def _statements() -> list[str]:
    from shop_orders.store import stock_alloc

    insert = stock_alloc.INSERT.format(allocation=stock_alloc.ALLOCATION.format(where="")).replace(":no", "0")
    return ["DELETE FROM stock_reservations", insert, stock_alloc.TOTALS.format(where="")]


def floor_settle(path: Path) -> float:
    c = bare_connection(path)
    t0 = time.perf_counter()
    c.execute("BEGIN IMMEDIATE")
    for sql in _statements():
        c.execute(sql)
    c.execute("COMMIT")
    took = time.perf_counter() - t0
    c.close()
    return took


def floor_count(path: Path, counted: dict[str, int]) -> float:
    c = bare_connection(path)
    at = stamp(NOW)
    before = dict(c.execute("SELECT sku, on_hand FROM stock_items"))
    incoming = dict(c.execute("SELECT sku, incoming FROM stock_items"))
    t0 = time.perf_counter()
    c.execute("BEGIN IMMEDIATE")
    changed = [(sku, n) for sku, n in counted.items() if before[sku] != n]
    c.executemany("UPDATE stock_items SET on_hand = ?, reserved = MIN(reserved, ?), updated_at = ? WHERE sku = ?",
                  [(n, n, at, sku) for sku, n in changed])
    c.executemany("INSERT INTO stock_movements (sku, at, actor, source, kind, delta, on_hand_after, incoming_after, "
                  "order_id, order_no, reason) VALUES (?, ?, ?, ?, 'count', ?, ?, ?, NULL, '', ?)",
                  [(sku, at, OWNER[0], "manual", n - before[sku], n, incoming[sku], "stocktake") for sku, n in changed])
    for sql in _statements():
        c.execute(sql)
    c.execute("COMMIT")
    took = time.perf_counter() - t0
    c.close()
    return took


# ---- ours ------------------------------------------------------------------------------------------

def ours_rebuild(folder: Path, profile: cProfile.Profile | None = None) -> tuple[float, int]:
    from shop_orders.services import stock_settle
    from shop_orders.services.uow import UnitOfWork

    db = open_store(folder)
    try:
        if profile:
            profile.enable()
        t0 = time.perf_counter()
        with UnitOfWork(db, clock=lambda: NOW) as uow:
            short = stock_settle.rebuild(uow, owner())
            uow.commit()
        took = time.perf_counter() - t0
        if profile:
            profile.disable()
    finally:
        db.dispose()
    return took, short


def counted_values(folder: Path) -> dict[str, int]:
    """Every SKU's new count: 40% fewer than on hand, 60% more (so shortages come and go)."""
    r = random.Random(7)
    c = sqlite3.connect(folder / "shop.sqlite3")
    now = dict(c.execute("SELECT sku, on_hand FROM stock_items ORDER BY sku"))
    c.close()
    return {sku: (max(0, n - r.randint(1, max(1, n // 3))) if r.random() < 0.4 else n + r.randint(1, 20))
            for sku, n in now.items()}


def ours_count(folder: Path, counted: dict[str, int], profile: cProfile.Profile | None = None) -> tuple[float, str]:
    from shop_orders.services import stock
    from shop_orders.services.uow import UnitOfWork

    rows = [stock.Count(sku, n) for sku, n in counted.items()]
    db = open_store(folder)
    try:
        if profile:
            profile.enable()
        t0 = time.perf_counter()
        with UnitOfWork(db, clock=lambda: NOW) as uow:
            said = stock.count(uow, owner(), rows, "stocktake")
            uow.commit()
        took = time.perf_counter() - t0
        if profile:
            profile.disable()
    finally:
        db.dispose()
    return took, said


def state(folder: Path) -> tuple:
    """What the reservations say (to compare ours with the floor after the same change)."""
    c = sqlite3.connect(folder / "shop.sqlite3")
    out = (c.execute("SELECT COUNT(*), SUM(reserved), SUM(missing), COUNT(DISTINCT CASE WHEN missing > 0 THEN order_id "
                     "END) FROM stock_reservations").fetchone(),
           c.execute("SELECT SUM(on_hand), SUM(reserved) FROM stock_items").fetchone())
    c.close()
    return out


def compare(label: str, ours: list[float], floor: list[float], extra: str = "") -> dict:
    med = statistics.median
    ratio = med(ours) / max(med(floor), 1e-9)
    print(f"{label}: ours median {med(ours) * 1000:8.0f} ms (min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f}) | "
          f"floor median {med(floor) * 1000:7.0f} ms (min {min(floor) * 1000:.0f}, max {max(floor) * 1000:.0f}) | "
          f"ratio {ratio:.2f}x {'meets' if ratio <= GOAL else 'MISSES'} the goal (<= {GOAL:.0f}x){extra}")
    return {"ours_ms": [round(x * 1000, 1) for x in ours], "floor_ms": [round(x * 1000, 1) for x in floor],
            "ratio": round(ratio, 2)}


def measure_rebuild(keep: Path, runs: int, profile: bool) -> dict:
    ours, floor, shorts = [], [], set()
    states = set()
    for i in range(runs):
        for side in ((0, 1) if i % 2 == 0 else (1, 0)):
            work = fresh(keep, "empty")
            if side == 0:
                took, short = ours_rebuild(work)
                ours.append(took)
                shorts.add(short)
            else:
                floor.append(floor_settle(work / "shop.sqlite3"))
            states.add(state(work))
    assert len(states) == 1, f"ours and the floor reserved differently: {states}"
    out = compare("reserve all (rebuild from nothing)", ours, floor, f" [{shorts.pop():,} orders short]")
    if profile:
        prof = cProfile.Profile()
        ours_rebuild(fresh(keep, "empty"), prof)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return out


def measure_count(keep: Path, runs: int, profile: bool) -> dict:
    counted = counted_values(keep / "settled")
    ours, floor, states = [], [], set()
    for i in range(runs):
        for side in ((0, 1) if i % 2 == 0 else (1, 0)):
            work = fresh(keep, "settled")
            if side == 0:
                took, said = ours_count(work, counted)
                assert said == "applied", said
                ours.append(took)
            else:
                floor.append(floor_count(work / "shop.sqlite3", counted))
            states.add(state(work))
    assert len(states) == 1, f"ours and the floor reserved differently: {states}"
    c = sqlite3.connect(work / "shop.sqlite3")
    short = c.execute("SELECT COUNT(DISTINCT order_id) FROM stock_reservations WHERE missing > 0").fetchone()[0]
    c.close()
    out = compare("stocktake of every SKU + settle", ours, floor, f" [{short:,} orders short after]")
    if profile:
        prof = cProfile.Profile()
        ours_count(fresh(keep, "settled"), counted, prof)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    return out


def measure_steady(keep: Path, runs: int) -> dict:
    work = fresh(keep, "settled")
    ours, floor = [], []
    for _ in range(runs):
        ours.append(ours_rebuild(work)[0])
        floor.append(floor_settle(work / "shop.sqlite3"))
    return compare("rebuild, nothing changed", ours, floor)


def _ship(db, order_no: str, n: int) -> float:
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import orders
    from shop_orders.services.uow import UnitOfWork

    t0 = time.perf_counter()
    with UnitOfWork(db, clock=lambda: NOW) as uow:
        orders.ship(uow, ChangeContext(Actor(*OWNER), "scan"), order_no, courier="SF",
                    tracking_no=f"SF{1400000000000 + n}")
        uow.commit()
    return time.perf_counter() - t0


def _receive(db, sku: str) -> float:
    from shop_orders.services import stock
    from shop_orders.services.uow import UnitOfWork

    t0 = time.perf_counter()
    with UnitOfWork(db, clock=lambda: NOW) as uow:
        stock.receive(uow, owner(), sku, 1, "delivery")
        uow.commit()
    return time.perf_counter() - t0


def measure_single(keep: Path, runs: int) -> dict:
    with_cat = fresh(keep, "settled")
    without = keep / "work-plain"
    shutil.rmtree(without, ignore_errors=True)
    copy_store(keep / "settled" / "shop.sqlite3", keep / "settled" / "data", without)
    c = sqlite3.connect(without / "shop.sqlite3")
    c.executescript("DELETE FROM stock_reservations; DELETE FROM stock_barcodes; DELETE FROM stock_items;")
    c.close()
    c = sqlite3.connect(with_cat / "shop.sqlite3")
    queue = [r[0] for r in c.execute("SELECT o.order_no FROM stock_reservations r JOIN orders o ON o.id = r.order_id "
                                     "WHERE r.sku = ? ORDER BY r.priority_at, r.order_id", (HOT,))]
    waiting = len(queue)
    c.close()
    ship_ours, ship_plain = [], []
    cat_db, plain_db = open_store(with_cat), open_store(without)  # open as the app keeps them
    for i in range(runs + 1):  # the first of each is untimed (warms the statement cache)
        a, b = _ship(cat_db, queue[i], i), _ship(plain_db, queue[i], i)
        if i:
            ship_ours.append(a)
            ship_plain.append(b)
    out = {"ship": compare(f"scan-out of an order of {HOT} ({waiting:,} lines waiting)", ship_ours, ship_plain,
                           " (floor: the same scan-out without a catalogue)")}
    got_hot, got_cold = [], []
    for i in range(runs + 1):
        a, b = _receive(cat_db, HOT), _receive(cat_db, COLD)
        if i:
            got_hot.append(a)
            got_cold.append(b)
    out["receive"] = compare(f"receipt of 1 x {HOT} (serves one short order)", got_hot, got_cold,
                             f" (floor: a receipt of 1 x {COLD}, no demand)")
    cat_db.dispose()
    plain_db.dispose()
    shutil.rmtree(without, ignore_errors=True)
    return out


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skus", type=int, default=10_000)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", metavar="DIR", help="keep the prepared stores in DIR (built once per --skus/--orders)")
    ap.add_argument("--profile", action="store_true", help="cProfile of one more run of ours (rebuild, stocktake)")
    ap.add_argument("--only", default="rebuild,count,steady,single", help="which measures (comma-separated)")
    return ap.parse_args()


def main() -> None:
    from shop_orders.services.context import install_rules

    install_rules()  # this script composes the app: its units of work run the stock rule and the detection rules
    a = arguments()
    keep = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-stock-"))
    keep.mkdir(parents=True, exist_ok=True)
    built = prepare(keep, a.skus, a.orders)
    print(f"store: {built['skus']:,} SKUs, {built['orders']:,} paid orders awaiting shipment, {built['lines']:,} lines; "
          f"after one rebuild {built['reservations']:,} reservations, {built['short_orders']:,} orders short of "
          f"{built['short_skus']:,} SKUs, {built['tickets']:,} out-of-stock tickets")
    wanted = set(a.only.split(","))
    results = {"store": built}
    if "rebuild" in wanted:
        results["rebuild"] = measure_rebuild(keep, a.runs, a.profile)
    if "count" in wanted:
        results["count"] = measure_count(keep, a.runs, a.profile)
    if "steady" in wanted:
        results["steady"] = measure_steady(keep, a.runs)
    if "single" in wanted:
        results.update(measure_single(keep, a.runs))
    shutil.rmtree(keep / "work", ignore_errors=True)
    (keep / "last-run.json").write_text(json.dumps(results, indent=1))
    if not a.keep:
        shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
