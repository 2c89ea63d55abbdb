"""Rows of a channel export to an ImportPlan: orders grouped from their rows (one row per order
or one per line item), every problem with file, row and column, and what importing would do
against the store (create, update, leave unchanged, refuse to move backwards).

`check` is the one place a file's rows are read and checked: the import dialog's preview, the
mapping dialog's preview, `import --dry-run` and the import itself all go through it, so a file
that previews with no problem imports without error.

Only the order number is required. An unpaid order often has no order time (Pinduoduo leaves
订单成交时间 empty until the group forms): it is dated by its payment or shipping time if the file
has one, else by the time of the import. Payment, shipping and finishing times are optional.
Masked or encrypted personal data (138****5678, 张**, ##…) is kept exactly as given.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from typing import Any, cast

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain import flags as flag_codes
from shop_orders.domain.changes import Actor
from shop_orders.domain.channels import parse_channel
from shop_orders.domain.messages import N_, t
from shop_orders.domain.roles import Role
from shop_orders.domain.status import CHANNEL_RANK, Status, channel_update_allowed
from shop_orders.domain.vocabulary import field_label
from shop_orders.services import permissions
from shop_orders.services.importing import values
from shop_orders.services.importing.header import HeaderMatch
from shop_orders.services.importing.profiles import (
    FROM_FACTS,
    PAID_STAGES,
    TIME_FIELDS,
    Profile,
    StatusReading,
    norm,
    shopify_status,
    status_key,
)
from shop_orders.services.orders import LineDraft, OrderDraft, draft_problems
from shop_orders.store.db import Database
from shop_orders.store.models import Order, Payment

S = Status
TRAILER = re.compile(r"(合计|总计|小计|汇总|^共\s*\d+|^total\b|^totals?:|^count\b|记录数|^seller id:)", re.IGNORECASE)
# eBay's report ends with "4, record(s) downloaded,from ,Jan-18-16,...": a count where the order number is.
FOOTER = re.compile(r"record\(s\) downloaded", re.IGNORECASE)
COMPARED = ("status", "paid_minor", "buyer", "recipient", "phone", "address", "courier", "tracking_no", "flags",
            "amount_known", "total_minor", "currency")
BEFORE_PAYMENT = (S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT)
MAX_ROWS_NAMED = 5


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based, as a spreadsheet shows it
    column: str
    message: str
    orders: tuple[int, ...] = ()  # the first rows of the orders it concerns, when not just `row`'s
    word: str = ""  # an unknown status word, for mapping it on the spot

    def __str__(self) -> str:
        if self.column:
            return t("{file}, row {row}, column {column}: {message}", file=self.file, row=self.row,
                     column=self.column, message=self.message)
        return t("{file}, row {row}: {message}", file=self.file, row=self.row, message=self.message)

    @property
    def affected(self) -> tuple[int, ...]:
        return self.orders or (self.row,)


# The file's own amounts, by field: the total is the order's; paid and refunded are what the file
# states, from which `received` and `refunded` work out what is recorded.
STATED = {"total": "total_minor", "paid": "stated_paid", "refunded": "stated_refunded"}


@dataclass(slots=True)
class ImportedOrder(OrderDraft):
    """An order as a file states it: the order services' draft (every field the store keeps, its
    created_at None until the rows are read) and what only reading a file needs."""

    first_row: int = 0  # the spreadsheet's row of the order's first row
    stated_paid: int | None = None  # what the file says was paid; None: it does not say
    stated_refunded: int | None = None  # what the file says was refunded
    money_received: bool = False  # the status word says the buyer paid
    row_statuses: list[StatusReading] | None = None  # per row, when each row is a sub-order
    row_totals: list[int | None] | None = None  # beside row_statuses, when each row has its own total
    status_word: str = ""  # as the order's first row writes it (compared by status_key)
    from_facts: bool = False  # the file says no status: its payment, refund and shipping decide it
    priced: bool = False  # a line's price or amount was stated (the order's amounts are known)
    shipped_at: datetime | None = None
    finished_at: datetime | None = None

    def final_total(self) -> int:
        if self.total_minor is not None:
            return self.total_minor
        return sum(line.qty * line.unit_price_minor for line in self.lines)

    def received(self) -> int:
        """What the buyer paid, as far as the file shows it. Before payment or when closed, only
        with evidence that money came in (a payment time, a word that says so, or a refund the
        file states: money that went back had come in). Nothing when the amounts are unknown."""
        if not self.amount_known:
            return 0
        stated = self.stated_paid
        evidence = self.money_received or self.paid_at is not None or (self.stated_refunded or 0) > 0
        if self.status is S.CANCELLED or self.status in BEFORE_PAYMENT:
            if not evidence:
                return 0
            return stated if stated is not None else self.final_total()
        if self.status is S.PARTIALLY_PAID:
            return stated or 0
        return stated if stated is not None else self.final_total()

    def refunded(self, received: int | None = None) -> int:
        """Refunded to the buyer: what a refund column says; a closed order that was paid has had
        its money back in full unless the file says how much (channels close a paid order only
        through a refund)."""
        if received is None:
            received = self.received()
        if self.stated_refunded is not None:
            return min(max(self.stated_refunded, 0), received)
        return received if self.status is S.CANCELLED else 0

    def final_paid(self) -> int:
        """What is paid now: received less refunded."""
        return self.received() - self.refunded()

    def to_draft(self) -> OrderDraft:
        """What the order services create for this order (no total in the file: the lines' sum,
        computed and checked by the services): the draft part, with what was received and
        refunded worked out."""
        received = self.received()
        values_ = {f.name: getattr(self, f.name) for f in fields(OrderDraft)}
        return OrderDraft(**{**values_, "paid_minor": received, "refunded_minor": self.refunded(received)})


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
    cancelled_on_channel: list[int] = field(default_factory=list)  # shipped here: the cancel rule's
    skipped_rows: int = 0
    match: HeaderMatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def invalid_rows(self) -> set[int]:
        """The first rows of the orders some problem concerns (left out with --skip-invalid)."""
        return {r for p in self.problems for r in p.affected}

    def unknown_words(self) -> list[str]:
        return [p.word for p in self.problems if p.word]


MEMO_LIMIT = 50_000  # distinct cells remembered per field (status words, names, prices repeat)
BLOCK = 2000  # rows converted column by column at a time
TEXT_FIELDS = ("buyer", "recipient", "phone", "address", "courier", "tracking_no", "sku", "title", "currency",
               "channel", "status", "financial_status", "fulfillment_status", "cancelled_at", "address_province",
               "address_city", "address_district", "address_street", "payment_method", "marketplace",
               "address_line2", "address_line3", "address_postcode", "address_country", "line_status")
MONEY = ("total", "paid", "refunded", "unit_price", "line_total", "outstanding")
# The parts of an address, in the order each style writes them.
ADDRESS_PARTS = {"cn": ("address_province", "address_city", "address_district", "address_street"),
                 "west": ("address_street", "address_line2", "address_line3", "address_city", "address_district",
                          "address_province", "address_postcode", "address_country")}
ADDRESS_JOIN = {"cn": " ", "west": ", "}
# A marketplace's currency (Amazon's sales-channel column); a file of one marketplace without it
# (Amazon.in's pickup list) reads it from the only country it ships to.
MARKETPLACE_CURRENCY = {
    "amazon.com": "USD", "amazon.ca": "CAD", "amazon.com.mx": "MXN", "amazon.com.br": "BRL", "amazon.co.uk": "GBP",
    "amazon.de": "EUR", "amazon.fr": "EUR", "amazon.it": "EUR", "amazon.es": "EUR", "amazon.nl": "EUR",
    "amazon.com.be": "EUR", "amazon.ie": "EUR", "amazon.se": "SEK", "amazon.pl": "PLN", "amazon.com.tr": "TRY",
    "amazon.ae": "AED", "amazon.sa": "SAR", "amazon.eg": "EGP", "amazon.in": "INR", "amazon.co.jp": "JPY",
    "amazon.com.au": "AUD", "amazon.sg": "SGD", "amazon.cn": "CNY",
    # ship-country of a single-country file
    "us": "USD", "ca": "CAD", "mx": "MXN", "br": "BRL", "gb": "GBP", "uk": "GBP", "de": "EUR", "fr": "EUR", "it": "EUR",
    "es": "EUR", "nl": "EUR", "be": "EUR", "ie": "EUR", "se": "SEK", "pl": "PLN", "tr": "TRY", "ae": "AED",
    "sa": "SAR", "eg": "EGP", "in": "INR", "jp": "JPY", "au": "AUD", "sg": "SGD", "cn": "CNY",
}
# Order fields every row of an order must agree on (when a row states them at all).
AGREE = ("currency", "buyer", "recipient", "phone", "address", "created_at", "status", "total", "paid", "refunded")
_LINE_ITEM = re.compile(r"^line_item_\d+$", re.IGNORECASE)


# Not converted yet (a converted cell may be None: an empty optional cell). A plain object: its
# comparisons in `_NEW in cells` stay in C (identity), never a Python __eq__ per cell.
_NEW = object()


class _Bad:
    """A cell that could not be read; reported (with its row) only if the row uses it."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Field:
    """One mapped field: its column, its header (for messages) and a converter that remembers
    what each distinct cell became, so a word repeated in 100,000 rows is converted once."""

    __slots__ = ("index", "name", "fn", "memo")
    memo: dict[Any, Any]  # cell -> what fn made of it

    def __init__(self, index: int, name: str, fn: Callable[..., object]) -> None:
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
        out = list(map(self.memo.get, keys, itertools.repeat(_NEW)))
        if _NEW in out:
            memo, fn = self.memo, self.fn
            for j, r in enumerate(out):
                if r is _NEW:
                    try:
                        r = fn(cells[j]) if extra is None else fn(cells[j], extra[j])
                    except values.CellError as exc:
                        r = _Bad(str(exc))
                    if len(memo) < MEMO_LIMIT:
                        memo[keys[j]] = r
                    out[j] = r
        return out


