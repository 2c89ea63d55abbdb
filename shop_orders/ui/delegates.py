"""Painting for the grid: the status as a colour chip, the red/amber staleness flag by the order id."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from shop_orders.domain.staleness import Level
from shop_orders.domain.status import FINAL, Status
from shop_orders.ui import palette
from shop_orders.ui.order_model import StaleLevelRole, StatusRole

FLAG_WIDTH = 16


def paint_flag(painter: QPainter, rect: QRect, colour: QColor) -> None:
    """A small pennant flag on a pole, centred vertically in rect."""
    h = min(rect.height() - 6, 12)
    x = rect.left() + 4
    y = rect.top() + (rect.height() - h) // 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour.darker(130), 1.2))
    painter.drawLine(QPointF(x, y), QPointF(x, y + h))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QPolygonF([QPointF(x + 0.5, y), QPointF(x + 9, y + h * 0.3), QPointF(x + 0.5, y + h * 0.6)]))
    painter.restore()


class FlagDelegate(QStyledItemDelegate):
    """First column: the order id, with a flag in front when the order is amber or red."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        lvl = index.data(StaleLevelRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        colour = palette.flag_colour(Level(lvl)) if lvl is not None else None
        opt.rect = option.rect.adjusted(FLAG_WIDTH, 0, 0, 0)
        style = opt.widget.style() if opt.widget else None
        # paint the background across the whole cell, then the text after the flag
        bg = QStyleOptionViewItem(option)
        self.initStyleOption(bg, index)
        bg.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, bg, painter, opt.widget)
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if colour is not None:
            paint_flag(painter, option.rect, colour)


class StatusDelegate(QStyledItemDelegate):
    """Status column: the standard label on a chip in the status colour; finished ones quieter."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        code = index.data(StatusRole)
        bg = QStyleOptionViewItem(option)
        self.initStyleOption(bg, index)
        text = bg.text
        bg.text = ""
        style = bg.widget.style() if bg.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, bg, painter, bg.widget)
        if code is None:
            return
        status = Status(code)
        colour = palette.status_colour(status)
        fm = option.fontMetrics
        w = fm.horizontalAdvance(text) + 16
        h = min(option.rect.height() - 6, fm.height() + 4)
        chip = QRectF(option.rect.left() + 4, option.rect.top() + (option.rect.height() - h) / 2, w, h)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(chip, h / 2, h / 2)
        if FINAL[status]:
            painter.setPen(QPen(colour, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setPen(colour.darker(120))
        else:
            painter.fillPath(path, colour)
            painter.setPen(QColor("#ffffff"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
