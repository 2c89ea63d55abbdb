"""Every colour the UI uses, in one place, so screens, dark mode and print stay coherent."""

from __future__ import annotations

from PySide6.QtGui import QColor

from shop_orders.domain.staleness import Level
from shop_orders.domain.status import Status

STATUS_COLOURS: dict[Status, str] = {
    Status.AWAITING_CONFIRMATION: "#8e6bbf",
    Status.AWAITING_PAYMENT: "#e08a00",
    Status.PARTIALLY_PAID: "#d4a017",
    Status.AWAITING_SHIPMENT: "#1f6fd1",
    Status.PARTIALLY_SHIPPED: "#2b9bb5",
    Status.SHIPPED: "#2e8b57",
    Status.COMPLETED: "#7d8b7d",
    Status.CANCELLED: "#9e9e9e",
}
FLAG_COLOURS: dict[Level, str | None] = {Level.FRESH: None, Level.AMBER: "#f0a500", Level.RED: "#d32f2f"}
QUIET_TEXT = "#8a8a8a"
STALE_TEXT = "#c62828"
ERROR_TEXT = "#c62828"  # what is wrong with a form or a refused change, said under it
LOCK_TEXT = "#555"  # the lock page's sentence
NOTICE_BACKGROUND = "#fff4d6"  # the notice bar above the grid
NOTICE_BORDER = "#e6c66b"


def status_colour(status: Status) -> QColor:
    return QColor(STATUS_COLOURS[status])


def flag_colour(level: Level) -> QColor | None:
    c = FLAG_COLOURS[level]
    return QColor(c) if c else None
