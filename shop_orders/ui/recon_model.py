"""The reconciliation board's two lists (statement lines, orders) and what a reload reads.

Like the ticket list (ui/ticket_model.py): every id of the filter is sorted and counted in SQL in
a worker (services/recon_browse.py), a reload swaps the list in one model reset once its worker
has answered (the ids and the first page), and the rows of any other page are read in a worker
when a view first asks for them; `data()` never reads the store (a row not yet read shows empty,
then its page arrives with dataChanged). The rows' texts are worked out once per row read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.reconcile import rule_label
from shop_orders.domain.statements import KIND_LABELS, provider_label
from shop_orders.services.recon_browse import (
    NO_SOURCE,
    LineFilter,
    LineRow,
    OrderFilter,
    OrderRecRow,
    ReconBrowser,
    line_state_label,
    order_state_label,
)
from shop_orders.ui import palette
from shop_orders.ui.model_roles import ALIGN, DISPLAY, FOREGROUND, RIGHT, ROW_FLAGS, TOOLTIP
from shop_orders.ui.order_model import local_text
from shop_orders.ui.workers import run_in_pool

PAGE = 200
MAX_ROWS = 5000  # rows kept per list (by id); the oldest read are dropped first
IdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

LINE_COLUMNS = (N_("Time"), N_("Source"), N_("Kind"), N_("Amount"), N_("Fee"), N_("Number"), N_("State"),
                N_("Rule"), N_("Orders"))
LINE_SORTS = ("time", "provider", "kind", "amount", "", "key", "state", "rule", "")  # "" : not sortable
LINE_MONEY = (3, 4)
LINE_WIDTHS = (15, 8, 7, 12, 9, 18, 8, 14, 20)  # in characters
ORDER_COLUMNS = (N_("Order"), N_("Channel"), N_("Source"), N_("State"), N_("Expected"), N_("Received"),
                 N_("Difference"), N_("Line count"), N_("Confirmed or excluded"))
ORDER_SORTS = ("order", "channel", "", "state", "expected", "received", "difference", "lines", "")
ORDER_MONEY = (4, 5, 6)
ORDER_WIDTHS = (19, 9, 10, 13, 12, 12, 11, 9, 24)


def source_name(code: str) -> str:
    return t("no statement line") if code == NO_SOURCE else provider_label(code)


def money_text(minor: int, currency: str) -> str:
    """'¥1,234.50' style without the symbol: '1,234.50 CNY' (grouped, the currency's decimals)."""
    plain = format_minor(abs(minor), currency)
    whole, _, part = plain.partition(".")
    grouped = f"{int(whole):,}" + (f".{part}" if part else "")
    return f"{'-' if minor < 0 else ''}{grouped} {currency}"


R = TypeVar("R")


@dataclass
class Listing:
    """What a reload's first read of one list found: its count and first page (what is painted
    first). The whole id lists follow in another worker (`read_ids`), the figures in a third."""

    total: int
    rows: list[Any]


def read_lines(browser: ReconBrowser, lf: LineFilter, sort: tuple[str, bool]) -> Listing:
    """The lines' count and first page, sorted in SQL (in a worker)."""
    return Listing(browser.line_count(lf), browser.line_window(lf, 0, PAGE, *sort))


def read_orders(browser: ReconBrowser, of: OrderFilter, sort: tuple[str, bool]) -> Listing:
    """The orders' count and first page, sorted in SQL (in a worker, beside the lines')."""
    return Listing(browser.order_count(of), browser.order_window(of, 0, PAGE, *sort))


def read_ids(browser: ReconBrowser, lf: LineFilter, of: OrderFilter, line_sort: tuple[str, bool],
             order_sort: tuple[str, bool]) -> tuple[list[int], list[int]]:
    """Every id of both lists in order (in a worker, after the first paint)."""
    return browser.line_ids(lf, *line_sort), browser.order_ids(of, *order_sort)


class _PagedModel(QAbstractTableModel, Generic[R]):
    """A list of ids over SQL with the rows read a page at a time in workers."""

    sortChanged = Signal()
    COLUMNS: tuple[str, ...] = ()
    SORTS: tuple[str, ...] = ()
    MONEY: tuple[int, ...] = ()
    WIDTHS: tuple[int, ...] = ()  # each column's width in characters (set once: no measuring of rows)

    def __init__(self, browser: ReconBrowser, default_sort: tuple[str, bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.ids: list[int | None] = []  # None: a row whose id is not read yet (below the first page)
        self._pos: dict[int, int] = {}
        self._rows: OrderedDict[int, R] = OrderedDict()
        self._texts: dict[int, tuple[str, ...]] = {}
        self._asked: set[int] = set()
        self._gen = 0
        self._window: Callable[[int, int], list[R]] = lambda _o, _n: []
        self.sort_key, self.descending = default_sort
        self._titles = [t(c) for c in self.COLUMNS]
        self._plain = QColor(palette.PLAIN_TEXT)

    # ---- what a subclass says about its rows ---------------------------------------------------------
    def row_id(self, r: R) -> int:
        raise NotImplementedError

    def fetch(self, ids: list[int]) -> list[R]:
        raise NotImplementedError

    def make_texts(self, r: R) -> tuple[str, ...]:
        raise NotImplementedError

    def colour(self, r: R, column: int) -> QColor:
        return self._plain

    def tooltip(self, r: R, column: int) -> str | None:
        return None

    # ---- reading ------------------------------------------------------------------------------------
    def show(self, total: int, rows: list[R], window: Callable[[int, int], list[R]]) -> None:
        """Show a reload's count and first rows: one reset. Until the whole id list arrives
        (`set_ids`), a page further down is read by its position (`window(offset, limit)`)."""
        self.beginResetModel()
        try:
            self._gen += 1
            self._window = window
            self.ids = [self.row_id(r) for r in rows][:total] + [None] * max(0, total - len(rows))
            self._pos = {i: n for n, i in enumerate(self.ids) if i is not None}
            self._rows.clear()
            self._texts.clear()
            self._asked.clear()
            for r in rows:
                self._rows[self.row_id(r)] = r
        finally:
            self.endResetModel()

    def set_ids(self, ids: list[int]) -> None:
        """The whole id list of the reload shown: pages are read by id from now on. A list that
        no longer agrees with what is shown (the store changed meanwhile) is shown anew."""
        known = [(n, i) for n, i in enumerate(self.ids) if i is not None]
        if len(ids) == len(self.ids) and all(ids[n] == i for n, i in known):
            self.ids = list(ids)
            self._pos = {i: n for n, i in enumerate(ids)}
            return
        self.beginResetModel()
        try:
            self._gen += 1
            self.ids = list(ids)
            self._pos = {i: n for n, i in enumerate(ids)}
            self._texts.clear()
            self._asked.clear()
        finally:
            self.endResetModel()

    def position(self, row_id: int) -> int | None:
        return self._pos.get(row_id)

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_at(self, row: int) -> R | None:
        key = self.id_at(row)
        return self._rows.get(key) if key is not None else None

    def loaded_rows(self) -> list[R]:
        return [r for i in self.ids if i is not None and (r := self._rows.get(i)) is not None]

    def _want(self, row: int) -> None:
        page = row // PAGE
        if page in self._asked:
            return
        self._asked.add(page)
        gen, start = self._gen, page * PAGE
        ids = self.ids[start:start + PAGE]
        if all(i is not None for i in ids):
            fetch, wanted = self.fetch, [int(i) for i in ids if i is not None]
            work: Callable[[], list[R]] = lambda: fetch(wanted)  # noqa: E731 - the worker's one call
        else:
            window = self._window
            work = lambda: window(start, PAGE)  # noqa: E731
        run_in_pool(work, lambda rows: self._page_arrived(gen, page, rows),
                    lambda _m: self._asked.discard(page), owner=self)

    def _page_arrived(self, gen: int, page: int, rows: list[R]) -> None:
        self._asked.discard(page)
        if gen != self._gen:
            return
        start = page * PAGE
        for n, r in enumerate(rows):
            key = self.row_id(r)
            if start + n < len(self.ids) and self.ids[start + n] is None:  # read by position: its id is known now
                self.ids[start + n] = key
                self._pos[key] = start + n
            self.keep(r)
        first, last = start, min(len(self.ids), start + PAGE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.COLUMNS) - 1))

    def keep(self, r: R) -> None:
        """A row read again (a page, or one row after a write): kept, its texts worked out anew."""
        key = self.row_id(r)
        self._rows[key] = r
        self._rows.move_to_end(key)
        self._texts.pop(key, None)
        while len(self._rows) > MAX_ROWS:
            old, _ = self._rows.popitem(last=False)
            self._texts.pop(old, None)

    def texts(self, r: R) -> tuple[str, ...]:
        key = self.row_id(r)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = self.make_texts(r)
        return found

    # ---- Qt model -----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(self.COLUMNS):
            return self._titles[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def _value(self, key: int | None, r: R | None, row: int, column: int, role: int) -> Any:
        if role == IdRole:
            return key
        if r is None:
            if role == DISPLAY:
                self._want(row)
                return ""
            return None
        if role == DISPLAY:
            return self.texts(r)[column]
        if role == FOREGROUND:
            return self.colour(r, column)
        if role == ALIGN and column in self.MONEY:
            return RIGHT
        if role == TOOLTIP:
            return self.tooltip(r, column)
        if role == RowRole:
            return r
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = DISPLAY) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < len(self.ids) or not 0 <= column < len(self.COLUMNS):
            return None
        key = self.ids[row]
        return self._value(key, self._rows.get(key) if key is not None else None, row, column, role)

    def multiData(self, index: QModelIndex | QPersistentModelIndex,
                  span: QModelRoleDataSpan | QModelRoleData) -> None:
        """All the roles a view asks for one cell in one call (Qt 6): the row is looked up once."""
        row, column = index.row(), index.column()
        ok = index.isValid() and 0 <= row < len(self.ids) and 0 <= column < len(self.COLUMNS)
        key = self.ids[row] if ok else None
        r = self._rows.get(key) if key is not None else None
        roles = [span] if isinstance(span, QModelRoleData) else cast("Iterable[QModelRoleData]", span)
        for rd in roles:
            value = self._value(key, r, row, column, rd.role()) if ok else None
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: sorted again in SQL (the board reloads on `sortChanged`)."""
        if not 0 <= column < len(self.SORTS) or not self.SORTS[column]:
            return
        key, descending = self.SORTS[column], order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.sortChanged.emit()


class LineModel(_PagedModel[LineRow]):
    """The period's statement lines, the newest first: an open line red, a matched one green,
    an excluded one grey."""

    COLUMNS, SORTS, MONEY, WIDTHS = LINE_COLUMNS, LINE_SORTS, LINE_MONEY, LINE_WIDTHS

    def __init__(self, browser: ReconBrowser, parent: QObject | None = None) -> None:
        super().__init__(browser, ("time", True), parent)
        self._colours = {k: QColor(v) for k, v in palette.RECON_LINE_COLOURS.items()}

    def row_id(self, r: LineRow) -> int:
        return r.id

    def fetch(self, ids: list[int]) -> list[LineRow]:
        return self.browser.lines(ids)

    def make_texts(self, r: LineRow) -> tuple[str, ...]:
        kind = t(KIND_LABELS[r.kind]) if r.kind in KIND_LABELS else r.kind
        return (local_text(r.occurred_at), provider_label(r.provider), kind, money_text(r.amount_minor, r.currency),
                money_text(r.fee_minor, r.currency) if r.fee_minor else "", r.key, line_state_label(r.state),
                rule_label(r.rule) if r.rule else "", ", ".join(r.orders))

    def colour(self, r: LineRow, column: int) -> QColor:
        return self._colours.get(r.state, self._plain) if column == 6 else self._plain

    def tooltip(self, r: LineRow, column: int) -> str | None:
        parts = [r.external_id, r.memo, r.counterparty, r.reason]
        return "\n".join(p for p in parts if p) or None


class OrderModel(_PagedModel[OrderRecRow]):
    """The period's reconciled orders, the worst first (red, amber, green, excluded, confirmed)."""

    COLUMNS, SORTS, MONEY, WIDTHS = ORDER_COLUMNS, ORDER_SORTS, ORDER_MONEY, ORDER_WIDTHS

    def __init__(self, browser: ReconBrowser, parent: QObject | None = None) -> None:
        super().__init__(browser, ("state", False), parent)
        self._colours = {k: QColor(v) for k, v in palette.RECON_STATE_COLOURS.items()}

    def row_id(self, r: OrderRecRow) -> int:
        return r.order_id

    def fetch(self, ids: list[int]) -> list[OrderRecRow]:
        return self.browser.orders(ids)

    def make_texts(self, r: OrderRecRow) -> tuple[str, ...]:
        why = t("%s: %s") % (r.decided_by, r.reason) if r.decided_by else r.reason
        return (r.order_no, channel_label(r.channel), source_name(r.provider), order_state_label(r.state),
                money_text(r.expected_minor, r.currency), money_text(r.received_minor, r.currency),
                money_text(r.difference_minor, r.currency) if r.difference_minor else "", str(r.line_count), why)

    def colour(self, r: OrderRecRow, column: int) -> QColor:
        return self._colours.get(r.state, self._plain) if column in (3, 6) else self._plain


