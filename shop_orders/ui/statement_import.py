"""Import a payment or bank statement (File → Import statement…): read and check it in a worker,
show what it is (format, account, period), how many of its lines are new and how many the store
holds already, the money in and out, and its new lines; Import writes them in one transaction in a
worker. The preview and the import are one path (services/statements.py: prepare and outcome, then
apply, which compares again inside the write). Nothing is written until the person presses Import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import KIND_LABELS, provider_label
from shop_orders.services import statements
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.dialogs import exec_once
from shop_orders.ui.order_model import local_text
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import Task, registry_for, run_in_pool, run_write

PREVIEW_ROWS = 500


class StatementImportDialog(QDialog):
    def __init__(self, ctx: AppContext, path: Path, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statementImportDialog")
        self.ctx, self.path, self.lang = ctx, path, lang
        self.plan: statements.StatementPlan | None = None
        self.summary_result: statements.ImportSummary | None = None
        self.task: Task | None = None
        self.setWindowTitle(t("Import statement %s") % path.name)
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(t("Reading and checking %s…") % path.name, self)
        self.summary.setObjectName("statementSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        choice = QHBoxLayout()
        choice.addWidget(QLabel(t("Read as"), self))
        self.format_choice = QComboBox(self)
        self.format_choice.setObjectName("statementFormat")
        self.format_choice.addItem(t("recognised from its header"), None)
        from shop_orders.adapters.statements import formats

        for code, module in formats().items():
            self.format_choice.addItem(f"{t(module.LABEL)} ({code})", code)
        self.format_choice.activated.connect(lambda _i: self._check())
        choice.addWidget(self.format_choice, 1)
        layout.addLayout(choice)
        self.lines = text_table(self, [t("Row"), t("Kind"), t("Amount"), t("Fee"), t("Currency"), t("Time"),
                                       t("Order no. (merchant)"), t("Transaction"), t("Memo")], "statementLines")
        layout.addWidget(self.lines, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(t("Import"), self)
        self.import_button.setObjectName("statementImportButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(t("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._check()

    def _check(self) -> None:
        """Read the file and compare it with the store in a worker (again after a format is chosen)."""
        ctx, path, fmt = self.ctx, self.path, self.format_choice.currentData()
        self.plan = None
        self.summary.setStyleSheet("")
        self.summary.setText(t("Reading and checking %s…") % path.name)
        self.task = run_in_pool(lambda: ctx.read(lambda s: statements.prepare(s, path, fmt)), self._show,
                                self._failed, owner=self)
        self._update_buttons()

    def _show(self, plan: statements.StatementPlan) -> None:
        self.task = None
        self.plan = plan
        st = plan.statement
        what = statements.outcome(plan).describe()
        account = t("account {account}", account=st.account) if st.account else ""
        self.summary.setText(" · ".join(x for x in (provider_label(st.provider), account, what) if x))
        fill(self.lines, [[str(x.row), t(KIND_LABELS[x.kind]), format_minor(x.amount_minor, x.currency),
                           format_minor(x.fee_minor, x.currency), x.currency, local_text(x.occurred_at),
                           x.merchant_order_no or x.platform_order_no, x.provider_txn, x.memo[:80]]
                          for x in plan.new[:PREVIEW_ROWS]])
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self.task = None
        self.summary.setText(message)
        self.summary.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        self._update_buttons()

    def _update_buttons(self) -> None:
        can = self.plan is not None and bool(self.plan.new) and self.summary_result is None
        self.import_button.setEnabled(can and self.task is None)

    def start_import(self) -> None:
        plan, ctx = self.plan, self.ctx
        assert plan is not None  # Import is enabled only with a plan
        self.summary.setText(t("Importing… (one transaction: nothing is written unless all of it is)"))
        self.task = run_write(self, lambda: ctx.run(lambda uow, change: statements.apply(uow, change, plan),
                                                    f"statement:{self.path.name}"),
                              self._done, self._failed, hold=(self.import_button, self.format_choice))

    def _done(self, summary: statements.ImportSummary) -> None:
        self.task = None
        self.summary_result = summary
        self.summary.setText(t("Imported: %s") % summary.describe())
        self.cancel_button.setText(t("Close"))
        self._update_buttons()

    def reject(self) -> None:
        """Closing while the file is read or written waits for the worker (a write is one
        transaction: it either lands whole or not at all)."""
        if self.task is not None:
            registry_for(self).cancel_and_wait(only=[self.task])
            self.task = None
        super().reject()

    def cancel(self) -> None:
        if self.summary_result is not None:
            self.accept()
        else:
            self.reject()

    @classmethod
    def ask(cls, ctx: AppContext, path: Path, lang: str, parent: QWidget | None = None) \
            -> statements.ImportSummary | None:
        d = cls(ctx, path, lang, parent)
        exec_once(d)
        return d.summary_result
