"""Build a custom import profile for a channel with no built-in one: drag a file column onto a
field (or pick it from the field's list), map the file's status words, watch the preview of the
orders it would read, and save the profile for that channel (a shop setting, used by auto-detect)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_orders.adapters import readers
from shop_orders.domain.channels import CHANNELS, channel_label
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.status import Status
from shop_orders.services import settings
from shop_orders.services.context import AppContext
from shop_orders.services.importing import guess, header, layouts, plan
from shop_orders.services.importing.profiles import FIELDS, Profile, norm
from shop_orders.ui.dialogs import OkCancelDialog, exec_once
from shop_orders.ui.i18n import sorted_by_shown_name
from shop_orders.ui.tables import fill

PREVIEW = 20
SAMPLE_ROWS = 2000
# The fields a person maps. Those a built-in layout reads with rules of its own (Shopify's payment and
# fulfilment columns, Amazon's marketplace, western address lines) are not offered: a custom
# profile reads its address province-city-district-street and its status from words.
EDITABLE_FIELDS = [f for f in FIELDS if f not in (
    "financial_status", "fulfillment_status", "cancelled_at", "channel", "outstanding", "payment_method", "marketplace",
    "address_line2", "address_line3", "address_postcode", "address_country", "line_status")]


class FieldCombo(QComboBox):
    """A field's column choice; a column dragged from the list and dropped here selects it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasText() or event.mimeData().hasFormat("application/x-qabstractitemmodeldatalist"):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        source = event.source()
        text = source.currentItem().text() if isinstance(source, QListWidget) and source.currentItem() else event.mimeData().text()
        i = self.findText(text)
        if i >= 0:
            self.setCurrentIndex(i)
            event.acceptProposedAction()


def guess_header(rows: list[list]) -> int:
    for i, row in enumerate(rows[: header.SCAN_ROWS]):
        if sum(1 for c in row if str(c or "").strip()) >= 2:
            return i
    return 0


