"""UI fixtures: a window over a small SQLite store with a controlled clock and its own QSettings."""

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings

from shop_orders.app import AppContext, current_actor
from shop_orders.ui.main_window import MainWindow


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, sqlite_db, tmp_path, qsettings, clock):
    windows = []

    def _make(poll_ms: int = 200, lang: str = "en"):
        ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
        w = MainWindow(ctx, lang=lang, qsettings=qsettings, poll_ms=poll_ms, clock=lambda: clock.now + timedelta(0))
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield _make
    for w in windows:
        w.poll_timer.stop()
