"""The main window: the wiring of its parts, each in its own module and talking to it by signals.

- the order grid (grid.OrderGrid): columns, menus, selection by order id, reselect, jumps, copy;
- the filter panel, the detail panel, the notice bar above the grid, the approvals and tickets docks;
- the order actions (order_actions.OrderActions): status, payment, recipient, shipping, bulk edits;
- the store actions (store_actions.StoreActions): import, export, backup, restore, verify, slips,
  demo orders, the shop server, the settings;
- the signed-in session (session.SignedInSession): rights, the idle lock, switching user;
- the background work (background.BackgroundWork): changes made elsewhere (a cheap poll of the
  audit chain's head), the clock's tick, the rules' sweep, the tracking sync, notifications.

The window only calls services (through AppContext and the browsers); rules live below it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shop_orders import __version__
from shop_orders.domain.grid import Facets, GridQuery
from shop_orders.domain.messages import t
from shop_orders.services.browse import OrderBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui.actions import ShortcutsPassThrough, action
from shop_orders.ui.approvals import ApprovalsPanel
from shop_orders.ui.background import POLL_MS, SWEEP_MS, BackgroundWork
from shop_orders.ui.bars import build_menus, build_status_bar, show_stale
from shop_orders.ui.detail_panel import DetailPanel
from shop_orders.ui.filter_panel import FilterPanel
from shop_orders.ui.first_run import EmptyStoreGuide, start_notice
from shop_orders.ui.grid import OrderGrid
from shop_orders.ui.notice import ViewNotice
from shop_orders.ui.order_actions import OrderActions
from shop_orders.ui.session import SignedInSession
from shop_orders.ui.store_actions import ExportOptionsDialog, StoreActions
from shop_orders.ui.tickets import TicketPanel, TicketSettingsDialog
from shop_orders.ui.window_fit import available_room, fit_window, size_bottom_docks
from shop_orders.ui.workers import registry_for, run_in_pool

__all__ = ["ExportOptionsDialog", "MainWindow"]


def _now() -> datetime:
    return datetime.now(UTC)


def _dock(window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock


class MainWindow(QMainWindow):
    changeFinished = Signal(str)  # a change made from this window ended: "done", "conflict" or "refused"
    rightsChanged = Signal()  # what the signed-in user may do was read again
    bulkFinished = Signal(int)  # a bulk edit was proposed (its change set id) or refused (0)
    waitingForSeat = Signal(str)  # a write (in a worker) waits for another seat's transaction: said in the status bar

    def __init__(self, ctx: AppContext, *, lang: str = "en", qsettings: QSettings | None = None,
                 poll_ms: int = POLL_MS, clock: Callable[[], datetime] = _now, sweep_ms: int = SWEEP_MS) -> None:
        super().__init__()
        self.ctx, self.lang, self.clock = ctx, lang, clock
        ctx.waiting = self.waitingForSeat.emit  # emitted from workers, shown on the UI thread
        self.waitingForSeat.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self.qsettings = qsettings or QSettings()
        self.browser = OrderBrowser(ctx.db)
        self._detail_gen = 0
        # every worker started for this window (count, facets, import, export, backup, ...) is
        # tracked here; closing cancels and joins them all (see closeEvent)
        self.workers = registry_for(self)
        self.setObjectName("mainWindow")
        self.setWindowTitle(t("Shop Orders 订单台 — %s") % ctx.db.where)
        # 1440 x 860 where it fits; on a 1366 x 768 or 1280 x 720 laptop the whole window, frame,
        # status bar and the panels' tabs included (window_fit.py)
        fit_window(self, available_room(self))

        # ---- the parts --------------------------------------------------------------------------
        self.table = OrderGrid(self.browser, GridQuery(thresholds=self.browser.thresholds(), now=clock()), lang,
                               clock, self)
        self.model, self.view = self.table.model, self.table.view
        self.session = SignedInSession(ctx, lang, self)
        self.filters = FilterPanel(lang, self)
        self.filter_dock = _dock(self, t("Filters"), "filterDock", self.filters, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.filter_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.detail = DetailPanel(lang, self)
        self.notice = ViewNotice(self)
        self.guide = EmptyStoreGuide(ctx.db.where, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self._grid_area())
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([760, 420])
        self.central = QStackedWidget(self)  # the work, or the lock screen in its place
        self.central.setObjectName("centralStack")
        self.central.addWidget(self.splitter)
        self.central.addWidget(self.session.page)
        self.setCentralWidget(self.central)
        self.approvals = ApprovalsPanel(ctx, lang, self)
        self.approvals_dock = _dock(self, t("Approvals"), "approvalsDock", self.approvals,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tickets = TicketPanel(ctx, lang, self, clock=clock)
        self.tickets_dock = _dock(self, t("Exception tickets"), "ticketsDock", self.tickets,
                                  Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.approvals_dock, self.tickets_dock)
        self.tickets_dock.raise_()
        size_bottom_docks(self, [self.approvals_dock])  # the grid keeps the height; again on first show
        self.order_actions = OrderActions(ctx, lang, self.table, self.detail, self.notice, self.session,
                                          self.qsettings, self)
        self.store_actions = StoreActions(ctx, lang, self.qsettings, self.table, self.session, self.order_actions,
                                          clock, self)
        self.background = BackgroundWork(ctx, self.browser, self.tickets.browser, self.session, clock, self,
                                         poll_ms=poll_ms, sweep_ms=sweep_ms)
        self.ship_order = self.order_actions.ship_order  # Order → Ship… (the scan station's tests ship by hand)
        self._build_actions()
        self._connect()
        self._shortcuts_in_search = ShortcutsPassThrough(self)
        self.filters.search.installEventFilter(self._shortcuts_in_search)
        build_menus(self)
        self.counts_label, self.stale_button = build_status_bar(self)
        self._restore_layout()
        said = start_notice(ctx, self.qsettings)
        if said:
            self.notice.say(said)
        self._docks_shown: list[QDockWidget] = []  # the panels a lock hid, shown again on sign-in
        self.session.refresh_rights()
        self.approvals.reload()
        self.tickets.reload()
        self._facets: Facets | None = None
        self._update_counts()
        self.refresh_facets()

    # ---- building -----------------------------------------------------------------------------------
    def _grid_area(self) -> QWidget:
        """The grid with the notice bar above it (hidden until there is something to say)."""
        area = QWidget(self)
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.notice)
        self.stack = QStackedWidget(area)  # the grid, or the empty store's guide in its place
        self.stack.setObjectName("gridStack")
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.guide)
        box.addWidget(self.stack, 1)
        return area

    def _build_actions(self) -> None:
        self.quit_action = action(self, t("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.find_action = action(self, t("&Find…"), self.focus_search, QKeySequence.StandardKey.Find, "find")
        self.refresh_action = action(self, t("&Refresh"), self.reload, QKeySequence.StandardKey.Refresh)
        self.stale_action = action(self, t("Show &stale orders"), self.filters.show_stale_only)
        self.detail_action = action(self, t("Sh&ow details"), self.open_detail)
        self.about_action = action(self, t("&About Shop Orders"), self.about)
        self.ticket_settings_action = action(self, t("&Ticket settings…"), self.edit_ticket_settings, None,
                                             "ticketSettings")
        self.reconcile_action = action(self, t("Reco&nciliation…"), self.open_reconciliation,
                                       QKeySequence("Ctrl+Shift+R"), "reconciliation")
        self.health_action = action(self, t("&Health…"), self.open_health, QKeySequence("Ctrl+Shift+H"), "health")
        self.stock_action = action(self, t("St&ock…"), self.open_stock, QKeySequence("Ctrl+Shift+K"), "stock")
        self.session.require({self.ticket_settings_action: "settings.shop"})
        o = self.order_actions
        self.table.row_actions = [self.detail_action, o.status_action, o.payment_action, o.contact_action,
                                  o.ship_action, None, o.ticket_action, None, self.table.copy_action]

    def _connect(self) -> None:
        """The parts talk to the window (and through it to each other) by signals."""
        said = self._status
        for part in (self.table, self.session, self.order_actions, self.store_actions, self.background):
            part.said.connect(said)
        self.filters.filtersChanged.connect(self.apply_filters)
        self.table.searchAll.connect(self.filters.clear_side_filters)
        self.table.currentMoved.connect(self.show_current)
        self.table.cleared.connect(self.detail.clear)
        self.table.activated.connect(self.open_detail)
        self.model.countChanged.connect(lambda _n: self._update_counts())
        self.guide.importClicked.connect(self.store_actions.import_orders)
        self.guide.demoClicked.connect(self.store_actions.add_demo_orders)
        self.guide.connectClicked.connect(self.store_actions.connect_server)
        self.notice.showOrder.connect(self.show_order_no)
        self.approvals.changed.connect(self.reload)
        self.approvals.countChanged.connect(self._approvals_badge)
        self.tickets.changed.connect(self._tickets_changed)
        self.tickets.openOrder.connect(self.show_order_no)
        self.tickets.showOrders.connect(self.show_ticket_orders)
        self.tickets.countChanged.connect(self._tickets_badge)
        self.session.rightsChanged.connect(self._rights_read)
        self.session.lockedChanged.connect(self._locked)
        self.session.signedIn.connect(self.approvals.reload)
        self.session.peopleChanged.connect(self.approvals.reload)
        o = self.order_actions
        o.changed.connect(self.reload)
        o.changeFinished.connect(self.changeFinished)
        o.bulkFinished.connect(self.bulkFinished)
        o.proposed.connect(self.approvals.reload)
        o.newTicket.connect(self.tickets.new_for_order)
        o.shipped.connect(self._store_changed_here)
        s = self.store_actions
        s.changed.connect(self.reload)
        s.thresholdsChanged.connect(self._thresholds_changed)
        s.restoring.connect(self._restoring)
        s.keyImported.connect(self.notice.hide)
        s.changed.connect(self._board_reload)  # a statement imported here: an open board reads it
        b = self.background
        b.storeChanged.connect(self._store_changed_elsewhere)
        b.tick.connect(self.reload)
        b.ticketsChanged.connect(self._tickets_swept)

    # ---- what the parts tell the window -----------------------------------------------------------
    def _status(self, message: str, ms: int) -> None:
        if message:
            self.statusBar().showMessage(message, ms)
        else:
            self.statusBar().clearMessage()

    def _rights_read(self) -> None:
        for panel in (self.approvals, self.tickets):
            panel.permitted = self.session.permitted
            panel._buttons()
        board = getattr(self, "board", None)
        if board is not None and shiboken6.isValid(board):
            board.refresh_buttons()  # what the signed-in person may do there
        dashboard = getattr(self, "dashboard", None)
        if dashboard is not None and shiboken6.isValid(dashboard):
            dashboard.refresh_buttons()
        window = getattr(self, "stock_window", None)
        if window is not None and shiboken6.isValid(window):
            window.refresh_buttons()
        self.rightsChanged.emit()

    def _locked(self, locked: bool) -> None:
        """Locked: the orders, the panels and the menus are out of reach; only signing in is left."""
        self.central.setCurrentIndex(1 if locked else 0)
        self.menuBar().setEnabled(not locked)
        if locked:
            self._docks_shown = [d for d in (self.filter_dock, self.approvals_dock) if not d.isHidden()]
        for dock in self._docks_shown:
            dock.setVisible(not locked)
        self._status(t("Locked: sign in to continue") if locked else "", 0)

    def _store_changed_elsewhere(self) -> None:
        self.reload()
        self._board_reload()  # another seat imported a statement, matched or confirmed something
        self.approvals.reload()  # another seat proposed or decided something
        self.tickets.follow()  # read again only if a ticket changed
        self.session.refresh_rights()

    def _board_reload(self) -> None:
        board = getattr(self, "board", None)
        if board is not None and shiboken6.isValid(board) and board.isVisible():
            board.reload()

    def _store_changed_here(self) -> None:
        self.reload()
        self.refresh_facets()

    def _tickets_changed(self) -> None:
        self.reload()  # the badges
        self.refresh_facets()
        if self.detail.detail is not None:
            self.show_current()

    def _tickets_swept(self) -> None:
        self._tickets_changed()
        self.tickets.follow()

    def _thresholds_changed(self, thresholds) -> None:
        self.model.set_thresholds(thresholds)
        self.refresh_facets()

    def _restoring(self, busy: bool) -> None:
        if busy:
            self.background.pause()
        else:
            self.background.resume()
            self.reload()

    def _tickets_badge(self, active: int, overdue: int) -> None:
        if overdue:
            title = t("Exception tickets (%s open, %s overdue)") % (active, overdue)
        elif active:
            title = t("Exception tickets (%s open)") % active
        else:
            title = t("Exception tickets")
        self.tickets_dock.setWindowTitle(title)

    def _approvals_badge(self, waiting: int) -> None:
        self.approvals_dock.setWindowTitle(t("Approvals (%s waiting)") % waiting if waiting else t("Approvals"))

    # ---- the grid, its counts and the detail ------------------------------------------------------
    def apply_filters(self) -> None:
        self.model.set_query(self.filters.apply_to(self.model.query).with_(summary_of=None, health=None, now=self.clock()))

    def reload(self) -> None:
        """Reload after a change: same query, same selection, same scroll position."""
        self.table.reload()
        self.show_current()
        self.refresh_facets()

    def refresh_facets(self) -> None:
        browser, thresholds, now = self.browser, self.model.query.thresholds, self.clock()
        run_in_pool(lambda: browser.facets(thresholds, now), self._show_facets,
                    lambda message: self._status(message, 10000), owner=self)

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
        show_stale(self.stale_button, self._facets.stale)

    def show_current(self) -> None:
        """The selected order's detail, read in a worker (the newest selection wins)."""
        r = self.table.current_row()
        self._detail_gen += 1
        if r is None:
            self.detail.show_detail(None)
            return
        gen, browser, order_no = self._detail_gen, self.browser, r.order_no
        run_in_pool(lambda: browser.detail(order_no),
                    lambda d: self.detail.show_detail(d, self.model.query.thresholds, self.clock())
                    if gen == self._detail_gen else None,
                    lambda message: self._status(message, 10000), owner=self)

    def open_detail(self) -> None:
        self.show_current()
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            self.splitter.setSizes([sizes[0] * 3 // 5, sizes[0] * 2 // 5])
        self.detail.tabs.setFocus()

    def show_order_no(self, order_no: str) -> None:
        """Show one order in the grid (a search for its number, the other filters cleared)."""
        self.filters.tree.clearSelection()
        self.filters.search.setText(order_no)
        self.filters.search.returnPressed.emit()

    def _show_only(self, **only) -> None:
        """The grid filtered to one set of orders (a summary ticket's, a health figure's): the
        other filters cleared quietly (no query of their own); any filter chosen afterwards shows
        the grid as usual again."""
        for w in (self.filters.tree, self.filters.search):
            w.blockSignals(True)
        self.filters.tree.clearSelection()
        self.filters.search.clear()
        for w in (self.filters.tree, self.filters.search):
            w.blockSignals(False)
        self.model.set_query(self.model.query.with_(**{
            "summary_of": None, "health": None, "statuses": (), "channels": (), "stale_only": False,
            "archived": False, "with_tickets": False, "short_only": False, "search": "", "created_from": None, "created_to": None,
            "changed_from": None, "changed_to": None, "now": self.clock(), **only}))

    def show_ticket_orders(self, ticket_id: int) -> None:
        """The orders a summary ticket holds, in the grid."""
        self._show_only(summary_of=ticket_id)
        self._status(t("The orders of ticket #%s; choose any filter to see the others again.") % ticket_id, 10000)

    def show_health_slice(self, behind) -> None:
        """The orders behind a health figure (a click on the dashboard), in the grid."""
        self._show_only(health=behind)
        self._status(t("The orders behind %s; choose any filter to see the others again.") % behind.label(), 10000)
        self.raise_()
        self.activateWindow()

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def open_reconciliation(self) -> None:
        """File/Tools → Reconciliation…: the bookkeeper's board (one window; asked again, it comes
        to the front). A write there reads the grid again."""
        from shop_orders.ui.reconciliation import ReconciliationBoard

        board = getattr(self, "board", None)
        if board is not None and shiboken6.isValid(board) and board.isVisible():
            board.raise_()
            board.activateWindow()
            return
        self.board = ReconciliationBoard(self.ctx, self.lang, self, clock=self.clock,
                                         rights=lambda: self.session.permitted)
        self.board.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.board.changed.connect(self._store_changed_here)
        fit_window(self.board, available_room(self))
        self.board.show()

    def open_stock(self) -> None:
        """Tools → Stock…: the catalogue, its movements and the stock actions (one window; asked
        again, it comes to the front). A write there reads the grid again (short flags follow)."""
        from shop_orders.ui.stock_window import StockWindow

        window = getattr(self, "stock_window", None)
        if window is not None and shiboken6.isValid(window) and window.isVisible():
            window.raise_()
            window.activateWindow()
            return
        self.stock_window = StockWindow(self.ctx, self.lang, self, rights=lambda: self.session.permitted)
        self.stock_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.stock_window.changed.connect(self._store_changed_here)
        fit_window(self.stock_window, available_room(self))
        self.stock_window.show()

    def open_health(self) -> None:
        """Tools → Health…: the shop's figures (one window; asked again, it comes to the front). A
        click there shows the orders behind a figure in the grid (show_health_slice). The first
        time, its module (with pyqtgraph and numpy: half a second) is imported in a worker."""
        import sys

        dashboard = getattr(self, "dashboard", None)
        if dashboard is not None and shiboken6.isValid(dashboard) and dashboard.isVisible():
            dashboard.raise_()
            dashboard.activateWindow()
            return
        if "shop_orders.ui.health_dashboard" not in sys.modules:
            if not getattr(self, "_health_importing", False):
                self._health_importing = True
                run_in_pool(self._import_health, lambda _m: self._health_imported(),
                            lambda message: self._health_imported(message), owner=self)
            return
        from shop_orders.ui.health_dashboard import HealthDashboard

        self.dashboard = HealthDashboard(self.ctx, self.lang, self, clock=self.clock,
                                         rights=lambda: self.session.permitted)
        self.dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dashboard.sliceChosen.connect(self.show_health_slice)
        fit_window(self.dashboard, available_room(self))
        self.dashboard.show()

    @staticmethod
    def _import_health() -> None:
        import shop_orders.ui.health_dashboard  # noqa: F401 - imported off the UI thread, used on it

    def _health_imported(self, problem: str = "") -> None:
        self._health_importing = False
        if problem:
            self._status(problem, 10000)
        else:
            self.open_health()

    def edit_ticket_settings(self) -> None:
        if TicketSettingsDialog.ask(self.ctx, self):
            self.tickets.reload()

    def about(self) -> None:
        QMessageBox.about(
            self, t("About Shop Orders"),
            t("Shop Orders (订单台) %s\nEvery channel's orders in one place.\nDatabase: %s")
            % (__version__, self.ctx.db.where),
        )

    # ---- layout memory, closing ---------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.qsettings
        if s.value("window/geometry") is not None and self.restoreGeometry(s.value("window/geometry")):
            fit_window(self, available_room(self), keep=True)  # saved on a bigger screen: shrunk to this one
        # no saved layout: the bottom panels are given their small share once the window is shown
        self._docks_unsized = s.value("window/state") is None or not self.restoreState(s.value("window/state"))
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
        if getattr(self, "_docks_unsized", False):
            self._docks_unsized = False
            size_bottom_docks(self, [self.approvals_dock])
        if getattr(self, "_splitter_state", None) is not None:
            state, self._splitter_state = self._splitter_state, None
            QTimer.singleShot(0, lambda: self.splitter.restoreState(state))

    def closeEvent(self, event) -> None:
        self.background.stop()
        self.tickets.tick.stop()
        self.stop_workers()
        self.save_layout()
        super().closeEvent(event)

    def stop_workers(self) -> None:
        """Cancel every running worker and wait for each: an import rolls back, an export or a
        backup removes its partial file; nothing runs on once the window is gone."""
        self.workers.cancel_and_wait()

    @property
    def export_task(self):
        """The last export's worker (the fault tests quit in the middle of it)."""
        return self.store_actions.export_task

    def export_orders(self) -> None:
        self.store_actions.export_orders()
