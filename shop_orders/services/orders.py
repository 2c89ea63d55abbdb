"""Changing orders: create, change status, record payments, ship lines, edit fields.

Every function takes a UnitOfWork (the caller commits) and a ChangeContext (actor, source,
reason), checks the rules, changes the row, bumps `version` and `updated_at`, and records one
audit event per changed field. `expected_version` is the version the caller last showed to a
person: if the order changed since, OrderConflict is raised and nothing is written.

The operations are plain functions with JSON-friendly arguments, listed in OPERATIONS, so a
change can be written down now (two-person approval, later issue) and applied later.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlmodel import col

from shop_orders.domain import flags as flag_codes
from shop_orders.domain import ids
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.channels import channel_label, parse_channel
from shop_orders.domain.errors import (
    DuplicateOrder,
    OrderConflict,
    OrderNotFound,
    TransitionNotAllowed,
    ValidationError,
)
from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_MINOR, format_minor
from shop_orders.domain.payment import unpaid_refusal
from shop_orders.domain.replay import created_value
from shop_orders.domain.roles import status_action
from shop_orders.domain.status import (
    FINAL,
    SHIPPING_ALLOWED,
    Status,
    channel_update_allowed,
    check_manual_transition,
    status_after_payment,
    status_after_shipping,
)
from shop_orders.domain.vocabulary import field_label
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.bulk import insert_many
from shop_orders.store.db import sync_sequences
from shop_orders.store.models import (
    Order,
    OrderIdCounter,
    OrderLine,
    Payment,
    Shipment,
    Ticket,
    rel,
)

EDITABLE = ("buyer", "recipient", "phone", "address", "courier", "tracking_no")
EDIT_ACTIONS = {"buyer": "order.edit_buyer", "recipient": "order.edit_contact", "phone": "order.edit_contact",
                "address": "order.edit_contact", "courier": "order.edit_courier", "tracking_no": "order.edit_courier"}
NEEDS_REASON = ("recipient", "phone", "address")
_PHONE = re.compile(r"^[0-9+\-() *]{0,40}$")  # * : channels mask phones (138****5678), kept as given
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass
class LineDraft:
    sku: str
    title: str
    qty: int
    unit_price_minor: int
    shipped_qty: int = 0


@dataclass(slots=True)
class OrderDraft:
    channel: str
    channel_order_no: str
    created_at: datetime
    currency: str = "CNY"
    total_minor: int | None = None  # None: the sum of the lines
    status: Status = Status.AWAITING_PAYMENT
    buyer: str = ""
    recipient: str = ""
    phone: str = ""
    address: str = ""
    courier: str = ""
    tracking_no: str = ""
    lines: list[LineDraft] = field(default_factory=list)
    paid_minor: int = 0  # already paid on the channel (imports); recorded as one payment
    refunded_minor: int = 0  # of which refunded on the channel (imports); recorded as a refund
    paid_at: datetime | None = None  # when it was paid (default: created_at)
    flags: str = ""  # what the channel flags beside the status (domain/flags.py), comma-separated codes
    amount_known: bool = True  # False: the channel's file carried no amount (shown as —, not 0.00)


def phone_as_given_ok(phone: str) -> bool:
    """A phone as a channel gives it: masked (138****5678), with an extension (13800138000-1234,
    分机), virtual numbers, or Douyin's ciphertext ($$…$$, ##…): kept exactly as given. Only text
    with no digit and no mask at all ("call me") is not a phone."""
    phone = phone.strip()
    return not phone or any(c.isdigit() or c == "*" for c in phone) or phone[0] in "$#"


def _max_length(table: Table, column: str) -> int | None:
    return getattr(table.c[column].type, "length", None)


# Text limits come from the schema itself, so a check here can never disagree with the store.
_ORDER_TEXT = {f: _max_length(Order.__table__, f)
               for f in ("channel_order_no", "buyer", "recipient", "phone", "courier", "tracking_no")}
_LINE_TEXT = {f: _max_length(OrderLine.__table__, f) for f in ("sku", "title")}
_MAX_INT32 = 2**31 - 1


def draft_problems(draft: OrderDraft) -> list[tuple[str, str]]:
    """Every way the draft breaks the store's rules, as (field, sentence): the same checks run
    when an import file is checked and when the order is written, so a file that checks clean
    imports without error. Fields: the OrderDraft's, or "sku"/"title"/"qty"/"unit_price" of a line."""
    out = _header_problems(draft)
    for n, line in enumerate(draft.lines, 1):
        out += _line_problems(n, line)
    return out + _amount_problems(draft)


