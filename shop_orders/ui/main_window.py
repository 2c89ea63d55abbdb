"""The main window: the order grid with its filter panel and detail panel, menus, status bar.

The window only calls services (through AppContext and OrderBrowser); rules live below it.
Changes made by another seat or process show up within about a second: a cheap poll of the
audit chain's head (every change is audited) triggers a recount and page reload that keeps
the selection and the scroll position.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from shop_orders import __version__
from shop_orders.domain.errors import OrderConflict, ShopOrdersError, TransitionNotAllowed
from shop_orders.domain.grid import Facets, GridQuery
from shop_orders.domain.messages import normalise, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.roles import Role
from shop_orders.domain.status import Status, check_manual_transition
from shop_orders.domain.tickets import Kind
from shop_orders.services import backup as backup_service
from shop_orders.services import changesets, orders, permissions, rules, settings
from shop_orders.services.browse import OrderBrowser, PeopleBrowser, WarehouseBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import i18n
from shop_orders.ui.approvals import ApprovalsPanel, BulkEditDialog
from shop_orders.ui.delegates import FlagDelegate, StatusDelegate
from shop_orders.ui.detail_panel import DetailPanel
from shop_orders.ui.dialogs import (
    ChangeStatusDialog,
    EditContactDialog,
    PaymentDialog,
    SettingsDialog,
)
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.filter_panel import FilterPanel
from shop_orders.ui.first_run import WELCOMED_SETTING, ConnectDialog, EmptyStoreGuide, welcome_text
from shop_orders.ui.order_model import COLUMNS, OrderIdRole, OrderNoRole, OrderTableModel, RowRole
from shop_orders.ui.tickets import TicketPanel, TicketSettingsDialog
from shop_orders.ui.users import PermissionsDialog, SignInDialog, UsersDialog
from shop_orders.ui.workers import ProgressTask, Task, registry_for, run_in_pool

ROW_HEIGHT = 26
POLL_MS = 1000
# The languages a workbook can be written in, each named in itself.
EXPORT_LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))


class ExportOptionsDialog(QDialog):
    """After the file is chosen: the workbook's language, the window's own by default (a
    bookkeeper who reads the other language picks it here). Tests replace `ask`."""

    def __init__(self, parent, lang: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportOptionsDialog")
        self.setWindowTitle(t("Export to Excel"))
        self.language = QComboBox(self)
        self.language.setObjectName("exportLanguage")
        for code, name in EXPORT_LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(normalise(lang))))
        form = QFormLayout(self)
        form.addRow(t("Language of the workbook"), self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("Export"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> str:
        return str(self.language.currentData())

    @classmethod
    def ask(cls, parent, lang: str) -> str | None:
        """The chosen language ('en' or 'zh_CN'), or None when the person cancels."""
        d = cls(parent, lang)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        return d.chosen()


class IdleWatch(QObject):
    """When a person last touched this app (keys, mouse): the idle lock's clock."""

    INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.last = time.monotonic()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self.INPUT:
            self.last = time.monotonic()
        return False

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last


class _ShortcutsPassThrough(QObject):
    """The window's shortcuts (Ctrl+E, Ctrl+I, F5, ...) work while the focus is in the search
    box: a line edit claims some of them for itself (Ctrl+E moves to the end of the line on
    Linux), so their ShortcutOverride is refused there. Editing keys (copy, paste, undo, select
    all, the arrows) stay the box's."""

    EDITING = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.Cut,
               QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(QKeySequence(k)) == QKeySequence.SequenceMatch.ExactMatch for k in self.EDITING):
                return False
            for action in self.window.actions():
                if any(seq.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for seq in action.shortcuts()):
                    event.ignore()
                    return True  # not the box's: the window's shortcut fires
        return False


DEMO_ORDERS = 500
SWEEP_MS = 60_000  # the rules' timed work (stuck orders, reminders, escalation) runs every minute
SWEEP_FIRST_MS = 3_000  # and once soon after start


def _now() -> datetime:
    return datetime.now(UTC)


