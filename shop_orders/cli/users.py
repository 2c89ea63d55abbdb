"""`shop-orders users`: the people who sign in, their roles, passwords and PINs. A change that
needs a second person (a new owner, a role) prints the change set's id (cli/bulk.py)."""

from __future__ import annotations

import json

from shop_orders.cli.bulk import report_proposed
from shop_orders.cli.common import (
    NEW_PASSWORD_ENV,
    NEW_PIN_ENV,
    iso,
    print_table,
    required_secret,
    role_arg,
    when,
)
from shop_orders.domain.messages import t
from shop_orders.services.context import AppContext


def cmd_users_add(args, ctx: AppContext) -> int:
    from shop_orders.services import auth

    password = required_secret(NEW_PASSWORD_ENV, t("New password for {name}: ", name=args.name))
    pin = required_secret(NEW_PIN_ENV, t("New PIN for {name} (at least 6 digits): ", name=args.name)) \
        if args.pin else None
    from shop_orders.services import changesets, permissions

    # no --role: the least privileged under the shop's matrix (the owner for a store's first account)
    role = args.role or ctx.read(permissions.new_user_role)
    done = ctx.run(lambda uow, change: changesets.account_change(uow, change, "create_user", args.name,
                                                                 role=role, password=password, pin=pin),
                   "manual")
    if isinstance(done, auth.UserInfo):
        print(t("Added {name} ({role}).", name=done.name, role=done.role.label()))
        return 0
    return report_proposed(done)


def cmd_users_list(args, ctx: AppContext) -> int:
    from shop_orders.services import auth

    users = ctx.read(auth.list_users)
    if args.format == "json":  # codes, for programs; never a hash
        print(json.dumps([{"name": u.name, "role": u.role.value, "disabled": u.disabled, "has_pin": u.has_pin,
                           "locked_until": iso(u.locked_until)} for u in users], ensure_ascii=False, indent=1))
        return 0
    print_table([t("User"), t("Role"), t("Disabled"), t("PIN"), t("Locked until")],
                [[u.name, u.role.label(), t("yes") if u.disabled else "", t("yes") if u.has_pin else "",
                  when(u.locked_until)] for u in users])
    return 0


def _set_disabled(args, ctx: AppContext, disabled: bool) -> int:
    from shop_orders.services import auth, changesets

    def change_it(uow, change):
        if disabled:
            auth.set_disabled(uow, change, args.name, disabled)
            return None
        return changesets.account_change(uow, change, "enable_user", args.name)

    done = ctx.run(change_it, "manual")
    if done is not None:
        return report_proposed(done)
    print(t("{name} is disabled.", name=args.name) if disabled else t("{name} is enabled.", name=args.name))
    return 0


def cmd_users_disable(args, ctx: AppContext) -> int:
    return _set_disabled(args, ctx, True)


def cmd_users_enable(args, ctx: AppContext) -> int:
    return _set_disabled(args, ctx, False)


def cmd_users_set_role(args, ctx: AppContext) -> int:
    from shop_orders.services import changesets

    p = ctx.run(lambda uow, change: changesets.submit(uow, change, "set_role",
                                                      {"user": args.name, "role": args.role.value}, args.reason),
                "manual")
    return report_proposed(p)


def cmd_users_password(args, ctx: AppContext) -> int:
    name = args.name or ctx.actor.name
    if args.pin:
        pin = required_secret(NEW_PIN_ENV, t("New PIN for {name} (at least 6 digits): ", name=name))
        secrets: dict[str, str] = {"pin": pin}
    else:
        secrets = {"password": required_secret(NEW_PASSWORD_ENV, t("New password for {name}: ", name=name))}
    from shop_orders.services import changesets

    done = ctx.run(lambda uow, change: changesets.account_change(uow, change, "set_secret", name, **secrets),
                   "manual")
    if done is not None:
        return report_proposed(done)
    print(t("The PIN of {name} was changed.", name=name) if args.pin
          else t("The password of {name} was changed.", name=name))
    return 0


def add_user_commands(sub) -> None:
    """users add, list, disable, enable, set-role, password."""
    c = sub.add_parser("users", help=t("the people who sign in, and their roles"))
    usub = c.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", help=t("add a user; the password from ${env} or the terminal", env=NEW_PASSWORD_ENV))
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", type=role_arg, default=None, metavar="ROLE",
                   help=t("owner, manager, service, warehouse or bookkeeper (default: the role that may do the "
                          "least, bookkeeper unless the owner changed the permissions)"))
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
    r.add_argument("role", type=role_arg, metavar="ROLE")
    r.add_argument("--reason", required=True, help=t("why (recorded in the audit trail)"))
    r.set_defaults(func=cmd_users_set_role)
    pw = usub.add_parser("password", help=t("change your own password, or (the owner) anyone's; the new one from "
                                            "${env} or the terminal", env=NEW_PASSWORD_ENV))
    pw.add_argument("name", nargs="?", metavar="NAME", help=t("whose (default: yours)"))
    pw.add_argument("--pin", action="store_true", help=t("change the PIN instead (from ${env} or the terminal)",
                                                         env=NEW_PIN_ENV))
    pw.set_defaults(func=cmd_users_password)
