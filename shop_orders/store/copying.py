"""Whole-database copies: SQLite's online backup API, and a row copy for PostgreSQL.

A plain file copy of a live WAL database is not a backup (the newest pages may sit in the -wal
file), so SQLite is copied page by page through sqlite3's backup API, from a connection that
holds one read transaction for the whole copy: the copy is that snapshot, and writes by other
connections (which go to the WAL) never restart it, whatever the write rate. PostgreSQL is copied
table by table, in one REPEATABLE READ snapshot, into an SQLite file of the same schema, which
also lets a shop move between the two: read in binary batches, the values already
in the text SQLAlchemy writes to SQLite (times as UTC 'YYYY-MM-DD HH:MM:SS.ffffff', booleans as
0/1), into the file with plain sqlite3 (pg_to_sqlite). All copies are written to a temporary
name, renamed only when complete, and the temporary file is removed on any failure or cancel.

Restores replace the live rows inside ONE write transaction that first takes the store
exclusively (SQLite: BEGIN IMMEDIATE, PostgreSQL: LOCK TABLE ... ACCESS EXCLUSIVE) and copies
what it replaces into a kept file from that same transaction, so every write committed before
the restore is in the kept copy and every write after it lands on the restored rows. On
PostgreSQL the tables are then emptied with TRUNCATE (transactional there) and loaded with
COPY ... FROM STDIN (sqlite_to_pg).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Engine,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy import Integer as SqlInteger
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import LargeBinary, String

from shop_orders import paths
from shop_orders.atomic import fsync_file, replacing
from shop_orders.store import health_rollup, search_index
from shop_orders.store.models import SQLModel
from shop_orders.store.types import UTCDateTime

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

STEP_PAGES = 1024
RESTORE_LOCK_TIMEOUT_S = 30


class CopyCancelled(Exception):
    """The caller's cancel callable said stop; nothing was left behind."""


def _check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise CopyCancelled()


def _backup_from(source: sqlite3.Connection, tmp: Path, progress: Progress | None,
                 cancel: Cancel | None, name: str = "main") -> None:
    """Page copy of source (in whatever transaction it holds) into a new self-contained file."""
    target = sqlite3.connect(tmp)
    try:
        def _report(_status, remaining, total):
            _check_cancel(cancel)  # raising here makes sqlite3 abort the backup
            if progress:
                progress(total - remaining, total)

        _check_cancel(cancel)
        source.backup(target, pages=STEP_PAGES, progress=_report, name=name)
        target.execute("PRAGMA journal_mode = DELETE")
        target.commit()
    except BaseException:
        target.close()
        tmp.unlink(missing_ok=True)  # a failed or cancelled copy leaves no partial file
        raise
    finally:
        target.close()


def sqlite_backup(src: Path, dest: Path, progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Copy a live SQLite database to dest (single file, no WAL), one snapshot, however busy."""
    with replacing(dest) as tmp:
        paths.new_private_file(tmp)  # a backup is the owner's alone, as the store is
        source = sqlite3.connect(src, timeout=30, isolation_level=None)
        try:
            # One read transaction for the whole copy: the backup steps reuse it, so they see one
            # snapshot and are not restarted by other connections' commits.
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _backup_from(source, tmp, progress, cancel)
            source.execute("COMMIT")
        finally:
            source.close()


def raw_file_copy(src: Path, dest: Path) -> None:
    """Byte copy of a (damaged) SQLite file and its WAL, made by a child process: a file opened
    and closed by this process would drop the POSIX locks SQLite holds on it (see SQLite's
    "How To Corrupt An SQLite Database File", 2.2)."""
    code = ("import shutil,sys,os\n"
            "shutil.copyfile(sys.argv[1], sys.argv[2])\n"
            "w = sys.argv[1] + '-wal'\n"
            "os.path.exists(w) and shutil.copyfile(w, sys.argv[2] + '-wal')\n")
    subprocess.run([sys.executable, "-c", code, str(src), str(dest)], check=True, timeout=3600)


def sqlite_restore_into(src: Path, live: Path) -> None:
    """Replace a live SQLite database's pages with src's, through the backup API (used when the
    live file is physically damaged and its rows cannot be replaced in a transaction)."""
    source = sqlite3.connect(src)
    target = sqlite3.connect(live, timeout=RESTORE_LOCK_TIMEOUT_S)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source.close()


def _tables(conn: Connection):
    present = set(inspect(conn).get_table_names())
    return [t for t in SQLModel.metadata.sorted_tables if t.name in present]


def _columns(conn: Connection, table) -> list:
    """The table's columns that the database has (an older schema lacks newer ones: a backup
    taken before an upgrade copies what is there)."""
    there = {c["name"] for c in inspect(conn).get_columns(table.name)}
    return [c for c in table.columns if c.name in there]


def copy_rows_between(src: Connection, dst: Connection, batch: int = 5000,
                      progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Replace dst's rows with src's, table by table (same schema revision), in the callers'
    transactions."""
    tables = _tables(src)
    total = sum(src.execute(select(func.count()).select_from(t)).scalar_one() for t in tables)
    done = 0
    for table in reversed(tables):
        dst.execute(delete(table))
    for table in tables:
        pk = list(table.primary_key.columns)
        cols = _columns(src, table)
        into = sql_table(table.name, *(sql_column(c.name, c.type) for c in cols))  # no defaults of newer columns
        result = src.execute(select(*cols).order_by(*pk), execution_options={"yield_per": batch})
        for chunk in result.partitions(batch):
            _check_cancel(cancel)
            dst.execute(insert(into), [dict(r._mapping) for r in chunk])
            done += len(chunk)
            if progress:
                progress(done, total)
    if dst.dialect.name == "postgresql":
        _set_sequences(dst, tables)
    search_index.rebuild(dst)  # derived, not copied: made again from the rows just copied
    health_rollup.rebuild(dst)


