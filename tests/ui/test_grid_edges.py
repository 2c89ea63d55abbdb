"""The grid's rough edges a shop owner meets in the first hour, each as a GUI test: the status
chip inside its cell and readable when selected, the detail panel never pushing the splitter,
how long an order has been without an update, shortcuts from the search box, a search by
tracking number selecting its order, and an export to a folder that cannot take the file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QMessageBox, QStyle, QStyleOptionViewItem

from shop_orders.domain.status import FINAL, Status
from shop_orders.services import orders
from shop_orders.ui.delegates import StatusDelegate, chip_colours, chip_rect, contrast
from shop_orders.ui.order_model import OrderNoRole, StatusRole
from tests.factories import apply, make_order
from tests.ui.conftest import settle


def _paint_chip(status: Status, cell: QRect, selected: bool) -> QImage:
    model = QStandardItemModel(1, 1)
    item = QStandardItem(status.label() + " with a long tail of words")
    item.setData(status.value, StatusRole)
    model.setItem(0, 0, item)
    image = QImage(300, 60, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = cell
    option.fontMetrics = painter.fontMetrics()
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    StatusDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    return image


@pytest.mark.parametrize("status", list(Status))
def test_the_status_chip_stays_inside_a_narrow_cell(qapp, status):
    cell = QRect(40, 10, 70, 30)
    image = _paint_chip(status, cell, selected=False)
    outside = [(x, y) for x in range(image.width()) for y in range(image.height())
               if not cell.contains(x, y) and image.pixelColor(x, y) != QColor("#ffffff")]
    assert outside == []
    chip = chip_rect(cell, 500, 14)
    assert cell.contains(chip.toRect())


@pytest.mark.parametrize("status", [s for s in Status if FINAL[s]])
def test_a_finished_orders_chip_stays_readable_on_a_selected_row(status):
    fill, _outline, ink = chip_colours(status, selected=True)
    assert fill.alpha() == 255 and contrast(ink, fill) >= 4.5
    fill, _outline, ink = chip_colours(status, selected=False)  # unselected: on the row's own white
    assert contrast(ink, QColor("#ffffff")) >= 4.5


def test_selecting_an_order_with_long_text_never_widens_the_detail_panel(make_window, sqlite_db, qtbot):
    make_order(sqlite_db, buyer="买" * 190, recipient="收货人" * 60, address="很长的地址没有空格" * 200)
    w = make_window()
    w.resize(1400, 800)
    w.splitter.setSizes([950, 400])
    qtbot.wait(50)
    before = w.splitter.sizes()
    w.view.selectRow(0)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    qtbot.wait(50)
    assert w.splitter.sizes() == before


def test_the_splitter_sizes_are_remembered(make_window, sqlite_db, qtbot):
    make_order(sqlite_db)
    w = make_window()
    w.resize(780, 700)  # a size the offscreen screen gives back as it is
    qtbot.wait(50)
    w.splitter.setSizes([300, 200])
    kept = w.splitter.sizes()
    w.close()
    w2 = make_window()
    qtbot.waitUntil(lambda: all(abs(a - b) <= 3 for a, b in zip(w2.splitter.sizes(), kept, strict=True)),
                    timeout=3000)


def test_the_detail_says_how_long_the_order_has_been_without_an_update_and_the_threshold(
        make_window, sqlite_db, qtbot, clock):
    old = clock.now - timedelta(hours=80)
    clock_then = type(clock)(old)
    no = make_order(sqlite_db, clock_then)
    w = make_window()
    w.view.selectRow(0)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    text = w.detail.fields["staleness"].text()
    assert "3 d 8 h" in text and "past the 72 h threshold" in text
    apply(sqlite_db, orders.transition, no, "cancelled", context=__import__("tests.factories").factories.ctx(
        reason="test"))
    w.reload()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.detail.fields["staleness"].text() == "finished: never flagged", timeout=5000)


@pytest.mark.parametrize("shortcut,owner,action", [("Ctrl+E", "StoreActions", "export_orders"),
                                                   ("Ctrl+I", "StoreActions", "import_orders"),
                                                   ("F5", "MainWindow", "reload")])
def test_the_windows_shortcuts_work_while_typing_in_the_search_box(make_window, sqlite_db, qtbot, monkeypatch,
                                                                   shortcut, owner, action):
    from PySide6.QtGui import QKeySequence

    from shop_orders.ui import main_window, store_actions

    make_order(sqlite_db)
    called = []
    owners = {"MainWindow": main_window.MainWindow, "StoreActions": store_actions.StoreActions}
    monkeypatch.setattr(owners[owner], action, lambda self, *a: called.append(action))
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.filters.search.setFocus()
    qtbot.waitUntil(w.filters.search.hasFocus, timeout=3000)
    seq = QKeySequence(shortcut)[0]
    qtbot.keyClick(w.filters.search, seq.key(), seq.keyboardModifiers())
    qtbot.waitUntil(lambda: called == [action], timeout=3000)


def test_copy_and_select_all_stay_the_search_boxs_own(make_window, sqlite_db, qtbot):
    from PySide6.QtGui import QGuiApplication

    make_order(sqlite_db)
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=3000)
    w.filters.search.setFocus()
    w.filters.search.setText("SF1234")
    qtbot.keyClick(w.filters.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.filters.search, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "SF1234"  # the box copied its text, not grid rows


def test_a_quick_search_by_tracking_number_selects_and_shows_the_order(make_window, sqlite_db, qtbot):
    for i in range(5):
        make_order(sqlite_db, tracking_no=f"SF10000000000{i}", courier="顺丰")
    w = make_window()
    wanted = None
    for r in range(w.model.rowCount()):
        if w.model.row_at(r).tracking_no == "SF100000000003":
            wanted = w.model.index(r, 0).data(OrderNoRole)
    w.filters.search.setText("SF100000000003")
    w.filters.search.returnPressed.emit()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.detail.detail is not None and w.detail.detail.order.order_no == wanted, timeout=5000)
    assert w.view.currentIndex().data(OrderNoRole) == wanted


def test_an_export_to_a_folder_that_cannot_take_the_file_says_so_in_one_sentence(make_window, sqlite_db, qtbot,
                                                                                 tmp_path, monkeypatch):
    from shop_orders.ui.file_dialogs import FileDialog

    make_order(sqlite_db)
    not_a_folder = tmp_path / "report.txt"
    not_a_folder.write_text("a file where a folder should be")
    dest = not_a_folder / "orders.xlsx"
    from shop_orders.ui.store_actions import ExportOptionsDialog

    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: dest))
    monkeypatch.setattr(ExportOptionsDialog, "ask", classmethod(lambda cls, *a, **k: "en"))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    w = make_window()
    w.export_orders()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert warnings == [f"{dest} cannot be written: the folder does not exist. Choose another folder."]
    assert "Traceback" not in warnings[0] and "Errno" not in warnings[0]


def test_a_change_that_moves_an_order_out_of_the_view_says_so_and_can_show_or_undo_it(
        make_window, sqlite_db, qtbot, monkeypatch):
    from shop_orders.ui import dialogs

    keep = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)
    moved = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)  # paid: it may go back
    w = make_window()
    w.notice.hide()  # the first start's welcome
    w.filters.select_status(Status.AWAITING_SHIPMENT)
    settle(qtbot, w)
    row = [w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())].index(moved)
    w.view.selectRow(row)
    settle(qtbot, w)
    monkeypatch.setattr(dialogs.ChangeStatusDialog, "ask", classmethod(lambda cls, *a: (Status.AWAITING_PAYMENT, "")))
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.order_actions.change_status()
    qtbot.waitUntil(lambda: w.notice.isVisible() and moved in w.notice.label.text(), timeout=5000)
    assert w.notice.label.text() == f"{moved} is no longer in this view: now Awaiting payment."
    assert [w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())] == [keep]
    assert w.notice.undo_button.isEnabled()
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.notice.undo_button.click()  # back to awaiting shipment, with "undo" as the reason
    settle(qtbot, w)
    assert not w.notice.isVisible()
    qtbot.waitUntil(lambda: moved in [w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())],
                    timeout=5000)
    # a cancellation cannot be undone by hand: Show finds the order instead
    monkeypatch.setattr(dialogs.ChangeStatusDialog, "ask", classmethod(lambda cls, *a: (Status.CANCELLED, "dup")))
    w.view.selectRow([w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())].index(moved))
    settle(qtbot, w)
    with qtbot.waitSignal(w.changeFinished, timeout=10000):
        w.order_actions.change_status()
    qtbot.waitUntil(lambda: w.notice.isVisible() and moved in w.notice.label.text(), timeout=5000)
    assert not w.notice.undo_button.isEnabled()
    w.notice.show_button.click()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.view.currentIndex().data(OrderNoRole) == moved, timeout=5000)


def test_copied_rows_never_paste_a_formula(make_window, sqlite_db, qtbot):
    """Ctrl+C of grid rows gives channel text the CSV export's apostrophe (issue 23): a buyer
    named like a formula is shown by the spreadsheet it is pasted into, never evaluated."""
    from PySide6.QtGui import QGuiApplication

    make_order(sqlite_db, buyer='=HYPERLINK("http://evil.example","x")', courier="@SUM(1+1)")
    w = make_window()
    settle(qtbot, w)
    w.view.selectAll()
    w.table.copy_rows()
    pasted = QGuiApplication.clipboard().text()
    assert "'=HYPERLINK(" in pasted and "'@SUM(1+1)" in pasted
    cells = [c for line in pasted.splitlines()[1:] for c in line.split("\t")]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "375.00 CNY" in cells and "0.00" in cells  # amounts stay as they are
