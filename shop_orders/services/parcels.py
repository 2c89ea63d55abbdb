"""A parcel's tracking number, checked where a parcel is shipped: at the scan-out
(services/scanning.py) and when shipping by hand (services/orders.ship). Both import this module,
so neither imports the other for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.messages import t
from shop_orders.domain.scanning import ScanRefused, clean_code
from shop_orders.domain.tracking import plausible_number
from shop_orders.store.models import Order, OrderLine, Shipment, StockBarcode

__all__ = ["check_number", "store_barcode"]


def _courier_pattern(session: Session, courier: str) -> str:
    """The pattern of the courier account the parcel's courier names (by its name or an alias)."""
    from shop_orders.domain.carriers import carrier_key
    from shop_orders.services.courier_accounts import accounts

    key = carrier_key(courier)
    for a in accounts(session):
        if key in a.names():
            return a.pattern
    return ""


def store_barcode(session: Session, code: str) -> str:
    """The SKU or order id the store knows that `code` (as scanned) is, else "": the barcodes the
    shop prints on its packing slips (every SKU, every order id), which a courier's label never
    carries, and every barcode of the stock catalogue (the SKU it names). Looked up by
    the indexes on order_lines.sku and orders.order_no, as scanned, in capitals and in small
    letters (a scan gives the SKU as the slip printed it; tracking numbers are compared in capitals)."""
    raw = clean_code(code)
    if not raw:
        return ""
    forms = sorted({raw, raw.upper(), raw.lower()})
    sku = session.execute(select(col(OrderLine.sku)).where(col(OrderLine.sku).in_(forms)).limit(1)).scalar()
    if sku is not None:
        return str(sku)
    coded = session.execute(select(col(StockBarcode.sku)).where(col(StockBarcode.code).in_(forms)).limit(1)).scalar()
    if coded is not None:  # a barcode of the stock catalogue (the box's EAN-13) names its SKU
        return str(coded)
    order_no = session.execute(select(col(Order.order_no)).where(col(Order.order_no) == raw.upper()).limit(1)).scalar()
    return "" if order_no is None else str(order_no)


def check_number(session: Session, order_id: int, courier: str, tracking_no: str) -> str:
    """The scanned tracking number, normalised (no spaces, capitals), if it has a tracking
    number's shape (domain/tracking.py), is no SKU or order id the store knows (store_barcode,
    issue 26 item 6: one item too many once shipped an order with a SKU as its waybill), matches
    the courier account's own pattern when it has one, and is on no live (not recalled) parcel of
    another order than `order_id`; else ScanRefused. The scan-out's checks, which shipping by hand
    runs too. The courier's pattern is matched by RE2 (linear time) on at most 40 characters
    (plausible_number, checked first), so it takes microseconds on the locked row (issue 23 item 7)."""
    if not courier.strip():
        raise ScanRefused("no_courier", t("Choose the courier of the parcel first."))
    number = clean_code(tracking_no).upper()
    if not plausible_number(number):
        raise ScanRefused("tracking_pattern", t("{number} is not a tracking number; scan the barcode on the courier's "
                                                "label.", number=number[:40] or "—"))
    known = store_barcode(session, tracking_no)
    if known:
        raise ScanRefused("tracking_is_item", t("{number} is an item or an order of this shop ({known}), not a tracking "
                                                "number; scan the barcode on the courier's label.",
                                                number=number, known=known))
    pattern = _courier_pattern(session, courier)
    if pattern:
        from shop_orders.services import patterns

        if not patterns.fullmatch(pattern, number):  # RE2: linear time, on the locked row too
            raise ScanRefused("tracking_pattern", t("{number} is not a {courier} tracking number; check the label and "
                                                    "the courier.", number=number, courier=courier.strip()))
    other = session.execute(
        select(col(Order.order_no)).join(Shipment, col(Shipment.order_id) == col(Order.id))
        .where(col(Shipment.tracking_no) == number, col(Shipment.recalled_at).is_(None),
               col(Shipment.order_id) != order_id).limit(1)
    ).scalar()
    if other is not None:
        raise ScanRefused("tracking_used", t("Tracking number {number} is already on order {other}; use a new label.",
                                             number=number, other=other))
    return number
