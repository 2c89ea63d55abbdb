"""`shop-orders import` through a subprocess: layouts that fit equally, unknown words, Chinese, real files."""

import json
from pathlib import Path

from shop_orders.services import settings
from shop_orders.services.importing import layouts
from shop_orders.services.importing.profiles import Profile
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.open import open_database
from tests import channel_files as cf
from tests.cli.test_cli import assert_one_line_error, run
from tests.factories import ctx


def _jd(tmp_path, status="等待出库"):
    h = cf.JD_HEADER
    return cf.write_csv(tmp_path / "jd.csv", [h, cf.row_for(h, **{
        "订单号": "300001", "商品名称": "龙井", "订购数量": "1", "京东价": "168", "应付金额": "168", "订单状态": status,
        "下单时间": "2026-11-20 08:00:00"})])


def test_two_layouts_that_fit_equally_are_named_and_the_channel_option_chooses(tmp_path, _isolated_home):
    db = tmp_path / "s.sqlite3"
    run("init", db=db)
    database = open_database(db, data_dir=_isolated_home / "ShopOrders")
    with UnitOfWork(database) as uow:
        settings.save_custom_profile(uow, ctx(), Profile("custom-twin", "phone", "Twin sheet", dict(layouts.JD.columns),
                                                         dict(layouts.JD.statuses), custom=True))
        uow.commit()
    database.dispose()
    f = _jd(tmp_path)
    res = run("import", f, "--dry-run", db=db, check=False)
    assert_one_line_error(res)
    assert "fit more than one profile equally well" in res.stderr and "(jd)" in res.stderr and "(custom-twin)" in res.stderr
    out = run("import", f, "--channel", "jd", db=db).stdout
    assert "create 1" in out


def test_an_unknown_status_word_is_one_problem_naming_its_rows_and_nothing_is_written(tmp_path):
    db = tmp_path / "s.sqlite3"
    run("init", db=db)
    res = run("import", _jd(tmp_path, status="火星"), db=db, check=False)
    assert res.returncode == 1
    assert "jd.csv, row 2, column 订单状态: unknown order status '火星' (row 2)" in res.stderr
    assert run("orders", "--format", "json", db=db).stdout.strip() == "[\n]"


def test_real_files_a_near_match_the_chosen_channel_a_currency_and_show_listing_payment_and_refund(tmp_path):
    real = Path(__file__).resolve().parents[1] / "real" / "exports"
    db = tmp_path / "s.sqlite3"
    run("init", db=db)
    res = run("import", real / "tmall-order-report-2020.csv", db=db, check=False)
    assert_one_line_error(res)
    assert "looks like a Taobao/Tmall order report (订单报表) (7 of its columns); missing 订单状态, 买家会员名" in res.stderr
    assert "create 300" in run("import", real / "tmall-order-report-2020.csv", "--channel", "taobao", db=db).stdout
    assert "create 336" in run("import", real / "woocommerce-algolplus-za-2025-paid.csv", "--currency", "ZAR",
                               db=db).stdout
    run("import", real / "tmall-global-orders-2022.xlsx", db=db)
    rows = json.loads(run("orders", "--format", "json", "--channel", "taobao", db=db).stdout)
    out = run("show", next(r["id"] for r in rows if r["channel_order_no"] == "2891363652368332658"), db=db).stdout
    assert "total 234.00 CNY, paid 25.31" in out
    assert "payment 234.00 CNY at" in out and "refund 208.69 CNY at" in out and "import: tmall-global-orders-2022.xlsx" in out
    assert "received 234.00, refunded 208.69" in out  # the trail's creation event says both
    woo = json.loads(run("orders", "--format", "json", "--channel", "woocommerce", db=db).stdout)
    assert {o["currency"] for o in woo} == {"ZAR"}