def _set_sequences(conn: Connection, tables) -> None:
    """Move PostgreSQL's id sequences past the ids just copied in."""
    for table in tables:
        col = next(iter(table.primary_key.columns))
        if col.autoincrement is True:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col.name}'), "
                f"COALESCE((SELECT MAX({col.name}) FROM {table.name}), 0) + 1, false)"
            ))


def copy_rows(source: Engine, target: Engine, batch: int = 5000,
              progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Replace target's rows with source's; the source is read in one consistent snapshot."""
    src_engine = source
    if source.dialect.name == "postgresql":
        src_engine = source.execution_options(isolation_level="REPEATABLE READ")
    with src_engine.connect() as src, target.begin() as dst:
        copy_rows_between(src, dst, batch, progress, cancel)


def backup_postgresql(source: Engine, dest: Path, batch: int = 5000,
                      progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Replace the rows of the SQLite file dest (at source's schema revision) with source's,
    read in one REPEATABLE READ READ ONLY snapshot."""
    snapshot = source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with snapshot.connect() as src:
        pg_to_sqlite(src, dest, batch, progress, cancel)


def _sqlite_text_sql(col) -> str:
    """How PostgreSQL selects col so that the value is already what SQLAlchemy writes to SQLite
    (types.UTCDateTime: naive UTC text with the microseconds always there; Boolean: 0/1)."""
    name = f'"{col.name}"'
    kind = col.type
    if isinstance(kind, UTCDateTime):
        return f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if isinstance(kind, Boolean):
        return f"{name}::int4::int8"
    if isinstance(kind, BigInteger | SqlInteger):
        return f"{name}::int8"
    if isinstance(kind, String):  # String, Text
        return f"{name}::text"
    if isinstance(kind, LargeBinary):
        return name
    raise TypeError(f"{col.table.name}.{col.name}: no COPY conversion for {kind!r}")


def _psycopg(conn: Connection):
    """The psycopg connection under conn (in conn's transaction)."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("the connection is closed")
    return raw


def pg_to_sqlite(src: Connection, dest: Path, batch: int = 5000,
                 progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Replace the rows of the SQLite file dest (same schema revision as src's, not in use by
    anyone: a partial or kept file) with those src sees, in src's transaction: each table read
    through a server-side cursor in binary batches, written with sqlite3 in one transaction, the
    indexes built at the end, the file synced to disk before returning. Writes the same values a
    Core copy (copy_rows_between) writes."""
    tables = _tables(src)
    counts = {t.name: src.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
    total = sum(counts.values())
    pg = _psycopg(src)
    out = sqlite3.connect(dest, isolation_level=None)
    done = 0
    try:
        # Nobody else reads this file before it is complete (a partial or kept file, renamed or
        # checked afterwards), and a failed copy is deleted: no rollback journal needed.
        out.execute("PRAGMA journal_mode = OFF")
        out.execute("PRAGMA synchronous = OFF")
        out.execute("PRAGMA cache_size = -262144")  # 256 MiB: the indexes' pages stay in memory
        out.execute("BEGIN")
        for table in reversed(tables):
            out.execute(f'DELETE FROM "{table.name}"')
        # The secondary indexes are built once at the end from all the rows, faster than kept up
        # row by row (the same definitions: the file's own).
        indexes = [r[0] for r in out.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
        for (name,) in out.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
            out.execute(f'DROP INDEX "{name}"')
        for table in tables:
            _check_cancel(cancel)
            if not counts[table.name]:
                continue
            cols = _columns(src, table)
            exprs = [_sqlite_text_sql(c) for c in cols]
            pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            names = ", ".join(f'"{c.name}"' for c in cols)
            insert_sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(cols))})'
            # A server-side cursor fetched in batches: psycopg turns each batch into rows in C
            # (binary results); COPY TO's rows() parses row by row in Python, a little slower.
            with pg.cursor(name=f"copy_{table.name}", binary=True) as cur:
                cur.execute(f'SELECT {", ".join(exprs)} FROM "{table.name}" ORDER BY {pk}')
                while chunk := cur.fetchmany(batch):
                    out.executemany(insert_sql, chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                    _check_cancel(cancel)
        for sql in indexes:
            out.execute(sql)
        out.execute("COMMIT")
    finally:
        out.close()
    _rebuild_search_index(dest)
    fsync_file(dest)


def _rebuild_search_index(dest: Path) -> None:
    """The search index of a file just filled by pg_to_sqlite (derived data is not copied)."""
    engine = create_engine(f"sqlite:///{dest}")
    try:
        with engine.begin() as conn:
            search_index.rebuild(conn)
            health_rollup.rebuild(conn)
    finally:
        engine.dispose()


def sqlite_to_pg(src: Path, dst: Connection, batch: int = 5000,
                 progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Replace dst's rows (PostgreSQL, in dst's transaction, which holds the tables: see
    lock_postgresql) with those of the SQLite file src (same schema revision): TRUNCATE, then
    COPY ... FROM STDIN of src's rows read with sqlite3, then the id sequences moved past them.
    Writes the same values a Core copy (copy_rows_between) writes."""
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables = [t for t in SQLModel.metadata.sorted_tables if t.name in present]
        counts = {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in tables}
        total = sum(counts.values())
        # SQLite holds the times as UTC text without a zone: PostgreSQL reads them as UTC.
        dst.execute(text("SET LOCAL TIME ZONE 'UTC'"))
        if tables:
            dst.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)))
        pg = _psycopg(dst)
        done = 0
        for table in tables:
            _check_cancel(cancel)
            if not counts[table.name]:
                continue
            there = {r[1] for r in con.execute(f'PRAGMA table_info("{table.name}")')}
            names = ", ".join(f'"{c.name}"' for c in table.columns if c.name in there)
            pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            rows = con.execute(f'SELECT {names} FROM "{table.name}" ORDER BY {pk}')
            with pg.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as cp:
                while chunk := rows.fetchmany(batch):
                    for row in chunk:
                        cp.write_row(row)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
                    _check_cancel(cancel)
    finally:
        con.close()
    _set_sequences(dst, tables)
    search_index.rebuild(dst)  # derived, not copied: made again from the rows just copied
    health_rollup.rebuild(dst)


def lock_postgresql(conn: Connection, timeout_s: float = RESTORE_LOCK_TIMEOUT_S) -> None:
    """Take every table of the store exclusively for the rest of conn's transaction.

    Never deadlocks with a reader: all tables are asked for at once with NOWAIT inside a savepoint,
    and when any is held (a seat's `audit verify` reading the trail, then the orders) the savepoint
    is rolled back, which lets go of the tables already taken, and the restore asks again shortly.
    A restore thus never holds a table while it waits for another (the reader is never left
    waiting on a restore that waits on it); after timeout_s it gives up (StoreBusy)."""
    # audit_head first: every writer starts by locking its row.
    tables = sorted(_tables(conn), key=lambda t: t.name != "audit_head")
    names = ", ".join(f'"{t.name}"' for t in tables)
    deadline = time.monotonic() + timeout_s
    pause = 0.05
    while True:
        savepoint = conn.begin_nested()
        try:
            conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE NOWAIT"))
        except OperationalError as exc:
            savepoint.rollback()  # releases what this attempt took
            if getattr(exc.orig, "sqlstate", None) != "55P03" or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
            continue
        savepoint.commit()  # the locks stay with the transaction
        return


def sqlite_replace_rows(live: Path, src: Path, keep: Path, progress: Progress | None = None) -> None:
    """Under the live store's write lock: copy its rows into keep (an empty store at the live
    schema revision) and commit that copy, then replace the live rows with src's (at the same
    revision) in ONE transaction. (The backup API cannot read from a connection that holds the
    write lock, hence row copies.)

    Two transactions, in this order, so that a restore killed at any moment leaves one of three
    states: nothing changed; a complete copy of the live rows in keep and the store unchanged; or
    the store restored and its old rows in keep (backup.finish_interrupted_restore tells them
    apart by the store's chain head). One transaction over both files would not do: with the
    store in WAL mode SQLite commits attached files one after another, the store first."""
    tables = [t for t in SQLModel.metadata.sorted_tables]
    con = sqlite3.connect(live, timeout=RESTORE_LOCK_TIMEOUT_S, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = OFF")  # the whole consistent set is replaced at once
        con.execute("ATTACH DATABASE ? AS restored", (str(src),))
        con.execute("BEGIN IMMEDIATE")  # from here no other connection can commit a write
        try:
            present = {r[0] for r in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
            tables = [t for t in tables if t.name in present]
            steps = 2 * len(tables)
            _copy_tables(live, keep, tables, progress, steps)  # the lock is held: the newest rows, and only they
            for table in reversed(tables):
                con.execute(f'DELETE FROM main."{table.name}"')
            for n, table in enumerate(tables, len(tables) + 1):
                cols = ", ".join(f'"{c.name}"' for c in table.columns)
                con.execute(f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} FROM restored."{table.name}"')
                if progress:
                    progress(n, steps)
            _copy_derived(con, "restored")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE restored")
    finally:
        con.close()


def _derived_tables(con: sqlite3.Connection, schema: str) -> list[str]:
    """The derived tables (the search index's, the health rollup) a store file holds: plain
    tables, FTS5's shadow tables included, not the virtual table itself."""
    return [name for name, sql in con.execute(f'SELECT name, sql FROM "{schema}".sqlite_master WHERE type = \'table\'')
            if (search_index.is_index_table(name) or health_rollup.is_rollup_table(name))
            and not str(sql or "").upper().startswith("CREATE VIRTUAL")]


def _copy_derived(con: sqlite3.Connection, source: str) -> None:
    """Within con's transaction, main's derived tables become source's (both files at the same
    schema revision): the rows copied beside them are the rows they were made from, so the search
    index and the health rollup agree with them at once, without being made again (minutes at a
    million orders). A derived table only one side has is left alone."""
    both = set(_derived_tables(con, "main")) & set(_derived_tables(con, source))
    for name in sorted(both):
        con.execute(f'DELETE FROM main."{name}"')
        con.execute(f'INSERT INTO main."{name}" SELECT * FROM "{source}"."{name}"')


def _copy_tables(live: Path, keep: Path, tables, progress: Progress | None, steps: int) -> None:
    """The live store's rows into keep, committed (a reader beside the writer that holds the
    live store's lock: WAL lets it read the last committed state)."""
    con = sqlite3.connect(keep, timeout=RESTORE_LOCK_TIMEOUT_S, isolation_level=None)
    try:
        con.execute("ATTACH DATABASE ? AS live", (str(live),))
        con.execute("BEGIN")
        for table in reversed(tables):
            con.execute(f'DELETE FROM main."{table.name}"')
        for n, table in enumerate(tables, 1):
            cols = ", ".join(f'"{c.name}"' for c in table.columns)
            con.execute(f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} FROM live."{table.name}"')
            if progress:
                progress(n, steps)
        _copy_derived(con, "live")
        con.execute("COMMIT")
        con.execute("DETACH DATABASE live")
    finally:
        con.close()


def sqlite_quick_check(path: Path) -> str | None:
    """None when SQLite finds the file sound, else its first complaint."""
    try:
        con = sqlite3.connect(path, timeout=RESTORE_LOCK_TIMEOUT_S)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == [("ok",)] else str(rows[0][0])


def sqlite_file_engine(path: Path) -> Engine:
    """An engine on an SQLite file of ours (a backup, a copy): a new file is created private."""
    if not path.exists():
        paths.new_private_file(path)
    return create_engine("sqlite:///" + str(path))
