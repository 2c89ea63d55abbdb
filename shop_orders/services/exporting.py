"""Excel export for bookkeepers: the grid's filter and columns, or every order with its lines.

Numbers stay numbers (money with two decimals, negative amounts as negative numbers), dates are
real Excel dates in local time, the header is frozen with an auto-filter and sensible widths,
plus a summary sheet (counts and totals by status and channel; below it the shop's name, address
and phone when set, which also name the workbook in its properties: issue 26 item 8), the exception tickets of the
exported orders (kind, state, who has them, their times and whether they met their SLA) and
their audit trail. Sheet names, headers, statuses, channels and the trail's sources, actions and
fields are in the language asked for (`lang`, by default the messages' language); the "Status
code" column keeps the machine-readable code and the Channel column a name `parse_channel`
reads in either language, so `shop-orders import` reads the file back (it changes nothing).
A sheet holds at most MAX_ROWS rows, header included (Excel's limit); a longer table continues
on "Audit trail (2)" and so on, and the Summary sheet says so. Text from channels is untrusted
(domain/cells.py): a text cell starting with = + - @ tab or CR is written as a text cell with
Excel's quote prefix, so it is shown, never evaluated; control characters XML cannot carry are
escaped as Excel escapes them (_x000B_), so the export never fails on them and reading the file
back gives the stored text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Row, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.atomic import partial_path, replacing
from shop_orders.domain import messages, trail
from shop_orders.domain.cells import looks_like_formula, xml_text
from shop_orders.domain.channels import CHANNELS, channel_label
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import to_decimal
from shop_orders.domain.roles import Role
from shop_orders.domain.shop import ShopIdentity
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import ACTIVE, KIND_LABELS, STATE_LABELS, Kind, Priority, State
from shop_orders.services.settings import get_shop
from shop_orders.store import grid
from shop_orders.store.db import Database
from shop_orders.store.models import AuditEvent, Order, OrderLine, Ticket

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd hh:mm"
BATCH = 2000
# Excel's rows per sheet, header included; a longer table continues on another sheet. Tests
# lower it instead of writing a million rows.
MAX_ROWS = 1_048_576

# key, header, width, kind
ORDER_COLUMNS = [
    ("order_no", N_("Order"), 20, "text"), ("channel", N_("Channel"), 12, "text"),
    ("channel_order_no", N_("Channel order no."), 24, "text"), ("status", N_("Status"), 18, "text"),
    ("status_code", N_("Status code"), 18, "text"), ("total", N_("Total"), 12, "money"),
    ("paid", N_("Paid"), 12, "money"), ("currency", N_("Currency"), 9, "text"), ("buyer", N_("Buyer"), 20, "text"),
    ("recipient", N_("Recipient"), 14, "text"), ("phone", N_("Phone"), 16, "text"),
    ("address", N_("Address"), 40, "text"), ("courier", N_("Courier"), 12, "text"),
    ("tracking_no", N_("Tracking no."), 20, "text"), ("created_at", N_("Created"), 17, "date"),
    ("updated_at", N_("Last update"), 17, "date"),
]
LINE_COLUMNS = [(N_("Order"), 20), (N_("Line"), 6), (N_("SKU"), 16), (N_("Item"), 36), (N_("Qty"), 6),
                (N_("Unit price"), 12), (N_("Shipped"), 8)]
AUDIT_COLUMNS = [(N_("#"), 9), (N_("Time"), 17), (N_("Who"), 12), (N_("Source"), 22), (N_("Order"), 20),
                 (N_("Action"), 10), (N_("Field"), 14), (N_("Old"), 24), (N_("New"), 24), (N_("Reason"), 30),
                 (N_("Approved by"), 18)]
TICKET_COLUMNS = [(N_("Ticket"), 8), (N_("Order"), 20), (N_("Kind"), 24), (N_("Priority"), 8), (N_("State"), 18),
                  (N_("Assignee"), 16), (N_("Opened at"), 17), (N_("Due at"), 17), (N_("Resolved at"), 17),
                  (N_("Closed at"), 17), (N_("Resolution"), 40), (N_("SLA met"), 9)]
SUMMARY_COLUMNS = [(N_("By"), 26), (N_("Currency"), 9), (N_("Orders"), 10), (N_("Total"), 14), (N_("Paid"), 14)]
# What the Summary sheet says when a table needed more than one sheet.
CONTINUES = {"orders": N_("The orders continue on {n} sheets"), "lines": N_("The lines continue on {n} sheets"),
             "tickets": N_("The tickets continue on {n} sheets"),
             "audit": N_("The audit trail continues on {n} sheets")}


class ExportCancelled(ShopOrdersError):
    """The person cancelled; no file was written."""


class ExportFailed(ShopOrdersError):
    """The file cannot be written there (no such folder, no permission, disk full...)."""


def _why(exc: OSError) -> str:
    """An operating system refusal in the catalogue's words (its own text is English only)."""
    import errno

    reasons: dict[int | None, str] = {errno.EACCES: N_("permission is denied"), errno.EPERM: N_("permission is denied"),
               errno.EROFS: N_("the folder is read-only"), errno.ENOSPC: N_("the disk is full"),
               errno.ENOENT: N_("the folder does not exist"), errno.ENOTDIR: N_("the folder does not exist"),
               errno.EISDIR: N_("a folder has that name")}
    return t(reasons.get(exc.errno, N_("the system refused it")))


