"""The order lifecycle shown as a progress bar: ordered → paid → packed → scanned out → picked up
→ in transit → delivered.

Derived from what the store knows: payments, shipments (a parcel that was scanned out was packed),
and the courier's tracking state once couriers report it (couriers issue). A completed order was
delivered. A cancelled order shows how far it got before it was cancelled.
"""

from __future__ import annotations

from enum import IntEnum

from shop_orders.domain.status import Status


class Stage(IntEnum):
    ORDERED = 0
    PAID = 1
    PACKED = 2
    SCANNED_OUT = 3
    PICKED_UP = 4
    IN_TRANSIT = 5
    DELIVERED = 6


LABELS = {
    Stage.ORDERED: ("Ordered", "下单"), Stage.PAID: ("Paid", "付款"), Stage.PACKED: ("Packed", "打包"),
    Stage.SCANNED_OUT: ("Scanned out", "扫描出库"), Stage.PICKED_UP: ("Picked up", "揽收"),
    Stage.IN_TRANSIT: ("In transit", "运输中"), Stage.DELIVERED: ("Delivered", "签收"),
}

# How far the courier's own tracking state takes an order (couriers issue fills these in).
TRACKING_STAGE = {"picked_up": Stage.PICKED_UP, "in_transit": Stage.IN_TRANSIT,
                  "out_for_delivery": Stage.IN_TRANSIT, "delivered": Stage.DELIVERED}


def reached(status: Status, total_minor: int, paid_minor: int, shipments: int,
            tracking_state: str | None = None) -> Stage:
    """The last stage the order has reached."""
    if status is Status.COMPLETED:
        return Stage.DELIVERED
    stage = Stage.ORDERED
    if paid_minor >= total_minor and (total_minor > 0 or status is not Status.AWAITING_PAYMENT):
        stage = Stage.PAID
    if shipments > 0:
        stage = Stage.SCANNED_OUT
    if tracking_state in TRACKING_STAGE:
        stage = max(stage, TRACKING_STAGE[tracking_state])
    return stage
