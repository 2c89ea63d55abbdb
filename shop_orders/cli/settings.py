"""`shop-orders settings`: the shop-wide settings every seat shares that have no command of their
own (the staleness thresholds have `thresholds`): for now the shop's identity (issue 26 item 8),
the name, address and phone its packing slips and exports print."""

from __future__ import annotations

import argparse
from typing import Any

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.shop import ADDRESS, FIELDS, NAME, PHONE, ShopIdentity, label
from shop_orders.services.context import AppContext


def _print_shop(shop: ShopIdentity) -> None:
    for field in FIELDS:
        value = getattr(shop, field)
        print(t("{field}: {value}", field=label(field), value=value) if value
              else t("{field}: (not set)", field=label(field)))


def cmd_settings_show(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import settings

    _print_shop(ctx.read(settings.get_shop))
    return 0


def cmd_settings_set(args: argparse.Namespace, ctx: AppContext) -> int:
    """Set what is given (an empty value clears it); a bad value is one sentence naming its field,
    and then nothing is changed."""
    from shop_orders.services import settings

    given = {NAME: args.shop_name, ADDRESS: args.shop_address, PHONE: args.shop_phone}
    if all(v is None for v in given.values()):
        raise ValidationError(t("Say what to set, e.g. --shop-name '茶叶小铺' --shop-phone 0571-88886666."))
    changed = ctx.run(lambda uow, change: settings.set_shop(uow, change, given[NAME], given[ADDRESS], given[PHONE]),
                      "manual")
    if not changed:
        print(t("Nothing changed: the settings already say so."))
    _print_shop(ctx.read(settings.get_shop))
    return 0


def add_settings_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """settings show | set."""
    c = sub.add_parser("settings", help=t("the shop's settings every seat shares: its name, address and phone"))
    ssub = c.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    sh = ssub.add_parser("show", help=t("the shop's name, address and phone"))
    sh.set_defaults(func=cmd_settings_show)
    st = ssub.add_parser("set", help=t("set the shop's name, address or phone (printed on packing slips and "
                                       "exports); an empty value clears it"))
    st.add_argument("--shop-name", metavar="NAME", help=t("the shop's name, at most 60 characters"))
    st.add_argument("--shop-address", metavar="ADDRESS", help=t("the shop's address, at most 200 characters"))
    st.add_argument("--shop-phone", metavar="PHONE", help=t("the shop's phone, at most 40 characters"))
    st.set_defaults(func=cmd_settings_set)
