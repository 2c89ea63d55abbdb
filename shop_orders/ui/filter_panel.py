"""The side panel: statuses and channels with live counts (like mail folders), a created-date
range, "stale only", "short of stock", and the quick-search box (debounced; a search of one character or of only
spaces is refused with a sentence under the box, and the grid keeps what it showed)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import cast

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.channels import CHANNELS, channel_label
from shop_orders.domain.grid import Facets, GridQuery, search_refusal
from shop_orders.domain.messages import t
from shop_orders.domain.staleness import Level
from shop_orders.domain.status import Status
from shop_orders.ui import palette
from shop_orders.ui.i18n import sorted_by_shown_name

KindRole = Qt.ItemDataRole.UserRole + 1
ValueRole = Qt.ItemDataRole.UserRole + 2
SEARCH_DEBOUNCE_MS = 250


class FilterPanel(QWidget):
    filtersChanged = Signal()

    def __init__(self, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.lang = lang
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)

        self.search = QLineEdit(self)
        self.search.setObjectName("quickSearch")
        # short enough for a narrow filter panel; the tooltip says what it searches
        self.search.setPlaceholderText(t("Search orders…"))
        self.search.setToolTip(t("Search order no., buyer, phone, tracking no."))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.filtersChanged)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        layout.addWidget(self.search)
        self.search_note = QLabel(self)  # why a search was not run (search_refusal), else hidden
        self.search_note.setObjectName("searchNote")
        self.search_note.setWordWrap(True)
        self.search_note.hide()
        layout.addWidget(self.search_note)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("facetTree")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setRootIsDecorated(False)
        self.all_item = self._item(self.tree, t("All orders"), "all", None)
        self.stale_item = self._item(self.tree, t("Stale (no update for too long)"), "stale", None)
        self.tickets_item = self._item(self.tree, t("With open tickets"), "tickets", None)
        self.tickets_item.setForeground(0, QColor(palette.TICKET_ORANGE))
        self.short_item = self._item(self.tree, t("Short of stock"), "short", None)
        self.short_item.setToolTip(0, t("Orders whose lines cannot all be reserved: what they miss is not on the "
                                        "shelf."))
        self.archived_item = self._item(self.tree, t("Archived (deleted)"), "archived", None)
        self.archived_item.setForeground(0, QColor(palette.QUIET_TEXT))
        self.status_group = QTreeWidgetItem(self.tree, [t("Status")])
        self.status_group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.status_items = {s: self._item(self.status_group, s.label(lang), "status", s.value) for s in Status}
        for s, item in self.status_items.items():
            item.setForeground(0, palette.status_colour(s))
        self.channel_group = QTreeWidgetItem(self.tree, [t("Channel")])
        self.channel_group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.channel_items = {c: self._item(self.channel_group, channel_label(c, lang), "channel", c)
                              for c in sorted_by_shown_name(CHANNELS, lambda c: channel_label(c, lang), lang)}
        self.tree.expandAll()
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, self.tree.header().ResizeMode.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self.filtersChanged)
        layout.addWidget(self.tree, 1)

        form = QFormLayout()
        self.date_check = QCheckBox(t("Created between"), self)
        self.date_check.setObjectName("dateFilter")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1), self)
        self.date_to = QDateEdit(today, self)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
            d.dateChanged.connect(lambda _d: self.filtersChanged.emit() if self.date_check.isChecked() else None)
        self.date_check.toggled.connect(self._date_toggled)
        form.addRow(self.date_check)
        form.addRow(t("From"), self.date_from)
        form.addRow(t("To"), self.date_to)
        layout.addLayout(form)

    def _item(self, parent, text: str, kind: str, value) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text, ""])
        item.setData(0, KindRole, kind)
        item.setData(0, ValueRole, value)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _date_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.filtersChanged.emit()

    def _search_now(self) -> None:
        self._debounce.stop()
        self.filtersChanged.emit()

    def clear_side_filters(self) -> None:
        """Every filter beside the search off, the search kept (the empty result's offer to
        search all orders); one filtersChanged."""
        with QSignalBlocker(self.tree), QSignalBlocker(self.date_check):
            self.tree.clearSelection()
            self.date_check.setChecked(False)
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.filtersChanged.emit()

    def _search_text(self, shown: str) -> str:
        """The search to run: the box's text, or (when it is refused) the one shown until now,
        with the reason under the box."""
        refusal = search_refusal(self.search.text())
        self.search_note.setText(refusal or "")
        self.search_note.setVisible(refusal is not None)
        return shown if refusal is not None else self.search.text().strip()

    # ---- reading and setting --------------------------------------------------------------
    def apply_to(self, q: GridQuery) -> GridQuery:
        statuses, channels, stale, archived, ticketed, short = [], [], False, False, False, False
        for item in self.tree.selectedItems():
            kind, value = item.data(0, KindRole), item.data(0, ValueRole)
            if kind == "status":
                statuses.append(Status(value))
            elif kind == "channel":
                channels.append(value)
            elif kind == "stale":
                stale = True
            elif kind == "archived":
                archived = True
            elif kind == "tickets":
                ticketed = True
            elif kind == "short":
                short = True
        created_from = created_to = None
        if self.date_check.isChecked():
            # PySide6 types QDate.toPython() as object; it is a datetime.date
            start, end = cast(date, self.date_from.date().toPython()), cast(date, self.date_to.date().toPython())
            if end < start:
                start, end = end, start
            created_from = datetime.combine(start, time.min).astimezone()
            created_to = datetime.combine(end, time.max).astimezone()
        return q.with_(statuses=tuple(statuses), channels=tuple(channels), stale_only=stale, archived=archived,
                       with_tickets=ticketed, short_only=short,
                       search=self._search_text(q.search), created_from=created_from, created_to=created_to)

    def show_stale_only(self) -> None:
        self.tree.clearSelection()
        self.stale_item.setSelected(True)

    def show_short_only(self) -> None:
        self.tree.clearSelection()
        self.short_item.setSelected(True)

    def select_status(self, status: Status) -> None:
        self.tree.clearSelection()
        self.status_items[status].setSelected(True)

    def set_facets(self, f: Facets) -> None:
        self.all_item.setText(1, f"{f.total:,}")
        self.stale_item.setText(1, f"{f.stale:,}")
        red = palette.flag_colour(Level.RED) if f.stale else None  # red only when there are stale orders
        self.stale_item.setForeground(0, red if red is not None else QColor(palette.PLAIN_TEXT))
        self.archived_item.setText(1, f"{f.archived:,}")
        self.tickets_item.setText(1, f"{f.tickets:,}")
        self.short_item.setText(1, f"{f.short:,}")
        self.short_item.setForeground(0, QColor(palette.SHORT_TEXT if f.short else palette.PLAIN_TEXT))
        for s, item in self.status_items.items():
            item.setText(1, f"{f.statuses.get(s, 0):,}")
        for c, item in self.channel_items.items():
            item.setText(1, f"{f.channels.get(c, 0):,}")
