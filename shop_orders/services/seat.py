"""This seat's connection to a shop server (PostgreSQL), as the first-run guide sets it up.

The address is a seat setting; a password typed in it goes to PostgreSQL's own password file
(~/.pgpass, %APPDATA%\\postgresql\\pgpass.conf or $PGPASSFILE), readable by this user only,
where psql and every libpq tool look for it (psycopg reads it too): the saved address, the logs
and every message keep no password.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from shop_orders import paths
from shop_orders.atomic import write_atomic
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.store.db import resolve_url, without_password


def split_password(url: str) -> tuple[str, str | None]:
    """(the address without its password, the password or None), whatever form the password
    took (user:password@, an unencoded '@' in it, `?password=`)."""
    u = resolve_url(url)
    bare = without_password(u).set(drivername="postgresql")
    return bare.render_as_string(hide_password=False), (None if u.password is None else str(u.password))


def with_password(url: str, password: str) -> str:
    """The address with this password in it (never shown: split_password takes it out again)."""
    u = resolve_url(url)
    return without_password(u).set(drivername="postgresql", password=password).render_as_string(hide_password=False)


def pgpass_path() -> Path:
    if os.environ.get("PGPASSFILE"):
        return Path(os.environ["PGPASSFILE"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", str(Path.home()))) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(value: str | int | None) -> str:
    return str(value if value is not None else "*").replace("\\", "\\\\").replace(":", "\\:")


def remember_password(address: str, password: str) -> Path:
    """Add (or replace) the server's line in PostgreSQL's password file (mode 0600)."""
    u = make_url(address)
    key = ":".join(_escape(v) for v in (u.host or "localhost", u.port or 5432, u.database or "*", u.username or "*"))
    path = pgpass_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = [line for line in lines if not line.startswith(key + ":")] + [f"{key}:{_escape(password)}"]
    write_atomic(path, "\n".join(lines) + "\n", prefix=".pgpass-")  # the owner's alone (0600), never half written
    return path


def remember_server(url: str) -> str:
    """The address to save for this seat: its password, if any, moved to the password file."""
    address, password = split_password(url)
    if password:
        remember_password(address, password)
    return address


def test_server(url: str) -> str:
    """Open the server's store without creating or changing anything; "" when it is ready,
    else the one sentence that says why not."""
    from shop_orders.store.open import open_database

    try:
        db = open_database(url, data_dir=paths.data_dir())
    except ShopOrdersError as exc:
        return str(exc)
    db.dispose()
    return ""


def restart_command(argv: list[str], executable: str, frozen: bool) -> list[str]:
    """How to start this app again on the seat's saved store: the same program and options but
    without any --db (`--db X` or `--db=X`), which would name the old store."""
    args = argv[1:]
    kept: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a == "--db":
            skip = True
        elif not a.startswith("--db="):
            kept.append(a)
    return [executable, *kept] if frozen else [executable, argv[0], *kept]


def restart(argv: list[str] | None = None) -> None:
    """Start the app again, detached, without $SHOP_ORDERS_DB (the saved server must win)."""
    import subprocess

    from shop_orders.services.context import DB_ENV, DB_PASSWORD_ENV

    # nor the old server's password (asked at a prompt): the new server's comes from ~/.pgpass
    env = {k: v for k, v in os.environ.items() if k not in (DB_ENV, DB_PASSWORD_ENV)}
    cmd = restart_command(list(sys.argv if argv is None else argv), sys.executable, bool(getattr(sys, "frozen", False)))
    subprocess.Popen(cmd, env=env, start_new_session=True, stdin=subprocess.DEVNULL)  # noqa: S603 - our own program
