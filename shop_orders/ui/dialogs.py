"""Small dialogs for single-order actions and settings. Each has a classmethod `ask()` returning
the user's answer (or None); tests replace `ask`, never click through a real modal."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import parse_minor
from shop_orders.domain.roles import status_action
from shop_orders.domain.shop import ADDRESS, NAME, PHONE, ShopIdentity, checked_field
from shop_orders.domain.staleness import (
    MAX_SETTING_HOURS,
    MIN_SETTING_HOURS,
    Thresholds,
    setting_hours,
)
from shop_orders.domain.status import ALLOWED, DERIVED, FINAL, Status
from shop_orders.domain.vocabulary import METHODS, method_label
from shop_orders.ui import palette


def exec_once(d: QDialog) -> int:
    """Show a modal dialog made for one question and let it go afterwards: its answer stays readable
    until control returns to the event loop, then it is deleted (a dialog with a parent is kept by
    that parent otherwise, one hidden window more each time it is asked)."""
    try:
        return d.exec()
    finally:
        d.deleteLater()


class OkCancelDialog(QDialog):
    """The Ok/Cancel boilerplate every small dialog shares: `ok_cancel()` makes its button box
    (Ok or Save, Cancel or Close, with the texts given, translated by the caller), wired to
    accept (or `on_ok`, which accepts when it is satisfied) and reject; `ask(...)` makes the
    dialog with the same arguments as its constructor, runs it, and returns `chosen()` once it
    was accepted, else None."""

    Ok = QDialogButtonBox.StandardButton.Ok
    Save = QDialogButtonBox.StandardButton.Save
    Cancel = QDialogButtonBox.StandardButton.Cancel
    Close = QDialogButtonBox.StandardButton.Close

    def ok_cancel(self, *, ok: str | None = None, cancel: str | None = None,
                  on_ok: Callable[[], None] | None = None, first: QDialogButtonBox.StandardButton = Ok,
                  second: QDialogButtonBox.StandardButton = Cancel) -> QDialogButtonBox:
        buttons = QDialogButtonBox(first | second, self)
        if ok is not None:
            buttons.button(first).setText(ok)
        if cancel is not None:
            buttons.button(second).setText(cancel)
        buttons.accepted.connect(on_ok or self.accept)
        buttons.rejected.connect(self.reject)
        self.button_box = buttons
        return buttons

    def chosen(self) -> Any:
        """The answer of an accepted dialog (None: nothing to do after all)."""
        return None

    @classmethod
    def ask(cls, *args: Any, **kwargs: Any) -> Any:
        d = cls(*args, **kwargs)
        if exec_once(d) != QDialog.DialogCode.Accepted:
            return None
        return d.chosen()


def error_label(parent: QWidget, name: str = "") -> QLabel:
    """The line under a form that says what is wrong with it (one sentence, in the error colour)."""
    label = QLabel("", parent)
    if name:
        label.setObjectName(name)
    label.setStyleSheet(f"color: {palette.ERROR_TEXT};")
    label.setWordWrap(True)
    return label


class _Form(OkCancelDialog):
    def __init__(self, parent, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = error_label(self)
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.ok_cancel(on_ok=self._try_accept))

    def validate(self) -> str | None:
        return None

    def _try_accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


class ChangeStatusDialog(_Form):
    def __init__(self, parent, order_no: str, current: Status, lang: str,
                 permitted: frozenset[str] | None = None) -> None:
        super().__init__(parent, t("Change status of %s") % order_no)
        self.combo = QComboBox(self)
        for s in sorted(ALLOWED[current], key=lambda s: s.number):
            # only the changes the status machine allows and the signed-in user's role may make
            if not DERIVED[s] and (permitted is None or status_action(current, s) in permitted):
                self.combo.addItem(s.label(lang), s.value)
        self.reason = QLineEdit(self)
        self.form.addRow(t("Now"), QLabel(current.label(lang), self))
        self.form.addRow(t("New status"), self.combo)
        self.form.addRow(t("Reason"), self.reason)

    def validate(self) -> str | None:
        if self.combo.count() == 0:
            return t("No status change is possible by hand from here.")
        if self.combo.currentData() == Status.CANCELLED.value and not self.reason.text().strip():
            return t("Cancelling needs a reason.")
        return None

    @classmethod
    def ask(cls, parent, order_no: str, current: Status, lang: str,
            permitted: frozenset[str] | None = None) -> tuple[Status, str] | None:
        return super().ask(parent, order_no, current, lang, permitted)

    def chosen(self) -> tuple[Status, str] | None:
        if self.combo.count() == 0:
            return None
        return Status(self.combo.currentData()), self.reason.text().strip()


@dataclass(frozen=True)
class PaymentAnswer:
    amount_minor: int
    method: str
    reference: str


class PaymentDialog(_Form):
    def __init__(self, parent, order_no: str, currency: str, outstanding: str) -> None:
        super().__init__(parent, t("Record a payment for %s") % order_no)
        self.currency = currency
        self.amount = QLineEdit(outstanding, self)
        self.method = QComboBox(self)
        self.method.setEditable(True)
        for code in METHODS:
            self.method.addItem(method_label(code), code)
        self.reference = QLineEdit(self)
        self.form.addRow(t("Amount (%s; negative for a refund)") % currency, self.amount)
        self.form.addRow(t("Method"), self.method)
        self.form.addRow(t("Reference"), self.reference)

    def validate(self) -> str | None:
        try:
            if parse_minor(self.amount.text(), self.currency) == 0:
                return t("A payment of 0 changes nothing.")
        except ValidationError as exc:
            return str(exc)
        return None

    @classmethod
    def ask(cls, parent, order_no: str, currency: str, outstanding: str) -> PaymentAnswer | None:
        return super().ask(parent, order_no, currency, outstanding)

    def chosen(self) -> PaymentAnswer:
        return PaymentAnswer(parse_minor(self.amount.text(), self.currency), self.method_code(),
                             self.reference.text().strip())

    def method_code(self) -> str:
        """The chosen method's code, or what the person typed (the list is editable)."""
        text = self.method.currentText().strip()
        i = self.method.currentIndex()
        if i >= 0 and text == self.method.itemText(i):
            return self.method.itemData(i)
        return text


