"""The ticket list's model: every ticket id of the filter, sorted and counted in SQL in a worker;
the rows served from a cache filled a page at a time in a worker; the countdown worked out from
each row's due time against the clock when it is painted, never stored in a cell.

Like the order grid (ui/order_model.py), a reload swaps the whole list in one model reset once
its worker has answered: the UI thread only takes the id list and the first page, whatever the
number of tickets, and the view keeps its selection by ticket id. After a write the panel asks
for the one ticket again (`refresh_ticket`): its row is updated in place, or removed when it left
the filter's list (a closed ticket in the open list). `data()` never reads the store: a row not
yet loaded shows empty while its page is read, then its rows are updated (dataChanged).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

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

from shop_orders.domain.messages import N_, t
from shop_orders.domain.sla import Clock
from shop_orders.domain.tickets import (
    Kind,
    Priority,
    State,
    Urgency,
    band_label,
    countdown,
    urgency,
)
from shop_orders.services.browse import TicketBrowser, TicketFilter, TicketRow
from shop_orders.ui import palette
from shop_orders.ui.model_roles import DISPLAY, FOREGROUND, ROW_FLAGS
from shop_orders.ui.order_model import local_text
from shop_orders.ui.workers import run_in_pool

if TYPE_CHECKING:
    from shop_orders.domain.changes import Actor
    from shop_orders.services.tickets import Figures

    Stats = tuple[list[Figures], list[Figures], Figures]

PAGE = 100
MAX_ROWS = 3000  # rows kept in the cache (by id); the oldest read are dropped first
COLUMNS = (N_("#"), N_("Order"), N_("Kind"), N_("Priority"), N_("State"), N_("Assignee"), N_("Due in"), N_("Opened"))
SORTS = ("id", "order", "kind", "priority", "state", "assignee", "due", "opened")  # per column (services/browse.py)
DUE_COLUMN = 6
TicketIdRole = Qt.ItemDataRole.UserRole + 1
TicketRowRole = Qt.ItemDataRole.UserRole + 2
UrgencyRole = Qt.ItemDataRole.UserRole + 3
LIVE = (State.OPEN, State.IN_PROGRESS, State.WAITING)


def who_label(user: str, role: str) -> str:
    from shop_orders.domain.roles import Role

    if user:
        return user
    try:
        return Role(role).label()
    except ValueError:
        return role


class Listing:
    """What a reload read in its worker: the ids in order, their positions, the first rows, the
    counts and figures, the SLA clock and the ticket marker."""

    __slots__ = ("ids", "pos", "rows", "counts", "stats", "clock", "now", "marker")

    def __init__(self, ids: list[int], rows: list[TicketRow], counts: tuple[int, int], stats: Stats, clock: Clock,
                 now: datetime, marker: tuple[object, ...]) -> None:
        self.ids, self.rows, self.counts, self.stats, self.clock, self.now, self.marker = (
            ids, rows, counts, stats, clock, now, marker)
        self.pos = {tid: i for i, tid in enumerate(ids)}


def read_listing(browser: TicketBrowser, f: TicketFilter, actor: Actor, now: datetime, sort: str, descending: bool,
                 keep: int | None) -> Listing:
    """A reload's whole read (in a worker): the ids, the first page and the page of the ticket to
    keep selected, the counts, the figures, the clock and the marker."""
    marker = browser.marker()
    ids = browser.ids(f, actor, now, sort, descending)
    wanted = ids[:PAGE]
    if keep is not None and keep in ids:
        start = ids.index(keep) // PAGE * PAGE
        wanted = wanted + [i for i in ids[start:start + PAGE] if i not in set(wanted)]
    return Listing(ids, browser.rows(wanted, now), browser.counts(now), browser.stats(), browser.clock(), now, marker)


class TicketTableModel(QAbstractTableModel):
    """The ticket list over SQL. `listed` fires after a reload was shown (its Listing)."""

    listed = Signal(object)
    failed = Signal(str)

    def __init__(self, browser: TicketBrowser, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self.now = clock
        self.ids: list[int] = []
        self._pos: dict[int, int] = {}
        self._rows: OrderedDict[int, TicketRow] = OrderedDict()
        self._texts: dict[int, tuple[str, ...]] = {}
        self._asked: set[int] = set()  # pages being read
        self._gen = 0
        self.sla_clock: Clock = Clock(None)
        self.sort_key, self.descending = "due", False
        self.reading = False
        self._titles = [t(c) for c in COLUMNS]
        self._colours = {Urgency.RED: QColor(palette.TICKET_RED), Urgency.AMBER: QColor(palette.TICKET_AMBER)}
        self._plain = QColor(palette.PLAIN_TEXT)
        self._paused = QColor(palette.PAUSED_TEXT)
        self.data_calls = 0  # how many times a view asked (tests: the work per reload is bounded)
        self.moment: datetime | None = None  # the clock as last ticked (None: read it when asked)
        self._live: dict[int, tuple[datetime, tuple[str, QColor, QColor, int]]] = {}

    # ---- reading --------------------------------------------------------------------------------
    def show_listing(self, listing: Listing) -> None:
        """Show what a reload read: one reset, the cache refilled with its rows."""
        self.beginResetModel()
        try:
            self._gen += 1
            self.ids, self._pos = listing.ids, listing.pos
            self._rows.clear()
            self._texts.clear()
            self._live.clear()
            self._asked.clear()
            self.sla_clock = listing.clock
            self.moment = listing.now
            for r in listing.rows:
                self._rows[r.id] = r
        finally:
            self.endResetModel()
        self.listed.emit(listing)

    def position(self, ticket_id: int) -> int | None:
        return self._pos.get(ticket_id)

    def row_at(self, row: int) -> TicketRow | None:
        if not 0 <= row < len(self.ids):
            return None
        return self._rows.get(self.ids[row])

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def loaded_rows(self) -> list[TicketRow]:
        """The rows read so far, in the list's order (tests, small lists)."""
        return [r for i in self.ids if (r := self._rows.get(i)) is not None]

    def _want(self, row: int) -> None:
        """Read the page of this row in a worker (once); its rows are updated when it arrives."""
        page = row // PAGE
        if page in self._asked:
            return
        self._asked.add(page)
        gen, ids, browser, now = self._gen, self.ids[page * PAGE:(page + 1) * PAGE], self.browser, self.now()
        run_in_pool(lambda: browser.rows(ids, now), lambda rows: self._page_arrived(gen, page, rows),
                    lambda _m: self._asked.discard(page), owner=self)

    def _page_arrived(self, gen: int, page: int, rows: list[TicketRow]) -> None:
        self._asked.discard(page)
        if gen != self._gen:
            return  # a reload replaced the list meanwhile
        for r in rows:
            self._keep(r)
        first, last = page * PAGE, min(len(self.ids), (page + 1) * PAGE) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _keep(self, r: TicketRow) -> None:
        self._rows[r.id] = r
        self._rows.move_to_end(r.id)
        self._texts.pop(r.id, None)
        self._live.pop(r.id, None)
        while len(self._rows) > MAX_ROWS:
            old, _ = self._rows.popitem(last=False)
            self._texts.pop(old, None)

    def update_ticket(self, ticket_id: int, row: TicketRow | None) -> bool:
        """After a write: the ticket's row updated in place, or removed when it left the list
        (row None). False when the ticket is new to this list (a reload must place it)."""
        pos = self._pos.get(ticket_id)
        if pos is None:
            return row is None
        if row is None:
            self.beginRemoveRows(QModelIndex(), pos, pos)
            del self.ids[pos]
            self._pos = {tid: i for i, tid in enumerate(self.ids)}
            self._rows.pop(ticket_id, None)
            self._texts.pop(ticket_id, None)
            self._asked.clear()  # pages shifted: a page asked for before lands by id anyway
            self.endRemoveRows()
            return True
        self._keep(row)
        self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(COLUMNS) - 1))
        return True

    # ---- the clock ------------------------------------------------------------------------------
    def left(self, r: TicketRow, now: datetime) -> int:
        """Open time left at `now` (negative: overdue by that much wall-clock time)."""
        if r.due_at is None:
            return r.left_seconds
        if now >= r.due_at:
            return -int((now - r.due_at).total_seconds())
        return self.sla_clock.between(now, r.due_at)

    def countdown_text(self, r: TicketRow, now: datetime) -> str:
        if State(r.state) not in LIVE:
            return ""
        if r.due_at is None:
            return t("paused, %s left") % countdown(r.left_seconds)
        return countdown(self.left(r, now))

    def level(self, r: TicketRow, now: datetime) -> Urgency:
        if State(r.state) not in LIVE or r.due_at is None:
            return Urgency.NONE
        return urgency(State(r.state), r.due_at, self.left(r, now), r.sla_seconds, now)

    def colour(self, r: TicketRow, now: datetime, column: int) -> QColor:
        """Red overdue, amber nearly due, the paused countdown grey; the rest plain."""
        if column == DUE_COLUMN and State(r.state) in LIVE and r.due_at is None:
            return self._paused
        return self._colours.get(self.level(r, now), self._plain)

    # ---- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY and 0 <= section < len(COLUMNS):
            return self._titles[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def texts(self, r: TicketRow) -> tuple[str, ...]:
        """The row's cell texts that do not move with the clock (worked out once per row read)."""
        found = self._texts.get(r.id)
        if found is None:
            order = (t("%s orders (%s)") % (r.orders, band_label(r.band)) if r.orders else r.order_no)
            found = (str(r.id), order, Kind(r.kind).label(), Priority(r.priority).label(), State(r.state).label(),
                     who_label(r.assignee_user, r.assignee_role), "", local_text(r.opened_at))
            self._texts[r.id] = found
        return found

    def live(self, r: TicketRow) -> tuple[str, QColor, QColor, int]:
        """What moves with the clock for a row at the current moment (`moment`): the countdown's
        text, the row's colour, the countdown's colour and the urgency; worked out once per row
        and moment, so a repaint asks the clock once per visible row, not once per cell and role."""
        now = self.moment or self.now()
        found = self._live.get(r.id)
        if found is not None and found[0] == now:
            return found[1]
        level = self.level(r, now)
        colour = self._colours.get(level, self._plain)
        due = self._paused if State(r.state) in LIVE and r.due_at is None else colour
        value = (self.countdown_text(r, now), colour, due, int(level))
        self._live[r.id] = (now, value)
        return value

    def tick(self, now: datetime) -> None:
        """The clock moved: what moves with it is worked out again when next painted."""
        self.moment = now
        self._live.clear()

    def _value(self, r: TicketRow | None, row: int, column: int, role: int) -> object:
        if role == TicketIdRole:
            return self.ids[row]
        if r is None:
            if role == DISPLAY:
                self._want(row)
                return ""
            return None
        if role == DISPLAY:
            return self.live(r)[0] if column == DUE_COLUMN else self.texts(r)[column]
        if role == FOREGROUND:
            return self.live(r)[2 if column == DUE_COLUMN else 1]
        if role == UrgencyRole:
            return self.live(r)[3]
        if role == TicketRowRole:
            return r
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < len(self.ids) or not 0 <= column < len(COLUMNS):
            return None
        self.data_calls += 1
        return self._value(self._rows.get(self.ids[row]), row, column, role)

    def multiData(self, index: QModelIndex | QPersistentModelIndex,
                  span: QModelRoleDataSpan | QModelRoleData) -> None:
        """All the roles a view asks for one cell in a single call (Qt 6); see data()."""
        row, column = index.row(), index.column()
        ok = index.isValid() and 0 <= row < len(self.ids) and 0 <= column < len(COLUMNS)
        r = self._rows.get(self.ids[row]) if ok else None
        if ok:
            self.data_calls += 1
        roles = [span] if isinstance(span, QModelRoleData) else cast("Iterable[QModelRoleData]", span)
        for rd in roles:
            value = self._value(r, row, column, rd.role()) if ok else None
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the list is sorted again in SQL (the panel reloads on `sorted`)."""
        if not 0 <= column < len(SORTS):
            return
        key, descending = SORTS[column], order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.sortChanged.emit()

    sortChanged = Signal()
