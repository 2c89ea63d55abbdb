"""Whether an order that is not paid in full may go on to shipping.

An order paid less than its total is refused shipping (by hand, by a scan, by a bulk change to
"awaiting shipment") unless its channel's orders are cash on delivery, a shop setting
(services/settings.get_cod_channels). One rule, used by services/orders.py (transition, ship,
payment_refusal), the scan-out (through orders.payment_refusal) and services/changesets.py (a
bulk change proposed over unpaid orders). Pure: no I/O.
"""

from __future__ import annotations

from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor


def unpaid_refusal(order_no: str, channel: str, paid_minor: int, total_minor: int, currency: str,
                   cod_channels: frozenset[str]) -> str | None:
    """The sentence refusing to ship (or move to awaiting shipment) an order paid less than its
    total, unless its channel's orders are cash on delivery (a shop setting); None when it may go."""
    if paid_minor >= total_minor or channel in cod_channels:
        return None
    return t("{order} is not paid ({paid} of {total}) and {channel} orders are not cash on delivery: record the "
             "payment first.", order=order_no, paid=format_minor(paid_minor, currency),
             total=format_minor(total_minor, currency), channel=channel_label(channel))
