"""Users in the window (pytest-qt, offscreen): the owner's first account, signing in and the lock
after wrong attempts, switching user and what each role may click, the idle lock, the users and
permissions dialogs, and the Approvals panel's whole cycle with bulk edits proposed from the grid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.roles import Role
from shop_orders.domain.status import Status
from shop_orders.services import auth, changesets
from shop_orders.services.browse import PeopleBrowser
from shop_orders.services.context import AppContext
from shop_orders.store.models import AuditEvent, ChangeSet, Order
from shop_orders.ui import users as users_ui
from shop_orders.ui.approvals import ApprovalsPanel, BulkEditDialog
from shop_orders.ui.users import FirstOwnerDialog, PermissionsDialog, SignInDialog, UsersDialog
from tests import factories
from tests.factories import make_order, settled_user
from tests.ui.conftest import settle

OWNER, MANAGER, WAREHOUSE = Actor("olivia", "owner"), Actor("max", "manager"), Actor("wang", "warehouse")
SECRET = {"olivia": "olivia-secret-1", "max": "max-secret-1", "wang": "wang-secret-1"}


def _run(db, fn, *args, actor=OWNER, **kw):
    return factories.run(db, fn, ChangeContext(actor, "manual", ""), *args, **kw)


@pytest.fixture
def people(sqlite_db):
    """Three accounts (owner, manager with a PIN, warehouse) and five orders awaiting shipment."""
    nos = [make_order(sqlite_db, status=Status.AWAITING_SHIPMENT) for _ in range(5)]
    _run(sqlite_db, auth.create_user, OWNER.name, OWNER.role, SECRET[OWNER.name])
    # max has managed the shop for a week with his own password and PIN: he may approve olivia's sets
    settled_user(sqlite_db, ChangeContext(OWNER), MANAGER.name, MANAGER.role, SECRET[MANAGER.name], pin="246810")
    _run(sqlite_db, auth.create_user, WAREHOUSE.name, WAREHOUSE.role, SECRET[WAREHOUSE.name])
    return nos


def _rights(qtbot, w, actor: Actor):
    with qtbot.waitSignal(w.rightsChanged, timeout=10000):
        w.session.signed_in(auth.UserInfo(actor.name, Role(actor.role), False, False, None))
    settle(qtbot, w)


def _statuses(db, nos):
    with db.read_session() as s:
        return {s.execute(select(Order.status).where(Order.order_no == n)).scalar_one() for n in nos}


# ---- the first owner and signing in ---------------------------------------------------------------

def test_a_store_without_users_asks_for_its_owner_and_keeps_every_order(qtbot, sqlite_db, tmp_path):
    no = make_order(sqlite_db)
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", Actor("someone"))
    d = FirstOwnerDialog(ctx)
    qtbot.addWidget(d)
    d.name.setText("olivia")
    d.password.setText("olivia-secret-1")
    d.again.setText("olivia-secret-2")
    d.create_owner()
    assert d.error.text() == "The two passwords differ." and d.user is None
    d.again.setText("olivia-secret-1")
    d.pin.setText("123")
    d.create_owner()
    assert d.error.text() == "a PIN is at least 6 digits" and not PeopleBrowser(sqlite_db).has_users()
    d.pin.setText("135790")
    d.create_owner()
    assert d.result() == QDialog.DialogCode.Accepted and d.user.role is Role.OWNER
    assert [(u.name, u.role, u.has_pin) for u in PeopleBrowser(sqlite_db).users()] == [("olivia", Role.OWNER, True)]
    assert auth.authenticate(sqlite_db, "olivia", "135790").name == "olivia"
    with sqlite_db.read_session() as s:
        assert s.execute(select(Order.order_no)).scalars().all() == [no]


def test_the_app_asks_for_the_owner_first_and_for_a_sign_in_once_there_are_users(monkeypatch, sqlite_db, tmp_path):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", Actor("someone"))
    asked: list[str] = []
    monkeypatch.setattr(FirstOwnerDialog, "ask", classmethod(lambda cls, c, parent=None: asked.append("owner")))
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, c, parent=None, **kw: asked.append("sign in")))
    assert users_ui.sign_in_at_start(ctx) is None
    _run(sqlite_db, auth.create_user, "olivia", "owner", SECRET["olivia"])
    users_ui.sign_in_at_start(ctx)
    assert asked == ["owner", "sign in"]


def test_sign_in_says_what_is_wrong_and_locks_after_five_attempts(qtbot, sqlite_db, people, tmp_path):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", Actor("someone"))
    d = SignInDialog(ctx)
    qtbot.addWidget(d)
    assert [d.name.itemText(i) for i in range(d.name.count())] == ["max", "olivia", "wang"]
    d.name.setCurrentText("wang")
    for _ in range(4):
        d.secret.setText("guess")
        d.sign_in()
        assert d.error.text() == "Wrong password or PIN for wang." and d.secret.text() == ""
    d.secret.setText("guess")
    d.sign_in()
    assert d.error.text() == "Wrong password or PIN; the account wang is now locked for 1 min."
    d.secret.setText(SECRET["wang"])
    d.sign_in()
    assert "locked after too many wrong attempts" in d.error.text() and d.user is None
    d.name.setCurrentText("max")
    d.secret.setText("246810")  # the quick-switch PIN
    d.sign_in()
    assert d.result() == QDialog.DialogCode.Accepted and d.user.actor == MANAGER


def test_sign_in_preselects_the_last_user_of_this_seat(qtbot, sqlite_db, people, tmp_path, qsettings):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", Actor("nobody-of-the-store"))
    d = SignInDialog(ctx, qsettings=qsettings)
    qtbot.addWidget(d)
    assert d.name.currentText() == "max"  # nobody signed in here yet: the first name
    d.name.setCurrentText("wang")
    d.secret.setText(SECRET["wang"])
    d.sign_in()
    assert d.user is not None and d.user.name == "wang"
    again = SignInDialog(ctx, qsettings=qsettings)  # the next start at this seat
    qtbot.addWidget(again)
    assert again.name.currentText() == "wang" and again.secret.text() == ""
    other_seat = SignInDialog(ctx, qsettings=QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other_seat)
    assert other_seat.name.currentText() == "max"  # a seat-local setting, not the store's


# ---- what each role may click -------------------------------------------------------------------

def test_switching_user_changes_who_acts_and_what_they_may_click(qtbot, make_window, people, monkeypatch):
    w = make_window()
    _rights(qtbot, w, WAREHOUSE)
    assert w.session.label.text() == "Signed in: wang · Warehouse"
    for action in (w.store_actions.import_action, w.session.users_action, w.session.permissions_action, w.store_actions.settings_action, w.order_actions.payment_action):
        assert not action.isEnabled()
        assert action.toolTip() == "Your role (Warehouse) may not do this; the owner sets it in the permissions."
    assert w.order_actions.status_action.isEnabled()  # the warehouse may make some status changes (to shipped)
    monkeypatch.setattr(SignInDialog, "ask", classmethod(
        lambda cls, c, parent=None, **kw: auth.authenticate(c.db, "olivia", SECRET["olivia"])))
    with qtbot.waitSignal(w.rightsChanged, timeout=10000):
        w.session.switch_action.trigger()
    assert w.ctx.actor == OWNER and w.session.label.text() == "Signed in: olivia · Owner"
    assert all(a.isEnabled() for a in (w.store_actions.import_action, w.session.users_action, w.session.permissions_action, w.order_actions.bulk_selected_action))


def test_the_change_status_dialog_offers_only_the_changes_the_role_may_make(qtbot, make_window, people):
    from shop_orders.ui.dialogs import ChangeStatusDialog

    w = make_window()
    _rights(qtbot, w, WAREHOUSE)
    d = ChangeStatusDialog(w, people[0], Status.AWAITING_PAYMENT, "en", permitted=w.session.permitted)
    qtbot.addWidget(d)
    assert [d.combo.itemData(i) for i in range(d.combo.count())] == ["awaiting_shipment"]  # not cancelled
    _rights(qtbot, w, MANAGER)
    d = ChangeStatusDialog(w, people[0], Status.AWAITING_PAYMENT, "en", permitted=w.session.permitted)
    qtbot.addWidget(d)
    assert {d.combo.itemData(i) for i in range(d.combo.count())} == {"awaiting_shipment", "cancelled"}


def test_the_idle_lock_hides_the_orders_until_someone_signs_in(qtbot, make_window, people, monkeypatch):
    w = make_window()
    _rights(qtbot, w, OWNER)
    w.session.idle_minutes = 5
    monkeypatch.setattr(w.session.people_watch, "idle_seconds", lambda: 4 * 60)
    w.session.check_idle()
    assert not w.session.locked
    monkeypatch.setattr(w.session.people_watch, "idle_seconds", lambda: 5 * 60)
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, c, parent=None, **kw: None))
    w.session.check_idle()  # nobody signs in: it stays locked
    assert w.session.locked and w.central.currentWidget().objectName() == "lockPage"
    assert not w.menuBar().isEnabled() and w.filter_dock.isHidden() and w.approvals_dock.isHidden()
    monkeypatch.setattr(SignInDialog, "ask", classmethod(
        lambda cls, c, parent=None, **kw: auth.authenticate(c.db, "max", "246810")))
    with qtbot.waitSignal(w.rightsChanged, timeout=10000):
        w.findChild(QPushButton, "lockSignIn").click()
    assert not w.session.locked and w.central.currentWidget() is w.splitter and w.menuBar().isEnabled()
    assert not w.filter_dock.isHidden() and w.ctx.actor == MANAGER


# ---- the owner's dialogs ------------------------------------------------------------------------

def test_the_owner_adds_a_user_and_a_role_change_waits_for_a_second_person(qtbot, sqlite_db, people, tmp_path):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", OWNER)
    d = UsersDialog(ctx)
    qtbot.addWidget(d)
    assert d.new_role.currentData() == "bookkeeper"  # the least privileged: a slip gives too little, not too much
    d.new_name.setText("sam")
    d.new_role.setCurrentIndex(d.new_role.findData("service"))
    d.new_password.setText("short")
    d.new_again.setText("short")
    d.findChild(QPushButton, "addUser").click()
    assert d.message.text() == "a password needs at least 8 characters"
    d.new_password.setText("sam-secret-1")
    d.new_again.setText("sam-secret-2")
    d.findChild(QPushButton, "addUser").click()
    assert d.message.text() == "The two passwords differ." and d.table.rowCount() == 3  # nothing added
    d.new_password.setText("sam-secret-1")
    d.new_again.setText("sam-secret-1")
    d.findChild(QPushButton, "addUser").click()
    assert d.message.text() == "User added." and d.table.rowCount() == 4
    assert d.new_role.currentData() == "bookkeeper" and not d.new_again.text()  # ready for the next person
    d.table.selectRow([u.name for u in d.people].index("sam"))
    d.new_role.setCurrentIndex(d.new_role.findData("manager"))
    d.findChild(QPushButton, "proposeRole").click()
    assert "proposed: another person approves it in the Approvals panel" in d.message.text()
    assert auth.authenticate(sqlite_db, "sam", "sam-secret-1").role is Role.SERVICE  # not yet
    d.table.selectRow([u.name for u in d.people].index("wang"))
    d.findChild(QPushButton, "toggleUser").click()
    assert d.table.item([u.name for u in d.people].index("wang"), 3).text() == "disabled"


def test_the_permissions_dialog_proposes_the_matrix_and_sets_the_idle_lock(qtbot, sqlite_db, people, tmp_path):
    from shop_orders.domain.roles import ALL_ACTIONS

    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", OWNER)
    d = PermissionsDialog(ctx)
    qtbot.addWidget(d)
    row, col = ALL_ACTIONS.index("order.ship"), list(Role).index(Role.SERVICE)
    item = d.grid.item(row, col)
    item.setCheckState(Qt.CheckState.Checked)
    d.idle.setValue(10)
    d.save()
    assert "(the permissions)" in d.message.text() and "The idle lock is saved." in d.message.text()
    assert len(d.proposed) == 1
    matrix, _two, idle = PeopleBrowser(sqlite_db).rules()
    assert Role.SERVICE not in matrix["order.ship"] and idle == 10  # the matrix waits for approval
    done = changesets.confirm(sqlite_db, "max", d.proposed[0], "246810")
    assert done.state == "applied" and Role.SERVICE in PeopleBrowser(sqlite_db).rules()[0]["order.ship"]


# ---- bulk edits and the Approvals panel -----------------------------------------------------------

def _bulk(qtbot, w, monkeypatch, answer, *, every=False):
    monkeypatch.setattr(BulkEditDialog, "ask", classmethod(lambda cls, n, lang, parent=None, **kw: answer))
    with qtbot.waitSignal(w.bulkFinished, timeout=20000) as sig:
        (w.order_actions.bulk_filter_action if every else w.order_actions.bulk_selected_action).trigger()
    settle(qtbot, w)
    return sig.args[0]


def _select(w, nos):
    from PySide6.QtCore import QItemSelectionModel

    sm = w.view.selectionModel()
    sm.clearSelection()
    for row in range(w.model.rowCount()):
        if w.model.index(row, 0).data() in nos:
            sm.select(w.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                      | QItemSelectionModel.SelectionFlag.Rows)


def _wait_panel(qtbot, panel: ApprovalsPanel, waiting: int | None = None):
    qtbot.waitUntil(panel.loaded, timeout=10000)
    if waiting is not None:
        qtbot.waitUntil(lambda: sum(s.state == "pending" for s in panel.sets) == waiting, timeout=10000)


def test_a_bulk_cancel_waits_in_the_approvals_panel_and_applies_when_another_person_approves(
        qtbot, make_window, people, monkeypatch, sqlite_db):
    w = make_window()
    _rights(qtbot, w, MANAGER)
    _select(w, people[:3])
    cs_id = _bulk(qtbot, w, monkeypatch, ("cancel", {}, "duplicates from the import"))
    assert cs_id > 0 and _statuses(sqlite_db, people[:3]) == {"awaiting_shipment"}
    assert "waits for a second person's approval" in w.statusBar().currentMessage()
    panel = w.approvals
    _wait_panel(qtbot, panel, waiting=1)
    assert w.approvals_dock.windowTitle() == "Approvals (1 waiting)"
    panel.table.selectRow(0)
    assert not panel.approve_button.isEnabled()  # the proposer cannot approve their own
    assert panel.approve_button.toolTip() == "You proposed it: another person approves."
    assert panel.items.rowCount() == 3 and (panel.items.item(0, 1).text(), panel.items.item(0, 2).text()) == ("Awaiting shipment", "Cancelled")
    _rights(qtbot, w, WAREHOUSE)  # the warehouse may not approve
    _wait_panel(qtbot, panel)
    panel.table.selectRow(0)
    assert not panel.approve_button.isEnabled() and not panel.reject_button.isEnabled()
    assert panel.approve_button.toolTip() == ("Your role (Warehouse) may not do this; the owner sets it in the "
                                              "permissions.")
    assert panel.approve_as_button.isEnabled()  # someone else may approve here with their password
    _rights(qtbot, w, OWNER)  # the owner takes the seat
    _wait_panel(qtbot, panel)
    panel.table.selectRow(0)
    assert panel.approve_button.isEnabled()
    with qtbot.waitSignal(panel.changed, timeout=20000):
        panel.approve_button.click()
    assert panel.message.text() == f"Change set #{cs_id} was approved and applied (3 orders)."
    assert _statuses(sqlite_db, people[:3]) == {"cancelled"}
    with sqlite_db.read_session() as s:
        approvers = set(s.execute(select(AuditEvent.approver).where(AuditEvent.source == f"changeset:{cs_id}"))
                        .scalars())
    assert approvers == {"olivia (owner)"}
    _wait_panel(qtbot, panel, waiting=0)
    assert w.approvals_dock.windowTitle() == "Approvals"
    decided = next(i for i, cs in enumerate(panel.sets) if cs.id == cs_id)  # the list says who approved
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert panel.table.item(decided, headers.index("Decided by")).text() == "olivia (Owner)"
    assert panel.table.item(decided, headers.index("Proposed by")).text() == "max"
    settle(qtbot, w)
    w.view.selectRow(next(r for r in range(w.model.rowCount()) if w.model.index(r, 0).data() == people[0]))
    qtbot.waitUntil(lambda: w.detail.detail is not None and w.detail.detail.order.order_no == people[0]
                    and w.detail.detail.order.status == "cancelled", timeout=10000)
    chain = w.detail.history
    who = {chain.item(r, 1).text() for r in range(chain.rowCount()) if chain.item(r, 2).text() == f"change set: #{cs_id}"}
    assert who == {"proposed by max, approved by olivia (Owner)"}  # the trust chain names both


def test_approve_as_another_person_on_the_same_pc_and_a_wrong_password_changes_nothing(
        qtbot, make_window, people, monkeypatch, sqlite_db):
    from shop_orders.ui import approvals as approvals_ui

    w = make_window()
    _rights(qtbot, w, MANAGER)
    cs_id = _bulk(qtbot, w, monkeypatch, ("set_courier", {"courier": "SF"}, "all by SF today"), every=True)
    panel = w.approvals
    _wait_panel(qtbot, panel, waiting=1)
    panel.table.selectRow(0)
    monkeypatch.setattr(approvals_ui.ApproveAsDialog, "ask", classmethod(
        lambda cls, c, i, parent=None: ("olivia", "not-her-password")))
    panel.approve_as_button.click()
    qtbot.waitUntil(lambda: panel.message.text() not in ("", "Applying…"), timeout=20000)
    assert panel.message.text() == "Wrong password or PIN for olivia."
    with sqlite_db.read_session() as s:
        assert set(s.execute(select(Order.courier)).scalars()) == {""}
    _wait_panel(qtbot, panel, waiting=1)  # still waiting; its buttons are back
    panel.table.selectRow(0)
    assert panel.approve_as_button.isEnabled()
    monkeypatch.setattr(approvals_ui.ApproveAsDialog, "ask", classmethod(
        lambda cls, c, i, parent=None: ("olivia", SECRET["olivia"])))
    with qtbot.waitSignal(panel.changed, timeout=20000):
        panel.approve_as_button.click()
    assert panel.message.text() == f"Change set #{cs_id} was approved and applied (5 orders)."
    with sqlite_db.read_session() as s:
        assert set(s.execute(select(Order.courier)).scalars()) == {"SF"}


def test_reject_with_a_reason_and_revert_an_archive_from_the_panel(qtbot, make_window, people, monkeypatch, sqlite_db):
    from shop_orders.ui import approvals as approvals_ui

    w = make_window()
    _rights(qtbot, w, MANAGER)
    _select(w, people[:2])
    first = _bulk(qtbot, w, monkeypatch, ("cancel", {}, "maybe"))
    panel = w.approvals
    _wait_panel(qtbot, panel, waiting=1)
    _rights(qtbot, w, OWNER)
    _wait_panel(qtbot, panel)
    panel.table.selectRow(0)
    monkeypatch.setattr(approvals_ui.ReasonDialog, "ask", classmethod(lambda cls, title, parent=None: "not these"))
    with qtbot.waitSignal(panel.changed, timeout=20000):
        panel.reject_button.click()
    assert panel.message.text() == f"Change set #{first} was rejected."
    with sqlite_db.read_session() as s:
        cs = s.get(ChangeSet, first)
        assert (cs.state, cs.decision_reason, cs.decided_by) == ("rejected", "not these", "olivia")
    _rights(qtbot, w, MANAGER)
    _select(w, people[:2])
    archived = _bulk(qtbot, w, monkeypatch, ("archive", {}, "test orders"))
    assert w.model.rowCount() == 5  # waiting: still in the grid
    changesets.confirm(sqlite_db, "olivia", archived, SECRET["olivia"])
    w.reload()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=10000)
    w.filters.tree.clearSelection()
    w.filters.archived_item.setSelected(True)  # the Archived filter
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=10000)
    panel.reload()
    _wait_panel(qtbot, panel)
    panel.table.selectRow([s.id for s in panel.sets].index(archived))
    assert panel.revert_button.isEnabled(), [(s.id, s.state, s.kind) for s in panel.sets]
    monkeypatch.setattr(approvals_ui.ReasonDialog, "ask", classmethod(lambda cls, title, parent=None: "by mistake"))
    with qtbot.waitSignal(panel.changed, timeout=20000):
        panel.revert_button.click()
    assert f"it reverts #{archived} once another person approves it" in panel.message.text()


def test_the_bulk_dialog_says_how_many_orders_who_approves_and_offers_the_courier_accounts(qtbot):
    d = BulkEditDialog(1234, "en", couriers=["yto", "SF", "JD Logistics"], min_orders=2)
    qtbot.addWidget(d)
    assert d.summary.text() == ("1,234 orders. A second person must approve this change before any order "
                                "changes.")
    d.kind.setCurrentIndex([d.kind.itemData(i) for i in range(d.kind.count())].index("set_courier"))
    assert [d.courier.itemText(i) for i in range(d.courier.count())] == ["JD Logistics", "SF", "yto"]
    d.courier.setCurrentIndex(1)
    d.reason.setText("SF picks up from Monday")
    assert d.answer() == ("set_courier", {"courier": "SF"}, "SF picks up from Monday")
    d.courier.setCurrentText("德邦")  # a courier without an account may still be typed
    assert d.answer()[1] == {"courier": "德邦"}
    one = BulkEditDialog(1, "en", min_orders=2)
    qtbot.addWidget(one)
    assert one.summary.text() == "1 order. It is applied at once: the two-person rule starts at 2 orders."
    one.kind.setCurrentIndex([one.kind.itemData(i) for i in range(one.kind.count())].index("price_percent"))
    assert "A second person must approve" in one.summary.text()  # prices always take two


def test_the_bulk_dialog_offers_restore_and_purge_for_archived_orders(qtbot):
    normal = BulkEditDialog(3, "en")
    archive = BulkEditDialog(3, "en", archived=True)
    for d in (normal, archive):
        qtbot.addWidget(d)
    assert [normal.kind.itemData(i) for i in range(normal.kind.count())] == [
        "set_status", "cancel", "set_courier", "price_percent", "archive"]
    assert [archive.kind.itemData(i) for i in range(archive.kind.count())] == ["unarchive", "purge"]
    archive.kind.setCurrentIndex(1)
    normal._ok()
    assert normal.error.text() == "A change set needs a reason." and normal.result() != QDialog.DialogCode.Accepted
    normal.kind.setCurrentIndex(3)
    normal.percent.setValue(-12.5)
    normal.reason.setText("winter sale")
    assert normal.answer() == ("price_percent", {"percent": "-12.5"}, "winter sale")
