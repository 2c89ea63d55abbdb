"""Shop-wide settings shared by every seat; every change is audited like an order change."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import Setting

STALENESS_KEY = "staleness"


def _thresholds_to_json(t: Thresholds) -> str:
    return json.dumps({"default_hours": t.default_hours,
                       "per_status": {s.value: h for s, h in sorted(t.per_status.items())}},
                      sort_keys=True)


def get_thresholds(session: Session) -> Thresholds:
    row = session.get(Setting, STALENESS_KEY)
    if row is None:
        return Thresholds()
    data = json.loads(row.value)
    return Thresholds(float(data["default_hours"]),
                      {Status(k): float(v) for k, v in data.get("per_status", {}).items()})


def set_thresholds(uow: UnitOfWork, ctx: ChangeContext, thresholds: Thresholds) -> None:
    old_row = uow.session.get(Setting, STALENESS_KEY)
    new = _thresholds_to_json(thresholds)
    old = old_row.value if old_row else _thresholds_to_json(Thresholds())
    if old == new:
        raise ValidationError("The staleness thresholds are already set to these values.")
    if old_row is None:
        uow.session.add(Setting(key=STALENESS_KEY, value=new, updated_at=uow.now))
    else:
        old_row.value, old_row.updated_at = new, uow.now
    uow.record(ctx, "setting", field=STALENESS_KEY, old=old, new=new)
