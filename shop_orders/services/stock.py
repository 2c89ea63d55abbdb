"""Stock the shop can trust (issue 29): the catalogue of SKUs, every movement of their on-hand and
incoming quantities, what paid orders reserve, and the out-of-stock tickets that follow.

- Every movement (a count, an adjustment, a receipt, a purchase marked as ordered, a parcel out,
  a recall, a confirmed return) writes a `stock_movements` row AND an event of the keyed audit
  trail (action "stock", field = the SKU, old → new "on_hand=12 incoming=0"): who, when, from
  which source, why. `check` compares every SKU's quantities with its last movement and the
  reservations with a recomputation, so an edit of the database file is named.
- Reservations (store/stock_alloc.py: first paid, first served, line by line) are settled by
  `on_change`, the unit of work's first rule, for the SKUs the unit of work touched. An order
  whose lines cannot all be reserved is SHORT: an order event (action "stock", field "short",
  old → new "2 × A-1, 1 × B-2"), an out-of-stock ticket (the shop's SLA table: P1, 4 h,
  warehouse), and the scan station and shipping by hand refuse it, saying what is missing. When
  stock arrives and the order is served, the flag clears by itself and its ticket is resolved.
- History: an order paid before the catalogue knew the SKU it is short of is history; with the
  shop's "summary" setting (the default) such orders go into one summary ticket per age band
  instead of a ticket each (the same rule as the stale sweep's, services/tickets.py).
- Two people: an adjustment, or a stocktake row, that moves more than the shop's limit
  (`get_limit`, units, default 20; the owner or a manager sets it) is proposed as a change set
  and applied only when a second person approves (services/changesets.py kinds "stock_adjust"
  and "stocktake").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.services import changesets, permissions
from shop_orders.services.setting_rows import put
from shop_orders.services.stock_check import check as check
from shop_orders.services.stock_check import state as _state
from shop_orders.services.stock_moves import (
    MANAGE,
    MAX_QTY,
    ReturnRow,
    clean_sku,
    confirm_return,
    kind_label,
    locked,
    move,
    need_reason,
    pending_returns,
    quantity,
    short_refusal,
    short_text,
    step,
    write_steps,
)
from shop_orders.services.stock_settle import on_change, rebuild, short_of
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.models import (
    StockBarcode,
    StockItem,
    StockMovement,
)

__all__ = ["ReturnRow", "check", "clean_sku", "confirm_return", "kind_label", "on_change", "pending_returns",
           "quantity", "rebuild", "short_of", "short_refusal", "short_text"]

LIMIT_KEY = "stock.adjust_limit"
DEFAULT_LIMIT = 20

# ---- the limit over which a change needs a second person ------------------------------------------

def get_limit(session: Session) -> int:
    row = signing.setting(session, LIMIT_KEY)
    if row is None:
        return DEFAULT_LIMIT
    try:
        return max(0, int(json.loads(row.value)))
    except (TypeError, ValueError):
        return DEFAULT_LIMIT


def set_limit(uow: UnitOfWork, ctx: ChangeContext, units: int) -> None:
    """The largest stock change (units) one person may make alone; larger ones need a second person."""
    permissions.require(uow, ctx.actor, "settings.shop")
    if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= MAX_QTY:
        raise ValidationError(t("The two-person limit for stock must be a whole number of units from 0 to "
                                "{most}.", most=MAX_QTY))
    put(uow, ctx, LIMIT_KEY, json.dumps(units))


# ---- the catalogue -------------------------------------------------------------------------------

def _set_barcodes(uow: UnitOfWork, ctx: ChangeContext, item: StockItem, codes: Iterable[str]) -> None:
    wanted = sorted({c.strip() for c in codes if c and c.strip()})
    for code in wanted:
        if len(code) > 64:
            raise ValidationError(t("The barcode {code}… is longer than 64 characters.", code=code[:20]))
    s = uow.session
    owners = dict(s.execute(select(col(StockBarcode.code), col(StockBarcode.sku))
                            .where(col(StockBarcode.code).in_(wanted))).all()) if wanted else {}
    taken = {c: o for c, o in owners.items() if o != item.sku}
    if taken:
        code, other = sorted(taken.items())[0]
        raise ValidationError(t("The barcode {code} already belongs to {other}.", code=code, other=other))
    clashing = s.execute(select(col(StockItem.sku)).where(col(StockItem.sku).in_(wanted),
                                                          col(StockItem.sku) != item.sku)).first() if wanted else None
    if clashing is not None:
        raise ValidationError(t("The barcode {code} is another SKU's code.", code=clashing[0]))
    old = sorted(s.execute(select(col(StockBarcode.code)).where(col(StockBarcode.sku) == item.sku)).scalars())
    if old == wanted:
        return
    for code in set(old) - set(wanted):
        s.delete(s.get(StockBarcode, code))
    for code in set(wanted) - set(old):
        s.add(StockBarcode(code=code, sku=item.sku))
    uow.record(ctx, "catalogue", field=f"{item.sku}.barcodes", old=" ".join(old) or None,
               new=" ".join(wanted) or None)


def _set_text(uow: UnitOfWork, ctx: ChangeContext, item: StockItem, name: str, value: str | int) -> None:
    old = getattr(item, name)
    if old == value:
        return
    setattr(item, name, value)
    item.updated_at = uow.now
    uow.record(ctx, "catalogue", field=f"{item.sku}.{name}", old=str(old), new=str(value))


@dataclass(frozen=True)
class Details:
    """What a stocktake row or the catalogue dialog may set beside the count (None: keep)."""

    title: str | None = None
    location: str | None = None
    safety: int | None = None
    barcodes: tuple[str, ...] | None = None


def _apply_details(uow: UnitOfWork, ctx: ChangeContext, item: StockItem, d: Details) -> None:
    if d.title is not None:
        _set_text(uow, ctx, item, "title", d.title.strip()[:300])
    if d.location is not None:
        _set_text(uow, ctx, item, "location", d.location.strip()[:64])
    if d.safety is not None:
        _set_text(uow, ctx, item, "safety", quantity(d.safety, t("The safety stock")))
    if d.barcodes is not None:
        _set_barcodes(uow, ctx, item, d.barcodes)


def add_sku(uow: UnitOfWork, ctx: ChangeContext, sku: str, title: str, *, location: str = "",
            barcodes: Sequence[str] = (), safety: int = 0) -> StockItem:
    """Put a new SKU in the catalogue with nothing on hand (a count or a receipt fills it)."""
    permissions.require(uow, ctx.actor, MANAGE)
    code = clean_sku(sku)
    if not code or len(code) > 64:
        raise ValidationError(t("An SKU is 1 to 64 characters."))
    if uow.session.get(StockItem, code) is not None:
        raise ValidationError(t("{sku} is already in the stock catalogue.", sku=code))
    item = StockItem(sku=code, title=title.strip()[:300], location=location.strip()[:64], on_hand=0, reserved=0,
                     safety=quantity(safety, t("The safety stock")), incoming=0, added_at=uow.now,
                     updated_at=uow.now)
    uow.session.add(item)
    uow.session.flush()
    uow.session.info["stock_catalogue"] = True
    uow.record(ctx, "stock", field=code, old=None, new=_state(0, 0))
    _set_barcodes(uow, ctx, item, barcodes)
    return item


def update_details(uow: UnitOfWork, ctx: ChangeContext, sku: str, details: Details) -> StockItem:
    """Change an SKU's title, location, safety stock or barcodes."""
    permissions.require(uow, ctx.actor, MANAGE)
    item = locked(uow, sku)
    _apply_details(uow, ctx, item, details)
    return item


