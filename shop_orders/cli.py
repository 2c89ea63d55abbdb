"""The command line: parse arguments, call the same services as the UI, print.

Errors are one line on stderr and exit 1; usage errors exit 2 (argparse). Run
`shop-orders --help` or `shop-orders COMMAND --help`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from shop_orders import __version__
from shop_orders.app import DB_ENV, AppContext, open_context
from shop_orders.domain import staleness
from shop_orders.domain.cells import csv_text
from shop_orders.domain.channels import channel_label, parse_channel
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.money import format_minor, parse_minor
from shop_orders.domain.status import Status

JSON_KEYS = ["id", "channel", "channel_order_no", "status", "total", "paid", "currency", "buyer",
             "recipient", "phone", "address", "courier", "tracking_no", "created_at", "updated_at", "stale"]

CSV_TEXT_KEYS = ("channel_order_no", "buyer", "recipient", "phone", "address", "courier", "tracking_no")


def _status(text: str) -> Status:
    try:
        return Status.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _channel(text: str) -> str:
    try:
        return parse_channel(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must not be negative")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of hours") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("hours must be more than 0")
    return value


def _status_hours(text: str) -> tuple[Status, str]:
    """STATUS=HOURS; the hours are checked with the setting's rule in cmd_thresholds (exit 1)."""
    status, sep, hours = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"'{text}' should look like STATUS=HOURS")
    return _status(status), hours


def local(dt: datetime) -> datetime:
    return dt.astimezone()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]], out=sys.stdout) -> None:
    rows = list(rows)
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    out.write("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n")


def order_record(row, stale: bool) -> dict:
    cur = row["currency"]
    return {
        "id": row["order_no"], "channel": row["channel"], "channel_order_no": row["channel_order_no"],
        "status": row["status"], "total": format_minor(row["total_minor"], cur),
        "paid": format_minor(row["paid_minor"], cur), "currency": cur, "buyer": row["buyer"],
        "recipient": row["recipient"], "phone": row["phone"], "address": row["address"],
        "courier": row["courier"], "tracking_no": row["tracking_no"],
        "created_at": local(row["created_at"]).isoformat(timespec="seconds"),
        "updated_at": local(row["updated_at"]).isoformat(timespec="seconds"),
        "stale": stale,
    }


# ---- commands -------------------------------------------------------------------------------

def cmd_init(args, ctx: AppContext) -> int:
    from shop_orders.services.overview import overview

    ov = overview(ctx.db, datetime.now(UTC))
    print(f"Database ready at {ctx.db.where} ({ov.total} orders).")
    return 0


def cmd_demo(args, ctx: AppContext) -> int:
    from shop_orders.services import demo

    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> bool:
        if show:
            print(f"\r{done}/{total} orders", end="", file=sys.stderr, flush=True)
        return True

    with ctx.uow() as uow:
        n = demo.fill(uow, ctx.change("demo"), args.orders, seed=args.seed, progress=progress)
        uow.commit()
    if show:
        print(file=sys.stderr)
    print(f"Added {n} demo orders to {ctx.db.where}.")
    return 0


