"""Benchmark: tracking sync of N shipments (default 10,000) against the courier simulator,
against the simulator's own request rate measured in the same run.

A store is built (untimed) with N orders awaiting shipment, each then shipped two days ago (one
unit of work) with courier "SF" and a tracking number; a share of them (--false-share, default 2%)
carry a `NEVER…` number the courier never hears of, so the sync rolls those back (no pickup within
24 hours) with a logistics ticket, like a real day.
The simulator runs in this process's thread (rate limit off). Then, in the same run:

  baseline  the simulator's own rate: N Kuaidi100-style requests (the same signed form posts the
            adapter sends, one keep-alive httpx client, one at a time), nothing parsed or stored;
  sync      services/tracking.sync over the N parcels through the Kuaidi100 adapter (its
            client-side limiter off): ask, validate, store each answer, roll back the false ones.

Printed: requests per second of each, the ratio sync / baseline (1.0 = the sync is as fast as the
courier can answer), and the counts the sync reports (checked, updated, rolled back), which are
checked against what was built. Run by hand; CI does not.

    python3 tests/bench/bench_sync.py [N] [--false-share 0.02] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def build(db, n: int, false_share: float) -> int:
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.domain.status import Status
    from shop_orders.services import orders
    from shop_orders.services.uow import UnitOfWork
    from tests.factories import draft

    ctx = ChangeContext(Actor("bench", "owner"), "manual")
    every = max(1, round(1 / false_share)) if false_share > 0 else 0
    falses = 0
    with UnitOfWork(db, rules=()) as uow:
        orders.create_orders_bulk(uow, ctx, [draft(status=Status.AWAITING_SHIPMENT, paid_minor=37500)
                                             for _ in range(n)])
        uow.commit()
    from sqlalchemy import select

    from shop_orders.store.models import Order

    with db.read_session() as s:
        nos = list(s.execute(select(Order.order_no).order_by(Order.id)).scalars())
    scan = ChangeContext(ctx.actor, "scan")  # the parcels are scanned out, two days ago
    from datetime import UTC, datetime, timedelta

    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    with UnitOfWork(db, rules=(), clock=lambda: two_days_ago) as uow:
        for i, no in enumerate(nos):
            false = every and i % every == 0
            falses += bool(false)
            orders.ship(uow, scan, no, courier="SF", tracking_no=f"NEVER{i:08d}" if false else f"SF{i:010d}")
        uow.commit()
    return falses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--false-share", type=float, default=0.02)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()

    import httpx

    from shop_orders.adapters.couriers import adapter_for
    from shop_orders.adapters.couriers.kuaidi100 import sign
    from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY, CourierSim
    from shop_orders.domain.changes import Actor
    from shop_orders.domain.couriers import CourierConfig, CourierLimits
    from shop_orders.services import tracking
    from shop_orders.store.open import open_database

    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        db = open_database(work / "shop.sqlite3", data_dir=work / "data", create=True)
        t0 = time.perf_counter()
        falses = build(db, args.n, args.false_share)
        print(f"store: {args.n:,} shipped orders ({falses:,} the courier never hears of), built in "
              f"{time.perf_counter() - t0:.0f} s")
        with CourierSim(rate=None) as sim:
            # baseline: the simulator's own rate, the same requests, nothing parsed or stored
            with httpx.Client(timeout=10) as client:
                t0 = time.perf_counter()
                for i in range(args.n):
                    param = json.dumps({"com": "shunfeng", "num": f"SF{i:010d}", "resultv2": "4"}, separators=(",", ":"))
                    r = client.post(f"{sim.url}/poll/query.do", data={
                        "customer": DEFAULT_CUSTOMER, "sign": sign(param, DEFAULT_KEY, DEFAULT_CUSTOMER), "param": param})
                    r.read()
                base_s = time.perf_counter() - t0
            adapter = adapter_for(CourierConfig("SF", "kuaidi100", sim.url, DEFAULT_CUSTOMER, "shunfeng"), DEFAULT_KEY,
                                  limits=CourierLimits(rate_per_second=0))
            try:
                t0 = time.perf_counter()
                result = tracking.sync(db, Actor("bench", "owner"), [("SF", adapter.track)])
                sync_s = time.perf_counter() - t0
            finally:
                adapter.close()
        base_rate, sync_rate = args.n / base_s, args.n / sync_s
        print(f"baseline  simulator alone: {args.n:,} requests in {base_s:.1f} s = {base_rate:,.0f} requests/s")
        print(f"sync      {result.checked:,} checked, {result.updated:,} updated, {result.rolled_back:,} rolled back, "
              f"{result.failed:,} failed in {sync_s:.1f} s = {sync_rate:,.0f} shipments/s")
        print(f"ratio     sync / simulator = {sync_rate / base_rate:.2f} (1.00: the sync keeps up with the courier)")
        assert result.checked == args.n and result.rolled_back == falses and result.failed == 0, result
        db.dispose()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