def _header_problems(draft: OrderDraft) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        parse_channel(draft.channel)
    except ValueError as exc:
        out.append(("channel", str(exc)))
    if not draft.channel_order_no.strip():
        out.append(("channel_order_no", t("the channel order number is empty")))
    if not _CURRENCY.match(draft.currency):
        out.append(("currency", t("'{text}' is not a three-letter currency code", text=draft.currency)))
    if not phone_as_given_ok(draft.phone):
        out.append(("phone", t("'{text}' is not a phone number", text=draft.phone)))
    if draft.created_at is None or draft.created_at.tzinfo is None:
        out.append(("created_at", t("the order time has no time zone")))
    for name, limit in _ORDER_TEXT.items():
        value = getattr(draft, name).strip()
        if limit and len(value) > limit:
            out.append((name, t("the {field} is {length} characters long; at most {limit} fit",
                                 field=field_label(name), length=len(value), limit=limit)))
    return out


def _line_problems(n: int, line: LineDraft) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if not 0 < line.qty <= _MAX_INT32:
        out.append(("qty", t("line {n}: the quantity must be at least 1", n=n)))
    if line.unit_price_minor < 0:
        out.append(("unit_price", t("line {n}: the unit price cannot be negative", n=n)))
    elif line.unit_price_minor > MAX_MINOR:
        out.append(("unit_price", t("line {n}: the unit price is too large", n=n)))
    if not 0 <= line.shipped_qty <= line.qty:
        out.append(("qty", t("line {n}: the shipped quantity must be between 0 and {qty}", n=n, qty=line.qty)))
    for name, limit in _LINE_TEXT.items():
        if limit and len(getattr(line, name)) > limit:
            out.append((name, t("line {n}: the {field} is {length} characters long; at most {limit} fit",
                                n=n, field=field_label(name), length=len(getattr(line, name)), limit=limit)))
    return out


def _amount_problems(draft: OrderDraft) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    lines_total = sum(max(line.qty, 0) * max(line.unit_price_minor, 0) for line in draft.lines)
    if draft.total_minor is not None and draft.total_minor < 0:
        out.append(("total", t("the order total cannot be negative")))
    total = draft.total_minor if draft.total_minor is not None else lines_total
    if total > MAX_MINOR:
        out.append(("total" if draft.total_minor is not None else "qty",
                    t("the order total is too large for the store")))
    if draft.paid_minor < 0:
        out.append(("paid", t("the paid amount cannot be negative")))
    elif draft.paid_minor > MAX_MINOR and total <= MAX_MINOR:  # else it is the total's fault
        out.append(("paid", t("the paid amount is too large for the store")))
    if draft.refunded_minor < 0:
        out.append(("refunded", t("the refunded amount cannot be negative")))
    elif draft.refunded_minor > max(draft.paid_minor, 0):
        out.append(("refunded", t("more is refunded than was paid")))
    return out


def validate_draft(draft: OrderDraft) -> None:
    """ValidationError naming the first rule the draft breaks (see draft_problems)."""
    problems = draft_problems(draft)
    if problems:
        raise ValidationError(problems[0][1])


def allocate_order_numbers(uow: UnitOfWork, day: str, count: int) -> int:
    """Reserve `count` consecutive sequence numbers for a day; returns the first."""
    counter = uow.session.get(OrderIdCounter, day, with_for_update=True)
    if counter is None:
        uow.session.add(OrderIdCounter(day=day, last=count))
        uow.session.flush()
        return 1
    first = counter.last + 1
    counter.last += count
    return first


def create_order(uow: UnitOfWork, ctx: ChangeContext, draft: OrderDraft) -> Order:
    validate_draft(draft)
    channel = parse_channel(draft.channel)
    cno = draft.channel_order_no.strip()
    exists = uow.session.execute(
        select(col(Order.order_no)).where(col(Order.channel) == channel, col(Order.channel_order_no) == cno)
    ).scalar()
    if exists:
        raise DuplicateOrder(t("{channel} order {number} already exists as {order}.", channel=channel_label(channel),
                               number=cno, order=exists))
    day = ids.day_key(draft.created_at)
    order_no = ids.format_order_id(day, allocate_order_numbers(uow, day, 1))
    total = draft.total_minor
    if total is None:
        total = sum(line.qty * line.unit_price_minor for line in draft.lines)
    order = Order(
        order_no=order_no, channel=channel, channel_order_no=cno, buyer=draft.buyer.strip(),
        recipient=draft.recipient.strip(), phone=draft.phone.strip(), address=draft.address.strip(),
        currency=draft.currency, total_minor=total, paid_minor=0, courier=draft.courier.strip(),
        tracking_no=draft.tracking_no.strip(), status=Status(draft.status).value,
        created_at=draft.created_at, updated_at=uow.now, version=1, flags=flag_codes.join(flag_codes.parse(draft.flags)),
        amount_known=draft.amount_known,
    )
    uow.session.add(order)
    uow.session.flush()
    assert order.id is not None  # given by the flush
    for n, line in enumerate(draft.lines, 1):
        uow.session.add(OrderLine(order_id=order.id, line_no=n, sku=line.sku, title=line.title,
                                  qty=line.qty, unit_price_minor=line.unit_price_minor,
                                  shipped_qty=line.shipped_qty))
    net = draft.paid_minor - draft.refunded_minor
    uow.record(ctx, "create", order_id=order.id, order_no=order_no, field="order",
               new=created_text(order, net, draft.lines, draft.refunded_minor))
    order.paid_minor = net
    for amount in (draft.paid_minor, -draft.refunded_minor):
        if amount:
            uow.session.add(Payment(order_id=order.id, amount_minor=amount, method=channel,
                                    reference=ctx.source, paid_at=draft.paid_at or draft.created_at))
    return order


