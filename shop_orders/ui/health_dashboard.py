"""The shop's health at a glance (issue 28 item 3): the figures of domain/health.py as tiles, three
charts, and a click away from the orders behind each.

- Top: the period (today, 7 days, 30 days or a chosen range of the shop's local days), the channel
  (all, or one the store has orders of), Refresh, Export PDF… (one A4 landscape page for the
  owner's weekly meeting), Export Excel… (services/health_export.py) and Lights… (the owner's
  green and amber thresholds, services/health.set_lights).
- Tiles: one per figure (domain/health.FIGURES): its value in its unit, the change against the
  previous period of the same length (green when better, red when worse), its traffic light, the
  orders a click shows, the missing times excluded, and the figure beside it (a median, a share,
  the 90th percentile). The tooltip says the definition.
- The breakdown (orders by status and channel, stale orders by status and age, open exceptions by
  kind and priority, delivery per courier, unreconciled orders by state) and three charts drawn
  with pyqtgraph (orders per day, shipped within 24 h per day, scan-out to pickup per courier).

A click on a tile, a breakdown row, a bar or a point emits `sliceChosen(report.slice(key, part))`:
the main window shows exactly those orders in its grid (show_health_slice), so the grid's count is
the number the dashboard showed. Every read happens in a worker (ui/workers.run_in_pool); an
answer to a period or channel no longer chosen is dropped.

Its parts: ui/health_tiles.py (how a figure reads, the tiles, the charts, the lights dialog) and
ui/health_pdf.py (the one-page PDF).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QPicture,
    QRegion,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.channels import channel_label
from shop_orders.domain.health import (
    BY_KEY,
    FIGURES,
    Unit,
)
from shop_orders.domain.messages import t
from shop_orders.services import health
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.day_range import day_edits, pydate, qdate
from shop_orders.ui.dialogs import add_button
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.health_pdf import write_pdf
from shop_orders.ui.health_tiles import (
    BREAKDOWN,
    CHARTS,
    COLUMNS,
    SPAN_LABELS,
    SPANS,
    Chart,
    LightsDialog,
    Tile,
    period_text,
    value_text,
)
from shop_orders.ui.workers import registry_for, run_in_pool


class HealthDashboard(QMainWindow):
    """The window (objectName healthDashboard). `sliceChosen(Slice)`: a tile, row, bar or point
    was clicked; `refreshed`: a report was shown (or refused); `changed`: the lights were set."""

    sliceChosen = Signal(object)
    refreshed = Signal()
    changed = Signal()

    def __init__(self, ctx: AppContext, lang: str = "en", parent: QWidget | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 rights: Callable[[], Collection[str] | None] = lambda: None) -> None:
        super().__init__(parent)
        self.ctx, self.lang, self.clock, self.rights = ctx, lang, clock, rights
        self.setObjectName("healthDashboard")
        self.setWindowTitle(t("Shop health"))
        self.report: health.Report | None = None
        self.loading = False
        self.writing = False
        self._gen = 0
        self.tiles: dict[str, Tile] = {}
        self.charts: dict[str, Chart] = {}
        self._build()
        self._connect()
        self._read_channels()
        self.reload()
        self.content.installEventFilter(self)  # the charts are made once the rest was painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.content and event.type() == QEvent.Type.Paint and not self.charts:
            self.content.removeEventFilter(self)
            QTimer.singleShot(0, self._next_chart)
        return super().eventFilter(watched, event)

    def _next_chart(self) -> None:
        """Make the next chart (a pyqtgraph view and its first paint cost some 40 ms each: made one
        by one, the window opens without freezing), then ask for the one after it."""
        i = len(self.charts)
        if i >= len(CHARTS):
            return
        key, title, kind = CHARTS[i]
        chart = self.charts[key] = Chart(key, title, kind, self.content)
        chart.pointClicked.connect(self.open_slice)
        self._holders[i].addWidget(chart)
        if self.report is not None:
            chart.show_chart(next(c for c in self.report.charts if c.key == key))
        QTimer.singleShot(0, self._next_chart)

    def ready(self) -> bool:
        """Everything shown: the charts made, the newest report in, no worker running."""
        return len(self.charts) == len(CHARTS) and not self.loading and not self.workers_running()

    # ---- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        self.setCentralWidget(central)
        box = QVBoxLayout(central)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        box.addLayout(self._top_row())
        self.message = QLabel("", self)
        self.message.setObjectName("healthMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        box.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setObjectName("healthScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget(scroll)
        self.content.setObjectName("healthContent")
        scroll.setWidget(self.content)
        self.content.setAutoFillBackground(False)  # the viewport's grey on screen; white paper in the PDF
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(6)
        self.period_label = QLabel("", self.content)
        self.period_label.setObjectName("healthPeriodText")
        font = QFont(self.period_label.font())
        font.setBold(True)
        self.period_label.setFont(font)
        inner.addWidget(self.period_label)
        inner.addLayout(self._tile_grid())
        inner.addLayout(self._lower(), 1)
        box.addWidget(scroll, 1)

    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.period = QComboBox(self)
        self.period.setObjectName("healthPeriod")
        for code, label in zip(SPANS, SPAN_LABELS, strict=True):
            self.period.addItem(t(label), code)
        self.period.setCurrentIndex(SPANS.index("7d"))
        today = self.clock().date()
        self.date_from, self.date_to = day_edits(self, ("healthFrom", "healthTo"), today.replace(day=1), today)
        self.channel = QComboBox(self)
        self.channel.setObjectName("healthChannel")
        self.channel.addItem(t("All channels"), "")
        self.channel.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.channel.setMinimumContentsLength(12)
        row.addWidget(QLabel(t("Period"), self))
        for w in (self.period, self.date_from, QLabel("–", self), self.date_to, self.channel):
            row.addWidget(w)
        self.state = QLabel("", self)
        self.state.setObjectName("healthState")
        self.state.setStyleSheet(f"color: {palette.QUIET_TEXT};")
        row.addWidget(self.state, 1)

        def button(text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
            return add_button(row, self, text, name, slot, tip)

        self.refresh_button = button(t("Refresh"), "healthRefresh", self.reload, t("Read the figures again"))
        self.pdf_button = button(t("Export PDF…"), "healthPdf", self.export_pdf,
                                 t("This page as one A4 page for the weekly meeting"))
        self.excel_button = button(t("Export Excel…"), "healthExcel", self.export_excel,
                                   t("The figures and their breakdown to Excel"))
        self.lights_button = button(t("Lights…"), "healthLights", self.edit_lights,
                                    t("Set each figure's green and amber thresholds"))
        return row

    def _tile_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, d in enumerate(FIGURES):
            tile = self.tiles[d.key] = Tile(d, self.content)
            tile.clicked.connect(lambda key: self.open_slice(key))
            tile.hovered.connect(self._show_breakdown_of)
            grid.addWidget(tile, i // COLUMNS, i % COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        return grid

    def _lower(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self._holders: list[QVBoxLayout] = []
        for _chart in CHARTS:  # each chart is made on its own turn of the event loop (_next_chart)
            holder = QWidget(self.content)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            self._holders.append(box)
            row.addWidget(holder, 3)
        self.breakdown = QTreeWidget(self.content)
        self.breakdown.setObjectName("healthBreakdown")
        self.breakdown.setColumnCount(3)
        self.breakdown.setHeaderLabels([t("Breakdown"), t("Value"), t("Orders")])
        self.breakdown.setRootIsDecorated(True)
        self.breakdown.setUniformRowHeights(True)
        self.breakdown.setMinimumWidth(300)
        header = self.breakdown.header()
        header.setStyleSheet(f"QHeaderView::section {{ background: {palette.HEALTH_HEADER}; border: none;"
                             f" border-bottom: 1px solid {palette.HEALTH_TILE_BORDER}; padding: 2px 4px; }}")
        # flat, not the style's gradient: a PDF cannot draw that gradient (QPdfEngine says so)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.breakdown.setToolTip(t("A click on a row shows its orders"))
        self.breakdown.itemClicked.connect(self._row_clicked)
        self.breakdown.itemActivated.connect(self._row_clicked)
        row.addWidget(self.breakdown, 4)
        return row

    def _connect(self) -> None:
        self.period.currentIndexChanged.connect(self._period_chosen)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._dates_edited)
        self.channel.currentIndexChanged.connect(self.reload)
        self._buttons()

    # ---- the period and channel ---------------------------------------------------------------------
    def _period_chosen(self) -> None:
        self.reload()

    def _dates_edited(self) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(SPANS.index("range"))
        self.period.blockSignals(False)
        self.reload()

    def choose(self, span: str, first: date | None = None, last: date | None = None) -> None:
        """Choose a period as a person would (the combo, and for a range the two dates)."""
        if span == "range" and first is not None and last is not None:
            for edit, day in ((self.date_from, first), (self.date_to, last)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
            if self.period.currentData() == "range":
                self.reload()
                return
        self.period.setCurrentIndex(SPANS.index(span))

    def _read_channels(self) -> None:
        db = self.ctx.db
        run_in_pool(lambda: health.channels(db), self._show_channels, lambda m: self.say(m, bad=True), owner=self)

    def _show_channels(self, codes: Sequence[str]) -> None:
        keep = self.channel.currentData()
        self.channel.blockSignals(True)
        while self.channel.count() > 1:
            self.channel.removeItem(1)
        for code in sorted(codes, key=channel_label):
            self.channel.addItem(channel_label(code), code)
        found = self.channel.findData(keep)
        self.channel.setCurrentIndex(max(found, 0))
        self.channel.blockSignals(False)

    # ---- reading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the figures again in a worker; an answer for a period or channel changed
        meanwhile is dropped (the newest request wins)."""
        self._gen += 1
        gen, db, now = self._gen, self.ctx.db, self.clock()
        span = str(self.period.currentData())
        first, last = (pydate(self.date_from.date()), pydate(self.date_to.date())) if span == "range" else (None, None)
        channel = str(self.channel.currentData() or "") or None
        self.loading = True
        self.state.setText(t("Refreshing…"))
        run_in_pool(lambda: health.report(db, span=span, first=first, last=last, channel=channel, now=now),
                    lambda r: self._arrived(gen, r), lambda m: self._failed(gen, m), owner=self)

    def _arrived(self, gen: int, report: health.Report) -> None:
        if gen != self._gen:
            return
        self.report = report
        self.loading = False
        self.say("")
        self.period_label.setText(period_text(report))
        if self.period.currentData() != "range":  # the dates edits show the days the span covers
            for edit, day in ((self.date_from, report.period.first_day), (self.date_to, report.period.last_day)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
        for f in report.figures:
            self.tiles[f.key].show_figure(f, report.lights)
        for chart in report.charts:
            if chart.key in self.charts:
                self.charts[chart.key].show_chart(chart)
        self._fill_breakdown(report)
        self.state.setText(t("Read at %s") % report.now.astimezone(report.period.tz).strftime("%H:%M:%S"))
        self._buttons()
        self.refreshed.emit()

    def _failed(self, gen: int, message: str) -> None:
        if gen != self._gen:
            return
        self.loading = False
        self.state.setText("")
        self.say(message, bad=True)
        self.refreshed.emit()

    def _fill_breakdown(self, report: health.Report) -> None:
        self.breakdown.clear()
        self._sections: dict[str, QTreeWidgetItem] = {}
        for key in BREAKDOWN:
            f, d = report.figure(key), BY_KEY[key]
            top = QTreeWidgetItem([t(d.title), value_text(d.unit, f.value), f"{f.orders:,}"])
            top.setData(0, Qt.ItemDataRole.UserRole, (key, ""))
            font = QFont(top.font(0))
            font.setBold(True)
            top.setFont(0, font)
            unit = Unit.HOURS if key == "delivery" else Unit.COUNT
            for p in f.parts:
                child = QTreeWidgetItem([p.label, value_text(unit, p.value), f"{p.orders:,}"])
                child.setData(0, Qt.ItemDataRole.UserRole, (key, p.part))
                child.setToolTip(0, t("A click shows these %s orders") % f"{p.orders:,}")
                top.addChild(child)
            self.breakdown.addTopLevelItem(top)
            top.setExpanded(True)
            self._sections[key] = top

    def _show_breakdown_of(self, key: str) -> None:
        item = getattr(self, "_sections", {}).get(key)
        if item is not None:
            self.breakdown.scrollToItem(item, QTreeWidget.ScrollHint.PositionAtTop)

    def _row_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        found = item.data(0, Qt.ItemDataRole.UserRole)
        if found:
            self.open_slice(*found)

    def open_slice(self, key: str, part: str = "") -> None:
        """A click: the orders behind this figure (or its part), shown in the main window's grid."""
        if self.report is None:  # while a refresh runs, the figures shown are the ones clicked
            return
        self.sliceChosen.emit(self.report.slice(key, part))

    def workers_running(self) -> bool:
        return bool(registry_for(self).running())

    def say(self, message: str, bad: bool = False) -> None:
        self.message.setStyleSheet(f"color: {palette.ERROR_TEXT if bad else palette.OK_TEXT};")
        self.message.setText(message)
        self.message.setVisible(bool(message))

    # ---- the buttons --------------------------------------------------------------------------------
    def refresh_buttons(self) -> None:
        """The signed-in person's rights were read again (the main window says so)."""
        self._buttons()

    def _buttons(self) -> None:
        rights = self.rights()
        self.lights_button.setVisible(rights is None or "settings.shop" in rights)
        self.lights_button.setEnabled(self.report is not None and not self.writing)
        for b in (self.pdf_button, self.excel_button):
            b.setEnabled(self.report is not None)

    def edit_lights(self) -> None:
        """The owner's thresholds: asked in a dialog (every row checked before anything is
        written), written in a worker, the figures read again."""
        if self.report is None:
            return
        chosen = LightsDialog.ask(self, self.report.lights)
        if not chosen:
            return
        self.write_lights(chosen)

    def write_lights(self, chosen: dict[str, tuple[float, float]]) -> None:
        ctx = self.ctx

        def work() -> int:
            def change(uow: Any, c: Any) -> int:
                for key, (green, amber) in chosen.items():
                    health.set_lights(uow, c, key, green, amber)
                return len(chosen)
            return int(ctx.run(change, "manual"))

        def done(n: int) -> None:
            self.writing = False
            self.say(t("The lights of %s figures are set.") % n)
            self.changed.emit()
            self.reload()

        def failed(message: str) -> None:
            self.writing = False
            self.say(message, bad=True)
            self._buttons()

        self.writing = True
        self._buttons()
        run_in_pool(work, done, failed, owner=self)

    # ---- out of the app -----------------------------------------------------------------------------
    def _file_stem(self) -> str:
        assert self.report is not None
        p = self.report.period
        return f"health-{p.first_day.isoformat()}-{p.last_day.isoformat()}"

    def export_pdf(self) -> None:
        if self.report is None:
            return
        dest = FileDialog.ask_save(self, t("Export the health page"), t("PDF document (*.pdf)"),
                                   protected=self.ctx.db.own_files(), suggested_name=self._file_stem() + ".pdf")
        if dest is None:
            return
        self.export_pdf_to(dest if dest.suffix.lower() == ".pdf" else dest.with_name(dest.name + ".pdf"))

    def export_pdf_to(self, path: Path) -> None:
        """This page (its tiles, charts and breakdown as shown) on one A4 landscape page, headed by
        the shop's name, the period and the channel: recorded here (a QPicture, quick), scaled and
        written to the file in a worker."""
        if self.report is None:
            return
        from shop_orders.services.settings import get_shop

        picture = QPicture()
        top = self.period_label.geometry().bottom() + 1  # the header says the period: from the tiles down
        size = QSize(self.content.width(), self.content.height() - top)
        self.content.render(picture, QPoint(0, 0), QRegion(0, top, size.width(), size.height()),
                            QWidget.RenderFlag.DrawChildren)  # no window grey: white paper
        report, ctx = self.report, self.ctx
        title = period_text(report)

        def work() -> Path:
            shop = ctx.read(get_shop).name or "Shop Orders"
            write_pdf(path, picture, (size.width(), size.height()), shop, title,
                      t("Shop health") + " · " + report.now.astimezone(report.period.tz).strftime("%Y-%m-%d %H:%M"))
            return path

        def done(written: Path) -> None:
            self.exported = written
            self.say(t("The health page is written to %s") % written)

        def failed(message: str) -> None:
            self.say(message, bad=True)
            QMessageBox.warning(self, t("Export stopped"), message)

        run_in_pool(work, done, failed, owner=self)

    def export_excel(self) -> None:
        if self.report is None:
            return
        from shop_orders.ui.store_actions import ExportOptionsDialog

        dest = FileDialog.ask_save(self, t("Export the health figures"), t("Excel workbook (*.xlsx)"),
                                   protected=self.ctx.db.own_files(), suggested_name=self._file_stem() + ".xlsx")
        if dest is None:
            return
        lang = ExportOptionsDialog.ask(self, self.lang)
        if lang is None:
            return
        self.export_excel_to(dest if dest.suffix.lower() == ".xlsx" else dest.with_name(dest.name + ".xlsx"), lang)

    def export_excel_to(self, path: Path, lang: str) -> None:
        """The shown report's figures to a workbook (services/health_export.py), in a worker."""
        from shop_orders.services import health_export

        db, report = self.ctx.db, self.report
        if report is None:
            return

        def done(_result: Any) -> None:
            self.exported = path
            self.say(t("The health figures are written to %s") % path)

        def failed(message: str) -> None:
            self.say(message, bad=True)
            QMessageBox.warning(self, t("Export stopped"), message)

        run_in_pool(lambda: health_export.export(db, path, report, lang=lang), done, failed, owner=self)