class EditContactDialog(_Form):
    def __init__(self, parent, order_no: str, recipient: str, phone: str, address: str) -> None:
        super().__init__(parent, t("Edit recipient of %s") % order_no)
        self.original = {"recipient": recipient, "phone": phone, "address": address}
        self.recipient = QLineEdit(recipient, self)
        self.phone = QLineEdit(phone, self)
        self.address = QPlainTextEdit(address, self)
        self.address.setFixedHeight(70)
        self.reason = QLineEdit(self)
        self.form.addRow(t("Recipient"), self.recipient)
        self.form.addRow(t("Phone"), self.phone)
        self.form.addRow(t("Address"), self.address)
        self.form.addRow(t("Reason"), self.reason)

    def changes(self) -> dict[str, str]:
        now = {"recipient": self.recipient.text().strip(), "phone": self.phone.text().strip(),
               "address": self.address.toPlainText().strip()}
        return {k: v for k, v in now.items() if v != self.original[k]}

    def validate(self) -> str | None:
        if not self.changes():
            return t("Nothing was changed.")
        if not self.reason.text().strip():
            return t("Say why (the customer called, a typo...): it goes into the trust chain.")
        return None

    @classmethod
    def ask(cls, parent, order_no: str, recipient: str, phone: str, address: str) -> tuple[dict, str] | None:
        return super().ask(parent, order_no, recipient, phone, address)

    def chosen(self) -> tuple[dict, str]:
        return self.changes(), self.reason.text().strip()


# Each language is named in itself, as language choosers do; the system default in the current one.
LANGUAGES = [("", N_("System language")), ("en", "English"), ("zh_CN", "简体中文")]


