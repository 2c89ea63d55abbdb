"""Benchmark: the detection rules (services/rules.py) over a million orders, and what they add to a
change.

A store of about 1,000,000 orders is prepared once (untimed): a copy of DB (sqlite3's backup API,
nothing else has it open; its audit key and head files copied beside it into a data folder of its
own), or a fresh demo store of --orders N; opened once so it migrates to the current schema; then,
by direct SQL on the copy, every unfinished order is made fresh (last update 1 min to 47 h before
NOW, under the amber line) except a random --stale share of all orders (default 1%), which are made
stale (73 h to 30 days before NOW), and a random --mismatch share (default 0.1%) of paid orders
(awaiting shipment, shipped, completed) get 1 fen less paid than their total. The audit trail of the
copy no longer replays those rows (that is fine for a bench copy; the chain itself is intact, so
units of work still write). Every step below runs on a copy of that prepared store, each in its own
process so its peak memory (ru_maxrss) is its own, with NOW fixed (the rules' clock and the
changes' clock).

1. Sweep against one count.
   baseline  one SELECT COUNT(*) of the stale orders through the store's session: the same stale
             clause the stuck rule uses (store/queries.stale_clause with the shop's thresholds)
             plus archived = false, served by ix_orders_live_status_updated (the plan is printed);
             median of 7 after one warm-up.
   sweep     rules.sweep(uow, NOW, every_rule=True) in one unit of work and its commit: the first
             run (opens a stuck ticket per stale order and a payment ticket per mismatch), the
             second (steady state: nothing new), and the timer's every_rule=False run (steady).
   Each as a ratio to the baseline, with the tickets it opened checked against the prepared
   counts.
2. A change with the rules on (UnitOfWork(db)) against off (UnitOfWork(db, rules=())), in one
   process, interleaved (on/off, then off/on) so drift cancels: --changes of each, every one its
   own unit of work and commit as a clerk's click is (edit the courier of one order; move one order
   awaiting shipment <-> awaiting payment; record the full payment of an awaiting-payment order,
   a different one each time), plus a change that makes a rule fire (a payment on a fully paid
   order: a payment ticket is opened). Medians and the ratio on / off; goal: rules add under 20%
   (ratio < 1.2) to the changes that open no ticket.
   Bulk: --bulk apply_channel_update calls in one unit of work (channel import: awaiting payment ->
   awaiting shipment, paid in full), and create_orders_bulk of --bulk drafts, rules on against off,
   rounds on, off, off, on; the ratio of the sums.
Past a goal, or with --profile, the steady sweep and the rules-on change are run under cProfile
and their hot spots printed.

    python3 tests/bench/bench_rules.py [DB] [--data-dir DIR] [--orders 1000000] [--stale 0.01]
                                       [--mismatch 0.001] [--changes 300] [--bulk 10000] [--profile] [--keep]
    e.g. python3 tests/bench/bench_rules.py /work/bench/m1.sqlite3     # key in ~/.local/share/ShopOrders
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the children run this file: shop_orders from this checkout

OWNER = ("olivia", "owner")
PAID_STATUSES = ("awaiting_shipment", "shipped", "completed")
UNFINISHED = ("awaiting_confirmation", "awaiting_payment", "partially_paid", "awaiting_shipment",
              "partially_shipped", "shipped")
GOAL = 1.2


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stamp(moment: datetime) -> str:
    """A UTC instant as the store keeps it on SQLite (store/types.py UTCDateTime: naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def open_store(folder: Path, create: bool = False):
    from shop_orders.store.open import open_database

    return open_database(folder / "shop.sqlite3", data_dir=folder / "data", create=create)


def fixed_now(folder: Path) -> datetime:
    return datetime.fromisoformat(json.loads((folder / "prepared.json").read_text())["now"])


def ctx(reason: str = ""):
    from shop_orders.domain.changes import Actor, ChangeContext

    return ChangeContext(Actor(*OWNER), "manual", reason)


# ---- children (each in its own process) ---------------------------------------------------------

def build(folder: Path, n: int) -> dict:
    """A demo store of n orders (when no DB is given)."""
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import demo

    db = open_store(folder, create=True)
    demo.add_demo_orders(db, ChangeContext(Actor(*OWNER), "demo"), n, seed=1)
    db.dispose()
    return {}


def migrate(folder: Path) -> dict:
    from shop_orders.store import migrate as m

    with sqlite3.connect(f"file:{folder / 'shop.sqlite3'}?mode=ro", uri=True) as c:
        before = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    t = time.perf_counter()
    db = open_store(folder, create=True)  # an older schema is upgraded on open
    seconds = time.perf_counter() - t
    db.dispose()
    return {"from": before, "to": m.head_revision(), "seconds": seconds}


def _plan(db, stmt) -> list[str]:
    """SQLite's plan for stmt as the store's session sends it (same SQL, same bound values)."""
    from sqlalchemy import event

    seen: list = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        with db.read_session() as s:
            s.execute(stmt).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    statement, parameters = seen[-1]
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return [row[-1] for row in cur.fetchall()]
    finally:
        raw.close()


def count(folder: Path) -> dict:
    from sqlalchemy import false, func, select
    from sqlmodel import col

    from shop_orders.services import settings
    from shop_orders.store.models import Order
    from shop_orders.store.queries import stale_clause

    now = fixed_now(folder)
    db = open_store(folder)
    with db.read_session() as s:
        thresholds = settings.get_thresholds(s)
    stmt = select(func.count()).select_from(Order).where(col(Order.archived) == false(), stale_clause(thresholds, now))
    times, n = [], 0
    for _ in range(8):
        t = time.perf_counter()
        with db.read_session() as s:
            n = s.execute(stmt).scalar_one()
        times.append(time.perf_counter() - t)
    plan = _plan(db, stmt)
    db.dispose()
    return {"stale": n, "first": times[0], "seconds": statistics.median(times[1:]), "plan": plan,
            "peak_mb": peak_mb()}


def sweep(folder: Path, every_rule: bool, profile: str = "", commit: bool = True) -> dict:
    from shop_orders.services import rules
    from shop_orders.services.uow import UnitOfWork

    now = fixed_now(folder)
    db = open_store(folder)
    before = peak_mb()
    t = time.perf_counter()
    with UnitOfWork(db, clock=lambda: now) as uow:
        if profile:
            import cProfile

            prof = cProfile.Profile()
            outcome = prof.runcall(rules.sweep, uow, now, every_rule=every_rule)
            prof.dump_stats(profile)
        else:
            outcome = rules.sweep(uow, now, every_rule=every_rule)
        swept = time.perf_counter() - t
        events = len(uow.events)
        if commit:
            uow.commit()
    seconds = time.perf_counter() - t
    db.dispose()
    return {"seconds": seconds, "sweep": swept, "commit": seconds - swept, "opened": outcome.opened,
            "updated": outcome.updated, "reminded": outcome.reminded, "escalated": outcome.escalated,
            "events": events, "peak_mb": peak_mb(), "start_mb": before}


def _pick(folder: Path, n: int, where: str, skip: set[int]) -> list[int]:
    with sqlite3.connect(f"file:{folder / 'shop.sqlite3'}?mode=ro", uri=True) as c:
        ids = [r[0] for r in c.execute(f"SELECT id FROM orders WHERE archived = 0 AND {where} ORDER BY id")]
    ids = [i for i in ids if i not in skip]
    random.Random(7).shuffle(ids)
    if len(ids) < n:
        raise SystemExit(f"only {len(ids)} orders where {where}; {n} needed")
    picked = ids[:n]
    skip.update(picked)
    return picked


def _on_against_off(one, n: int, warm: int) -> dict:
    """one(rules on?) timed n times each way, interleaved (which goes first alternates), after
    `warm` untimed runs: medians and means."""
    for i in range(warm):
        one(i % 2 == 0)
    on_t, off_t = [], []
    for i in range(n):
        for on in ((True, False) if i % 2 == 0 else (False, True)):
            (on_t if on else off_t).append(one(on))
    return {"on": statistics.median(on_t), "off": statistics.median(off_t),
            "on_mean": statistics.fmean(on_t), "off_mean": statistics.fmean(off_t)}


def changes(folder: Path, n: int, bulk: int, profile: str = "") -> dict:
    """Single changes and bulk batches, rules on against off, interleaved, in this one process."""
    from shop_orders.domain.status import Status
    from shop_orders.services import orders
    from shop_orders.services.orders import LineDraft, OrderDraft
    from shop_orders.services.uow import UnitOfWork

    now = fixed_now(folder)
    clock = lambda: now  # noqa: E731 - the prepared store's instant: its fresh orders stay fresh
    db = open_store(folder)
    used: set[int] = set()
    fresh = f"updated_at > '{stamp(now - timedelta(hours=48))}'"
    warm = 5
    edit_id = _pick(folder, 1, f"status = 'awaiting_shipment' AND paid_minor = total_minor AND {fresh}", used)[0]
    move_id = _pick(folder, 1, f"status = 'awaiting_shipment' AND paid_minor = total_minor AND {fresh}", used)[0]
    to_pay = _pick(folder, 2 * (n + warm), f"status = 'awaiting_payment' AND paid_minor = 0 AND {fresh}", used)
    overpay = _pick(folder, 2 * (n + warm), f"status = 'awaiting_shipment' AND paid_minor = total_minor AND {fresh}",
                    used)
    channel = _pick(folder, 4 * bulk, f"status = 'awaiting_payment' AND paid_minor = 0 AND {fresh}", used)
    with sqlite3.connect(f"file:{folder / 'shop.sqlite3'}?mode=ro", uri=True) as c:
        c.execute("CREATE TEMP TABLE ids (id INTEGER PRIMARY KEY)")
        c.executemany("INSERT INTO ids VALUES (?)", [(i,) for i in [*to_pay, *channel]])
        totals = dict(c.execute("SELECT id, total_minor FROM orders JOIN ids USING (id)").fetchall())
    state = {"move": "awaiting_shipment", "courier": 0, "pay": 0, "over": 0}

    def edit(uow):
        state["courier"] += 1
        orders.edit(uow, ctx(), edit_id, {"courier": f"Bench Express {state['courier']}"})

    def move(uow):
        target = "awaiting_payment" if state["move"] == "awaiting_shipment" else "awaiting_shipment"
        orders.transition(uow, ctx(), move_id, Status(target))
        state["move"] = target

    def pay(uow):
        oid = to_pay[state["pay"]]
        state["pay"] += 1
        orders.record_payment(uow, ctx(), oid, totals[oid], "alipay", "bench")

    def pay_twice(uow):  # a payment on a fully paid order: the payment rule fires (a ticket)
        oid = overpay[state["over"]]
        state["over"] += 1
        orders.record_payment(uow, ctx(), oid, 100, "alipay", "bench: paid twice")

    cases = {"edit (courier)": edit, "transition (shipment <-> payment)": move, "record_payment (in full)": pay,
             "payment that opens a ticket": pay_twice}

    def one(fn, on: bool) -> float:
        t = time.perf_counter()
        with (UnitOfWork(db, clock=clock) if on else UnitOfWork(db, clock=clock, rules=())) as uow:
            fn(uow)
            uow.commit()
        return time.perf_counter() - t

    out: dict = {"single": {}, "bulk": {}}
    if profile:
        import cProfile

        prof = cProfile.Profile()
        for _ in range(n):
            prof.runcall(one, edit, True)
            prof.runcall(one, move, True)
        prof.dump_stats(profile)
        db.dispose()
        return out
    for name, fn in cases.items():
        out["single"][name] = _on_against_off(lambda on, fn=fn: one(fn, on), n, warm)

    def channel_batch(ids: list[int], on: bool) -> float:
        t = time.perf_counter()
        with (UnitOfWork(db, clock=clock) if on else UnitOfWork(db, clock=clock, rules=())) as uow:
            c = ctx()
            for oid in ids:
                orders.apply_channel_update(uow, c, oid, {"status": "awaiting_shipment", "paid_minor": totals[oid]})
            uow.commit()
        return time.perf_counter() - t

    def create_batch(tag: str, on: bool) -> float:
        drafts = [OrderDraft("taobao", f"BENCH-{tag}-{i:06d}", now - timedelta(hours=2), status=Status.AWAITING_SHIPMENT,
                             buyer="bench", recipient="王伟", phone="13800000000", address="浙江省杭州市西湖区文三路 1 号",
                             lines=[LineDraft("TEA-LJ-250", "西湖龙井 250g", 1, 16800)], paid_minor=16800)
                  for i in range(bulk)]
        t = time.perf_counter()
        with (UnitOfWork(db, clock=clock) if on else UnitOfWork(db, clock=clock, rules=())) as uow:
            orders.create_orders_bulk(uow, ctx(), drafts)
            uow.commit()
        return time.perf_counter() - t

    rounds = (True, False, False, True)
    for name in ("apply_channel_update", "create_orders_bulk"):
        sums = {True: 0.0, False: 0.0}
        for r, on in enumerate(rounds):
            if name == "apply_channel_update":
                sums[on] += channel_batch(channel[r * bulk:(r + 1) * bulk], on)
            else:
                sums[on] += create_batch(f"{r}", on)
        out["bulk"][name] = {"on": sums[True] / 2, "off": sums[False] / 2}
    db.dispose()
    out["peak_mb"] = peak_mb()
    return out


def child(mode: str, folder: str, args: list[str]) -> None:
    path = Path(folder)
    if mode == "build":
        out = build(path, int(args[0]))
    elif mode == "migrate":
        out = migrate(path)
    elif mode == "count":
        out = count(path)
    elif mode == "sweep":
        out = sweep(path, args[0] == "every", args[1] if len(args) > 1 else "", commit=not (len(args) > 2))
    else:
        out = changes(path, int(args[0]), int(args[1]), args[2] if len(args) > 2 else "")
    print(json.dumps(out))


# ---- the parent ----------------------------------------------------------------------------------

def run(mode: str, folder: Path, env: dict, *args: object) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", mode, str(folder), *map(str, args)],
                         capture_output=True, text=True, env=env)
    if res.returncode:
        raise SystemExit(f"{mode} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def copy_store(src: Path, src_data: Path, dest: Path) -> None:
    """A copy of the store at src in dest/shop.sqlite3 with its own data folder dest/data: the
    same audit key, the same head files under their new names."""
    from sqlalchemy import make_url

    from shop_orders.store.db import data_head_file_for

    dest.mkdir(parents=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dest / "shop.sqlite3")
    source.backup(target)
    target.close()
    store_id = json.loads(source.execute("SELECT value FROM settings WHERE key = 'audit_store_id'").fetchone()[0])
    source.close()
    (dest / "data" / "audit-keys").mkdir(parents=True)
    shutil.copy2(src_data / "audit-keys" / f"{store_id}.key", dest / "data" / "audit-keys" / f"{store_id}.key")
    shutil.copy2(src.with_name(src.name + ".audit-head.json"), dest / "shop.sqlite3.audit-head.json")
    # The data folder's head file is named by store id and location: the same content, its new name.
    old = data_head_file_for(make_url(f"sqlite:///{src}"), src_data, store_id)
    new = data_head_file_for(make_url(f"sqlite:///{dest / 'shop.sqlite3'}"), dest / "data", store_id)
    new.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(old, new)


def prepare(folder: Path, stale_share: float, mismatch_share: float) -> dict:
    """Direct SQL on the bench copy: every unfinished order fresh but a random stale_share of all
    orders (stale), and a random mismatch_share of paid orders 1 fen short. NOW is saved."""
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(15)
    con = sqlite3.connect(folder / "shop.sqlite3")
    total = con.execute("SELECT count(*) FROM orders WHERE archived = 0").fetchone()[0]
    marks = ",".join("?" * len(UNFINISHED))
    open_ids = [r[0] for r in con.execute(f"SELECT id FROM orders WHERE archived = 0 AND status IN ({marks}) "
                                          "ORDER BY id", UNFINISHED)]
    stale = set(rng.sample(open_ids, round(total * stale_share)))
    rows = []
    for oid in open_ids:
        ago = rng.randint(73 * 3600, 30 * 86400) if oid in stale else rng.randint(60, 47 * 3600)
        rows.append((stamp(now - timedelta(seconds=ago)), oid))
    paid_ids = [r[0] for r in con.execute(
        f"SELECT id FROM orders WHERE archived = 0 AND status IN ({','.join('?' * len(PAID_STATUSES))}) "
        "AND paid_minor = total_minor AND total_minor > 0 ORDER BY id", PAID_STATUSES)]
    mismatched = rng.sample(paid_ids, round(total * mismatch_share))
    with con:
        con.executemany("UPDATE orders SET updated_at = ? WHERE id = ?", rows)
        con.executemany("UPDATE orders SET paid_minor = total_minor - 1 WHERE id = ?", [(i,) for i in mismatched])
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    payment_candidates = con.execute(
        "SELECT count(*) FROM orders WHERE archived = 0 AND ((status IN ('awaiting_shipment', 'partially_shipped', "
        "'shipped', 'completed') AND paid_minor != total_minor) OR (status = 'cancelled' AND paid_minor != 0))"
    ).fetchone()[0]
    tickets = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
    con.close()
    out = {"now": now.isoformat(), "orders": total, "unfinished": len(open_ids), "stale": len(stale),
           "mismatched": len(mismatched), "payment_candidates": payment_candidates, "tickets_before": tickets}
    (folder / "prepared.json").write_text(json.dumps(out))
    return out


def tickets_by_kind(folder: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{folder / 'shop.sqlite3'}?mode=ro", uri=True) as c:
        return dict(c.execute("SELECT kind, count(*) FROM tickets GROUP BY kind").fetchall())


def hot_spots(stats_file: Path, title: str, limit: int = 22) -> None:
    import io
    import pstats

    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(str(stats_file), stream=buf).strip_dirs().sort_stats(key).print_stats(limit)
        text = buf.getvalue()
        print(f"--- {title} under cProfile, top {limit} by {key} ---")
        print(text[text.find("   ncalls"):].rstrip())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="?", help="a demo store to copy (default: build one of --orders)")
    ap.add_argument("--data-dir", help="the data folder holding DB's audit key (default: the app's)")
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--stale", type=float, default=0.01, help="share of all orders made stale")
    ap.add_argument("--mismatch", type=float, default=0.001, help="share of all orders paid 1 fen short")
    ap.add_argument("--changes", type=int, default=300, help="single changes of each kind, rules on and off each")
    ap.add_argument("--bulk", type=int, default=10_000, help="orders per bulk batch")
    ap.add_argument("--profile", action="store_true", help="profile the steady sweep and a change even under goal")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-rules-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg"), "XDG_CONFIG_HOME": str(work / "xdg" / "config")}
    env.pop("SHOP_ORDERS_DB", None)
    try:
        t = time.perf_counter()
        if a.db:
            from shop_orders import paths

            src = Path(a.db).resolve()
            copy_store(src, Path(a.data_dir).resolve() if a.data_dir else paths.data_dir(), work / "base")
            origin = f"a copy of {src}"
        else:
            (work / "base").mkdir()
            run("build", work / "base", env, a.orders)
            origin = "a demo store built for this run"
        mig = run("migrate", work / "base", env)
        prep = prepare(work / "base", a.stale, a.mismatch)
        base = work / "base" / "shop.sqlite3"
        copy_store(base, work / "base" / "data", work / "run")
        shutil.copy2(work / "base" / "prepared.json", work / "run" / "prepared.json")
        setup_s = time.perf_counter() - t
        print(f"store: {prep['orders']:,} orders, {origin}, schema {mig['from']} -> {mig['to']} "
              f"(migration {mig['seconds']:.1f} s; setup {setup_s:.0f} s)")
        print(f"  NOW {prep['now']}: {prep['unfinished']:,} unfinished orders, {prep['stale']:,} of them stale "
              f"({prep['stale'] / prep['orders']:.2%} of all), the rest fresh; {prep['mismatched']:,} paid 1 fen short "
              f"({prep['payment_candidates']:,} payment candidates in all); {prep['tickets_before']} tickets before")

        c = run("count", work / "run", env)
        first = run("sweep", work / "run", env, "every")
        by_kind = tickets_by_kind(work / "run")
        second = run("sweep", work / "run", env, "every")
        timer = run("sweep", work / "run", env, "timer")
        base_s = c["seconds"]
        print()
        print(f"baseline: SELECT COUNT(*) stale (indexed) = {c['stale']:,}   median {base_s * 1000:8.2f} ms  "
              f"(first {c['first'] * 1000:.2f} ms, peak {c['peak_mb']:.0f} MB)")
        print("  plan: " + " | ".join(c["plan"]))
        print(f"{'sweep':<36}{'time':>10}{'x count':>10}{'commit':>9}{'opened':>8}{'updated':>8}{'peak MB':>9}")
        for name, r in (("every rule, first run", first), ("every rule, second run (steady)", second),
                        ("timer (every_rule=False, steady)", timer)):
            print(f"{name:<36}{r['seconds']:>8.2f} s{r['seconds'] / base_s:>9,.0f}x{r['commit']:>7.2f} s"
                  f"{r['opened']:>8,}{r['updated']:>8,}{r['peak_mb']:>9.0f}")
        print(f"  tickets after the first run: {by_kind}")
        expected = {"stuck": prep["stale"], "payment": prep["payment_candidates"]}
        if c["stale"] != prep["stale"] or {k: by_kind.get(k, 0) for k in expected} != expected \
                or first["opened"] != sum(expected.values()) or second["opened"] + second["updated"] \
                or timer["opened"] + timer["updated"]:
            raise SystemExit(f"the sweep did not open exactly the expected tickets: {expected}")

        ch = run("changes", work / "run", env, a.changes, a.bulk)
        print()
        print(f"single change, median of {a.changes} each, interleaved (own unit of work and commit each):")
        print(f"{'change':<36}{'rules on':>11}{'rules off':>11}{'on/off':>8}   (means: on / off)")
        worst = 0.0
        for name, r in ch["single"].items():
            ratio = r["on"] / r["off"]
            if "ticket" not in name:
                worst = max(worst, ratio)
            print(f"{name:<36}{r['on'] * 1000:>8.2f} ms{r['off'] * 1000:>8.2f} ms{ratio:>7.2f}x"
                  f"   ({r['on_mean'] * 1000:.2f} / {r['off_mean'] * 1000:.2f} ms)")
        print(f"bulk, {a.bulk:,} orders in one unit of work, mean of 2 rounds each (on, off, off, on):")
        for name, r in ch["bulk"].items():
            print(f"{name:<36}{r['on']:>9.2f} s{r['off']:>9.2f} s{r['on'] / r['off']:>7.2f}x"
                  f"   ({a.bulk / r['on']:,.0f} / {a.bulk / r['off']:,.0f} orders/s)")
        bulk_worst = max(r["on"] / r["off"] for r in ch["bulk"].values())
        print(f"(peak {ch['peak_mb']:.0f} MB)")
        met = worst < GOAL and bulk_worst < GOAL
        print(f"goal: rules add under 20% to a change: single worst {worst:.2f}x, bulk worst {bulk_worst:.2f}x -> "
              f"{'met' if met else 'NOT met'}")
        if not met or a.profile:
            stats = work / "sweep.prof"
            r = run("sweep", work / "run", env, "every", stats)
            print(f"\nsteady sweep under cProfile: {r['seconds']:.2f} s")
            hot_spots(stats, "steady sweep (every rule)")
            copy_store(base, work / "base" / "data", work / "profiled")
            shutil.copy2(work / "base" / "prepared.json", work / "profiled" / "prepared.json")
            stats = work / "first.prof"
            r = run("sweep", work / "profiled", env, "every", stats, "rollback")
            print(f"\nfirst sweep under cProfile (rolled back): {r['seconds']:.2f} s")
            hot_spots(stats, "first sweep (every rule)")
            stats = work / "change.prof"
            run("changes", work / "run", env, a.changes, 0, stats)
            hot_spots(stats, f"{a.changes} edits + {a.changes} transitions, rules on")
    finally:
        if a.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    from shop_orders.services.context import install_rules

    install_rules()  # this script composes the app: its units of work run the detection rules
    main()
