"""`shop-orders thresholds`: whole hours from 1 h to 90 days, one sentence and exit 1 otherwise."""

import pytest

from tests.cli.test_cli import assert_one_line_error, run


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "shop.sqlite3"
    run("init", db=db)
    run("thresholds", "--default", "48", "--status", "awaiting_shipment=100", db=db)
    return db


@pytest.mark.parametrize("value", ["1e308", "0", "0.5", "2161", "nan", "-1"])
def test_thresholds_command_refuses_hours_outside_whole_1_to_2160_and_changes_nothing(store, value):
    before = run("thresholds", db=store).stdout
    for args in (["--default", value], ["--status", f"awaiting_payment={value}"]):
        res = run("thresholds", *args, db=store, check=False)
        assert_one_line_error(res)
        assert "whole number of hours from 1 to 2160 (90 days)" in res.stderr and value in res.stderr
    assert run("thresholds", db=store).stdout == before


def test_thresholds_command_accepts_72_hours_and_again_without_error(store):
    assert "default: 72 h" in run("thresholds", "--default", "72", db=store).stdout
    assert "default: 72 h" in run("thresholds", "--default", "72", db=store).stdout
    assert "awaiting_shipment: 100 h" in run("thresholds", db=store).stdout
