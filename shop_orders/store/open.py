"""open_database: the one way to get a Database from a path or URL, with clear refusals."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from shop_orders import paths
from shop_orders.domain.messages import t
from shop_orders.store import audit, migrate, signing
from shop_orders.store.db import (
    Database,
    describe,
    head_file_for,
    looks_like_sqlite,
    make_engine,
    redacted,
    resolve_url,
    server_location,
    sqlite_path,
)
from shop_orders.store.errors import (
    DamagedDatabase,
    NoDatabase,
    NotADatabase,
    StoreError,
    translate,
)


def open_database(
    target: str | Path,
    *,
    data_dir: Path,
    create: bool = False,
    backup_before_upgrade: Callable[[Database, str], Path] | None = None,
    damaged_ok: bool = False,
) -> Database:
    """damaged_ok: hand back an SQLite store whose pages are damaged instead of refusing it
    (only restore asks for this: it replaces such a store page by page)."""
    try:
        url = resolve_url(target)
    except ValueError as exc:  # the target may carry a password: name it without one
        raise StoreError(t("{target} is not a database path or URL: {error}.", target=redacted(target), error=exc)) from None
    path = sqlite_path(url)
    if path is not None:
        if path.is_dir():
            raise NotADatabase(t("{path} is a folder, not a database file.", path=path))
        if not path.exists():
            if not create:
                raise NoDatabase(t("There is no database at {path}; run 'shop-orders init' first.", path=path))
            if path.parent == data_dir:
                paths.private_dir(path.parent)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
            paths.new_private_file(path)  # SQLite gives its WAL and SHM the store's mode
        elif not looks_like_sqlite(path):
            raise NotADatabase(t("{where} is not a Shop Orders database (not an SQLite file).", where=path))
        for private in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            paths.private_file(private)  # a store made before, or under a looser umask
    if data_dir.exists():
        paths.private_dir(data_dir)
    engine = make_engine(url)
    location = ""
    if path is None:
        try:
            location = server_location(engine)
        except BaseException as exc:
            engine.dispose()
            raise translate(exc, describe(url)) from exc
    db = Database(url, engine, head_file_for(url, data_dir, location), data_dir, location=location or "")
    backup = (lambda rev: backup_before_upgrade(db, rev)) if backup_before_upgrade else None
    try:
        migrate.ensure_current(db, create=create, backup=backup)
        audit.ensure_keyed(db)  # the chain's key and this seat's head files (store/keys.py)
        signing.adopt(db)  # the rows that decide rights, signed under that key (store/signing.py)
        with contextlib.suppress(StoreError):  # a record written outside the app is not followed
            audit.learn_restore(db)  # another seat restored a backup since this one last wrote: follow it
    except BaseException as exc:
        db.dispose()
        translated = translate(exc, db.where)
        if damaged_ok and path is not None and isinstance(translated, DamagedDatabase):
            return db
        raise translated from exc
    return db
