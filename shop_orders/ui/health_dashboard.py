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
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QEvent,
    QMarginsF,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
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
    QLineEdit,
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
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.health import (
    BY_KEY,
    FIGURES,
    Definition,
    Light,
    Lights,
    Unit,
    checked_lights,
)
from shop_orders.domain.messages import N_, t
from shop_orders.services import health
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.day_range import day_edits, pydate, qdate
from shop_orders.ui.dialogs import _Form
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.workers import registry_for, run_in_pool

SPANS = ("today", "7d", "30d", "range")
SPAN_LABELS = (N_("Today"), N_("Last 7 days"), N_("Last 30 days"), N_("From … to …"))
COLUMNS = 7  # tiles per row: 14 figures in two rows at 1366 pixels
BREAKDOWN = ("orders", "stale", "open_exceptions", "delivery", "recon_red")
NOW_FIGURES = ("stale", "open_exceptions")  # measured now: the period does not change them
EXTRA_LABELS: dict[str, str] = {  # a figure's `extra` beside its value
    "median_hours": N_("median %s"),
    "over_15_share": N_("over 15 min: %s"),
    "p90_hours": N_("90th percentile %s"),
    "mean_resolve_hours": N_("mean time to resolve %s"),
    "amount_share": N_("share of the money %s"),
}
EXTRA_UNITS = {"median_hours": Unit.HOURS, "over_15_share": Unit.PERCENT, "p90_hours": Unit.HOURS,
               "mean_resolve_hours": Unit.HOURS, "amount_share": Unit.PERCENT}
CHARTS = (("orders_per_day", N_("Orders per day"), "bars"),
          ("ship_24h_per_day", N_("Shipped within 24 h, per day of payment (%)"), "line"),
          ("pickup_gap_per_courier", N_("Scan-out to pickup per courier (median minutes)"), "bars"))
MAX_TICKS = 7  # labels under a chart: seven days' MM-DD fit its width at 1366 pixels
MAX_DOTS = 31  # a line's points drawn as dots up to a month; a longer range is a plain line (still clickable)
PDF_DPI = 300
PDF_MARGIN_MM = 8.0


# ---- words and numbers ------------------------------------------------------------------------------

def value_text(unit: Unit, value: float | None) -> str:
    """A figure's value in its unit: 96.3%, 2.5 min, 30.1 h, 1,234; a dash for nothing measured."""
    if value is None or math.isnan(value):
        return "—"
    if unit is Unit.PERCENT:
        return f"{value:.1f}%"
    if unit is Unit.MINUTES:
        return t("%s min") % f"{value:,.1f}"
    if unit is Unit.HOURS:
        return t("%s h") % f"{value:,.1f}"
    return f"{round(value):,}"


def change_text(d: Definition, change: float | None) -> tuple[str, str]:
    """The change against the previous period and its colour (better, worse or neither)."""
    if d.key in NOW_FIGURES:
        return t("now; no earlier period"), palette.QUIET_TEXT
    if change is None or math.isnan(change):
        return t("nothing to compare with"), palette.QUIET_TEXT
    if abs(change) < 0.05:
        return t("= previous period"), palette.QUIET_TEXT
    size = t("%s pts") % f"{abs(change):.1f}" if d.unit is Unit.PERCENT else value_text(d.unit, abs(change))
    better = (change > 0) == d.higher_is_better
    return ("▲ " if change > 0 else "▼ ") + size, palette.HEALTH_BETTER if better else palette.HEALTH_WORSE


def extra_text(extra: dict[str, float | None]) -> str:
    """The figure beside the value (median hours, the share over 15 minutes, ...)."""
    said = [t(EXTRA_LABELS[k]) % value_text(EXTRA_UNITS[k], v) for k, v in extra.items() if k in EXTRA_LABELS]
    return " · ".join(said)


def light_name(light: Light) -> str:
    return {Light.GREEN: t("green"), Light.AMBER: t("amber"), Light.RED: t("red"), Light.NONE: t("no light")}[light]


def thresholds_text(d: Definition, lights: Lights) -> str:
    pair = lights.of(d.key)
    if pair is None:
        return t("No traffic light: a count to read.")
    green, amber = (value_text(d.unit, v) for v in pair)
    if d.higher_is_better:
        return t("Green at %s or more, amber at %s or more, else red.") % (green, amber)
    return t("Green at %s or less, amber at %s or less, else red.") % (green, amber)


def channel_text(channel: str | None) -> str:
    return channel_label(channel) if channel else t("all channels")


