"""`shop-orders stock` through real subprocesses (issue 29 item 6): the list as JSON whose keys and
numbers do not depend on the language and as a table in either; a stocktake sheet with --dry-run
(nothing written) then for real, and a bad sheet (one sentence, exit 1, nothing written); adjust,
receive and order ("applied" or "proposed #id"); the suggestions as JSON and as a workbook read
back with openpyxl; the catalogue exported and imported back unchanged; the limit; rebuild; check
naming an edited row with exit 1; the returns waiting."""

from __future__ import annotations

import json
import re
import sqlite3

import openpyxl
import pytest

from tests.cli.test_cli import _demo_300, assert_one_line_error, run

KEYS = {"sku", "title", "location", "on_hand", "reserved", "available", "safety", "incoming", "missing",
        "short_orders", "barcodes"}


@pytest.fixture
def shop(tmp_path, built_store):
    return built_store("demo-300", _demo_300, tmp_path / "shop.sqlite3")


def listing(db, *args) -> dict[str, dict]:
    return {r["sku"]: r for r in json.loads(run("stock", "list", "--format", "json", *args, db=db).stdout)}


def _rows(db, sql: str) -> list:
    with sqlite3.connect(db) as c:
        rows = c.execute(sql).fetchall()
    c.close()
    return rows


def test_list_as_json_keeps_keys_and_numbers_in_either_language_and_a_table_in_each(shop):
    run("stock", "add", "TEA-1", "Green tea", "--location", "A-01", "--safety", "3", "--barcode", "6901234567892",
        db=shop)
    assert run("stock", "receive", "TEA-1", "5", "--reason", "delivery", db=shop).stdout.strip() == "applied"
    assert run("stock", "order", "TEA-1", "10", db=shop).stdout.strip() == "applied"
    en = json.loads(run("stock", "list", "--format", "json", db=shop).stdout)
    zh = json.loads(run("--lang", "zh_CN", "stock", "list", "--format", "json", db=shop).stdout)
    assert en == zh
    assert en == [{"sku": "TEA-1", "title": "Green tea", "location": "A-01", "on_hand": 5, "reserved": 0,
                   "available": 5, "safety": 3, "incoming": 10, "missing": 0, "short_orders": 0,
                   "barcodes": ["6901234567892"]}]
    assert set(en[0]) == KEYS
    for lang, head in (("en", "SKU"), ("zh_CN", "SKU")):
        out = run("--lang", lang, "stock", "list", db=shop).stdout.splitlines()
        assert out[0].startswith(head) and out[1].startswith("TEA-1")
    assert "在库数量" in run("--lang", "zh_CN", "stock", "list", db=shop).stdout
    assert listing(shop, "--location", "B-9") == {}
    assert listing(shop, "--below-safety") == {}


def test_a_stocktake_sheet_dry_run_then_for_real_and_a_bad_sheet_changes_nothing(shop, tmp_path):
    run("stock", "add", "TEA-1", "Green tea", db=shop)
    sheet = tmp_path / "count.csv"
    sheet.write_text("商品编码,商品名称,库位,盘点数量\nTEA-1,绿茶,A-2,7\n", encoding="utf-8")
    events = _rows(shop, "SELECT COUNT(*) FROM audit_events")
    dry = run("stock", "import", str(sheet), "--dry-run", db=shop).stdout
    assert "TEA-1: on hand 0 → 7; title: Green tea → 绿茶; location: — → A-2" in dry
    assert dry.strip().endswith("Dry run: the stocktake would be applied; nothing was written.")
    assert _rows(shop, "SELECT COUNT(*) FROM audit_events") == events and listing(shop)["TEA-1"]["on_hand"] == 0
    real = run("stock", "import", str(sheet), db=shop).stdout
    assert real.splitlines()[:-1] == dry.splitlines()[:-1] and real.strip().endswith("The stocktake was applied.")
    assert listing(shop)["TEA-1"]["on_hand"] == 7
    bad = tmp_path / "bad.csv"
    bad.write_text("SKU,On hand\nTEA-1,3\nTEA-1,4\n", encoding="utf-8")
    events = _rows(shop, "SELECT COUNT(*) FROM audit_events")
    res = run("stock", "import", str(bad), db=shop, check=False)
    assert_one_line_error(res)
    assert res.stderr.strip() == ("error: bad.csv, row 3, column On hand: TEA-1 is counted twice with different "
                                  "counts (row 2: 3, this row: 4).")
    assert _rows(shop, "SELECT COUNT(*) FROM audit_events") == events and listing(shop)["TEA-1"]["on_hand"] == 7
    as_json = json.loads(run("stock", "import", str(sheet), "--dry-run", "--format", "json", db=shop).stdout)
    assert as_json == {"file": "count.csv", "rows": 1, "outcome": "applied", "dry_run": True, "not_counted": 0,
                       "unchanged": 1, "left_out": 0, "changes": []}


