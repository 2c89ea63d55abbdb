"""The reconciliation board (ui/reconciliation.py) over a small reconciliation written straight
into the tables (tests/recon_data.py): opened from the main window's menus, the counts and money
per source across the top, the filters, a line's orders, an order's lines and trust chain, the
export, both models under Qt's model tester, and every word in Chinese."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableWidget

from shop_orders.domain import messages
from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui.reconciliation import ReconciliationBoard
from tests.recon_data import fill


def settle(qtbot, board, timeout: int = 10000) -> None:
    def done() -> bool:
        QCoreApplication.processEvents()
        return not board.loading and not board.workers_running()

    qtbot.waitUntil(done, timeout=timeout)
    QCoreApplication.processEvents()


@pytest.fixture
def data(sqlite_db):
    return fill(sqlite_db)


@pytest.fixture
def make_board(qtbot, sqlite_db, tmp_path, clock, data):
    def _make(lang: str = "en") -> ReconciliationBoard:
        messages.set_language(lang)
        ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
        board = ReconciliationBoard(ctx, lang, clock=clock)  # the tests' clock: 2026-11-22, this month is November
        qtbot.addWidget(board)
        board.resize(1366, 768)
        board.show()
        settle(qtbot, board)
        return board
    return _make


def table_texts(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def select(qtbot, board, view, row: int) -> None:
    if view.currentIndex().row() == row:
        return  # already the current row (kept across a reload): its detail was read then
    with qtbot.waitSignal(board.detailShown, timeout=5000):
        view.selectionModel().setCurrentIndex(
            view.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    settle(qtbot, board)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: bringing it to the front
def test_opens_from_the_main_windows_menus(make_window, sqlite_db, qtbot):
    fill(sqlite_db)
    w = make_window()
    titles = {}
    for menu_action in w.menuBar().actions():
        titles[menu_action.text()] = [a.objectName() for a in menu_action.menu().actions()]
    assert "reconciliation" in titles["&File"] and "reconciliation" in titles["&Tools"]
    w.reconcile_action.trigger()
    board = w.findChild(ReconciliationBoard, "reconciliationBoard")
    assert board is not None and board.isVisible() and board.isWindow()
    settle(qtbot, board)
    assert board.lines.rowCount() == 6 and board.orders.rowCount() == 6  # November (the window's clock)
    w.reconcile_action.trigger()  # asked again: the same window comes to the front
    assert w.findChildren(ReconciliationBoard) == [board]


def test_counts_and_money_per_source_across_the_top(make_board):
    board = make_board()
    labels = board.source_labels
    assert list(labels) == ["alipay", "stripe", ""]
    alipay = labels["alipay"].text()
    assert "Alipay" in alipay and "1 small difference -0.50 CNY" in alipay and "1 matched 100.00 CNY" in alipay
    assert "unmatched lines: 1, 50.00 CNY" in alipay
    assert "#b26a00" in alipay and "#2e7d32" in alipay  # amber and green from the palette
    assert "1 matched 19.99 USD" in labels["stripe"].text()
    none = labels[""].text()
    assert "no statement line" in none and "1 disagrees -300.00 CNY" in none and "#c62828" in none
    assert board.lines_title.text() == "Statement lines (6)" and board.orders_title.text() == "Orders (6)"


def test_the_lists_worst_first_and_coloured(make_board, data):
    board = make_board()
    orders = board.orders.loaded_rows()
    assert [o.state for o in orders] == ["red", "amber", "green", "green", "excluded", "confirmed"]
    m = board.orders
    red = m.index(0, 3)
    assert m.data(red) == "disagrees" and m.data(red, Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    assert m.data(m.index(1, 6)) == "-0.50 CNY" and m.data(m.index(1, 7)) == "2"
    lines = board.lines
    texts = [lines.data(lines.index(r, 6)) for r in range(lines.rowCount())]
    assert texts.count("not matched") == 1 and texts.count("excluded") == 1
    assert lines.data(lines.index(0, 1)) == "Stripe"  # the newest first


def test_filters(make_board, qtbot, data):
    board = make_board()

    def choose(combo, code) -> None:
        combo.setCurrentIndex(combo.findData(code))
        settle(qtbot, board)

    choose(board.source, "stripe")
    assert [r.id for r in board.lines.loaded_rows()] == [data.lines["S1"]]
    assert [r.order_id for r in board.orders.loaded_rows()] == [data.orders["usd"]]
    choose(board.source, "")
    choose(board.state, "amber")
    assert [r.order_id for r in board.orders.loaded_rows()] == [data.orders["amber"]]
    assert board.lines.rowCount() == 6  # the orders' state does not filter the lines
    choose(board.state, "")
    choose(board.line_state, "open")
    assert [r.id for r in board.lines.loaded_rows()] == [data.lines["A5"]]
    choose(board.line_state, "")
    choose(board.kind, "fee")
    assert [r.id for r in board.lines.loaded_rows()] == [data.lines["A3"]]
    choose(board.kind, "")
    board.search.setText("T200P")
    board.search.returnPressed.emit()
    settle(qtbot, board)
    assert [r.id for r in board.lines.loaded_rows()] == [data.lines["A2"]]
    board.search.clear()
    settle(qtbot, board)
    choose(board.period, "last_month")  # October: one open line, no order
    assert [r.id for r in board.lines.loaded_rows()] == [data.lines["A6"]] and board.orders.rowCount() == 0
    from PySide6.QtCore import QDate

    board.date_from.setDate(QDate(2026, 11, 15))  # from … to …: the 15th to October's end is turned round
    settle(qtbot, board)
    assert board.period.currentData() == "days"
    p = board.current_period()
    assert (p.start.month, p.start.day, p.end.month, p.end.day) == (10, 31, 11, 16)  # the 15th included
    assert {r.id for r in board.lines.loaded_rows()} == {data.lines[k] for k in ("A1", "A2", "A3", "A4", "A5")}


def test_a_click_on_a_line_shows_its_orders(make_board, qtbot, data):
    board = make_board()
    row = board.lines.position(data.lines["A2"])
    select(qtbot, board, board.line_view, row)
    assert table_texts(board.line_orders) == [[data.numbers["amber"], "199.50 CNY", "order number without its prefix",
                                               "system", "small difference"]]
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))
    assert table_texts(board.line_orders) == []


def test_a_click_on_an_order_shows_its_lines_and_trust_chain(make_board, qtbot, data):
    board = make_board()
    select(qtbot, board, board.order_view, board.orders.position(data.orders["amber"]))
    lines = table_texts(board.order_lines)
    assert [x[2:6] for x in lines] == [["payment", "199.50 CNY", "T200PT-amber", "order number without its prefix"],
                                       ["fee", "-0.60 CNY", "2026111022003", "fee of a payment"]]
    chain = table_texts(board.order_trail)
    assert chain and chain[-1][3].startswith("created")  # the trust chain, described as the detail panel does


def test_buttons_follow_the_selection(make_board, qtbot, data):
    board = make_board()
    assert not board.match_button.isEnabled() and not board.confirm_button.isEnabled()
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))  # an open line
    select(qtbot, board, board.order_view, board.orders.position(data.orders["red"]))
    assert board.match_button.isEnabled() and not board.unmatch_button.isEnabled()
    assert board.confirm_button.isEnabled()
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A1"]))  # a matched line
    assert board.unmatch_button.isEnabled() and not board.match_button.isEnabled()


def test_a_manual_action_needs_a_reason(make_board, qtbot, data, monkeypatch):
    from shop_orders.ui import reconciliation

    board = make_board()
    asked = []
    monkeypatch.setattr(reconciliation.ReasonDialog, "ask", lambda *a: asked.append(a[2]) or None)
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))
    board.line_view.clicked.emit(board.lines.index(board.lines.position(data.lines["A5"]), 0))
    board.exclude()
    assert asked == ["Leave statement line 2026111022005 (50.00 CNY) out of the reconciliation."]
    assert board.writing is None  # no reason, nothing written


def test_export_writes_the_period(make_board, qtbot, tmp_path):
    board = make_board()
    path = tmp_path / "recon.xlsx"
    board.export_to(path, "zh_CN")
    qtbot.waitUntil(lambda: getattr(board, "exported", None) is not None, timeout=10000)
    assert board.exported.path == path and board.exported.orders == 6
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "汇总"
    assert "Exported 6 orders and 6 statement lines" in board.message.text()


def test_both_models_pass_qts_model_tester(make_board, qtmodeltester):
    board = make_board()
    qtmodeltester.check(board.lines, force_py=True)
    qtmodeltester.check(board.orders, force_py=True)


def test_every_word_in_chinese(make_board, qtbot, data):
    from tests.ui.test_chinese_everywhere import english_in, visible_texts

    board = make_board("zh_CN")
    select(qtbot, board, board.order_view, board.orders.position(data.orders["amber"]))
    assert board.windowTitle() == "对账"
    assert "支付宝" in board.source_labels["alipay"].text() and "小额差异" in board.source_labels["alipay"].text()
    assert board.lines.headerData(0, Qt.Orientation.Horizontal) == "时间"
    cells = [board.lines.data(board.lines.index(r, c)) for r in range(board.lines.rowCount()) for c in range(9)]
    cells += [board.orders.data(board.orders.index(r, c)) for r in range(board.orders.rowCount()) for c in range(9)]
    data_and_names = ("Stripe", "Shopify Payments", "CNY", "USD", "paid in cash", "/C calc", "T200PT-amber",
                      "T-amber", "T-green", "bea", "cmd")  # names of products and currencies, people and what the data says

    def english(text: str) -> list[str]:
        text = re.sub(r"<[^>]+>|&nbsp;", " ", str(text))  # the strip's markup
        for name in data_and_names:
            text = text.replace(name, " ")
        return english_in(text)

    found = [(where, text) for where, text in visible_texts(board) + [("cell", c) for c in cells] if english(text)]
    assert found == [], "\n".join(map(str, found))


def test_rows_below_the_first_page_are_read_by_position_then_by_id(make_board, qtbot, data, monkeypatch):
    """A page further down is read in a worker when a view asks for it: by its position before
    the whole id list is in, by id after; either way the rows come in the list's order."""
    from shop_orders.ui import recon_model

    monkeypatch.setattr(recon_model, "PAGE", 2)
    board = make_board()
    expected = [r.id for r in board.browser.lines(board.browser.line_ids(board.line_filter()))]
    model = board.lines
    assert model.ids == expected  # the whole id list replaced the first page's
    model.show(6, model.loaded_rows()[:2], lambda o, n: board.browser.line_window(board.line_filter(), o, n))
    assert model.ids[2:] == [None] * 4 and model.data(model.index(4, 1)) == ""  # not read yet: asked for
    qtbot.waitUntil(lambda: model.ids[4] is not None, timeout=5000)
    assert model.ids[4:6] == expected[4:6] and model.data(model.index(4, 0)) != ""
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_ids(expected)  # the id list agrees with what is shown: no reset, the rest read by id
    assert resets == [] and model.ids == expected
    for row in range(6):
        model.data(model.index(row, 0))
    qtbot.waitUntil(lambda: all(model.row_at(r) is not None for r in range(6)), timeout=5000)
    assert [r.id for r in model.loaded_rows()] == expected
    model.set_ids(expected[::-1])  # a list that no longer agrees (the store changed): shown anew
    assert resets == [1] and model.ids == expected[::-1]


