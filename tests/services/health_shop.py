"""A shop of a few hundred orders built through the services, for the health figures' acceptance
test (tests/services/test_health_acceptance.py) and the command line's tests: orders of four
channels created over the last fortnight, paid (some by cash on delivery never), refunded,
scanned out, the couriers' answers applied through services/tracking.apply_answer (pickups,
deliveries, an invalid number that recalls the parcel, a parcel shipped again after it, a
tracking number two orders' parcels carry), tickets
opened by hand and by a rule and resolved in and out of their SLA, a bank statement imported and
matched by the rules and by hand, a few orders archived.

Every step runs in its own unit of work at its own time (the unit of work's clock), all of them
before the real now, so the figures of `health --span 7d` (run now, in a subprocess) cover them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind
from shop_orders.domain.tracking import TrackResult, TrackState
from shop_orders.services import orders, reconcile, settings, statements, tickets, tracking
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import Order, Shipment, Ticket
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("sam", "owner"), "scan")
RULE = ChangeContext(Actor("system", "owner"), "rule:health-test")
ZONE = "Asia/Shanghai"
CHANNELS = ("taobao", "jd", "pinduoduo", "douyin")
COURIERS = ("SF", "ZTO", "YTO")


@dataclass
class Built:
    now: datetime  # the builder's now: every step happened before it
    orders: dict[int, str] = field(default_factory=dict)  # id -> order number
    statement_lines: int = 0


class _Shop:
    def __init__(self, db, now: datetime, seed: int) -> None:
        self.db, self.now, self.rng = db, now, random.Random(seed)
        self.built = Built(now)
        self.tracking_no = 0

    def at(self, when: datetime, fn, *args, **kw):
        """fn(uow, *args) in a unit of work whose clock says `when` (never after now)."""
        when = min(when, self.now - timedelta(seconds=1))
        with UnitOfWork(self.db, clock=lambda: when) as uow:
            result = fn(uow, *args, **kw)
            uow.commit()
            return result

    # --- the orders' lives ------------------------------------------------------------------

    def order(self, i: int) -> tuple[int, str, datetime]:
        created = self.now - timedelta(days=self.rng.uniform(0.05, 14), minutes=self.rng.randint(0, 59))
        channel = CHANNELS[i % len(CHANNELS)]
        d = draft(channel=channel, channel_order_no=f"H{i:05d}{self.rng.randint(100, 999)}", created_at=created,
                  status=Status.AWAITING_PAYMENT)
        order = self.at(created, lambda uow: orders.create_order(uow, OWNER, d))
        oid, no = int(order.id), order.order_no
        self.built.orders[oid] = no
        return oid, no, created

    def ship(self, oid: int, when: datetime) -> int | None:
        if when >= self.now:
            return None
        shared = oid % 53 == 11 and self.tracking_no > 0  # a label printed twice: another order's number
        self.tracking_no += 0 if shared else 1
        courier = COURIERS[self.tracking_no % len(COURIERS)]
        number = f"HT{self.tracking_no:010d}"
        self.at(when, lambda uow: orders.ship(uow, SCAN, oid, courier=courier, tracking_no=number))
        with self.db.read_session() as s:
            return int(s.query(Shipment.id).filter(Shipment.order_id == oid).order_by(Shipment.id.desc()).first()[0])

    def answer(self, shipment_id: int, state: TrackState, seen: datetime, picked: datetime | None,
               delivered: datetime | None = None) -> None:
        if seen >= self.now:
            return
        with self.db.read_session() as s:
            parcel = s.get(Shipment, shipment_id)
            courier, number = parcel.courier, parcel.tracking_no
        result = TrackResult.of(number, state, (), picked_up_at=picked, delivered_at=delivered)
        self.at(seen, lambda uow: tracking.apply_answer(uow, courier, shipment_id, result,
                                                        tracking.TrackingSettings()))

    def parcel_story(self, sid: int, shipped: datetime) -> None:
        """The courier's pickup after a few minutes to hours, heard of a little later; most are
        delivered a day or three after."""
        r = self.rng.random()
        if r < 0.12:
            return  # the courier has said nothing yet: no pickup (excluded, never zero)
        picked = shipped + timedelta(minutes=self.rng.choice((2, 5, 9, 14, 16, 25, 40, 90, 200)))
        seen = picked + timedelta(minutes=self.rng.choice((0, 1, 2, 3, 4, 8, 20, 45)))
        if picked >= self.now - timedelta(minutes=1):
            return
        self.answer(sid, TrackState.PICKED_UP, seen, picked)
        delivered = picked + timedelta(hours=self.rng.uniform(8, 110))
        if r < 0.75 and delivered < self.now - timedelta(minutes=30):
            heard = delivered + timedelta(minutes=self.rng.choice((1, 2, 5, 12, 30)))
            self.answer(sid, TrackState.DELIVERED, heard, picked, delivered)

    def life(self, i: int) -> None:
        oid, no, created = self.order(i)
        rng = self.rng
        if rng.random() < 0.12:
            return  # never paid
        paid_at = created + timedelta(minutes=rng.randint(1, 240))
        if paid_at >= self.now:
            return
        self.at(paid_at, lambda uow: orders.record_payment(uow, OWNER, oid, 2 * 16800 + 3900, method="alipay",
                                                           paid_at=paid_at))
        refund = rng.choice((3900, 16800, 2 * 16800 + 3900)) if rng.random() < 0.1 else 0
        if refund == 2 * 16800 + 3900:  # the whole money back a few hours later: never shipped
            self.at(paid_at + timedelta(hours=rng.uniform(2, 30)),
                    lambda uow: orders.record_payment(uow, OWNER, oid, -refund, method="alipay"))
            return
        self.ship_story(i, oid, paid_at)
        if refund:  # part of the money back (an item missing, a discount) after it shipped
            self.at(paid_at + timedelta(hours=rng.uniform(30, 60)),
                    lambda uow: orders.record_payment(uow, OWNER, oid, -refund, method="alipay"))

    def ship_story(self, i: int, oid: int, paid_at: datetime) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            return  # paid, not shipped yet
        shipped = paid_at + timedelta(hours=rng.choice((0.5, 2, 5, 11, 20, 23.9, 26, 40, 70)))
        sid = self.ship(oid, shipped)
        if sid is None:
            return
        if i % 41 == 7:  # the courier says the number is invalid: the parcel is recalled; shipped again later
            self.answer(sid, TrackState.INVALID_NUMBER, shipped + timedelta(hours=3), None)
            again_at = shipped + timedelta(hours=rng.uniform(5, 30))
            again = self.ship(oid, again_at)
            if again is not None:
                self.parcel_story(again, again_at)
            return
        self.parcel_story(sid, shipped)

    # --- tickets ----------------------------------------------------------------------------

    def tickets(self) -> None:
        ids = sorted(self.built.orders)
        rng = self.rng
        for n, oid in enumerate(rng.sample(ids, min(48, len(ids) // 2))):
            opened = self.now - timedelta(days=rng.uniform(0.2, 12))
            if n % 3 == 0:
                tk = self.at(opened, lambda uow, oid=oid: tickets.open_ticket(uow, OWNER, oid, "address",
                                                                              note="the customer called"))
                tid = int(tk.id)
            else:
                def detect(uow, oid=oid, n=n):
                    order = uow.session.get(Order, oid)
                    tickets.detected(uow, RULE, order, Kind.OTHER, f"health-test {n}", "seen by the test's rule")
                self.at(opened, detect)
                with self.db.read_session() as s:
                    tid = int(s.query(Ticket.id).filter(Ticket.order_id == oid, Ticket.kind == "other")
                              .order_by(Ticket.id.desc()).first()[0])
            fate = n % 4
            if fate == 0:  # still open
                continue
            took = timedelta(minutes=rng.randint(3, 25)) if fate == 1 else timedelta(days=rng.uniform(2.5, 4))
            if opened + took < self.now:
                self.at(opened + took, lambda uow, tid=tid: tickets.set_state(uow, OWNER, tid, "resolved"))

    # --- a bank statement, matched by the rules and by hand ------------------------------------

    def statement(self, tmp: Path) -> None:
        """One bank CSV: a payment line per a third of the paid orders naming the order (the memo
        rule matches them), some with an amount a little or much off, and a few naming nothing,
        matched by hand afterwards; a transfer to savings (excluded by the rules)."""
        rng = self.rng
        with self.db.read_session() as s:
            paid = s.query(Order.id, Order.order_no, Order.paid_minor).filter(Order.paid_minor > 0) \
                .order_by(Order.id).all()
        chosen = [p for p in paid if rng.random() < 0.35]
        lines, by_hand = [], []
        for k, (oid, no, amount) in enumerate(chosen):
            day = (self.now - timedelta(days=rng.uniform(0.5, 12))).astimezone(UTC)
            got = amount if k % 9 else amount - rng.choice((10, 5000))  # ¥0.10 (amber) or ¥50.00 (red) short
            if k % 13 == 5:
                by_hand.append((k, oid))
                lines.append((day, got, f"TRANSFER FROM BUYER {k}", f"R{k:05d}"))
            else:
                lines.append((day, got, f"PAYMENT FOR ORDER {no}", f"R{k:05d}"))
        lines.append((self.now - timedelta(days=3), -50000, "TRANSFER TO SAVINGS 余额宝", "R99999"))
        path = tmp / "bank.csv"
        path.write_text("Date,Details,Amount,Ref\n" + "".join(
            f"{d:%Y-%m-%d},{memo},{amount / 100:.2f},{ref}\n" for d, amount, memo, ref in lines), encoding="utf-8")
        mapping = {"code": "testbank", "name": "Test bank", "currency": "CNY", "date_formats": ["%Y-%m-%d"],
                   "zone": ZONE, "columns": {"date": ["Date"], "memo": ["Details"], "amount": ["Amount"],
                                             "reference": ["Ref"]}}
        when = self.now - timedelta(minutes=30)
        self.at(when, lambda uow: statements.import_file(uow, OWNER, path, "bank_csv", mapping=mapping))
        self.at(when + timedelta(minutes=1), lambda uow: reconcile.run(uow, OWNER))
        self.built.statement_lines = len(lines)
        from sqlalchemy import text

        with self.db.read_session() as s:
            open_lines = {str(memo): int(i) for i, memo in s.execute(text(
                "SELECT id, memo FROM statement_lines WHERE state = 'open'"))}
        for k, oid in by_hand:
            line = next((i for memo, i in open_lines.items() if f"TRANSFER FROM BUYER {k}" in memo), None)
            if line is not None:
                self.at(when + timedelta(minutes=2),
                        lambda uow, line=line, oid=oid: reconcile.match_by_hand(uow, OWNER, line, oid,
                                                                                 "the buyer named it on the phone"))

    def archive(self, count: int) -> None:
        """Archived as an approved change set applies it (the two-person rule's own path is tested
        with change sets): the service archives, the unit of work keeps the rollup."""
        approved = ChangeContext(Actor("olivia", "owner"), "changeset:health-test", "old test order",
                                 approver=Actor("max", "manager"))

        def archive(uow, oid):
            uow.approved_sources.add(approved.source)
            return orders.set_archived(uow, approved, oid, True)

        for oid in self.rng.sample(sorted(self.built.orders), count):
            self.at(self.now - timedelta(minutes=10), archive, oid)

def build(db, tmp: Path, *, orders_count: int = 320, seed: int = 28, now: datetime | None = None) -> Built:
    """The shop, in the store `db` (empty, migrated); returns what was built."""
    shop = _Shop(db, (now or datetime.now(UTC)).replace(microsecond=0), seed)
    shop.at(shop.now - timedelta(days=20), lambda uow: settings.set_timezone(uow, OWNER, ZONE))
    for i in range(orders_count):
        shop.life(i)
    shop.tickets()
    shop.statement(tmp)
    shop.archive(6)
    return shop.built
