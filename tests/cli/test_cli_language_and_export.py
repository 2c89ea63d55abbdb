"""The command line in either language (--lang, else the locale), `show` with the trail named for
people, the export's period and language, re-importing either language's export, and the progress
bar on a terminal (a pseudo-terminal here) and nowhere else."""

import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.cli.test_cli import ROOT, assert_one_line_error, run

ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
CHINESE = {**ENGLISH, "LANG": "zh_CN.UTF-8"}


def _demo_30(db):
    run("init", db=db)
    run("demo", "--orders", "30", "--seed", "3", db=db)


@pytest.fixture
def small_db(tmp_path, built_store):
    return built_store("demo-30", _demo_30, tmp_path / "shop.sqlite3")


def test_help_follows_lang_anywhere_on_the_line_else_the_locale(small_db):
    zh = run("--lang", "zh_CN", "export", "--help", env=ENGLISH).stdout
    assert "用法：shop-orders" in zh and "只导出在这一天或之后下单或最后更新的订单" in zh and "显示此帮助信息并退出" in zh
    assert "用法：" in run("export", "--help", "--lang", "zh_CN", env=ENGLISH).stdout
    assert "把订单导出为给会计的 Excel 工作簿" in run("--help", env=CHINESE).stdout  # the locale's language
    en = run("--lang", "en", "export", "--help", env=CHINESE).stdout
    assert "usage: shop-orders" in en and "only orders created or last updated on or after" in en
    res = run("--lang", "fr", "orders", db=small_db, env=ENGLISH, check=False)
    assert res.returncode == 2 and "unknown language 'fr'; expected zh_CN or en" in res.stderr


def test_messages_and_tables_are_in_chinese_and_json_keeps_codes(small_db):
    out = run("--lang", "zh_CN", "orders", "--status", "completed", db=small_db, env=ENGLISH)
    assert out.stdout.startswith("订单") and "完成" in out.stdout and "渠道订单号" in out.stdout
    assert "个订单" in out.stderr
    data = json.loads(run("--lang", "zh_CN", "orders", "--format", "json", db=small_db).stdout)
    assert {"status", "channel"} <= set(data[0]) and data[0]["status"].isascii()  # codes, for programs
    res = run("--lang", "zh_CN", "show", "SO-19990101-000001", db=small_db, check=False)
    assert res.returncode == 1 and res.stderr.startswith("错误：没有订单 SO-19990101-000001")
    stale = run("--lang", "zh_CN", "stale", db=small_db).stdout
    assert "未更新时长" in stale.splitlines()[0]
    assert "默认：72 小时" in run("--lang", "zh_CN", "thresholds", db=small_db).stdout


def test_show_names_the_trail_sources_actions_fields_and_statuses_in_the_language(small_db):
    no = json.loads(run("orders", "--status", "awaiting_payment", "--format", "json", db=small_db).stdout)[0]["id"]
    run("set-status", no, "cancelled", "--reason", "buyer asked", db=small_db)
    zh = run("--lang", "zh_CN", "show", no, db=small_db).stdout
    assert "已取消（cancelled）" in zh.splitlines()[0] and "历史记录（最新的在前）：" in zh
    assert "[手动]  状态 状态：待付款 → 已取消  （buyer asked）" in zh
    assert "[演示数据]  创建 订单：" in zh
    en = run("--lang", "en", "show", no, db=small_db).stdout
    assert "[by hand]  status status: Awaiting payment → Cancelled  (buyer asked)" in en
    assert "[demo data]  created order: " in en


def _store_with_dated_orders(tmp_path, data_home):
    """Orders on known days, read in Shanghai time: the subprocesses run with TZ=Asia/Shanghai."""
    from shop_orders.services import orders
    from shop_orders.store.open import open_database
    from tests.conftest import Clock
    from tests.factories import apply, make_order

    path = tmp_path / "dated.sqlite3"
    db = open_database(path, data_dir=Path(data_home) / "ShopOrders", create=True)
    clock = Clock()
    nos = {}

    def placed(name: str, at: datetime) -> None:
        clock.now = at + timedelta(minutes=1)  # recorded a minute after it was placed
        nos[name] = make_order(db, clock, created_at=at)

    placed("before", datetime(2026, 11, 9, 15, 0, tzinfo=UTC))  # 2026-11-09 23:00 in Shanghai
    placed("first_day", datetime(2026, 11, 9, 17, 30, tzinfo=UTC))  # 2026-11-10 01:30 there, the 9th in UTC
    placed("last_day", datetime(2026, 11, 11, 15, 58, tzinfo=UTC))  # 2026-11-11 23:58 there: still included
    placed("after", datetime(2026, 11, 12, 16, 0, tzinfo=UTC))  # 2026-11-13 00:00 there
    placed("paid_in_period", datetime(2026, 10, 1, tzinfo=UTC))  # placed long before...
    clock.now = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)
    apply(db, orders.record_payment, nos["paid_in_period"], 100, clock=clock)  # ...paid in the period
    db.dispose()
    return path, nos


