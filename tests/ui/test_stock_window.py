"""The stock window (ui/stock_window.py) over a catalogue made through the services
(tests/stock_data.py): opened from Tools, its count and pages read in workers, the filters (short,
below safety, location, quick search), the sort, the movements of the chosen SKU, an adjustment
through its dialog (applied, and over the shop's limit proposed for a second person), a refusal
for a role without the permission said in one sentence, the returns and suggestions, the order
grid's short column, filter and detail, and every word in Chinese."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt

from shop_orders.domain import messages
from shop_orders.domain.changes import Actor
from shop_orders.services import auth, stock
from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui.order_model import COLUMNS, ShortRole
from shop_orders.ui.stock_dialogs import AdjustDialog, ReturnsDialog, SuggestionsDialog
from shop_orders.ui.stock_model import PAGE
from shop_orders.ui.stock_window import StockWindow
from tests import factories, stock_data
from tests.ui.conftest import settle as settle_window

SKUS = 450  # three pages
ORDERS = 60


def settle(qtbot, w: StockWindow, timeout: int = 10000) -> None:
    def done() -> bool:
        QCoreApplication.processEvents()
        return not w.loading and not w.workers_running()

    qtbot.waitUntil(done, timeout=timeout)
    QCoreApplication.processEvents()


@pytest.fixture
def shop(sqlite_db):
    stock_data.catalogue(sqlite_db, SKUS)
    made = stock_data.paid_orders(sqlite_db, ORDERS, skus=40)
    return sqlite_db, made


@pytest.fixture
def make_stock(qtbot, shop, tmp_path):
    db, _ = shop

    def _make(lang: str = "en", actor: Actor | None = None) -> StockWindow:
        messages.set_language(lang)
        ctx = AppContext(db, tmp_path, tmp_path / "backups", actor or current_actor())
        w = StockWindow(ctx, lang)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        settle(qtbot, w)
        return w
    yield _make
    messages.set_language("en")


def expected(db, **kw):
    from shop_orders.services import stock_browse

    f = stock_browse.StockFilter(**kw)
    with db.read_session() as s:
        return stock_browse.count(s, f), [r.sku for r in stock_browse.page(s, f, 0, 10_000)]


def choose(qtbot, w: StockWindow, row: int) -> None:
    with qtbot.waitSignal(w.movementsShown, timeout=5000):
        w.view.selectionModel().setCurrentIndex(
            w.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    settle(qtbot, w)


def texts(w: StockWindow, row: int) -> list[str]:
    return [w.model.data(w.model.index(row, c)) or "" for c in range(w.model.columnCount())]


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_opens_from_the_tools_menu_with_its_shortcut(make_window, shop, qtbot):
    w = make_window()
    tools = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Tools")
    assert "stock" in [a.objectName() for a in tools.actions()]
    assert w.stock_action.shortcut().toString() == "Ctrl+Shift+K"
    w.stock_action.trigger()
    window = w.findChild(StockWindow, "stockWindow")
    assert window is not None and window.isWindow() and window.isVisible()
    settle(qtbot, window)
    assert window.model.rowCount() == SKUS and window.count_label.text() == f"{SKUS} SKUs"
    w.stock_action.trigger()  # asked again: the same window
    assert w.findChildren(StockWindow) == [window]


def test_the_count_pages_and_sort_come_from_sql(make_stock, shop, qtbot):
    db, _ = shop
    w = make_stock()
    assert w.model.rowCount() == SKUS
    assert texts(w, 0)[0] == "SKU-00001"
    last = SKUS - 1
    assert w.model.row_at(last) is None  # not read yet: the first page only
    assert w.model.data(w.model.index(last, 0)) == ""  # asks for its page in a worker
    qtbot.waitUntil(lambda: w.model.row_at(last) is not None, timeout=5000)
    assert texts(w, last)[0] == stock_data.sku(SKUS)
    row = w.model.row_at(last)
    assert texts(w, last)[3:6] == [str(row.on_hand), str(row.reserved), str(row.available)]
    # a header click sorts in SQL: the most on hand first
    w.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    settle(qtbot, w)
    firsts = [w.model.row_at(i).on_hand for i in range(PAGE)]
    assert firsts == sorted(firsts, reverse=True) and firsts[0] == 12


def test_filters_short_below_safety_location_and_search(make_stock, shop, qtbot):
    db, _ = shop
    w = make_stock()
    n_short, short_skus = expected(db, short=True)
    assert 0 < n_short < SKUS
    w.short_check.setChecked(True)
    settle(qtbot, w)
    assert w.model.rowCount() == n_short
    assert [w.model.row_at(i).sku for i in range(n_short)] == short_skus
    assert all(w.model.row_at(i).short_orders > 0 for i in range(n_short))
    short_cell = w.model.index(0, 8)
    assert w.model.data(short_cell, Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    w.short_check.setChecked(False)
    w.below_check.setChecked(True)
    settle(qtbot, w)
    n_below, _ = expected(db, below_safety=True)
    assert w.model.rowCount() == n_below
    assert all(w.model.row_at(i).available < w.model.row_at(i).safety for i in range(min(n_below, PAGE)))
    w.below_check.setChecked(False)
    assert w.location.count() == 1 + len(stock_data.LOCATIONS)  # "All locations" and the catalogue's
    w.location.setCurrentIndex(w.location.findData("C-07"))
    settle(qtbot, w)
    assert w.model.rowCount() == expected(db, location="C-07")[0] == SKUS // len(stock_data.LOCATIONS)
    w.location.setCurrentIndex(0)
    w.search.setText(stock_data.ean(123))  # a barcode finds its SKU
    w.search.returnPressed.emit()
    settle(qtbot, w)
    assert w.model.rowCount() == 1 and texts(w, 0)[0] == "SKU-00123"
    w.search.setText("no such thing")
    w.search.returnPressed.emit()
    settle(qtbot, w)
    assert w.model.rowCount() == 0 and w.count_label.text() == "0 SKUs"


def test_the_movements_pane_shows_the_chosen_skus_trail(make_stock, qtbot):
    w = make_stock()
    assert w.moves.rowCount() == 0 and not w.adjust_button.isEnabled()  # nothing chosen yet
    choose(qtbot, w, 1)  # SKU-00002: received 3, and shipped nothing
    assert w.adjust_button.isEnabled()
    assert "SKU-00002" in w.moves_title.text()
    rows = [[w.moves.item(r, c).text() for c in range(w.moves.columnCount())] for r in range(w.moves.rowCount())]
    assert len(rows) == 1
    when, who, source, kind, delta, after, order, reason = rows[0]
    assert (who, source, kind, delta, after, order, reason) == ("olivia", "by hand", "received", "+3", "3", "",
                                                                "first delivery")
    assert when.startswith("2026-11-")


def adjust_through_dialog(monkeypatch, delta: int, reason: str) -> list[str]:
    """The adjust dialog as a person fills it: the number, the reason, OK (its own checks run)."""
    problems: list[str] = []

    def filled(self) -> int:
        self.delta.setValue(delta)
        self.reason.setText(reason)
        self._try_accept()
        problems.append(self.error.text())
        return self.result()

    monkeypatch.setattr(AdjustDialog, "exec", filled)
    return problems


def test_an_adjustment_through_the_dialog_and_one_over_the_limit(make_stock, shop, qtbot, monkeypatch):
    db, _ = shop
    w = make_stock()
    choose(qtbot, w, 1)
    before = w.current()
    problems = adjust_through_dialog(monkeypatch, 0, "")
    w.adjust_button.click()
    assert problems == ["An adjustment is a whole number of units other than 0."]  # the dialog stays open
    assert not w.writing
    problems = adjust_through_dialog(monkeypatch, 5, "found behind the shelf")
    with qtbot.waitSignal(w.wrote, timeout=10000) as said:
        w.adjust_button.click()
    assert said.args == ["SKU-00002 adjusted by +5."]
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.moves.rowCount() == 2, timeout=5000)
    assert w.current().sku == "SKU-00002" and w.current().on_hand == before.on_hand + 5
    assert [w.moves.item(0, c).text() for c in (3, 4, 7)] == ["adjustment", "+5", "found behind the shelf"]
    adjust_through_dialog(monkeypatch, 50, "a pallet was found")  # over the shop's limit (20)
    with qtbot.waitSignal(w.wrote, timeout=10000) as said:
        w.adjust_button.click()
    assert said.args[0].startswith("Over the shop's limit: proposed #") and "second person" in said.args[0]
    settle(qtbot, w)
    assert w.current().on_hand == before.on_hand + 5  # waits for a second person


def test_a_role_without_the_permission_is_refused_in_one_sentence(shop, make_stock, qtbot, monkeypatch):
    db, _ = shop
    factories.run(db, auth.create_user, stock_data.OWNER, "olivia", "owner", "olivia-secret-1")
    factories.run(db, auth.create_user, stock_data.OWNER, "bob", "bookkeeper", "bob-secret-123")
    w = make_stock(actor=Actor("bob", "bookkeeper"))
    choose(qtbot, w, 1)
    before = w.current().on_hand
    adjust_through_dialog(monkeypatch, 2, "recount")
    with qtbot.waitSignal(w.wrote, timeout=10000) as said:
        w.adjust_button.click()
    sentence = said.args[0]
    assert "may not" in sentence and sentence.count(".") == 1 and "\n" not in sentence
    assert w.message.text() == sentence
    settle(qtbot, w)
    from shop_orders.services import stock_browse

    with db.read_session() as s:
        assert stock_browse.one(s, "SKU-00002").on_hand == before  # nothing written
    # the window knows the rights: the buttons say why instead
    w.rights = lambda: frozenset({"orders.read"})
    w.refresh_buttons()
    assert not w.adjust_button.isEnabled() and "may not change stock" in w.adjust_button.toolTip()


def test_suggestions_and_returns_read_in_workers(make_stock, shop, qtbot):
    db, _ = shop
    w = make_stock()
    dialog = SuggestionsDialog(w.ctx, w)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    from shop_orders.services import stock_browse
    with db.read_session() as s:
        wanted = stock_browse.suggestions(s)
    assert dialog.table.rowCount() == len(wanted) > 0
    assert dialog.table.item(0, 0).text() == wanted[0].sku and dialog.table.item(0, 7).text() == str(
        wanted[0].suggested)
    dialog.close()
    returns = ReturnsDialog(w.ctx, w)
    qtbot.waitUntil(lambda: not returns.loading, timeout=5000)
    assert returns.table.rowCount() == 0 and returns.note.text() == "No parcel waits to go back on the shelf."
    assert not returns.confirm.isEnabled()
    returns.close()


def test_the_grid_shows_what_an_order_is_short_of_and_filters_them(make_window, shop, qtbot):
    db, made = shop
    from sqlalchemy import select

    from shop_orders.services import stock_settle
    from shop_orders.store.models import Order

    with db.read_session() as s:
        ids = dict(s.execute(select(Order.id, Order.order_no)).all())
        short = {ids[k]: v for k, v in stock_settle.short_of(s, list(ids)).items()}
    assert 0 < len(short) < len(made)
    w = make_window()
    qtbot.waitUntil(lambda: w.filters.short_item.text(1) == f"{len(short):,}", timeout=5000)
    column = [k for k, _ in COLUMNS].index("short")
    shown = {}
    for row in range(w.model.rowCount()):
        no = w.model.row_at(row).order_no
        shown[no] = w.model.data(w.model.index(row, column))
        assert w.model.data(w.model.index(row, column), ShortRole) == (short.get(no) or None)
    assert {k: v for k, v in shown.items() if v} == {k: f"⚠ {v}" for k, v in short.items()}
    header = w.view.horizontalHeader()
    status = [k for k, _ in COLUMNS].index("status")
    assert header.visualIndex(column) == header.visualIndex(status) + 1  # beside the status, in sight
    w.filters.show_short_only()
    settle_window(qtbot, w)
    assert sorted(w.model.row_at(r).order_no for r in range(w.model.rowCount())) == sorted(short)
    # the detail says what is missing
    no = sorted(short)[0]
    w.show_order_no(no)
    qtbot.waitUntil(lambda: w.detail.detail is not None and w.detail.detail.order.order_no == no, timeout=5000)
    assert f"Short of stock: {short[no]}" in w.detail.fields["status"].text()
    # stock arrives: the flag clears by itself
    first_sku = short[no].split(" × ")[1].split(",")[0]
    factories.run(db, stock.receive, stock_data.OWNER, first_sku, 500, "supplier delivery")
    w.reload()
    settle_window(qtbot, w)
    rows = {w.model.row_at(r).order_no: r for r in range(w.model.rowCount())}
    assert w.model.data(w.model.index(rows[no], column)) == ""
    with db.read_session() as s:
        now_short = stock_settle.short_of(s, list(ids))
    assert len(now_short) < len(short)
    qtbot.waitUntil(lambda: w.filters.short_item.text(1) == f"{len(now_short):,}", timeout=5000)
    w.show_current()
    qtbot.waitUntil(lambda: "Short of stock" not in w.detail.fields["status"].text(), timeout=5000)


def test_every_word_in_chinese(make_stock, qtbot):
    w = make_stock("zh")
    assert w.windowTitle() == "库存"
    english = [b.text() for b in w.findChildren(type(w.adjust_button)) if b.text().isascii() and b.text()]
    assert english == []
    headers = [w.model.headerData(c, Qt.Orientation.Horizontal) for c in range(w.model.columnCount())]
    assert all(not h.isascii() for h in headers if h not in ("SKU",))
    assert not w.count_label.text().isascii()
    choose(qtbot, w, 1)
    assert w.moves.item(0, 3).text() != "received"



def test_a_stocktake_sheet_is_tried_first_then_applied_and_the_catalogue_exported(make_stock, shop, qtbot,
                                                                                   monkeypatch, tmp_path):
    from openpyxl import load_workbook

    from shop_orders.services import stock_browse
    from shop_orders.ui.file_dialogs import FileDialog
    from shop_orders.ui.stock_dialogs import StocktakeDialog

    db, _ = shop
    w = make_stock()
    sheet = tmp_path / "count.csv"
    sheet.write_text("SKU,Counted\nSKU-00002,4\nSKU-00003,9\n", encoding="utf-8")
    monkeypatch.setattr(FileDialog, "ask_open", classmethod(lambda cls, *a, **k: sheet))
    previews: list[list[str]] = []

    def decline(cls, parent, name, lines):
        previews.append(lines)
        return None

    monkeypatch.setattr(StocktakeDialog, "ask", classmethod(decline))
    w.import_button.click()
    qtbot.waitUntil(lambda: bool(previews) and not w.writing, timeout=10000)
    assert previews[0][0] == "SKU-00002: on hand 3 → 4" and previews[0][-1].startswith("Dry run")
    assert w.message.text() == "The stocktake was not imported."
    with db.read_session() as s:
        assert stock_browse.one(s, "SKU-00002").on_hand == 3  # the dry run wrote nothing
    monkeypatch.setattr(StocktakeDialog, "ask", classmethod(lambda cls, *a: "monthly count"))
    with qtbot.waitSignal(w.wrote, timeout=10000) as said:
        w.import_button.click()
    assert said.args == ["The stocktake was applied."]
    with db.read_session() as s:
        assert (stock_browse.one(s, "SKU-00002").on_hand, stock_browse.one(s, "SKU-00003").on_hand) == (4, 9)
    # a bad sheet: one sentence naming the row and column, nothing written
    sheet.write_text("SKU,Counted\nSKU-00002,2.5\n", encoding="utf-8")
    w.import_button.click()
    qtbot.waitUntil(lambda: not w.writing and "Checking" not in w.message.text(), timeout=10000)
    assert w.message.text() == "count.csv, row 2, column Counted: The count must be a whole number of units, not '2.5'."
    with db.read_session() as s:
        assert stock_browse.one(s, "SKU-00002").on_hand == 4
    target = tmp_path / "out.xlsx"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: target))
    with qtbot.waitSignal(w.wrote, timeout=20000) as said:
        w.export_button.click()
    assert said.args == [f"Exported {SKUS} SKUs to {target}"]
    assert load_workbook(target).active.max_row == SKUS + 1
    dialog = SuggestionsDialog(w.ctx, w)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    book = tmp_path / "buy.xlsx"
    monkeypatch.setattr(FileDialog, "ask_save", classmethod(lambda cls, *a, **k: book))
    dialog.export.click()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10000)
    assert dialog.message.text() == f"Exported {len(dialog.rows)} suggestions to {book}" and book.exists()