def _money_or_none(value: values.Cell, currency: str) -> int | None:
    return values.amount_or_none(value, currency)


def check(rows: Iterable[list], match: HeaderMatch, file_name: str, shop_tz: tzinfo, now: datetime | None = None,
          progress: Callable[[int, int], None] | None = None, total: int | None = None,
          ) -> tuple[list[ImportedOrder], list[Problem], int]:
    """Read and check the rows under the header: the orders, every problem, and how many rows
    were skipped as empty or totals rows. The same for previews, dry runs and imports."""
    orders, problems, skipped = parse(rows, match, file_name, shop_tz, now, progress, total)
    check_orders(orders, problems, match, file_name)
    return orders, problems, skipped


def parse(rows: Iterable[list], match: HeaderMatch, file_name: str, shop_tz: tzinfo, now: datetime | None = None,
          progress: Callable[[int, int], None] | None = None, total: int | None = None,
          ) -> tuple[list[ImportedOrder], list[Problem], int]:
    """Group the data rows under the header into orders; collect every problem.

    `rows` are the sheet's rows from its first row: a list, or an iterator consumed as it goes so
    a large sheet is never held twice (`total`, their number, is then given for progress). Cells
    are converted a block of rows and a column at a time, each distinct cell once per field."""
    if total is None:
        total = len(rows) if isinstance(rows, Sized) else 0
    parser = _Parser(match, file_name, shop_tz)
    data_rows = max(total - match.row - 1, 0)
    data = itertools.islice(rows, match.row + 1, None)
    first = match.row + 2  # the spreadsheet's number of the block's first row
    while block := list(itertools.islice(data, BLOCK)):
        if progress is not None:
            progress(first - match.row - 2, data_rows)
        parser.read_block(block, first)
        first += len(block)
    if progress is not None:
        progress(data_rows, data_rows)
    return parser.finish(now or datetime.now(UTC))


