"""Benchmark: backup of a store while another process writes 20+ times a second, vs idle.

Fills a store with `shop-orders demo --orders N` (or uses DB if given), then in the same run:
1. an idle backup (nothing else writing);
2. a backup while tests/faults/writer.py commits an order about --rate times a second from a
   second process.
Each backup is the full service (copy in one snapshot, then integrity check and audit chain
verification of the copy); the copy phase is timed separately from the last progress report.
Prints both times, the writes committed during the busy backup, and the ratio busy / idle.

    python3 tests/bench/bench_backup.py [N] [--db DB.sqlite3] [--rate 25]   # default N = 1,000,000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shop_orders.services.backup import backup  # noqa: E402
from shop_orders.store.open import open_database  # noqa: E402


def cli(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "shop_orders", *args], check=True, env=env, stdout=subprocess.DEVNULL,
                   cwd=ROOT)


def timed_backup(db, folder: Path, name: str) -> tuple[float, float, object]:
    copied = []
    t0 = time.perf_counter()
    report = backup(db, folder / name, folder, progress=lambda d, t: copied.append(time.perf_counter()))
    total = time.perf_counter() - t0
    return total, (copied[-1] - t0) if copied else total, report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("orders", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rate", type=float, default=25.0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg"), "PYTHONPATH": str(ROOT)}
    os.environ["XDG_DATA_HOME"] = env["XDG_DATA_HOME"]
    path = args.db
    if path is None:
        path = work / "shop.sqlite3"
        cli("--db", str(path), "init", env=env)
        t0 = time.perf_counter()
        cli("--db", str(path), "demo", "--orders", str(args.orders), "--seed", "1", env=env)
        print(f"demo --orders {args.orders}: {time.perf_counter() - t0:.1f} s")
    size_mb = path.stat().st_size / 1e6
    data_dir = work / "xdg" / "ShopOrders"
    db = open_database(path, data_dir=data_dir)
    out = work / "backups"
    out.mkdir()

    idle_total, idle_copy, report = timed_backup(db, out, "idle.sqlite3")
    print(f"idle backup of {report.orders} orders ({size_mb:.0f} MB): {idle_total:.1f} s "
          f"(copy {idle_copy:.1f} s, checks {idle_total - idle_copy:.1f} s)")
    (out / "idle.sqlite3").unlink()
    (out / "idle.sqlite3.manifest.json").unlink()

    stop = work / "stop"
    writer = subprocess.Popen([sys.executable, "-m", "tests.faults.writer", str(path), str(data_dir), str(stop),
                               "--rate", str(args.rate)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert writer.stdout.readline().startswith("ready")
    lines: list[float] = []
    import threading

    def read() -> None:
        for line in writer.stdout:
            if line.startswith("committed"):
                lines.append(time.perf_counter())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(2.0)  # the writer is up to speed
    t_start = time.perf_counter()
    busy_total, busy_copy, report = timed_backup(db, out, "busy.sqlite3")
    t_end = time.perf_counter()
    stop.touch()
    writer.wait(timeout=60)
    reader.join(timeout=10)
    during = sum(1 for t in lines if t_start <= t <= t_end)
    partial = sorted(p.name for p in out.iterdir() if p.name.endswith(".partial"))
    print(f"busy backup ({during} writes committed during it, {during / busy_total:.1f} writes/s): "
          f"{busy_total:.1f} s (copy {busy_copy:.1f} s, checks {busy_total - busy_copy:.1f} s); "
          f"partial files left: {len(partial)}")
    print(f"ratio busy / idle: {busy_total / idle_total:.2f}x (copy phase {busy_copy / idle_copy:.2f}x)")
    db.dispose()


if __name__ == "__main__":
    main()
