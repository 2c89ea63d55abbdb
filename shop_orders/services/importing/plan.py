"""Rows of a channel export to an ImportPlan: orders grouped from their rows (one row per order
or one per line item), every problem with file, row and column, and what importing would do
against the store (create, update, leave unchanged, refuse to move backwards)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import Row, case, func, select

from shop_orders.domain.channels import parse_channel
from shop_orders.domain.status import CHANNEL_RANK, Status, channel_update_allowed
from shop_orders.services.importing import values
from shop_orders.services.importing.header import HeaderMatch
from shop_orders.services.importing.profiles import Profile, shopify_status
from shop_orders.services.orders import LineDraft, OrderDraft, draft_problems
from shop_orders.store.db import Database
from shop_orders.store.models import Order, Payment

TRAILER = re.compile(r"(合计|总计|小计|汇总|^共\s*\d+|^total\b|^totals?:|^count\b|记录数)", re.IGNORECASE)
COMPARED = ("status", "paid_minor", "buyer", "recipient", "phone", "address", "courier", "tracking_no")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based, as a spreadsheet shows it
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportedOrder:
    channel: str
    channel_order_no: str
    created_at: datetime | None
    status: Status
    currency: str
    total_minor: int | None
    paid_minor: int | None
    buyer: str = ""
    recipient: str = ""
    phone: str = ""
    address: str = ""
    courier: str = ""
    tracking_no: str = ""
    lines: list[LineDraft] = field(default_factory=list)
    first_row: int = 0

    def final_total(self) -> int:
        if self.total_minor is not None:
            return self.total_minor
        return sum(line.qty * line.unit_price_minor for line in self.lines)

    def final_paid(self) -> int:
        if self.paid_minor is not None:
            return self.paid_minor
        before_payment = self.status in (Status.AWAITING_CONFIRMATION, Status.AWAITING_PAYMENT, Status.CANCELLED)
        return 0 if before_payment else self.final_total()

    def to_draft(self) -> OrderDraft:
        """What the order services create for this order (no total in the file: the lines' sum,
        computed and checked by the services)."""
        return OrderDraft(
            channel=self.channel, channel_order_no=self.channel_order_no, created_at=self.created_at,
            currency=self.currency, total_minor=self.total_minor, status=self.status, buyer=self.buyer,
            recipient=self.recipient, phone=self.phone, address=self.address, courier=self.courier,
            tracking_no=self.tracking_no, lines=self.lines, paid_minor=self.final_paid())


@dataclass
class Update:
    order_no: str
    order_id: int
    version: int
    changes: dict[str, tuple[object, object]]  # field -> (ours, theirs)
    row: int = 0  # the file's row of the order


@dataclass
class ImportPlan:
    file: str
    profile: Profile
    header_row: int
    orders: list[ImportedOrder] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    creates: list[ImportedOrder] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Problem] = field(default_factory=list)  # backwards moves, reported not applied
    skipped_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


MEMO_LIMIT = 50_000  # distinct cells remembered per field (status words, names, prices repeat)
BLOCK = 2000  # rows converted column by column at a time
TEXT_FIELDS = ("buyer", "recipient", "phone", "address", "courier", "tracking_no", "sku", "title", "currency",
               "channel", "status", "financial_status", "fulfillment_status", "cancelled_at", "address_province",
               "address_city", "address_district", "address_street")
_PHONE = re.compile(r"[0-9+\-() *]{3,40}")


class _Bad:
    """A cell that could not be read; reported (with its row) only if the row uses it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Field:
    """One mapped field: its column, its header (for messages) and a converter that remembers
    what each distinct cell became, so a word repeated in 100,000 rows is converted once."""

    __slots__ = ("index", "name", "fn", "memo")

    def __init__(self, index: int, name: str, fn) -> None:
        self.index, self.name, self.fn, self.memo = index, name, fn, {}

    def column(self, block: list[list], extra: list | None = None) -> list:
        """The converted cells of this field in `block`; `extra` (per row) is passed to fn too.
        Remembered cells are looked up for the whole block at C speed; only new ones are converted."""
        i = self.index
        try:
            cells = [row[i] for row in block]
        except IndexError:  # a short row (text files)
            cells = [row[i] if i < len(row) else None for row in block]
        if extra is None and set(map(type, cells)) == {str}:
            keys = cells
        else:
            keys = [v if v.__class__ is str else (v.__class__, v) for v in cells]
            if extra is not None:
                keys = list(zip(keys, extra, strict=True))
        out = list(map(self.memo.get, keys))  # never None once converted
        if None in out:
            memo, fn = self.memo, self.fn
            for j, r in enumerate(out):
                if r is None:
                    try:
                        r = fn(cells[j]) if extra is None else fn(cells[j], extra[j])
                    except values.CellError as exc:
                        r = _Bad(str(exc))
                    if len(memo) < MEMO_LIMIT:
                        memo[keys[j]] = r
                    out[j] = r
        return out


