"""Backup and restore while a second process writes: nothing committed is lost, backups finish.

The writer (tests/faults/writer.py) prints each write only after its commit returned, so the
test knows exactly which writes were committed and checks every one of them is either in the
copy the restore kept or in the store after the restore.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from shop_orders.services import demo
from shop_orders.services.backup import BackupCancelled, StoreInUse, backup, restore
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import copying, queries
from tests.factories import ctx, make_order

ROOT = Path(__file__).resolve().parents[2]


class Writer:
    def __init__(self, db_url: str, data_dir: Path, tmp: Path, *, seat: bool = False, rate: float = 40.0):
        self.stop_file = tmp / f"stop-{time.monotonic_ns()}"
        cmd = [sys.executable, "-m", "tests.faults.writer", db_url, str(data_dir), str(self.stop_file),
               "--rate", str(rate)] + (["--seat"] if seat else [])
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        self.committed: list[tuple[float, str]] = []
        self.failed: list[str] = []
        self.pid: int | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self._ready.wait(60), "the writer did not start"

    def _read(self) -> None:
        for line in self.proc.stdout:
            kind, _, rest = line.strip().partition(" ")
            if kind == "ready":
                self.pid = int(rest)
                self._ready.set()
            elif kind == "committed":
                self.committed.append((time.monotonic(), rest))
            elif kind == "failed":
                self.failed.append(rest)

    def wait_for(self, n: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.committed) < n:
            assert time.monotonic() < deadline and self.proc.poll() is None, "the writer stopped writing"
            time.sleep(0.02)

    def stop(self) -> set[str]:
        self.stop_file.touch()
        self.proc.wait(timeout=60)
        self._thread.join(timeout=10)
        return {no for _, no in self.committed}

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _data_dir(db) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "ShopOrders"


def _live_channel_nos(db) -> set[str]:
    with db.read_session() as s:
        return {r["channel_order_no"] for r in queries.iter_orders(s, queries.OrderFilter())}


def _file_channel_nos(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT channel_order_no FROM orders")}
    finally:
        con.close()


def test_restore_while_another_process_writes_loses_no_committed_write(db, db_url, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    writer = Writer(db_url, _data_dir(db), tmp_path)  # not a seat: only the lock protects it
    try:
        writer.wait_for(25)
        result = restore(db, report.path, tmp_path / "backups")
        before = len(writer.committed)
        writer.wait_for(before + 25)  # and it goes on writing onto the restored store
        committed = writer.stop()
    finally:
        writer.kill()
    kept, live = _file_channel_nos(result.path), _live_channel_nos(db)
    assert committed - (kept | live) == set(), "a committed write was lost"
    assert committed & kept and committed & live  # both sides of the restore were exercised
    assert not (kept & live) - _file_channel_nos(report.path)  # the restore replaced, not merged


def test_restore_names_a_connected_seat_and_with_wait_restores_once_it_left(db, db_url, tmp_path):
    make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    writer = Writer(db_url, _data_dir(db), tmp_path, seat=True)
    try:
        writer.wait_for(10)
        with pytest.raises(StoreInUse, match=rf"1 other seat is connected \(.* pid {writer.pid} since "):
            restore(db, report.path, tmp_path / "backups")
        waited = []

        def waiting(others):
            waited.append([s.pid for s in others])
            if len(waited) == 3:
                writer.stop_file.touch()  # the other seat closes while restore waits

        result = restore(db, report.path, tmp_path / "backups", wait=True, waiting=waiting)
        committed = writer.stop()
    finally:
        writer.kill()
    assert waited[0] == [writer.pid]
    kept, live = _file_channel_nos(result.path), _live_channel_nos(db)
    assert committed <= kept  # every write happened before the restore took the store
    assert live == _file_channel_nos(report.path)


def _fill(db, n: int) -> None:
    with UnitOfWork(db) as uow:
        demo.fill(uow, ctx(source="demo"), n, seed=1)
        uow.commit()


def test_backup_of_a_busy_store_finishes_with_progress_and_leaves_no_partial_file(db, db_url, tmp_path,
                                                                                 monkeypatch):
    _fill(db, 10000 if db.is_sqlite else 2000)  # SQLite: ~20 MB, more than one backup step
    monkeypatch.setattr(copying, "STEP_PAGES", 64)  # many steps: each would restart on a write
    out = tmp_path / "out"
    out.mkdir()
    writer = Writer(db_url, _data_dir(db), tmp_path, rate=40)
    try:
        writer.wait_for(10)
        seen: list[tuple[int, int]] = []
        t0 = time.monotonic()
        report = backup(db, out / "busy.sqlite3", out, progress=lambda d, t: seen.append((d, t)))
        elapsed = time.monotonic() - t0
        during = [t for t, _ in writer.committed if t0 <= t <= t0 + elapsed]
        # a cancelled backup of the busy store leaves nothing either
        steps: list[int] = []
        with pytest.raises(BackupCancelled):
            backup(db, out / "cancelled.sqlite3", out, cancel=lambda: len(steps) > 3,
                   progress=lambda d, t: steps.append(d))
        writer.wait_for(len(writer.committed) + 10)
        committed_times = [t for t, _ in writer.committed]
        writer.stop()
    finally:
        writer.kill()
    rate = (len(committed_times) - 1) / (committed_times[-1] - committed_times[0])
    assert rate >= 20, f"the writer managed only {rate:.1f} writes/s"
    assert during, "no write happened while the backup ran"
    assert elapsed < 60, f"backup took {elapsed:.1f}s"
    # progress only moves forward (a restarted copy would go back) and ends complete
    assert len(seen) > 3 and len({t for _, t in seen}) == 1 and seen[-1][0] == seen[-1][1]
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:], strict=False))
    assert sorted(p.name for p in out.iterdir()) == ["busy.sqlite3", "busy.sqlite3.manifest.json"]
    assert report.orders >= (10000 if db.is_sqlite else 2000)
