"""The reconciliation board (issue 27 item 4): a period's statement lines and orders side by side.

- Top: the period (this month by default, or from/to), the source, the orders' state, the lines'
  state and a search; below them, per source, the orders of each state (red, amber, green,
  excluded, confirmed) with their count and money, and the lines still unmatched.
- Left: the statement lines (ui/recon_model.LineModel); a click shows the orders it was matched to.
- Right: the orders with their reconciliation (OrderModel); a click shows its statement lines and
  its trust chain (described by domain/trail.py, as the detail panel does), its lines' own events
  included.
- Buttons: Match by hand… (the selected line to the selected order), Unmatch, Exclude… (the line
  or the order clicked last), Confirm order…, Run matching (the period), Export… . Every one of
  them asks a reason first where the trail keeps one, and writes through services/reconcile.py in
  a worker (workers.run_write); the board reads itself again afterwards.

Everything read from the store is read in workers (the ids, the pages, the figures, a line's
orders, an order's lines and trail): the UI thread only shows what arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain import trail
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor, parse_minor
from shop_orders.domain.reconcile import LINE_STATES, rule_label
from shop_orders.domain.statements import KIND_LABELS, PROVIDERS, provider_label
from shop_orders.services.context import AppContext
from shop_orders.services.recon_browse import (
    NO_SOURCE,
    ORDER_STATES,
    Figures,
    LineFilter,
    LineRow,
    Match,
    OrderFilter,
    OrderRecRow,
    Period,
    ReconBrowser,
    line_state_label,
    order_state_label,
)
from shop_orders.ui import palette
from shop_orders.ui.day_range import day_edits, pydate, qdate
from shop_orders.ui.dialogs import _Form, error_label
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.order_model import local_text
from shop_orders.ui.recon_model import (
    LineModel,
    Listing,
    OrderModel,
    money_text,
    read_ids,
    read_lines,
    read_orders,
    source_name,
)
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import (
    ProgressTask,
    progress_dialog,
    registry_for,
    run_in_pool,
    run_job,
    run_write,
)

PERIODS = ("this_month", "last_month", "days")


def _month_before(day: date) -> date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _view(parent: QWidget, name: str, model: Any) -> QTableView:
    v = QTableView(parent)
    v.setObjectName(name)
    v.setModel(model)
    v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    v.setSortingEnabled(True)
    v.verticalHeader().setVisible(False)
    v.verticalHeader().setDefaultSectionSize(v.fontMetrics().height() + 6)
    v.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    v.horizontalHeader().setStretchLastSection(True)
    v.setAlternatingRowColors(True)
    char = max(v.fontMetrics().averageCharWidth(), v.fontMetrics().horizontalAdvance("0"))
    for column, width in enumerate(model.WIDTHS):
        v.setColumnWidth(column, width * char + 12)
    return v


def figures_html(provider: str, figures: Figures) -> str:
    """One source's figures as the strip shows them: its name, then per state of its orders the
    count and money (the difference for red and amber), and its unmatched lines."""
    orders, lines = figures.of(provider)
    parts = [f"<b>{source_name(provider)}</b>"]
    for state in ORDER_STATES:
        for f in (x for x in orders if x.state == state):
            colour = palette.RECON_STATE_COLOURS[state]
            money = f.difference_minor if state in ("red", "amber") else f.expected_minor
            parts.append(f'<span style="color:{colour}">● {f.count:,} {order_state_label(state)} '
                         f"{money_text(money, f.currency)}</span>")
    for g in (x for x in lines if x.state == "open"):
        parts.append(f'<span style="color:{palette.RECON_LINE_COLOURS["open"]}">'
                     + t("unmatched lines: %s, %s") % (f"{g.count:,}", money_text(g.amount_minor, g.currency))
                     + "</span>")
    if len(parts) == 1:
        parts.append(t("nothing to reconcile"))
    return "&nbsp;&nbsp;".join(parts)


class ReasonDialog(_Form):
    """Asks why before a manual action (the trail keeps it): Ok needs a reason. Tests replace `ask`."""

    def __init__(self, parent: QWidget, title: str, what: str) -> None:
        super().__init__(parent, title)
        self.setObjectName("reconReasonDialog")
        said = QLabel(what, self)
        said.setWordWrap(True)
        self.form.addRow(said)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reconReason")
        self.form.addRow(t("Reason"), self.reason)

    def validate(self) -> str | None:
        return None if self.reason.text().strip() else t("Say why: the trail keeps the reason.")

    def chosen(self) -> str:
        return self.reason.text().strip()


class AmountDialog(_Form):
    """The owner's amount above which a match by hand waits for a second person (in minor units of
    the line's currency; typed with two decimals, as the usual currencies write it)."""

    def __init__(self, parent: QWidget, current_minor: int) -> None:
        super().__init__(parent, t("Second person above"))
        self.setObjectName("twoPersonAmountDialog")
        said = QLabel(t("A match by hand of more than this amount waits until a second person approves it."), self)
        said.setWordWrap(True)
        self.form.addRow(said)
        self.amount = QLineEdit(format_minor(current_minor, ""), self)
        self.amount.setObjectName("twoPersonAmount")
        self.form.addRow(t("Amount"), self.amount)

    def validate(self) -> str | None:
        try:
            self.chosen()
        except ValidationError as exc:
            return str(exc)
        return None

    def chosen(self) -> int:
        minor = parse_minor(self.amount.text(), "")
        if minor < 0:
            raise ValidationError(t("The amount for a second person is 0 or more."))
        return minor


