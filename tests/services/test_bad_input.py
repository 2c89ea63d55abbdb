"""Issue 11 item 6: bad input that leaked through (control characters in exports, amounts out of
range, preview != import, database errors echoing data, huge files read whole)."""

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shop_orders.services import exporting, orders
from shop_orders.services.importing import runner
from shop_orders.store.models import Order, OrderLine
from tests.factories import ctx, make_order

NASTY = "A\x0bB\x1bC\x01D\x1f_x0041_"


def test_control_characters_in_any_text_field_export_and_the_store_keeps_the_original(db, tmp_path):
    no = make_order(db, buyer="tb\x0b" + NASTY, recipient="王\x1b伟", address="杭州\x0b文三路\x0c1号",
                    courier="SF\x07", tracking_no="SF\x0b123", channel_order_no="CO\x1b1",
                    lines=[orders.LineDraft("SKU\x0b1", "茶\x1b叶", 1, 100)])
    path = tmp_path / "out.xlsx"
    result = exporting.export(db, path)
    assert result.orders == 1 and path.exists()
    wb = load_workbook(path)
    row = next(wb["Orders"].iter_rows(min_row=2, values_only=True))
    assert "_x000B_" in row[9] or "_x001B_" in row[9]  # escaped the way Excel writes them
    with db.read_session() as s:
        o = s.execute(select(Order).where(Order.order_no == no)).scalar_one()
        line = s.execute(select(OrderLine).where(OrderLine.order_id == o.id)).scalar_one()
        assert (o.buyer, o.recipient, o.address, o.courier, o.tracking_no, o.channel_order_no) == (
            "tb\x0b" + NASTY, "王\x1b伟", "杭州\x0b文三路\x0c1号", "SF\x07", "SF\x0b123", "CO\x1b1")
        assert (line.sku, line.title) == ("SKU\x0b1", "茶\x1b叶")
    # reading our export back gives the stored text: re-importing it changes nothing
    plan = runner.prepare(db, path)
    assert not plan.problems
    assert runner.apply(db, ctx(source="import:out.xlsx"), plan).updated == 0


def test_a_database_error_shows_one_sentence_without_sql_or_customer_data(db, caplog):
    import logging
    from datetime import UTC, datetime

    import pytest
    from sqlalchemy import insert

    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.errors import StoreError

    secret_phone, secret_name = "13912345678", "张秘密"
    make_order(db, channel_order_no="DUP-1")
    now = datetime(2026, 11, 20, tzinfo=UTC)
    caplog.set_level(logging.DEBUG)
    # a duplicate (channel, channel order no) straight into the table
    with pytest.raises(StoreError) as info, UnitOfWork(db) as uow:
        uow.session.execute(insert(Order).values(
            order_no="SO-X-1", channel="taobao", channel_order_no="DUP-1", buyer=secret_name,
            recipient=secret_name, phone=secret_phone, address="秘密路 1 号", currency="CNY",
            total_minor=1, paid_minor=0, status="awaiting_payment", created_at=now, updated_at=now, version=1))
        uow.commit()
    message = str(info.value)
    assert db.where in message and "nothing was written" in message
    assert len(message.splitlines()) == 1
    everything = message + "\n" + caplog.text
    for leaked in (secret_phone, secret_name, "秘密路", "DUP-1", "Key ("):
        assert leaked not in everything, leaked
    for sql in ("INSERT", "SELECT", "VALUES", "parameters"):
        assert sql not in message, sql
    assert "IntegrityError" in caplog.text  # the developer still learns what kind of error it was


