"""Tracking sync: ask each configured courier about the parcels we shipped, keep what it says on
each shipment, and act on it.

What the courier says is untrusted text from the network: the adapters (services/couriers/)
validate it into TrackResults; here it is only stored (capped) and compared.

- An invalid tracking number, a failed pickup (the courier's exception before any pickup), or no
  pickup within `no_pickup_hours` of our scan-out: the parcel is recalled (orders.recall_shipment:
  the order goes back to awaiting shipment, audit source `courier:<name>`, the courier's answer
  as the reason) and the logistics rule opens a ticket for the warehouse.
- Delivered: the order is completed (when `complete_on_delivery`, the default) once every live
  parcel of it is delivered.
- A courier that is down, refuses our key or answers garbage changes nothing: the sync stops
  asking it and reports it once, not per order.

The network calls run outside any transaction; each batch of answers is then written in one
unit of work that reads every row again (a parcel recalled or an order changed meanwhile is left
as it is). A preview and the real run share this code: `apply_answer` is the only writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import false, func, select
from sqlmodel import col

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import rule_note
from shop_orders.domain.tracking import TrackResult, TrackState, plausible_number
from shop_orders.services import orders, permissions, rules, settings
from shop_orders.services.tickets import SYSTEM
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.db import Database
from shop_orders.store.models import Order, Setting, Shipment

SETTING_KEY = "tracking"
FINAL = frozenset({TrackState.DELIVERED.value, TrackState.RETURNED.value, TrackState.INVALID_NUMBER.value})
TRACKED_STATUSES = (Status.PARTIALLY_SHIPPED.value, Status.SHIPPED.value)
MAX_EVENTS = 50  # kept per parcel, newest first
BATCH = 200  # answers written per unit of work


@dataclass(frozen=True)
class TrackingSettings:
    every_minutes: int = 30  # the background sync's period (0: only when asked)
    no_pickup_hours: int = 24  # scanned out but not picked up by then: a false "shipped"
    complete_on_delivery: bool = True

    def to_json(self) -> str:
        return json.dumps({"every_minutes": self.every_minutes, "no_pickup_hours": self.no_pickup_hours,
                           "complete_on_delivery": self.complete_on_delivery}, sort_keys=True)


def tracking_settings(session) -> TrackingSettings:
    row = session.get(Setting, SETTING_KEY)
    if row is None:
        return TrackingSettings()
    try:
        data = json.loads(row.value)
        return TrackingSettings(int(data["every_minutes"]), int(data["no_pickup_hours"]),
                                bool(data["complete_on_delivery"]))
    except (ValueError, KeyError, TypeError):
        return TrackingSettings()


def set_tracking_settings(uow: UnitOfWork, ctx: ChangeContext, new: TrackingSettings) -> None:
    """The owner's tracking settings (audited as a setting)."""
    permissions.require(uow, ctx.actor, "settings.shop")
    if not 0 <= new.every_minutes <= 24 * 60:
        raise ValidationError(t("The sync period must be 0 to 1440 minutes, not {n}.", n=new.every_minutes))
    if not 1 <= new.no_pickup_hours <= 30 * 24:
        raise ValidationError(t("The pickup time must be 1 to 720 hours, not {n}.", n=new.no_pickup_hours))
    settings.put(uow, ctx, SETTING_KEY, new.to_json())


@dataclass(frozen=True)
class Parcel:
    shipment_id: int
    order_id: int
    order_no: str
    courier: str
    tracking_no: str
    shipped_at: datetime


