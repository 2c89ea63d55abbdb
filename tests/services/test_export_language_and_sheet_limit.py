"""The bookkeeper's export in either language, its audit trail named for people, the sheet row
limit, and re-importing it in either language changes nothing."""

import pytest
from openpyxl import load_workbook

from shop_orders.domain import messages
from shop_orders.services import exporting, orders
from shop_orders.services.importing import runner
from tests.factories import apply, ctx, make_order


@pytest.fixture
def shop(db):
    a = make_order(db)
    b = make_order(db, channel="wechat", channel_order_no="WX-1")
    apply(db, orders.record_payment, a, 10000)
    apply(db, orders.transition, b, "cancelled", context=ctx(reason="buyer asked"))
    return a, b


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_a_chinese_export_names_sheets_headers_statuses_channels_and_the_trail_in_chinese(db, shop, tmp_path):
    path = tmp_path / "zh.xlsx"
    result = exporting.export(db, path, lang="zh_CN")
    assert result.lang == "zh_CN"
    wb = load_workbook(path)
    assert wb.sheetnames == ["订单", "商品明细", "工单", "汇总", "审计记录"]
    orders_rows = _rows(wb["订单"])
    header = orders_rows[0]
    assert header[:5] == ["订单", "渠道", "渠道订单号", "状态", "状态代码"]
    by_no = {r[2]: dict(zip(header, r, strict=True)) for r in orders_rows[1:]}
    assert by_no["WX-1"]["渠道"] == "微信小程序" and by_no["WX-1"]["状态"] == "已取消"
    assert by_no["WX-1"]["状态代码"] == "cancelled"  # the code stays machine-readable
    assert _rows(wb["商品明细"])[0] == ["订单", "行号", "SKU", "商品", "数量", "单价", "已发"]
    summary = [r[0] for r in _rows(wb["汇总"])[1:]]
    assert "状态：已取消" in summary and "渠道：微信小程序" in summary
    audit = _rows(wb["审计记录"])
    assert audit[0] == ["#", "时间", "操作人", "来源", "订单", "操作", "字段", "原值", "新值", "原因", "审批人"]
    cancel = next(r for r in audit[1:] if r[4] == shop[1] and r[7] is not None and r[6] == "状态")
    assert cancel[3] == "手动" and cancel[5] == "状态" and cancel[7] == "待付款" and cancel[8] == "已取消"
    assert cancel[9] == "buyer asked"
    created = next(r for r in audit[1:] if r[4] == shop[1] and r[5] == "创建")
    assert created[8].startswith("创建为 微信小程序 WX-1；待付款；")


def test_the_default_language_is_the_messages_language_and_english_reads_in_english(db, shop, tmp_path):
    messages.set_language("zh_CN")
    exporting.export(db, tmp_path / "default.xlsx")
    assert load_workbook(tmp_path / "default.xlsx").sheetnames[0] == "订单"
    exporting.export(db, tmp_path / "en.xlsx", lang="en")
    wb = load_workbook(tmp_path / "en.xlsx")
    assert wb.sheetnames == ["Orders", "Lines", "Tickets", "Summary", "Audit trail"]
    audit = _rows(wb["Audit trail"])
    cancel = next(r for r in audit[1:] if r[4] == shop[1] and r[6] == "status" and r[7] is not None)
    assert cancel[3] == "by hand" and cancel[7] == "Awaiting payment" and cancel[8] == "Cancelled"
    payment = next(r for r in audit[1:] if r[4] == shop[0] and r[5] == "payment")
    assert payment[6] == "paid amount"
    orders_rows = _rows(wb["Orders"])
    assert {r[1] for r in orders_rows[1:]} == {"Taobao", "WeChat mini-program"}


@pytest.mark.parametrize("lang,name,note", [
    ("en", "Audit trail", "The audit trail continues on {n} sheets"),
    ("zh_CN", "审计记录", "审计记录共分 {n} 个工作表"),
])
def test_a_table_longer_than_a_sheet_continues_on_the_next_and_the_summary_says_so(
        db, shop, tmp_path, monkeypatch, lang, name, note):
    monkeypatch.setattr(exporting, "MAX_ROWS", 3)  # a header and two rows per sheet
    for _ in range(3):
        make_order(db)
    path = tmp_path / "long.xlsx"
    result = exporting.export(db, path, lang=lang)
    wb = load_workbook(path)
    audit_sheets = [n for n in wb.sheetnames if n.startswith(name)]
    n_audit = -(-result.events // 2)
    assert audit_sheets == [name] + [f"{name} ({i})" for i in range(2, n_audit + 1)]
    orders_name, summary_name = ("Orders", "Summary") if lang == "en" else ("订单", "汇总")
    assert wb.sheetnames[:3] == [orders_name, f"{orders_name} (2)", f"{orders_name} (3)"]
    # every table's sheets side by side, in the order Orders, Lines, Tickets, Summary, Audit trail
    bases = [n.split(" (")[0] for n in wb.sheetnames]
    blocks = [b for i, b in enumerate(bases) if i == 0 or bases[i - 1] != b]
    assert blocks == [orders_name, "Lines" if lang == "en" else "商品明细", "Tickets" if lang == "en" else "工单",
                      summary_name, name]
    rows = []
    for sheet in audit_sheets:
        ws = wb[sheet]
        got = _rows(ws)
        assert 1 < len(got) <= 3 and got[0] == _rows(wb[name])[0]  # the header on every sheet
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:K{len(got)}"
        rows += got[1:]
    assert len(rows) == result.events and [r[0] for r in rows] == sorted(r[0] for r in rows)
    orders_rows = sum(len(_rows(wb[n])) - 1 for n in wb.sheetnames if n.startswith(orders_name))
    assert orders_rows == result.orders == 5
    summary = [r[0] for n in wb.sheetnames if n.startswith(summary_name) for r in _rows(wb[n])]
    assert note.format(n=n_audit) in summary
    assert any(s and ("orders continue on 3 sheets" in s or "订单共分 3 个工作表" in s) for s in summary)


def test_money_and_dates_keep_their_formats_on_a_continued_sheet(db, shop, tmp_path, monkeypatch):
    monkeypatch.setattr(exporting, "MAX_ROWS", 2)
    path = tmp_path / "formats.xlsx"
    exporting.export(db, path, with_lines=False, with_audit=False)
    ws = load_workbook(path)["Orders (2)"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    assert row["Total"].number_format == "#,##0.00" and row["Created"].number_format == "yyyy-mm-dd hh:mm"
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_reimporting_our_export_in_either_language_changes_nothing(db, shop, tmp_path, lang):
    path = tmp_path / f"books-{lang}.xlsx"
    exporting.export(db, path, lang=lang)
    plan = runner.prepare(db, path)
    assert plan.profile.code == "shoporders" and not plan.problems and not plan.refused
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 2)
    result = runner.apply(db, ctx(source=f"import:{path.name}"), plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
