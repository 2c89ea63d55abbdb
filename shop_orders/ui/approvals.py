"""Bulk edits and their approval: the bulk edit dialog (selected orders or every order in the
filter), and the Approvals panel listing change sets, what each would change order by order, and
Approve / Reject / Revert.

Approving from one's own signed-in seat applies the change set at once; approving on the
proposer's PC asks the approver's own name and password there (services/changesets.confirm).
Every rule — who may, self-approval, an order changed since, an expired or modified set — is the
service's; the panel shows the one sentence it gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_PERCENT, MIN_PERCENT
from shop_orders.domain.roles import Role
from shop_orders.domain.status import DERIVED, Status
from shop_orders.services import changesets
from shop_orders.services.browse import PeopleBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import OkCancelDialog
from shop_orders.ui.order_model import local_text
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import Task, run_in_pool, run_write

BULK_KINDS = ("set_status", "cancel", "set_courier", "price_percent", "archive")
ARCHIVE_KINDS = ("unarchive", "purge")  # what the Archived filter's orders may take


def describe_values(values: dict) -> str:
    """One order's before or after, for people."""
    parts = []
    for key, value in values.items():
        if key == "status":
            parts.append(Status(value).label())
        elif key == "courier":
            parts.append(value or t("(no courier)"))
        elif key == "prices":
            parts.append(t("prices %s") % ", ".join(f"#{n}: {int(p) / 100:.2f}" for n, p in value.items()))
        elif key == "total":
            parts.append(t("total %s") % f"{int(value) / 100:.2f}")
        elif key == "archived":
            parts.append(t("archived") if value else t("in the grid"))
        elif key == "purged":
            parts.append(t("purged"))
        else:
            parts.append(f"{key}: {value}")
    return "; ".join(parts)