def _cannot_write(path: Path, exc: OSError) -> ExportFailed:
    return ExportFailed(t("{file} cannot be written: {reason}. Choose another folder.", file=path, reason=_why(exc)))


_T = TypeVar("_T")


def write_workbook(path: Path, fill: Callable[[Workbook], _T], cancelled: Callable[[], bool] | None = None,
                      cancelled_text: str = "") -> _T:
    """A write-only workbook filled by `fill` and saved at `path` whole or not at all: the folder
    is tried first (one sentence when it does not take the file), a failure or a cancel while
    filling or saving leaves nothing at `path`. Returns what `fill` returned."""
    tmp = partial_path(path)
    try:  # find out now whether the folder takes the file
        with open(tmp, "wb"):
            pass
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    wb = Workbook(write_only=True)
    try:
        filled = fill(wb)
    except BaseException:
        for ws in wb.worksheets:
            ws.close()
        tmp.unlink(missing_ok=True)
        raise
    try:
        with replacing(path) as tmp:
            wb.save(tmp)
            if cancelled is not None and cancelled():
                raise ExportCancelled(cancelled_text)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return filled


@dataclass(frozen=True)
class ExportResult:
    path: Path
    orders: int
    lines: int
    events: int
    lang: str = "en"
    tickets: int = 0


def safe_text(ws: WriteOnlyWorksheet, value: str) -> Cell:
    """A text cell Excel shows as text and never evaluates."""
    cell = WriteOnlyCell(ws, value=xml_text(value))
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def _local_naive(dt: datetime) -> datetime:
    return dt.astimezone().replace(tzinfo=None)


