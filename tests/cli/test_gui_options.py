"""`python3 main.py` (= `shop-orders-gui`) through real subprocesses: --version, --help and --lang
with the command line's wording, --db, --self-test, and the sentence instead of Qt's abort when the
xcb platform plugin's libraries are missing."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shop_orders import __version__
from tests.cli.test_cli_language_and_export import CHINESE, ENGLISH

ROOT = Path(__file__).resolve().parents[2]


def gui(*args, env=None, timeout=120):
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **ENGLISH, **(env or {})}
    environ = {k: v for k, v in environ.items() if v is not None}
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=timeout)


def test_version_is_the_command_lines():
    res = gui("--version")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"shop-orders {__version__}"
    cli = subprocess.run([sys.executable, "-m", "shop_orders", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert cli.stdout == res.stdout


def test_help_names_every_option_in_the_command_lines_words():
    res = gui("--help")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.startswith("usage: shop-orders-gui")
    for option in ("--db PATH_OR_URL", "--lang zh_CN|en", "--version", "--self-test", "-h, --help"):
        assert option in out
    # the same sentences as `shop-orders --help`, from the one catalogue
    assert "SQLite file path or postgresql://user@host/db (no password here" in " ".join(out.split())
    assert "user:pass@" not in out
    assert "show the version and exit" in out and "show this help message and exit" in out


def test_help_in_chinese_by_lang_or_by_the_locale():
    zh = gui("--lang", "zh_CN", "--help").stdout
    assert zh.startswith("用法：shop-orders-gui")
    assert "显示版本号并退出" in zh and "在临时数据库上检查本安装" in zh
    assert "用法：" in gui("--help", env=CHINESE).stdout
    assert gui("--help", "--lang", "en", env=CHINESE).stdout.startswith("usage: ")


def test_a_wrong_language_or_option_is_a_usage_error():
    res = gui("--lang", "fr")
    assert res.returncode == 2
    assert "unknown language 'fr'; expected zh_CN or en" in res.stderr
    res = gui("--no-such-option")
    assert res.returncode == 2
    assert "shop-orders-gui: error: unrecognised arguments: --no-such-option" in res.stderr


def test_db_opens_that_store_and_not_the_default(tmp_path):
    """The window comes up on --db (it joins the store as a seat); the default store is never made."""
    home = tmp_path / "xdg"
    db = tmp_path / "elsewhere" / "shop.sqlite3"
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **ENGLISH, "XDG_DATA_HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "config")}
    environ.pop("SHOP_ORDERS_DB", None)
    proc = subprocess.Popen([sys.executable, "main.py", "--db", str(db), "--lang", "zh_CN"], cwd=ROOT,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seats = db.with_name(db.name + ".seats")
    try:
        deadline = time.monotonic() + 60
        while not (seats.is_dir() and any(seats.iterdir())):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the window did not open on --db"
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert db.is_file()
    assert not (home / "ShopOrders" / "shop-orders.sqlite3").exists()


def test_self_test_passes_and_says_each_step():
    res = gui("--self-test")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.strip().splitlines()
    assert lines[-1] == "self-test passed"
    for words in ("migrated to schema", "orders in the grid", "changed through the services",
                  "audit trail verified", "10 statement formats ready: alipay_account, ",
                  "health dashboard drawn: 14 figures, 3 charts"):
        assert any(words in line for line in lines), res.stdout
    assert res.stderr == ""


def test_self_test_sets_offscreen_itself_without_a_display():
    res = gui("--self-test", env={"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "QT_QPA_PLATFORM=offscreen" in res.stdout and "offscreen platform" in res.stdout


def fake_ldd(folder: Path, missing: list[str]) -> Path:
    """An `ldd` first on PATH that reports `missing` as not found (and everything else found)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ldd"
    lines = ["\tlibQt6XcbQpa.so.6 => /x/libQt6XcbQpa.so.6 (0x0)"] + [f"\t{m} => not found" for m in missing]
    script.write_text("#!/bin/sh\ncat <<'EOF'\n" + "\n".join(lines) + "\nEOF\n")
    script.chmod(0o755)
    return folder


@pytest.mark.skipif(sys.platform != "linux", reason="the xcb platform plugin is Linux's")
def test_missing_xcb_libraries_are_named_in_one_sentence_instead_of_qts_abort(tmp_path):
    bin_dir = fake_ldd(tmp_path / "bin", ["libxcb-cursor.so.0", "libxkbcommon-x11.so.0"])
    env = {"QT_QPA_PLATFORM": None, "DISPLAY": ":97", "XDG_SESSION_TYPE": None,
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    res = gui(env=env)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "libxcb-cursor.so.0, libxkbcommon-x11.so.0, which are not installed" in lines[0]
    assert "Aborted" not in res.stderr and "qt.qpa" not in res.stderr
    # the self-test stops at the same place, with the same sentence
    res = gui("--self-test", env=env)
    assert res.returncode == 1
    assert "self-test failed at 'Qt': Shop Orders cannot open its window" in res.stderr
    assert "libxcb-cursor.so.0" in res.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="the xcb platform plugin is Linux's")
def test_no_display_is_said_in_one_sentence():
    res = gui(env={"QT_QPA_PLATFORM": None, "DISPLAY": None, "WAYLAND_DISPLAY": None})
    assert res.returncode == 1
    assert res.stderr.strip() == ("Shop Orders cannot open its window: there is no display (DISPLAY is not set); "
                                  "start it from a desktop session, or check the installation with --self-test.")
