"""Issue 24, item 4: the database password never shows, whatever form the URL takes.

The test server trusts local connections, so any password is accepted: each form below really
connects, and then every output and every file the seat wrote is searched for the password."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import make_url

from shop_orders.services import seat
from shop_orders.store.db import describe, redacted, resolve_url
from shop_orders.store.open import open_database
from tests.seats.conftest import cli

SECRET = "S3cr3t-pw"


def _forms(url: str) -> dict[str, tuple[str, dict[str, str]]]:
    u = make_url(url)
    base = f"postgresql://{u.username}@{u.host}:{u.port}/{u.database}"
    with_pw = f"postgresql://{u.username}:{SECRET}@{u.host}:{u.port}/{u.database}"
    return {
        "user:password@": (with_pw, {}),
        "?password=": (f"{base}?password={SECRET}&sslmode=disable", {}),
        "an unencoded @": (f"postgresql://{u.username}:{SECRET}@x@{u.host}:{u.port}/{u.database}", {}),
        "PGPASSWORD": (base, {"PGPASSWORD": SECRET}),
        "SHOP_ORDERS_DB_PASSWORD": (base, {"SHOP_ORDERS_DB_PASSWORD": SECRET}),
    }


def _files_with(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.parametrize("form", ["user:password@", "?password=", "an unencoded @", "PGPASSWORD",
                                  "SHOP_ORDERS_DB_PASSWORD"])
def test_no_output_and_no_file_shows_the_password(pg_url, tmp_path, form):
    url, env = _forms(pg_url)[form]
    home = tmp_path / "seat"
    out = ""
    for args in (["init"], ["demo", "--orders", "3", "--seed", "2"], ["orders"], ["audit", "verify"],
                 ["backup", "--to", str(tmp_path / "backups")], ["audit", "key", "export", str(tmp_path / "k.key")],
                 ["no-such-command"], ["show", "NO-SUCH-ORDER"]):
        res = cli(home, url, *args, check=False, env=env)
        out += res.stdout + res.stderr
    assert "Audit chain intact" in out  # it really connected and worked
    assert SECRET not in out and "S3cr3t" not in out
    assert _files_with(tmp_path, "S3cr3t") == []  # data folder, logs, key file, heads, backups, manifests


@pytest.mark.parametrize("form", ["user:password@", "?password=", "an unencoded @"])
def test_the_window_title_and_status_bar_source_shows_no_password(pg_url, tmp_path, form):
    url, _env = _forms(pg_url)[form]
    db = open_database(url, data_dir=tmp_path / "data", create=True)
    try:
        assert "S3cr3t" not in db.where and db.where.startswith("postgresql://")
        assert "S3cr3t" not in repr(db.url) and "S3cr3t" not in str(db.engine.url)
    finally:
        db.dispose()
    assert "S3cr3t" not in redacted(url)


def test_an_unencoded_at_sign_stays_in_the_password_and_out_of_the_host():
    u = resolve_url("postgresql://shop:p@ss@192.168.1.10/shop")
    assert (u.username, u.password, u.host, u.database) == ("shop", "p@ss", "192.168.1.10", "shop")
    assert describe(u) == "postgresql://shop@192.168.1.10/shop"


def test_a_password_in_the_query_is_taken_out_of_it():
    u = resolve_url("postgresql://shop@host/shop?password=pw&sslmode=require")
    assert u.password == "pw" and dict(u.query) == {"sslmode": "require"}
    assert "pw" not in describe(u)


def test_an_unknown_sslmode_is_one_sentence_naming_it():
    with pytest.raises(ValueError, match="sslmode 'maybe' is not one of disable, allow, prefer, require"):
        resolve_url("postgresql://shop@host/shop?sslmode=maybe")


def test_the_connect_dialog_saves_the_address_without_the_password_and_the_password_to_pgpass(tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    for given in (f"postgresql://shop:{SECRET}@192.168.1.10:5432/shop?sslmode=require",
                  f"postgresql://shop@192.168.1.10:5432/shop?password={SECRET}&sslmode=require"):
        saved = seat.remember_server(given)
        assert SECRET not in saved and "sslmode=require" in saved
        assert make_url(saved).host == "192.168.1.10"
        pgpass = tmp_path / "pgpass"
        assert pgpass.read_text().strip() == f"192.168.1.10:5432:shop:shop:{SECRET}"
        assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600


@pytest.mark.parametrize("argv,frozen,expected", [
    (["/app/main.py", "--db", "postgresql://u:pw@h/db", "--lang", "zh"], False, ["PY", "/app/main.py", "--lang", "zh"]),
    (["/app/main.py", "--db=/tmp/shop.sqlite3"], False, ["PY", "/app/main.py"]),
    (["/opt/ShopOrders/ShopOrders", "--db", "x", "-style", "fusion"], True, ["PY", "-style", "fusion"]),
])
def test_restart_now_starts_the_same_program_without_the_old_store(argv, frozen, expected):
    assert seat.restart_command(argv, "PY", frozen) == expected


def test_restart_drops_the_environment_store_so_the_saved_server_wins(monkeypatch):
    started = {}

    class FakePopen:  # records what would be started instead of starting a second app
        def __init__(self, cmd, env, **_kw):
            started.update(cmd=cmd, env=env)

    monkeypatch.setenv("SHOP_ORDERS_DB", "/tmp/old.sqlite3")
    monkeypatch.setenv("SHOP_ORDERS_DB_PASSWORD", "the-old-servers")
    monkeypatch.setattr("subprocess.Popen", FakePopen)
    seat.restart(["/app/main.py", "--db", "/tmp/old.sqlite3"])
    assert "SHOP_ORDERS_DB" not in started["env"] and "/tmp/old.sqlite3" not in started["cmd"]
    assert "SHOP_ORDERS_DB_PASSWORD" not in started["env"]  # never sent to the new server
    assert os.environ["SHOP_ORDERS_DB"] == "/tmp/old.sqlite3"  # this process's own is untouched