def created_text(order: Order, paid: int, lines: list[LineDraft], refunded: int = 0) -> str:
    """What the audit trail says an order was created as: every field the replay of `audit
    verify` compares, as canonical JSON (domain/replay.py). An order that arrives already paid
    (imports) records its payment here, in the same event: nobody paid it in this shop."""
    return created_value(order.channel, order.channel_order_no, order.status, order.currency,
                         order.total_minor, paid, order.buyer, order.recipient, order.phone, order.address,
                         order.courier, order.tracking_no, [(li.qty, li.unit_price_minor) for li in lines],
                         flags=order.flags, amount_known=order.amount_known, refunded=refunded)


_ORDER_COLUMNS = ("id", "order_no", "channel", "channel_order_no", "buyer", "recipient", "phone", "address",
                  "currency", "total_minor", "paid_minor", "courier", "tracking_no", "status", "created_at",
                  "updated_at", "version", "flags", "amount_known")
_LINE_COLUMNS = ("order_id", "line_no", "sku", "title", "qty", "unit_price_minor", "shipped_qty")
_PAYMENT_COLUMNS = ("order_id", "amount_minor", "method", "reference", "paid_at")
_PARCEL_COLUMNS = ("order_id", "courier", "tracking_no", "items", "shipped_at")
SHIPPING = (Status.SHIPPED, Status.COMPLETED)


def _may_ship_from_file(uow: UnitOfWork, ctx: ChangeContext) -> None:
    """A channel's file ships or completes orders only for someone who may ship without a scan
    (the import's plan leaves such rows out for anyone else: services/importing/plan.py)."""
    if not permissions.may(uow.session, ctx.actor, "order.ship_manual"):
        raise permissions.PermissionDenied(t("Your role may not mark orders shipped or completed from a file; someone "
                                             "who may ship without a scan imports it."))


def create_orders_bulk(uow: UnitOfWork, ctx: ChangeContext, drafts: list[OrderDraft]) -> int:
    """create_order for many orders at once (imports): the same rules and audit events, written
    with one executemany per table instead of one round trip per row."""
    if not drafts:
        return 0
    permissions.require(uow, ctx.actor, "orders.import")
    for d in drafts:
        validate_draft(d)
    if any(Status(d.status) in SHIPPING for d in drafts):
        _may_ship_from_file(uow, ctx)
    keys = [(parse_channel(d.channel), d.channel_order_no.strip()) for d in drafts]
    if len(set(keys)) != len(keys):
        raise DuplicateOrder(t("The same channel order appears twice in one batch."))
    days = [ids.day_key(d.created_at) for d in drafts]
    next_seq = {day: allocate_order_numbers(uow, day, n) for day, n in Counter(days).items()}
    next_id = (uow.session.execute(select(func.max(Order.id))).scalar() or 0) + 1
    order_rows, line_rows, payment_rows, parcel_rows = [], [], [], []
    now = uow.now
    for (channel, cno), day, d in zip(keys, days, drafts, strict=True):
        seq = next_seq[day]
        next_seq[day] = seq + 1
        order_no = ids.format_order_id(day, seq)
        total = d.total_minor if d.total_minor is not None else sum(li.qty * li.unit_price_minor for li in d.lines)
        status = Status(d.status).value
        net = d.paid_minor - d.refunded_minor
        flagged = flag_codes.join(flag_codes.parse(d.flags))
        order_rows.append((next_id, order_no, channel, cno, d.buyer.strip(), d.recipient.strip(), d.phone.strip(),
                           d.address.strip(), d.currency, total, net, d.courier.strip(),
                           d.tracking_no.strip(), status, d.created_at, now, 1, flagged, d.amount_known))
        for n, li in enumerate(d.lines, 1):
            line_rows.append((next_id, n, li.sku, li.title, li.qty, li.unit_price_minor, li.shipped_qty))
        r = order_rows[-1]
        uow.record(ctx, "create", order_id=next_id, order_no=order_no, field="order",
                   new=created_value(channel, cno, status, d.currency, total, net, r[4], r[5], r[6], r[7],
                                     r[11], r[12], [(li.qty, li.unit_price_minor) for li in d.lines],
                                     flags=flagged, amount_known=d.amount_known, refunded=d.refunded_minor))
        for amount in (d.paid_minor, -d.refunded_minor):  # a refund on the channel: its own row
            if amount:
                payment_rows.append((next_id, amount, channel, ctx.source, d.paid_at or d.created_at))
        items = {str(n): li.shipped_qty for n, li in enumerate(d.lines, 1) if li.shipped_qty}
        if items:  # shipped on the channel: its parcel, so the tracking sync checks its number
            parcel_rows.append((next_id, r[11], r[12], json.dumps(items), now))
            uow.record(ctx, "ship", order_id=next_id, order_no=order_no, field="shipped_qty", old="0",
                       new=str(sum(items.values())))
        next_id += 1
    try:
        # The unique (channel, channel_order_no) constraint is the duplicate check: no lookups.
        with uow.session.begin_nested():
            insert_many(uow.session, Order.__table__, _ORDER_COLUMNS, order_rows)
    except IntegrityError:
        raise DuplicateOrder(t("Some of these channel orders already exist (another seat imported them "
                               "meanwhile); nothing was imported. Check the file again.")) from None
    insert_many(uow.session, OrderLine.__table__, _LINE_COLUMNS, line_rows)
    insert_many(uow.session, Payment.__table__, _PAYMENT_COLUMNS, payment_rows)
    insert_many(uow.session, Shipment.__table__, _PARCEL_COLUMNS, parcel_rows)
    sync_sequences(uow.session, (Order.__table__, OrderLine.__table__, Payment.__table__, Shipment.__table__))
    return len(order_rows)


