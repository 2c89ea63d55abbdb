"""Many orders changed in one go: a change set applied or reverted (services/changesets.py).

`change_many` gives every order exactly the checks and audit events of services/orders.py's
single-order functions (transition, edit, set_prices, set_archived, purge), but reads the rows a
few hundred at a time and writes them set-wise at the end (store/bulk.py), in the caller's unit of
work: 100,000 orders take a few hundred statements, not a few hundred thousand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import (
    OrderNotFound,
    TransitionNotAllowed,
    ValidationError,
)
from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_MINOR, format_minor
from shop_orders.domain.payment import unpaid_refusal
from shop_orders.domain.roles import status_action
from shop_orders.domain.status import (
    Status,
    check_manual_transition,
)
from shop_orders.services import permissions
from shop_orders.services.orders import BATCH, EDIT_ACTIONS, require_two_person
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import seals
from shop_orders.store.bulk import update_many
from shop_orders.store.models import (
    Order,
    OrderLine,
    Payment,
    Shipment,
    Ticket,
)

_BATCH_READ = ("id", "order_no", "channel", "status", "courier", "total_minor", "paid_minor", "currency", "archived",
               "version")

Row = dict[str, Any]  # an order's row as read, changed in place


@dataclass
class _Batch:
    """What change_many learned and will write: the orders' rows (plain dicts, changed in place as
    the per-order functions change their objects), their lines, which columns of which orders and
    lines changed, and the orders to purge."""

    rows: dict[int, Row] = field(default_factory=dict)
    lines: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    changed: dict[int, set[str]] = field(default_factory=dict)
    prices: dict[tuple[int, int], int] = field(default_factory=dict)
    purged: set[int] = field(default_factory=set)
    cod: frozenset[str] | None = None


def change_many(uow: UnitOfWork, ctx: ChangeContext, changes: list[tuple[int, dict[str, Any]]]) -> int:
    """Many orders' changes in one go (a change set applied or reverted): each `after` says what an
    order's fields become ({"status"}, {"courier"}, {"prices", "total"}, {"archived"}, {"purged"}).

    Every order gets exactly the checks and audit events of transition, edit, set_prices,
    set_archived and purge (in that order, one order after the other; the first refusal stops it
    all), but nothing goes through an ORM object: the rows are read a few hundred at a time
    (locked), and written set-wise at the end, one executemany per kind of update, in the caller's
    transaction. The unit of work then chains the events, runs the rules over the batch and seals
    every order written (store/seals.py), as for a single change. Returns how many orders."""
    if not changes:
        return 0
    uow.session.flush()  # what the session holds goes first; our statements bypass it
    batch = _Batch()
    _read_batch(uow, batch, [oid for oid, _ in changes], any("prices" in after for _, after in changes))
    for oid, after in changes:
        _change_one(uow, ctx, batch, oid, after)
    _write_batch(uow, batch)
    return len(changes)


def _read_batch(uow: UnitOfWork, batch: _Batch, ids: list[int], with_lines: bool) -> None:
    T, L = Order.__table__, OrderLine.__table__
    wanted = sorted(set(ids))
    for i in range(0, len(wanted), BATCH):
        chunk = wanted[i:i + BATCH]
        q = select(*(T.c[c] for c in _BATCH_READ)).where(T.c.id.in_(chunk)).with_for_update()
        batch.rows.update({r[0]: dict(zip(_BATCH_READ, r, strict=True)) for r in uow.session.execute(q)})
        if with_lines:
            for r in uow.session.execute(select(L.c.order_id, L.c.line_no, L.c.qty, L.c.unit_price_minor)
                                         .where(L.c.order_id.in_(chunk)).order_by(L.c.order_id, L.c.line_no)):
                batch.lines.setdefault(r.order_id, {})[r.line_no] = [r.qty, r.unit_price_minor]


def _row(batch: _Batch, oid: int) -> Row:
    o = batch.rows.get(oid)
    if o is None or oid in batch.purged:
        raise OrderNotFound(t("There is no order {order}.", order=oid))
    return o


def _set(batch: _Batch, o: Row, name: str, value: object) -> None:
    o[name] = value
    batch.changed.setdefault(o["id"], set()).add(name)


def _touch_row(uow: UnitOfWork, batch: _Batch, o: Row) -> None:
    _set(batch, o, "updated_at", uow.now)
    _set(batch, o, "version", o["version"] + 1)


def _change_one(uow: UnitOfWork, ctx: ChangeContext, batch: _Batch, oid: int, after: dict[str, Any]) -> None:
    """One order of change_many: the rules of the per-order functions, on its row."""
    if "status" in after:
        _transition_row(uow, ctx, batch, _row(batch, oid), Status(after["status"]))
    if "courier" in after:
        _edit_courier_row(uow, ctx, batch, _row(batch, oid), after["courier"])
    if "prices" in after:
        require_two_person(uow, ctx, t("Changing prices"))
        permissions.require(uow, ctx.actor, "orders.prices")
        _prices_row(uow, ctx, batch, _row(batch, oid), {int(n): int(p) for n, p in after["prices"].items()},
                    int(after["total"]))
    if "archived" in after:
        require_two_person(uow, ctx, t("Deleting orders"))
        permissions.require(uow, ctx.actor, "orders.archive")
        o = _row(batch, oid)
        archived = bool(after["archived"])
        if bool(o["archived"]) != archived:
            uow.record(ctx, "archive", order_id=oid, order_no=o["order_no"], field="archived",
                       old=str(bool(o["archived"])).lower(), new=str(archived).lower())
            _set(batch, o, "archived", archived)
            _touch_row(uow, batch, o)
    if after.get("purged"):
        require_two_person(uow, ctx, t("Purging orders"))
        permissions.require(uow, ctx.actor, "orders.purge")
        o = _row(batch, oid)
        if not o["archived"]:
            raise ValidationError(t("{order} is not archived; only archived orders are purged.", order=o["order_no"]))
        uow.record(ctx, "purge", order_id=oid, order_no=o["order_no"], field="order", old=None, new="purged")
        batch.purged.add(oid)


def _transition_row(uow: UnitOfWork, ctx: ChangeContext, batch: _Batch, o: Row, target: Status) -> None:
    """transition, on a row of change_many."""
    current = Status(o["status"])
    check_manual_transition(current, target)
    permissions.require(uow, ctx.actor, status_action(current, target))
    if target is Status.CANCELLED and not ctx.reason.strip():
        raise ValidationError(t("Cancelling {order} needs a reason.", order=o["order_no"]))
    if target is Status.AWAITING_SHIPMENT and o["paid_minor"] < o["total_minor"]:
        if batch.cod is None:
            from shop_orders.services.settings import get_cod_channels

            batch.cod = get_cod_channels(uow.session)
        refusal = unpaid_refusal(o["order_no"], o["channel"], o["paid_minor"], o["total_minor"], o["currency"],
                                 batch.cod)
        if refusal:
            raise TransitionNotAllowed(refusal)
    if o["status"] != target.value:
        uow.record(ctx, "status", order_id=o["id"], order_no=o["order_no"], field="status", old=o["status"],
                   new=target.value)
        _set(batch, o, "status", target.value)
    _touch_row(uow, batch, o)


def _edit_courier_row(uow: UnitOfWork, ctx: ChangeContext, batch: _Batch, o: Row, courier: str) -> None:
    """edit(..., {"courier": ...}), on a row of change_many."""
    value = str(courier).strip()
    if value == o["courier"]:
        raise ValidationError(t("Nothing to change in {order}.", order=o["order_no"]))
    permissions.require(uow, ctx.actor, EDIT_ACTIONS["courier"])
    uow.record(ctx, "edit", order_id=o["id"], order_no=o["order_no"], field="courier", old=o["courier"], new=value)
    _set(batch, o, "courier", value)
    _touch_row(uow, batch, o)


def _prices_row(uow: UnitOfWork, ctx: ChangeContext, batch: _Batch, o: Row, prices: dict[int, int],
                total_minor: int) -> None:
    """set_prices, on a row of change_many (its lines read with it)."""
    lines = batch.lines.get(o["id"], {})
    if any(n not in lines for n in prices):
        raise ValidationError(t("Order {order} has no such line.", order=o["order_no"]))
    if any(p < 0 or p > MAX_MINOR for p in prices.values()) or not 0 <= total_minor <= MAX_MINOR:
        raise ValidationError(t("a price must be from 0 to {most}", most=format_minor(MAX_MINOR, o["currency"])))
    before = [list(li) for _, li in sorted(lines.items())]
    for n, price in prices.items():
        if lines[n][1] != price:
            lines[n][1] = price
            batch.prices[(o["id"], n)] = price
    after = [list(li) for _, li in sorted(lines.items())]
    if after != before:
        uow.record(ctx, "price", order_id=o["id"], order_no=o["order_no"], field="lines",
                   old=json.dumps(before), new=json.dumps(after))
    if total_minor != o["total_minor"]:
        uow.record(ctx, "price", order_id=o["id"], order_no=o["order_no"], field="total",
                   old=format_minor(o["total_minor"], o["currency"]), new=format_minor(total_minor, o["currency"]))
        _set(batch, o, "total_minor", total_minor)
    _touch_row(uow, batch, o)


def _write_batch(uow: UnitOfWork, batch: _Batch) -> None:
    """The rows change_many changed, set-wise: one UPDATE executemany per set of columns changed,
    one for the lines' prices, one DELETE per table for the purged orders. Every order written is
    sealed again at commit (seals.touched), and the session forgets what it held of them."""
    s = uow.session
    T, L = Order.__table__, OrderLine.__table__
    gone = batch.purged
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for oid, names in batch.changed.items():
        if oid in gone:
            continue
        cols = tuple(sorted(names))
        o = batch.rows[oid]
        groups.setdefault(cols, []).append((*(o[c] for c in cols), oid))
    for cols, rows in groups.items():
        update_many(s, T, cols, ("id",), rows)
    update_many(s, L, ("unit_price_minor",), ("order_id", "line_no"),
                [(price, oid, n) for (oid, n), price in batch.prices.items() if oid not in gone])
    purged = sorted(gone)
    for i in range(0, len(purged), BATCH):
        chunk = purged[i:i + BATCH]
        for table in (OrderLine.__table__, Payment.__table__, Shipment.__table__, Ticket.__table__):
            s.execute(delete(table).where(table.c.order_id.in_(chunk)))  # a ticket's notes and files go with it
        s.execute(delete(T).where(T.c.id.in_(chunk)))
    seals.touched(s).update(oid for oid in batch.changed if oid not in gone)
    written = batch.changed.keys() | gone
    for obj in list(s.identity_map.values()):  # nothing stale is read, or flushed, after this
        owner = obj.id if isinstance(obj, Order) else getattr(obj, "order_id", None)
        if not isinstance(obj, Order | OrderLine | Payment | Shipment | Ticket) or owner not in written:
            continue
        if owner in gone:
            s.expunge(obj)
        else:
            s.expire(obj)
