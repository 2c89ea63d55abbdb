"""Issue 24, item 5: a write blocked by another seat's transaction says which seat is busy with what,
never "refused the change"; each connection failure is named for what it is."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import OperationalError

from shop_orders.services import orders
from shop_orders.store.errors import DatabaseBusy, NoPassword, StoreError, translate
from shop_orders.store.open import open_database
from tests.factories import apply, ctx, make_order


def test_a_write_that_waits_too_long_names_the_busy_seat_and_its_work(pg_url, tmp_path):
    from shop_orders.services.uow import UnitOfWork

    seat1 = open_database(pg_url, data_dir=tmp_path / "s1", create=True)
    seat2 = open_database(pg_url, data_dir=tmp_path / "s2")
    from shop_orders.store import audit

    audit.adopt_key(seat2, seat1.chain_key, "key file")
    no = make_order(seat1)
    started, release = threading.Event(), threading.Event()

    def long_import():  # seat 1 is in the middle of a long import: its transaction holds the write turn
        with UnitOfWork(seat1, rules=()) as uow:
            orders.edit(uow, ctx(source="import:taobao.xlsx"), no, {"buyer": "imported"})
            started.set()
            release.wait(30)
            uow.commit()

    worker = threading.Thread(target=long_import)
    worker.start()
    try:
        assert started.wait(10)
        with pytest.raises(DatabaseBusy) as caught:
            apply(seat2, orders.edit, no, {"buyer": "clerk"})
        message = str(caught.value)
        assert "is busy with an import" in message and "try again" in message
        assert "refused the change" not in message
    finally:
        release.set()
        worker.join(30)
        seat1.dispose()
        seat2.dispose()


class _Driver(Exception):
    pass


@pytest.mark.parametrize("driver_text,kind,says", [
    ('connection failed: could not translate host name "shop-server" to address: Name or service not known',
     StoreError, "cannot be found"),
    ("connection failed: fe_sendauth: no password supplied", NoPassword, "asks for a password"),
    ("connection failed: server does not support SSL, but SSL was required", StoreError, "does not offer SSL"),
    ("connection failed: FATAL:  the database system is shutting down", StoreError, "is shutting down"),
    ("terminating connection due to administrator command", StoreError, "was stopped during the work"),
    ("consuming input failed: server closed the connection unexpectedly", StoreError, "went away during the work"),
    ("canceling statement due to lock timeout", DatabaseBusy, "Another seat is busy"),
    ('connection failed: FATAL:  database "nope" does not exist', StoreError, "does not exist on the server"),
])
def test_each_connection_failure_is_named_for_what_it_is(driver_text, kind, says):
    exc = OperationalError("SELECT 1", {}, _Driver(driver_text))
    out = translate(exc, "postgresql://shop@server/shop")
    assert type(out) is kind and says in str(out) and "postgresql://shop@server/shop" in str(out)
    assert "refused the change" not in str(out)


def test_a_database_that_does_not_exist_is_one_sentence_and_nothing_is_written(pg_admin_url, tmp_path):
    from sqlalchemy import make_url

    url = make_url(pg_admin_url).set(database="no_such_shop_db").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="does not exist on the server"):
        open_database(url, data_dir=tmp_path / "data", create=True)
    assert not (tmp_path / "data" / "audit-keys").exists()


def test_a_store_written_by_a_newer_postgresql_is_refused_by_an_older_server(pg_url, tmp_path):
    from sqlalchemy import create_engine, text

    from shop_orders.store.db import resolve_url

    db = open_database(pg_url, data_dir=tmp_path / "data", create=True)
    with db.read_session() as s:
        major = int(s.execute(text("SELECT value FROM settings WHERE key = 'postgresql_major'")).scalar_one())
        events = s.execute(text("SELECT seq FROM audit_head")).scalar_one()
    db.dispose()
    engine = create_engine(resolve_url(pg_url))
    with engine.begin() as c:  # as if it was dumped from a newer server and loaded into this one
        c.execute(text("UPDATE settings SET value = :v WHERE key = 'postgresql_major'"), {"v": str(major + 1)})
    with pytest.raises(StoreError, match=f"was written by PostgreSQL {major + 1}, and this server is PostgreSQL "
                                         f"{major}, an older version: nothing was written"):
        open_database(pg_url, data_dir=tmp_path / "data")
    with engine.connect() as c:
        assert c.execute(text("SELECT seq FROM audit_head")).scalar_one() == events
    engine.dispose()