# ---- the manual actions, through services/reconcile.py ----------------------------------------------

def act(qtbot, board, monkeypatch, do, reason: str | None = "checked against the bank") -> None:
    """Answer the reason dialog with `reason`, run the action, wait for its write and the reload."""
    from shop_orders.ui import reconciliation

    asked = []
    monkeypatch.setattr(reconciliation.ReasonDialog, "ask", lambda *a: asked.append(a[2]) or reason)
    do()
    qtbot.waitUntil(lambda: board.writing is None, timeout=10000)
    settle(qtbot, board)


def line_row(board, line_id):
    return board.browser.line(line_id)


def test_match_by_hand_then_unmatch(make_board, qtbot, data, monkeypatch):
    board = make_board()
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))  # ¥50.00, open
    select(qtbot, board, board.order_view, board.orders.position(data.orders["red"]))
    with qtbot.waitSignal(board.changed, timeout=10000):
        act(qtbot, board, monkeypatch, board.match_by_hand, "paid at the counter, slip 17")
    line = line_row(board, data.lines["A5"])
    assert line.state == "matched" and line.rule == "manual" and line.orders == (data.numbers["red"],)
    assert board.message.text() == "Matched by hand."
    red = board.browser.order(data.orders["red"])
    assert red.received_minor == 5000 and red.line_count == 1
    trail = board.browser.order_trail(data.orders["red"])
    [match] = [e for e in trail if e.field == f"statement_line#{data.lines['A5']}.match"]
    assert match.reason == "paid at the counter, slip 17" and match.actor == board.ctx.actor.name
    assert board.current_order_id() == data.orders["red"]  # still selected after the board was read again
    qtbot.waitUntil(lambda: any("paid at the counter, slip 17" in row for row in table_texts(board.order_trail)),
                    timeout=5000)  # its trust chain, read again
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))
    assert board.unmatch_button.isEnabled()
    act(qtbot, board, monkeypatch, board.unmatch, "wrong order")
    assert line_row(board, data.lines["A5"]).state == "open"
    assert board.browser.order(data.orders["red"]).received_minor == 0


