"""File → Settings: OK without touching anything changes nothing; fields hold whole hours 1 h–90 days."""

from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import settings
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import AuditEvent, Setting
from shop_orders.ui.dialogs import SettingsDialog
from tests.factories import ALICE

CUSTOM = Thresholds(48, {Status.AWAITING_PAYMENT: 12, Status.AWAITING_SHIPMENT: 100})


def _state(db):
    with db.read_session() as s:
        row = s.get(Setting, settings.STALENESS_KEY)
        return row.value, row.updated_at, s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _press_ok(dialog) -> int:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog.result()


def test_settings_ok_without_changes_keeps_every_threshold_and_records_no_event(make_window, sqlite_db, monkeypatch):
    with UnitOfWork(sqlite_db) as uow:
        settings.set_thresholds(uow, ALICE, CUSTOM)
        uow.commit()
    before = _state(sqlite_db)
    w = make_window()
    seen = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda d: (seen.append(d.thresholds()), _press_ok(d))[1])
    w.store_actions.open_settings()
    assert seen == [CUSTOM]
    assert _state(sqlite_db) == before
    assert w.model.query.thresholds == CUSTOM


def test_settings_dialog_keeps_untouched_fields_and_offers_only_whole_hours_up_to_90_days(qtbot):
    d = SettingsDialog(None, CUSTOM, "", "en")
    qtbot.addWidget(d)
    assert d.thresholds() == CUSTOM
    assert (d.default.minimum(), d.default.maximum()) == (1, 2160)
    assert d.per_status[Status.SHIPPED].value() == 0 and d.per_status[Status.SHIPPED].text() == "default"
    d.per_status[Status.AWAITING_SHIPMENT].setValue(0)  # back to the default
    d.default.setValue(5000)  # clamped to 90 days
    assert d.thresholds() == Thresholds(2160, {Status.AWAITING_PAYMENT: 12})


def test_settings_dialog_names_a_stored_out_of_range_threshold_before_writing(qtbot):
    damaged = Thresholds(72, {Status.AWAITING_SHIPMENT: 0.5})  # what the old dialog wrote for every status
    d = SettingsDialog(None, damaged, "", "en")
    qtbot.addWidget(d)
    assert d.thresholds() == damaged  # untouched: OK changes nothing
    d.default.setValue(48)
    d._try_accept()
    assert d.result() == 0 and d.error.text() == "Awaiting shipment: whole hours from 1 h to 90 days (2160 h)."
