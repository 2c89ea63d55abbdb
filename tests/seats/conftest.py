"""Seats of one PostgreSQL store: each seat is its own data folder (as each PC is), and, where the
issue is between processes, its own process (the command line, `python3 -m shop_orders`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_url(pg_admin_url):
    from tests.conftest import _drop, _pg_database

    admin, name, url = _pg_database(pg_admin_url)
    yield url
    _drop(admin, name)


def seat_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_ORDERS_")}
    env.update(XDG_DATA_HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), QT_QPA_PLATFORM="offscreen", **extra)
    return env


def cli(home: Path, url: str, *args: str, check: bool = True, env: dict | None = None, stdin: str = ""):
    """One command of the seat whose data folder is under home, in its own process."""
    res = subprocess.run([sys.executable, "-m", "shop_orders", "--db", url, *args], cwd=ROOT,
                         env={**seat_env(home), **(env or {})}, capture_output=True, text=True, timeout=180,
                         input=stdin)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def data_dir(home: Path) -> Path:
    return home / "ShopOrders"
