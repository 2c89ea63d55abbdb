"""Excel export formatting, formula-injection escaping, round trip; hostile files refused quickly."""

import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shop_orders.domain.grid import GridQuery
from shop_orders.domain.status import Status
from shop_orders.services import exporting, orders
from shop_orders.services.importing import runner
from tests import channel_files as cf
from tests.factories import apply, ctx, make_order


@pytest.fixture
def shop(db):
    a = make_order(db, buyer="=HYPERLINK(\"http://evil\",\"click\")", address="+86 1 Road", recipient="@sum")
    b = make_order(db, channel="shopify", channel_order_no="#1001", currency="USD", buyer="-2+3",
                   lines=[orders.LineDraft("CUP", "Cup", 1, 950)])
    apply(db, orders.record_payment, a, 10000)
    apply(db, orders.record_payment, b, 950)
    apply(db, orders.record_payment, b, -950)  # a refund
    return a, b


def test_export_has_numbers_dates_frozen_header_filter_summary_and_audit(db, shop, tmp_path):
    path = tmp_path / "books.xlsx"
    result = exporting.export(db, path)
    assert (result.orders, result.lines) == (2, 3) and result.events >= 6
    wb = load_workbook(path)
    assert wb.sheetnames == ["Orders", "Lines", "Tickets", "Summary", "Audit trail"]
    ws = wb["Orders"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Order", "Channel", "Channel order no.", "Status", "Status code"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["L"].width >= 30  # address
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["Total"].value == Decimal("375.00") or row["Total"].value == 375
    assert row["Total"].number_format == "#,##0.00"
    assert isinstance(row["Created"].value, datetime) and row["Created"].number_format == "yyyy-mm-dd hh:mm"
    assert row["Status"].value == "Partially paid" and row["Status code"].value == "partially_paid"
    summary = [[c.value for c in r] for r in wb["Summary"].iter_rows(min_row=2)]
    assert ["Status: Partially paid", "CNY", 1, 375, 100] in summary


def test_text_that_looks_like_a_formula_is_never_evaluated_but_numbers_stay_numbers(db, shop, tmp_path):
    path = tmp_path / "x.xlsx"
    exporting.export(db, path)
    ws = load_workbook(path)["Orders"]
    header = [c.value for c in ws[1]]
    cells = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert cells["Buyer"].data_type == "s" and cells["Buyer"].value.startswith("=HYPERLINK")
    assert cells["Buyer"].quotePrefix
    assert cells["Address"].data_type == "s" and cells["Recipient"].data_type == "s"
    other = {h: c for h, c in zip(header, ws[3], strict=True)}
    assert other["Buyer"].data_type == "s" and other["Buyer"].value == "-2+3"
    audit = load_workbook(path)["Audit trail"]
    refund = [r for r in audit.iter_rows(min_row=2, values_only=True) if r[7] == "9.50" and r[8] == "0.00"]
    assert refund  # the refund is in the trail
    created = [r[8] for r in audit.iter_rows(min_row=2, values_only=True) if r[5] == "created"]  # actions by name
    assert created and all(not v.startswith("{") and "; " in v for v in created)  # for people, not JSON
    lines = load_workbook(path)["Lines"]
    prices = [r[5] for r in lines.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(p, (int, float, Decimal)) for p in prices)


def test_exporting_then_reimporting_our_own_export_changes_nothing(db, shop, tmp_path):
    path = tmp_path / "round.xlsx"
    exporting.export(db, path)
    plan = runner.prepare(db, path)
    assert plan.profile.code == "shoporders" and not plan.problems
    result = runner.apply(db, ctx(source="import:round.xlsx"), plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_export_follows_the_grid_filter(db, shop, tmp_path):
    path = tmp_path / "f.xlsx"
    r = exporting.export(db, path, GridQuery(statuses=(Status.PARTIALLY_PAID,)), with_lines=False, with_audit=False,
                         with_tickets=False)
    assert r.orders == 1 and load_workbook(path).sheetnames == ["Orders", "Summary"]


def test_a_cancelled_export_leaves_no_file(db, shop, tmp_path):
    path = tmp_path / "c.xlsx"
    with pytest.raises(exporting.ExportCancelled):
        exporting.export(db, path, cancelled=lambda: True)
    assert not path.exists() and not list(tmp_path.glob("*.partial"))


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("build,message", [
    (lambda t: cf.zip_bomb(t / "bomb.xlsx"), "zip bomb"),
    (lambda t: cf.entity_workbook(t / "xxe.xlsx", t), "declares XML entities"),
    (lambda t: cf.huge_dimension_workbook(t / "wide.xlsx", t), "reaches 1,048,576 rows x 16,384 columns"),
    (lambda t: _write(t / "photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40), "not a spreadsheet"),
    (lambda t: _write(t / "enc.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
                      + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512), "protected with a password"),
    (lambda t: _write(t / "broken.xlsx", b"PK\x03\x04 truncated"), "damaged"),
    (lambda t: _write(t / "empty.csv", b""), "empty"),
])
def test_hostile_files_get_a_clear_message_quickly_and_change_nothing(db, shop, tmp_path, build, message):
    path = build(tmp_path)
    start = time.monotonic()
    with pytest.raises(runner.ImportFileError, match=message):
        runner.prepare(db, path)
    assert time.monotonic() - start < 10
    from shop_orders.store import queries

    with db.read_session() as s:
        assert sum(queries.count_by_status(s).values()) == 2


def test_the_tickets_sheet_lists_each_ticket_by_name_and_the_file_still_reimports_unchanged(db, shop, tmp_path):
    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import tickets
    from shop_orders.services.uow import UnitOfWork

    owner = ChangeContext(Actor("olivia", "owner"), "manual")
    with UnitOfWork(db, rules=()) as uow:
        late = tickets.open_ticket(uow, owner, shop[0], "address", note="phone dead")
        done = tickets.open_ticket(uow, owner, shop[1], "out_of_stock")
        uow.commit()
        late_id, due, done_id = late.id, late.due_at, done.id
    with UnitOfWork(db, rules=()) as uow:
        tickets.close(uow, owner, done_id, "Refunded in full", [("receipt.png", b"\x89PNG receipt")])
        uow.commit()
    path = tmp_path / "t.xlsx"
    r = exporting.export(db, path, GridQuery(sort="created_at", now=due + timedelta(seconds=1)))
    ws = load_workbook(path)["Tickets"]
    header = [c.value for c in ws[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)}
    assert r.tickets == len(rows) >= 2  # with the payment rule's own ticket on the refunded order
    assert rows[late_id]["Order"] == shop[0] and rows[late_id]["Kind"] == "Address problem"
    assert (rows[late_id]["Priority"], rows[late_id]["State"], rows[late_id]["Assignee"]) == ("P1", "Open", "Customer service")
    assert isinstance(rows[late_id]["Due at"], datetime) and rows[late_id]["SLA met"] == "no"  # past due, open
    assert rows[done_id]["State"] == "Closed" and rows[done_id]["Resolution"] == "Refunded in full"
    assert rows[done_id]["SLA met"] == "yes"
    trail = [row for row in load_workbook(path)["Audit trail"].iter_rows(min_row=2, values_only=True)
             if row[5] == "ticket"]
    assert any(row[6] == f"#{done_id} state" and row[8] == "closed" for row in trail), trail  # named, not codes
    plan = runner.prepare(db, path)
    assert plan.profile.code == "shoporders" and not plan.problems
    result = runner.apply(db, ctx(source="import:t.xlsx"), plan)
    assert (result.created, result.updated) == (0, 0)
