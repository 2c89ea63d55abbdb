"""Courier adapters: ask a courier about a tracking number, get the domain's `TrackResult` back.

`adapter_for(config, secret)` picks the protocol (`kuaidi100` or `aftership`); every failure is a
`CourierError` with one sentence naming the courier. The fake courier for tests and the demo is
`shop_orders.courier_sim`.
"""

from shop_orders.adapters.couriers.http import (
    KINDS,
    Adapter,
    CourierAuthError,
    CourierBadAnswer,
    CourierConfig,
    CourierError,
    CourierLimits,
    CourierRateLimited,
    CourierRefused,
    CourierServerError,
    CourierTimeout,
    CourierUnavailable,
    adapter_for,
)

__all__ = [
    "KINDS", "Adapter", "CourierAuthError", "CourierBadAnswer", "CourierConfig", "CourierError", "CourierLimits",
    "CourierRateLimited", "CourierRefused", "CourierServerError", "CourierTimeout", "CourierUnavailable",
    "adapter_for",
]
