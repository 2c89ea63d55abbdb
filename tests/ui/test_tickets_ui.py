"""Exception tickets in the window (pytest-qt, offscreen): the dock lists tickets by due time with a
live countdown, overdue red and nearly due amber; its filters; a ticket made from the grid's order;
assign, comment, attach, state and close (refused without evidence, nothing changed); the grid's
badge and filter, the order's Tickets tab; the sweep's reminders as notifications; the owner's
settings; everything in Chinese too. The panel on its own also runs on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, State
from shop_orders.services import tickets
from shop_orders.services.context import AppContext, current_actor
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import AuditEvent, Ticket, TicketAttachment
from shop_orders.ui import tickets as tickets_ui
from shop_orders.ui.order_model import TicketCountRole
from shop_orders.ui.tickets import RED, TicketPanel, TicketSettingsDialog
from tests.factories import make_order
from tests.ui.conftest import settle
from tests.ui.test_chinese_everywhere import assert_chinese, chinese  # noqa: F401 (a fixture)

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")


def opened(db, no: str, kind: str, at) -> int:
    """A ticket opened at `at` (its due time follows from the kind's response time)."""
    with UnitOfWork(db, clock=lambda: at, rules=()) as uow:
        tk = tickets.open_ticket(uow, OWNER, no, kind, note="seen by the clerk")
        uow.commit()
        return int(tk.id or 0)


def state_of(db, ticket_id: int) -> Ticket:
    with db.read_session() as s:
        tk = s.get(Ticket, ticket_id)
        s.expunge(tk)
        return tk


def ticket_events(db, ticket_id: int) -> int:
    with db.read_session() as s:
        return len(s.execute(select(AuditEvent.id).where(AuditEvent.field.like(f"ticket#{ticket_id}.%"))).all())


@pytest.fixture
def desk(sqlite_db, clock):
    """Three orders with a ticket each, seen at clock.now: an address problem opened 2 h ago (1 h
    to respond: overdue), a cancel opened 29 min ago (30 min: amber), a logistics one just opened."""
    nos = [make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500) for _ in range(4)]  # paid: no rule fires
    now = clock.now
    ids = {"late": opened(sqlite_db, nos[0], "address", now - timedelta(hours=2)),
           "soon": opened(sqlite_db, nos[1], "cancel", now - timedelta(minutes=29)),
           "fine": opened(sqlite_db, nos[2], "logistics", now)}
    return nos, ids


def panel_of(qtbot, w) -> TicketPanel:
    p = w.tickets
    qtbot.waitUntil(p.loaded, timeout=10000)
    QCoreApplication.processEvents()
    return p


def write(qtbot, p: TicketPanel, action) -> bool:
    with qtbot.waitSignal(p.written, timeout=10000) as blocker:
        action()
    qtbot.waitUntil(p.loaded, timeout=10000)
    return bool(blocker.args[0])


def cell(p: TicketPanel, row: int, column: int) -> str:
    """What the list shows in a cell now (the countdown worked out against the clock)."""
    return p.model.index(row, column).data()


def colour(p: TicketPanel, row: int, column: int):
    return p.model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)


def pick(qtbot, p: TicketPanel, ticket_id: int) -> None:
    assert p.select_ticket(ticket_id)
    qtbot.waitUntil(lambda: p.detail_data is not None and p.detail_data.ticket.id == ticket_id, timeout=10000)


# ---- the list --------------------------------------------------------------------------------------

def test_the_dock_lists_tickets_soonest_due_first_with_the_countdown_red_and_amber(qtbot, make_window, desk):
    _nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    assert [k.id for k in p.rows] == [ids["late"], ids["soon"], ids["fine"]]
    cells = [cell(p, r, 6) for r in range(3)]
    assert cells[0].startswith("-") and "1" in cells[0]  # overdue by an hour
    assert cells[1] in ("1m", "01:00", "1 min") or "1" in cells[1]
    assert colour(p, 0, 1) == RED
    assert colour(p, 1, 1) == tickets_ui.AMBER
    assert colour(p, 2, 1).name() == "#000000"
    assert w.tickets_dock.windowTitle() == "Exception tickets (3 open, 1 overdue)"
    assert "3 open" in p.figures.text() and "1 overdue" in p.figures.text()


def test_the_countdown_moves_with_the_clock_and_turns_red_at_the_due_second(qtbot, make_window, desk, clock):
    _nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    before = cell(p, 1, 6)
    clock.now += timedelta(seconds=59)
    p._tick()
    assert cell(p, 1, 6) != before and colour(p, 1, 1) == tickets_ui.AMBER
    clock.now += timedelta(seconds=1)  # the cancel ticket's due second
    p._tick()
    assert colour(p, 1, 1) == RED