class _Table:
    """One table of the workbook, over as many sheets as it needs: each sheet holds at most
    MAX_ROWS rows with its header, repeats the header, and has its own filter and frozen row."""

    def __init__(self, wb: Workbook, name: str, titles: list[tuple[str, int]], lang: str) -> None:
        self.wb, self.name, self.titles, self.lang = wb, name, titles, lang
        self.bold = Font(bold=True)
        self.sheets: list[WriteOnlyWorksheet] = []
        self.rows = 0  # data rows written, on every sheet
        self._on_sheet = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        if self.sheets:
            self._close_filter()
        n = len(self.sheets) + 1
        title = self.name if n == 1 else t("{sheet} ({n})", lang=self.lang, sheet=self.name, n=n)
        self.ws = ws = self.wb.create_sheet(title)
        self.sheets.append(ws)
        for i, (_, width) in enumerate(self.titles, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        cells = []
        for title, _ in self.titles:
            c = WriteOnlyCell(ws, value=t(title, lang=self.lang))
            c.font = self.bold
            cells.append(c)
        ws.append(cells)
        self._on_sheet = 0

    def _close_filter(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.titles))}{self._on_sheet + 1}"

    def append(self, row: list[object]) -> None:
        # cells made for an earlier sheet carry the workbook's styles, so they fit the next one too
        if self._on_sheet + 1 >= MAX_ROWS:
            self._new_sheet()
        self.ws.append(row)
        self._on_sheet += 1
        self.rows += 1

    def cell(self, value: Any, kind: str = "text") -> object:
        if value is None:
            return None
        if kind == "money":
            c = WriteOnlyCell(self.ws, value=value)
            c.number_format = MONEY_FORMAT
            return c
        if kind == "date":
            c = WriteOnlyCell(self.ws, value=_local_naive(value))
            c.number_format = DATE_FORMAT
            return c
        if kind == "number":
            return value
        text = str(value)
        if looks_like_formula(text):
            return safe_text(self.ws, text)
        return xml_text(text)

    def finish(self) -> None:
        self._close_filter()


def export(db: Database, path: Path, query: GridQuery | None = None, columns: list[str] | None = None,
           with_lines: bool = True, with_audit: bool = True, with_tickets: bool = True,
           progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None, lang: str | None = None) -> ExportResult:
    """Write the orders matching query (all when None) to path (.xlsx) in `lang` (by default the
    messages' language); written to a temporary name and renamed when complete, so a cancel or
    crash never leaves half a file."""
    lang = messages.normalise(lang) if lang else messages.language()
    n_orders, n_lines, n_events, n_tickets = write_workbook(
        path, lambda wb: _fill(wb, db, query, columns, with_lines, with_audit, with_tickets, progress, cancelled, lang),
        cancelled, t("The export was cancelled; no file was written.", lang=lang))
    return ExportResult(path, n_orders, n_lines, n_events, lang, n_tickets)


