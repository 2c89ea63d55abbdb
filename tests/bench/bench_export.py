"""Benchmark: exporting 100,000 orders to Excel against a bare write-only loop writing the same values.

Ours: `services.exporting.export` end to end (database reads, formatting, Orders + Lines + Summary
+ Audit trail sheets). Baseline: the values of the workbook ours produced, read back (untimed),
then written by a plain openpyxl write-only loop with no styles. Goal: ratio <= 1.5x.

    python3 tests/bench/bench_export.py [ORDERS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["XDG_DATA_HOME"] = str(work)
    db_path = work / "shop.sqlite3"
    subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(db_path), "demo", "--orders", str(n)],
                   check=True, stdout=subprocess.DEVNULL)

    import python_calamine as pc
    from openpyxl import Workbook

    from shop_orders.services import exporting
    from shop_orders.store.open import open_database

    db = open_database(db_path, data_dir=work)
    ours_path = work / "ours.xlsx"
    t = time.perf_counter()
    result = exporting.export(db, ours_path)
    ours = time.perf_counter() - t

    book = pc.CalamineWorkbook.from_path(str(ours_path))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    cells = sum(len(r) for rows in sheets.values() for r in rows)
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(work / "bare.xlsx")
    bare = time.perf_counter() - t
    print(f"orders: {result.orders:,}, lines: {result.lines:,}, audit events: {result.events:,}, cells: {cells:,}")
    print(f"shop-orders export (end to end):      {ours:7.2f} s")
    print(f"bare write-only loop, same values:    {bare:7.2f} s")
    print(f"ratio export / bare: {ours / bare:.2f}x   (goal: at most 1.5x)")


if __name__ == "__main__":
    main()
