"""Import a channel's export: read and check it in a worker, preview what will be created,
updated, left unchanged or refused and every problem (file, row, column), then import in one
transaction in a worker with a progress bar and a cancel button. Nothing is written until the
user presses Import, and a cancel leaves the store as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import t
from shop_orders.domain.money import shown
from shop_orders.domain.vocabulary import field_label
from shop_orders.services.context import AppContext
from shop_orders.services.importing import runner
from shop_orders.services.importing.plan import ImportPlan
from shop_orders.ui import palette
from shop_orders.ui.dialogs import exec_once
from shop_orders.ui.i18n import sorted_by_shown_name
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.workers import ProgressTask, registry_for, run_job

PREVIEW_ROWS = 500
PROBLEM_ROWS = 5000  # the problems are listed all at once up to this many


# Currencies offered for a file without a currency column (any other: import --currency on the command line).
CURRENCIES = ("CNY", "HKD", "TWD", "USD", "EUR", "GBP", "JPY", "KRW", "SGD", "AUD", "CAD", "INR", "ZAR", "PKR", "AED")


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, path: Path, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.ctx, self.path, self.lang = ctx, path, lang
        self.plan: ImportPlan | None = None
        self.result: runner.ImportResult | None = None  # type: ignore[assignment]  # shadows QDialog.result()
        self.task: ProgressTask | None = None
        self.setWindowTitle(t("Import %s") % path.name)
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        self.summary = QLabel(t("Reading and checking %s…") % path.name, self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        choice = QHBoxLayout()
        choice.addWidget(QLabel(t("Read as"), self))
        self.profile_choice = QComboBox(self)
        self.profile_choice.setObjectName("profileChoice")
        self.profile_choice.setEnabled(False)
        self.profile_choice.activated.connect(self._profile_chosen)
        choice.addWidget(self.profile_choice, 1)
        self.match_label = QLabel("", self)
        self.match_label.setObjectName("matchQuality")
        choice.addWidget(self.match_label)
        choice.addWidget(QLabel(t("Currency if the file has none"), self))
        self.currency_choice = QComboBox(self)
        self.currency_choice.setObjectName("currencyChoice")
        self.currency_choice.addItem(t("the layout's usual one"), None)
        for code in CURRENCIES:
            self.currency_choice.addItem(code, code)
        self.currency_choice.setToolTip(t("A file without a currency column (WooCommerce's, Etsy's...) is read in this "
                                          "currency"))
        self.currency_choice.activated.connect(self._currency_chosen)
        choice.addWidget(self.currency_choice)
        layout.addLayout(choice)
        self.progress = QProgressBar(self)
        layout.addWidget(self.progress)
        self.tabs = QTabWidget(self)
        self.problems = text_table(self, [t("Row"), t("Column"), t("Problem")], "importProblems")
        self.creates = text_table(self, [t("Row"), t("Channel"), t("Channel order no."), t("Status"),
                                     t("Total"), t("Buyer"), t("Lines")], "importCreates")
        self.updates = text_table(self, [t("Order"), t("Field"), t("Now"), t("From the file")],
                              "importUpdates")
        self.refused = text_table(self, [t("Row"), t("Not applied")], "importRefused")
        self.used_columns = text_table(self, [t("Column in the file"), t("Read as")], "importColumns")
        for table, title in ((self.problems, t("Problems")), (self.creates, t("New orders")),
                             (self.updates, t("Updates")), (self.refused, t("Refused")),
                             (self.used_columns, t("Columns"))):
            self.tabs.addTab(table, title)
        layout.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        self.skip_invalid = QCheckBox(t("Skip the rows with problems"), self)
        self.skip_invalid.toggled.connect(self._update_buttons)
        self.skip_invalid.toggled.connect(self._summarise)
        buttons.addWidget(self.skip_invalid)
        buttons.addStretch(1)
        self.words_button = QPushButton(t("Map status words…"), self)
        self.words_button.setObjectName("mapStatusWords")
        self.words_button.setToolTip(t("Say what the file's unknown status words mean; remembered for this layout"))
        self.words_button.clicked.connect(self.map_words)
        self.words_button.setVisible(False)
        buttons.addWidget(self.words_button)
        self.map_button = QPushButton(t("Map columns…"), self)
        self.map_button.setObjectName("mapColumns")
        self.map_button.setToolTip(t("Build a profile for a channel this app does not know yet"))
        self.map_button.clicked.connect(self.map_columns)
        buttons.addWidget(self.map_button)
        self.import_button = QPushButton(t("Import"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(t("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.channel = "auto"
        self.currency: str | None = None
        self.must_choose = False
        self._check()

    def _check(self) -> None:
        """Read and check the file in a worker (again after a choice or a mapping)."""
        ctx, path, channel, currency = self.ctx, self.path, self.channel, self.currency
        self.plan = None
        self.summary.setStyleSheet("")
        self.summary.setText(t("Reading and checking %s…") % path.name)
        self._run(lambda report, cancelled: runner.prepare(ctx.db, path, channel, progress=report,
                                                           cancelled=cancelled, choose_first=True, currency=currency,
                                                           actor=ctx.actor),
                  self._show_plan)
        self._update_buttons()

    def _currency_chosen(self, index: int) -> None:
        self.currency = self.currency_choice.itemData(index)
        self._check()

    # ---- workers ----------------------------------------------------------------------------
    def _run(self, fn, on_done) -> None:
        self.task = run_job(self, ProgressTask(fn), self._progress, on_done, self._failed)

    def _progress(self, stage: str, done: int, total: int) -> None:
        names = {"read": t("Reading"), "check": t("Checking"), "write": t("Importing")}
        self.progress.setFormat(f"{names.get(stage, stage)} %v / %m")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _failed(self, message: str) -> None:
        self.task = None
        self.summary.setText(message)
        self.summary.setStyleSheet(f"color: {palette.ERROR_TEXT};")
        self.progress.setValue(0)
        if self.profile_choice.count() == 0:  # not recognised: the person chooses the layout under "Read as"
            self._fill_profiles(None)
        self._update_buttons()

    # ---- steps ------------------------------------------------------------------------------
    def _show_plan(self, plan: ImportPlan) -> None:
        self.task = None
        self.plan = plan
        self.progress.setValue(self.progress.maximum())
        match = plan.match
        self.must_choose = self.channel == "auto" and match is not None and match.ambiguous
        self._fill_profiles(plan)
        self._summarise()
        if self.must_choose and match is not None:  # must_choose is only set with a match
            names = ", ".join(p.label for p in (match.profile, *match.others))
            self.summary.setText(t("The columns fit several layouts equally well (%s): choose the right one under "
                                   "\"Read as\".") % names)
            self.summary.setStyleSheet(f"color: {palette.WARNING_TEXT};")
        if match is not None:
            self.match_label.setText(match.quality())
            fill(self.used_columns, [[h, field_label(f)] for f, h in match.used()])
        self.words_button.setVisible(bool(plan.unknown_words()))
        # every problem of the file at once (up to PROBLEM_ROWS, then a row says how many more)
        listed = [[str(p.row), p.column, p.message] for p in plan.problems[:PROBLEM_ROWS]]
        if len(plan.problems) > PROBLEM_ROWS:
            listed.append(["", "", t("… and %s more problems") % f"{len(plan.problems) - PROBLEM_ROWS:,}"])
        fill(self.problems, listed)
        self.tabs.setTabText(self.tabs.indexOf(self.problems), t("Problems (%s)") % f"{len(plan.problems):,}"
                             if plan.problems else t("Problems"))
        fill(self.creates, [[str(o.first_row), channel_label(o.channel, self.lang), o.channel_order_no,
                              o.status.label(self.lang), f"{shown(o.final_total(), o.currency, o.amount_known)} "
                              f"{o.currency}", o.buyer, str(len(o.lines))] for o in plan.creates[:PREVIEW_ROWS]])
        fill(self.updates, [[u.order_no, f, str(old), str(new)] for u in plan.updates[:PREVIEW_ROWS]
                             for f, (old, new) in u.changes.items()])
        fill(self.refused, [[str(p.row), p.message] for p in plan.refused[:PREVIEW_ROWS]])
        self.tabs.setCurrentWidget(self.problems if plan.problems else self.creates)
        self._update_buttons()

    def _summarise(self) -> None:
        """What the import will do, counted as the import counts it (runner.outcome): with the
        rows with problems skipped when that box is ticked."""
        plan = self.plan
        if plan is None or self.result is not None or self.must_choose:
            return
        skip = bool(plan.problems) and self.skip_invalid.isChecked()
        will = runner.outcome(plan, skip)
        text = t("%s — %s (header on row %s): %s orders. Will create %s, update %s; %s unchanged, %s refused, "
                 "%s problems.") % (plan.file, plan.profile.label, plan.header_row, len(plan.orders), will.created,
                                    will.updated, will.unchanged, will.refused, len(plan.problems))
        if skip:
            text += " " + t("The rows with problems are skipped (%s orders).") % f"{will.skipped_invalid:,}"
        elif plan.problems:
            text += " " + t("Nothing is imported until the problems are fixed or their rows skipped.")
        self.summary.setText(text)

    def _fill_profiles(self, plan: ImportPlan | None) -> None:
        """The layouts the file may be read as: the one that fits (or those that fit equally well,
        to choose from), then every other known layout; every layout, to choose from, when the file
        was not recognised (`plan` None)."""
        everyone = self.ctx.read(runner.candidate_profiles)
        match = plan.match if plan is not None else None
        first = [plan.profile, *(match.others if match is not None else ())] if plan is not None else []
        codes = [p.code for p in first]
        combo = self.profile_choice
        combo.blockSignals(True)
        combo.clear()
        if self.must_choose or plan is None:
            combo.addItem(t("(choose)"), None)
        rest = sorted_by_shown_name((p for p in everyone if p.code not in codes), lambda p: p.label, self.lang)
        for p in [*first, *rest]:  # what the file matched first, then every other by its shown name
            combo.addItem(p.label, p.code)
        combo.setCurrentIndex(0)
        combo.setEnabled(True)
        combo.blockSignals(False)

    def _profile_chosen(self, index: int) -> None:
        code = self.profile_choice.itemData(index)
        if code is None:
            return
        self.channel = code
        self.must_choose = False
        self._check()

    def _update_buttons(self) -> None:
        p = self.plan
        busy = self.task is not None
        can = p is not None and (p.creates or p.updates) and (not p.problems or self.skip_invalid.isChecked())
        self.import_button.setEnabled(bool(can) and not busy and self.result is None and not self.must_choose)
        self.skip_invalid.setVisible(bool(p and p.problems))

    def start_import(self) -> None:
        plan, ctx, skip = self.plan, self.ctx, self.skip_invalid.isChecked()
        assert plan is not None  # Import is enabled only with a plan
        change = ctx.change(f"import:{self.path.name}")
        self.summary.setText(t("Importing… (one transaction: cancel leaves everything as it was)"))
        self._run(lambda report, cancelled: runner.apply(ctx.db, change, plan, skip_invalid=skip, progress=report,
                                                          cancelled=cancelled), self._done)
        self._update_buttons()

    def _done(self, result: runner.ImportResult) -> None:
        self.task = None
        self.result = result
        self.summary.setText(t("Imported: created %s, updated %s, unchanged %s, refused %s.")
                             % (result.created, result.updated, result.unchanged, result.refused))
        self.cancel_button.setText(t("Close"))
        self._update_buttons()

    def map_columns(self) -> None:
        from shop_orders.adapters.readers import ReadError
        from shop_orders.ui.mapping_dialog import MappingDialog

        try:
            saved = MappingDialog.ask(self.ctx, self.path, self.lang, self)
        except ReadError as exc:
            self._failed(str(exc))
            return
        if saved is None:
            return
        self.channel = saved.code
        self._check()

    def map_words(self) -> None:
        """Map the file's unknown status words on the spot; saved for the layout, then checked again."""
        from shop_orders.domain.errors import ShopOrdersError
        from shop_orders.services import settings
        from shop_orders.ui.dialogs import StatusWordsDialog

        plan = self.plan
        if plan is None or not plan.unknown_words():
            return
        words = StatusWordsDialog.ask(self, plan.profile.label, plan.unknown_words(), self.lang)
        if not words:
            return
        try:
            self.ctx.run(lambda uow, c: settings.save_status_words(uow, c, plan.profile.code, words))
        except ShopOrdersError as exc:
            self._failed(str(exc))
            return
        self.channel = plan.profile.code
        self._check()

    def reject(self) -> None:
        """Closing the dialog (Esc, the window's close button) while a worker runs cancels it and
        waits for it: an import is rolled back, never left running without a window."""
        if self.task is not None:
            self.task.cancel()
            registry_for(self).cancel_and_wait(only=[self.task])
            self.task = None
        super().reject()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.setText(t("Cancelling…"))
            return
        if self.result is not None:
            self.accept()
        else:
            self.reject()

    @classmethod
    def ask(cls, ctx: AppContext, path: Path, lang: str, parent=None) -> runner.ImportResult | None:
        d = cls(ctx, path, lang, parent)
        exec_once(d)
        return d.result
