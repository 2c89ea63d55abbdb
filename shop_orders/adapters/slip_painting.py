"""Packing slips drawn with Qt: the pages of a slip (domain/slips.py) on a PDF, a printer or an image.

The bar patterns come from python-barcode (`Code128.build()`); the bars are drawn here as filled
rectangles on whole device pixels, at least 0.33 mm per module with quiet zones of 10 modules, so
they print crisp at any resolution. One page per order (an order with more lines than a page
holds continues on the next, every page with the order's barcode). The same painter code writes
PDFs (QPdfWriter, `paint_pdf`), prints (a QPrinter chosen in the desktop app: `paint_document`)
and renders images (`render_images`; the tests decode those); it runs in a worker thread as well
as on the UI thread. Qt's painting needs a QGuiApplication: `ensure_gui_app` makes an offscreen
one for the command line. What goes on a slip is read by services/slips.py.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.slips import Slip, SlipCancelled, SlipLine
from shop_orders.domain.status import Status

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QImage, QPagedPaintDevice, QPainter

MIN_MODULE_MM = 0.33  # narrowest bar: what a 30-euro wedge scanner reads from a laser print
QUIET_MODULES = 10  # white on each side of a barcode (Code 128 asks for at least 10 modules)
MARGIN_MM = 5.0
PDF_DPI = 1200
# families with Chinese glyphs, tried in turn (Linux, Windows, macOS); Qt falls back per glyph
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei")


# ---- Code 128 -------------------------------------------------------------------------------------

def code128_modules(text: str) -> str:
    """The bar pattern of `text` as Code 128 ('1' a dark module, '0' a light one), start, check
    character and stop included; python-barcode picks the code sets."""
    from barcode import Code128

    return Code128(text).build()[0]


def barcode_width_px(text: str, module_px: int) -> int:
    """Pixels the barcode of text needs, quiet zones included."""
    return (len(code128_modules(text)) + 2 * QUIET_MODULES) * module_px


def module_px(dpi: float) -> int:
    """The module width in whole device pixels: never under MIN_MODULE_MM."""
    return max(1, math.ceil(MIN_MODULE_MM * dpi / 25.4 - 1e-9))


# ---- drawing --------------------------------------------------------------------------------------

_made_app: object = None  # the command line's QGuiApplication, made on first use


def ensure_gui_app() -> None:
    """Qt's fonts and painters need a QGuiApplication; the command line has none, so make one on
    the offscreen platform (it never shows a window, and needs no display)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    global _made_app
    app = QCoreApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _made_app = QGuiApplication(["shop-orders"])  # kept: Qt needs it alive while painting
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("packing slips need a QGuiApplication, not a QCoreApplication")


