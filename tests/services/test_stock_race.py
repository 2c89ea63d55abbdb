"""Two seats at once for the last unit (issue 29: "available never negative, also when two seats
reserve the last unit at once"), on SQLite and PostgreSQL: each seat its own Database (its own
engine, its own data folder holding the store's key, as two PCs have), each in its own thread,
released together by a barrier, each doing its work in its own unit of work.

- Two paid orders for an SKU with 1 on hand, created at the same moment (or two orders for it
  paid at the same moment): exactly one is served, the other is short with its out-of-stock
  ticket; reserved never above on hand.
- Two seats scan out the order holding the last unit at the same moment: one parcel leaves, the
  other scan is refused; on hand 0, never −1.
- One seat ships the order holding the last unit while another takes that unit off the shelf
  (broken): whichever goes first wins, the other is refused, and on hand never goes below 0; if
  the adjustment won, the order is short with its ticket.
- Two seats take the last unit off the shelf at once: one adjustment applies, the other is refused.
In every case the reservations equal a recomputation (`stock check` finds nothing) and the trail
is one unbroken chain."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.status import Status
from shop_orders.services import orders, stock
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit
from shop_orders.store.open import open_database
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual", "as the customer asked")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def run(db, fn, *args, at=T0, **kw):
    with UnitOfWork(db, clock=lambda: at) as uow:
        out = fn(uow, *args, **kw)
        uow.commit()
        return out


@pytest.fixture
def seats(db, tmp_path):
    """The store as two seats see it: the test's database and a second one, opened apart."""
    other = open_database(db.url.render_as_string(hide_password=False), data_dir=tmp_path / "seat2")
    audit.adopt_key(other, db.chain_key, "key file")
    yield db, other
    other.dispose()


def together(seats, *work: Callable[[Any], Any]) -> list[Any]:
    """Each work(seat) in its own thread, released at the same moment; what each returned or raised."""
    barrier = threading.Barrier(len(work))
    out: list[Any] = [None] * len(work)

    def one(i: int) -> None:
        barrier.wait(10)
        try:
            out[i] = work[i](seats[i])
        except Exception as exc:  # noqa: BLE001 - the test looks at what each seat was told
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(work))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not any(th.is_alive() for th in threads), "a seat never finished"
    return out


def paid(at: datetime, sku: str = "LAST", qty: int = 1) -> orders.OrderDraft:
    return draft(status=Status.AWAITING_SHIPMENT, paid_minor=qty * 1000, total_minor=qty * 1000, created_at=at,
                 paid_at=at, lines=[orders.LineDraft(sku, "the last one", qty, 1000)])


def create(d: orders.OrderDraft, at: datetime) -> Callable[[Any], str]:
    return lambda seat: run(seat, lambda uow: orders.create_order(uow, OWNER, d).order_no, at=at)


def last_unit(db) -> None:
    run(db, stock.add_sku, OWNER, "LAST", "the last one")
    run(db, stock.receive, OWNER, "LAST", 1, "the only one")


def state(db) -> tuple[int, int, dict[str, int], set[str]]:
    """(on hand, reserved, order number -> missing, order numbers with an active out-of-stock ticket)."""
    with db.engine.connect() as c:
        on_hand, reserved = c.execute(text("SELECT on_hand, reserved FROM stock_items WHERE sku = 'LAST'")).one()
        missing = dict(c.execute(text("SELECT o.order_no, r.missing FROM stock_reservations r JOIN orders o "
                                      "ON o.id = r.order_id WHERE r.missing > 0")).all())
        ticketed = set(c.execute(text("SELECT order_no FROM tickets WHERE kind = 'out_of_stock' AND state IN "
                                      "('open', 'in_progress', 'waiting')")).scalars())
    return int(on_hand), int(reserved), {k: int(v) for k, v in missing.items()}, ticketed


def sound(db) -> None:
    on_hand, reserved, _, _ = state(db)
    assert 0 <= reserved <= on_hand
    with db.read_session() as s:
        assert stock.check(s) == []
        assert audit.verify(s, audit.HeadFile(db.head_file).read()).ok


