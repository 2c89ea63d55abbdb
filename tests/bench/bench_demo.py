"""Benchmark: `shop-orders demo --orders N` against bare sqlite3 executemany of the same rows.

Baseline: the rows the demo wrote are read back (untimed), then inserted with plain sqlite3
executemany into a fresh database with the same schema, indexes and pragmas, in one
transaction. The ratio is demo time / baseline time; the goal is at most 3x.

    python3 tests/bench/bench_demo.py [N]      # default N = 1,000,000
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ["orders", "order_lines", "payments", "shipments", "audit_events", "order_id_counters"]


def cli(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "shop_orders", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg")}
    demo_db, bare_db = work / "demo.sqlite3", work / "bare.sqlite3"
    cli("--db", str(demo_db), "init", env=env)
    cli("--db", str(bare_db), "init", env=env)

    t0 = time.perf_counter()
    cli("--db", str(demo_db), "demo", "--orders", str(n), "--seed", "1", env=env)
    demo_s = time.perf_counter() - t0

    src = sqlite3.connect(demo_db)
    data = {}
    for table in TABLES:
        cur = src.execute(f"SELECT * FROM {table}")
        cols = [d[0] for d in cur.description]
        data[table] = (cols, cur.fetchall())
    head = src.execute("SELECT seq, hash FROM audit_head").fetchone()
    src.close()
    rows = sum(len(r) for _, r in data.values())

    dst = sqlite3.connect(bare_db, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = FULL")
    dst.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    dst.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        cols, table_rows = data[table]
        marks = ",".join("?" * len(cols))
        dst.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", table_rows)
    dst.execute("UPDATE audit_head SET seq = ?, hash = ?", head)
    dst.execute("COMMIT")
    bare_s = time.perf_counter() - t0
    dst.close()

    print(f"orders: {n:,}   rows written in all: {rows:,}")
    print(f"shop-orders demo (CLI, end to end): {demo_s:8.2f} s  ({n / demo_s:,.0f} orders/s)")
    print(f"bare sqlite3 executemany, same rows: {bare_s:8.2f} s  ({n / bare_s:,.0f} orders/s)")
    print(f"ratio demo / bare: {demo_s / bare_s:.2f}x   (goal: at most 3x)")
    for p in work.rglob("*"):
        if p.is_file():
            p.unlink()


if __name__ == "__main__":
    main()
