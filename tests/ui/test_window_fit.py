"""A window that fits (issue 26, item 3): on a 1366 × 768 or 1280 × 720 laptop the whole window,
its status bar and the bottom panels' tabs are on screen, the panels take a small share of the
height, a saved geometry is brought back inside the screen, and the detail panel stays readable
(title elided with a tooltip, address wrapped, the trust chain given the room).

The offscreen platform's screen has one fixed size, so the window is fitted to the screen sizes
under test through window_fit's own parameter (the rectangle the window otherwise reads from its
screen's availableGeometry())."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect
from PySide6.QtWidgets import QTabBar

from shop_orders.ui.window_fit import fit_window, size_bottom_docks
from tests.factories import make_order
from tests.ui.conftest import settle

LAPTOPS = [QRect(0, 0, 1366, 768 - 40), QRect(0, 0, 1280, 720 - 40)]  # less a task bar


def _inside(inner: QRect, outer: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def _in_window(w, child) -> QRect:
    return QRect(child.mapTo(w, QPoint(0, 0)), child.size())


def _dock_tabs(w) -> QTabBar:
    bars = [b for b in w.findChildren(QTabBar) if b.parent() is w and b.isVisible() and b.count() >= 2]
    assert bars, "the bottom panels are tabbed together"
    return bars[0]


@pytest.mark.parametrize("room", LAPTOPS, ids=["1366x768", "1280x720"])
def test_the_first_start_fits_a_laptop_screen_with_status_bar_tabs_and_small_panels(make_window, qtbot, room):
    w = make_window()
    fit_window(w, room)
    size_bottom_docks(w, [w.approvals_dock])
    QCoreApplication.processEvents()
    frame = w.frameGeometry()  # the title bar and borders too
    assert _inside(frame, room), (frame, room)
    assert w.width() >= room.width() - 40 and w.height() >= room.height() - 80  # the room used, not a postage stamp
    window = w.rect()
    assert w.statusBar().isVisible() and _inside(_in_window(w, w.statusBar()), window)
    tabs = _dock_tabs(w)
    assert _inside(_in_window(w, tabs), window)
    assert {tabs.tabText(i) for i in range(tabs.count())} >= {w.approvals_dock.windowTitle(),
                                                              w.tickets_dock.windowTitle()}
    shown = w.tickets_dock if not w.tickets_dock.visibleRegion().isEmpty() else w.approvals_dock
    assert shown.height() <= 0.3 * w.height(), (shown.height(), w.height())
    assert w.view.height() >= 0.35 * w.height()  # the grid keeps the height


def test_a_saved_geometry_from_a_big_monitor_is_shrunk_and_moved_onto_the_laptop(make_window, qtbot, qsettings):
    w = make_window()
    w.setGeometry(QRect(700, 500, 1900, 1150))  # as saved on a 2560 x 1440 monitor
    room = LAPTOPS[0]
    fit_window(w, room, keep=True)
    assert _inside(w.frameGeometry(), room), w.frameGeometry()
    w.setGeometry(QRect(120, 90, 900, 620))  # one that fits stays where the user put it
    fit_window(w, room, keep=True)
    assert w.geometry() == QRect(120, 90, 900, 620)


def test_a_restored_layout_is_kept_inside_the_current_screen(make_window, qtbot, qsettings):
    w = make_window()
    w.setGeometry(QRect(900, 700, 2400, 1300))
    w.close()  # saves the layout
    w2 = make_window()
    room = w2.screen().availableGeometry()
    assert _inside(w2.geometry(), room), (w2.geometry(), room)


def test_the_detail_panel_is_readable_at_1366_by_768(make_window, qtbot, sqlite_db, clock):
    long_address = "湖北省武汉市武昌区珞喻路一百二十九号华中科技大学东校区学生公寓二十六栋一千二百一十九室 转 前台代收"
    no = make_order(sqlite_db, clock, channel="taobao", channel_order_no="4" * 40, address=long_address)
    w = make_window()
    fit_window(w, LAPTOPS[0])
    size_bottom_docks(w, [w.approvals_dock])
    w.show_order_no(no)
    settle(qtbot, w)
    w.view.selectRow(0)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    d = w.detail
    QCoreApplication.processEvents()
    # the title: cut with "…" where it does not fit, the whole in its tooltip, never wider than the panel
    assert d.title.text().startswith(no) and d.title.shown_text().endswith("…")
    assert d.title.toolTip() == d.title.text()
    assert d.title.fontMetrics().horizontalAdvance(d.title.shown_text()) <= d.title.width()
    # the address wraps inside the panel instead of running off its edge
    address = d.fields["address"]
    assert address.text() == long_address and address.wordWrap()
    assert address.width() <= d.width()
    assert address.heightForWidth(address.width()) > 1.5 * address.fontMetrics().height()
    assert address.height() >= address.heightForWidth(address.width())  # every line of it shown, none clipped
    # the trust chain has at least half of the room below the lifecycle bar, and shows its rows
    assert d.tabs.height() >= 0.45 * d.split.height(), (d.tabs.height(), d.split.height())
    assert d.history.rowCount() >= 1 and d.history.viewport().height() >= 3 * d.history.rowHeight(0)
