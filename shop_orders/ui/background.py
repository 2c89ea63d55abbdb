"""The window's background work: noticing changes made elsewhere (a cheap poll of the audit
chain's head, every change being audited), the clock's tick (staleness moves with time), the
detection rules' sweep (stuck orders, reminders, escalation), the couriers' tracking sync, and
the desktop notifications they lead to. It talks to the window by signals."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.tickets import Kind
from shop_orders.services import rules
from shop_orders.services.browse import OrderBrowser, TicketBrowser, WarehouseBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui.actions import action
from shop_orders.ui.session import SignedInSession
from shop_orders.ui.workers import ProgressTask, Task, progress_dialog, run_in_pool, run_job

POLL_MS = 1000
TICK_MS = 60_000  # staleness moves with the clock even when nothing changes
SWEEP_MS = 60_000  # the rules' timed work (stuck orders, reminders, escalation) runs every minute
SWEEP_FIRST_MS = 3_000  # and once soon after start


class BackgroundWork(QObject):
    storeChanged = Signal()  # another seat or process changed the store: everything is read again
    tick = Signal()  # a minute passed: the grid is read again (staleness)
    ticketsChanged = Signal()  # the sweep or the sync opened or updated tickets
    said = Signal(str, int)

    def __init__(self, ctx: AppContext, browser: OrderBrowser, tickets: TicketBrowser, session: SignedInSession,
                 clock: Callable[[], datetime], window: QMainWindow, *, poll_ms: int = POLL_MS,
                 sweep_ms: int = SWEEP_MS) -> None:
        super().__init__(window)
        self.ctx, self.browser, self.tickets, self.session, self.clock = ctx, browser, tickets, session, clock
        self.window = window
        self._polling: Task | None = None
        self._marker = browser.change_marker()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.poll_timer.start()
        self._news_since = clock()  # reminders and escalations after this are told to the signed-in user
        self._swept_all = False  # the first sweep of this seat runs every rule, later ones the timed ones
        self._sweeping: Task | None = None
        self.sweep_timer = QTimer(self)
        self.sweep_timer.timeout.connect(self.sweep)
        self.sweep_first = QTimer(self)  # a child, stopped at close: never fires on a closed window
        self.sweep_first.setSingleShot(True)
        self.sweep_first.timeout.connect(self.sweep)
        if sweep_ms:  # 0: only when asked (tests)
            self.sweep_timer.setInterval(sweep_ms)
            self.sweep_timer.start()
            self.sweep_first.start(min(SWEEP_FIRST_MS, sweep_ms))
        self.tray: QSystemTrayIcon | None = None
        self.last_notice: tuple[str, str] | None = None
        # courier tracking: the vault once unlocked (the OS's at once; our own after the owner's
        # passphrase in Tools -> Couriers...), the background sync on the shop's period
        self.vault_box: Any = None  # services/vault.py Vault, once usable
        self._syncing: ProgressTask | None = None
        self.last_sync: tuple | None = None
        self.sync_timer = QTimer(self)
        self.sync_timer.timeout.connect(lambda: self.sync_tracking(manual=False))
        self.sync_first = QTimer(self)
        self.sync_first.setSingleShot(True)
        self.sync_first.timeout.connect(self.start_sync_timer)
        if sweep_ms:  # like the sweep: tests ask for it
            self.sync_first.start(SWEEP_FIRST_MS)
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick.emit)
        self.tick_timer.start()
        self.couriers_action = action(window, t("&Couriers…"), self.manage_couriers, None, "manageCouriers")
        self.sync_action = action(window, t("&Sync tracking now"), lambda: self.sync_tracking(manual=True), None,
                                  "syncTracking")
        session.require({self.couriers_action: "settings.secrets", self.sync_action: "order.ship"})

    def stop(self) -> None:
        for timer in (self.poll_timer, self.tick_timer, self.sweep_timer, self.sweep_first, self.sync_timer,
                      self.sync_first):
            timer.stop()

    # ---- changes made elsewhere -------------------------------------------------------------------
    def pause(self) -> None:
        """No reads on the UI thread while the store is locked (a restore)."""
        for timer in (self.poll_timer, self.tick_timer):
            timer.stop()

    def resume(self) -> None:
        """After a restore: what the store holds now is the starting point, the clocks run again."""
        self._marker = self.browser.change_marker()
        for timer in (self.poll_timer, self.tick_timer):
            timer.start()

    def poll(self) -> None:
        """Has anything changed in the store (another seat, the command line)? Asked in a worker,
        one question at a time; a store briefly unavailable is asked again at the next tick."""
        if self._polling is not None and not self._polling.ended.is_set():
            return
        self._polling = run_in_pool(self.browser.news, self._news_arrived, lambda _m: None, owner=self)

    def _news_arrived(self, news: tuple[int, str | None]) -> None:
        marker, restoring = news
        if restoring is not None:
            self.said.emit(t("{who} is waiting to restore a backup over this store: close Shop Orders "
                             "here when you can (your changes so far are saved).", who=restoring), 5000)
        if marker != self._marker:
            self._marker = marker
            self.storeChanged.emit()

    # ---- the detection rules ----------------------------------------------------------------------
    def sweep(self) -> None:
        """Run the detection rules' timed work in a worker (the first time: every rule), then tell
        the signed-in user about reminders and escalations of their tickets."""
        if self._sweeping is not None and not self._sweeping.ended.is_set():
            return
        ctx, every, since, actor = self.ctx, not self._swept_all, self._news_since, self.ctx.actor
        now = self.clock()
        tickets = self.tickets

        def work():
            outcome = None
            if ctx.db.chain_key is not None:  # a seat without the audit key reads only
                outcome = ctx.run(lambda uow, _c: rules.sweep(uow, now, every_rule=every))
            return outcome, tickets.news_for(actor, since)

        def done(answer) -> None:
            outcome, news = answer
            self._swept_all = True
            self._news_since = now
            if outcome is not None and (outcome.opened or outcome.updated or outcome.escalated):
                self.ticketsChanged.emit()
            for ticket_id, order_no, kind, what in news:
                self.notify(ticket_id, order_no, kind, what)

        self._sweeping = run_in_pool(work, done, lambda _m: None, owner=self)

    def notify(self, ticket_id: int, order_no: str, kind: str, what: str) -> None:
        """A desktop notification (the system tray's), else a message in the status bar."""
        title = (t("Ticket #%s escalated to you") if what == "escalated" else
                 t("Ticket #%s: a parcel never left, its order is back to awaiting shipment") if what == "opened" else
                 t("Ticket #%s is due soon")) % ticket_id
        text = f"{order_no} · {Kind(kind).label()}"
        self.last_notice = (title, text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
                self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 10000)
        self.said.emit(f"{title}: {text}", 15000)

    # ---- courier tracking -------------------------------------------------------------------------
    def start_sync_timer(self) -> None:
        """The background sync every N minutes (the owner's setting; 0: only when asked), with the
        OS vault at once, with our own vault once unlocked in this session."""
        from shop_orders.services import vault

        try:
            minutes = WarehouseBrowser(self.ctx.db).tracking_settings().every_minutes
        except ShopOrdersError:
            return  # the store is not reachable now: the next start (or Tools → Couriers…) tries again
        if self.vault_box is None:
            box = vault.open_vault(self.ctx.db)
            if not isinstance(box, vault.OwnVault) or os.environ.get(vault.PASSPHRASE_ENV):
                self.vault_box = box
        if minutes:
            self.sync_timer.setInterval(minutes * 60_000)
            self.sync_timer.start()
        else:
            self.sync_timer.stop()

    def manage_couriers(self) -> None:
        from shop_orders.ui.couriers import CouriersDialog
        from shop_orders.ui.dialogs import exec_once

        d = CouriersDialog(self.ctx, self.vault_box, self.window)
        exec_once(d)
        if d.box is not None:
            self.vault_box = d.box  # unlocked for this session's background sync
        self.start_sync_timer()

    def sync_tracking(self, manual: bool = True) -> None:
        """Ask every courier about the shipped parcels in a worker (progress and cancel when asked
        by hand); the outcome in the status bar, each courier's problem once."""
        from shop_orders.services import tracking

        found = self._sync_accounts(manual)
        if not found:
            return
        box, db, actor = self.vault_box, self.ctx.db, self.ctx.actor
        self.session.hold([self.sync_action], True)
        dialog = progress_dialog(self.window, t("Asking the couriers…"), "syncProgress") if manual else None

        def work(report, cancelled):
            return tracking.sync_accounts(db, actor, found, box, progress=lambda done, total: report("parcels", done, total),
                                          cancelled=cancelled)

        task = ProgressTask(work)
        if dialog is not None:
            dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            if dialog is not None:
                dialog.setMaximum(max(total, 1))
                dialog.setValue(min(done, max(total, 1)))

        def ended() -> None:
            if dialog is not None:
                dialog.reset()
            self.session.hold([self.sync_action], False)

        def done(result) -> None:
            ended()
            self._synced(result)

        def failed(message: str) -> None:
            ended()
            self._sync_failed(message)

        self._syncing = run_job(self, task, progress, done, failed)

    def _sync_accounts(self, manual: bool) -> list | None:
        """The courier accounts to ask, once nothing stands in the way (a sync running, a seat that
        leaves the couriers to the warehouse, no courier set up, the vault locked); else None, and
        what stands in the way said when the sync was asked for by hand."""
        from shop_orders.ui.couriers import unlock

        if self._syncing is not None and not self._syncing.ended.is_set():
            return None
        if not manual and not self.session.may(self.sync_action):
            return None  # a seat whose user may not ship leaves the couriers to the warehouse's seats
        found = WarehouseBrowser(self.ctx.db).accounts()
        if not found:
            if manual:
                self.said.emit(t("No courier is set up yet: add one in Tools → Couriers…."), 10000)
            return None
        if self.vault_box is None:
            if not manual:
                self.said.emit(t("Courier sync waits for the vault to be unlocked (Tools → Couriers…)."), 10000)
                return None
            self.vault_box = unlock(self.ctx, self.window)
            if self.vault_box is None:
                return None
        return found

    def _synced(self, result) -> None:
        sentence = t("Couriers: %s checked, %s updated, %s rolled back, %s completed, %s failed.") % (
            result.checked, result.updated, result.rolled_back, result.completed, result.failed)
        if result.waiting:
            sentence += "  " + t("%s not known to their courier yet.") % result.waiting
        said = [*result.problems, *result.unchecked()]
        self.last_sync = (sentence, said)
        self.said.emit(sentence + ("  " + said[0] if said else ""), 20000)
        if result.updated:
            self.ticketsChanged.emit()
        if result.rolled_back:
            self.sweep()  # tells this seat's warehouse about the tickets the rollbacks opened

    def _sync_failed(self, message: str) -> None:
        self.last_sync = (message, [message])
        self.said.emit(message, 20000)
