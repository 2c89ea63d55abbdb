"""The bookkeeper's reconciliation workbook (services/recon_export.py), opened and read back cell
by cell in both languages: the summary per source and state, the orders of each state with their
differences and who decided what, the statement lines with their state, rule and orders; money as
exact decimals with the currency's decimals, times local, formulas from a statement never live."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shop_orders.services import recon_export
from shop_orders.services.recon_browse import Period
from tests.recon_data import FORMULA_MEMO, fill

PLUS8 = timezone(timedelta(hours=8))
NOVEMBER = Period.month_of(date(2026, 11, 22), PLUS8)  # the shop in Shanghai


@pytest.fixture
def written(db, tmp_path, monkeypatch):
    r = fill(db)
    monkeypatch.setattr(recon_export.ReconBrowser, "timezone", lambda self: PLUS8)

    def write(lang: str):
        path = tmp_path / f"recon-{lang}.xlsx"
        result = recon_export.export(db, path, NOVEMBER, lang=lang)
        return result, load_workbook(path), r
    return write


def exact(value):
    """A number as written: openpyxl reads a cell's number back as a float, the file holds its
    shortest decimal text (what a Decimal was written as), so that text is compared."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def rows(ws):
    return [[exact(v) for v in row] for row in ws.iter_rows(values_only=True)]


def by_first(ws):
    return {row[0]: row for row in rows(ws)[1:] if row and row[0] is not None}


def test_english_workbook(written):
    result, wb, r = written("en")
    assert (result.orders, result.lines) == (6, 6)  # October's line is not in November
    assert wb.sheetnames == ["Summary", "Disagrees", "Small difference", "Matched", "Excluded", "Confirmed by hand",
                             "Statement lines"]
    summary = rows(wb["Summary"])
    assert summary[0] == ["Source", "Currency", "Of", "State", "Count", "Expected", "Received", "Difference",
                          "Amount", "Fees"]
    table = {(x[0], x[1], x[2], x[3]): x[4:] for x in summary[1:] if x and x[1]}
    assert table[("Alipay", "CNY", "orders", "small difference")] == [1, Decimal("200"), Decimal("199.5"),
                                                                      Decimal("-0.5"), None, None]
    assert table[("Stripe", "USD", "orders", "matched")] == [1, Decimal("19.99"), Decimal("19.99"), 0, None, None]
    assert table[("no statement line", "CNY", "orders", "disagrees")][:4] == [1, 300, 0, -300]
    assert table[("Alipay", "CNY", "statement lines", "not matched")] == [1, None, None, None, 50, 0]
    assert table[("Alipay", "CNY", "statement lines", "matched")][:5] == [3, None, None, None, Decimal("298.9")]
    notes = [x[0] for x in summary if x and x[0] and not x[1]]
    assert "Period: 2026-11-01 to 2026-11-30" in notes

    amber = rows(wb["Small difference"])
    assert amber[0][:10] == ["Order", "Channel", "Channel order no.", "Source", "State", "Expected", "Received",
                             "Difference", "Currency", "Line count"]
    [row] = amber[1:]
    assert row[:11] == [r.numbers["amber"], "Tmall", "T-amber", "Alipay", "small difference", 200, Decimal("199.5"),
                        Decimal("-0.5"), "CNY", 2, "2026111022002, 2026111022003"]
    ws = wb["Small difference"]
    assert ws["F2"].number_format == "#,##0.00" and ws["N2"].value == datetime(2026, 11, 12, 11, 0)  # +08:00
    excluded = by_first(wb["Excluded"])[r.numbers["excluded"]]
    assert excluded[11:13] == ["bea", "paid in cash"]
    confirmed_ws = wb["Confirmed by hand"]
    assert confirmed_ws["M2"].value == "=cmd|' /C calc'!A0" and confirmed_ws["M2"].data_type == "s"
    assert confirmed_ws["M2"].quotePrefix  # shown as text, never evaluated

    lines = wb["Statement lines"]
    header = rows(lines)[0]
    assert header[:7] == ["Time", "Source", "Kind", "Amount", "Fee", "Currency", "Statement id"]
    got = {row[6]: row for row in rows(lines)[1:]}
    assert set(got) == {"2026111022001", "2026111022002", "2026111022003", "2026111022004", "2026111022005",
                        "txn_1Q2w3E"}
    a2 = got["2026111022002"]
    assert a2[:4] == [datetime(2026, 11, 10, 15, 0), "Alipay", "payment", Decimal("199.5")]
    assert a2[12:15] == ["matched", "order number without its prefix", r.numbers["amber"]]
    a4 = got["2026111022004"]
    assert a4[12:14] == ["excluded", "not a sale"] and a4[16] == "not a sale" and a4[3] == -500
    a5 = got["2026111022005"]
    assert a5[10] == FORMULA_MEMO and a5[12] == "not matched" and a5[14] is None
    row5 = next(i for i, row in enumerate(rows(lines), 1) if row[6] == "2026111022005")
    assert lines[f"K{row5}"].data_type == "s" and lines[f"K{row5}"].quotePrefix
    s1 = got["txn_1Q2w3E"]
    assert s1[1:6] == ["Stripe", "payment", Decimal("19.99"), 0, "USD"]


def test_chinese_workbook(written):
    _result, wb, r = written("zh_CN")
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1] == "对账单明细"
    summary = rows(wb["汇总"])
    assert summary[0][:4] == ["来源", "币种", "类别", "状态"]
    table = {(x[0], x[2], x[3]): x[4:8] for x in summary[1:] if x and x[1]}
    assert table[("支付宝", "订单", "小额差异")] == [1, 200, Decimal("199.5"), Decimal("-0.5")]
    assert ("无对账单明细", "订单", "不一致") in table
    lines = {row[6]: row for row in rows(wb["对账单明细"])[1:]}
    assert lines["2026111022004"][12:14] == ["已排除", "非销售款"]
    assert lines["2026111022003"][2] == "手续费"
    assert "2026-11-01" in next(x[0] for x in summary if x and x[0] and str(x[0]).startswith("期间"))
    assert r.numbers["red"] in by_first(wb["不一致"])


def test_money_keeps_the_currencys_decimals():
    assert recon_export.money_format("JPY") == "#,##0"
    assert recon_export.money_format("CNY") == "#,##0.00"
    assert recon_export.money_format("KWD") == "#,##0.000"


def test_a_folder_that_refuses_leaves_nothing(sqlite_db, tmp_path):
    from shop_orders.services.exporting import ExportFailed

    with pytest.raises(ExportFailed, match="cannot be written"):
        recon_export.export(sqlite_db, tmp_path / "missing" / "recon.xlsx", NOVEMBER, lang="en")
    assert not (tmp_path / "missing").exists()


def test_a_cancelled_export_leaves_no_file(sqlite_db, tmp_path):
    from shop_orders.services.exporting import ExportCancelled

    fill(sqlite_db)
    path = tmp_path / "recon.xlsx"
    with pytest.raises(ExportCancelled):
        recon_export.export(sqlite_db, path, NOVEMBER, lang="en", cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == [] or not path.exists()
