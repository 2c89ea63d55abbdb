"""Stock reservations settled inside every unit of work (issue 29): `on_change` is the unit of
work's first rule (services/context.py): it reserves again (store/stock_alloc.py: first paid,
first served) for the SKUs the batch touched, and an order whose lines cannot all be reserved is
SHORT: an order event (action "stock", field "short", old → new "2 × A-1, 1 × B-2"), an
out-of-stock ticket (the shop's SLA table: P1, 4 h, warehouse). When stock arrives and the order is
served, the flag clears by itself and its ticket is resolved, with a note.

History: an order paid before the catalogue knew the SKU it is short of is history; with the
shop's "summary" setting (the default) such orders go into one summary ticket per age band
instead of a ticket each (the same rule as the stale sweep's, services/tickets.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.tickets import Kind, rule_note
from shop_orders.services import permissions, tickets
from shop_orders.services.stock_moves import KEY_PREFIX, MANAGE, SOURCE, short_text
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit, stock_alloc
from shop_orders.store.models import Order, StockItem, StockReservation

# ---- the rule: settle what a unit of work touched -------------------------------------------------


def on_change(uow: UnitOfWork, batch: Sequence[audit.PendingEvent]) -> None:
    """The unit of work's first rule: reserve again for the SKUs this batch touched (its orders'
    lines, its stock movements), then flag the orders whose shortage changed and ticket them."""
    conn = uow.session.connection()
    skus = {e.field for e in batch if e.action == "stock" and e.order_id is None}
    orders = {e.order_id for e in batch if e.order_id is not None and e.action != "stock"
              and e.action != "ticket"} | uow.bulk_orders
    uow.bulk_orders = set()
    if not skus and not orders:
        return
    uow.session.flush()
    if not stock_alloc.present(conn):
        return
    touched = skus | stock_alloc.skus_of_orders(conn, orders)
    if touched:
        _settled(uow, *stock_alloc.settle(conn, sorted(touched)), touched=touched)


def rebuild(uow: UnitOfWork, ctx: ChangeContext) -> int:
    """Reserve again for every SKU (`stock rebuild`, after `stock check` found the reservations
    edited; permission stock.manage); flags and tickets follow. Returns how many orders are short."""
    permissions.require(uow, ctx.actor, MANAGE)
    conn = uow.session.connection()
    uow.session.flush()
    before, after = stock_alloc.settle(conn, None)
    _settled(uow, before, after, touched=None)
    return len(after)


def _settled(uow: UnitOfWork, before: stock_alloc.Missing, after: stock_alloc.Missing,
             touched: set[str] | None) -> None:
    changed = sorted(oid for oid in before.keys() | after.keys() if before.get(oid) != after.get(oid))
    if not changed:
        return
    conn = uow.session.connection()
    now_full = stock_alloc.missing_of(conn, changed)
    orders_t = Order.__table__
    numbers: dict[int, str] = {}
    for i in range(0, len(changed), 900):
        numbers.update((int(a), b) for a, b in uow.session.execute(
            select(orders_t.c.id, orders_t.c.order_no).where(orders_t.c.id.in_(changed[i:i + 900]))))
    ctx = ChangeContext(tickets.SYSTEM, SOURCE)
    newly, cleared = [], {}
    for oid in changed:
        new = now_full.get(oid, {})
        old = {k: v for k, v in new.items() if touched is not None and k not in touched}
        old.update(before.get(oid, {}))
        old_text, new_text = short_text(old), short_text(new)
        if old_text == new_text:
            continue
        uow.record(ctx, "stock", order_id=oid, order_no=numbers.get(oid, ""), field="short",
                   old=old_text or None, new=new_text or None)
        if new_text:
            newly.append(oid)
        elif old_text:
            cleared[oid] = numbers.get(oid, "")
    _ticket(uow, ctx, newly, now_full, numbers)
    if cleared:
        _resolve(uow, ctx, cleared)


def _ticket(uow: UnitOfWork, ctx: ChangeContext, ids: list[int], missing: stock_alloc.Missing,
            numbers: dict[int, str]) -> None:
    """Out-of-stock tickets for orders that became short (or whose shortage changed): history goes
    into summary tickets (orders paid before the catalogue knew the SKU they miss)."""
    if not ids:
        return
    R, S = StockReservation.__table__, StockItem.__table__
    history: dict[int, datetime] = {}
    for i in range(0, len(ids), 900):
        for oid, paid, added in uow.session.execute(
                select(R.c.order_id, R.c.priority_at, S.c.added_at).join(S, S.c.sku == R.c.sku)
                .where(R.c.order_id.in_(ids[i:i + 900]), R.c.missing > 0)):
            if paid is not None and added is not None and paid < added:
                history[int(oid)] = min(history.get(int(oid), paid), paid)
    sightings = []
    for oid in ids:
        text_value = short_text(missing.get(oid, {}))
        note = rule_note("{order} is short of stock: {missing}.", order=numbers.get(oid, ""), missing=text_value)
        sightings.append((oid, numbers.get(oid, ""), KEY_PREFIX + text_value, note))
    tickets.detected_many(uow, ctx, Kind.OUT_OF_STOCK, sightings, history=history)


def _resolve(uow: UnitOfWork, ctx: ChangeContext, cleared: dict[int, str]) -> None:
    tickets.resolve_detected(uow, ctx, Kind.OUT_OF_STOCK, cleared, KEY_PREFIX,
                             note="{order} no longer waits for stock: it is served, shipped, cancelled or refunded.")


# ---- reads ---------------------------------------------------------------------------------------

def short_of(session: Session, order_ids: Iterable[int]) -> dict[int, str]:
    """Order id -> what it is short of ("2 × A-1"), for the orders among these that are short."""
    return {oid: short_text(m) for oid, m in stock_alloc.missing_of(session.connection(), order_ids).items()}