def test_exclude_a_line_and_an_order_and_confirm_one(make_board, qtbot, data, monkeypatch):
    board = make_board()
    row = board.lines.position(data.lines["A5"])
    select(qtbot, board, board.line_view, row)
    board.line_view.clicked.emit(board.lines.index(row, 0))
    act(qtbot, board, monkeypatch, board.exclude, "a duplicate of the bank's line")
    line = line_row(board, data.lines["A5"])
    assert (line.state, line.reason) == ("excluded", "a duplicate of the bank's line")
    row = board.orders.position(data.orders["red"])
    select(qtbot, board, board.order_view, row)
    board.order_view.clicked.emit(board.orders.index(row, 0))
    act(qtbot, board, monkeypatch, board.exclude, "a gift, never paid")
    red = board.browser.order(data.orders["red"])
    assert (red.state, red.reason) == ("excluded", "a gift, never paid")
    select(qtbot, board, board.order_view, board.orders.position(data.orders["amber"]))
    act(qtbot, board, monkeypatch, board.confirm_order, "the buyer paid the 0.50 in cash")
    amber = board.browser.order(data.orders["amber"])
    assert amber.state == "confirmed" and amber.decided_by == board.ctx.actor.name
    assert board.message.text() == "The order is confirmed."
    assert "confirmed by hand" in board.source_labels["alipay"].text()


