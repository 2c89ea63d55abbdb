"""Tracking sync: ask each configured courier about the parcels we shipped, keep what it says on
each shipment, and act on it.

What the courier says is untrusted text from the network: the adapters (adapters/couriers/)
validate it into TrackResults; here it is only stored (capped) and compared.

- Unknown is not invalid. A courier that has nothing on a number yet (Kuaidi100's "查询无结果，
  请隔段时间再查", AfterShip's Pending after the parcel is registered) leaves the parcel shipped
  and waiting. The parcel is recalled (orders.recall_shipment: the order goes back to awaiting
  shipment, audit source `courier:<name>`, the courier's answer as the reason, and the logistics
  rule opens a ticket for the warehouse) only when: the courier positively says the number is
  wrong; it reports an exception before any pickup (a failed pickup); or the owner's pickup
  deadline (`no_pickup_hours`, 24 h after our scan-out by default) passes with no pickup.
- Delivered: the order is completed (when `complete_on_delivery`, the default) once every live
  parcel of it is delivered.
- A parcel belongs to the courier account whose name or alias its courier matches
  (domain/carriers.py); parcels of a courier no account answers for are counted and named.
- One parcel's garbled, mismatched or unknown-shaped answer is reported for that parcel and the
  sync goes on with the others. A courier that refuses our key, our carrier code or our rate
  stops being asked at once; one that is down or too slow after 3 parcels in a row, too. Either
  is reported once, not per order, and changes nothing.

The network calls run outside any transaction; each batch of answers is then written in one
unit of work that reads every row again (a parcel recalled or an order changed meanwhile is left
as it is). A preview and the real run share this code: `apply_answer` is the only writer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.carriers import carrier_key
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.couriers import ParcelQuery
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import rule_note
from shop_orders.domain.tracking import TrackResult, TrackState, plausible_number
from shop_orders.services import orders, permissions, rules, settings
from shop_orders.services.tickets import SYSTEM
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import signing
from shop_orders.store.db import Database
from shop_orders.store.models import Order, Shipment

if TYPE_CHECKING:  # courier accounts and the vault load when a sync uses them
    from shop_orders.services.courier_accounts import Account
    from shop_orders.services.vault import Vault

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


def tracking_settings(session: Session) -> TrackingSettings:
    row = signing.setting(session, SETTING_KEY)
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
    ref: str = ""  # the courier's own id for it, from its last answer
    phone: str = ""  # the recipient's (Kuaidi100 needs its last 4 digits for SF and ZTO)

    def query(self) -> ParcelQuery:
        return ParcelQuery(self.tracking_no, self.ref, self.order_no, self.phone)


def _live() -> tuple[ColumnElement[bool], ...]:
    """The parcels still to ask about: not recalled, not finished (delivered, returned, invalid),
    with a tracking number, of a shipped order that is not archived."""
    return (col(Shipment.recalled_at).is_(None), col(Shipment.track_state).not_in(FINAL),
            col(Shipment.tracking_no) != "", col(Order.status).in_(TRACKED_STATUSES), col(Order.archived) == false())


def courier_names(session: Session) -> dict[str, int]:
    """Each courier name the live parcels carry, as written, with how many carry it."""
    q = (select(col(Shipment.courier), func.count()).join(Order, col(Order.id) == col(Shipment.order_id))
         .where(*_live()).group_by(col(Shipment.courier)))
    return {str(name): int(n) for name, n in session.execute(q).all()}


def parcels_to_check(session: Session, couriers: Sequence[str | frozenset[str]],
                     limit: int | None = None) -> list[Parcel]:
    """The live parcels whose courier matches one of these names (domain/carriers.carrier_key: an
    account's name, or a set of its name and aliases)."""
    keys = {k for c in couriers for k in ({carrier_key(c)} if isinstance(c, str) else c)}
    written = [name for name in courier_names(session) if carrier_key(name) in keys]
    if not written:
        return []
    q = (select(col(Shipment.id), col(Shipment.order_id), col(Order.order_no), col(Shipment.courier),
                col(Shipment.tracking_no), col(Shipment.shipped_at), col(Shipment.track_ref), col(Order.phone))
         .join(Order, col(Order.id) == col(Shipment.order_id))
         .where(*_live(), col(Shipment.courier).in_(written))
         .order_by(col(Shipment.id)))
    if limit is not None:
        q = q.limit(limit)
    # The id column is Optional on the model (None before the insert); a stored row's is an int.
    return [Parcel(cast(int, r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6] or "", r[7] or "")
            for r in session.execute(q).all()]


def without_account(session: Session, couriers: Sequence[str | frozenset[str]]) -> dict[str, int]:
    """The live parcels' courier names that none of these accounts answers for, with their counts
    ("" for parcels that name no courier)."""
    keys = {k for c in couriers for k in ({carrier_key(c)} if isinstance(c, str) else c)}
    return {name: n for name, n in sorted(courier_names(session).items()) if carrier_key(name) not in keys}


@dataclass
class SyncResult:
    checked: int = 0
    updated: int = 0
    rolled_back: int = 0
    completed: int = 0
    failed: int = 0
    waiting: int = 0  # of the checked, parcels the courier has no news of yet (not recalled)
    problems: list[str] = field(default_factory=list)  # one sentence per courier that failed, per bad parcel
    no_account: dict[str, int] = field(default_factory=dict)  # courier name -> parcels no account answers for

    def unchecked(self) -> list[str]:
        """One sentence per courier name that no account answers for, with its parcels' count."""
        return [t(NO_ACCOUNT, count=n, courier=name) if name else t(NO_COURIER, count=n)
                for name, n in self.no_account.items()]


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
    if result.ref:
        parcel.track_ref = result.ref[:128]
    parcel.track_state = result.state.value
    parcel.picked_up_at = result.picked_up_at
    parcel.delivered_at = result.delivered_at
    # when the store first heard of them: the health dashboard's status sync delay
    if parcel.picked_up_at is not None and parcel.pickup_seen_at is None:
        parcel.pickup_seen_at = now
    if parcel.delivered_at is not None and parcel.delivered_seen_at is None:
        parcel.delivered_seen_at = now
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


def _load_batch(uow: UnitOfWork, shipment_ids: list[int]) -> None:
    """Read a batch's parcels and their orders into the session, a few hundred per statement, so
    apply_answer finds each in the session instead of asking the store twice per parcel; what it
    changes is flushed together at commit (the rules then see the batch's events)."""
    for i in range(0, len(shipment_ids), orders.BATCH):
        parcels = uow.session.execute(select(Shipment).where(
            col(Shipment.id).in_(shipment_ids[i:i + orders.BATCH]))).scalars().all()
        uow.session.execute(select(Order).where(col(Order.id).in_({p.order_id for p in parcels}))).scalars().all()


Ask = Callable[[ParcelQuery], TrackResult]  # a courier's adapter.track
DOWN_AFTER = 3  # a courier down or too slow for this many parcels in a row is not asked again this run
NO_ACCOUNT = N_("{count} parcels of {courier} were not checked: no courier account answers for that name. Add one, or "
                "add {courier} as an alias of the right account (Tools → Couriers…).")
NO_COURIER = N_("{count} parcels name no courier and were not checked.")


def _names(courier: object) -> frozenset[str]:
    """A courier given to sync: an account (its name and aliases) or a bare name."""
    return courier.names() if hasattr(courier, "names") else frozenset({carrier_key(str(courier))})


def sync_accounts(db: Database, actor: Actor, found: Sequence[Account], vault: Vault, *,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, every_account: bool = True) -> SyncResult:
    """`sync` with these courier accounts' adapters (their keys from `vault`, the shop's time zone
    for courier times without an offset), closed afterwards. `every_account`: these are all the
    shop's accounts, so parcels none of them answers for are reported."""
    from shop_orders.services import courier_accounts

    with db.read_session() as s:
        zone = settings.get_timezone(s)
    adapters = [courier_accounts.adapter(a, vault, zone=zone) for a in found]
    try:
        return sync(db, actor, [(a, ad.track) for a, ad in zip(found, adapters, strict=True)], progress=progress,
                    cancelled=cancelled, report_missing=every_account)
    finally:
        for ad in adapters:
            ad.close()


def sync(db: Database, actor: Actor, couriers: Sequence[tuple[object, Ask]], *,
         clock: Callable[[], datetime] | None = None,
         progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
         limit: int | None = None, report_missing: bool = True) -> SyncResult:
    """Ask each (courier account or name, its adapter's track) about its parcels and act on the
    answers.

    `actor` started it and must be allowed to ship ("order.ship"): the writes are the system's,
    on the courier's word. A ParcelError is reported for its parcel and the others go on; a
    refusal of our key, carrier code or rate stops asking that courier at once, a courier down
    or too slow after DOWN_AFTER parcels in a row (one sentence in `problems`, its remaining
    parcels counted failed); an implausible number is asked nothing and reported."""
    permissions.check(db, actor, "order.ship")
    names = [(str(getattr(c, "name", c)), _names(c), ask) for c, ask in couriers]
    with db.read_session() as s:
        rules_now = tracking_settings(s)
        parcels = parcels_to_check(s, [keys for _, keys, _ in names], limit)
        missing = without_account(s, [keys for _, keys, _ in names]) if report_missing else {}
    by_key = {k: (name, ask) for name, keys, ask in names for k in keys}
    run = _SyncRun(db, clock, rules_now, SyncResult(no_account=missing))
    total, done = len(parcels), 0
    for p in parcels:
        if cancelled is not None and cancelled():
            break
        name, ask = by_key[carrier_key(p.courier)]
        done += 1
        result = run.ask(p, name, ask)
        if result is None:
            continue
        run.pending.append((name, p.shipment_id, result))
        if len(run.pending) >= BATCH:
            run.flush()
        if progress is not None:
            progress(done, total)
    run.flush()
    if progress is not None:
        progress(total, total)
    return run.out


class _SyncRun:
    """One sync's state: the outcome so far, the answers waiting to be written (a batch at a time),
    and which couriers are down or already reported."""

    def __init__(self, db: Database, clock: Callable[[], datetime] | None, rules_now: TrackingSettings,
                 out: SyncResult) -> None:
        self.db, self.clock, self.rules_now, self.out = db, clock, rules_now, out
        self.pending: list[tuple[str, int, TrackResult]] = []
        self.down: set[str] = set()
        self.told: set[str] = set()  # couriers whose outage is reported already (once per courier)
        self.in_a_row: dict[str, int] = {}

    def ask(self, p: Parcel, name: str, ask: Ask) -> TrackResult | None:
        """The courier's answer for one parcel, or None with the failure counted and said."""
        from shop_orders.domain.couriers import CourierError, CourierUnavailable, ParcelError
        from shop_orders.domain.couriers import CourierServerError as ServerError

        out = self.out
        if name in self.down:
            out.failed += 1
            return None
        if not plausible_number(p.tracking_no):
            out.failed += 1
            out.problems.append(t("{order}: '{tracking}' is not a tracking number {courier} could know; it was not "
                                  "asked.", order=p.order_no, tracking=p.tracking_no[:40], courier=name))
            return None
        try:
            result = ask(p.query())
        except ParcelError as exc:  # this parcel's answer only: the courier answers, the others go on
            self.in_a_row[name] = 0
            out.failed += 1
            out.problems.append(t("{order} ({tracking}): {problem}", order=p.order_no, tracking=p.tracking_no,
                                  problem=str(exc)))
            return None
        except (CourierUnavailable, ServerError) as exc:  # down or slow: perhaps only for a moment
            self.in_a_row[name] = self.in_a_row.get(name, 0) + 1
            self._courier_failed(name, str(exc), down=self.in_a_row[name] >= DOWN_AFTER)
            return None
        except CourierError as exc:  # our key, our carrier code, our rate: the same for every parcel
            self._courier_failed(name, str(exc), down=True)
            return None
        except ShopOrdersError as exc:  # anything else the adapter refused: this parcel only
            out.failed += 1
            out.problems.append(str(exc))
            return None
        self.in_a_row[name] = 0
        out.checked += 1
        return result

    def _courier_failed(self, name: str, problem: str, *, down: bool) -> None:
        self.out.failed += 1
        if name not in self.told:
            self.told.add(name)
            self.out.problems.append(problem)
        if down:
            self.down.add(name)

    def flush(self) -> None:
        """Write the waiting answers in one unit of work."""
        if not self.pending:
            return
        out = self.out
        with (UnitOfWork(self.db, clock=self.clock) if self.clock is not None else UnitOfWork(self.db)) as uow:
            _load_batch(uow, [sid for _, sid, _ in self.pending])
            for name, sid, result in self.pending:
                what = apply_answer(uow, name, sid, result, self.rules_now)
                if what == "rolled_back":
                    out.rolled_back += 1
                elif result.state is TrackState.UNKNOWN:
                    out.waiting += 1  # not known yet, and not past the pickup deadline
                elif what == "completed":
                    out.completed += 1
                if what:
                    out.updated += 1
            uow.commit()
        self.pending.clear()
