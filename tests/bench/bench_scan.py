"""Benchmark: the scan-to-ship cycle (services/scanning.py) on a store of a million orders, against
a bare indexed lookup + update + commit with sqlite3 measured in the same run as the floor.

The store is a copy of DB (sqlite3's backup API; the source is only read) with its audit key and
head files copied into a data folder of its own (tests/bench/bench_rules.py copy_store), opened
once so it migrates to the current schema (untimed). A warehouse clerk and an owner are added
(the permission checks then read real users). --scans orders awaiting shipment, paid in full,
whose channel order number no other channel shares, are picked at random, and as many others
for the floor.

One scan, timed as the station does it:
  - find_order by the channel order number, in a read session (the screen);
  - match_item for every unit of every line (the SKU scans), check_tracking of a fresh number
    (which now also looks it up among the store's SKUs and order ids: issue 26 item 6);
  - ship_scanned with the counted items in a unit of work (detection rules on, as every change
    runs them), which checks everything again on the locked row, ships through orders.ship,
    writes the audit events, and commit.
The floor, interleaved one for one with the scans so drift cancels: on a plain sqlite3 connection
with the store's pragmas (WAL, synchronous=FULL), SELECT the order by channel_order_no (its index),
UPDATE its lines' shipped_qty and its status and version, COMMIT.

Prints p50, p95 and max of both, the ratio p95 / floor p95, and the query plans of the lookups.
Goal: p95 under 50 ms.

    python3 tests/bench/bench_scan.py [DB] [--data-dir DIR] [--scans 1000] [--keep]
    e.g. python3 tests/bench/bench_scan.py /work/bench/m1.sqlite3   # key in ~/.local/share/ShopOrders
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_rules import copy_store, open_store, peak_mb  # noqa: E402

GOAL_MS = 50.0
CLERK = ("wang", "warehouse")
OWNER = ("olivia", "owner")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def pick(path: Path, n: int, seed: int) -> list[tuple[int, str]]:
    """2n orders that can be scanned out: awaiting shipment, paid, live, their channel order
    number unique across channels."""
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = c.execute("SELECT id, channel_order_no FROM orders WHERE status = 'awaiting_shipment' AND archived = 0 "
                     "AND paid_minor >= total_minor").fetchall()
    random.Random(seed).shuffle(rows)
    out: list[tuple[int, str]] = []
    for oid, cno in rows:
        if len(out) == 2 * n:
            break
        if c.execute("SELECT count(*) FROM orders WHERE channel_order_no = ?", (cno,)).fetchone()[0] != 1:
            continue
        out.append((oid, cno))
    c.close()
    if len(out) < 2 * n:
        raise SystemExit(f"only {len(out)} orders can be scanned out; {2 * n} needed")
    return out


def give_lines(path: Path, chosen: list[tuple[int, str]]) -> int:
    """Orders of a store made without lines (a bare demo) get two (2 + 1 units), so a scan counts
    SKUs and ships line quantities as in a shop; their totals stay (this copy is not verified)."""
    c = sqlite3.connect(path)
    added = 0
    for oid, _ in chosen:
        if c.execute("SELECT count(*) FROM order_lines WHERE order_id = ?", (oid,)).fetchone()[0]:
            continue
        c.executemany("INSERT INTO order_lines (order_id, line_no, sku, title, qty, unit_price_minor, shipped_qty) "
                      "VALUES (?, ?, ?, ?, ?, ?, 0)",
                      [(oid, 1, "TEA-LJ-250", "西湖龙井 250g", 2, 16800), (oid, 2, "CUP-GL-01", "玻璃茶杯", 1, 3900)])
        added += 1
    c.commit()
    c.close()
    return added


def plans(path: Path) -> list[str]:
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    for what, sql in (("find by channel order number", "SELECT id, channel FROM orders WHERE channel_order_no = ?"),
                      ("find by global id", "SELECT id FROM orders WHERE order_no = ?"),
                      ("tracking used", "SELECT orders.order_no FROM orders JOIN shipments ON shipments.order_id = "
                       "orders.id WHERE shipments.tracking_no = ? AND shipments.recalled_at IS NULL AND "
                       "shipments.order_id != ? LIMIT 1"),
                      ("lines", "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no"),
                      # a tracking number that is a SKU or an order id of the store (services/parcels.store_barcode)
                      ("tracking is a SKU", "SELECT sku FROM order_lines WHERE sku IN (?, ?, ?) LIMIT 1"),
                      ("tracking is an order id", "SELECT order_no FROM orders WHERE order_no = ? LIMIT 1")):
        steps = [r[3] for r in c.execute("EXPLAIN QUERY PLAN " + sql, ("x",) * sql.count("?"))]
        out.append(f"{what}: {'; '.join(steps)}")
    c.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a store of about a million orders to copy (only read)")
    ap.add_argument("--data-dir", help="the data folder holding DB's audit key (default: the app's)")
    ap.add_argument("--scans", type=int, default=1000)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()

    from shop_orders import paths
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import auth, scanning
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store import migrate as m

    work = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    try:
        t = time.perf_counter()
        src = Path(a.db).resolve()
        copy_store(src, Path(a.data_dir).resolve() if a.data_dir else paths.data_dir(), work / "run")
        copy_s = time.perf_counter() - t
        path = work / "run" / "shop.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            before = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            total = c.execute("SELECT count(*) FROM orders").fetchone()[0]
        t = time.perf_counter()
        db = open_store(work / "run", create=True)  # an older schema is upgraded on open
        migrate_s = time.perf_counter() - t
        with UnitOfWork(db) as uow:
            owner = ChangeContext(Actor(*OWNER), "manual")
            if not auth.has_users(uow.session):
                auth.create_user(uow, owner, OWNER[0], "owner", "bench-password-1")
            if auth.find(uow.session, CLERK[0]) is None:
                auth.create_user(uow, owner, CLERK[0], "warehouse", "bench-password-2")
            uow.commit()
        chosen = pick(path, a.scans, seed=17)
        added = give_lines(path, chosen)
        scans, floors = chosen[0::2], chosen[1::2]
        print(f"store: {total:,} orders, a copy of {src} (copy {copy_s:.0f} s), schema {before} -> "
              f"{m.head_revision()} (migration {migrate_s:.1f} s); "
              f"{added:,} of the {len(chosen):,} orders picked were given two lines (the store had none)")
        for line in plans(path):
            print(f"  plan, {line}")

        clerk = ChangeContext(Actor(*CLERK), "scan")
        bare = sqlite3.connect(path, isolation_level=None)
        bare.execute("PRAGMA journal_mode=WAL")
        bare.execute("PRAGMA synchronous=FULL")
        bare.execute("PRAGMA busy_timeout=5000")

        def scan(cno: str, n: int) -> float:
            start = time.perf_counter()
            number = f"BS{n:012d}"
            with db.read_session() as s:
                o = scanning.find_order(s, cno)
                counted: dict[int, int] = {}
                for li in o.lines:
                    for _ in range(li.qty - li.shipped_qty):
                        line = scanning.match_item(o, counted, li.sku)
                        counted[line] = counted.get(line, 0) + 1
                scanning.check_tracking(s, o, "SF", number)
            with UnitOfWork(db) as uow:
                done = scanning.ship_scanned(uow, clerk, cno, counted, "SF", number)
                uow.commit()
            assert done.status in ("shipped", "partially_shipped")
            return (time.perf_counter() - start) * 1000

        def floor(cno: str) -> float:
            start = time.perf_counter()
            bare.execute("BEGIN IMMEDIATE")
            oid = bare.execute("SELECT id FROM orders WHERE channel_order_no = ?", (cno,)).fetchone()[0]
            bare.execute("UPDATE order_lines SET shipped_qty = qty WHERE order_id = ?", (oid,))
            bare.execute("UPDATE orders SET status = 'shipped', version = version + 1 WHERE id = ?", (oid,))
            bare.execute("COMMIT")
            return (time.perf_counter() - start) * 1000

        for i in range(5):  # warm-up: the first reads page in the indexes' upper levels
            scan(scans[i][1], 10_000_000 + i)
            floor(floors[i][1])
        ours: list[float] = []
        base: list[float] = []
        for i in range(5, a.scans):
            ours.append(scan(scans[i][1], i))
            base.append(floor(floors[i][1]))
        bare.close()
        db.dispose()
        n = len(ours)
        p50, p95, p50f, p95f = pct(ours, 50), pct(ours, 95), pct(base, 50), pct(base, 95)
        print(f"scan-to-ship, {n:,} scans (find by channel order number, SKU and tracking checks, ship_scanned, "
              f"commit): p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(ours):.1f} ms, mean {statistics.mean(ours):.1f} ms")
        print(f"floor, {n:,} bare sqlite3 lookups + updates + commits: p50 {p50f:.2f} ms, p95 {p95f:.2f} ms, "
              f"max {max(base):.2f} ms")
        print(f"ratio p50 {p50 / p50f:.1f}x, p95 {p95 / p95f:.1f}x; goal p95 < {GOAL_MS:.0f} ms: "
              f"{'met' if p95 < GOAL_MS else 'NOT met'}; peak memory {peak_mb():.0f} MB")
    finally:
        if a.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
