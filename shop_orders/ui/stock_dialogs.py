"""The stock window's dialogs: an adjustment (a change in units and why), a quantity received or
ordered, an SKU's details (title, location, safety stock, barcodes), the parcels waiting to go back
on the shelf (Confirm put back), and the purchase suggestions. The lists are read in workers; the
one write here (a return put back) goes through `AppContext.run` in a worker."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain import messages
from shop_orders.domain.messages import t
from shop_orders.domain.stock import StockRow, Suggestion
from shop_orders.services import stock, stock_browse, stock_moves
from shop_orders.services.context import AppContext
from shop_orders.services.stock_moves import MAX_QTY, ReturnRow
from shop_orders.ui import palette
from shop_orders.ui.dialogs import _Form, error_label
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import run_in_pool, run_write

BIGGEST = 1_000_000_000  # a QSpinBox holds 32-bit numbers; the service refuses more than MAX_QTY itself


def _spin(parent: QWidget, name: str, low: int, value: int) -> QSpinBox:
    box = QSpinBox(parent)
    box.setObjectName(name)
    box.setRange(low, min(MAX_QTY, BIGGEST))
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    return box


class AdjustDialog(_Form):
    """Add (a positive number) or take away (negative) units of one SKU, with a reason."""

    def __init__(self, parent: QWidget, row: StockRow) -> None:
        super().__init__(parent, t("Adjust %s") % row.sku)
        self.setObjectName("stockAdjustDialog")
        self.row = row
        said = QLabel(t("%s: %s on hand, %s reserved for paid orders.") % (row.title or row.sku, f"{row.on_hand:,}",
                                                                            f"{row.reserved:,}"), self)
        said.setWordWrap(True)
        self.form.addRow(said)
        self.delta = QSpinBox(self)
        self.delta.setObjectName("adjustDelta")
        self.delta.setRange(-min(MAX_QTY, BIGGEST), min(MAX_QTY, BIGGEST))
        self.delta.setValue(0)
        self.delta.setGroupSeparatorShown(True)
        self.form.addRow(t("Change (+ adds, − takes away)"), self.delta)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("adjustReason")
        self.form.addRow(t("Reason"), self.reason)

    def validate(self) -> str | None:
        if self.delta.value() == 0:
            return t("An adjustment is a whole number of units other than 0.")
        if self.row.on_hand + self.delta.value() < 0:
            return t("%s has %s on hand: it cannot lose more than that.") % (self.row.sku, f"{self.row.on_hand:,}")
        if not self.reason.text().strip():
            return t("Say why: the trail keeps the reason.")
        return None

    def chosen(self) -> tuple[int, str]:
        return self.delta.value(), self.reason.text().strip()


class QuantityDialog(_Form):
    """A number of units received or ordered, with a reason (needed for a receipt)."""

    def __init__(self, parent: QWidget, title: str, what: str, reason_needed: bool, value: int) -> None:
        super().__init__(parent, title)
        self.setObjectName("stockQuantityDialog")
        self.reason_needed = reason_needed
        self.qty = _spin(self, "stockQuantity", 1, max(value, 1))
        self.form.addRow(what, self.qty)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("stockQuantityReason")
        self.reason.setPlaceholderText(t("e.g. the supplier's delivery note") if reason_needed else t("optional"))
        self.form.addRow(t("Reason"), self.reason)

    def validate(self) -> str | None:
        if self.reason_needed and not self.reason.text().strip():
            return t("Say why: the trail keeps the reason.")
        return None

    def chosen(self) -> tuple[int, str]:
        return self.qty.value(), self.reason.text().strip()


def barcodes_from(text: str) -> tuple[str, ...]:
    """The codes typed in one box, separated by commas, semicolons or spaces, each once."""
    seen: list[str] = []
    for code in re.split(r"[\s,;，；]+", text):
        if code and code not in seen:
            seen.append(code)
    return tuple(seen)


class DetailsDialog(_Form):
    """A new SKU (row None), or an SKU's title, location, safety stock and barcodes."""

    def __init__(self, parent: QWidget, row: StockRow | None) -> None:
        super().__init__(parent, t("Add an SKU") if row is None else t("Details of %s") % row.sku)
        self.setObjectName("stockDetailsDialog")
        self.row = row
        self.sku = QLineEdit(row.sku if row else "", self)
        self.sku.setObjectName("detailsSku")
        self.sku.setMaxLength(64)
        self.sku.setReadOnly(row is not None)
        self.title = QLineEdit(row.title if row else "", self)
        self.title.setObjectName("detailsTitle")
        self.title.setMaxLength(300)
        self.location = QLineEdit(row.location if row else "", self)
        self.location.setObjectName("detailsLocation")
        self.location.setMaxLength(64)
        self.safety = _spin(self, "detailsSafety", 0, row.safety if row else 0)
        self.barcodes = QLineEdit(", ".join(row.barcodes) if row else "", self)
        self.barcodes.setObjectName("detailsBarcodes")
        self.barcodes.setPlaceholderText(t("EAN-13 on the box, the shop's own code… (commas between)"))
        self.form.addRow(t("SKU"), self.sku)
        self.form.addRow(t("Title"), self.title)
        self.form.addRow(t("Location"), self.location)
        self.form.addRow(t("Safety stock"), self.safety)
        self.form.addRow(t("Barcodes"), self.barcodes)
        self.setMinimumWidth(460)

    def validate(self) -> str | None:
        if not self.sku.text().strip():
            return t("An SKU is 1 to 64 characters.")
        if any(len(code) > 64 for code in barcodes_from(self.barcodes.text())):
            return t("A barcode is at most 64 characters.")
        return None

    def chosen(self) -> tuple[str, stock.Details]:
        return self.sku.text().strip(), stock.Details(self.title.text().strip(), self.location.text().strip(),
                                                       self.safety.value(), barcodes_from(self.barcodes.text()))


