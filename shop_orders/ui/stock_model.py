"""The stock window's list of SKUs: a model over SQL (services/stock_browse.py), read a page at a time.

Like the order grid's model (ui/order_model.py): a filter, a header click or a write makes a new
reload; its count and first page (and the page of the row the person was on) are read in one
worker and shown in one model reset, so the rows shown stay until the new ones are there. Any
other page is read in a worker when a view first asks for it: `data()` never reads the store (a
row not read yet shows empty until its page arrives with dataChanged). Pages are 200 rows; at
most MAX_PAGES are kept. The model never shows dialogs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from shop_orders.domain.messages import N_, t
from shop_orders.domain.stock import StockFilter, StockRow
from shop_orders.services import stock_browse
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.model_roles import ALIGN, DISPLAY, FOREGROUND, RIGHT, ROW_FLAGS, TOOLTIP
from shop_orders.ui.workers import run_in_pool

PAGE = 200
MAX_PAGES = 50
SkuRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

COLUMNS = (N_("SKU"), N_("Title"), N_("Location"), N_("On hand"), N_("Reserved"), N_("Available"), N_("Safety"),
           N_("Incoming"), N_("Short orders"))
SORTS = ("sku", "title", "location", "on_hand", "reserved", "available", "safety", "incoming", "")  # "": not sortable
NUMBERS = frozenset(range(3, 9))
AVAILABLE, SHORT = 5, 8
WIDTHS = (16, 30, 10, 8, 8, 9, 7, 8, 10)  # in characters


@dataclass(frozen=True)
class Reading:
    """What one reload asked for, and what it found: the count and the pages read with it."""

    filter: StockFilter
    sort: str
    descending: bool
    total: int = 0
    pages: tuple[tuple[int, list[StockRow]], ...] = ()


def read(ctx: AppContext, f: StockFilter, sort: str, descending: bool, keep_row: int | None) -> Reading:
    """A reload's reads (in a worker): the count, the first page, and the page of `keep_row`."""
    def work(session: Any) -> Reading:
        total = stock_browse.count(session, f)
        wanted = {0} | ({keep_row // PAGE} if keep_row is not None and keep_row < total else set())
        pages = tuple((n, stock_browse.page(session, f, n * PAGE, PAGE, sort, descending)) for n in sorted(wanted))
        return Reading(f, sort, descending, total, pages)
    return ctx.read(work)


def row_texts(r: StockRow) -> tuple[str, ...]:
    return (r.sku, r.title, r.location, f"{r.on_hand:,}", f"{r.reserved:,}", f"{r.available:,}", f"{r.safety:,}",
            f"{r.incoming:,}", f"{r.short_orders:,}" if r.short_orders else "")


class StockModel(QAbstractTableModel):
    loaded = Signal()  # a reload's count and first page are shown
    loadFailed = Signal(str)  # one sentence: a reload could not be read
    sortChanged = Signal()  # a header click asked for another order (the window reloads)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter = StockFilter()
        self.sort_key, self.descending = "sku", False
        self.total = 0
        self.loading = False
        self._gen = 0
        self._pages: OrderedDict[int, list[StockRow]] = OrderedDict()
        self._texts: dict[str, tuple[str, ...]] = {}
        self._asked: set[int] = set()
        self._titles = [t(c) for c in COLUMNS]
        self._plain = QColor(palette.PLAIN_TEXT)
        self._short = QColor(palette.SHORT_TEXT)
        self._below = QColor(palette.WARNING_TEXT)

    # ---- reading ------------------------------------------------------------------------------------
    def reload(self, f: StockFilter | None = None, keep_row: int | None = None) -> None:
        """Read the list again (a new filter, or after a write): shown in one reset when it arrives."""
        self._gen += 1
        gen = self._gen
        if f is not None:
            self.filter = f
        self.loading = True
        ctx, wanted, sort, desc = self.ctx, self.filter, self.sort_key, self.descending
        run_in_pool(lambda: read(ctx, wanted, sort, desc, keep_row), lambda r: self._arrived(gen, r),
                    lambda message: self._failed(gen, message), owner=self)

    def _arrived(self, gen: int, reading: Reading) -> None:
        if gen != self._gen:
            return  # a newer reload was asked for meanwhile
        self.beginResetModel()
        try:
            self.total = reading.total
            self._pages.clear()
            self._texts.clear()
            self._asked.clear()
            for n, rows in reading.pages:
                self._pages[n] = rows
        finally:
            self.endResetModel()
        self.loading = False
        self.loaded.emit()

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._gen:
            self.loading = False
            self.loadFailed.emit(message)

    def _want(self, page: int) -> None:
        if page in self._asked:
            return
        self._asked.add(page)
        gen, ctx, f, sort, desc = self._gen, self.ctx, self.filter, self.sort_key, self.descending
        run_in_pool(lambda: ctx.read(lambda s: stock_browse.page(s, f, page * PAGE, PAGE, sort, desc)),
                    lambda rows: self._page_arrived(gen, page, rows), lambda _m: self._asked.discard(page), owner=self)

    def _page_arrived(self, gen: int, page: int, rows: list[StockRow]) -> None:
        self._asked.discard(page)
        if gen != self._gen:
            return
        self._pages[page] = rows
        for r in rows:
            self._texts.pop(r.sku, None)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first, last = page * PAGE, min(self.total, page * PAGE + PAGE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def row_at(self, row: int) -> StockRow | None:
        rows = self._pages.get(row // PAGE)
        if rows is None or row % PAGE >= len(rows):
            return None
        return rows[row % PAGE]

    def position(self, sku: str) -> int | None:
        """The row of an SKU among the pages read, or None."""
        for n, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.sku == sku:
                    return n * PAGE + i
        return None

    def pages_busy(self) -> bool:
        return bool(self._asked)

    def texts(self, r: StockRow) -> tuple[str, ...]:
        found = self._texts.get(r.sku)
        if found is None:
            found = self._texts[r.sku] = row_texts(r)
        return found

    # ---- Qt model -----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(COLUMNS):
            return self._titles[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def _colour(self, r: StockRow, column: int) -> QColor:
        if column == SHORT and r.short_orders:
            return self._short
        if column == AVAILABLE and r.available < r.safety:
            return self._below
        return self._plain

    def _tooltip(self, r: StockRow, column: int) -> str | None:
        if column == SHORT and r.short_orders:
            return t("%s orders wait for %s: %s units are missing.") % (r.short_orders, r.sku, r.missing)
        if column == AVAILABLE and r.available < r.safety:
            return t("Below the safety stock of %s.") % r.safety
        if column == 0 and r.barcodes:
            return t("Barcodes: %s") % ", ".join(r.barcodes)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < self.total or not 0 <= column < len(COLUMNS):
            return None
        r = self.row_at(row)
        if r is None:
            if role == DISPLAY:
                self._want(row // PAGE)
                return ""
            return None
        if role == DISPLAY:
            return self.texts(r)[column]
        if role == FOREGROUND:
            return self._colour(r, column)
        if role == ALIGN and column in NUMBERS:
            return RIGHT
        if role == TOOLTIP:
            return self._tooltip(r, column)
        if role == SkuRole:
            return r.sku
        if role == RowRole:
            return r
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: sorted again in SQL (the window reloads on `sortChanged`)."""
        if not 0 <= column < len(SORTS) or not SORTS[column]:
            return
        key, descending = SORTS[column], order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.sortChanged.emit()
