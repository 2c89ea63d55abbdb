"""Whole-database copies: SQLite's online backup API, and a row copy for PostgreSQL.

A plain file copy of a live WAL database is not a backup (the newest pages may sit in the -wal
file), so SQLite is copied page by page through sqlite3's backup API. PostgreSQL is copied
table by table into an SQLite file of the same schema, which also lets a shop move between the
two. All copies are written to a temporary name and renamed only when complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, insert, inspect, select, text

from shop_orders.store.models import SQLModel

Progress = Callable[[int, int], None]


def sqlite_backup(src: Path, dest: Path, progress: Progress | None = None) -> None:
    """Copy a live SQLite database to dest with the online backup API (single file, no WAL)."""
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(src, timeout=30)
    target = sqlite3.connect(tmp)
    try:
        def _report(_status, remaining, total):
            if progress:
                progress(total - remaining, total)

        source.backup(target, pages=4096, progress=_report)
        target.execute("PRAGMA journal_mode = DELETE")
        target.commit()
    except BaseException:
        target.close()
        tmp.unlink(missing_ok=True)  # a failed or cancelled copy leaves no partial file
        raise
    finally:
        target.close()
        source.close()
    tmp.replace(dest)


def sqlite_restore_into(src: Path, live: Path) -> None:
    """Replace a live SQLite database's content with src's, through the backup API."""
    source = sqlite3.connect(src)
    target = sqlite3.connect(live, timeout=30)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source.close()


def copy_rows(source: Engine, target: Engine, batch: int = 5000) -> None:
    """Replace target's rows with source's, table by table (both at the same schema revision)."""
    with source.connect() as src, target.begin() as dst:
        present = set(inspect(src).get_table_names())
        tables = [t for t in SQLModel.metadata.sorted_tables if t.name in present]
        for table in reversed(tables):
            dst.execute(delete(table))
        for table in tables:
            pk = list(table.primary_key.columns)
            result = src.execution_options(yield_per=batch).execute(select(table).order_by(*pk))
            for chunk in result.partitions(batch):
                dst.execute(insert(table), [dict(r._mapping) for r in chunk])
        if dst.dialect.name == "postgresql":
            for table in tables:
                col = next(iter(table.primary_key.columns))
                if col.autoincrement is True:
                    dst.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col.name}'), "
                        f"COALESCE((SELECT MAX({col.name}) FROM {table.name}), 0) + 1, false)"
                    ))


def sqlite_file_engine(path: Path) -> Engine:
    return create_engine("sqlite:///" + str(path))