class MainWindow(QMainWindow):
    changeFinished = Signal(str)  # a change made from this window ended: "done", "conflict" or "refused"
    rightsChanged = Signal()  # what the signed-in user may do was read again
    bulkFinished = Signal(int)  # a bulk edit was proposed (its change set id) or refused (0)
    waitingForSeat = Signal(str)  # a write (in a worker) waits for another seat's transaction: said in the status bar
    verify_result: tuple[bool, str] | None  # the last Verify trail's (ok, sentence); None: cancelled
    def __init__(self, ctx: AppContext, *, lang: str = "en", qsettings: QSettings | None = None,
                 poll_ms: int = POLL_MS, clock: Callable[[], datetime] = _now, sweep_ms: int = SWEEP_MS) -> None:
        super().__init__()
        self.ctx = ctx
        ctx.waiting = self.waitingForSeat.emit  # emitted from workers, shown on the UI thread
        self.waitingForSeat.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.lang = lang
        self.clock = clock
        self.qsettings = qsettings or QSettings()
        self.browser = OrderBrowser(ctx.db)
        self._tasks: list = []
        self._polling: Task | None = None
        self._detail_gen = 0
        # every worker started for this window (count, facets, import, export, backup, ...) is
        # tracked here; closing cancels and joins them all (see closeEvent)
        self.workers = registry_for(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle(t("Shop Orders 订单台 — %s") % ctx.db.where)
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        # 1440 x 860 where it fits; on a 1366 x 768 shop PC the whole window, status bar included
        self.resize(min(1440, room.width() - 20) if room else 1440, min(860, room.height() - 40) if room else 860)

        thresholds = self.browser.thresholds()
        self.model = OrderTableModel(self.browser, GridQuery(thresholds=thresholds, now=clock()), lang, clock, self)
        self._build_grid()
        self.filters = FilterPanel(lang, self)
        self.filters.filtersChanged.connect(self.apply_filters)
        dock = QDockWidget(t("Filters"), self)
        dock.setObjectName("filterDock")
        dock.setWidget(self.filters)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.filter_dock = dock
        self.detail = DetailPanel(lang, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.guide = EmptyStoreGuide(ctx.db.where, self)
        self.guide.importClicked.connect(self.import_orders)
        self.guide.demoClicked.connect(self.add_demo_orders)
        self.guide.connectClicked.connect(self.connect_server)
        self.splitter.addWidget(self._grid_area())
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 420])
        self.central = QStackedWidget(self)  # the work, or the lock screen in its place
        self.central.setObjectName("centralStack")
        self.central.addWidget(self.splitter)
        self.central.addWidget(self._lock_page())
        self.setCentralWidget(self.central)
        self.people = PeopleBrowser(ctx.db)
        self.permitted: frozenset[str] | None = None  # what the signed-in user may do (None: not read yet)
        self._busy: set[QAction] = set()  # actions held off while their work runs (see _hold)
        self.approvals = ApprovalsPanel(ctx, lang, self)
        self.approvals.changed.connect(self.reload)
        self.approvals.countChanged.connect(self._approvals_badge)
        self.approvals_dock = QDockWidget(t("Approvals"), self)
        self.approvals_dock.setObjectName("approvalsDock")
        self.approvals_dock.setWidget(self.approvals)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.approvals_dock)
        self.tickets = TicketPanel(ctx, lang, self, clock=clock)
        self.tickets.changed.connect(self._tickets_changed)
        self.tickets.openOrder.connect(self.show_order_no)
        self.tickets.countChanged.connect(self._tickets_badge)
        self.tickets_dock = QDockWidget(t("Exception tickets"), self)
        self.tickets_dock.setObjectName("ticketsDock")
        self.tickets_dock.setWidget(self.tickets)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.tickets_dock)
        self.tabifyDockWidget(self.approvals_dock, self.tickets_dock)
        self.tickets_dock.raise_()
        self.resizeDocks([self.approvals_dock], [300], Qt.Orientation.Vertical)  # the grid keeps the height
        self._build_actions()
        self._shortcuts_in_search = _ShortcutsPassThrough(self)
        self.filters.search.installEventFilter(self._shortcuts_in_search)
        self.model.loaded.connect(self._select_single_result)
        self._build_menus()
        self._build_status_bar()
        self._restore_layout()

        self._welcome()
        self.locked = False
        self._docks_shown: list[QDockWidget] = []  # the panels a lock hid, shown again on sign-in
        self.idle_minutes = 0
        self.has_users = False
        self.people_watch = IdleWatch(self)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(15_000)
        self.idle_timer.timeout.connect(self._check_idle)
        self.idle_timer.start()
        self.refresh_rights()
        self.approvals.reload()
        self.tickets.reload()
        self._marker = self.browser.change_marker()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start()
        self._news_since = clock()  # reminders and escalations after this are told to the signed-in user
        self._swept_all = False  # the first sweep of this seat runs every rule, later ones the timed ones
        self._sweeping: Task | None = None
        self.sweep_timer = QTimer(self)  # the detection rules' clock: stuck orders, reminders, escalation
        self.sweep_timer.timeout.connect(self.sweep)
        self.sweep_first = QTimer(self)  # a child, stopped at close: never fires on a closed window
        self.sweep_first.setSingleShot(True)
        self.sweep_first.timeout.connect(self.sweep)
        if sweep_ms:  # 0: only when asked (tests)
            self.sweep_timer.setInterval(sweep_ms)
            self.sweep_timer.start()
            self.sweep_first.start(min(SWEEP_FIRST_MS, sweep_ms))
        self.tray: QSystemTrayIcon | None = None
        # courier tracking: the vault once unlocked (the OS's at once; our own after the owner's
        # passphrase in Tools -> Couriers...), the background sync on the shop's period
        self.vault_box: Any = None  # services/vault.py Vault, once usable
        self.station: Any = None  # the scan station window, while open
        self._syncing: ProgressTask | None = None
        self.last_sync: tuple | None = None
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(lambda: self.sync_tracking(manual=False))
        self.sync_first = QTimer(self)
        self.sync_first.setSingleShot(True)
        self.sync_first.timeout.connect(self._start_sync_timer)
        if sweep_ms:  # like the sweep: tests ask for it
            self.sync_first.start(SWEEP_FIRST_MS)
        self.tick_timer = QTimer(self)  # staleness moves with the clock even when nothing changes
        self.tick_timer.setInterval(60_000)
        self.tick_timer.timeout.connect(self.reload)
        self.tick_timer.start()
        self.model.countChanged.connect(lambda _n: self._update_counts())
        self._facets: Facets | None = None
        self._update_counts()
        self.refresh_facets()

    # ---- building ---------------------------------------------------------------------------
    def _build_grid(self) -> None:
        v = QTableView(self)
        v.setObjectName("orderGrid")
        v.setModel(self.model)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setAlternatingRowColors(True)
        v.setWordWrap(False)
        v.setShowGrid(False)
        v.verticalHeader().setVisible(False)
        v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        h = v.horizontalHeader()
        h.setSectionsMovable(True)
        h.setHighlightSections(False)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {"order_no": 195, "channel": 110, "channel_order_no": 190, "buyer": 140, "total": 110,
                  "paid": 90, "status": 130, "courier": 100, "tracking_no": 150, "created_at": 130, "updated_at": 130}
        for i, (key, _sort) in enumerate(COLUMNS):
            h.resizeSection(i, widths[key])
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._column_menu)
        v.setSortingEnabled(True)
        h.setSortIndicator(self._col("updated_at"), Qt.SortOrder.DescendingOrder)
        v.setItemDelegateForColumn(self._col("order_no"), FlagDelegate(v))
        v.setItemDelegateForColumn(self._col("status"), StatusDelegate(v))
        v.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        v.customContextMenuRequested.connect(self._row_menu)
        v.activated.connect(lambda _i: self.open_detail())
        self.view = v
        self._keep_id: int | None = None
        self._keep_scroll: int | None = None
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self._selection_moves = 0
        v.selectionModel().currentRowChanged.connect(self._current_moved)

    def _current_moved(self, _current, _previous) -> None:
        self._selection_moves += 1
        self.show_current()

    def _grid_area(self) -> QWidget:
        """The grid with a notice bar above it (hidden until a change moves an order out of view)."""
        area = QWidget(self)
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        self.notice = QFrame(area)
        self.notice.setObjectName("viewNotice")
        self.notice.setStyleSheet("#viewNotice { background: #fff4d6; border-bottom: 1px solid #e6c66b; }")
        bar = QHBoxLayout(self.notice)
        bar.setContentsMargins(10, 4, 6, 4)
        self.notice_text = QLabel("", self.notice)
        self.notice_text.setObjectName("viewNoticeText")
        bar.addWidget(self.notice_text, 1)
        self.notice_show = QPushButton(t("Show it"), self.notice)
        self.notice_show.setObjectName("viewNoticeShow")
        self.notice_undo = QPushButton(t("Undo"), self.notice)
        self.notice_undo.setObjectName("viewNoticeUndo")
        close = QPushButton("×", self.notice)
        close.setFlat(True)
        close.setToolTip(t("Close"))
        close.clicked.connect(self.notice.hide)
        for b in (self.notice_show, self.notice_undo, close):
            bar.addWidget(b)
        self.notice_show.clicked.connect(self._notice_show)
        self.notice_undo.clicked.connect(self._notice_undo)
        self.notice.hide()
        self._notice_order: tuple[int, str] | None = None
        self._notice_undo_change: Callable | None = None
        box.addWidget(self.notice)
        self.stack = QStackedWidget(area)  # the grid, or the empty store's guide in its place
        self.stack.setObjectName("gridStack")
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.guide)
        box.addWidget(self.stack, 1)
        return area

    # ---- who is signed in, and what they may do -----------------------------------------------
    def refresh_rights(self) -> None:
        """Read (in a worker) what the signed-in user may do; actions they may not take are
        disabled, their tooltip says why."""
        people, actor = self.people, self.ctx.actor
        self.user_label.setText(t("Signed in: %s · %s") % (actor.name, Role(actor.role).label(self.lang)))
        task = run_in_pool(lambda: (people.allowed(actor), people.rules()[2], people.has_users()), self._rights_arrived,
                           self._show_error, owner=self)
        self._tasks.append(task)
        task.signals.finished.connect(lambda *_: self._forget(task))

    def _rights_arrived(self, answer) -> None:
        permitted, idle_minutes, has_users = answer
        self.permitted, self.idle_minutes, self.has_users = frozenset(permitted), int(idle_minutes), bool(has_users)
        role = Role(self.ctx.actor.role).label(self.lang)
        for action in self._needs:
            ok = self._may(action)
            self._enable(action)
            tip = "" if ok else t("Your role (%s) may not do this; the owner sets it in the permissions.") % role
            action.setToolTip(tip or action.text().replace("&", ""))
        self.approvals.permitted = self.permitted
        self.approvals._buttons()
        self.tickets.permitted = self.permitted
        self.tickets._buttons()
        self.rightsChanged.emit()

    def _may(self, action: QAction) -> bool:
        """The signed-in user's role allows this action (unknown until the rights are read: yes)."""
        need = self._needs.get(action)
        if need is None or self.permitted is None:
            return True
        return any(a.startswith(need) for a in self.permitted) if need.endswith(":") else need in self.permitted

    def _enable(self, action: QAction) -> None:
        action.setEnabled(self._may(action) and action not in self._busy)

    def _hold(self, actions: list[QAction], busy: bool) -> None:
        """Work under way (a backup, a restore, a check) holds its actions off until it ends,
        whatever the rights say meanwhile."""
        for a in actions:
            if busy:
                self._busy.add(a)
            else:
                self._busy.discard(a)
            self._enable(a)

    def switch_user(self) -> None:
        """Someone else takes the seat (password or PIN)."""
        user = SignInDialog.ask(self.ctx, self, title=t("Switch user"))
        if user is not None:
            self._signed_in(user)

    def _signed_in(self, user) -> None:
        self.ctx.actor = user.actor
        self._set_locked(False)
        self.refresh_rights()
        self.approvals.reload()

    def _lock_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("lockPage")
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.lock_text = QLabel(t("Locked: sign in to continue"), page)
        self.lock_text.setObjectName("lockText")
        self.lock_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_text.setStyleSheet("font-size: 16pt; color: #555;")
        box.addWidget(self.lock_text)
        button = QPushButton(t("Sign in"), page)
        button.setObjectName("lockSignIn")
        button.clicked.connect(self._unlock)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(2)
        return page

    def _set_locked(self, locked: bool) -> None:
        """Locked: the orders, the panels and the menus are out of reach; only signing in is left."""
        self.locked = locked
        self.central.setCurrentIndex(1 if locked else 0)
        self.menuBar().setEnabled(not locked)
        if locked:
            self._docks_shown = [d for d in (self.filter_dock, self.approvals_dock) if not d.isHidden()]
        for dock in self._docks_shown:
            dock.setVisible(not locked)
        if locked:
            self.statusBar().showMessage(t("Locked: sign in to continue"), 0)
        else:
            self.statusBar().clearMessage()

    def _unlock(self) -> None:
        user = SignInDialog.ask(self.ctx, self, title=t("Locked: sign in to continue"), name=self.ctx.actor.name)
        if user is not None:
            self._signed_in(user)

    def lock_now(self) -> None:
        """The idle lock (or Lock this PC): the window's content is hidden until someone signs in."""
        if self.locked:
            return
        self._set_locked(True)
        self._unlock()

    def _check_idle(self) -> None:
        if (self.idle_minutes and self.has_users and not self.locked
                and self.people_watch.idle_seconds() >= self.idle_minutes * 60):
            self.lock_now()

    def manage_users(self) -> None:
        UsersDialog.ask(self.ctx, self)
        self.approvals.reload()

    def edit_permissions(self) -> None:
        PermissionsDialog.ask(self.ctx, self)
        self.approvals.reload()
        self.refresh_rights()

    # ---- exception tickets ----------------------------------------------------------------------
    def new_ticket(self) -> None:
        row = self.current_row()
        if row is not None:
            self.tickets.new_for_order(row.order_no)

    def _tickets_changed(self) -> None:
        self.reload()  # the badges
        self.refresh_facets()
        if self.detail.detail is not None:
            self.show_current()

    def _tickets_badge(self, active: int, overdue: int) -> None:
        if overdue:
            title = t("Exception tickets (%s open, %s overdue)") % (active, overdue)
        elif active:
            title = t("Exception tickets (%s open)") % active
        else:
            title = t("Exception tickets")
        self.tickets_dock.setWindowTitle(title)

    def show_order_no(self, order_no: str) -> None:
        """Show one order in the grid (a search for its number, the other filters cleared)."""
        self.filters.tree.clearSelection()
        self.filters.search.setText(order_no)
        self.filters.search.returnPressed.emit()

    def edit_ticket_settings(self) -> None:
        if TicketSettingsDialog.ask(self.ctx, self):
            self.tickets.reload()

    def sweep(self) -> None:
        """Run the detection rules' timed work in a worker (the first time: every rule), then tell
        the signed-in user about reminders and escalations of their tickets."""
        if self._sweeping is not None and not self._sweeping.ended.is_set():
            return
        ctx, every, since, actor = self.ctx, not self._swept_all, self._news_since, self.ctx.actor
        now = self.clock()
        tickets_browser = self.tickets.browser

        def work():
            outcome = None
            if ctx.db.chain_key is not None:  # a seat without the audit key reads only
                with ctx.uow() as uow:
                    outcome = rules.sweep(uow, now, every_rule=every)
                    uow.commit()
            return outcome, tickets_browser.news_for(actor, since)

        def done(answer) -> None:
            outcome, news = answer
            self._swept_all = True
            self._news_since = now
            if outcome is not None and (outcome.opened or outcome.updated or outcome.escalated):
                self._tickets_changed()
                self.tickets.reload()
            for ticket_id, order_no, kind, what in news:
                self.notify(ticket_id, order_no, kind, what)

        self._sweeping = task = run_in_pool(work, done, lambda _m: None, owner=self)
        self._tasks.append(task)  # kept until its answer is delivered
        task.signals.finished.connect(lambda *_: self._forget(task))
        task.signals.failed.connect(lambda *_: self._forget(task))

    # ---- courier tracking -------------------------------------------------------------------
    def _start_sync_timer(self) -> None:
        """The background sync every N minutes (the owner's setting; 0: only when asked), with the
        OS vault at once, with our own vault once unlocked in this session."""
        from shop_orders.services import vault

        try:
            minutes = WarehouseBrowser(self.ctx.db).tracking_settings().every_minutes
        except (ShopOrdersError, SQLAlchemyError):
            return  # the store is not reachable now: the next start (or Tools → Couriers…) tries again
        if self.vault_box is None:
            box = vault.open_vault(self.ctx.db)
            if not isinstance(box, vault.OwnVault) or os.environ.get(vault.PASSPHRASE_ENV):
                self.vault_box = box
        if minutes:
            self.sync_timer.setInterval(minutes * 60_000)
            self.sync_timer.start()
        else:
            self.sync_timer.stop()

    def open_scan_station(self) -> None:
        """F9: the warehouse's full-screen scan station (the grid follows each parcel it ships)."""
        from shop_orders.ui.scan_station import ScanStation

        if self.station is not None and self.station.isVisible():
            self.station.close()
            return
        self.station = ScanStation(self.ctx, self, qsettings=self.qsettings)
        self.station.shipped.connect(self._station_shipped)
        self.station.showFullScreen()

    def _station_shipped(self, _order_no: str) -> None:
        self.reload()
        self.refresh_facets()

    def manage_couriers(self) -> None:
        from shop_orders.ui.couriers import CouriersDialog

        d = CouriersDialog(self.ctx, self.vault_box, self)
        d.exec()
        if d.box is not None:
            self.vault_box = d.box  # unlocked for this session's background sync
        self._start_sync_timer()

    def sync_tracking(self, manual: bool = True) -> None:
        """Ask every courier about the shipped parcels in a worker (progress and cancel when asked
        by hand); the outcome in the status bar, each courier's problem once."""
        from shop_orders.services import tracking
        from shop_orders.ui.couriers import unlock

        if self._syncing is not None and not self._syncing.ended.is_set():
            return
        if not manual and not self._may(self.sync_action):
            return  # a seat whose user may not ship leaves the couriers to the warehouse's seats
        found = WarehouseBrowser(self.ctx.db).accounts()
        if not found:
            if manual:
                self.statusBar().showMessage(t("No courier is set up yet: add one in Tools → Couriers…."), 10000)
            return
        if self.vault_box is None:
            if not manual:
                self.statusBar().showMessage(t("Courier sync waits for the vault to be unlocked (Tools → "
                                               "Couriers…)."), 10000)
                return
            self.vault_box = unlock(self.ctx, self)
            if self.vault_box is None:
                return
        box, db, actor = self.vault_box, self.ctx.db, self.ctx.actor
        self._hold([self.sync_action], True)
        dialog = self._progress_dialog(t("Asking the couriers…"), "syncProgress") if manual else None

        def work(report, cancelled):
            return tracking.sync_accounts(db, actor, found, box, progress=lambda done, total: report("parcels", done, total),
                                          cancelled=cancelled)

        task = ProgressTask(work)
        if dialog is not None:
            dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            if dialog is not None:
                dialog.setMaximum(max(total, 1))
                dialog.setValue(min(done, max(total, 1)))

        def done(result) -> None:
            if dialog is not None:
                dialog.reset()
            self._hold([self.sync_action], False)
            sentence = t("Couriers: %s checked, %s updated, %s rolled back, %s completed, %s failed.") % (
                result.checked, result.updated, result.rolled_back, result.completed, result.failed)
            if result.waiting:
                sentence += "  " + t("%s not known to their courier yet.") % result.waiting
            said = [*result.problems, *result.unchecked()]
            self.last_sync = (sentence, said)
            self.statusBar().showMessage(sentence + ("  " + said[0] if said else ""), 20000)
            if result.updated:
                self._tickets_changed()
                self.tickets.reload()
            if result.rolled_back:
                self.sweep()  # tells this seat's warehouse about the tickets the rollbacks opened

        def failed(message: str) -> None:
            if dialog is not None:
                dialog.reset()
            self._hold([self.sync_action], False)
            self.last_sync = (message, [message])
            self.statusBar().showMessage(message, 20000)

        self._syncing = self._run(task, progress, done, failed)

    def notify(self, ticket_id: int, order_no: str, kind: str, what: str) -> None:
        """A desktop notification (the system tray's), else a message in the status bar."""
        title = (t("Ticket #%s escalated to you") if what == "escalated" else
                 t("Ticket #%s: a parcel never left, its order is back to awaiting shipment") if what == "opened" else
                 t("Ticket #%s is due soon")) % ticket_id
        text = f"{order_no} · {Kind(kind).label()}"
        self.last_notice = (title, text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.windowIcon(), self)
                self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 10000)
        self.statusBar().showMessage(f"{title}: {text}", 15000)

    def _approvals_badge(self, waiting: int) -> None:
        self.approvals_dock.setWindowTitle(t("Approvals (%s waiting)") % waiting if waiting else t("Approvals"))

    def bulk_edit_selected(self) -> None:
        ids = sorted({i.data(OrderIdRole) for i in self.view.selectionModel().selectedRows()} - {None})
        if ids:
            self._bulk(ids, len(ids))

    def bulk_edit_filter(self) -> None:
        self._bulk(self.model.query, self.model.ensure_exact_count())

    def _bulk(self, selection, count: int) -> None:
        """Propose a bulk edit (applied at once when it needs no second person)."""
        answer = BulkEditDialog.ask(count, self.lang, self, archived=bool(self.model.query.archived))
        if answer is None:
            return
        kind, params, reason = answer
        ctx = self.ctx

        def work():
            with ctx.uow() as uow:
                p = changesets.submit(uow, ctx.change("manual"), kind, params, reason, selection)
                uow.commit()
                return p

        def done(p) -> None:
            if p.state == changesets.PENDING:
                message = t("Change set #%s (%s orders) waits for a second person's approval.") % (p.id, f"{p.orders:,}")
            else:
                message = t("Change set #%s was applied (%s orders).") % (p.id, f"{p.orders:,}")
            self.statusBar().showMessage(message, 15000)
            self.reload()
            self.approvals.reload()
            self.bulkFinished.emit(p.id)

        def failed(message: str) -> None:
            QMessageBox.warning(self, t("Not changed"), message)
            self.bulkFinished.emit(0)

        task = run_in_pool(work, done, failed, owner=self)
        self._tasks.append(task)

    def _welcome(self) -> None:
        """The first start on a store says where it lives and how it is backed up (once per seat and
        store: connecting to the shop's server says it again for the server). A seat without the
        store's audit key says at every start that it may read but not write, and how to fix it."""
        import hashlib

        if self.ctx.db.store_id is not None and self.ctx.db.chain_key is None:
            self._say(t("This PC may read the orders but not change them: it has no key for this store's audit "
                        "trail. Export it on a seat that has it (`shop-orders audit key export FILE`), then import "
                        "it here (Tools → Import the store's audit key…)."))
            return
        seen = f"{WELCOMED_SETTING}-{hashlib.sha256(self.ctx.db.location.encode()).hexdigest()[:12]}"
        if self.qsettings.value(seen, False, type=bool) or (
                self.ctx.db.is_sqlite and self.qsettings.value(WELCOMED_SETTING, False, type=bool)):
            return
        self.qsettings.setValue(seen, True)
        self.qsettings.setValue(WELCOMED_SETTING, True)
        self._say(welcome_text(self.ctx.db.where, self.ctx.backup_dir, self.ctx.db.is_sqlite))

    def _say(self, sentence: str) -> None:
        """A notice above the grid with nothing to click but its close button."""
        self._notice_order, self._notice_undo_change = None, None
        self.notice_text.setText(sentence)
        self.notice_text.setWordWrap(True)
        self.notice_show.hide()
        self.notice_undo.hide()
        self.notice.show()

    def import_audit_key(self) -> None:
        """Tools → Import the store's audit key…: the key file another seat exported; checked against
        the whole trail in a worker, then this seat may write."""
        from shop_orders.services.verification import import_key

        src = FileDialog.ask_open(self, t("Import the store's audit key"), t("Audit key (*.key);;All files (*)"),
                                  protected=self.ctx.db.own_files())
        if src is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(sentence: str) -> None:
            self.notice.hide()
            QMessageBox.information(self, t("Import the store's audit key"), sentence)

        def failed(message: str) -> None:
            QMessageBox.warning(self, t("Import the store's audit key"), message)

        self.statusBar().showMessage(t("Checking the key against the audit trail…"))
        self._tasks.append(run_in_pool(lambda: import_key(db, actor, src), done, failed, owner=self))

    def add_demo_orders(self) -> None:
        """Demo data from the empty store's guide: 500 orders in a worker, with progress and Cancel
        (a cancel adds none)."""
        from shop_orders.services import demo

        dialog = self._progress_dialog(t("Adding demo orders…"), "demoProgress", maximum=DEMO_ORDERS)
        ctx = self.ctx
        task = ProgressTask(lambda report, cancelled: demo.add_demo_orders(
            ctx.db, ctx.change("demo"), DEMO_ORDERS, seed=int(self.clock().timestamp()) % 10_000,
            progress=lambda done, total: report("demo", done, total), cancelled=cancelled))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)

        def done(_n) -> None:
            dialog.reset()
            self.reload()

        def failed(message: str) -> None:
            dialog.reset()
            self.statusBar().showMessage(message, 10000)

        self.demo_task = self._run(task, progress, done, failed)

    def connect_server(self) -> None:
        """Point this seat at the shop's PostgreSQL server (opened from the next start)."""
        saved = ConnectDialog.ask(self, self.qsettings)
        if saved is None:
            return
        answer = QMessageBox.question(
            self, t("Connect to a shop server"),
            t("This PC will open the shop server's store from its next start. Restart Shop Orders now?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            from shop_orders.services import seat

            seat.restart()  # the same program and options, without --db or $SHOP_ORDERS_DB
            self.close()

    def _watch_moved_out(self, order_id: int, order_no: str, undo: Callable | None, why: str) -> None:
        """After a change: if the order left the current view (e.g. it is no longer stale), say
        so with Show / Undo instead of letting its row vanish."""
        def check() -> None:
            self.model.loaded.disconnect(check)
            if self.model.find_loaded(order_id) is not None:
                return
            self.model.locate_later(order_id, lambda row: None if row is not None
                                    else self._show_notice(order_id, order_no, undo, why))

        self.model.loaded.connect(check)

    def _show_notice(self, order_id: int, order_no: str, undo: Callable | None, why: str) -> None:
        self.notice_show.show()
        self.notice_undo.show()
        self._notice_order = (order_id, order_no)
        self._notice_undo_change = undo
        self.notice_text.setText(t("%s is no longer in this view: %s.") % (order_no, why))
        self.notice_undo.setEnabled(undo is not None)
        self.notice_undo.setToolTip("" if undo is not None else t("This change cannot be undone by hand; "
                                                                  "the trust chain keeps it."))
        self.notice.show()

    def _notice_show(self) -> None:
        """Show the order that left the view: a search for its number (filters cleared)."""
        if self._notice_order is None:
            return
        self.notice.hide()
        self.filters.tree.clearSelection()
        self.filters.search.setText(self._notice_order[1])
        self.filters.search.returnPressed.emit()

    def _notice_undo(self) -> None:
        undo, self._notice_undo_change = self._notice_undo_change, None
        self.notice.hide()
        if undo is not None:
            self._apply(undo, t("undo"))

    @staticmethod
    def _col(key: str) -> int:
        return [k for k, _ in COLUMNS].index(key)

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut=None, name: str = "") -> QAction:
            a = QAction(text, self)
            a.triggered.connect(slot)
            if shortcut is not None:
                a.setShortcut(shortcut)
            if name:
                a.setObjectName(name)
            self.addAction(a)
            return a

        self.import_action = action(t("&Import orders…"), self.import_orders, QKeySequence("Ctrl+I"), "importOrders")
        self.export_action = action(t("&Export to Excel…"), self.export_orders, QKeySequence("Ctrl+E"), "exportOrders")
        self.backup_action = action(t("&Back up database…"), self.back_up)
        self.restore_action = action(t("&Restore from backup…"), self.restore_from_backup, None, "restoreAction")
        self.settings_action = action(t("&Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences)
        self.quit_action = action(t("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.copy_action = action(t("&Copy rows"), self.copy_rows, QKeySequence.StandardKey.Copy, "copyRows")
        self.find_action = action(t("&Find…"), self.focus_search, QKeySequence.StandardKey.Find, "find")
        self.refresh_action = action(t("&Refresh"), self.reload, QKeySequence.StandardKey.Refresh)
        self.stale_action = action(t("Show &stale orders"), self.show_stale)
        self.status_action = action(t("Change &status…"), self.change_status, None, "changeStatus")
        self.payment_action = action(t("Record &payment…"), self.record_payment, None, "recordPayment")
        self.contact_action = action(t("&Edit recipient, phone, address…"), self.edit_contact, None, "editContact")
        self.detail_action = action(t("Show &details"), self.open_detail)
        self.end_action = action(t("Last order"), self.jump_to_end, QKeySequence("Ctrl+End"), "jumpToEnd")
        self.start_action = action(t("First order"), self.jump_to_start, QKeySequence("Ctrl+Home"))
        self.about_action = action(t("&About Shop Orders"), self.about)
        self.verify_action = action(t("&Verify trail…"), self.verify_trail, None, "verifyTrail")
        self.key_import_action = action(t("Import the store's audit &key…"), self.import_audit_key, None,
                                        "importAuditKey")
        self.connect_action = action(t("Connect to a shop &server…"), self.connect_server, None, "connectServer")
        self.switch_action = action(t("S&witch user…"), self.switch_user, QKeySequence("Ctrl+L"), "switchUser")
        self.lock_action = action(t("&Lock this PC"), self.lock_now, None, "lockNow")
        self.users_action = action(t("&Users…"), self.manage_users, None, "manageUsers")
        self.permissions_action = action(t("&Permissions…"), self.edit_permissions, None, "editPermissions")
        self.bulk_selected_action = action(t("&Bulk edit the selected orders…"), self.bulk_edit_selected, None,
                                           "bulkSelected")
        self.bulk_filter_action = action(t("Bulk edit &every order in this filter…"), self.bulk_edit_filter, None,
                                         "bulkFilter")
        self.ticket_action = action(t("New &ticket for this order…"), self.new_ticket, QKeySequence("Ctrl+T"),
                                    "newTicket")
        self.ticket_settings_action = action(t("&Ticket settings…"), self.edit_ticket_settings, None,
                                             "ticketSettings")
        self.couriers_action = action(t("&Couriers…"), self.manage_couriers, None, "manageCouriers")
        self.ship_action = action(t("S&hip…"), self.ship_order, None, "shipOrder")
        self.station_action = action(t("Scan &station"), self.open_scan_station, QKeySequence("F9"), "scanStationAction")
        self.sync_action = action(t("&Sync tracking now"), lambda: self.sync_tracking(manual=True), None,
                                  "syncTracking")
        self.print_slips_action = action(t("&Print packing slips…"), self.print_slips, QKeySequence.StandardKey.Print,
                                         "printSlips")
        self.save_slips_action = action(t("Save packing slips as P&DF…"), self.save_slips_pdf, None, "saveSlipsPdf")
        # what each action needs from the permission matrix (services/permissions.py)
        self._needs = {
            self.import_action: "orders.import", self.export_action: "orders.export",
            self.backup_action: "store.backup", self.restore_action: "store.restore",
            self.payment_action: "order.pay", self.contact_action: "order.edit_contact",
            self.users_action: "users.manage", self.permissions_action: "settings.permissions",
            self.bulk_selected_action: "orders.bulk", self.bulk_filter_action: "orders.bulk",
            self.status_action: "status:", self.settings_action: "settings.shop",
            self.ticket_action: "tickets.open", self.ticket_settings_action: "settings.shop",
            self.couriers_action: "settings.secrets", self.sync_action: "order.ship",
            self.station_action: "order.ship", self.ship_action: "order.ship_manual",
        }

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu(t("&File"))
        m.addActions([self.import_action, self.export_action])
        m.addSeparator()
        m.addActions([self.backup_action, self.restore_action, self.settings_action, self.connect_action])
        m.addSeparator()
        m.addActions([self.switch_action, self.lock_action])
        m.addSeparator()
        m.addAction(self.quit_action)
        m = self.menuBar().addMenu(t("&Edit"))
        m.addActions([self.copy_action, self.find_action])
        m = self.menuBar().addMenu(t("&Order"))
        m.addActions([self.status_action, self.payment_action, self.contact_action, self.ship_action])
        m.addSeparator()
        m.addActions([self.bulk_selected_action, self.bulk_filter_action])
        m.addSeparator()
        m.addAction(self.ticket_action)
        m.addSeparator()
        m.addActions([self.print_slips_action, self.save_slips_action])
        m.addSeparator()
        m.addAction(self.detail_action)
        m.addSeparator()
        m.addAction(self.station_action)
        m = self.menuBar().addMenu(t("&View"))
        m.addActions([self.refresh_action, self.stale_action, self.start_action, self.end_action])
        m.addAction(self.approvals_dock.toggleViewAction())
        m.addAction(self.tickets_dock.toggleViewAction())
        m = self.menuBar().addMenu(t("&Tools"))
        m.addActions([self.verify_action, self.key_import_action])
        m.addSeparator()
        m.addActions([self.users_action, self.permissions_action, self.ticket_settings_action])
        m.addSeparator()
        m.addActions([self.couriers_action, self.sync_action])
        m = self.menuBar().addMenu(t("&Help"))
        m.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self.db_label = QLabel(t("Database: %s") % self.ctx.db.where, self)
        self.db_label.setObjectName("databaseLabel")
        self.counts_label = QLabel("", self)
        self.counts_label.setObjectName("countsLabel")
        self.stale_button = QPushButton("", self)
        self.stale_button.setObjectName("staleButton")
        self.stale_button.setFlat(True)
        self.stale_button.setStyleSheet("color: #c62828; font-weight: 600;")
        self.stale_button.setToolTip(t("Show only the orders with no update for too long"))
        self.stale_button.clicked.connect(self.show_stale)
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.stale_button)
        self.user_label = QLabel("", self)
        self.user_label.setObjectName("signedInLabel")
        self.statusBar().addPermanentWidget(self.user_label)

    # ---- layout memory ----------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.qsettings
        if s.value("window/geometry") is not None:
            self.restoreGeometry(s.value("window/geometry"))
        if s.value("window/state") is not None:
            self.restoreState(s.value("window/state"))
        if s.value("grid/header") is not None:
            self.view.horizontalHeader().restoreState(s.value("grid/header"))
        # the grid/detail split is restored once the window has its final size (first show):
        # restored before, the layout would share out the difference by the stretch factors
        self._splitter_state = s.value("window/splitter")

    def save_layout(self) -> None:
        s = self.qsettings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("grid/header", self.view.horizontalHeader().saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.sync()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_splitter_state", None) is not None:
            state, self._splitter_state = self._splitter_state, None
            QTimer.singleShot(0, lambda: self.splitter.restoreState(state))

    def closeEvent(self, event) -> None:
        self.poll_timer.stop()
        self.tick_timer.stop()
        self.sweep_timer.stop()
        self.sweep_first.stop()
        self.sync_timer.stop()
        self.sync_first.stop()
        self.tickets.tick.stop()
        self.stop_workers()
        self.save_layout()
        super().closeEvent(event)

    def stop_workers(self) -> None:
        """Cancel every running worker and wait for each: an import rolls back, an export or a
        backup removes its partial file; nothing runs on once the window is gone."""
        self.workers.cancel_and_wait()

    def _column_menu(self, pos) -> None:
        menu = QMenu(self)
        h = self.view.horizontalHeader()
        for i, _ in enumerate(COLUMNS):
            a = menu.addAction(self.model.headerData(i, Qt.Orientation.Horizontal))
            a.setCheckable(True)
            a.setChecked(not h.isSectionHidden(i))
            a.setEnabled(i != 0)  # the order id always stays
            a.toggled.connect(lambda on, i=i: h.setSectionHidden(i, not on))
        menu.exec(h.mapToGlobal(pos))

    def _row_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addActions([self.detail_action, self.status_action, self.payment_action, self.contact_action,
                         self.ship_action])
        menu.addSeparator()
        menu.addAction(self.ticket_action)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # ---- querying ---------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self.model.set_query(self.filters.apply_to(self.model.query).with_(now=self.clock()))

    def _select_single_result(self) -> None:
        """A quick search that finds exactly one order (a tracking or channel order number typed
        or scanned) selects it and shows its detail."""
        m = self.model
        if (m.shown_query.search and m.count_is_exact and m.rowCount() == 1
                and self.current_order_id() != m.index(0, 0).data(OrderIdRole)):
            self.view.selectRow(0)

    def _before_reset(self) -> None:
        self._keep_id = self.current_order_id()

    def _after_reset(self) -> None:
        """Every requery (filter, sort, refresh) keeps the selected order selected if it is still
        there, and a reload keeps the scroll position (once the exact count is in)."""
        scroll, self._keep_scroll = self._keep_scroll, None
        order_id = self._keep_id
        row = self.model.find_loaded(order_id) if order_id is not None else None
        if row is not None or order_id is None:
            self._reselect(row, scroll)
            return
        # not on a loaded page: where it stands is worked out in a worker; a selection made
        # meanwhile (a click, a single search result) wins over the late answer
        query, moves = self.model.shown_query, self._selection_moves
        self.model.locate_later(order_id, lambda found: self._reselect(found, scroll)
                                if self.model.shown_query is query and self._selection_moves == moves else None)

    def jump_to_end(self) -> None:
        last = self.model.ensure_exact_count() - 1
        if last >= 0:
            self.view.setCurrentIndex(self.model.index(last, 0))
            self.view.scrollToBottom()

    def jump_to_start(self) -> None:
        if self.model.rowCount() > 0:
            self.view.setCurrentIndex(self.model.index(0, 0))
            self.view.scrollToTop()

    def current_order_id(self) -> int | None:
        idx = self.view.currentIndex()
        return idx.data(OrderIdRole) if idx.isValid() else None

    def current_row(self):
        idx = self.view.currentIndex()
        return idx.data(RowRole) if idx.isValid() else None

    def _reselect(self, row: int | None, scroll_value: int | None) -> None:
        sm = self.view.selectionModel()
        if scroll_value and not self.model.count_is_exact:
            self.model.ensure_exact_count()  # the scroll position needs every row, not only the first page
        if row is None:
            sm.clearSelection()
            self.detail.clear()
        else:
            idx = self.model.index(row, 0)
            sm.setCurrentIndex(idx, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
        if scroll_value is not None:  # after selecting, which may have scrolled
            self.view.verticalScrollBar().setValue(scroll_value)
        elif row is not None:
            self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        else:
            self.view.scrollToTop()

    def reload(self) -> None:
        """Reload after a change: same query, same selection, same scroll position."""
        self._keep_scroll = self.view.verticalScrollBar().value()
        self.model.refresh()
        self.show_current()
        self.refresh_facets()

    def poll(self) -> None:
        """Has anything changed in the store (another seat, the command line)? Asked in a worker,
        one question at a time; a store briefly unavailable is asked again at the next tick."""
        if self._polling is not None and not self._polling.ended.is_set():
            return
        browser = self.browser
        self._polling = run_in_pool(browser.news, self._news_arrived, lambda _m: None, owner=self)

    def _news_arrived(self, news: tuple[int, str | None]) -> None:
        marker, restoring = news
        if restoring is not None:
            self.statusBar().showMessage(t("{who} is waiting to restore a backup over this store: close Shop Orders "
                                           "here when you can (your changes so far are saved).", who=restoring), 5000)
        self._marker_arrived(marker)

    def _marker_arrived(self, marker: int) -> None:
        if marker != self._marker:
            self._marker = marker
            self.reload()
            self.approvals.reload()  # another seat proposed or decided something
            self.tickets.reload()
            self.refresh_rights()

    def refresh_facets(self) -> None:
        browser, thresholds, now = self.browser, self.model.query.thresholds, self.clock()
        task = run_in_pool(lambda: browser.facets(thresholds, now), self._show_facets, self._show_error, owner=self)
        self._tasks.append(task)
        task.signals.finished.connect(lambda *_: self._forget(task))
        task.signals.failed.connect(lambda *_: self._forget(task))

    def _forget(self, task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    def _progress_dialog(self, label: str, name: str, *, maximum: int = 1) -> QProgressDialog:
        """The progress window of a long job (shown after 300 ms), with a Cancel button."""
        dialog = QProgressDialog(label, t("Cancel"), 0, maximum, self)
        dialog.setObjectName(name)
        dialog.setMinimumDuration(300)
        return dialog

    def _run(self, task: ProgressTask, progress, done, failed) -> ProgressTask:
        """Start a job's worker with its progress, success and failure handlers; the window keeps
        it until closing, which cancels and joins it (ui/workers.py)."""
        task.signals.progress.connect(progress)
        task.signals.finished.connect(done)
        task.signals.failed.connect(failed)
        self._tasks.append(task)
        return self.workers.start(task)

    def _show_facets(self, f: Facets) -> None:
        self._facets = f
        # an empty store shows, where the grid will be, what to do next
        self.stack.setCurrentWidget(self.guide if f.total == 0 else self.view)
        self.filters.set_facets(f)
        self._update_counts()

    def _update_counts(self) -> None:
        shown = self.model.rowCount()
        if self._facets is None:
            self.counts_label.setText(t("%s orders shown") % f"{shown:,}")
            return
        self.counts_label.setText(t("%s of %s orders") % (f"{shown:,}", f"{self._facets.total:,}"))
        self.stale_button.setText(t("⚑ %s stale") % f"{self._facets.stale:,}")

    def _show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    # ---- actions ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def show_stale(self) -> None:
        self.filters.show_stale_only()

    def show_current(self) -> None:
        """The selected order's detail, read in a worker (the newest selection wins)."""
        r = self.current_row()
        self._detail_gen += 1
        if r is None:
            self.detail.show_detail(None)
            return
        gen, browser, order_no = self._detail_gen, self.browser, r.order_no
        task = run_in_pool(lambda: browser.detail(order_no),
                           lambda d: self.detail.show_detail(d, self.model.query.thresholds, self.clock())
                           if gen == self._detail_gen else None,
                           self._show_error, owner=self)
        self._tasks.append(task)
        task.signals.finished.connect(lambda *_: self._forget(task))
        task.signals.failed.connect(lambda *_: self._forget(task))

    def open_detail(self) -> None:
        self.show_current()
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            self.splitter.setSizes([sizes[0] * 3 // 5, sizes[0] * 2 // 5])
        self.detail.tabs.setFocus()

    def copy_rows(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if not rows:
            return
        h = self.view.horizontalHeader()
        cols = [h.logicalIndex(v) for v in range(h.count()) if not h.isSectionHidden(h.logicalIndex(v))]
        QGuiApplication.clipboard().setText(self.model.rows_as_tsv(rows, cols))
        self.statusBar().showMessage(t("Copied %s rows") % len(rows), 4000)

    def _apply(self, change: Callable, reason: str = "", then: Callable[[], None] | None = None,
               watch: tuple[int, str, Callable | None, str] | None = None) -> Task:
        """Run one change through the services in a worker; then reload (and call `then`). A
        conflict reloads the order and says so; a refused change says why; nothing half-done."""
        ctx = self.ctx

        def write():
            try:
                with ctx.uow() as uow:
                    change(uow, ctx.change("manual", reason))
                    uow.commit()
            except OrderConflict as exc:
                return "conflict", str(exc)
            except ShopOrdersError as exc:
                return "refused", str(exc)
            return "done", ""

        def written(outcome) -> None:
            kind, message = outcome
            if kind == "conflict":
                self.reload()
                QMessageBox.warning(self, t("Changed meanwhile"), message)
            elif kind == "refused":
                QMessageBox.warning(self, t("Not changed"), message)
            else:
                if watch is not None:
                    self._watch_moved_out(*watch)
                self.reload()
                if then is not None:
                    then()
            self.changeFinished.emit(kind)

        task = run_in_pool(write, written, self._show_error, owner=self)
        self._tasks.append(task)
        task.signals.finished.connect(lambda *_: self._forget(task))
        return task

    def change_status(self) -> None:
        r = self.current_row()
        if r is None:
            return
        answer = ChangeStatusDialog.ask(self, r.order_no, Status(r.status), self.lang, self.permitted)
        if answer is None:
            return
        target, reason = answer
        before = Status(r.status)
        def back(uow, c):
            return orders.transition(uow, c, r.id, before)

        try:
            check_manual_transition(target, before)
            undo = back
        except TransitionNotAllowed:
            undo = None  # e.g. cancelled is final
        self._apply(lambda uow, c: orders.transition(uow, c, r.id, target, expected_version=r.version), reason,
                    watch=(r.id, r.order_no, undo, t("now %s") % target.label(self.lang)))

    def ship_order(self) -> None:
        """Order → Ship…: the same checks as the station's (the courier's pattern, a number used on
        another order), marked manual with its reason; the owner's and managers' right."""
        from shop_orders.ui.dialogs import ShipDialog

        r = self.current_row()
        d = self.detail.detail
        if r is None:
            return
        if d is None or d.order.order_no != r.order_no:
            self.statusBar().showMessage(t("The order's details are still being read; try again in a moment."), 5000)
            return
        couriers = WarehouseBrowser(self.ctx.db).courier_names()
        lines = [(li.line_no, li.sku, li.title, li.qty - li.shipped_qty) for li in d.order.lines
                 if li.qty > li.shipped_qty]
        answer = ShipDialog.ask(self, r.order_no, lines, d.order.courier, couriers)
        if answer is None:
            return
        items, courier, tracking_no, reason = answer

        def ship(uow, c):
            number = tracking_no
            if tracking_no:
                from shop_orders.services import scanning

                number = scanning.check_tracking(uow.session, scanning.find_order(uow.session, r.order_no), courier,
                                                 tracking_no)
            return orders.ship(uow, c, r.id, items, courier=courier, tracking_no=number, expected_version=r.version)

        self._apply(ship, reason, watch=(r.id, r.order_no, None, t("shipped")))

    def record_payment(self) -> None:
        r = self.current_row()
        if r is None:
            return
        outstanding = format_minor(max(0, r.total_minor - r.paid_minor), r.currency)
        answer = PaymentDialog.ask(self, r.order_no, r.currency, outstanding)
        if answer is None:
            return
        amount = answer.amount_minor
        def undo(uow, c):  # the same amount back
            return orders.record_payment(uow, c, r.id, -amount, method=answer.method, reference=answer.reference)

        self._apply(lambda uow, c: orders.record_payment(
            uow, c, r.id, amount, method=answer.method, reference=answer.reference,
            expected_version=r.version),
            watch=(r.id, r.order_no, undo, t("a payment of %s was recorded") % format_minor(amount, r.currency)))

    def edit_contact(self) -> None:
        r = self.current_row()
        if r is None:
            return
        d = self.detail.detail  # what the detail panel shows (read in a worker when it was selected)
        if d is None or d.order.order_no != r.order_no:
            return
        o = d.order
        oid = o.id
        assert oid is not None  # a stored row
        answer = EditContactDialog.ask(self, o.order_no, o.recipient, o.phone, o.address)
        if answer is None:
            return
        changes, reason = answer
        before = {k: getattr(o, k) for k in changes}
        self._apply(lambda uow, c: orders.edit(uow, c, oid, changes, expected_version=r.version), reason,
                    watch=(oid, o.order_no, lambda uow, c: orders.edit(uow, c, oid, before),
                           t("its recipient, phone or address changed")))

    def open_settings(self) -> None:
        current = self.model.query.thresholds
        language = str(self.qsettings.value(i18n.SETTING, "") or "")
        answer = SettingsDialog.ask(self, current, language, self.lang)
        if answer is None:
            return
        thresholds, new_language = answer
        self.qsettings.setValue(i18n.SETTING, new_language)
        if thresholds != current:
            def applied() -> None:
                self.model.set_thresholds(thresholds)
                self.refresh_facets()

            self._apply(lambda uow, c: settings.set_thresholds(uow, c, thresholds), then=applied)

    def import_orders(self) -> None:
        from shop_orders.ui.import_dialog import ImportDialog

        path = FileDialog.ask_open(
            self, t("Import a channel's order export"),
            t("Order exports (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;All files (*)"),
            protected=self.ctx.db.own_files())
        if path is None:
            return
        result = ImportDialog.ask(self.ctx, path, self.lang, self)
        if result is not None:
            self.reload()

    def _refused(self, action: str) -> bool:
        """The store says the signed-in user may not (the menu item was disabled, but the rights
        may have changed since): say so, do nothing."""
        try:
            permissions.check(self.ctx.db, self.ctx.actor, action, damaged_ok=action == "store.restore")
        except ShopOrdersError as exc:
            QMessageBox.warning(self, t("Not allowed"), str(exc))
            return True
        return False

    def selected_order_nos(self) -> list[str]:
        """The global ids of the selected orders, top to bottom."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [no for no in (i.data(OrderNoRole) for i in rows) if no]

    def print_slips(self) -> None:
        from shop_orders.ui import slips

        slips.print_slips(self, self.selected_order_nos(), self.ctx.db)

    def save_slips_pdf(self) -> None:
        from shop_orders.ui import slips

        slips.save_slips_pdf(self, self.selected_order_nos(), self.ctx.db, self.ctx.db.own_files())

    def export_orders(self) -> None:
        from shop_orders.services import exporting

        if self._refused("orders.export"):
            return

        dest = FileDialog.ask_save(self, t("Export to Excel"), t("Excel workbook (*.xlsx)"),
                                   protected=self.ctx.db.own_files(),
                                   suggested_name=f"orders-{datetime.now():%Y%m%d-%H%M}.xlsx")
        if dest is None:
            return
        dest_path = dest if dest.suffix.lower() == ".xlsx" else dest.with_name(dest.name + ".xlsx")
        lang = ExportOptionsDialog.ask(self, self.lang)
        if lang is None:
            return
        h = self.view.horizontalHeader()
        columns = [COLUMNS[h.logicalIndex(v)][0] for v in range(h.count()) if not h.isSectionHidden(h.logicalIndex(v))]
        if "total" in columns or "paid" in columns:
            columns.append("currency")  # money is never exported without its currency
        db, query = self.ctx.db, self.model.query
        dialog = self._progress_dialog(t("Exporting orders…"), "exportProgress")
        task = ProgressTask(lambda report, cancelled: exporting.export(
            db, dest_path, query, columns, progress=lambda d, t: report("write", d, t), cancelled=cancelled,
            lang=lang))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)

        def done(result) -> None:
            dialog.reset()
            self.statusBar().showMessage(t("Exported %s orders to %s") % (result.orders, result.path), 10000)

        def failed(message: str) -> None:
            dialog.reset()
            QMessageBox.warning(self, t("Export stopped"), message)

        self.export_task = self._run(task, progress, done, failed)

    def back_up(self) -> None:
        if self._refused("store.backup"):
            return
        self.ctx.backup_dir.mkdir(parents=True, exist_ok=True)
        dest = FileDialog.ask_save(self, t("Back up database"), t("Shop Orders backup (*.sqlite3)"),
                                   protected=self.ctx.db.own_files(), start=self.ctx.backup_dir,
                                   suggested_name=f"shop-orders-{datetime.now():%Y%m%d-%H%M%S}.sqlite3")
        if dest is None:
            return
        self._hold([self.backup_action], True)
        db, folder = self.ctx.db, self.ctx.backup_dir
        dialog = self._progress_dialog(t("Backing up and checking the copy…"), "backupProgress")
        task = ProgressTask(lambda report, cancelled: backup_service.backup(
            db, dest, folder, progress=lambda d, t: report("copy", d, t), cancel=cancelled))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1) - 1))  # the check after the copy still runs

        def done(report) -> None:
            dialog.reset()
            self._hold([self.backup_action], False)
            self.statusBar().showMessage(t("Backup written and checked: %s") % report.path, 10000)

        def failed(message: str) -> None:
            cancelled = dialog.wasCanceled()
            dialog.reset()
            self._hold([self.backup_action], False)
            self.statusBar().clearMessage()
            if not cancelled:  # a cancel removed everything; nothing to warn about
                QMessageBox.warning(self, t("Backup failed"), message)

        self.backup_task = self._run(task, progress, done, failed)

    def restore_from_backup(self) -> None:
        """File → Restore from backup: pick a checked backup, confirm, and replace the store's content
        in a worker that waits (cancellable) for the other seats to close; this window's own seat does
        not count. What was replaced is kept in the backups folder; nothing is replaced on failure."""
        if self._refused("store.restore"):
            return
        folder = self.ctx.backup_dir
        folder.mkdir(parents=True, exist_ok=True)
        src = FileDialog.ask_open(self, t("Restore from backup"), t("Shop Orders backup (*.sqlite3)"),
                                  protected=self.ctx.db.own_files(), start=folder)
        if src is None:
            return
        answer = QMessageBox.question(
            self, t("Restore from backup"),
            t("Replace everything in the store with the backup %s? The current store is kept as a copy "
                    "in %s first, so nothing is lost.") % (src.name, folder),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._hold([self.restore_action, self.backup_action], True)
        for timer in (self.poll_timer, self.tick_timer):  # the store is locked meanwhile: no reads on the UI thread
            timer.stop()
        dialog = self._progress_dialog(t("Checking the backup…"), "restoreProgress", maximum=0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        db = self.ctx.db
        by = self.ctx.actor.name
        waiting_for: list[str] = []  # written by the worker, read on the UI thread

        def waiting(others) -> None:
            waiting_for[:] = [s.describe() for s in others]

        def work(report, cancelled):
            def on_wait(others) -> None:
                waiting(others)
                report("wait", len(others), 0)
            return backup_service.restore(db, src, folder, wait=True, waiting=on_wait, cancel=cancelled,
                                          progress=lambda d, t: report("copy", d, t), by=by)

        task = ProgressTask(work)
        stopped: list[bool] = []

        def stop() -> None:
            stopped.append(True)
            task.cancel()

        dialog.canceled.connect(stop)

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "wait":
                listed = ", ".join(waiting_for[:3]) + (", …" if len(waiting_for) > 3 else "")
                dialog.setLabelText(t("Waiting for %s other seat(s) to close: %s") % (done, listed))
                dialog.setRange(0, 0)
                return
            dialog.setLabelText(t("Replacing the store's content with the backup…"))
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1) - 1))

        def finish(restored: bool) -> None:
            dialog.reset()
            self._hold([self.restore_action, self.backup_action], False)
            if restored:  # the shop's settings came back with the backup too
                thresholds = self.browser.thresholds()
                if thresholds != self.model.query.thresholds:
                    self.model.set_thresholds(thresholds)
            self._marker = self.browser.change_marker()
            self.reload()
            for timer in (self.poll_timer, self.tick_timer):
                timer.start()

        def done(report) -> None:
            finish(True)
            self.restore_result = report
            self.statusBar().showMessage(t("Restored %s orders from %s.") % (f"{report.orders:,}", src.name),
                                         10000)
            if report.replaced_problem is None:
                QMessageBox.information(self, t("Restore from backup"),
                                        t("The backup was restored; the replaced store was kept as %s.")
                                        % report.path)
            else:
                QMessageBox.information(self, t("Restore from backup"),
                                        t("The backup was restored; the replaced store failed its checks "
                                                "(%s) and was kept as %s for investigation.")
                                        % (report.replaced_problem, report.path))

        def failed(message: str) -> None:
            finish(False)
            self.restore_result = None
            if stopped:
                self.statusBar().showMessage(t("The restore was cancelled; nothing was replaced."), 10000)
                return
            self.statusBar().clearMessage()
            QMessageBox.warning(self, t("Restore failed"), message)

        self.restore_task = self._run(task, progress, done, failed)

    def verify_trail(self) -> None:
        """Tools → Verify trail: the audit chain and the replay of every order, in a worker with
        progress and cancel; the outcome in one sentence."""
        from shop_orders.services.verification import verify_store

        self._hold([self.verify_action], True)
        dialog = self._progress_dialog(t("Checking the audit trail…"), "verifyProgress")
        db = self.ctx.db
        task = ProgressTask(lambda report, cancelled: verify_store(db, progress=report, cancel=cancelled))
        stopped: list[bool] = []

        def stop() -> None:
            stopped.append(True)
            task.cancel()

        dialog.canceled.connect(stop)
        stages = {"chain": t("Checking the audit chain…"),
                  "orders": t("Comparing every order with its audit trail…")}

        def progress(stage: str, done: int, total: int) -> None:
            dialog.setLabelText(stages.get(stage, ""))
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))

        def finish(ok: bool, sentence: str) -> None:
            dialog.reset()
            self._hold([self.verify_action], False)
            self.verify_result = (ok, sentence)
            self.statusBar().showMessage(sentence)
            if ok:
                QMessageBox.information(self, t("Verify trail"), sentence)
            else:
                QMessageBox.warning(self, t("Verify trail"), sentence)

        def done(result) -> None:
            if result.ok:
                finish(True, t("The audit trail is intact: %s events and %s orders checked.")
                       % (f"{result.events:,}", f"{result.orders:,}"))
            else:
                finish(False, t("The audit trail check failed: %s") % result.problem)

        def failed(message: str) -> None:
            if stopped:
                dialog.reset()
                self._hold([self.verify_action], False)
                self.verify_result = None
                self.statusBar().showMessage(t("The check of the audit trail was cancelled."), 10000)
                return
            finish(False, message)

        self.verify_task = self._run(task, progress, done, failed)

    def about(self) -> None:
        QMessageBox.about(
            self, t("About Shop Orders"),
            t("Shop Orders (订单台) %s\nEvery channel's orders in one place.\nDatabase: %s")
            % (__version__, self.ctx.db.where),
        )