class MappingDialog(OkCancelDialog):
    def __init__(self, ctx: AppContext, path: Path, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.ctx, self.path, self.lang = ctx, path, lang
        self.saved: Profile | None = None
        self.setWindowTitle(t("Map the columns of %s") % path.name)
        self.resize(1100, 700)
        src = readers.stream(path)  # the top of the file is enough to map it (and quick to read)
        self.rows = list(itertools.islice(src.rows, SAMPLE_ROWS))
        self.header_row = guess_header(self.rows)
        self.headers = [str(c or "").strip() for c in self.rows[self.header_row]] if self.rows else []
        sample = self.rows[self.header_row + 1:]
        self.guessed = guess.guess_columns(self.headers, sample, layouts.BUILT_IN)
        self.shop_tz = ctx.read(settings.get_timezone)

        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.channel = QComboBox(self)
        for code in sorted_by_shown_name(CHANNELS, lambda c: channel_label(c, lang), lang):
            self.channel.addItem(channel_label(code, lang), code)
        self.name = QLineEdit(path.stem, self)
        self.name.setObjectName("profileName")
        self.currency = QLineEdit("CNY", self)
        self.currency.setMaxLength(3)
        top.addRow(t("Channel"), self.channel)
        top.addRow(t("Profile name"), self.name)
        top.addRow(t("Currency when the file has none"), self.currency)
        layout.addLayout(top)

        middle = QHBoxLayout()
        self.columns = QListWidget(self)
        self.columns.setObjectName("fileColumns")
        self.columns.addItems([h for h in self.headers if h])
        self.columns.setDragEnabled(True)
        self.columns.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        left = QVBoxLayout()
        left.addWidget(QLabel(t("Columns in the file (drag onto a field)"), self))
        left.addWidget(self.columns)
        middle.addLayout(left, 1)
        fields = QWidget(self)
        form = QFormLayout(fields)
        self.combos: dict[str, FieldCombo] = {}
        for f in EDITABLE_FIELDS:
            combo = FieldCombo(fields)
            combo.addItem(t("(not in the file)"), None)
            for h in self.headers:
                if h:
                    combo.addItem(h, h)
            if f in self.guessed:
                combo.setCurrentIndex(combo.findData(self.guessed[f]))
            combo.currentIndexChanged.connect(self.update_preview)
            self.combos[f] = combo
            form.addRow(self.field_labels().get(f, f), combo)
        scroll = QScrollArea(self)
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        middle.addWidget(scroll, 1)
        self.words = QTableWidget(0, 2, self)
        self.words.setObjectName("statusWords")
        self.words.setHorizontalHeaderLabels([t("Status in the file"), t("Standard status")])
        right = QVBoxLayout()
        right.addWidget(QLabel(t("Status words"), self))
        right.addWidget(self.words)
        middle.addLayout(right, 1)
        layout.addLayout(middle, 2)

        self.preview_label = QLabel("", self)
        self.preview_label.setObjectName("previewLabel")
        layout.addWidget(self.preview_label)
        self.preview = QTableWidget(0, 5, self)
        self.preview.setObjectName("mappingPreview")
        self.preview.setHorizontalHeaderLabels([t("Channel order no."), t("Status"), t("Created"),
                                                t("Total"), t("Buyer")])
        layout.addWidget(self.preview, 1)
        buttons = self.ok_cancel(on_ok=self.save, first=self.Save)
        self.save_button = buttons.button(self.Save)
        layout.addWidget(buttons)
        self.update_preview()

    def field_labels(self) -> dict[str, str]:
        return {
            "channel_order_no": t("Channel order no. (required)"), "status": t("Status"),
            "created_at": t("Order time"), "buyer": t("Buyer"), "recipient": t("Recipient"),
            "phone": t("Phone"), "address": t("Address"), "currency": t("Currency"),
            "total": t("Order total"), "paid": t("Paid"), "sku": t("SKU"),
            "title": t("Item"), "qty": t("Quantity"), "unit_price": t("Unit price"),
            "courier": t("Courier"), "tracking_no": t("Tracking no."),
            "address_province": t("Province / country"), "address_city": t("City"),
            "address_district": t("District / postcode"), "address_street": t("Street"),
            "paid_at": t("Payment time"), "shipped_at": t("Shipping time"), "finished_at": t("Finishing time"),
            "refunded": t("Refunded"), "line_total": t("Line amount"),
        }

    # ---- building the profile ---------------------------------------------------------------
    def assign(self, field: str, column: str | None) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(0 if column is None else combo.findText(column))

    def _status_words(self) -> list[str]:
        col = self.combos["status"].currentData()
        if col is None:
            return []
        i = self.headers.index(col)
        seen: dict[str, None] = {}
        for row in self.rows[self.header_row + 1: self.header_row + 2001]:
            if i < len(row) and str(row[i] or "").strip():
                seen.setdefault(str(row[i]).strip(), None)
        return list(seen)[:50]

    # Row r of the words table: the word (column 0) and its combo of standard statuses (column 1).
    def _word(self, r: int) -> str:
        item = self.words.item(r, 0)
        assert item is not None  # set with the row
        return item.text()

    def _choice(self, r: int) -> Any:
        return cast(QComboBox, self.words.cellWidget(r, 1)).currentData()

    def _sync_words(self) -> None:
        words = self._status_words()
        current = {self._word(r): self._choice(r)
                   for r in range(self.words.rowCount()) if self.words.item(r, 0)}
        if list(current) == words:
            return
        self.words.setRowCount(len(words))
        for r, w in enumerate(words):
            self.words.setItem(r, 0, QTableWidgetItem(w))
            combo = QComboBox(self.words)
            combo.addItem(t("(choose)"), None)
            for s in Status:
                combo.addItem(s.label(self.lang), s.value)
            guessed = guess.guess_status(w, layouts.BUILT_IN)
            choice = current.get(w) or (guessed.value if guessed else None)
            combo.setCurrentIndex(max(0, combo.findData(choice)))
            combo.currentIndexChanged.connect(self.update_preview)
            self.words.setCellWidget(r, 1, combo)

    def profile(self) -> Profile:
        columns: dict[str, tuple[str, ...]] = {
            f: (c.currentData(),) for f, c in self.combos.items() if c.currentData() is not None}
        statuses = {self._word(r): Status(self._choice(r))
                    for r in range(self.words.rowCount()) if self._choice(r)}
        channel = self.channel.currentData()
        slug = re.sub(r"[^a-z0-9]+", "-", norm(self.name.text()) or "profile").strip("-") or "profile"
        return Profile(f"custom-{channel}-{slug}", channel, self.name.text().strip() or self.path.stem, columns,
                       statuses, (self.currency.text().strip().upper() or "CNY")[:3], custom=True)

    def update_preview(self) -> None:
        self._sync_words()
        prof = self.profile()
        if "channel_order_no" not in prof.columns:
            self.preview.setRowCount(0)
            self.preview_label.setText(t("Choose the column that holds the channel order number."))
            self.save_button.setEnabled(False)
            return
        cols = header.match_row([norm(h) for h in self.headers], prof)
        match = header.HeaderMatch(self.header_row, prof, cols, self.headers)
        # the same checks as the import's (plan.check), on the top of the file
        orders, problems, _ = plan.check(self.rows[: self.header_row + 1 + 500], match, self.path.name,
                                         self.shop_tz if self.shop_tz else ZoneInfo("UTC"))
        fill(self.preview, [[o.channel_order_no, o.status.label(self.lang),
                             o.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if o.created_at else "",
                             f"{format_minor(o.final_total(), o.currency)} {o.currency}", o.buyer]
                            for o in orders[:PREVIEW]])
        first = f" {problems[0]}" if problems else ""
        self.preview_label.setText(t("%s orders read from the first 500 rows, %s problems.") %
                                   (len(orders), len(problems)) + first)
        unmapped = [self._word(r) for r in range(self.words.rowCount()) if self._choice(r) is None]
        if unmapped:
            self.preview_label.setText(t("Choose the standard status of: %s") % ", ".join(unmapped))
        self.save_button.setEnabled(bool(orders) and not unmapped)

    def save(self) -> None:
        prof = self.profile()
        try:
            self.ctx.run(lambda uow, c: settings.save_custom_profile(uow, c, prof))
        except ShopOrdersError as exc:
            self.preview_label.setText(str(exc))
            return
        self.saved = prof
        self.accept()

    @classmethod
    def ask(cls, ctx: AppContext, path: Path, lang: str, parent=None) -> Profile | None:
        d = cls(ctx, path, lang, parent)
        exec_once(d)
        return d.saved

