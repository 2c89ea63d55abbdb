"""A first run that guides: where the grid will be, an empty store says what to do next (import a
channel file, try demo data, connect to a shop server), and the first start says where the store
lives and how it is backed up.

The shop server connection is the seat's own setting (QSettings `store/target`, read by the app at
start when neither --db nor $SHOP_ORDERS_DB names a store); services/seat.py keeps its password
out of that setting.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.messages import t
from shop_orders.services import seat
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import OkCancelDialog, exec_once
from shop_orders.ui.workers import Task, run_in_pool

TARGET_SETTING = "store/target"
WELCOMED_SETTING = "ui/welcomed"


class EmptyStoreGuide(QWidget):
    """Shown in place of the grid while the store holds no order at all."""

    importClicked = Signal()
    demoClicked = Signal()
    connectClicked = Signal()

    def __init__(self, where: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyStoreGuide")
        box = QVBoxLayout(self)
        box.addStretch(1)
        title = QLabel(t("No orders yet"), self)
        title.setObjectName("emptyStoreTitle")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(title)
        text = QLabel(t("This store is empty: %s. Bring in your orders, try the app with demo data, or connect this "
                        "PC to the shop's server where the other seats keep their orders.") % where, self)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for name, label, tip, signal in (
                ("guideImport", t("Import a channel file…"), t("An order export from Taobao, JD, Pinduoduo, "
                                                              "Douyin, Youzan, Shopify, WooCommerce or Amazon"),
                 self.importClicked),
                ("guideDemo", t("Try demo data"), t("Add 500 realistic orders of every channel and status"),
                 self.demoClicked),
                ("guideConnect", t("Connect to a shop server…"), t("Use the PostgreSQL server the shop's other "
                                                                   "PCs use"), self.connectClicked)):
            b = QPushButton(label, self)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setMinimumHeight(36)
            b.clicked.connect(signal)
            buttons.addWidget(b)
        buttons.addStretch(1)
        box.addLayout(buttons)
        box.addStretch(2)


def welcome_text(where: str, backups: Path, sqlite: bool) -> str:
    """What the first start says: where the store lives and how it is backed up."""
    if sqlite:
        return t("Your orders are kept on this PC in %s. Back them up with File → Back up database… (copies go "
                 "to %s); keep a copy off this PC too.") % (where, backups)
    return t("Your orders are kept on the shop server %s. Back them up from any seat with File → Back up "
             "database… (copies go to %s).") % (where, backups)


def start_notice(ctx: AppContext, qsettings) -> str | None:
    """What the window says above the grid at start, if anything. The first start on a store says
    where it lives and how it is backed up (once per seat and store: connecting to the shop's
    server says it again for the server). A seat without the store's audit key says at every
    start that it may read but not write, and how to fix it."""
    db = ctx.db
    if db.store_id is not None and db.chain_key is None:
        return t("This PC may read the orders but not change them: it has no key for this store's audit "
                 "trail. Export it on a seat that has it (`shop-orders audit key export FILE`), then import "
                 "it here (Tools → Import the store's audit key…).")
    seen = f"{WELCOMED_SETTING}-{hashlib.sha256(db.location.encode()).hexdigest()[:12]}"
    if qsettings.value(seen, False, type=bool) or (
            db.is_sqlite and qsettings.value(WELCOMED_SETTING, False, type=bool)):
        return None
    qsettings.setValue(seen, True)
    qsettings.setValue(WELCOMED_SETTING, True)
    return welcome_text(db.where, ctx.backup_dir, db.is_sqlite)


class ConnectDialog(OkCancelDialog):
    """The shop server's address (postgresql://user:password@host/db), a test, and saving it as
    this seat's store; the app opens it at its next start."""

    def __init__(self, parent, qsettings) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle(t("Connect to a shop server"))
        self.qsettings = qsettings
        self.saved: str | None = None
        self.task: Task | None = None
        form = QFormLayout(self)
        self.setMinimumWidth(560)
        note = QLabel(t("Every PC of the shop can share one PostgreSQL server. Ask whoever set it up for its "
                        "address, e.g. postgresql://shop@192.168.1.10/shop, and its password."), self)
        note.setWordWrap(True)
        form.addRow(note)
        self.url = QLineEdit(str(qsettings.value(TARGET_SETTING, "") or ""), self)
        self.url.setObjectName("serverAddress")
        self.url.setPlaceholderText(t("postgresql://user@host/database"))
        form.addRow(t("Server address"), self.url)
        self.password = QLineEdit(self)
        self.password.setObjectName("serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(t("kept in this user's ~/.pgpass, never in the address"))
        form.addRow(t("Password"), self.password)
        self.result: QLabel = QLabel("", self)  # type: ignore[assignment]  # shadows QDialog.result()
        self.result.setObjectName("connectResult")
        self.result.setWordWrap(True)
        form.addRow(self.result)
        buttons = self.ok_cancel(on_ok=self.save, first=self.Save)
        self.test_button = buttons.addButton(t("Test connection"), QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test)
        form.addRow(buttons)

    def _address(self) -> str | None:
        """The address as typed, with the password field's password in it (for the test and the
        save, which moves it to ~/.pgpass: services/seat.py)."""
        text = self.url.text().strip()
        if not text.startswith(("postgresql://", "postgres://")):
            self.result.setText(t("The address of a shop server starts with postgresql://"))
            self.result.setStyleSheet(f"color: {palette.ERROR_TEXT};")
            return None
        if self.password.text():
            return seat.with_password(text, self.password.text())
        return text

    def test(self) -> None:
        """Open the server's store in a worker (migrating nothing, creating nothing) and say how it went."""
        url = self._address()
        if url is None:
            return
        def probe() -> str:
            return seat.test_server(url)

        self.result.setText(t("Connecting…"))
        self.result.setStyleSheet("")
        self.test_button.setEnabled(False)
        self.task = run_in_pool(probe, self._tested, self._tested, owner=self)

    def _tested(self, problem: str) -> None:
        self.task = None
        self.test_button.setEnabled(True)
        if problem:
            self.result.setText(problem)
            self.result.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        else:
            self.result.setText(t("The server answered and its store is ready."))
            self.result.setStyleSheet(f"color: {palette.OK_TEXT};")

    def save(self) -> None:
        url = self._address()
        if url is None:
            return
        address = seat.remember_server(url)
        self.qsettings.setValue(TARGET_SETTING, address)
        self.qsettings.sync()
        self.saved = address
        self.accept()

    def reject(self) -> None:
        if self.task is not None:
            from shop_orders.ui.workers import registry_for

            registry_for(self).cancel_and_wait(only=[self.task])
        super().reject()

    @classmethod
    def ask(cls, parent, qsettings) -> str | None:
        d = cls(parent, qsettings)
        exec_once(d)
        return d.saved
