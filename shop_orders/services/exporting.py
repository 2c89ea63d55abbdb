"""Excel export for bookkeepers: the grid's filter and columns, or every order with its lines.

Numbers stay numbers (money with two decimals, negative amounts as negative numbers), dates are
real Excel dates in local time, the header is frozen with an auto-filter and sensible widths,
plus a summary sheet (counts and totals by status and channel) and the audit trail of the
exported orders. Text from channels is untrusted (domain/cells.py): a text cell starting with
= + - @ tab or CR is written as a text cell with Excel's quote prefix, so it is shown, never
evaluated; control characters XML cannot carry are escaped as Excel escapes them (_x000B_), so the
export never fails on them and reading the file back gives the stored text. The "Status
code" and "Channel" columns let `shop-orders import` read the file back (it changes nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from shop_orders.domain.cells import looks_like_formula, xml_text
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.money import to_decimal
from shop_orders.domain.replay import describe_created
from shop_orders.domain.status import Status
from shop_orders.store import grid
from shop_orders.store.db import Database
from shop_orders.store.grid import GridQuery
from shop_orders.store.models import AuditEvent, Order, OrderLine

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd hh:mm"
BATCH = 2000

# key, header, width, kind
ORDER_COLUMNS = [
    ("order_no", "Order", 20, "text"), ("channel", "Channel", 12, "text"),
    ("channel_order_no", "Channel order no.", 24, "text"), ("status", "Status", 18, "text"),
    ("status_code", "Status code", 18, "text"), ("total", "Total", 12, "money"), ("paid", "Paid", 12, "money"),
    ("currency", "Currency", 9, "text"), ("buyer", "Buyer", 20, "text"), ("recipient", "Recipient", 14, "text"),
    ("phone", "Phone", 16, "text"), ("address", "Address", 40, "text"), ("courier", "Courier", 12, "text"),
    ("tracking_no", "Tracking no.", 20, "text"), ("created_at", "Created", 17, "date"),
    ("updated_at", "Last update", 17, "date"),
]
LINE_COLUMNS = [("Order", 20), ("Line", 6), ("SKU", 16), ("Item", 36), ("Qty", 6), ("Unit price", 12),
                ("Shipped", 8)]
AUDIT_COLUMNS = [("#", 9), ("Time", 17), ("Who", 12), ("Source", 22), ("Order", 20), ("Action", 10),
                 ("Field", 14), ("Old", 24), ("New", 24), ("Reason", 30)]


class ExportCancelled(ShopOrdersError):
    """The person cancelled; no file was written."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    orders: int
    lines: int
    events: int


def safe_text(ws, value: str):
    """A text cell Excel shows as text and never evaluates."""
    cell = WriteOnlyCell(ws, value=xml_text(value))
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def _local_naive(dt):
    return dt.astimezone().replace(tzinfo=None)


class _Writer:
    def __init__(self, ws):
        self.ws = ws
        self.bold = Font(bold=True)

    def header(self, titles: list[tuple[str, int]]) -> None:
        for i, (_, width) in enumerate(titles, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        cells = []
        for title, _ in titles:
            c = WriteOnlyCell(self.ws, value=title)
            c.font = self.bold
            cells.append(c)
        self.ws.append(cells)

    def cell(self, value, kind: str = "text"):
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

    def finish(self, columns: int, rows: int) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows + 1, 1)}"


