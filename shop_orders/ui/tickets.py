"""The exception-ticket panel (a dock): tickets by due time with a live countdown (red overdue,
amber within the last quarter of their time), filters, the chosen ticket's notes, files and
history, and what a person does with it: open one for an order, assign, comment, attach a file,
move it, close it with a resolution and evidence. Every read and write runs in a worker; the
countdown ticks on the UI thread from what was read (no database access per second)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.messages import N_, t
from shop_orders.domain.roles import Role
from shop_orders.domain.tickets import (
    HISTORY_CHOICES,
    Kind,
    Priority,
    State,
    countdown,
)
from shop_orders.domain.trail import actor_name, readable
from shop_orders.domain.vocabulary import TICKET_FIELDS, source_label
from shop_orders.services import tickets
from shop_orders.services.browse import PeopleBrowser, TicketBrowser, TicketFilter, TicketRow
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import OkCancelDialog, exec_once
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.order_model import local_text
from shop_orders.ui.ticket_model import (
    DUE_COLUMN,
    Listing,
    TicketTableModel,
    read_listing,
    who_label,
)
from shop_orders.ui.workers import Task, run_in_pool, run_write

RED = QColor(palette.TICKET_RED)
AMBER = QColor(palette.TICKET_AMBER)
SCOPES = (("active", N_("Open tickets")), ("mine", N_("Mine")), ("role", N_("My role's")), ("overdue", N_("Overdue")),
          ("all", N_("All, closed too")))


def _duration(seconds: int | None) -> str:
    return "" if seconds is None else countdown(seconds)


# ---- dialogs ---------------------------------------------------------------------------------------

class NewTicketDialog(OkCancelDialog):
    """A ticket for an order: its kind, priority (the kind's default) and a note."""

    def __init__(self, order_no: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("newTicketDialog")
        self.setWindowTitle(t("New ticket for %s") % order_no)
        form = QFormLayout(self)
        self.kind = QComboBox(self)
        self.kind.setObjectName("ticketKind")
        for k in Kind:
            self.kind.addItem(k.label(), k.value)
        self.priority = QComboBox(self)
        self.priority.setObjectName("ticketPriority")
        self.priority.addItem(t("the kind's default"), None)
        for p in Priority:
            self.priority.addItem(p.label(), int(p))
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("ticketNote")
        self.note.setPlaceholderText(t("what is wrong, what the customer said"))
        form.addRow(t("Kind"), self.kind)
        form.addRow(t("Priority"), self.priority)
        form.addRow(t("Note"), self.note)
        form.addRow(self.ok_cancel())
        self.setMinimumWidth(460)

    def answer(self) -> tuple[str, int | None, str]:
        return str(self.kind.currentData()), self.priority.currentData(), self.note.toPlainText().strip()

    def chosen(self) -> tuple[str, int | None, str]:
        return self.answer()


class TextDialog(OkCancelDialog):
    """One line or a few of text (a comment)."""

    def __init__(self, title: str, label: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketTextDialog")
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("ticketText")
        form.addRow(label, self.text)
        form.addRow(self.ok_cancel())
        self.setMinimumWidth(420)

    def chosen(self) -> str | None:
        return self.text.toPlainText().strip() or None


class AssignDialog(OkCancelDialog):
    """To a person (by name) or to everyone of a role."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("assignTicketDialog")
        self.setWindowTitle(t("Assign ticket"))
        form = QFormLayout(self)
        self.who = QComboBox(self)
        self.who.setObjectName("ticketAssignee")
        for u in PeopleBrowser(ctx.db).users():
            if not u.disabled:
                self.who.addItem(f"{u.name} · {u.role.label()}", u.name)
        for r in Role:
            self.who.addItem(t("everyone: %s") % r.label(), r.value)
        form.addRow(t("Assign to"), self.who)
        form.addRow(self.ok_cancel())

    def chosen(self) -> str:
        return str(self.who.currentData())


class CloseTicketDialog(OkCancelDialog):
    """Closing: a written resolution and at least one evidence file (attached now or before)."""

    def __init__(self, ticket_id: int, attached: int, protected, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("closeTicketDialog")
        self.setWindowTitle(t("Close ticket #%s") % ticket_id)
        self.attached = attached
        self.protected = protected
        self.files: list[Path] = []
        form = QFormLayout(self)
        self.resolution = QPlainTextEdit(self)
        self.resolution.setObjectName("ticketResolution")
        self.resolution.setPlaceholderText(t("what was done, and what the customer agreed to"))
        form.addRow(t("Resolution"), self.resolution)
        self.list = QListWidget(self)
        self.list.setObjectName("ticketEvidence")
        add = QPushButton(t("Add evidence file…"), self)
        add.setObjectName("addEvidence")
        add.clicked.connect(self.add_file)
        note = QLabel(t("Already attached to the ticket: %s file(s).") % attached, self)
        form.addRow(t("Evidence"), self.list)
        form.addRow("", add)
        form.addRow("", note)
        self.error = QLabel("", self)
        self.error.setObjectName("closeTicketError")
        self.error.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        form.addRow(self.ok_cancel(ok=t("Close ticket"), on_ok=self._ok))
        self.setMinimumWidth(520)

    def add_file(self) -> None:
        path = FileDialog.ask_open(self, t("Evidence file"), t("Photos, screenshots, receipts (*)"),
                                   protected=self.protected)
        if path is not None:
            self.add_path(path)

    def add_path(self, path: Path) -> None:
        self.files.append(path)
        self.list.addItem(QListWidgetItem(path.name))

    def _ok(self) -> None:
        if not self.resolution.toPlainText().strip():
            self.error.setText(t("Closing a ticket needs a written resolution."))
            return
        if not self.files and not self.attached:
            self.error.setText(t("Closing a ticket needs at least one evidence file (a photo, a screenshot, a "
                                 "receipt)."))
            return
        self.accept()

    def chosen(self) -> tuple[str, list[Path]]:
        return self.resolution.toPlainText().strip(), list(self.files)


# ---- the panel -------------------------------------------------------------------------------------

class CountdownDelegate(QStyledItemDelegate):
    """Paints the "Due in" cell from the row's due time against the clock at paint time: the
    countdown is never stored in the model, and a tick only repaints the visible rows."""

    def __init__(self, model: TicketTableModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.painted = 0  # cells painted (tests)

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        r = self.model.row_at(index.row())
        if r is None:
            option.text = ""
            return
        text, _row_colour, colour, _level = self.model.live(r)  # from the due time, at the clock's moment
        option.text = text
        option.palette.setColor(QPalette.ColorRole.Text, colour)
        self.painted += 1


class TicketPanel(QWidget):
    """`changed` fires after a ticket changed here (the grid's badges follow); `openOrder(no)`
    asks the window to show an order; `showOrders(ticket id)` to show a summary ticket's orders;
    `countChanged(active, overdue)` gives the dock's title."""

    changed = Signal()
    openOrder = Signal(str)
    showOrders = Signal(int)
    countChanged = Signal(int, int)
    written = Signal(bool)  # a write ended (ok or not): for tests and the status bar

    def __init__(self, ctx: AppContext, lang: str, parent=None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketPanel")
        self.ctx, self.lang = ctx, lang
        self.now = clock or (lambda: datetime.now(UTC))
        self.browser = TicketBrowser(ctx.db)
        self.permitted: frozenset[str] | None = None
        self._reading = False
        self._again = False
        self._refreshing = 0
        self._following = False
        self._marker: tuple | None = None
        self._ticks = 0
        self._detail_gen = 0
        self.detail_data = None
        self.writing: Task | None = None
        self.model = TicketTableModel(self.browser, self.now, self)
        # Laid out for a quarter of a 768-pixel screen: the filters, the figures and the count share
        # the top row, the actions and the last action's answer the bottom one, and the list takes
        # every pixel in between. The figures give way first when the panel is narrow.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        bar = QHBoxLayout()
        self.scope = QComboBox(self)
        self.scope.setObjectName("ticketScope")
        for code, label in SCOPES:
            self.scope.addItem(t(label), code)
        self.kind = QComboBox(self)
        self.kind.setObjectName("ticketKindFilter")
        self.kind.addItem(t("every kind"), "")
        for k in Kind:
            self.kind.addItem(k.label(), k.value)
        self.priority = QComboBox(self)
        self.priority.setObjectName("ticketPriorityFilter")
        self.priority.addItem(t("every priority"), None)
        for p in Priority:
            self.priority.addItem(p.label(), int(p))
        for w in (self.scope, self.kind, self.priority):
            w.currentIndexChanged.connect(lambda _i: self.reload())
            bar.addWidget(w)
        self.figures = QLabel("", self)
        self.figures.setObjectName("ticketFigures")
        self.figures.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addSpacing(12)
        bar.addWidget(self.figures, 1)
        self.count = QLabel("", self)
        self.count.setObjectName("ticketCount")
        bar.addWidget(self.count)
        layout.addLayout(bar)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = self._build_table(split)
        self.detail = QTextBrowser(split)
        self.detail.setObjectName("ticketDetail")
        self.files = QListWidget(split)
        self.files.setObjectName("ticketFiles")
        self.files.itemDoubleClicked.connect(self.save_attachment)
        self.files.setToolTip(t("Double-click a file to save a copy."))
        split.setStretchFactor(0, 7)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 1)
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (("assign", t("Assign…"), self.assign), ("comment", t("Comment…"), self.comment),
                                 ("attach", t("Attach file…"), self.attach), ("state", t("State"), None),
                                 ("close", t("Close…"), self.close_ticket), ("order", t("Show order"), self.show_order),
                                 ("orders", t("Show orders"), self.show_orders)):
            b = QPushButton(text, self)
            b.setObjectName(f"ticket_{name}")
            if slot is not None:
                b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[name] = b
        self.buttons["orders"].setToolTip(t("The orders this summary ticket holds, in the grid."))
        self.state_menu = QMenu(self)
        for target in (State.IN_PROGRESS, State.WAITING, State.RESOLVED, State.OPEN):
            action = self.state_menu.addAction(target.label() if target is not State.OPEN else t("Reopen"))
            action.setData(target.value)
            action.triggered.connect(lambda _c=False, s=target: self.set_state(s))
        self.buttons["state"].setMenu(self.state_menu)
        self.message = QLabel("", self)
        self.message.setObjectName("ticketMessage")
        self.message.setWordWrap(True)
        row.addSpacing(12)
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self.tick = QTimer(self)  # the live countdown: a repaint of the visible rows
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self.tick.start()
        self.model.sortChanged.connect(self.reload)
        self.model.dataChanged.connect(lambda *_: self._buttons())
        self._buttons()

    def _build_table(self, parent) -> QTableView:
        """A view over the model: fixed row height, columns sized once (never to their contents),
        sorted by a header click in SQL, the countdown painted by its delegate."""
        view = QTableView(parent)
        view.setObjectName("ticketTable")
        view.setModel(self.model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setWordWrap(False)
        v = view.verticalHeader()
        v.setVisible(False)
        v.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        v.setDefaultSectionSize(view.fontMetrics().height() + 8)
        h = view.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        em = view.fontMetrics().horizontalAdvance("M")
        for c, width in enumerate((5, 14, 11, 4, 9, 10, 10, 11)):
            h.resizeSection(c, width * em)
        self.countdown = CountdownDelegate(self.model, view)
        view.setItemDelegateForColumn(DUE_COLUMN, self.countdown)
        h.setSortIndicator(DUE_COLUMN, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        view.doubleClicked.connect(lambda _i: self.show_order())
        return view

    # ---- reading ---------------------------------------------------------------------------------
    def current_filter(self) -> TicketFilter:
        return TicketFilter(str(self.scope.currentData()), str(self.kind.currentData() or ""),
                            self.priority.currentData())

    @property
    def rows(self) -> list[TicketRow]:
        """The rows read so far, in the list's order (every row of a list of a page or less)."""
        return self.model.loaded_rows()

    def reload(self) -> None:
        """Read the list again (ids sorted and counted in SQL, the first page and the selected
        ticket's, in a worker); asked while a read runs, one more follows it."""
        if self._reading:
            self._again = True
            return
        self._again, self._reading = False, True
        browser, f, actor, now = self.browser, self.current_filter(), self.ctx.actor, self.now()
        sort, descending, keep = self.model.sort_key, self.model.descending, self.current_id()
        self._run(lambda: read_listing(browser, f, actor, now, sort, descending, keep), self._arrived,
                  self._not_read)

    def follow(self) -> None:
        """The store changed somewhere: read the ticket marker (worker) and reload only when a
        ticket was opened or changed since the list was read."""
        if self._following:
            return
        self._following = True
        self._run(self.browser.marker, self._marker_arrived, lambda _m: setattr(self, "_following", False))

    def _marker_arrived(self, marker: tuple) -> None:
        self._following = False
        if marker != self._marker:
            self.reload()

    def _run(self, fn, on_done, on_error) -> Task:
        return run_in_pool(fn, on_done, on_error, owner=self)

    def loaded(self) -> bool:
        return not self._reading and not self._again and not self._refreshing

    def _not_read(self, message: str) -> None:
        self._reading = False
        self.message.setText(message)

    def _arrived(self, listing: Listing) -> None:
        self._reading = False
        if self._again:
            self.reload()
            return
        keep = self.current_id()
        self._marker = listing.marker
        self.model.show_listing(listing)
        self._show_counts(listing.counts, listing.stats)
        pos = self.model.position(keep) if keep is not None else None
        if pos is not None:
            self.table.selectRow(pos)  # the same ticket (its detail is read again)
        else:
            self._chosen()

    def _show_counts(self, counts: tuple[int, int], stats) -> None:
        """The figures line, what the list holds, and the dock's title."""
        active, overdue = counts
        kinds, _people, overall = stats
        rate = "—" if overall.hit_rate is None else f"{overall.hit_rate:.0%}"
        self.figures.setText(t("%s open · %s overdue · SLA met %s · mean time to resolve %s") % (
            active, overdue, rate, _duration(overall.mean_resolve_s) or "—"))
        self.figures.setToolTip("\n".join(
            f"{Kind(f.group).label()}: {'—' if f.hit_rate is None else f'{f.hit_rate:.0%}'}, "
            f"{_duration(f.mean_resolve_s) or '—'}" for f in kinds))
        self._say_count()
        self.countChanged.emit(active, overdue)

    def _say_count(self) -> None:
        n, f = self.model.rowCount(), self.current_filter()
        if f.scope == "active" and not f.kind and f.priority is None:
            self.count.setText(t("%s open tickets") % f"{n:,}")
        else:
            self.count.setText(t("%s tickets in this list") % f"{n:,}")

    def _tick(self) -> None:
        """The countdown: the visible rows are painted again against the clock (the delegate and
        the colours work it out from each row's due time); once a minute the counts are read
        again in a worker (tickets fall overdue with no change in the store)."""
        self.model.tick(self.now())
        self.table.viewport().update()
        self._ticks += 1
        if self._ticks % 60 == 0 and not self._refreshing:
            browser, now = self.browser, self.now()
            self._run(lambda: (browser.counts(now), browser.stats()), lambda a: self._show_counts(*a),
                      lambda _m: None)

    def current(self) -> TicketRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def current_id(self) -> int | None:
        return self.model.id_at(self.table.currentIndex().row())

    def select_ticket(self, ticket_id: int) -> bool:
        pos = self.model.position(ticket_id)
        if pos is None:
            return False
        self.table.selectRow(pos)
        self.table.scrollTo(self.model.index(pos, 0))
        return True

    def _chosen(self) -> None:
        self._buttons()
        ticket_id = self.current_id()
        self._detail_gen += 1
        gen = self._detail_gen
        if ticket_id is None:
            self.detail.clear()
            self.files.clear()
            self.detail_data = None
            return
        browser = self.browser
        self._run(lambda: browser.detail(ticket_id), lambda d: self._detail_arrived(gen, d), lambda _m: None)

    def _detail_arrived(self, gen: int, d) -> None:
        if gen != self._detail_gen or d is None:
            return
        self.detail_data = d
        k = d.ticket
        lines = [f"<b>#{k.id} · {k.order_no} · {Kind(k.kind).label()} · P{k.priority} · {State(k.state).label()}</b>",
                 t("Opened %s by %s (%s)") % (local_text(k.opened_at), _html(actor_name(k.opened_by)),
                                               source_label(k.source))]
        if k.due_at is not None:
            lines.append(t("Due %s") % local_text(k.due_at))
        if k.resolution:
            lines.append(t("Resolution: %s") % _html(k.resolution))
        for at, author, text in d.comments:
            lines.append(f"<i>{local_text(at)} {_html(actor_name(author))}</i>: {_html(text)}")
        lines.append("<hr>")
        for ev in d.history:
            code = ev.field.rsplit(".", 1)[-1]
            what = t(TICKET_FIELDS[code]) if code in TICKET_FIELDS else code
            old = readable("ticket", ev.field, ev.old, self.lang)
            new = readable("ticket", ev.field, ev.new, self.lang)
            change = f"{_html(old)} → {_html(new or '')}" if old else _html(new or "")
            lines.append(f"<small>{local_text(ev.at)} {_html(actor_name(ev.actor, ev.role))} · {_html(what)}: {change}</small>")
        self.detail.setHtml("<br>".join(lines))
        self.files.clear()
        for att_id, name, size, sha, _at, _by in d.attachments:
            item = QListWidgetItem(f"{name} ({max(1, size // 1024)} KB)")
            item.setData(Qt.ItemDataRole.UserRole, att_id)
            item.setToolTip(f"SHA-256 {sha}")
            self.files.addItem(item)
        self._buttons()

    def _buttons(self) -> None:
        k = self.current()
        may = self.permitted is None or "tickets.open" in self.permitted
        why = "" if may else t("Your role (%s) may not do this; the owner sets it in the permissions.") % (
            who_label("", self.ctx.actor.role))
        busy = self.writing is not None and not self.writing.ended.is_set()
        for name, b in self.buttons.items():
            on = k is not None and not busy and (name in ("order", "orders") or may)
            if name == "close":
                on = on and k is not None and k.state != State.CLOSED.value
            if name == "orders":
                on = on and k is not None and k.orders > 0
            b.setEnabled(on)
            if name != "orders":
                b.setToolTip(why if k is not None and not may and name != "order" else "")

    # ---- writing ---------------------------------------------------------------------------------
    def _write(self, fn, said: str, *, select: Callable[..., int] | None = None, ticket_id: int | None = None) -> None:
        """One change in a worker: fn(uow, ctx) through AppContext.run; then only that ticket's
        row and the counts are read again (a new ticket: the list), and the grid follows."""
        ctx = self.ctx

        def done(result) -> None:
            self.message.setStyleSheet("")
            self.message.setText(said if "%s" not in said else said % (select(result) if select else ""))
            self.writing = None
            if ticket_id is None:
                self.reload()
            else:
                self.refresh_ticket(ticket_id)
            self.changed.emit()
            self.written.emit(True)

        def failed(message: str) -> None:
            self.message.setStyleSheet(f"color: {palette.ERROR_TEXT};")
            self.message.setText(message)
            self.writing = None
            self._buttons()
            self.written.emit(False)

        self.writing = run_write(self, lambda: ctx.run(fn), done, failed)
        self._buttons()

    def refresh_ticket(self, ticket_id: int) -> None:
        """After a write here: that ticket's row (in place, or out of a list it left) and the
        counts, read in a worker; the list is read again only for a ticket new to it."""
        self._refreshing += 1
        browser, f, actor, now = self.browser, self.current_filter(), self.ctx.actor, self.now()

        def read():
            return browser.matching(f, actor, now, ticket_id), browser.counts(now), browser.stats(), browser.marker()

        def arrived(answer) -> None:
            self._refreshing -= 1
            row, counts, stats, marker = answer
            self._marker = marker  # this write is in the list now: the poll need not read it all again
            if not self.model.update_ticket(ticket_id, row):
                self.reload()
            self._show_counts(counts, stats)
            if ticket_id == self.current_id():
                self._chosen()
            else:
                self._buttons()

        def failed(message: str) -> None:
            self._refreshing -= 1
            self.reload()

        self._run(read, arrived, failed)

    def new_for_order(self, order_no: str) -> None:
        answer = NewTicketDialog.ask(order_no, self)
        if answer is None:
            return
        kind, priority, note = answer
        self._write(lambda uow, c: tickets.open_ticket(uow, c, order_no, kind, None if priority is None
                                                       else Priority(priority), note),
                    t("Ticket #%s opened."), select=lambda tk: tk.id)

    def assign(self) -> None:
        k = self.current()
        who = AssignDialog.ask(self.ctx, self) if k is not None else None
        if k is not None and who:
            self._write(lambda uow, c: tickets.assign(uow, c, k.id, who), t("Ticket #%s assigned.") % k.id,
                        ticket_id=k.id)

    def comment(self) -> None:
        k = self.current()
        text = TextDialog.ask(t("Comment on ticket #%s") % k.id, t("Comment"), self) if k is not None else None
        if k is not None and text:
            self._write(lambda uow, c: tickets.comment(uow, c, k.id, text), t("Comment added to ticket #%s.") % k.id,
                        ticket_id=k.id)

    def attach(self) -> None:
        k = self.current()
        if k is None:
            return
        path = FileDialog.ask_open(self, t("Attach a file"), t("Photos, screenshots, receipts (*)"),
                                   protected=self.ctx.db.own_files())
        if path is not None:
            self.attach_path(k.id, path)

    def attach_path(self, ticket_id: int, path: Path) -> None:
        def fn(uow, c):
            name, data = tickets.read_evidence(path)  # read in the worker: a 20 MB photo takes a while
            return tickets.attach(uow, c, ticket_id, name, data)
        self._write(fn, t("%s attached to ticket #%s.") % (path.name, ticket_id), ticket_id=ticket_id)

    def set_state(self, target: State) -> None:
        k = self.current()
        if k is not None:
            self._write(lambda uow, c: tickets.set_state(uow, c, k.id, target),
                        t("Ticket #%s is now %s.") % (k.id, target.label()), ticket_id=k.id)

    def close_ticket(self) -> None:
        k = self.current()
        if k is None:
            return
        attached = len(self.detail_data.attachments) if self.detail_data is not None else 0
        answer = CloseTicketDialog.ask(k.id, attached, self.ctx.db.own_files(), self)
        if answer is not None:
            self.close_with(k.id, *answer)

    def close_with(self, ticket_id: int, resolution: str, files: list[Path]) -> None:
        def fn(uow, c):
            evidence = [tickets.read_evidence(p) for p in files]
            return tickets.close(uow, c, ticket_id, resolution, evidence)
        self._write(fn, t("Ticket #%s closed.") % ticket_id, ticket_id=ticket_id)

    def show_order(self) -> None:
        k = self.current()
        if k is not None and k.orders:
            self.showOrders.emit(k.id)  # a summary ticket: its orders
        elif k is not None:
            self.openOrder.emit(k.order_no)

    def show_orders(self) -> None:
        """A summary ticket's orders in the grid (the window filters the grid to them)."""
        k = self.current()
        if k is not None and k.orders:
            self.showOrders.emit(k.id)

    def save_attachment(self, item: QListWidgetItem) -> None:
        att_id = item.data(Qt.ItemDataRole.UserRole)
        found = self.browser.attachment(int(att_id))
        if found is None:
            return
        name, data = found
        dest = FileDialog.ask_save(self, t("Save a copy"), t("All files (*)"), protected=self.ctx.db.own_files(),
                                   suggested_name=name)
        if dest is None:
            return
        try:
            dest.write_bytes(data)
        except OSError:
            self.message.setText(t("The folder %s cannot be written to; choose another.") % dest.parent)
            return
        self.message.setText(t("Saved %s.") % dest)


def _html(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))



class TicketSettingsDialog(OkCancelDialog):
    """The owner's ticket settings: each kind's response time, priority and owning role; the
    shop's opening hours and holidays (the SLA clock counts only them; none: every hour); how long
    before the due time the assignee is reminded."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        from PySide6.QtWidgets import QCheckBox, QGridLayout, QLineEdit, QSpinBox

        super().__init__(parent)
        self.setObjectName("ticketSettingsDialog")
        self.setWindowTitle(t("Ticket settings"))
        self.ctx = ctx
        self.saved = False
        current = TicketBrowser(ctx.db).rules()
        self.current = current
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        for c, head in enumerate((t("Kind"), t("Respond within (minutes)"), t("Priority"), t("Owner"))):
            grid.addWidget(QLabel(f"<b>{head}</b>", self), 0, c)
        self.minutes: dict[Kind, QSpinBox] = {}
        self.priorities: dict[Kind, QComboBox] = {}
        self.roles: dict[Kind, QComboBox] = {}
        for r, kind in enumerate(Kind, start=1):
            sla = current.sla[kind]
            grid.addWidget(QLabel(kind.label(), self), r, 0)
            spin = QSpinBox(self)
            spin.setObjectName(f"sla_{kind.value}")
            spin.setRange(1, 90 * 24 * 60)
            spin.setValue(max(1, sla.seconds // 60))
            prio = QComboBox(self)
            for p in Priority:
                prio.addItem(p.label(), int(p))
            prio.setCurrentIndex(int(sla.priority))
            role = QComboBox(self)
            for x in Role:
                role.addItem(x.label(), x.value)
            role.setCurrentIndex(list(Role).index(sla.role))
            grid.addWidget(spin, r, 1)
            grid.addWidget(prio, r, 2)
            grid.addWidget(role, r, 3)
            self.minutes[kind], self.priorities[kind], self.roles[kind] = spin, prio, role
        layout.addLayout(grid)
        from shop_orders.domain.sla import DAYS, format_periods

        self.every_hour = QCheckBox(t("Count every hour (the shop sets no opening hours)"), self)
        self.every_hour.setObjectName("slaEveryHour")
        self.every_hour.setChecked(current.hours is None)
        layout.addWidget(self.every_hour)
        form = QFormLayout()
        self.days: list[QLineEdit] = []
        week = current.hours.week if current.hours is not None else tuple(  # a suggestion: weekdays 9 to 6
            ((time(9), time(18)),) if d < 5 else () for d in range(7))
        for d, name in enumerate(DAYS):
            edit = QLineEdit(self)
            edit.setObjectName(f"hours_{d}")
            edit.setPlaceholderText(t("closed (or e.g. 09:00-12:00, 13:00-18:00)"))
            periods = week[d]
            edit.setText(format_periods(periods))
            form.addRow(t(name), edit)
            self.days.append(edit)
        self.holidays = QLineEdit(self)
        self.holidays.setObjectName("slaHolidays")
        self.holidays.setPlaceholderText(t("dates the shop is closed, e.g. 2027-02-06, 2027-02-07"))
        if current.hours is not None:
            self.holidays.setText(", ".join(sorted(d.isoformat() for d in current.hours.holidays)))
        form.addRow(t("Holidays"), self.holidays)
        self.reminder = QSpinBox(self)
        self.reminder.setObjectName("slaReminder")
        self.reminder.setRange(0, 24 * 60)
        self.reminder.setValue(current.reminder_minutes)
        form.addRow(t("Remind the assignee (minutes before the due time)"), self.reminder)
        self.history = QComboBox(self)
        self.history.setObjectName("ticketHistory")
        for code in HISTORY_CHOICES:
            self.history.addItem(t("one summary ticket per kind and age band") if code == "summary"
                                 else t("one ticket per order"), code)
        self.history.setCurrentIndex(max(0, self.history.findData(current.history)))
        self.history.setToolTip(t("Orders that were already stale when they came in by import, or before the "
                                  "first sweep of the rules, are history: one summary ticket per kind and age band "
                                  "keeps the queue to what is new."))
        form.addRow(t("Orders already stale when the store first sees them"), self.history)
        layout.addLayout(form)
        self.every_hour.toggled.connect(self._hours_shown)
        for w in (*self.days, self.holidays):
            w.setEnabled(not self.every_hour.isChecked())
        self.error = QLabel("", self)
        self.error.setObjectName("ticketSettingsError")
        self.error.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(self.ok_cancel(on_ok=self.save, first=self.Save))

    def _hours_shown(self, every_hour: bool) -> None:
        for w in (*self.days, self.holidays):
            w.setEnabled(not every_hour)

    def chosen(self):
        """(the SLA table, the opening hours or None); a bad entry is one sentence (ValidationError)."""
        from datetime import date

        from shop_orders.domain.errors import ValidationError
        from shop_orders.domain.sla import OpeningHours, parse_periods
        from shop_orders.domain.tickets import Sla

        sla = {k: Sla(self.minutes[k].value() * 60, Priority(self.priorities[k].currentData()),
                      Role(self.roles[k].currentData())) for k in Kind}
        if self.every_hour.isChecked():
            return sla, None
        week = tuple(parse_periods(e.text()) for e in self.days)
        days = set()
        for part in self.holidays.text().replace("，", ",").split(","):
            if part.strip():
                try:
                    days.add(date.fromisoformat(part.strip()))
                except ValueError:
                    raise ValidationError(t("'{text}' is not a date such as 2027-02-06", text=part.strip())) from None
        tz = TicketBrowser(self.ctx.db).timezone()
        return sla, OpeningHours(week, tz, frozenset(days))

    def save(self) -> None:
        from shop_orders.domain.errors import ShopOrdersError

        try:
            sla, hours = self.chosen()
            reminder, history = self.reminder.value(), str(self.history.currentData())
            self.ctx.run(lambda uow, c: tickets.set_ticket_rules(uow, c, sla=sla, hours=hours,
                                                                 reminder_minutes=reminder, history=history))
        except ShopOrdersError as exc:
            self.error.setText(str(exc))
            return
        self.saved = True
        self.accept()

    @classmethod
    def ask(cls, ctx: AppContext, parent=None) -> bool:
        d = cls(ctx, parent)
        exec_once(d)
        return d.saved
