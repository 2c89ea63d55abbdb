"""Couriers in the window (pytest-qt, offscreen): the owner's Couriers dialog with the key masked
and sent to the vault (its passphrase asked on the UI thread), Test connection in a worker
against the simulator, the tracking settings; Sync tracking now rolling a false "shipped" back;
the order's parcels with each system's time side by side, red when 15 minutes apart; Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QInputDialog, QLineEdit
from sqlalchemy import select

from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY, CourierSim
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import courier_accounts, orders, tracking, vault
from shop_orders.services.context import AppContext, current_actor
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import Order, Setting
from shop_orders.ui import couriers as couriers_ui
from shop_orders.ui.couriers import MASK, CouriersDialog
from tests.factories import make_order
from tests.ui.conftest import settle
from tests.ui.test_chinese_everywhere import assert_chinese, chinese  # noqa: F401 (a fixture)

PASS = "correct horse battery"
OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("olivia", "owner"), "scan")  # parcels go out by the scan


@pytest.fixture(autouse=True)
def _no_keychain(monkeypatch):
    """This machine's keychain stays out of it: the store's own vault, as on a headless PC."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv(vault.PASSPHRASE_ENV, raising=False)
    yield
    keyring.set_keyring(before)


@pytest.fixture(scope="module")
def sim():
    with CourierSim(rate=None) as server:
        yield server


def typed(monkeypatch, *answers: str) -> list[str]:
    """QInputDialog answers in turn (the passphrase prompts); returns the prompts shown."""
    asked: list[str] = []
    queue = list(answers)

    def get_text(parent, title, label, echo=QLineEdit.EchoMode.Normal, *a, **k):
        asked.append(label)
        assert echo == QLineEdit.EchoMode.Password  # a passphrase is never shown
        return (queue.pop(0), True) if queue else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def all_text(widget) -> str:
    from PySide6.QtWidgets import QLabel, QLineEdit, QTableWidget

    parts = [w.text() for w in widget.findChildren(QLabel)] + [w.text() for w in widget.findChildren(QLineEdit)]
    for table in widget.findChildren(QTableWidget):
        parts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                  if table.item(r, c) is not None]
    return "\n".join(parts)


def test_the_owner_adds_a_courier_the_key_is_masked_and_kept_only_encrypted(qtbot, sqlite_db, tmp_path, sim,
                                                                           monkeypatch):
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor())
    d = CouriersDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    asked = typed(monkeypatch, PASS, PASS)  # a new vault: the passphrase twice
    monkeypatch.setattr(couriers_ui.CourierEditDialog, "ask", classmethod(
        lambda cls, found, has_key, parent=None: ("SF", "kuaidi100", sim.url, DEFAULT_CUSTOMER, "shunfeng",
                                                  DEFAULT_KEY, None)))
    d.add()
    assert len(asked) == 2 and d.message.text() == "Courier SF saved."
    assert d.table.rowCount() == 1 and d.table.item(0, 5).text() == MASK
    assert "顺丰速运" in d.table.item(0, 6).text()  # a new SF account answers for the names channel files write
    assert DEFAULT_KEY not in all_text(d)
    with sqlite_db.read_session() as s:
        stored = s.get(Setting, "vault").value
    assert DEFAULT_KEY not in stored and "ciphertext" in stored or DEFAULT_KEY not in stored
    d.table.selectRow(0)
    d.test()
    qtbot.waitUntil(lambda: "answers" in d.message.text() or "#c62828" in d.message.styleSheet(), timeout=15000)
    assert d.message.text() == "SF answers: the address and the key work."
    d.every.setValue(15)
    d.pickup.setValue(12)
    d.save_settings()
    with sqlite_db.read_session() as s:
        assert tracking.tracking_settings(s) == tracking.TrackingSettings(15, 12, True)
    d.remove()
    assert d.table.rowCount() == 0


def test_a_wrong_passphrase_is_asked_again_and_cancel_changes_nothing(qtbot, sqlite_db, tmp_path, monkeypatch):
    box = vault.open_vault(sqlite_db, lambda: PASS)
    with UnitOfWork(sqlite_db) as uow:
        courier_accounts.set_account(uow, OWNER, box, "SF", "kuaidi100", "http://127.0.0.1:9", secret="k-1")
        uow.commit()
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor())
    d = CouriersDialog(ctx)
    qtbot.addWidget(d)
    asked = typed(monkeypatch, "not the one", PASS)
    d.table.selectRow(0)
    assert d._unlocked() is not None and len(asked) == 2 and "wrong" in d.message.text()
    d2 = CouriersDialog(ctx)
    qtbot.addWidget(d2)
    typed(monkeypatch)  # cancelled at once
    d2.table.selectRow(0)
    d2.remove()
    with sqlite_db.read_session() as s:
        assert [a.name for a in courier_accounts.accounts(s)] == ["SF"]


def test_the_owner_changes_the_vault_passphrase_and_a_wrong_current_one_changes_nothing(qtbot, sqlite_db, tmp_path,
                                                                                      monkeypatch):
    box = vault.open_vault(sqlite_db, lambda: PASS)
    with UnitOfWork(sqlite_db) as uow:
        courier_accounts.set_account(uow, OWNER, box, "SF", "kuaidi100", "http://127.0.0.1:9", secret="k-1")
        uow.commit()
    d = CouriersDialog(AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor()))
    qtbot.addWidget(d)
    typed(monkeypatch, "not the one!", "a brand new one", "a brand new one")
    d.change_passphrase()
    assert "wrong" in d.message.text()
    typed(monkeypatch, PASS, "a brand new one", "a brand new one")
    d.change_passphrase()
    assert "changed" in d.message.text()
    assert vault.open_vault(sqlite_db, lambda: "a brand new one").get("courier:sf") == "k-1"


