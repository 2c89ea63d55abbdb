"""The command line's exception tickets and detection rules (issue 15): `shop-orders rules run`
and `shop-orders tickets ...`, their commands and their parsers."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from shop_orders.cli.common import iso, positive_int, print_history, print_table, when
from shop_orders.domain import trail
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tickets import (
    ACTIVE,
    Kind,
    Priority,
    State,
    countdown,
    history_choice,
    note_text,
)
from shop_orders.domain.vocabulary import source_label
from shop_orders.services import lookup, permissions
from shop_orders.services.context import AppContext


def _ticket_id(text: str) -> int:
    return positive_int(text.lstrip("#"))  # '12' or '#12', as the messages name it


def _assignee(ticket) -> str:
    return ticket.assignee_user or ticket.assignee_role


def _assignee_label(ticket) -> str:
    """A user by name, a role by its label."""
    from shop_orders.domain.roles import Role

    if ticket.assignee_user:
        return ticket.assignee_user
    try:
        return Role(ticket.assignee_role).label()
    except ValueError:
        return ticket.assignee_role


def ticket_record(ticket) -> dict:
    """A ticket for programs: codes, the order's global id, local ISO times (due_at None while
    the clock is paused, and once resolved or closed)."""
    return {"id": ticket.id, "order_id": ticket.order_no, "kind": ticket.kind,
            "priority": Priority(ticket.priority).label(), "state": ticket.state, "assignee": _assignee(ticket),
            "due_at": iso(ticket.due_at), "opened_at": iso(ticket.opened_at)}


def _left(ticket, clock, now: datetime) -> str:
    """The countdown for people: time left, overdue as negative; a paused clock says so."""
    from shop_orders.services import tickets

    state = State(ticket.state)
    if state not in ACTIVE:
        return ""
    left = countdown(tickets.left_seconds(ticket, clock, now))
    return t("{left} (paused)", left=left) if ticket.due_at is None else left


def cmd_rules_run(args, ctx: AppContext) -> int:
    """Every detection rule once over the store, then reminders and escalation, in one unit of
    work (the rules act as the system; the person needs the right to handle tickets)."""
    from shop_orders.services import rules

    permissions.check(ctx.db, ctx.actor, "tickets.open")
    outcome = ctx.run(lambda uow, _change: rules.sweep(uow, uow.now, every_rule=True))
    print(t("Rules run: {opened} tickets opened, {updated} updated; {reminded} reminders, {escalated} "
            "escalations.", opened=outcome.opened, updated=outcome.updated, reminded=outcome.reminded,
            escalated=outcome.escalated))
    if outcome.summarised:
        print(t("{n} orders already stale when the store first saw them went into summary tickets (tickets orders "
                "ID lists them).", n=outcome.summarised))
    return 0


def cmd_tickets_history(args, ctx: AppContext) -> int:
    """Show or set how orders already stale on arrival are ticketed: summary (one ticket per kind
    and age band) or each (one ticket per order)."""
    from shop_orders.services import tickets

    if args.choice is not None:
        choice = history_choice(args.choice)
        ctx.run(lambda uow, change: tickets.set_ticket_rules(uow, change, history=choice))
    current = ctx.read(lambda s: tickets.ticket_rules(s).history)
    print(t("Orders already stale when the store first sees them: {choice}.",
            choice=t("one summary ticket per kind and age band") if current == "summary" else t("one ticket per order")))
    return 0


def cmd_tickets_orders(args, ctx: AppContext) -> int:
    """The orders a summary ticket holds, one order number a line."""
    from shop_orders.services import tickets

    def read(s):
        tk = tickets.get(s, args.id)
        return tickets.summary_order_numbers(s, args.id) or [tk.order_no]

    for no in ctx.read(read):
        print(no)
    return 0


def cmd_tickets_list(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    now = datetime.now(UTC)
    kinds = tuple(Kind.parse(k) for k in args.kind or ())
    f = lookup.TicketFilter(active_only=args.open, overdue_at=now if args.overdue else None, kinds=kinds,
                            order_no=args.order)

    def read(s):
        if args.order is not None and lookup.order(s, args.order) is None:
            raise ValidationError(t("There is no order {order}.", order=args.order))
        return lookup.tickets(s, f), tickets.ticket_rules(s).clock

    found, clock = ctx.read(read)
    if args.format == "json":  # codes, for programs
        print(json.dumps([ticket_record(tk) for tk in found], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Ticket"), t("Order"), t("Kind"), t("Priority"), t("State"), t("Assignee"), t("Due"),
                 t("Left"), t("Opened")],
                [[f"#{tk.id}", tk.order_no, Kind(tk.kind).label(), Priority(tk.priority).label(),
                  State(tk.state).label(), _assignee_label(tk), when(tk.due_at), _left(tk, clock, now),
                  when(tk.opened_at)] for tk in found])
    print(t("{n} tickets", n=len(found)), file=sys.stderr)
    return 0


def cmd_tickets_open(args, ctx: AppContext) -> int:
    """The new ticket's id alone on stdout (for scripts); who has it and when it is due on stderr."""
    from shop_orders.services import tickets

    def open_it(uow, change):
        tk = tickets.open_ticket(uow, change, args.order, args.kind, priority=args.priority, note=args.note)
        return tk.id, tk.order_no, tk.due_at, _assignee_label(tk)

    ticket_id, order_no, due, who = ctx.run(open_it, "manual")
    print(ticket_id)
    print(t("Ticket #{id} opened on {order} for {who}, due {due}.", id=ticket_id, order=order_no, who=who,
            due=when(due)), file=sys.stderr)
    return 0


