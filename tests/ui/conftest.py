"""UI fixtures: a window over a small SQLite store with a controlled clock and its own QSettings."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings

from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui.main_window import MainWindow


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def settle(qtbot, w, timeout: int = 10000) -> None:
    """Wait until the window has done what it started: its grid's query is shown (first page
    read in a worker) and no change, detail or count worker is still running."""
    from PySide6.QtCore import QCoreApplication

    def done() -> bool:
        QCoreApplication.processEvents()  # what a finished worker handed back is delivered first
        return not w.model.loading and not w.workers.running()

    qtbot.waitUntil(done, timeout=timeout)
    QCoreApplication.processEvents()


@pytest.fixture
def make_window(qtbot, sqlite_db, tmp_path, qsettings, clock):
    windows = []

    def _make(poll_ms: int = 200, lang: str = "en", sweep_ms: int = 0):
        ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
        w = MainWindow(ctx, lang=lang, qsettings=qsettings, poll_ms=poll_ms, clock=lambda: clock.now + timedelta(0),
                       sweep_ms=sweep_ms)
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        settle(qtbot, w)
        return w

    yield _make
    for w in windows:
        w.background.poll_timer.stop()


@pytest.fixture(autouse=True)
def _no_modal_export_options(monkeypatch):
    """The export's language dialog would wait for a click forever: a test that exports says
    what it answers (`ExportOptionsDialog.ask`); reaching the real dialog fails the test."""
    from PySide6.QtWidgets import QDialog

    from shop_orders.ui.store_actions import ExportOptionsDialog

    shown: list[str] = []

    def no_dialog(self, *_a):
        shown.append(self.windowTitle())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ExportOptionsDialog, "exec", no_dialog)
    yield
    assert not shown, f"unexpected export options dialog: {shown}"
