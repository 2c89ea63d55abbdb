"""AppContext.run and AppContext.read: the one way the front ends change and read the store."""

from __future__ import annotations

import pytest

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.services import orders
from shop_orders.services.context import AppContext, current_actor
from shop_orders.store.models import AuditEvent, Order
from tests.factories import draft


def _context(db, tmp_path) -> AppContext:
    return AppContext(db, tmp_path, tmp_path / "backups", current_actor())


def test_run_commits_the_change_as_the_signed_in_person_with_its_source_and_reason(db, tmp_path):
    ctx = _context(db, tmp_path)
    order = ctx.run(lambda uow, change: orders.create_order(uow, change, draft(channel_order_no="R-1")),
                    source="import:file.csv", reason="weekly file")
    events = ctx.read(lambda s: s.query(AuditEvent).filter_by(order_no=order.order_no).all())
    assert events and {e.source for e in events} == {"import:file.csv"}
    assert {e.reason for e in events} == {"weekly file"}
    assert {e.actor for e in events} == {ctx.actor.name}


def test_run_writes_nothing_when_the_change_fails(db, tmp_path):
    ctx = _context(db, tmp_path)

    def half_then_fail(uow, change):
        orders.create_order(uow, change, draft(channel_order_no="R-2"))
        raise ShopOrdersError("the second order's row 3 has no buyer")

    with pytest.raises(ShopOrdersError, match="no buyer"):
        ctx.run(half_then_fail)
    assert ctx.read(lambda s: s.query(Order).count()) == 0
    assert ctx.read(lambda s: s.query(AuditEvent).count()) == 0