def cmd_tickets_assign(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    who = ctx.run(lambda uow, change: _assignee_label(tickets.assign(uow, change, args.id, args.who)), "manual")
    print(t("Ticket #{id} is assigned to {who}.", id=args.id, who=who))
    return 0


def cmd_tickets_comment(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    ctx.run(lambda uow, change: tickets.comment(uow, change, args.id, args.text), "manual")
    print(t("Comment added to ticket #{id}.", id=args.id))
    return 0


def _evidence(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Every file read before anything is written: one unreadable or too large file refuses all."""
    from shop_orders.services import tickets

    return [tickets.read_evidence(Path(p)) for p in paths]


def cmd_tickets_attach(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    files = _evidence(args.files)
    def attach_all(uow, change):
        for name, data in files:
            tickets.attach(uow, change, args.id, name, data)

    ctx.run(attach_all, "manual")
    print(t("{n} files attached to ticket #{id}.", n=len(files), id=args.id))
    return 0


def cmd_tickets_state(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    state = ctx.run(lambda uow, change: State(tickets.set_state(uow, change, args.id, args.state).state).label(),
                    "manual")
    print(t("Ticket #{id} is now {state}.", id=args.id, state=state))
    return 0


def cmd_tickets_close(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    files = _evidence(args.evidence or [])
    ctx.run(lambda uow, change: tickets.close(uow, change, args.id, args.resolution, files), "manual")
    print(t("Ticket #{id} closed.", id=args.id))
    return 0


def cmd_tickets_show(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    now = datetime.now(UTC)

    def read(s):
        tk = tickets.get(s, args.id)
        left = tickets.left_seconds(tk, tickets.ticket_rules(s).clock, now) if State(tk.state) in ACTIVE else None
        return (tk, lookup.ticket_comments(s, args.id), lookup.ticket_attachments(s, args.id),
                lookup.ticket_history(s, tk), left)

    tk, comments, files, history, left = ctx.read(read)
    print(t("Ticket #{id} on {order}: {kind}, {priority}, {state}", id=tk.id, order=tk.order_no,
            kind=Kind(tk.kind).label(), priority=Priority(tk.priority).label(), state=State(tk.state).label()))
    print(t("  assigned to {who}; opened {opened} by {by} [{source}]", who=_assignee_label(tk),
            opened=when(tk.opened_at), by=trail.actor_name(tk.opened_by), source=source_label(tk.source)))
    if left is not None and tk.due_at is not None:
        print(t("  due {due} ({left} left)", due=when(tk.due_at), left=countdown(left)))
    elif left is not None:
        print(t("  the clock is paused with {left} left", left=countdown(left)))
    if tk.resolved_at is not None:
        print(t("  resolved {when}", when=when(tk.resolved_at)))
    if tk.closed_at is not None:
        print(t("  closed {when}: {resolution}", when=when(tk.closed_at), resolution=tk.resolution))
    if comments:
        print(t("  comments:"))
        for c in comments:
            print(f"    {when(c.at)}  {trail.actor_name(c.author)}  {note_text(c.text)}")
    if files:
        print(t("  attachments:"))
        for a in files:
            print(t("    {name}  {size} bytes  sha256 {sha}…  ({when}, {who})", name=a.name, size=f"{a.size:,}",
                    sha=a.sha256[:12], when=when(a.added_at), who=a.added_by))
    print_history(history)
    return 0


def _figures_record(f, key: str | None) -> dict:
    record = {key: f.group} if key else {}
    return {**record, "tickets": f.tickets, "resolved": f.resolved, "in_time": f.in_time,
            "hit_rate": None if f.hit_rate is None else round(f.hit_rate, 4), "mean_resolve_s": f.mean_resolve_s}


def cmd_tickets_stats(args, ctx: AppContext) -> int:
    from shop_orders.domain.roles import Role
    from shop_orders.services import tickets

    kinds, people, overall = ctx.read(tickets.stats)
    if args.format == "json":  # codes, for programs; hit_rate 0..1 (None before any is resolved)
        print(json.dumps({"by_kind": [_figures_record(f, "kind") for f in kinds],
                          "by_assignee": [_figures_record(f, "assignee") for f in people],
                          "overall": _figures_record(overall, None)}, ensure_ascii=False, indent=1))
        return 0

    def row(name: str, f) -> list[str]:
        rate = "" if f.hit_rate is None else f"{f.hit_rate:.0%}"
        mean = "" if f.mean_resolve_s is None else countdown(f.mean_resolve_s)
        return [name, str(f.tickets), str(f.resolved), str(f.in_time), rate, mean]

    def who(code: str) -> str:
        try:
            return t("{role} (role)", role=Role(code).label())
        except ValueError:
            return code

    headers = [t("Kind"), t("Tickets"), t("Resolved"), t("In time"), t("SLA hit rate"), t("Mean time to resolve")]
    print_table(headers, [row(Kind(f.group).label(), f) for f in kinds] + [row(t("All kinds"), overall)])
    print()
    print_table([t("Assignee"), *headers[1:]], [row(who(f.group), f) for f in people])
    return 0


def add_ticket_commands(sub) -> None:
    """rules run; tickets list, open, assign, comment, attach, state, close, show, stats."""
    c = sub.add_parser("rules", help=t("the detection rules that open exception tickets"))
    rsub = c.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    r = rsub.add_parser("run", help=t("run every detection rule once, then reminders and escalation; prints how "
                                      "many tickets were opened and updated"))
    r.set_defaults(func=cmd_rules_run)

    kinds = ", ".join(k.value for k in Kind)
    c = sub.add_parser("tickets", help=t("exception tickets on orders: open, assign, comment, close with evidence"))
    tsub = c.add_subparsers(dest="tickets_command", metavar="ACTION", required=True)
    li = tsub.add_parser("list", help=t("the tickets, soonest due first"))
    li.add_argument("--open", action="store_true", help=t("only open, in progress or waiting on the customer"))
    li.add_argument("--overdue", action="store_true", help=t("only those past their due time"))
    li.add_argument("--kind", action="append", metavar="K", help=t("kind code, repeatable: {kinds}", kinds=kinds))
    li.add_argument("--order", metavar="ID", help=t("only this order's (global order id)"))
    li.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    li.set_defaults(func=cmd_tickets_list)
    o = tsub.add_parser("open", help=t("open a ticket on an order; prints its id alone"))
    o.add_argument("order", metavar="ORDER", help=t("global order id, e.g. SO-20261122-000123"))
    o.add_argument("--kind", required=True, metavar="K", help=t("kind code: {kinds}", kinds=kinds))
    o.add_argument("--priority", metavar="P", help=t("P0 (most urgent) to P3 (default: the kind's)"))
    o.add_argument("--note", default="", metavar="TEXT", help=t("what is wrong (the ticket's first comment)"))
    o.set_defaults(func=cmd_tickets_open)
    a = tsub.add_parser("assign", help=t("give a ticket to a user or a role"))
    a.add_argument("id", type=_ticket_id, metavar="ID")
    a.add_argument("who", metavar="USER_OR_ROLE", help=t("a user's name, or owner, manager, service, warehouse or "
                                                         "bookkeeper"))
    a.set_defaults(func=cmd_tickets_assign)
    m = tsub.add_parser("comment", help=t("add a comment to a ticket"))
    m.add_argument("id", type=_ticket_id, metavar="ID")
    m.add_argument("text", metavar="TEXT")
    m.set_defaults(func=cmd_tickets_comment)
    at = tsub.add_parser("attach", help=t("attach files (evidence) to a ticket"))
    at.add_argument("id", type=_ticket_id, metavar="ID")
    at.add_argument("files", nargs="+", metavar="FILE", help=t("a photo, a screenshot, a receipt (at most {mb} MB "
                                                              "each)", mb=_attachment_mb()))
    at.set_defaults(func=cmd_tickets_attach)
    st = tsub.add_parser("state", help=t("move a ticket: open, in_progress, waiting (the clock pauses), resolved"))
    st.add_argument("id", type=_ticket_id, metavar="ID")
    st.add_argument("state", metavar="STATE")
    st.set_defaults(func=cmd_tickets_state)
    cl = tsub.add_parser("close", help=t("close a ticket with a written resolution and at least one evidence file"))
    cl.add_argument("id", type=_ticket_id, metavar="ID")
    cl.add_argument("--resolution", default="", metavar="TEXT", help=t("what was done (required)"))
    cl.add_argument("--evidence", action="append", metavar="FILE",
                    help=t("a photo, a screenshot, a receipt (at most {mb} MB each), repeatable; required unless "
                           "the ticket already has a file attached", mb=_attachment_mb()))
    cl.set_defaults(func=cmd_tickets_close)
    sh = tsub.add_parser("show", help=t("one ticket with its comments, attachments and history"))
    sh.add_argument("id", type=_ticket_id, metavar="ID")
    sh.set_defaults(func=cmd_tickets_show)
    hi = tsub.add_parser("history", help=t("show or set how orders already stale when the store first sees them are "
                                           "ticketed: summary (one ticket per kind and age band, the default) or "
                                           "each (one ticket per order)"))
    hi.add_argument("choice", nargs="?", metavar="summary|each")
    hi.set_defaults(func=cmd_tickets_history)
    ors = tsub.add_parser("orders", help=t("the orders of a ticket (a summary ticket's every order), one a line"))
    ors.add_argument("id", type=_ticket_id, metavar="ID")
    ors.set_defaults(func=cmd_tickets_orders)
    sa = tsub.add_parser("stats", help=t("SLA hit rate and mean time to resolve, per kind and per assignee"))
    sa.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    sa.set_defaults(func=cmd_tickets_stats)


def _attachment_mb() -> int:
    from shop_orders.services.tickets import MAX_ATTACHMENT

    return MAX_ATTACHMENT // 2 ** 20
