"""The unit of work receives its rules from the composition root (services/uow.py) and declares
the state permissions keep on it (issue 25 item 1)."""

from __future__ import annotations

import pytest

from shop_orders.services import rules, stock_settle, uow
from shop_orders.services.context import install_rules


def test_a_unit_of_work_without_a_composition_root_refuses_to_start(monkeypatch):
    monkeypatch.setattr(uow, "_default_rules", None)
    with pytest.raises(RuntimeError, match="install_rules"):
        uow.UnitOfWork(None)
    assert uow.UnitOfWork(None, rules=()).rules == []  # told to run none


def test_the_composition_root_installs_the_detection_rules(monkeypatch):
    monkeypatch.setattr(uow, "_default_rules", None)
    install_rules()
    install_rules()  # again: replaces, never adds
    # the stock reservations first (the out-of-stock tickets follow them), then the detection rules
    assert uow.default_rules() == [stock_settle.on_change, rules.on_change]
    assert uow.UnitOfWork(None).rules == [stock_settle.on_change, rules.on_change]


def test_the_permission_state_is_declared_and_fresh_per_unit_of_work():
    first, second = uow.UnitOfWork(None, rules=()), uow.UnitOfWork(None, rules=())
    first.permission_checks[("olivia", "owner", "orders.import")] = None
    first.approved_sources.add("changeset:1")
    assert second.permission_checks == {} and second.approved_sources == set()
