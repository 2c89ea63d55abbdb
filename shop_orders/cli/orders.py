"""The command line's orders: init, demo, the lists (orders, stale), one order (show) and its
changes by hand (set-status, pay, ship, edit), and the staleness thresholds."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime

from shop_orders.cli.common import (
    NEW_PASSWORD_ENV,
    PASSWORD_ENV,
    ProgressBar,
    channel_arg,
    hours_arg,
    local,
    new_secret,
    positive_int,
    print_history,
    print_table,
    status_arg,
    status_hours_arg,
)
from shop_orders.domain import flags as flag_codes
from shop_orders.domain import staleness
from shop_orders.domain.cells import csv_text
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import UNKNOWN, format_minor, parse_minor, shown
from shop_orders.domain.status import Status
from shop_orders.domain.vocabulary import method_label, source_label
from shop_orders.services import lookup
from shop_orders.services.context import AppContext

JSON_KEYS = ["id", "channel", "channel_order_no", "status", "total", "paid", "currency", "buyer",
             "recipient", "phone", "address", "courier", "tracking_no", "created_at", "updated_at", "stale", "flags"]
CSV_TEXT_KEYS = ("channel_order_no", "buyer", "recipient", "phone", "address", "courier", "tracking_no")


def order_record(row, stale: bool) -> dict:
    cur = row["currency"]
    return {
        "id": row["order_no"], "channel": row["channel"], "channel_order_no": row["channel_order_no"],
        "status": row["status"], "total": format_minor(row["total_minor"], cur) if row["amount_known"] else None,
        "paid": format_minor(row["paid_minor"], cur) if row["amount_known"] else None, "currency": cur,
        "buyer": row["buyer"], "flags": row["flags"],
        "recipient": row["recipient"], "phone": row["phone"], "address": row["address"],
        "courier": row["courier"], "tracking_no": row["tracking_no"],
        "created_at": local(row["created_at"]).isoformat(timespec="seconds"),
        "updated_at": local(row["updated_at"]).isoformat(timespec="seconds"),
        "stale": stale,
    }


def cmd_init(args, ctx: AppContext) -> int:
    """The store, and its first owner when it has none: --owner (default: the OS user) with the
    password from $SHOP_ORDERS_PASSWORD or the terminal. Without either the store stays without
    an owner (anyone at the computer acts as its owner) and stderr says how to add one."""
    from shop_orders.domain.roles import Role
    from shop_orders.services import auth
    from shop_orders.services.overview import overview

    has_users = ctx.read(auth.has_users)
    if has_users and args.owner:
        raise ValidationError(t("{where} has its owner already; add people with: shop-orders users add NAME --role "
                                "ROLE", where=ctx.db.where))
    if not has_users:
        name = args.owner or auth.os_user()
        password = new_secret(PASSWORD_ENV, t("Password for the owner {name} (Enter: no owner yet): ", name=name))
        if password:
            ctx.run(lambda uow, change: auth.create_user(uow, change, name, Role.OWNER, password), "manual")
            print(t("{name} is the owner of this store; from now on every command signs in (--user).", name=name))
        else:
            print(t("The store has no owner yet, so anyone at this computer acts as its owner. Add one with: "
                    "shop-orders users add NAME --role owner (the password from the terminal or ${env})",
                    env=NEW_PASSWORD_ENV), file=sys.stderr)
    ov = overview(ctx.db, datetime.now(UTC))
    print(t("Database ready at {where} ({n} orders).", where=ctx.db.where, n=ov.total))
    return 0


def cmd_demo(args, ctx: AppContext) -> int:
    from shop_orders.services import demo

    with ProgressBar() as bar:
        n = ctx.run(lambda uow, change: demo.fill(uow, change, args.orders, seed=args.seed, progress=bar), "demo")
    print(t("Added {n} demo orders to {where}.", n=n, where=ctx.db.where))
    return 0


def _list(ctx: AppContext, f: lookup.OrderFilter, fmt: str, now: datetime) -> int:
    """The orders `f` selects, written as they are read (one read session)."""
    ctx.read(lambda s: _write_orders(lookup.orders(s, f), f, fmt, now))
    return 0


def _write_orders(rows, f: lookup.OrderFilter, fmt: str, now: datetime) -> None:
    from shop_orders.domain.staleness import Level, level

    out = sys.stdout

    def is_stale(r):
        return (level(Status(r["status"]), r["updated_at"], now, f.thresholds) is Level.RED)
    if fmt == "json":
        out.write("[")
        for i, r in enumerate(rows):
            out.write(("," if i else "") + "\n  " + json.dumps(order_record(r, is_stale(r)), ensure_ascii=False))
        out.write("\n]\n")
    elif fmt == "csv":
        w = csv.DictWriter(out, fieldnames=JSON_KEYS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            rec = order_record(r, is_stale(r))
            for key in CSV_TEXT_KEYS:  # channel text is untrusted: never a formula (domain/cells.py)
                rec[key] = csv_text(rec[key])
            w.writerow(rec)
    else:
        headers = [t("Order"), t("Channel"), t("Channel order no"), t("Status"), t("Total"), t("Paid"),
                   t("Buyer"), t("Last update"), t("Stale")]
        red = t("RED")
        table = []
        for r in rows:
            rec = order_record(r, is_stale(r))
            table.append([rec["id"], channel_label(rec["channel"]), rec["channel_order_no"],
                          Status(rec["status"]).label(), f"{rec['total'] or UNKNOWN} {rec['currency']}",
                          rec["paid"] or UNKNOWN, rec["buyer"], local(r["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                          red if rec["stale"] else ""])
        print_table(headers, table)
        print(t("{n} orders", n=len(table)), file=sys.stderr)


def cmd_orders(args, ctx: AppContext) -> int:
    from shop_orders.services.overview import thresholds

    now = datetime.now(UTC)
    f = lookup.OrderFilter(statuses=args.status or (), channels=args.channel or (), stale_only=args.stale,
                           thresholds=thresholds(ctx.db), now=now)
    return _list(ctx, f, args.format, now)


def cmd_stale(args, ctx: AppContext) -> int:
    from shop_orders.services.overview import thresholds

    now = datetime.now(UTC)
    limits = staleness.Thresholds(args.hours) if args.hours else thresholds(ctx.db)
    f = lookup.OrderFilter(stale_only=True, thresholds=limits, now=now)
    rows = ctx.read(lambda s: [(r["order_no"], r["channel"], r["channel_order_no"], r["status"],
                                local(r["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                                staleness.describe_age(now - r["updated_at"])) for r in lookup.orders(s, f)])
    if args.format == "json":  # codes, for programs
        print(json.dumps([dict(zip(["id", "channel", "channel_order_no", "status", "updated_at", "no_update_for"], row,
                                   strict=True)) for row in rows], ensure_ascii=False, indent=1))
    else:
        table = [[no, channel_label(ch), cno, Status(st).label(), upd, age] for no, ch, cno, st, upd, age in rows]
        print_table([t("Order"), t("Channel"), t("Channel order no"), t("Status"), t("Last update"),
                     t("No update for")], table)
        print(t("{n} stale orders (threshold {hours} h)", n=len(table), hours=f"{limits.default_hours:g}"),
              file=sys.stderr)
    return 0


def cmd_show(args, ctx: AppContext) -> int:
    def found(s):
        o = lookup.order(s, args.order)
        if o is None:
            raise ValidationError(t("There is no order {order}.", order=args.order))
        assert o.id is not None  # a stored row
        return o, lookup.order_history(s, o.id)

    o, history = ctx.read(found)
    cur = o.currency
    print(t("{order}  {channel} {channel_order_no}  {status} ({code})  version {version}", order=o.order_no,
            channel=channel_label(o.channel), channel_order_no=o.channel_order_no, status=Status(o.status).label(),
            code=o.status, version=o.version))
    print(t("  total {total} {currency}, paid {paid}", total=shown(o.total_minor, cur, o.amount_known), currency=cur,
            paid=shown(o.paid_minor, cur, o.amount_known)))
    if not o.amount_known:
        print(t("  the channel's file gave no amounts; a later file that has them fills them in"))
    if o.flags:
        print(t("  channel flags: {flags}", flags=flag_codes.describe(o.flags)))
    print(t("  buyer {buyer}; recipient {recipient}, {phone}, {address}", buyer=o.buyer, recipient=o.recipient,
            phone=o.phone, address=o.address))
    if o.courier or o.tracking_no:
        print(t("  courier {courier} {tracking_no}", courier=o.courier, tracking_no=o.tracking_no))
    print(t("  created {created}, last update {updated}", created=f"{local(o.created_at):%Y-%m-%d %H:%M}",
            updated=f"{local(o.updated_at):%Y-%m-%d %H:%M}"))
    for line in o.lines:
        print(t("  line {n}: {sku} {title} x{qty} @ {price} (shipped {shipped})", n=line.line_no, sku=line.sku,
                title=line.title, qty=line.qty, price=format_minor(line.unit_price_minor, cur),
                shipped=line.shipped_qty))
    for p in o.payments:
        what = (t("  payment {amount} {currency} at {time} ({method}, {source})") if p.amount_minor >= 0 else
                t("  refund {amount} {currency} at {time} ({method}, {source})"))
        print(what.format(amount=format_minor(abs(p.amount_minor), cur), currency=cur,
                          time=f"{local(p.paid_at):%Y-%m-%d %H:%M}", method=method_label(p.method) or "-",
                          source=source_label(p.reference) or "-"))
    print_history(history, hashes=getattr(args, "hashes", False))
    return 0


def _apply(ctx: AppContext, fn, source: str, reason: str, *a, **kw) -> int:
    order = ctx.run(lambda uow, change: fn(uow, change, *a, **kw), source, reason)
    print(t("{order} is now {status} (version {version}).", order=order.order_no, status=Status(order.status).label(),
            version=order.version))
    return 0


def cmd_set_status(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    return _apply(ctx, orders.transition, "manual", args.reason, args.order, args.status,
                  expected_version=args.expect_version)


def cmd_pay(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    o = ctx.read(lambda s: lookup.order(s, args.order))
    if o is None:
        raise ValidationError(t("There is no order {order}.", order=args.order))
    amount = parse_minor(args.amount, o.currency)
    return _apply(ctx, orders.record_payment, "manual", args.reason, args.order, amount,
                  method=args.method, reference=args.reference, expected_version=args.expect_version)


def cmd_ship(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    items = None
    if args.line:
        items = {}
        for spec in args.line:
            n, _, q = spec.partition("=")
            if not (n.isdigit() and q.isdigit()):
                raise ValidationError(t("--line '{spec}' should look like LINE=QTY, e.g. 1=2", spec=spec))
            items[int(n)] = int(q)
    return _apply(ctx, orders.ship, "manual", args.reason, args.order, items, courier=args.courier,
                  tracking_no=args.tracking_no, expected_version=args.expect_version)


def cmd_edit(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    changes = {k: getattr(args, k) for k in orders.EDITABLE if getattr(args, k) is not None}
    if not changes:
        raise ValidationError(t("Say what to change, e.g. --phone 13800000000 --reason 'customer called'."))
    return _apply(ctx, orders.edit, "manual", args.reason, args.order, changes,
                  expected_version=args.expect_version)


def cmd_thresholds(args, ctx: AppContext) -> int:
    from shop_orders.services import settings
    from shop_orders.services.overview import thresholds

    current = thresholds(ctx.db)
    if args.default is not None or args.status or args.clear:
        per = {} if args.clear else dict(current.per_status)
        per.update({s: staleness.setting_hours(h, f"--status {s.value}") for s, h in args.status or []})
        default = current.default_hours if args.default is None else staleness.setting_hours(args.default, "--default")
        try:
            new = staleness.Thresholds(default, per)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        ctx.run(lambda uow, change: settings.set_thresholds(uow, change, new), "manual")
        current = new
    print(t("default: {hours} h", hours=f"{current.default_hours:g}"))
    for s in Status:
        hours = current.hours_for(s)
        if hours is not None:
            line = (N_("  {code}: {hours} h ({status})") if s in current.per_status
                    else N_("  {code}: {hours} h ({status}, the default)"))
            print(t(line, code=s.value, hours=f"{hours:g}", status=s.label()))
    return 0


def change_args(c) -> None:
    """What every change by hand takes: the order, --reason and --expect-version."""
    c.add_argument("order", metavar="ORDER", help=t("global order id"))
    c.add_argument("--reason", default="", help=t("why (recorded in the audit trail)"))
    c.add_argument("--expect-version", type=int, metavar="V",
                   help=t("refuse if the order's version is no longer V"))


def add_listing_commands(sub) -> None:
    """init, demo, orders, stale."""
    c = sub.add_parser("init", help=t("create the database (or upgrade an older one), with its first owner"))
    c.add_argument("--owner", metavar="NAME",
                   help=t("the first owner's name (default: your OS user); the password from ${env} or the "
                          "terminal; without either, the store has no owner yet", env=PASSWORD_ENV))
    c.set_defaults(func=cmd_init, create=True)

    c = sub.add_parser("demo", help=t("add realistic mixed-channel demo orders"))
    c.add_argument("--orders", type=positive_int, required=True, metavar="N", help=t("how many orders"))
    c.add_argument("--seed", type=int, default=1, metavar="S", help=t("random seed (same seed, same orders)"))
    c.set_defaults(func=cmd_demo, create=True)

    c = sub.add_parser("orders", help=t("list orders, filtered"))
    c.add_argument("--status", type=status_arg, action="append", metavar="S", help=t("status code, repeatable"))
    c.add_argument("--channel", type=channel_arg, action="append", metavar="C", help=t("channel code, repeatable"))
    c.add_argument("--stale", action="store_true", help=t("only orders past their staleness threshold"))
    c.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help=t("table for people; csv and json keep codes, for programs"))
    c.set_defaults(func=cmd_orders)

    c = sub.add_parser("stale", help=t("list orders with no update for too long"))
    c.add_argument("--hours", type=hours_arg, metavar="H",
                   help=t("threshold for every status (default: the shop setting)"))
    c.add_argument("--format", choices=["table", "json"], default="table",
                   help=t("table for people; json keeps codes, for programs"))
    c.set_defaults(func=cmd_stale)


def add_change_commands(sub) -> None:
    """show, set-status, pay, ship."""
    c = sub.add_parser("show", help=t("one order with its lines and history"))
    c.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    c.add_argument("--hashes", action="store_true",
                   help=t("name each attached file's SHA-256 beside its name in the history"))
    c.set_defaults(func=cmd_show)

    c = sub.add_parser("set-status", help=t("change an order's status along an allowed transition"))
    change_args(c)
    c.add_argument("status", type=status_arg, metavar="STATUS")
    c.set_defaults(func=cmd_set_status)

    c = sub.add_parser("pay", help=t("record a payment (negative amount: a refund)"))
    change_args(c)
    c.add_argument("amount", metavar="AMOUNT", help=t("decimal amount in the order's currency, e.g. 88.50"))
    c.add_argument("--method", default="", help=t("alipay, wechat_pay, card, cash..."))
    c.add_argument("--reference", default="", help=t("transaction or bank reference"))
    c.set_defaults(func=cmd_pay)

    c = sub.add_parser("ship", help=t("ship without a scan (owner or manager, --reason required): line quantities, "
                                      "default everything not yet shipped"))
    change_args(c)
    c.add_argument("--line", action="append", metavar="LINE=QTY", help=t("ship QTY of line LINE, repeatable"))
    c.add_argument("--courier", default="")
    c.add_argument("--tracking-no", default="")
    c.set_defaults(func=cmd_ship)


def add_edit_command(sub) -> None:
    """edit."""
    c = sub.add_parser("edit", help=t("edit buyer, recipient, phone, address, courier or tracking number"))
    change_args(c)
    for name in ("buyer", "recipient", "phone", "address", "courier", "tracking-no"):
        c.add_argument(f"--{name}", dest=name.replace("-", "_"))
    c.set_defaults(func=cmd_edit)


def add_thresholds_command(sub) -> None:
    """thresholds."""
    c = sub.add_parser("thresholds", help=t("show or set the staleness thresholds (shop setting)"))
    c.add_argument("--default", metavar="H",
                   help=t("hours for every status without its own (whole hours, 1 to 2160)"))
    c.add_argument("--status", type=status_hours_arg, action="append", metavar="STATUS=H",
                   help=t("per status, repeatable"))
    c.add_argument("--clear", action="store_true", help=t("drop the per-status thresholds"))
    c.set_defaults(func=cmd_thresholds)