def test_a_csv_with_more_rows_than_an_import_takes_is_refused_quickly_without_reading_it_whole(sqlite_db, tmp_path):
    import time
    import tracemalloc

    import pytest

    from shop_orders.adapters import safety

    path = tmp_path / "huge.csv"
    line = b"3012345678901234567,tb,100.00,13800138000\n"
    with open(path, "wb") as fh:
        fh.write(b"\xe8\xae\xa2\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7,buyer,paid,phone,time\n")
        block = line * 10_000
        for _ in range(safety.MAX_ROWS // 10_000 + 1):
            fh.write(block)
    size = path.stat().st_size
    assert size > 80 * 2**20
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(runner.ImportFileError) as info:
            runner.prepare(sqlite_db, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    message = str(info.value)
    assert "huge.csv" in message and "rows" in message and len(message.splitlines()) == 1
    assert peak < 16 * 2**20, f"{peak / 2**20:.1f} MB for a {size / 2**20:.0f} MB file"
    assert elapsed < 30
    print(f"refused a {size / 2**20:.0f} MB CSV in {elapsed:.2f} s, peak {peak / 2**20:.2f} MB traced")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(sqlite_db, tmp_path):
    import time

    import pytest

    from shop_orders.adapters import safety

    path = tmp_path / "sparse.csv"
    with open(path, "wb") as fh:  # sparse: takes no disk space
        fh.write(b"order,paid\n")
        fh.truncate(safety.MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(runner.ImportFileError, match="sparse.csv.*limit"):
        runner.prepare(sqlite_db, path)
    assert time.perf_counter() - started < 2


# ---- preview == import (issue 11 item 6c) ------------------------------------------------------

def _taobao(tmp_path, name, **cells):
    from tests import channel_files as cf

    h = cf.TAOBAO_HEADER
    base = {"订单编号": "3012345678901234567", "买家会员名": "tb_小明", "总金额": "100.00", "买家实际支付金额": "100.00",
            "订单状态": "买家已付款，等待卖家发货", "收货人姓名": "王伟", "收货地址": "杭州市 文三路1号",
            "联系手机": "13800138000", "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "龙井", "宝贝总数量": "1"}
    good = {**base, "订单编号": "3012345678901234599"}
    return cf.write_csv(tmp_path / name, [h, cf.row_for(h, **{**base, **cells}), cf.row_for(h, **good)])


def _douyin(tmp_path, name, **cells):
    from tests import channel_files as cf

    h = cf.DOUYIN_HEADER
    base = {"主订单编号": "6912345678901234567", "子订单编号": "6912345678901234568", "选购商品": "蜂蜜", "商品数量": 1,
            "商品单价": "45.80", "订单应付金额": "45.80", "收件人": "赵*", "收件人手机号": "138****5678", "省": "四川省",
            "市": "成都市", "区": "武侯区", "详细地址": "人民南路***", "订单提交时间": "2026-11-21 20:00:00",
            "订单状态": "备货中"}
    return cf.write_xlsx(tmp_path / name, [h, cf.row_for(h, **{**base, **cells})])


BAD_FILES = {
    "paid-1e30.csv": (_taobao, {"买家实际支付金额": "1e30"}, "买家实际支付金额"),
    "total-14-nines.csv": (_taobao, {"总金额": "99999999999999"}, "总金额"),
    "negative-total.csv": (_taobao, {"总金额": "-5.00"}, "总金额"),
    "negative-paid.csv": (_taobao, {"买家实际支付金额": "(3.00)"}, "买家实际支付金额"),
    "long-buyer.csv": (_taobao, {"买家会员名": "买" * 201}, "买家会员名"),
    "long-recipient.csv": (_taobao, {"收货人姓名": "王" * 250}, "收货人姓名"),
    "long-tracking.csv": (_taobao, {"物流单号": "SF" + "1" * 80}, "物流单号"),
    "huge-qty.csv": (_taobao, {"宝贝总数量": "99999999999"}, "宝贝总数量"),
    "negative-price.xlsx": (_douyin, {"商品单价": "-45.80"}, "商品单价"),
    "price-out-of-range.xlsx": (_douyin, {"商品单价": "1e20"}, "商品单价"),
    "qty-times-price.xlsx": (_douyin, {"商品数量": 900000, "商品单价": "9999999.99", "订单应付金额": ""}, "商品数量"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_the_dry_run_reports_exactly_the_problems_the_import_reports(db, tmp_path, name):
    build, cells, column = BAD_FILES[name]
    path = build(tmp_path, name, **cells)
    plan = runner.prepare(db, path)  # the preview, the dialog's preview and --dry-run
    assert plan.problems, f"{name}: the check found nothing"
    for p in plan.problems:
        text = str(p)
        assert text.startswith(f"{name}, row 2, column {column}: "), text
        assert len(text.splitlines()) == 1
    with pytest.raises(runner.ImportFileError) as info:  # the import refuses with the same list
        runner.apply(db, ctx(source=f"import:{name}"), plan)
    assert runner.describe_problems(plan) in str(info.value)
    assert "unexpected" not in str(info.value).lower()
    # the other orders import with --skip-invalid, without any error from the store
    result = runner.apply(db, ctx(source=f"import:{name}"), runner.prepare(db, path), skip_invalid=True)
    assert result.skipped_invalid == 1


@pytest.mark.parametrize("name,build", [("clean.csv", _taobao), ("douyin-masked.xlsx", _douyin)])
def test_a_file_that_checks_clean_imports_without_error_and_keeps_masked_data(db, tmp_path, name, build):
    path = build(tmp_path, name)
    plan = runner.prepare(db, path)
    assert not plan.problems
    result = runner.apply(db, ctx(source=f"import:{name}"), plan)
    assert result.created == len(plan.orders) and result.skipped_invalid == 0
    if build is _douyin:
        with db.read_session() as s:
            o = s.execute(select(Order).where(Order.channel_order_no == "6912345678901234567")).scalar_one()
            assert (o.phone, o.recipient) == ("138****5678", "赵*")  # stored as given
    # importing it again changes nothing
    again = runner.prepare(db, path)
    assert not again.problems and not again.updates and not again.creates
