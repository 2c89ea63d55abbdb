"""The bookkeeper's reconciliation workbook (issue 27 item 5): a period's reconciliation to .xlsx in
the language asked for.

Sheets, each with its header frozen and an auto-filter (services/exporting.py's tables: a sheet
holds at most exporting.MAX_ROWS rows and continues on "<name> (2)"):
- Summary: per source and currency, the orders of each state (how many, expected, received,
  difference) and the statement lines of each line state (how many, amount, fees); below it the
  period and when the file was made.
- one sheet of orders per state (disagrees, small difference, matched, excluded, confirmed by hand):
  order, channel, source, expected, received, difference, its lines, and who confirmed or
  excluded it and why.
- Statement lines: time, source, kind, amount, fee, the numbers it carries, its state, the rule
  or person that decided it and why, and the orders it was matched to.

Money cells hold Decimals made from the stored minor units (never a float), formatted with the
currency's own decimals (JPY none, CNY two, KWD three); times are the shop's local time. Every
text from a statement or a person goes through exporting's safe cells: a value starting with
= + - @ is written as text with Excel's quote prefix, never evaluated. Written to a temporary name
and renamed when complete, like every export.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from shop_orders.domain import messages
from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import digits, to_decimal
from shop_orders.domain.reconcile import rule_label
from shop_orders.domain.statements import KIND_LABELS, provider_label
from shop_orders.services.exporting import (
    DATE_FORMAT,
    _check,
    _keep_tables_together,
    _Table,
    write_workbook,
)
from shop_orders.services.recon_browse import (
    NO_SOURCE,
    ORDER_STATES,
    Figures,
    LineFilter,
    LineRow,
    OrderFilter,
    OrderRecRow,
    Period,
    ReconBrowser,
    line_state_label,
    order_state_label,
)
from shop_orders.store.db import Database

PAGE = 2000  # rows read per query while writing
SUMMARY_COLUMNS = [(N_("Source"), 18), (N_("Currency"), 9), (N_("Of"), 16), (N_("State"), 18), (N_("Count"), 9),
                   (N_("Expected"), 14), (N_("Received"), 14), (N_("Difference"), 14), (N_("Amount"), 14),
                   (N_("Fees"), 12)]
ORDER_COLUMNS = [(N_("Order"), 20), (N_("Channel"), 12), (N_("Channel order no."), 22), (N_("Source"), 16),
                 (N_("State"), 18), (N_("Expected"), 13), (N_("Received"), 13), (N_("Difference"), 13),
                 (N_("Currency"), 9), (N_("Line count"), 7), (N_("Statement lines"), 30), (N_("Confirmed or excluded by"), 14),
                 (N_("Reason"), 36), (N_("Last worked out"), 17)]
LINE_COLUMNS = [(N_("Time"), 17), (N_("Source"), 14), (N_("Kind"), 10), (N_("Amount"), 13), (N_("Fee"), 11),
                (N_("Currency"), 9), (N_("Statement id"), 24), (N_("Merchant order no."), 22),
                (N_("Platform order no."), 20), (N_("Provider transaction"), 24), (N_("Memo"), 28),
                (N_("Counterparty"), 18), (N_("State"), 12), (N_("Rule"), 22), (N_("Matched orders"), 24),
                (N_("Confirmed or excluded by"), 14), (N_("Reason"), 30)]
SHEET_NAMES = {"red": N_("Disagrees"), "amber": N_("Small difference"), "green": N_("Matched"),
               "excluded": N_("Excluded"), "confirmed": N_("Confirmed by hand")}


@dataclass(frozen=True)
class ReconExportResult:
    path: Path
    orders: int
    lines: int
    lang: str


def money_format(currency: str) -> str:
    """Excel's number format with the currency's own decimals: '#,##0' (JPY), '#,##0.00', '#,##0.000'."""
    places = digits(currency)
    return "#,##0" + ("." + "0" * places if places else "")


class _Cells:
    """The workbook's cells in one language and time zone."""

    def __init__(self, lang: str, tz: tzinfo) -> None:
        self.lang, self.tz = lang, tz
        self._providers: dict[str, str] = {}

    def money(self, w: _Table, minor: int | None, currency: str) -> object:
        if minor is None:
            return None
        amount: Any = to_decimal(minor, currency)  # a Decimal: openpyxl writes it as it is (its stubs say float)
        c = WriteOnlyCell(w.ws, value=amount)
        c.number_format = money_format(currency)
        return c

    def time(self, w: _Table, at: datetime | None) -> object:
        if at is None:
            return None
        aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        c = WriteOnlyCell(w.ws, value=aware.astimezone(self.tz).replace(tzinfo=None))
        c.number_format = DATE_FORMAT
        return c

    def source(self, code: str) -> str:
        name = self._providers.get(code)
        if name is None:
            name = self._providers[code] = (t("no statement line", lang=self.lang) if code == NO_SOURCE
                                            else provider_label(code, self.lang))
        return name

    def kind(self, code: str) -> str:
        return t(KIND_LABELS[code], lang=self.lang) if code in KIND_LABELS else code


def export(db: Database, path: Path, period: Period, *, lang: str | None = None,
           cancelled: Callable[[], bool] | None = None,
           progress: Callable[[int, int], None] | None = None) -> ReconExportResult:
    """Write the period's reconciliation to `path` (.xlsx) in `lang` (by default the messages'
    language); nothing is left at `path` when it fails or is cancelled."""
    lang = messages.normalise(lang) if lang else messages.language()
    n_orders, n_lines = write_workbook(
        path, lambda wb: _fill(wb, ReconBrowser(db), period, lang, cancelled, progress),
        cancelled, t("The export was cancelled; no file was written.", lang=lang))
    return ReconExportResult(path, n_orders, n_lines, lang)