def period_text(report: health.Report) -> str:
    """What the page shows: the days, the channel and the days it is compared with."""
    p, q = report.period, report.previous
    days = p.first_day.isoformat() if p.first_day == p.last_day else f"{p.first_day.isoformat()} – {p.last_day.isoformat()}"
    before = q.first_day.isoformat() if q.first_day == q.last_day else f"{q.first_day.isoformat()} – {q.last_day.isoformat()}"
    return t("%s · %s · compared with %s") % (days, channel_text(report.channel), before)


# ---- a tile -----------------------------------------------------------------------------------------

class Tile(QFrame):
    """One figure: a click (or Enter, Space) emits `clicked(key)`, hovering `hovered(key)`."""

    clicked = Signal(str)
    hovered = Signal(str)

    def __init__(self, d: Definition, parent: QWidget) -> None:
        super().__init__(parent)
        self.d = d
        self.setObjectName(f"tile_{d.key}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 5, 6, 5)
        box.setSpacing(1)
        self.title = self._label(t(d.title), "title", bold=True, wrap=True)
        self.value = self._label("—", "value", points=5, bold=True)
        self.change = self._label("", "change")
        self.change.setTextFormat(Qt.TextFormat.RichText)
        self.counts = self._label("", "counts", quiet=True, wrap=True)
        self.extra = self._label("", "extra", quiet=True, wrap=True)
        title_height = self.title.fontMetrics().lineSpacing() * 2  # two lines: every title fits in both languages
        self.title.setFixedHeight(title_height)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        box.addStretch(1)
        self.light = Light.NONE
        self._focus = False

    def _label(self, text: str, name: str, *, points: int = 0, bold: bool = False, quiet: bool = False,
               wrap: bool = False) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(f"{name}_{self.d.key}")
        font = QFont(label.font())
        if points:
            font.setPointSizeF(font.pointSizeF() + points)
        font.setBold(bold)
        label.setFont(font)
        label.setWordWrap(wrap)
        if quiet:  # the palette, not a style sheet: a style sheet makes every paint of the tile slower
            colours = label.palette()
            colours.setColor(QPalette.ColorRole.WindowText, QColor(palette.QUIET_TEXT))
            label.setPalette(colours)
        layout = self.layout()
        assert layout is not None
        layout.addWidget(label)
        return label

    def _style(self, focus: bool = False) -> None:
        self._focus = focus
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """A white card with a thin border (blue while the keyboard is on it) and its light as a
        thick left edge; painted here rather than by a style sheet, which slows every tile's paint."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(palette.HEALTH_TILE_FOCUS if self._focus else palette.HEALTH_TILE_BORDER), 1))
        painter.setBrush(QColor(palette.HEALTH_TILE))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(palette.HEALTH_LIGHTS[self.light.value]))
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 6, rect.height()), 3, 3)
        painter.end()

    def show_figure(self, f: health.Figure, lights: Lights) -> None:
        d = self.d
        if f.light != self.light:  # a style sheet set again costs a restyle of the tile
            self.light = f.light
            self._style(self.hasFocus())
        self.value.setText(value_text(d.unit, f.value))
        words, colour = change_text(d, f.change)
        self.change.setText(f'<span style="color:{colour}">{html.escape(words)}</span>')
        counts = t("%s orders") % f"{f.orders:,}"
        if f.excluded:
            counts += " · " + t("excluded %s") % f"{f.excluded:,}"
        self.counts.setText(counts)
        self.extra.setText(extra_text(f.extra))
        self.extra.setVisible(bool(self.extra.text()))
        self.setToolTip("\n".join([t(d.definition), thresholds_text(d, lights) + " " + t("Now: %s.") % light_name(f.light),
                                   t("A click shows %s.") % t(d.click)]))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.d.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.d.key)
            return
        super().keyPressEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt's name
        self.hovered.emit(self.d.key)
        super().enterEvent(event)

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._style(True)
        self.hovered.emit(self.d.key)
        super().focusInEvent(event)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._style(False)
        super().focusOutEvent(event)


# ---- a chart ----------------------------------------------------------------------------------------

class Chart(QWidget):
    """One of the three charts (pyqtgraph): bars or a line with points, one per Part of the
    service's Chart. A click on a bar or near a point emits `pointClicked(figure, part)`."""

    pointClicked = Signal(str, str)

    def __init__(self, key: str, title: str, kind: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.key, self.kind = key, kind
        self.setObjectName(f"chart_{key}")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.title = QLabel(t(title), self)
        self.title.setObjectName(f"chartTitle_{key}")
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        # no right-click menus (a click opens orders): without them no view-box menu is built either
        self.plot = pg.PlotWidget(self, background=palette.CHART_BACKGROUND, enableMenu=False)
        self.plot.setObjectName(f"plot_{key}")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(150)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setPen(pg.mkPen(palette.CHART_AXIS))
            axis.setTextPen(pg.mkPen(palette.CHART_AXIS))
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        box.addWidget(self.plot, 1)
        self.figure = ""
        self.points: tuple[health.Part, ...] = ()
        self.empty = QLabel(t("Nothing in this period."), self)
        self.empty.setObjectName(f"chartEmpty_{key}")
        self.empty.setStyleSheet(f"color: {palette.QUIET_TEXT};")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        box.addWidget(self.empty, 1)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.plot.scene().sigMouseMoved.connect(self._moved)

    def show_chart(self, chart: health.Chart) -> None:
        self.figure, self.points = chart.figure, chart.points
        item = self.plot.getPlotItem()
        item.clear()
        xs = list(range(len(self.points)))
        ys = [p.value if p.value is not None else math.nan for p in self.points]
        if self.kind == "bars":
            heights = [0.0 if math.isnan(y) else y for y in ys]
            item.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.7, brush=palette.CHART_BAR,
                                         pen=pg.mkPen(palette.CHART_BAR)))
        elif not all(math.isnan(y) for y in ys):  # a line of nothing measured is no line
            dots = {"symbol": "o", "symbolSize": 7, "symbolBrush": palette.CHART_LINE,
                    "symbolPen": pg.mkPen(palette.CHART_LINE)} if len(xs) <= MAX_DOTS else {}
            item.addItem(pg.PlotDataItem(xs, ys, pen=pg.mkPen(palette.CHART_LINE, width=2), connect="finite", **dots))
        self._ticks()
        top = max([y for y in ys if not math.isnan(y)], default=0.0)
        if self.kind == "line":
            item.setYRange(0, 100, padding=0.05)
        else:
            item.setYRange(0, max(top, 1.0), padding=0.08)
        item.setXRange(-0.6, max(len(xs), 1) - 0.4, padding=0)
        empty = not any(p.value for p in self.points)
        self.empty.setVisible(empty)
        self.plot.setVisible(not empty)

    def _ticks(self) -> None:
        labels = [self._short(p) for p in self.points]
        step = max(1, math.ceil(len(labels) / MAX_TICKS))
        self.plot.getAxis("bottom").setTicks([[(i, text) for i, text in enumerate(labels) if i % step == 0]])

    @staticmethod
    def _short(p: health.Part) -> str:
        """A day as MM-DD under the chart (its whole date in the tooltip); a courier as named."""
        if p.part.startswith("day:"):
            return p.label[5:] if len(p.label) == 10 else p.label
        return p.label if len(p.label) <= 12 else p.label[:11] + "…"

    def _index_at(self, scene_pos: QPointF) -> int | None:
        """The bar under scene_pos (its column, up to its top or a little above a short one), or
        the point within 12 pixels of it."""
        vb = self.plot.getPlotItem().getViewBox()
        if not self.points or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        at = vb.mapSceneToView(scene_pos)
        i = round(at.x())
        if not 0 <= i < len(self.points):
            return None
        value = self.points[i].value
        if self.kind == "bars":
            if abs(at.x() - i) > 0.4:
                return None
            reach = vb.mapSceneToView(scene_pos + QPointF(0, 12)).y()  # 12 pixels of slack above a short bar
            return i if value and at.y() <= value + (at.y() - reach) else None
        if value is None:
            return None
        there = vb.mapViewToScene(QPointF(i, value))
        return i if (there - scene_pos).manhattanLength() <= 16 else None

    def _clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        i = self._index_at(event.scenePos())
        if i is not None:
            self.pointClicked.emit(self.figure, self.points[i].part)

    def _moved(self, scene_pos: QPointF) -> None:
        i = self._index_at(scene_pos)
        if i is None:
            self.plot.setToolTip("")
            return
        p = self.points[i]
        unit = Unit.COUNT if self.key == "orders_per_day" else Unit.PERCENT if self.key == "ship_24h_per_day" else Unit.MINUTES
        self.plot.setToolTip(t("%s: %s, %s orders (click to see them)") % (p.label, value_text(unit, p.value), f"{p.orders:,}"))

    def point_position(self, i: int) -> QPoint:
        """Where point i is drawn, in the plot's viewport (tests click there)."""
        vb = self.plot.getPlotItem().getViewBox()
        value = self.points[i].value or 0.0
        y = value / 2 if self.kind == "bars" else value
        at: QPointF = vb.mapViewToScene(QPointF(i, y))
        return QPoint(self.plot.mapFromScene(at))


