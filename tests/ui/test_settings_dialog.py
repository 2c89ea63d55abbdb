"""File → Settings: OK without touching anything changes nothing; fields hold whole hours 1 h–90 days."""

from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from shop_orders.domain.shop import ShopIdentity
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import settings
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import AuditEvent, Setting
from shop_orders.ui.dialogs import SettingsDialog
from tests.factories import ALICE
from tests.ui.test_chinese_everywhere import assert_chinese, chinese  # noqa: F401 (a fixture)

CUSTOM = Thresholds(48, {Status.AWAITING_PAYMENT: 12, Status.AWAITING_SHIPMENT: 100})


def _state(db):
    with db.read_session() as s:
        row = s.get(Setting, settings.STALENESS_KEY)
        return row.value, row.updated_at, s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def _press_ok(dialog) -> int:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog.result()


def test_settings_ok_without_changes_keeps_every_threshold_and_records_no_event(make_window, sqlite_db, monkeypatch,
                                                                                qtbot):
    with UnitOfWork(sqlite_db) as uow:
        settings.set_thresholds(uow, ALICE, CUSTOM)
        uow.commit()
    before = _state(sqlite_db)
    w = make_window()
    seen = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda d: (seen.append(d.thresholds()), _press_ok(d))[1])
    w.store_actions.open_settings()  # the shop's name is read in a worker first
    qtbot.waitUntil(lambda: seen == [CUSTOM], timeout=5000)
    qtbot.wait(50)
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


# ---- the shop's identity (issue 26 item 8) ----------------------------------------------------------

def _shop(db):
    with db.read_session() as s:
        return settings.get_shop(s)


def test_settings_names_the_shop_for_every_seat(make_window, sqlite_db, monkeypatch, qtbot):
    with UnitOfWork(sqlite_db) as uow:
        settings.set_shop(uow, ALICE, phone="0571-88886666")
        uow.commit()
    w = make_window()
    shown = []

    def fill(d) -> int:
        shown.append(d.shop())
        d.shop_fields["name"].setText("  茶叶小铺 ")
        d.shop_fields["address"].setText("浙江省杭州市西湖区龙井路1号")
        return _press_ok(d)

    monkeypatch.setattr(SettingsDialog, "exec", fill)
    with qtbot.waitSignal(w.changeFinished, timeout=10000) as finished:
        w.store_actions.open_settings()
    assert finished.args == ["done"]
    assert shown == [ShopIdentity("", "", "0571-88886666")]  # the stored shop, read in a worker
    assert _shop(sqlite_db) == ShopIdentity("茶叶小铺", "浙江省杭州市西湖区龙井路1号", "0571-88886666")


def test_a_shop_name_of_10000_characters_is_one_sentence_naming_it_and_nothing_is_stored(qtbot, sqlite_db):
    d = SettingsDialog(None, CUSTOM, "", "en", ShopIdentity("茶叶小铺"))
    qtbot.addWidget(d)
    assert d.shop_fields["name"].text() == "茶叶小铺"
    d.shop_fields["name"].setText("茶" * 10_000)
    d._try_accept()
    assert d.result() == 0
    assert d.error.text() == "The shop's name is at most 60 characters; this one has 10000."
    d.shop_fields["name"].setText("茶叶小铺")
    d.shop_fields["phone"].setText("0571\u200b8888")
    d._try_accept()
    assert d.result() == 0 and d.error.text().startswith("The shop's phone holds a control character (U+200B)")
    d.shop_fields["phone"].setText("0571-8888")
    d._try_accept()
    assert d.result() == 1 and d.chosen()[2] == ShopIdentity("茶叶小铺", "", "0571-8888")
    assert _shop(sqlite_db) == ShopIdentity()  # the dialog writes nothing itself


def test_the_shop_fields_speak_chinese(qtbot, chinese):  # noqa: F811
    d = SettingsDialog(None, CUSTOM, "zh_CN", "zh_CN")
    qtbot.addWidget(d)
    assert_chinese(d)
    d.shop_fields["address"].setText("路" * 201)
    d._try_accept()
    assert d.error.text() == "店铺地址最多 200 个字符；现在有 201 个。"
