"""A stock catalogue and paid orders made through the real services, for the stock window's tests
and the screenshots (scripts at scale): SKUs "SKU-00001"... with a location, a safety stock, two
barcodes each (an EAN-13 and the shop's own code), some on hand; paid orders awaiting shipment,
each of one or two SKUs, the later ones short where the shelf runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import orders, stock
from shop_orders.services.uow import UnitOfWork
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual", "first stocktake")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LOCATIONS = ("A-01", "A-02", "B-01", "B-02", "C-07")


def sku(n: int) -> str:
    return f"SKU-{n:05d}"


def ean(n: int) -> str:
    return f"69{n:011d}"


def on_hand_of(n: int) -> int:
    """SKU n's first delivery: every seventh SKU has none; the rest 1 to 12."""
    return 0 if n % 7 == 0 else 1 + n % 12


def catalogue(db, count: int, batch: int = 1000, at: datetime = T0) -> None:
    for start in range(1, count + 1, batch):
        with UnitOfWork(db, clock=lambda: at) as uow:
            for n in range(start, min(start + batch, count + 1)):
                stock.add_sku(uow, OWNER, sku(n), f"商品 {n} · item {n}", location=LOCATIONS[n % len(LOCATIONS)],
                              barcodes=(ean(n), f"SHOP{n}"), safety=n % 5)
                if on_hand_of(n):
                    stock.receive(uow, OWNER, sku(n), on_hand_of(n), "first delivery")
            uow.commit()


def paid_orders(db, count: int, skus: int, batch: int = 500, at: datetime = T0 + timedelta(days=1)) -> list[str]:
    """`count` paid orders awaiting shipment, order i wanting 2 of SKU (i % skus)+1 (and 1 of the
    next for every third); paid a minute apart, so the first paid are served first."""
    made: list[str] = []
    for start in range(0, count, batch):
        with UnitOfWork(db, clock=lambda: at) as uow:
            for i in range(start, min(start + batch, count)):
                lines = [orders.LineDraft(sku(i % skus + 1), f"商品 {i % skus + 1}", 2, 1000)]
                if i % 3 == 0:
                    lines.append(orders.LineDraft(sku((i + 1) % skus + 1), f"商品 {(i + 1) % skus + 1}", 1, 1000))
                total = sum(li.qty * li.unit_price_minor for li in lines)
                when = at + timedelta(minutes=i)
                d = draft(status=Status.AWAITING_SHIPMENT, paid_minor=total, total_minor=total, created_at=when,
                          paid_at=when, lines=lines)
                made.append(orders.create_order(uow, OWNER, d).order_no)
            uow.commit()
    return made
