"""Grid queries on both backends: windows from either end, sorts, substring search, positions."""

from datetime import timedelta

import pytest

from shop_orders.domain.grid import GridQuery
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.store import grid
from tests.factories import apply, ctx, make_order


@pytest.fixture
def ten(db, clock):
    nos = []
    for i in range(10):
        clock.now += timedelta(minutes=1)
        nos.append(make_order(db, clock, buyer=f"buyer{i:02d}", phone=f"1380000{i:04d}",
                              channel="jd" if i % 2 else "taobao", channel_order_no=f"00{i}77{i}"))
    apply(db, orders.record_payment, nos[3], 100, clock=clock)
    return nos


def _all(db, q):
    with db.read_session() as s:
        total = grid.count(s, q)
        return [r.order_no for r in grid.window(s, q, 0, total, total)], total


def test_windows_from_the_far_end_match_the_straight_order(db, ten):
    q = GridQuery(sort="created_at", descending=False)
    straight, total = _all(db, q)
    assert total == 10 and straight == ten
    with db.read_session() as s:
        assert [r.order_no for r in grid.window(s, q, 7, 3, total)] == ten[7:]  # read reversed
        assert [r.order_no for r in grid.window(s, q, 4, 3, total)] == ten[4:7]
        assert grid.window(s, q, 10, 3, total) == []


@pytest.mark.parametrize("sort", list(grid.SORTABLE))
def test_every_column_sorts_both_ways_with_id_breaking_ties(db, ten, sort):
    asc, _ = _all(db, GridQuery(sort=sort, descending=False))
    desc, _ = _all(db, GridQuery(sort=sort, descending=True))
    assert asc == list(reversed(desc)) and sorted(asc) == sorted(ten)


def test_quick_search_finds_any_part_of_numbers_names_phones_and_addresses(db, ten, clock):
    assert _all(db, GridQuery(search=ten[5]))[0] == [ten[5]]
    assert _all(db, GridQuery(search=ten[5].lower()[:14], sort="created_at"))[1] == 10  # SO-2026112x: all
    assert _all(db, GridQuery(search=ten[5][-9:]))[0] == [ten[5]]  # a fragment of the order number ("20-000006")
    assert _all(db, GridQuery(search="uyer07"))[0] == [ten[7]]
    assert _all(db, GridQuery(search="0000002"))[0] == [ten[2]]  # the phone's tail
    assert _all(db, GridQuery(search="0477"))[0] == [ten[4]]  # inside a channel order number
    assert _all(db, GridQuery(search="西湖区文三"))[1] == 10  # inside every address
    assert _all(db, GridQuery(search="区文三路2号"))[1] == 0
    assert _all(db, GridQuery(search="%"))[1] == 0 and _all(db, GridQuery(search="_"))[1] == 0  # refused: one character
    assert _all(db, GridQuery(search="%%"))[1] == 0 and _all(db, GridQuery(search="_0"))[1] == 0  # no wildcards


def test_a_chinese_two_character_search_finds_it_in_the_middle_of_a_name(db, clock):
    tea = make_order(db, clock, buyer="爱喝茶的王涛", recipient="李四")
    other = make_order(db, clock, buyer="王小涛", recipient="涛王")
    assert _all(db, GridQuery(search="王涛"))[0] == [tea]
    assert _all(db, GridQuery(search=" 喝茶 "))[0] == [tea]
    assert _all(db, GridQuery(search="涛王"))[0] == [other]  # the recipient, the whole of it
    assert _all(db, GridQuery(search="爱喝茶的王涛李四"))[1] == 0  # never across two fields


def test_the_index_follows_edits_shipping_and_bulk_creation(db, clock):
    no = make_order(db, clock, buyer="爱喝茶的王涛", status=Status.AWAITING_SHIPMENT, paid_minor=orders_total())
    apply(db, orders.edit, no, {"buyer": "喝咖啡的李雷"}, clock=clock, context=ctx(reason="typo"))
    assert _all(db, GridQuery(search="王涛"))[1] == 0 and _all(db, GridQuery(search="李雷"))[0] == [no]
    apply(db, orders.ship, no, courier="sf", tracking_no="SF1234567890123", clock=clock,
          context=ctx(reason="by hand"))
    assert _all(db, GridQuery(search="sf12345"))[0] == [no]
    assert _all(db, GridQuery(search="4567890"))[0] == [no]  # a fragment of the tracking number
    from tests.factories import draft, run

    run(db, lambda uow: orders.create_orders_bulk(uow, ctx(source="import:x.xlsx"), [
        draft(buyer=f"批量买家{i}", phone=f"1390000{i:04d}") for i in range(3)]), clock=clock)
    assert _all(db, GridQuery(search="量买"))[1] == 3
    assert _all(db, GridQuery(search="900000002"))[1] == 1  # the phone 13900000002


