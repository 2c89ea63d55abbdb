"""`shop-orders scan`: the scan station's scan-out for scripted scanners, through the same
services.scanning.ScanSession (the order, its items counted, a supervisor's PIN to skip the
check, the tracking number)."""

from __future__ import annotations

import argparse
import getpass
import os

from shop_orders.cli.common import on_terminal
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.status import Status
from shop_orders.services.context import AppContext

SUPERVISOR_PIN_ENV = "SHOP_ORDERS_SUPERVISOR_PIN"


def _sku_counts(specs: list[str] | None) -> list[tuple[str, int]]:
    out = []
    for spec in specs or []:
        sku, sep, qty = spec.rpartition("=") if "=" in spec else (spec, "", "1")
        if not sku.strip() or not qty.strip().isdigit() or int(qty) < 1:
            raise ValidationError(t("--sku '{spec}' should look like SKU or SKU=QTY, e.g. TEA-LJ-250=2", spec=spec))
        out.append((sku.strip(), int(qty)))
    return out


def _supervisor_pin(name: str | None) -> str:
    """The PIN of the supervisor --pin-user names: $SHOP_ORDERS_SUPERVISOR_PIN, else asked on a terminal."""
    if not name:
        raise ValidationError(t("--skip-check needs --pin-user NAME: the manager or owner who confirms it."))
    pin = os.environ.get(SUPERVISOR_PIN_ENV)
    if pin is None:
        if not on_terminal():
            raise ValidationError(t("The supervisor's PIN is asked on a terminal, or set {env}.",
                                    env=SUPERVISOR_PIN_ENV))
        pin = getpass.getpass(t("PIN of {name}: ", name=name))
    return pin


def cmd_scan(args, ctx: AppContext) -> int:
    """The scan-out for scripted scanners: the station's checks, source scan, the signed-in user
    as the clerk. The supervisor's PIN for --skip-check comes from $SHOP_ORDERS_SUPERVISOR_PIN or a
    prompt, never an argument (it would show in `ps` and the shell's history)."""
    from shop_orders.services import scanning

    if args.pin_argument is not None:
        raise ValidationError(t("A PIN is never an argument (it would show in the process list and the shell's "
                                "history): set {env} or type it when asked.", env=SUPERVISOR_PIN_ENV))
    skus = _sku_counts(args.sku)
    pin = _supervisor_pin(args.pin_user) if args.skip_check else ""
    if not args.skip_check and not skus:
        raise ValidationError(t("Scan the items with --sku SKU[=QTY], or skip the check with --skip-check "
                                "--pin-user NAME."))
    session = scanning.ScanSession(ctx)
    if args.skip_check:
        session.skip_check(args.pin_user, pin)  # a wrong PIN counts toward the account's lock
    session.open_order(args.code)
    for sku, qty in skus:
        for _ in range(qty):
            session.count_item(sku)
    done = session.ship(args.courier, args.tracking_no)
    print(t("{order} is now {status} (version {version}).", order=done.order_no, status=Status(done.status).label(),
            version=done.version))
    return 0


def add_scan_command(sub) -> None:
    """scan."""
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
