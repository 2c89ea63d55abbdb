"""The order grid as its own object beside the window (as Anki's browser keeps its table): the
model and the view, the columns and their menu, the row menu, the selection by order id (kept
across every requery, with the scroll position), the jumps to the first and last order, copying
rows, and what an empty result says over the empty table (the search and the side filter it
found nothing in, with an offer to search all orders). It talks to the window by signals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.channels import channel_label
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.messages import t
from shop_orders.domain.status import Status
from shop_orders.services.browse import OrderBrowser
from shop_orders.ui.actions import action
from shop_orders.ui.delegates import FlagDelegate, StatusDelegate
from shop_orders.ui.order_model import COLUMNS, OrderIdRole, OrderNoRole, OrderTableModel, RowRole

ROW_HEIGHT = 26
WIDTHS = {"order_no": 195, "channel": 110, "channel_order_no": 190, "buyer": 140, "total": 110,
          "paid": 90, "status": 130, "courier": 100, "tracking_no": 150, "created_at": 130, "updated_at": 130,
          "short": 150}


def col(key: str) -> int:
    return [k for k, _ in COLUMNS].index(key)


def side_filter_text(q: GridQuery, lang: str) -> str:
    """The side filter of a query in the words of the filter panel ('' when there is none)."""
    parts = [Status(s).label(lang) for s in q.statuses] + [channel_label(c, lang) for c in q.channels]
    if q.stale_only:
        parts.append(t("Stale (no update for too long)"))
    if q.with_tickets:
        parts.append(t("With open tickets"))
    if q.short_only:
        parts.append(t("Short of stock"))
    if q.archived:
        parts.append(t("Archived (deleted)"))
    if q.created_from is not None and q.created_to is not None:
        parts.append(t("created {start} to {end}", start=q.created_from.date().isoformat(),
                       end=q.created_to.date().isoformat()))
    return ", ".join(parts)


class EmptyNote(QWidget):
    """Over the table when a search or filter finds nothing: says so, names the side filter, and
    offers to search all orders (the side filter cleared, the search kept)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view.viewport())
        self.area = view.viewport()
        self.setObjectName("emptyResult")
        layout = QVBoxLayout(self)
        self.label = QLabel(self)
        self.label.setObjectName("emptyResultText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(self)
        self.button.setObjectName("searchAllOrders")
        layout.addWidget(self.label)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        view.viewport().installEventFilter(self)
        self.hide()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        area = self.area.rect()
        width = min(area.width() - 20, 520)
        self.setFixedWidth(max(width, 100))
        self.adjustSize()
        self.move((area.width() - self.width()) // 2, max((area.height() - self.height()) // 3, 0))

    def show_for(self, q: GridQuery, lang: str) -> None:
        where = side_filter_text(q, lang)
        if q.search and where:
            text = t("No orders match “{search}” in {filter}.", search=q.search, filter=where)
        elif q.search:
            text = t("No orders match “{search}”.", search=q.search)
        elif where:
            text = t("No orders in {filter}.", filter=where)
        else:
            self.hide()
            return
        self.label.setText(text)
        self.button.setText(t("Search all orders") if q.search else t("Show all orders"))
        self.button.setVisible(bool(where))
        self._place()
        self.show()
        self.raise_()


class OrderGrid(QObject):
    currentMoved = Signal()  # the current order changed (a click, a key, a reselect)
    cleared = Signal()  # a requery left nothing selected
    activated = Signal()  # Enter or a double click on a row
    said = Signal(str, int)  # a sentence for the status bar, and for how long (ms)
    searchAll = Signal()  # the empty result's "search all orders": clear the side filter, keep the search

    def __init__(self, browser: OrderBrowser, query: GridQuery, lang: str, clock: Callable[[], datetime],
                 window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.model = OrderTableModel(browser, query, lang, clock, window)
        self.view = v = QTableView(window)
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
        for i, (key, _sort) in enumerate(COLUMNS):
            h.resizeSection(i, WIDTHS[key])
        h.moveSection(h.visualIndex(col("short")), h.visualIndex(col("status")) + 1)  # beside the status
        h.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        h.customContextMenuRequested.connect(self._column_menu)
        v.setSortingEnabled(True)
        h.setSortIndicator(col("updated_at"), Qt.SortOrder.DescendingOrder)
        v.setItemDelegateForColumn(col("order_no"), FlagDelegate(v))
        v.setItemDelegateForColumn(col("status"), StatusDelegate(v))
        v.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        v.customContextMenuRequested.connect(self._row_menu)
        v.activated.connect(lambda _i: self.activated.emit())
        self.row_actions: Sequence[QAction | None] = ()  # the row menu (None: a separator)
        self._keep_id: int | None = None
        self._keep_scroll: int | None = None
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self.model.loaded.connect(self._select_single_result)
        self.lang = lang
        self.empty_note = EmptyNote(v)
        self.empty_note.button.clicked.connect(self.searchAll)
        self.model.loaded.connect(self._show_empty_note)
        self.model.countChanged.connect(lambda _n: self._show_empty_note())
        self._selection_moves = 0
        v.selectionModel().currentRowChanged.connect(self._current_moved)
        self.copy_action = action(window, t("&Copy rows"), self.copy_rows, QKeySequence.StandardKey.Copy, "copyRows")
        self.end_action = action(window, t("Last order"), self.jump_to_end, QKeySequence("Ctrl+End"), "jumpToEnd")
        self.start_action = action(window, t("First order"), self.jump_to_start, QKeySequence("Ctrl+Home"))

    def _current_moved(self, _current, _previous) -> None:
        self._selection_moves += 1
        self.currentMoved.emit()

    # ---- menus ----------------------------------------------------------------------------------
    def _column_menu(self, pos) -> None:
        menu = QMenu(self.view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each right-click makes a new one
        h = self.view.horizontalHeader()
        for i, _ in enumerate(COLUMNS):
            a = menu.addAction(self.model.headerData(i, Qt.Orientation.Horizontal))
            a.setCheckable(True)
            a.setChecked(not h.isSectionHidden(i))
            a.setEnabled(i != 0)  # the order id always stays
            a.toggled.connect(lambda on, i=i: h.setSectionHidden(i, not on))
        menu.exec(h.mapToGlobal(pos))

    def _row_menu(self, pos) -> None:
        menu = QMenu(self.view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the actions are the window's, kept
        for a in self.row_actions:
            if a is None:
                menu.addSeparator()
            else:
                menu.addAction(a)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # ---- what is selected -------------------------------------------------------------------------
    def current_order_id(self) -> int | None:
        idx = self.view.currentIndex()
        return idx.data(OrderIdRole) if idx.isValid() else None

    def current_row(self):
        idx = self.view.currentIndex()
        return idx.data(RowRole) if idx.isValid() else None

    def selected_ids(self) -> list[int]:
        return sorted({i.data(OrderIdRole) for i in self.view.selectionModel().selectedRows()} - {None})

    def selected_order_nos(self) -> list[str]:
        """The global ids of the selected orders, top to bottom."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [no for no in (i.data(OrderNoRole) for i in rows) if no]

    def shown_columns(self) -> list[int]:
        """The columns shown, in the order the person arranged them (logical indexes)."""
        h = self.view.horizontalHeader()
        return [h.logicalIndex(v) for v in range(h.count()) if not h.isSectionHidden(h.logicalIndex(v))]

    def shown_column_keys(self) -> list[str]:
        return [COLUMNS[i][0] for i in self.shown_columns()]

    def copy_rows(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if not rows:
            return
        QGuiApplication.clipboard().setText(self.model.rows_as_tsv(rows, self.shown_columns()))
        self.said.emit(t("Copied %s rows") % len(rows), 4000)

    def _show_empty_note(self) -> None:
        m = self.model
        if m.rowCount() == 0 and m.count_is_exact and not m.loading:
            self.empty_note.show_for(m.shown_query, self.lang)
        else:
            self.empty_note.hide()

    # ---- keeping the selection --------------------------------------------------------------------
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

    def _reselect(self, row: int | None, scroll_value: int | None) -> None:
        sm = self.view.selectionModel()
        if scroll_value and not self.model.count_is_exact:
            self.model.ensure_exact_count()  # the scroll position needs every row, not only the first page
        if row is None:
            sm.clearSelection()
            self.cleared.emit()
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
        """The same query again, the same selection and scroll position."""
        self._keep_scroll = self.view.verticalScrollBar().value()
        self.model.refresh()

    def when_gone(self, order_id: int, gone: Callable[[], None]) -> None:
        """After the next load: `gone()` if the order is no longer in this view (e.g. a change
        made it no longer stale)."""
        def check() -> None:
            self.model.loaded.disconnect(check)
            if self.model.find_loaded(order_id) is not None:
                return
            self.model.locate_later(order_id, lambda row: None if row is not None else gone())

        self.model.loaded.connect(check)

    # ---- jumping ----------------------------------------------------------------------------------
    def jump_to_end(self) -> None:
        last = self.model.ensure_exact_count() - 1
        if last >= 0:
            self.view.setCurrentIndex(self.model.index(last, 0))
            self.view.scrollToBottom()

    def jump_to_start(self) -> None:
        if self.model.rowCount() > 0:
            self.view.setCurrentIndex(self.model.index(0, 0))
            self.view.scrollToTop()