class StatusWordsDialog(_Form):
    """What the file's unknown status words mean: one choice per word, starting from the guess by
    meaning (services/importing/guess.py); every word must be given a status."""

    def __init__(self, parent, layout_name: str, words: list[str], lang: str) -> None:
        super().__init__(parent, t("Status words of %s") % layout_name)
        self.setObjectName("statusWordsDialog")
        from shop_orders.services.importing import guess, layouts

        note = QLabel(t("These status words are new to this layout. Say what each means; it is remembered for "
                        "every file of the layout."), self)
        note.setWordWrap(True)
        self.form.addRow(note)
        self.choices: dict[str, QComboBox] = {}
        for word in words:
            combo = QComboBox(self)
            combo.addItem(t("(choose)"), None)
            for s in Status:
                combo.addItem(s.label(lang), s.value)
            guessed = guess.guess_status(word, layouts.BUILT_IN)
            combo.setCurrentIndex(max(0, combo.findData(guessed.value if guessed else None)))
            self.choices[word] = combo
            self.form.addRow(word, combo)

    def validate(self) -> str | None:
        missing = [w for w, c in self.choices.items() if c.currentData() is None]
        return t("Choose the standard status of: %s") % ", ".join(missing) if missing else None

    def words(self) -> dict[str, Status]:
        return {w: Status(c.currentData()) for w, c in self.choices.items()}

    @classmethod
    def ask(cls, parent, layout_name: str, words: list[str], lang: str) -> dict[str, Status] | None:
        return super().ask(parent, layout_name, words, lang)

    def chosen(self) -> dict[str, Status]:
        return self.words()


class SettingsDialog(_Form):
    """Staleness thresholds and the shop's name, address and phone (shop settings every seat
    shares), and this seat's language.

    A field the user does not touch keeps the stored value exactly, so OK without changes
    returns the thresholds and the shop it was given (and the window writes nothing). A shop
    field too long or with a control character is one sentence naming it, and the dialog stays.
    """

    def __init__(self, parent, thresholds: Thresholds, language: str, lang: str,
                 shop: ShopIdentity | None = None) -> None:
        super().__init__(parent, t("Settings"))
        self.setObjectName("settingsDialog")
        self.original = thresholds
        self.original_shop = shop or ShopIdentity()
        self.form.addRow(QLabel(t("<b>The shop</b>, as packing slips and exports name it. Shared by every seat."),
                                self))
        self.shop_fields: dict[str, QLineEdit] = {}
        for field, name, hint in ((NAME, t("Shop name"), t("Empty: slips say “Shop Orders”")),
                                  (ADDRESS, t("Shop address"), ""), (PHONE, t("Shop phone"), "")):
            edit = QLineEdit(getattr(self.original_shop, field), self)
            edit.setObjectName(f"shop_{field}")
            edit.setPlaceholderText(hint)
            self.shop_fields[field] = edit
            self.form.addRow(name, edit)
        self.default = self._hours(thresholds.default_hours, minimum=MIN_SETTING_HOURS)
        self.form.addRow(QLabel(t("<b>Red flag</b>: an unfinished order with no update for this long. "
                                        "Amber from two thirds of it. Shared by every seat."), self))
        self.form.addRow(t("Default (hours)"), self.default)
        self.labels: dict[Status | None, str] = {None: t("Default (hours)")}
        self.per_status: dict[Status, QSpinBox] = {}
        for s in Status:
            if FINAL[s]:
                continue
            box = self._hours(thresholds.per_status.get(s, 0), minimum=0)  # 0 shows "default"
            box.setSpecialValueText(t("default"))
            self.per_status[s] = box
            self.labels[s] = s.label(lang)
            self.form.addRow(s.label(lang), box)
        self.language = QComboBox(self)
        for code, name in LANGUAGES:
            self.language.addItem(t(name) if not code else name, code)
        self.language.setCurrentIndex(max(0, [c for c, _ in LANGUAGES].index(language) if language in [c for c, _ in LANGUAGES] else 0))
        self.form.addRow(t("Language (after restart)"), self.language)

    def _hours(self, value: float, minimum: int) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(minimum, MAX_SETTING_HOURS)
        box.setSuffix(" h")
        box.setValue(int(min(max(round(value), minimum), MAX_SETTING_HOURS)) if math.isfinite(value) else minimum)
        box.setProperty("shown", box.value())  # what the user saw: unchanged means "keep as stored"
        return box

    @staticmethod
    def _touched(box: QSpinBox) -> bool:
        return box.value() != box.property("shown")

    def thresholds(self) -> Thresholds:
        default = self.default.value() if self._touched(self.default) else self.original.default_hours
        per = dict(self.original.per_status)
        for s, box in self.per_status.items():
            if not self._touched(box):
                continue
            if box.value() == 0:
                per.pop(s, None)
            else:
                per[s] = box.value()
        return Thresholds(default, per)

    def shop(self) -> ShopIdentity:
        """The shop as typed (trimmed; checked by validate)."""
        return ShopIdentity(**{f: e.text().strip() for f, e in self.shop_fields.items()})

    def validate(self) -> str | None:
        for field, edit in self.shop_fields.items():
            try:
                checked_field(field, edit.text())
            except ValidationError as exc:
                edit.setFocus()
                return str(exc)
        chosen = self.thresholds()
        if chosen == self.original:
            return None
        values = [(None, chosen.default_hours), *chosen.per_status.items()]
        for status, hours in values:
            try:
                setting_hours(hours, self.labels.get(status, ""))
            except ValidationError:
                return t("%s: whole hours from 1 h to 90 days (2160 h).") % self.labels.get(status, "")
        return None

    @classmethod
    def ask(cls, parent, thresholds: Thresholds, language: str, lang: str,
            shop: ShopIdentity | None = None) -> tuple[Thresholds, str, ShopIdentity] | None:
        return super().ask(parent, thresholds, language, lang, shop)

    def chosen(self) -> tuple[Thresholds, str, ShopIdentity]:
        return self.thresholds(), self.language.currentData(), self.shop()