def test_no_reason_writes_nothing_and_a_refusal_is_said(make_board, qtbot, data, monkeypatch):
    board = make_board()
    row = board.lines.position(data.lines["A1"])  # matched: excluding it is refused by the service
    select(qtbot, board, board.line_view, row)
    board.line_view.clicked.emit(board.lines.index(row, 0))
    act(qtbot, board, monkeypatch, board.exclude, None)
    assert line_row(board, data.lines["A1"]).state == "matched" and board.message.text() == ""
    act(qtbot, board, monkeypatch, board.exclude, "not ours")
    assert line_row(board, data.lines["A1"]).state == "matched"
    assert "unmatch it first" in board.message.text()


def test_run_matching_over_the_period(make_board, qtbot, sqlite_db, monkeypatch):
    from datetime import UTC, datetime

    from shop_orders.store.models import StatementLineRow
    from tests.factories import make_order

    make_order(sqlite_db, channel="tmall", channel_order_no="T-new")
    with sqlite_db.write_session() as s:
        s.add(StatementLineRow(statement_id=1, provider="alipay", external_id="2026111299999", row_no=9, kind="payment",
                               amount_minor=12000, currency="CNY", occurred_at=datetime(2026, 11, 12, tzinfo=UTC),
                               merchant_order_no="T-new"))
        s.commit()
    board = make_board()
    act(qtbot, board, monkeypatch, board.run_matching)
    assert board.message.text().startswith("Matching done: 1 lines matched")
    found = [r for r in board.lines.loaded_rows() if r.external_id == "2026111299999"]
    assert found and found[0].state == "matched" and found[0].rule == "exact"


