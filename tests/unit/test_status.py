"""The standard status machine: every allowed and refused transition, derived statuses, coverage."""

import itertools

import pytest

from shop_orders.domain.errors import TransitionNotAllowed
from shop_orders.domain.status import (
    ALLOWED,
    DERIVED,
    LABELS,
    STATUS_RULES,
    Status,
    check_manual_transition,
    require_every_status,
    status_after_payment,
    status_after_shipping,
)

S = Status
CODES = ["awaiting_confirmation", "awaiting_payment", "partially_paid", "awaiting_shipment",
         "partially_shipped", "shipped", "completed", "cancelled"]

MANUAL_OK = {
    (S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT), (S.AWAITING_CONFIRMATION, S.AWAITING_SHIPMENT),
    (S.AWAITING_CONFIRMATION, S.CANCELLED),
    (S.AWAITING_PAYMENT, S.AWAITING_SHIPMENT), (S.AWAITING_PAYMENT, S.CANCELLED),
    (S.PARTIALLY_PAID, S.AWAITING_PAYMENT), (S.PARTIALLY_PAID, S.AWAITING_SHIPMENT), (S.PARTIALLY_PAID, S.CANCELLED),
    (S.AWAITING_SHIPMENT, S.AWAITING_PAYMENT), (S.AWAITING_SHIPMENT, S.CANCELLED),
    (S.PARTIALLY_SHIPPED, S.AWAITING_SHIPMENT),
    (S.SHIPPED, S.AWAITING_SHIPMENT), (S.SHIPPED, S.COMPLETED),
}


def test_codes_numbers_and_labels_are_the_domain_vocabulary():
    assert [s.value for s in Status] == CODES
    assert [s.number for s in Status] == [f"0{i}" for i in range(1, 9)]
    assert LABELS[S.AWAITING_SHIPMENT] == ("Awaiting shipment", "待发货")
    assert S.PARTIALLY_PAID.label("zh_CN") == "部分付款"
    assert S.CANCELLED.label("en") == "Cancelled"


@pytest.mark.parametrize("current,target", list(itertools.product(Status, Status)))
def test_every_manual_transition_is_allowed_or_refused_as_specified(current, target):
    if (current, target) in MANUAL_OK:
        check_manual_transition(current, target)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_manual_transition(current, target)


@pytest.mark.parametrize("target", [S.PARTIALLY_PAID, S.PARTIALLY_SHIPPED, S.SHIPPED])
def test_derived_statuses_cannot_be_set_by_hand_and_say_what_to_do(target):
    source = next(s for s in Status if target in ALLOWED[s])
    with pytest.raises(TransitionNotAllowed, match="instead"):
        check_manual_transition(source, target)


def test_finished_orders_go_nowhere():
    assert ALLOWED[S.COMPLETED] == frozenset() and ALLOWED[S.CANCELLED] == frozenset()


@pytest.mark.parametrize("name", list(STATUS_RULES))
def test_every_status_rule_handles_every_status(name):
    assert set(STATUS_RULES[name]) == set(Status)


def test_a_rule_that_forgets_a_status_is_caught():
    """Seed 002: an auto-cancel job that did not know partial payment cancelled 2,371 orders."""
    forgetful = {s: True for s in Status if s is not S.PARTIALLY_PAID}
    with pytest.raises(AssertionError, match="partially_paid"):
        require_every_status("auto-cancel", forgetful)


def test_payments_derive_partial_and_full_payment():
    assert status_after_payment(S.AWAITING_PAYMENT, 1000, 300) is S.PARTIALLY_PAID
    assert status_after_payment(S.PARTIALLY_PAID, 1000, 1000) is S.AWAITING_SHIPMENT
    assert status_after_payment(S.AWAITING_PAYMENT, 1000, 1200) is S.AWAITING_SHIPMENT
    assert status_after_payment(S.PARTIALLY_PAID, 1000, 0) is S.AWAITING_PAYMENT
    # where payments do not decide, the status stays
    for s in (S.AWAITING_CONFIRMATION, S.AWAITING_SHIPMENT, S.SHIPPED, S.COMPLETED, S.CANCELLED):
        assert status_after_payment(s, 1000, 1000) is s


def test_shipped_quantities_derive_partial_and_full_shipment():
    assert status_after_shipping(S.AWAITING_SHIPMENT, 3, 1) is S.PARTIALLY_SHIPPED
    assert status_after_shipping(S.PARTIALLY_SHIPPED, 3, 3) is S.SHIPPED
    with pytest.raises(TransitionNotAllowed):
        status_after_shipping(S.AWAITING_PAYMENT, 3, 1)


def test_every_derived_status_names_its_source():
    assert {s for s, why in DERIVED.items() if why} == {S.PARTIALLY_PAID, S.PARTIALLY_SHIPPED, S.SHIPPED}


@pytest.mark.parametrize("text,expected", [("shipped", S.SHIPPED), ("06", S.SHIPPED), ("待发货", S.AWAITING_SHIPMENT),
                                           ("Awaiting payment", S.AWAITING_PAYMENT)])
def test_parse_accepts_code_number_and_labels(text, expected):
    assert Status.parse(text) is expected


def test_parse_names_the_choices_for_an_unknown_status():
    with pytest.raises(ValueError, match="unknown status 'paid'; expected one of: awaiting_confirmation"):
        Status.parse("paid")