def parcels_to_check(session, couriers: Sequence[str], limit: int | None = None) -> list[Parcel]:
    """The live parcels of shipped orders with one of these couriers (matched without case) and a
    tracking number, that the courier has not finished with (delivered, returned, invalid)."""
    names = {c.strip().lower() for c in couriers}
    if not names:
        return []
    q = (select(col(Shipment.id), col(Shipment.order_id), col(Order.order_no), col(Shipment.courier),
                col(Shipment.tracking_no), col(Shipment.shipped_at))
         .join(Order, col(Order.id) == col(Shipment.order_id))
         .where(col(Shipment.recalled_at).is_(None), col(Shipment.track_state).not_in(FINAL),
                col(Shipment.tracking_no) != "", func.lower(col(Shipment.courier)).in_(names),
                col(Order.status).in_(TRACKED_STATUSES), col(Order.archived) == false())
         .order_by(col(Shipment.id)))
    if limit is not None:
        q = q.limit(limit)
    return [Parcel(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5]) for r in session.execute(q).all()]


@dataclass
class SyncResult:
    checked: int = 0
    updated: int = 0
    rolled_back: int = 0
    completed: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)  # one sentence per courier that failed, per bad number


def _events_json(result: TrackResult) -> str:
    kept = sorted(result.events, key=lambda e: e.at, reverse=True)[:MAX_EVENTS]
    return json.dumps([{"at": e.at.isoformat(), "state": e.state.value, "text": e.text[:500],
                        "location": e.location[:200]} for e in kept], ensure_ascii=False)


INVALID = "{courier} says {tracking} of {order} is not a valid tracking number; {order} is back to {status}."
FAILED_PICKUP = "{courier} reports a failed pickup of {tracking} of {order} ({said}); {order} is back to {status}."
NO_PICKUP = ("{courier} has not picked up {tracking} of {order} within {hours} h of its scan-out; {order} is back to "
             "{status}.")


def _verdict(parcel: Shipment, result: TrackResult, settings: TrackingSettings, now: datetime,
             courier: str, order_no: str) -> tuple[str, str, dict[str, str]] | None:
    """(key, note message, its values but the status) when the courier's answer says the parcel
    never left; else None."""
    values = {"courier": courier, "tracking": parcel.tracking_no, "order": order_no}
    picked = result.picked_up_at is not None or result.state in (
        TrackState.PICKED_UP, TrackState.IN_TRANSIT, TrackState.OUT_FOR_DELIVERY, TrackState.DELIVERED,
        TrackState.FAILED_ATTEMPT, TrackState.RETURNED)
    if result.state is TrackState.INVALID_NUMBER:
        return f"invalid {parcel.tracking_no}", INVALID, values
    if result.state is TrackState.EXCEPTION and not picked:
        said = next((e.text for e in sorted(result.events, key=lambda e: e.at, reverse=True)), "")[:200]
        return f"failed pickup {parcel.tracking_no}", FAILED_PICKUP, {**values, "said": said or result.state.value}
    if not picked and now - parcel.shipped_at >= timedelta(hours=settings.no_pickup_hours):
        return f"no pickup {parcel.tracking_no}", NO_PICKUP, {**values, "hours": str(settings.no_pickup_hours)}
    return None