def converters(match: HeaderMatch, shop_tz: tzinfo) -> dict[str, _Field]:
    """A converter for every field the header maps: text, the order number, times, quantities
    and amounts (in each row's currency)."""
    cols, head = match.columns, match.headers
    month_first = match.profile.date_order == "mdy"
    by_field: dict[str, Callable[..., object]] = {f: values.clean for f in TEXT_FIELDS}
    by_field["channel_order_no"] = values.order_number
    by_field.update({f: (lambda v: values.when_or_none(v, shop_tz, month_first)) for f in TIME_FIELDS})
    by_field["qty"] = values.line_quantity
    by_field.update({f: _money_or_none for f in MONEY})
    out = {f: _Field(cols[f], head[cols[f]] if cols[f] < len(head) else f, fn)
           for f, fn in by_field.items() if f in cols}
    names = [norm(h) for h in head]
    for f, alternates in match.profile.fallbacks.items():  # columns that fill an empty cell of the field
        for n, alias in enumerate(alternates):
            if norm(alias) in names:
                out[f"{f}@{n}"] = _Field(names.index(norm(alias)), alias, values.clean)
    return out


class _Parser:
    """The orders of a file, built block by block; see parse."""

    def __init__(self, match: HeaderMatch, file_name: str, shop_tz: tzinfo) -> None:
        self.prof, self.file_name = match.profile, file_name
        self.orders: dict[tuple[str, str], ImportedOrder] = {}
        self.problems: list[Problem] = []
        self.skipped = 0
        self.reader = _Reader(self.prof, file_name, self.problems)
        self.fields = converters(match, shop_tz)
        self.reader.fields, self.reader.headers = self.fields, match.headers
        self.number = self.fields["channel_order_no"]
        self.line_item_columns = [i for i, h in enumerate(match.headers) if _LINE_ITEM.match(str(h))] \
            if self.prof.line_items == "webtoffee" else []
        self.order_currency: dict[str, str] = {}  # order number -> the currency its first row states

    def read_block(self, block: list[list], first: int) -> None:
        fields = self.fields
        blank = [""] * len(block)
        cv = {f: fld.column(block) for f, fld in fields.items() if f not in MONEY}
        for key in [k for k in cv if "@" in k]:  # a fallback column fills its field's empty cells
            f = key.split("@", 1)[0]
            own = cv.get(f, blank)
            cv[f] = [a or b for a, b in zip(own, cv.pop(key), strict=True)]
        if "marketplace" in cv:  # Amazon's sales-channel names the currency of the row's amounts
            cv["currency"] = [c or MARKETPLACE_CURRENCY.get(m.lower(), "") for c, m in
                              zip(cv.get("currency", blank), cv["marketplace"], strict=True)]
        currencies = _currencies(cv, blank, self.prof.currency, self.order_currency)
        for f in MONEY:
            if f in fields:
                cv[f] = fields[f].column(block, currencies)
        batch = _Block(cv, blank, currencies, self.reader)
        for j, row in enumerate(block):
            self.read_row(batch, j, row, first + j)

    def _skipped(self, batch: _Block, j: int, row: list, rowno: int) -> bool:
        """An empty row, a totals or trailer row ("合计", "Total", "共 12 条"), or a row without an
        order number (a problem): not an order's row."""
        cno = batch.cv["channel_order_no"][j]
        number = self.number
        raw_no = cno if cno.__class__ is str else values.clean(row[number.index] if number.index < len(row) else None)
        if not raw_no:
            cells = [c for c in map(values.clean, row) if c]
            if not cells or any(TRAILER.search(c) for c in cells):
                self.skipped += 1
            else:
                self.problems.append(Problem(self.file_name, rowno, number.name, t("the order number is empty")))
            return True
        if not raw_no.isdigit() and TRAILER.search(raw_no):
            self.skipped += 1
            return True
        if len(raw_no) <= 6 and raw_no.isdigit() and any(FOOTER.search(c) for c in map(values.clean, row[:4])):
            self.skipped += 1
            return True
        return False

    def _channel(self, batch: _Block, j: int, rowno: int) -> str | None:
        if "channel" not in batch.cv:
            return self.prof.channel
        try:
            return parse_channel(batch.cv["channel"][j])
        except ValueError as exc:
            self.problems.append(Problem(self.file_name, rowno, self.fields["channel"].name, str(exc)))
            return None

    def read_row(self, batch: _Block, j: int, row: list, rowno: int) -> None:
        if self._skipped(batch, j, row, rowno):
            return
        cno = batch.value("channel_order_no", j, rowno)
        channel = self._channel(batch, j, rowno) if cno is not None else None
        if cno is None or channel is None:
            return
        order = self.orders.get((channel, cno))
        if order is None:
            order = batch.new_order(j, rowno, channel, cno)
            if order is None:
                return
            self.orders[(channel, cno)] = order
            reading = order.row_statuses[0] if order.row_statuses else None
        else:
            reading = batch.more_rows(order, j, rowno)
        batch.add_lines(order, j, rowno, row, self.line_item_columns, reading)

    def finish(self, now: datetime) -> tuple[list[ImportedOrder], list[Problem], int]:
        self.reader.report_unknown_words()
        result = list(self.orders.values())
        for o in result:
            _finish(o, now, self.prof)
        return result, self.problems, self.skipped


