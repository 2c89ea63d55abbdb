"""Issue 11 item 7: a re-import never undoes, repeats or invents a payment or refund recorded in
the store (services/importing/plan.py new_payment), on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import select

from shop_orders.services import orders
from shop_orders.services.importing import runner
from shop_orders.store.models import Order, Payment
from tests import channel_files as cf
from tests.factories import apply, ctx

NO = "3099999999999999999"


def taobao(tmp_path, paid: str, total: str = "100.00", name: str = "tb.csv"):
    h = cf.TAOBAO_HEADER
    return cf.write_csv(tmp_path / name, [h, cf.row_for(
        h, **{"订单编号": NO, "买家会员名": "tb_小明", "总金额": total, "买家实际支付金额": paid,
              "订单状态": "买家已付款，等待卖家发货", "收货人姓名": "王伟", "收货地址": "杭州市 文三路1号",
              "联系手机": "13800138000", "订单创建时间": "2026-11-20 10:00:00", "宝贝标题": "龙井",
              "宝贝总数量": "1"})])


def do_import(db, path):
    plan = runner.prepare(db, path)
    assert not plan.problems, plan.problems
    return plan, runner.apply(db, ctx("alice", source=f"import:{path.name}"), plan)


def money(db):
    with db.read_session() as s:
        order = s.execute(select(Order).where(Order.channel_order_no == NO)).scalar_one()
        payments = [p.amount_minor for p in s.execute(select(Payment).where(Payment.order_id == order.id)
                                                      .order_by(Payment.id)).scalars()]
        return order.order_no, order.paid_minor, payments


def test_reimport_after_a_full_refund_adds_no_phantom_payment(db, tmp_path):
    f = taobao(tmp_path, "100.00")
    do_import(db, f)
    order_no, _, _ = money(db)
    apply(db, orders.record_payment, order_no, -10000, method="alipay")  # refunded in the store
    plan, result = do_import(db, f)
    assert not plan.updates and result.updated == 0
    assert money(db)[1:] == (0, [10000, -10000])


@pytest.mark.parametrize("refund", [3000, 9999, 1])
def test_reimport_after_a_partial_refund_keeps_the_refund(db, tmp_path, refund):
    f = taobao(tmp_path, "100.00")
    do_import(db, f)
    order_no, _, _ = money(db)
    apply(db, orders.record_payment, order_no, -refund)
    do_import(db, f)
    do_import(db, f)  # twice: nothing repeated either
    assert money(db)[1:] == (10000 - refund, [10000, -refund])


def test_reimport_showing_less_paid_never_invents_a_refund(db, tmp_path):
    do_import(db, taobao(tmp_path, "100.00"))
    plan, result = do_import(db, taobao(tmp_path, "60.00", name="later.csv"))
    assert result.updated == 0
    assert money(db)[1:] == (10000, [10000])


def test_a_genuinely_new_payment_on_the_channel_is_still_imported_after_a_refund(db, tmp_path):
    do_import(db, taobao(tmp_path, "40.00"))
    order_no, _, _ = money(db)
    apply(db, orders.record_payment, order_no, -1000)  # 10.00 refunded here
    plan, result = do_import(db, taobao(tmp_path, "100.00", name="paid-in-full.csv"))
    assert result.updated == 1
    # 60.00 more was paid on the channel; the local refund stays
    assert money(db)[1:] == (9000, [4000, -1000, 6000])
    do_import(db, taobao(tmp_path, "100.00", name="paid-in-full.csv"))
    assert money(db)[1:] == (9000, [4000, -1000, 6000])
