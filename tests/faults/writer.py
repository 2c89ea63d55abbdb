"""A second process that writes continuously, for the fault tests.

Creates one order per write through the real services, at about --rate writes a second, and
prints `committed <channel_order_no>` only after the commit returned (so the test knows exactly
which writes were committed); a refused write prints `failed <error class>`. Stops when the stop
file appears. With --seat it joins the store as a seat first, and leaves at the end.
"""

import argparse
import os
import time
from pathlib import Path

from shop_orders.services import orders
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import seats
from shop_orders.store.open import open_database
from tests.factories import ALICE, draft


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("data_dir")
    ap.add_argument("stop")
    ap.add_argument("--seat", action="store_true")
    ap.add_argument("--rate", type=float, default=40.0)
    args = ap.parse_args()
    db = open_database(args.url, data_dir=Path(args.data_dir))
    seat = seats.join(db, "fault-writer") if args.seat else None
    print("ready", os.getpid(), flush=True)
    stop, interval, n = Path(args.stop), 1.0 / args.rate, 0
    while not stop.exists():
        started = time.monotonic()
        n += 1
        no = f"W{os.getpid()}-{n}"
        try:
            with UnitOfWork(db) as uow:
                orders.create_order(uow, ALICE, draft(channel_order_no=no))
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - a refused write is reported, not committed
            print("failed", type(exc).__name__, flush=True)
        else:
            print("committed", no, flush=True)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    if seat is not None:
        seat.leave()
    db.dispose()
    print("done", flush=True)


if __name__ == "__main__":
    main()
