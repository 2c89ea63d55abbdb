"""The order grid's model: exact row count from SQL, rows fetched in pages, never all at once.

Follows Anki's browser table: a filter or header click makes a new immutable GridQuery; SQL
counts and sorts; `data()` serves rows from a small LRU of 200-row pages loaded with one indexed
query each, their cell texts computed once per page. The first page is shown at once; when it is
full, the exact count runs in a worker and the rows beyond it are inserted when it arrives
(`ensure_exact_count` waits for it where it is needed now). After a change anywhere (`refresh`)
the pages are dropped and reloaded on demand; the view keeps its selection by order id. A row
that cannot be loaded shows as disabled instead of breaking the table. The model never shows
dialogs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from shop_orders.domain import cells
from shop_orders.domain import flags as flag_codes
from shop_orders.domain.channels import channel_label
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.messages import t
from shop_orders.domain.money import shown
from shop_orders.domain.staleness import Level, describe_age, level
from shop_orders.domain.status import FINAL, Status
from shop_orders.services.browse import OrderBrowser
from shop_orders.ui import palette
from shop_orders.ui.model_roles import ALIGN as ALIGNMENT
from shop_orders.ui.model_roles import DISPLAY, FOREGROUND, ROW_FLAGS, TOOLTIP
from shop_orders.ui.model_roles import LEFT as ALIGN_LEFT
from shop_orders.ui.model_roles import RIGHT as ALIGN_RIGHT

PAGE = 200
MAX_PAGES = 60

StatusRole = Qt.ItemDataRole.UserRole + 1
StaleLevelRole = Qt.ItemDataRole.UserRole + 2
OrderIdRole = Qt.ItemDataRole.UserRole + 3
OrderNoRole = Qt.ItemDataRole.UserRole + 4
RowRole = Qt.ItemDataRole.UserRole + 5
TicketCountRole = Qt.ItemDataRole.UserRole + 6  # active exception tickets (the order number's badge)
ShortRole = Qt.ItemDataRole.UserRole + 7  # what the order is short of ("2 × A-1"), None when not short

# key, sort key (None: not sortable), header (translated in headers())
COLUMNS: list[tuple[str, str | None]] = [
    ("order_no", "order_no"), ("status", "status"), ("channel", "channel"),
    ("channel_order_no", "channel_order_no"), ("buyer", "buyer"), ("total", "total"), ("paid", "paid"),
    ("courier", "courier"), ("tracking_no", "tracking_no"), ("created_at", "created_at"),
    ("updated_at", "updated_at"), ("short", None),
]  # "short" is last (saved header layouts keep their columns); the grid shows it after the status
MONEY = {"total", "paid"}


def column_titles() -> dict[str, str]:
    return {
        "order_no": t("Order"),
        "channel": t("Channel"),
        "channel_order_no": t("Channel order no."),
        "buyer": t("Buyer"),
        "total": t("Total"),
        "paid": t("Paid"),
        "status": t("Status"),
        "courier": t("Courier"),
        "tracking_no": t("Tracking no."),
        "created_at": t("Created"),
        "updated_at": t("Last update"),
        "short": t("Short of stock"),
    }


def local_text(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


class _Row:
    """One loaded row; its cell texts and staleness are worked out on first use, then kept."""

    __slots__ = ("raw", "status", "quiet", "_texts", "_level")

    def __init__(self, raw) -> None:
        self.raw = raw
        self.status = raw.status
        self.quiet = FINAL[Status(raw.status)]
        self._texts: tuple[str, ...] | None = None
        self._level: int | None = None


MONEY_COLUMNS = frozenset(i for i, (k, _) in enumerate(COLUMNS) if k in MONEY)
SHORT_COLUMN = [k for k, _ in COLUMNS].index("short")


class OrderTableModel(QAbstractTableModel):
    countChanged = Signal(int)
    loaded = Signal()  # a query's first page arrived and is shown
    loadFailed = Signal(str)  # one sentence: the first page of a query could not be read

    def __init__(self, browser: OrderBrowser, query: GridQuery, lang: str = "en",
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), parent=None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.lang = lang
        self.clock = clock
        self._query = query  # what the rows shown belong to
        self._wanted = query  # the latest query asked for (shown once its first page arrives)
        self._total = 0
        self._exact = True
        self._count_gen = 0
        self.loading = False
        self._tasks: list = []
        self._pages: OrderedDict[int, list[_Row] | None] = OrderedDict()
        self._last: tuple[int, list[_Row] | None] = (-1, None)
        self._titles = column_titles()
        self._quiet = QBrush(QColor(palette.QUIET_TEXT))
        self._short = QBrush(QColor(palette.SHORT_TEXT))
        self._now = clock()
        self._request(query, self._now)

    # ---- query ----------------------------------------------------------------------------
    @property
    def query(self) -> GridQuery:
        """The latest query asked for (what the next filter or sort builds on)."""
        return self._wanted

    @property
    def shown_query(self) -> GridQuery:
        return self._query

    @property
    def count_is_exact(self) -> bool:
        return self._exact

    def _request(self, query: GridQuery, now: datetime) -> None:
        """Read the query's first page in a worker; the rows shown stay until it arrives, then
        the model resets to it in one step (no empty flash, selection kept by id). The exact
        count follows from another worker when the page is full."""
        from shop_orders.ui.workers import run_in_pool

        self._count_gen += 1
        gen = self._count_gen
        self._wanted = query
        self.loading = True
        browser = self.browser
        task = run_in_pool(lambda: browser.window(query, 0, PAGE, None),
                           lambda first: self._first_arrived(gen, query, now, first),
                           lambda message: self._first_failed(gen, message), owner=self)
        self._keep(task)

    def _first_arrived(self, gen: int, query: GridQuery, now: datetime, first: list) -> None:
        if gen != self._count_gen:
            return  # a newer query was asked for meanwhile
        self.beginResetModel()
        try:
            self._now = now
            self._pages.clear()
            self._last = (-1, None)
            self._query = query
            self._pages[0] = [self._cells(r) for r in first]
            self._total = len(first)
            self._exact = len(first) < PAGE
        finally:
            self.endResetModel()
        self.loading = False
        self.countChanged.emit(self._total)
        self.loaded.emit()
        if not self._exact:
            self._count_later(query)

    def _first_failed(self, gen: int, message: str) -> None:
        if gen == self._count_gen:
            self.loading = False
            self._wanted = self._query
            self.loadFailed.emit(message)

    def set_query(self, query: GridQuery) -> None:
        """Show the orders of `query` (read in a worker; `loaded` says when they are shown)."""
        now = self.clock()
        self._request(query.with_(now=now), now)

    def refresh(self) -> None:
        """Something changed somewhere: recount and reload pages on demand."""
        self.set_query(self._wanted)

    def set_thresholds(self, thresholds) -> None:
        self.set_query(self._wanted.with_(thresholds=thresholds))

    def _count_later(self, query: GridQuery) -> None:
        from shop_orders.ui.workers import run_in_pool

        gen = self._count_gen
        browser = self.browser
        task = run_in_pool(lambda: browser.count(query), lambda n: self._count_arrived(gen, n),
                           lambda _msg: None, owner=self)  # a failed count leaves the first page showing
        self._keep(task)

    def _keep(self, task) -> None:
        self._tasks = [t_ for t_ in self._tasks if not t_.ended.is_set()] + [task]

    def _count_arrived(self, gen: int, n: int) -> None:
        if gen != self._count_gen or self._exact:
            return  # a newer query (or a synchronous count) took over
        self._set_exact(n)

    def _set_exact(self, n: int) -> None:
        self._exact = True
        if n > self._total:
            self.beginInsertRows(QModelIndex(), self._total, n - 1)
            self._total = n
            self.endInsertRows()
        elif n < self._total:
            self.beginRemoveRows(QModelIndex(), n, self._total - 1)
            self._total = n
            self.endRemoveRows()
        self.countChanged.emit(n)

    def ensure_exact_count(self) -> int:
        """The exact row count of the rows shown, counting now if the worker has not answered yet."""
        if not self._exact and not self.loading:
            self._count_gen += 1
            self._set_exact(self.browser.count(self._query))
        return self._total

    # ---- rows -----------------------------------------------------------------------------
    def _cells(self, r) -> _Row:
        return _Row(r)

    def _texts(self, cell: _Row) -> tuple[str, ...]:
        if cell._texts is None:
            cell._texts = tuple(self.display(cell.raw, key) for key, _ in COLUMNS)
        return cell._texts

    def _level(self, cell: _Row) -> int:
        if cell._level is None:
            cell._level = self.stale_level(cell.raw).value
        return cell._level

    def _page(self, n: int) -> list[_Row] | None:
        if self._last[0] == n:
            return self._last[1]
        if n in self._pages:
            self._pages.move_to_end(n)
            rows = self._pages[n]
        else:
            try:
                raw = self.browser.window(self._query, n * PAGE, PAGE, self._total if self._exact else None)
                rows = [self._cells(r) for r in raw]
            except Exception:  # noqa: BLE001 - rows that fail to load are shown disabled
                rows = None
            self._pages[n] = rows
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        self._last = (n, rows)
        return rows

    def _cached(self, row: int) -> _Row | None:
        rows = self._page(row // PAGE)
        if rows is None or row % PAGE >= len(rows):
            return None
        return rows[row % PAGE]

    def row_at(self, row: int):
        cell = self._cached(row)
        return cell.raw if cell is not None else None

    def find_loaded(self, order_id: int) -> int | None:
        for n, rows in self._pages.items():
            for i, r in enumerate(rows or []):
                if r.raw.id == order_id:
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
        if pos is None:
            return None
        if pos >= self._total:
            self.ensure_exact_count()
            if pos >= self._total:
                return None
        candidate = self.row_at(pos)
        return pos if candidate is not None and candidate.id == order_id else None

    def locate_later(self, order_id: int, done: Callable[[int | None], None]) -> None:
        """Like locate, with the two reads (the order, its position) in a worker; done(row or None)
        on the UI thread, once the row is known to hold that order."""
        from shop_orders.ui.workers import run_in_pool

        browser, query = self.browser, self._query

        def where() -> int | None:
            r = browser.row(order_id)
            return None if r is None else browser.position_of(query, r)

        def arrived(pos: int | None) -> None:
            if pos is None or query is not self._query:
                done(None)
                return
            if pos >= self._total:
                self.ensure_exact_count()
            candidate = self.row_at(pos) if pos < self._total else None
            done(pos if candidate is not None and candidate.id == order_id else None)

        self._keep(run_in_pool(where, arrived, lambda _m: done(None), owner=self))

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
        if self._cached(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return ROW_FLAGS

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
                return f"{shown(r.total_minor, r.currency, r.amount_known)} {r.currency}"
            case "paid":
                return shown(r.paid_minor, r.currency, r.amount_known)
            case "status":
                label = Status(r.status).label(self.lang)
                return f"{label}  ⚑" if r.flags else label
            case "courier":
                return r.courier
            case "tracking_no":
                return r.tracking_no
            case "created_at":
                return local_text(r.created_at)
            case "updated_at":
                return local_text(r.updated_at)
            case "short":
                missing = getattr(r, "short", "")
                return f"⚠ {missing}" if missing else ""
        raise KeyError(key)

    def stale_tooltip(self, r) -> str | None:
        lvl = self.stale_level(r)
        if lvl is Level.FRESH:
            return None
        age = describe_age(self._now - r.updated_at)
        if lvl is Level.RED:
            return t("No update for %s: past the %s h threshold") % (
                age, f"{self._query.thresholds.hours_for(Status(r.status)):g}")
        return t("No update for %s: nearing the %s h threshold") % (
            age, f"{self._query.thresholds.hours_for(Status(r.status)):g}")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if not (0 <= row < self._total) or not (0 <= column < len(COLUMNS)) or not index.isValid():
            return None
        cell = self._cached(row)
        if cell is None:
            return t("(could not load)") if role == DISPLAY and column == 0 else None
        if role == DISPLAY:
            return self._texts(cell)[column]
        if role == FOREGROUND:
            if column == SHORT_COLUMN:
                return self._short
            return self._quiet if cell.quiet else None
        if role == StatusRole:
            return cell.status
        if role == StaleLevelRole:
            return self._level(cell)
        if role == ALIGNMENT:
            return ALIGN_RIGHT if column in MONEY_COLUMNS else ALIGN_LEFT
        if role == TOOLTIP:
            return self._tooltip(cell, COLUMNS[column][0])
        if role == TicketCountRole:
            return getattr(cell.raw, "tickets", None) or None
        if role == ShortRole:
            return getattr(cell.raw, "short", None) or None
        if role == OrderIdRole:
            return cell.raw.id
        if role == OrderNoRole:
            return cell.raw.order_no
        if role == RowRole:
            return cell.raw
        return None

    def _tooltip(self, cell, key: str) -> str | None:
        """What hovering a cell of the column `key` tells: staleness and open tickets on the
        order number, both languages' status and its flags, why an amount is missing."""
        tickets: int = getattr(cell.raw, "tickets", None) or 0
        if key == "order_no" and tickets:
            return "\n".join(x for x in (self.stale_tooltip(cell.raw),
                                          t("%s open exception tickets") % tickets) if x)
        if key in ("order_no", "updated_at"):
            return self.stale_tooltip(cell.raw)
        if key == "status":
            said = f"{Status(cell.status).label('en')} · {Status(cell.status).label('zh')}"
            flags = getattr(cell.raw, "flags", "")
            return f"{said}\n{flag_codes.describe(flags, self.lang)}" if flags else said
        missing = str(getattr(cell.raw, "short", None) or "")
        if key == "short" and missing:
            return t("Short of stock: %s. The scan station refuses it until the stock arrives; "
                     "the flag clears by itself then.") % missing
        if key in ("total", "paid") and not getattr(cell.raw, "amount_known", True):
            return t("The channel's file gave no amounts for this order; a later file that has them fills them in.")
        return None

    def multiData(self, index, span) -> None:
        """All the roles a view asks for one cell in a single call (Qt 6); see data()."""
        for rd in span:
            value = self.data(index, rd.role())
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        self.set_query(self._wanted.with_(sort=key, descending=order == Qt.SortOrder.DescendingOrder))

    # ---- copying --------------------------------------------------------------------------
    def rows_as_tsv(self, rows: list[int], columns: list[int]) -> str:
        """Tab-separated text with a header, for pasting into Excel: channel text that looks like a
        formula gets the apostrophe the CSV export gives it (domain/cells.py), so a paste shows it
        and never evaluates it."""
        def clean(text: str) -> str:
            return cells.pasted_text(text.replace("\t", " ").replace("\r", " ").replace("\n", " "))

        lines = ["\t".join(self._titles[COLUMNS[c][0]] for c in columns)]
        for row in rows:
            cell = self._cached(row)
            if cell is not None:
                lines.append("\t".join(clean(self._texts(cell)[c]) for c in columns))
        return "\n".join(lines) + "\n"
