"""Packing slips from the Order menu: the actions exist, the PDF is written in a worker, the print
path paints the same pages onto the printer the dialog chose, and the pages scan back."""

from __future__ import annotations

import re

import zxingcpp
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QAction, QPageSize
from PySide6.QtPrintSupport import QPrinter

from shop_orders.adapters import slip_painting
from shop_orders.services import slips as slip_service
from shop_orders.ui import slips as slip_ui
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.order_model import OrderNoRole
from tests.factories import make_order
from tests.ui.conftest import settle


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _select_rows(w, rows) -> list[str]:
    sel = w.view.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(w.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)
    return [w.model.index(r, 0).data(OrderNoRole) for r in rows]


def _order_menu_actions(w) -> list[str]:
    menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Order")
    return [a.objectName() for a in menu.actions()]


def test_the_order_menu_prints_and_saves_packing_slips(make_window, sqlite_db, qtbot):
    make_order(sqlite_db)
    w = make_window()
    assert {"printSlips", "saveSlipsPdf"} <= set(_order_menu_actions(w))
    assert w.findChild(QAction, "printSlips").isEnabled()


def test_save_as_pdf_writes_one_page_per_selected_order(make_window, sqlite_db, qtbot, tmp_path, monkeypatch):
    for _ in range(3):
        make_order(sqlite_db, recipient="张**", address="浙江省杭州市西湖区龙井路18号")
    w = make_window()
    chosen = _select_rows(w, [0, 2])
    dest = tmp_path / "slips"  # the extension is added
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    w.findChild(QAction, "saveSlipsPdf").trigger()
    qtbot.waitUntil(lambda: "Saved the packing slips" in w.statusBar().currentMessage(), timeout=10000)
    data = (tmp_path / "slips.pdf").read_bytes()
    assert data.startswith(b"%PDF") and _pages(data) == 2
    assert len(set(chosen)) == 2
    settle(qtbot, w)


def test_print_paints_the_same_pages_on_the_chosen_printer(make_window, sqlite_db, qtbot, tmp_path, monkeypatch):
    make_order(sqlite_db)
    w = make_window()
    [no] = _select_rows(w, [0])
    out = tmp_path / "printed.pdf"

    def printer(cls, parent, count):
        assert count == 1
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setPageLayout(slip_painting.page_layout())
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that writes a file
        p.setOutputFileName(str(out))
        return p

    monkeypatch.setattr(slip_ui.SlipPrintDialog, "ask", classmethod(printer))
    w.findChild(QAction, "printSlips").trigger()
    qtbot.waitUntil(lambda: "Sent 1 pages" in w.statusBar().currentMessage(), timeout=10000)
    assert out.read_bytes().startswith(b"%PDF") and _pages(out.read_bytes()) == 1
    # and what the printer got scans back: the same painter code rendered to an image
    [slip] = slip_service.load_slips(sqlite_db, [no])
    page = slip_painting.render_images(slip, dpi=300)[0]
    found = {b.text for b in zxingcpp.read_barcodes(page)}
    assert no in found and {line.sku for line in slip.lines} <= found
    assert QPageSize(QPageSize.PageSizeId.A6).id() == slip_painting.page_layout().pageSize().id()
    settle(qtbot, w)


def test_without_a_selection_it_says_what_to_do(make_window, sqlite_db, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    make_order(sqlite_db)
    w = make_window()
    w.view.selectionModel().clearSelection()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))
    w.findChild(QAction, "saveSlipsPdf").trigger()
    assert said == ["Select the orders to print slips for."]


def test_the_slip_actions_speak_chinese(make_window, sqlite_db, qtbot, qapp):
    from shop_orders.ui import i18n

    make_order(sqlite_db)
    translator = i18n.install(qapp, "zh_CN")
    try:
        w = make_window(lang="zh_CN")
        assert w.findChild(QAction, "printSlips").text() == "打印发货单(&P)…"
        assert w.findChild(QAction, "saveSlipsPdf").text() == "将发货单存为 PDF(&D)…"
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)
        i18n.install(qapp, "en")