ALONE_WINDOW = timedelta(hours=24)


def _over_limit(uow: UnitOfWork, ctx: ChangeContext, changes: dict[str, int]) -> bool:
    """Whether these changes (SKU -> units moved) need a second person: what this person changed
    of an SKU on their own (adjustments and counts not approved by another) in the last 24 hours,
    plus this change, is over the shop's limit, so splitting a large change into small ones does
    not get round it. An SKU's first movement (the catalogue learning what is on the shelf) is
    neither limited nor counted."""
    limit = get_limit(uow.session)
    skus = sorted(sku for sku, units in changes.items() if units)
    if not skus:
        return False
    M = StockMovement.__table__
    known = set(uow.session.execute(select(M.c.sku).where(M.c.sku.in_(skus)).distinct()).scalars())
    first = select(func.min(M.c.id)).where(M.c.sku.in_(skus)).group_by(M.c.sku)
    alone = dict(uow.session.execute(
        select(M.c.sku, func.sum(func.abs(M.c.delta))).where(
            M.c.sku.in_(skus), M.c.actor == ctx.actor.name, M.c.kind.in_(("adjust", "count")),
            M.c.source.notlike("changeset:%"), M.c.at >= uow.now - ALONE_WINDOW, M.c.id.notin_(first))
        .group_by(M.c.sku)).all())
    return any(changes[sku] + int(alone.get(sku) or 0) > limit for sku in skus if sku in known)


