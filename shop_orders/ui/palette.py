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
TICKET_RED = "#c62828"  # a ticket past due (or nearly)
TICKET_AMBER = "#b26a00"  # a ticket due soon
PAUSED_TEXT = "#555555"  # a ticket whose clock is paused
PLAIN_TEXT = "#000000"  # a ticket in good time
TICKET_ORANGE = "#e65100"  # the exception tickets' badge and filter, white digits on it (contrast 4.6:1)
ON_COLOUR = "#ffffff"  # text on a filled chip or badge; a selected finished chip's fill
LIFECYCLE_TODO = "#c8c8c8"  # the lifecycle bar's steps not reached yet
VERSION_TEXT = "#888"  # an order's version beside its status in the detail
OK_TEXT = "#2e7d32"  # a check that passed (the shop server's connection test)
WARNING_TEXT = "#b26a00"  # an import that may go ahead with warnings
STATION_OK = "#2e7d32"  # the scan station's banner after a good scan
STATION_REFUSED = "#c62828"  # ... after a refused one
STATION_IDLE = "#263238"  # ... waiting for the next scan
SHORT_TEXT = "#c62828"  # an order short of stock: the grid's column, the filter, the stock window's count
COUNTED_TEXT = "#006400"  # a line whose items are all counted at the station (Qt's darkGreen)
TRANSPARENT = "transparent"  # an unselected finished chip's fill (its outline only)


def status_colour(status: Status) -> QColor:
    return QColor(STATUS_COLOURS[status])


def flag_colour(level: Level) -> QColor | None:
    c = FLAG_COLOURS[level]
    return QColor(c) if c else None
# The reconciliation board (ui/reconciliation.py): an order's state and a statement line's state.
RECON_STATE_COLOURS: dict[str, str] = {"red": "#c62828", "amber": "#b26a00", "green": "#2e7d32",
                                       "excluded": "#757575", "confirmed": "#1565c0"}
RECON_LINE_COLOURS: dict[str, str] = {"open": "#c62828", "matched": "#2e7d32", "excluded": "#757575"}
# The health dashboard (ui/health_dashboard.py): a figure's traffic light (its tile's left edge),
# its change against the previous period (better, worse), the tiles and the charts.
HEALTH_LIGHTS: dict[str, str] = {"green": "#2e7d32", "amber": "#e0a000", "red": "#c62828", "none": "#b0b0b0"}
HEALTH_BETTER = "#2e7d32"
HEALTH_WORSE = "#c62828"
HEALTH_TILE = "#ffffff"
HEALTH_TILE_BORDER = "#d0d0d0"
HEALTH_TILE_FOCUS = "#1f6fd1"  # the tile the keyboard is on
HEALTH_HEADER = "#f2f2f2"  # the breakdown's column headers
CHART_BACKGROUND = "#ffffff"
CHART_AXIS = "#555555"
CHART_BAR = "#1f6fd1"
CHART_LINE = "#2e8b57"
