"""Packing slips from the desktop app: Qt's print dialog or a PDF, drawn in a worker.

The pages are the command line's (services/slips.py): the worker reads the orders with its own
session and paints them onto the QPrinter chosen in the dialog or onto a PDF, reporting progress
per order; Cancel stops it (a cancelled print job is aborted, a cancelled PDF leaves no file).
Dialogs have a classmethod `ask` that tests replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QWidget

from shop_orders.adapters import slip_painting
from shop_orders.domain.messages import t
from shop_orders.services import slips
from shop_orders.services.context import AppContext
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.workers import ProgressTask, progress_dialog, run_job


class SlipPrintDialog:
    """Qt's print dialog on an A6 printer set-up; returns the printer chosen, or None."""

    @classmethod
    def ask(cls, parent: QWidget, count: int) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(slip_painting.page_layout())
        dialog = QPrintDialog(printer, parent)
        dialog.setObjectName("printSlipsDialog")
        dialog.setWindowTitle(t("Print %s packing slips") % count)
        from shop_orders.ui.dialogs import exec_once

        return printer if exec_once(dialog) == QDialog.DialogCode.Accepted else None


def _run(parent: QWidget, label: str, count: int, work, done_message) -> ProgressTask:
    dialog = progress_dialog(parent, label, "slipProgress", maximum=max(count, 1))
    task = ProgressTask(work)
    dialog.canceled.connect(task.cancel)

    def progress(_stage: str, done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def finished(result) -> None:
        dialog.reset()
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage(done_message(result), 10000)

    def failed(message: str) -> None:
        dialog.reset()
        if not task.cancelled:
            QMessageBox.warning(parent, t("Packing slips"), message)

    return run_job(parent, task, progress, finished, failed)


def print_slips(parent: QWidget, order_nos: Sequence[str], ctx: AppContext) -> ProgressTask | None:
    """Ask for a printer, then print the orders' slips in a worker (None: nothing asked or chosen)."""
    if not order_nos:
        QMessageBox.information(parent, t("Packing slips"), t("Select the orders to print slips for."))
        return None
    printer = SlipPrintDialog.ask(parent, len(order_nos))
    if printer is None:
        return None
    wanted, db = list(order_nos), ctx.db

    def work(report, cancelled) -> int:
        found = slips.load_slips(db, wanted)
        try:
            return slip_painting.paint_document(printer, found, printer.resolution(),
                                                lambda done, total: report("print", done, total), cancelled)
        except slips.SlipCancelled:
            printer.abort()  # nothing half-printed goes to the printer
            raise

    return _run(parent, t("Printing packing slips…"), len(wanted), work,
                lambda pages: t("Sent %s pages of packing slips to the printer") % pages)


def save_slips_pdf(parent: QWidget, order_nos: Sequence[str], ctx: AppContext) -> ProgressTask | None:
    """Ask where, then write the orders' slips to one PDF in a worker."""
    if not order_nos:
        QMessageBox.information(parent, t("Packing slips"), t("Select the orders to print slips for."))
        return None
    dest = FileDialog.ask_save(parent, t("Save packing slips as PDF"), t("PDF document (*.pdf)"),
                               protected=ctx.db.own_files(), suggested_name=f"slips-{datetime.now():%Y%m%d-%H%M}.pdf")
    if dest is None:
        return None
    path = dest if dest.suffix.lower() == ".pdf" else dest.with_name(dest.name + ".pdf")
    wanted, db = list(order_nos), ctx.db

    def work(report, cancelled) -> Path:
        found = slips.load_slips(db, wanted)
        slips.write_pdf(path, found, lambda done, total: report("write", done, total), cancelled)
        return path

    return _run(parent, t("Writing packing slips…"), len(wanted), work,
                lambda written: t("Saved the packing slips to %s") % written)