def adjust(uow: UnitOfWork, ctx: ChangeContext, sku: str, delta: int, reason: str) -> str:
    """Add (or take away, negative) units with a reason. Over the shop's limit (_over_limit) it is
    proposed for a second person instead ("proposed #id"); else applied ("applied"). Below zero
    on hand is refused, nothing written."""
    permissions.require(uow, ctx.actor, MANAGE)
    why = need_reason(reason)
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_QTY:
        raise ValidationError(t("An adjustment is a whole number of units other than 0."))
    item = locked(uow, sku)
    if item.on_hand + delta < 0:
        raise ValidationError(t("{sku} has {on_hand} on hand: taking away {qty} would leave less than none; "
                                "nothing was changed.", sku=item.sku, on_hand=item.on_hand, qty=-delta))
    if _over_limit(uow, ctx, {item.sku: abs(delta)}):
        proposal = changesets.propose(uow, ctx, "stock_adjust", {"sku": item.sku, "delta": delta}, why)
        return f"proposed #{proposal.id}"
    move(uow, ctx, item, "adjust", on_hand=item.on_hand + delta, reason=why)
    return "applied"


def receive(uow: UnitOfWork, ctx: ChangeContext, sku: str, qty: int, reason: str) -> StockMovement:
    """Goods arrived from the supplier: on hand rises by qty, incoming falls by as much (not below 0)."""
    permissions.require(uow, ctx.actor, MANAGE)
    why = need_reason(reason)
    units = quantity(qty, t("The quantity received"))
    if units == 0:
        raise ValidationError(t("The quantity received must be at least 1."))
    item = locked(uow, sku)
    return move(uow, ctx, item, "receive", on_hand=item.on_hand + units, incoming=max(0, item.incoming - units),
                 reason=why)


def mark_ordered(uow: UnitOfWork, ctx: ChangeContext, sku: str, qty: int, reason: str = "") -> StockMovement:
    """A purchase was placed with the supplier: incoming rises by qty."""
    permissions.require(uow, ctx.actor, MANAGE)
    units = quantity(qty, t("The quantity ordered"))
    if units == 0:
        raise ValidationError(t("The quantity ordered must be at least 1."))
    item = locked(uow, sku)
    return move(uow, ctx, item, "ordered", incoming=item.incoming + units,
                 reason=(reason or "").strip() or t("purchase placed"))


@dataclass(frozen=True)
class Count:
    """One stocktake row: the SKU, what was counted on the shelf, and details to set (None: keep)."""

    sku: str
    on_hand: int
    details: Details = Details()


def count(uow: UnitOfWork, ctx: ChangeContext, rows: Sequence[Count], reason: str) -> str:
    """A stocktake: each SKU's on-hand becomes what was counted ("count" movements; details set).
    Unknown SKUs are refused. When any row is over the shop's limit (_over_limit), the whole
    stocktake is proposed for a second person ("proposed #id"); else applied ("applied")."""
    permissions.require(uow, ctx.actor, MANAGE)
    why = need_reason(reason)
    items = {i.sku: i for i in uow.session.execute(select(StockItem).where(
        col(StockItem.sku).in_([r.sku for r in rows])).with_for_update()).scalars()} if rows else {}
    for r in rows:
        if r.sku not in items:
            raise ValidationError(t("{sku} is not in the stock catalogue.", sku=r.sku[:64]))
    if _over_limit(uow, ctx, {r.sku: abs(r.on_hand - items[r.sku].on_hand) for r in rows}):
        params = {"rows": [_count_params(r) for r in rows],
                  "base": {r.sku: items[r.sku].on_hand for r in rows}}
        proposal = changesets.propose(uow, ctx, "stocktake", params, why)
        return f"proposed #{proposal.id}"
    _apply_counts(uow, ctx, items, rows, why)
    return "applied"


