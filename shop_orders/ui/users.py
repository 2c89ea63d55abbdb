"""Signing in at a shared shop PC: the first owner of a store, sign-in (password or PIN), the
quick switch, the idle lock's unlock, and the owner's users and permissions dialogs.

Every check is the services' (services/auth.py, permissions.py, changesets.py); these dialogs
ask, show the one sentence a refusal gives, and hand back who signed in. A change of role or of
the permissions is proposed as a two-person change set, never applied here.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import ALL_ACTIONS, OWNER_ALWAYS, OWNER_ONLY, Role, action_label
from shop_orders.services import auth, changesets, permissions
from shop_orders.services.browse import PeopleBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import OkCancelDialog, exec_once
from shop_orders.ui.tables import fill, text_table

LAST_USER_SETTING = "session/last_user"  # who signed in last at this seat: the sign-in's first choice


def _error_label(parent) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName("signInError")
    label.setStyleSheet(f"color: {palette.ERROR_TEXT};")
    label.setWordWrap(True)
    return label


class FirstOwnerDialog(OkCancelDialog):
    """A store without users (new, or from before users existed) gets its owner: nothing else
    changes, every order stays as it was."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("firstOwnerDialog")
        self.setWindowTitle(t("The store's owner"))
        self.ctx = ctx
        self.user: auth.UserInfo | None = None
        form = QFormLayout(self)
        note = QLabel(t("This store has no owner yet. Create the owner's account: the owner adds the other "
                        "people who use this PC and decides what each may do."), self)
        note.setWordWrap(True)
        form.addRow(note)
        self.name = QLineEdit(auth.os_user(), self)
        self.name.setObjectName("ownerName")
        self.password = QLineEdit(self)
        self.password.setObjectName("ownerPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit(self)
        self.again.setObjectName("ownerPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("ownerPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(t("optional: at least 6 digits, for a quick switch"))
        form.addRow(t("Name"), self.name)
        form.addRow(t("Password"), self.password)
        form.addRow(t("Password again"), self.again)
        form.addRow(t("PIN"), self.pin)
        self.error = _error_label(self)
        form.addRow(self.error)
        buttons = self.ok_cancel(on_ok=self.create_owner)
        if ctx.db.is_sqlite:  # a new PC of a shop that already has its server: no local owner needed
            join = buttons.addButton(t("This PC joins a shop server…"), QDialogButtonBox.ButtonRole.ActionRole)
            join.setObjectName("joinServer")
            join.clicked.connect(self.join_server)
        form.addRow(buttons)
        self.setMinimumWidth(520)
        self.password.setFocus()  # the name is the PC's user's: most owners keep it

    def join_server(self) -> None:
        """Connect this PC to the shop's server instead, and start again on it."""
        from PySide6.QtCore import QSettings

        from shop_orders.services import seat
        from shop_orders.ui.first_run import ConnectDialog

        if ConnectDialog.ask(self, QSettings()) is None:
            return
        seat.restart()
        self.reject()

    def create_owner(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(t("The two passwords differ."))
            return
        try:
            name, password, pin = self.name.text(), self.password.text(), self.pin.text() or None
            self.user = self.ctx.run(lambda uow, c: auth.create_user(uow, c, name, Role.OWNER, password, pin))
        except ShopOrdersError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, ctx: AppContext, parent=None) -> auth.UserInfo | None:
        d = cls(ctx, parent)
        exec_once(d)
        return d.user


class SignInDialog(OkCancelDialog):
    """Who is at the PC: a name and a password or PIN. The lock after wrong attempts is the
    service's; this dialog says what it says."""

    def __init__(self, ctx: AppContext, parent=None, *, title: str = "", name: str = "",
                 qsettings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.qsettings = qsettings
        self.setWindowTitle(title or t("Sign in to Shop Orders"))
        self.ctx = ctx
        self.user: auth.UserInfo | None = None
        form = QFormLayout(self)
        self.name = QComboBox(self)
        self.name.setObjectName("signInName")
        self.name.setEditable(True)
        names = [u.name for u in PeopleBrowser(ctx.db).users() if not u.disabled]
        self.name.addItems(names)
        # who signed in last at this seat (a seat-local setting), else the PC's user, else the first
        last = str(qsettings.value(LAST_USER_SETTING, "") or "") if qsettings is not None else ""
        self.name.setCurrentText(name or next((n for n in (last, ctx.actor.name) if n in names),
                                              names[0] if names else ""))
        self.secret = QLineEdit(self)
        self.secret.setObjectName("signInSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(t("password or PIN"))
        form.addRow(t("Name"), self.name)
        form.addRow(t("Password or PIN"), self.secret)
        self.error = _error_label(self)
        form.addRow(self.error)
        form.addRow(self.ok_cancel(ok=t("Sign in"), on_ok=self.sign_in))
        self.setMinimumWidth(440)
        self.secret.setFocus()

    def sign_in(self) -> None:
        try:
            self.user = auth.authenticate(self.ctx.db, self.name.currentText(), self.secret.text())
        except ShopOrdersError as exc:
            self.secret.clear()
            self.error.setText(str(exc))
            return
        if self.qsettings is not None:
            self.qsettings.setValue(LAST_USER_SETTING, self.user.name)
        self.accept()

    @classmethod
    def ask(cls, ctx: AppContext, parent=None, *, title: str = "", name: str = "",
            qsettings: QSettings | None = None) -> auth.UserInfo | None:
        d = cls(ctx, parent, title=title, name=name, qsettings=qsettings)
        exec_once(d)
        return d.user


def sign_in_at_start(ctx: AppContext, qsettings: QSettings | None = None) -> auth.UserInfo | None:
    """Who opens the app: a store with users asks for a name and password or PIN; a store without
    any (new, or upgraded from before users existed) asks for its owner first. None: cancelled."""
    if PeopleBrowser(ctx.db).has_users():
        return SignInDialog.ask(ctx, qsettings=qsettings)
    return FirstOwnerDialog.ask(ctx)


class UsersDialog(QDialog):
    """The owner's people: add, disable or enable, set a password or PIN, change a role (a
    two-person change: proposed here, approved in the Approvals panel)."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle(t("Users"))
        self.resize(720, 460)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.table = text_table(self, [t("Name"), t("Role"), t("PIN"), t("State")], "usersTable")
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.new_name = QLineEdit(self)
        self.new_name.setObjectName("newUserName")
        self.new_role = QComboBox(self)
        self.new_role.setObjectName("newUserRole")
        for role in Role:
            self.new_role.addItem(role.label(), role.value)
        self.default_role = PeopleBrowser(ctx.db).new_user_role()  # a slip gives too little, never too much
        self.new_role.setCurrentIndex(self.new_role.findData(self.default_role.value))
        self.new_password = QLineEdit(self)
        self.new_password.setObjectName("newUserPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_again = QLineEdit(self)
        self.new_again.setObjectName("newUserPasswordAgain")
        self.new_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin = QLineEdit(self)
        self.new_pin.setObjectName("newUserPin")
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin.setPlaceholderText(t("optional: at least 6 digits, for a quick switch"))
        form.addRow(t("Name"), self.new_name)
        form.addRow(t("Role"), self.new_role)
        form.addRow(t("Password"), self.new_password)
        form.addRow(t("Password again"), self.new_again)
        form.addRow(t("PIN"), self.new_pin)
        layout.addLayout(form)
        row = QHBoxLayout()
        for name, text, slot in (("addUser", t("Add user"), self.add),
                                 ("toggleUser", t("Disable / enable"), self.toggle),
                                 ("proposeRole", t("Propose this role for the selected user"), self.propose_role)):
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.clicked.connect(slot)
            row.addWidget(b)
        layout.addLayout(row)
        self.message = QLabel("", self)
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.people = PeopleBrowser(self.ctx.db).users()
        fill(self.table, [[u.name, u.role.label(), t("yes") if u.has_pin else "",
                           t("disabled") if u.disabled else t("active")] for u in self.people])

    def _selected(self) -> auth.UserInfo | None:
        row = self.table.currentRow()
        return self.people[row] if 0 <= row < len(self.people) else None

    def _do(self, fn, done: str) -> bool:
        try:
            result = self.ctx.run(fn)
        except ShopOrdersError as exc:
            self.message.setStyleSheet(f"color: {palette.ERROR_TEXT};")
            self.message.setText(str(exc))
            return False
        self.message.setStyleSheet("")
        self.message.setText(done if "%s" not in done else done % result)
        self.reload()
        return True

    def add(self) -> None:
        name, role = self.new_name.text(), self.new_role.currentData()
        password, pin = self.new_password.text(), self.new_pin.text() or None
        if password != self.new_again.text():
            self.message.setStyleSheet(f"color: {palette.ERROR_TEXT};")
            self.message.setText(t("The two passwords differ."))
            self.new_again.clear()
            self.new_again.setFocus()
            return

        def add(uow, c):
            done = changesets.account_change(uow, c, "create_user", name, role=role, password=password, pin=pin)
            return t("User added.") if isinstance(done, auth.UserInfo) else self._proposal_sentence(done)

        if self._do(add, "%s"):
            for w in (self.new_name, self.new_password, self.new_again, self.new_pin):
                w.clear()
            self.new_role.setCurrentIndex(self.new_role.findData(self.default_role.value))

    @staticmethod
    def _proposal_sentence(p) -> str:
        return t("Change set #%s proposed: another person approves it in the Approvals panel.") % p.id

    def toggle(self) -> None:
        u = self._selected()
        if u is None:
            return
        if u.disabled:
            def enable(uow, c):
                done = changesets.account_change(uow, c, "enable_user", u.name)
                return t("Saved.") if done is None else self._proposal_sentence(done)

            self._do(enable, "%s")
        else:
            self._do(lambda uow, c: auth.set_disabled(uow, c, u.name, True), t("Saved."))

    def propose_role(self) -> None:
        u = self._selected()
        if u is None:
            return
        role = self.new_role.currentData()
        self._do(lambda uow, c: changesets.submit(uow, c, "set_role", {"user": u.name, "role": role},
                                                  t("role of %s") % u.name).id,
                 t("Change set #%s proposed: another person approves it in the Approvals panel."))

    @classmethod
    def ask(cls, ctx: AppContext, parent=None) -> None:
        exec_once(cls(ctx, parent))


def _checked(item: QTableWidgetItem | None) -> bool:
    return item is not None and item.checkState() == Qt.CheckState.Checked


class PermissionsDialog(OkCancelDialog):
    """Role × action, and the two-person rule; saving proposes a change set (two-person); the
    idle lock is set at once (locking sooner never loosens anything)."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("permissionsDialog")
        self.setWindowTitle(t("Permissions"))
        self.resize(900, 640)
        self.ctx = ctx
        matrix, two, idle = PeopleBrowser(ctx.db).rules()
        self.original = {a: roles | {Role.OWNER} if a in OWNER_ALWAYS else roles for a, roles in matrix.items()}
        layout = QVBoxLayout(self)
        roles = list(Role)
        self.grid = QTableWidget(len(ALL_ACTIONS), len(roles), self)
        self.grid.setObjectName("permissionMatrix")
        self.grid.setHorizontalHeaderLabels([r.label() for r in roles])
        self.grid.setVerticalHeaderLabels([action_label(a) for a in ALL_ACTIONS])
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, action in enumerate(ALL_ACTIONS):
            for c, role in enumerate(roles):
                item = QTableWidgetItem()
                kept = role is Role.OWNER and action in OWNER_ALWAYS  # no matrix locks the shop out of itself
                fixed = kept or action in OWNER_ONLY  # the owner's alone: nobody else can be given it
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable if fixed else
                              Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                on = kept or role in matrix[action]
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.grid.setItem(r, c, item)
        layout.addWidget(self.grid, 1)
        form = QFormLayout()
        self.min_orders = QSpinBox(self)
        self.min_orders.setObjectName("twoPersonMinOrders")
        self.min_orders.setRange(1, 1_000_000)
        self.min_orders.setValue(two.min_orders)
        self.expiry = QSpinBox(self)
        self.expiry.setObjectName("twoPersonExpiry")
        self.expiry.setRange(1, 720)
        self.expiry.setValue(two.expiry_hours)
        self.idle = QSpinBox(self)
        self.idle.setObjectName("idleLockMinutes")
        self.idle.setRange(0, 1440)
        self.idle.setValue(idle)
        self.original_rules = (two.min_orders, two.expiry_hours, idle)
        form.addRow(t("A bulk edit needs a second person from this many orders"), self.min_orders)
        form.addRow(t("A proposal expires after (hours)"), self.expiry)
        form.addRow(t("Lock an unused PC after (minutes; 0: never)"), self.idle)
        layout.addLayout(form)
        self.message = QLabel("", self)
        self.message.setObjectName("permissionsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(self.ok_cancel(on_ok=self.save, first=self.Save, second=self.Close))
        self.proposed: list[int] = []

    def chosen(self) -> dict[str, list[str]]:
        roles = list(Role)
        return {a: [roles[c].value for c in range(len(roles))
                    if _checked(self.grid.item(r, c))]
                for r, a in enumerate(ALL_ACTIONS)}

    def save(self) -> None:
        """Propose what changed; set the idle lock."""
        changed = {a: roles for a, roles in self.chosen().items()
                   if frozenset(Role(r) for r in roles) != self.original[a]}
        min_orders, expiry, idle = self.min_orders.value(), self.expiry.value(), self.idle.value()
        proposed: list[int] = []
        messages: list[str] = []

        def change(uow, c) -> None:
            if changed:
                p = changesets.submit(uow, c, "permissions", {"matrix": changed}, t("permissions"))
                proposed.append(p.id)
                messages.append(t("Change set #%s proposed (the permissions).") % p.id)
            if (min_orders, expiry) != self.original_rules[:2]:
                p = changesets.submit(uow, c, "two_person", {"min_orders": min_orders, "expiry_hours": expiry},
                                      t("the two-person rule"))
                proposed.append(p.id)
                messages.append(t("Change set #%s proposed (the two-person rule).") % p.id)
            if idle != self.original_rules[2]:
                permissions.set_idle_lock(uow, c, idle)
                messages.append(t("The idle lock is saved."))

        try:
            self.ctx.run(change)
            self.proposed.extend(proposed)
        except ShopOrdersError as exc:
            self.message.setStyleSheet(f"color: {palette.ERROR_TEXT};")
            self.message.setText(str(exc))
            return
        self.message.setStyleSheet("")
        self.message.setText(" ".join(messages) or t("Nothing was changed."))

    @classmethod
    def ask(cls, ctx: AppContext, parent=None) -> list[int]:
        d = cls(ctx, parent)
        exec_once(d)
        return d.proposed

