"""`shop-orders import` through a subprocess: layouts that fit equally, unknown words, Chinese."""

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