class ShipDialog(_Form):
    """Order → Ship… (shipping without the scan station): each line's quantity, the courier, the
    tracking number and the reason a manual shipment needs (it is marked manual in the trail)."""

    def __init__(self, parent, order_no: str, lines: list[tuple[int, str, str, int]], courier: str,
                 couriers: list[str]) -> None:
        from PySide6.QtWidgets import QSpinBox

        super().__init__(parent, t("Ship %s") % order_no)
        self.setObjectName("shipDialog")
        self.qty: dict[int, QSpinBox] = {}
        for line_no, sku, title, left in lines:
            spin = QSpinBox(self)
            spin.setObjectName(f"ship_line_{line_no}")
            spin.setRange(0, left)
            spin.setValue(left)
            self.form.addRow(f"{sku} · {title} (≤ {left})", spin)
            self.qty[line_no] = spin
        self.courier = QComboBox(self)
        self.courier.setObjectName("shipCourier")
        self.courier.setEditable(True)
        self.courier.addItems(couriers)
        self.courier.setCurrentText(courier)
        self.tracking = QLineEdit(self)
        self.tracking.setObjectName("shipTracking")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("shipReason")
        self.reason.setPlaceholderText(t("why this parcel is not scanned out at the station"))
        self.form.addRow(t("Courier"), self.courier)
        self.form.addRow(t("Tracking number"), self.tracking)
        self.form.addRow(t("Reason"), self.reason)

    def items(self) -> dict[int, int]:
        return {n: spin.value() for n, spin in self.qty.items() if spin.value()}

    def validate(self) -> str | None:
        if self.qty and not self.items():
            return t("Choose at least one item to ship.")
        if not self.reason.text().strip():
            return t("A shipment without the scan station needs a reason.")
        return None

    @classmethod
    def ask(cls, parent, order_no: str, lines, courier: str, couriers: list[str]):
        return super().ask(parent, order_no, lines, courier, couriers)

    def chosen(self):
        return (self.items() or None, self.courier.currentText().strip(), self.tracking.text().strip(),
                self.reason.text().strip())


def add_button(row: QBoxLayout, parent: QWidget, text: str, name: str, slot: Callable[[], None],
               tip: str) -> QPushButton:
    """A push button named `name` (tests and the self-test find it so) with its tooltip, calling
    `slot` when clicked, added to `row`: the windows' button rows."""
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setToolTip(tip)
    b.clicked.connect(slot)
    row.addWidget(b)
    return b
