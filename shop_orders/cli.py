"""The command line: parse arguments, call the same services as the UI, print.

Errors are one line on stderr and exit 1; usage errors exit 2 (argparse). Run
`shop-orders --help` or `shop-orders COMMAND --help`. Every sentence comes from the message
catalogue (domain/messages; Chinese in zh_cli.py) in the language of `--lang`, else the locale's;
JSON and CSV output keep their keys and codes in every language (they are for programs).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shop_orders import __version__, paths
from shop_orders.domain import flags as flag_codes
from shop_orders.domain import messages, staleness, trail
from shop_orders.domain.cells import csv_text
from shop_orders.domain.changes import Actor
from shop_orders.domain.channels import channel_label, parse_channel
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import UNKNOWN, format_minor, parse_minor, shown
from shop_orders.domain.status import Status
from shop_orders.domain.vocabulary import action_label, field_label, method_label, source_label
from shop_orders.services import permissions
from shop_orders.services.context import (
    DB_ENV,
    DB_PASSWORD_ENV,
    AppContext,
    NoPassword,
    open_context,
)

JSON_KEYS = ["id", "channel", "channel_order_no", "status", "total", "paid", "currency", "buyer",
             "recipient", "phone", "address", "courier", "tracking_no", "created_at", "updated_at", "stale", "flags"]

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


def _language(text: str) -> str:
    if text.replace("-", "_").lower() in ("en", "zh", "zh_cn"):
        return messages.normalise(text)
    raise argparse.ArgumentTypeError(t("unknown language '{text}'; expected zh_CN or en", text=text))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a whole number", text=text)) from None
    if value < 0:
        raise argparse.ArgumentTypeError(t("'{text}' must not be negative", text=text))
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a number of hours", text=text)) from None
    if not value > 0:
        raise argparse.ArgumentTypeError(t("hours must be more than 0"))
    return value


def _status_hours(text: str) -> tuple[Status, str]:
    """STATUS=HOURS; the hours are checked with the setting's rule in cmd_thresholds (exit 1)."""
    status, sep, hours = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(t("'{text}' should look like STATUS=HOURS", text=text))
    return _status(status), hours