# ---- the owner's thresholds -------------------------------------------------------------------------

class LightsDialog(_Form):
    """Green and amber per figure with a light; Ok checks every row first (one sentence for the
    first bad one, nothing written) and returns the rows that changed."""

    def __init__(self, parent: QWidget, lights: Lights) -> None:
        super().__init__(parent, t("Traffic lights"))
        self.setObjectName("healthLightsDialog")
        said = QLabel(t("A figure at least as good as its green threshold is green, at least as good as its amber one "
                         "is amber, else red."), self)
        said.setWordWrap(True)
        self.form.addRow(said)
        self.lights = lights
        self.rows: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        for d in FIGURES:
            pair = lights.of(d.key)
            if pair is None:
                continue
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            edits: list[QLineEdit] = []
            for name, value in ((t("green"), pair[0]), (t("amber"), pair[1])):
                edit = QLineEdit(f"{value:g}", row)
                edit.setObjectName(f"light_{d.key}_{'green' if not edits else 'amber'}")
                edit.setMaximumWidth(90)
                line.addWidget(QLabel(name, row))
                line.addWidget(edit)
                edits.append(edit)
            direction = t("higher is better") if d.higher_is_better else t("lower is better")
            line.addWidget(QLabel(f"{unit_name(d.unit)} · {direction}", row), 1)
            self.rows[d.key] = (edits[0], edits[1])
            self.form.addRow(t(d.title), row)

    def _typed(self) -> dict[str, tuple[float, float]]:
        out = {}
        for key, (green_edit, amber_edit) in self.rows.items():
            green, amber = (_number(e.text()) for e in (green_edit, amber_edit))
            out[key] = checked_lights(key, green, amber)  # the first bad row: one sentence
        return out

    def validate(self) -> str | None:
        try:
            self._typed()
        except ValidationError as exc:
            return str(exc)
        return None

    def chosen(self) -> dict[str, tuple[float, float]]:
        return {k: v for k, v in self._typed().items() if v != self.lights.of(k)}


