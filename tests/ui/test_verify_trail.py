"""Tools → Verify trail runs the audit check in a worker and says the outcome in one sentence."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from tests.factories import make_order


@pytest.fixture
def shown(monkeypatch):
    """The message boxes the window would show: (kind, text), never real modals."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, msg, *a, **k: seen.append(("info", msg)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, msg, *a, **k: seen.append(("warning", msg)))
    return seen


def _tools_action(w):
    menus = {a.text(): a.menu() for a in w.menuBar().actions()}
    assert "&Tools" in menus
    return next(a for a in menus["&Tools"].actions() if a.objectName() == "verifyTrail")


def test_verify_trail_reports_a_clean_store_with_its_counts(make_window, sqlite_db, qtbot, shown):
    for _ in range(3):
        make_order(sqlite_db)
    w = make_window()
    _tools_action(w).trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert shown == [("info", "The audit trail is intact: 3 events and 3 orders checked.")]
    assert w.store_actions.verify_action.isEnabled()


def test_verify_trail_names_the_first_order_changed_in_the_database(make_window, sqlite_db, qtbot, shown):
    make_order(sqlite_db)
    no = make_order(sqlite_db)
    with sqlite_db.engine.begin() as c:
        c.execute(text("UPDATE orders SET total_minor = 1 WHERE order_no = :no"), {"no": no})
    w = make_window()
    _tools_action(w).trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    kind, sentence = shown[0]
    assert kind == "warning"
    assert sentence.startswith(f"The audit trail check failed: order {no} (")
    assert "total is 0.01 in the store but the audit trail says 375.00" in sentence
    assert w.statusBar().currentMessage() == sentence


def test_cancel_in_the_progress_dialog_stops_the_check(make_window, sqlite_db, qtbot, shown, monkeypatch):
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    from shop_orders.services import verification

    def slow_check(db, progress=None, cancel=None):  # the real check's contract: progress, then cancel
        while True:
            progress("chain", 1, 10)
            if cancel():
                raise verification.VerifyCancelled(verification.CANCELLED)
            time.sleep(0.01)

    monkeypatch.setattr(verification, "verify_store", slow_check)
    w = make_window()
    w.store_actions.verify_action.trigger()
    dialog = w.findChild(QProgressDialog, "verifyProgress")
    qtbot.waitUntil(lambda: dialog.value() == 1, timeout=5000)
    assert dialog.labelText() == "Checking the audit chain…"
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # its Cancel button
    qtbot.waitUntil(lambda: w.store_actions.verify_action.isEnabled(), timeout=5000)
    assert shown == []
    assert w.statusBar().currentMessage() == "The check of the audit trail was cancelled."
