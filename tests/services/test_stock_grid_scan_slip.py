"""Stock where the other screens use it, on SQLite and PostgreSQL: the grid's "short only" filter,
its count beside the filters and each row's missing text (read for the page's ids); a scan of any
of an SKU's catalogue barcodes counts as that SKU at the station (and is never taken for a tracking
number); a short order is refused saying what is missing; the packing slip names each line's shelf."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.scanning import ScanLine, ScanOrder, is_item_code, match_item
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import orders, scanning, slips, stock
from shop_orders.services.browse import OrderBrowser
from shop_orders.services.scanning import ScanRefused
from shop_orders.store import grid
from tests import factories
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual", "delivery")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def run(db, fn, *args, at=T0, **kw):
    return factories.run(db, fn, *args, clock=lambda: at, **kw)


def paid(db, at: datetime, lines) -> str:
    ls = [orders.LineDraft(sku, f"title {sku}", qty, 1000) for sku, qty in lines]
    total = sum(q * 1000 for _, q in lines)
    d = draft(status=Status.AWAITING_SHIPMENT, paid_minor=total, total_minor=total, created_at=at, paid_at=at, lines=ls)
    return run(db, lambda uow: orders.create_order(uow, OWNER, d).order_no, at=at)


@pytest.fixture
def shelf(db):
    """TEA (3 on hand, shelf A-01, barcodes 6901234567892 and SHOP-T) and CUP (1, B-07); four paid
    orders: the first two are served, the third is short of 1 TEA, the fourth of 2 TEA and 1 CUP."""
    run(db, stock.add_sku, OWNER, "TEA", "Longjing 250 g", location="A-01", barcodes=("6901234567892", "SHOP-T"))
    run(db, stock.add_sku, OWNER, "CUP", "Glass cup", location="B-07")
    run(db, stock.receive, OWNER, "TEA", 3, "first delivery")
    run(db, stock.receive, OWNER, "CUP", 1, "first delivery")
    nos = [paid(db, T0 + timedelta(hours=1), [("TEA", 1)]),
           paid(db, T0 + timedelta(hours=2), [("TEA", 1), ("CUP", 1)]),
           paid(db, T0 + timedelta(hours=3), [("TEA", 2)]),
           paid(db, T0 + timedelta(hours=4), [("TEA", 2), ("CUP", 1)])]
    return db, nos


def test_the_grid_filters_short_orders_counts_them_and_says_what_each_misses(shelf):
    db, nos = shelf
    q = GridQuery(short_only=True, sort="created_at", descending=False)
    with db.read_session() as s:
        total = grid.count(s, q)
        assert [r.order_no for r in grid.window(s, q, 0, 10, total)] == nos[2:]
        assert grid.count(s, GridQuery()) == 4
        f = grid.facets(s, Thresholds(), T0 + timedelta(days=1))
    assert f.short == 2
    browser = OrderBrowser(db)
    rows = {r.order_no: r.short for r in browser.window(GridQuery(sort="created_at"), 0, 10, None)}
    assert rows == {nos[0]: "", nos[1]: "", nos[2]: "1 × TEA", nos[3]: "1 × CUP, 2 × TEA"}
    assert browser.detail(nos[3]).short == "1 × CUP, 2 × TEA" and browser.detail(nos[0]).short == ""
    # the short filter combines with the others (AND) and the flag clears by itself on receipt
    with db.read_session() as s:
        assert grid.count(s, GridQuery(short_only=True, statuses=(Status.SHIPPED,))) == 0
    run(db, stock.receive, OWNER, "TEA", 4, "supplier delivery", at=T0 + timedelta(hours=5))
    with db.read_session() as s:
        assert [r.order_no for r in grid.window(s, q, 0, 10, None)] == [nos[3]]
    assert browser.row(browser.window(q, 0, 1, None)[0].id).short == "1 × CUP"


def test_a_scan_of_any_catalogue_barcode_counts_as_its_sku(shelf, tmp_path):
    db, nos = shelf
    with db.read_session() as s:
        order = scanning.find_order(s, nos[0])
    assert order.lines[0].codes == ("6901234567892", "SHOP-T")
    assert match_item(order, {}, " 6901234567892\r\n") == 1  # the box's EAN-13, as a scanner sends it
    assert match_item(order, {}, "shop-t") == 1 and is_item_code(order, "SHOP-T") and is_item_code(order, "tea")
    with pytest.raises(ScanRefused) as refused:
        match_item(order, {1: 1}, "6901234567892")  # one TEA is all the order wants
    assert refused.value.kind == "too_many"
    with pytest.raises(ScanRefused) as refused:
        match_item(order, {}, "6909999999999")
    assert refused.value.kind == "wrong_item"
    from shop_orders.services.context import AppContext

    session = scanning.ScanSession(AppContext(db, tmp_path, tmp_path / "b", SCAN.actor))
    session.scan(nos[0], "SF")
    done = session.scan("6901234567892", "SF")
    assert done.kind == scanning.COMPLETE
    # the box's barcode is an item of this shop, never the parcel's tracking number
    with pytest.raises(ScanRefused) as refused:
        session.ship("SF", "6901234567892")
    assert refused.value.kind in ("tracking_is_item", "too_many")
    shipped = session.scan("SF1234567890123", "SF")
    assert shipped.kind == scanning.SHIPPED


def test_codes_of_a_line_without_a_catalogue_entry_are_its_sku_alone():
    order = ScanOrder(1, "SO-1", "taobao", "1", "awaiting_shipment", "", "", "",
                      (ScanLine(1, "MUG", "mug", 1, 0), ScanLine(2, "TEA", "tea", 1, 0, ("690",))))
    assert match_item(order, {}, "mug") == 1 and match_item(order, {}, "690") == 2
    assert not is_item_code(order, "69") and not is_item_code(order, "")


def test_the_station_refuses_a_short_order_saying_what_is_missing(shelf):
    db, nos = shelf
    with db.read_session() as s, pytest.raises(ScanRefused) as refused:
        scanning.find_order(s, nos[3])
    assert refused.value.kind == "short"
    assert str(refused.value) == (f"Stop: order {nos[3]} is short of stock (1 × CUP, 2 × TEA); do not send it until "
                                  "the stock arrives.")


def test_the_packing_slip_names_the_shelf_of_each_line(shelf, qapp):
    db, nos = shelf
    no = paid(db, T0 + timedelta(hours=6), [("CUP", 1), ("NOT-STOCKED", 1), ("TEA", 1)])
    [slip] = slips.load_slips(db, [no])
    assert [(li.sku, li.location) for li in slip.lines] == [("CUP", "B-07"), ("NOT-STOCKED", ""), ("TEA", "A-01")]
    with db.read_session() as s:
        from sqlalchemy import select

        from shop_orders.store.models import Order

        oid = s.execute(select(Order.id).where(Order.order_no == no)).scalar_one()
    [again] = slips.load_slips_by_id(db, [oid])
    assert again.lines == slip.lines
    from shop_orders.adapters import slip_painting

    [page] = slip_painting.render_images(slip, dpi=150)
    assert page.width() > 0  # drawn with the shelf in front of the title