def test_sync_now_rolls_a_false_shipped_back_and_the_parcel_shows_each_systems_time(qtbot, make_window, sqlite_db,
                                                                                    sim, monkeypatch):
    box = vault.open_vault(sqlite_db, lambda: PASS)
    with UnitOfWork(sqlite_db) as uow:
        courier_accounts.set_account(uow, OWNER, box, "SF", "kuaidi100", sim.url, DEFAULT_CUSTOMER, "shunfeng",
                                     DEFAULT_KEY)
        uow.commit()
    bad = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)
    good = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    for no, number in ((bad, "NEVER0000007"), (good, "DELIVERED0007")):  # bad: still unknown to the courier
        with UnitOfWork(sqlite_db, clock=lambda: two_days_ago) as uow:
            orders.ship(uow, SCAN, no, courier="SF", tracking_no=number)
            uow.commit()
    w = make_window()
    w.background.vault_box = None
    typed(monkeypatch, PASS)  # asked once, then kept for the session
    w.background.sync_tracking(manual=True)
    qtbot.waitUntil(lambda: w.background.last_sync is not None, timeout=20000)

    assert w.background.last_sync[0] == "Couriers: 2 checked, 2 updated, 1 rolled back, 1 completed, 0 failed."
    assert w.background.vault_box is not None
    with sqlite_db.read_session() as s:
        got = dict(s.execute(select(Order.order_no, Order.status)).all())
    assert (got[bad], got[good]) == ("awaiting_shipment", "completed")
    settle(qtbot, w)
    row = next(r for r in range(w.model.rowCount()) if w.model.index(r, 0).data() == good)
    w.view.selectRow(row)
    qtbot.waitUntil(lambda: w.detail.detail is not None and w.detail.detail.order.order_no == good, timeout=5000)
    t_ = w.detail.shipments
    assert t_.item(0, 1).text() and t_.item(0, 2).text() and t_.item(0, 3).text()  # pickup, delivery, completion
    assert t_.item(0, 6).text() == "delivered to the customer"
    assert t_.item(0, 0).foreground().color().name() == "#c62828"  # scanned out long before the courier's pickup
    assert "apart" in t_.item(0, 1).toolTip()


def test_the_edit_dialog_reads_aliases_typed_with_any_separator(qtbot):
    found = courier_accounts.Account("SF", "kuaidi100", "https://poll.kuaidi100.com", "C", "shunfeng",
                                     aliases=("顺丰速运",))
    d = couriers_ui.CourierEditDialog(found, True)
    qtbot.addWidget(d)
    assert d.aliases.text() == "顺丰速运"
    d.aliases.setText("顺丰速运，顺丰、SF Express; sf-express")
    assert d.answer()[-1] == ["顺丰速运", "顺丰", "SF Express", "sf-express"]
    d.aliases.setText("")
    assert d.answer()[-1] == []  # an existing courier's emptied field forgets them
    new = couriers_ui.CourierEditDialog(None, False)
    qtbot.addWidget(new)
    assert new.answer()[-1] is None  # a new one left empty: the carrier code's usual names


def test_without_an_unlocked_vault_the_background_sync_waits_and_says_so(qtbot, make_window, sqlite_db):
    box = vault.open_vault(sqlite_db, lambda: PASS)
    with UnitOfWork(sqlite_db) as uow:
        courier_accounts.set_account(uow, OWNER, box, "SF", "kuaidi100", "http://127.0.0.1:9", secret="k-1")
        uow.commit()
    w = make_window()
    w.background.start_sync_timer()
    assert w.background.vault_box is None  # our own vault: nobody typed its passphrase
    w.background.sync_tracking(manual=False)
    assert "waits for the vault" in w.statusBar().currentMessage() and w.background.last_sync is None


def test_the_couriers_dialog_is_chinese(chinese, qtbot, sqlite_db, tmp_path):  # noqa: F811
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "b", current_actor())
    for d in (CouriersDialog(ctx), couriers_ui.CourierEditDialog(None, False)):
        qtbot.addWidget(d)
        d.show()
        assert_chinese(d)
        d.close()


def test_the_order_detail_marks_no_difference_under_15_minutes(qtbot, make_window, sqlite_db, clock):
    no = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT, paid_minor=37500)
    with UnitOfWork(sqlite_db, clock=lambda: clock.now) as uow:
        orders.ship(uow, SCAN, no, courier="SF", tracking_no="SF0000000009")
        uow.commit()
    with sqlite_db.engine.begin() as c:  # what a sync would store: picked up 10 minutes after the scan-out
        from sqlalchemy import text

        c.execute(text("UPDATE shipments SET track_state = 'in_transit', picked_up_at = :at"),
                  {"at": (clock.now + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S.%f")})
    w = make_window()
    w.view.selectRow(0)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    t_ = w.detail.shipments
    assert t_.item(0, 1).text() and t_.item(0, 0).foreground().color().name() != "#c62828"
    assert w.detail.lifecycle.stage >= 5  # the courier has it in transit