def load_for_update(uow: UnitOfWork, ref: str | int, expected_version: int | None) -> Order:
    """The order by global id (text) or row id, locked for this transaction; checks the version."""
    cond = col(Order.id) == ref if isinstance(ref, int) else col(Order.order_no) == str(ref).strip().upper()
    order = uow.session.execute(
        select(Order).where(cond).options(selectinload(rel(Order.lines))).with_for_update()
    ).scalar_one_or_none()
    if order is None:
        raise OrderNotFound(t("There is no order {order}.", order=ref))
    _check_version(order, expected_version)
    return order


def load_many(uow: UnitOfWork, order_ids: list[int]) -> dict[int, Order]:
    """These orders (by row id) with their lines, locked for this transaction, in one statement
    per few hundred (BATCH); an id not in the store is not in the answer."""
    found: dict[int, Order] = {}
    for i in range(0, len(order_ids), BATCH):
        q = (select(Order).where(col(Order.id).in_(order_ids[i:i + BATCH]))
             .options(selectinload(rel(Order.lines))).with_for_update())
        found.update({int(o.id or 0): o for o in uow.session.execute(q).scalars()})
    return found


def _check_version(order: Order, expected_version: int | None) -> None:
    if expected_version is not None and order.version != expected_version:
        raise OrderConflict(t("Order {order} was changed by someone else meanwhile (version {version}, you had "
                              "{expected}); it has been reloaded and nothing was overwritten.",
                              order=order.order_no, version=order.version, expected=expected_version))


def _touch(uow: UnitOfWork, order: Order) -> None:
    order.updated_at = uow.now
    order.version += 1


def _set_status(uow: UnitOfWork, ctx: ChangeContext, order: Order, new: Status) -> None:
    old = order.status
    if old != new.value:
        order.status = new.value
        uow.record(ctx, "status", order_id=order.id, order_no=order.order_no, field="status",
                   old=old, new=new.value)


def payment_refusal(session: Session, order: Order) -> str | None:
    """domain/payment.unpaid_refusal for a stored order, with the shop's cash-on-delivery channels."""
    from shop_orders.services.settings import get_cod_channels

    if order.paid_minor >= order.total_minor:
        return None  # no setting to read
    return unpaid_refusal(order.order_no, order.channel, order.paid_minor, order.total_minor, order.currency,
                          get_cod_channels(session))


def hold_refusal(order: Order) -> str | None:
    """The sentence refusing to ship an order its channel holds (JD's "(锁定)": domain/flags.py);
    None when no flag holds it."""
    if not flag_codes.holds(order.flags):
        return None
    return t("Stop: the channel holds order {order} ({flags}); do not send it until a later file of the channel no "
             "longer says so.", order=order.order_no, flags=flag_codes.describe(order.flags))


def check_manual_shipping(uow: UnitOfWork, ctx: ChangeContext, order_no: str) -> None:
    """No "shipped" without a scan: shipping from any source but "scan" (the grid, `ship` on the
    command line, a script) needs `order.ship_manual` (owners and managers by default) and a
    reason; the ship event keeps its source (manual, cli:...) and the reason, so the trail shows it."""
    if ctx.source == "scan":
        return
    permissions.require(uow, ctx.actor, "order.ship_manual")
    if not ctx.reason.strip():
        raise ValidationError(t("Shipping {order} without a scan needs a reason.", order=order_no))