def test_export_takes_orders_created_or_updated_in_whole_local_days(tmp_path, _isolated_home):
    db, nos = _store_with_dated_orders(tmp_path, _isolated_home)
    out = tmp_path / "period.xlsx"
    env = {**ENGLISH, "TZ": "Asia/Shanghai"}
    res = run("export", out, "--from", "2026-11-10", "--to", "2026-11-11", db=db, env=env)
    assert res.stdout.startswith("Exported 3 orders")
    ws = load_workbook(out)["Orders"]
    got = {r[0] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert got == {nos["first_day"], nos["last_day"], nos["paid_in_period"]}
    res = run("export", out, "--from", "2026-11-10", "--to", "2026-11-11", "--status", "partially_paid",
              "--status", "completed", db=db, env=env)
    assert res.stdout.startswith("Exported 1 orders")
    assert run("export", out, "--to", "2026-11-09", db=db, env=env).stdout.startswith("Exported 2 orders")


@pytest.mark.parametrize("args,words", [
    (["--from", "2026-13-01"], "--from '2026-13-01' is not a date; write it as YYYY-MM-DD"),
    (["--to", "10/11/2026"], "--to '10/11/2026' is not a date"),
    (["--from", "20261101"], "is not a date"),
    (["--from", "2026-11-10", "--to", "2026-11-01"], "The period starts after it ends"),
])
def test_a_bad_period_is_one_sentence_exit_1_and_no_file(small_db, tmp_path, args, words):
    out = tmp_path / "bad.xlsx"
    res = run("export", out, *args, db=small_db, env=ENGLISH, check=False)
    assert_one_line_error(res)
    assert words in res.stderr and not out.exists() and not list(tmp_path.glob("*.partial"))


def test_a_bad_date_is_refused_in_chinese_too(small_db, tmp_path):
    res = run("--lang", "zh_CN", "export", tmp_path / "bad.xlsx", "--from", "2026-02-30", db=small_db, check=False)
    assert res.returncode == 1 and res.stderr.startswith("错误：--from “2026-02-30”不是日期")


@pytest.mark.parametrize("lang,sheet,header", [("en", "Orders", "Status code"), ("zh_CN", "订单", "状态代码")])
def test_exporting_in_either_language_then_a_dry_run_import_changes_nothing(small_db, tmp_path, lang, sheet, header):
    out = tmp_path / f"books-{lang}.xlsx"
    res = run("export", out, "--lang", lang, db=small_db, env=ENGLISH)
    assert res.stdout.startswith("Exported 30 orders" if lang == "en" else "已导出 30 个订单")
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == sheet and header in next(wb[sheet].iter_rows(values_only=True))
    wb.close()
    dry = run("import", out, "--dry-run", db=small_db, env=ENGLISH)
    assert "Shop Orders export" in dry.stdout
    assert "would create 0, update 0, unchanged 30, refused 0, errors 0" in dry.stdout and not dry.stderr
    zh = run("--lang", "zh_CN", "import", out, "--dry-run", db=small_db)
    assert "将新建 0，更新 0，不变 30，拒绝 0，错误 0" in zh.stdout and "试运行：未写入任何内容。" in zh.stdout


def _run_on_a_terminal(*args, db) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal; (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    cmd = [sys.executable, "-m", "shop_orders", "--db", str(db), *map(str, args)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **ENGLISH}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = proc.stdout.read().decode()
    proc.stdout.close()
    return proc.wait(timeout=120), out, shown.decode()


def test_a_terminal_shows_a_progress_bar_that_ends_its_line_and_a_pipe_shows_none(tmp_path):
    db = tmp_path / "bar.sqlite3"
    run("init", db=db)
    code, out, shown = _run_on_a_terminal("demo", "--orders", "2500", db=db)
    assert code == 0 and out.startswith("Added 2500 demo orders")
    assert "\r[####################] 100% 2,500/2,500 orders" in shown and shown.endswith("\n")
    code, out, shown = _run_on_a_terminal("export", tmp_path / "bar.xlsx", db=db)
    assert code == 0 and "100% 2,500/2,500 orders" in shown and shown.endswith("\n")
    code, out, shown = _run_on_a_terminal("import", tmp_path / "bar.xlsx", "--dry-run", db=db)
    assert code == 0 and "Checking [" in shown and "rows" in shown
    piped = run("demo", "--orders", "50", db=tmp_path / "piped.sqlite3")
    assert piped.stderr == ""
