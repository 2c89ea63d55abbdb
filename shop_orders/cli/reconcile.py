"""`shop-orders reconcile`: the statements matched to the orders (issue 27 item 6).

- `reconcile [--from DATE --to DATE]` runs the rule chain over the open statement lines of the
  period (whole local days, both included; all lines when not given) and prints the orders'
  counts per state;
- `reconcile list [--state S] [--format json]`: the orders' reconciliation (order id, state,
  expected, received, difference, the statement lines matched);
- `reconcile match LINE ORDER --reason TEXT` (over the owner's threshold: a change set another
  person approves with `bulk approve`), `reconcile unmatch LINE --reason TEXT`,
  `reconcile exclude LINE --reason TEXT`, `reconcile confirm ORDER --reason TEXT`,
  `reconcile exclude-order ORDER --reason TEXT`;
- `reconcile two-person [AMOUNT]`: show or set (the owner) the amount above which a match by hand
  is a change set a second person approves;
- `reconcile export FILE.xlsx [--from DATE --to DATE]`: the bookkeeper's workbook
  (services/recon_export.py) in the language of --lang.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from shop_orders.cli.common import day_option, local_midnight, positive_int, print_table, xlsx_path
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.reconcile import RULES, State, rule_label
from shop_orders.services.context import AppContext


def _state_arg(text: str) -> State:
    try:
        return State.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _line_id(text: str) -> int:
    return positive_int(text.lstrip("#"))  # '12' or '#12', as the messages name it


def _period(args: argparse.Namespace) -> tuple[Any, Any]:
    start, end = day_option(args.date_from, "--from"), day_option(args.date_to, "--to")
    if start and end and start > end:
        raise ValidationError(t("The period starts after it ends (--from {start}, --to {end}).", start=start,
                                end=end))
    return (local_midnight(start) if start else None,
            local_midnight(end + timedelta(days=1)) if end else None)


def cmd_reconcile_export(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.domain import messages
    from shop_orders.services import permissions, recon_export
    from shop_orders.services.recon_browse import Period

    permissions.check(ctx.db, ctx.actor, "orders.export")
    path = xlsx_path(args.file)
    args.date_from, args.date_to = args.export_from or args.date_from, args.export_to or args.date_to
    start, end = _period(args)
    result = recon_export.export(ctx.db, path, Period(start, end), lang=messages.language())
    print(t("Exported the reconciliation of {orders} orders and {lines} statement lines to {path}.",
            orders=result.orders, lines=result.lines, path=path))
    return 0


def cmd_reconcile_two_person(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.domain.money import parse_minor
    from shop_orders.services import reconcile

    if args.amount is not None:
        minor = parse_minor(args.amount, "")
        if minor < 0:
            raise ValidationError(t("The amount for a second person is 0 or more."))
        ctx.run(lambda uow, change: reconcile.set_two_person_minor(uow, change, minor), "manual")
    current = ctx.read(reconcile.two_person_minor)
    print(t("A match by hand over {amount} needs a second person.", amount=format_minor(current, "")))
    return 0


def _counts(states: dict[str, int]) -> str:
    return ", ".join(t("{state} {n}", state=State(s).label(), n=n) for s, n in states.items())


def cmd_reconcile_run(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import reconcile

    start, end = _period(args)
    summary = ctx.run(lambda uow, change: reconcile.run(uow, change, start, end), "manual")
    by_rule = ", ".join(t("{rule} {n}", rule=rule_label(r), n=summary.matched[r]) for r in RULES
                        if summary.matched.get(r))
    print(t("Matched {n} statement lines ({rules}); {excluded} excluded as not sales; {open} still open.",
            n=summary.matched_total, rules=by_rule or t("none"), excluded=summary.excluded, open=summary.still_open))
    for line_id, diff, currency in summary.payouts_off:
        print(t("Payout line #{line} does not add up: its lines differ from it by {diff}.", line=line_id,
                diff=f"{format_minor(diff, currency)} {currency}"))
    print(t("Orders: {counts}.", counts=_counts(summary.states)))
    if summary.tickets_opened or summary.tickets_resolved:
        print(t("Payment tickets: {opened} opened, {resolved} resolved.", opened=summary.tickets_opened,
                resolved=summary.tickets_resolved))
    return 0


def cmd_reconcile_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import reconcile

    def read(s: Any) -> tuple[list[Any], dict[int, list[int]]]:
        rows = reconcile.listing(s, args.state)
        return rows, reconcile.line_ids_of(s, [r.order_id for r in rows])

    rows, lines = ctx.read(read)
    if args.format == "json":  # codes, for programs
        print(json.dumps([{"order_id": r.order_no, "state": r.state, "currency": r.currency,
                           "expected": format_minor(r.expected_minor, r.currency),
                           "received": format_minor(r.received_minor, r.currency),
                           "difference": format_minor(r.difference_minor, r.currency),
                           "lines": lines.get(r.order_id, []), "decided_by": r.decided_by or None,
                           "reason": r.reason or None} for r in rows], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Order"), t("State"), t("Expected"), t("Received"), t("Difference"), t("Statement lines")],
                [[r.order_no, State(r.state).label(), f"{format_minor(r.expected_minor, r.currency)} {r.currency}",
                  format_minor(r.received_minor, r.currency), format_minor(r.difference_minor, r.currency),
                  " ".join(f"#{i}" for i in lines.get(r.order_id, []))] for r in rows])
    print(t("{n} orders", n=len(rows)), file=sys.stderr)
    return 0


def _order(ctx: AppContext, ref: str) -> int:
    from shop_orders.services import reconcile

    return ctx.read(lambda s: reconcile.order_id_of(s, ref))


def cmd_reconcile_match(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import reconcile

    order_id = _order(ctx, args.order)
    done = ctx.run(lambda uow, change: reconcile.match_by_hand(uow, change, args.line, order_id, args.reason),
                   "manual", args.reason)
    if done.state == "proposed":
        print(t("Statement line #{line} to {order} is over the owner's threshold: change set #{id} waits for another "
                "person's approval: shop-orders bulk approve {id}", line=args.line, order=args.order.upper(),
                id=done.change_set_id))
    else:
        print(t("Statement line #{line} matched to {order}.", line=args.line, order=args.order.upper()))
    return 0


def cmd_reconcile_unmatch(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import reconcile

    ctx.run(lambda uow, change: reconcile.unmatch(uow, change, args.line, args.reason), "manual", args.reason)
    print(t("Statement line #{line} is open again.", line=args.line))
    return 0


def cmd_reconcile_exclude(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import reconcile

    ctx.run(lambda uow, change: reconcile.exclude_line(uow, change, args.line, args.reason), "manual", args.reason)
    print(t("Statement line #{line} excluded.", line=args.line))
    return 0


def _order_state(args: argparse.Namespace, ctx: AppContext, state: State) -> int:
    from shop_orders.services import reconcile

    order_id = _order(ctx, args.order)
    act = reconcile.confirm_order if state is State.CONFIRMED else reconcile.exclude_order
    ctx.run(lambda uow, change: act(uow, change, order_id, args.reason), "manual", args.reason)
    print(t("{order} is now {state}.", order=args.order.upper(), state=state.label()))
    return 0


def cmd_reconcile_confirm(args: argparse.Namespace, ctx: AppContext) -> int:
    return _order_state(args, ctx, State.CONFIRMED)


def cmd_reconcile_exclude_order(args: argparse.Namespace, ctx: AppContext) -> int:
    return _order_state(args, ctx, State.EXCLUDED)


def _reason(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reason", required=True, metavar="TEXT", help=t("why (kept in the trail)"))


def add_reconcile_commands(sub: argparse._SubParsersAction[Any]) -> argparse._SubParsersAction[Any]:
    """reconcile [--from --to] | list | match | unmatch | exclude | confirm | exclude-order; returns
    its subcommands' parsers (the statements' export adds `reconcile export` there)."""
    c = sub.add_parser("reconcile", help=t("match payment and bank statements to the orders: red, amber, green"))
    c.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help=t("only statement lines on or after this day (local time)"))
    c.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                   help=t("only statement lines on or before this day (local time)"))
    c.set_defaults(func=cmd_reconcile_run)
    rsub: argparse._SubParsersAction[Any] = c.add_subparsers(dest="reconcile_command", metavar="ACTION",
                                                             required=False)
    li = rsub.add_parser("list", help=t("the orders' reconciliation: state, expected, received, difference, lines"))
    li.add_argument("--state", type=_state_arg, metavar="STATE",
                    help=t("only this state: {states}", states="|".join(s.value for s in State)))
    li.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    li.set_defaults(func=cmd_reconcile_list)
    m = rsub.add_parser("match", help=t("match a statement line to an order by hand (over the owner's threshold a "
                                        "second person approves)"))
    m.add_argument("line", type=_line_id, metavar="LINE", help=t("the statement line's number"))
    m.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    _reason(m)
    m.set_defaults(func=cmd_reconcile_match)
    u = rsub.add_parser("unmatch", help=t("undo a statement line's match or exclusion; the line is left to people"))
    u.add_argument("line", type=_line_id, metavar="LINE", help=t("the statement line's number"))
    _reason(u)
    u.set_defaults(func=cmd_reconcile_unmatch)
    e = rsub.add_parser("exclude", help=t("exclude a statement line (not a sale, a duplicate...)"))
    e.add_argument("line", type=_line_id, metavar="LINE", help=t("the statement line's number"))
    _reason(e)
    e.set_defaults(func=cmd_reconcile_exclude)
    cf = rsub.add_parser("confirm", help=t("confirm an order's money as it is"))
    cf.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    _reason(cf)
    cf.set_defaults(func=cmd_reconcile_confirm)
    eo = rsub.add_parser("exclude-order", help=t("take an order out of the reconciliation"))
    eo.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    _reason(eo)
    eo.set_defaults(func=cmd_reconcile_exclude_order)
    ex = rsub.add_parser("export", help=t("the period's reconciliation as an Excel workbook for the bookkeeper, in the "
                                          "language of --lang"))
    ex.add_argument("file", metavar="FILE.xlsx")
    ex.add_argument("--from", dest="export_from", metavar="YYYY-MM-DD",
                    help=t("from this day (local time; default: from the first statement line)"))
    ex.add_argument("--to", dest="export_to", metavar="YYYY-MM-DD",
                    help=t("to this day, included (local time; default: to the last)"))
    ex.set_defaults(func=cmd_reconcile_export)
    tp = rsub.add_parser("two-person", help=t("show, or set (the owner), the amount above which a match by hand needs a "
                                              "second person"))
    tp.add_argument("amount", nargs="?", metavar="AMOUNT", help=t("e.g. 1000.00 (two decimals; 0: every match by hand)"))
    tp.set_defaults(func=cmd_reconcile_two_person)
    return rsub