def transition(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, target: Status | str,
               expected_version: int | None = None) -> Order:
    """Move an order along an allowed manual transition (see domain/status.py ALLOWED). An unpaid
    order goes to awaiting shipment only when its channel is cash on delivery (payment_refusal)."""
    order = load_for_update(uow, ref, expected_version)
    target = Status(target)
    check_manual_transition(Status(order.status), target)
    permissions.require(uow, ctx.actor, status_action(Status(order.status), target))
    if target is Status.CANCELLED and not ctx.reason.strip():
        raise ValidationError(t("Cancelling {order} needs a reason.", order=order.order_no))
    if target is Status.AWAITING_SHIPMENT:
        refusal = payment_refusal(uow.session, order)
        if refusal:
            raise TransitionNotAllowed(refusal)
    _set_status(uow, ctx, order, target)
    _touch(uow, order)
    return order


def record_payment(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, amount_minor: int,
                   method: str = "", reference: str = "", paid_at: datetime | None = None,
                   expected_version: int | None = None) -> Order:
    """Record a payment (positive) or refund (negative); partial/paid status follows from it."""
    permissions.require(uow, ctx.actor, "order.pay")
    order = load_for_update(uow, ref, expected_version)
    status = Status(order.status)
    if amount_minor == 0:
        raise ValidationError(t("A payment of 0 changes nothing."))
    if amount_minor > 0 and FINAL[status]:
        raise TransitionNotAllowed(t("Order {order} is {status} and takes no more payments.", order=order.order_no,
                                     status=status.label()))
    new_paid = order.paid_minor + amount_minor
    if new_paid < 0:
        raise ValidationError(t("A refund of {refund} is more than the {paid} paid for {order}.",
                                refund=format_minor(-amount_minor, order.currency),
                                paid=format_minor(order.paid_minor, order.currency), order=order.order_no))
    assert order.id is not None  # a stored row
    uow.session.add(Payment(order_id=order.id, amount_minor=amount_minor, method=method.strip(),
                            reference=reference.strip(), paid_at=paid_at or uow.now))
    uow.record(ctx, "payment", order_id=order.id, order_no=order.order_no, field="paid",
               old=format_minor(order.paid_minor, order.currency),
               new=format_minor(new_paid, order.currency))
    order.paid_minor = new_paid
    _set_status(uow, ctx, order, status_after_payment(status, order.total_minor, new_paid))
    _touch(uow, order)
    return order


def ship(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, items: dict[int, int] | None = None,
         courier: str = "", tracking_no: str = "", expected_version: int | None = None) -> Order:
    """Ship line quantities (None: everything not yet shipped). Status follows the quantities.

    From any source but "scan" this is shipping without a scan (check_manual_shipping: owner or
    manager, with a reason); an unpaid order ships only when its channel is cash on delivery."""
    permissions.require(uow, ctx.actor, "order.ship")
    order = load_for_update(uow, ref, expected_version)
    check_manual_shipping(uow, ctx, order.order_no)
    status = Status(order.status)
    if not SHIPPING_ALLOWED[status]:
        raise TransitionNotAllowed(t("Order {order} is {status} and cannot be shipped.", order=order.order_no,
                                     status=status.label()))
    refusal = hold_refusal(order) or payment_refusal(uow.session, order)
    if refusal:
        raise TransitionNotAllowed(refusal)
    if ctx.source != "scan" and tracking_no.strip():  # by hand: the scan-out's checks of the number
        from shop_orders.services import parcels

        assert order.id is not None  # a stored row
        tracking_no = parcels.check_number(uow.session, order.id, courier, tracking_no)
    lines = {line.line_no: line for line in order.lines}
    if items is None:
        items = {n: line.qty - line.shipped_qty for n, line in lines.items() if line.qty > line.shipped_qty}
        if (lines and not items) or (not lines and status is Status.SHIPPED):
            raise ValidationError(t("Everything in order {order} has already shipped.", order=order.order_no))
    for n, qty in items.items():
        line = lines.get(int(n))
        if line is None:
            raise ValidationError(t("Order {order} has no line {n}.", order=order.order_no, n=n))
        if qty <= 0 or line.shipped_qty + qty > line.qty:
            raise ValidationError(t("Line {n} of {order}: {qty} cannot be shipped ({shipped} of {ordered} already "
                                    "shipped).", n=n, order=order.order_no, qty=qty, shipped=line.shipped_qty,
                                    ordered=line.qty))
    assert order.id is not None  # a stored row
    from shop_orders.services import (
        stock_moves,  # stock leaves with the parcel (a short order is refused)
    )

    stock_moves.take_out(uow, ctx, order, {int(n): q for n, q in items.items()})
    before = sum(line.shipped_qty for line in lines.values())
    for n, qty in items.items():
        lines[int(n)].shipped_qty += qty
    ordered = sum(line.qty for line in lines.values()) or 1
    shipped = sum(line.shipped_qty for line in lines.values()) if lines else 1
    assert order.id is not None  # a stored row
    uow.session.add(Shipment(order_id=order.id, courier=courier.strip(), tracking_no=tracking_no.strip(),
                             items=json.dumps({str(k): v for k, v in items.items()}), shipped_at=uow.now))
    uow.record(ctx, "ship", order_id=order.id, order_no=order.order_no, field="shipped_qty",
               old=str(before), new=str(shipped if lines else 1))
    for name, value in (("courier", courier), ("tracking_no", tracking_no)):
        value = value.strip()
        if value and getattr(order, name) != value:
            uow.record(ctx, "edit", order_id=order.id, order_no=order.order_no, field=name,
                       old=getattr(order, name), new=value)
            setattr(order, name, value)
    _set_status(uow, ctx, order, status_after_shipping(status, ordered, shipped))
    _touch(uow, order)
    return order


