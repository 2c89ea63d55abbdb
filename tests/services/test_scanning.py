"""The scan-out (services/scanning.py) and "no shipped without a scan" (services/orders.py), on
SQLite and PostgreSQL: every refusal changes nothing and says why in one sentence; a scan ships
with source scan and the clerk as actor; skipping the item check needs a supervisor's PIN and is
in the trail; an undo works for 60 seconds; shipping by hand needs an owner or manager and a
reason; an unpaid order waits unless its channel is cash on delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, TransitionNotAllowed, ValidationError
from shop_orders.domain.status import Status
from shop_orders.services import (
    auth,
    changesets,
    courier_accounts,
    orders,
    permissions,
    scanning,
    settings,
)
from shop_orders.services.scanning import ScanRefused
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import queries
from shop_orders.store.models import AuditEvent, Order, Setting, Shipment, User
from tests.factories import make_order, make_shippable

OWNER, MANAGER, CLERK, SERVICE = (Actor("olivia", "owner"), Actor("max", "manager"), Actor("wang", "warehouse"),
                                  Actor("sam", "service"))
PINS = {"olivia": "111111", "max": "222222", "wang": "333333", "sam": "444444"}
SCAN = ChangeContext(CLERK, "scan")


def run(db, fn, *args, clock=None, **kw):
    uow = UnitOfWork(db, clock=clock) if clock else UnitOfWork(db)
    with uow:
        result = fn(uow, *args, **kw)
        uow.commit()
        return result


@pytest.fixture
def shop(db):
    for a in (OWNER, MANAGER, CLERK, SERVICE):
        run(db, auth.create_user, ChangeContext(OWNER), a.name, a.role, f"{a.name}-password", pin=PINS[a.name])
    return db


def _find(db, code):
    with db.read_session() as s:
        return scanning.find_order(s, code)


def _refused(kind, fn, *args, **kw):
    with pytest.raises(ScanRefused) as caught:
        fn(*args, **kw)
    assert caught.value.kind == kind
    assert str(caught.value).strip() and "\n" not in str(caught.value)
    return str(caught.value)


def _snapshot(db):
    with db.read_session() as s:
        rows = s.execute(select(Order.order_no, Order.status, Order.version)).all()
        return [tuple(r) for r in rows], s.execute(select(AuditEvent.id)).all().__len__()


def _order(db, no):
    with db.read_session() as s:
        return queries.order_detail(s, no)


def _events(db, no, action=None):
    with db.read_session() as s:
        o = queries.order_detail(s, no)
        return [e for e in reversed(queries.order_history(s, o.id)) if action is None or e.action == action]


def _pin(db, name, pin, clock=None):
    """supervisor() as the station calls it: the unit of work is committed either way, so a wrong
    PIN counts toward the lock."""
    uow = UnitOfWork(db, clock=clock) if clock else UnitOfWork(db)
    with uow:
        try:
            return scanning.supervisor(uow, name, pin)
        finally:
            uow.commit()


def _ship(db, code, items, courier="SF", number="SF123456789012", clock=None, **kw):
    return run(db, scanning.ship_scanned, SCAN, code, items, courier, number, clock=clock, **kw)


# ---- find_order --------------------------------------------------------------------------------

def test_an_order_is_found_by_its_global_id_or_channel_number_through_scanner_noise(shop):
    no = make_shippable(shop, channel="jd", channel_order_no="JD778899")
    for code in (no, f" {no.lower()}\r\n", "JD778899", "JD778899\n", "\tJD 778899 "):
        found = _find(shop, code)
        assert found.order_no == no and found.channel == "jd" and found.channel_order_no == "JD778899"
    assert [(li.line_no, li.sku, li.qty, li.shipped_qty) for li in found.lines] == \
        [(1, "TEA-LJ-250", 2, 0), (2, "CUP-GL-01", 1, 0)]


def test_a_number_two_channels_share_is_refused_naming_both(shop):
    make_shippable(shop, channel="jd", channel_order_no="100200")
    make_shippable(shop, channel="taobao", channel_order_no="100200")
    message = _refused("ambiguous", _find, shop, "100200")
    assert "JD" in message and "Taobao" in message


def test_what_cannot_be_scanned_out_is_refused_with_its_kind(shop):
    cancelled = make_order(shop, status=Status.CANCELLED)
    shipped = make_shippable(shop)
    _ship(shop, shipped, {1: 2, 2: 1})
    completed = make_order(shop, status=Status.COMPLETED, paid_minor=37500)
    unpaid = make_order(shop, status=Status.AWAITING_PAYMENT)
    refunded = make_order(shop, status=Status.AWAITING_SHIPMENT, paid_minor=1000)
    unconfirmed = make_order(shop, status=Status.AWAITING_CONFIRMATION, paid_minor=37500)
    archived = make_shippable(shop)
    with UnitOfWork(shop) as uow:
        uow.session.execute(Order.__table__.update().where(Order.__table__.c.order_no == archived).values(archived=True))
        uow.commit()
    before = _snapshot(shop)
    _refused("not_an_order", _find, shop, "9999999999")
    _refused("not_an_order", _find, shop, "SO-20990101-000001")
    _refused("not_an_order", _find, shop, "\r\n")
    assert "cancelled" in _refused("cancelled", _find, shop, cancelled)
    _refused("already_shipped", _find, shop, shipped)
    _refused("already_shipped", _find, shop, completed)
    assert "not paid" in _refused("not_paid", _find, shop, unpaid)
    _refused("not_paid", _find, shop, refunded)
    _refused("not_ready", _find, shop, unconfirmed)
    _refused("archived", _find, shop, archived)
    for code in (cancelled, shipped, unpaid, archived):  # the unit of work refuses the same
        with pytest.raises(ScanRefused):
            _ship(shop, code, {1: 1}, number="SF000000000777")
    assert _snapshot(shop) == before


def test_the_lookups_use_indexes(sqlite_db):
    with sqlite_db.read_session() as s:
        conn = s.connection()
        for sql in ("SELECT id, channel FROM orders WHERE channel_order_no = 'x' LIMIT 3",
                    "SELECT id FROM orders WHERE order_no = 'x'",
                    "SELECT id FROM shipments WHERE tracking_no = 'x' AND recalled_at IS NULL",
                    "SELECT sku FROM order_lines WHERE sku IN ('X-1', 'x-1') LIMIT 1"):
            plan = " ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "USING" in plan and "SCAN" not in plan, plan


# ---- items -------------------------------------------------------------------------------------

def test_skus_count_toward_their_lines_and_wrong_or_extra_items_are_refused(shop):
    no = make_shippable(shop)
    o = _find(shop, no)
    counted: dict[int, int] = {}
    for sku in ("tea-lj-250", " TEA-LJ-250\r\n"):
        line = scanning.match_item(o, counted, sku)
        counted[line] = counted.get(line, 0) + 1
    assert counted == {1: 2}
    assert "TEA-LJ-250" in _refused("too_many", scanning.match_item, o, counted, "TEA-LJ-250")
    assert "BOOK-1" in _refused("wrong_item", scanning.match_item, o, counted, "BOOK-1")
    assert scanning.match_item(o, counted, "CUP-GL-01") == 2


def test_a_partial_scan_ships_the_lines_counted_with_source_scan_and_the_clerk(shop):
    no = make_shippable(shop)
    o = _ship(shop, no, {1: 1})
    assert o.status == Status.PARTIALLY_SHIPPED.value
    assert [li.shipped_qty for li in _order(shop, no).lines] == [1, 0]
    [ship] = _events(shop, no, "ship")
    assert (ship.actor, ship.role, ship.source, ship.approver) == ("wang", "warehouse", "scan", "")
    o = _ship(shop, f" {no.lower()} ", {1: 1, 2: 1}, number="SF123456789013")
    assert o.status == Status.SHIPPED.value and o.tracking_no == "SF123456789013"
    _refused("already_shipped", _ship, shop, no, {1: 1}, number="SF123456789014")


def test_the_unit_of_work_checks_the_quantities_again(shop):
    no = make_shippable(shop)
    before = _snapshot(shop)
    _refused("too_many", _ship, shop, no, {1: 3})
    _refused("wrong_item", _ship, shop, no, {7: 1})
    _refused("no_items", _ship, shop, no, {})
    _refused("no_items", _ship, shop, no, None)  # everything without counting: a supervisor's skip
    with pytest.raises(ValidationError, match="source scan"):
        run(shop, scanning.ship_scanned, ChangeContext(CLERK, "manual"), no, {1: 1}, "SF", "SF123456789012")
    assert _snapshot(shop) == before


def test_an_order_changed_after_the_screen_read_it_is_checked_as_it_is_now(shop):
    no = make_shippable(shop)
    shown = _find(shop, no)  # the station shows it ...
    run(shop, orders.transition, ChangeContext(OWNER, reason="buyer called"), no, Status.CANCELLED)
    counted = {scanning.match_item(shown, {}, "CUP-GL-01"): 1}
    _refused("cancelled", _ship, shop, no, counted)  # ... and the scan finds it cancelled since


# ---- tracking numbers --------------------------------------------------------------------------

def test_tracking_numbers_are_normalised_and_checked_for_shape_and_use(shop, vault_box):
    first, second = make_shippable(shop), make_shippable(shop)
    with shop.read_session() as s:
        o = scanning.find_order(s, second)
        assert scanning.check_tracking(s, o, "SF", " sf1234-5678\r\n") == "SF1234-5678"
        _refused("tracking_pattern", scanning.check_tracking, s, o, "SF", "12")
        _refused("tracking_pattern", scanning.check_tracking, s, o, "SF", "SF 12345678 ✓")
        _refused("no_courier", scanning.check_tracking, s, o, " ", "SF123456789012")
    _ship(shop, first, {1: 2, 2: 1}, number="SF123456789012")
    with shop.read_session() as s:
        assert first in _refused("tracking_used", scanning.check_tracking, s, o, "SF", "sf123456789012")
    _refused("tracking_used", _ship, shop, second, {1: 1}, number="SF123456789012")
    # the courier's own pattern, from its account
    run(shop, courier_accounts.set_account, ChangeContext(OWNER), vault_box, "SF", "kuaidi100",
        secret="key", carrier="shunfeng", pattern=r"^SF\d{12}$")
    with shop.read_session() as s:
        assert courier_accounts.account(s, "sf").pattern == r"^SF\d{12}$"
        assert scanning.check_tracking(s, o, "sf", "SF000000000001") == "SF000000000001"
        assert "SF" in _refused("tracking_pattern", scanning.check_tracking, s, o, "SF", "YT1234567890")
        assert scanning.check_tracking(s, o, "YTO", "YT1234567890") == "YT1234567890"  # no account: any shape
    with pytest.raises(ValidationError, match="regular expression"):
        run(shop, courier_accounts.set_account, ChangeContext(OWNER), vault_box, "SF", "kuaidi100", pattern="([")
    run(shop, courier_accounts.set_account, ChangeContext(OWNER), vault_box, "SF", "kuaidi100", carrier="x")
    with shop.read_session() as s:
        assert courier_accounts.account(s, "SF").pattern == r"^SF\d{12}$"  # kept when not given


def test_a_recalled_parcels_number_may_be_used_again(shop, clock):
    first, second = make_shippable(shop), make_shippable(shop)
    _ship(shop, first, {1: 2, 2: 1}, clock=clock)
    [parcel] = _order(shop, first).shipments
    run(shop, scanning.undo_last_scan, SCAN, parcel.id, "wrong box", clock=clock)
    assert _ship(shop, second, {1: 2, 2: 1}).status == Status.SHIPPED.value


@pytest.fixture
def vault_box(shop):
    from shop_orders.services import vault

    return vault.OwnVault(shop, passphrase=lambda: "vault-passphrase-1")


# ---- the supervisor ----------------------------------------------------------------------------

def test_skipping_the_item_check_needs_a_supervisors_pin_and_is_in_the_trail(shop):
    no = make_shippable(shop)
    boss = _pin(shop, "max", "222222")
    assert boss == MANAGER
    o = _ship(shop, no, None, skipped_by=boss)
    assert o.status == Status.SHIPPED.value
    [ship] = _events(shop, no, "ship")
    assert (ship.actor, ship.source, ship.approver) == ("wang", "scan", "max (manager)")
    [skip] = _events(shop, no, "scan")
    assert (skip.field, skip.old, skip.new, skip.approver) == ("item_check", "counted", "skipped", "max (manager)")


def test_a_wrong_pin_or_a_clerks_pin_does_not_skip_and_counts_toward_the_lock(shop, clock):
    _refused("wrong_pin", _pin, shop, "max", "999999", clock=clock)
    _refused("wrong_pin", _pin, shop, "max", "max-password", clock=clock)  # a PIN, not the password
    _refused("wrong_pin", _pin, shop, "nobody", "222222", clock=clock)
    _refused("not_supervisor", _pin, shop, "wang", "333333", clock=clock)
    for _ in range(3):
        _refused("wrong_pin", _pin, shop, "max", "000000", clock=clock)
    message = _refused("wrong_pin", _pin, shop, "max", "222222", clock=clock)
    assert "locked" in message
    with shop.read_session() as s:
        assert s.execute(select(User.failed_attempts).where(User.name == "max")).scalar() == 5
    clock.now += timedelta(minutes=2)
    assert _pin(shop, "max", "222222", clock=clock) == MANAGER


def test_a_supervisor_demoted_since_the_pin_cannot_skip(shop):
    no = make_shippable(shop)
    boss = _pin(shop, "max", "222222")
    with UnitOfWork(shop) as uow:  # an approved role change being applied (services/changesets.py)
        permissions.grant_approved(uow, "changeset:77")
        auth.apply_role(uow, ChangeContext(OWNER, "changeset:77", "demoted", MANAGER), "max", "warehouse")
        uow.commit()
    _refused("not_supervisor", _ship, shop, no, None, skipped_by=boss)


def test_a_supervisor_written_into_the_store_by_hand_cannot_skip(shop):
    make_shippable(shop)
    with UnitOfWork(shop) as uow:  # someone with the database file makes the clerk a manager
        uow.session.execute(User.__table__.update().where(User.__table__.c.name == "wang").values(role="manager"))
        uow.commit()
    with pytest.raises(ShopOrdersError, match="the account wang was changed in the database outside Shop Orders"):
        _pin(shop, "wang", "333333")


# ---- undo --------------------------------------------------------------------------------------

def test_the_last_scan_is_undone_within_60_seconds_with_a_reason(shop, clock):
    no = make_shippable(shop)
    _ship(shop, no, {1: 2, 2: 1}, clock=clock)
    with shop.read_session() as s:
        parcel = scanning.last_shipment(s, _order(shop, no).id)
    clock.now += timedelta(seconds=59)
    _refused("reason_needed", run, shop, scanning.undo_last_scan, SCAN, parcel.id, "  ", clock=clock)
    o = run(shop, scanning.undo_last_scan, SCAN, parcel.id, "label on the wrong box", clock=clock)
    assert o.status == Status.AWAITING_SHIPMENT.value
    assert [li.shipped_qty for li in _order(shop, no).lines] == [0, 0]
    last = _events(shop, no, "ship")[-1]
    assert (last.source, last.actor, last.reason, last.new) == ("scan", "wang", "label on the wrong box", "0")
    with shop.read_session() as s:
        assert s.get(Shipment, parcel.id).recalled_at is not None


def test_undo_after_60_seconds_is_refused(shop, clock):
    no = make_shippable(shop)
    _ship(shop, no, {1: 1}, clock=clock)
    [parcel] = _order(shop, no).shipments
    clock.now += timedelta(seconds=61)
    before = _snapshot(shop)
    assert "61 seconds" in _refused("undo_expired", run, shop, scanning.undo_last_scan, SCAN, parcel.id, "oops",
                                    clock=clock)
    assert _snapshot(shop) == before


# ---- shipping without a scan, and unpaid orders -----------------------------------------------

def test_shipping_without_a_scan_needs_an_owner_or_manager_and_a_reason(shop):
    no = make_shippable(shop)
    before = _snapshot(shop)
    with pytest.raises(permissions.PermissionDenied, match="ship without a scan"):
        run(shop, orders.ship, ChangeContext(CLERK, "manual", "no scanner today"), no)
    with pytest.raises(ValidationError, match="without a scan needs a reason"):
        run(shop, orders.ship, ChangeContext(MANAGER, "manual"), no)
    assert _snapshot(shop) == before
    run(shop, orders.ship, ChangeContext(MANAGER, "manual", "scanner broken"), no, {1: 1}, courier="SF",
        tracking_no="SF1000000001")
    [ship] = _events(shop, no, "ship")
    assert (ship.actor, ship.source, ship.reason) == ("max", "manual", "scanner broken")


def test_an_unpaid_order_waits_unless_its_channel_is_cash_on_delivery(shop):
    unpaid = make_order(shop, channel="pos", status=Status.AWAITING_PAYMENT)
    waiting = make_order(shop, channel="pos", status=Status.AWAITING_SHIPMENT, paid_minor=100)
    with pytest.raises(TransitionNotAllowed, match="not paid .* not cash on delivery"):
        run(shop, orders.transition, ChangeContext(OWNER), unpaid, Status.AWAITING_SHIPMENT)
    with pytest.raises(TransitionNotAllowed, match="not paid"):
        run(shop, orders.ship, ChangeContext(OWNER, "manual", "handed over"), waiting)
    with pytest.raises(ValidationError, match="not paid"):  # a bulk change is refused when proposed
        run(shop, changesets.submit, ChangeContext(OWNER), "set_status", {"status": "awaiting_shipment"}, "go",
            selection=[_order(shop, unpaid).id])
    with pytest.raises(ValidationError, match="unknown channel"):
        run(shop, settings.set_cod_channels, ChangeContext(OWNER), ["mercadolibre"])
    with pytest.raises(permissions.PermissionDenied):
        run(shop, settings.set_cod_channels, ChangeContext(CLERK), ["pos"])
    run(shop, settings.set_cod_channels, ChangeContext(MANAGER), ["pos", "phone"])
    with shop.read_session() as s:
        assert settings.get_cod_channels(s) == {"pos", "phone"}
        assert s.get(Setting, settings.COD_KEY) is not None
    run(shop, orders.transition, ChangeContext(OWNER), unpaid, Status.AWAITING_SHIPMENT)
    assert _find(shop, waiting).order_no == waiting
    assert _ship(shop, unpaid, {1: 2, 2: 1}).status == Status.SHIPPED.value
    other = make_order(shop, channel="taobao", status=Status.AWAITING_PAYMENT)
    with pytest.raises(TransitionNotAllowed):
        run(shop, orders.transition, ChangeContext(OWNER), other, Status.AWAITING_SHIPMENT)


def test_an_order_without_lines_ships_on_its_scan(shop):
    no = make_shippable(shop, lines=[], total_minor=5000, paid_minor=5000)
    assert _ship(shop, no, {}).status == Status.SHIPPED.value


# ---- ScanSession: the station's and the command line's one session --------------------------------

@pytest.fixture
def session(shop, tmp_path):
    from shop_orders.services.context import AppContext

    now = [1000.0]
    s = scanning.ScanSession(AppContext(shop, tmp_path, tmp_path / "b", CLERK), clock=lambda: now[0])
    s.now = now  # type: ignore[attr-defined] - the test's hand on the clock
    return s


def test_a_session_takes_the_order_its_items_and_the_number_then_undoes_the_parcel(shop, session):
    no = make_shippable(shop)
    assert session.step == scanning.STEP_ORDER
    assert session.scan(no.lower(), "SF").kind == scanning.ORDER and session.step == scanning.STEP_ITEMS
    assert session.scan(no, "SF").kind == scanning.ORDER_AGAIN and session.counted == {}
    first = session.scan("TEA-LJ-250", "SF")
    assert (first.kind, first.sku, first.counted, first.needed) == (scanning.ITEM, "TEA-LJ-250", 1, 2)
    session.scan("TEA-LJ-250", "SF")
    assert session.scan("CUP-GL-01", "SF").kind == scanning.COMPLETE and session.step == scanning.STEP_TRACKING
    done = session.scan("sf 1234567890\r\n", "SF")
    assert (done.kind, done.order_no, done.status) == (scanning.SHIPPED, no, Status.SHIPPED.value)
    assert session.order is None and session.parcels == 1 and session.last_hour() == 1
    assert session.last is not None and session.last.shipment_id is not None and session.can_undo()
    assert _events(shop, no, "ship")[0].source == "scan"
    session.now[0] += 60
    back = session.undo("wrong box")
    assert (back.kind, back.status) == (scanning.UNDONE, Status.AWAITING_SHIPMENT.value)
    assert session.parcels == 0 and session.last is None and not session.can_undo()
    last = _events(shop, no, "ship")[-1]
    assert (last.source, last.actor, last.reason, last.new) == ("scan", "wang", "wrong box", "0")


def test_a_session_refuses_without_changing_and_the_undo_window_closes(shop, session):
    no = make_shippable(shop)
    _refused("not_an_order", session.scan, "HELLO-42", "SF")
    assert session.order is None
    session.open_order(no)
    _refused("wrong_item", session.count_item, "SOCKS")
    assert session.counted == {} and session.step == scanning.STEP_ITEMS
    assert not session.ship_counted()  # nothing counted: no partial shipment
    session.count_item("TEA-LJ-250")
    assert session.ship_counted() and session.step == scanning.STEP_TRACKING
    assert session.scan("SF1234567891", "SF").status == Status.PARTIALLY_SHIPPED.value
    session.now[0] += 61
    assert not session.can_undo()
    assert session.last_hour() == 1
    session.now[0] += 3600
    assert session.last_hour() == 0 and session.parcels == 1


def test_a_supervisor_confirmed_before_the_order_holds_for_the_next_one(shop, session):
    """The command line asks for the PIN first: the skip holds for the order it scans next, and
    only a manager's or owner's right PIN counts."""
    no, other = make_shippable(shop), make_shippable(shop)
    _refused("wrong_pin", session.skip_check, "max", "000000")
    _refused("not_supervisor", session.skip_check, "wang", PINS["wang"])
    assert session.skip_check("max", PINS["max"]).name == "max"
    session.open_order(no)
    assert session.skipped_by is not None and session.step == scanning.STEP_TRACKING
    assert session.ship("SF", "SF1234567892").status == Status.SHIPPED.value
    assert [(e.field, e.new) for e in _events(shop, no, "scan")] == [("item_check", "skipped")]
    session.open_order(other)  # the skip was for one order
    assert session.skipped_by is None and session.step == scanning.STEP_ITEMS


def test_a_skip_after_some_items_ships_everything_items_counted_after_it_ship_alone(shop, session):
    whole, part = make_shippable(shop), make_shippable(shop)
    session.open_order(whole)
    session.count_item("TEA-LJ-250")
    session.skip_check("max", PINS["max"])  # the station's F2 after one item: everything goes
    assert session.ship("SF", "SF1234567893").status == Status.SHIPPED.value
    session.skip_check("max", PINS["max"])  # the command line's --skip-check with --sku
    session.open_order(part)
    session.count_item("CUP-GL-01")
    assert session.ship("SF", "SF1234567894").status == Status.PARTIALLY_SHIPPED.value


# ---- one item too many is never the tracking number (issue 26 item 6) ------------------------------

def test_an_item_scanned_once_every_item_is_counted_is_one_too_many_and_ships_nothing(shop, session):
    no = make_shippable(shop)
    session.scan(no, "SF")
    for sku in ("TEA-LJ-250", "TEA-LJ-250", "CUP-GL-01"):
        session.scan(sku, "SF")
    assert session.step == scanning.STEP_TRACKING
    before = _snapshot(shop)
    said = _refused("too_many", session.scan, "tea-lj-250\r\n", "SF")
    assert "TEA-LJ-250" in said and no in said
    _refused("too_many", session.scan, "CUP-GL-01", "SF")
    assert _snapshot(shop) == before and _order(shop, no).tracking_no == ""
    assert session.step == scanning.STEP_TRACKING and session.counted == {1: 2, 2: 1}  # the session is as it was
    assert session.scan(no, "SF").kind == scanning.ORDER_AGAIN  # its own barcode is not a waybill either
    done = session.scan("SF1234567895", "SF")
    assert done.kind == scanning.SHIPPED and _order(shop, no).tracking_no == "SF1234567895"


def test_after_a_supervisors_skip_an_item_is_one_too_many_not_the_tracking_number(shop, session):
    no = make_shippable(shop)
    session.open_order(no)
    session.skip_check("max", PINS["max"])
    before = _snapshot(shop)
    _refused("too_many", session.scan, "CUP-GL-01", "SF")
    assert _snapshot(shop) == before and session.skipped_by is not None


def test_a_tracking_number_that_is_a_sku_or_order_id_of_the_store_is_refused_everywhere(shop, session):
    """Another order's SKU (stored in small letters, scanned in capitals), an order id of the
    store: refused by the scan, by the unit of work and by shipping by hand, nothing changed."""
    from shop_orders.services.parcels import store_barcode

    other = make_shippable(shop, lines=[orders.LineDraft("book-9787020002207", "红楼梦", 1, 5000)])
    no = make_shippable(shop)
    with shop.read_session() as s:
        assert store_barcode(s, "BOOK-9787020002207") == "book-9787020002207"
        assert store_barcode(s, f" {other.lower()} ") == other
        assert store_barcode(s, "SF1234567896") == ""
    before = _snapshot(shop)
    session.open_order(no)
    for sku in ("TEA-LJ-250", "TEA-LJ-250", "CUP-GL-01"):
        session.count_item(sku)
    said = _refused("tracking_is_item", session.scan, "BOOK-9787020002207", "SF")
    assert "book-9787020002207" in said
    assert other in _refused("tracking_is_item", session.scan, other, "SF")
    _refused("tracking_is_item", _ship, shop, no, {1: 2, 2: 1}, number="cup-gl-01")
    with pytest.raises(ScanRefused) as caught:
        run(shop, orders.ship, ChangeContext(OWNER, reason="courier came early"), no, None, courier="SF",
            tracking_no="BOOK-9787020002207")
    assert caught.value.kind == "tracking_is_item"
    with pytest.raises(ValidationError, match="is an item or an order of this shop"):  # nor by editing the order
        run(shop, orders.edit, ChangeContext(OWNER, reason="typo"), no, {"tracking_no": "book-9787020002207"})
    assert _snapshot(shop) == before
    assert session.scan("SF1234567896", "SF").kind == scanning.SHIPPED