def _number(text: str) -> float:
    """A threshold as typed (a comma for the decimal point too); not a number: NaN, which
    checked_lights refuses with its sentence."""
    try:
        return float(text.strip().replace(",", ".").rstrip("%"))
    except ValueError:
        return math.nan


def unit_name(unit: Unit) -> str:
    return {Unit.PERCENT: t("percent"), Unit.MINUTES: t("minutes"), Unit.HOURS: t("hours"),
            Unit.COUNT: t("orders")}[unit]



# ---- the window -------------------------------------------------------------------------------------

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
            b = QPushButton(text, self)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

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


def write_pdf(path: Path, picture: QPicture, size: tuple[int, int], shop: str, period: str, made: str) -> None:
    """One A4 landscape page: the shop's name and the period on top, then the recorded page
    scaled to fit. Written next to path and moved into place (no half-written file is left)."""
    part = path.with_name(path.name + ".part")
    writer = QPdfWriter(str(part))
    try:
        writer.setResolution(PDF_DPI)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                         QMarginsF(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM),
                                         QPageLayout.Unit.Millimeter))
        writer.setTitle(f"{shop} — {period}")
        writer.setCreator("Shop Orders")
        painter = QPainter()
        if not painter.begin(writer):
            raise ValidationError(t("The PDF cannot be written to %s.") % path)
        try:
            paint_page(painter, QRect(0, 0, writer.width(), writer.height()), picture, size, shop, period, made)
        finally:
            painter.end()
    except BaseException:
        del writer
        part.unlink(missing_ok=True)
        raise
    del writer  # closes the file
    os.replace(part, path)


def paint_page(painter: QPainter, page: QRect, picture: QPicture, size: tuple[int, int], shop: str, period: str,
               made: str) -> None:
    """The header (shop, period, when) and the recorded dashboard below it, scaled to fit."""
    line = page.height() // 28
    font = QFont()
    font.setPixelSize(max(8, round(line * 0.9)))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(page.left(), page.top(), page.width(), line + line // 3),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shop)
    font.setBold(False)
    font.setPixelSize(max(6, round(line * 0.6)))
    painter.setFont(font)
    below = page.top() + line + line // 3
    painter.drawText(QRect(page.left(), below, page.width(), line),
                     int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), period)
    painter.drawText(QRect(page.left(), below, page.width(), line),
                     int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), made)
    top = below + line + line // 3
    room = QRectF(page.left(), top, page.width(), page.bottom() - top)
    width, height = max(size[0], 1), max(size[1], 1)
    scale = min(room.width() / width, room.height() / height)
    painter.save()
    painter.translate(room.left(), room.top())
    painter.scale(scale, scale)
    painter.drawPicture(0, 0, picture)
    painter.restore()