def recall_shipment(uow: UnitOfWork, ctx: ChangeContext, shipment_id: int) -> Order:
    """Undo a parcel that never left (a false "shipped"): its line quantities are no longer
    shipped, the status follows them back (awaiting shipment, or partially shipped when another
    parcel did go), and the shipment row stays, marked recalled, so its story is kept.

    Courier sync calls it as the system (source courier:<name>, the courier's answer as the
    reason, in ctx) after checking that whoever started the sync may ship; a person needs "order.ship"."""
    from shop_orders.services.tickets import SYSTEM

    if ctx.actor != SYSTEM:
        permissions.require(uow, ctx.actor, "order.ship")
    shipment = uow.session.get(Shipment, shipment_id)
    if shipment is None:
        raise ValidationError(t("There is no parcel {id}.", id=shipment_id))
    order = load_for_update(uow, shipment.order_id, None)
    status = Status(order.status)
    if shipment.recalled_at is not None or status not in (Status.SHIPPED, Status.PARTIALLY_SHIPPED):
        raise TransitionNotAllowed(t("The parcel {tracking} of {order} cannot be recalled: the order is {status}.",
                                     tracking=shipment.tracking_no or shipment_id, order=order.order_no,
                                     status=status.label()))
    lines = {line.line_no: line for line in order.lines}
    before = sum(line.shipped_qty for line in lines.values()) if lines else 1
    for n, qty in json.loads(shipment.items or "{}").items():
        line = lines.get(int(n))
        if line is not None:
            line.shipped_qty = max(0, line.shipped_qty - int(qty))
    after = sum(line.shipped_qty for line in lines.values()) if lines else 0
    ordered = sum(line.qty for line in lines.values()) or 1
    shipment.recalled_at = uow.now
    from shop_orders.services import stock_moves  # a parcel that never left: back on the shelf

    stock_moves.put_back_recalled(uow, ctx, order, shipment)
    uow.record(ctx, "ship", order_id=order.id, order_no=order.order_no, field="shipped_qty", old=str(before),
               new=str(after))
    _set_status(uow, ctx, order, status_after_shipping(status, ordered, after))
    _touch(uow, order)
    return order


def complete_delivered(uow: UnitOfWork, ctx: ChangeContext, order: Order) -> None:
    """The courier delivered every parcel of a shipped order: it is completed (courier sync, as
    the system on the courier's word; a person completes an order with `transition`)."""
    from shop_orders.services.tickets import SYSTEM

    if ctx.actor != SYSTEM:
        raise permissions.PermissionDenied(t("Only the courier's delivery completes an order this way."))
    if order.status != Status.SHIPPED.value:
        raise TransitionNotAllowed(t("Order {order} is {status}; only a shipped order is completed by its delivery.",
                                     order=order.order_no, status=Status(order.status).label()))
    _set_status(uow, ctx, order, Status.COMPLETED)
    _touch(uow, order)


def edit(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, changes: dict[str, str],
         expected_version: int | None = None) -> Order:
    """Edit the order's text fields; the recipient's name, phone and address need a reason."""
    order = load_for_update(uow, ref, expected_version)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(t("{fields} cannot be edited; editable: {editable}.", fields=", ".join(unknown),
                                editable=", ".join(EDITABLE)))
    real = {k: str(v).strip() for k, v in changes.items() if str(v).strip() != getattr(order, k)}
    for name in real:
        permissions.require(uow, ctx.actor, EDIT_ACTIONS[name])
    if not real:
        raise ValidationError(t("Nothing to change in {order}.", order=order.order_no))
    if "phone" in real and not _PHONE.match(real["phone"]):
        raise ValidationError(t("'{text}' is not a phone number.", text=real["phone"]))
    if any(k in NEEDS_REASON for k in real) and not ctx.reason.strip():
        raise ValidationError(t("Changing the recipient, phone or address needs a reason."))
    from shop_orders.services import parcels

    known = parcels.store_barcode(uow.session, real["tracking_no"]) if real.get("tracking_no") else ""
    if known:  # a tracking number is never a SKU or order id of the store, however it is written in
        raise ValidationError(t("{number} is an item or an order of this shop ({known}), not a tracking number; scan "
                                "the barcode on the courier's label.", number=real["tracking_no"], known=known))
    for name, value in real.items():
        uow.record(ctx, "edit", order_id=order.id, order_no=order.order_no, field=name,
                   old=getattr(order, name), new=value)
        setattr(order, name, value)
    _touch(uow, order)
    return order