def parse(rows: Iterable[list], match: HeaderMatch, file_name: str, shop_tz: tzinfo,
          progress=None, total: int | None = None) -> tuple[list[ImportedOrder], list[Problem], int]:
    """Group the data rows under the header into orders; collect every problem.

    `rows` are the sheet's rows from its first row: a list, or an iterator consumed as it goes so
    a large sheet is never held twice (`total`, their number, is then given for progress). Cells
    are converted a block of rows and a column at a time, each distinct cell once per field."""
    prof, cols, head = match.profile, match.columns, match.headers
    orders: dict[tuple[str, str], ImportedOrder] = {}
    problems: list[Problem] = []
    skipped = 0
    if total is None:
        total = len(rows) if hasattr(rows, "__len__") else 0
    total = max(total - match.row - 1, 0)

    def field_of(fld: str, conv) -> _Field | None:
        i = cols.get(fld)
        if i is None:
            return None
        return _Field(i, head[i] if i < len(head) else fld, conv)

    fields = {f: field_of(f, values.clean) for f in TEXT_FIELDS}
    fields["channel_order_no"] = field_of("channel_order_no", values.order_number)
    fields["created_at"] = field_of("created_at", lambda v: values.when(v, shop_tz))
    fields["qty"] = field_of("qty", values.quantity)
    for f in ("total", "paid", "unit_price"):
        fields[f] = field_of(f, values.amount_minor)
    fields = {k: v for k, v in fields.items() if v is not None}
    number = fields["channel_order_no"]
    data = itertools.islice(rows, match.row + 1, None)
    first = match.row + 2  # the spreadsheet's number of the block's first row
    while block := list(itertools.islice(data, BLOCK)):
        if progress is not None:
            progress(first - match.row - 2, total)
        blank = [""] * len(block)
        cv = {f: fld.column(block) for f, fld in fields.items() if f not in ("total", "paid", "unit_price")}
        currencies = [(c or prof.currency).upper()[:3] for c in cv.get("currency", blank)]
        for f in ("total", "paid", "unit_price"):
            if f in fields:
                cv[f] = fields[f].column(block, currencies)
        batch = _Block(cv, blank, currencies, fields, file_name, problems)
        for j, row in enumerate(block):
            rowno = first + j
            cno = cv["channel_order_no"][j]
            raw_no = cno if cno.__class__ is str else values.clean(
                row[number.index] if number.index < len(row) else None)
            if not raw_no:
                cells = [c for c in map(values.clean, row) if c]
                if not cells or any(TRAILER.search(c) for c in cells):
                    skipped += 1  # an empty row, or a totals or trailer row
                    continue
                problems.append(Problem(file_name, rowno, number.name, "the order number is empty"))
                continue
            if not raw_no.isdigit() and TRAILER.search(raw_no):
                skipped += 1  # a totals row: "合计", "Total", "共 12 条"
                continue
            cno = batch.value("channel_order_no", j, rowno)
            if cno is None:
                continue
            channel = prof.channel
            if "channel" in cv:
                try:
                    channel = parse_channel(cv["channel"][j])
                except ValueError as exc:
                    problems.append(Problem(file_name, rowno, fields["channel"].name, str(exc)))
                    continue
            order = orders.get((channel, cno))
            if order is None:
                order = batch.new_order(j, rowno, prof, channel, cno)
                if order is None:
                    continue
                orders[(channel, cno)] = order
            title, sku = batch.title[j], batch.sku[j]
            if title or sku:
                qty = batch.value("qty", j, rowno) if "qty" in cv else 1
                price = batch.value("unit_price", j, rowno) if "unit_price" in cv else None
                if qty is None:
                    continue
                if price is None:
                    price = 0
                    if ("unit_price" not in cv and "total" in cv and order.total_minor is not None
                            and order.total_minor > 0 and not order.lines):
                        price = order.total_minor // qty if order.total_minor % qty == 0 else 0
                shipped = qty if order.status in (Status.SHIPPED, Status.COMPLETED) else 0
                order.lines.append(LineDraft(sku[:64], title[:300], qty, price, shipped))
        first += len(block)
    if progress is not None:
        progress(total, total)
    result = list(orders.values())
    for o in result:
        if o.created_at is None:
            problems.append(Problem(file_name, o.first_row, "", "the order has no order time"))
    return result, problems, skipped