def _day(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option (checked in the command, so a bad date exits 1 like any error)."""
    if text is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(t("{option} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01.",
                                option=option, text=text)) from None


def _local_midnight(day: date) -> datetime:
    """The start of `day` in this computer's time zone, as an aware time (UTC in the store)."""
    return datetime(day.year, day.month, day.day).astimezone()


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


class ProgressBar:
    """`[#####-----] 45% 45,000/100,000 orders` on an interactive stderr, redrawn in place (\\r)
    at most ten times a second, ended with a newline by finish(); nothing at all when stderr is
    not a terminal (a pipe, a log file, a test). A new label (a stage) or the end is always drawn."""

    WIDTH = 20
    INTERVAL = 0.1  # seconds between redraws

    def __init__(self, unit: str = N_("{done}/{total} orders"), label: str = "", stream=None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = sys.stderr if stream is None else stream
        try:
            self.active = bool(self.stream.isatty())
        except (AttributeError, ValueError):  # no isatty, or a closed stream
            self.active = False
        self.unit, self.label, self.clock = unit, label, clock
        self._last: float | None = None
        self._shown = ""

    def __call__(self, done: int, total: int) -> bool:
        """progress(done, total) for the services; True: carry on."""
        self.update(done, total)
        return True

    def update(self, done: int, total: int, label: str | None = None, unit: str | None = None) -> None:
        if not self.active:
            return
        changed = (label is not None and label != self.label) or (unit is not None and unit != self.unit)
        self.label, self.unit = label if label is not None else self.label, unit or self.unit
        now = self.clock()
        if not changed and done < total and self._last is not None and now - self._last < self.INTERVAL:
            return
        self._last = now
        self._draw(self.text(done, total))

    def text(self, done: int, total: int) -> str:
        total = max(total, 0)
        part = min(max(done / total, 0.0), 1.0) if total else 0.0
        filled = int(part * self.WIDTH)
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {int(part * 100):3d}% "
        count = t(self.unit, done=f"{done:,}", total=f"{total:,}")
        return f"{self.label} {bar}{count}" if self.label else bar + count

    def _draw(self, text: str) -> None:
        pad = " " * max(0, _width(self._shown) - _width(text))  # wipe a longer earlier line
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._shown = text

    def finish(self) -> None:
        """End the bar's line (only if one was drawn), so the next output starts on its own line."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = ""
        self._last = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()


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


# ---- commands -------------------------------------------------------------------------------

def cmd_init(args, ctx: AppContext) -> int:
    """The store, and its first owner when it has none: --owner (default: the OS user) with the
    password from $SHOP_ORDERS_PASSWORD or the terminal. Without either the store stays without
    an owner (anyone at the computer acts as its owner) and stderr says how to add one."""
    from shop_orders.domain.roles import Role
    from shop_orders.services import auth
    from shop_orders.services.overview import overview

    with ctx.db.read_session() as s:
        has_users = auth.has_users(s)
    if has_users and args.owner:
        raise ValidationError(t("{where} has its owner already; add people with: shop-orders users add NAME --role "
                                "ROLE", where=ctx.db.where))
    if not has_users:
        name = args.owner or auth.os_user()
        password = _new_secret(PASSWORD_ENV, t("Password for the owner {name} (Enter: no owner yet): ", name=name))
        if password:
            with ctx.uow() as uow:
                auth.create_user(uow, ctx.change("manual"), name, Role.OWNER, password)
                uow.commit()
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

    with ProgressBar() as bar, ctx.uow() as uow:
        n = demo.fill(uow, ctx.change("demo"), args.orders, seed=args.seed, progress=bar)
        uow.commit()
    print(t("Added {n} demo orders to {where}.", n=n, where=ctx.db.where))
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
    limits = staleness.Thresholds(args.hours) if args.hours else thresholds(ctx.db)
    f = queries.OrderFilter(stale_only=True, thresholds=limits, now=now)
    rows = []
    with ctx.db.read_session() as s:
        for r in queries.iter_orders(s, f):
            rows.append((r["order_no"], r["channel"], r["channel_order_no"], r["status"],
                         local(r["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                         staleness.describe_age(now - r["updated_at"])))
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
    from shop_orders.store import audit, keys

    permissions.check(ctx.db, ctx.actor, "audit.keys")
    key = audit.require_key(ctx.db)
    dest = Path(args.file)
    if dest.exists():
        raise ShopOrdersError(t("{path} already exists; choose another name.", path=dest))
    keys.write_private(dest, key.to_json(), exclusive=True)
    print(t("The audit key of {where} (fingerprint {fingerprint}) was written to {dest}. Anyone holding it can "
            "forge the trail: carry it to the other seat, import it there, then delete it.",
            where=ctx.db.where, fingerprint=key.fingerprint(), dest=dest))
    return 0


def cmd_audit_key_import(args, ctx: AppContext) -> int:
    from shop_orders.services.verification import import_key

    print(import_key(ctx.db, ctx.actor, Path(args.file)))
    return 0


def cmd_audit_heads_reset(args, ctx: AppContext) -> int:
    from shop_orders.store import audit

    permissions.check(ctx.db, ctx.actor, "audit.keys")
    result = audit.reset_heads_checked(ctx.db)
    print(t("Both audit head files now record event #{seq}, the end of the checked trail.", seq=result.head[0]))
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


def _print_history(history) -> None:
    """An order's (or a ticket's) audit events, newest first, named in the language."""
    print(t("  history (newest first):"))
    for e in history:
        old, new = (trail.readable(e.action, e.field, v) for v in (e.old, e.new))
        change = f"{old} → {new}" if old is not None else (new or "")
        print(t("    {time}  {who}  [{source}]  {action} {field}: {change}{reason}",
                time=f"{local(e.at):%Y-%m-%d %H:%M}", who=e.actor, source=source_label(e.source),
                action=action_label(e.action), field=field_label(e.field), change=change,
                reason=t("  ({reason})", reason=e.reason) if e.reason else ""))


def cmd_show(args, ctx: AppContext) -> int:
    from shop_orders.store import queries

    with ctx.db.read_session() as s:
        o = queries.order_detail(s, args.order)
        if o is None:
            raise ValidationError(t("There is no order {order}.", order=args.order))
        assert o.id is not None  # a stored row
        history = queries.order_history(s, o.id)
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
    _print_history(history)
    return 0


def _apply(ctx: AppContext, fn, source: str, reason: str, *a, **kw) -> int:
    with ctx.uow() as uow:
        order = fn(uow, ctx.change(source, reason), *a, **kw)
        uow.commit()
    print(t("{order} is now {status} (version {version}).", order=order.order_no, status=Status(order.status).label(),
            version=order.version))
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
            raise ValidationError(t("There is no order {order}.", order=args.order))
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
                raise ValidationError(t("--line '{spec}' should look like LINE=QTY, e.g. 1=2", spec=spec))
            items[int(n)] = int(q)
    return _apply(ctx, orders.ship, "manual", args.reason, args.order, items, courier=args.courier,
                  tracking_no=args.tracking_no, expected_version=args.expect_version)


SUPERVISOR_PIN_ENV = "SHOP_ORDERS_SUPERVISOR_PIN"


def _sku_counts(specs: list[str] | None) -> list[tuple[str, int]]:
    out = []
    for spec in specs or []:
        sku, sep, qty = spec.rpartition("=") if "=" in spec else (spec, "", "1")
        if not sku.strip() or not qty.strip().isdigit() or int(qty) < 1:
            raise ValidationError(t("--sku '{spec}' should look like SKU or SKU=QTY, e.g. TEA-LJ-250=2", spec=spec))
        out.append((sku.strip(), int(qty)))
    return out


def cmd_scan(args, ctx: AppContext) -> int:
    """The scan-out for scripted scanners: the station's checks, source scan, the signed-in user
    as the clerk. The supervisor's PIN for --skip-check comes from $SHOP_ORDERS_SUPERVISOR_PIN or a
    prompt, never an argument (it would show in `ps` and the shell's history)."""
    from shop_orders.services import scanning

    if args.pin_argument is not None:
        raise ValidationError(t("A PIN is never an argument (it would show in the process list and the shell's "
                                "history): set {env} or type it when asked.", env=SUPERVISOR_PIN_ENV))
    skus = _sku_counts(args.sku)
    skipped_by = None
    if args.skip_check:
        if not args.pin_user:
            raise ValidationError(t("--skip-check needs --pin-user NAME: the manager or owner who confirms it."))
        pin = os.environ.get(SUPERVISOR_PIN_ENV)
        if pin is None:
            if not _on_terminal():
                raise ValidationError(t("The supervisor's PIN is asked on a terminal, or set {env}.",
                                        env=SUPERVISOR_PIN_ENV))
            pin = getpass.getpass(t("PIN of {name}: ", name=args.pin_user))
        with ctx.uow() as uow:
            try:
                skipped_by = scanning.supervisor(uow, args.pin_user, pin)
            finally:
                uow.commit()  # a wrong PIN counts toward the account's lock
    elif not skus:
        raise ValidationError(t("Scan the items with --sku SKU[=QTY], or skip the check with --skip-check "
                                "--pin-user NAME."))
    items: dict[int, int] | None = None
    if skus:
        with ctx.db.read_session() as s:
            found = scanning.find_order(s, args.code)
            items = {}
            for sku, qty in skus:
                for _ in range(qty):
                    line = scanning.match_item(found, items, sku)
                    items[line] = items.get(line, 0) + 1
    with ctx.uow() as uow:
        order = scanning.ship_scanned(uow, ctx.change("scan"), args.code, items, args.courier, args.tracking_no,
                                      skipped_by=skipped_by)
        uow.commit()
    print(t("{order} is now {status} (version {version}).", order=order.order_no, status=Status(order.status).label(),
            version=order.version))
    return 0


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
        with ctx.uow() as uow:
            settings.set_thresholds(uow, ctx.change("manual"), new)
            uow.commit()
        current = new
    print(t("default: {hours} h", hours=f"{current.default_hours:g}"))
    for s in Status:
        hours = current.hours_for(s)
        if hours is not None:
            line = (N_("  {code}: {hours} h ({status})") if s in current.per_status
                    else N_("  {code}: {hours} h ({status}, the default)"))
            print(t(line, code=s.value, hours=f"{hours:g}", status=s.label()))
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

    start, end = _day(args.date_from, "--from"), _day(args.date_to, "--to")
    if start and end and start > end:
        raise ValidationError(t("The period starts after it ends (--from {start}, --to {end}).", start=start,
                                end=end))
    return GridQuery(statuses=tuple(args.status or ()), channels=tuple(args.channel or ()), stale_only=args.stale,
                     thresholds=thresholds, now=now, sort="created_at", descending=False,
                     changed_from=_local_midnight(start) if start else None,
                     changed_to=_local_midnight(end + timedelta(days=1)) if end else None)


def cmd_export(args, ctx: AppContext) -> int:
    from shop_orders.services import exporting
    from shop_orders.services.overview import thresholds

    permissions.check(ctx.db, ctx.actor, "orders.export")
    path = Path(args.file)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(t("{name}: exports are Excel workbooks; name the file .xlsx", name=path.name))
    if not path.parent.is_dir():
        raise ValidationError(t("The folder {folder} does not exist.", folder=path.parent))
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


# ---- who is at the keyboard -----------------------------------------------------------------

PASSWORD_ENV = "SHOP_ORDERS_PASSWORD"
NEW_PASSWORD_ENV = "SHOP_ORDERS_NEW_PASSWORD"
NEW_PIN_ENV = "SHOP_ORDERS_NEW_PIN"


def _on_terminal() -> bool:
    try:
        return bool(sys.stdin.isatty())
    except (AttributeError, ValueError):  # no stdin, or a closed one
        return False


class Secret:
    """The signing-in user's password or PIN: $SHOP_ORDERS_PASSWORD, else asked once on a
    terminal (getpass, not echoed); never an argument (it would show in `ps` and the shell's
    history). Asked only when the store has users."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            value = os.environ.get(PASSWORD_ENV)
            if value is None:
                if not _on_terminal():
                    raise ValidationError(t("{name} must sign in: run this on a terminal to be asked for the "
                                            "password, or set {env}.", name=self.name, env=PASSWORD_ENV))
                value = getpass.getpass(t("Password or PIN for {name}: ", name=self.name))
            self._value = value
        return self._value


def _new_secret(env: str, prompt: str) -> str | None:
    """A new password or PIN: from `env`, else typed twice on a terminal; None when neither
    (or Enter alone on the terminal)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not _on_terminal():
        return None
    first = getpass.getpass(prompt)
    if not first:
        return None
    if getpass.getpass(t("Again: ")) != first:
        raise ValidationError(t("The two entries differ; nothing was changed."))
    return first


def _required_secret(env: str, prompt: str) -> str:
    value = _new_secret(env, prompt)
    if not value:
        raise ValidationError(t("Type it on a terminal when asked, or set {env}; nothing was changed.", env=env))
    return value


def _role(text: str):
    from shop_orders.domain.roles import Role

    try:
        return Role.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _when(dt: datetime | None) -> str:
    return f"{local(dt):%Y-%m-%d %H:%M}" if dt is not None else ""


def _iso(dt: datetime | None) -> str | None:
    return local(dt).isoformat(timespec="seconds") if dt is not None else None


# ---- users ------------------------------------------------------------------------------------

def cmd_users_add(args, ctx: AppContext) -> int:
    from shop_orders.services import auth

    password = _required_secret(NEW_PASSWORD_ENV, t("New password for {name}: ", name=args.name))
    pin = _required_secret(NEW_PIN_ENV, t("New PIN for {name} (at least 6 digits): ", name=args.name)) \
        if args.pin else None
    from shop_orders.services import changesets

    with ctx.uow() as uow:
        done = changesets.account_change(uow, ctx.change("manual"), "create_user", args.name, role=args.role,
                                         password=password, pin=pin)
        uow.commit()
    if isinstance(done, auth.UserInfo):
        print(t("Added {name} ({role}).", name=done.name, role=done.role.label()))
        return 0
    return _proposed(done)


def cmd_users_list(args, ctx: AppContext) -> int:
    from shop_orders.services import auth

    with ctx.db.read_session() as s:
        users = auth.list_users(s)
    if args.format == "json":  # codes, for programs; never a hash
        print(json.dumps([{"name": u.name, "role": u.role.value, "disabled": u.disabled, "has_pin": u.has_pin,
                           "locked_until": _iso(u.locked_until)} for u in users], ensure_ascii=False, indent=1))
        return 0
    print_table([t("User"), t("Role"), t("Disabled"), t("PIN"), t("Locked until")],
                [[u.name, u.role.label(), t("yes") if u.disabled else "", t("yes") if u.has_pin else "",
                  _when(u.locked_until)] for u in users])
    return 0


def _set_disabled(args, ctx: AppContext, disabled: bool) -> int:
    from shop_orders.services import auth, changesets

    with ctx.uow() as uow:
        if disabled:
            auth.set_disabled(uow, ctx.change("manual"), args.name, disabled)
            done = None
        else:
            done = changesets.account_change(uow, ctx.change("manual"), "enable_user", args.name)
        uow.commit()
    if done is not None:
        return _proposed(done)
    print(t("{name} is disabled.", name=args.name) if disabled else t("{name} is enabled.", name=args.name))
    return 0


def cmd_users_disable(args, ctx: AppContext) -> int:
    return _set_disabled(args, ctx, True)


def cmd_users_enable(args, ctx: AppContext) -> int:
    return _set_disabled(args, ctx, False)


def cmd_users_set_role(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    with ctx.uow() as uow:
        p = changesets.submit(uow, ctx.change("manual"), "set_role", {"user": args.name, "role": args.role.value},
                              args.reason)
        uow.commit()
    return _proposed(p)


def cmd_users_password(args, ctx: AppContext) -> int:

    name = args.name or ctx.actor.name
    if args.pin:
        pin = _required_secret(NEW_PIN_ENV, t("New PIN for {name} (at least 6 digits): ", name=name))
        secrets: dict[str, str] = {"pin": pin}
    else:
        secrets = {"password": _required_secret(NEW_PASSWORD_ENV, t("New password for {name}: ", name=name))}
    from shop_orders.services import changesets

    with ctx.uow() as uow:
        done = changesets.account_change(uow, ctx.change("manual"), "set_secret", name, **secrets)
        uow.commit()
    if done is not None:
        return _proposed(done)
    print(t("The PIN of {name} was changed.", name=name) if args.pin
          else t("The password of {name} was changed.", name=name))
    return 0


# ---- bulk changes (two-person) ------------------------------------------------------------------

def _proposed(p) -> int:
    """The change set's id alone on stdout (for scripts); what happens next on stderr."""
    print(p.id)
    if p.state == "applied":
        print(t("Change set #{id} applied at once ({n} orders: below the two-person threshold).", id=p.id,
                n=p.orders), file=sys.stderr)
    else:
        print(t("Change set #{id} waits for another person's approval until {expires}: shop-orders bulk approve "
                "{id}", id=p.id, expires=_when(p.expires_at)), file=sys.stderr)
    return 0


def _bulk_change(args) -> tuple[str, dict]:
    if args.set_status is not None:
        return "set_status", {"status": args.set_status.value}
    if args.set_courier is not None:
        return "set_courier", {"courier": args.set_courier}
    if args.price_percent is not None:
        return "price_percent", {"percent": args.price_percent}
    if args.permissions is not None:
        path = Path(args.permissions)
        try:
            matrix = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            raise ValidationError(t("{path} cannot be read.", path=path)) from None
        except ValueError as exc:
            raise ValidationError(t("{path} is not JSON: {problem}", path=path, problem=exc)) from None
        return "permissions", {"matrix": matrix}
    if args.two_person is not None:
        min_orders, sep, hours = args.two_person.partition(",")
        if not sep:
            raise ValidationError(t("--two-person '{text}' should look like MIN,HOURS, e.g. 5,24",
                                    text=args.two_person))
        return "two_person", {"min_orders": min_orders, "expiry_hours": hours}
    return ("cancel" if args.cancel else "archive" if args.archive else "unarchive"), {}


def _order_list(source: str) -> list[str]:
    """Order ids from a text file, or standard input for '-': one per line (or separated by commas
    or spaces), blank lines and lines starting with # skipped. 10,000 ids do not fit a command
    line ("Argument list too long")."""
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ValidationError(t("{path} cannot be read: {error}.", path=source, error=exc.strerror)) from None
        except UnicodeDecodeError:
            raise ValidationError(t("{path} is not a UTF-8 text file of order ids.", path=source)) from None
    ids = [w for line in text.splitlines() if not line.lstrip().startswith("#")
           for w in re.split(r"[,\s]+", line.strip()) if w]
    if not ids:
        raise ValidationError(t("{path} names no order.", path=t("standard input") if source == "-" else source))
    return ids


def cmd_bulk_propose(args, ctx: AppContext) -> int:
    from shop_orders.domain.grid import GridQuery
    from shop_orders.services import changesets
    from shop_orders.services.overview import thresholds

    kind, params = _bulk_change(args)
    if args.orders_from is not None:
        if args.orders is not None:
            raise ValidationError(t("Choose the orders either by --orders or by --orders-from, not both."))
        args.orders = ",".join(_order_list(args.orders_from))
    filtered = bool(args.where_status or args.where_channel or args.stale)
    selection: list[int] | GridQuery | None = None
    if kind in changesets.ORDER_KINDS:
        if args.orders is None and not args.where_status:
            raise ValidationError(t("Say which orders: --orders SO-…,SO-…, --orders-from FILE or --where-status S."))
        if args.orders is not None and filtered:
            raise ValidationError(t("Choose the orders either by --orders or by the --where filters, not both."))
        if args.orders is not None:
            with ctx.db.read_session() as s:
                selection = changesets.order_ids(s, args.orders.split(","))
        else:
            selection = GridQuery(statuses=tuple(args.where_status), channels=tuple(args.where_channel or ()),
                                  stale_only=args.stale, thresholds=thresholds(ctx.db), now=datetime.now(UTC),
                                  archived=kind == "unarchive")  # restoring works on the archive's orders
    elif args.orders is not None or filtered:
        raise ValidationError(t("A change of the shop's rules takes no orders."))
    with ctx.uow() as uow:
        p = changesets.submit(uow, ctx.change("manual"), kind, params, args.reason, selection)
        uow.commit()
    return _proposed(p)


def _approver(p) -> str | None:
    return p.decided_by if p.state in ("applied", "reverted") and p.decided_by else None


def cmd_bulk_list(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    with ctx.db.read_session() as s:
        found = changesets.listing(s, now=datetime.now(UTC))
    if args.format == "json":  # codes, for programs
        print(json.dumps([{"id": p.id, "state": p.state, "kind": p.kind, "proposer": p.proposer,
                           "approver": _approver(p), "orders": p.orders, "created": _iso(p.created_at),
                           "expires": _iso(p.expires_at)} for p in found], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Change set"), t("State"), t("Change"), t("Proposed by"), t("Approved by"), t("Orders"),
                 t("Created"), t("Expires")],
                [[f"#{p.id}", changesets.state_label(p.state), p.label, p.proposer, _approver(p) or "",
                  str(p.orders), _when(p.created_at), _when(p.expires_at)] for p in found])
    print(t("{n} change sets", n=len(found)), file=sys.stderr)
    return 0


def cmd_bulk_show(args, ctx: AppContext) -> int:
    from shop_orders.domain.roles import Role
    from shop_orders.services import changesets

    with ctx.db.read_session() as s:
        p = changesets.as_of(changesets.get(s, args.id), datetime.now(UTC))
        items = changesets.details(s, args.id)
    try:
        role = Role(p.proposer_role).label()
    except ValueError:
        role = p.proposer_role
    print(t("Change set #{id}: {change}, {state}, {n} orders", id=p.id, change=p.label,
            state=changesets.state_label(p.state), n=p.orders))
    print(t("  proposed by {name} ({role}) on {created}; expires {expires}", name=p.proposer, role=role,
            created=_when(p.created_at), expires=_when(p.expires_at)))
    print(t("  reason: {reason}", reason=p.reason))
    if p.decided_by:
        print(t("  decided by {name} on {when}{reason}", name=p.decided_by, when=_when(p.decided_at),
                reason=t("  ({reason})", reason=p.decision_reason) if p.decision_reason else ""))
    for line in changesets.describe_params(p):
        print("  " + line)
    for it in items:
        print(f"  {it.order_no}  {it.describe()}")
    return 0


def cmd_bulk_approve(args, ctx: AppContext) -> int:
    from shop_orders.services import auth, changesets

    with ctx.db.read_session() as s:
        if not auth.has_users(s):
            raise ValidationError(t("This store has no users yet, so nobody can approve: add its owner first "
                                    "(shop-orders users add NAME --role owner)."))
    p = changesets.confirm(ctx.db, ctx.actor.name, args.id, args.secret())
    print(t("Change set #{id} approved by {name} and applied ({n} orders).", id=p.id, name=ctx.actor.name,
            n=p.orders))
    return 0


def cmd_bulk_reject(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    with ctx.uow() as uow:
        p = changesets.reject(uow, ctx.change("manual"), args.id, args.reason)
        uow.commit()
    print(t("Change set #{id} rejected.", id=p.id))
    return 0


def cmd_bulk_revert(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    with ctx.uow() as uow:
        p = changesets.revert(uow, ctx.change("manual"), args.id, args.reason)
        uow.commit()
    return _proposed(p)


# ---- parser ---------------------------------------------------------------------------------

class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, t("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with our own words for its headings, -h and the error line (its other messages,
    e.g. an unknown choice, stay argparse's English). `--lang` is accepted after any command."""

    def __init__(self, *a, **kw) -> None:
        kw.setdefault("formatter_class", _Formatter)
        kw["add_help"] = False
        super().__init__(*a, **kw)
        self._positionals.title = t("positional arguments")
        self._optionals.title = t("options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=t("show this help message and exit"))
        self.add_argument("--lang", type=_language, default=argparse.SUPPRESS, metavar="zh_CN|en",
                          help=t("language of messages and of the export (default: the locale's)"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, t("{prog}: error: {message}", prog=self.prog, message=message) + "\n")


class _CommandParser(_Parser):
    """The command line's parser: --user, like --lang, is accepted before or after the command
    (its subcommands' parsers are of this class too)."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME",
                          help=t("who acts (default: the user named like your OS account). Once the store has "
                                 "users, every command signs in: the password or PIN from ${env} or the "
                                 "terminal's prompt, never from an argument. A store with no user yet acts as "
                                 "its owner.", env=PASSWORD_ENV))


def add_store_options(p: argparse.ArgumentParser) -> None:
    """--db and --version, the same for the command line and the desktop app (-h and --lang come
    with _Parser)."""
    p.add_argument("--db", metavar="PATH_OR_URL",
                   help=t("SQLite file path or postgresql://user@host/db (no password here, where ps shows it: "
                          "it comes from ~/.pgpass, ${env} or the terminal's prompt)", env=DB_PASSWORD_ENV))
    p.add_argument("--version", action="version", version=f"shop-orders {__version__}",
                   help=t("show the version and exit"))


def build_gui_parser() -> argparse.ArgumentParser:
    """The desktop app's options (`python3 main.py`, `shop-orders-gui`), with the command line's
    wording; its help in the current language."""
    p = _Parser(
        prog="shop-orders-gui",
        description=t("Shop Orders (订单台), the desktop app. The database is --db, else ${env}, else the "
                      "SQLite file in your data folder. Qt's own options (-platform, -style, ...) are "
                      "passed on to Qt.", env=DB_ENV),
    )
    add_store_options(p)
    p.add_argument("--self-test", action="store_true",
                   help=t("check this installation on a temporary store (migrations, the window, a change "
                          "and its audit trail), print each step and exit"))
    return p


def parse_gui_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """The desktop app's options, and the rest for Qt. Sets the messages' language from --lang or
    the locale first, as main() does (the help is in it); --help, --version and a wrong --lang
    exit here, as on the command line."""
    argv = list(argv)
    _choose_language(argv)
    return build_gui_parser().parse_known_args(argv)


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the current language (set it before: main() does)."""
    p = _CommandParser(
        prog="shop-orders",
        description=t("Shop Orders (订单台): every channel's orders in one store. The database is --db, else "
                      "${env}, else the SQLite file in your data folder. Once the store has users, every "
                      "command signs in as --user with the password from ${password_env} or the terminal; a "
                      "store with no user yet (before its first owner) acts as its owner.", env=DB_ENV,
                      password_env=PASSWORD_ENV),
    )
    add_store_options(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    c = sub.add_parser("init", help=t("create the database (or upgrade an older one), with its first owner"))
    c.add_argument("--owner", metavar="NAME",
                   help=t("the first owner's name (default: your OS user); the password from ${env} or the "
                          "terminal; without either, the store has no owner yet", env=PASSWORD_ENV))
    c.set_defaults(func=cmd_init, create=True)

    c = sub.add_parser("demo", help=t("add realistic mixed-channel demo orders"))
    c.add_argument("--orders", type=_positive_int, required=True, metavar="N", help=t("how many orders"))
    c.add_argument("--seed", type=int, default=1, metavar="S", help=t("random seed (same seed, same orders)"))
    c.set_defaults(func=cmd_demo, create=True)

    c = sub.add_parser("orders", help=t("list orders, filtered"))
    c.add_argument("--status", type=_status, action="append", metavar="S", help=t("status code, repeatable"))
    c.add_argument("--channel", type=_channel, action="append", metavar="C", help=t("channel code, repeatable"))
    c.add_argument("--stale", action="store_true", help=t("only orders past their staleness threshold"))
    c.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help=t("table for people; csv and json keep codes, for programs"))
    c.set_defaults(func=cmd_orders)

    c = sub.add_parser("stale", help=t("list orders with no update for too long"))
    c.add_argument("--hours", type=_hours, metavar="H",
                   help=t("threshold for every status (default: the shop setting)"))
    c.add_argument("--format", choices=["table", "json"], default="table",
                   help=t("table for people; json keeps codes, for programs"))
    c.set_defaults(func=cmd_stale)

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

    c = sub.add_parser("show", help=t("one order with its lines and history"))
    c.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    c.set_defaults(func=cmd_show)

    def change_args(c):
        c.add_argument("order", metavar="ORDER", help=t("global order id"))
        c.add_argument("--reason", default="", help=t("why (recorded in the audit trail)"))
        c.add_argument("--expect-version", type=int, metavar="V",
                       help=t("refuse if the order's version is no longer V"))

    c = sub.add_parser("set-status", help=t("change an order's status along an allowed transition"))
    change_args(c)
    c.add_argument("status", type=_status, metavar="STATUS")
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

    c = sub.add_parser("scan", help=t("scan an order out (as the scan station does): the items, the tracking "
                                      "number, source scan"))
    c.add_argument("code", metavar="ORDER_OR_CHANNEL_NO", help=t("the order's global id or its channel order number"))
    c.add_argument("--tracking-no", required=True, metavar="NO", help=t("the parcel's tracking number"))
    c.add_argument("--courier", required=True, metavar="NAME", help=t("the courier, e.g. SF"))
    c.add_argument("--sku", action="append", metavar="SKU[=QTY]",
                   help=t("an item scanned (QTY times; default 1), repeatable"))
    c.add_argument("--skip-check", action="store_true",
                   help=t("skip the item check: ship everything not yet shipped, confirmed by a manager or owner"))
    c.add_argument("--pin-user", metavar="NAME",
                   help=t("with --skip-check: the manager or owner confirming; their PIN from ${env} or a prompt, "
                          "never an argument", env=SUPERVISOR_PIN_ENV))
    # `--pin PIN` (as the issue first had it) would be taken as an abbreviation of --pin-user:
    # named here so that it is refused with a sentence instead.
    c.add_argument("--pin", dest="pin_argument", nargs="?", const="", help=argparse.SUPPRESS)
    c.set_defaults(func=cmd_scan)

    c = sub.add_parser("edit", help=t("edit buyer, recipient, phone, address, courier or tracking number"))
    change_args(c)
    for name in ("buyer", "recipient", "phone", "address", "courier", "tracking-no"):
        c.add_argument(f"--{name}", dest=name.replace("-", "_"))
    c.set_defaults(func=cmd_edit)

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
    c.add_argument("--status", type=_status, action="append", metavar="S", help=t("status code, repeatable"))
    c.add_argument("--channel", type=_channel, action="append", metavar="C", help=t("channel code, repeatable"))
    c.add_argument("--stale", action="store_true", help=t("only stale orders"))
    c.add_argument("--no-lines", action="store_true", help=t("leave out the Lines sheet"))
    c.set_defaults(func=cmd_export)

    c = sub.add_parser("slip", help=t("write the packing slips of orders to a PDF, one page per order, with "
                                      "Code 128 barcodes of the order id and every SKU"))
    c.add_argument("orders", nargs="+", metavar="ORDER", help=t("global order id or channel order number"))
    c.add_argument("--pdf", required=True, metavar="FILE", help=t("the .pdf file to write"))
    c.set_defaults(func=cmd_slip)

    c = sub.add_parser("thresholds", help=t("show or set the staleness thresholds (shop setting)"))
    c.add_argument("--default", metavar="H",
                   help=t("hours for every status without its own (whole hours, 1 to 2160)"))
    c.add_argument("--status", type=_status_hours, action="append", metavar="STATUS=H",
                   help=t("per status, repeatable"))
    c.add_argument("--clear", action="store_true", help=t("drop the per-status thresholds"))
    c.set_defaults(func=cmd_thresholds)
    add_user_commands(sub)
    add_bulk_commands(sub)
    from shop_orders.cli_tickets import add_courier_commands, add_ticket_commands

    add_ticket_commands(sub)
    add_courier_commands(sub)
    return p


def add_user_commands(sub) -> None:
    c = sub.add_parser("users", help=t("the people who sign in, and their roles"))
    usub = c.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", help=t("add a user; the password from ${env} or the terminal", env=NEW_PASSWORD_ENV))
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", type=_role, required=True, metavar="ROLE",
                   help=t("owner, manager, service, warehouse or bookkeeper"))
    a.add_argument("--pin", action="store_true",
                   help=t("also a PIN for a quick switch (from ${env} or the terminal)", env=NEW_PIN_ENV))
    a.set_defaults(func=cmd_users_add)
    li = usub.add_parser("list", help=t("list the users (never a password)"))
    li.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    li.set_defaults(func=cmd_users_list)
    d = usub.add_parser("disable", help=t("stop a user from signing in and acting"))
    d.add_argument("name", metavar="NAME")
    d.set_defaults(func=cmd_users_disable)
    e = usub.add_parser("enable", help=t("let a disabled user sign in again"))
    e.add_argument("name", metavar="NAME")
    e.set_defaults(func=cmd_users_enable)
    r = usub.add_parser("set-role", help=t("propose another role for a user (a second person approves); prints "
                                           "the change set's id"))
    r.add_argument("name", metavar="NAME")
    r.add_argument("role", type=_role, metavar="ROLE")
    r.add_argument("--reason", required=True, help=t("why (recorded in the audit trail)"))
    r.set_defaults(func=cmd_users_set_role)
    pw = usub.add_parser("password", help=t("change your own password, or (the owner) anyone's; the new one from "
                                            "${env} or the terminal", env=NEW_PASSWORD_ENV))
    pw.add_argument("name", nargs="?", metavar="NAME", help=t("whose (default: yours)"))
    pw.add_argument("--pin", action="store_true", help=t("change the PIN instead (from ${env} or the terminal)",
                                                         env=NEW_PIN_ENV))
    pw.set_defaults(func=cmd_users_password)


def _change_set_id(text: str) -> int:
    return _positive_int(text.lstrip("#"))  # '12' or '#12', as the messages name it


def add_bulk_commands(sub) -> None:
    c = sub.add_parser("bulk", help=t("change many orders at once; a second person approves (two-person rule)"))
    bsub = c.add_subparsers(dest="bulk_command", metavar="ACTION", required=True)
    p = bsub.add_parser("propose", help=t("propose a change; prints the change set's id alone (applied at once "
                                          "below the two-person threshold)"))
    which = p.add_argument_group(t("which orders"))
    which.add_argument("--orders", metavar="ID,ID,...", help=t("global order ids, e.g. SO-20261122-000123"))
    which.add_argument("--orders-from", metavar="FILE", help=t("the order ids in a text file, one per line; - reads "
                                                               "them from standard input"))
    which.add_argument("--where-status", type=_status, action="append", metavar="S",
                       help=t("the orders with this status, repeatable"))
    which.add_argument("--where-channel", type=_channel, action="append", metavar="C",
                       help=t("with --where-status: only this channel, repeatable"))
    which.add_argument("--stale", action="store_true", help=t("with --where-status: only stale orders"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--set-status", type=_status, metavar="S", help=t("change the status"))
    what.add_argument("--set-courier", metavar="C", help=t("change the courier"))
    what.add_argument("--price-percent", metavar="P", help=t("change every price by P percent (-100 to 1000)"))
    what.add_argument("--cancel", action="store_true", help=t("cancel the orders"))
    what.add_argument("--archive", action="store_true", help=t("delete (archive) the orders"))
    what.add_argument("--unarchive", action="store_true", help=t("restore the orders from the archive"))
    what.add_argument("--permissions", metavar="FILE.json",
                      help=t("the permission matrix: a JSON object of action → list of roles"))
    what.add_argument("--two-person", metavar="MIN,HOURS",
                      help=t("the two-person rule: a second person from MIN orders; a proposal expires after "
                             "HOURS"))
    p.add_argument("--reason", required=True, help=t("why (recorded in the audit trail)"))
    p.set_defaults(func=cmd_bulk_propose)
    li = bsub.add_parser("list", help=t("the change sets, newest first"))
    li.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    li.set_defaults(func=cmd_bulk_list)
    sh = bsub.add_parser("show", help=t("one change set: who, why, and each order's before → after"))
    sh.add_argument("id", type=_change_set_id, metavar="ID")
    sh.set_defaults(func=cmd_bulk_show)
    ap = bsub.add_parser("approve", help=t("approve and apply another person's change set, as --user with their "
                                           "password"))
    ap.add_argument("id", type=_change_set_id, metavar="ID")
    ap.set_defaults(func=cmd_bulk_approve)
    rj = bsub.add_parser("reject", help=t("turn a change set down"))
    rj.add_argument("id", type=_change_set_id, metavar="ID")
    rj.add_argument("--reason", required=True, help=t("why (recorded in the audit trail)"))
    rj.set_defaults(func=cmd_bulk_reject)
    rv = bsub.add_parser("revert", help=t("propose undoing an applied change set (a second person approves); "
                                          "prints the new change set's id"))
    rv.add_argument("id", type=_change_set_id, metavar="ID")
    rv.add_argument("--reason", required=True, help=t("why (recorded in the audit trail)"))
    rv.set_defaults(func=cmd_bulk_revert)


def _language_asked(argv: Sequence[str]) -> str | None:
    """The --lang value in argv, if any (read before the parser exists: its help is in it)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _choose_language(argv: Sequence[str]) -> str:
    asked = _language_asked(argv)
    try:
        return messages.set_language(_language(asked) if asked is not None else messages.from_environment())
    except argparse.ArgumentTypeError:  # a wrong --lang: the parser says so, in the locale's language
        return messages.set_language(messages.from_environment())


def _log_path() -> Path:
    return paths.data_dir() / "logs" / "cli-errors.log"


def _start_logging() -> None:
    """Warnings and errors of our modules go to the log file (created only when written)."""
    import logging

    logger = logging.getLogger("shop_orders")
    if any(h.get_name() == "shop_orders_cli" for h in logger.handlers):
        return
    try:
        paths.private_dir(_log_path().parent)
        paths.new_private_file(_log_path())
        handler = logging.FileHandler(_log_path(), encoding="utf-8", delay=True)
    except OSError:
        return
    handler.set_name("shop_orders_cli")
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
        paths.private_dir(log.parent)
        paths.new_private_file(log)
        frames = "".join(traceback.format_tb(exc.__traceback__))
        if not isinstance(exc, SQLAlchemyError):
            frames += "".join(traceback.format_exception_only(exc))
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\nTraceback:\n{frames}{safe_details(exc)}\n")
    except OSError:
        return Path(t("(the log could not be written)"))
    return log


def _url_has_password(target: str) -> bool:
    from shop_orders.services.seat import split_password

    if "://" not in target:
        return False
    try:
        return split_password(target)[1] is not None
    except Exception:  # noqa: BLE001 - an unreadable URL is refused with its own sentence later
        return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    paths.restrict_umask()  # what this process writes is the owner's alone
    _choose_language(argv)
    args = build_parser().parse_args(argv)
    _start_logging()
    ctx = None
    try:
        from shop_orders.services import auth

        if getattr(args, "no_store", False):  # the courier simulator: no store to open
            return args.func(args, None)
        if args.db and _url_has_password(args.db):
            print(t("warning: the password in --db can be read by anyone on this PC (ps shows it); put it in "
                    "~/.pgpass or {env} instead.", env=DB_PASSWORD_ENV), file=sys.stderr)
        user = getattr(args, "user", None) or auth.os_user()
        args.secret = Secret(user)  # asked once at most, and only if the store has users

        damaged_ok = getattr(args, "damaged_ok", False)

        def sign_in(db) -> Actor:
            return auth.signed_in_actor(db, user, args.secret, damaged_ok=damaged_ok)

        try:
            ctx = open_context(args.db, create=getattr(args, "create", False), damaged_ok=damaged_ok, actor=sign_in)
        except NoPassword:
            if not sys.stdin.isatty():
                raise
            # Asked once; kept in this process's environment only, where make_engine looks.
            os.environ[DB_PASSWORD_ENV] = getpass.getpass(t("Database password: "))
            ctx = open_context(args.db, create=getattr(args, "create", False), damaged_ok=damaged_ok, actor=sign_in)
        if ctx.notice:
            print(ctx.notice, file=sys.stderr)
        ctx.join_seat("cli")  # counts while it runs: a restore on another seat waits for it
        ctx.waiting = lambda message: print(message, file=sys.stderr, flush=True)
        return args.func(args, ctx)
    except ShopOrdersError as exc:
        print(t("error: {message}", message=exc), file=sys.stderr)
        return 1
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `| head`) went away: not an error
        return 0
    except KeyboardInterrupt:
        print(t("error: interrupted; nothing more was written."), file=sys.stderr)
        return 1
    except Exception as exc:  # our bug: one line here, the traceback in the log file
        from shop_orders.store.errors import user_message

        log = _log_crash(exc)
        print(t("error: {message} (details in {log})", message=user_message(exc), log=log), file=sys.stderr)
        return 1
    finally:
        if ctx is not None:
            ctx.close()
