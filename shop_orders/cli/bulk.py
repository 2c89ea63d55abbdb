"""`shop-orders bulk`: change sets over many orders or the shop's rules, proposed by one person
and approved by a second (the two-person rule), listed, shown, rejected and reverted."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from shop_orders.cli.common import channel_arg, iso, positive_int, print_table, status_arg, when
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.services.context import AppContext


def report_proposed(p) -> int:
    """The change set's id alone on stdout (for scripts); what happens next on stderr."""
    print(p.id)
    if p.state == "applied":
        print(t("Change set #{id} applied at once ({n} orders: below the two-person threshold).", id=p.id,
                n=p.orders), file=sys.stderr)
    else:
        print(t("Change set #{id} waits for another person's approval until {expires}: shop-orders bulk approve "
                "{id}", id=p.id, expires=when(p.expires_at)), file=sys.stderr)
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
            names = args.orders.split(",")
            selection = ctx.read(lambda s: changesets.order_ids(s, names))
        else:
            selection = GridQuery(statuses=tuple(args.where_status), channels=tuple(args.where_channel or ()),
                                  stale_only=args.stale, thresholds=thresholds(ctx.db), now=datetime.now(UTC),
                                  archived=kind == "unarchive")  # restoring works on the archive's orders
    elif args.orders is not None or filtered:
        raise ValidationError(t("A change of the shop's rules takes no orders."))
    p = ctx.run(lambda uow, change: changesets.submit(uow, change, kind, params, args.reason, selection), "manual")
    return report_proposed(p)


def _approver(p) -> str | None:
    return p.decided_by if p.state in ("applied", "reverted") and p.decided_by else None


def cmd_bulk_list(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    now = datetime.now(UTC)
    found = ctx.read(lambda s: changesets.listing(s, now=now))
    if args.format == "json":  # codes, for programs
        print(json.dumps([{"id": p.id, "state": p.state, "kind": p.kind, "proposer": p.proposer,
                           "approver": _approver(p), "orders": p.orders, "created": iso(p.created_at),
                           "expires": iso(p.expires_at)} for p in found], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Change set"), t("State"), t("Change"), t("Proposed by"), t("Approved by"), t("Orders"),
                 t("Created"), t("Expires")],
                [[f"#{p.id}", changesets.state_label(p.state), p.label, p.proposer, _approver(p) or "",
                  str(p.orders), when(p.created_at), when(p.expires_at)] for p in found])
    print(t("{n} change sets", n=len(found)), file=sys.stderr)
    return 0


def cmd_bulk_show(args, ctx: AppContext) -> int:
    from shop_orders.domain.roles import Role
    from shop_orders.services import changesets

    now = datetime.now(UTC)
    p, items = ctx.read(lambda s: (changesets.as_of(changesets.get(s, args.id), now), changesets.details(s, args.id)))
    try:
        role = Role(p.proposer_role).label()
    except ValueError:
        role = p.proposer_role
    print(t("Change set #{id}: {change}, {state}, {n} orders", id=p.id, change=p.label,
            state=changesets.state_label(p.state), n=p.orders))
    print(t("  proposed by {name} ({role}) on {created}; expires {expires}", name=p.proposer, role=role,
            created=when(p.created_at), expires=when(p.expires_at)))
    print(t("  reason: {reason}", reason=p.reason))
    if p.decided_by:
        print(t("  decided by {name} on {when}{reason}", name=p.decided_by, when=when(p.decided_at),
                reason=t("  ({reason})", reason=p.decision_reason) if p.decision_reason else ""))
    for line in changesets.describe_params(p):
        print("  " + line)
    for it in items:
        print(f"  {it.order_no}  {it.describe()}")
    return 0


def cmd_bulk_approve(args, ctx: AppContext) -> int:
    from shop_orders.services import auth, changesets

    if not ctx.read(auth.has_users):
        raise ValidationError(t("This store has no users yet, so nobody can approve: add its owner first "
                                "(shop-orders users add NAME --role owner)."))
    p = changesets.confirm(ctx.db, ctx.actor.name, args.id, args.secret())
    print(t("Change set #{id} approved by {name} and applied ({n} orders).", id=p.id, name=ctx.actor.name,
            n=p.orders))
    return 0


def cmd_bulk_reject(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    p = ctx.run(lambda uow, change: changesets.reject(uow, change, args.id, args.reason), "manual")
    print(t("Change set #{id} rejected.", id=p.id))
    return 0


def cmd_bulk_revert(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    p = ctx.run(lambda uow, change: changesets.revert(uow, change, args.id, args.reason), "manual")
    return report_proposed(p)


def _change_set_id(text: str) -> int:
    return positive_int(text.lstrip("#"))  # '12' or '#12', as the messages name it


def add_bulk_commands(sub) -> None:
    """bulk propose, list, show, approve, reject, revert."""
    c = sub.add_parser("bulk", help=t("change many orders at once; a second person approves (two-person rule)"))
    bsub = c.add_subparsers(dest="bulk_command", metavar="ACTION", required=True)
    p = bsub.add_parser("propose", help=t("propose a change; prints the change set's id alone (applied at once "
                                          "below the two-person threshold)"))
    which = p.add_argument_group(t("which orders"))
    which.add_argument("--orders", metavar="ID,ID,...", help=t("global order ids, e.g. SO-20261122-000123"))
    which.add_argument("--orders-from", metavar="FILE", help=t("the order ids in a text file, one per line; - reads "
                                                               "them from standard input"))
    which.add_argument("--where-status", type=status_arg, action="append", metavar="S",
                       help=t("the orders with this status, repeatable"))
    which.add_argument("--where-channel", type=channel_arg, action="append", metavar="C",
                       help=t("with --where-status: only this channel, repeatable"))
    which.add_argument("--stale", action="store_true", help=t("with --where-status: only stale orders"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--set-status", type=status_arg, metavar="S", help=t("change the status"))
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