def _currencies(cv: dict[str, list], blank: list, default: str, order_currency: dict[str, str]) -> list[str]:
    """Each row's currency, which its amounts are read in. A row that leaves the currency empty
    is in its order's currency (Shopify states the order's columns on its first row only, so a
    further line item's price in CLP or JPY must not be read as US cents), else the profile's."""
    if "currency" not in cv:
        return [default.upper()[:3]] * len(blank)
    out = []
    for no, c in zip(cv["channel_order_no"], cv["currency"], strict=True):
        if c:
            c = c.upper()[:3]
            if no.__class__ is str:
                order_currency.setdefault(no, c)
        else:
            c = order_currency.get(no, default) if no.__class__ is str else default
        out.append(c.upper()[:3])
    return out


def _combine(readings: list[StatusReading]) -> Status:
    """One status for an order whose rows (sub-orders) each have one: all the same, that one;
    closed sub-orders do not count while others are open; shipped beside unshipped is partly
    shipped; otherwise the least advanced."""
    statuses = {r.status for r in readings}
    if len(statuses) == 1:
        return next(iter(statuses))
    live = {s for s in statuses if s is not S.CANCELLED}
    if not live:
        return S.CANCELLED
    if len(live) == 1:
        return next(iter(live))
    shipped = {s for s in live if CHANNEL_RANK[s] >= CHANNEL_RANK[S.SHIPPED]}
    if shipped and live - shipped and all(CHANNEL_RANK[s] >= CHANNEL_RANK[S.AWAITING_SHIPMENT] for s in live):
        return S.PARTIALLY_SHIPPED
    return min(live, key=CHANNEL_RANK.__getitem__)


def _shopify_paid(total: int, outstanding: int | None, financial: str) -> int:
    """What a Shopify order received: its Total less its Outstanding Balance (what was not
    captured; refunds do not change it), within 0 and the total (a cent of rounding happens);
    without that column, the total once the financial status says it was paid, else nothing."""
    if outstanding is not None:
        return min(max(total - outstanding, 0), total)
    return total if norm(financial) in ("paid", "partially_refunded", "refunded") else 0


def facts_status(o: ImportedOrder) -> Status:
    """The status an order's facts say when its file says none (no status column, or an empty
    cell): refunded in full → cancelled; finished → completed; shipped → shipped; paid (a payment
    time, money the file says came in) → awaiting shipment; else awaiting payment. Never awaiting
    shipment for an unpaid order."""
    received = o.received() if o.paid_at is not None or o.money_received or (o.stated_paid or 0) > 0 else 0
    refunded = min(max(o.stated_refunded or 0, 0), received)
    if received > 0 and refunded >= received:
        return S.CANCELLED
    if o.finished_at is not None:
        return S.COMPLETED
    if o.shipped_at is not None:
        return S.SHIPPED
    if received > 0 or o.paid_at is not None or o.money_received:
        return S.AWAITING_SHIPMENT
    return S.AWAITING_PAYMENT


def _finish(o: ImportedOrder, now: datetime, prof: Profile | None = None) -> None:
    """What the order's rows say together: its status, its date, and the statuses that follow
    from its payments (a deposit on an unpaid order makes it partly paid)."""
    if prof is not None and prof.paid_net and o.stated_paid is not None and o.stated_refunded:
        o.stated_paid += max(o.stated_refunded, 0)  # Taobao's 买家实际支付金额 is what is left after refunds
    o.amount_known = o.priced or o.total_minor is not None
    if o.from_facts:
        o.status = facts_status(o)
    if o.row_statuses is not None and len(o.row_statuses) > 1:
        o.status = _combine(o.row_statuses)
        o.money_received = any(r.paid for r in o.row_statuses)
        if o.stated_refunded is None and o.row_totals is not None and o.status in PAID_STAGES:
            # A sub-order closed in an order the buyer paid (Douyin: 已关闭 beside 已发货) had its
            # money back; the file has no refund column to say so, its own amount does.
            closed = sum(total or 0 for r, total in zip(o.row_statuses, o.row_totals, strict=False)
                         if r.status is S.CANCELLED)
            if closed:
                o.stated_refunded = closed
    if o.created_at is None:
        o.created_at = o.paid_at or now
    if o.status is S.AWAITING_PAYMENT and 0 < o.final_paid() < o.final_total():
        o.status = S.PARTIALLY_PAID
    if o.status in (S.SHIPPED, S.COMPLETED):
        for line in o.lines:
            line.shipped_qty = line.qty
    elif o.status is not S.PARTIALLY_SHIPPED:
        for line in o.lines:
            line.shipped_qty = 0


