"""The command line's store and files: the audit trail (verify, key export and import, heads
reset), backup and restore, import of a channel's file, export to Excel and packing slips."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shop_orders.cli.common import (
    ProgressBar,
    channel_arg,
    day_option,
    local_midnight,
    status_arg,
    xlsx_path,
)
from shop_orders.domain import messages
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.services import permissions
from shop_orders.services.context import AppContext


def cmd_audit_verify(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import REPLAY_KINDS as replay_kinds
    from shop_orders.services.verification import verify_store

    result = verify_store(ctx.db)
    if result.ok:
        print(t("Audit chain intact: {events} events, {orders} orders replayed, head #{seq} {hash}…",
                events=f"{result.events:,}", orders=f"{result.orders:,}", seq=result.head[0],
                hash=result.head[1][:16]))
        return 0
    if result.kind in replay_kinds:
        print(t("error: the store does not match its audit trail [{kind}]: {problem}", kind=result.kind,
                problem=result.problem), file=sys.stderr)
    else:
        print(t("error: audit chain broken [{kind}]: {problem}", kind=result.kind, problem=result.problem),
              file=sys.stderr)
    return 1


def cmd_audit_key_export(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import export_key

    dest = Path(args.file)
    fingerprint = export_key(ctx.db, ctx.actor, dest)
    print(t("The audit key of {where} (fingerprint {fingerprint}) was written to {dest}. Anyone holding it can "
            "forge the trail: carry it to the other seat, import it there, then delete it.",
            where=ctx.db.where, fingerprint=fingerprint, dest=dest))
    return 0


def cmd_audit_key_import(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import import_key

    print(import_key(ctx.db, ctx.actor, Path(args.file)))
    return 0


def cmd_audit_heads_reset(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import reset_heads

    seq = reset_heads(ctx.db, ctx.actor)
    print(t("Both audit head files now record event #{seq}, the end of the checked trail.", seq=seq))
    return 0


def cmd_backup(args, ctx: AppContext) -> int:
    from shop_orders.services.backup import backup

    permissions.check(ctx.db, ctx.actor, "store.backup")
    with ProgressBar(N_("{done}/{total}"), label=t("Copying")) as bar:
        report = backup(ctx.db, Path(args.dest) if args.dest else None, ctx.backup_dir, progress=bar.update)
    print(t("Backup written and checked: {path} ({orders} orders, {events} audit events; manifest {manifest}).",
            path=report.path, orders=report.orders, events=report.events, manifest=report.manifest.name))
    return 0


def cmd_restore(args, ctx: AppContext) -> int:
    from shop_orders.services.backup import restore

    permissions.check(ctx.db, ctx.actor, "store.restore", damaged_ok=True)
    told: list[tuple] = []

    def waiting(others) -> None:
        now = tuple(sorted((s.host, s.pid) for s in others))
        if not told or told[-1] != now:  # said again whenever the seats waited for change
            told.append(now)
            print(t("Waiting for {n} other seat(s) to close the store ({seats})...", n=len(others),
                    seats=t(", ").join(s.describe() for s in others[:3])), file=sys.stderr, flush=True)

    report = restore(ctx.db, Path(args.src), ctx.backup_dir, wait=args.wait, wait_timeout_s=args.wait_timeout,
                     waiting=waiting, by=ctx.actor.name)
    print(t("Restored {src} ({orders} orders, {events} audit events).", src=args.src, orders=report.orders,
            events=report.events))
    if report.replaced_problem:
        print(t("The store it replaced failed its checks ({problem}); it was kept as it was in {path}.",
                problem=report.replaced_problem, path=report.path))
    else:
        print(t("The data it replaced was kept in {path}.", path=report.path))
    return 0


def cmd_import(args, ctx: AppContext) -> int:
    from shop_orders.services.importing import runner

    path = Path(args.file)
    stages = {"check": (t("Checking"), N_("{done}/{total} rows")), "write": (t("Importing"), N_("{done}/{total} orders"))}
    bar = ProgressBar()

    def progress(stage: str, done: int, total: int) -> None:
        if total and stage in stages:
            label, unit = stages[stage]
            bar.update(done, total, label=label, unit=unit)

    with bar:
        plan = runner.prepare(ctx.db, path, args.channel, progress=progress, currency=args.currency,
                             actor=ctx.actor)
    invalid = len({x.row for x in plan.problems})
    print(t("{file}: {profile} (header on row {row}); {n} orders in the file", file=path.name,
            profile=plan.profile.label, row=plan.header_row, n=len(plan.orders)))
    counts: dict[str, Any] = dict(creates=len(plan.creates), updates=len(plan.updates), unchanged=plan.unchanged,
                  refused=len(plan.refused), errors=len(plan.problems))
    if args.dry_run:
        print(t("would create {creates}, update {updates}, unchanged {unchanged}, refused {refused}, errors {errors}",
                **counts))
    else:
        print(t("create {creates}, update {updates}, unchanged {unchanged}, refused {refused}, errors {errors}",
                **counts))
    for x in plan.refused[:runner.MAX_LISTED]:
        print(t("  refused: {what}", what=x))
    if plan.problems:
        print(runner.describe_problems(plan), file=sys.stderr)
    if args.dry_run:
        print(t("Dry run: nothing was written."))
        return 1 if plan.problems else 0
    if plan.problems and not args.skip_invalid:
        print(t("error: {n} problems in {file}; nothing was imported (fix the file, or use --skip-invalid to import "
                "the other orders).", n=len(plan.problems), file=path.name), file=sys.stderr)
        return 1
    with bar:
        result = runner.apply(ctx.db, ctx.change(f"import:{path.name}"), plan, skip_invalid=args.skip_invalid,
                              progress=progress)
    print(t("Imported: created {created}, updated {updated}, unchanged {unchanged}, refused {refused}, skipped as "
            "invalid {skipped}.", created=result.created, updated=result.updated, unchanged=result.unchanged,
            refused=result.refused, skipped=invalid if args.skip_invalid else 0))
    return 0


def export_query(args, thresholds, now: datetime):
    """The export's GridQuery from its options: statuses, channels, stale, and the period of
    --from/--to (whole local days, both included): orders created or last updated in it."""
    from shop_orders.domain.grid import GridQuery

    start, end = day_option(args.date_from, "--from"), day_option(args.date_to, "--to")
    if start and end and start > end:
        raise ValidationError(t("The period starts after it ends (--from {start}, --to {end}).", start=start,
                                end=end))
    return GridQuery(statuses=tuple(args.status or ()), channels=tuple(args.channel or ()), stale_only=args.stale,
                     thresholds=thresholds, now=now, sort="created_at", descending=False,
                     changed_from=local_midnight(start) if start else None,
                     changed_to=local_midnight(end + timedelta(days=1)) if end else None)


def cmd_export(args, ctx: AppContext) -> int:
    from shop_orders.services import exporting
    from shop_orders.services.overview import thresholds

    permissions.check(ctx.db, ctx.actor, "orders.export")
    path = xlsx_path(args.file)
    q = export_query(args, thresholds(ctx.db), datetime.now(UTC))
    with ProgressBar() as bar:
        result = exporting.export(ctx.db, path, q, with_lines=not args.no_lines, progress=bar.update,
                                  lang=messages.language())
    print(t("Exported {orders} orders, {lines} lines and {events} audit events to {path}.", orders=result.orders,
            lines=result.lines, events=result.events, path=path))
    return 0


def cmd_slip(args, ctx: AppContext) -> int:
    from shop_orders.services import slips

    path = Path(args.pdf)
    if path.suffix.lower() != ".pdf":
        raise ValidationError(t("{name}: packing slips are written as PDF; name the file .pdf", name=path.name))
    if not path.parent.is_dir():
        raise ValidationError(t("The folder {folder} does not exist.", folder=path.parent))
    found = slips.load_slips(ctx.db, args.orders)  # an unknown order stops here, before any file
    pages = slips.write_pdf(path, found)
    print(t("Wrote {n} packing slips ({pages} pages) to {path}.", n=len(found), pages=pages, path=path))
    return 0


def add_store_commands(sub) -> None:
    """audit, backup, restore."""
    c = sub.add_parser("audit", help=t("the tamper-evident audit trail"))
    asub = c.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help=t("check the hash chain and replay every order against it; exit 1 naming "
                                         "the first broken event or order"))
    v.set_defaults(func=cmd_audit_verify)
    k = asub.add_parser("key", help=t("move the chain's secret key to another seat or computer"))
    ksub = k.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    e = ksub.add_parser("export", help=t("write this store's audit key to FILE (readable by you only)"))
    e.add_argument("file", metavar="FILE")
    e.set_defaults(func=cmd_audit_key_export)
    i = ksub.add_parser("import", help=t("take the audit key from FILE; it must fit the whole trail"))
    i.add_argument("file", metavar="FILE")
    i.set_defaults(func=cmd_audit_key_import)
    h = asub.add_parser("heads", help=t("the chain heads kept outside the database"))
    hsub = h.add_subparsers(dest="heads_command", metavar="ACTION", required=True)
    r = hsub.add_parser("reset", help=t("after a checked trail: record its end in both head files again"))
    r.set_defaults(func=cmd_audit_heads_reset)

    c = sub.add_parser("backup", help=t("write a checked backup (a consistent copy while the shop works)"))
    c.add_argument("dest", nargs="?", metavar="DEST", help=t("file or folder (default: the backups folder)"))
    c.set_defaults(func=cmd_backup)

    c = sub.add_parser("restore", help=t("replace the database with a checked backup"))
    c.add_argument("src", metavar="SRC", help=t("a backup file written by 'shop-orders backup' (with its manifest)"))
    c.add_argument("--wait", action="store_true",
                   help=t("wait for other seats to close the store instead of refusing"))
    c.add_argument("--wait-timeout", type=float, default=600.0, metavar="SECONDS",
                   help=t("with --wait: give up after this long (default 600)"))
    c.set_defaults(func=cmd_restore, damaged_ok=True)  # restore is how a damaged store is mended


def add_file_commands(sub) -> None:
    """import, export, slip."""
    c = sub.add_parser("import", help=t("import a channel's order export (.xlsx/.xls/.csv/.tsv)"))
    c.add_argument("file", metavar="FILE")
    c.add_argument("--channel", default="auto", metavar="auto|NAME",
                   help=t("profile: auto (recognise from the header) or taobao, jd, pinduoduo, douyin, youzan, "
                          "shopify, woocommerce, amazon, etsy, ebay, or a saved custom profile"))
    c.add_argument("--currency", metavar="CODE",
                   help=t("the currency of the file's amounts when it has no currency column (default: the "
                          "layout's usual one), e.g. ZAR"))
    c.add_argument("--dry-run", action="store_true", help=t("show what would happen; write nothing"))
    c.add_argument("--skip-invalid", action="store_true",
                   help=t("import the valid orders, skip rows with problems"))
    c.set_defaults(func=cmd_import)

    c = sub.add_parser("export", help=t("export orders to an Excel workbook for the bookkeeper"))
    c.add_argument("file", metavar="FILE", help=t("the .xlsx file to write"))
    c.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help=t("only orders created or last updated on or after this day (local time)"))
    c.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help=t("only orders created or last updated on or before this day (local time)"))
    c.add_argument("--status", type=status_arg, action="append", metavar="S", help=t("status code, repeatable"))
    c.add_argument("--channel", type=channel_arg, action="append", metavar="C", help=t("channel code, repeatable"))
    c.add_argument("--stale", action="store_true", help=t("only stale orders"))
    c.add_argument("--no-lines", action="store_true", help=t("leave out the Lines sheet"))
    c.set_defaults(func=cmd_export)

    c = sub.add_parser("slip", help=t("write the packing slips of orders to a PDF, one page per order, with "
                                      "Code 128 barcodes of the order id and every SKU"))
    c.add_argument("orders", nargs="+", metavar="ORDER", help=t("global order id or channel order number"))
    c.add_argument("--pdf", required=True, metavar="FILE", help=t("the .pdf file to write"))
    c.set_defaults(func=cmd_slip)
