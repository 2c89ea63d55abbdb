"""The command line's exception tickets, detection rules, couriers and tracking sync (issues 15
and 16): their commands and their parsers, added by cli.build_parser. The shared helpers (tables,
times, secrets from the environment or a prompt) stay in cli.py."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shop_orders.cli import (
    ProgressBar,
    _iso,
    _new_secret,
    _on_terminal,
    _positive_int,
    _print_history,
    _when,
    print_table,
)
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.tickets import ACTIVE, Kind, Priority, State, countdown, note_text
from shop_orders.domain.vocabulary import source_label
from shop_orders.services import permissions
from shop_orders.services.context import AppContext

# ---- exception tickets ------------------------------------------------------------------------

def _ticket_id(text: str) -> int:
    return _positive_int(text.lstrip("#"))  # '12' or '#12', as the messages name it


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
            "due_at": _iso(ticket.due_at), "opened_at": _iso(ticket.opened_at)}


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
    with ctx.uow() as uow:
        outcome = rules.sweep(uow, uow.now, every_rule=True)
        uow.commit()
    print(t("Rules run: {opened} tickets opened, {updated} updated; {reminded} reminders, {escalated} "
            "escalations.", opened=outcome.opened, updated=outcome.updated, reminded=outcome.reminded,
            escalated=outcome.escalated))
    return 0


def cmd_tickets_list(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets
    from shop_orders.store import queries

    now = datetime.now(UTC)
    kinds = tuple(Kind.parse(k) for k in args.kind or ())
    f = queries.TicketFilter(active_only=args.open, overdue_at=now if args.overdue else None, kinds=kinds,
                             order_no=args.order)
    with ctx.db.read_session() as s:
        if args.order is not None and queries.order_detail(s, args.order) is None:
            raise ValidationError(t("There is no order {order}.", order=args.order))
        found = queries.tickets(s, f)
        clock = tickets.ticket_rules(s).clock
    if args.format == "json":  # codes, for programs
        print(json.dumps([ticket_record(tk) for tk in found], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Ticket"), t("Order"), t("Kind"), t("Priority"), t("State"), t("Assignee"), t("Due"),
                 t("Left"), t("Opened")],
                [[f"#{tk.id}", tk.order_no, Kind(tk.kind).label(), Priority(tk.priority).label(),
                  State(tk.state).label(), _assignee_label(tk), _when(tk.due_at), _left(tk, clock, now),
                  _when(tk.opened_at)] for tk in found])
    print(t("{n} tickets", n=len(found)), file=sys.stderr)
    return 0


def cmd_tickets_open(args, ctx: AppContext) -> int:
    """The new ticket's id alone on stdout (for scripts); who has it and when it is due on stderr."""
    from shop_orders.services import tickets

    with ctx.uow() as uow:
        tk = tickets.open_ticket(uow, ctx.change("manual"), args.order, args.kind, priority=args.priority,
                                 note=args.note)
        uow.commit()
        ticket_id, order_no, due = tk.id, tk.order_no, tk.due_at
        who = _assignee_label(tk)
    print(ticket_id)
    print(t("Ticket #{id} opened on {order} for {who}, due {due}.", id=ticket_id, order=order_no, who=who,
            due=_when(due)), file=sys.stderr)
    return 0