class _Reader:
    """The profile's rules for reading one order's status, and the unknown words it met."""

    def __init__(self, prof: Profile, file_name: str, problems: list[Problem]) -> None:
        self.prof, self.file_name, self.problems = prof, file_name, problems
        self.fields: dict[str, _Field] = {}
        self.headers: list[str] = []
        self.unknown: dict[str, list[int]] = {}  # word -> rows

    def name(self, fld: str) -> str:
        f = self.fields.get(fld)
        return f.name if f is not None else field_label(fld)

    def status(self, text: Callable[[str, int], str], j: int, rowno: int) -> StatusReading | None:
        prof = self.prof
        if prof.status_rule == "standard":
            try:
                return StatusReading(Status.parse(text("status", j)))
            except ValueError as exc:
                self.problems.append(Problem(self.file_name, rowno, self.name("status"), str(exc)))
                return None
        if prof.status_rule == "shopify":
            fin = text("financial_status", j)
            status = shopify_status(fin, text("fulfillment_status", j), text("cancelled_at", j),
                                    text("payment_method", j))
            if status is None:
                self._unknown(fin, rowno)
                return None
            return StatusReading(status, paid=values.clean(fin).lower() in ("refunded", "partially_refunded"))
        if prof.status_rule == "paid_time" or prof.fixed_status is not None:
            return None  # decided by the payment time, or the layout, in new_order
        if "status" not in self.fields:
            return FROM_FACTS  # no status column: the order's facts decide (facts_status)
        word = text("status", j)
        if not word:
            return FROM_FACTS
        reading = prof.read_status(word)
        if reading is None:
            self._unknown(word, rowno)
        return reading

    def _unknown(self, word: str, rowno: int) -> None:
        self.unknown.setdefault(word, []).append(rowno)

    def report_unknown_words(self) -> None:
        """One problem per distinct unknown word, naming the rows that carry it."""
        column = self.name("financial_status" if self.prof.status_rule == "shopify" else "status")
        for word, rows in self.unknown.items():
            named = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED])
            if len(rows) > MAX_ROWS_NAMED:
                where = t("rows {rows} and {more} more", rows=named, more=len(rows) - MAX_ROWS_NAMED)
            else:
                where = t("row {rows}", rows=named) if len(rows) == 1 else t("rows {rows}", rows=named)
            self.problems.append(Problem(self.file_name, rows[0], column,
                                         t("unknown order status '{word}' ({where})", word=word, where=where),
                                         orders=tuple(rows), word=word))


