"""Benchmark: the same work on PostgreSQL and on SQLite, in the same run, and the ratio PG / SQLite.

For each backend, on a fresh store (an owner and a manager), each step in its own process:
1. demo: services/demo.add_demo_orders of N orders (what `shop-orders demo --orders N` runs);
2. import: a Taobao-layout .xlsx of --import-rows rows (built as bench_import.py builds it), prepared
   and applied by services/importing/runner;
3. bulk approve: the manager proposes cancelling --bulk orders awaiting shipment, the owner
   approves (services/changesets.submit, then confirm, as bench_bulk.py);
4. audit verify: `shop-orders audit verify` through the CLI, as the owner;
5. backup: services/backup.backup (copy in one snapshot, integrity check, chain verification);
6. restore: services/backup.restore of that backup (checks, the kept copy of the live rows, the
   replacement).
PostgreSQL is SHOP_ORDERS_TEST_PG_URL when set, else a throwaway server (tests/pg_server.py).
Goals of issue 24: backup at most 1.5x SQLite's, restore at most 2x.

    python3 tests/bench/bench_pg.py [--orders N] [--import-rows R] [--bulk B] [--root TREE]
                                          # default N = 200,000, R = 20,000, B = 10,000

--root runs the steps with another checkout's shop_orders (e.g. an older commit, exported with
`git archive`), to measure before and after a change with the same bench.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
OWNER, MANAGER = ("olivia", "owner", "olivia-secret-1"), ("max", "manager", "max-secret-1")
STEPS = ("demo", "import", "bulk propose", "bulk approve", "audit verify", "backup", "restore")


# ---- children (each in its own process, with --root's shop_orders) ------------------------------

def _open(url: str, data: str, create: bool = False):
    from shop_orders.store.open import open_database

    return open_database(url, data_dir=Path(data), create=create)


def _ctx(who=OWNER, source: str = "manual"):
    from shop_orders.domain.changes import Actor, ChangeContext

    return ChangeContext(Actor(who[0], who[1]), source)


def child_setup(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services import auth
    from shop_orders.services.uow import UnitOfWork

    db = _open(url, data, create=True)
    for name, role, password in (OWNER, MANAGER):
        with UnitOfWork(db) as uow:
            auth.create_user(uow, _ctx(), name, role, password)
            uow.commit()
    db.dispose()
    return {}


def child_demo(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services import demo

    db = _open(url, data)
    t = time.perf_counter()
    n = demo.add_demo_orders(db, _ctx(source="demo"), args["orders"], seed=1)
    seconds = time.perf_counter() - t
    db.dispose()
    return {"seconds": seconds, "n": n}


def child_import(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services.importing import runner

    db = _open(url, data)
    t = time.perf_counter()
    plan = runner.prepare(db, work / "taobao.xlsx")
    result = runner.apply(db, _ctx(source="import:taobao.xlsx"), plan)
    seconds = time.perf_counter() - t
    db.dispose()
    return {"seconds": seconds, "n": result.created}


def child_propose(url: str, data: str, work: Path, args: dict) -> dict:
    from sqlalchemy import select

    from shop_orders.services import changesets
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.models import Order

    db = _open(url, data)
    with db.read_session() as s:
        ids = list(s.execute(select(Order.id).where(Order.archived == False,  # noqa: E712 - SQL
                                                    Order.status == "awaiting_shipment")
                             .order_by(Order.id).limit(args["bulk"])).scalars())
    t = time.perf_counter()
    with UnitOfWork(db) as uow:
        p = changesets.submit(uow, _ctx(MANAGER), "set_status", {"status": "cancelled"}, "bench: bulk change",
                              selection=ids)
        uow.commit()
    seconds = time.perf_counter() - t
    db.dispose()
    (work / "changeset.json").write_text(json.dumps({"id": p.id}))
    return {"seconds": seconds, "n": len(ids)}


def child_approve(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services import changesets

    db = _open(url, data)
    cs_id = json.loads((work / "changeset.json").read_text())["id"]
    t = time.perf_counter()
    done = changesets.confirm(db, OWNER[0], cs_id, OWNER[2])
    seconds = time.perf_counter() - t
    db.dispose()
    assert done.state == "applied", done
    return {"seconds": seconds, "n": done.orders}


def child_backup(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services.backup import backup

    db = _open(url, data)
    t = time.perf_counter()
    report = backup(db, work / "backup.sqlite3", work / "backups")
    seconds = time.perf_counter() - t
    db.dispose()
    return {"seconds": seconds, "n": report.orders, "mb": report.path.stat().st_size / 1e6}


def child_restore(url: str, data: str, work: Path, args: dict) -> dict:
    from shop_orders.services.backup import restore

    db = _open(url, data)
    t = time.perf_counter()
    report = restore(db, work / "backup.sqlite3", work / "backups")
    seconds = time.perf_counter() - t
    db.dispose()
    return {"seconds": seconds, "n": report.orders}


CHILDREN = {"setup": child_setup, "demo": child_demo, "import": child_import, "bulk propose": child_propose,
            "bulk approve": child_approve, "backup": child_backup, "restore": child_restore}


# ---- the parent -----------------------------------------------------------------------------------

def build_xlsx(path: Path, rows: int) -> None:
    sys.path.insert(0, str(HERE))
    from tests.bench.bench_import import build

    build(path, rows)


def run_step(step: str, url: str, work: Path, args: dict, env: dict, root: Path) -> dict:
    data = str(work / "xdg" / "ShopOrders")
    if step == "audit verify":
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "shop_orders", "--db", url, "--user", OWNER[0], "--lang", "en",
                        "audit", "verify"], check=True, env={**env, "SHOP_ORDERS_PASSWORD": OWNER[2]},
                       cwd=root, stdout=subprocess.DEVNULL)
        return {"seconds": time.perf_counter() - t}
    res = subprocess.run([sys.executable, __file__, "--child", step, url, data, str(work), json.dumps(args)],
                         capture_output=True, text=True, env=env, cwd=root)
    if res.returncode:
        raise SystemExit(f"{step} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_backend(name: str, url: str, work: Path, args: dict, root: Path) -> dict:
    work.mkdir(parents=True)
    (work / "backups").mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg"), "PYTHONPATH": str(root)}
    (work / "taobao.xlsx").symlink_to(args["xlsx"])
    run_step("setup", url, work, args, env, root)
    out = {}
    for step in STEPS:
        out[step] = run_step(step, url, work, args, env, root)
        extra = f" ({out[step]['n']:,})" if "n" in out[step] else ""
        print(f"  {name:10} {step:13} {out[step]['seconds']:8.1f} s{extra}", flush=True)
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        step, url, data, work, args = sys.argv[2:7]
        print(json.dumps(CHILDREN[step](url, data, Path(work), json.loads(args))))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=200_000)
    ap.add_argument("--import-rows", type=int, default=20_000)
    ap.add_argument("--bulk", type=int, default=10_000)
    ap.add_argument("--root", type=Path, default=HERE, help="the checkout whose shop_orders runs the steps")
    a = ap.parse_args()
    root = a.root.resolve()
    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    xlsx = work / "taobao.xlsx"
    build_xlsx(xlsx, a.import_rows)
    args = {"orders": a.orders, "bulk": a.bulk, "xlsx": str(xlsx)}
    print(f"{a.orders:,} demo orders, import of {a.import_rows:,} rows, bulk approve of up to {a.bulk:,}; "
          f"shop_orders from {root}")

    sys.path.insert(0, str(HERE))

    from tests.pg_server import scratch_database

    with scratch_database("bench_pg") as pg_url:
        results = {
            "sqlite": run_backend("sqlite", str(work / "sqlite" / "shop.sqlite3"), work / "sqlite", args, root),
            "postgresql": run_backend("postgresql", pg_url.render_as_string(hide_password=False),
                                      work / "postgresql", args, root),
        }

    print(f"\n{'step':14} {'SQLite':>9} {'PostgreSQL':>11} {'PG/SQLite':>10}")
    for step in STEPS:
        s, p = results["sqlite"][step]["seconds"], results["postgresql"][step]["seconds"]
        goal = {"backup": "  (goal <= 1.5)", "restore": "  (goal <= 2.0)"}.get(step, "")
        print(f"{step:14} {s:8.1f}s {p:10.1f}s {p / s:9.2f}x{goal}")


if __name__ == "__main__":
    try:
        from shop_orders.services.context import install_rules
    except ImportError:  # an older checkout (--root) whose unit of work finds its rules itself
        pass
    else:
        install_rules()  # this script composes the app: its units of work run the detection rules
    main()