def orders_total():
    from tests.factories import DRAFT_TOTAL

    return DRAFT_TOTAL


def test_filters_combine(db, ten):
    got, n = _all(db, GridQuery(statuses=(Status.AWAITING_PAYMENT,), channels=("jd",)))
    assert n == 4 and ten[3] not in got  # jd orders 1,5,7,9; #3 is now partially paid
    got, n = _all(db, GridQuery(statuses=(Status.PARTIALLY_PAID,)))
    assert got == [ten[3]]


def test_created_date_range(db, ten, clock):
    with db.read_session() as s:
        first = grid.rows_by_id(s, [1])[1]
    q = GridQuery(created_from=first.created_at, created_to=first.created_at + timedelta(seconds=1))
    assert _all(db, q)[1] == 10  # the factory creates them all at the same channel time


def test_changed_range_takes_orders_created_or_last_updated_in_it(db, clock):
    from datetime import UTC, datetime

    day = datetime(2026, 11, 10, tzinfo=UTC)
    old = make_order(db, clock, created_at=day - timedelta(days=5))  # created before, untouched since
    clock.now = day + timedelta(hours=3)
    touched = make_order(db, clock, created_at=day - timedelta(days=5))  # created before, updated in it
    placed = make_order(db, clock, created_at=day + timedelta(hours=1))  # created in it
    clock.now = day + timedelta(days=2)
    late = make_order(db, clock, created_at=day + timedelta(days=2))  # after it
    apply(db, orders.record_payment, old, 100, clock=clock)  # its last update is now after the period
    q = GridQuery(sort="created_at", descending=False, changed_from=day, changed_to=day + timedelta(days=1))
    assert sorted(_all(db, q)[0]) == sorted([touched, placed])
    assert sorted(_all(db, q.with_(changed_to=None))[0]) == sorted([old, touched, placed, late])
    assert sorted(_all(db, q.with_(changed_from=None))[0]) == sorted([old, touched, placed])  # created before its end
    assert _all(db, q.with_(changed_to=day))[1] == 0


def test_position_of_a_row_is_its_index(db, ten):
    q = GridQuery(sort="buyer", descending=True)
    ordered, _ = _all(db, q)
    with db.read_session() as s:
        for no in ten:
            row = next(r for r in grid.window(s, q, 0, 10, 10) if r.order_no == no)
            assert grid.position_of(s, q, row) == ordered.index(no)


def test_facets_count_statuses_channels_and_stale(db, ten, clock):
    from shop_orders.domain.staleness import Thresholds

    with db.read_session() as s:
        f = grid.facets(s, Thresholds(), clock.now + timedelta(hours=73))
        marker = grid.change_marker(s)
    assert f.total == 10 and f.statuses[Status.PARTIALLY_PAID] == 1 and f.channels == {"jd": 5, "taobao": 5}
    assert f.stale == 10
    apply(db, orders.edit, ten[0], {"buyer": "x"}, context=ctx())
    with db.read_session() as s:
        assert grid.change_marker(s) > marker


@pytest.mark.parametrize("broad", [5, 50])
def test_a_search_finding_many_pages_the_same_either_way(db, ten, monkeypatch, broad):
    """Past SMALL_RESULT a search is paged in SQL: led by its ids, or past BROAD_RESULT along the
    sort column's index; both give the order of the unsearched grid, from either end."""
    monkeypatch.setattr(grid, "SMALL_RESULT", 3)
    monkeypatch.setattr(grid, "BROAD_RESULT", broad)
    q = GridQuery(search="so-2026", sort="created_at", descending=False)
    with db.read_session() as s:
        total = grid.count(s, q)
        first = [r.order_no for r in grid.window(s, q, 0, 4, None)]
        far = [r.order_no for r in grid.window(s, q, 7, 3, total)]
    assert total == 10 and first == ten[:4] and far == ten[7:]
