"""The main window's size on the screen it opens on: the first start fits the screen's available
geometry (a 1366 × 768 or 1280 × 720 laptop included: menu, grid, status bar and the panels' tabs
all on screen), a saved geometry is restored but kept inside the current screen (a layout saved on
a large monitor never opens half off a laptop's), and the bottom panels (approvals, tickets) share
a small part of the height, tabbed, never half the grid's.

The functions take the available rectangle as a parameter (the window passes its screen's
`availableGeometry()`), so a test can fit the window to any screen size.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

WIDEST, TALLEST = 1440, 860  # no bigger than this where the screen has more room
DOCK_SHARE = 0.25  # the bottom panels' share of the window's height at first start
DOCK_MIN = 150  # ... but at least their tabs, a toolbar and three rows
# a window manager's frame (title bar and borders) before the window is shown: generous, so the
# frame and all fit; once shown, the real frame is measured
FRAME_GUESS = QMargins(8, 38, 8, 8)


def available_room(w: QWidget) -> QRect | None:
    """The available geometry (without task bars and docks) of the screen the window is on."""
    screen = w.screen()
    return screen.availableGeometry() if screen is not None else None


def _frame(w: QWidget) -> QMargins:
    if w.isVisible():
        f, g = w.frameGeometry(), w.geometry()
        m = QMargins(g.left() - f.left(), g.top() - f.top(), f.right() - g.right(), f.bottom() - g.bottom())
        if m.left() or m.top() or m.right() or m.bottom():
            return m
    return FRAME_GUESS


def fitted_rect(room: QRect, frame: QMargins, wanted: QRect | None = None) -> QRect:
    """The window's client rectangle inside room: `wanted` (a restored geometry) shrunk and moved
    inside as little as needed, or the first start's size (the largest up to WIDEST × TALLEST)
    centred. The frame around it stays inside room too."""
    inner = room.marginsRemoved(frame)
    if wanted is None:
        width, height = min(WIDEST, inner.width()), min(TALLEST, inner.height())
        rect = QRect(0, 0, width, height)
        rect.moveCenter(inner.center())
        return rect
    rect = QRect(wanted.topLeft(), wanted.size().boundedTo(inner.size()))
    rect.moveLeft(max(inner.left(), min(rect.left(), inner.right() - rect.width() + 1)))
    rect.moveTop(max(inner.top(), min(rect.top(), inner.bottom() - rect.height() + 1)))
    return rect


def fit_window(w: QMainWindow, room: QRect | None, *, keep: bool = False) -> None:
    """Size and place w inside room. keep: what it has now (a restored geometry) is kept where
    it fits, shrunk and moved inside where it does not; else the first start's size."""
    if room is None or room.isEmpty():
        w.resize(WIDEST, TALLEST)
        return
    rect = fitted_rect(room, _frame(w), w.geometry() if keep else None)
    if w.isMaximized() or w.isFullScreen():
        return  # the window manager keeps a maximised window on its screen
    w.setGeometry(rect)


def size_bottom_docks(w: QMainWindow, docks: list[QDockWidget], height: int | None = None) -> None:
    """The bottom panels (tabbed together) take DOCK_SHARE of the window's height (at least
    DOCK_MIN): the grid keeps the rest."""
    height = height if height is not None else w.height()
    share = max(DOCK_MIN, int(height * DOCK_SHARE))
    w.resizeDocks(docks, [share] * len(docks), Qt.Orientation.Vertical)
