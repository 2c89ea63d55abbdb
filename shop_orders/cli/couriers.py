"""The command line's couriers and tracking sync (issue 16): the shop's courier accounts (their
keys in the vault), `sync` with the couriers, and the fake courier for tests and the demo."""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import timedelta

from shop_orders.cli.common import ProgressBar, new_secret, on_terminal, print_table
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.services import permissions
from shop_orders.services.context import AppContext

VAULT_PASSPHRASE_ENV = "SHOP_ORDERS_VAULT_PASSPHRASE"
NEW_VAULT_PASSPHRASE_ENV = "SHOP_ORDERS_NEW_VAULT_PASSPHRASE"


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

    stored = next((a for a in ctx.read(courier_accounts.accounts) if a.name.lower() == args.name.strip().lower()),
                  None)
    permissions.check(ctx.db, ctx.actor, "settings.secrets")
    key = _courier_key(args.name, stored is not None)
    box = _vault(ctx)
    aliases = [] if args.no_aliases else args.alias
    # An option left out keeps what the account has (`couriers set SF --kind kuaidi100 --alias 顺丰速运`
    # adds an alias without losing the customer id, carrier code or address); the address only
    # while the API stays the same.
    same_api = stored is not None and stored.kind == args.kind
    url = args.url if args.url is not None else (stored.url if same_api and stored else "")
    customer = args.customer if args.customer is not None else (stored.customer if stored else "")
    carrier = args.carrier if args.carrier is not None else (stored.carrier if stored else "")
    found = ctx.run(lambda uow, change: courier_accounts.set_account(
        uow, change, box, args.name, args.kind, url, customer, carrier, key, pattern=args.pattern, aliases=aliases),
        "manual")
    print(t("Courier {name} ({kind}) at {url} saved; its key is in the vault.", name=found.name, kind=found.kind,
            url=found.url))
    if found.aliases:
        print(t("It also answers for parcels of: {names}.", names=", ".join(found.aliases)))
    return 0


def cmd_couriers_list(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    found = ctx.read(courier_accounts.accounts)
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
    found = ctx.read(lambda s: courier_accounts.account(s, args.name))
    adapter = courier_accounts.adapter(found, _vault(ctx))
    try:
        adapter.test_connection()
    finally:
        adapter.close()
    print(t("{name} answers: the address and the key work.", name=found.name))
    return 0


def cmd_couriers_remove(args, ctx: AppContext) -> int:
    from shop_orders.services import courier_accounts

    box = _vault(ctx)
    ctx.run(lambda uow, change: courier_accounts.remove_account(uow, change, box, args.name), "manual")
    print(t("Courier {name} and its key removed.", name=args.name))
    return 0


def cmd_couriers_passphrase(args, ctx: AppContext) -> int:
    """Change the own vault's passphrase: every key re-encrypted in one transaction."""
    from shop_orders.services import vault

    permissions.check(ctx.db, ctx.actor, "settings.secrets")
    old = os.environ.get(VAULT_PASSPHRASE_ENV) or (getpass.getpass(t("Vault passphrase: ")) if on_terminal()
                                                     else "")
    new = new_secret(NEW_VAULT_PASSPHRASE_ENV, t("New vault passphrase: "))
    if not old or not new:
        raise ValidationError(t("Both passphrases are needed: the current one from ${old} or a terminal, the new one "
                                "from ${new} or a terminal.", old=VAULT_PASSPHRASE_ENV, new=NEW_VAULT_PASSPHRASE_ENV))
    box = vault.open_vault(ctx.db, lambda: old)
    ctx.run(lambda uow, change: box.change_passphrase(uow, change, old, new), "manual")
    print(t("The vault passphrase is changed; every key is encrypted under the new one."))
    return 0


def cmd_sync(args, ctx: AppContext) -> int:
    """Ask the couriers about the shipped parcels; stdout: the counts; stderr: each problem."""
    from shop_orders.services import courier_accounts, tracking

    permissions.check(ctx.db, ctx.actor, "order.ship")
    found = ctx.read(lambda s: [courier_accounts.account(s, args.courier)] if args.courier
                     else courier_accounts.accounts(s))
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

    courier_sim.main(args.port, args.key or courier_sim.DEFAULT_KEY, args.customer or courier_sim.DEFAULT_CUSTOMER,
                     first_fetch=timedelta(minutes=max(args.first_fetch, 0)))
    return 0


def add_courier_commands(sub) -> None:
    """couriers set, list, test, remove, passphrase; sync; courier-sim."""
    from shop_orders.domain.couriers import KINDS

    c = sub.add_parser("couriers", help=t("the shop's courier accounts (their keys in the vault)"))
    csub = c.add_subparsers(dest="couriers_command", metavar="ACTION", required=True)
    st = csub.add_parser("set", help=t("add or change a courier (an option left out keeps what it has); the API "
                                       "key from standard input or a prompt, never an argument"))
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
    sim.add_argument("--key", help=t("the API key it accepts"))  # default: the simulator's
    sim.add_argument("--customer", help=t("the Kuaidi100 customer id it accepts"))
    sim.add_argument("--first-fetch", type=float, default=10, metavar="MINUTES",
                     help=t("minutes an AfterShip tracking stays Pending after it is registered (default 10)"))
    sim.set_defaults(func=cmd_courier_sim, no_store=True)