class _Block:
    """The converted columns of one block of rows, read cell by cell as orders are built."""

    def __init__(self, cv: dict[str, list], blank: list, currencies: list[str], fields: dict[str, _Field],
                 file_name: str, problems: list[Problem]) -> None:
        self.cv, self.blank, self.currencies, self.fields = cv, blank, currencies, fields
        self.file_name, self.problems = file_name, problems
        for f in TEXT_FIELDS:
            setattr(self, f, cv.get(f, blank))

    def text(self, fld: str, j: int) -> str:
        return self.cv.get(fld, self.blank)[j]

    def value(self, fld: str, j: int, rowno: int):
        """The converted cell, or None after recording why it cannot be read."""
        v = self.cv[fld][j]
        if v.__class__ is _Bad:
            self.problems.append(Problem(self.file_name, rowno, self.fields[fld].name, v.message))
            return None
        return v

    def new_order(self, j: int, rowno: int, prof: Profile, channel: str, cno: str) -> ImportedOrder | None:
        cv, text, problems = self.cv, self.text, self.problems
        status = None
        if prof.status_rule == "standard":
            try:
                status = Status.parse(text("status", j))
            except ValueError as exc:
                problems.append(Problem(self.file_name, rowno, self._name("status"), str(exc)))
        elif prof.status_rule == "shopify":
            fin = text("financial_status", j)
            status = shopify_status(fin, text("fulfillment_status", j), text("cancelled_at", j))
            if status is None:
                problems.append(Problem(self.file_name, rowno, self._name("financial_status"),
                                        f"unknown payment status '{fin}'"))
        elif "status" in cv:
            word = text("status", j)
            status = prof.status_for(word)
            if status is None:
                problems.append(Problem(self.file_name, rowno, self._name("status"),
                                        f"unknown order status '{word}'"))
        else:
            status = Status.AWAITING_SHIPMENT
        when = self.value("created_at", j, rowno) if "created_at" in cv else None
        total = self.value("total", j, rowno) if "total" in cv else None
        paid = self.value("paid", j, rowno) if "paid" in cv else None
        address = self.address[j]
        if not address:
            address = " ".join(p for p in (self.address_province[j], self.address_city[j],
                                           self.address_district[j], self.address_street[j]) if p)
        phone = self.phone[j]
        if phone and not _PHONE.fullmatch(phone):
            problems.append(Problem(self.file_name, rowno, self._name("phone"), f"'{phone}' is not a phone number"))
            phone = ""
        if status is None:
            return None
        return ImportedOrder(channel, cno, when, status, self.currencies[j], total, paid, self.buyer[j],
                             self.recipient[j], phone, address, self.courier[j], self.tracking_no[j],
                             first_row=rowno)

    def _name(self, fld: str) -> str:
        f = self.fields.get(fld)
        return f.name if f is not None else fld


def check_orders(plan: ImportPlan, match: HeaderMatch) -> None:
    """The order services' own rules (orders.draft_problems: ranges, lengths, negative prices,
    phone, currency...) for every parsed order, as problems with file, row and column: the preview,
    the dry run and the import all see them here, so a file that checks clean imports cleanly."""
    def column(fld: str) -> str:
        i = match.columns.get(fld)
        if i is None and fld == "created_at":
            return ""
        if i is None or i >= len(match.headers):
            return fld.replace("_", " ")
        return str(match.headers[i])

    for imp in plan.orders:
        for fld, message in draft_problems(imp.to_draft()):
            if fld == "created_at" and imp.created_at is None:
                continue  # already reported by parse: "the order has no order time"
            plan.problems.append(Problem(plan.file, imp.first_row, column(fld), message))