class ReconciliationBoard(QMainWindow):
    """The window (objectName reconciliationBoard). `changed` fires after a write here (the main
    window reads its grid again); `listed` after a reload was shown."""

    changed = Signal()
    painted = Signal()  # a reload's first rows are shown (the first paint)
    listed = Signal()  # ... and its figures and whole id lists too
    detailShown = Signal()

    def __init__(self, ctx: AppContext, lang: str = "en", parent: QWidget | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 rights: Callable[[], Collection[str] | None] = lambda: None) -> None:
        """rights: what the signed-in person may do (the main window's session; None: not read yet,
        or a store without users). Reading is open to everyone; the buttons that write need
        services/reconcile.ACTION."""
        super().__init__(parent)
        self.ctx, self.lang, self.clock, self.rights = ctx, lang, clock, rights
        self.setObjectName("reconciliationBoard")
        self.setWindowTitle(t("Reconciliation"))
        self.browser = ReconBrowser(ctx.db)
        self.tz = self.browser.timezone()  # one setting's row: the period's days are the shop's
        self.lines = LineModel(self.browser, self)
        self.orders = OrderModel(self.browser, self)
        self.figures = Figures()
        self._pending = 0
        self._first: dict[str, Listing] = {}  # a reload's first pages, by list, until both are in
        self._reading: tuple[LineFilter, OrderFilter, tuple[str, bool], tuple[str, bool]] = (
            LineFilter(), OrderFilter(), ("time", True), ("state", False))
        self.loading = False
        self.writing: Any = None
        self.active = "line"  # the list clicked last: what Exclude… acts on
        self._gen = self._line_gen = self._order_gen = 0
        month = Period.month_of(self.clock().astimezone(self.tz).date(), self.tz)
        self._read(LineFilter(month), OrderFilter(month))  # the filters' first answer, read while the window is built
        self._build()
        self._connect()
        self._buttons()

    # ---- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        self.setCentralWidget(central)
        box = QVBoxLayout(central)
        box.addLayout(self._filter_row())
        self.strip = QFrame(self)
        self.strip.setObjectName("figuresStrip")
        self.strip.setFrameShape(QFrame.Shape.StyledPanel)
        self.strip_box = QVBoxLayout(self.strip)
        self.strip_box.setContentsMargins(6, 4, 6, 4)
        self.strip_box.setSpacing(2)
        self.source_labels: dict[str, QLabel] = {}
        box.addWidget(self.strip)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("boardSplitter")
        split.addWidget(self._left(split))
        split.addWidget(self._right(split))
        split.setSizes([560, 640])
        box.addWidget(split, 1)
        box.addLayout(self._button_row())
        self.message = error_label(self, "boardMessage")
        box.addWidget(self.message)

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.period = QComboBox(self)
        self.period.setObjectName("periodChoice")
        for code, label in zip(PERIODS, (t("This month"), t("Last month"), t("From … to …")), strict=True):
            self.period.addItem(label, code)
        today = self.clock().astimezone(self.tz).date()
        self.date_from, self.date_to = day_edits(self, ("periodFrom", "periodTo"), today.replace(day=1), today)
        self.source = QComboBox(self)
        self.source.setObjectName("sourceFilter")
        self.source.addItem(t("All sources"), "")
        for code in PROVIDERS:
            self.source.addItem(provider_label(code), code)
        self.state = QComboBox(self)
        self.state.setObjectName("stateFilter")
        self.state.addItem(t("All orders"), "")
        for code in ORDER_STATES:
            self.state.addItem(order_state_label(code), code)
        self.line_state = QComboBox(self)
        self.line_state.setObjectName("lineStateFilter")
        self.line_state.addItem(t("All lines"), "")
        for code in LINE_STATES:
            self.line_state.addItem(line_state_label(code), code)
        self.kind = QComboBox(self)
        self.kind.setObjectName("kindFilter")
        self.kind.addItem(t("Every kind"), "")
        for code, label in KIND_LABELS.items():
            self.kind.addItem(t(label), str(code))
        for combo in (self.period, self.source, self.state, self.line_state, self.kind):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)  # the window fits a 1366-pixel screen whatever the language
        self.search = QLineEdit(self)
        self.search.setObjectName("boardSearch")
        self.search.setPlaceholderText(t("Number, memo or name…"))
        self.search.setClearButtonEnabled(True)
        row.addWidget(QLabel(t("Period"), self))
        for w in (self.period, self.date_from, QLabel("–", self), self.date_to, self.source, self.state,
                  self.line_state, self.kind):
            row.addWidget(w)
        row.addWidget(self.search, 1)
        return row

    def _left(self, parent: QWidget) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical, parent)
        area = QWidget(split)
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        self.lines_title = QLabel(t("Statement lines"), area)
        box.addWidget(self.lines_title)
        self.line_view = _view(area, "statementLines", self.lines)
        box.addWidget(self.line_view, 1)
        split.addWidget(area)
        self.line_orders = text_table(split, [t("Order"), t("Amount"), t("Rule"), t("Matched by"), t("State")], "lineOrders")
        split.addWidget(self.line_orders)
        split.setSizes([420, 140])
        return split

    def _right(self, parent: QWidget) -> QWidget:
        split = QSplitter(Qt.Orientation.Vertical, parent)
        area = QWidget(split)
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        self.orders_title = QLabel(t("Orders"), area)
        box.addWidget(self.orders_title)
        self.order_view = _view(area, "reconOrders", self.orders)
        box.addWidget(self.order_view, 1)
        split.addWidget(area)
        self.order_tabs = QTabWidget(split)
        self.order_tabs.setObjectName("orderEvidence")
        self.order_lines = text_table(self.order_tabs, [t("Time"), t("Source"), t("Kind"), t("Amount"), t("Number"),
                                                        t("Rule"), t("Matched by")], "orderLines")
        self.order_trail = text_table(self.order_tabs, [t("Time"), t("Who"), t("Source"), t("Change"), t("Reason")],
                                      "orderTrail")
        self.order_tabs.addTab(self.order_lines, t("Statement lines"))
        self.order_tabs.addTab(self.order_trail, t("Trust chain"))
        split.addWidget(self.order_tabs)
        split.setSizes([420, 160])
        return split

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()

        self._tips: dict[QPushButton, str] = {}

        def button(text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setToolTip(tip)
            self._tips[b] = tip
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

        self.match_button = button(t("Match by hand…"), "matchButton", self.match_by_hand,
                                   t("Tie the selected statement line to the selected order"))
        self.unmatch_button = button(t("Unmatch"), "unmatchButton", self.unmatch,
                                     t("Undo the selected line's match"))
        self.exclude_button = button(t("Exclude…"), "excludeButton", self.exclude,
                                     t("Leave the line or order clicked last out of the reconciliation"))
        self.confirm_button = button(t("Confirm order…"), "confirmButton", self.confirm_order,
                                     t("Accept the selected order's money as it is"))
        row.addStretch(1)
        self.run_button = button(t("Run matching"), "runButton", self.run_matching,
                                 t("Match the period's open lines by the rules"))
        self.export_button = button(t("Export…"), "reconExportButton", self.export,
                                    t("The period's reconciliation to Excel"))
        self.refresh_button = button(t("Refresh"), "reconRefreshButton", self.reload, t("Read the board again"))
        self.amount_button = button(t("Second person above…"), "twoPersonButton", self.two_person_amount,
                                    t("The owner's amount above which a match by hand needs a second person"))
        return row

    def _connect(self) -> None:
        self.period.currentIndexChanged.connect(self._period_chosen)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._dates_edited)
        for combo in (self.source, self.state, self.line_state, self.kind):
            combo.currentIndexChanged.connect(self.reload)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(300)
        self._typing.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _s: self._typing.start())
        self.search.returnPressed.connect(self.reload)
        self.lines.sortChanged.connect(self.reload)
        self.orders.sortChanged.connect(self.reload)
        self.line_view.selectionModel().currentRowChanged.connect(lambda cur, _p: self._line_chosen(cur))
        self.order_view.selectionModel().currentRowChanged.connect(lambda cur, _p: self._order_chosen(cur))
        self.line_view.clicked.connect(lambda _i: self._activate("line"))
        self.order_view.clicked.connect(lambda _i: self._activate("order"))
        self.line_view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.order_view.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)

    # ---- the filter ---------------------------------------------------------------------------------
    def _period_chosen(self) -> None:
        code = self.period.currentData()
        today = self.clock().astimezone(self.tz).date()
        if code in ("this_month", "last_month"):
            first = today.replace(day=1) if code == "this_month" else _month_before(today)
            last = ((first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
            for edit, day in ((self.date_from, first), (self.date_to, last)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
        self.reload()

    def _dates_edited(self) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(PERIODS.index("days"))
        self.period.blockSignals(False)
        self.reload()

    def current_period(self) -> Period:
        code = self.period.currentData()
        if code == "this_month":
            return Period.month_of(self.clock().astimezone(self.tz).date(), self.tz)
        if code == "last_month":
            return Period.month_of(_month_before(self.clock().astimezone(self.tz).date()), self.tz)
        first, last = pydate(self.date_from.date()), pydate(self.date_to.date())
        return Period.days(min(first, last), max(first, last), self.tz)

    def line_filter(self) -> LineFilter:
        return LineFilter(self.current_period(), str(self.source.currentData() or ""),
                          str(self.line_state.currentData() or ""), str(self.kind.currentData() or ""),
                          self.search.text())

    def order_filter(self) -> OrderFilter:
        return OrderFilter(self.current_period(), str(self.source.currentData() or ""),
                           str(self.state.currentData() or ""), self.search.text())

    # ---- reading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read both lists again in workers (the newest request wins): first their counts and
        first pages (painted as soon as they arrive), then the figures and the whole id lists."""
        self._typing.stop()
        self._read(self.line_filter(), self.order_filter())

    def _read(self, lf: LineFilter, of: OrderFilter) -> None:
        self._gen += 1
        self.loading = True
        gen, browser = self._gen, self.browser
        line_sort = (self.lines.sort_key, self.lines.descending)
        order_sort = (self.orders.sort_key, self.orders.descending)
        self._reading = (lf, of, line_sort, order_sort)
        self._first = {}
        reads: list[tuple[str, Callable[[], Listing]]] = [
            ("lines", lambda: read_lines(browser, lf, line_sort)), ("orders", lambda: read_orders(browser, of, order_sort))]
        for side, read in reads:  # side by side: each list's reads in its own worker
            self._read_first(gen, side, read)

    def _read_first(self, gen: int, side: str, read: Callable[[], Listing]) -> None:
        run_in_pool(read, lambda listing: self._arrived(gen, side, listing), lambda m: self._failed(gen, m), owner=self)

    def _arrived(self, gen: int, side: str, listing: Listing) -> None:
        """One list's count and first page: shown once both have arrived (one paint)."""
        if gen != self._gen:
            return
        self._first[side] = listing
        if len(self._first) < 2:
            return
        browser, (lf, of, line_sort, order_sort) = self.browser, self._reading
        lines, orders = self._first["lines"], self._first["orders"]
        keep_line, keep_order = self.current_line_id(), self.current_order_id()
        self.lines.show(lines.total, lines.rows, lambda o, n: browser.line_window(lf, o, n, *line_sort))
        self.orders.show(orders.total, orders.rows, lambda o, n: browser.order_window(of, o, n, *order_sort))
        self.lines_title.setText(t("Statement lines (%s)") % f"{lines.total:,}")
        self.orders_title.setText(t("Orders (%s)") % f"{orders.total:,}")
        self._reselect(self.line_view, self.lines.position(keep_line) if keep_line is not None else None)
        self._reselect(self.order_view, self.orders.position(keep_order) if keep_order is not None else None)
        self._buttons()
        self.painted.emit()
        self._pending = 2
        run_in_pool(lambda: browser.figures(lf.period), lambda f: self._figures_arrived(gen, f),
                    lambda m: self._failed(gen, m), owner=self)
        run_in_pool(lambda: read_ids(browser, lf, of, line_sort, order_sort), lambda ids: self._ids_arrived(gen, ids),
                    lambda m: self._failed(gen, m), owner=self)

    def _figures_arrived(self, gen: int, figures: Figures) -> None:
        if gen != self._gen:
            return
        self.figures = figures
        self._show_figures(figures)
        self._settled(gen)

    def _ids_arrived(self, gen: int, ids: tuple[list[int], list[int]]) -> None:
        if gen != self._gen:
            return
        keep_line, keep_order = self.current_line_id(), self.current_order_id()
        self.lines.set_ids(ids[0])
        self.orders.set_ids(ids[1])
        for view, model, keep in ((self.line_view, self.lines, keep_line), (self.order_view, self.orders, keep_order)):
            if keep is not None and model.id_at(view.currentIndex().row()) != keep:
                self._reselect(view, model.position(keep))
        self._settled(gen)

    def _settled(self, gen: int) -> None:
        self._pending -= 1
        if self._pending == 0 and gen == self._gen:
            self.loading = False
            self._buttons()
            self.listed.emit()

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._gen:
            self.loading = False
            self.say(message, bad=True)

    def _reselect(self, view: QTableView, row: int | None) -> None:
        if row is None:
            self._clear_detail(view)
            return
        index = view.model().index(row, 0)
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _clear_detail(self, view: QTableView) -> None:
        if view is self.line_view:
            fill(self.line_orders, [])
        else:
            fill(self.order_lines, [])
            fill(self.order_trail, [])

    def _show_figures(self, figures: Figures) -> None:
        wanted = figures.providers() or []
        for code in list(self.source_labels):
            if code not in wanted:
                self.source_labels.pop(code).deleteLater()
        for code in wanted:
            label = self.source_labels.get(code)
            if label is None:
                label = self.source_labels[code] = QLabel(self.strip)
                label.setObjectName(f"figures_{code or 'none'}")
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setWordWrap(True)  # a long line of figures wraps instead of widening the window
                self.strip_box.addWidget(label)
            label.setText(figures_html(code, figures))
        if not wanted:
            label = self.source_labels[NO_SOURCE] = QLabel(t("No statement lines or reconciled orders in this period."),
                                                          self.strip)
            label.setObjectName("figures_none")
            self.strip_box.addWidget(label)

    def workers_running(self) -> bool:
        """Whether a read or write started here (or by its window) is still running (tests wait on it)."""
        return bool(registry_for(self).running())

    def current_line(self) -> LineRow | None:
        return self.lines.row_at(self.line_view.currentIndex().row())

    def current_line_id(self) -> int | None:
        return self.lines.id_at(self.line_view.currentIndex().row())

    def current_order(self) -> OrderRecRow | None:
        return self.orders.row_at(self.order_view.currentIndex().row())

    def current_order_id(self) -> int | None:
        return self.orders.id_at(self.order_view.currentIndex().row())

    def _activate(self, side: str) -> None:
        self.active = side
        self._buttons()

    def _line_chosen(self, index: QModelIndex) -> None:
        line_id = self.lines.id_at(index.row())
        self._line_gen += 1
        self._buttons()
        if line_id is None:
            fill(self.line_orders, [])
            return
        gen, browser = self._line_gen, self.browser
        run_in_pool(lambda: browser.line_orders(line_id), lambda found: self._show_line_orders(gen, found),
                    lambda m: self.say(m, bad=True), owner=self)

    def _show_line_orders(self, gen: int, found: list[Match]) -> None:
        if gen != self._line_gen:
            return
        fill(self.line_orders, [[m.order_no, money_text(m.amount_minor, m.currency), rule_label(m.rule),
                                 m.matched_by or trail.actor_name("system"), order_state_label(m.order_state)]
                                for m in found])
        self.detailShown.emit()

    def _order_chosen(self, index: QModelIndex) -> None:
        order_id = self.orders.id_at(index.row())
        self._order_gen += 1
        self._buttons()
        if order_id is None:
            self._clear_detail(self.order_view)
            return
        gen, browser = self._order_gen, self.browser
        run_in_pool(lambda: (browser.order_lines(order_id), browser.order_trail(order_id)),
                    lambda found: self._show_order_detail(gen, *found), lambda m: self.say(m, bad=True), owner=self)

    def _show_order_detail(self, gen: int, lines: list[tuple[LineRow, Match]], events: list[Any]) -> None:
        if gen != self._order_gen:
            return
        fill(self.order_lines, [[local_text(line.occurred_at), provider_label(line.provider),
                                 t(KIND_LABELS[line.kind]) if line.kind in KIND_LABELS else line.kind,
                                 money_text(tie.amount_minor, tie.currency), line.key, rule_label(tie.rule),
                                 tie.matched_by or trail.actor_name("system")] for line, tie in lines])
        describe = trail.Describer(self.lang)
        rows = [describe.row(e) for e in events]
        fill(self.order_trail, [[local_text(r.at), r.who, r.source, r.change(self.lang), r.reason] for r in rows])
        self.detailShown.emit()

    # ---- the buttons --------------------------------------------------------------------------------
    def refresh_buttons(self) -> None:
        """The signed-in person's rights were read again (the main window says so)."""
        self._buttons()

    def may_write(self) -> bool:
        from shop_orders.services.reconcile import ACTION

        rights = self.rights()
        return rights is None or ACTION in rights

    def _buttons(self) -> None:
        allowed = self.may_write()
        idle = self.writing is None and allowed
        for b in (self.match_button, self.unmatch_button, self.exclude_button, self.confirm_button, self.run_button):
            b.setToolTip(self._tips[b] if allowed else t("Your role may not reconcile; the owner sets it in the "
                                                          "permissions."))
        rights = self.rights()
        self.amount_button.setVisible(rights is None or "settings.permissions" in rights)
        line, order = self.current_line(), self.current_order()
        self.match_button.setEnabled(idle and line is not None and line.state == "open" and order is not None)
        self.unmatch_button.setEnabled(idle and line is not None and line.state in ("matched", "excluded"))
        target_ok = (line is not None and line.state != "excluded") if self.active == "line" else (
            order is not None and order.state != "excluded")
        self.exclude_button.setEnabled(idle and target_ok)
        self.confirm_button.setEnabled(idle and order is not None and order.state != "confirmed")
        self.run_button.setEnabled(idle)

    def say(self, message: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {palette.ERROR_TEXT if bad else palette.OK_TEXT};")
        self.message.setText(message)

    def _write(self, work: Callable[[], Any], done_text: Callable[[Any], str]) -> None:
        """One write through services/reconcile.py in a worker; the board is read again after it."""
        def done(result: Any) -> None:
            self.writing = None
            self.say(done_text(result))
            self.changed.emit()
            self.reload()

        def failed(message: str) -> None:
            self.writing = None
            self.say(message, bad=True)
            self._buttons()

        self.writing = run_write(self, work, done, failed,
                                 hold=[self.match_button, self.unmatch_button, self.exclude_button,
                                       self.confirm_button, self.run_button])

    def match_by_hand(self) -> None:
        line, order = self.current_line(), self.current_order()
        if line is None or order is None:
            return
        reason = ReasonDialog.ask(self, t("Match by hand"), t("Match statement line %s (%s) to order %s (%s).")
                                  % (line.external_id, money_text(line.amount_minor, line.currency), order.order_no,
                                     money_text(order.expected_minor, order.currency)))
        if reason is None:
            return
        from shop_orders.services import reconcile

        ctx, line_id, order_id = self.ctx, line.id, order.order_id
        self._write(lambda: ctx.run(lambda uow, c: reconcile.match_by_hand(uow, c, line_id, order_id, reason),
                                    "manual", reason), self._match_said)

    @staticmethod
    def _match_said(result: Any) -> str:
        if getattr(result, "state", "") == "proposed":
            return t("Over the two-person amount: proposed as change set #%s, waiting for a second person.") % (
                str(result.change_set_id))
        return t("Matched by hand.")

    def _line_action(self, title: str, question: str, change: Callable[..., object], done: str) -> None:
        """Ask why (one line, ReasonDialog), then run change(uow, ctx, line_id, reason) on the chosen
        statement line in a worker; `done` is said when it is written."""
        line = self.current_line()
        if line is None:
            return
        reason = ReasonDialog.ask(self, title, question % (line.external_id,
                                                           money_text(line.amount_minor, line.currency)))
        if reason is None:
            return
        ctx, line_id = self.ctx, line.id
        self._write(lambda: ctx.run(lambda uow, c: change(uow, c, line_id, reason), "manual", reason),
                    lambda _r: done)

    def unmatch(self) -> None:
        from shop_orders.services import reconcile

        self._line_action(t("Unmatch"), t("Undo the match of statement line %s (%s)."), reconcile.unmatch,
                          t("The line is unmatched."))

    def exclude(self) -> None:
        """Exclude… : the order when the orders' list was clicked last, else the line."""
        if self.active == "order":
            self._exclude_order()
            return
        from shop_orders.services import reconcile

        self._line_action(t("Exclude"), t("Leave statement line %s (%s) out of the reconciliation."),
                          reconcile.exclude_line, t("The line is excluded."))

    def _exclude_order(self) -> None:
        order = self.current_order()
        if order is None:
            return
        reason = ReasonDialog.ask(self, t("Exclude"), t("Leave order %s out of the reconciliation.") % order.order_no)
        if reason is None:
            return
        from shop_orders.services import reconcile

        ctx, order_id = self.ctx, order.order_id
        self._write(lambda: ctx.run(lambda uow, c: reconcile.exclude_order(uow, c, order_id, reason), "manual",
                                    reason), lambda _r: t("The order is excluded."))

    def confirm_order(self) -> None:
        order = self.current_order()
        if order is None:
            return
        reason = ReasonDialog.ask(self, t("Confirm order"), t("Accept the money of order %s as it is: expected %s, "
                                                              "received %s.")
                                  % (order.order_no, money_text(order.expected_minor, order.currency),
                                     money_text(order.received_minor, order.currency)))
        if reason is None:
            return
        from shop_orders.services import reconcile

        ctx, order_id = self.ctx, order.order_id
        self._write(lambda: ctx.run(lambda uow, c: reconcile.confirm_order(uow, c, order_id, reason), "manual",
                                    reason), lambda _r: t("The order is confirmed."))

    def run_matching(self) -> None:
        from shop_orders.services import reconcile

        ctx, period = self.ctx, self.current_period()
        self._write(lambda: ctx.run(lambda uow, c: reconcile.run(uow, c, period.start, period.end), "manual"),
                    self._run_said)

    @staticmethod
    def _run_said(summary: Any) -> str:
        matched = getattr(summary, "matched_total", 0)
        return t("Matching done: %s lines matched, %s excluded as not sales, %s still unmatched.") % (
            f"{matched:,}", f"{getattr(summary, 'excluded', 0):,}", f"{getattr(summary, 'still_open', 0):,}")

    def two_person_amount(self) -> None:
        """The owner sets the amount above which a match by hand needs a second person (read in a
        worker, asked, written in a worker; in the trail like every setting)."""
        from shop_orders.services import reconcile

        ctx = self.ctx

        def ask(current: int) -> None:
            minor = AmountDialog.ask(self, current)
            if minor is None or minor == current:
                return
            self._write(lambda: ctx.run(lambda uow, c: reconcile.set_two_person_minor(uow, c, minor), "manual"),
                        lambda _r: t("A match by hand over %s now needs a second person.") % format_minor(minor, ""))

        run_in_pool(lambda: ctx.read(reconcile.two_person_minor), ask, lambda m: self.say(m, bad=True), owner=self)

    def export(self) -> None:
        from shop_orders.ui.store_actions import ExportOptionsDialog

        period = self.current_period()
        start = period.start.astimezone(self.tz).strftime("%Y%m%d") if period.start else "all"
        dest = FileDialog.ask_save(self, t("Export the reconciliation"), t("Excel workbook (*.xlsx)"),
                                   protected=self.ctx.db.own_files(), suggested_name=f"reconciliation-{start}.xlsx")
        if dest is None:
            return
        path = dest if dest.suffix.lower() == ".xlsx" else dest.with_name(dest.name + ".xlsx")
        lang = ExportOptionsDialog.ask(self, self.lang)
        if lang is None:
            return
        self.export_to(path, lang)

    def export_to(self, path: Path, lang: str) -> None:
        """Write the period's workbook in a worker, with progress and Cancel."""
        from shop_orders.services import recon_export

        db, period = self.ctx.db, self.current_period()
        dialog = progress_dialog(self, t("Exporting the reconciliation…"), "reconExportProgress")
        task = ProgressTask(lambda report, cancelled: recon_export.export(
            db, path, period, lang=lang, cancelled=cancelled, progress=lambda d, n: report("write", d, n)))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)

        def done(result: Any) -> None:
            dialog.reset()
            self.exported = result
            self.say(t("Exported %s orders and %s statement lines to %s") % (result.orders, result.lines, result.path))

        def failed(message: str) -> None:
            dialog.reset()
            self.say(message, bad=True)
            QMessageBox.warning(self, t("Export stopped"), message)

        self.export_task = run_job(self, task, progress, done, failed)
