"""Read-side queries: the staleness rule in SQL agrees with the domain rule at the exact edges."""

from datetime import timedelta

from shop_orders.domain.staleness import Level, Thresholds, level
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.store import queries
from tests.factories import apply, ctx, make_order


def test_stale_in_sql_matches_the_domain_rule(db, clock):
    start = clock.now
    ages = [timedelta(hours=72), timedelta(hours=72) - timedelta(seconds=1), timedelta(hours=30), timedelta(hours=24)]
    nos = []
    for age in ages:
        clock.now = start - age
        nos.append(make_order(db, clock))
    clock.now = start - timedelta(days=10)
    done = make_order(db, clock)
    apply(db, orders.transition, done, "cancelled", clock=clock, context=ctx(reason="test"))
    now = start
    for t in (Thresholds(), Thresholds(72, {Status.AWAITING_PAYMENT: 24})):
        with db.read_session() as s:
            in_sql = {r["order_no"] for r in queries.iter_orders(s, queries.OrderFilter(stale_only=True, thresholds=t, now=now))}
            all_rows = list(queries.iter_orders(s, queries.OrderFilter()))
            count = queries.count_stale(s, t, now)
        in_python = {r["order_no"] for r in all_rows
                     if level(Status(r["status"]), r["updated_at"], now, t) is Level.RED}
        assert in_sql == in_python and count == len(in_sql)
    with db.read_session() as s:
        default = {r["order_no"] for r in queries.iter_orders(s, queries.OrderFilter(stale_only=True, now=now))}
    assert default == {nos[0]}


def test_filters_by_status_and_channel_and_counts_every_status(db):
    a = make_order(db, channel="jd")
    make_order(db, channel="taobao")
    apply(db, orders.record_payment, a, 100)
    with db.read_session() as s:
        rows = list(queries.iter_orders(s, queries.OrderFilter(statuses=[Status.PARTIALLY_PAID], channels=["jd"])))
        counts = queries.count_by_status(s)
    assert [r["order_no"] for r in rows] == [a]
    assert set(counts) == set(Status) and counts[Status.AWAITING_PAYMENT] == 1 and counts[Status.PARTIALLY_PAID] == 1


def test_listing_streams_in_batches_without_losing_rows(db):
    made = [make_order(db) for _ in range(7)]
    with db.read_session() as s:
        got = [r["order_no"] for r in queries.iter_orders(s, queries.OrderFilter(), batch=3)]
    assert got == made