def test_the_filters_show_overdue_one_kind_or_one_priority(qtbot, make_window, desk):
    _nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    p.scope.setCurrentIndex(p.scope.findData("overdue"))
    qtbot.waitUntil(lambda: p.loaded() and [k.id for k in p.rows] == [ids["late"]], timeout=10000)
    p.scope.setCurrentIndex(p.scope.findData("active"))
    p.kind.setCurrentIndex(p.kind.findData(Kind.LOGISTICS.value))
    qtbot.waitUntil(lambda: p.loaded() and [k.id for k in p.rows] == [ids["fine"]], timeout=10000)
    p.kind.setCurrentIndex(0)
    p.priority.setCurrentIndex(p.priority.findData(0))  # P0: the cancel
    qtbot.waitUntil(lambda: p.loaded() and [k.id for k in p.rows] == [ids["soon"]], timeout=10000)
    p.priority.setCurrentIndex(0)
    p.scope.setCurrentIndex(p.scope.findData("role"))  # the owner's role holds none of them
    qtbot.waitUntil(lambda: p.loaded() and p.rows == [], timeout=10000)


# ---- from the grid ---------------------------------------------------------------------------------

def test_a_ticket_made_from_the_grids_order_shows_as_its_badge_filter_and_tab(qtbot, make_window, desk, monkeypatch):
    nos, _ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    row = next(r for r in range(w.model.rowCount()) if w.model.index(r, 0).data() == nos[3])
    assert not w.model.index(row, 0).data(TicketCountRole)
    w.view.selectRow(row)
    qtbot.waitUntil(lambda: w.table.current_row() is not None and w.table.current_row().order_no == nos[3], timeout=5000)
    asked = []
    monkeypatch.setattr(tickets_ui.NewTicketDialog, "ask",
                        classmethod(lambda cls, no, parent=None: asked.append(no) or ("out_of_stock", None, "no tea")))
    assert write(qtbot, p, w.order_actions.ticket_action.trigger)
    assert asked == [nos[3]]
    settle(qtbot, w)
    with w.ctx.db.read_session() as s:
        tk = s.execute(select(Ticket).where(Ticket.order_no == nos[3])).scalar_one()
        assert (tk.kind, tk.assignee_role, tk.state) == ("out_of_stock", "warehouse", "open")
    assert f"#{tk.id}" in p.message.text()
    qtbot.waitUntil(lambda: any(w.model.index(r, 0).data() == nos[3] and w.model.index(r, 0).data(TicketCountRole) == 1
                                for r in range(w.model.rowCount())), timeout=5000)
    assert "1 open exception tickets" in (w.model.index(row, 0).data(0x03) or "")  # the badge's tooltip
    w.filters.tickets_item.setSelected(True)
    qtbot.waitUntil(lambda: not w.model.loading and w.model.rowCount() == 4, timeout=5000)  # all four have one
    qtbot.waitUntil(lambda: w.filters.tickets_item.text(1) == "4", timeout=5000)
    w.view.selectRow(0)
    qtbot.waitUntil(lambda: w.detail.detail is not None and bool(w.detail.detail.tickets), timeout=5000)
    tab = w.detail.tabs.tabText(w.detail.tabs.indexOf(w.detail.tickets))
    assert tab == "Tickets (1 open)" and w.detail.tickets.rowCount() == 1


def test_an_archived_order_gets_no_ticket_and_the_panel_says_why(qtbot, make_window, sqlite_db, monkeypatch):
    from sqlalchemy import text

    no = make_order(sqlite_db, status=Status.CANCELLED)
    with sqlite_db.engine.begin() as c:  # archived (through the two-person rule elsewhere)
        c.execute(text("UPDATE orders SET archived = 1 WHERE order_no = :no"), {"no": no})
    w = make_window()
    p = panel_of(qtbot, w)
    monkeypatch.setattr(tickets_ui.NewTicketDialog, "ask", classmethod(lambda cls, n, parent=None: ("other", None, "")))
    assert not write(qtbot, p, lambda: p.new_for_order(no))
    assert no in p.message.text() and "archived" in p.message.text()
    with sqlite_db.read_session() as s:
        assert s.execute(select(Ticket)).first() is None


# ---- working a ticket ------------------------------------------------------------------------------

