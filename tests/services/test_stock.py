"""Stock on both backends: first paid, first served; release on cancel, refund and archive; a
scan-out turns the reservation into a movement out; a recalled parcel and a confirmed return put
stock back; the short flag and its out-of-stock ticket come and clear by themselves; orders paid
before the catalogue knew the SKU are history (one summary ticket, no flood); adjustments over
the shop's limit wait for a second person; every movement is in the trail; an edited stock row
is found by the check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind
from shop_orders.services import auth, changesets, orders, scanning, stock
from shop_orders.services.verification import verify_store
from shop_orders.store.models import AuditEvent, Shipment, StockItem, StockMovement, Ticket
from tests import factories
from tests.factories import DRAFT_TOTAL, draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual", "as the customer asked")
MANAGER = Actor("mia", "manager")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")
# On the hour, now: a manager created "a week ago" (factories.settled_user) may approve from now on.
T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def shop(db):
    """The owner and a manager of long standing (who may approve what the owner proposes)."""
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    factories.settled_user(db, OWNER, MANAGER.name, MANAGER.role, "mia-secret-12")
    return db


def approve(db, said: str, at=T0) -> None:
    run(db, changesets.approve, MANAGER, int(said.split("#")[1]), at=at)


def run(db, fn, *args, at=T0, **kw):
    return factories.run(db, fn, *args, clock=lambda: at, **kw)


def catalogue(db, sku: str, on_hand: int, at=T0, **kw) -> None:
    run(db, stock.add_sku, OWNER, sku, f"title of {sku}", at=at, **kw)
    if on_hand:
        run(db, stock.receive, OWNER, sku, on_hand, "first delivery", at=at)


def paid_order(db, at: datetime, lines=(("TEA", 2),), **kw) -> str:
    ls = [orders.LineDraft(sku, f"title {sku}", qty, 1000) for sku, qty in lines]
    total = sum(q * 1000 for _, q in lines)
    d = draft(status=Status.AWAITING_SHIPMENT, paid_minor=total, total_minor=total, created_at=at, paid_at=at,
              lines=ls, **kw)
    return run(db, lambda uow: orders.create_order(uow, OWNER, d).order_no, at=at)


def item(db, sku: str) -> StockItem:
    with db.read_session() as s:
        return s.get(StockItem, sku)


def short(db) -> dict[str, str]:
    with db.read_session() as s:
        from shop_orders.store.models import Order
        ids = dict(s.execute(select(Order.id, Order.order_no)).all())
        return {ids[oid]: text_ for oid, text_ in stock.short_of(s, ids).items()}


def tickets_of(db, kind=Kind.OUT_OF_STOCK) -> list[Ticket]:
    with db.read_session() as s:
        return list(s.execute(select(Ticket).where(Ticket.kind == kind.value).order_by(Ticket.id)).scalars())


def test_first_paid_first_served_and_the_short_flag_clears_on_receipt(db):
    catalogue(db, "TEA", 3)
    a = paid_order(db, T0 + timedelta(hours=2), (("TEA", 2),))
    b = paid_order(db, T0 + timedelta(hours=1), (("TEA", 2),))  # paid first, created after: served first
    assert item(db, "TEA").reserved == 3
    assert short(db) == {a: "1 × TEA"}
    opened = tickets_of(db)
    assert [(tk.order_no, tk.state, tk.priority, tk.assignee_role) for tk in opened] == [(a, "open", 1, "warehouse")]
    assert b not in short(db)
    run(db, stock.receive, OWNER, "TEA", 1, "supplier delivery", at=T0 + timedelta(hours=3))
    assert short(db) == {}
    assert item(db, "TEA").reserved == 4 and item(db, "TEA").on_hand == 4
    assert [tk.state for tk in tickets_of(db)] == ["resolved"]


def test_cancel_refund_and_archive_release_their_reservation(shop):
    db = shop
    catalogue(db, "TEA", 2)
    first = paid_order(db, T0 + timedelta(hours=1))
    second = paid_order(db, T0 + timedelta(hours=2))
    assert short(db) == {second: "2 × TEA"}
    run(db, orders.transition, OWNER, first, Status.CANCELLED, at=T0 + timedelta(hours=3))
    assert short(db) == {}  # the cancelled order's two units went to the next in line
    third = paid_order(db, T0 + timedelta(hours=4))
    assert short(db) == {third: "2 × TEA"}
    run(db, orders.record_payment, OWNER, second, -2000, at=T0 + timedelta(hours=5))  # refunded in full
    assert short(db) == {}
    fourth = paid_order(db, T0 + timedelta(hours=6))
    with db.read_session() as s:
        ids = changesets.order_ids(s, [third])
    proposal = run(db, changesets.propose, OWNER, "archive", {}, "duplicate order", ids, at=T0 + timedelta(hours=7))
    approve(db, f"#{proposal.id}", at=T0 + timedelta(hours=7))
    assert short(db) == {} and item(db, "TEA").reserved == 2
    assert fourth


def test_scan_out_moves_stock_out_and_a_short_order_is_refused(db):
    catalogue(db, "TEA", 2)
    ok = paid_order(db, T0 + timedelta(hours=1))
    waiting = paid_order(db, T0 + timedelta(hours=2))
    with db.read_session() as s, pytest.raises(scanning.ScanRefused, match=r"short of stock \(2 × TEA\)"):
        scanning.find_order(s, waiting)
    with pytest.raises(ValidationError, match="short of stock"):
        run(db, orders.ship, SCAN, waiting, courier="SF", tracking_no="SF1234567890123")
    run(db, orders.ship, SCAN, ok, courier="SF", tracking_no="SF1234567890124", at=T0 + timedelta(hours=3))
    tea = item(db, "TEA")
    assert (tea.on_hand, tea.reserved) == (0, 0)
    with db.read_session() as s:
        moves = s.execute(select(StockMovement.kind, StockMovement.delta, StockMovement.order_no)
                          .order_by(StockMovement.id)).all()
    assert [tuple(m) for m in moves][-1] == ("out", -2, ok)
    # the parcel is recalled (it never left): the stock is back and the waiting order takes it? no:
    # the recalled order is paid first, so it is served again first
    with db.read_session() as s:
        parcel = s.execute(select(Shipment.id)).scalar_one()
    run(db, orders.recall_shipment, OWNER, parcel, at=T0 + timedelta(hours=4))
    assert item(db, "TEA").on_hand == 2 and short(db) == {waiting: "2 × TEA"}


def test_a_returned_parcel_goes_back_on_the_shelf_after_the_clerk_confirms(db):
    catalogue(db, "TEA", 2)
    no = paid_order(db, T0 + timedelta(hours=1))
    run(db, orders.ship, SCAN, no, courier="SF", tracking_no="SF1234567890125", at=T0 + timedelta(hours=2))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE shipments SET track_state = 'returned'"))
    with db.read_session() as s:
        waiting = stock.pending_returns(s)
    assert [(r.order_no, r.why, r.items) for r in waiting] == [(no, "courier", "2 × TEA")]
    run(db, stock.confirm_return, OWNER, waiting[0].shipment_id, "box intact", at=T0 + timedelta(days=3))
    assert item(db, "TEA").on_hand == 2
    with db.read_session() as s:
        assert stock.pending_returns(s) == []
    with pytest.raises(ValidationError, match="already put back"):
        run(db, stock.confirm_return, OWNER, waiting[0].shipment_id, "again", at=T0 + timedelta(days=3))
    assert item(db, "TEA").on_hand == 2


def test_a_closed_return_ticket_lists_the_parcel_for_the_clerk(db):
    from shop_orders.services import tickets

    catalogue(db, "TEA", 2)
    no = paid_order(db, T0 + timedelta(hours=1))
    run(db, orders.ship, SCAN, no, courier="SF", tracking_no="SF1234567890126", at=T0 + timedelta(hours=2))
    with db.read_session() as s:
        parcel = s.execute(select(Shipment.id)).scalar_one()
    with pytest.raises(ValidationError, match="has not come back"):
        run(db, stock.confirm_return, OWNER, parcel, "box back")
    ticket = run(db, tickets.open_ticket, OWNER, no, Kind.RETURN, note="customer sends it back")
    run(db, tickets.close, OWNER, ticket.id, "parcel received back, restocked", [("photo.png", b"\x89PNG")])
    with db.read_session() as s:
        assert [(r.order_no, r.why) for r in stock.pending_returns(s)] == [(no, "ticket")]
    run(db, stock.confirm_return, OWNER, parcel, "box back, sealed", at=T0 + timedelta(days=2))
    assert item(db, "TEA").on_hand == 2


def test_orders_paid_before_the_catalogue_are_history_not_a_flood(db):
    for i in range(5):
        paid_order(db, T0 - timedelta(days=10, hours=i))
    catalogue(db, "TEA", 1, at=T0)  # the catalogue arrives after them
    assert len(short(db)) == 5  # still flagged on the grid
    opened = tickets_of(db)
    assert len(opened) == 1 and opened[0].rule_key.startswith("summary:")
    fresh = paid_order(db, T0 + timedelta(hours=1))
    assert [tk.order_no for tk in tickets_of(db)][1:] == [fresh]


def test_adjustment_over_the_limit_waits_for_a_second_person(shop):
    db = shop
    catalogue(db, "TEA", 5)
    assert run(db, stock.adjust, OWNER, "TEA", -3, "broken in the back room") == "applied"
    with pytest.raises(ValidationError, match="less than none"):
        run(db, stock.adjust, OWNER, "TEA", -3, "more broken")
    with pytest.raises(ValidationError, match="needs a reason"):
        run(db, stock.adjust, OWNER, "TEA", 1, " ")
    said = run(db, stock.adjust, OWNER, "TEA", 50, "found a carton")
    assert said.startswith("proposed #") and item(db, "TEA").on_hand == 2
    with pytest.raises(changesets.ChangeSetRefused):
        run(db, changesets.approve, OWNER.actor, int(said.split("#")[1]))  # not their own change
    approve(db, said)
    assert item(db, "TEA").on_hand == 52


def test_a_large_change_split_into_small_ones_still_needs_a_second_person(shop):
    db = shop
    catalogue(db, "TEA", 100)  # the first receipt is not limited
    for _ in range(2):
        assert run(db, stock.adjust, OWNER, "TEA", -10, "breakage") == "applied"
    said = run(db, stock.adjust, OWNER, "TEA", -10, "more breakage")  # 30 units alone within 24 h
    assert said.startswith("proposed #") and item(db, "TEA").on_hand == 80
    # a day later the count starts again
    assert run(db, stock.adjust, OWNER, "TEA", -10, "breakage", at=T0 + timedelta(hours=25)) == "applied"
    # another person's own changes are theirs
    assert run(db, stock.adjust, ChangeContext(MANAGER, "manual"), "TEA", -15, "breakage") == "applied"


def test_a_first_count_is_not_limited_but_a_recount_is(shop):
    db = shop
    run(db, stock.add_sku, OWNER, "TEA", "tea")
    assert run(db, stock.count, OWNER, [stock.Count("TEA", 500)], "first stocktake") == "applied"
    assert run(db, stock.adjust, OWNER, "TEA", -5, "broken") == "applied"  # the first count is not counted
    said = run(db, stock.count, OWNER, [stock.Count("TEA", 450)], "recount")
    assert said.startswith("proposed #") and item(db, "TEA").on_hand == 495
    approve(db, said)
    assert item(db, "TEA").on_hand == 450


def test_every_movement_is_in_the_trail_and_an_edited_row_is_found(db):
    catalogue(db, "TEA", 4)
    run(db, stock.mark_ordered, OWNER, "TEA", 10, "PO 7")
    assert (item(db, "TEA").incoming, item(db, "TEA").on_hand) == (10, 4)
    run(db, stock.receive, OWNER, "TEA", 6, "PO 7 part 1")
    assert (item(db, "TEA").incoming, item(db, "TEA").on_hand) == (4, 10)
    with db.read_session() as s:
        events = s.execute(select(AuditEvent.actor, AuditEvent.old, AuditEvent.new)
                           .where(AuditEvent.action == "stock", AuditEvent.field == "TEA")
                           .order_by(AuditEvent.id)).all()
        assert [tuple(e) for e in events][-1] == ("olivia", "on_hand=4 incoming=10", "on_hand=10 incoming=4")
        assert stock.check(s) == []
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_items SET on_hand = 99 WHERE sku = 'TEA'"))
    with db.read_session() as s:
        found = stock.check(s)
    assert found and "TEA has 99 on hand" in found[0]
    found = verify_store(db)
    assert found.kind == "stock" and "TEA has 99 on hand" in (found.problem or "")


def test_the_database_refuses_more_reserved_than_on_hand(db):
    catalogue(db, "TEA", 1)
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_items SET reserved = 2 WHERE sku = 'TEA'"))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_items SET on_hand = -1 WHERE sku = 'TEA'"))


def test_lines_of_skus_outside_the_catalogue_are_not_stock_controlled(db):
    catalogue(db, "CUP", 0)
    no = paid_order(db, T0, (("TEA", 2), ("CUP", 1)))
    assert short(db) == {no: "1 × CUP"}
    run(db, stock.receive, OWNER, "CUP", 1, "delivery", at=T0 + timedelta(hours=1))
    assert short(db) == {}
    assert DRAFT_TOTAL  # the factories' order shape is unchanged


def test_the_list_and_the_purchase_suggestions(db):
    from shop_orders.domain.stock import StockFilter
    from shop_orders.services import stock_browse

    catalogue(db, "TEA", 1, location="A-01", safety=2, barcodes=("6901234567892",))
    catalogue(db, "CUP", 10, location="B-02", safety=2)
    first = paid_order(db, T0 + timedelta(hours=1), (("TEA", 2),))
    second = paid_order(db, T0 + timedelta(hours=2), (("TEA", 1), ("CUP", 1)))
    run(db, stock.mark_ordered, OWNER, "TEA", 1, "PO 9")
    with db.read_session() as s:
        rows = stock_browse.page(s, StockFilter())
        assert [(r.sku, r.on_hand, r.reserved, r.available, r.demand, r.short_orders) for r in rows] == [
            ("CUP", 10, 1, 9, 1, 0), ("TEA", 1, 1, 0, 3, 2)]
        assert [r.sku for r in stock_browse.page(s, StockFilter(short=True))] == ["TEA"]
        assert [r.sku for r in stock_browse.page(s, StockFilter(below_safety=True))] == ["TEA"]
        assert [r.sku for r in stock_browse.page(s, StockFilter(location="B-02"))] == ["CUP"]
        assert [r.sku for r in stock_browse.page(s, StockFilter(text="690123"))] == ["TEA"]
        assert stock_browse.count(s, StockFilter(short=True)) == 1
        (tea,) = stock_browse.suggestions(s)
    # demand 3 + safety 2 − on hand 1 − incoming 1
    assert (tea.sku, tea.suggested, tea.waiting) == ("TEA", 3, (first, second))


def test_orders_loaded_in_bulk_are_reserved_too(db):
    """Demo data goes in with append_in_bulk, whose events the rules do not see: the stock rule
    settles those orders all the same (the catalogue made first, then the demo orders)."""
    from shop_orders.services import demo
    from shop_orders.store.models import Order, OrderLine, StockReservation

    for sku in sorted({p[0] for p in demo.PRODUCTS_CN + demo.PRODUCTS_WEST}):
        run(db, stock.add_sku, OWNER, sku, sku)  # nothing on hand
    run(db, lambda uow: demo.fill(uow, OWNER, 300, seed=3))
    with db.read_session() as s:
        waiting = set(s.execute(select(OrderLine.id).join(Order).where(
            Order.status.in_(["awaiting_shipment", "partially_shipped"]), Order.archived.is_(False),
            OrderLine.qty > OrderLine.shipped_qty)).scalars())
        held = dict(s.execute(select(StockReservation.line_id, StockReservation.missing)).all())
        assert waiting and set(held) <= waiting and stock.check(s) == []
        assert held and all(missing > 0 for missing in held.values())  # nothing on hand: every line short


def test_an_order_the_channel_says_shipped_takes_its_stock_off_the_shelf(db):
    """Shipped from the channel's back office, then imported: the goods left all the same. Nothing
    is refused; an SKU the shelf held too few of falls to 0, and its movement says so."""
    catalogue(db, "TEA", 3)
    first = paid_order(db, T0 + timedelta(hours=1), (("TEA", 2),))
    second = paid_order(db, T0 + timedelta(hours=2), (("TEA", 2),))
    assert short(db) == {second: "1 × TEA"}
    channel = ChangeContext(Actor("olivia", "owner"), "import:taobao.xlsx")
    run(db, orders.apply_channel_update, channel, first, {"status": Status.SHIPPED.value},
        at=T0 + timedelta(hours=3))
    assert (item(db, "TEA").on_hand, item(db, "TEA").reserved) == (1, 1) and short(db) == {second: "1 × TEA"}
    run(db, orders.apply_channel_update, channel, second, {"status": Status.SHIPPED.value},
        at=T0 + timedelta(hours=4))
    assert (item(db, "TEA").on_hand, item(db, "TEA").reserved) == (0, 0) and short(db) == {}
    with db.read_session() as s:
        last = s.execute(select(StockMovement).order_by(StockMovement.id.desc())).scalars().first()
        assert (last.kind, last.delta, last.order_no) == ("out", -1, second)
        assert "2 left, 1 were on hand" in last.reason
        assert stock.check(s) == []


def test_only_those_who_manage_stock_may_reserve_everything_again(shop):
    from shop_orders.services import permissions, stock_settle

    db = shop
    catalogue(db, "TEA", 1)
    paid_order(db, T0 + timedelta(hours=1))
    factories.settled_user(db, OWNER, "bea", "bookkeeper", "bea-secret-123")
    with pytest.raises(permissions.PermissionDenied):
        run(db, stock_settle.rebuild, ChangeContext(Actor("bea", "bookkeeper"), "manual"))
    assert run(db, stock_settle.rebuild, OWNER) == 1  # the order short of 1 × TEA