class _Block:
    """The converted columns of one block of rows, read cell by cell as orders are built."""

    def __init__(self, cv: dict[str, list], blank: list, currencies: list[str], reader: _Reader) -> None:
        self.cv, self.blank, self.currencies, self.reader = cv, blank, currencies, reader
        self.fields, self.problems, self.file_name = reader.fields, reader.problems, reader.file_name
        self.prof = reader.prof
        self.present = frozenset(cv)
        # the text columns this block reads per row (a missing field reads as "")
        self.buyer, self.recipient, self.phone = cv.get("buyer", blank), cv.get("recipient", blank), cv.get("phone", blank)
        self.address, self.courier = cv.get("address", blank), cv.get("courier", blank)
        self.tracking_no, self.sku, self.title = cv.get("tracking_no", blank), cv.get("sku", blank), cv.get("title", blank)
        style = reader.prof.address_style
        self.address_parts = [cv.get(f, blank) for f in ADDRESS_PARTS[style]]
        self.joiner = ADDRESS_JOIN[style]

    def text(self, fld: str, j: int) -> str:
        return self.cv.get(fld, self.blank)[j]

    def value(self, fld: str, j: int, rowno: int, order_row: int = 0) -> Any:
        """The converted cell, or None after recording why it cannot be read."""
        v = self.cv[fld][j]
        if v.__class__ is _Bad:
            self.problems.append(Problem(self.file_name, rowno, self.fields[fld].name, v.message,
                                         orders=(order_row,) if order_row else ()))
            return None
        return v

    def optional(self, fld: str, j: int, rowno: int, order_row: int = 0) -> Any:
        return self.value(fld, j, rowno, order_row) if fld in self.cv else None

    def address_of(self, j: int) -> str:
        address = self.address[j]
        if not address:
            address = self.joiner.join(p[j] for p in self.address_parts if p[j])
        return address

    def new_order(self, j: int, rowno: int, channel: str, cno: str) -> ImportedOrder | None:
        reading = self.reader.status(self.text, j, rowno)
        optional, present = self.optional, self.present
        when = optional("created_at", j, rowno) if "created_at" in present else None
        paid_at = optional("paid_at", j, rowno) if "paid_at" in present else None
        shipped_at = optional("shipped_at", j, rowno) if "shipped_at" in present else None
        finished_at = optional("finished_at", j, rowno) if "finished_at" in present else None
        total = optional("total", j, rowno) if "total" in present else None
        paid = optional("paid", j, rowno) if "paid" in present else None
        refunded = optional("refunded", j, rowno) if "refunded" in present else None
        prof = self.prof
        if prof.status_rule == "paid_time":
            reading = StatusReading(S.AWAITING_SHIPMENT if paid_at is not None else S.AWAITING_PAYMENT)
        elif prof.fixed_status is not None:
            reading = StatusReading(prof.fixed_status, paid=True)
        if reading is None:
            return None
        if prof.status_rule == "shopify" and total is not None:
            paid = _shopify_paid(total, optional("outstanding", j, rowno) if "outstanding" in present else None,
                                 self.text("financial_status", j))
        per_row = prof.per_row
        return ImportedOrder(channel=channel, channel_order_no=cno, created_at=cast(datetime, when),  # None until _finish
                             status=reading.status,
                             currency=self.currencies[j], total_minor=total, stated_paid=paid, buyer=self.buyer[j],
                             recipient=self.recipient[j], phone=self.phone[j], address=self.address_of(j),
                             courier=self.courier[j], tracking_no=self.tracking_no[j], first_row=rowno,
                             stated_refunded=refunded, paid_at=paid_at, lines=[],
                             money_received=reading.paid, status_word=self.text("status", j),
                             row_statuses=[reading] if "status" in per_row else None,
                             row_totals=[total] if "status" in per_row and "total" in per_row else None,
                             flags=reading.flag, from_facts=reading.from_facts, priced=total is not None,
                             shipped_at=shipped_at, finished_at=finished_at)

    def more_rows(self, order: ImportedOrder, j: int, rowno: int) -> StatusReading | None:
        """A further row of an order (a line item, a sub-order): what is per row is added up, the
        order's own fields must agree with its first row."""
        per_row = self.prof.per_row
        reading = None
        if "status" in per_row:
            reading = self.reader.status(self.text, j, rowno)
            if reading is not None:
                assert order.row_statuses is not None  # a list when the status is per row
                order.row_statuses.append(reading)
                if reading.flag:
                    order.flags = flag_codes.join((*flag_codes.parse(order.flags), reading.flag))
        for f in ("total", "paid", "refunded"):
            if f in per_row and f in self.cv:
                v = self.value(f, j, rowno, order.first_row)
                if v is not None:
                    current = getattr(order, STATED[f])
                    setattr(order, STATED[f], v if current is None else current + v)
                if f == "total" and reading is not None and order.row_totals is not None:
                    order.row_totals.append(v)
        if not order.courier and self.courier[j]:
            order.courier = self.courier[j]
        if not order.tracking_no and self.tracking_no[j]:
            order.tracking_no = self.tracking_no[j]
        for f in AGREE:
            if f in per_row:
                continue
            theirs = self._stated(f, j)
            if theirs is None:
                continue
            ours = self._ours(order, f)
            if ours is not None and theirs != ours:
                column = self.reader.name("address_street" if f == "address" and "address" not in self.cv else f)
                self.problems.append(Problem(
                    self.file_name, rowno, column,
                    t("this row says {field} '{theirs}' but the order's first row ({row}) says '{ours}'",
                      field=field_label(f), theirs=self._show(f, theirs, order), row=order.first_row,
                      ours=self._show(f, ours, order)), orders=(order.first_row,)))
        return reading

    def _stated(self, f: str, j: int) -> object:
        """What this row says of an order field, None when it says nothing (an empty cell)."""
        if f == "address":
            return self.address_of(j) or None
        if f == "status":
            if "status" not in self.cv:
                return None
            word = self.text("status", j)
            return status_key(word)[0] if word else None
        if f not in self.cv:
            return None
        v = self.cv[f][j]
        if v.__class__ is _Bad or v == "" or v is None:
            return None
        return v.upper()[:3] if f == "currency" else v

    def _ours(self, order: ImportedOrder, f: str) -> object:
        if f == "status":
            return status_key(order.status_word)[0] if order.status_word else None
        if f == "currency":
            return order.currency
        if f in ("total", "paid", "refunded"):
            return getattr(order, STATED[f])
        return getattr(order, f) or None

    @staticmethod
    def _show(f: str, value: object, order: ImportedOrder) -> str:
        from shop_orders.domain.money import format_minor

        if f in ("total", "paid", "refunded") and isinstance(value, int):
            return format_minor(value, order.currency)
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        return str(value)

    def add_lines(self, order: ImportedOrder, j: int, rowno: int, row: list, line_item_columns: list[int],
                  reading: StatusReading | None) -> None:
        title, sku = self.title[j], self.sku[j]
        qty = 1
        if not (title or sku) and "title" not in self.prof.columns and self.text("qty", j):
            sku = " "  # a layout without item names (Etsy): the row's quantity is the order's one line
        if (title or sku) and "qty" in self.cv:
            qty = self.value("qty", j, rowno, order.first_row)
            if qty is None:
                return
        if (title or sku) and qty:  # a quantity of 0: nothing is left of the line (values.line_quantity)
            # The line's amount for its quantity, where the file has it, is what the order's total is
            # made of (after discounts); a unit price column may be a list price (Taobao's 价格).
            line_total = self.optional("line_total", j, rowno, order.first_row)
            price = unit_price(line_total, qty) if line_total is not None else \
                self.optional("unit_price", j, rowno, order.first_row)
            if price is not None:
                order.priced = True
            elif (self.prof.line_price_from_total and "total" in self.cv and "total" not in self.prof.per_row
                  and order.total_minor is not None and order.total_minor > 0 and not order.lines):
                price = order.total_minor // qty if order.total_minor % qty == 0 else 0
            else:
                price = 0
            shipped = qty if reading is not None and reading.status in (S.SHIPPED, S.COMPLETED) else 0
            if "line_status" in self.cv:  # Shopify's Lineitem fulfillment status
                shipped = qty if self.text("line_status", j).lower() == "fulfilled" else 0
            order.lines.append(LineDraft(sku.strip()[:64], title[:300], qty, price, shipped))
        for i in line_item_columns:
            cell = values.clean(row[i]) if i < len(row) else ""
            if cell:
                line = webtoffee_line(cell, self.currencies[j])
                if line is None:
                    self.problems.append(Problem(self.file_name, rowno, self.reader.headers[i],
                                                 t("'{text}' is not a line item this importer knows",
                                                   text=cell[:80]), orders=(order.first_row,)))
                else:
                    order.lines.append(line)


