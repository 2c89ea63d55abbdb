"""Staleness thresholds as a shop setting: whole hours from 1 h to 90 days, and no write without a change."""

import math

import pytest
from sqlalchemy import func, select

from shop_orders.domain import staleness
from shop_orders.domain.errors import ThresholdOutOfRange, ValidationError
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.services import settings
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import AuditEvent, Setting
from tests.factories import ALICE

BAD = [1e308, math.inf, 0.5, 1.5, 2161, 24 * 365]


def _state(db):
    with db.read_session() as s:
        row = s.get(Setting, settings.STALENESS_KEY)
        events = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return (row.value if row else None), events


def _set(db, t: Thresholds) -> bool:
    with UnitOfWork(db) as uow:
        changed = settings.set_thresholds(uow, ALICE, t)
        uow.commit()
        return changed


@pytest.mark.parametrize("hours", BAD)
def test_threshold_setting_refuses_values_outside_whole_hours_1_to_90_days_and_writes_nothing(db, hours):
    _set(db, Thresholds(48, {Status.AWAITING_SHIPMENT: 100}))
    before = _state(db)
    for bad in (Thresholds(hours), Thresholds(48, {Status.AWAITING_PAYMENT: hours})):
        with pytest.raises(ValidationError) as err:
            _set(db, bad)
        message = str(err.value)
        assert "whole number of hours from 1 to 2160 (90 days)" in message and len(message.splitlines()) == 1
        assert ("default" in message) if bad.per_status == {} else ("Awaiting payment" in message)
    assert _state(db) == before


def test_setting_the_same_thresholds_again_writes_nothing_and_records_no_event(db):
    assert _set(db, Thresholds(48, {Status.AWAITING_SHIPMENT: 100})) is True
    before = _state(db)
    assert _set(db, Thresholds(48.0, {Status.AWAITING_SHIPMENT: 100.0})) is False
    assert _state(db) == before


def test_whole_hours_at_both_ends_of_the_range_are_accepted(db):
    assert _set(db, Thresholds(1, {Status.AWAITING_PAYMENT: 2160}))
    with db.read_session() as s:
        assert settings.get_thresholds(s) == Thresholds(1, {Status.AWAITING_PAYMENT: 2160})


@pytest.mark.parametrize("text", ["1e308", "0", "0.5", "2161", "nan", "-1", "inf", "", "abc", "72.5"])
def test_setting_hours_names_the_field_and_the_range(text):
    with pytest.raises(ThresholdOutOfRange) as err:
        staleness.setting_hours(text, "--default")
    assert str(err.value) == f"--default must be a whole number of hours from 1 to 2160 (90 days), not {text}."


def test_setting_hours_accepts_whole_hours_written_as_text_or_float():
    assert staleness.setting_hours(" 72 ", "x") == 72 and staleness.setting_hours(72.0, "x") == 72
