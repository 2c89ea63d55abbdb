"""`slip ORDER... --pdf FILE` through real subprocesses: one page per order, refusals write nothing."""

import json
import re

import pytest

from tests.cli.test_cli import assert_one_line_error, run


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _demo_20(db):
    run("init", db=db)
    run("demo", "--orders", "20", "--seed", "3", db=db)


@pytest.fixture
def store(tmp_path, built_store):
    return built_store("demo-20", _demo_20, tmp_path / "shop.sqlite3")


def test_slip_of_two_orders_writes_a_two_page_pdf(store, tmp_path):
    orders = json.loads(run("orders", "--format", "json", db=store).stdout)
    first, second = orders[0], orders[1]
    dest = tmp_path / "slips.pdf"
    # one by its global id, the other by its channel order number
    res = run("slip", first["id"], second["channel_order_no"], "--pdf", dest, db=store)
    data = dest.read_bytes()
    assert data.startswith(b"%PDF") and _pages(data) == 2
    assert str(dest) in res.stdout and "2 packing slips" in res.stdout
    assert not (tmp_path / "slips.pdf.partial").exists()


def test_an_unknown_order_is_one_line_and_no_file(store, tmp_path):
    first = json.loads(run("orders", "--format", "json", db=store).stdout)[0]
    dest = tmp_path / "slips.pdf"
    res = run("slip", first["id"], "SO-20990101-999999", "--pdf", dest, db=store, check=False)
    assert_one_line_error(res)
    assert "SO-20990101-999999" in res.stderr
    assert list(tmp_path.glob("slips.pdf*")) == []


def test_a_file_not_named_pdf_or_in_a_missing_folder_is_refused(store, tmp_path):
    first = json.loads(run("orders", "--format", "json", db=store).stdout)[0]
    assert_one_line_error(run("slip", first["id"], "--pdf", tmp_path / "slips.txt", db=store, check=False))
    assert_one_line_error(run("slip", first["id"], "--pdf", tmp_path / "no" / "s.pdf", db=store, check=False))
    assert list(tmp_path.glob("slips*")) == []


def test_the_slip_command_speaks_chinese(store, tmp_path):
    res = run("--lang", "zh_CN", "slip", "SO-20990101-999999", "--pdf", tmp_path / "s.pdf", db=store, check=False)
    assert res.returncode == 1 and res.stderr.strip().splitlines() == ["错误：没有订单 SO-20990101-999999。"]