def _count_params(r: Count) -> dict[str, Any]:
    d = r.details
    return {"sku": r.sku, "on_hand": r.on_hand, "title": d.title, "location": d.location, "safety": d.safety,
            "barcodes": list(d.barcodes) if d.barcodes is not None else None}


def _count_of(p: dict[str, Any]) -> Count:
    codes = p.get("barcodes")
    return Count(str(p["sku"]), int(p["on_hand"]), Details(p.get("title"), p.get("location"), p.get("safety"),
                                                          tuple(codes) if codes is not None else None))


def _apply_counts(uow: UnitOfWork, ctx: ChangeContext, items: dict[str, StockItem], rows: Sequence[Count],
                  why: str) -> None:
    moved = []
    for r in rows:
        item = items[r.sku]
        _apply_details(uow, ctx, item, r.details)
        if r.on_hand != item.on_hand:
            moved.append(step(uow, ctx, item, "count", on_hand=r.on_hand, reason=why))
    write_steps(uow, moved)  # one executemany for a whole sheet's movements


# ---- the two-person kinds ------------------------------------------------------------------------

def _check_adjust(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    return {"sku": clean_sku(params.get("sku", "")), "delta": int(params.get("delta", 0))}


def _apply_adjust(uow: UnitOfWork, ctx: ChangeContext, params: dict[str, Any]) -> None:
    item = locked(uow, params["sku"])
    delta = int(params["delta"])
    if item.on_hand + delta < 0:
        raise ValidationError(t("{sku} has {on_hand} on hand now: taking away {qty} would leave less than none; "
                                "nothing was changed.", sku=item.sku, on_hand=item.on_hand, qty=-delta))
    move(uow, ctx, item, "adjust", on_hand=item.on_hand + delta, reason=ctx.reason)


def _describe_adjust(params: dict[str, Any], lang: str | None) -> list[str]:
    return [t("{sku}: {delta:+d} units", lang=lang, sku=params.get("sku", ""), delta=int(params.get("delta", 0)))]


def _check_stocktake(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    return {"rows": list(params.get("rows", [])), "base": dict(params.get("base", {}))}


def _apply_stocktake(uow: UnitOfWork, ctx: ChangeContext, params: dict[str, Any]) -> None:
    rows = [_count_of(p) for p in params["rows"]]
    items = {i.sku: i for i in uow.session.execute(select(StockItem).where(
        col(StockItem.sku).in_([r.sku for r in rows])).with_for_update()).scalars()}
    for sku, on_hand in params["base"].items():
        item = items.get(sku)
        if item is None or item.on_hand != int(on_hand):
            raise ValidationError(t("{sku} changed after the stocktake was proposed; nothing was changed: import the "
                                    "stocktake again.", sku=sku))
    _apply_counts(uow, ctx, items, rows, ctx.reason)


def _describe_stocktake(params: dict[str, Any], lang: str | None) -> list[str]:
    base = params.get("base", {})
    out = []
    for p in params.get("rows", []):
        was = base.get(p["sku"])
        if was is not None and int(was) != int(p["on_hand"]):
            out.append(t("{sku}: {old} → {new} on hand", lang=lang, sku=p["sku"], old=was, new=p["on_hand"]))
    return out or [t("{count} SKUs counted, no quantity changed", lang=lang, count=len(params.get("rows", [])))]


changesets.register_kind("stock_adjust", changesets.KindHandler(
    N_("adjust stock"), MANAGE, _check_adjust, _apply_adjust, _describe_adjust))
changesets.register_kind("stocktake", changesets.KindHandler(
    N_("stocktake"), MANAGE, _check_stocktake, _apply_stocktake, _describe_stocktake))