def _list(ctx: AppContext, f, fmt: str, now: datetime) -> int:
    from shop_orders.domain.staleness import Level, level
    from shop_orders.store import queries

    out = sys.stdout
    with ctx.db.read_session() as s:
        rows = queries.iter_orders(s, f)
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
            headers = ["Order", "Channel", "Channel order no", "Status", "Total", "Paid", "Buyer", "Last update", "Stale"]
            table = []
            for r in rows:
                rec = order_record(r, is_stale(r))
                table.append([rec["id"], channel_label(rec["channel"]), rec["channel_order_no"],
                              Status(rec["status"]).label(), f"{rec['total']} {rec['currency']}",
                              rec["paid"], rec["buyer"], local(r["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                              "RED" if rec["stale"] else ""])
            print_table(headers, table)
            print(f"{len(table)} orders", file=sys.stderr)
    return 0


def cmd_orders(args, ctx: AppContext) -> int:
    from shop_orders.services.overview import thresholds
    from shop_orders.store.queries import OrderFilter

    now = datetime.now(UTC)
    f = OrderFilter(statuses=args.status or (), channels=args.channel or (), stale_only=args.stale,
                    thresholds=thresholds(ctx.db), now=now)
    return _list(ctx, f, args.format, now)


def cmd_stale(args, ctx: AppContext) -> int:
    from shop_orders.services.overview import thresholds
    from shop_orders.store import queries

    now = datetime.now(UTC)
    t = staleness.Thresholds(args.hours) if args.hours else thresholds(ctx.db)
    f = queries.OrderFilter(stale_only=True, thresholds=t, now=now)
    table = []
    with ctx.db.read_session() as s:
        for r in queries.iter_orders(s, f):
            table.append([r["order_no"], channel_label(r["channel"]), r["channel_order_no"],
                          Status(r["status"]).label(), local(r["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                          staleness.describe_age(now - r["updated_at"])])
    if args.format == "json":
        print(json.dumps([dict(zip(["id", "channel", "channel_order_no", "status", "updated_at", "no_update_for"], row, strict=True))
                          for row in table], ensure_ascii=False, indent=1))
    else:
        print_table(["Order", "Channel", "Channel order no", "Status", "Last update", "No update for"], table)
        print(f"{len(table)} stale orders (threshold {t.default_hours:g} h)", file=sys.stderr)
    return 0


def cmd_audit_verify(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import REPLAY_KINDS as replay_kinds
    from shop_orders.services.verification import verify_store

    result = verify_store(ctx.db)
    if result.ok:
        print(f"Audit chain intact: {result.count_text()}, head #{result.head[0]} {result.head[1][:16]}…")
        return 0
    if result.kind in replay_kinds:
        print(f"error: the store does not match its audit trail [{result.kind}]: {result.problem}", file=sys.stderr)
    else:
        print(f"error: audit chain broken [{result.kind}]: {result.problem}", file=sys.stderr)
    return 1


def cmd_audit_key_export(args, ctx: AppContext) -> int:
    from shop_orders.store import audit, keys

    key = audit.require_key(ctx.db)
    dest = Path(args.file)
    if dest.exists():
        raise ShopOrdersError(f"{dest} already exists; choose another name.")
    keys.write_private(dest, key.to_json(), exclusive=True)
    print(f"The audit key of {ctx.db.where} (fingerprint {key.fingerprint()}) was written to {dest}. Anyone holding "
          "it can forge the trail: carry it to the other seat, import it there, then delete it.")
    return 0


def cmd_audit_key_import(args, ctx: AppContext) -> int:
    from shop_orders.store import audit, keys

    src = Path(args.file)
    try:
        text = src.read_text(encoding="utf-8")
    except OSError:
        raise keys.KeyFileError(f"{src} cannot be read.") from None
    key = keys.parse_key(text, str(src))
    if key.store_id != ctx.db.store_id:  # e.g. a new computer: the key comes before the restore
        keys.KeyStore(ctx.db.data_dir).save(key)
        print(f"Audit key saved (fingerprint {key.fingerprint()}). It belongs to another store than {ctx.db.where}: "
              "restore a backup of that store (`shop-orders restore FILE`) to use it.")
        return 0
    result = audit.adopt_key(ctx.db, key, str(src))
    print(f"Audit key imported (fingerprint {key.fingerprint()}); the trail checks out ({result.count} events). "
          "This seat may now write.")
    return 0


def cmd_audit_heads_reset(args, ctx: AppContext) -> int:
    from shop_orders.store import audit

    result = audit.reset_heads_checked(ctx.db)
    print(f"Both audit head files now record event #{result.head[0]}, the end of the checked trail.")
    return 0


def _percent_on_tty(label: str):
    """progress(done, total) that shows a percentage on an interactive stderr, else nothing."""
    if not sys.stderr.isatty():
        return None

    def progress(done: int, total: int) -> None:
        print(f"\r{label} {100 * done // max(total, 1)}%", end="", file=sys.stderr, flush=True)
    return progress


def cmd_backup(args, ctx: AppContext) -> int:
    from shop_orders.services.backup import backup

    report = backup(ctx.db, Path(args.dest) if args.dest else None, ctx.backup_dir,
                    progress=_percent_on_tty("Copying"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Backup written and checked: {report.path} ({report.orders} orders, {report.events} audit events; "
          f"manifest {report.manifest.name}).")
    return 0


def cmd_restore(args, ctx: AppContext) -> int:
    from shop_orders.services.backup import restore

    told = []

    def waiting(others) -> None:
        if not told:
            told.append(True)
            print(f"Waiting for {len(others)} other seat(s) to close the store "
                  f"({', '.join(s.describe() for s in others[:3])})...", file=sys.stderr, flush=True)

    report = restore(ctx.db, Path(args.src), ctx.backup_dir, wait=args.wait, wait_timeout_s=args.wait_timeout,
                     waiting=waiting)
    print(f"Restored {args.src} ({report.orders} orders, {report.events} audit events).")
    if report.replaced_problem:
        print(f"The store it replaced failed its checks ({report.replaced_problem}); "
              f"it was kept as it was in {report.path}.")
    else:
        print(f"The data it replaced was kept in {report.path}.")
    return 0


def cmd_show(args, ctx: AppContext) -> int:
    from shop_orders.domain.replay import describe_created
    from shop_orders.store import queries

    with ctx.db.read_session() as s:
        o = queries.order_detail(s, args.order)
        if o is None:
            raise ValidationError(f"There is no order {args.order}.")
        history = queries.order_history(s, o.id)
    cur = o.currency
    print(f"{o.order_no}  {channel_label(o.channel)} {o.channel_order_no}  {Status(o.status).label()} "
          f"({Status(o.status).label('zh')})  version {o.version}")
    print(f"  total {format_minor(o.total_minor, cur)} {cur}, paid {format_minor(o.paid_minor, cur)}")
    print(f"  buyer {o.buyer}; recipient {o.recipient}, {o.phone}, {o.address}")
    if o.courier or o.tracking_no:
        print(f"  courier {o.courier} {o.tracking_no}")
    print(f"  created {local(o.created_at):%Y-%m-%d %H:%M}, last update {local(o.updated_at):%Y-%m-%d %H:%M}")
    for line in o.lines:
        print(f"  line {line.line_no}: {line.sku} {line.title} x{line.qty} @ {format_minor(line.unit_price_minor, cur)}"
              f" (shipped {line.shipped_qty})")
    print("  history (newest first):")
    for e in history:
        new = describe_created(e.new) if e.action == "create" else e.new
        change = f"{e.old} → {new}" if e.old is not None else (new or "")
        reason = f"  ({e.reason})" if e.reason else ""
        print(f"    {local(e.at):%Y-%m-%d %H:%M}  {e.actor}  [{e.source}]  {e.action} {e.field}: {change}{reason}")
    return 0


def _apply(ctx: AppContext, fn, source: str, reason: str, *a, **kw) -> int:
    with ctx.uow() as uow:
        order = fn(uow, ctx.change(source, reason), *a, **kw)
        uow.commit()
    print(f"{order.order_no} is now {Status(order.status).label()} (version {order.version}).")
    return 0


def cmd_set_status(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    return _apply(ctx, orders.transition, "manual", args.reason, args.order, args.status,
                  expected_version=args.expect_version)


def cmd_pay(args, ctx: AppContext) -> int:
    from shop_orders.services import orders
    from shop_orders.store import queries

    with ctx.db.read_session() as s:
        o = queries.order_detail(s, args.order)
        if o is None:
            raise ValidationError(f"There is no order {args.order}.")
        currency = o.currency
    amount = parse_minor(args.amount, currency)
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
                raise ValidationError(f"--line '{spec}' should look like LINE=QTY, e.g. 1=2")
            items[int(n)] = int(q)
    return _apply(ctx, orders.ship, "manual", args.reason, args.order, items, courier=args.courier,
                  tracking_no=args.tracking_no, expected_version=args.expect_version)


def cmd_edit(args, ctx: AppContext) -> int:
    from shop_orders.services import orders

    changes = {k: getattr(args, k) for k in orders.EDITABLE if getattr(args, k) is not None}
    if not changes:
        raise ValidationError("Say what to change, e.g. --phone 13800000000 --reason 'customer called'.")
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
        with ctx.uow() as uow:
            settings.set_thresholds(uow, ctx.change("manual"), new)
            uow.commit()
        current = new
    print(f"default: {current.default_hours:g} h")
    for s in Status:
        hours = current.hours_for(s)
        if hours is not None:
            print(f"  {s.value}: {hours:g} h{'' if s in current.per_status else ' (default)'}")
    return 0


def cmd_import(args, ctx: AppContext) -> int:
    from shop_orders.services.importing import runner

    path = Path(args.file)
    show = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if show and total:
            print(f"\r{stage}: {done}/{total}", end="", file=sys.stderr, flush=True)

    plan = runner.prepare(ctx.db, path, args.channel, progress=progress)
    if show:
        print(file=sys.stderr)
    invalid = len({x.row for x in plan.problems})
    print(f"{path.name}: {plan.profile.name} (header on row {plan.header_row}); {len(plan.orders)} orders in the file")
    print(f"{'would create' if args.dry_run else 'create'} {len(plan.creates)}, update {len(plan.updates)}, "
          f"unchanged {plan.unchanged}, refused {len(plan.refused)}, errors {len(plan.problems)}")
    for x in plan.refused[:runner.MAX_LISTED]:
        print(f"  refused: {x}")
    if plan.problems:
        print(runner.describe_problems(plan), file=sys.stderr)
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 1 if plan.problems else 0
    if plan.problems and not args.skip_invalid:
        print(f"error: {len(plan.problems)} problems in {path.name}; nothing was imported "
              "(fix the file, or use --skip-invalid to import the other orders).", file=sys.stderr)
        return 1
    result = runner.apply(ctx.db, ctx.change(f"import:{path.name}"), plan, skip_invalid=args.skip_invalid,
                          progress=progress)
    if show:
        print(file=sys.stderr)
    print(f"Imported: created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
          f"refused {result.refused}, skipped as invalid {invalid if args.skip_invalid else 0}.")
    return 0


def cmd_export(args, ctx: AppContext) -> int:
    from shop_orders.services import exporting
    from shop_orders.services.overview import thresholds
    from shop_orders.store.grid import GridQuery

    path = Path(args.file)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"{path.name}: exports are Excel workbooks; name the file .xlsx")
    if not path.parent.is_dir():
        raise ValidationError(f"The folder {path.parent} does not exist.")
    q = GridQuery(statuses=tuple(args.status or ()), channels=tuple(args.channel or ()), stale_only=args.stale,
                  thresholds=thresholds(ctx.db), now=datetime.now(UTC), sort="created_at", descending=False)
    result = exporting.export(ctx.db, path, q, with_lines=not args.no_lines)
    print(f"Exported {result.orders} orders, {result.lines} lines and {result.events} audit events to {path}.")
    return 0


# ---- parser ---------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="shop-orders",
        description="Shop Orders (订单台): every channel's orders in one store. "
                    f"The database is --db, else ${DB_ENV}, else the SQLite file in your data folder.",
    )
    p.add_argument("--db", metavar="PATH_OR_URL", help="SQLite file path or postgresql://user:pass@host/db")
    p.add_argument("--version", action="version", version=f"shop-orders {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    c = sub.add_parser("init", help="create the database (or upgrade an older one)")
    c.set_defaults(func=cmd_init, create=True)

    c = sub.add_parser("demo", help="add realistic mixed-channel demo orders")
    c.add_argument("--orders", type=_positive_int, required=True, metavar="N", help="how many orders")
    c.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (same seed, same orders)")
    c.set_defaults(func=cmd_demo, create=True)

    c = sub.add_parser("orders", help="list orders, filtered")
    c.add_argument("--status", type=_status, action="append", metavar="S", help="status code, repeatable")
    c.add_argument("--channel", type=_channel, action="append", metavar="C", help="channel code, repeatable")
    c.add_argument("--stale", action="store_true", help="only orders past their staleness threshold")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.set_defaults(func=cmd_orders)

    c = sub.add_parser("stale", help="list orders with no update for too long")
    c.add_argument("--hours", type=_hours, metavar="H", help="threshold for every status (default: the shop setting)")
    c.add_argument("--format", choices=["table", "json"], default="table")
    c.set_defaults(func=cmd_stale)

    c = sub.add_parser("audit", help="the tamper-evident audit trail")
    asub = c.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check the hash chain and replay every order against it; exit 1 naming the first broken event or order")
    v.set_defaults(func=cmd_audit_verify)
    k = asub.add_parser("key", help="move the chain's secret key to another seat or computer")
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    e = ksub.add_parser("export", help="write this store's audit key to FILE (readable by you only)")
    e.add_argument("file", metavar="FILE")
    e.set_defaults(func=cmd_audit_key_export)
    i = ksub.add_parser("import", help="take the audit key from FILE; it must fit the whole trail")
    i.add_argument("file", metavar="FILE")
    i.set_defaults(func=cmd_audit_key_import)
    h = asub.add_parser("heads", help="the chain heads kept outside the database")
    hsub = h.add_subparsers(dest="heads_command", metavar="ACTION", required=True)
    r = hsub.add_parser("reset", help="after a checked trail: record its end in both head files again")
    r.set_defaults(func=cmd_audit_heads_reset)

    c = sub.add_parser("backup", help="write a checked backup (SQLite online backup API)")
    c.add_argument("dest", nargs="?", metavar="DEST", help="file or folder (default: the backups folder)")
    c.set_defaults(func=cmd_backup)

    c = sub.add_parser("restore", help="replace the database with a checked backup")
    c.add_argument("src", metavar="SRC", help="a backup file written by 'shop-orders backup' (with its manifest)")
    c.add_argument("--wait", action="store_true",
                   help="wait for other seats to close the store instead of refusing")
    c.add_argument("--wait-timeout", type=float, default=600.0, metavar="SECONDS",
                   help="with --wait: give up after this long (default 600)")
    c.set_defaults(func=cmd_restore, damaged_ok=True)  # restore is how a damaged store is mended

    c = sub.add_parser("show", help="one order with its lines and history")
    c.add_argument("order", metavar="ORDER", help="global order id, e.g. SO-20261122-000123")
    c.set_defaults(func=cmd_show)

    def change_args(c):
        c.add_argument("order", metavar="ORDER", help="global order id")
        c.add_argument("--reason", default="", help="why (recorded in the audit trail)")
        c.add_argument("--expect-version", type=int, metavar="V",
                       help="refuse if the order's version is no longer V")

    c = sub.add_parser("set-status", help="change an order's status along an allowed transition")
    change_args(c)
    c.add_argument("status", type=_status, metavar="STATUS")
    c.set_defaults(func=cmd_set_status)

    c = sub.add_parser("pay", help="record a payment (negative amount: a refund)")
    change_args(c)
    c.add_argument("amount", metavar="AMOUNT", help="decimal amount in the order's currency, e.g. 88.50")
    c.add_argument("--method", default="", help="alipay, wechat_pay, card, cash...")
    c.add_argument("--reference", default="", help="transaction or bank reference")
    c.set_defaults(func=cmd_pay)

    c = sub.add_parser("ship", help="ship line quantities (default: everything not yet shipped)")
    change_args(c)
    c.add_argument("--line", action="append", metavar="LINE=QTY", help="ship QTY of line LINE, repeatable")
    c.add_argument("--courier", default="")
    c.add_argument("--tracking-no", default="")
    c.set_defaults(func=cmd_ship)

    c = sub.add_parser("edit", help="edit buyer, recipient, phone, address, courier or tracking number")
    change_args(c)
    for name in ("buyer", "recipient", "phone", "address", "courier", "tracking-no"):
        c.add_argument(f"--{name}", dest=name.replace("-", "_"))
    c.set_defaults(func=cmd_edit)

    c = sub.add_parser("import", help="import a channel's order export (.xlsx/.xls/.csv/.tsv)")
    c.add_argument("file", metavar="FILE")
    c.add_argument("--channel", default="auto", metavar="auto|NAME",
                   help="profile: auto (recognise from the header) or taobao, jd, pinduoduo, douyin, youzan, "
                        "shopify, woocommerce, amazon, or a saved custom profile")
    c.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
    c.add_argument("--skip-invalid", action="store_true", help="import the valid orders, skip rows with problems")
    c.set_defaults(func=cmd_import)

    c = sub.add_parser("export", help="export orders to an Excel workbook for the bookkeeper")
    c.add_argument("file", metavar="FILE", help="the .xlsx file to write")
    c.add_argument("--status", type=_status, action="append", metavar="S", help="status code, repeatable")
    c.add_argument("--channel", type=_channel, action="append", metavar="C", help="channel code, repeatable")
    c.add_argument("--stale", action="store_true", help="only stale orders")
    c.add_argument("--no-lines", action="store_true", help="leave out the Lines sheet")
    c.set_defaults(func=cmd_export)

    c = sub.add_parser("thresholds", help="show or set the staleness thresholds (shop setting)")
    c.add_argument("--default", metavar="H", help="hours for every status without its own (whole hours, 1 to 2160)")
    c.add_argument("--status", type=_status_hours, action="append", metavar="STATUS=H", help="per status, repeatable")
    c.add_argument("--clear", action="store_true", help="drop the per-status thresholds")
    c.set_defaults(func=cmd_thresholds)
    return p


def _log_path() -> Path:
    from shop_orders import paths

    return paths.data_dir() / "logs" / "cli-errors.log"


def _start_logging() -> None:
    """Warnings and errors of our modules go to the log file (created only when written)."""
    import logging

    logger = logging.getLogger("shop_orders")
    if any(getattr(h, "_shop_orders_cli", False) for h in logger.handlers):
        return
    try:
        _log_path().parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(_log_path(), encoding="utf-8", delay=True)
    except OSError:
        return
    handler._shop_orders_cli = True
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


def _log_crash(exc: BaseException) -> Path:
    """The traceback's frames in the log file. A database error's text carries SQL parameters and
    row values (customer data), so only its safe details are written (store/errors.py)."""
    import traceback

    from sqlalchemy.exc import SQLAlchemyError

    from shop_orders.store.errors import safe_details

    log = _log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        frames = "".join(traceback.format_tb(exc.__traceback__))
        if not isinstance(exc, SQLAlchemyError):
            frames += "".join(traceback.format_exception_only(exc))
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\nTraceback:\n{frames}{safe_details(exc)}\n")
    except OSError:
        return Path("(the log could not be written)")
    return log


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _start_logging()
    ctx = None
    try:
        ctx = open_context(args.db, create=getattr(args, "create", False),
                           damaged_ok=getattr(args, "damaged_ok", False))
        return args.func(args, ctx)
    except ShopOrdersError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `| head`) went away: not an error
        return 0
    except KeyboardInterrupt:
        print("error: interrupted; nothing more was written.", file=sys.stderr)
        return 1
    except Exception as exc:  # our bug: one line here, the traceback in the log file
        from shop_orders.store.errors import user_message

        log = _log_crash(exc)
        print(f"error: {user_message(exc)} (details in {log})", file=sys.stderr)
        return 1
    finally:
        if ctx is not None:
            ctx.close()
