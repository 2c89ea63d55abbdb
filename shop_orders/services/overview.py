"""Read-only summaries for screens and the command line (the read side of the services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import settings
from shop_orders.store import queries
from shop_orders.store.db import Database


@dataclass(frozen=True)
class Overview:
    counts: dict[Status, int]
    stale: int
    thresholds: Thresholds

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def overview(db: Database, now: datetime) -> Overview:
    with db.read_session() as s:
        thresholds = settings.get_thresholds(s)
        return Overview(queries.count_by_status(s), queries.count_stale(s, thresholds, now), thresholds)


def thresholds(db: Database) -> Thresholds:
    with db.read_session() as s:
        return settings.get_thresholds(s)
