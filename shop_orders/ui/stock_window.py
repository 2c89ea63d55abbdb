"""The stock window (issue 29 item 6; objectName stockWindow): every SKU of the catalogue as a
list over SQL (ui/stock_model.py), its filters, the chosen SKU's movements, and the stock actions.

- Top: a quick search (SKU, title or barcode starting with it), "short for paid orders", "below
  safety stock", a location (the catalogue's locations), and how many SKUs are shown.
- Middle: the SKUs (SKU, title, location, on hand, reserved, available, safety, incoming, how many
  orders wait for it), sorted by a header click in SQL; below them the chosen SKU's movements
  (when, in local time; who; source; kind; the change; on hand after; order; reason), newest first.
- Buttons: Adjust… (a change with a reason: over the shop's limit it is proposed and waits for a
  second person), Receive…, Mark ordered…, Add SKU…, Edit details…, Import stocktake… (a counted
  sheet, services/stock_sheet.py: tried first, what it changes shown, then applied with a reason),
  Export… (the catalogue as a sheet), Returns… (parcels back from the customer, put back on the
  shelf when confirmed), Purchase suggestions… (exported to Excel for the supplier).

Every read is in a worker; every write goes through `AppContext.run` in a worker (workers.run_write)
and the list is read again after it. A refusal (a permission, a quantity below none) is said in
one sentence under the buttons; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.messages import t
from shop_orders.domain.stock import MovementRow, StockFilter, StockRow
from shop_orders.domain.vocabulary import source_label
from shop_orders.services import stock, stock_browse, stock_moves
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.actions import action
from shop_orders.ui.dialogs import add_button, error_label
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.order_model import local_text
from shop_orders.ui.stock_dialogs import (
    AdjustDialog,
    DetailsDialog,
    QuantityDialog,
    ReturnsDialog,
    StocktakeDialog,
    SuggestionsDialog,
)
from shop_orders.ui.stock_model import WIDTHS, StockModel
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import registry_for, run_in_pool, run_write

MANAGE = stock_moves.MANAGE
SEARCH_DEBOUNCE_MS = 250
MOVEMENTS = 500  # the movements shown for one SKU, newest first


def sheets() -> Any:
    """services/stock_sheet.py, imported where it is used: in a worker (it brings openpyxl, a
    fifth of a second the UI thread does not wait for when the window opens)."""
    from shop_orders.services import stock_sheet

    return stock_sheet


def movement_texts(m: MovementRow, lang: str) -> list[str]:
    """One movement as the pane shows it: the change signed, the time local."""
    delta = f"{m.delta:+,}" if m.kind != "ordered" else t("incoming %s") % f"{m.delta:+,}"
    return [local_text(m.at), m.actor, source_label(m.source, lang), stock_moves.kind_label(m.kind, lang), delta,
            f"{m.on_hand_after:,}", m.order_no, m.reason]


class StockWindow(QMainWindow):
    """The window (objectName stockWindow). `changed` fires after a write here (the main window
    reads its grid again: short flags follow stock)."""

    changed = Signal()
    movementsShown = Signal()
    wrote = Signal(str)  # what a write said (done or refused), once it is said

    def __init__(self, ctx: AppContext, lang: str = "en", parent: QWidget | None = None,
                 rights: Callable[[], Collection[str] | None] = lambda: None) -> None:
        """rights: what the signed-in person may do (None: not read yet, or a store without users;
        the service then says no itself). Reading is open to everyone; the writes need stock.manage."""
        super().__init__(parent)
        self.ctx, self.lang, self.rights = ctx, lang, rights
        self.setObjectName("stockWindow")
        self.setWindowTitle(t("Stock"))
        self.model = StockModel(ctx, self)
        self.writing: Any = None
        self._moves_gen = 0
        self._moves_sku = ""
        self._keep_sku = ""
        self._build()
        self._connect()
        self.refresh_buttons()
        self.model.reload(self.current_filter())
        self._read_locations()

    # ---- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        self.setCentralWidget(central)
        box = QVBoxLayout(central)
        box.addLayout(self._filter_row())
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("stockSplitter")
        split.addWidget(self._list(split))
        split.addWidget(self._movements(split))
        split.setSizes([420, 220])
        box.addWidget(split, 1)
        box.addLayout(self._button_row())
        self.message = error_label(self, "stockMessage")
        box.addWidget(self.message)
        self.refresh_action = action(self, t("&Refresh"), self.reload, QKeySequence.StandardKey.Refresh)
        self.addAction(self.refresh_action)

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("stockSearch")
        self.search.setPlaceholderText(t("SKU, title or barcode…"))
        self.search.setClearButtonEnabled(True)
        self.short_check = QCheckBox(t("Short for paid orders"), self)
        self.short_check.setObjectName("stockShort")
        self.below_check = QCheckBox(t("Below safety stock"), self)
        self.below_check.setObjectName("stockBelowSafety")
        self.location = QComboBox(self)
        self.location.setObjectName("stockLocation")
        self.location.addItem(t("All locations"), "")
        self.location.setMinimumContentsLength(12)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("stockCount")
        row.addWidget(self.search, 2)
        row.addWidget(self.short_check)
        row.addWidget(self.below_check)
        row.addWidget(QLabel(t("Location"), self))
        row.addWidget(self.location, 1)
        row.addStretch()
        row.addWidget(self.count_label)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        return row

    def _list(self, parent: QWidget) -> QTableView:
        v = self.view = QTableView(parent)
        v.setObjectName("stockList")
        v.setModel(self.model)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setSortingEnabled(True)
        v.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        v.setAlternatingRowColors(True)
        v.setWordWrap(False)
        v.verticalHeader().setVisible(False)
        v.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.verticalHeader().setDefaultSectionSize(v.fontMetrics().height() + 6)
        h = v.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = max(v.fontMetrics().averageCharWidth(), v.fontMetrics().horizontalAdvance("0"))
        for column, width in enumerate(WIDTHS):
            v.setColumnWidth(column, width * char + 12)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the title takes the room left; numbers stay close
        return v

    def _movements(self, parent: QWidget) -> QWidget:
        pane = QWidget(parent)
        box = QVBoxLayout(pane)
        box.setContentsMargins(0, 0, 0, 0)
        self.moves_title = QLabel(t("Choose an SKU to see its movements."), pane)
        self.moves_title.setObjectName("movementsTitle")
        box.addWidget(self.moves_title)
        self.moves = text_table(pane, [t("When"), t("Who"), t("Source"), t("Kind"), t("Change"), t("On hand after"),
                                       t("Order"), t("Reason")], "stockMovements")
        self.moves.verticalHeader().setDefaultSectionSize(self.moves.fontMetrics().height() + 6)
        box.addWidget(self.moves, 1)
        return pane

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def button(text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
            return add_button(row, self, text, name, slot, tip)

        self.adjust_button = button(t("Adjust…"), "stockAdjust", self.adjust,
                                    t("Add or take away units, with a reason"))
        self.receive_button = button(t("Receive…"), "stockReceive", self.receive,
                                     t("Goods arrived from the supplier"))
        self.ordered_button = button(t("Mark ordered…"), "stockOrdered", self.mark_ordered,
                                     t("A purchase was placed: the units are incoming"))
        self.add_button = button(t("Add SKU…"), "stockAdd", self.add_sku, t("A new SKU in the catalogue"))
        self.edit_button = button(t("Edit details…"), "stockEdit", self.edit_details,
                                  t("Title, location, safety stock and barcodes"))
        row.addStretch()
        self.import_button = button(t("Import stocktake…"), "stockImport", self.import_stocktake,
                                    t("A counted sheet (Excel or CSV): checked first, applied all or nothing"))
        self.export_button = button(t("Export…"), "stockExport", self.export_catalogue,
                                    t("The catalogue as a sheet the stocktake import reads back"))
        self.returns_button = button(t("Returns…"), "stockReturns", self.returns,
                                     t("Parcels back from the customer, to put back on the shelf"))
        self.suggest_button = button(t("Purchase suggestions…"), "stockSuggestions", self.suggestions,
                                     t("What to buy: below safety stock or short for paid orders"))
        self._tips = {b: b.toolTip() for b in self.write_buttons()}
        return row

    def write_buttons(self) -> list[QPushButton]:
        return [self.adjust_button, self.receive_button, self.ordered_button, self.add_button, self.edit_button,
                self.import_button]

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._filter_now)
        self._debounce.timeout.connect(self.apply_filters)
        self.short_check.toggled.connect(lambda _on: self.apply_filters())
        self.below_check.toggled.connect(lambda _on: self.apply_filters())
        self.location.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.model.loaded.connect(self._loaded)
        self.model.loadFailed.connect(lambda message: self.say(message, bad=True))
        self.model.sortChanged.connect(self.reload)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._current_moved())

    # ---- state --------------------------------------------------------------------------------------
    def may_write(self) -> bool:
        rights = self.rights()
        return rights is None or MANAGE in rights

    def refresh_buttons(self) -> None:
        allowed = self.may_write()
        idle = self.writing is None and allowed
        chosen = self.current() is not None
        for b in self.write_buttons():
            b.setToolTip(self._tips[b] if allowed else t("Your role may not change stock; the owner sets it in the "
                                                          "permissions."))
        self.add_button.setEnabled(idle)
        self.import_button.setEnabled(idle)
        for b in (self.adjust_button, self.receive_button, self.ordered_button, self.edit_button):
            b.setEnabled(idle and chosen)

    def say(self, message: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {palette.ERROR_TEXT if bad else palette.OK_TEXT};")
        self.message.setText(message)

    def current(self) -> StockRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def current_filter(self) -> StockFilter:
        return StockFilter(short=self.short_check.isChecked(), below_safety=self.below_check.isChecked(),
                           location=str(self.location.currentData() or ""), text=self.search.text().strip())

    @property
    def loading(self) -> bool:
        return self.model.loading

    def workers_running(self) -> bool:
        return bool(registry_for(self).running())

    # ---- reading ------------------------------------------------------------------------------------
    def _filter_now(self) -> None:
        self._debounce.stop()
        self.apply_filters()

    def apply_filters(self) -> None:
        self._keep_sku = ""
        self.view.scrollToTop()
        self.model.reload(self.current_filter())

    def reload(self) -> None:
        """Read the list again where it is (after a write, F5, a header click): the row the person
        was on stays chosen when it is still in the list."""
        row = self.current()
        self._keep_sku = row.sku if row is not None else ""
        self.model.reload(self.current_filter(), keep_row=self.view.currentIndex().row()
                          if self.view.currentIndex().isValid() else None)

    def _loaded(self) -> None:
        n = self.model.total
        self.count_label.setText(t("%s SKUs") % f"{n:,}")
        row = self.model.position(self._keep_sku) if self._keep_sku else None
        if row is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.view.scrollTo(self.model.index(row, 0))
        else:
            self._show_movements(None)
        self.refresh_buttons()

    def _read_locations(self) -> None:
        ctx = self.ctx
        run_in_pool(lambda: ctx.read(stock_browse.locations), self._locations_arrived,
                    lambda message: self.say(message, bad=True), owner=self)

    def _locations_arrived(self, places: list[str]) -> None:
        chosen = str(self.location.currentData() or "")
        self.location.blockSignals(True)
        try:
            self.location.clear()
            self.location.addItem(t("All locations"), "")
            for place in places:
                self.location.addItem(place, place)
            found = self.location.findData(chosen)
            self.location.setCurrentIndex(max(found, 0))
        finally:
            self.location.blockSignals(False)
        if chosen and self.location.findData(chosen) < 0:
            self.apply_filters()  # the location chosen is gone: every location again

    def _current_moved(self) -> None:
        self._show_movements(self.current())
        self.refresh_buttons()

    def _show_movements(self, row: StockRow | None) -> None:
        self._moves_gen += 1
        gen = self._moves_gen
        if row is None:
            self._moves_sku = ""
            self.moves_title.setText(t("Choose an SKU to see its movements."))
            self.moves.setRowCount(0)
            self.movementsShown.emit()
            return
        self._moves_sku = row.sku
        ctx, sku = self.ctx, row.sku
        title = t("Movements of %s — %s: on hand %s, reserved %s, available %s, incoming %s") % (
            row.sku, row.title, f"{row.on_hand:,}", f"{row.reserved:,}", f"{row.available:,}", f"{row.incoming:,}")
        run_in_pool(lambda: ctx.read(lambda s: stock_browse.movements(s, sku, MOVEMENTS)),
                    lambda moves: self._movements_arrived(gen, title, moves),
                    lambda message: self.say(message, bad=True), owner=self)

    def _movements_arrived(self, gen: int, title: str, moves: list[MovementRow]) -> None:
        if gen != self._moves_gen:
            return
        self.moves_title.setText(title)
        fill(self.moves, [movement_texts(m, self.lang) for m in moves])
        for r, m in enumerate(moves):
            item = self.moves.item(r, 4)
            if item is not None:
                item.setForeground(QColor(palette.OK_TEXT if m.delta > 0 else palette.ERROR_TEXT if m.delta < 0
                                          else palette.PLAIN_TEXT))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.movementsShown.emit()

    # ---- writing ------------------------------------------------------------------------------------
    def _write(self, work: Callable[[], Any], done_text: Callable[[Any], str], *, places: bool = False) -> None:
        """One write through services/stock.py in a worker; the list is read again after it."""
        def done(result: Any) -> None:
            self.writing = None
            said = done_text(result)
            self.say(said)
            self.refresh_buttons()
            self.changed.emit()
            self.reload()
            if places:
                self._read_locations()
            self.wrote.emit(said)

        def failed(message: str) -> None:
            self.writing = None
            self.say(message, bad=True)
            self.refresh_buttons()
            self.wrote.emit(message)

        self.writing = run_write(self, work, done, failed, hold=self.write_buttons())

    def adjust(self) -> None:
        row = self.current()
        if row is None:
            return
        asked = AdjustDialog.ask(self, row)
        if asked is None:
            return
        delta, reason = asked
        ctx, sku = self.ctx, row.sku
        self._write(lambda: ctx.run(lambda uow, c: stock.adjust(uow, c, sku, delta, reason), "manual", reason),
                    lambda said: self._adjust_said(sku, delta, said))

    @staticmethod
    def _adjust_said(sku: str, delta: int, said: str) -> str:
        if str(said).startswith("proposed #"):
            return t("Over the shop's limit: proposed #%s, it waits for a second person.") % str(said).split("#", 1)[1]
        return t("%s adjusted by %s.") % (sku, f"{delta:+,}")

    def receive(self) -> None:
        row = self.current()
        if row is None:
            return
        asked = QuantityDialog.ask(self, t("Receive %s") % row.sku, t("Units received"), True,
                                   min(row.incoming, 1_000_000) or 1)
        if asked is None:
            return
        qty, reason = asked
        ctx, sku = self.ctx, row.sku
        self._write(lambda: ctx.run(lambda uow, c: stock.receive(uow, c, sku, qty, reason), "manual", reason),
                    lambda _m: t("%s: %s units received.") % (sku, f"{qty:,}"))

    def mark_ordered(self) -> None:
        row = self.current()
        if row is None:
            return
        asked = QuantityDialog.ask(self, t("Mark %s as ordered") % row.sku, t("Units ordered"), False, 1)
        if asked is None:
            return
        qty, reason = asked
        ctx, sku = self.ctx, row.sku
        self._write(lambda: ctx.run(lambda uow, c: stock.mark_ordered(uow, c, sku, qty, reason), "manual", reason),
                    lambda _m: t("%s: %s units ordered from the supplier.") % (sku, f"{qty:,}"))

    def add_sku(self) -> None:
        asked = DetailsDialog.ask(self, None)
        if asked is None:
            return
        sku, details = asked
        ctx = self.ctx

        def change(uow: Any, c: Any) -> None:
            stock.add_sku(uow, c, sku, details.title or "", location=details.location or "",
                          barcodes=details.barcodes or (), safety=details.safety or 0)

        self._keep_sku = sku
        self._write(lambda: ctx.run(change, "manual"), lambda _r: t("%s is in the catalogue.") % sku, places=True)

    def edit_details(self) -> None:
        row = self.current()
        if row is None:
            return
        asked = DetailsDialog.ask(self, row)
        if asked is None:
            return
        sku, details = asked
        ctx = self.ctx
        self._write(lambda: ctx.run(lambda uow, c: stock.update_details(uow, c, sku, details), "manual"),
                    lambda _r: t("The details of %s are saved.") % sku, places=True)

    def import_stocktake(self) -> None:
        """A counted sheet: read and tried in a worker first (the dry run: the same path, rolled
        back), what it would change shown; applied only when the person says so, with a reason."""
        path = FileDialog.ask_open(self, t("Import a stocktake"), t("Stocktake sheet (*.xlsx *.csv)"),
                                   protected=self.ctx.db.own_files())
        if path is None:
            return
        ctx, lang = self.ctx, self.lang
        self.say(t("Checking %s…") % path.name)

        def tried(result: Any) -> None:  # stock_sheet.StocktakeResult
            self.writing = None
            self.refresh_buttons()
            reason = StocktakeDialog.ask(self, path.name, result.describe(lang))
            if reason is None:
                self.say(t("The stocktake was not imported."))
                return
            self._write(lambda: sheets().import_sheet(ctx.db, ctx.change(f"import:{path.name}", reason), path,
                                                      reason=reason, uow_factory=ctx.uow),
                        lambda done: done.verdict(lang), places=True)

        def failed(message: str) -> None:
            self.writing = None
            self.say(message, bad=True)
            self.refresh_buttons()

        self.writing = run_write(self, lambda: sheets().import_sheet(ctx.db, ctx.change(f"import:{path.name}"),
                                                                     path, dry_run=True, uow_factory=ctx.uow),
                                 tried, failed, hold=self.write_buttons())

    def export_catalogue(self) -> None:
        path = FileDialog.ask_save(self, t("Export the catalogue"), t("Excel workbook (*.xlsx);;CSV (*.csv)"),
                                   protected=self.ctx.db.own_files(), suggested_name="stock.xlsx")
        if path is None:
            return
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + ".xlsx")
        db, lang = self.ctx.db, self.lang
        self.export_button.setEnabled(False)

        def done(n: int) -> None:
            self.export_button.setEnabled(True)
            self.say(t("Exported %s SKUs to %s") % (f"{n:,}", path))
            self.wrote.emit(self.message.text())

        def failed(message: str) -> None:
            self.export_button.setEnabled(True)
            self.say(message, bad=True)
            self.wrote.emit(message)

        run_in_pool(lambda: sheets().export_catalogue(db, path, lang), done, failed, owner=self)

    def returns(self) -> None:
        dialog = ReturnsDialog(self.ctx, self)
        dialog.changed.connect(self.changed)
        dialog.changed.connect(self.reload)
        dialog.exec()

    def suggestions(self) -> None:
        SuggestionsDialog(self.ctx, self).exec()
