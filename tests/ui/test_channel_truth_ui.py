"""What real channel files say, as the window shows it (pytest-qt, offscreen): an order whose file
gave no amounts shows — in the grid and the detail, never 0.00; a flagged order shows its flag; the
detail lists the payment and the refund with their source, in English and Chinese."""

from __future__ import annotations

from pathlib import Path

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.services.importing import runner
from shop_orders.ui.order_model import COLUMNS
from tests.ui.conftest import settle

REAL = Path(__file__).resolve().parents[1] / "real" / "exports"


def _import(db, name: str, **kw) -> None:
    plan = runner.prepare(db, REAL / name, **kw)
    runner.apply(db, ChangeContext(Actor("olivia", "owner"), f"import:{name}"), plan)


def _select(qtbot, w, number: str):
    row = next(r for r in range(w.model.rowCount()) if w.model.index(r, 3).data() == number)
    w.view.selectRow(row)
    qtbot.waitUntil(lambda: w.detail.detail is not None and w.detail.detail.order.channel_order_no == number,
                    timeout=5000)
    return row


def test_unknown_amounts_show_a_dash_and_a_refund_shows_beside_its_payment(qtbot, make_window, sqlite_db):
    _import(sqlite_db, "amazon-in-pending-pickup-2025.txt")
    _import(sqlite_db, "tmall-global-orders-2022.xlsx")
    w = make_window()
    settle(qtbot, w)
    row = _select(qtbot, w, "403-7089694-1230741")
    keys = [c[0] for c in COLUMNS]
    assert w.model.index(row, keys.index("total")).data() == "— INR"
    assert w.model.index(row, keys.index("paid")).data() == "—"
    assert w.detail.fields["money"].text().startswith("— / — INR")
    _select(qtbot, w, "2891363652368332658")  # completed, 234.00 received, 208.69 refunded
    p = w.detail.payments
    assert [p.item(r, 1).text() for r in range(p.rowCount())] == ["234.00", "refund 208.69"]
    assert p.item(1, 3).text() == "import: tmall-global-orders-2022.xlsx"
    assert w.detail.fields["money"].text() == "234.00 / 25.31 CNY"


def test_a_flagged_order_shows_its_flag_in_chinese(qtbot, make_window, sqlite_db, tmp_path):
    path = tmp_path / "jd.csv"
    path.write_text("订单号,商品名称,订购数量,下单时间,应付金额,订单状态,付款确认时间\n"
                    "11800000001,紫砂壶,1,2026-11-20 10:00:00,199.00,(锁定)等待出库,2026-11-20 10:01:00\n",
                    encoding="utf-8")
    plan = runner.prepare(sqlite_db, path)
    runner.apply(sqlite_db, ChangeContext(Actor("olivia", "owner"), "import:jd.csv"), plan)
    w = make_window(lang="zh_CN")
    settle(qtbot, w)
    row = _select(qtbot, w, "11800000001")
    keys = [c[0] for c in COLUMNS]
    assert w.model.index(row, keys.index("status")).data() == "待发货  ⚑"
    assert "渠道已锁定：请勿发货" in w.detail.fields["status"].text()