def _fill(wb: Workbook, db: Database, query: GridQuery | None, columns: list[str] | None, with_lines: bool,
          with_audit: bool, with_tickets: bool, progress: Callable[[int, int], None] | None,
          cancelled: Callable[[], bool] | None, lang: str) -> tuple[int, int, int, int]:
    query = query or GridQuery(sort="created_at", descending=False)
    chosen = [c for c in ORDER_COLUMNS if columns is None or c[0] in columns or c[0] in ("channel", "status_code")]
    # names looked up once, not per row
    statuses = {s.value: s.label(lang) for s in Status}
    channels = {code: channel_label(code, lang) for code in CHANNELS}
    w = _Table(wb, t("Orders", lang=lang), [(title, width) for _, title, width, _ in chosen], lang)
    lw = _Table(wb, t("Lines", lang=lang), LINE_COLUMNS, lang) if with_lines else None
    tw = _Table(wb, t("Tickets", lang=lang), TICKET_COLUMNS, lang) if with_tickets else None
    tickets = _TicketRows(tw, lang, query.now or datetime.now(UTC)) if tw else None
    tables = {"orders": w, "lines": lw, "tickets": tw}
    by_status: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    by_channel: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    exported_ids: list[int] = []
    n_orders = n_lines = 0
    with db.read_session() as s:
        shop = get_shop(s)
        _name_the_shop(wb, shop, lang)
        total = grid.count(s, query)
        offset = 0
        while offset < total:
            rows = grid.window(s, query, offset, BATCH, total)
            if not rows:
                break
            ids = [r.id for r in rows]
            tbl = Order.__table__
            full = {o.id: o for o in s.execute(select(tbl).where(tbl.c.id.in_(ids)))}
            for r in rows:
                o = full[r.id]
                cur = o.currency
                status = statuses.get(o.status, o.status)
                channel = channels.get(o.channel, o.channel)
                values = {
                    "order_no": o.order_no, "channel": channel, "channel_order_no": o.channel_order_no,
                    "status": status, "status_code": o.status,
                    "total": to_decimal(o.total_minor, cur) if o.amount_known else None,
                    "paid": to_decimal(o.paid_minor, cur) if o.amount_known else None,
                    "currency": cur, "buyer": o.buyer, "recipient": o.recipient, "phone": o.phone,
                    "address": o.address, "courier": o.courier, "tracking_no": o.tracking_no,
                    "created_at": o.created_at, "updated_at": o.updated_at,
                }
                w.append([w.cell(values[key], kind) for key, _, _, kind in chosen])
                for table in (by_status[(status, cur)], by_channel[(channel, cur)]):
                    table[0] += 1
                    if o.amount_known:  # an unknown amount is left out of the sums, never counted as 0.00
                        table[1] += o.total_minor
                        table[2] += o.paid_minor
                exported_ids.append(o.id)
            n_orders += len(rows)
            if lw:
                for line in s.execute(select(OrderLine, col(Order.order_no), col(Order.currency)).join(Order)
                                      .where(col(OrderLine.order_id).in_(ids))
                                      .order_by(col(OrderLine.order_id), col(OrderLine.line_no))).all():
                    li, order_no, cur = line
                    lw.append([lw.cell(order_no), li.line_no, lw.cell(li.sku), lw.cell(li.title), li.qty,
                               lw.cell(to_decimal(li.unit_price_minor, cur), "money"), li.shipped_qty])
                    n_lines += 1
            if tickets:
                tickets.write(s, ids)
            offset += len(rows)
            if progress:
                progress(offset, total)
            _check(cancelled, lang)
        w.finish()
        for sheet in (lw, tw):
            if sheet:
                sheet.finish()
        summary = _Table(wb, t("Summary", lang=lang), SUMMARY_COLUMNS, lang)
        if with_audit:
            tables["audit"] = audit = _Table(wb, t("Audit trail", lang=lang), AUDIT_COLUMNS, lang)
            _audit(audit, s, exported_ids, lang, cancelled)
            audit.finish()
        _summary(summary, by_status, by_channel, tables, lang, shop)
    _keep_tables_together(wb, [w, lw, tw, summary, tables.get("audit")])
    return n_orders, n_lines, audit.rows if with_audit else 0, tw.rows if tw else 0


class _TicketRows:
    """The Tickets sheet: one row per ticket of the exported orders, named in the language. SLA
    met: yes or no once resolved (resolved within its time, as the figures count it); no while
    still open past its due time; empty while it can still be met."""

    def __init__(self, table: _Table, lang: str, now: datetime) -> None:
        self.table, self.lang, self.now = table, lang, now
        self.kinds = {k.value: _cap(t(KIND_LABELS[k], lang=lang)) for k in Kind}  # a cell, not a sentence
        self.states = {s.value: _cap(t(STATE_LABELS[s], lang=lang)) for s in State}
        self.roles = {r.value: _cap(r.label(lang)) for r in Role}
        self.yes, self.no = t("yes", lang=lang), t("no", lang=lang)

    def sla_met(self, tk: Row[Any]) -> str | None:
        if tk.resolved_at is not None:
            return self.yes if tk.used_seconds < tk.sla_seconds else self.no
        if tk.state in ACTIVE and tk.due_at is not None and tk.due_at <= self.now:
            return self.no
        return None

    def write(self, session: Session, order_ids: list[int]) -> None:
        w, tbl = self.table, Ticket.__table__
        for tk in session.execute(select(tbl).where(tbl.c.order_id.in_(order_ids))
                                  .order_by(tbl.c.order_id, tbl.c.id)):
            who = tk.assignee_user or self.roles.get(tk.assignee_role, tk.assignee_role)
            w.append([tk.id, w.cell(tk.order_no), w.cell(self.kinds.get(tk.kind, tk.kind)),
                      w.cell(Priority(tk.priority).label()), w.cell(self.states.get(tk.state, tk.state)), w.cell(who),
                      w.cell(tk.opened_at, "date"), w.cell(tk.due_at, "date"), w.cell(tk.resolved_at, "date"),
                      w.cell(tk.closed_at, "date"), w.cell(tk.resolution or None), w.cell(self.sla_met(tk))])


