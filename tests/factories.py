"""Test data builders: orders created through the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import orders
from shop_orders.services.uow import UnitOfWork

ALICE = ChangeContext(Actor("alice"), "manual")
_counter = iter(range(1, 10**9))


def ctx(name: str = "alice", source: str = "manual", reason: str = "") -> ChangeContext:
    return ChangeContext(Actor(name), source, reason)


def draft(**kw) -> orders.OrderDraft:
    n = next(_counter)
    base = dict(
        channel="taobao", channel_order_no=f"{4000000000000000000 + n}",
        created_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), currency="CNY",
        buyer="tb_小明", recipient="王伟", phone="13800138000", address="浙江省杭州市西湖区文三路1号",
        status=Status.AWAITING_PAYMENT,
        lines=[orders.LineDraft("TEA-LJ-250", "西湖龙井 250g", 2, 16800),
               orders.LineDraft("CUP-GL-01", "玻璃茶杯", 1, 3900)],
    )
    base.update(kw)
    return orders.OrderDraft(**base)


def make_order(db, clock=None, **kw):
    """Create one order; returns its global id."""
    uow = UnitOfWork(db, clock=clock) if clock else UnitOfWork(db)
    with uow:
        order = orders.create_order(uow, ALICE, draft(**kw))
        uow.commit()
        return order.order_no


def run(db, fn, *args, clock=None, rules=None, **kw):
    """The tests' one way to run a service in a unit of work: fn(uow, *args, **kw), committed.
    `clock` fixes the unit of work's time; `rules=()` turns the detection rules off."""
    options = {k: v for k, v in (("clock", clock), ("rules", rules)) if v is not None}
    with UnitOfWork(db, **options) as uow:
        result = fn(uow, *args, **kw)
        uow.commit()
        return result


def apply(db, fn, *args, clock=None, context: ChangeContext = ALICE, **kw):
    """run() of a service that takes the change context (who, from where) after the unit of work."""
    return run(db, fn, context, *args, clock=clock, **kw)


DRAFT_TOTAL = 2 * 16800 + 3900  # the default draft's lines


def make_shippable(db, clock=None, **kw):
    """An order awaiting shipment and paid in full (what the scan-out, and manual shipping, take)."""
    kw.setdefault("status", Status.AWAITING_SHIPMENT)
    kw.setdefault("paid_minor", DRAFT_TOTAL)
    return make_order(db, clock, **kw)


SETTLED = timedelta(days=8)  # longer ago than auth.COOLING


def settled_user(db, by: ChangeContext, name: str, role: str, password: str, pin: str | None = None) -> None:
    """A user as a shop has one after its first week: created by `by` more than auth.COOLING ago,
    and since then signed in and set their own password (and PIN). Such a person may approve what
    `by` proposes (services/changesets.py); one `by` just created may not."""
    from shop_orders.services import auth
    from shop_orders.services.uow import utcnow

    then = utcnow() - SETTLED
    with UnitOfWork(db, clock=lambda: then) as uow:
        auth.create_user(uow, by, name, role, password, pin=pin)
        uow.commit()
    with UnitOfWork(db, clock=lambda: then) as uow:
        auth.set_secret(uow, ChangeContext(Actor(name, role), "manual"), name, password, pin)
        uow.commit()
