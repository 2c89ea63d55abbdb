"""Whether the stock tables still say what the trail says (issue 29): `stock check`, the stock
step of `audit verify` (services/verification.py) and the stock window's warning read it. It
imports no writer, so the verification can use it without a circle."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_orders.domain.messages import t
from shop_orders.store import stock_alloc
from shop_orders.store.models import AuditEvent, StockItem, StockMovement


def state(on_hand: int, incoming: int) -> str:
    """How a stock movement's event states an SKU's quantities (old and new)."""
    return f"on_hand={on_hand} incoming={incoming}"


def check(session: Session, limit: int = 20) -> list[str]:
    """What is wrong with the stock tables, one sentence each (empty: all agrees): an SKU whose
    quantities are not what its last movement left or what the keyed trail's last stock event
    says (someone who writes the database file cannot forge that event), reservations that
    differ from a recomputation."""
    out: list[str] = []
    M, S, A = StockMovement.__table__, StockItem.__table__, AuditEvent.__table__
    newest = select(func.max(M.c.id)).group_by(M.c.sku)
    moved = {sku: (a, b) for sku, a, b in session.execute(
        select(M.c.sku, M.c.on_hand_after, M.c.incoming_after).where(M.c.id.in_(newest)))}
    last = select(func.max(A.c.id)).where(A.c.action == "stock", A.c.order_id.is_(None)).group_by(A.c.field)
    trail = {sku: new for sku, new in session.execute(select(A.c.field, A.c.new).where(A.c.id.in_(last)))}
    for sku, on_hand, incoming in session.execute(select(S.c.sku, S.c.on_hand, S.c.incoming).order_by(S.c.sku)):
        said = trail.get(sku)
        expected = moved.get(sku, (0, 0))
        if expected != (on_hand, incoming) or said != state(on_hand, incoming):
            out.append(t("{sku} has {on_hand} on hand and {incoming} incoming, but its last movement in the audit "
                         "trail left {trail}.", sku=sku, on_hand=on_hand, incoming=incoming,
                         trail=said or t("nothing")))
            if len(out) >= limit:
                return out
    bad, first = stock_alloc.differences(session.connection(), limit)
    if bad:
        out.append(t("the reservations of {count} SKUs differ from a recomputation (the first: {sku}); "
                     "`stock rebuild` reserves again.", count=bad, sku=first[0]))
    return out