def test_adjust_is_applied_or_proposed_and_below_zero_is_refused(shop):
    run("stock", "add", "TEA-1", "Green tea", db=shop)
    assert run("stock", "adjust", "TEA-1", "4", "--reason", "found a box", db=shop).stdout.strip() == "applied"
    assert run("stock", "limit", db=shop).stdout.strip() == "A stock change of more than 20 units needs a second person."
    assert re.fullmatch(r"proposed #\d+", run("stock", "adjust", "TEA-1", "25", "--reason", "pallet",
                                             db=shop).stdout.strip())
    res = run("stock", "adjust", "TEA-1", "-9", "--reason", "broken", db=shop, check=False)
    assert_one_line_error(res)
    assert "TEA-1 has 4 on hand: taking away 9 would leave less than none" in res.stderr
    run("stock", "limit", "50", db=shop)
    assert run("stock", "adjust", "TEA-1", "25", "--reason", "pallet", db=shop).stdout.strip() == "applied"
    assert listing(shop)["TEA-1"]["on_hand"] == 29
    assert_one_line_error(run("stock", "adjust", "NOPE", "1", "--reason", "x", db=shop, check=False))
    assert run("stock", "adjust", "TEA-1", "1", db=shop, check=False).returncode == 2  # --reason is required


def test_suggestions_as_json_and_as_a_workbook_for_the_supplier(shop, tmp_path):
    sku = _rows(shop, "SELECT l.sku FROM order_lines l JOIN orders o ON o.id = l.order_id "
                      "WHERE o.status = 'awaiting_shipment' AND o.archived = 0 AND l.qty > l.shipped_qty ORDER BY l.id LIMIT 1")[0][0]
    run("stock", "add", sku, "from the orders", "--safety", "2", db=shop)
    found = json.loads(run("stock", "suggest", "--format", "json", db=shop).stdout)
    assert [g["sku"] for g in found] == [sku]
    g = found[0]
    assert set(g) == {"sku", "title", "on_hand", "reserved", "demand", "safety", "incoming", "suggested",
                      "waiting_orders"}
    assert g["suggested"] == g["demand"] + 2 and g["waiting_orders"]
    short = listing(shop, "--short")
    assert short[sku]["short_orders"] == len(g["waiting_orders"]) and short[sku]["missing"] == g["demand"]
    path = tmp_path / "buy.xlsx"
    run("stock", "suggest", "--format", "xlsx", str(path), db=shop)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path).active.iter_rows()]
    assert rows[0][:3] == ["SKU", "Title", "Location"] and rows[0][-2:] == ["Suggested", "Waiting orders"]
    assert rows[1][0] == sku and rows[1][8] == g["suggested"] and rows[1][9] == ", ".join(g["waiting_orders"])
    assert_one_line_error(run("stock", "suggest", "--format", "xlsx", db=shop, check=False))


def test_export_then_import_changes_nothing_and_check_names_an_edited_row(shop, tmp_path):
    run("stock", "add", "TEA-1", "=cmd|' /C calc'!A0", "--barcode", "111", db=shop)
    run("stock", "receive", "TEA-1", "3", "--reason", "delivery", db=shop)
    for name in ("stock.xlsx", "stock.csv"):
        path = tmp_path / name
        assert "1 SKUs written to" in run("stock", "export", str(path), db=shop).stdout
        events = _rows(shop, "SELECT COUNT(*) FROM audit_events")
        out = run("stock", "import", str(path), db=shop).stdout
        assert f"{name}: 1 SKUs: 0 changed, 1 unchanged, 0 not counted." in out
        assert _rows(shop, "SELECT COUNT(*) FROM audit_events") == events
    assert "agrees" in run("stock", "check", db=shop).stdout
    with sqlite3.connect(shop) as c:
        c.execute("UPDATE stock_items SET on_hand = 99 WHERE sku = 'TEA-1'")
    c.close()
    res = run("stock", "check", db=shop, check=False)
    assert res.returncode == 1 and "TEA-1 has 99 on hand" in res.stderr and "Traceback" not in res.stderr


def test_rebuild_returns_and_a_return_that_did_not_come_back(shop):
    assert "orders are short" in run("stock", "rebuild", db=shop).stdout
    waiting = json.loads(run("stock", "returns", "--format", "json", db=shop).stdout)
    assert isinstance(waiting, list)
    for r in waiting:
        assert set(r) == {"shipment_id", "order_id", "order_no", "courier", "tracking_no", "why", "items"}
    res = run("stock", "return", "999999", "--reason", "back", db=shop, check=False)
    assert_one_line_error(res)
    assert res.stderr.strip() == "error: There is no parcel 999999."



def test_every_stock_action_has_help_in_either_language():
    actions = ["list", "import", "export", "adjust", "receive", "order", "suggest", "add", "returns", "return",
               "limit", "rebuild", "check"]
    out = run("stock", "--help").stdout
    assert all(a in out for a in actions)
    assert "usage: shop-orders stock import" in run("stock", "import", "--help").stdout
    zh = run("--lang", "zh_CN", "stock", "list", "--help").stdout
    assert "只显示已付款订单缺货的商品" in zh