def slip_font(points: float, bold: bool = False) -> QFont:
    """A font with Chinese glyphs when the system has one ("Noto Sans CJK SC" first), else the default."""
    from PySide6.QtGui import QFont, QFontDatabase

    installed = set(QFontDatabase.families())
    font = QFont()
    families = [f for f in CJK_FAMILIES if f in installed]
    if families:
        font.setFamilies(families)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class _Page:
    """One page's geometry in device pixels at `dpi`, and the painter drawing on it."""

    def __init__(self, painter: QPainter, width: int, height: int, dpi: float) -> None:
        self.p, self.w, self.h, self.dpi = painter, width, height, dpi
        self.mm = dpi / 25.4
        self.margin = round(MARGIN_MM * self.mm)
        self.module = module_px(dpi)
        self.inner = width - 2 * self.margin
        self.dry = False  # measure only: every part says where it ends and draws nothing

    def text(self, y: int, text: str, font: QFont, *, lines: int = 1, align=None) -> int:
        """Draw text from y within the margins (wrapped to at most `lines` lines, the last one
        elided); returns the y below it."""
        from PySide6.QtCore import QRect, Qt
        from PySide6.QtGui import QFontMetrics

        self.p.setFont(font)
        fm = QFontMetrics(font, self.p.device())
        flags = align if align is not None else Qt.AlignmentFlag.AlignLeft
        if lines == 1:
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, self.inner)
            if not self.dry:
                    self.p.drawText(QRect(self.margin, y, self.inner, fm.height()),
                                int(flags | Qt.AlignmentFlag.AlignTop), shown)
            return y + fm.height()
        box = QRect(self.margin, y, self.inner, fm.height() * lines)
        wrap = int(flags | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
        used = fm.boundingRect(box, wrap, text)
        if not self.dry:
            self.p.drawText(box, wrap, text)  # clipped to the box: at most `lines` lines
        return y + min(used.height(), box.height())

    def rule(self, y: int) -> int:
        from PySide6.QtCore import QRect
        from PySide6.QtGui import QColor

        thick = max(1, round(0.2 * self.mm))
        if not self.dry:
            self.p.fillRect(QRect(self.margin, y, self.inner, thick), QColor("black"))
        return y + thick

    def barcode(self, y: int, text: str, bar_mm: float, font: QFont) -> int:
        """The Code 128 barcode of text, centred, bars of bar_mm with the text under it; returns
        the y below. A code wider than the page is replaced by its text and a note."""
        from PySide6.QtCore import QRect, Qt
        from PySide6.QtGui import QColor

        modules = code128_modules(text)
        width = (len(modules) + 2 * QUIET_MODULES) * self.module
        if width > self.w:  # the quiet zones may reach into the margins, never off the page
            return self.text(y, t("{text} (too long for a barcode on this page)", text=text), font)
        x = (self.w - width) // 2 + QUIET_MODULES * self.module
        height = round(bar_mm * self.mm)
        black = QColor("black")
        run_start = None
        for i, m in enumerate("" if self.dry else modules + "0"):  # runs of dark modules as one rectangle each
            if m == "1" and run_start is None:
                run_start = i
            elif m != "1" and run_start is not None:
                self.p.fillRect(QRect(x + run_start * self.module, y, (i - run_start) * self.module, height), black)
                run_start = None
        y += height + round(0.8 * self.mm)
        return self.text(y, text, font, align=Qt.AlignmentFlag.AlignHCenter)


# millimetres of each part, so a page knows how many lines it holds before drawing them
LINE_MM = 19.0
FOOTER_MM = 5.0


def _header(page: _Page, slip: Slip, number: int, pages: int) -> int:
    y = page.margin
    y = page.text(y, slip.shop, slip_font(12, bold=True))
    if slip.shop_contact:  # the shop's address and phone, when set (a returned parcel finds its way home)
        y = page.text(y, slip.shop_contact, slip_font(7.5), lines=2)
    y = page.text(y, t("Packing slip · {channel} {channel_order_no}", channel=slip.channel,
                       channel_order_no=slip.channel_order_no), slip_font(7.5))
    y = page.text(y, t("Ordered {day}", day=f"{slip.created_at.astimezone():%Y-%m-%d %H:%M}"), slip_font(7.5))
    if slip.status is Status.CANCELLED:
        y = page.text(y, t("This order is cancelled: do not ship it."), slip_font(10, bold=True))
    y += round(1.5 * page.mm)
    y = page.barcode(y, slip.order_no, 12.0, slip_font(9, bold=True))
    y += round(1.5 * page.mm)
    y = page.rule(y) + round(1.2 * page.mm)
    y = page.text(y, t("Ship to: {recipient}  {phone}", recipient=slip.recipient, phone=slip.phone),
                  slip_font(9, bold=True))
    y = page.text(y, slip.address, slip_font(8.5), lines=3)
    y += round(1.2 * page.mm)
    y = page.rule(y) + round(1.2 * page.mm)
    if pages > 1:
        y = page.text(y, t("Page {n} of {pages}", n=number, pages=pages), slip_font(7))
    return y


def _lines_per_page(page: _Page, slip: Slip) -> int:
    page.dry = True  # the header's height, measured with the device's own font metrics
    try:
        top = _header(page, slip, 1, 2)
    finally:
        page.dry = False
    room = page.h - page.margin - round(FOOTER_MM * page.mm) - top
    return max(1, int(room // round(LINE_MM * page.mm)))


def _draw_line(page: _Page, y: int, line: SlipLine) -> int:
    top = y
    what = t("{qty} × {title}", qty=line.to_ship, title=line.title or line.sku)
    if line.location:  # the shelf first: a long title is cut at its end, never the place to pick from
        what = f"[{line.location}] {what}"
    y = page.text(y, what, slip_font(9, bold=True))
    y += round(0.8 * page.mm)
    page.barcode(y, line.sku, 7.0, slip_font(7.5)) if line.sku else page.text(y, t("(no SKU)"), slip_font(7.5))
    return top + round(LINE_MM * page.mm)


def page_count(slip: Slip, per_page: int) -> int:
    return max(1, math.ceil(len(slip.lines) / per_page))


def paint_slip_pages(painter: QPainter, slip: Slip, width: int, height: int, dpi: float,
                     new_page: Callable[[], object]) -> int:
    """Draw the slip's pages (new_page() between them); returns how many."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor

    page = _Page(painter, width, height, dpi)
    per_page = _lines_per_page(page, slip)
    pages = page_count(slip, per_page)
    for n in range(pages):
        if n:
            new_page()
        painter.fillRect(QRect(0, 0, width, height), QColor("white"))
        painter.setPen(QColor("black"))
        y = _header(page, slip, n + 1, pages)
        chunk = slip.lines[n * per_page:(n + 1) * per_page]
        if not slip.lines:
            page.text(y, t("Nothing left to ship on this order."), slip_font(9))
        for line in chunk:
            y = _draw_line(page, y, line)
    return pages


# ---- devices ---------------------------------------------------------------------------------------

def paint_document(device: QPagedPaintDevice, slips: Sequence[Slip], dpi: float,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> int:
    """Paint every slip onto a paged device (a QPdfWriter or a QPrinter), each order from a new
    page; returns the pages painted. Raises SlipCancelled when cancelled() turns true."""
    from PySide6.QtGui import QPainter

    painter = QPainter()
    if not painter.begin(device):
        raise ValidationError(t("The packing slips cannot be drawn on this printer or file."))
    pages = 0
    try:
        for i, slip in enumerate(slips):
            if cancelled and cancelled():
                raise SlipCancelled(t("Printing the packing slips was cancelled."))
            if i:
                device.newPage()
            pages += paint_slip_pages(painter, slip, device.width(), device.height(), dpi, device.newPage)
            if progress:
                progress(i + 1, len(slips))
    finally:
        painter.end()
    return pages


def page_layout():
    """A6 portrait without margins (the slip keeps its own): a PDF's pages, a printer's default."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    return QPageLayout(QPageSize(QPageSize.PageSizeId.A6), QPageLayout.Orientation.Portrait,
                       QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def paint_pdf(path: Path, slips: Sequence[Slip], progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> int:
    """Paint the slips into a new PDF at path (A6 portrait, PDF_DPI); returns the pages painted.
    services/slips.write_pdf gives it a temporary path and puts the file in place."""
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(str(path))
    try:
        writer.setResolution(PDF_DPI)
        writer.setPageLayout(page_layout())
        writer.setTitle(t("Packing slips"))
        writer.setCreator("Shop Orders")
        return paint_document(writer, slips, PDF_DPI, progress, cancelled)
    finally:
        del writer  # closes the file, also on an error (Windows cannot delete an open file)


def render_images(slip: Slip, dpi: float = 300) -> list[QImage]:
    """The slip's pages as A6 images at dpi, drawn by the same code as the PDF (previews, tests)."""
    from PySide6.QtGui import QImage, QPainter

    ensure_gui_app()
    size = page_layout().fullRectPixels(round(dpi)).size()
    images: list[QImage] = []

    def new_image() -> QImage:
        image = QImage(size, QImage.Format.Format_Grayscale8)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        image.fill(0xFFFFFFFF)
        images.append(image)
        return image

    painter = QPainter(new_image())

    def next_page() -> None:
        painter.end()
        painter.begin(new_image())

    try:
        paint_slip_pages(painter, slip, size.width(), size.height(), dpi, next_page)
    finally:
        painter.end()
    return images