def test_a_large_match_by_hand_waits_for_a_second_person(make_board, qtbot, sqlite_db, data, monkeypatch):
    from datetime import UTC, datetime

    from shop_orders.store.models import StatementLineRow

    with sqlite_db.write_session() as s:
        s.add(StatementLineRow(statement_id=1, provider="alipay", external_id="2026111288888", row_no=8, kind="payment",
                               amount_minor=250000, currency="CNY", occurred_at=datetime(2026, 11, 12, tzinfo=UTC)))
        s.commit()
    board = make_board()
    line = next(r for r in board.lines.loaded_rows() if r.external_id == "2026111288888")
    select(qtbot, board, board.line_view, board.lines.position(line.id))
    select(qtbot, board, board.order_view, board.orders.position(data.orders["red"]))
    act(qtbot, board, monkeypatch, board.match_by_hand, "the wholesale order, paid in one go")
    assert "proposed as change set #" in board.message.text()
    assert line_row(board, line.id).state == "open"  # nothing matched until a second person approves


def test_a_role_that_may_not_reconcile_reads_but_cannot_write(qtbot, sqlite_db, tmp_path, clock, data):
    from shop_orders.domain.changes import Actor

    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", Actor("wes", "warehouse"))
    board = ReconciliationBoard(ctx, "en", clock=clock, rights=lambda: frozenset({"order.ship"}))
    qtbot.addWidget(board)
    board.show()
    settle(qtbot, board)
    assert board.lines.rowCount() == 6  # reading is open to everyone
    select(qtbot, board, board.line_view, board.lines.position(data.lines["A5"]))
    select(qtbot, board, board.order_view, board.orders.position(data.orders["red"]))
    buttons = (board.match_button, board.unmatch_button, board.exclude_button, board.confirm_button,
               board.run_button)
    assert not any(b.isEnabled() for b in buttons)
    assert board.match_button.toolTip() == "Your role may not reconcile; the owner sets it in the permissions."
    assert board.export_button.isEnabled()
    assert board.amount_button.isHidden()  # the two-person amount is the owner's


def test_the_owner_sets_the_two_person_amount_and_a_match_under_it_is_done_at_once(make_board, qtbot, sqlite_db,
                                                                                    data, monkeypatch):
    from datetime import UTC, datetime

    from shop_orders.services import reconcile
    from shop_orders.store.models import StatementLineRow
    from shop_orders.ui.reconciliation import AmountDialog

    with sqlite_db.write_session() as s:
        s.add(StatementLineRow(statement_id=1, provider="alipay", external_id="2026111288888", row_no=8, kind="payment",
                               amount_minor=250000, currency="CNY", occurred_at=datetime(2026, 11, 12, tzinfo=UTC)))
        s.commit()
    board = make_board()
    assert board.amount_button.isVisible()
    asked = []
    monkeypatch.setattr(AmountDialog, "ask", classmethod(lambda cls, parent, current: asked.append(current) or 300000))
    board.amount_button.click()
    qtbot.waitUntil(lambda: "now needs a second person" in board.message.text(), timeout=5000)
    assert asked == [100000] and board.message.text() == "A match by hand over 3000.00 now needs a second person."
    with sqlite_db.read_session() as s:
        assert reconcile.two_person_minor(s) == 300000
    settle(qtbot, board)
    line = next(r for r in board.lines.loaded_rows() if r.external_id == "2026111288888")
    select(qtbot, board, board.line_view, board.lines.position(line.id))
    select(qtbot, board, board.order_view, board.orders.position(data.orders["red"]))
    act(qtbot, board, monkeypatch, board.match_by_hand, "the wholesale order, paid in one go")
    assert board.message.text() == "Matched by hand."


def test_the_amount_dialog_refuses_what_is_not_an_amount(qtbot):
    from shop_orders.ui.reconciliation import AmountDialog

    d = AmountDialog(None, 100000)
    qtbot.addWidget(d)
    assert d.amount.text() == "1000.00"
    for text, said in (("abc", "'abc' is not an amount of money"), ("-5", "The amount for a second person is 0 or more."),
                       ("1.234", "'1.234' has more than 2 decimal places for ")):
        d.amount.setText(text)
        assert (d.validate() or "").startswith(said), d.validate()
    d.amount.setText("2,500.00")
    assert d.validate() is None and d.chosen() == 250000
