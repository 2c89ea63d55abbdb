"""The order grid's model: exact row count from SQL, rows fetched in pages, never all at once.

Follows Anki's browser table: a filter or header click makes a new immutable GridQuery; SQL
counts and sorts; `data()` serves rows from a small LRU of 200-row pages loaded with one indexed
query each. After a change anywhere (`refresh`) the pages are dropped and reloaded on demand;
the view keeps its selection by order id. A row that cannot be loaded shows as disabled instead
of breaking the table. The model never shows dialogs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from shop_orders.domain.channels import channel_label
from shop_orders.domain.money import format_minor
from shop_orders.domain.staleness import Level, describe_age, level
from shop_orders.domain.status import FINAL, Status
from shop_orders.services.browse import OrderBrowser
from shop_orders.store.grid import GridQuery
from shop_orders.ui import palette

PAGE = 200
MAX_PAGES = 60

StatusRole = Qt.ItemDataRole.UserRole + 1
StaleLevelRole = Qt.ItemDataRole.UserRole + 2
OrderIdRole = Qt.ItemDataRole.UserRole + 3
OrderNoRole = Qt.ItemDataRole.UserRole + 4
RowRole = Qt.ItemDataRole.UserRole + 5

# key, sort key (None: not sortable), header (translated in headers())
COLUMNS: list[tuple[str, str | None]] = [
    ("order_no", "order_no"), ("channel", "channel"), ("channel_order_no", "channel_order_no"),
    ("buyer", "buyer"), ("total", "total"), ("paid", "paid"), ("status", "status"),
    ("courier", "courier"), ("tracking_no", "tracking_no"), ("created_at", "created_at"),
    ("updated_at", "updated_at"),
]
MONEY = {"total", "paid"}


def column_titles(tr: Callable[[str], str]) -> dict[str, str]:
    return {
        "order_no": tr("Order"), "channel": tr("Channel"), "channel_order_no": tr("Channel order no."),
        "buyer": tr("Buyer"), "total": tr("Total"), "paid": tr("Paid"), "status": tr("Status"),
        "courier": tr("Courier"), "tracking_no": tr("Tracking no."), "created_at": tr("Created"),
        "updated_at": tr("Last update"),
    }


def local_text(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


class OrderTableModel(QAbstractTableModel):
    countChanged = Signal(int)

    def __init__(self, browser: OrderBrowser, query: GridQuery, lang: str = "en",
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent=None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.lang = lang
        self.clock = clock
        self._query = query
        self._total = 0
        self._pages: OrderedDict[int, list] = OrderedDict()
        self._titles = column_titles(self.tr)
        self._now = clock()
        self._total = browser.count(query)

    # ---- query ----------------------------------------------------------------------------
    @property
    def query(self) -> GridQuery:
        return self._query

    def set_query(self, query: GridQuery) -> None:
        now = self.clock()
        if query.stale_only:
            query = query.with_(now=now)
        total = self.browser.count(query)
        self.beginResetModel()
        self._query, self._total, self._now = query, total, now
        self._pages.clear()
        self.endResetModel()
        self.countChanged.emit(total)

    def refresh(self) -> None:
        """Something changed somewhere: recount and reload pages on demand."""
        self.set_query(self._query)

    def set_thresholds(self, thresholds) -> None:
        self.set_query(self._query.with_(thresholds=thresholds))

    # ---- rows -----------------------------------------------------------------------------
    def _page(self, n: int) -> list | None:
        rows = self._pages.get(n)
        if rows is not None:
            self._pages.move_to_end(n)
            return rows
        try:
            rows = self.browser.window(self._query, n * PAGE, PAGE, self._total)
        except Exception:  # noqa: BLE001 - a row that fails to load is shown disabled
            return None
        self._pages[n] = rows
        if len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row_at(self, row: int):
        rows = self._page(row // PAGE)
        if rows is None or row % PAGE >= len(rows):
            return None
        return rows[row % PAGE]

    def find_loaded(self, order_id: int) -> int | None:
        for n, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == order_id:
                    return n * PAGE + i
        return None

    def locate(self, order_id: int) -> int | None:
        """The row of an order under the current query, or None if it is not in it."""
        found = self.find_loaded(order_id)
        if found is not None:
            return found
        r = self.browser.row(order_id)
        if r is None:
            return None
        pos = self.browser.position_of(self._query, r)
        if pos is None or pos >= self._total:
            return None
        candidate = self.row_at(pos)
        return pos if candidate is not None and candidate.id == order_id else None

    # ---- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return self._titles[COLUMNS[section][0]]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.row_at(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def stale_level(self, r) -> Level:
        return level(Status(r.status), r.updated_at, self._now, self._query.thresholds)

    def display(self, r, key: str) -> str:
        match key:
            case "order_no":
                return r.order_no
            case "channel":
                return channel_label(r.channel, self.lang)
            case "channel_order_no":
                return r.channel_order_no
            case "buyer":
                return r.buyer
            case "total":
                return f"{format_minor(r.total_minor, r.currency)} {r.currency}"
            case "paid":
                return format_minor(r.paid_minor, r.currency)
            case "status":
                return Status(r.status).label(self.lang)
            case "courier":
                return r.courier
            case "tracking_no":
                return r.tracking_no
            case "created_at":
                return local_text(r.created_at)
            case "updated_at":
                return local_text(r.updated_at)
        raise KeyError(key)

    def stale_tooltip(self, r) -> str | None:
        lvl = self.stale_level(r)
        if lvl is Level.FRESH:
            return None
        age = describe_age(self._now - r.updated_at)
        if lvl is Level.RED:
            return self.tr("No update for %s: past the %s h threshold") % (
                age, f"{self._query.thresholds.hours_for(Status(r.status)):g}")
        return self.tr("No update for %s: nearing the %s h threshold") % (
            age, f"{self._query.thresholds.hours_for(Status(r.status)):g}")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < self._total) or not (0 <= index.column() < len(COLUMNS)):
            return None
        r = self.row_at(index.row())
        key = COLUMNS[index.column()][0]
        if r is None:
            return self.tr("(could not load)") if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key in ("order_no", "updated_at"):
                return self.stale_tooltip(r)
            if key == "status":
                return f"{Status(r.status).label('en')} · {Status(r.status).label('zh')}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in MONEY:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if FINAL[Status(r.status)]:
                return QBrush(QColor(palette.QUIET_TEXT))
            return None
        if role == StatusRole:
            return r.status
        if role == StaleLevelRole:
            return self.stale_level(r).value
        if role == OrderIdRole:
            return r.id
        if role == OrderNoRole:
            return r.order_no
        if role == RowRole:
            return r
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        self.set_query(self._query.with_(sort=key, descending=order == Qt.SortOrder.DescendingOrder))

    # ---- copying --------------------------------------------------------------------------
    def rows_as_tsv(self, rows: list[int], columns: list[int]) -> str:
        """Tab-separated text with a header, for pasting into Excel."""
        def clean(text: str) -> str:
            return text.replace("\t", " ").replace("\n", " ")

        lines = ["\t".join(self._titles[COLUMNS[c][0]] for c in columns)]
        for row in rows:
            r = self.row_at(row)
            if r is not None:
                lines.append("\t".join(clean(self.display(r, COLUMNS[c][0])) for c in columns))
        return "\n".join(lines) + "\n"
