"""The main window: menus, the status-count overview, and a status bar with the database and counts.

The order grid arrives with the grid issue and takes the central area; until then the central
area shows the live overview (orders per status and how many are stale), refreshed after
every change made from this window and on demand (F5).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_orders import __version__
from shop_orders.app import AppContext
from shop_orders.domain.status import Status
from shop_orders.services import backup as backup_service
from shop_orders.services.overview import Overview, overview
from shop_orders.ui.workers import run_in_pool


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._tasks = []
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Shop Orders 订单台 — %s") % ctx.db.where)
        self.resize(1200, 760)
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        QTimer.singleShot(0, self.refresh)

    # ---- building ---------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.backup_action = QAction(self.tr("&Back up database…"), self)
        self.backup_action.triggered.connect(self.back_up)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        view_menu.addAction(self.refresh_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Shop Orders"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        title = QLabel(self.tr("Orders by status"), central)
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        layout.addWidget(title)
        self.summary = QTableWidget(len(Status) + 2, 3, central)
        self.summary.setObjectName("statusSummary")
        self.summary.setHorizontalHeaderLabels([self.tr("Status"), self.tr("状态"), self.tr("Orders")])
        self.summary.verticalHeader().setVisible(False)
        self.summary.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.summary.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.summary.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.summary.setMaximumWidth(640)
        self.summary.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.summary.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row, status in enumerate(Status):
            self._set_row(row, status.label("en"), status.label("zh"), "…")
        self._set_row(len(Status), self.tr("Stale (no update for too long)"), "超时未更新", "…")
        for col in range(3):  # the red flag row stands out
            item = self.summary.item(len(Status), col)
            item.setForeground(QColor("#c62828"))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self._set_row(len(Status) + 1, self.tr("All orders"), "全部订单", "…")
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setCentralWidget(central)

    def _set_row(self, row: int, en: str, zh: str, count: str) -> None:
        for col, text in enumerate((en, zh, count)):
            item = QTableWidgetItem(text)
            if col == 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.summary.setItem(row, col, item)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel(self.tr("Database: %s") % self.ctx.db.where, self)
        self.db_label.setObjectName("databaseLabel")
        self.counts_label = QLabel(self.tr("Counting orders…"), self)
        self.counts_label.setObjectName("countsLabel")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)

    # ---- actions ----------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.ctx.db
        now = datetime.now(UTC)
        self._start(lambda: overview(db, now), self._show_overview)

    def _start(self, fn, on_done) -> None:
        task = run_in_pool(fn, on_done, self._show_error)
        self._tasks.append(task)
        task.signals.finished.connect(lambda *_: self._forget(task))
        task.signals.failed.connect(lambda *_: self._forget(task))

    def _forget(self, task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    def _show_overview(self, ov: Overview) -> None:
        for row, status in enumerate(Status):
            self.summary.item(row, 2).setText(f"{ov.counts[status]:,}")
        self.summary.item(len(Status), 2).setText(f"{ov.stale:,}")
        self.summary.item(len(Status) + 1, 2).setText(f"{ov.total:,}")
        self.counts_label.setText(
            self.tr("%s orders · %s stale (over %s h)")
            % (f"{ov.total:,}", f"{ov.stale:,}", f"{ov.thresholds.default_hours:g}")
        )

    def _show_error(self, message: str) -> None:
        self.counts_label.setText(self.tr("Could not read the database"))
        QMessageBox.warning(self, self.tr("Shop Orders"), message)

    def back_up(self) -> None:
        default = str(self.ctx.backup_dir / f"shop-orders-{datetime.now():%Y%m%d-%H%M%S}.sqlite3")
        self.ctx.backup_dir.mkdir(parents=True, exist_ok=True)
        dest, _ = QFileDialog.getSaveFileName(self, self.tr("Back up database"), default,
                                              self.tr("Shop Orders backup (*.sqlite3)"))
        if not dest:
            return
        self.backup_action.setEnabled(False)
        self.statusBar().showMessage(self.tr("Backing up and checking the copy…"))
        db, folder = self.ctx.db, self.ctx.backup_dir

        def done(report) -> None:
            self.backup_action.setEnabled(True)
            self.statusBar().showMessage(
                self.tr("Backup written and checked: %s") % report.path, 10000)

        def failed(message: str) -> None:
            self.backup_action.setEnabled(True)
            self.statusBar().clearMessage()
            QMessageBox.warning(self, self.tr("Backup failed"), message)

        task = run_in_pool(lambda: backup_service.backup(db, Path(dest), folder), done, failed)
        self._tasks.append(task)

    def about(self) -> None:
        QMessageBox.about(
            self, self.tr("About Shop Orders"),
            self.tr("Shop Orders (订单台) %s\nEvery channel's orders in one place.\nDatabase: %s")
            % (__version__, self.ctx.db.where),
        )
