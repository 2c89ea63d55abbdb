"""Courier adapters: ask a courier about a tracking number, get the domain's `TrackResult` back.

`adapter_for(config, secret)` picks the protocol (`kuaidi100` or `aftership`, domain/couriers.py's
KINDS); every failure is a `CourierError` (domain/couriers.py) with one sentence naming the
courier. http.py is what both protocols share (timeouts, retries, the rate limit, distrust of the
answer). The fake courier for tests and the demo is `shop_orders.courier_sim`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import tzinfo

import httpx

from shop_orders.adapters.couriers.aftership import AfterShipAdapter
from shop_orders.adapters.couriers.http import HttpCourier
from shop_orders.adapters.couriers.kuaidi100 import Kuaidi100Adapter
from shop_orders.domain.couriers import KINDS, Adapter, CourierConfig, CourierLimits
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

__all__ = ["adapter_for"]


def adapter_for(config: CourierConfig, secret: str, client: httpx.Client | None = None, *,
                limits: CourierLimits | None = None, sleep: Callable[[float], None] = time.sleep,
                clock: Callable[[], float] = time.monotonic, zone: tzinfo | None = None) -> Adapter:
    """The adapter for `config.kind`. A given `client` is used (and left open); without one the
    adapter makes its own and closes it in `close()`. `sleep` and `clock` are for tests. `zone`
    reads a courier's times that carry no offset (AfterShip's checkpoint times are the place's
    local time): the shop's time zone, where a domestic parcel's scans happen."""
    classes: dict[str, type[HttpCourier]] = {"kuaidi100": Kuaidi100Adapter, "aftership": AfterShipAdapter}
    kind = str(config.kind).strip().lower()
    if kind not in classes:
        raise ValidationError(t("unknown courier kind '{kind}'; expected one of: {choices}",
                                kind=str(config.kind)[:40], choices=", ".join(KINDS)))
    if not str(config.url).lower().startswith(("http://", "https://")):
        raise ValidationError(t("The courier {name}'s address must start with http:// or https://.", name=config.name))
    return classes[kind](config, secret, client, limits=limits or CourierLimits(), sleep=sleep, clock=clock,
                         zone=zone)
