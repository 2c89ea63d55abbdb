"""The health dashboard on one A4 landscape page (Export PDF…): the page recorded on the UI thread
as a QPicture, written here in a worker."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import (
    QMarginsF,
    QRect,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPicture,
)

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

PDF_DPI = 300
PDF_MARGIN_MM = 8.0


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
