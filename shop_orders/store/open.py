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
        server = _server_major(db)  # before anything is written
        migrate.ensure_current(db, create=create, backup=backup)
        audit.ensure_keyed(db)  # the chain's key and this seat's head files (store/keys.py)
        signing.adopt(db)  # the rows that decide rights, signed under that key (store/signing.py)
        with contextlib.suppress(StoreError):  # a record written outside the app is not followed
            audit.learn_restore(db)  # another seat restored a backup since this one last wrote: follow it
        if server is not None and server[0] > (server[1] or 0) and db.chain_key is not None:
            _record_server_major(db, server[0])
    except BaseException as exc:
        db.dispose()
        translated = translate(exc, db.where)
        if damaged_ok and path is not None and isinstance(translated, DamagedDatabase):
            return db
        raise translated from exc
    return db


SERVER_MAJOR_SETTING = "postgresql_major"  # the newest PostgreSQL major version that wrote the store


def _server_major(db: Database) -> tuple[int, int | None] | None:
    """PostgreSQL: (this server's major version, the newest that wrote the store or None). A store
    written by a newer major version (e.g. dumped there and loaded into an older server) is refused
    before anything is written: an older server may lack what the newer one gave it."""
    if db.is_sqlite:
        return None
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        now = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
        recorded = None
        if inspect(conn).has_table("settings"):
            value = conn.execute(text("SELECT value FROM settings WHERE key = :k"),
                                 {"k": SERVER_MAJOR_SETTING}).scalar_one_or_none()
            recorded = int(value) if value is not None and str(value).isdigit() else None
    if recorded is not None and recorded > now:
        raise StoreError(t("{where} was written by PostgreSQL {was}, and this server is PostgreSQL {now}, an older "
                           "version: nothing was written; use a server of version {was} or newer.", where=db.where,
                           was=recorded, now=now))
    return now, recorded


def _record_server_major(db: Database, major: int) -> None:
    """A fact about the server, not a change anyone made: no audit event; signed like every setting."""
    from datetime import UTC, datetime

    from shop_orders.store.models import Setting

    session = db.write_session()
    try:
        audit.lock_head(session)  # writers take turns
        row = session.get(Setting, SERVER_MAJOR_SETTING)
        if row is None:
            session.add(Setting(key=SERVER_MAJOR_SETTING, value=str(major), updated_at=datetime.now(UTC)))
        else:
            row.value, row.updated_at = str(major), datetime.now(UTC)
        session.commit()
    finally:
        session.close()