def export(db: Database, path: Path, query: GridQuery | None = None, columns: list[str] | None = None,
           with_lines: bool = True, with_audit: bool = True,
           progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write the orders matching query (all when None) to path (.xlsx); written to a temporary
    name and renamed when complete, so a cancel or crash never leaves half a file."""
    wb = Workbook(write_only=True)
    try:
        n_orders, n_lines, n_events = _fill(wb, db, query, columns, with_lines, with_audit, progress, cancelled)
    except BaseException:
        for ws in wb.worksheets:
            ws.close()  # drop the half-written sheets' temporary files
        raise
    tmp = path.with_name(path.name + ".partial")
    try:
        wb.save(tmp)
        if cancelled and cancelled():  # cancelled (or the app quit) while the file was saved
            raise ExportCancelled("The export was cancelled; no file was written.")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return ExportResult(path, n_orders, n_lines, n_events)


def _fill(wb, db, query, columns, with_lines, with_audit, progress, cancelled) -> tuple[int, int, int]:
    query = query or GridQuery(sort="created_at", descending=False)
    chosen = [c for c in ORDER_COLUMNS if columns is None or c[0] in columns or c[0] in ("channel", "status_code")]
    ws = wb.create_sheet("Orders")
    w = _Writer(ws)
    w.header([(title, width) for _, title, width, _ in chosen])
    lines_ws = wb.create_sheet("Lines") if with_lines else None
    lw = _Writer(lines_ws) if lines_ws is not None else None
    if lw:
        lw.header(LINE_COLUMNS)
    by_status: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    by_channel: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    exported_ids: list[int] = []
    n_orders = n_lines = 0
    with db.read_session() as s:
        total = grid.count(s, query)
        offset = 0
        while offset < total:
            rows = grid.window(s, query, offset, BATCH, total)
            if not rows:
                break
            ids = [r.id for r in rows]
            t = Order.__table__
            full = {o.id: o for o in s.execute(select(t).where(t.c.id.in_(ids)))}
            for r in rows:
                o = full[r.id]
                cur = o.currency
                values = {
                    "order_no": o.order_no, "channel": o.channel, "channel_order_no": o.channel_order_no,
                    "status": Status(o.status).label(), "status_code": o.status,
                    "total": to_decimal(o.total_minor, cur), "paid": to_decimal(o.paid_minor, cur),
                    "currency": cur, "buyer": o.buyer, "recipient": o.recipient, "phone": o.phone,
                    "address": o.address, "courier": o.courier, "tracking_no": o.tracking_no,
                    "created_at": o.created_at, "updated_at": o.updated_at,
                }
                ws.append([w.cell(values[key], kind) for key, _, _, kind in chosen])
                for table in (by_status[(Status(o.status).label(), cur)], by_channel[(channel_label(o.channel), cur)]):
                    table[0] += 1
                    table[1] += o.total_minor
                    table[2] += o.paid_minor
                exported_ids.append(o.id)
            n_orders += len(rows)
            if lw:
                for line in s.execute(select(OrderLine, Order.order_no, Order.currency).join(Order)
                                      .where(OrderLine.order_id.in_(ids))
                                      .order_by(OrderLine.order_id, OrderLine.line_no)).all():
                    li, order_no, cur = line
                    lines_ws.append([lw.cell(order_no), li.line_no, lw.cell(li.sku), lw.cell(li.title), li.qty,
                                     lw.cell(to_decimal(li.unit_price_minor, cur), "money"), li.shipped_qty])
                    n_lines += 1
            offset += len(rows)
            if progress:
                progress(offset, total)
            if cancelled and cancelled():
                raise ExportCancelled("The export was cancelled; no file was written.")
        w.finish(len(chosen), n_orders)
        if lw:
            lw.finish(len(LINE_COLUMNS), n_lines)
        _summary(wb, by_status, by_channel)
        n_events = _audit(wb, s, exported_ids) if with_audit else 0
    return n_orders, n_lines, n_events


def _summary(wb, by_status, by_channel) -> None:
    ws = wb.create_sheet("Summary")
    w = _Writer(ws)
    w.header([("By", 26), ("Currency", 9), ("Orders", 10), ("Total", 14), ("Paid", 14)])
    rows = 0
    for title, table in (("Status", by_status), ("Channel", by_channel)):
        for (name, cur), (count, total, paid) in sorted(table.items()):
            ws.append([f"{title}: {name}", cur, count, w.cell(to_decimal(total, cur), "money"),
                       w.cell(to_decimal(paid, cur), "money")])
            rows += 1
    w.finish(5, rows)


def _audit(wb, session, ids: list[int]) -> int:
    ws = wb.create_sheet("Audit trail")
    w = _Writer(ws)
    w.header(AUDIT_COLUMNS)
    n = 0
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        t = AuditEvent.__table__
        for e in session.execute(select(t).where(t.c.order_id.in_(chunk)).order_by(t.c.id)):
            ws.append([e.id, w.cell(e.at, "date"), w.cell(e.actor), w.cell(e.source), w.cell(e.order_no),
                       w.cell(e.action), w.cell(e.field), w.cell(e.old),
                       w.cell(describe_created(e.new) if e.action == "create" else e.new),  # for people
                       w.cell(e.reason)])
            n += 1
    w.finish(len(AUDIT_COLUMNS), n)
    return n
