"""Roles hold through every door (issue 23 item 6), on SQLite and PostgreSQL: a customer-service
import does not ship or complete orders; a shipped status from a file gives its parcel to the
tracking sync; shipping by hand checks the tracking number as the scan-out does."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.services import auth, courier_accounts, orders, permissions, tracking, vault
from shop_orders.services.importing import runner
from shop_orders.services.uow import UnitOfWork
from shop_orders.services.verification import verify_store
from tests import channel_files as cf
from tests.factories import make_shippable, settled_user
from tests.services.test_importing import taobao_file

OLIVIA, SUE = Actor("olivia", "owner"), Actor("sue", "service")
SHIPPED = "卖家已发货，等待买家确认"


@pytest.fixture
def shop(db):
    with UnitOfWork(db) as uow:
        auth.create_user(uow, ChangeContext(OLIVIA), "olivia", "owner", "olivia-secret-1")
        uow.commit()
    settled_user(db, ChangeContext(OLIVIA), "sue", "service", "sue-secret-123")
    return db


def shipped_file(tmp_path, name="shipped.csv"):
    """A Taobao export whose first order has shipped, with its courier and tracking number."""
    h = cf.TAOBAO_HEADER
    row = cf.row_for(h, **{"订单编号": '="3012345678901234599"', "买家会员名": "tb_小明", "总金额": "99.00",
                           "买家实际支付金额": "99.00", "订单状态": SHIPPED, "收货人姓名": "王伟",
                           "收货地址": "浙江省 杭州市 西湖区 文三路1号", "联系手机": "13800138000",
                           "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "西湖龙井 250g", "宝贝总数量": "1",
                           "物流单号": "SF1400012345678", "物流公司": "顺丰速运"})
    return taobao_file(tmp_path, name=name, extra_rows=[row])


def _orders(db) -> dict[str, tuple[str, int]]:
    with db.engine.connect() as c:
        return {r[0]: (r[1], r[2]) for r in c.execute(text(
            "SELECT o.channel_order_no, o.status, (SELECT COUNT(*) FROM shipments s WHERE s.order_id = o.id) "
            "FROM orders o"))}


def test_a_customer_service_import_does_not_ship_and_a_manager_import_of_the_same_file_does(shop, tmp_path):
    path = shipped_file(tmp_path)
    plan = runner.prepare(shop, path, "auto", actor=SUE)  # the dry run and the import: one plan
    assert [o.channel_order_no for o in plan.creates] == ["3012345678901234567", "0012345678901234568"]
    assert len(plan.refused) == 1 and "3012345678901234599 is Shipped in the file and was not imported: a " \
        "Customer service import may not add shipped or completed orders" in str(plan.refused[0])
    runner.apply(shop, ChangeContext(SUE, "import:shipped.csv"), plan)
    assert "3012345678901234599" not in _orders(shop)
    later = runner.prepare(shop, path, "auto", actor=OLIVIA)  # someone who may imports it again
    assert not later.refused and [o.channel_order_no for o in later.creates] == ["3012345678901234599"]
    runner.apply(shop, ChangeContext(OLIVIA, "import:shipped.csv"), later)
    assert _orders(shop)["3012345678901234599"] == ("shipped", 1)
    assert verify_store(shop).ok


def test_a_customer_service_update_to_shipped_is_not_applied_and_the_service_refuses_it_too(shop, tmp_path):
    first = runner.prepare(shop, taobao_file(tmp_path), "auto", actor=SUE)
    runner.apply(shop, ChangeContext(SUE, "import:a.csv"), first)
    update = runner.prepare(shop, taobao_file(tmp_path, name="b.csv", status=SHIPPED), "auto", actor=SUE)
    assert any("the status was not applied: a Customer service import may not mark orders shipped" in str(p)
               for p in update.refused)
    runner.apply(shop, ChangeContext(SUE, "import:b.csv"), update)
    assert _orders(shop)["3012345678901234567"] == ("awaiting_shipment", 0)
    # a plan made for no one in particular: the write itself refuses
    blind = runner.prepare(shop, taobao_file(tmp_path, name="c.csv", status=SHIPPED), "auto")
    with pytest.raises(permissions.PermissionDenied, match="may not mark orders shipped or completed from a file"):
        runner.apply(shop, ChangeContext(SUE, "import:c.csv"), blind)
    assert _orders(shop)["3012345678901234567"] == ("awaiting_shipment", 0)


def test_a_shipped_status_from_a_file_gives_its_parcel_to_the_tracking_sync(shop, tmp_path):
    first = runner.prepare(shop, taobao_file(tmp_path), "auto", actor=OLIVIA)
    runner.apply(shop, ChangeContext(OLIVIA, "import:a.csv"), first)
    h = cf.TAOBAO_HEADER
    shipped = cf.row_for(h, **{"订单编号": '="3012345678901234567"', "买家会员名": "tb_小明", "总金额": "￥1,234.50",
                               "买家实际支付金额": "1234.50", "订单状态": SHIPPED, "收货人姓名": "王伟",
                               "收货地址": "浙江省 杭州市 西湖区 文三路1号", "联系手机": "'13800138000",
                               "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "西湖龙井 250g",
                               "宝贝总数量": "1", "物流单号": "YT8800012345678", "物流公司": "圆通速递"})
    path = cf.write_csv(tmp_path / "later.csv", [h, shipped], encoding="gb18030")
    runner.apply(shop, ChangeContext(OLIVIA, "import:later.csv"), runner.prepare(shop, path, "auto", actor=OLIVIA))
    with shop.engine.connect() as c:
        parcel = c.execute(text("SELECT s.courier, s.tracking_no, s.items FROM shipments s JOIN orders o "
                                "ON o.id = s.order_id WHERE o.channel_order_no = '3012345678901234567'")).one()
    assert parcel == ("圆通速递", "YT8800012345678", '{"1": 1}')
    with shop.read_session() as s:  # the sync asks the account for 圆通 about it
        due = tracking.parcels_to_check(s, ["圆通速递"])
    assert [(p.tracking_no, p.courier) for p in due] == [("YT8800012345678", "圆通速递")]
    assert verify_store(shop).ok


@pytest.mark.parametrize("number, words", [
    ("SF1234567890123", "is already on order"),  # the scan-out's "used" check
    ("ZZ12", "is not a tracking number"),  # plausibility
    ("YT9000000000000", "is not a SF tracking number"),  # the courier account's own pattern
])
def test_shipping_by_hand_checks_the_tracking_number_as_the_scan_out_does(shop, number, words):
    box = vault.open_vault(shop, lambda: "correct horse battery")
    with UnitOfWork(shop) as uow:
        courier_accounts.set_account(uow, ChangeContext(OLIVIA), box, "SF", "kuaidi100", "", "C1", "shunfeng",
                                     secret="k-1", pattern=r"SF\d{13}")
        uow.commit()
    first, second = make_shippable(shop), make_shippable(shop)
    by_hand = ChangeContext(OLIVIA, "manual", "customer collected the parcel at the counter")
    with UnitOfWork(shop) as uow:
        orders.ship(uow, by_hand, first, None, courier="SF", tracking_no="SF1234567890123")
        uow.commit()
    with pytest.raises(ShopOrdersError, match=words), UnitOfWork(shop) as uow:
        orders.ship(uow, by_hand, second, None, courier="SF", tracking_no=number)
    assert _orders(shop)  # nothing changed for the second order
    with shop.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM shipments")).scalar_one() == 1
