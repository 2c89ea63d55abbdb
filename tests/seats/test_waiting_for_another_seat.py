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


def _long_import(db, no, started, release):
    """Seat 1 in the middle of a long import: its transaction holds the write turn until release."""
    from shop_orders.services.uow import UnitOfWork

    with UnitOfWork(db, rules=()) as uow:
        orders.edit(uow, ctx(source="import:taobao.xlsx"), no, {"buyer": "imported"})
        started.set()
        release.wait(30)
        uow.commit()


def _seats_with_an_import_running(pg_url, tmp_path):
    from shop_orders.store import audit

    seat1 = open_database(pg_url, data_dir=tmp_path / "s1", create=True)
    seat2 = open_database(pg_url, data_dir=tmp_path / "s2")
    audit.adopt_key(seat2, seat1.chain_key, "key file")
    no = make_order(seat1)
    started, release = threading.Event(), threading.Event()
    worker = threading.Thread(target=_long_import, args=(seat1, no, started, release))
    worker.start()
    assert started.wait(10)
    return seat1, seat2, no, release, worker


def test_a_write_waits_for_another_seats_import_saying_so_then_goes_through(pg_url, tmp_path):
    from shop_orders.services.uow import UnitOfWork

    seat1, seat2, no, release, worker = _seats_with_an_import_running(pg_url, tmp_path)
    said: list[str] = []
    try:
        threading.Timer(1.5, release.set).start()  # the import ends while the clerk's write waits
        with UnitOfWork(seat2, waiting=said.append) as uow:
            orders.edit(uow, ctx(), no, {"buyer": "clerk"})
            uow.commit()
        assert len(said) == 1 and "is busy with an import; waiting" in said[0]
    finally:
        release.set()
        worker.join(30)
    try:
        with seat2.read_session() as s:
            from shop_orders.store.models import Order

            assert s.query(Order).one().buyer == "clerk"  # after the import's, not lost
    finally:
        seat1.dispose()
        seat2.dispose()


def test_a_write_that_waits_too_long_names_the_busy_seat_and_its_work(pg_url, tmp_path, monkeypatch):
    from shop_orders.services import uow as uow_module

    monkeypatch.setattr(uow_module, "WAIT_FOR_SEAT_S", 1)
    seat1, seat2, no, release, worker = _seats_with_an_import_running(pg_url, tmp_path)
    try:
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
