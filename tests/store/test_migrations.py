"""Opening databases: create, upgrade older ones after a backup, refuse what is not ours or too new."""

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text

from shop_orders.store import health_rollup, migrate, search_index
from shop_orders.store.db import resolve_url
from shop_orders.store.errors import NoDatabase, NotADatabase, SchemaTooNew
from shop_orders.store.models import SQLModel
from shop_orders.store.open import open_database


def _engine(db_url):
    return create_engine(resolve_url(db_url))


def test_migrations_build_exactly_the_schema_the_models_describe(db):
    def for_this_backend(obj, name, type_, reflected, compare_to):
        # the search index is derived data outside the models (store/search_index.py, migration 0016)
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
        if search_index.is_index_table(table) or health_rollup.is_rollup_table(table):
            return False  # and so is the health dashboard's rollup (store/health_rollup.py, 0019)
        # indexes the models declare for one backend only (Index.info["dialects"], ddl_if)
        return reflected or db.engine.dialect.name in obj.info.get("dialects", (db.engine.dialect.name,))

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": for_this_backend})
        diffs = compare_metadata(ctx, SQLModel.metadata)
    assert diffs == []


def test_sqlite_has_no_duplicate_search_indexes_and_postgresql_has_its_pattern_indexes(db):
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("orders")}
    pattern = {"ix_orders_order_no_prefix", "ix_orders_tracking_no_prefix"}
    assert pattern <= names if db.engine.dialect.name == "postgresql" else not (pattern & names)


def test_sqlite_runs_wal_with_foreign_keys_busy_timeout_and_full_sync(sqlite_db):
    with sqlite_db.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_an_older_database_is_backed_up_then_upgraded(db_url, tmp_path, _isolated_home):
    engine = _engine(db_url)
    with engine.begin() as conn:
        migrate.upgrade(conn, "0001")  # the first schema, as an older release left it
        conn.execute(text(
            "INSERT INTO orders (order_no, channel, channel_order_no, buyer, recipient, phone, address, currency, "
            "total_minor, paid_minor, courier, tracking_no, status, created_at, updated_at, version) VALUES "
            "('SO-20260101-000001', 'jd', '300001', 'b', 'r', '1', 'a', 'CNY', 100, 0, '', '', 'awaiting_payment', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"))
    engine.dispose()
    taken = []

    def backup(database, rev):
        from shop_orders.services.backup import backup_before_upgrade

        path = backup_before_upgrade(tmp_path / "backups")(database, rev)
        taken.append((rev, path))
        return path

    db = open_database(db_url, data_dir=tmp_path, backup_before_upgrade=backup)
    try:
        with db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert "settings" in inspect(conn).get_table_names()
            assert conn.execute(text("SELECT channel_order_no FROM orders")).scalar_one() == "300001"
    finally:
        db.dispose()
    [(rev, path)] = taken
    assert rev == "0001"
    with sqlite3.connect(path) as copy:  # the copy holds the data as it was before the upgrade
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT count(*) FROM orders").fetchone() == (1,)


def test_the_search_index_is_built_for_the_orders_already_there(db_url):
    """Migration 0016 indexes every existing order (in batches), so a store from before it
    finds any part of a name or number at once; the downgrade takes the index away."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import func, select

    from shop_orders.store.models import Order

    scripts = ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()
    before = next(s for s in scripts if s.path.endswith("_order_search.py")).down_revision  # the store it meets
    assert isinstance(before, str)
    engine = _engine(db_url)
    with engine.begin() as conn:
        migrate.upgrade(conn, before)
        for n, buyer in enumerate(("爱喝茶的王涛", "李雷", "tb_Wang.Tao")):
            conn.execute(text(
                "INSERT INTO orders (order_no, channel, channel_order_no, buyer, recipient, phone, address, currency, "
                "total_minor, paid_minor, courier, tracking_no, status, created_at, updated_at, version) VALUES "
                f"('SO-20260101-00000{n}', 'jd', '30000{n}', :buyer, 'r', '1391234567{n}', '杭州市西湖区', 'CNY', "
                f"100, 0, '', 'YT98765{n}', 'awaiting_payment', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"),
                {"buyer": buyer})
    search_index.REBUILD_BATCH, batch = 2, search_index.REBUILD_BATCH
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
    finally:
        search_index.REBUILD_BATCH = batch

    def found(conn, term):
        where = search_index.clause(term, conn.dialect.name)
        return conn.execute(select(Order.__table__.c.buyer).where(where).order_by("id")).scalars().all()

    with engine.connect() as conn:
        assert found(conn, "王涛") == ["爱喝茶的王涛"] and found(conn, "wang.t") == ["tb_Wang.Tao"]
        assert found(conn, "5672") == ["tb_Wang.Tao"] and found(conn, "西湖") == ["爱喝茶的王涛", "李雷", "tb_Wang.Tao"]
        assert conn.execute(select(func.count()).select_from(search_index.S)).scalar_one() == 3
    with engine.begin() as conn:
        migrate.command.downgrade(migrate.alembic_config(conn), before)
        assert not search_index.is_index_table("orders") and not inspect(conn).has_table("order_search")
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused_untouched(db, tmp_path):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    url = db.url.render_as_string(hide_password=False)
    db.dispose()
    with pytest.raises(SchemaTooNew, match="newer version of Shop Orders"):
        open_database(url, data_dir=tmp_path)
    with _engine(url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999"


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path):
    bogus = tmp_path / "orders.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database" * 10)
    before = bogus.read_bytes()
    with pytest.raises(NotADatabase, match="not a Shop Orders database"):
        open_database(bogus, data_dir=tmp_path)
    assert bogus.read_bytes() == before


def test_another_programs_sqlite_database_is_refused(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(NotADatabase, match="not a Shop Orders one"):
        open_database(other, data_dir=tmp_path)


def test_a_missing_database_is_not_created_unless_asked(tmp_path):
    with pytest.raises(NoDatabase, match="shop-orders init"):
        open_database(tmp_path / "nope.sqlite3", data_dir=tmp_path)
    assert not (tmp_path / "nope.sqlite3").exists()


def test_postgres_urls_use_psycopg():
    assert resolve_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert make_url(str(resolve_url("relative.sqlite3"))).database.startswith("/")
    assert Path(resolve_url("~/x.sqlite3").database).is_absolute()
