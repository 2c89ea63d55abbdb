"""Monkey run of the real window: seeded random clicks, keys, filters, searches, sorts, context
menus, the scan station, dialogs opened and closed (a timer rejects whatever modal window or popup
is up, as a hurried person would), for a given time, on a demo store, under faulthandler.

It fails (exit status 1, the reasons on stderr) on: any Qt warning (qInstallMessageHandler; the
offscreen plugin's own "This plugin does not support ..." excepted), a Python exception in a slot,
a stall of the UI thread over 1 s (a 50 ms heartbeat timer: the largest gap between two ticks),
top-level widgets growing by more than a few over the run, or RSS growing by more than 30% after
the warm-up (a quarter of the run, at most its first minute: the grid's page cache, Qt's fonts
and the first dialogs are made then). A crash fails it too: run it as a subprocess (tests/ui/test_monkey.py does) so that
faulthandler's traceback is what is left. It prints its figures as KEY=value lines.

usage: python -X faulthandler -m tests.ui.monkey [--seconds 600] [--orders 10000] [--seed 26]
       [--store FOLDER] [--sweep] [--stall-dump 0.5]
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

STALL_S = 1.0
RSS_GROWTH = 0.30
TOP_LEVEL_SLACK = 3
HEARTBEAT_MS = 50
PLATFORM_LIMITS = ("This plugin does not support",)  # the offscreen plugin's, not our code's
# actions that open a dialog (rejected by the closer) or a job with a progress window (cancelled)
DIALOG_ACTIONS = ("status_action", "payment_action", "contact_action", "ship_action", "bulk_selected_action",
                  "bulk_filter_action", "ticket_action", "couriers_action", "about_action", "ticket_settings_action",
                  "settings_action", "users_action", "permissions_action", "import_action", "export_action",
                  "backup_action", "save_slips_action", "verify_action", "find_action", "refresh_action",
                  "stale_action", "detail_action", "copy_action", "end_action", "start_action")
SEARCHES = ("王", "王涛", "李", "张伟", "上海", "北京市", "138", "0571", "SO-", "SO-2", "SF", "YT", "  ", "x",
            "爱喝茶", "路", "%", "_", "'", "\"", "🙂", "1", "9999", "")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


class Monkey:
    """Drives the window from a timer, one random act at a time, and keeps the run's figures."""

    def __init__(self, app, window, seed: int, seconds: float, warmup_s: float, stall_dump_s: float = 0.0) -> None:
        from PySide6.QtCore import QTimer

        self.app, self.w = app, window
        self.rng = random.Random(seed)
        self.seconds, self.warmup_s = seconds, warmup_s
        self.problems: list[str] = []
        self.acts = 0
        self.closed_modals = 0
        self.max_gap = 0.0
        self.max_gap_at = ""
        self.last_act = ""
        self.top_start = self.top_max = 0
        self.rss_start = self.rss_max = 0.0
        self._busy = False
        self.stall_dump_s = stall_dump_s  # > 0: every thread's stack is written to stderr at such a stall
        self._began = time.monotonic()
        self._beat: float | None = None
        self.heartbeat = QTimer()
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._tick)
        self.closer = QTimer()
        self.closer.setInterval(150)
        self.closer.timeout.connect(self._close_modals)
        self.trace = QTimer()  # a line a minute: how RSS and the top-level widgets go over the run
        self.trace.setInterval(60_000)
        self.trace.timeout.connect(self._trace)
        self.driver = QTimer()
        self.driver.setSingleShot(True)
        self.driver.timeout.connect(self._act)
        self.acts_table: list[tuple[str, Callable[[], None]]] = [
            ("click a row", self.click_row), ("press a key", self.press_key), ("filter", self.filter),
            ("search", self.search), ("sort", self.sort), ("scroll", self.scroll), ("row menu", self.row_menu),
            ("column menu", self.column_menu), ("an action", self.trigger_action), ("F9", self.scan_station),
            ("tickets", self.tickets), ("resize", self.resize), ("a dock", self.toggle_dock),
        ]

    # ---- the run ------------------------------------------------------------------------------
    def start(self) -> None:
        from PySide6.QtCore import QTimer

        self.heartbeat.start()
        self.closer.start()
        self.trace.start()
        self.driver.start(0)
        QTimer.singleShot(int(self.warmup_s * 1000), self._warmed_up)
        QTimer.singleShot(int(self.seconds * 1000), self._finish)

    def _warmed_up(self) -> None:
        self.top_start = self.top_max = self._top_levels()
        self.rss_start = self.rss_max = rss_mb()
        self.max_gap = 0.0  # the first load's own time is the grid's business, not a stall of the run

    def _trace(self) -> None:
        print(f"AT_S={time.monotonic() - self._began:.0f} RSS_MB={rss_mb():.1f} TOP_LEVEL={self._top_levels(deferred=False)} "
              f"ACTS={self.acts} MAX_GAP_MS={self.max_gap * 1000:.0f}", flush=True)

    def _finish(self) -> None:
        from PySide6.QtCore import QTimer

        self.driver.stop()
        self.stall_dump_s = 0.0
        faulthandler.cancel_dump_traceback_later()
        QTimer.singleShot(1500, self.app.quit)  # the closer closes what is still open meanwhile

    def _tick(self) -> None:
        now = time.monotonic()
        if self._beat is not None:
            gap = now - self._beat
            if gap > self.max_gap:
                self.max_gap, self.max_gap_at = gap, self.last_act
        self._beat = now
        if self.stall_dump_s > 0:
            faulthandler.dump_traceback_later(self.stall_dump_s)  # re-armed at every tick

    def _close_modals(self) -> None:
        from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
            self.closed_modals += 1
        modal = QApplication.activeModalWidget()
        if modal is not None:
            if isinstance(modal, QProgressDialog):
                modal.cancel()  # its Cancel button: the job stops (a rejected one would run on, hidden)
            elif isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
            self.closed_modals += 1
        if time.monotonic() - self._began > self.warmup_s:
            self.top_max = max(self.top_max, self._top_levels(deferred=False))
            self.rss_max = max(self.rss_max, rss_mb())

    def _act(self) -> None:
        from PySide6.QtWidgets import QApplication

        try:
            if self._busy or QApplication.activeModalWidget() is not None or QApplication.activePopupWidget():
                return  # a person cannot click the window under a modal one
            name, act = self.rng.choice(self.acts_table)
            self.last_act = name
            self._busy = True
            try:
                act()
            finally:
                self._busy = False
            self.acts += 1
        finally:
            if time.monotonic() - self._began < self.seconds:
                self.driver.start(self.rng.randint(5, 60))

    @staticmethod
    def _top_levels(deferred: bool = True) -> int:
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtWidgets import QApplication

        if deferred:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        return len(QApplication.topLevelWidgets())

    # ---- what a person does -----------------------------------------------------------------
    def click_row(self) -> None:
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        view = self.w.view
        rows = view.model().rowCount()
        if rows == 0:
            return
        top = view.rowAt(0)
        visible = max(1, view.viewport().height() // max(view.rowHeight(max(top, 0)), 1))
        row = min(rows - 1, max(top, 0) + self.rng.randrange(visible))
        y = view.rowViewportPosition(row) + 2
        modifier = self.rng.choice((Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.NoModifier,
                                    Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier))
        click = QTest.mouseDClick if self.rng.random() < 0.1 else QTest.mouseClick
        click(view.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(10, y))

    def press_key(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        keys = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_Home,
                Qt.Key.Key_End, Qt.Key.Key_Return, Qt.Key.Key_F5, Qt.Key.Key_Escape)
        modifier = Qt.KeyboardModifier.ControlModifier if self.rng.random() < 0.2 else Qt.KeyboardModifier.NoModifier
        QTest.keyClick(self.w.view, self.rng.choice(keys), modifier)

    def filter(self) -> None:
        filters = self.w.filters
        if self.rng.random() < 0.1:
            filters.show_stale_only()
            return
        items = []
        tree = filters.tree
        for i in range(tree.topLevelItemCount()):
            top = tree.topLevelItem(i)
            items.append(top)
            items.extend(top.child(j) for j in range(top.childCount()))
        if not items:
            return
        item = self.rng.choice(items)
        if self.rng.random() < 0.5:
            tree.setCurrentItem(item)  # a click: this filter alone
        else:
            item.setSelected(not item.isSelected())  # a Ctrl+click: one more, or one less

    def search(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        box = self.w.filters.search
        text = self.rng.choice(SEARCHES)
        if self.rng.random() < 0.3:
            row = self.w.table.current_row()
            if row is not None:
                text = row.order_no[self.rng.randrange(len(row.order_no)):][:6]
        box.setText(text)  # cleared and typed in one instant, as quick hands do
        if self.rng.random() < 0.4:
            QTest.keyClick(box, Qt.Key.Key_Return)

    def sort(self) -> None:
        from PySide6.QtCore import Qt

        header = self.w.view.horizontalHeader()
        order = self.rng.choice((Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder))
        header.setSortIndicator(self.rng.randrange(header.count()), order)

    def scroll(self) -> None:
        bar = self.w.view.verticalScrollBar()
        bar.setValue(self.rng.randint(0, max(bar.maximum(), 0)))

    def row_menu(self) -> None:
        from PySide6.QtCore import QPoint

        view = self.w.view
        view.customContextMenuRequested.emit(QPoint(10, self.rng.randint(0, max(view.viewport().height() - 1, 0))))

    def column_menu(self) -> None:
        from PySide6.QtCore import QPoint

        header = self.w.view.horizontalHeader()
        header.customContextMenuRequested.emit(QPoint(self.rng.randint(0, max(header.width() - 1, 0)), 5))

    def trigger_action(self) -> None:
        owner_of = (self.w, self.w.order_actions, self.w.store_actions, self.w.session, self.w.background,
                    self.w.table)
        name = self.rng.choice(DIALOG_ACTIONS)
        for owner in owner_of:
            found = getattr(owner, name, None)
            if found is not None:
                if found.isEnabled():
                    found.trigger()
                return

    def scan_station(self) -> None:
        self.w.order_actions.open_scan_station()  # opens it, or closes the one open

    def tickets(self) -> None:
        from PySide6.QtWidgets import QAbstractItemView

        panel = self.w.tickets
        if self.rng.random() < 0.3:
            panel.reload()
            return
        views = [v for v in panel.findChildren(QAbstractItemView) if v.isVisible() and v.model() is not None]
        if views:
            view = self.rng.choice(views)
            rows = view.model().rowCount()
            if rows:
                view.setCurrentIndex(view.model().index(self.rng.randrange(rows), 0))

    def resize(self) -> None:
        self.w.resize(*self.rng.choice(((1366, 768), (1280, 720), (1600, 1000), (1024, 700), (1920, 1080))))

    def toggle_dock(self) -> None:
        from PySide6.QtWidgets import QDockWidget

        docks = self.w.findChildren(QDockWidget)
        if docks:
            self.rng.choice(docks).toggleViewAction().trigger()

    # ---- the verdict ------------------------------------------------------------------------
    def verdict(self) -> list[str]:
        top_end = self._top_levels()
        rss_end = rss_mb()
        print(f"ACTS={self.acts} CLOSED_MODALS={self.closed_modals}", flush=True)
        print(f"MAX_GAP_MS={self.max_gap * 1000:.0f} (during: {self.max_gap_at})", flush=True)
        print(f"TOP_LEVEL_START={self.top_start} TOP_LEVEL_MAX={self.top_max} TOP_LEVEL_END={top_end}", flush=True)
        print(f"RSS_START_MB={self.rss_start:.1f} RSS_MAX_MB={self.rss_max:.1f} RSS_END_MB={rss_end:.1f}", flush=True)
        problems = list(self.problems)
        if self.max_gap > STALL_S:
            problems.append(f"the UI thread stalled {self.max_gap:.2f} s (during: {self.max_gap_at})")
        if top_end > self.top_start + TOP_LEVEL_SLACK:
            problems.append(f"top-level widgets grew from {self.top_start} to {top_end}")
        if self.rss_start and rss_end > self.rss_start * (1 + RSS_GROWTH):
            problems.append(f"RSS grew from {self.rss_start:.1f} MB to {rss_end:.1f} MB")
        return problems


def build_store(folder: Path, orders: int, seed: int):
    from shop_orders.services import demo
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.open import open_database
    from tests.factories import ctx

    path = folder / "monkey.sqlite3"
    fresh = not path.exists()
    db = open_database(path, data_dir=folder / "data", create=True)
    if fresh:
        with UnitOfWork(db) as uow:
            demo.fill(uow, ctx(source="demo"), orders, seed=seed)
            uow.commit()
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--lang", default="en", help="the window's language: en or zh_CN")
    parser.add_argument("--store", type=Path, default=None, help="a folder for the store (kept between runs)")
    parser.add_argument("--sweep", action="store_true", help="let the detection rules' sweep run too")
    parser.add_argument("--stall-dump", type=float, default=0.0,
                        help="write every thread's stack to stderr when the UI thread stalls this long (s)")
    args = parser.parse_args(argv)
    faulthandler.enable()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from shop_orders.domain import messages
    from shop_orders.services.context import AppContext, current_actor
    from shop_orders.ui import i18n
    from shop_orders.ui.main_window import MainWindow

    problems: list[str] = []

    def on_message(kind, _context, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and not message.startswith(PLATFORM_LIMITS):
            problems.append(f"Qt said: {message}")
            print(f"QT WARNING: {message}", file=sys.stderr, flush=True)

    def on_exception(kind, value, tb) -> None:
        problems.append(f"{kind.__name__} in a slot: {value}")
        traceback.print_exception(kind, value, tb, file=sys.stderr)

    folder = args.store or Path(tempfile.mkdtemp(prefix="shop-orders-monkey-"))
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    lang = messages.normalise(args.lang)
    i18n.install(app, lang)
    qInstallMessageHandler(on_message)
    sys.excepthook = on_exception
    started = time.monotonic()
    db = build_store(folder, args.orders, args.seed)
    print(f"STORE_S={time.monotonic() - started:.1f} ORDERS={args.orders} SEED={args.seed}", flush=True)
    window = MainWindow(AppContext(db, folder, folder / "backups", current_actor()), lang=lang,
                        qsettings=QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat),
                        **({} if args.sweep else {"sweep_ms": 0}))
    window.show()
    monkey = Monkey(app, window, args.seed, args.seconds, warmup_s=min(60.0, args.seconds / 4),
                    stall_dump_s=args.stall_dump)
    monkey.problems = problems
    monkey.start()
    app.exec()
    problems = monkey.verdict()
    window.close()
    app.processEvents()
    db.dispose()
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr, flush=True)
    print(f"PROBLEMS={len(problems)}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