class StocktakeDialog(_Form):
    """What a stocktake sheet would change (its dry run), and why it is taken: Ok applies it."""

    def __init__(self, parent: QWidget, name: str, lines: list[str]) -> None:
        super().__init__(parent, t("Stocktake %s") % name)
        self.setObjectName("stocktakeDialog")
        shown = lines if len(lines) <= 40 else [*lines[:20], t("… %s more lines …") % (len(lines) - 39), *lines[-19:]]
        said = QLabel("\n".join(shown), self)
        said.setObjectName("stocktakePreview")
        said.setWordWrap(True)
        said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(said)
        self.reason = QLineEdit(t("stocktake %s") % name, self)
        self.reason.setObjectName("stocktakeReason")
        self.form.addRow(t("Reason"), self.reason)
        self.button_box.button(self.Ok).setText(t("Apply the stocktake"))

    def validate(self) -> str | None:
        return None if self.reason.text().strip() else t("Say why: the trail keeps the reason.")

    def chosen(self) -> str:
        return self.reason.text().strip()


class _ListDialog(QDialog):
    """A list read in a worker, with a line that says what happened."""

    def __init__(self, parent: QWidget, title: str, name: str, headers: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.resize(980, 460)
        self.box = QVBoxLayout(self)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.box.addWidget(self.note)
        self.table = text_table(self, headers, name + "Table")
        self.box.addWidget(self.table, 1)
        self.buttons = QHBoxLayout()
        self.box.addLayout(self.buttons)
        self.message = error_label(self, name + "Message")
        self.box.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        self.buttons.addStretch()
        self.buttons.addWidget(close)
        self.loading = False

    def say(self, message: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {palette.ERROR_TEXT if bad else palette.OK_TEXT};")
        self.message.setText(message)

    def read(self, work: Any, shown: Any) -> None:
        self.loading = True

        def arrived(rows: Any) -> None:
            self.loading = False
            shown(rows)

        def failed(message: str) -> None:
            self.loading = False
            self.say(message, bad=True)

        run_in_pool(work, arrived, failed, owner=self)


class ReturnsDialog(_ListDialog):
    """Parcels back from the customer (returned at the courier, or a closed return ticket), not yet
    on the shelf: Confirm put back… with the parcel in hand."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent, t("Returns to put back"), "stockReturns",
                         [t("Parcel"), t("Order"), t("Courier"), t("Tracking no."), t("Why here"), t("Items")])
        self.ctx = ctx
        self.rows: list[ReturnRow] = []
        self.confirm = QPushButton(t("Confirm put back…"), self)
        self.confirm.setObjectName("confirmReturn")
        self.confirm.clicked.connect(self.confirm_chosen)
        self.buttons.insertWidget(0, self.confirm)
        self.table.itemSelectionChanged.connect(self._buttons)
        self.reload()

    def reload(self) -> None:
        ctx = self.ctx
        self.read(lambda: ctx.read(stock_moves.pending_returns), self._shown)

    def _shown(self, rows: list[ReturnRow]) -> None:
        self.rows = rows
        why = {"courier": t("returned at the courier"), "ticket": t("return ticket closed")}
        fill(self.table, [[str(r.shipment_id), r.order_no, r.courier, r.tracking_no, why.get(r.why, r.why), r.items]
                          for r in rows])
        self.note.setText(t("%s parcels wait to go back on the shelf.") % len(rows) if rows
                          else t("No parcel waits to go back on the shelf."))
        self._buttons()

    def _buttons(self) -> None:
        self.confirm.setEnabled(self.chosen() is not None)

    def chosen(self) -> ReturnRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectedItems() else None

    def confirm_chosen(self) -> None:
        r = self.chosen()
        if r is None:
            return
        reason, ok = QInputDialog.getText(self, t("Confirm put back"),
                                          t("Parcel %s of %s (%s) is back on the shelf. Why, or what was checked?")
                                          % (r.shipment_id, r.order_no, r.items))
        if not ok or not reason.strip():
            return
        self.put_back(r, reason.strip())

    def put_back(self, r: ReturnRow, reason: str) -> None:
        ctx, shipment = self.ctx, r.shipment_id

        def done(_order: Any) -> None:
            self.say(t("Parcel %s of %s is back on the shelf.") % (r.shipment_id, r.order_no))
            self.changed.emit()
            self.reload()

        def failed(message: str) -> None:
            self.say(message, bad=True)
            self._buttons()

        run_write(self, lambda: ctx.run(lambda uow, c: stock_moves.confirm_return(uow, c, shipment, reason),
                                        "manual", reason), done, failed, hold=[self.confirm])


class SuggestionsDialog(_ListDialog):
    """What to buy: every SKU below its safety stock or short for paid orders, the quantity to
    order (demand + safety − on hand − incoming) and the orders waiting for it."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent, t("Purchase suggestions"), "stockSuggestions",
                         [t("SKU"), t("Title"), t("On hand"), t("Reserved"), t("Wanted by paid orders"),
                          t("Safety"), t("Incoming"), t("Suggested"), t("Orders waiting")])
        self.ctx = ctx
        self.rows: list[Suggestion] = []
        self.export = QPushButton(t("Export to Excel…"), self)
        self.export.setObjectName("exportSuggestions")
        self.export.setToolTip(t("The suggestions and the orders waiting, as a workbook for the supplier"))
        self.export.clicked.connect(self.export_to_excel)
        self.buttons.insertWidget(0, self.export)
        self.read(lambda: ctx.read(stock_browse.suggestions), self._shown)

    def export_to_excel(self) -> None:
        path = FileDialog.ask_save(self, t("Export the purchase suggestions"), t("Excel workbook (*.xlsx)"),
                                   protected=self.ctx.db.own_files(), suggested_name="purchase-suggestions.xlsx")
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        db, lang = self.ctx.db, messages.language()
        self.export.setEnabled(False)
        self.loading = True

        def done(found: list[Suggestion]) -> None:
            self.loading = False
            self.export.setEnabled(True)
            self.say(t("Exported %s suggestions to %s") % (len(found), path))

        def failed(message: str) -> None:
            self.loading = False
            self.export.setEnabled(True)
            self.say(message, bad=True)

        def export() -> list[Suggestion]:
            from shop_orders.services import stock_sheet  # openpyxl: imported in the worker

            return stock_sheet.export_suggestions(db, path, lang)

        run_in_pool(export, done, failed, owner=self)

    def _shown(self, rows: list[Suggestion]) -> None:
        self.rows = rows
        waiting_shown = 5
        fill(self.table, [[r.sku, r.title, f"{r.on_hand:,}", f"{r.reserved:,}", f"{r.demand:,}", f"{r.safety:,}",
                           f"{r.incoming:,}", f"{r.suggested:,}",
                           ", ".join(r.waiting[:waiting_shown]) + (t(" and %s more") % (len(r.waiting) - waiting_shown)
                                                                   if len(r.waiting) > waiting_shown else "")]
                          for r in rows])
        for i in range(len(rows)):
            for c in range(2, 8):
                item = self.table.item(i, c)
                if item is not None:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note.setText(t("%s SKUs to order: suggested = wanted by paid orders + safety − on hand − incoming.")
                          % len(rows) if rows else t("Nothing to order: every SKU covers its paid orders and its "
                                                      "safety stock."))
