"""Painting for the grid: the status as a colour chip, the red/amber staleness flag by the order id."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from shop_orders.domain.staleness import Level
from shop_orders.domain.status import FINAL, Status
from shop_orders.ui import palette
from shop_orders.ui.order_model import StaleLevelRole, StatusRole, TicketCountRole

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
        tickets = index.data(TicketCountRole)
        badge = badge_rect(option.rect, len(str(tickets))) if tickets else None
        opt.rect = option.rect.adjusted(FLAG_WIDTH, 0, -int(badge.width() + 6) if badge is not None else 0, 0)
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
        if badge is not None:
            paint_badge(painter, badge, str(tickets))


TICKET_BADGE = QColor(palette.TICKET_ORANGE)


def badge_rect(cell: QRect, digits: int) -> QRectF:
    """The ticket badge at the right end of the order number's cell."""
    h = max(min(cell.height() - 8, 16), 1)
    w = 10 + 7 * digits
    return QRectF(cell.right() - w - 3, cell.top() + (cell.height() - h) / 2, w, h)


def paint_badge(painter: QPainter, rect: QRectF, text: str) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(TICKET_BADGE)
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor(palette.ON_COLOUR))
    font = painter.font()
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF() - 1, 6))
    painter.setFont(font)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


def chip_rect(cell: QRect, text_width: int, text_height: int) -> QRectF:
    """The chip's rectangle: as wide as its text plus padding, never wider or taller than the cell
    (4 px inside it on the left and right)."""
    h = max(min(cell.height() - 6, text_height + 4), 1)
    w = max(min(text_width + 16, cell.width() - 8), 1)
    return QRectF(cell.left() + 4, cell.top() + (cell.height() - h) / 2, w, h)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def chip_colours(status: Status, selected: bool) -> tuple[QColor, QColor, QColor]:
    """(fill, outline, text) of a status chip. Open orders: a filled chip with white text.
    Finished ones are quieter: an outlined chip, on white when the row is selected so the text
    stays readable on the selection colour."""
    colour = palette.status_colour(status)
    if not FINAL[status]:
        return colour, colour, QColor(palette.ON_COLOUR)
    fill = QColor(palette.ON_COLOUR) if selected else QColor(palette.TRANSPARENT)
    return fill, colour, colour.darker(150)


class StatusDelegate(QStyledItemDelegate):
    """Status column: the standard label on a chip in the status colour; finished ones quieter.
    The chip never leaves its cell: a narrow column elides the label."""

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
        fm = option.fontMetrics
        chip = chip_rect(option.rect, fm.horizontalAdvance(text), fm.height())
        label = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(int(chip.width()) - 10, 0))
        fill, outline, ink = chip_colours(status, bool(option.state & QStyle.StateFlag.State_Selected))
        painter.save()
        painter.setClipRect(option.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(chip, chip.height() / 2, chip.height() / 2)
        painter.fillPath(path, fill)
        painter.setPen(QPen(outline, 1))
        painter.drawPath(path)
        painter.setPen(ink)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
