"""The command line's parser (and the desktop app's options, in the same words): argparse with
our own headings, --lang and --user accepted after any command, and each command group's
subcommands added by its module (orders, store, scan, users, bulk, tickets, couriers, statements,
settings, reconcile, health, stock)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shop_orders import __version__
from shop_orders.cli.bulk import add_bulk_commands
from shop_orders.cli.common import PASSWORD_ENV, language_arg
from shop_orders.cli.couriers import add_courier_commands
from shop_orders.cli.health import add_health_commands
from shop_orders.cli.orders import (
    add_change_commands,
    add_edit_command,
    add_listing_commands,
    add_thresholds_command,
)
from shop_orders.cli.reconcile import add_reconcile_commands
from shop_orders.cli.scan import add_scan_command
from shop_orders.cli.settings import add_settings_commands
from shop_orders.cli.statements import add_statement_commands
from shop_orders.cli.stock import add_stock_commands
from shop_orders.cli.store import add_file_commands, add_store_commands
from shop_orders.cli.tickets import add_ticket_commands
from shop_orders.cli.users import add_user_commands
from shop_orders.domain import messages
from shop_orders.domain.messages import t
from shop_orders.services.context import DB_ENV, DB_PASSWORD_ENV


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
        self.add_argument("--lang", type=language_arg, default=argparse.SUPPRESS, metavar="zh_CN|en",
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
    choose_language(argv)
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
    add_listing_commands(sub)
    add_store_commands(sub)
    add_change_commands(sub)
    add_scan_command(sub)
    add_edit_command(sub)
    add_file_commands(sub)
    add_thresholds_command(sub)
    add_user_commands(sub)
    add_bulk_commands(sub)
    add_ticket_commands(sub)
    add_statement_commands(sub)
    add_courier_commands(sub)
    add_settings_commands(sub)
    add_reconcile_commands(sub)
    add_health_commands(sub)
    add_stock_commands(sub)
    return p


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


def choose_language(argv: Sequence[str]) -> str:
    asked = _language_asked(argv)
    try:
        return messages.set_language(language_arg(asked) if asked is not None else messages.from_environment())
    except argparse.ArgumentTypeError:  # a wrong --lang: the parser says so, in the locale's language
        return messages.set_language(messages.from_environment())