def _masked_same(new: str, old: str) -> bool:
    """A masked phone from a channel (138****5678) that matches the one we know: not a change."""
    return "*" in new and len(new) == len(old) and all(a == "*" or a == b for a, b in zip(new, old, strict=True))


def new_payment(file_paid: int, gross_paid: int) -> int:
    """How much a re-import adds as a new payment: money never moves backwards.

    A channel's file says how much the buyer paid in all (its "paid" column does not go down when
    the shop refunds). The store records every payment and refund as its own row. So the file's
    paid amount is compared with the store's GROSS payments (every positive payment ever recorded,
    refunds not subtracted): only when the channel shows more paid than all payments recorded is
    the difference added, as one new payment. A refund recorded in the store is never undone
    (paying 100, refunding 100 and re-importing "paid 100" adds nothing), a payment is never
    repeated, and a file showing less paid than recorded never invents a refund: refunds are
    recorded in the store (shop-orders pay ORDER -AMOUNT), not inferred from a file.
    """
    return max(file_paid - gross_paid, 0)


def _gross_paid(session, order_ids: list[int]) -> dict[int, int]:
    """Every order's positive payments ever recorded, refunds not subtracted (see new_payment)."""
    if not order_ids:
        return {}
    positive = func.sum(case((Payment.amount_minor > 0, Payment.amount_minor), else_=0))
    rows = session.execute(select(Payment.order_id, positive).where(Payment.order_id.in_(order_ids))
                           .group_by(Payment.order_id))
    return {order_id: int(total or 0) for order_id, total in rows}


def compare(db: Database, plan: ImportPlan) -> None:
    """Sort the parsed orders into creates, updates, unchanged and refused (backwards) moves."""
    by_channel: dict[str, list[str]] = {}
    for o in plan.orders:
        by_channel.setdefault(o.channel, []).append(o.channel_order_no)
    existing: dict[tuple[str, str], Row] = {}
    gross: dict[int, int] = {}
    wanted = [Order.id, Order.order_no, Order.version, Order.channel, Order.channel_order_no,
              *(getattr(Order, f) for f in COMPARED)]
    with db.read_session() as s:
        for channel, numbers in by_channel.items():
            for i in range(0, len(numbers), 500):
                rows = s.execute(select(*wanted).where(
                    Order.channel == channel, Order.channel_order_no.in_(numbers[i:i + 500])))
                found = rows.all()
                for r in found:
                    existing[(r.channel, r.channel_order_no)] = r
                gross.update(_gross_paid(s, [r.id for r in found]))
    for imp in plan.orders:
        ours = existing.get((imp.channel, imp.channel_order_no))
        if ours is None:
            plan.creates.append(imp)
            continue
        theirs = {"status": imp.status.value, "buyer": imp.buyer,
                  "recipient": imp.recipient, "phone": imp.phone, "address": imp.address,
                  "courier": imp.courier, "tracking_no": imp.tracking_no}
        changes = {}
        for f in COMPARED:
            if f == "paid_minor":
                continue
            new, old = theirs[f], getattr(ours, f)
            if f != "status" and not new:
                continue  # an empty cell never erases what we know
            if f == "phone" and _masked_same(new, old):
                continue  # the channel masks what we already know in full
            if new != old:
                changes[f] = (old, new)
        more = new_payment(imp.final_paid(), gross.get(ours.id, 0))
        if more:
            changes["paid_minor"] = (ours.paid_minor, ours.paid_minor + more)
        if "status" in changes and not channel_update_allowed(Status(ours.status), imp.status):
            plan.refused.append(Problem(plan.file, imp.first_row, "",
                                        f"{ours.order_no} is {Status(ours.status).label()} here; the file's "
                                        f"'{imp.status.label()}' is older and was not applied"))
            changes.pop("status")
            changes.pop("paid_minor", None)
        if changes:
            plan.updates.append(Update(ours.order_no, ours.id, ours.version, changes, imp.first_row))
        else:
            plan.unchanged += 1
    assert set(CHANNEL_RANK) == set(Status)
