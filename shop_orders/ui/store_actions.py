"""What a person does to the store as a whole from the window: import, export, back up, restore,
verify the audit trail, import the audit key, print or save packing slips, add demo orders,
connect to the shop's server, and the settings. Long jobs run in a worker with progress and
Cancel (workers.run_job); the window hears of them by signals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QFormLayout, QMainWindow, QMessageBox

from shop_orders.domain.messages import normalise, t
from shop_orders.domain.shop import ShopIdentity
from shop_orders.services import backup as backup_service
from shop_orders.services import settings
from shop_orders.services.context import AppContext
from shop_orders.ui import i18n
from shop_orders.ui.actions import action
from shop_orders.ui.dialogs import OkCancelDialog, SettingsDialog
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.grid import OrderGrid
from shop_orders.ui.order_actions import OrderActions
from shop_orders.ui.session import SignedInSession
from shop_orders.ui.workers import ProgressTask, progress_dialog, run_in_pool, run_job

DEMO_ORDERS = 500
# The languages a workbook can be written in, each named in itself.
EXPORT_LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))


class ExportOptionsDialog(OkCancelDialog):
    """After the file is chosen: the workbook's language, the window's own by default (a
    bookkeeper who reads the other language picks it here). Tests replace `ask`."""

    def __init__(self, parent, lang: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportOptionsDialog")
        self.setWindowTitle(t("Export to Excel"))
        self.language = QComboBox(self)
        self.language.setObjectName("exportLanguage")
        for code, name in EXPORT_LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(normalise(lang))))
        form = QFormLayout(self)
        form.addRow(t("Language of the workbook"), self.language)
        form.addRow(self.ok_cancel(ok=t("Export")))

    def chosen(self) -> str:
        return str(self.language.currentData())


class StoreActions(QObject):
    changed = Signal()  # the store's content changed (an import, demo orders, a restore): read it again
    thresholdsChanged = Signal(object)  # the shop's staleness thresholds are now these
    restoring = Signal(bool)  # a restore holds the store (True) or let it go (False)
    keyImported = Signal()  # this seat may write now: the notice that said it may not goes
    said = Signal(str, int)

    def __init__(self, ctx: AppContext, lang: str, qsettings: QSettings, grid: OrderGrid, session: SignedInSession,
                 order_actions: OrderActions, clock: Callable[[], datetime], window: QMainWindow) -> None:
        super().__init__(window)
        self.ctx, self.lang, self.qsettings, self.grid, self.session = ctx, lang, qsettings, grid, session
        self.order_actions, self.clock, self.window = order_actions, clock, window
        self.verify_result: tuple[bool, str] | None = None  # the last Verify trail's (ok, sentence); None: cancelled
        self.restore_result = None
        # the last job of each kind (None: none yet)
        self.export_task: ProgressTask | None = None
        self.backup_task: ProgressTask | None = None
        self.restore_task: ProgressTask | None = None
        self.verify_task: ProgressTask | None = None
        self.demo_task: ProgressTask | None = None
        w = window
        self.import_action = action(w, t("&Import orders…"), self.import_orders, QKeySequence("Ctrl+I"), "importOrders")
        self.export_action = action(w, t("&Export to Excel…"), self.export_orders, QKeySequence("Ctrl+E"), "exportOrders")
        self.statement_action = action(w, t("Import s&tatement…"), self.import_statement, None, "importStatement")
        self.backup_action = action(w, t("&Back up database…"), self.back_up)
        self.restore_action = action(w, t("&Restore from backup…"), self.restore_from_backup, None, "restoreAction")
        self.settings_action = action(w, t("&Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences)
        self.verify_action = action(w, t("&Verify trail…"), self.verify_trail, None, "verifyTrail")
        self.key_import_action = action(w, t("Import the store's audit &key…"), self.import_audit_key, None,
                                        "importAuditKey")
        self.connect_action = action(w, t("&Connect to a shop server…"), self.connect_server, None, "connectServer")
        self.print_slips_action = action(w, t("&Print packing slips…"), self.print_slips,
                                         QKeySequence.StandardKey.Print, "printSlips")
        self.save_slips_action = action(w, t("Save packing slips as P&DF…"), self.save_slips_pdf, None,
                                        "saveSlipsPdf")
        session.require({
            self.import_action: "orders.import", self.export_action: "orders.export",
            self.statement_action: "statements.import",
            self.backup_action: "store.backup", self.restore_action: "store.restore",
            self.settings_action: "settings.shop",
        })

    # ---- orders in and out ------------------------------------------------------------------------
    def import_orders(self) -> None:
        from shop_orders.ui.import_dialog import ImportDialog

        path = FileDialog.ask_open(
            self.window, t("Import a channel's order export"),
            t("Order exports (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;All files (*)"),
            protected=self.ctx.db.own_files())
        if path is None:
            return
        result = ImportDialog.ask(self.ctx, path, self.lang, self.window)
        if result is not None:
            self.changed.emit()

    def import_statement(self) -> None:
        """File → Import statement…: a payment or bank statement, previewed, then imported whole."""
        from shop_orders.ui.statement_import import StatementImportDialog

        path = FileDialog.ask_open(
            self.window, t("Import a payment or bank statement"),
            t("Statements (*.csv *.txt *.xlsx *.xls *.xml *.sta *.mt940 *.940);;All files (*)"),
            protected=self.ctx.db.own_files())
        if path is None:
            return
        if StatementImportDialog.ask(self.ctx, path, self.lang, self.window) is not None:
            self.changed.emit()

    def export_orders(self) -> None:
        from shop_orders.services import exporting

        if self.session.refused("orders.export"):
            return
        dest = FileDialog.ask_save(self.window, t("Export to Excel"), t("Excel workbook (*.xlsx)"),
                                   protected=self.ctx.db.own_files(),
                                   suggested_name=f"orders-{datetime.now():%Y%m%d-%H%M}.xlsx")
        if dest is None:
            return
        dest_path = dest if dest.suffix.lower() == ".xlsx" else dest.with_name(dest.name + ".xlsx")
        lang = ExportOptionsDialog.ask(self.window, self.lang)
        if lang is None:
            return
        columns = self.grid.shown_column_keys()
        if "total" in columns or "paid" in columns:
            columns.append("currency")  # money is never exported without its currency
        db, query = self.ctx.db, self.grid.model.query
        dialog = progress_dialog(self.window, t("Exporting orders…"), "exportProgress")
        task = ProgressTask(lambda report, cancelled: exporting.export(
            db, dest_path, query, columns, progress=lambda d, t: report("write", d, t), cancelled=cancelled,
            lang=lang))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(done)

        def done(result) -> None:
            dialog.reset()
            self.said.emit(t("Exported %s orders to %s") % (result.orders, result.path), 10000)

        def failed(message: str) -> None:
            dialog.reset()
            QMessageBox.warning(self.window, t("Export stopped"), message)

        self.export_task = run_job(self, task, progress, done, failed)

    def print_slips(self) -> None:
        from shop_orders.ui import slips

        slips.print_slips(self.window, self.grid.selected_order_nos(), self.ctx)

    def save_slips_pdf(self) -> None:
        from shop_orders.ui import slips

        slips.save_slips_pdf(self.window, self.grid.selected_order_nos(), self.ctx)

    def add_demo_orders(self) -> None:
        """Demo data from the empty store's guide: 500 orders in a worker, with progress and Cancel
        (a cancel adds none)."""
        from shop_orders.services import demo

        dialog = progress_dialog(self.window, t("Adding demo orders…"), "demoProgress", maximum=DEMO_ORDERS)
        ctx = self.ctx
        task = ProgressTask(lambda report, cancelled: demo.add_demo_orders(
            ctx.db, ctx.change("demo"), DEMO_ORDERS, seed=int(self.clock().timestamp()) % 10_000,
            progress=lambda done, total: report("demo", done, total), cancelled=cancelled))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)

        def done(_n) -> None:
            dialog.reset()
            self.changed.emit()

        def failed(message: str) -> None:
            dialog.reset()
            self.said.emit(message, 10000)

        self.demo_task = run_job(self, task, progress, done, failed)

    # ---- the store's safety -----------------------------------------------------------------------
    def back_up(self) -> None:
        if self.session.refused("store.backup"):
            return
        self.ctx.backup_dir.mkdir(parents=True, exist_ok=True)
        dest = FileDialog.ask_save(self.window, t("Back up database"), t("Shop Orders backup (*.sqlite3)"),
                                   protected=self.ctx.db.own_files(), start=self.ctx.backup_dir,
                                   suggested_name=f"shop-orders-{datetime.now():%Y%m%d-%H%M%S}.sqlite3")
        if dest is None:
            return
        self.session.hold([self.backup_action], True)
        db, folder = self.ctx.db, self.ctx.backup_dir
        dialog = progress_dialog(self.window, t("Backing up and checking the copy…"), "backupProgress")
        task = ProgressTask(lambda report, cancelled: backup_service.backup(
            db, dest, folder, progress=lambda d, t: report("copy", d, t), cancel=cancelled))
        dialog.canceled.connect(task.cancel)

        def progress(_stage: str, done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1) - 1))  # the check after the copy still runs

        def done(report) -> None:
            dialog.reset()
            self.session.hold([self.backup_action], False)
            self.said.emit(t("Backup written and checked: %s") % report.path, 10000)

        def failed(message: str) -> None:
            cancelled = dialog.wasCanceled()
            dialog.reset()
            self.session.hold([self.backup_action], False)
            self.said.emit("", 0)
            if not cancelled:  # a cancel removed everything; nothing to warn about
                QMessageBox.warning(self.window, t("Backup failed"), message)

        self.backup_task = run_job(self, task, progress, done, failed)

    def restore_from_backup(self) -> None:
        """File → Restore from backup: pick a checked backup, confirm, and replace the store's content
        in a worker that waits (cancellable) for the other seats to close; this window's own seat does
        not count. What was replaced is kept in the backups folder; nothing is replaced on failure."""
        src = self._restore_source()
        if src is None:
            return
        folder = self.ctx.backup_dir
        held = [self.restore_action, self.backup_action]
        self.session.hold(held, True)
        self.restoring.emit(True)  # the store is locked meanwhile: no reads on the UI thread
        dialog = progress_dialog(self.window, t("Checking the backup…"), "restoreProgress", maximum=0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        db = self.ctx.db
        by = self.ctx.actor.name
        waiting_for: list[str] = []  # written by the worker, read on the UI thread

        def work(report, cancelled):
            def on_wait(others) -> None:
                waiting_for[:] = [s.describe() for s in others]
                report("wait", len(others), 0)
            return backup_service.restore(db, src, folder, wait=True, waiting=on_wait, cancel=cancelled,
                                          progress=lambda d, t: report("copy", d, t), by=by)

        task = ProgressTask(work)
        stopped: list[bool] = []

        def stop() -> None:
            stopped.append(True)
            task.cancel()

        dialog.canceled.connect(stop)

        def progress(stage: str, done: int, total: int) -> None:
            self._restore_progress(dialog, waiting_for, stage, done, total)

        def finish(restored: bool) -> None:
            dialog.reset()
            self.session.hold(held, False)
            if restored:  # the shop's settings came back with the backup too
                thresholds = self.grid.model.browser.thresholds()
                if thresholds != self.grid.model.query.thresholds:
                    self.grid.model.set_thresholds(thresholds)
            self.restoring.emit(False)

        def done(report) -> None:
            finish(True)
            self._restored(report, src)

        def failed(message: str) -> None:
            finish(False)
            self.restore_result = None
            if stopped:
                self.said.emit(t("The restore was cancelled; nothing was replaced."), 10000)
                return
            self.said.emit("", 0)
            QMessageBox.warning(self.window, t("Restore failed"), message)

        self.restore_task = run_job(self, task, progress, done, failed)

    def _restore_source(self) -> Path | None:
        """The backup to restore, once the person may restore, picked it and confirmed."""
        if self.session.refused("store.restore"):
            return None
        folder = self.ctx.backup_dir
        folder.mkdir(parents=True, exist_ok=True)
        src = FileDialog.ask_open(self.window, t("Restore from backup"), t("Shop Orders backup (*.sqlite3)"),
                                  protected=self.ctx.db.own_files(), start=folder)
        if src is None:
            return None
        answer = QMessageBox.question(
            self.window, t("Restore from backup"),
            t("Replace everything in the store with the backup %s? The current store is kept as a copy "
              "in %s first, so nothing is lost.") % (src.name, folder),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return src if answer == QMessageBox.StandardButton.Yes else None

    @staticmethod
    def _restore_progress(dialog, waiting_for: list[str], stage: str, done: int, total: int) -> None:
        if stage == "wait":
            listed = ", ".join(waiting_for[:3]) + (", …" if len(waiting_for) > 3 else "")
            dialog.setLabelText(t("Waiting for %s other seat(s) to close: %s") % (done, listed))
            dialog.setRange(0, 0)
            return
        dialog.setLabelText(t("Replacing the store's content with the backup…"))
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1) - 1))

    def _restored(self, report, src: Path) -> None:
        self.restore_result = report
        self.said.emit(t("Restored %s orders from %s.") % (f"{report.orders:,}", src.name), 10000)
        if report.replaced_problem is None:
            QMessageBox.information(self.window, t("Restore from backup"),
                                    t("The backup was restored; the replaced store was kept as %s.")
                                    % report.path)
        else:
            QMessageBox.information(self.window, t("Restore from backup"),
                                    t("The backup was restored; the replaced store failed its checks "
                                      "(%s) and was kept as %s for investigation.")
                                    % (report.replaced_problem, report.path))

    def verify_trail(self) -> None:
        """Tools → Verify trail: the audit chain and the replay of every order, in a worker with
        progress and cancel; the outcome in one sentence."""
        from shop_orders.services.verification import verify_store

        self.session.hold([self.verify_action], True)
        dialog = progress_dialog(self.window, t("Checking the audit trail…"), "verifyProgress")
        db = self.ctx.db
        task = ProgressTask(lambda report, cancelled: verify_store(db, progress=report, cancel=cancelled))
        stopped: list[bool] = []

        def stop() -> None:
            stopped.append(True)
            task.cancel()

        dialog.canceled.connect(stop)
        stages = {"chain": t("Checking the audit chain…"),
                  "orders": t("Comparing every order with its audit trail…")}

        def progress(stage: str, done: int, total: int) -> None:
            dialog.setLabelText(stages.get(stage, ""))
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))

        def finish(ok: bool, sentence: str) -> None:
            dialog.reset()
            self.session.hold([self.verify_action], False)
            self.verify_result = (ok, sentence)
            self.said.emit(sentence, 0)
            if ok:
                QMessageBox.information(self.window, t("Verify trail"), sentence)
            else:
                QMessageBox.warning(self.window, t("Verify trail"), sentence)

        def done(result) -> None:
            if result.ok:
                finish(True, t("The audit trail is intact: %s events and %s orders checked.")
                       % (f"{result.events:,}", f"{result.orders:,}"))
            else:
                finish(False, t("The audit trail check failed: %s") % result.problem)

        def failed(message: str) -> None:
            if stopped:
                dialog.reset()
                self.session.hold([self.verify_action], False)
                self.verify_result = None
                self.said.emit(t("The check of the audit trail was cancelled."), 10000)
                return
            finish(False, message)

        self.verify_task = run_job(self, task, progress, done, failed)

    def import_audit_key(self) -> None:
        """Tools → Import the store's audit key…: the key file another seat exported; checked against
        the whole trail in a worker, then this seat may write."""
        from shop_orders.services.verification import import_key

        src = FileDialog.ask_open(self.window, t("Import the store's audit key"),
                                  t("Audit key (*.key);;All files (*)"), protected=self.ctx.db.own_files())
        if src is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(sentence: str) -> None:
            self.keyImported.emit()
            QMessageBox.information(self.window, t("Import the store's audit key"), sentence)

        def failed(message: str) -> None:
            QMessageBox.warning(self.window, t("Import the store's audit key"), message)

        self.said.emit(t("Checking the key against the audit trail…"), 0)
        run_in_pool(lambda: import_key(db, actor, src), done, failed, owner=self)

    # ---- where the store is, how it is set ---------------------------------------------------------
    def connect_server(self) -> None:
        """Point this seat at the shop's PostgreSQL server (opened from the next start)."""
        from shop_orders.ui.first_run import ConnectDialog

        saved = ConnectDialog.ask(self.window, self.qsettings)
        if saved is None:
            return
        answer = QMessageBox.question(
            self.window, t("Connect to a shop server"),
            t("This PC will open the shop server's store from its next start. Restart Shop Orders now?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            from shop_orders.services import seat

            seat.restart()  # the same program and options, without --db or $SHOP_ORDERS_DB
            self.window.close()

    def open_settings(self) -> None:
        """File → Settings: the shop's name, address and phone are read in a worker first (the
        thresholds are the grid's), then the dialog; what changed is written in one unit of work."""
        ctx = self.ctx
        run_in_pool(lambda: ctx.read(settings.get_shop), self._ask_settings,
                    lambda message: self.said.emit(message, 10000), owner=self)

    def _ask_settings(self, shop: ShopIdentity) -> None:
        current = self.grid.model.query.thresholds
        language = str(self.qsettings.value(i18n.SETTING, "") or "")
        answer = SettingsDialog.ask(self.window, current, language, self.lang, shop)
        if answer is None:
            return
        thresholds, new_language, new_shop = answer
        self.qsettings.setValue(i18n.SETTING, new_language)
        if thresholds == current and new_shop == shop:
            return

        def change(uow, c) -> None:
            if thresholds != current:
                settings.set_thresholds(uow, c, thresholds)
            if new_shop != shop:
                settings.set_shop(uow, c, new_shop.name, new_shop.address, new_shop.phone)

        self.order_actions.apply(change, then=(lambda: self.thresholdsChanged.emit(thresholds))
                                 if thresholds != current else None)
