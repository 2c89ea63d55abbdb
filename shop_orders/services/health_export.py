"""The shop's health figures to Excel (issue 28 item 5): the same report the dashboard and
`shop-orders health` show (services/health.report), in the language asked for.

Three sheets, each starting with the same header block (the workbook's title, the period's first
and last local day, the previous period it is compared with, the channel, when it was made), then
its table with a bold header row, frozen below it, and an auto-filter:
- Figures: one row per figure (domain/health.FIGURES order): title, value, unit, previous, change,
  light, orders (what a click on the tile shows), measured, excluded, what stands beside it
  (extra), and its one definition;
- Breakdown: per figure its parts (by status, channel, age band, kind, priority, courier, state):
  label, value, orders;
- Per day: the per-day charts (orders per day, shipped within 24 h per day) side by side, one row
  per local day, the day a real date.

Numbers stay numbers in the figure's own unit (a percentage 0–100, minutes, hours, a count) with
a number format; nothing measured is an empty cell, never 0. Labels from the store (a courier's
name, a channel) go through exporting's safe cells. Written to a temporary name and renamed when
complete, like every export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shop_orders.domain import messages
from shop_orders.domain.cells import looks_like_formula, xml_text
from shop_orders.domain.channels import channel_label
from shop_orders.domain.health import BY_KEY, Unit
from shop_orders.domain.messages import N_, t
from shop_orders.services.exporting import safe_text, write_workbook
from shop_orders.store.db import Database

if TYPE_CHECKING:
    from shop_orders.services.health import Report

FIGURE_COLUMNS = [(N_("Figure"), 28), (N_("Value"), 10), (N_("Unit"), 10), (N_("Previous"), 10), (N_("Against previous"), 12),
                  (N_("Light"), 8), (N_("Orders"), 10), (N_("Measured"), 10), (N_("Excluded"), 10),
                  (N_("Beside it"), 30), (N_("Definition"), 90)]
PART_COLUMNS = [(N_("Figure"), 28), (N_("Part"), 24), (N_("Value"), 10), (N_("Unit"), 10), (N_("Orders"), 10)]
UNIT_WORDS = {Unit.PERCENT: N_("%"), Unit.MINUTES: N_("minutes"), Unit.HOURS: N_("hours"), Unit.COUNT: N_("orders")}
NUMBER_FORMATS = {Unit.PERCENT: "0.0", Unit.MINUTES: "0.0", Unit.HOURS: "0.0", Unit.COUNT: "#,##0"}
CHANGE_FORMATS = {Unit.PERCENT: "+0.0;-0.0;0.0", Unit.MINUTES: "+0.0;-0.0;0.0", Unit.HOURS: "+0.0;-0.0;0.0",
                  Unit.COUNT: "+#,##0;-#,##0;0"}
COUNT_FORMAT = "#,##0"
DAY_FORMAT = "yyyy-mm-dd"
LIGHT_WORDS = {"green": N_("Green"), "amber": N_("Amber"), "red": N_("Red"), "none": N_("—")}
EXTRA_WORDS = {"median_hours": N_("median {value} h"), "over_15_share": N_("{value}% over 15 min"),
               "p90_hours": N_("90th percentile {value} h"), "mean_resolve_hours": N_("mean time to resolve {value} h"),
               "amount_share": N_("{value}% of the money")}


@dataclass(frozen=True)
class HealthExportResult:
    path: Path
    figures: int
    parts: int
    days: int
    lang: str


def light_word(light: str, lang: str | None = None) -> str:
    """A light for people: Green, Amber, Red, or — (nothing measured, or no light)."""
    return t(LIGHT_WORDS.get(light, light), lang=lang)


def extra_text(extra: dict[str, float | None], lang: str | None = None) -> str:
    """What stands beside a figure (its median hours, the share over 15 minutes, ...), in words;
    extras not measured are left out."""
    said = []
    for key, value in sorted(extra.items()):
        if value is None:
            continue
        word = EXTRA_WORDS.get(key)
        said.append(t(word, lang=lang, value=f"{value:.1f}") if word else f"{key} {value:g}")
    return "; ".join(said)


class _Sheet:
    """One sheet: the header block, then a table whose header is frozen and filtered."""

    def __init__(self, wb: Workbook, name: str, columns: list[tuple[str, int]], head: list[str], lang: str) -> None:
        self.ws = wb.create_sheet(name)
        self.width = len(columns)
        bold = Font(bold=True)
        for i, (_, width) in enumerate(columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.top = len(head) + 2  # the table's header row (a blank row after the block)
        self.ws.freeze_panes = f"A{self.top + 1}"
        for n, line in enumerate(head):
            c = WriteOnlyCell(self.ws, value=xml_text(line))
            if n == 0:
                c.font = bold
            self.ws.append([c])
        self.ws.append([])
        titles = []
        for title, _ in columns:
            c = WriteOnlyCell(self.ws, value=t(title, lang=lang))
            c.font = bold
            titles.append(c)
        self.ws.append(titles)
        self.rows = 0

    def text(self, value: str | None) -> object:
        if value is None or value == "":
            return None
        return safe_text(self.ws, value) if looks_like_formula(value) else xml_text(value)

    def number(self, value: float | int | None, fmt: str) -> object:
        if value is None:
            return None
        c = WriteOnlyCell(self.ws, value=value)
        c.number_format = fmt
        return c

    def day(self, value: date) -> object:
        c = WriteOnlyCell(self.ws, value=datetime(value.year, value.month, value.day))
        c.number_format = DAY_FORMAT
        return c

    def append(self, row: list[object]) -> None:
        self.ws.append(row)
        self.rows += 1

    def finish(self) -> None:
        last = self.top + max(self.rows, 0)
        self.ws.auto_filter.ref = f"A{self.top}:{get_column_letter(self.width)}{last}"


def head_lines(report: Report, lang: str) -> list[str]:
    """The header block: title, period, previous period, channel, when it was made."""
    p, q = report.period, report.previous
    channel = channel_label(report.channel, lang) if report.channel else t("every channel", lang=lang)
    made = report.now.astimezone(p.tz).strftime("%Y-%m-%d %H:%M")
    return [t("The shop's health", lang=lang),
            t("Period: {first} to {last}", lang=lang, first=p.first_day.isoformat(), last=p.last_day.isoformat()),
            t("Compared with: {first} to {last}", lang=lang, first=q.first_day.isoformat(),
              last=q.last_day.isoformat()),
            t("Channel: {channel}", lang=lang, channel=channel),
            t("Made {at}", lang=lang, at=made)]


def export(db: Database, path: Path, report: Report, lang: str | None = None) -> HealthExportResult:
    """Write `report` (services/health.report) to `path` (.xlsx) in `lang` (by default the
    messages' language); nothing is left at `path` when it fails. `db` is the store the report
    was read from (the export reads nothing more: the file says what the report says)."""
    del db  # the report carries every number; kept for the exports' common signature
    lang = messages.normalise(lang) if lang else messages.language()
    parts, days = write_workbook(path, lambda wb: _fill(wb, report, lang))
    return HealthExportResult(path, len(report.figures), parts, days, lang)


def _fill(wb: Workbook, report: Report, lang: str) -> tuple[int, int]:
    wb.properties.title = t("The shop's health", lang=lang)
    head = head_lines(report, lang)
    figures = _Sheet(wb, t("Figures", lang=lang), FIGURE_COLUMNS, head, lang)
    for f in report.figures:
        d = BY_KEY[f.key]
        fmt = NUMBER_FORMATS[d.unit]
        figures.append([figures.text(t(d.title, lang=lang)), figures.number(f.value, fmt),
                        figures.text(t(UNIT_WORDS[d.unit], lang=lang)), figures.number(f.previous, fmt),
                        figures.number(f.change, CHANGE_FORMATS[d.unit]),
                        figures.text(light_word(f.light.value, lang)), figures.number(f.orders, COUNT_FORMAT),
                        figures.number(f.measured, COUNT_FORMAT), figures.number(f.excluded, COUNT_FORMAT),
                        figures.text(extra_text(f.extra, lang)), figures.text(t(d.definition, lang=lang))])
    figures.finish()
    breakdown = _Sheet(wb, t("Breakdown", lang=lang), PART_COLUMNS, head, lang)
    for f in report.figures:
        d = BY_KEY[f.key]
        for part in f.parts:
            breakdown.append([breakdown.text(t(d.title, lang=lang)), breakdown.text(part.label),
                              breakdown.number(part.value, NUMBER_FORMATS[d.unit]),
                              breakdown.text(t(UNIT_WORDS[d.unit], lang=lang)),
                              breakdown.number(part.orders, COUNT_FORMAT)])
    breakdown.finish()
    days = _per_day(wb, report, head, lang)
    return breakdown.rows, days


def _per_day(wb: Workbook, report: Report, head: list[str], lang: str) -> int:
    """The per-day charts side by side: the day, then per chart its value (and, for a rate, the
    orders a click on the point shows)."""
    charts = [c for c in report.charts if c.points and all(p.part.startswith("day:") for p in c.points)]
    columns: list[tuple[str, int]] = [(N_("Day"), 12)]
    for c in charts:
        d = BY_KEY[c.figure]
        columns.append((t(d.title, lang=lang) if d.unit is Unit.COUNT else
                        t("{figure} ({unit})", lang=lang, figure=t(d.title, lang=lang),
                          unit=t(UNIT_WORDS[d.unit], lang=lang)), 18))
        if d.unit is not Unit.COUNT:
            columns.append((t("{figure}: orders", lang=lang, figure=t(d.title, lang=lang)), 18))
    sheet = _Sheet(wb, t("Per day", lang=lang), columns, head, lang)
    by_day: dict[str, list[object]] = {}
    for day in report.period.days():
        by_day[day.isoformat()] = [sheet.day(day)]
    for c in charts:
        d = BY_KEY[c.figure]
        points = {p.part.split(":", 1)[1]: p for p in c.points}
        for key, row in by_day.items():
            p = points.get(key)
            row.append(sheet.number(p.value if p else None, NUMBER_FORMATS[d.unit]))
            if d.unit is not Unit.COUNT:
                row.append(sheet.number(p.orders if p else None, COUNT_FORMAT))
    for row in by_day.values():
        sheet.append(row)
    sheet.finish()
    return len(by_day)
