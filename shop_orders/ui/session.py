"""Who is signed in at this window, and what they may do: the rights read from the store (actions
they may not take are disabled, their tooltip says why), work under way holding its actions off,
the idle lock and its lock page, switching user, and the users and permissions dialogs."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.roles import Role
from shop_orders.services import permissions
from shop_orders.services.browse import PeopleBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.actions import action
from shop_orders.ui.users import PermissionsDialog, SignInDialog, UsersDialog
from shop_orders.ui.workers import run_in_pool

IDLE_CHECK_MS = 15_000


class IdleWatch(QObject):
    """When a person last touched this app (keys, mouse): the idle lock's clock."""

    INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.last = time.monotonic()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self.INPUT:
            self.last = time.monotonic()
        return False

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last


class SignedInSession(QObject):
    rightsChanged = Signal()  # what the signed-in user may do was read again
    lockedChanged = Signal(bool)  # the window's content is out of reach (True) or back (False)
    signedIn = Signal()  # someone (else) signed in at this window
    peopleChanged = Signal()  # users or permissions were edited here
    said = Signal(str, int)

    def __init__(self, ctx: AppContext, lang: str, window: QMainWindow) -> None:
        super().__init__(window)
        self.ctx, self.lang, self.window = ctx, lang, window
        self.people = PeopleBrowser(ctx.db)
        self.permitted: frozenset[str] | None = None  # what the signed-in user may do (None: not read yet)
        self.idle_minutes = 0
        self.has_users = False
        self.locked = False
        self.needs: dict[QAction, str] = {}  # what each action needs from the permission matrix
        self._busy: set[QAction] = set()  # actions held off while their work runs (see hold)
        self.label = QLabel("", window)
        self.label.setObjectName("signedInLabel")
        self.page = self._lock_page()
        self.switch_action = action(window, t("S&witch user…"), self.switch_user, QKeySequence("Ctrl+L"), "switchUser")
        self.lock_action = action(window, t("&Lock this PC"), self.lock_now, None, "lockNow")
        self.users_action = action(window, t("&Users…"), self.manage_users, None, "manageUsers")
        self.permissions_action = action(window, t("&Permissions…"), self.edit_permissions, None, "editPermissions")
        self.require({self.users_action: "users.manage", self.permissions_action: "settings.permissions"})
        self.people_watch = IdleWatch(self)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(IDLE_CHECK_MS)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()

    # ---- rights -----------------------------------------------------------------------------------
    def require(self, needs: dict[QAction, str]) -> None:
        """These actions need these rights (a permission, or a prefix ending in ':')."""
        self.needs.update(needs)

    def refresh_rights(self) -> None:
        """Read (in a worker) what the signed-in user may do; actions they may not take are
        disabled, their tooltip says why."""
        people, actor = self.people, self.ctx.actor
        self.label.setText(t("Signed in: %s · %s") % (actor.name, Role(actor.role).label(self.lang)))
        run_in_pool(lambda: (people.allowed(actor), people.rules()[2], people.has_users()), self._rights_arrived,
                    lambda message: self.said.emit(message, 10000), owner=self)

    def _rights_arrived(self, answer) -> None:
        permitted, idle_minutes, has_users = answer
        self.permitted, self.idle_minutes, self.has_users = frozenset(permitted), int(idle_minutes), bool(has_users)
        role = Role(self.ctx.actor.role).label(self.lang)
        for a in self.needs:
            ok = self.may(a)
            self._enable(a)
            tip = "" if ok else t("Your role (%s) may not do this; the owner sets it in the permissions.") % role
            a.setToolTip(tip or a.text().replace("&", ""))
        self.rightsChanged.emit()

    def may(self, a: QAction) -> bool:
        """The signed-in user's role allows this action (unknown until the rights are read: yes)."""
        need = self.needs.get(a)
        if need is None or self.permitted is None:
            return True
        return any(p.startswith(need) for p in self.permitted) if need.endswith(":") else need in self.permitted

    def _enable(self, a: QAction) -> None:
        a.setEnabled(self.may(a) and a not in self._busy)

    def hold(self, actions: list[QAction], busy: bool) -> None:
        """Work under way (a backup, a restore, a check) holds its actions off until it ends,
        whatever the rights say meanwhile."""
        for a in actions:
            if busy:
                self._busy.add(a)
            else:
                self._busy.discard(a)
            self._enable(a)

    def refused(self, right: str) -> bool:
        """The store says the signed-in user may not (the menu item was disabled, but the rights
        may have changed since): say so, do nothing."""
        try:
            permissions.check(self.ctx.db, self.ctx.actor, right, damaged_ok=right == "store.restore")
        except ShopOrdersError as exc:
            QMessageBox.warning(self.window, t("Not allowed"), str(exc))
            return True
        return False

    # ---- signing in, the lock ---------------------------------------------------------------------
    def switch_user(self) -> None:
        """Someone else takes the seat (password or PIN)."""
        user = SignInDialog.ask(self.ctx, self.window, title=t("Switch user"),
                                qsettings=getattr(self.window, "qsettings", None))
        if user is not None:
            self.signed_in(user)

    def signed_in(self, user) -> None:
        self.ctx.actor = user.actor
        self.set_locked(False)
        self.refresh_rights()
        self.signedIn.emit()

    def _lock_page(self) -> QWidget:
        page = QWidget(self.window)
        page.setObjectName("lockPage")
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.lock_text = QLabel(t("Locked: sign in to continue"), page)
        self.lock_text.setObjectName("lockText")
        self.lock_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_text.setStyleSheet(f"font-size: 16pt; color: {palette.LOCK_TEXT};")
        box.addWidget(self.lock_text)
        button = QPushButton(t("Sign in"), page)
        button.setObjectName("lockSignIn")
        button.clicked.connect(self._unlock)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(2)
        return page

    def set_locked(self, locked: bool) -> None:
        """Locked: the orders, the panels and the menus are out of reach; only signing in is left."""
        self.locked = locked
        self.lockedChanged.emit(locked)

    def _unlock(self) -> None:
        user = SignInDialog.ask(self.ctx, self.window, title=t("Locked: sign in to continue"),
                                name=self.ctx.actor.name, qsettings=getattr(self.window, "qsettings", None))
        if user is not None:
            self.signed_in(user)

    def lock_now(self) -> None:
        """The idle lock (or Lock this PC): the window's content is hidden until someone signs in."""
        if self.locked:
            return
        self.set_locked(True)
        self._unlock()

    def check_idle(self) -> None:
        if (self.idle_minutes and self.has_users and not self.locked
                and self.people_watch.idle_seconds() >= self.idle_minutes * 60):
            self.lock_now()

    # ---- people -----------------------------------------------------------------------------------
    def manage_users(self) -> None:
        UsersDialog.ask(self.ctx, self.window)
        self.peopleChanged.emit()

    def edit_permissions(self) -> None:
        PermissionsDialog.ask(self.ctx, self.window)
        self.peopleChanged.emit()
        self.refresh_rights()