def _fill(wb: Workbook, browser: ReconBrowser, period: Period, lang: str, cancelled: Callable[[], bool] | None,
          progress: Callable[[int, int], None] | None) -> tuple[int, int]:
    cells = _Cells(lang, browser.timezone())
    wb.properties.title = t("Reconciliation", lang=lang)
    summary = _Table(wb, t("Summary", lang=lang), SUMMARY_COLUMNS, lang)
    order_ids = {state: browser.order_ids(OrderFilter(period, state=state)) for state in ORDER_STATES}
    line_ids = browser.line_ids(LineFilter(period), sort="time", descending=False)
    total, done = sum(len(v) for v in order_ids.values()) + len(line_ids), 0
    tables: list[_Table] = [summary]
    for state in ORDER_STATES:
        w = _Table(wb, t(SHEET_NAMES[state], lang=lang), ORDER_COLUMNS, lang)
        tables.append(w)
        ids = order_ids[state]
        for i in range(0, len(ids), PAGE):
            rows = browser.orders(ids[i:i + PAGE])
            _order_rows(w, cells, browser, rows)
            done += len(rows)
            _check(cancelled, lang)
            if progress:
                progress(done, total)
        w.finish()
    lw = _Table(wb, t("Statement lines", lang=lang), LINE_COLUMNS, lang)
    tables.append(lw)
    for i in range(0, len(line_ids), PAGE):
        lines = browser.lines(line_ids[i:i + PAGE])
        for line in lines:
            _line_row(lw, cells, line)
        done += len(lines)
        _check(cancelled, lang)
        if progress:
            progress(done, total)
    lw.finish()
    _summary(summary, cells, browser.figures(period), period, tables)
    _keep_tables_together(wb, tables)
    return sum(len(v) for v in order_ids.values()), len(line_ids)


def _order_rows(w: _Table, cells: _Cells, browser: ReconBrowser, rows: list[OrderRecRow]) -> None:
    lang = cells.lang
    with_lines = [r.order_id for r in rows if r.line_count]
    external: dict[int, list[str]] = defaultdict(list)
    for order_id in with_lines:  # an order has a few lines; read per order (pages are small)
        external[order_id] = [line.external_id for line, _tie in browser.order_lines(order_id)]
    for r in rows:
        cur = r.currency
        w.append([w.cell(r.order_no), w.cell(channel_label(r.channel, lang)), w.cell(r.channel_order_no),
                  w.cell(cells.source(r.provider)), w.cell(order_state_label(r.state, lang)),
                  cells.money(w, r.expected_minor, cur), cells.money(w, r.received_minor, cur),
                  cells.money(w, r.difference_minor, cur), w.cell(cur), r.line_count,
                  w.cell(", ".join(external.get(r.order_id, [])) or None), w.cell(r.decided_by or None),
                  w.cell(r.reason or None), cells.time(w, r.updated_at)])


def _line_row(w: _Table, cells: _Cells, r: LineRow) -> None:
    lang, cur = cells.lang, r.currency
    w.append([cells.time(w, r.occurred_at), w.cell(cells.source(r.provider)), w.cell(cells.kind(r.kind)),
              cells.money(w, r.amount_minor, cur), cells.money(w, r.fee_minor, cur), w.cell(cur),
              w.cell(r.external_id), w.cell(r.merchant_order_no or None), w.cell(r.platform_order_no or None),
              w.cell(r.provider_txn or None), w.cell(r.memo or None), w.cell(r.counterparty or None),
              w.cell(line_state_label(r.state, lang)), w.cell(rule_label(r.rule, lang) if r.rule else None),
              w.cell(", ".join(r.orders) or None), w.cell(r.decided_by or None), w.cell(r.reason or None)])


def _summary(w: _Table, cells: _Cells, figures: Figures, period: Period, tables: list[_Table]) -> None:
    lang = cells.lang
    orders_word, lines_word = t("orders", lang=lang), t("statement lines", lang=lang)
    for provider in figures.providers():
        orders, lines = figures.of(provider)
        for f in sorted(orders, key=lambda f: (f.currency, ORDER_STATES.index(f.state)
                                               if f.state in ORDER_STATES else 99)):
            w.append([w.cell(cells.source(provider)), w.cell(f.currency), w.cell(orders_word),
                      w.cell(order_state_label(f.state, lang)), f.count, cells.money(w, f.expected_minor, f.currency),
                      cells.money(w, f.received_minor, f.currency), cells.money(w, f.difference_minor, f.currency),
                      None, None])
        for g in lines:
            w.append([w.cell(cells.source(provider)), w.cell(g.currency), w.cell(lines_word),
                      w.cell(line_state_label(g.state, lang)), g.count, None, None, None,
                      cells.money(w, g.amount_minor, g.currency), cells.money(w, g.fee_minor, g.currency)])
    w.finish()
    notes = [_period_text(period, cells.tz, lang),
             t("Made {at}", lang=lang, at=datetime.now(cells.tz).strftime("%Y-%m-%d %H:%M"))]
    notes += [t("{sheet} continues on {n} sheets", lang=lang, sheet=table.name, n=len(table.sheets))
              for table in tables if len(table.sheets) > 1]
    w.ws.append([])
    for note in notes:
        w.ws.append([w.cell(note)])


def _period_text(period: Period, tz: tzinfo, lang: str) -> str:
    def day(at: datetime | None, back: bool) -> str:
        if at is None:
            return "…"
        local = at.astimezone(tz)
        if back and local.hour == local.minute == 0:  # the period ends at midnight: the day before is its last
            local -= timedelta(days=1)
        return local.strftime("%Y-%m-%d")

    return t("Period: {start} to {end}", lang=lang, start=day(period.start, False), end=day(period.end, True))
