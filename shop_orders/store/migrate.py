"""Opening a database: create it, refuse what is not ours or too new, upgrade what is older.

An older database is upgraded only after a backup copy of it has been taken (the caller says
how, since backups are checked by the services layer), so a failed or unwanted upgrade can be
undone by restoring that copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from shop_orders.domain.messages import t
from shop_orders.store.db import Database
from shop_orders.store.errors import NoDatabase, NotADatabase, SchemaTooNew

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have one head"
    return head


@functools.cache
def known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions())


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


def ensure_current(db: Database, *, create: bool, backup: Callable[[str], Path] | None) -> str | None:
    """Bring db to the newest schema. Returns the revision it was at (None when created)."""
    with db.engine.connect() as conn:  # a plain read: works while another seat is writing
        rev = current_revision(conn)
        tables = set(inspect(conn).get_table_names())
    if rev is None:
        if tables - {"alembic_version"}:
            raise NotADatabase(t("{where} is a database, but not a Shop Orders one.", where=db.where))
        if not create:
            raise NoDatabase(t("There is no Shop Orders database at {where}; run 'shop-orders init' first.", where=db.where))
    elif rev not in known_revisions():
        raise SchemaTooNew(t(
            "{where} was written by a newer version of Shop Orders (schema {rev}); "
            "install the newer version to open it.", where=db.where, rev=rev))
    head = head_revision()
    if rev == head:
        return rev
    if rev is not None and backup is not None:
        backup(rev)
    with db.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(74201)"))  # one upgrader at a time
        if current_revision(conn) != head:
            upgrade(conn)
    return rev
