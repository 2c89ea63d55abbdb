"""What every front end (the desktop app, the command line, the self-test) works with: the open
store, the data and backup folders and who is at the keyboard (AppContext), and how it is opened
from a path or URL, $SHOP_ORDERS_DB or the default SQLite file. Built by the composition root
(app.py, cli.py); the UI receives it and never builds one."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from shop_orders import paths
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.services import reconcile as _reconcile  # noqa: F401 - registers its two-person kind
from shop_orders.services import rules, stock
from shop_orders.services.backup import backup_before_upgrade, finish_interrupted_restore
from shop_orders.services.uow import UnitOfWork, install_default_rules
from shop_orders.store.db import DB_PASSWORD_ENV, Database
from shop_orders.store.errors import NoPassword
from shop_orders.store.open import open_database

T = TypeVar("T")

__all__ = ["DB_ENV", "DB_PASSWORD_ENV", "AppContext", "NoPassword", "install_rules", "open_context"]

DB_ENV = "SHOP_ORDERS_DB"


def install_rules() -> None:
    """The composition root's part of the unit of work: every unit of work runs the detection
    rules before its commit unless told otherwise: first the stock reservations (services/stock.py,
    whose shortages the out-of-stock tickets follow), then the detection rules (services/rules.py)
    (services/uow.py says why it is installed from here)."""
    install_default_rules([stock.on_change, rules.on_change])


def default_target() -> str:
    return os.environ.get(DB_ENV) or str(paths.default_database_path())


def current_actor() -> Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor(name)


@dataclass
class AppContext:
    db: Database
    data_dir: Path
    backup_dir: Path
    actor: Actor
    notice: str | None = None  # what the person must know at start (a restore that was interrupted)
    seat: object | None = None  # store/seats.Seat while this process counts as a seat
    waiting: Callable[[str], None] | None = None  # told when a write waits for another seat (may run in a worker)

    def __post_init__(self) -> None:
        install_rules()  # whoever builds the context composes the app: its units of work run the rules

    def join_seat(self, app: str) -> None:
        """Count as a seat (a restore elsewhere names this one or waits for it) until close()."""
        from shop_orders.store import seats

        try:
            self.seat = seats.join(self.db, app)
        except (OSError, ShopOrdersError):
            self.seat = None  # e.g. a read-only folder: the work goes on, a restore cannot name it

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db, waiting=self.waiting)

    def change(self, source: str = "manual", reason: str = "") -> ChangeContext:
        return ChangeContext(self.actor, source, reason)

    def run(self, change: Callable[[UnitOfWork, ChangeContext], T], source: str = "manual",
            reason: str = "") -> T:
        """The one way a front end changes the store: `change(uow, ctx)` runs in its own unit of
        work as the signed-in person (source and reason go to the trail), and is committed when it
        returns. A failure leaves nothing written and comes out as a ShopOrdersError whose message
        is one sentence (the unit of work translates database errors). Safe to call from a worker."""
        with self.uow() as uow:
            result = change(uow, self.change(source, reason))
            uow.commit()
            return result

    def read(self, query: Callable[[Session], T]) -> T:
        """The one way a front end reads: `query(session)` in a read-only session."""
        with self.db.read_session() as session:
            return query(session)

    def close(self) -> None:
        if self.seat is not None:
            self.seat.leave()  # type: ignore[attr-defined]
            self.seat = None
        self.db.dispose()


ActorSource = Actor | Callable[[Database], Actor]


def open_context(target: str | None = None, *, create: bool = False, damaged_ok: bool = False,
                 actor: ActorSource | None = None) -> AppContext:
    """The open store and who acts on it. `actor` is the person, or a resolver that finds out
    from the opened store (the command line signs in: services.auth.signed_in_actor); without
    one, the OS user as owner (the desktop app until it signs in). A resolver that refuses
    (a wrong password) closes the store again and raises."""
    install_rules()
    data_dir = paths.data_dir()
    backup_dir = paths.default_backup_dir()
    db = open_database(
        target or default_target(), data_dir=data_dir, create=create,
        backup_before_upgrade=backup_before_upgrade(backup_dir), damaged_ok=damaged_ok,
    )
    try:
        notice = finish_interrupted_restore(db, backup_dir) if not damaged_ok else None
        notice = "\n".join(n for n in (notice, db.restore_notice) if n) or None
        who = actor(db) if callable(actor) else (actor or current_actor())
    except BaseException:
        db.dispose()
        raise
    return AppContext(db, data_dir, backup_dir, who, notice)