def apply_answer(uow: UnitOfWork, courier: str, shipment_id: int, result: TrackResult,
                 settings: TrackingSettings) -> str:
    """Write one courier answer; returns '', 'updated', 'rolled_back' or 'completed'. Reads the
    parcel and its order again: a parcel recalled or an order moved on meanwhile is left alone."""
    parcel = uow.session.get(Shipment, shipment_id)
    if parcel is None or parcel.recalled_at is not None:
        return ""
    order = uow.session.get(Order, parcel.order_id)
    if order is None or order.archived or order.status not in TRACKED_STATUSES:
        return ""
    now = uow.now
    before = (parcel.track_state, parcel.picked_up_at, parcel.delivered_at, parcel.track_events)
    parcel.track_state = result.state.value
    parcel.picked_up_at = result.picked_up_at
    parcel.delivered_at = result.delivered_at
    parcel.track_events = _events_json(result)
    parcel.track_checked_at = now
    changed = before != (parcel.track_state, parcel.picked_up_at, parcel.delivered_at, parcel.track_events)
    source = f"courier:{courier[:40]}"
    verdict = _verdict(parcel, result, settings, now, courier, order.order_no)
    if verdict is not None:
        key, message, values = verdict
        reason = t("courier {courier}: {state}", courier=courier, state=result.state.label())
        recalled = orders.recall_shipment(uow, ChangeContext(SYSTEM, source, reason), shipment_id)
        rules.courier_flagged(uow, int(order.id or 0), key, rule_note(message, **values, status=recalled.status))
        return "rolled_back"
    if changed and before[0] != parcel.track_state:
        uow.record(ChangeContext(SYSTEM, source), "tracking", order_id=order.id, order_no=order.order_no,
                   field="track_state", old=before[0] or None, new=parcel.track_state)
    if result.state is TrackState.DELIVERED and settings.complete_on_delivery and order.status == Status.SHIPPED.value:
        live = uow.session.execute(select(col(Shipment.track_state)).where(
            col(Shipment.order_id) == order.id, col(Shipment.recalled_at).is_(None))).scalars().all()
        if all(state == TrackState.DELIVERED.value for state in live):
            ctx = ChangeContext(SYSTEM, source, t("courier {courier}: delivered", courier=courier))
            orders.complete_delivered(uow, ctx, order)
            return "completed"
    return "updated" if changed else ""


Ask = Callable[[str], TrackResult]  # a courier's adapter.track


def sync(db: Database, actor, couriers: Sequence[tuple[str, Ask]], *, clock: Callable[[], datetime] | None = None,
         progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
         limit: int | None = None) -> SyncResult:
    """Ask each (courier name, its adapter's track) about its parcels and act on the answers.

    `actor` started it and must be allowed to ship ("order.ship"): the writes are the system's,
    on the courier's word. A courier error stops asking that courier (one sentence in
    `problems`, its remaining parcels counted failed); an implausible number is asked nothing
    and reported."""
    from shop_orders.services.couriers.base import CourierError

    permissions.check(db, actor, "order.ship")
    with db.read_session() as s:
        rules_now = tracking_settings(s)
        parcels = parcels_to_check(s, [name for name, _ in couriers], limit)
    asks = {name.strip().lower(): (name, ask) for name, ask in couriers}
    out = SyncResult()
    total, done = len(parcels), 0
    pending: list[tuple[str, int, TrackResult]] = []
    down: set[str] = set()

    def flush() -> None:
        if not pending:
            return
        with (UnitOfWork(db, clock=clock) if clock is not None else UnitOfWork(db)) as uow:
            for name, sid, result in pending:
                what = apply_answer(uow, name, sid, result, rules_now)
                if what == "rolled_back":
                    out.rolled_back += 1
                elif what == "completed":
                    out.completed += 1
                if what:
                    out.updated += 1
            uow.commit()
        pending.clear()

    for p in parcels:
        if cancelled is not None and cancelled():
            break
        key = p.courier.strip().lower()
        name, ask = asks[key]
        done += 1
        if key in down:
            out.failed += 1
            continue
        if not plausible_number(p.tracking_no):
            out.failed += 1
            out.problems.append(t("{order}: '{tracking}' is not a tracking number {courier} could know; it was not "
                                  "asked.", order=p.order_no, tracking=p.tracking_no[:40], courier=name))
            continue
        try:
            result = ask(p.tracking_no)
        except CourierError as exc:
            down.add(key)
            out.failed += 1
            out.problems.append(str(exc))
            continue
        except ShopOrdersError as exc:  # anything else the adapter refused: this parcel only
            out.failed += 1
            out.problems.append(str(exc))
            continue
        out.checked += 1
        pending.append((name, p.shipment_id, result))
        if len(pending) >= BATCH:
            flush()
        if progress is not None:
            progress(done, total)
    flush()
    if progress is not None:
        progress(total, total)
    return out
