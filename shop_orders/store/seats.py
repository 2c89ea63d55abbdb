"""Who else has the store open: the seats a restore must wait for or name.

A seat is a running app instance that joined the store (the desktop app joins when it opens the
store and leaves when it quits). Restore refuses, naming them, while other seats are connected.

- SQLite: one small JSON file per seat (host, pid, user, app, since, last_seen) in a folder
  beside the store, `<store>.seats/`, rewritten by a heartbeat thread every HEARTBEAT_S. A seat
  whose process is gone (same host) or whose heartbeat is older than STALE_S is not counted.
  The folder is not one of SQLite's files, so reading it never touches SQLite's locks.
- PostgreSQL: the seat holds one idle connection whose application_name says who it is, so the
  server's pg_stat_activity lists it exactly as long as it is connected (nothing goes stale).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from shop_orders.atomic import write_atomic
from shop_orders.domain.messages import t
from shop_orders.store.db import Database, sqlite_path

HEARTBEAT_S = 30.0
PG_BEAT_S = 5.0  # how soon a seat whose connection the server dropped registers again
STALE_S = 120.0
PG_PREFIX = "shop-orders:"
WORK_PREFIX = "shop-orders-work:"  # a write transaction's label (PostgreSQL), see label_work
RESTORE_PREFIX = "shop-orders-restore:"  # a restore waiting for the other seats (PostgreSQL), see announcing_restore
RESTORE_FILE = "restore-waiting.announce"  # the same beside an SQLite store (not *.json: not a seat)


@dataclass(frozen=True)
class SeatInfo:
    host: str
    pid: int
    app: str
    since: datetime

    def describe(self) -> str:
        """For people: no user name (personal data stays out of messages)."""
        return t("{host} pid {pid} since {time}", host=self.host, pid=self.pid, time=f"{self.since.astimezone():%H:%M}")


def _host() -> str:
    return socket.gethostname() or "localhost"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error here
        return ""


def seats_dir(path: Path) -> Path:
    return path.with_name(path.name + ".seats")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Seat:
    """This process's seat; `leave()` (or the context manager) ends it."""

    def __init__(self, db: Database, app: str) -> None:
        self.db, self.app = db, app
        self.host, self.pid, self.since = _host(), os.getpid(), datetime.now(UTC)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None
        self._file: Path | None = None

    def join(self) -> Seat:
        path = sqlite_path(self.db.url)
        if path is not None:
            self._file = seats_dir(path) / f"{self.host}-{self.pid}.json"
            self._beat()
            self._thread = threading.Thread(target=self._heartbeat, name="seat-heartbeat", daemon=True)
            self._thread.start()
        else:
            self._register()
            self._thread = threading.Thread(target=self._keep_connected, name="seat-connection", daemon=True)
            self._thread.start()
        return self

    def _register(self) -> None:
        self._conn = self.db.engine.connect()
        name = f"{PG_PREFIX}{self.app}:{self.pid}:{self.host}"[:63]
        self._conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": name})
        self._conn.commit()  # idle, not idle in transaction

    def _keep_connected(self) -> None:
        """PostgreSQL: the seat is its connection; when the server dropped it (a restart, a network
        cut) the seat registers again as soon as the server answers."""
        while not self._stop.wait(PG_BEAT_S):
            try:
                assert self._conn is not None
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
            except Exception:  # noqa: BLE001 - gone: connect again (or at the next beat)
                with contextlib.suppress(Exception):
                    if self._conn is not None:
                        self._conn.invalidate()
                        self._conn.close()
                self._conn = None
                with contextlib.suppress(Exception):
                    self._register()
                if self._stop.is_set() and self._conn is not None:  # left meanwhile: not a seat any more
                    with contextlib.suppress(Exception):
                        self._conn.invalidate()
                        self._conn.close()
                    self._conn = None

    def _beat(self) -> None:
        assert self._file is not None
        self._file.parent.mkdir(parents=True, exist_ok=True)
        data = {"host": self.host, "pid": self.pid, "user": _user(), "app": self.app,
                "since": self.since.isoformat(), "last_seen": datetime.now(UTC).isoformat()}
        # rewritten at every beat: not synced to disk (a lost beat only makes the seat look idle)
        write_atomic(self._file, json.dumps(data), prefix=".seat-", durable=False)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            with contextlib.suppress(OSError):  # a missed beat only makes the seat look idle sooner
                self._beat()

    def leave(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        if self._file is not None:
            self._file.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # the last seat out leaves no empty folder beside the store
                self._file.parent.rmdir()
            self._file = None
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT set_config('application_name', '', false)"))
                self._conn.commit()
            except Exception:  # noqa: BLE001 - the server is gone: so is the seat
                self._conn.invalidate()
            finally:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Seat:
        return self.join()

    def __exit__(self, *exc) -> None:
        self.leave()


def join(db: Database, app: str) -> Seat:
    return Seat(db, app).join()


def others(db: Database) -> list[SeatInfo]:
    """Every other seat connected to the store (not this process's), oldest first."""
    me_host, me_pid = _host(), os.getpid()
    found: list[SeatInfo] = []
    path = sqlite_path(db.url)
    if path is not None:
        folder = seats_dir(path)
        now = datetime.now(UTC)
        for f in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                d = json.loads(f.read_text(encoding="utf-8"))
                seat = SeatInfo(str(d["host"]), int(d["pid"]), str(d.get("app", "")),
                                datetime.fromisoformat(d["since"]))
                last_seen = datetime.fromisoformat(d["last_seen"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # half-written or foreign file: not a seat
            if (seat.host, seat.pid) == (me_host, me_pid):
                continue
            gone = (seat.host == me_host and not _alive(seat.pid)) or (now - last_seen).total_seconds() > STALE_S
            if gone:
                f.unlink(missing_ok=True)  # a crashed seat's file: clear it
                continue
            found.append(seat)
    else:
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT application_name, backend_start FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND application_name LIKE :p"), {"p": PG_PREFIX + "%"}).all()
        for name, started in rows:
            parts = name[len(PG_PREFIX):].split(":", 2)
            if len(parts) != 3 or not parts[1].isdigit():
                continue
            seat = SeatInfo(parts[2], int(parts[1]), parts[0], started)
            if not (seat.pid == me_pid and me_host.startswith(seat.host)):  # the name may be cut at 63
                found.append(seat)
    return sorted(found, key=lambda s: s.since)


def label_work(conn: Connection, what: str) -> None:
    """PostgreSQL: name this write transaction's work (e.g. `import`) for the seats it makes wait
    (busy_with); the label ends with the transaction. Nothing on SQLite."""
    if conn.dialect.name != "postgresql":
        return
    name = f"{WORK_PREFIX}{what}:{_host()}"[:63]
    conn.execute(text("SELECT set_config('application_name', :n, true)"), {"n": name})


def busy_with(db: Database) -> tuple[str, str] | None:
    """PostgreSQL: (host, work) of the other seat whose transaction holds the store's write turn
    (the audit_head row every writer locks first); None when nobody (or SQLite)."""
    if db.is_sqlite:
        return None
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.relation = 'audit_head'::regclass AND l.granted AND a.pid <> pg_backend_pid() "
                "AND a.datname = current_database()")).scalars().all()
    except Exception:  # noqa: BLE001 - only a better message is lost
        return None
    for name in rows:
        if name and name.startswith(WORK_PREFIX):
            what, _, host = name[len(WORK_PREFIX):].rpartition(":")
            return host, what
    return (t("another seat"), "manual") if rows else None


@contextlib.contextmanager
def announcing_restore(db: Database, by: str):
    """While a restore waits for the other seats to close: let their windows say so
    (restore_waiting). SQLite: a small file in the seats folder; PostgreSQL: a connection named
    for it. Gone when the wait ends, whatever the outcome."""
    path = sqlite_path(db.url)
    conn: Connection | None = None
    announce: Path | None = None
    try:
        if path is not None:
            announce = seats_dir(path) / RESTORE_FILE
            # whole or not at all: the other seats read it while it is written (not synced: it lives minutes)
            write_atomic(announce, json.dumps({"by": by, "host": _host(), "pid": os.getpid()}), prefix=".restore-",
                         durable=False)
        else:
            conn = db.engine.connect()
            conn.execute(text("SELECT set_config('application_name', :n, false)"),
                         {"n": f"{RESTORE_PREFIX}{by}:{_host()}"[:63]})
            conn.commit()
    except Exception:  # noqa: BLE001 - the restore still waits; only the windows are not told
        pass
    try:
        yield
    finally:
        if announce is not None:
            announce.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                announce.parent.rmdir()
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.invalidate()  # really closed: a pooled connection would keep its name
            with contextlib.suppress(Exception):
                conn.close()


def restore_waiting(db: Database) -> str | None:
    """Who is waiting to restore a backup over this store ("by on host"), or None."""
    path = sqlite_path(db.url)
    if path is not None:
        try:
            d = json.loads((seats_dir(path) / RESTORE_FILE).read_text(encoding="utf-8"))
            if str(d["host"]) == _host() and not _alive(int(d["pid"])):
                return None  # a restore that died while it waited
            return t("{who} on {host}", who=str(d["by"]), host=str(d["host"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
    with db.engine.connect() as conn:
        name = conn.execute(text(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE :p LIMIT 1"), {"p": RESTORE_PREFIX + "%"}).scalar_one_or_none()
    if not name:
        return None
    who, _, host = name[len(RESTORE_PREFIX):].rpartition(":")
    return t("{who} on {host}", who=who, host=host)