def cmd_tickets_assign(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    with ctx.uow() as uow:
        tk = tickets.assign(uow, ctx.change("manual"), args.id, args.who)
        uow.commit()
        who = _assignee_label(tk)
    print(t("Ticket #{id} is assigned to {who}.", id=args.id, who=who))
    return 0


def cmd_tickets_comment(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    with ctx.uow() as uow:
        tickets.comment(uow, ctx.change("manual"), args.id, args.text)
        uow.commit()
    print(t("Comment added to ticket #{id}.", id=args.id))
    return 0


def _evidence(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Every file read before anything is written: one unreadable or too large file refuses all."""
    from shop_orders.services import tickets

    return [tickets.read_evidence(Path(p)) for p in paths]


def cmd_tickets_attach(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    files = _evidence(args.files)
    with ctx.uow() as uow:
        for name, data in files:
            tickets.attach(uow, ctx.change("manual"), args.id, name, data)
        uow.commit()
    print(t("{n} files attached to ticket #{id}.", n=len(files), id=args.id))
    return 0


def cmd_tickets_state(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    with ctx.uow() as uow:
        tk = tickets.set_state(uow, ctx.change("manual"), args.id, args.state)
        uow.commit()
        state = State(tk.state).label()
    print(t("Ticket #{id} is now {state}.", id=args.id, state=state))
    return 0


def cmd_tickets_close(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets

    files = _evidence(args.evidence or [])
    with ctx.uow() as uow:
        tickets.close(uow, ctx.change("manual"), args.id, args.resolution, files)
        uow.commit()
    print(t("Ticket #{id} closed.", id=args.id))
    return 0


def cmd_tickets_show(args, ctx: AppContext) -> int:
    from shop_orders.services import tickets
    from shop_orders.store import queries

    now = datetime.now(UTC)
    with ctx.db.read_session() as s:
        tk = tickets.get(s, args.id)
        comments = queries.ticket_comments(s, args.id)
        files = queries.ticket_attachments(s, args.id)
        history = queries.ticket_history(s, tk)
        left = tickets.left_seconds(tk, tickets.ticket_rules(s).clock, now) if State(tk.state) in ACTIVE else None
    print(t("Ticket #{id} on {order}: {kind}, {priority}, {state}", id=tk.id, order=tk.order_no,
            kind=Kind(tk.kind).label(), priority=Priority(tk.priority).label(), state=State(tk.state).label()))
    print(t("  assigned to {who}; opened {opened} by {by} [{source}]", who=_assignee_label(tk),
            opened=_when(tk.opened_at), by=tk.opened_by, source=source_label(tk.source)))
    if left is not None and tk.due_at is not None:
        print(t("  due {due} ({left} left)", due=_when(tk.due_at), left=countdown(left)))
    elif left is not None:
        print(t("  the clock is paused with {left} left", left=countdown(left)))
    if tk.resolved_at is not None:
        print(t("  resolved {when}", when=_when(tk.resolved_at)))
    if tk.closed_at is not None:
        print(t("  closed {when}: {resolution}", when=_when(tk.closed_at), resolution=tk.resolution))
    if comments:
        print(t("  comments:"))
        for c in comments:
            print(f"    {_when(c.at)}  {c.author}  {note_text(c.text)}")
    if files:
        print(t("  attachments:"))
        for a in files:
            print(t("    {name}  {size} bytes  sha256 {sha}…  ({when}, {who})", name=a.name, size=f"{a.size:,}",
                    sha=a.sha256[:12], when=_when(a.added_at), who=a.added_by))
    _print_history(history)
    return 0


def _figures_record(f, key: str | None) -> dict:
    record = {key: f.group} if key else {}
    return {**record, "tickets": f.tickets, "resolved": f.resolved, "in_time": f.in_time,
            "hit_rate": None if f.hit_rate is None else round(f.hit_rate, 4), "mean_resolve_s": f.mean_resolve_s}


def cmd_tickets_stats(args, ctx: AppContext) -> int:
    from shop_orders.domain.roles import Role
    from shop_orders.services import tickets

    with ctx.db.read_session() as s:
        kinds, people, overall = tickets.stats(s)
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



# ---- couriers and tracking -----------------------------------------------------------------------

VAULT_PASSPHRASE_ENV = "SHOP_ORDERS_VAULT_PASSPHRASE"


def _vault(ctx: AppContext):
    """The store's vault: the OS's, or our own under the owner's passphrase (from
    $SHOP_ORDERS_VAULT_PASSPHRASE, else asked on a terminal; never an argument)."""
    from shop_orders.services import vault

    def passphrase() -> str:
        if os.environ.get(VAULT_PASSPHRASE_ENV):
            return os.environ[VAULT_PASSPHRASE_ENV]
        if sys.stdin.isatty():
            return getpass.getpass(t("Vault passphrase: "))
        raise ValidationError(t("The courier keys are locked: set ${env} or run this on a terminal.",
                                env=VAULT_PASSPHRASE_ENV))
    return vault.open_vault(ctx.db, passphrase)


def _courier_key(name: str, exists: bool) -> str | None:
    """The API key from standard input (its first line) or a prompt; never an argument. Empty
    keeps the stored key of an existing courier."""
    if sys.stdin.isatty():
        key = getpass.getpass(t("API key for {name} (empty: keep the stored one): ", name=name) if exists
                              else t("API key for {name}: ", name=name))
    else:
        key = sys.stdin.readline().rstrip("\r\n")
    return key or None


def cmd_couriers_set(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    with ctx.db.read_session() as s:
        exists = any(a.name.lower() == args.name.strip().lower() for a in courier_accounts.accounts(s))
    permissions.check(ctx.db, ctx.actor, "settings.secrets")
    key = _courier_key(args.name, exists)
    box = _vault(ctx)
    with ctx.uow() as uow:
        aliases = [] if args.no_aliases else args.alias
        found = courier_accounts.set_account(uow, ctx.change("manual"), box, args.name, args.kind, args.url or "",
                                             args.customer or "", args.carrier or "", key, pattern=args.pattern,
                                             aliases=aliases)
        uow.commit()
    print(t("Courier {name} ({kind}) at {url} saved; its key is in the vault.", name=found.name, kind=found.kind,
            url=found.url))
    if found.aliases:
        print(t("It also answers for parcels of: {names}.", names=", ".join(found.aliases)))
    return 0


def cmd_couriers_list(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    with ctx.db.read_session() as s:
        found = courier_accounts.accounts(s)
    names = set(_vault(ctx).names())  # the names only: no passphrase needed
    keyed = {a.name: courier_accounts.secret_name(a.name) in names for a in found}
    if args.format == "json":  # never a key
        print(json.dumps([{"name": a.name, "kind": a.kind, "url": a.url, "customer": a.customer, "carrier": a.carrier,
                           "aliases": list(a.aliases), "has_key": keyed[a.name]} for a in found],
                         ensure_ascii=False, indent=1))
        return 0
    print_table([t("Courier"), t("API"), t("Address"), t("Customer id"), t("Carrier code"), t("Also called"), t("Key")],
                [[a.name, a.kind, a.url, a.customer, a.carrier, ", ".join(a.aliases),
                  t("stored") if keyed[a.name] else t("missing")] for a in found])
    return 0


def cmd_couriers_test(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    permissions.check(ctx.db, ctx.actor, "settings.secrets")  # the key leaves this computer: the owner's right
    with ctx.db.read_session() as s:
        found = courier_accounts.account(s, args.name)
    adapter = courier_accounts.adapter(found, _vault(ctx))
    try:
        adapter.test_connection()
    finally:
        adapter.close()
    print(t("{name} answers: the address and the key work.", name=found.name))
    return 0


def cmd_couriers_remove(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    with ctx.uow() as uow:
        courier_accounts.remove_account(uow, ctx.change("manual"), _vault(ctx), args.name)
        uow.commit()
    print(t("Courier {name} and its key removed.", name=args.name))
    return 0


NEW_VAULT_PASSPHRASE_ENV = "SHOP_ORDERS_NEW_VAULT_PASSPHRASE"


def cmd_couriers_passphrase(args, ctx: AppContext) -> int:
    """Change the own vault's passphrase: every key re-encrypted in one transaction."""
    from shop_orders.services import vault

    permissions.check(ctx.db, ctx.actor, "settings.secrets")
    old = os.environ.get(VAULT_PASSPHRASE_ENV) or (getpass.getpass(t("Vault passphrase: ")) if _on_terminal()
                                                     else "")
    new = _new_secret(NEW_VAULT_PASSPHRASE_ENV, t("New vault passphrase: "))
    if not old or not new:
        raise ValidationError(t("Both passphrases are needed: the current one from ${old} or a terminal, the new one "
                                "from ${new} or a terminal.", old=VAULT_PASSPHRASE_ENV, new=NEW_VAULT_PASSPHRASE_ENV))
    box = vault.open_vault(ctx.db, lambda: old)
    with ctx.uow() as uow:
        box.change_passphrase(uow, ctx.change("manual"), old, new)
        uow.commit()
    print(t("The vault passphrase is changed; every key is encrypted under the new one."))
    return 0


def cmd_sync(args, ctx: AppContext) -> int:
    """Ask the couriers about the shipped parcels; stdout: the counts; stderr: each problem."""
    from shop_orders.services import courier_accounts, tracking

    permissions.check(ctx.db, ctx.actor, "order.ship")
    with ctx.db.read_session() as s:
        found = [courier_accounts.account(s, args.courier)] if args.courier else courier_accounts.accounts(s)
    if not found:
        raise ValidationError(t("No courier is set up yet: add one with shop-orders couriers set NAME --kind K."))
    box = _vault(ctx)
    bar = ProgressBar(N_("{done}/{total} parcels"))
    try:
        result = tracking.sync_accounts(ctx.db, ctx.actor, found, box, progress=bar.update,
                                        every_account=not args.courier)
    finally:
        bar.finish()
    print(t("Checked {checked}, updated {updated}, rolled back {rolled_back}, completed {completed}, failed {failed}.",
            checked=result.checked, updated=result.updated, rolled_back=result.rolled_back,
            completed=result.completed, failed=result.failed))
    if result.waiting:
        print(t("{n} of the checked parcels are not known to their courier yet; they stay shipped until the pickup "
                "deadline.", n=result.waiting))
    for problem in [*result.problems, *result.unchecked()]:
        print(problem, file=sys.stderr)
    return 1 if result.problems else 0


def cmd_courier_sim(args, ctx: AppContext | None) -> int:
    from shop_orders import courier_sim

    courier_sim.main(args.port, args.key, args.customer, first_fetch=timedelta(minutes=max(args.first_fetch, 0)))
    return 0


def add_ticket_commands(sub) -> None:
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
    sa = tsub.add_parser("stats", help=t("SLA hit rate and mean time to resolve, per kind and per assignee"))
    sa.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    sa.set_defaults(func=cmd_tickets_stats)


def _attachment_mb() -> int:
    from shop_orders.services.tickets import MAX_ATTACHMENT

    return MAX_ATTACHMENT // 2 ** 20


def add_courier_commands(sub) -> None:
    from shop_orders.courier_sim import DEFAULT_CUSTOMER, DEFAULT_KEY
    from shop_orders.domain.couriers import KINDS

    c = sub.add_parser("couriers", help=t("the shop's courier accounts (their keys in the vault)"))
    csub = c.add_subparsers(dest="couriers_command", metavar="ACTION", required=True)
    st = csub.add_parser("set", help=t("add or change a courier; the API key from standard input or a prompt, "
                                       "never an argument"))
    st.add_argument("name", metavar="NAME", help=t("as the parcels name it, e.g. SF or YTO"))
    st.add_argument("--kind", required=True, choices=KINDS, help=t("the API it speaks"))
    st.add_argument("--url", metavar="URL", help=t("the API's address (default: the real service's)"))
    st.add_argument("--customer", metavar="ID", help=t("Kuaidi100's customer id"))
    st.add_argument("--carrier", metavar="CODE", help=t("the carrier's code there (Kuaidi100 com, AfterShip slug)"))
    st.add_argument("--pattern", metavar="REGEX", help=t("its tracking numbers as a regular expression, checked at "
                                                          "the scan-out, e.g. '^SF[0-9]+$' (empty: any)"))
    st.add_argument("--alias", action="append", metavar="NAME",
                    help=t("another name its parcels carry, e.g. 顺丰速运 or 'SF Express'; repeatable, replaces the "
                           "stored aliases (a new courier starts with its carrier code's usual names)"))
    st.add_argument("--no-aliases", action="store_true", help=t("forget every alias"))
    st.set_defaults(func=cmd_couriers_set)
    li = csub.add_parser("list", help=t("the couriers: name, API, address, whether a key is stored (never the key)"))
    li.add_argument("--format", choices=["table", "json"], default="table")
    li.set_defaults(func=cmd_couriers_list)
    te = csub.add_parser("test", help=t("ask the courier once with the stored key"))
    te.add_argument("name", metavar="NAME")
    te.set_defaults(func=cmd_couriers_test)
    rm = csub.add_parser("remove", help=t("forget a courier and its key"))
    rm.add_argument("name", metavar="NAME")
    rm.set_defaults(func=cmd_couriers_remove)
    pw = csub.add_parser("passphrase", help=t("change the vault's passphrase (the current one from "
                                              "$SHOP_ORDERS_VAULT_PASSPHRASE or a prompt, the new one from "
                                              "$SHOP_ORDERS_NEW_VAULT_PASSPHRASE or typed twice)"))
    pw.set_defaults(func=cmd_couriers_passphrase)
    sy = sub.add_parser("sync", help=t("ask the couriers about shipped parcels: a false 'shipped' goes back to "
                                       "awaiting shipment with a ticket; prints checked, updated, rolled back, "
                                       "failed"))
    sy.add_argument("--courier", metavar="NAME", help=t("only this courier's parcels"))
    sy.set_defaults(func=cmd_sync)
    sim = sub.add_parser("courier-sim", help=t("a fake courier on 127.0.0.1 speaking Kuaidi100 and AfterShip, for "
                                               "tests and the demo"))
    sim.add_argument("--port", type=int, default=8765, help=t("the port (default 8765)"))
    sim.add_argument("--key", default=DEFAULT_KEY, help=t("the API key it accepts"))
    sim.add_argument("--customer", default=DEFAULT_CUSTOMER, help=t("the Kuaidi100 customer id it accepts"))
    sim.add_argument("--first-fetch", type=float, default=10, metavar="MINUTES",
                     help=t("minutes an AfterShip tracking stays Pending after it is registered (default 10)"))
    sim.set_defaults(func=cmd_courier_sim, no_store=True)