def test_assign_comment_wait_and_close_only_with_evidence(qtbot, make_window, desk, monkeypatch, tmp_path):
    _nos, ids = desk
    w = make_window()
    db = w.ctx.db
    p = panel_of(qtbot, w)
    k = ids["late"]
    pick(qtbot, p, k)
    assert all(b.isEnabled() for name, b in p.buttons.items() if name != "orders")
    assert not p.buttons["orders"].isEnabled()  # a ticket on one order: no summary's orders to show
    monkeypatch.setattr(tickets_ui.AssignDialog, "ask", classmethod(lambda cls, ctx, parent=None: "manager"))
    assert write(qtbot, p, p.buttons["assign"].click)
    assert state_of(db, k).assignee_role == "manager"
    monkeypatch.setattr(tickets_ui.TextDialog, "ask", classmethod(lambda cls, title, label, parent=None: "rang twice"))
    pick(qtbot, p, k)
    assert write(qtbot, p, p.buttons["comment"].click)
    pick(qtbot, p, k)
    qtbot.waitUntil(lambda: "rang twice" in p.detail.toPlainText(), timeout=5000)
    assert write(qtbot, p, lambda: p.set_state(State.WAITING))
    assert state_of(db, k).due_at is None  # the clock is paused
    pick(qtbot, p, k)
    assert "paused" in cell(p, p.table.currentIndex().row(), 6)
    # closing: refused without a resolution, then without a file; nothing changes
    events = ticket_events(db, k)
    assert not write(qtbot, p, lambda: p.close_with(k, "", []))
    assert not write(qtbot, p, lambda: p.close_with(k, "Customer fixed the address", []))
    assert "evidence" in p.message.text() or "file" in p.message.text()
    missing = tmp_path / "gone.png"
    assert not write(qtbot, p, lambda: p.close_with(k, "Customer fixed the address", [missing]))
    assert "gone.png" in p.message.text()
    assert state_of(db, k).state == "waiting" and ticket_events(db, k) == events
    photo = tmp_path / "chat.png"
    photo.write_bytes(b"\x89PNG the customer's new address")
    monkeypatch.setattr(tickets_ui.CloseTicketDialog, "ask",
                        classmethod(lambda cls, tid, n, protected, parent=None: ("Customer fixed the address", [photo])))
    pick(qtbot, p, k)
    assert write(qtbot, p, p.buttons["close"].click)
    done = state_of(db, k)
    assert done.state == "closed" and done.resolution == "Customer fixed the address"
    with db.read_session() as s:
        assert [a.name for a in s.execute(select(TicketAttachment).where(TicketAttachment.ticket_id == k)).scalars()] \
            == ["chat.png"]
    assert k not in [r.id for r in p.rows]  # closed tickets leave the open list
    p.scope.setCurrentIndex(p.scope.findData("all"))
    qtbot.waitUntil(lambda: p.loaded() and k in [r.id for r in p.rows], timeout=10000)
    pick(qtbot, p, k)
    qtbot.waitUntil(lambda: p.files.count() == 1, timeout=5000)
    assert p.files.item(0).text().startswith("chat.png") and not p.buttons["close"].isEnabled()
    text = p.detail.toPlainText()
    assert "Customer fixed the address" in text and "waiting on customer" in text  # the history, by name


def test_an_attached_file_is_kept_by_its_hash_and_saved_back_as_it_was(qtbot, make_window, desk, tmp_path,
                                                                       monkeypatch):
    _nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    receipt = tmp_path / "receipt.jpg"
    receipt.write_bytes(bytes(range(256)) * 40)
    assert write(qtbot, p, lambda: p.attach_path(ids["soon"], receipt))
    pick(qtbot, p, ids["soon"])
    qtbot.waitUntil(lambda: p.files.count() == 1, timeout=5000)
    out = tmp_path / "copy.jpg"
    from shop_orders.ui.file_dialogs import FileDialog

    monkeypatch.setattr(FileDialog, "ask_save", staticmethod(lambda *a, **k: out))
    p.save_attachment(p.files.item(0))
    assert out.read_bytes() == receipt.read_bytes()


def test_a_role_without_the_right_sees_the_buttons_off_with_the_reason(qtbot, make_window, desk):
    _nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    p.permitted = frozenset()
    pick(qtbot, p, ids["fine"])
    p._buttons()
    assert not p.buttons["close"].isEnabled() and p.buttons["order"].isEnabled()
    assert "may not" in p.buttons["assign"].toolTip()


def test_show_order_puts_the_tickets_order_in_the_grid(qtbot, make_window, desk):
    nos, ids = desk
    w = make_window()
    p = panel_of(qtbot, w)
    pick(qtbot, p, ids["soon"])
    p.show_order()
    qtbot.waitUntil(lambda: not w.model.loading and w.model.rowCount() == 1
                    and w.model.index(0, 0).data() == nos[1], timeout=5000)


# ---- the sweep and the owner's settings ------------------------------------------------------------