def test_two_seats_reserving_the_last_unit_at_once_one_is_served_one_is_short(seats):
    db = seats[0]
    last_unit(db)
    first = paid(T0 + timedelta(minutes=1))
    second = paid(T0 + timedelta(minutes=2))
    made = together(seats, create(first, T0 + timedelta(minutes=3)), create(second, T0 + timedelta(minutes=3)))
    assert all(isinstance(no, str) for no in made), made
    on_hand, reserved, missing, ticketed = state(db)
    assert (on_hand, reserved) == (1, 1)
    assert len(missing) == 1 and set(missing.values()) == {1}
    (short,) = missing
    assert short in made and ticketed == {short}
    # first paid, first served, whichever seat committed first
    with db.read_session() as s:
        paid_first = s.execute(text("SELECT o.order_no FROM orders o JOIN payments p ON p.order_id = o.id "
                                    "ORDER BY p.paid_at LIMIT 1")).scalar_one()
    assert short != paid_first
    sound(db)


def _ship(no: str, n: int) -> Callable[[Any], Any]:
    return lambda seat: run(seat, orders.ship, SCAN, no, courier="SF", tracking_no=f"SF{1200000000000 + n}",
                            at=T0 + timedelta(hours=1))


def test_two_seats_recording_payments_for_the_last_unit_at_once_one_is_served(seats):
    db = seats[0]
    last_unit(db)
    nos = [run(db, lambda uow: orders.create_order(uow, OWNER, draft(
        status=Status.AWAITING_PAYMENT, total_minor=1000, created_at=T0, lines=[
            orders.LineDraft("LAST", "the last one", 1, 1000)])).order_no) for _ in range(2)]
    assert state(db)[:3] == (1, 0, {})  # unpaid: not waiting for stock yet

    def pay(no: str) -> Callable[[Any], Any]:
        return lambda seat: run(seat, orders.record_payment, OWNER, no, 1000, at=T0 + timedelta(hours=1))

    got = together(seats, pay(nos[0]), pay(nos[1]))
    assert not any(isinstance(x, Exception) for x in got), got
    on_hand, reserved, missing, ticketed = state(db)
    assert (on_hand, reserved) == (1, 1) and len(missing) == 1 and ticketed == set(missing) <= set(nos)
    sound(db)


def _broken(seat) -> str:
    """Take the last unit off the shelf (it fell)."""
    return run(seat, stock.adjust, OWNER, "LAST", -1, "dropped it", at=T0 + timedelta(hours=1))


def test_two_seats_scanning_out_the_last_unit_at_once_one_parcel_leaves(seats):
    db = seats[0]
    last_unit(db)
    no = run(db, lambda uow: orders.create_order(uow, OWNER, paid(T0)).order_no)
    waiting = run(db, lambda uow: orders.create_order(uow, OWNER, paid(T0 + timedelta(minutes=5))).order_no)
    got = together(seats, _ship(no, 1), _ship(no, 2))
    refused = [x for x in got if isinstance(x, Exception)]
    assert len(refused) == 1 and "already shipped" in str(refused[0]), got
    on_hand, reserved, missing, ticketed = state(db)
    assert (on_hand, reserved) == (0, 0)
    assert missing == {waiting: 1} and ticketed == {waiting}
    with db.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM shipments")).scalar() == 1
        assert c.execute(text("SELECT COUNT(*) FROM stock_movements WHERE kind = 'out'")).scalar() == 1
    sound(db)


def test_a_scan_out_and_an_adjustment_down_of_the_last_unit_at_once_one_wins(seats):
    db = seats[0]
    last_unit(db)
    no = run(db, lambda uow: orders.create_order(uow, OWNER, paid(T0)).order_no)
    broken = _broken
    got = together(seats, _ship(no, 1), broken)
    assert sum(isinstance(x, Exception) for x in got) == 1, got
    on_hand, reserved, missing, ticketed = state(db)
    assert (on_hand, reserved) == (0, 0)
    if isinstance(got[0], Exception):  # the adjustment went first: the order is short now, not sent
        assert isinstance(got[0], ValidationError) and "short of stock" in str(got[0])
        assert got[1] == "applied" and missing == {no: 1} and ticketed == {no}
    else:  # the parcel went first: nothing left to take away
        assert isinstance(got[1], ValidationError) and "less than none" in str(got[1])
        assert missing == {} and ticketed == set()
    sound(db)


def test_two_seats_taking_the_last_unit_off_the_shelf_at_once_one_is_refused(seats):
    db = seats[0]
    last_unit(db)
    broken = _broken
    got = together(seats, broken, broken)
    assert sorted(type(x).__name__ for x in got) == ["ValidationError", "str"], got
    assert "applied" in got
    assert state(db)[:2] == (0, 0)
    with db.engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM stock_movements WHERE kind = 'adjust'")).scalar() == 1
    sound(db)
