"""Nothing is left behind while the app runs: a context menu, the scan station (F9), a dialog asked
once and a job's progress window are deleted after use, and the window's worker registry lets go of
each task once its answer was delivered (issue 26, item 9)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from shop_orders.ui.dialogs import exec_once
from shop_orders.ui.workers import progress_dialog, registry_for
from tests.factories import make_order
from tests.ui.conftest import settle


def _deleted_later() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def _top_levels() -> int:
    _deleted_later()
    return len(QApplication.topLevelWidgets())


def _close_popup_soon() -> None:
    def close() -> None:
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        else:
            QTimer.singleShot(5, close)
    QTimer.singleShot(5, close)


@pytest.mark.qt_log_ignore("This plugin does not support (grabbing the keyboard|raise)")  # offscreen has no grab
def test_context_menus_leave_no_window_behind(qtbot, make_window, sqlite_db):
    make_order(sqlite_db)
    w = make_window()
    view = w.view
    view.selectRow(0)
    before = _top_levels()
    for _ in range(10):
        _close_popup_soon()
        view.customContextMenuRequested.emit(QPoint(5, 5))  # the row menu
        _close_popup_soon()
        view.horizontalHeader().customContextMenuRequested.emit(QPoint(5, 5))  # the column menu
    assert _top_levels() == before


def test_f9_again_and_again_leaves_no_scan_station_behind(qtbot, make_window):
    w = make_window()
    before = _top_levels()
    for _ in range(5):
        w.order_actions.open_scan_station()  # F9 opens it...
        assert w.order_actions.station.isVisible()
        w.order_actions.open_scan_station()  # ...and F9 again closes it
    assert _top_levels() == before
    w.order_actions.open_scan_station()  # a closed (deleted) station is opened anew
    assert w.order_actions.station.isVisible()
    w.order_actions.station.close()


def test_a_dialog_asked_once_and_a_jobs_progress_window_are_deleted_after_use(qtbot):
    from PySide6.QtWidgets import QDialog

    parent = QWidget()
    qtbot.addWidget(parent)
    before = _top_levels()
    for _ in range(5):
        d = QDialog(parent)
        QTimer.singleShot(0, d.reject)
        assert exec_once(d) == QDialog.DialogCode.Rejected
        assert d.isHidden()  # still readable until control returns to the event loop
        progress_dialog(parent, "working", "p").reset()  # what a job's end does
    assert _top_levels() == before


def test_the_windows_and_the_ticket_panels_task_lists_are_empty_once_their_tasks_ended(qtbot, make_window,
                                                                                        sqlite_db):
    for _ in range(3):
        make_order(sqlite_db)
    w = make_window(poll_ms=50)
    for _ in range(5):  # reads of every kind: grid pages and counts, facets, detail, tickets, polls
        w.model.refresh()
        w.refresh_facets()
        w.show_current()
        w.tickets.reload()
        qtbot.wait(60)
    w.background.poll_timer.stop()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: not w.workers.held() and not registry_for(w.tickets).held(), timeout=10000)
    assert registry_for(w.tickets) is w.workers  # the panel's workers are the window's