CHANNEL_FIELDS = ("status", "currency", "total_minor", "paid_minor", "flags", *EDITABLE)


def apply_channel_update(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, changes: dict[str, Any],
                         expected_version: int | None = None) -> Order:
    """What a channel's own export says about an order it owns (imports, channel sync).

    The channel is the source of truth for its orders' status and payment, so the status is set
    as reported, but only forward (domain/status.py channel_update_allowed); every field changed
    is audited with the channel source. Its flags (domain/flags.py) are set as the file says. A
    total is taken only for an order whose amounts were unknown (a first file without them): the
    channel's own amount, which makes them known; prices of known orders change only by two people.
    """
    permissions.require(uow, ctx.actor, "orders.import")
    return _channel_update(uow, ctx, load_for_update(uow, ref, expected_version), changes)


def apply_channel_updates(uow: UnitOfWork, ctx: ChangeContext, updates: list[tuple[int, dict[str, Any], int]],
                          each: Callable[[], None] | None = None) -> int:
    """apply_channel_update for many orders (an import's updates: (order id, changes, the version
    the plan read)): the orders and their lines are read and locked a few hundred per statement
    (load_many), each gets the same checks and events, and the rows changed are flushed together.
    `each` is called after every order (progress, cancel)."""
    permissions.require(uow, ctx.actor, "orders.import")
    for i in range(0, len(updates), BATCH):
        chunk = updates[i:i + BATCH]
        found = load_many(uow, [oid for oid, _, _ in chunk])
        for oid, changes, version in chunk:
            order = found.get(oid)
            if order is None:
                raise OrderNotFound(t("There is no order {order}.", order=oid))
            _check_version(order, version)
            _channel_update(uow, ctx, order, changes)
            if each is not None:
                each()
    return len(updates)


def _channel_update(uow: UnitOfWork, ctx: ChangeContext, order: Order, changes: dict[str, Any]) -> Order:
    """apply_channel_update on an order read and locked."""
    unknown = sorted(set(changes) - set(CHANNEL_FIELDS))
    if unknown:
        raise AssertionError(f"a channel update cannot change {', '.join(unknown)}")
    if "status" in changes:
        theirs = Status(changes["status"])
        if not channel_update_allowed(Status(order.status), theirs):
            raise TransitionNotAllowed(t("{order} is {ours} here; the channel's {theirs} is older and was not "
                                         "applied.", order=order.order_no, ours=Status(order.status).label(),
                                         theirs=theirs.label()))
        if theirs in SHIPPING and theirs.value != order.status:
            _may_ship_from_file(uow, ctx)
    if "total_minor" in changes and order.amount_known:
        raise AssertionError("a channel update sets a total only where the amounts were unknown")
    for name, value in changes.items():
        old = getattr(order, name)
        if old == value and not (name == "total_minor" and not order.amount_known):
            continue
        if name in ("currency", "total_minor"):
            shown = "—" if name == "total_minor" else old
            new = format_minor(int(value), changes.get("currency", order.currency)) if name == "total_minor" else value
            uow.record(ctx, "price", order_id=order.id, order_no=order.order_no,
                       field="total" if name == "total_minor" else name, old=shown, new=new)
            if name == "total_minor":
                order.amount_known = True
        elif name == "paid_minor":
            uow.record(ctx, "payment", order_id=order.id, order_no=order.order_no, field="paid",
                       old=format_minor(old, order.currency), new=format_minor(int(value), order.currency))
            delta = int(value) - old
            assert order.id is not None  # a stored row
            uow.session.add(Payment(order_id=order.id, amount_minor=delta, method=order.channel,
                                    reference=ctx.source, paid_at=uow.now))
        else:
            uow.record(ctx, "status" if name == "status" else "edit", order_id=order.id,
                       order_no=order.order_no, field=name, old=old, new=value)
        setattr(order, name, value)
    if order.status in (Status.SHIPPED.value, Status.COMPLETED.value):
        # Shipped on the channel: what was not shipped here left in one parcel, so the tracking
        # sync checks its courier's number (services/tracking.py).
        items = {str(line.line_no): line.qty - line.shipped_qty for line in order.lines if line.qty > line.shipped_qty}
        if items:
            before = sum(line.shipped_qty for line in order.lines)
            for line in order.lines:
                line.shipped_qty = line.qty
            assert order.id is not None  # a stored row
            uow.session.add(Shipment(order_id=order.id, courier=order.courier, tracking_no=order.tracking_no,
                                     items=json.dumps(items), shipped_at=uow.now))
            uow.record(ctx, "ship", order_id=order.id, order_no=order.order_no, field="shipped_qty", old=str(before),
                       new=str(before + sum(items.values())))
            from shop_orders.services import (
                stock_moves,  # the goods left the shelf, wherever they were packed
            )

            stock_moves.take_out(uow, ctx, order, {int(n): q for n, q in items.items()}, elsewhere=True)
    _touch(uow, order)
    return order