class BulkEditDialog(OkCancelDialog):
    """What to do to many orders, and why."""

    def __init__(self, count: int, lang: str, parent=None, *, archived: bool = False,
                 couriers: Sequence[str] = (), min_orders: int = 2) -> None:
        super().__init__(parent)
        self.setObjectName("bulkEditDialog")
        self.setWindowTitle(t("Bulk edit of %s orders") % f"{count:,}")
        self.count, self.min_orders = count, min_orders
        form = QFormLayout(self)
        # how many orders, and whether a second person approves before anything changes
        self.summary = QLabel("", self)
        self.summary.setObjectName("bulkSummary")
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        self.kind = QComboBox(self)
        self.kind.setObjectName("bulkKind")
        for kind in ARCHIVE_KINDS if archived else BULK_KINDS:
            self.kind.addItem(t(changesets.KINDS[kind]), kind)
        form.addRow(t("Change"), self.kind)
        self.pages = QStackedWidget(self)
        self.status = QComboBox(self)
        self.status.setObjectName("bulkStatus")
        for s in Status:
            if not DERIVED[s]:
                self.status.addItem(s.label(lang), s.value)
        # the shop's courier accounts to pick from; another name may still be typed
        self.courier = QComboBox(self)
        self.courier.setObjectName("bulkCourier")
        self.courier.setEditable(True)
        self.courier.addItems(sorted(couriers, key=str.casefold))
        self.courier.setCurrentIndex(-1)
        courier_text = self.courier.lineEdit()
        if courier_text is not None:  # an editable combo box has its line edit
            courier_text.setPlaceholderText(t("pick or type a courier"))
        self.percent = QDoubleSpinBox(self)
        self.percent.setObjectName("bulkPercent")
        self.percent.setRange(float(MIN_PERCENT), float(MAX_PERCENT))  # domain/money.py
        self.percent.setDecimals(1)
        self.percent.setSuffix(" %")
        pages = ((QLabel(t("The orders go back into the grid."), self),
                  QLabel(t("The orders are removed from the store for good; a backup is taken first and "
                           "their trail stays."), self)) if archived else
                 (self.status, QLabel(t("Every selected order is cancelled."), self), self.courier, self.percent,
                  QLabel(t("The orders are archived: hidden from the grid, kept in the store."), self)))
        for w in pages:
            if isinstance(w, QLabel):
                w.setWordWrap(True)
            self.pages.addWidget(w)
        self.kind.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.kind.currentIndexChanged.connect(self._summarise)
        form.addRow("", self.pages)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("bulkReason")
        self.reason.setPlaceholderText(t("why (goes into the trust chain)"))
        form.addRow(t("Reason"), self.reason)
        self.error = QLabel("", self)
        self.error.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        form.addRow(self.error)
        form.addRow(self.ok_cancel(ok=t("Propose"), on_ok=self._ok))
        self._summarise()

    def needs_second_person(self) -> bool:
        """As the service decides it (changesets.needs_second_person), from what the dialog was given."""
        return str(self.kind.currentData()) in changesets.ALWAYS_TWO or self.count >= self.min_orders

    def _summarise(self) -> None:
        head = t("1 order.") if self.count == 1 else t("%s orders.") % f"{self.count:,}"
        rule = (t("A second person must approve this change before any order changes.") if self.needs_second_person()
                else t("It is applied at once: the two-person rule starts at %s orders.") % f"{self.min_orders:,}")
        self.summary.setText(f"{head} {rule}")

    def answer(self) -> tuple[str, dict, str]:
        kind = str(self.kind.currentData())
        params: dict = {}
        if kind == "set_status":
            params = {"status": self.status.currentData()}
        elif kind == "set_courier":
            params = {"courier": self.courier.currentText().strip()}
        elif kind == "price_percent":
            params = {"percent": f"{self.percent.value():g}"}
        return kind, params, self.reason.text().strip()

    def _ok(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(t("A change set needs a reason."))
            return
        self.accept()

    def chosen(self) -> tuple[str, dict, str]:
        return self.answer()


class ApproveAsDialog(OkCancelDialog):
    """On the proposer's PC: the approver's own name and password, typed there and then."""

    def __init__(self, ctx: AppContext, change_set_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("approveAsDialog")
        self.setWindowTitle(t("Approve change set #%s") % change_set_id)
        form = QFormLayout(self)
        note = QLabel(t("A second person approves: type your own name and password (or PIN)."), self)
        note.setWordWrap(True)
        form.addRow(note)
        self.name = QLineEdit(self)
        self.name.setObjectName("approverName")
        self.secret = QLineEdit(self)
        self.secret.setObjectName("approverSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(t("Name"), self.name)
        form.addRow(t("Password or PIN"), self.secret)
        form.addRow(self.ok_cancel(ok=t("Approve")))

    def chosen(self) -> tuple[str, str]:
        return self.name.text().strip(), self.secret.text()


class ReasonDialog(OkCancelDialog):
    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        form.addRow(t("Reason"), self.reason)
        form.addRow(self.ok_cancel())

    def chosen(self) -> str | None:
        return self.reason.text().strip() or None


class ApprovalsPanel(QWidget):
    """The change sets: waiting ones first with when they expire, what each changes, and the
    decisions. `changed` fires after a decision (the grid reloads); `countChanged(n)` gives the
    number waiting (the badge)."""

    changed = Signal()
    countChanged = Signal(int)

    def __init__(self, ctx: AppContext, lang: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalsPanel")
        self.ctx, self.lang = ctx, lang
        self.people = PeopleBrowser(ctx.db)
        self.sets: list[changesets.Proposal] = []
        self._loading: Task | None = None
        self.permitted: frozenset[str] | None = None  # the signed-in user's actions (None: not read yet)
        self._again = False  # a reload was asked for while one ran
        self._reading = False  # a read is under way (its answer not yet shown)
        self.applying: Task | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.table = text_table(self, [t("#"), t("State"), t("Change"), t("Orders"), t("Proposed by"),
                                       t("Decided by"), t("Reason"), t("Expires")], "changeSets")
        self.table.currentCellChanged.connect(lambda *_: self._show_items())
        self.items = text_table(self, [t("Order"), t("Now"), t("After")], "changeSetItems")
        lists = QHBoxLayout()  # the change sets beside the chosen one's orders: the dock stays low
        lists.addWidget(self.table, 4)
        lists.addWidget(self.items, 3)
        layout.addLayout(lists, 1)
        row = QHBoxLayout()
        self.approve_button = QPushButton(t("Approve"), self)
        self.approve_button.setObjectName("approveChangeSet")
        self.approve_as_button = QPushButton(t("Approve as another person…"), self)
        self.approve_as_button.setObjectName("approveAsChangeSet")
        self.reject_button = QPushButton(t("Reject…"), self)
        self.reject_button.setObjectName("rejectChangeSet")
        self.revert_button = QPushButton(t("Propose a revert…"), self)
        self.revert_button.setObjectName("revertChangeSet")
        for b, slot in ((self.approve_button, self.approve), (self.approve_as_button, self.approve_as),
                        (self.reject_button, self.reject_current), (self.revert_button, self.revert)):
            b.clicked.connect(slot)
            row.addWidget(b)
        layout.addLayout(row)
        self.message = QLabel("", self)
        self.message.setObjectName("approvalsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._buttons()

    # ---- reading (in a worker) ----------------------------------------------------------------
    def reload(self) -> None:
        """Read the change sets again (in a worker); asked while a read runs, one more follows it,
        so what is shown is never older than the last request."""
        if self._reading:
            self._again = True
            return
        self._again, self._reading = False, True
        people = self.people
        self._loading = run_in_pool(lambda: people.change_sets(), self._show, self._not_read, owner=self)

    def loaded(self) -> bool:
        """What is shown is the last read asked for (nothing is being read, nothing more asked)."""
        return not self._reading and not self._again

    def _not_read(self, _message: str) -> None:
        self._reading = False  # the next poll or decision reads again

    def _show(self, sets: list) -> None:
        self._reading = False
        if self._again:
            self.reload()
            return
        current = self.current()
        keep = current.id if current is not None else None
        waiting = [s for s in sets if s.state == changesets.PENDING]
        self.sets = waiting + [s for s in sets if s.state != changesets.PENDING][:200]
        fill(self.table, [[str(s.id), t(changesets.STATES.get(s.state, s.state)), s.label, f"{s.orders:,}",
                           s.proposer, s.decided(self.lang), s.reason,
                           local_text(s.expires_at) if s.state == changesets.PENDING else ""]
                          for s in self.sets])
        for i, s in enumerate(self.sets):
            if s.id == keep:
                self.table.selectRow(i)
        self.countChanged.emit(len(waiting))
        self._buttons()

    def current(self) -> changesets.Proposal | None:
        row = self.table.currentRow()
        return self.sets[row] if 0 <= row < len(self.sets) else None

    def _show_items(self) -> None:
        cs = self.current()
        self._buttons()
        if cs is None:
            self.items.setRowCount(0)
            return
        if cs.kind in ("set_role", "permissions", "two_person"):
            fill(self.items, [[t(changesets.KINDS[cs.kind]), "", ", ".join(f"{k}: {v}" for k, v in cs.params.items()
                                                                            if k != "matrix") or t("see the list")]])
            return
        rows = self.people.change_set_items(cs.id, 500)
        fill(self.items, [[no, describe_values(before), describe_values(after)] for no, before, after in rows])

    def _buttons(self) -> None:
        """What the signed-in user may do with the chosen set; a disabled button says why."""
        cs = self.current()
        me = self.ctx.actor.name
        pending = cs is not None and cs.state == changesets.PENDING
        mine = cs is not None and cs.proposer == me

        def may(action: str) -> bool:
            return self.permitted is None or action in self.permitted

        no_right = t("Your role (%s) may not do this; the owner sets it in the permissions.") % Role(
            self.ctx.actor.role).label(self.lang)
        self.approve_button.setEnabled(pending and not mine and may("changes.approve"))
        self.approve_button.setToolTip(t("You proposed it: another person approves.") if pending and mine else
                                       no_right if pending and not may("changes.approve") else "")
        self.approve_as_button.setEnabled(pending)
        self.reject_button.setEnabled(pending and (mine or may("changes.approve")))  # or withdraw one's own
        self.reject_button.setToolTip(no_right if pending and not self.reject_button.isEnabled() else "")
        revertible = (cs is not None and cs.state == changesets.APPLIED and cs.kind in changesets.ORDER_KINDS
                      and cs.kind != "purge")
        self.revert_button.setEnabled(revertible and may("orders.bulk"))
        self.revert_button.setToolTip(no_right if revertible and not may("orders.bulk") else "")

    # ---- deciding ------------------------------------------------------------------------------
    def _done(self, message: str, ok: bool) -> None:
        self.message.setStyleSheet("" if ok else f"color: {palette.ERROR_TEXT};")
        self.message.setText(message)
        self.reload()
        if ok:
            self.changed.emit()

    def approve(self) -> None:
        """From this seat: the signed-in user approves."""
        cs = self.current()
        if cs is None:
            return
        ctx = self.ctx
        self._in_worker(lambda: ctx.run(lambda uow, _c: changesets.approve(uow, ctx.actor, cs.id)), self._applied)

    @staticmethod
    def _applied(done: changesets.Proposal) -> str:
        return t("Change set #%s was approved and applied (%s orders).") % (done.id, f"{done.orders:,}")

    def _in_worker(self, work, said: Callable[[changesets.Proposal], str]) -> None:
        """A decision reads or writes every order of the set (an approval applies them in one
        transaction, a revert proposes them all again): in a worker, the buttons off meanwhile."""
        self.message.setStyleSheet("")
        self.message.setText(t("Applying…"))
        self.applying = run_write(self, work, lambda done: self._done(said(done), True),
                                  lambda message: self._done(message, False),
                                  hold=(self.approve_button, self.approve_as_button, self.reject_button,
                                        self.revert_button))

    def approve_as(self) -> None:
        """On this PC, by another person who types their own password."""
        cs = self.current()
        if cs is None:
            return
        answer = ApproveAsDialog.ask(self.ctx, cs.id, self)
        if answer is None:
            return
        db = self.ctx.db
        self._in_worker(lambda: changesets.confirm(db, answer[0], cs.id, answer[1]), self._applied)

    def _decide(self, decision, said: Callable[[changesets.Proposal], str]) -> None:
        ctx = self.ctx
        self._in_worker(lambda: ctx.run(decision), said)

    def reject_current(self) -> None:
        cs = self.current()
        if cs is None:
            return
        reason = ReasonDialog.ask(t("Reject change set #%s") % cs.id, self)
        if reason is not None:
            self._decide(lambda uow, c: changesets.reject(uow, c, cs.id, reason),
                         lambda _p: t("Change set #%s was rejected.") % cs.id)

    def revert(self) -> None:
        cs = self.current()
        if cs is None:
            return
        reason = ReasonDialog.ask(t("Revert change set #%s") % cs.id, self)
        if reason is not None:
            self._decide(lambda uow, c: changesets.revert(uow, c, cs.id, reason),
                         lambda p: t("Change set #%s proposed: it reverts #%s once another person approves "
                                     "it.") % (p.id, cs.id))

    def pending_now(self) -> int:
        return self.people.pending(datetime.now(UTC))

