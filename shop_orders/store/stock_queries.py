"""The stock lists' reads (the stock window's model, `stock list`, purchase suggestions): one
page at a time over SQL, so 10,000 SKUs cost what 200 do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from shop_orders.domain.stock import MovementRow, StockFilter, StockRow, Suggestion, suggested
from shop_orders.store.models import Order, StockBarcode, StockItem, StockMovement, StockReservation

S, R, B, M = StockItem.__table__, StockReservation.__table__, StockBarcode.__table__, StockMovement.__table__
SORTS = {"sku": S.c.sku, "title": S.c.title, "location": S.c.location, "on_hand": S.c.on_hand,
         "reserved": S.c.reserved, "available": S.c.on_hand - S.c.reserved, "safety": S.c.safety,
         "incoming": S.c.incoming}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(f: StockFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.short:
        out.append(exists().where(R.c.sku == S.c.sku, R.c.missing > 0))
    if f.below_safety:
        out.append(S.c.on_hand - S.c.reserved < S.c.safety)
    if f.location:
        out.append(S.c.location == f.location)
    if f.text.strip():
        prefix = _escape(f.text.strip()) + "%"
        out.append(or_(S.c.sku.like(prefix, escape="\\"), S.c.title.like(prefix, escape="\\"),
                       exists().where(B.c.sku == S.c.sku, B.c.code.like(prefix, escape="\\"))))
    return out


def count(session: Session, f: StockFilter) -> int:
    return int(session.execute(select(func.count()).select_from(S).where(*_where(f))).scalar_one())


def page(session: Session, f: StockFilter, offset: int = 0, limit: int = 200, sort: str = "sku",
         descending: bool = False) -> list[StockRow]:
    key = SORTS.get(sort, S.c.sku)
    order = [key.desc(), S.c.sku.desc()] if descending else [key, S.c.sku]
    rows = session.execute(select(S.c.sku, S.c.title, S.c.location, S.c.on_hand, S.c.reserved, S.c.safety,
                                  S.c.incoming).where(*_where(f)).order_by(*order).offset(offset).limit(limit)).all()
    return _rows(session, rows)


def _rows(session: Session, rows: Sequence[Any]) -> list[StockRow]:
    skus = [r.sku for r in rows]
    if not skus:
        return []
    demand = {sku: (int(w or 0), int(n or 0)) for sku, w, n in session.execute(
        select(R.c.sku, func.sum(R.c.wanted), func.count(func.distinct(case((R.c.missing > 0, R.c.order_id)))))
        .where(R.c.sku.in_(skus)).group_by(R.c.sku))}
    codes: dict[str, list[str]] = {}
    for sku, code in session.execute(select(B.c.sku, B.c.code).where(B.c.sku.in_(skus)).order_by(B.c.code)):
        codes.setdefault(sku, []).append(code)
    return [StockRow(r.sku, r.title, r.location, int(r.on_hand), int(r.reserved), int(r.safety), int(r.incoming),
                     demand.get(r.sku, (0, 0))[0], demand.get(r.sku, (0, 0))[1], tuple(codes.get(r.sku, ())))
            for r in rows]


def one(session: Session, sku: str) -> StockRow | None:
    rows = session.execute(select(S.c.sku, S.c.title, S.c.location, S.c.on_hand, S.c.reserved, S.c.safety,
                                  S.c.incoming).where(S.c.sku == sku)).all()
    found = _rows(session, rows)
    return found[0] if found else None


def locations(session: Session) -> list[str]:
    return [x for (x,) in session.execute(select(S.c.location).where(S.c.location != "").distinct()
                                          .order_by(S.c.location))]


def movements(session: Session, sku: str, limit: int = 500) -> list[MovementRow]:
    return [MovementRow(int(r.id), r.at, r.actor, r.source, r.kind, int(r.delta), int(r.on_hand_after),
                        int(r.incoming_after), r.order_no, r.reason)
            for r in session.execute(select(M).where(M.c.sku == sku).order_by(M.c.id.desc()).limit(limit))]


def suggestions(session: Session) -> list[Suggestion]:
    """Every SKU below its safety stock or short for paid orders whose suggested quantity is above
    nothing, by SKU, with the orders waiting for it (first paid first)."""
    demand = select(R.c.sku, func.sum(R.c.wanted).label("demand"),
                    func.sum(R.c.missing).label("missing")).group_by(R.c.sku).subquery()
    rows = session.execute(
        select(S.c.sku, S.c.title, S.c.location, S.c.on_hand, S.c.reserved, S.c.safety, S.c.incoming,
               func.coalesce(demand.c.demand, 0).label("demand"))
        .outerjoin(demand, demand.c.sku == S.c.sku)
        .where(or_(S.c.on_hand - S.c.reserved < S.c.safety, func.coalesce(demand.c.missing, 0) > 0))
        .order_by(S.c.sku)).all()
    wanted = [r for r in rows if suggested(int(r.demand), int(r.safety), int(r.on_hand), int(r.incoming)) > 0]
    waiting: dict[str, list[str]] = {}
    orders_t = Order.__table__
    skus = [r.sku for r in wanted]
    for i in range(0, len(skus), 500):
        for sku, no in session.execute(
                select(R.c.sku, orders_t.c.order_no).join(orders_t, orders_t.c.id == R.c.order_id)
                .where(and_(R.c.sku.in_(skus[i:i + 500]), R.c.missing > 0))
                .order_by(R.c.sku, R.c.priority_at, R.c.order_id)):
            if not waiting.get(sku) or waiting[sku][-1] != no:
                waiting.setdefault(sku, []).append(no)
    return [Suggestion(r.sku, r.title, r.location, int(r.on_hand), int(r.reserved), int(r.demand), int(r.safety),
                       int(r.incoming), suggested(int(r.demand), int(r.safety), int(r.on_hand), int(r.incoming)),
                       tuple(waiting.get(r.sku, ()))) for r in wanted]


def location_of(session: Session, skus: list[str]) -> dict[str, str]:
    """Each catalogued SKU's shelf location (the packing slip's pick list)."""
    if not skus:
        return {}
    return dict(session.execute(select(S.c.sku, S.c.location).where(S.c.sku.in_(sorted(set(skus))))).all())


def barcodes_of(session: Session, skus: list[str]) -> dict[str, tuple[str, ...]]:
    """Each catalogued SKU's barcodes (the scan station counts any of them as the SKU)."""
    out: dict[str, list[str]] = {}
    if skus:
        for sku, code in session.execute(select(B.c.sku, B.c.code).where(B.c.sku.in_(sorted(set(skus))))
                                         .order_by(B.c.code)):
            out.setdefault(sku, []).append(code)
    return {k: tuple(v) for k, v in out.items()}
