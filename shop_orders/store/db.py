"""Engines and sessions for an SQLite file or a PostgreSQL URL, through the same models.

SQLite runs with WAL, foreign keys, a busy timeout and synchronous=FULL. Write transactions
begin IMMEDIATE, so two writers queue on the lock (within the busy timeout) instead of one
failing half-way; read sessions begin deferred and never block writers (WAL).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from shop_orders.domain.messages import t
from shop_orders.store.errors import StoreFilesChanged
from shop_orders.store.keys import ChainKey

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


DB_PASSWORD_ENV = "SHOP_ORDERS_DB_PASSWORD"
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_SECRET_QUERY = ("password", "sslpassword")


def _split_userinfo(text: str) -> str:
    """A URL whose password holds an unencoded '@' (postgresql://shop:p@ss@host/db): the user part
    ends at the LAST '@' before the host, as libpq reads it; the password is percent-encoded so
    that no part of it is ever taken for the host name."""
    from urllib.parse import quote

    scheme, rest = text.split("://", 1)
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    netloc, tail = rest[:end], rest[end:]
    if netloc.count("@") < 2:
        return text
    userinfo, host = netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{user}:{quote(password, safe='')}@{host}{tail}"


def resolve_url(target: str | Path) -> URL:
    """A path (or sqlite:/// URL) or a postgresql:// URL to the SQLAlchemy URL we use.

    A password may come in the URL (user:password@, `?password=`), and is then kept in the URL's
    password only (never in its query, which people may see); better, it is left out and libpq
    finds it in ~/.pgpass or PGPASSWORD, or Shop Orders in $SHOP_ORDERS_DB_PASSWORD (make_engine)."""
    text = str(target)
    if "://" not in text:
        return make_url("sqlite:///" + str(Path(text).expanduser().resolve()))
    url = make_url(_split_userinfo(text))
    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername == "sqlite" or url.drivername == "postgresql+psycopg"):
        raise ValueError(t("unsupported database '{driver}': use a file path or postgresql://", driver=url.drivername))
    if url.drivername != "sqlite":
        query = dict(url.query)
        given = query.pop("password", None)
        if given is not None:
            url = url.set(query=query)
            if url.password is None:
                url = url.set(password=given if isinstance(given, str) else given[-1])
        mode = query.get("sslmode")
        if mode is not None and mode not in SSLMODES:
            raise ValueError(t("sslmode '{mode}' is not one of {modes}", mode=str(mode)[:20],
                               modes=", ".join(SSLMODES)))
    return url


def redacted(target: str | Path) -> str:
    """A path or URL as people and logs may see it: never any part of a password."""
    text = str(target)
    if "://" not in text:
        return f"'{text}'"
    try:
        return "'" + describe(resolve_url(text)) + "'"
    except Exception:  # noqa: BLE001 - unparseable: show nothing of it rather than a secret
        return t("the database URL")


def describe(url: URL) -> str:
    """Where the data is, for people, logs, manifests and key files: the file path, or
    postgresql://user@host:port/database (no password, no query: `?password=` and
    `?sslpassword=` are secrets too)."""
    if url.drivername == "sqlite":
        return url.database or ":memory:"
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database)
    return bare.render_as_string(hide_password=True)


def without_password(url: URL) -> URL:
    """The URL with no password anywhere (what may be saved as a seat's setting)."""
    query = {k: v for k, v in url.query.items() if k not in _SECRET_QUERY}
    return URL.create(url.drivername, url.username, None, url.host, url.port, url.database, query)


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
    engine = create_engine(url, hide_parameters=True, connect_args={"timeout": busy_timeout_ms / 1000})

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
    connect_args: dict = {"connect_timeout": 10, "options": f"-c lock_timeout={int(busy_timeout_ms)}"}
    if url.password is None and os.environ.get(DB_PASSWORD_ENV):
        connect_args["password"] = os.environ[DB_PASSWORD_ENV]  # never part of the URL people see
    return create_engine(
        url,
        hide_parameters=True,  # errors and logs never carry customer data
        pool_pre_ping=True,
        connect_args=connect_args,
    )


def server_location(engine: Engine) -> str:
    """Where a PostgreSQL store is, whatever the URL's spelling (localhost or 127.0.0.1, with or
    without ?sslmode=...): the server's own system identifier and the database's oid, digits only
    (they name head files: never a database name in a file path)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        oid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
        try:
            system = conn.execute(text("SELECT system_identifier FROM pg_control_system()")).scalar_one()
        except Exception:  # noqa: BLE001 - revoked from this role: the server's address instead
            conn.rollback()
            addr = conn.execute(text("SELECT coalesce(host(inet_server_addr()), 'local') || ':' || "
                                     "coalesce(inet_server_port(), 0)")).scalar_one()
            system = "a" + hashlib.sha256(str(addr).encode()).hexdigest()[:16]
    return f"pg-{int(oid) if str(oid).isdigit() else 0}-{re.sub(r'[^0-9a-z]', '', str(system))[:24]}"


def head_file_for(url: URL, data_dir: Path, location: str = "") -> Path:
    """Where the audit chain's head is kept outside the database (see store/audit.py): beside an
    SQLite file, or for PostgreSQL in the data folder per server and database (`location`)."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".audit-head.json")
    return data_dir / "audit-heads" / f"{location}.json"


def legacy_head_files(url: URL, data_dir: Path, store_id: str | None) -> list[Path | None]:
    """PostgreSQL head files as versions before 0.24 named them, from the URL's text: carried over
    to their names by location at open (store/open.py)."""
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    safe = re.sub(r"[^A-Za-z0-9]+", "-", url.host or "server")
    name = url.database or ""
    found: list[Path | None] = [None if any(c in name for c in "/\\") or name in ("", ".", "..") else
                                data_dir / "audit-heads" / f"{safe}-{name}-{key}.json"]  # the name as it was used
    if store_id is not None:
        loc = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
        found.append(data_dir / "audit-heads" / f"{store_id}-{loc}.json")
    return found


SIDECARS = ("-wal", "-shm", "-journal")


def store_files(path: Path) -> list[Path]:
    """An SQLite store's files that nothing but SQLite may open: the database and its sidecars."""
    return [path, *(path.with_name(path.name + suffix) for suffix in SIDECARS)]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


class FileWatch:
    """The database file and its WAL as they were when this process first opened them.

    POSIX locks belong to the process: if anything in it opens and closes the store's files
    outside SQLite, its locks are gone and another process may checkpoint and delete the WAL
    under us; our later commits would go to an unlinked file and be lost. While at least one
    of our connections is open the files must stay the same inodes; once all are closed
    (dispose, restore) SQLite may legitimately remove the WAL, so the record starts afresh.
    """

    WATCHED = ("", "-wal")

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._open = 0
        self._seen: dict[str, tuple[int, int] | None] = {}

    def _file(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def connected(self) -> None:
        with self._lock:
            self._open += 1
            if self._open == 1:
                self._seen = {s: _identity(self._file(s)) for s in self.WATCHED}

    def closed(self) -> None:
        with self._lock:
            self._open = max(0, self._open - 1)
            if self._open == 0:
                self._seen = {}

    def changed(self) -> Path | None:
        """The first watched file that is gone or is another file than the one we opened."""
        with self._lock:
            for suffix, seen in self._seen.items():
                now = _identity(self._file(suffix))
                if seen is None:
                    self._seen[suffix] = now  # SQLite had not created it yet at first connect
                elif now != seen:
                    return self._file(suffix)
        return None


def data_head_file_for(url: URL, data_dir: Path, store_id: str, location: str = "") -> Path:
    """The second copy of the chain head, in this user's data folder, per store id and location
    (server and database for PostgreSQL, the file for SQLite): every seat keeps its own."""
    where = location if url.drivername != "sqlite" else str(sqlite_path(url))
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
    keychain_head: object | None = None  # store/keychain.KeychainHead, where the keychain encrypts
    location: str = ""  # the file's path, or the PostgreSQL server's identity (server_location)
    replaced_store_id: str | None = None  # the id this computer keyed here, when the store now has another
    restore_notice: str | None = None  # another seat restored a backup: said once (audit.learn_restore)

    def __post_init__(self) -> None:
        from shop_orders.store import seals, signing

        if not self.location:
            self.location = str(sqlite_path(self.url) or describe(self.url))

        self._read = sessionmaker(self.engine, expire_on_commit=False, info={"db": self})
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False, info={"db": self}
        )
        signing.listen(self._read)
        signing.listen(self._write)
        seals.listen(self._write)
        path = sqlite_path(self.url)
        self._watch = watch = FileWatch(path) if path is not None else None
        if watch is not None:
            event.listen(self.engine, "connect", lambda *_: watch.connected())
            event.listen(self.engine, "close", lambda *_: watch.closed())
            event.listen(self.engine, "close_detached", lambda *_: watch.closed())

    def own_files(self) -> list[Path]:
        """Files only SQLite (and the audit head code) may open: hidden from every file dialog."""
        path = sqlite_path(self.url)
        return [*(store_files(path) if path is not None else []), self.head_file]

    def check_files_intact(self) -> None:
        """Before writing: refuse if the database file or its WAL was deleted or replaced under us."""
        if self._watch is None:
            return
        changed = self._watch.changed()
        if changed is not None:
            raise StoreFilesChanged(t(
                "The database file {path} was deleted or replaced by another program while Shop Orders "
                "had it open, so nothing more will be written; close Shop Orders and open it again.", path=changed))

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