def test_the_sweep_reminds_the_assignee_and_escalates_with_a_notification(qtbot, make_window, sqlite_db, clock):
    from shop_orders.services import auth

    no = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)
    with UnitOfWork(sqlite_db, rules=()) as uow:
        auth.create_user(uow, OWNER, "olivia", "owner", "olivia-secret-1")
        uow.commit()
    k = opened(sqlite_db, no, "logistics", clock.now - timedelta(hours=23, minutes=50))  # due in 10 min
    with UnitOfWork(sqlite_db, rules=()) as uow:
        tickets.assign(uow, OWNER, k, "olivia")
        uow.commit()
    w = make_window()
    w.ctx.actor = Actor("olivia", "owner")
    w.background._news_since = clock.now - timedelta(seconds=1)
    real = clock.now
    w.background.clock = lambda: real  # the sweep acts at its own clock
    w.background.sweep()
    qtbot.waitUntil(lambda: w.background.last_notice is not None, timeout=10000)
    assert w.background.last_notice[0] == f"Ticket #{k} is due soon" and no in w.background.last_notice[1]
    later = real + timedelta(minutes=10)  # the due second: escalated to the manager role
    w.background.clock = lambda: later
    w.background.last_notice = None
    w.ctx.actor = Actor("max", "manager")  # the manager's seat is told
    w.background._news_since = real
    w.background.sweep()
    qtbot.waitUntil(lambda: w.background.last_notice is not None, timeout=10000)
    assert w.background.last_notice[0] == f"Ticket #{k} escalated to you"
    tk = state_of(sqlite_db, k)
    assert (tk.priority, tk.escalation, tk.assignee_user, tk.assignee_role) == (1, 1, "", "manager")  # P2 -> P1


def test_the_owner_sets_response_times_opening_hours_and_a_bad_entry_is_one_sentence(qtbot, sqlite_db, tmp_path):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor())
    d = TicketSettingsDialog(ctx)
    qtbot.addWidget(d)
    d.minutes[Kind.ADDRESS].setValue(90)
    d.every_hour.setChecked(False)
    d.days[5].setText("10:00-16:00")
    d.holidays.setText("2027-02-06, someday")
    d.save()
    assert not d.saved and "someday" in d.error.text()
    with sqlite_db.read_session() as s:
        assert tickets.ticket_rules(s).sla[Kind.ADDRESS].seconds == 3600  # nothing saved
    d.holidays.setText("2027-02-06")
    d.save()
    assert d.saved
    with sqlite_db.read_session() as s:
        rules = tickets.ticket_rules(s)
    assert rules.sla[Kind.ADDRESS].seconds == 90 * 60 and rules.hours is not None
    assert len(rules.hours.week[5]) == 1 and rules.hours.week[6] == () and len(rules.hours.holidays) == 1


# ---- in Chinese ------------------------------------------------------------------------------------

def test_the_ticket_dock_and_its_dialogs_are_chinese(chinese, qtbot, make_window, desk, tmp_path):  # noqa: F811
    _nos, ids = desk
    w = make_window(lang="zh_CN")
    p = panel_of(qtbot, w)
    pick(qtbot, p, ids["late"])
    assert_chinese(p)
    ctx = w.ctx
    for d in (tickets_ui.NewTicketDialog("SO-20261120-000001"), tickets_ui.TextDialog("工单 #1", "评论"),
              tickets_ui.AssignDialog(ctx), tickets_ui.CloseTicketDialog(1, 0, ctx.db.own_files()),
              TicketSettingsDialog(ctx)):
        qtbot.addWidget(d)
        d.show()
        assert_chinese(d)
        d.close()


def test_the_panel_on_its_own_lists_and_writes_on_sqlite_and_postgresql(qtbot, db, clock, tmp_path):
    """The dock's panel over either backend: the list by due time with its colours, and a write."""
    nos = [make_order(db, status=Status.AWAITING_SHIPMENT, paid_minor=37500) for _ in range(2)]
    late = opened(db, nos[0], "address", clock.now - timedelta(hours=2))
    fine = opened(db, nos[1], "logistics", clock.now)
    ctx = AppContext(db, tmp_path, tmp_path / "b", current_actor())
    p = TicketPanel(ctx, "en", clock=lambda: clock.now)
    qtbot.addWidget(p)
    p.show()
    p.reload()
    qtbot.waitUntil(lambda: p.loaded() and len(p.rows) == 2, timeout=10000)
    assert [k.id for k in p.rows] == [late, fine]
    assert colour(p, 0, 1) == RED
    pick(qtbot, p, late)
    assert write(qtbot, p, lambda: p.set_state(State.IN_PROGRESS))
    assert state_of(db, late).state == "in_progress"
