"""PostgreSQL's COPY paths (store/copying.py pg_to_sqlite, sqlite_to_pg) write exactly what the
SQLAlchemy Core row copy writes, in both directions, for a store with every table filled."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Integer, LargeBinary, String, func, insert, make_url, select, text

from shop_orders.services import demo
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import copying, health_rollup, migrate, search_index
from shop_orders.store.models import Order, SQLModel
from shop_orders.store.open import open_database
from shop_orders.store.types import UTCDateTime
from tests.factories import ctx

on_postgresql = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

# What a Core copy and COPY could disagree on: escapes of COPY's text format, tabs, newlines,
# backslashes, quotes, "\N", non-ASCII, empty strings; times on a whole second, before 1970,
# given in another zone; booleans both ways; bytes with NUL.
HARD_TEXT = ["a\tb\nc\\d\r\"e'", "\\N", "", "订单 №1 😀", "  spaced  ", "x" * 300]
HARD_TIMES = [
    datetime(2026, 3, 29, 1, 30, 0, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 10, 25, 2, 30, 0, 1, tzinfo=timezone(timedelta(hours=8))),
]


def _value(col, n: int):
    kind = col.type
    if isinstance(kind, UTCDateTime):
        return None if col.nullable and n == 2 else HARD_TIMES[n % len(HARD_TIMES)]
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, LargeBinary):
        return bytes([0, 1, 92, 10, 255, n])
    if isinstance(kind, Integer):
        return -(2 ** 40) - n if "minor" in col.name or col.name == "size" else n + 1
    if isinstance(kind, String):
        if col.nullable and n == 2:
            return None
        value = HARD_TEXT[n % len(HARD_TEXT)] + f"#{n}"
        return value[-kind.length:] if kind.length else value
    raise AssertionError(f"no test value for {col.table.name}.{col.name}")


def _fill_every_table(db) -> None:
    """Demo orders (orders, lines, payments, shipments, audit...), then hard rows in every
    table, written straight into PostgreSQL (this is about copying values, not about the rules)."""
    with UnitOfWork(db) as uow:
        demo.fill(uow, ctx(source="demo"), 60, seed=5)
        uow.commit()
    with db.engine.begin() as conn:
        keys: dict[str, list] = {}
        for table in SQLModel.metadata.sorted_tables:
            rows = []
            for n in range(3):
                row = {}
                for col in table.columns:
                    if col.primary_key and isinstance(col.type, Integer):
                        row[col.name] = 10_000 + n
                        continue
                    fk = next(iter(col.foreign_keys), None)
                    if fk is not None:
                        ref = fk.column.table.name
                        row[col.name] = keys[f"{ref}.{fk.column.name}"][n]
                        continue
                    row[col.name] = _value(col, n)
                    if col.primary_key or col.unique:
                        row[col.name] = f"k{n}-{table.name}"[: col.type.length]
                rows.append(row)
            if table.name == "audit_head":
                continue  # one row, the chain's; its values are demo's
            if table.name == "orders":  # unique (channel, channel_order_no) too
                for n, row in enumerate(rows):
                    row["channel_order_no"] = f"hard-{n}"
            conn.execute(insert(table), rows)
            for col in table.columns:
                keys[f"{table.name}.{col.name}"] = [row[col.name] for row in rows]
        copying._set_sequences(conn, SQLModel.metadata.sorted_tables)


@pytest.fixture
def pg_store(db_url, tmp_path):
    # The session's zone must not matter: the copies are UTC whatever it is.
    with open_database(db_url, data_dir=tmp_path / "data", create=True).engine.connect() as c:
        c.execute(text(f'ALTER DATABASE "{make_url(db_url).database}" SET timezone TO \'Asia/Shanghai\''))
        c.commit()
    database = open_database(db_url, data_dir=tmp_path / "data", create=True)
    _fill_every_table(database)
    yield database
    database.dispose()


def _empty_file(db, path: Path) -> None:
    engine = copying.sqlite_file_engine(path)
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn)
    with engine.begin() as conn:
        migrate.upgrade(conn, revision)
    engine.dispose()


def _sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        out = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            if search_index.is_index_table(name) and name != "order_search":
                continue  # FTS5's own tables: order_search holds what they were made from
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
            both = ", ".join(f'"{c}", typeof("{c}")' for c in cols)
            out[name] = con.execute(f'SELECT {both} FROM "{name}" ORDER BY rowid').fetchall()
        return out
    finally:
        con.close()


def _pg_rows(conn) -> dict[str, list[str]]:
    conn.execute(text("SET LOCAL TIME ZONE 'UTC'"))
    out = {}
    for table in SQLModel.metadata.sorted_tables:
        pk = ", ".join(c.name for c in table.primary_key.columns)
        out[table.name] = conn.execute(text(f'SELECT t::text FROM "{table.name}" t ORDER BY {pk}')).scalars().all()
    return out


def test_every_column_type_has_a_copy_conversion():
    for table in SQLModel.metadata.sorted_tables:
        for col in table.columns:
            copying._sqlite_text_sql(col)  # raises for a type it would copy wrongly


@on_postgresql
def test_backup_by_copy_writes_what_the_core_copy_writes(pg_store, tmp_path):
    core, fast = tmp_path / "core.sqlite3", tmp_path / "fast.sqlite3"
    _empty_file(pg_store, core)
    _empty_file(pg_store, fast)
    engine = copying.sqlite_file_engine(core)
    copying.copy_rows(pg_store.engine, engine)
    engine.dispose()
    seen = []
    copying.backup_postgresql(pg_store.engine, fast, batch=50, progress=lambda d, t: seen.append((d, t)))
    want, got = _sqlite_rows(core), _sqlite_rows(fast)
    assert got == want
    filled = {name for name, rows in got.items() if rows}
    assert filled >= {t.name for t in SQLModel.metadata.sorted_tables}  # every table has rows
    assert seen[-1][0] == seen[-1][1] == sum(len(r) for n, r in got.items()
                                             if n != "alembic_version" and not search_index.is_index_table(n)
                                             and not health_rollup.is_rollup_table(n))
    assert len(got["order_search"]) == len(got["orders"]) > 60  # the search index, made again in the copy
    times = [r[0] for r in sqlite3.connect(fast).execute(
        "SELECT created_at FROM orders WHERE channel_order_no LIKE 'hard-%' ORDER BY id")]
    assert times == ["2026-03-29 01:30:00.000000", "1969-12-31 23:59:59.999999", "2026-10-24 18:30:00.000001"]


@on_postgresql
def test_restore_by_copy_writes_what_the_core_copy_writes(pg_store, tmp_path):
    backup = tmp_path / "b.sqlite3"
    _empty_file(pg_store, backup)
    copying.backup_postgresql(pg_store.engine, backup)
    with pg_store.engine.connect() as conn:
        original = _pg_rows(conn)
        conn.rollback()
    source = copying.sqlite_file_engine(backup)
    with pg_store.engine.connect() as live:
        copying.lock_postgresql(live)
        with source.connect() as src:
            copying.copy_rows_between(src, live)
        by_core = _pg_rows(live)
        core_next = live.execute(text("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")).scalar_one()
        live.rollback()
    source.dispose()
    seen = []
    with pg_store.engine.connect() as live:
        copying.lock_postgresql(live)
        copying.sqlite_to_pg(backup, live, batch=50, progress=lambda d, t: seen.append((d, t)))
        by_copy = _pg_rows(live)
        copy_next = live.execute(text("SELECT nextval(pg_get_serial_sequence('orders', 'id'))")).scalar_one()
        indexed = live.execute(select(func.count()).select_from(Order.__table__)
                               .where(search_index.clause("hard-", "postgresql"))).scalar_one()
        live.rollback()
    assert by_copy == by_core == original
    assert indexed == 3  # the search index made again from the restored rows
    assert copy_next == core_next == 10_003
    assert seen[-1][0] == seen[-1][1] == sum(len(r) for r in original.values())


@on_postgresql
def test_the_kept_copy_and_the_load_share_the_restores_transaction(pg_store, tmp_path):
    """A failure after TRUNCATE leaves the store as it was (TRUNCATE is transactional)."""
    backup, kept = tmp_path / "b.sqlite3", tmp_path / "kept.sqlite3"
    _empty_file(pg_store, backup)
    _empty_file(pg_store, kept)
    copying.backup_postgresql(pg_store.engine, backup)
    with pg_store.engine.connect() as conn:
        before = _pg_rows(conn)
        conn.rollback()
    with pytest.raises(copying.CopyCancelled), pg_store.engine.begin() as live:
        copying.lock_postgresql(live)
        copying.pg_to_sqlite(live, kept)
        copying.sqlite_to_pg(backup, live, batch=10, cancel=lambda: True)
    with pg_store.engine.connect() as conn:
        assert _pg_rows(conn) == before
        conn.rollback()
    assert _sqlite_rows(kept) == _sqlite_rows(backup)


@on_postgresql
def test_a_cancelled_copy_stops_at_once(pg_store, tmp_path):
    fast = tmp_path / "fast.sqlite3"
    _empty_file(pg_store, fast)
    calls = []
    with pytest.raises(copying.CopyCancelled):
        copying.backup_postgresql(pg_store.engine, fast, batch=10,
                                  progress=lambda d, t: calls.append(d), cancel=lambda: bool(calls))
    assert len(calls) == 1  # stopped at the first check after the first rows were written
    with pg_store.engine.connect() as conn:  # the snapshot was let go
        assert conn.execute(select(text("count(*)")).select_from(text("pg_stat_activity"))
                            .where(text("state = 'idle in transaction' AND datname = current_database()"))
                            ).scalar_one() == 0  # this test's own database: the other worker's tests share the server
