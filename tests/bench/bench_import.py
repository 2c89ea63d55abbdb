"""Benchmark: importing a 100,000-row channel export end to end against python-calamine only
reading the same file.

The file is a Taobao-layout .xlsx (one row per order, 12 columns) built here. Each side runs in
its own process so peak memory (ru_maxrss) is its own: the baseline only reads the sheet into
Python rows; ours reads, detects the profile, maps, validates, dedupes against the store, writes
the orders, lines and payments and the audit chain in one transaction (fresh SQLite database).
Goal (issue 25): ratio <= 2x, peak memory < 500 MB.

A third process measures the floor of any importer that stores what ours stores: the same
python-calamine read, then bare sqlite3 executemany of exactly the rows our import wrote (orders,
lines, payments, the parcels of orders shipped on the channel, the tickets the rules opened and
their notes, the audit events; copied from its database beforehand, not timed) into the same schema and pragmas, the secondary indexes
built after the inserts, one commit. Ours / floor is the overhead of our own code.

    python3 tests/bench/bench_import.py [ROWS]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单状态", "收货人姓名", "收货地址", "联系手机",
          "订单创建时间", "宝贝标题", "宝贝总数量", "物流单号"]


def build(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("订单")
    ws.append(["淘宝卖家中心 订单导出"])
    ws.append(HEADER)
    statuses = ["买家已付款，等待卖家发货", "交易成功", "等待买家付款", "卖家已发货，等待买家确认", "交易关闭"]
    for i in range(rows):
        ws.append([f"30{i:017d}", f"tb_买家{i % 5000}", f"{100 + i % 900}.50", f"{100 + i % 900}.50",
                   statuses[i % 5], "王伟", "浙江省 杭州市 西湖区 文三路1号", f"138{i % 100000000:08d}",
                   f"2026-11-{1 + i % 20:02d} {i % 24:02d}:{i % 60:02d}:00", "西湖龙井 250g", str(1 + i % 3), ""])
    wb.save(path)


def child(mode: str, path: str, db: str) -> None:
    t = time.perf_counter()
    if mode == "calamine":
        import python_calamine as pc

        rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        n = len(rows)
    elif mode == "floor":
        n, t = floor(path, db)
    else:
        from shop_orders.domain.changes import Actor, ChangeContext
        from shop_orders.services.importing import runner
        from shop_orders.store.open import open_database

        database = open_database(db, data_dir=Path(db).parent, create=True)
        t = time.perf_counter()  # opening/creating the empty database is not part of the import
        plan = runner.prepare(database, Path(path))
        result = runner.apply(database, ChangeContext(Actor("bench"), "import:bench.xlsx"), plan)
        n = result.created
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "n": n,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


# and the derived rows written in the same transaction: the search index's text, the health rollup
# (the search index's FTS5 grams are not copied: a virtual table's rows cannot be read back)
TABLES = ("orders", "order_lines", "payments", "shipments", "tickets", "ticket_comments", "audit_events",
          "order_search", "order_health")


def floor(path: str, db: str) -> tuple[int, float]:
    import sqlite3

    import python_calamine as pc

    src = sqlite3.connect(db)
    schema = src.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                         "AND name NOT LIKE 'order_search_grams_%' ORDER BY type = 'index'").fetchall()
    present = {n for (n,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    data = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES if t in present}
    src.close()
    target = Path(db).with_name("floor.sqlite3")
    con = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode = WAL", "foreign_keys = ON", "synchronous = FULL"):
        con.execute(f"PRAGMA {pragma}")
    for kind, sql in schema:
        if kind == "table":
            con.execute(sql)
    t = time.perf_counter()
    rows = pc.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    con.execute("BEGIN IMMEDIATE")
    for table, batch in data.items():
        if not batch:
            continue
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(batch[0]))})", batch)
    for kind, sql in schema:
        if kind == "index":
            con.execute(sql)
    con.execute("COMMIT")
    return len(rows), t


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("calamine", "ours", "floor"):
        child(*sys.argv[1:4])
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = work / "taobao.xlsx"
    build(path, rows)
    env = {**os.environ, "XDG_DATA_HOME": str(work)}
    out = {}
    for mode in ("calamine", "ours", "floor"):
        res = subprocess.run([sys.executable, __file__, mode, str(path), str(work / "shop.sqlite3")],
                             capture_output=True, text=True, env=env)
        if res.returncode:
            raise SystemExit(res.stderr)
        out[mode] = json.loads(res.stdout.strip().splitlines()[-1])
    c, o, f = out["calamine"], out["ours"], out["floor"]
    print(f"file: {rows:,} rows x {len(HEADER)} columns ({path.stat().st_size / 2**20:.1f} MB .xlsx)")
    print(f"python-calamine read only: {c['seconds']:7.2f} s   peak {c['peak_mb']:6.0f} MB")
    print(f"shop-orders import:        {o['seconds']:7.2f} s   peak {o['peak_mb']:6.0f} MB   ({o['n']:,} orders created)")
    print(f"floor (same read + bare sqlite3 writes of the same rows): {f['seconds']:7.2f} s")
    print(f"ratio import / read: {o['seconds'] / c['seconds']:.2f}x   (goal: at most 2x, peak under 500 MB)")
    print(f"ratio floor / read:  {f['seconds'] / c['seconds']:.2f}x   import / floor: {o['seconds'] / f['seconds']:.2f}x")


if __name__ == "__main__":
    from shop_orders.services.context import install_rules

    install_rules()  # this script composes the app: its units of work run the detection rules
    main()