def unit_price(line_total: int, qty: int) -> int:
    """A line's unit price from its amount for the quantity (Amazon, WebToffee), rounded half up
    to the minor unit when it does not divide: the order's own total stays what the file says."""
    return (2 * line_total + qty) // (2 * qty)


def webtoffee_line(cell: str, currency: str) -> LineDraft | None:
    """'name:Tea|product_id:12|sku:T1|quantity:2|total:40.00|sub_total:40.00' to a line; None when
    the cell is not such a line. A name may itself hold ':' (only the first one splits a pair)."""
    pairs: dict[str, str] = {}
    for part in cell.split("|"):
        key, sep, value = part.partition(":")
        if sep:
            pairs.setdefault(key.strip().lower(), value.strip())
    if "name" not in pairs and "sku" not in pairs:
        return None
    try:
        qty = values.quantity(pairs.get("quantity", "1"))
        total = values.amount_minor(pairs.get("total", "0"), currency)
    except values.CellError:
        return None
    return LineDraft(pairs.get("sku", "")[:64], pairs.get("name", "")[:300], qty, unit_price(total, qty))


def check_orders(orders: list[ImportedOrder], problems: list[Problem], match: HeaderMatch, file_name: str) -> None:
    """The order services' own rules (orders.draft_problems: ranges, lengths, negative prices,
    currency...) for every parsed order, as problems with file, row and column: the preview,
    the dry run and the import all see them here, so a file that checks clean imports cleanly."""
    def column(fld: str) -> str:
        i = match.columns.get(fld)
        if i is None or i >= len(match.headers):
            return field_label(fld)
        return str(match.headers[i])

    from shop_orders.domain.money import format_minor

    for imp in orders:
        contradiction = money_contradiction(imp)
        if contradiction is not None:
            fld, message, other = contradiction
            problems.append(Problem(file_name, imp.first_row, column(fld), t(message, other=column(other), **{
                k: format_minor(v, imp.currency) for k, v in (("paid", imp.received()), ("total", imp.final_total()),
                                                              ("refunded", imp.stated_refunded or 0))})))
            continue
        for fld, message in draft_problems(imp.to_draft()):
            problems.append(Problem(file_name, imp.first_row, column(fld), message))


def money_contradiction(imp: ImportedOrder) -> tuple[str, str, str] | None:
    """(the field, the sentence, the other field) when the file's own amounts for an order
    contradict each other: more paid than the total, or more refunded than was paid. Both
    amounts must be the file's (a paid amount worked out from others is never above the total)."""
    if not imp.amount_known or (imp.total_minor is not None and imp.total_minor < 0):
        return None  # unknown, or a negative total: the order services' own rule says what is wrong
    if imp.stated_refunded is not None and imp.total_minor is not None and imp.stated_refunded > imp.total_minor:
        return "refunded", N_("the refund {refunded} is more than the total {total} in {other}"), "total"
    if imp.stated_paid is not None and imp.total_minor is not None and imp.stated_paid > imp.total_minor:
        return "paid", N_("the paid amount {paid} is more than the total {total} in {other}"), "total"
    if imp.stated_refunded is not None and imp.stated_refunded > imp.received():
        other = "paid" if imp.stated_paid is not None else "total"
        return "refunded", N_("the refund {refunded} is more than the {paid} paid (in {other})"), other
    return None


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


def _gross_paid(session: Session, order_ids: list[int]) -> dict[int, int]:
    """Every order's positive payments ever recorded, refunds not subtracted (see new_payment)."""
    if not order_ids:
        return {}
    positive = func.sum(case((col(Payment.amount_minor) > 0, col(Payment.amount_minor)), else_=0))
    rows = session.execute(select(col(Payment.order_id), positive).where(col(Payment.order_id).in_(order_ids))
                           .group_by(col(Payment.order_id)))
    return {order_id: int(total or 0) for order_id, total in rows}


SHIPPING = (Status.SHIPPED, Status.COMPLETED)  # what a file may say only when its importer may ship


