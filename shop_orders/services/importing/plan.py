"""Rows of a channel export to an ImportPlan: orders grouped from their rows (one row per order
or one per line item), every problem with file, row and column, and what importing would do
against the store (create, update, leave unchanged, refuse to move backwards)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import select, tuple_

from shop_orders.domain.channels import parse_channel
from shop_orders.domain.status import CHANNEL_RANK, Status, channel_update_allowed
from shop_orders.services.importing import values
from shop_orders.services.importing.header import HeaderMatch
from shop_orders.services.importing.profiles import Profile, shopify_status
from shop_orders.services.orders import LineDraft
from shop_orders.store.db import Database
from shop_orders.store.models import Order

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


@dataclass
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


@dataclass
class Update:
    order_no: str
    order_id: int
    version: int
    changes: dict[str, tuple[object, object]]  # field -> (ours, theirs)


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


def _cell(row: list, i: int | None):
    if i is None or i >= len(row):
        return None
    return row[i]


def parse(rows: list[list], match: HeaderMatch, file_name: str, shop_tz: tzinfo,
          progress=None) -> tuple[list[ImportedOrder], list[Problem], int]:
    """Group the data rows under the header into orders; collect every problem."""
    prof, cols = match.profile, match.columns
    head = match.headers
    orders: dict[tuple[str, str], ImportedOrder] = {}
    problems: list[Problem] = []
    skipped = 0

    def colname(fld: str) -> str:
        i = cols.get(fld)
        return head[i] if i is not None and i < len(head) else fld

    data = rows[match.row + 1:]
    for n, row in enumerate(data):
        rowno = match.row + 2 + n
        if progress is not None and n % 2000 == 0:
            progress(n, len(data))
        if not any(values.clean(c) for c in row):
            skipped += 1
            continue
        raw_no = _cell(row, cols["channel_order_no"])
        if TRAILER.search(values.clean(raw_no)):
            skipped += 1  # a totals row: "合计", "Total", "共 12 条"
            continue
        if not values.clean(raw_no):
            if any(TRAILER.search(values.clean(c)) for c in row if values.clean(c)):
                skipped += 1  # a totals or trailer row
                continue
            problems.append(Problem(file_name, rowno, colname("channel_order_no"), "the order number is empty"))
            continue

        def get(fld: str, conv=None, *, rowno=rowno, row=row):
            v = _cell(row, cols.get(fld))
            if conv is None:
                return values.clean(v)
            try:
                return conv(v)
            except values.CellError as exc:
                problems.append(Problem(file_name, rowno, colname(fld), str(exc)))
                return None

        cno = get("channel_order_no", values.order_number)
        if cno is None:
            continue
        currency = (get("currency") or prof.currency).upper()[:3]
        channel = prof.channel
        if "channel" in cols:
            try:
                channel = parse_channel(get("channel"))
            except ValueError as exc:
                problems.append(Problem(file_name, rowno, colname("channel"), str(exc)))
                continue
        order = orders.get((channel, cno))
        if order is None:
            status = None
            if prof.status_rule == "standard":
                try:
                    status = Status.parse(get("status"))
                except ValueError as exc:
                    problems.append(Problem(file_name, rowno, colname("status"), str(exc)))
            elif prof.status_rule == "shopify":
                status = shopify_status(get("financial_status"), get("fulfillment_status"), get("cancelled_at"))
                if status is None:
                    problems.append(Problem(file_name, rowno, colname("financial_status"),
                                            f"unknown payment status '{get('financial_status')}'"))
            elif "status" in cols:
                word = get("status")
                status = prof.status_for(word)
                if status is None:
                    problems.append(Problem(file_name, rowno, colname("status"), f"unknown order status '{word}'"))
            else:
                status = Status.AWAITING_SHIPMENT
            created = get("created_at", lambda v: values.when(v, shop_tz)) if "created_at" in cols else None
            total = get("total", lambda v, c=currency: values.amount_minor(v, c)) if "total" in cols else None
            paid = get("paid", lambda v, c=currency: values.amount_minor(v, c)) if "paid" in cols else None
            address = get("address")
            if not address:
                address = " ".join(p for p in (get("address_province"), get("address_city"),
                                               get("address_district"), get("address_street")) if p)
            phone = get("phone")
            if phone and not re.fullmatch(r"[0-9+\-() *]{3,40}", phone):
                problems.append(Problem(file_name, rowno, colname("phone"), f"'{phone}' is not a phone number"))
                phone = ""
            if status is None:
                continue
            order = ImportedOrder(channel, cno, created, status, currency, total, paid, get("buyer"),
                                  get("recipient"), phone, address, get("courier"), get("tracking_no"),
                                  first_row=rowno)
            orders[(channel, cno)] = order
        title, sku = get("title"), get("sku")
        if title or sku:
            qty = get("qty", values.quantity) if "qty" in cols else 1
            price = get("unit_price", lambda v, c=currency: values.amount_minor(v, c)) if "unit_price" in cols else None
            if qty is None:
                continue
            if price is None:
                price = 0
                if "unit_price" not in cols and "total" in cols and order.total_minor is not None and not order.lines:
                    price = order.total_minor // qty if order.total_minor % qty == 0 else 0
            shipped = qty if order.status in (Status.SHIPPED, Status.COMPLETED) else 0
            order.lines.append(LineDraft(sku[:64], title[:300], qty, price, shipped))
    if progress is not None:
        progress(len(data), len(data))
    result = list(orders.values())
    for o in result:
        if o.created_at is None:
            problems.append(Problem(file_name, o.first_row, "", "the order has no order time"))
    return result, problems, skipped


def compare(db: Database, plan: ImportPlan) -> None:
    """Sort the parsed orders into creates, updates, unchanged and refused (backwards) moves."""
    keys = [(o.channel, o.channel_order_no) for o in plan.orders]
    existing: dict[tuple[str, str], Order] = {}
    with db.read_session() as s:
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            for o in s.execute(select(Order).where(tuple_(Order.channel, Order.channel_order_no).in_(chunk))).scalars():
                existing[(o.channel, o.channel_order_no)] = o
    for imp in plan.orders:
        ours = existing.get((imp.channel, imp.channel_order_no))
        if ours is None:
            plan.creates.append(imp)
            continue
        theirs = {"status": imp.status.value, "paid_minor": imp.final_paid(), "buyer": imp.buyer,
                  "recipient": imp.recipient, "phone": imp.phone, "address": imp.address,
                  "courier": imp.courier, "tracking_no": imp.tracking_no}
        changes = {}
        for f in COMPARED:
            new, old = theirs[f], getattr(ours, f)
            if f != "status" and f != "paid_minor" and not new:
                continue  # an empty cell never erases what we know
            if new != old:
                changes[f] = (old, new)
        if "status" in changes and not channel_update_allowed(Status(ours.status), imp.status):
            plan.refused.append(Problem(plan.file, imp.first_row, "",
                                        f"{ours.order_no} is {Status(ours.status).label()} here; the file's "
                                        f"'{imp.status.label()}' is older and was not applied"))
            changes.pop("status")
            changes.pop("paid_minor", None)
        if changes:
            plan.updates.append(Update(ours.order_no, ours.id, ours.version, changes))
        else:
            plan.unchanged += 1
    assert set(CHANNEL_RANK) == set(Status)