def _cap(label: str) -> str:
    return label[:1].upper() + label[1:]


def _check(cancelled: Callable[[], bool] | None, lang: str) -> None:
    if cancelled and cancelled():
        raise ExportCancelled(t("The export was cancelled; no file was written.", lang=lang))


def _keep_tables_together(wb: Workbook, tables: Iterable[_Table | None]) -> None:
    """Each table's sheets side by side ("Orders", "Orders (2)", "Lines", ...), in table order."""
    wanted = [ws for table in tables if table is not None for ws in table.sheets]
    for i, ws in enumerate(wanted):
        wb.move_sheet(ws.title, i - wb.index(ws))


def _name_the_shop(wb: Workbook, shop: ShopIdentity, lang: str) -> None:
    """The workbook's own title and author (File → Info in Excel, the file's properties in WPS
    and LibreOffice) name the shop, else the product; no sheet's columns change for it."""
    name = shop.name or t("Shop Orders", lang=lang)
    wb.properties.title = t("{shop}: orders", lang=lang, shop=name)
    wb.properties.creator = name


def _summary(w: _Table, by_status: dict[tuple[str, str], list[int]], by_channel: dict[tuple[str, str], list[int]],
             tables: dict[str, _Table | None], lang: str, shop: ShopIdentity | None = None) -> None:
    """The counts and totals by status and by channel; below the table, which sheets continue
    on others and the shop's name, address and phone when they are set (notes, not rows of the
    table: its columns and auto-filter stay as they were)."""
    for label, table in ((N_("Status: {name}"), by_status), (N_("Channel: {name}"), by_channel)):
        for (name, cur), (count, total, paid) in sorted(table.items()):
            w.append([t(label, lang=lang, name=name), cur, count, w.cell(to_decimal(total, cur), "money"),
                      w.cell(to_decimal(paid, cur), "money")])
    w.finish()  # the filter covers the table; the notes below it are not rows of it
    notes = [t(CONTINUES[key], lang=lang, n=len(table.sheets))
             for key, table in tables.items() if table is not None and len(table.sheets) > 1]
    if shop is not None and shop.name:
        notes.append(t("Shop: {name}", lang=lang, name=shop.name))
    if shop is not None and shop.contact():
        notes.append(shop.contact())
    if notes:
        w.ws.append([])
        for note in notes:
            w.ws.append([w.cell(note)])


def _audit(w: _Table, session: Session, ids: list[int], lang: str, cancelled: Callable[[], bool] | None) -> None:
    """The exported orders' events, in chain order, described for people as the window's trust chain
    and `show` describe them (domain/trail.py): Who is the person who made the change (a change
    set's proposer), Approved by the second person of a two-person change; an attachment by its
    file name."""
    describe = trail.Describer(lang)
    tbl = AuditEvent.__table__
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for e in session.execute(select(tbl).where(tbl.c.order_id.in_(chunk)).order_by(tbl.c.id)):
            r = describe.row(e)
            w.append([e.id, w.cell(e.at, "date"), w.cell(r.actor), w.cell(r.source), w.cell(e.order_no),
                      w.cell(r.action), w.cell(r.field), w.cell(r.old), w.cell(r.new), w.cell(e.reason),
                      w.cell(r.approver or None)])
        _check(cancelled, lang)
