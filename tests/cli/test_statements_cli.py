"""`shop-orders statements` through real subprocesses (issue 27 items 2 and 6), on the real-shaped
Alipay 账务明细 sample (tests/real/statements/README.md): the dry run says what the import writes
and writes nothing, the import keeps each line once (a second import adds nothing), the list shows
the statement, audit verify holds; a statement that does not add up and a GBK file with a broken
byte are refused with one sentence naming file, row (and column), nothing written."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.cli.test_cli import assert_one_line_error, run
from tests.real.test_statements_cn import ACCOUNT, WECHAT

PASSWORD = "olivia-secret-1"


@pytest.fixture
def shop(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "home"), "SHOP_ORDERS_PASSWORD": PASSWORD}
    db = tmp_path / "shop.sqlite3"
    run("init", "--owner", "olivia", db=db, env=env)

    def cli(*args, check=True):
        return run("--user", "olivia", *args, db=db, env=env, check=check)

    cli.db = db
    return cli


def lines(db) -> int:
    with sqlite3.connect(db) as c:
        n = c.execute("SELECT count(*) FROM statement_lines").fetchone()[0]
    c.close()
    return n


def test_dry_run_import_reimport_list_and_verify(shop):
    said = f"{ACCOUNT.name} (alipay_account): 7 lines, 7 new, 0 already imported; CNY in 264.40, out -1120.77\n"
    assert shop("statements", "import", ACCOUNT, "--dry-run").stdout == said + "Dry run: nothing was written.\n"
    assert lines(shop.db) == 0
    assert shop("statements", "import", ACCOUNT).stdout == said
    assert lines(shop.db) == 7
    again = shop("statements", "import", ACCOUNT).stdout
    assert again == (f"{ACCOUNT.name} (alipay_account): 7 lines, 0 new, 7 already imported\n"
                     "Nothing new: every line of this statement is already in the store.\n")
    assert lines(shop.db) == 7
    shop("statements", "import", WECHAT, "--source", "wechat")
    listed = json.loads(shop("statements", "list", "--format", "json").stdout)
    assert [(s["provider"], s["format"], s["lines"], s["imported_by"]) for s in listed] == [
        ("wechat_pay", "wechat", 4, "olivia"), ("alipay", "alipay_account", 7, "olivia")]
    assert "Audit chain intact" in shop("audit", "verify").stdout


def test_a_statement_that_does_not_add_up_is_refused_naming_the_difference(shop, tmp_path):
    raw = ACCOUNT.read_bytes().replace(b",59.90,", b",59.00,", 1)
    assert raw != ACCOUNT.read_bytes()
    changed = tmp_path / ACCOUNT.name
    changed.write_bytes(raw)
    res = shop("statements", "import", changed, check=False)
    assert_one_line_error(res)
    assert changed.name in res.stderr and "(a difference of -0.90)" in res.stderr
    assert lines(shop.db) == 0


def test_a_gbk_file_with_a_broken_byte_is_refused_naming_row_and_column(shop, tmp_path):
    raw = ACCOUNT.read_bytes()
    at = raw.index("手工皂".encode("gb18030"))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(raw[:at] + b"\x81\x20" + raw[at + 2:])
    res = shop("statements", "import", broken, "--source", "alipay_account", check=False)
    assert_one_line_error(res)
    assert "broken.csv, row 6, column 4: byte 0x81 is not valid GBK/GB18030 text" in res.stderr
    assert lines(shop.db) == 0


def test_the_bookkeepers_workbook_in_chinese_from_the_command_line(shop, tmp_path):
    """`reconcile export` in Chinese: every heading and word in the workbook is Chinese (codes such
    as CNY, numbers and names are data), even though the desktop UI's catalogue is not loaded."""
    import re

    from openpyxl import load_workbook

    shop("statements", "import", ACCOUNT)
    shop("reconcile")
    out = tmp_path / "对账.xlsx"
    said = shop("--lang", "zh_CN", "reconcile", "export", out, "--from", "2024-05-01", "--to", "2024-05-31").stdout
    assert said == f"已将 0 个订单和 7 条对账单流水的对账结果导出到 {out}。\n"
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "不一致", "小额差异", "已对平", "已排除", "已人工确认", "对账单明细"]
    english = {v for ws in wb for row in ws.iter_rows(values_only=True) for v in row
               if isinstance(v, str) and re.search("[A-Za-z]{3,}", v) and not re.search("[\u4e00-\u9fff]", v)}
    assert english <= {"CNY", "olivia"}, english
    lines = wb["对账单明细"]
    assert [c.value for c in lines[1]][:4] == ["时间", "来源", "类型", "金额"]
    assert shop("reconcile", "export", tmp_path / "r.csv", check=False).stderr == \
        "error: r.csv: exports are Excel workbooks; name the file .xlsx\n"


def test_the_owner_sets_the_two_person_amount(shop):
    assert shop("reconcile", "two-person").stdout == "A match by hand over 1000.00 needs a second person.\n"
    assert shop("reconcile", "two-person", "2500").stdout == "A match by hand over 2500.00 needs a second person.\n"
    res = shop("reconcile", "two-person", "12.345", check=False)
    assert_one_line_error(res)
    assert "'12.345' has more than 2 decimal places" in res.stderr
    assert shop("--lang", "zh_CN", "reconcile", "two-person").stdout == "超过 2500.00 的人工匹配需要第二人批准。\n"


def test_a_bank_csv_in_a_layout_of_its_own_is_read_through_a_mapping(shop, tmp_path):
    """A bank whose CSV layout is not built in: its columns named in a JSON mapping (--mapping);
    without it the file is not recognised; a broken mapping is one sentence, nothing written."""
    csv_file = tmp_path / "hsbc-export.csv"
    csv_file.write_text("Posted,Details,Paid out,Paid in,Ref\n"
                        "02/11/2026,FASTER PAYMENT J SMITH ORDER 1044,,45.50,FP1001\n"
                        "03/11/2026,CARD FEE,2.00,,FP1002\n", encoding="utf-8")
    mapping = tmp_path / "hsbc.json"
    mapping.write_text('{"code": "hsbc", "name": "HSBC", "currency": "GBP", "date_formats": ["%d/%m/%Y"], '
                       '"columns": {"date": ["Posted"], "memo": ["Details"], "debit": ["Paid out"], '
                       '"credit": ["Paid in"], "reference": ["Ref"]}}', encoding="utf-8")
    res = shop("statements", "import", csv_file, check=False)
    assert_one_line_error(res)
    assert "is not a statement this app reads" in res.stderr
    said = shop("statements", "import", csv_file, "--mapping", mapping).stdout
    assert said == "hsbc-export.csv (bank_csv): 2 lines, 2 new, 0 already imported; GBP in 45.50, out -2.00\n"
    with sqlite3.connect(shop.db) as c:
        rows = c.execute("SELECT kind, amount_minor, currency, memo FROM statement_lines ORDER BY row_no").fetchall()
    c.close()
    assert [r[:3] for r in rows] == [("payment", 4550, "GBP"), ("other", -200, "GBP")]
    assert "ORDER 1044" in rows[0][3]
    mapping.write_text("{not json", encoding="utf-8")
    res = shop("statements", "import", csv_file, "--mapping", mapping, check=False)
    assert_one_line_error(res)
    assert "the bank column mapping is not valid JSON with a code and columns" in res.stderr
    assert lines(shop.db) == 2
