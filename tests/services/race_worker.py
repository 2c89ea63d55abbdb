"""A separate process applying N edits to each given order, reading first like a person would.

Each update reads the order's version, then applies a payment of 1 minor unit with that
expected version; a conflict (the other process got there first) is retried, never dropped.
Run by test_concurrency.py twice at once; prints how many conflicts it retried.
"""

import sys
from pathlib import Path

from shop_orders.domain.errors import OrderConflict
from shop_orders.services import orders
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import queries
from shop_orders.store.errors import DatabaseBusy
from shop_orders.store.open import open_database
from tests.factories import ctx


def main(url: str, data_dir: str, name: str, n: int, order_nos: list[str]) -> None:
    db = open_database(url, data_dir=Path(data_dir))
    context = ctx(name)
    conflicts = 0
    for _ in range(n):
        for no in order_nos:
            while True:
                with db.read_session() as s:
                    version = queries.order_detail(s, no).version
                try:
                    with UnitOfWork(db) as uow:
                        orders.record_payment(uow, context, no, 1, expected_version=version)
                        uow.commit()
                    break
                except (OrderConflict, DatabaseBusy):
                    conflicts += 1
    db.dispose()
    print(conflicts)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
