"""Stock movements (issue 29): every change of an SKU's on-hand or incoming quantity writes a
`stock_movements` row AND an event of the keyed audit trail (action "stock", field = the SKU, old
→ new "on_hand=12 incoming=0"): who, when, from which source, why. Parcels move stock here: a
scan-out takes it out (a short order is refused, saying what is missing), a recalled parcel puts
it back, a returned parcel goes back on the shelf once a clerk confirms it. services/orders.py and
services/scanning.py use this module; the catalogue, adjustments and counts are services/stock.py."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.tickets import Kind
from shop_orders.domain.tracking import TrackState
from shop_orders.services import permissions
from shop_orders.services.stock_check import state as _state
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import stock_alloc
from shop_orders.store.models import (
    Order,
    OrderLine,
    Shipment,
    StockItem,
    StockMovement,
    Ticket,
)

MAX_QTY = 10_000_000  # more than any shelf holds: a typo, not a count
MANAGE = "stock.manage"
KEY_PREFIX = "stock:"
SOURCE = "rule:stock"

KINDS = ("count", "adjust", "receive", "ordered", "out", "return", "recall")
KIND_LABELS: dict[str, str] = {
    "count": N_("stocktake"), "adjust": N_("adjustment"), "receive": N_("received"),
    "ordered": N_("ordered from the supplier"), "out": N_("shipped"), "return": N_("returned"),
    "recall": N_("parcel recalled"),
}


def kind_label(kind: str, lang: str | None = None) -> str:
    return t(KIND_LABELS[kind], lang=lang) if kind in KIND_LABELS else kind


# ---- quantities ----------------------------------------------------------------------------------

def clean_sku(sku: str) -> str:
    return str(sku or "").strip()


def quantity(value: object, what: str) -> int:
    """A whole number of units from 0 up (ValidationError naming `what` otherwise)."""
    if isinstance(value, bool):
        raise ValidationError(t("{what} must be a whole number of units.", what=what))
    if isinstance(value, int):
        number = value
    else:
        text_value = str(value).strip()
        if not text_value.lstrip("-").isdigit():
            raise ValidationError(t("{what} must be a whole number of units, not '{value}'.", what=what,
                                    value=text_value[:40]))
        number = int(text_value)
    if number < 0:
        raise ValidationError(t("{what} cannot be negative ({value}).", what=what, value=number))
    if number > MAX_QTY:
        raise ValidationError(t("{what} is too large ({value}).", what=what, value=number))
    return number


def locked(uow: UnitOfWork, sku: str) -> StockItem:
    item = uow.session.execute(select(StockItem).where(col(StockItem.sku) == clean_sku(sku))
                               .with_for_update()).scalar_one_or_none()
    if item is None:
        raise ValidationError(t("{sku} is not in the stock catalogue.", sku=clean_sku(sku)[:64] or "—"))
    return item


def move(uow: UnitOfWork, ctx: ChangeContext, item: StockItem, kind: str, *, on_hand: int | None = None,
          incoming: int | None = None, reason: str = "", order: Order | None = None) -> StockMovement:
    """Write one movement: the item's new quantities, the movement row and the trail's event."""
    movement = StockMovement(**step(uow, ctx, item, kind, on_hand=on_hand, incoming=incoming, reason=reason,
                                    order=order))
    uow.session.add(movement)
    return movement


def step(uow: UnitOfWork, ctx: ChangeContext, item: StockItem, kind: str, *, on_hand: int | None = None,
         incoming: int | None = None, reason: str = "", order: Order | None = None) -> dict[str, Any]:
    """One movement but its row: the item's new quantities and the trail's event; returns the
    movement row's values (`move` adds it; a stocktake writes its rows with one executemany,
    `write_steps`)."""
    new_on_hand = item.on_hand if on_hand is None else on_hand
    new_incoming = item.incoming if incoming is None else incoming
    if new_on_hand < 0:
        raise ValidationError(t("{sku} has {on_hand} on hand: {kind} of {delta} would leave less than none; "
                                "nothing was changed.", sku=item.sku, on_hand=item.on_hand, kind=kind_label(kind),
                                delta=new_on_hand - item.on_hand))
    old = _state(item.on_hand, item.incoming)
    delta = (new_incoming - item.incoming) if kind == "ordered" else (new_on_hand - item.on_hand)
    # reserved never above on hand (the table's CHECK); the settle at commit reserves exactly again
    item.reserved = min(item.reserved, new_on_hand)
    item.on_hand, item.incoming, item.updated_at = new_on_hand, max(0, new_incoming), uow.now
    row = dict(sku=item.sku, at=uow.now, actor=ctx.actor.name, source=ctx.source[:64], kind=kind, delta=delta,
               on_hand_after=item.on_hand, incoming_after=item.incoming,
               order_id=order.id if order is not None else None,
               order_no=order.order_no if order is not None else "", reason=(reason or ctx.reason)[:2000])
    uow.record(ctx, "stock", order_id=None, order_no=order.order_no if order is not None else "", field=item.sku,
               old=old, new=_state(item.on_hand, item.incoming))
    return row


def write_steps(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """The movement rows of many `step`s, in their order, with one executemany."""
    if rows:
        uow.session.execute(insert(StockMovement.__table__), rows)


def need_reason(reason: str) -> str:
    text_value = (reason or "").strip()
    if not text_value:
        raise ValidationError(t("A stock change needs a reason."))
    return text_value[:2000]


# ---- parcels: out, recalled, returned -------------------------------------------------------------

def _catalogued(session: Session, skus: Iterable[str]) -> dict[str, StockItem]:
    wanted = sorted({s for s in skus if s})
    if not wanted:
        return {}
    return {i.sku: i for i in session.execute(select(StockItem).where(col(StockItem.sku).in_(wanted))
                                              .with_for_update()).scalars()}


def has_catalogue(session: Session) -> bool:
    """Whether the catalogue holds an SKU, asked once per unit of work (add_sku says so itself)."""
    known = session.info.get("stock_catalogue")
    if known is None:
        known = session.info["stock_catalogue"] = stock_alloc.present(session.connection())
    return bool(known)


def short_text(missing: dict[str, int]) -> str:
    """"2 × A-1, 1 × B-2": what an order is short of, by SKU."""
    return ", ".join(f"{n} × {sku}" for sku, n in sorted(missing.items()))[:200]


def short_refusal(session: Session, order_id: int, order_no: str) -> str | None:
    """Why this order may not ship now for want of stock (what is missing), or None."""
    missing = stock_alloc.missing_of(session.connection(), [order_id]).get(order_id)
    if not missing:
        return None
    return t("Stop: order {order} is short of stock ({missing}); do not send it until the stock arrives.",
             order=order_no, missing=short_text(missing))


def take_out(uow: UnitOfWork, ctx: ChangeContext, order: Order, items: dict[int, int], *,
             elsewhere: bool = False) -> None:
    """A parcel of `order` left with these line quantities (line_no -> qty): the catalogued SKUs'
    on-hand falls by them ("out" movements). Called by orders.ship after its checks; a short order
    is refused before anything is written.

    `elsewhere`: the channel's file says the order shipped (services/orders.py, an import): the
    goods have left whatever the catalogue thought, so nothing is refused; an SKU with less on hand
    than left falls to 0, and its movement says by how much the shelf was over-counted."""
    assert order.id is not None  # a stored row
    if not has_catalogue(uow.session):
        return  # nothing is stock-controlled (an import of many shipped orders asks once)
    refusal = None if elsewhere else short_refusal(uow.session, order.id, order.order_no)
    if refusal:
        raise ValidationError(refusal)
    by_line = {line.line_no: line for line in order.lines}
    stock = _catalogued(uow.session, (by_line[int(n)].sku for n in items if int(n) in by_line))
    for n, qty in items.items():
        line = by_line.get(int(n))
        item = stock.get(line.sku) if line is not None else None
        if item is None or not qty:
            continue
        reason = ""
        if item.on_hand < qty and not elsewhere:
            raise ValidationError(t("Stop: {sku} has only {on_hand} on hand and order {order} needs {qty}; do not "
                                    "send it until the stock arrives.", sku=item.sku, on_hand=item.on_hand,
                                    order=order.order_no, qty=qty))
        if item.on_hand < qty:
            reason = t("shipped on the channel: {qty} left, {on_hand} were on hand here", qty=qty,
                       on_hand=item.on_hand)
        taken = min(qty, item.on_hand)
        item.reserved -= min(item.reserved, taken)  # its reservation goes with it
        move(uow, ctx, item, "out", on_hand=item.on_hand - taken, order=order, reason=reason)


def _parcel_back(uow: UnitOfWork, ctx: ChangeContext, order: Order, shipment: Shipment, kind: str,
                 reason: str) -> None:
    by_line = {line.line_no: line for line in order.lines}
    parcel = {int(n): int(q) for n, q in json.loads(shipment.items or "{}").items()}
    stock = _catalogued(uow.session, (by_line[n].sku for n in parcel if n in by_line))
    for n, qty in parcel.items():
        line = by_line.get(n)
        item = stock.get(line.sku) if line is not None else None
        if item is not None and qty > 0:
            move(uow, ctx, item, kind, on_hand=item.on_hand + qty, order=order, reason=reason)


def put_back_recalled(uow: UnitOfWork, ctx: ChangeContext, order: Order, shipment: Shipment) -> None:
    """A recalled parcel never left: its catalogued quantities are on the shelf again ("recall")."""
    _parcel_back(uow, ctx, order, shipment, "recall", ctx.reason)


@dataclass(frozen=True)
class ReturnRow:
    shipment_id: int
    order_id: int
    order_no: str
    courier: str
    tracking_no: str
    why: str  # "courier" (returned at the courier) or "ticket" (a return ticket closed)
    items: str  # "2 × A-1, 1 × B-2"


def pending_returns(session: Session, limit: int = 500) -> list[ReturnRow]:
    """Parcels that came back and wait for a clerk to put them on the shelf: returned at the
    courier (tracking state "returned"), or of an order whose return ticket was closed."""
    S, K = Shipment.__table__, Ticket.__table__
    closed_return = select(K.c.order_id).where(K.c.kind == Kind.RETURN.value, K.c.state == "closed")
    rows = session.execute(
        select(S.c.id, S.c.order_id, Order.__table__.c.order_no, S.c.courier, S.c.tracking_no, S.c["items"],
               S.c.track_state)
        .join(Order.__table__, Order.__table__.c.id == S.c.order_id)
        .where(S.c.restocked_at.is_(None), S.c.recalled_at.is_(None),
               (S.c.track_state == TrackState.RETURNED.value) | S.c.order_id.in_(closed_return))
        .order_by(S.c.id).limit(limit)).all()
    skus = _line_skus(session, {int(r.order_id) for r in rows})
    out = []
    for r in rows:
        parcel = {int(n): int(q) for n, q in json.loads(r.items or "{}").items()}
        missing = {skus.get((int(r.order_id), n), "?"): q for n, q in parcel.items() if q > 0}
        out.append(ReturnRow(int(r.id), int(r.order_id), r.order_no, r.courier, r.tracking_no,
                             "courier" if r.track_state == TrackState.RETURNED.value else "ticket", short_text(missing)))
    return out


def _came_back(session: Session, shipment: Shipment) -> bool:
    """The courier says the parcel was returned, or a return ticket of its order is closed."""
    if shipment.track_state == TrackState.RETURNED.value:
        return True
    K = Ticket.__table__
    return session.execute(select(K.c.id).where(K.c.order_id == shipment.order_id, K.c.kind == Kind.RETURN.value,
                                                K.c.state == "closed").limit(1)).first() is not None


def _line_skus(session: Session, order_ids: set[int]) -> dict[tuple[int, int], str]:
    if not order_ids:
        return {}
    L = OrderLine.__table__
    return {(int(a), int(b)): c for a, b, c in session.execute(
        select(L.c.order_id, L.c.line_no, L.c.sku).where(L.c.order_id.in_(sorted(order_ids))))}


def confirm_return(uow: UnitOfWork, ctx: ChangeContext, shipment_id: int, reason: str) -> Order:
    """The clerk has the returned parcel in hand and puts it back on the shelf ("return"
    movements for its catalogued SKUs); a parcel is put back once."""
    permissions.require(uow, ctx.actor, MANAGE)
    why = need_reason(reason)
    shipment = uow.session.execute(select(Shipment).where(col(Shipment.id) == shipment_id)
                                   .with_for_update()).scalar_one_or_none()
    if shipment is None:
        raise ValidationError(t("There is no parcel {id}.", id=shipment_id))
    if shipment.restocked_at is not None:
        raise ValidationError(t("The parcel {id} was already put back on the shelf.", id=shipment_id))
    if shipment.recalled_at is not None:
        raise ValidationError(t("The parcel {id} was recalled: it never left, so there is nothing to put back.",
                                id=shipment_id))
    if not _came_back(uow.session, shipment):
        raise ValidationError(t("The parcel {id} has not come back: neither the courier nor a closed return "
                                "ticket says so.", id=shipment_id))
    order = uow.session.get(Order, shipment.order_id)
    assert order is not None  # a parcel's order (cascade)
    _parcel_back(uow, ctx, order, shipment, "return", why)
    shipment.restocked_at = uow.now
    uow.record(ctx, "stock", order_id=order.id, order_no=order.order_no, field="restocked",
               old=None, new=shipment.tracking_no or str(shipment_id))
    return order