def require_two_person(uow: UnitOfWork, ctx: ChangeContext, what: str) -> None:
    """Prices and deleting (archiving, purging) are two-person changes whatever their size: only
    an approved change set, while it is being applied, may make them (services/changesets.py)."""
    if not permissions.applying_approved(uow, ctx):
        raise permissions.NeedsApproval(t("{what} needs a second person's approval: propose it.", what=what))


def set_prices(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, prices: dict[int, int], total_minor: int,
               expected_version: int | None = None) -> Order:
    """Set lines' unit prices and the order's total (a price change or discount, or its revert).
    Two-person, whatever the size (see require_two_person)."""
    require_two_person(uow, ctx, t("Changing prices"))
    permissions.require(uow, ctx.actor, "orders.prices")
    order = load_for_update(uow, ref, expected_version)
    lines = {line.line_no: line for line in order.lines}
    if any(int(n) not in lines for n in prices):
        raise ValidationError(t("Order {order} has no such line.", order=order.order_no))
    if any(p < 0 or p > MAX_MINOR for p in prices.values()) or not 0 <= total_minor <= MAX_MINOR:
        raise ValidationError(t("a price must be from 0 to {most}", most=format_minor(MAX_MINOR, order.currency)))
    before = [[li.qty, li.unit_price_minor] for li in order.lines]
    for n, price in prices.items():
        lines[int(n)].unit_price_minor = int(price)
    after = [[li.qty, li.unit_price_minor] for li in order.lines]
    if after != before:
        uow.record(ctx, "price", order_id=order.id, order_no=order.order_no, field="lines",
                   old=json.dumps(before), new=json.dumps(after))
    if total_minor != order.total_minor:
        uow.record(ctx, "price", order_id=order.id, order_no=order.order_no, field="total",
                   old=format_minor(order.total_minor, order.currency), new=format_minor(total_minor, order.currency))
        order.total_minor = total_minor
    _touch(uow, order)
    return order


def set_archived(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, archived: bool = True,
                 expected_version: int | None = None) -> Order:
    """Delete (archive) an order: hidden from the grid, kept in the store; or bring it back.
    Two-person, whatever the size."""
    require_two_person(uow, ctx, t("Deleting orders"))
    permissions.require(uow, ctx.actor, "orders.archive")
    order = load_for_update(uow, ref, expected_version)
    if bool(order.archived) != archived:
        uow.record(ctx, "archive", order_id=order.id, order_no=order.order_no, field="archived",
                   old=str(bool(order.archived)).lower(), new=str(archived).lower())
        order.archived = archived
        _touch(uow, order)
    return order


def purge(uow: UnitOfWork, ctx: ChangeContext, ref: str | int, expected_version: int | None = None) -> None:
    """Remove an archived order's row for good (its trail stays, saying it was purged).
    Two-person; the change set takes a backup first."""
    require_two_person(uow, ctx, t("Purging orders"))
    permissions.require(uow, ctx.actor, "orders.purge")
    order = load_for_update(uow, ref, expected_version)
    if not order.archived:
        raise ValidationError(t("{order} is not archived; only archived orders are purged.", order=order.order_no))
    uow.record(ctx, "purge", order_id=order.id, order_no=order.order_no, field="order", old=None, new="purged")
    oid = order.id
    uow.session.expunge(order)
    for table in (OrderLine.__table__, Payment.__table__, Shipment.__table__, Ticket.__table__):
        uow.session.execute(delete(table).where(table.c.order_id == oid))  # a ticket's notes and files go with it
    uow.session.execute(delete(Order.__table__).where(Order.__table__.c.id == oid))


# ---- many orders at once ---------------------------------------------------------------------

BATCH = 900  # ids per IN (...) query


# The operations a proposal may name, by stable name (see module docstring).
OPERATIONS = {
    "transition": transition,
    "record_payment": record_payment,
    "ship": ship,
    "recall_shipment": recall_shipment,
    "edit": edit,
    "apply_channel_update": apply_channel_update,
    "set_prices": set_prices,
    "set_archived": set_archived,
    "purge": purge,
}
