"""The browser's quick search on both backends, as the grid's workers call it: any part of a
name, phone, address, order, channel or tracking number; a refused search finds nothing."""

from shop_orders.domain.grid import GridQuery, search_refusal
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.services.browse import OrderBrowser
from tests.factories import DRAFT_TOTAL, apply, ctx, make_order


def found(browser, text, **kw):
    q = GridQuery(search=text, **kw)
    n = browser.count(q)
    return sorted(r.order_no for r in browser.window(q, 0, 200, n))


def test_the_browser_finds_any_part_and_refuses_one_character(db, clock):
    tea = make_order(db, clock, buyer="爱喝茶的王涛", recipient="王涛", phone="13912345678", channel="taobao",
                     channel_order_no="3381234567890", address="上海市浦东新区世纪大道100号",
                     status=Status.AWAITING_SHIPMENT, paid_minor=DRAFT_TOTAL)
    apply(db, orders.ship, tea, courier="yto", tracking_no="YT9876543210123", clock=clock,
          context=ctx(reason="by hand"))
    other = make_order(db, clock, buyer="李雷", recipient="韩梅梅", phone="13800000001", channel="jd")
    b = OrderBrowser(db)
    assert found(b, "王涛") == [tea]  # two Chinese characters in the middle of the buyer's name
    assert found(b, "5678") == [tea]  # the phone's tail
    assert found(b, "76543") == [tea]  # a fragment of the tracking number
    assert found(b, "yt98") == [tea]  # any case
    assert found(b, "1234567") == [tea]  # inside the channel order number
    assert found(b, "世纪大道") == [tea]
    assert found(b, other[-8:]) == [other]  # a fragment of the order number
    assert found(b, "梅梅") == [other]
    assert found(b, "王涛", channels=("jd",)) == []
    assert found(b, "王") == [] and search_refusal("王") is not None
    assert search_refusal("  ") is not None and search_refusal("") is None and search_refusal("王涛") is None
