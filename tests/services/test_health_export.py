"""The health figures' workbook (services/health_export.py) on a tiny store, on both backends:
the numbers of services/health.report as numbers with their formats, nothing measured an empty
cell (never 0), the header block naming period and channel, a courier's name that looks like a
formula kept as text (never evaluated), the sheets in the language asked for, and a file that
cannot be written leaving nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.status import Status
from shop_orders.services import health, health_export, orders
from shop_orders.services.exporting import ExportFailed
from tests import factories

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
SCAN = ChangeContext(Actor("sam", "owner"), "scan")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


def _shop(db) -> None:
    """Two orders: one paid the day before NOW and scanned out two hours later with a courier
    whose name looks like a formula; one paid two hours before NOW, not shipped yet (excluded)."""
    for paid_at, courier in ((NOW - timedelta(days=1), FORMULA), (NOW - timedelta(hours=2), None)):
        created = paid_at - timedelta(hours=1)
        no = factories.make_order(db, clock=lambda created=created: created, status=Status.AWAITING_PAYMENT,
                                  created_at=created)
        factories.run(db, orders.record_payment, OWNER, no, factories.DRAFT_TOTAL, paid_at=paid_at,
                      clock=lambda paid_at=paid_at: paid_at)
        if courier:
            factories.run(db, orders.ship, SCAN, no, courier=courier, tracking_no="SF1234567890",
                          clock=lambda paid_at=paid_at: paid_at + timedelta(hours=2))


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_the_workbook_holds_the_reports_numbers(db, tmp_path):
    _shop(db)
    report = health.report(db, span="7d", now=NOW)
    path = tmp_path / "health.xlsx"
    result = health_export.export(db, path, report, lang="en")
    assert (result.figures, result.days) == (14, 7) and not list(tmp_path.glob("*.partial"))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Figures", "Breakdown", "Per day"]
    ws = wb["Figures"]
    rows = _rows(ws)
    first, last = report.period.first_day.isoformat(), report.period.last_day.isoformat()
    assert [r[0] for r in rows[:4]] == ["The shop's health", f"Period: {first} to {last}",
                                       f"Compared with: {report.previous.first_day} to {report.previous.last_day}",
                                       "Channel: every channel"]
    top = next(i for i, r in enumerate(rows) if r[0] == "Figure")
    assert ws.freeze_panes == f"A{top + 2}" and ws.auto_filter.ref == f"A{top + 1}:K{top + 1 + 14}"
    by_title = {r[0]: (i, r) for i, r in enumerate(rows[top + 1:], top + 2)}
    ship = report.figure("ship_24h")
    n, row = by_title["Shipped within 24 h"]
    assert (row[1], row[2], row[5], row[6], row[7], row[8]) == (100, "%", "Green", ship.orders, 1, 1)
    assert ws.cell(row=n, column=2).number_format == "0.0" and ws.cell(row=n, column=7).number_format == "#,##0"
    assert row[3] is None and row[4] is None  # nothing the week before: empty, not 0
    n, row = by_title["Scan-out to pickup"]
    assert row[1] is None and row[5] == "—" and row[8] == 1  # no pickup yet: no median, the parcel excluded
    n, row = by_title["Orders"]
    assert (row[1], row[6]) == (2, 2)
    breakdown = _rows(wb["Breakdown"])
    couriers = [r for r in breakdown if r[0] == "Scan-out to pickup"]
    assert couriers == []  # a courier's part exists once it has a pickup measured
    per_day = _rows(wb["Per day"])
    head = next(i for i, r in enumerate(per_day) if r[0] == "Day")
    assert per_day[head][1:] == ("Orders", "Shipped within 24 h (%)", "Shipped within 24 h: orders")
    days = per_day[head + 1:]
    assert [d[0].date() for d in days] == report.period.days()
    assert sum(d[1] for d in days) == 2


def test_a_formula_in_a_label_stays_text_and_the_sheets_speak_chinese(db, tmp_path):
    _shop(db)
    with db.write_session() as s:  # the courier picked the parcel up five minutes after the scan-out
        from sqlalchemy import text

        s.execute(text("UPDATE shipments SET picked_up_at = shipped_at"))
        s.commit()
    health.rebuild(db)
    report = health.report(db, span="7d", now=NOW)
    path = tmp_path / "健康.xlsx"
    health_export.export(db, path, report, lang="zh_CN")
    wb = load_workbook(path)
    assert wb.sheetnames == ["指标", "分项", "每日"]
    assert _rows(wb["指标"])[0][0] == "店铺健康度"
    ws = wb["分项"]
    cells = [row[1] for row in ws.iter_rows() if row[1].value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)  # shown as written, never evaluated


def test_a_file_that_cannot_be_written_leaves_nothing(db, tmp_path):
    report = health.report(db, span="today", now=NOW)
    out = tmp_path / "out"
    out.mkdir()
    blocker = out / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ExportFailed, match="cannot be written"):
        health_export.export(db, blocker / "health.xlsx", report, lang="en")
    assert [p.name for p in out.iterdir()] == ["not-a-folder"]