def compare(db: Database, plan: ImportPlan, actor: Actor | None = None) -> None:
    """Sort the parsed orders into creates, updates, unchanged and refused moves: backwards ones,
    and (when `actor` is given) shipping or completing orders, which a file does only for someone
    who may ship without a scan (order.ship_manual; the order services check it again): the order
    is not created, or its status is not changed, and the row is reported; imported again by
    someone who may, the same file applies it."""
    existing, gross, role, may_ship = _existing(db, plan, actor)
    says_status = plan.match is not None and "status" in plan.match.columns
    for imp in plan.orders:
        ours = existing.get((imp.channel, imp.channel_order_no))
        if not may_ship and imp.status in SHIPPING and (ours is None or ours.status != imp.status.value):
            plan.refused.append(Problem(plan.file, imp.first_row, "", _may_not_ship(imp, ours, role)))
            if ours is None:
                continue
        if ours is None:
            plan.creates.append(imp)
            continue
        changes = _changes(imp, ours, gross.get(ours.id, 0), says_status)
        if not may_ship and "status" in changes and imp.status in SHIPPING:
            changes.pop("status")  # reported above; the rest of what the file says is applied
        if "status" in changes and not channel_update_allowed(Status(ours.status), imp.status):
            plan.refused.append(Problem(plan.file, imp.first_row, "", t(
                "{order} is {ours} here; the file's '{theirs}' is older and was not applied",
                order=ours.order_no, ours=Status(ours.status).label(), theirs=imp.status.label())))
            changes.pop("status")
            changes.pop("paid_minor", None)
            if imp.status is Status.CANCELLED:
                plan.cancelled_on_channel.append(int(ours.id))
        if changes:
            plan.updates.append(Update(ours.order_no, ours.id, ours.version, changes, imp.first_row))
        else:
            plan.unchanged += 1
    assert set(CHANNEL_RANK) == set(Status)


def _existing(db: Database, plan: ImportPlan, actor: Actor | None
              ) -> tuple[dict[tuple[str, str], Row], dict[int, int], Role | None, bool]:
    """The store's orders the file names (by channel and channel order number), what each has
    been paid gross, the importer's role and whether they may ship without a scan."""
    by_channel: dict[str, list[str]] = {}
    for o in plan.orders:
        by_channel.setdefault(o.channel, []).append(o.channel_order_no)
    existing: dict[tuple[str, str], Row] = {}
    gross: dict[int, int] = {}
    wanted = [Order.id, Order.order_no, Order.version, Order.channel, Order.channel_order_no,
              *(getattr(Order, f) for f in COMPARED)]
    with db.read_session() as s:
        role = permissions.role_of(s, actor) if actor is not None else None
        may_ship = actor is None or permissions.may(s, actor, "order.ship_manual")
        for channel, numbers in by_channel.items():
            for i in range(0, len(numbers), 500):
                rows = s.execute(select(*wanted).where(
                    col(Order.channel) == channel, col(Order.channel_order_no).in_(numbers[i:i + 500])))
                found = rows.all()
                for r in found:
                    existing[(r.channel, r.channel_order_no)] = r
                gross.update(_gross_paid(s, [r.id for r in found]))
    return existing, gross, role, may_ship


def _changes(imp: ImportedOrder, ours: Row, gross: int, says_status: bool) -> dict[str, tuple[object, object]]:
    """What the file says that differs from the order as the store has it: field -> (old, new)."""
    theirs = {"status": imp.status.value, "buyer": imp.buyer,
              "recipient": imp.recipient, "phone": imp.phone, "address": imp.address,
              "courier": imp.courier, "tracking_no": imp.tracking_no}
    changes: dict[str, tuple[object, object]] = {}
    if says_status:  # a file with the channel's status words says which flags stand now
        flagged = flag_codes.join(flag_codes.parse(imp.flags))
        if flagged != (ours.flags or ""):
            changes["flags"] = (ours.flags or "", flagged)
    if not ours.amount_known and imp.amount_known:  # a file with the amounts the first one lacked
        if imp.currency != ours.currency:  # first: the total is written in it
            changes["currency"] = (ours.currency, imp.currency)
        changes["total_minor"] = (ours.total_minor, imp.final_total())
    for f in COMPARED:
        if f in ("paid_minor", "flags", "amount_known", "total_minor", "currency"):
            continue
        new, old = theirs[f], getattr(ours, f)
        if f != "status" and not new:
            continue  # an empty cell never erases what we know
        if f == "phone" and _masked_same(new, old):
            continue  # the channel masks what we already know in full
        if new != old:
            changes[f] = (old, new)
    more = new_payment(imp.received(), gross)
    if more:
        changes["paid_minor"] = (ours.paid_minor, ours.paid_minor + more)
    return changes


def _may_not_ship(imp: ImportedOrder, ours: Row | None, role: Role | None) -> str:
    who = role.label() if role is not None else t("this account")
    if ours is None:
        return t("{channel} order {number} is {status} in the file and was not imported: a {role} import may not "
                 "add shipped or completed orders; someone who may ship without a scan imports the file again",
                 channel=imp.channel, number=imp.channel_order_no, status=imp.status.label(), role=who)
    return t("{order} is {status} in the file; the status was not applied: a {role} import may not mark orders "
             "shipped or completed; someone who may ship without a scan imports the file again",
             order=ours.order_no, status=imp.status.label(), role=who)
