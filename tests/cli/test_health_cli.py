"""`shop-orders health` through real subprocesses (issue 28 item 5): the figures as a table in the
user's language and as JSON whose keys, codes and numbers do not depend on it; `health export`
(read back with openpyxl); `health rebuild` and `health check` (an edited rollup is named, then
made whole); `health lights` (the owner's thresholds; a role without settings.shop is refused); and every bad
input one sentence on stderr, exit code 2, nothing changed. The numbers themselves are held
against the store's rows by tests/services/test_health_acceptance.py."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shop_orders.cli.common import text_width
from shop_orders.domain.health import FIGURES
from tests.cli.test_cli import _demo_300, assert_one_line_error, run

KEYS = [d.key for d in FIGURES]


@pytest.fixture
def shop(tmp_path, built_store):
    return built_store("demo-300", _demo_300, tmp_path / "shop.sqlite3")


def _lights(db) -> list:
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT value FROM settings WHERE key = 'health.lights'").fetchall()
    c.close()
    return rows


def test_the_figures_as_json_keep_keys_and_numbers_in_either_language(shop):
    en = json.loads(run("health", "--format", "json", "--span", "30d", db=shop).stdout)
    zh = json.loads(run("--lang", "zh_CN", "health", "--format", "json", "--span", "30d", db=shop).stdout)
    en.pop("now"), zh.pop("now")
    assert en == zh  # JSON is for programs: nothing in it is translated
    assert set(en) == {"period", "previous", "channel", "figures", "charts"}
    assert [f["key"] for f in en["figures"]] == KEYS
    for f in en["figures"]:
        assert set(f) == {"key", "unit", "value", "previous", "change", "light", "orders", "measured", "excluded",
                          "extra", "parts"}
        assert isinstance(f["orders"], int) and isinstance(f["measured"], int) and isinstance(f["excluded"], int)
        assert f["value"] is None or isinstance(f["value"], int | float)
        for p in f["parts"]:
            assert set(p) == {"part", "value", "orders"} and ":" in p["part"]
    first, last = (datetime.fromisoformat(en["period"][k]).date() for k in ("first_day", "last_day"))
    assert (last - first).days == 29
    assert [c["key"] for c in en["charts"]] == ["orders_per_day", "ship_24h_per_day", "pickup_gap_per_courier"]
    orders = next(f for f in en["figures"] if f["key"] == "orders")
    assert orders["value"] > 0 and orders["orders"] == orders["value"]


def test_the_figures_as_a_table_in_english_and_chinese_line_up(shop):
    for lang, title, header in (("en", "Shipped within 24 h", "Figure"), ("zh_CN", "24 小时内发货率", "指标")):
        out = run("--lang", lang, "health", db=shop).stdout.splitlines()
        table = out[1:out.index("")] if "" in out else out[1:]
        assert table[0].startswith(header) and len(table) == 1 + len(FIGURES)
        assert any(line.startswith(title) for line in table)
        # aligned: the second column starts at the same display column on every line
        starts = set()
        for line in table:
            first = line.split("  ")[0]
            rest = line[len(first):]
            starts.add(text_width(first) + len(rest) - len(rest.lstrip(" ")))
        assert len(starts) == 1, table


def test_a_channel_and_a_chosen_range(shop):
    today = datetime.now(UTC).astimezone().date()
    got = json.loads(run("health", "--format", "json", "--from", (today - timedelta(days=3)).isoformat(), "--to",
                         today.isoformat(), "--channel", "taobao", db=shop).stdout)
    assert got["channel"] == "taobao" and got["period"]["last_day"] == today.isoformat()
    orders = next(f for f in got["figures"] if f["key"] == "orders")
    assert {p["part"] for p in orders["parts"] if p["part"].startswith("channel:")} <= {"channel:taobao"}
    text = run("health", "--channel", "淘宝", "--span", "today", db=shop).stdout
    assert text.startswith("Health of Taobao, ")


@pytest.mark.parametrize("args, said", [
    (["--from", "2026-12-05", "--to", "2026-12-01"], "before it starts"),
    (["--from", "2026-13-01", "--to", "2026-12-01"], "is not a day"),
    (["--from", "2026-12-01"], "needs both --from and --to"),
    (["--span", "30d", "--from", "2026-12-01", "--to", "2026-12-02"], "either --span or --from"),
    (["--from", "2026-01-01", "--to", "2037-01-01"], "longer than ten years"),
])
def test_a_bad_period_is_one_sentence_and_exit_2(shop, args, said):
    for command in (["health", *args], ["health", "export", "x.xlsx", *args]):
        res = run(*command, db=shop, check=False)
        assert_one_line_error(res, code=2)
        assert said in res.stderr and res.stdout == ""


def test_an_unknown_channel_and_bad_thresholds_are_refused_with_nothing_changed(shop, tmp_path):
    res = run("health", "--channel", "nosuch", db=shop, check=False)
    assert res.returncode == 2 and "unknown channel 'nosuch'" in res.stderr and res.stdout == ""
    for args, said in ((["ship_24h", "80", "90"], "must not be above its green one"),
                       (["ship_24h", "120", "90"], "must be a number from 0 to 100"),
                       (["pickup_gap", "60", "15"], "must not be below its green one"),
                       (["orders", "1", "2"], "has no traffic light to set"),
                       (["speed", "1", "2"], "is not a health figure"),
                       (["ship_24h", "nan", "80"], "must be a number from 0 to 100"),
                       (["ship_24h", "95"], "Give the figure's green and amber thresholds")):
        res = run("health", "lights", *args, db=shop, check=False)
        assert_one_line_error(res, code=2)
        assert said in res.stderr, res.stderr
    assert _lights(shop) == []
    res = run("health", "lights", "ship_24h", "ninety", "80", db=shop, check=False)
    assert res.returncode == 2 and "'ninety' is not a number" in res.stderr
    res = run("health", "export", tmp_path / "figures.csv", db=shop, check=False)
    assert_one_line_error(res, code=2)
    assert "name the file .xlsx" in res.stderr and not (tmp_path / "figures.csv").exists()
    res = run("health", "export", tmp_path / "no such folder" / "figures.xlsx", db=shop, check=False)
    assert_one_line_error(res, code=2)
    assert "does not exist" in res.stderr and not (tmp_path / "no such folder").exists()


def test_the_owner_sets_a_light_another_role_may_not_and_the_figures_follow(shop, tmp_path):
    env = {"SHOP_ORDERS_PASSWORD": "olivia-secret-1"}
    run("init", "--owner", "olivia", db=shop, env=env)
    run("--user", "olivia", "users", "add", "sam", "--role", "service", db=shop,
        env={**env, "SHOP_ORDERS_NEW_PASSWORD": "sam-secret-1"})
    res = run("--user", "sam", "health", "lights", "ship_24h", "90", "80", db=shop, check=False,
              env={"SHOP_ORDERS_PASSWORD": "sam-secret-1"})
    assert_one_line_error(res, code=1)
    assert _lights(shop) == []
    out = run("--user", "olivia", "health", "lights", "ship_24h", "0", "0", db=shop, env=env).stdout
    row = next(line for line in out.splitlines() if line.startswith("ship_24h"))
    assert re.search(r"\s0\s+0\s+higher is better\s+set for this shop$", row), row
    got = json.loads(run("--user", "olivia", "health", "--format", "json", "--span", "30d", db=shop, env=env).stdout)
    ship = next(f for f in got["figures"] if f["key"] == "ship_24h")
    assert ship["value"] is None or ship["light"] == "green"  # at least 0% is green now
    shown = run("--user", "olivia", "health", "lights", db=shop, env=env).stdout
    assert "default (the seeds' best practice)" in shown and "set for this shop" in shown


def test_rebuild_and_check_find_an_edited_rollup_and_make_it_whole(shop):
    assert "agrees with the orders" in run("health", "check", db=shop).stdout
    with sqlite3.connect(shop) as c:
        (n,) = c.execute("SELECT count(*) FROM orders").fetchone()
        victim, other = [r[0] for r in c.execute("SELECT order_id FROM order_health ORDER BY order_id LIMIT 2")]
        c.execute("UPDATE order_health SET paid_minor = paid_minor + 1 WHERE order_id = ?", (victim,))
        c.execute("DELETE FROM order_health WHERE order_id = ?", (other,))
    c.close()
    res = run("health", "check", db=shop, check=False)
    assert_one_line_error(res, code=1)
    assert "for 2 orders" in res.stderr and f"{victim}, {other}" in res.stderr and "health rebuild" in res.stderr
    assert run("health", "rebuild", db=shop).stdout == f"The health rollup was rebuilt from the orders: {n:,} orders.\n"
    assert "agrees with the orders" in run("health", "check", db=shop).stdout


def test_the_export_is_a_workbook_in_the_users_language(shop, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "健康.xlsx"
    said = run("--lang", "zh_CN", "health", "export", out, "--span", "30d", "--channel", "jd", db=shop).stdout
    assert str(out) in said
    wb = load_workbook(out)
    assert wb.sheetnames == ["指标", "分项", "每日"]
    figures = list(wb["指标"].iter_rows(values_only=True))
    assert figures[0][0] == "店铺健康度" and figures[3][0] == "渠道：京东"
    header = figures.index(next(r for r in figures if r[0] == "指标"))
    assert len([r for r in figures[header + 1:] if r[0]]) == len(FIGURES)
    days = list(wb["每日"].iter_rows(values_only=True))
    first = next(i for i, r in enumerate(days) if r[0] == "日期")
    assert len(days) - first - 1 == 30 and isinstance(days[first + 1][0], datetime)
    today = datetime.now(UTC).astimezone(ZoneInfo("UTC")).date()
    assert abs((days[-1][0].date() - today).days) <= 1
    assert not list(tmp_path.glob("*.partial"))


def test_the_readme_gives_each_figure_its_one_definition_and_the_commands():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The shop's health"):readme.index("## Command line")]
    for d in FIGURES:
        row = next(line for line in section.splitlines() if line.startswith(f"| `{d.key}` |"))
        assert f"| {d.title} | {d.definition} |" in row, d.key
        if d.green is not None:
            assert f" {d.green:g} |" in row and f" {d.amber:g} |" in row, d.key
    commands = readme[readme.index("## Command line"):readme.index("## Design")]
    for usage in ("`health [--span", "`health export FILE.xlsx", "`health rebuild` / `health check`",
                  "`health lights [KEY GREEN AMBER]`"):
        assert usage in commands
