"""Engines and sessions for an SQLite file or a PostgreSQL URL, through the same models.

SQLite runs with WAL, foreign keys, a busy timeout and synchronous=FULL. Write transactions
begin IMMEDIATE, so two writers queue on the lock (within the busy timeout) instead of one
failing half-way; read sessions begin deferred and never block writers (WAL).
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from shop_orders.store.keys import ChainKey

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def resolve_url(target: str | Path) -> URL:
    """A path (or sqlite:/// URL) or a postgresql:// URL to the SQLAlchemy URL we use."""
    text = str(target)
    if "://" not in text:
        return make_url("sqlite:///" + str(Path(text).expanduser().resolve()))
    url = make_url(text)
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername == "sqlite" or url.drivername == "postgresql+psycopg"):
        raise ValueError(f"unsupported database '{url.drivername}': use a file path or postgresql://")
    return url


def describe(url: URL) -> str:
    """Where the data is, for people and logs: the file path, or the URL without its password."""
    if url.drivername == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    if url.drivername != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def looks_like_sqlite(path: Path) -> bool:
    """True for an empty file (SQLite treats it as a new database) or a real SQLite header."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    return head == b"" or head == SQLITE_MAGIC


def _sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_engine(url: URL, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    if url.drivername == "sqlite":
        return _sqlite_engine(url, busy_timeout_ms)
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 10, "options": f"-c lock_timeout={int(busy_timeout_ms)}"},
    )


def head_file_for(url: URL, data_dir: Path) -> Path:
    """Where the audit chain's head is kept outside the database (see store/audit.py)."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".audit-head.json")
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    safe = re.sub(r"[^A-Za-z0-9]+", "-", url.host or "server")
    return data_dir / "audit-heads" / f"{safe}-{url.database}-{key}.json"


def data_head_file_for(url: URL, data_dir: Path, store_id: str) -> Path:
    """The second copy of the chain head, in this user's data folder, per store id and location
    (server + database for PostgreSQL, the file for SQLite): every seat keeps its own."""
    where = describe(url) if url.drivername != "sqlite" else str(sqlite_path(url))
    loc = hashlib.sha256(where.encode()).hexdigest()[:16]
    return data_dir / "audit-heads" / f"{store_id}-{loc}.json"


@dataclass
class Database:
    """An open database: its URL, engine and session factories. Built by store.open_store.

    store_id / chain_key / data_head_file are filled by audit.ensure_keyed at open (see
    store/keys.py); chain_key is None on a seat that has no key (it may read, not write)."""

    url: URL
    engine: Engine
    head_file: Path
    data_dir: Path | None = None
    store_id: str | None = None
    chain_key: ChainKey | None = None
    data_head_file: Path | None = None

    def __post_init__(self) -> None:
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False
        )

    @property
    def where(self) -> str:
        return describe(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.drivername == "sqlite"

    def write_session(self) -> Session:
        return self._write()

    @contextmanager
    def read_session(self):
        session = self._read()
        try:
            yield session
        finally:
            session.close()  # ends the read transaction; loaded objects stay readable

    def dispose(self) -> None:
        self.engine.dispose()


def sync_sequences(session, tables) -> None:
    """After rows were inserted with explicit ids, move PostgreSQL's id sequences past them."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
