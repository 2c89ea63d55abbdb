"""Importing channel exports end to end on SQLite and PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop_orders.adapters import readers
from shop_orders.domain.replay import describe_created
from shop_orders.services import orders, settings
from shop_orders.services.importing import plan as plan_mod
from shop_orders.services.importing import runner
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit, queries
from shop_orders.store.models import AuditEvent, Order
from tests import channel_files as cf
from tests.factories import apply, ctx

ROOT = Path(__file__).resolve().parents[2]
IMPORT = ctx("alice", source="import:test")


@pytest.fixture(autouse=True)
def shanghai(db):
    with UnitOfWork(db) as uow:
        settings.set_timezone(uow, ctx(), "Asia/Shanghai")
        uow.commit()


def do_import(db, path, channel="auto", **kw):
    plan = runner.prepare(db, path, channel)
    return plan, runner.apply(db, ctx("alice", source=f"import:{path.name}"), plan, **kw)


def all_orders(db):
    with db.read_session() as s:
        return {r["channel_order_no"]: r for r in queries.iter_orders(s, queries.OrderFilter())}


def taobao_file(tmp_path, name="taobao.csv", encoding="gb18030", status="买家已付款，等待卖家发货", extra_rows=()):
    h = cf.TAOBAO_HEADER
    rows = [["淘宝卖家中心 订单导出 2026-11-20"], ["说明：金额单位为元"],
            [f"{c}\t " if i == 0 else c for i, c in enumerate(h)],  # a header with a trailing tab
            cf.row_for(h, **{"订单编号": '="3012345678901234567"', "买家会员名": "tb_小明", "总金额": "￥1,234.50",
                             "买家实际支付金额": "1234.50", "订单状态": status, "收货人姓名": "王伟",
                             "收货地址": "浙江省 杭州市 西湖区 文三路1号", "联系手机": "'13800138000",
                             "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "西湖龙井 250g", "宝贝总数量": "1",
                             "物流单号": "-", "物流公司": "null"}),
            cf.row_for(h, **{"订单编号": "\t0012345678901234568", "买家会员名": "tb_小红", "总金额": "88",
                             "买家实际支付金额": "0", "订单状态": "等待买家付款", "收货人姓名": "李娜",
                             "收货地址": "上海市 浦东新区", "联系手机": "13900139000",
                             "订单创建时间": "2026/11/21 09:15", "宝贝标题": "普洱茶饼", "宝贝总数量": "2"}),
            *extra_rows,
            ["合计", "", "", "1322.50"]]
    return cf.write_csv(tmp_path / name, rows, encoding=encoding)


def test_a_taobao_gbk_export_with_title_rows_and_totals_is_recognised_and_imported(db, tmp_path):
    plan, result = do_import(db, taobao_file(tmp_path))
    assert plan.profile.code == "taobao" and plan.header_row == 3
    assert (result.created, result.updated) == (2, 0)
    got = all_orders(db)
    a = got["3012345678901234567"]
    assert (a["status"], a["total_minor"], a["paid_minor"], a["phone"]) == ("awaiting_shipment", 123450, 123450, "13800138000")
    assert a["created_at"].hour == 2  # 10:00 in Shanghai
    b = got["0012345678901234568"]  # leading zeros kept
    assert (b["status"], b["paid_minor"]) == ("awaiting_payment", 0)


def test_importing_the_same_file_twice_creates_nothing_the_second_time(db, tmp_path):
    f = taobao_file(tmp_path)
    do_import(db, f)
    with db.read_session() as s:
        events = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    plan, result = do_import(db, f)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    with db.read_session() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events


def test_a_newer_export_moves_orders_forward_through_the_services_with_the_file_as_source(db, tmp_path):
    do_import(db, taobao_file(tmp_path))
    newer = taobao_file(tmp_path, "taobao-later.csv", status="卖家已发货，等待买家确认")
    plan, result = do_import(db, newer)
    assert result.updated == 1
    o = all_orders(db)["3012345678901234567"]
    assert o["status"] == "shipped"
    with db.read_session() as s:
        history = queries.order_history(s, o["id"])
    ev = next(e for e in history if e.field == "status")
    assert (ev.field, ev.old, ev.new, ev.source) == ("status", "awaiting_shipment", "shipped", "import:taobao-later.csv")
    parcel = next(e for e in history if e.field == "shipped_qty")  # its parcel, for the tracking sync
    assert (parcel.action, parcel.old, parcel.new, parcel.source) == ("ship", "0", "1", "import:taobao-later.csv")


def test_a_file_never_moves_an_order_backwards_over_a_newer_local_change(db, tmp_path):
    do_import(db, taobao_file(tmp_path))
    no = all_orders(db)["3012345678901234567"]["order_no"]
    apply(db, orders.ship, no, courier="顺丰速运", tracking_no="SF100", context=ctx("clerk", source="scan"))
    plan, result = do_import(db, taobao_file(tmp_path, "old-again.csv"))
    assert result.refused == 1 and "was not applied" in str(plan.refused[0])
    assert all_orders(db)["3012345678901234567"]["status"] == "shipped"


def test_every_problem_names_file_row_and_column_and_nothing_is_written(db, tmp_path):
    bad = cf.row_for(cf.TAOBAO_HEADER, **{"订单编号": "3.01234567890123E+18", "订单状态": "交易成功",
                                         "订单创建时间": "2026-11-20 10:00:00"})
    worse = cf.row_for(cf.TAOBAO_HEADER, **{"订单编号": "3012345678901239999", "订单状态": "火星状态",
                                           "总金额": "12.3.4", "订单创建时间": "2026-11-20 10:00:00"})
    f = taobao_file(tmp_path, extra_rows=[bad, worse])
    plan = runner.prepare(db, f)
    messages = [str(p) for p in plan.problems]
    assert "taobao.csv, row 6, column 订单编号: '3.01234567890123E+18' was turned into a number by Excel" in messages[0]
    assert any("row 7, column 订单状态: unknown order status '火星状态'" in m for m in messages)
    assert any("row 7, column 总金额: '12.3.4' is not an amount" in m for m in messages)
    with pytest.raises(runner.ImportFileError, match="nothing was imported"):
        runner.apply(db, IMPORT, plan)
    assert all_orders(db) == {}
    result = runner.apply(db, IMPORT, plan, skip_invalid=True)  # the user chose to skip invalid rows
    assert result.created == 2 and set(all_orders(db)) == {"3012345678901234567", "0012345678901234568"}


def test_cancelling_an_import_leaves_the_store_exactly_as_before(db, tmp_path):
    plan = runner.prepare(db, taobao_file(tmp_path))
    with pytest.raises(runner.ImportCancelled):
        runner.apply(db, IMPORT, plan, cancelled=lambda: True)
    assert all_orders(db) == {}


def test_cancelling_the_check_of_a_large_file_stops_at_the_next_block(db, tmp_path):
    h = cf.JD_HEADER
    rows = [h] + [cf.row_for(h, **{"订单号": f"7{i:08d}", "订单状态": "等待出库", "下单时间": "2026-11-20 08:00:00"})
                  for i in range(5 * plan_mod.BLOCK)]
    path = cf.write_csv(tmp_path / "jd-big.csv", rows)
    reports = []
    with pytest.raises(runner.ImportCancelled, match="cancelled; nothing was written"):
        runner.prepare(db, path, progress=lambda *a: reports.append(a), cancelled=lambda: len(reports) >= 3)
    assert reports[-1][0] == "check" and reports[-1][1] <= 2 * plan_mod.BLOCK
    assert all_orders(db) == {}


def test_jd_xlsx_one_row_per_line_item_is_grouped_into_orders_with_lines(db, tmp_path):
    h = cf.JD_HEADER
    rows = [["京东商家后台 订单导出"], h,
            cf.row_for(h, **{"订单号": "300001", "商品ID": "1001", "商品名称": "龙井", "订购数量": 2, "京东价": 168,
                             "订单金额": 375, "应付金额": 375, "订单状态": "等待出库", "下单帐号": "jd_buyer",
                             "客户姓名": "张三", "客户地址": "北京市朝阳区", "联系电话": "13700000000",
                             "下单时间": "2026-11-20 08:00:00"}),
            cf.row_for(h, **{"订单号": "300001", "商品ID": "1002", "商品名称": "茶杯", "订购数量": 1, "京东价": 39}),
            cf.row_for(h, **{"订单号": "300002", "商品ID": "1001", "商品名称": "龙井", "订购数量": 1, "京东价": 168,
                             "订单金额": 168, "应付金额": 168, "订单状态": "完成", "下单账号": "x",
                             "下单时间": "2026-11-19 08:00:00"})]
    plan, result = do_import(db, cf.write_xlsx(tmp_path / "jd.xlsx", rows, merge_title=True))
    assert plan.profile.code == "jd" and result.created == 2
    with db.read_session() as s:
        o = queries.order_detail(s, all_orders(db)["300001"]["order_no"])
        assert [(li.sku, li.qty, li.unit_price_minor) for li in o.lines] == [("1001", 2, 16800), ("1002", 1, 3900)]
        assert (o.status, o.total_minor, o.buyer) == ("awaiting_shipment", 37500, "jd_buyer")


@pytest.mark.parametrize("profile,build", [
    ("pinduoduo", lambda t: cf.write_csv(t / "pdd.csv", [cf.PDD_HEADER, cf.row_for(
        cf.PDD_HEADER, **{"商品": "龙井", "订单号": "231120-123456789012345", "订单状态": "已发货，待签收",
                          "商品总价(元)": "99.00", "用户实付金额(元)": "89.00", "商品数量(件)": "1", "收货人": "王五",
                          "手机": "13600000000", "省": "广东省", "市": "深圳市", "区": "南山区", "街道": "科技园1号",
                          "订单成交时间": "2026-11-20 12:00:00", "快递单号": "YT1234567890123", "快递公司": "圆通速递"})])),
    ("douyin", lambda t: cf.write_xlsx(t / "douyin.xlsx", [cf.DOUYIN_HEADER, cf.row_for(
        cf.DOUYIN_HEADER, **{"主订单编号": "6912345678901234567", "子订单编号": "6912345678901234568", "选购商品": "蜂蜜",
                             "商品数量": 1, "商品单价": "45.80", "订单应付金额": "45.80", "收件人": "赵六",
                             "收件人手机号": "13500000000", "省": "四川省", "市": "成都市", "区": "武侯区",
                             "详细地址": "人民南路", "订单提交时间": "2026-11-21 20:00:00", "订单状态": "备货中"})])),
    ("youzan", lambda t: cf.write_csv(t / "youzan.csv", [cf.YOUZAN_HEADER, cf.row_for(
        cf.YOUZAN_HEADER, **{"订单号": "E20261120000000001", "订单状态": "交易成功", "下单时间": "2026-11-20 09:00:00",
                             "商品名称": "丝巾", "单价": "199", "数量": "1", "订单实付金额": "199.00",
                             "收货人/提货人": "钱七", "收货人手机号/提货人手机号": "13400000000",
                             "收货人省份": "江苏省", "收货人城市": "南京市", "收货人地区": "鼓楼区",
                             "详细收货地址/提货地址": "中山路1号"})])),
    ("shopify", lambda t: cf.write_csv(t / "orders_export.csv", [cf.SHOPIFY_HEADER, cf.row_for(
        cf.SHOPIFY_HEADER, **{"Name": "#1001", "Email": "ann@example.com", "Financial Status": "paid",
                              "Fulfillment Status": "unfulfilled", "Currency": "GBP", "Total": "37.00",
                              "Created at": "2026-11-20 10:23:45 +0000", "Lineitem quantity": "2",
                              "Lineitem name": "Earl Grey", "Lineitem price": "12.00", "Lineitem sku": "TEA-EG",
                              "Shipping Name": "Ann Lee", "Shipping Street": "1 High Street", "Shipping City": "Leeds",
                              "Shipping Zip": "LS1 1AA", "Shipping Country": "GB", "Shipping Phone": "+44 7700 900000"}),
        cf.row_for(cf.SHOPIFY_HEADER, **{"Name": "#1001", "Lineitem quantity": "1", "Lineitem name": "Cup",
                                         "Lineitem price": "13.00", "Lineitem sku": "CUP"})])),
    ("woocommerce", lambda t: cf.write_csv(t / "woo.csv", [cf.WOO_HEADER, cf.row_for(
        cf.WOO_HEADER, **{"Order Number": "10042", "Order Status": "Processing", "Order Date": "2026-11-20 11:00",
                          "Email (Billing)": "bob@example.com", "Phone (Billing)": "+44 7700 900001",
                          "Full Name (Shipping)": "Bob Ray", "Address 1&2 (Shipping)": "2 Mill Lane",
                          "City (Shipping)": "York", "Postcode (Shipping)": "YO1 1AA", "Country Code (Shipping)": "GB",
                          "Order Total Amount": "18.50", "Order Currency": "GBP", "SKU": "TEA-LJ",
                          "Item Name": "Longjing", "Quantity (- Refund)": "1", "Item Cost": "18.50"})])),
    ("amazon", lambda t: cf.write_csv(t / "amazon.txt", [cf.AMAZON_HEADER, cf.row_for(
        cf.AMAZON_HEADER, **{"amazon-order-id": "113-1234567-1234567", "purchase-date": "2026-11-20T10:00:00+00:00",
                             "order-status": "Unshipped", "product-name": "Tea set", "sku": "SET-6", "quantity": "1",
                             "currency": "USD", "item-price": "59.00", "ship-city": "Austin", "ship-country": "US"})],
        delimiter="\t")),
])
def test_each_built_in_channel_profile_is_recognised_from_its_header(db, tmp_path, profile, build):
    plan, result = do_import(db, build(tmp_path))
    assert plan.profile.code == profile and result.created == 1, [str(p) for p in plan.problems]
    [o] = all_orders(db).values()
    assert o["channel"] == profile and o["status"] in ("awaiting_shipment", "shipped", "completed")


def test_shopify_line_items_group_and_the_currency_comes_from_the_file(db, tmp_path):
    f = cf.write_csv(tmp_path / "s.csv", [cf.SHOPIFY_HEADER,
        cf.row_for(cf.SHOPIFY_HEADER, **{"Name": "#1001", "Financial Status": "partially_paid", "Currency": "EUR",
                                         "Total": "25.00", "Created at": "2026-11-20 10:23:45 +0000",
                                         "Lineitem quantity": "1", "Lineitem name": "A", "Lineitem price": "12.00"}),
        cf.row_for(cf.SHOPIFY_HEADER, **{"Name": "#1001", "Lineitem quantity": "1", "Lineitem name": "B",
                                         "Lineitem price": "13.00"})])
    do_import(db, f)
    o = all_orders(db)["#1001"]
    assert (o["currency"], o["total_minor"], o["status"]) == ("EUR", 2500, "partially_paid")


def test_an_unknown_file_layout_says_what_to_do(db, tmp_path):
    f = cf.write_csv(tmp_path / "mystery.csv", [["a", "b", "c"], ["1", "2", "3"]])
    with pytest.raises(runner.ImportFileError, match="no header row found.*Choose a profile or map the columns"):
        runner.prepare(db, f)


def test_a_custom_profile_saved_for_a_channel_is_used(db, tmp_path):
    from shop_orders.domain.status import Status
    from shop_orders.services.importing.profiles import Profile

    p = Profile("phone-sheet", "phone", "Phone orders sheet", {"channel_order_no": ("单号",), "buyer": ("客户",),
                "status": ("状态",), "created_at": ("日期",), "total": ("金额",)},
                {"已付": Status.AWAITING_SHIPMENT}, custom=True)
    with UnitOfWork(db) as uow:
        settings.save_custom_profile(uow, ctx(), p)
        uow.commit()
    f = cf.write_csv(tmp_path / "phone.csv", [["单号", "客户", "状态", "日期", "金额"], ["T1", "老王", "已付", "2026-11-20", "50"]])
    plan, result = do_import(db, f)
    assert plan.profile.code == "phone-sheet" and result.created == 1
    assert all_orders(db)["T1"]["channel"] == "phone"


def test_killing_the_process_mid_import_leaves_the_store_as_before(db, tmp_path, _isolated_home):
    h = cf.TAOBAO_HEADER
    rows = [h] + [cf.row_for(h, **{"订单编号": f"40000000000000{i:05d}", "订单状态": "交易成功", "总金额": "10",
                                   "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "茶", "宝贝总数量": "1"})
                  for i in range(30000)]
    f = cf.write_csv(tmp_path / "big.csv", rows)
    with db.read_session() as s:
        head_before = audit.lock_head(s)
    url = db.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOP_ORDERS_DB": url}
    proc = subprocess.Popen([sys.executable, "-m", "shop_orders", "import", str(f)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    with db.engine.connect() as c:  # wait until it is writing (its transaction holds the chain head)
        while time.time() < deadline and proc.poll() is None:
            if db.is_sqlite and os.path.exists(db.url.database + "-wal") and os.path.getsize(db.url.database + "-wal") > 200_000:
                break
            if not db.is_sqlite and c.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation WHERE t.relname = 'orders'"
                    " AND l.mode = 'RowExclusiveLock'").scalar():
                break
            time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert all_orders(db) == {}
    with db.read_session() as s:
        assert audit.lock_head(s) == head_before
        assert s.execute(select(func.count()).select_from(Order)).scalar_one() == 0


def test_bulk_creation_refuses_orders_that_appeared_meanwhile_and_writes_nothing(db, tmp_path):
    from datetime import UTC, datetime

    from shop_orders.domain.errors import DuplicateOrder

    d = orders.OrderDraft(channel="jd", channel_order_no="300001", created_at=datetime(2026, 11, 20, tzinfo=UTC))
    with UnitOfWork(db) as uow:
        orders.create_order(uow, ctx(), d)
        uow.commit()
    fresh = orders.OrderDraft(channel="jd", channel_order_no="300002", created_at=datetime(2026, 11, 20, tzinfo=UTC))
    with pytest.raises(DuplicateOrder, match="already exist"), UnitOfWork(db) as uow:
        orders.create_orders_bulk(uow, IMPORT, [fresh, d])
        uow.commit()
    assert set(all_orders(db)) == {"300001"}


def test_a_large_line_item_file_groups_orders_across_conversion_blocks_and_keeps_row_numbers(db, tmp_path):
    h = cf.JD_HEADER
    rows = [h]
    n_orders = plan_mod.BLOCK  # three rows per order: orders straddle every block boundary
    for i in range(n_orders):
        for k in range(3):
            first = k == 0
            rows.append(cf.row_for(h, **{"订单号": f"9{i:08d}", "商品ID": f"S{k}", "商品名称": f"茶 {k}", "订购数量": 1,
                                         "京东价": "10.00", **({"订单金额": "30.00", "应付金额": "30.00",
                                                              "订单状态": "等待出库", "下单时间": "2026-11-20 08:00:00"}
                                                             if first else {})}))
    bad_row = 3 * 1500 + 2  # the first row of order 1500, in the third block; rows count from the header (1)
    rows[bad_row - 1][h.index("下单时间")] = "sometime"
    path = cf.write_csv(tmp_path / "jd-large.csv", rows)
    plan = runner.prepare(db, path)
    assert [(p.row, p.column) for p in plan.problems] == [(bad_row, "下单时间")]
    assert "'sometime' is not a date" in plan.problems[0].message
    assert len(plan.orders) == n_orders
    assert all([li.sku for li in o.lines] == ["S0", "S1", "S2"] for o in plan.orders)
    result = runner.apply(db, IMPORT, plan, skip_invalid=True)
    assert (result.created, result.skipped_invalid) == (n_orders - 1, 1)


def test_an_imported_paid_order_records_its_payment_in_the_creation_event(db, tmp_path):
    do_import(db, taobao_file(tmp_path))
    no = all_orders(db)["3012345678901234567"]["order_no"]
    with db.read_session() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.new, AuditEvent.source)
                           .where(AuditEvent.order_no == no)).all()
        detail = queries.order_detail(s, no)
    assert [(a, describe_created(new), src) for a, new, src in events] == [
        ("create", "created as Taobao 3012345678901234567; Awaiting shipment; 1234.50 CNY; paid 1234.50",
         "import:taobao.csv")]
    assert [(p.amount_minor, p.reference) for p in detail.payments] == [(123450, "import:taobao.csv")]


def test_a_sheet_whose_cells_start_right_of_column_a_is_read_from_a1(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "empty"  # the first sheet has no cells: the next one is read
    ws = wb.create_sheet("orders")
    ws["C3"], ws["D4"], ws["B6"] = "a", 1, "x"
    wb.save(tmp_path / "offset.xlsx")
    table = readers.read(tmp_path / "offset.xlsx")
    assert table.sheet == "orders"
    assert table.rows == [["", "", "", ""], ["", "", "", ""], ["", "", "a", ""], ["", "", "", 1.0],
                          ["", "", "", ""], ["", "x", "", ""]]
