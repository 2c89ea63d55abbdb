"""Writing one shop setting row, audited as a setting (old -> new): the one writer under every
service that keeps a shop-wide setting (settings.py, permissions.py, tickets.py, tracking.py).
It checks no permission and no approval: its callers do. Kept apart from settings.py because
settings.py asks permissions.py who may, and permissions.py writes its matrix through this."""

from __future__ import annotations

from shop_orders.domain.changes import ChangeContext
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import Setting


def put(uow: UnitOfWork, ctx: ChangeContext, key: str, value: str) -> None:
    """Store a shop setting's JSON (audited as a setting, old -> new) unless it is unchanged."""
    row = uow.session.get(Setting, key)
    old = row.value if row else None
    if old == value:
        return
    if row is None:
        uow.session.add(Setting(key=key, value=value, updated_at=uow.now))
    else:
        row.value, row.updated_at = value, uow.now
    uow.record(ctx, "setting", field=key, old=old, new=value)
