"""The ticket list at scale (issue 26, pytest-qt, offscreen): a model over SQL checked by Qt's model
tester; the countdown painted from each row's due time (a tick changes no cell); the count says
what the list holds; the selection kept by ticket id across a reload that moves it; assign,
comment and close refresh only their row and the counts; the work of a reload on the UI thread
does not grow with the number of tickets (data() calls and rows read, not time); the panel
reloads only when a ticket changed; a summary ticket's orders shown in the grid."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind
from shop_orders.services import orders, rules, tickets
from shop_orders.services.context import AppContext, current_actor
from shop_orders.services.uow import UnitOfWork
from shop_orders.ui import tickets as tickets_ui
from shop_orders.ui.ticket_model import DUE_COLUMN, PAGE
from shop_orders.ui.tickets import TicketPanel
from tests.factories import draft, make_order
from tests.ui.test_tickets_ui import opened, write

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SYSTEM = ChangeContext(tickets.SYSTEM, "rule:stuck")


def many_tickets(db, n: int, now: datetime) -> list[int]:
    """n orders, each with an open stuck ticket opened at `now` (bulk: one executemany each)."""
    with UnitOfWork(db, clock=lambda: now, rules=()) as uow:
        orders.create_orders_bulk(uow, OWNER, [draft(status=Status.AWAITING_PAYMENT) for _ in range(n)])
        uow.commit()
    with db.read_session() as s:
        from sqlalchemy import select

        from shop_orders.store.models import Order

        rows = s.execute(select(Order.id, Order.order_no).order_by(Order.id.desc()).limit(n)).all()
    with UnitOfWork(db, clock=lambda: now, rules=()) as uow:
        tickets.detected_many(uow, SYSTEM, Kind.STUCK, [(int(i), no, f"seen {i}", "") for i, no in rows])
        uow.commit()
    with db.read_session() as s:
        from sqlalchemy import select

        from shop_orders.store.models import Ticket

        return [int(x) for x in s.execute(select(Ticket.id)).scalars()]


@pytest.fixture
def panel(qtbot, sqlite_db, clock, tmp_path):
    def _make() -> TicketPanel:
        ctx = AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor())
        p = TicketPanel(ctx, "en", clock=lambda: clock.now)
        qtbot.addWidget(p)
        p.resize(900, 400)
        p.show()
        p.reload()
        qtbot.waitUntil(lambda: p.loaded() and p.model.rowCount() > 0, timeout=20000)
        return p
    return _make


@pytest.fixture
def three(sqlite_db, clock):
    nos = [make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500) for _ in range(4)]
    now = clock.now
    return nos, {"late": opened(sqlite_db, nos[0], "address", now - timedelta(hours=2)),
                 "soon": opened(sqlite_db, nos[1], "cancel", now - timedelta(minutes=29)),
                 "fine": opened(sqlite_db, nos[2], "logistics", now)}


def test_the_model_passes_qts_model_tester(qtbot, qtmodeltester, panel, three):
    p = panel()
    qtmodeltester.check(p.model, force_py=True)
    assert p.model.rowCount() == 3 and p.model.columnCount() == 8


def test_the_countdown_is_painted_from_the_due_time_and_a_tick_changes_no_cell(qtbot, panel, three, clock):
    _nos, ids = three
    p = panel()
    row = p.model.position(ids["soon"])
    changed = []
    p.model.dataChanged.connect(lambda *a: changed.append(a))
    resets = []
    p.model.modelReset.connect(lambda: resets.append(1))

    def painted() -> str:
        option = QStyleOptionViewItem()
        p.countdown.initStyleOption(option, p.model.index(row, DUE_COLUMN))
        return option.text

    before = painted()
    assert before and not before.startswith("-")
    clock.now += timedelta(seconds=61)  # past its due second
    p._tick()
    after = painted()
    assert after != before and after.startswith("-")
    assert p.model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole) == tickets_ui.RED
    assert changed == [] and resets == []  # nothing was set into the model: the tick only repaints
    p.table.viewport().repaint()
    assert p.countdown.painted > 0


def test_the_count_says_what_the_list_holds(qtbot, panel, three):
    _nos, ids = three
    p = panel()
    assert p.count.text() == "3 open tickets"
    p.scope.setCurrentIndex(p.scope.findData("overdue"))
    qtbot.waitUntil(lambda: p.loaded() and p.model.rowCount() == 1, timeout=10000)
    assert p.count.text() == "1 tickets in this list"
    assert "3 open" in p.figures.text() and "1 overdue" in p.figures.text()


def test_the_selection_is_kept_by_ticket_id_when_a_reload_moves_it(qtbot, panel, three, sqlite_db, clock):
    nos, ids = three
    p = panel()
    assert p.select_ticket(ids["fine"])
    assert p.model.position(ids["fine"]) == 2
    earlier = opened(sqlite_db, nos[3], "payment", clock.now - timedelta(hours=5))  # due first: moves the rest down
    p.reload()
    qtbot.waitUntil(lambda: p.loaded() and p.model.rowCount() == 4, timeout=10000)
    assert p.model.position(earlier) == 0 and p.model.position(ids["fine"]) == 3
    assert p.current_id() == ids["fine"] and p.table.currentIndex().row() == 3


def test_sorting_by_a_header_is_done_in_sql(qtbot, panel, three):
    _nos, ids = three
    p = panel()
    p.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # by number, newest first
    qtbot.waitUntil(lambda: p.loaded() and p.model.sort_key == "id", timeout=10000)
    qtbot.waitUntil(lambda: p.model.ids == sorted(ids.values(), reverse=True), timeout=10000)


def test_assign_comment_and_close_refresh_only_their_row_and_the_counts(qtbot, panel, three, monkeypatch, tmp_path):
    _nos, ids = three
    p = panel()
    resets, removed = [], []
    p.model.modelReset.connect(lambda: resets.append(1))
    p.model.rowsRemoved.connect(lambda *a: removed.append(a))
    k = ids["late"]
    assert p.select_ticket(k)
    qtbot.waitUntil(lambda: p.buttons["assign"].isEnabled(), timeout=5000)
    monkeypatch.setattr(tickets_ui.AssignDialog, "ask", classmethod(lambda cls, ctx, parent=None: "manager"))
    assert write(qtbot, p, p.buttons["assign"].click)
    assert p.model.index(p.model.position(k), 5).data() == "Manager"
    monkeypatch.setattr(tickets_ui.TextDialog, "ask", classmethod(lambda cls, title, label, parent=None: "rang"))
    assert write(qtbot, p, p.buttons["comment"].click)
    qtbot.waitUntil(lambda: "rang" in p.detail.toPlainText(), timeout=5000)
    photo = tmp_path / "proof.png"
    photo.write_bytes(b"\x89PNG proof")
    assert write(qtbot, p, lambda: p.close_with(k, "Fixed", [photo]))
    assert resets == []  # no reload: the row was updated, then taken out of the open list
    assert len(removed) == 1 and p.model.position(k) is None and p.model.rowCount() == 2
    assert p.count.text() == "2 open tickets" and "2 open" in p.figures.text()


def test_a_reload_of_thousands_of_tickets_asks_only_for_the_rows_shown(qtbot, panel, sqlite_db, clock):
    n = 3000
    many_tickets(sqlite_db, n, clock.now)
    p = panel()
    qtbot.waitUntil(lambda: p.model.rowCount() == n, timeout=20000)
    assert p.count.text() == "3,000 open tickets"
    p.table.viewport().repaint()
    p.model.data_calls = 0
    p.reload()
    qtbot.waitUntil(p.loaded, timeout=20000)
    p.table.viewport().repaint()
    visible = p.table.viewport().height() // p.table.verticalHeader().defaultSectionSize() + 2
    # each visible cell asks a handful of roles for a paint or two; nothing near every row of the list
    assert p.model.data_calls <= visible * p.model.columnCount() * 16
    assert p.model.data_calls < n // 2
    assert len(p.model._rows) <= 2 * PAGE  # rows read: the first page (and the selected one's)
    # scrolling to the end reads that page in a worker, then shows it
    last = p.model.index(n - 1, 0)
    p.table.scrollTo(last)
    p.table.viewport().repaint()
    qtbot.waitUntil(lambda: p.model.row_at(n - 1) is not None, timeout=10000)
    assert last.data() == str(p.model.ids[-1])


def test_the_panel_reads_the_list_again_only_when_a_ticket_changed(qtbot, panel, three, sqlite_db, clock):
    nos, _ids = three
    p = panel()
    reloads = []
    real = p.reload
    p.reload = lambda: (reloads.append(1), real())[1]
    make_order(sqlite_db)  # a change elsewhere that touches no ticket
    p.follow()
    qtbot.waitUntil(lambda: not p._following, timeout=10000)
    assert reloads == []
    opened(sqlite_db, nos[3], "other", clock.now)  # another seat opens a ticket
    p.follow()
    qtbot.waitUntil(lambda: reloads == [1] and p.loaded(), timeout=10000)
    assert p.model.rowCount() == 4


def test_a_summary_tickets_orders_are_shown_in_the_grid(qtbot, make_window, sqlite_db, clock):
    made = [make_order(sqlite_db, clock=lambda d=d: clock.now - timedelta(days=d), status=Status.AWAITING_PAYMENT)
            for d in (10, 12)]
    with UnitOfWork(sqlite_db, clock=lambda: clock.now) as uow:
        assert rules.sweep(uow, clock.now, every_rule=False).summarised == 2
        uow.commit()
    w = make_window()
    p = w.tickets
    qtbot.waitUntil(lambda: p.loaded() and p.model.rowCount() == 1, timeout=10000)
    row = p.model.row_at(0)
    assert row is not None and row.orders == 2
    assert p.model.index(0, 1).data() == "2 orders (7 to 30 days)"
    assert p.select_ticket(row.id)
    qtbot.waitUntil(lambda: p.buttons["orders"].isEnabled(), timeout=5000)
    p.buttons["orders"].click()
    qtbot.waitUntil(lambda: not w.model.loading and w.model.rowCount() == 2
                    and sorted(w.model.index(r, 0).data() for r in range(2)) == sorted(made), timeout=10000)
    assert w.model.query.summary_of == row.id
    w.filters.show_stale_only()  # any filter: the grid as usual again
    qtbot.waitUntil(lambda: w.model.query.summary_of is None, timeout=10000)

