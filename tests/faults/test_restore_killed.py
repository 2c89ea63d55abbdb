"""A restore killed at any moment leaves one clear state, the next start says where the replaced
data is, and no `.partial` or `.restoring` file is left (issue 23 item 8). The restore runs in a
child process that dies at one point of it (tests/faults/restore_killed.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shop_orders import paths
from shop_orders.services import orders
from shop_orders.services.backup import backup
from shop_orders.services.context import open_context
from shop_orders.services.verification import verify_store
from shop_orders.store import queries
from shop_orders.store.open import open_database
from tests.factories import apply, make_order

ROOT = Path(__file__).resolve().parents[2]


def _nos(db) -> set[str]:
    with db.read_session() as s:
        return {r["order_no"] for r in queries.iter_orders(s, queries.OrderFilter())}


@pytest.mark.parametrize("point", ["checked", "kept", "replaced"])
def test_a_restore_killed_midway_is_finished_or_undone_at_the_next_start(tmp_path, _isolated_home, point):
    store = tmp_path / "shop.sqlite3"
    db = open_database(store, data_dir=paths.data_dir(), create=True)
    first = make_order(db)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    later = make_order(db)
    apply(db, orders.record_payment, later, 100)
    db.dispose()
    child = subprocess.run([sys.executable, "-m", "tests.faults.restore_killed", str(store), str(report.path), point],
                           cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                           timeout=300)
    assert child.returncode == 9, child.stderr
    ctx = open_context(str(store))  # the next start, as the app and the command line make it
    try:
        folder = paths.default_backup_dir()
        if point == "replaced":
            assert ctx.notice is not None and "was interrupted after it had replaced the store; it is now " \
                "finished, and what it replaced is in" in ctx.notice
            kept = [p for p in folder.iterdir() if p.name.startswith("before-restore-") and p.suffix == ".sqlite3"]
            assert len(kept) == 1 and str(kept[0]) in ctx.notice
            assert _nos(ctx.db) == {first}
            replaced = open_database(kept[0], data_dir=paths.data_dir())
            assert _nos(replaced) == {first, later}  # nothing of the replaced store was lost
            replaced.dispose()
        else:
            assert _nos(ctx.db) == {first, later}  # the store is as it was
            if point == "kept":
                assert ctx.notice is not None and "was interrupted before it changed the store" in ctx.notice
        assert verify_store(ctx.db).ok  # the head files follow the store's chain: writing goes on
        make_order(ctx.db)
        assert not [p.name for p in folder.iterdir()
                    if ".partial" in p.name or p.name.startswith(".restoring") or p.name.endswith(".json")
                    and not p.name.endswith(".manifest.json")]
    finally:
        ctx.close()
