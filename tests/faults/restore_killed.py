"""Run a restore and kill this process (os._exit, as a power cut or the task manager would) at
one point of it: `python -m tests.faults.restore_killed <store> <backup> <point>`.

Points: "checked" (the backup copied for the restore, the store untouched), "kept" (the store's
rows copied aside and committed, the store not yet replaced), "replaced" (the store replaced,
its head files and the name of what it replaced not yet written)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from shop_orders import paths
from shop_orders.services import backup
from shop_orders.store import copying
from shop_orders.store.open import open_database


def die(*_args, **_kwargs):
    os._exit(9)


def main(store: str, src: str, point: str) -> None:
    if point == "checked":
        backup.wait_for_store = die
    elif point == "kept":
        real = copying._copy_tables

        def copy_then_die(*args, **kwargs):
            real(*args, **kwargs)
            die()

        copying._copy_tables = copy_then_die
    elif point == "replaced":
        backup._reset_outside_heads = die
    db = open_database(store, data_dir=paths.data_dir())
    backup.restore(db, Path(src), paths.default_backup_dir())
    raise SystemExit("the restore finished: the kill point was never reached")


if __name__ == "__main__":
    main(*sys.argv[1:4])
