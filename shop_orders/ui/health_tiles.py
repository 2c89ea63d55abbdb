"""The health dashboard's parts (ui/health_dashboard.py): how a figure reads (value, change,
thresholds), its tile, the charts (pyqtgraph) and the owner's lights dialog."""

from __future__ import annotations

import html
import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QPoint,
    QPointF,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.health import (
    FIGURES,
    Definition,
    Light,
    Lights,
    Unit,
    checked_lights,
)
from shop_orders.domain.messages import N_, t
from shop_orders.services import health
from shop_orders.ui import palette
from shop_orders.ui.dialogs import _Form

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
