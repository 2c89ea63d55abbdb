"""What a person does to the selected orders from the window: change the status, record a
payment, edit the recipient, ship by hand, bulk edits, a new ticket, the scan station. Each change
runs through the services in a worker (workers.run_write over AppContext.run); the window hears
of it by signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from shop_orders.domain.errors import OrderConflict, ShopOrdersError, TransitionNotAllowed
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.status import Status, check_manual_transition
from shop_orders.services import changesets, orders
from shop_orders.services.browse import PeopleBrowser, WarehouseBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui.actions import action
from shop_orders.ui.approvals import BulkEditDialog
from shop_orders.ui.detail_panel import DetailPanel
from shop_orders.ui.dialogs import ChangeStatusDialog, EditContactDialog, PaymentDialog
from shop_orders.ui.grid import OrderGrid
from shop_orders.ui.notice import ViewNotice
from shop_orders.ui.session import SignedInSession
from shop_orders.ui.workers import Task, run_write

Watch = tuple[int, str, Callable | None, str]  # order id, order number, its undo (or None), why it left


class OrderActions(QObject):
    changed = Signal()  # a change was written: the grid, the counts and the detail are read again
    changeFinished = Signal(str)  # a change made from this window ended: "done", "conflict" or "refused"
    bulkFinished = Signal(int)  # a bulk edit was proposed (its change set id) or refused (0)
    proposed = Signal()  # a change set was proposed or applied: the approvals are read again
    newTicket = Signal(str)  # a ticket for this order (its number) is to be opened
    shipped = Signal()  # the scan station shipped a parcel
    said = Signal(str, int)

    def __init__(self, ctx: AppContext, lang: str, grid: OrderGrid, detail: DetailPanel, notice: ViewNotice,
                 session: SignedInSession, qsettings: QSettings, window: QMainWindow) -> None:
        super().__init__(window)
        self.qsettings = qsettings
        self.ctx, self.lang, self.grid, self.detail, self.notice = ctx, lang, grid, detail, notice
        self.session, self.window = session, window
        self.station: Any = None  # the scan station window, while open
        notice.undoChange.connect(lambda undo: self.apply(undo, t("undo")))
        w = window
        self.status_action = action(w, t("Change &status…"), self.change_status, None, "changeStatus")
        self.payment_action = action(w, t("Record pa&yment…"), self.record_payment, None, "recordPayment")
        self.contact_action = action(w, t("&Edit recipient, phone, address…"), self.edit_contact, None, "editContact")
        self.ship_action = action(w, t("S&hip…"), self.ship_order, None, "shipOrder")
        self.bulk_selected_action = action(w, t("&Bulk edit the selected orders…"), self.bulk_edit_selected, None,
                                           "bulkSelected")
        self.bulk_filter_action = action(w, t("Bulk edit every order in this &filter…"), self.bulk_edit_filter, None,
                                         "bulkFilter")
        self.ticket_action = action(w, t("New &ticket for this order…"), self.new_ticket, QKeySequence("Ctrl+T"),
                                    "newTicket")
        self.station_action = action(w, t("Sc&an station"), self.open_scan_station, QKeySequence("F9"),
                                     "scanStationAction")
        session.require({
            self.payment_action: "order.pay", self.contact_action: "order.edit_contact",
            self.bulk_selected_action: "orders.bulk", self.bulk_filter_action: "orders.bulk",
            self.status_action: "status:", self.ticket_action: "tickets.open",
            self.station_action: "order.ship", self.ship_action: "order.ship_manual",
        })

    # ---- one change -------------------------------------------------------------------------------
    def apply(self, change: Callable, reason: str = "", then: Callable[[], None] | None = None,
              watch: Watch | None = None) -> Task:
        """Run one change through the services in a worker; then reload (and call `then`). A
        conflict reloads the order and says so; a refused change says why; nothing half-done."""
        ctx = self.ctx

        def write() -> tuple[str, str]:
            try:
                ctx.run(change, "manual", reason)
            except OrderConflict as exc:
                return "conflict", str(exc)
            except ShopOrdersError as exc:
                return "refused", str(exc)
            return "done", ""

        def written(outcome: tuple[str, str]) -> None:
            kind, message = outcome
            if kind == "conflict":
                self.changed.emit()
                QMessageBox.warning(self.window, t("Changed meanwhile"), message)
            elif kind == "refused":
                QMessageBox.warning(self.window, t("Not changed"), message)
            else:
                if watch is not None:
                    self._watch_moved_out(*watch)
                self.changed.emit()
                if then is not None:
                    then()
            self.changeFinished.emit(kind)

        return run_write(self, write, written, lambda message: self.said.emit(message, 10000))

    def _watch_moved_out(self, order_id: int, order_no: str, undo: Callable | None, why: str) -> None:
        """After a change: if the order left the current view (e.g. it is no longer stale), say
        so with Show / Undo instead of letting its row vanish."""
        self.grid.when_gone(order_id, lambda: self.notice.moved_out(order_no, undo, why))

    def _shown_detail(self, r):
        """What the detail panel shows of the selected row (read in a worker when it was
        selected), or None while it is still being read."""
        d = self.detail.detail
        return d if d is not None and d.order.order_no == r.order_no else None

    def change_status(self) -> None:
        r = self.grid.current_row()
        if r is None:
            return
        answer = ChangeStatusDialog.ask(self.window, r.order_no, Status(r.status), self.lang, self.session.permitted)
        if answer is None:
            return
        target, reason = answer
        before = Status(r.status)

        def back(uow, c):
            return orders.transition(uow, c, r.id, before)

        try:
            check_manual_transition(target, before)
            undo: Callable | None = back
        except TransitionNotAllowed:
            undo = None  # e.g. cancelled is final
        self.apply(lambda uow, c: orders.transition(uow, c, r.id, target, expected_version=r.version), reason,
                   watch=(r.id, r.order_no, undo, t("now %s") % target.label(self.lang)))

    def ship_order(self) -> None:
        """Order → Ship…: the same checks as the station's (the courier's pattern, a number used on
        another order), marked manual with its reason; the owner's and managers' right."""
        from shop_orders.ui.dialogs import ShipDialog

        r = self.grid.current_row()
        if r is None:
            return
        d = self._shown_detail(r)
        if d is None:
            self.said.emit(t("The order's details are still being read; try again in a moment."), 5000)
            return
        couriers = WarehouseBrowser(self.ctx.db).courier_names()
        lines = [(li.line_no, li.sku, li.title, li.qty - li.shipped_qty) for li in d.order.lines
                 if li.qty > li.shipped_qty]
        answer = ShipDialog.ask(self.window, r.order_no, lines, d.order.courier, couriers)
        if answer is None:
            return
        items, courier, tracking_no, reason = answer

        def ship(uow, c):
            number = tracking_no
            if tracking_no:
                from shop_orders.services import scanning

                number = scanning.check_tracking(uow.session, scanning.find_order(uow.session, r.order_no), courier,
                                                 tracking_no)
            return orders.ship(uow, c, r.id, items, courier=courier, tracking_no=number, expected_version=r.version)

        self.apply(ship, reason, watch=(r.id, r.order_no, None, t("shipped")))

    def record_payment(self) -> None:
        r = self.grid.current_row()
        if r is None:
            return
        outstanding = format_minor(max(0, r.total_minor - r.paid_minor), r.currency)
        answer = PaymentDialog.ask(self.window, r.order_no, r.currency, outstanding)
        if answer is None:
            return
        amount = answer.amount_minor

        def undo(uow, c):  # the same amount back
            return orders.record_payment(uow, c, r.id, -amount, method=answer.method, reference=answer.reference)

        self.apply(lambda uow, c: orders.record_payment(
            uow, c, r.id, amount, method=answer.method, reference=answer.reference,
            expected_version=r.version),
            watch=(r.id, r.order_no, undo, t("a payment of %s was recorded") % format_minor(amount, r.currency)))

    def edit_contact(self) -> None:
        r = self.grid.current_row()
        if r is None:
            return
        d = self._shown_detail(r)
        if d is None:
            return
        o = d.order
        oid = o.id
        assert oid is not None  # a stored row
        answer = EditContactDialog.ask(self.window, o.order_no, o.recipient, o.phone, o.address)
        if answer is None:
            return
        changes, reason = answer
        before = {k: getattr(o, k) for k in changes}
        self.apply(lambda uow, c: orders.edit(uow, c, oid, changes, expected_version=r.version), reason,
                   watch=(oid, o.order_no, lambda uow, c: orders.edit(uow, c, oid, before),
                          t("its recipient, phone or address changed")))

    # ---- many orders ------------------------------------------------------------------------------
    def bulk_edit_selected(self) -> None:
        ids = self.grid.selected_ids()
        if ids:
            self.bulk(ids, len(ids))

    def bulk_edit_filter(self) -> None:
        self.bulk(self.grid.model.query, self.grid.model.ensure_exact_count())

    def bulk(self, selection, count: int) -> None:
        """Propose a bulk edit (applied at once when it needs no second person)."""
        # two short reads of settings (the courier accounts, the two-person rule) for what the dialog says
        _matrix, rule, _idle = PeopleBrowser(self.ctx.db).rules()
        answer = BulkEditDialog.ask(count, self.lang, self.window, archived=bool(self.grid.model.query.archived),
                                    couriers=WarehouseBrowser(self.ctx.db).courier_names(), min_orders=rule.min_orders)
        if answer is None:
            return
        kind, params, reason = answer
        ctx = self.ctx

        def done(p) -> None:
            if p.state == changesets.PENDING:
                message = t("Change set #%s (%s orders) waits for a second person's approval.") % (p.id, f"{p.orders:,}")
            else:
                message = t("Change set #%s was applied (%s orders).") % (p.id, f"{p.orders:,}")
            self.said.emit(message, 15000)
            self.changed.emit()
            self.proposed.emit()
            self.bulkFinished.emit(p.id)

        def failed(message: str) -> None:
            QMessageBox.warning(self.window, t("Not changed"), message)
            self.bulkFinished.emit(0)

        run_write(self, lambda: ctx.run(lambda uow, c: changesets.submit(uow, c, kind, params, reason, selection)),
                  done, failed)

    # ---- elsewhere --------------------------------------------------------------------------------
    def new_ticket(self) -> None:
        row = self.grid.current_row()
        if row is not None:
            self.newTicket.emit(row.order_no)

    def open_scan_station(self) -> None:
        """F9: the warehouse's full-screen scan station (the grid follows each parcel it ships)."""
        from shop_orders.ui.scan_station import ScanStation

        if self.station is not None and shiboken6.isValid(self.station) and self.station.isVisible():
            self.station.close()
            return
        self.station = ScanStation(self.ctx, self.window, qsettings=self.qsettings)
        self.station.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each F9 makes a new one
        self.station.shipped.connect(lambda _order_no: self.shipped.emit())
        self.station.showFullScreen()
