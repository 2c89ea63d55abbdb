"""Tools → Couriers…: the shop's courier accounts and the tracking settings (the owner's).

Keys are typed into a masked field and go straight to the vault (services/vault.py): the dialog
never shows a stored key, only that one is stored; an empty key field keeps it. When the store
uses its own vault, the owner's passphrase is asked here on the UI thread (new vault: twice) and
the unlocked vault is handed back to the window, which uses it for the background sync for the
rest of the session. Test connection runs in a worker.
"""

from __future__ import annotations

import functools
import os

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from shop_orders.domain.couriers import KINDS
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.services import courier_accounts, tracking, vault
from shop_orders.services.browse import WarehouseBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import OkCancelDialog, exec_once
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import Task, run_in_pool

MASK = "●●●●●●●●"


def api_label(kind: str) -> str:
    return {"kuaidi100": t("Kuaidi100 (快递100)"), "aftership": t("AfterShip")}.get(kind, kind)


def unlock(ctx: AppContext, parent=None, *, creating: bool = False):
    """The store's vault, unlocked: the OS's needs nothing; our own asks the owner's passphrase
    (a new one twice). None when the person cancels."""
    box = vault.open_vault(ctx.db)
    if not isinstance(box, vault.OwnVault) or os.environ.get(vault.PASSPHRASE_ENV):
        return box
    fresh = creating and not box.exists()
    while True:
        text, ok = QInputDialog.getText(parent, t("Vault passphrase"),
                                        t("A new passphrase for the courier keys (at least 8 characters):") if fresh
                                        else t("The passphrase of the courier keys:"), QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if fresh:
            again, ok = QInputDialog.getText(parent, t("Vault passphrase"), t("The same passphrase again:"),
                                             QLineEdit.EchoMode.Password)
            if not ok:
                return None
            if again != text:
                continue
        box = vault.open_vault(ctx.db, functools.partial(str, text))
        assert isinstance(box, vault.OwnVault)
        try:
            box.unlock()
        except ValidationError as exc:
            if parent is not None and hasattr(parent, "error"):
                parent.error.setText(str(exc))
            if fresh:
                raise
            continue
        return box


def split_aliases(text: str) -> list[str]:
    """Aliases as typed in one field: separated by commas (also Chinese ，、；) or semicolons."""
    for sep in "，、；;":
        text = text.replace(sep, ",")
    return [a.strip() for a in text.split(",") if a.strip()]


class CourierEditDialog(OkCancelDialog):
    """One courier account: name, API, address, customer id, carrier code, the other names its
    parcels carry, and its key (masked; empty keeps the stored one)."""

    def __init__(self, found: courier_accounts.Account | None, has_key: bool, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("courierEditDialog")
        self.setWindowTitle(t("Courier %s") % found.name if found else t("New courier"))
        form = QFormLayout(self)
        self.name = QLineEdit(found.name if found else "", self)
        self.name.setObjectName("courierName")
        self.name.setPlaceholderText(t("as the parcels name it, e.g. SF or YTO"))
        self.name.setReadOnly(found is not None)
        self.kind = QComboBox(self)
        self.kind.setObjectName("courierKind")
        for k in KINDS:
            self.kind.addItem(api_label(k), k)
        if found is not None:
            self.kind.setCurrentIndex(KINDS.index(found.kind) if found.kind in KINDS else 0)
        self.url = QLineEdit(found.url if found else "", self)
        self.url.setObjectName("courierUrl")
        self.url.setPlaceholderText(t("empty: the real service's address"))
        self.customer = QLineEdit(found.customer if found else "", self)
        self.customer.setObjectName("courierCustomer")
        self.carrier = QLineEdit(found.carrier if found else "", self)
        self.carrier.setObjectName("courierCarrier")
        self.carrier.setPlaceholderText(t("e.g. shunfeng (Kuaidi100) or ups (AfterShip)"))
        self.aliases = QLineEdit(", ".join(found.aliases) if found else "", self)
        self.aliases.setObjectName("courierAliases")
        self.aliases.setPlaceholderText(t("other names in channel files, e.g. 顺丰速运, SF Express (empty for a new "
                                          "courier: the carrier code's usual names)"))
        self.new = found is None
        self.key = QLineEdit(self)
        self.key.setObjectName("courierKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(t("stored: type a new key to replace it") if has_key else t("the API key"))
        form.addRow(t("Name"), self.name)
        form.addRow(t("API"), self.kind)
        form.addRow(t("Address"), self.url)
        form.addRow(t("Customer id"), self.customer)
        form.addRow(t("Carrier code"), self.carrier)
        form.addRow(t("Also called"), self.aliases)
        form.addRow(t("API key"), self.key)
        form.addRow(self.ok_cancel(first=self.Save))
        self.setMinimumWidth(480)

    def answer(self) -> tuple[str, str, str, str, str, str | None, list[str] | None]:
        """(name, kind, address, customer id, carrier code, the new key or None, the aliases or None:
        a new courier whose field was left empty starts with its carrier code's usual names)."""
        key, aliases = self.key.text(), split_aliases(self.aliases.text())
        return (self.name.text().strip(), str(self.kind.currentData()), self.url.text().strip(),
                self.customer.text().strip(), self.carrier.text().strip(), key or None,
                None if self.new and not aliases else aliases)

    @classmethod
    def ask(cls, found, has_key: bool, parent=None):
        d = cls(found, has_key, parent)
        answer = d.answer() if exec_once(d) == QDialog.DialogCode.Accepted else None
        d.key.clear()
        return answer


class CouriersDialog(OkCancelDialog):
    """The accounts and the tracking settings; `box` is the unlocked vault (kept by the window)."""

    def __init__(self, ctx: AppContext, box=None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("couriersDialog")
        self.setWindowTitle(t("Couriers"))
        self.ctx, self.box = ctx, box
        self.testing: Task | None = None
        layout = QVBoxLayout(self)
        self.backend = QLabel("", self)
        self.backend.setObjectName("vaultBackend")
        self.backend.setWordWrap(True)
        layout.addWidget(self.backend)
        self.table = text_table(self, [t("Courier"), t("API"), t("Address"), t("Customer id"), t("Carrier code"),
                                       t("API key"), t("Also called")], "courierTable")
        self.table.currentCellChanged.connect(lambda *_: self._buttons())
        self.table.cellDoubleClicked.connect(lambda *_: self.edit())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (("add", t("Add…"), self.add), ("edit", t("Edit…"), self.edit),
                                 ("remove", t("Remove"), self.remove), ("test", t("Test connection"), self.test),
                                 ("passphrase", t("Change passphrase…"), self.change_passphrase)):
            b = QPushButton(text, self)
            b.setObjectName(f"courier_{name}")
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        row.addStretch(1)
        layout.addLayout(row)
        form = QFormLayout()
        current = WarehouseBrowser(ctx.db).tracking_settings()
        self.every = QSpinBox(self)
        self.every.setObjectName("syncEvery")
        self.every.setRange(0, 24 * 60)
        self.every.setValue(current.every_minutes)
        self.every.setSpecialValueText(t("only when asked"))
        self.pickup = QSpinBox(self)
        self.pickup.setObjectName("pickupHours")
        self.pickup.setRange(1, 30 * 24)
        self.pickup.setValue(current.no_pickup_hours)
        self.complete = QCheckBox(t("A delivered parcel completes its order"), self)
        self.complete.setObjectName("completeOnDelivery")
        self.complete.setChecked(current.complete_on_delivery)
        form.addRow(t("Ask the couriers every (minutes)"), self.every)
        form.addRow(t("Not picked up this many hours after scan-out: roll back"), self.pickup)
        form.addRow("", self.complete)
        layout.addLayout(form)
        self.message = QLabel("", self)
        self.message.setObjectName("courierMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.error = self.message
        layout.addWidget(self.ok_cancel(ok=t("Save settings"), on_ok=self.save_settings, first=self.Save, second=self.Close))
        self.setMinimumSize(760, 420)
        self.reload()

    def _say(self, text: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {palette.ERROR_TEXT};" if bad else "")
        self.message.setText(text)

    def reload(self) -> None:
        self.accounts = WarehouseBrowser(self.ctx.db).accounts()
        names = set((self.box or vault.open_vault(self.ctx.db, lambda: "")).names())
        self.keyed = {a.name: courier_accounts.secret_name(a.name) in names for a in self.accounts}
        fill(self.table, [[a.name, api_label(a.kind), a.url, a.customer, a.carrier,
                           MASK if self.keyed[a.name] else t("missing"), ", ".join(a.aliases)] for a in self.accounts])
        box = self.box or vault.open_vault(self.ctx.db, lambda: "")
        self.backend.setText(t("The keys are kept in this computer's system keychain.") if not isinstance(
            box, vault.OwnVault) else t("The keys are kept encrypted in the store, under the owner's passphrase."))
        self._buttons()

    def current(self) -> courier_accounts.Account | None:
        r = self.table.currentRow()
        return self.accounts[r] if 0 <= r < len(self.accounts) else None

    def _buttons(self) -> None:
        busy = self.testing is not None and not self.testing.ended.is_set()
        for name in ("edit", "remove", "test"):
            self.buttons[name].setEnabled(self.table.currentRow() >= 0 and not busy)

    def _unlocked(self, creating: bool = False):
        if self.box is None:
            self.box = unlock(self.ctx, self, creating=creating)
        return self.box

    def _save(self, found, answer) -> None:
        name, kind, url, customer, carrier, key, *rest = answer
        aliases = rest[0] if rest else None
        box = self._unlocked(creating=True)
        if box is None:
            return
        try:
            saved = self.ctx.run(lambda uow, c: courier_accounts.set_account(
                uow, c, box, name, kind, url, customer, carrier, key, aliases=aliases))
        except ShopOrdersError as exc:
            self._say(str(exc), bad=True)
            return
        self._say(t("Courier %s saved.") % saved.name)
        self.reload()

    def add(self) -> None:
        answer = CourierEditDialog.ask(None, False, self)
        if answer is not None:
            self._save(None, answer)

    def edit(self) -> None:
        found = self.current()
        if found is None:
            return
        answer = CourierEditDialog.ask(found, self.keyed.get(found.name, False), self)
        if answer is not None:
            self._save(found, answer)

    def remove(self) -> None:
        found = self.current()
        box = self._unlocked() if found is not None else None
        if found is None or box is None:
            return
        try:
            self.ctx.run(lambda uow, c: courier_accounts.remove_account(uow, c, box, found.name))
        except ShopOrdersError as exc:
            self._say(str(exc), bad=True)
            return
        self._say(t("Courier %s and its key removed.") % found.name)
        self.reload()

    def test(self) -> None:
        found = self.current()
        box = self._unlocked() if found is not None else None
        if found is None or box is None:
            return

        def work():
            adapter = courier_accounts.adapter(found, box)
            try:
                adapter.test_connection()
            finally:
                adapter.close()
            return found.name

        def done(name: str) -> None:
            self.testing = None
            self._say(t("%s answers: the address and the key work.") % name)
            self._buttons()

        def failed(message: str) -> None:
            self.testing = None
            self._say(message, bad=True)
            self._buttons()

        self._say(t("Asking %s…") % found.name)
        self.testing = run_in_pool(work, done, failed, owner=self)
        self._buttons()

    def change_passphrase(self) -> None:
        """Our own vault: the current passphrase, then the new one twice; every key re-encrypted in
        one transaction (a wrong current one is one sentence, nothing changed)."""
        box = vault.open_vault(self.ctx.db)
        if not isinstance(box, vault.OwnVault) or not box.exists():
            self._say(t("There is no passphrase to change: the keys are in the system keychain, or none is stored "
                        "yet."), bad=True)
            return
        old, ok = QInputDialog.getText(self, t("Vault passphrase"), t("The passphrase of the courier keys:"),
                                       QLineEdit.EchoMode.Password)
        if not ok:
            return
        new, ok = QInputDialog.getText(self, t("Vault passphrase"),
                                       t("A new passphrase for the courier keys (at least 8 characters):"),
                                       QLineEdit.EchoMode.Password)
        if not ok:
            return
        again, ok = QInputDialog.getText(self, t("Vault passphrase"), t("The same passphrase again:"),
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return
        if again != new:
            self._say(t("The two entries differ; nothing was changed."), bad=True)
            return
        try:
            self.ctx.run(lambda uow, c: box.change_passphrase(uow, c, old, new))
        except ShopOrdersError as exc:
            self._say(str(exc), bad=True)
            return
        self.box = vault.open_vault(self.ctx.db, functools.partial(str, new))
        self._say(t("The vault passphrase is changed; every key is encrypted under the new one."))

    def save_settings(self) -> None:
        new = tracking.TrackingSettings(self.every.value(), self.pickup.value(), self.complete.isChecked())
        try:
            self.ctx.run(lambda uow, c: tracking.set_tracking_settings(uow, c, new))
        except ShopOrdersError as exc:
            self._say(str(exc), bad=True)
            return
        self._say(t("Tracking settings saved."))
