"""The command line: parse arguments, call the same services as the UI, print.

Errors are one line on stderr and exit 1; usage errors exit 2 (argparse). Run
`shop-orders --help` or `shop-orders COMMAND --help`. Every sentence comes from the message
catalogue in the language of `--lang`, else the locale's (the command line's Chinese is in
cli/zh_cli.py, registered with the catalogue when this package is imported); JSON and CSV output
keep their keys and codes in every language (they are for programs).

The package: common.py (terminal helpers shared by every command), parser.py (the parser), and
one module per command group: orders, store (audit, backup, files), scan, users, bulk, tickets,
couriers. Commands read and write only through services (AppContext.read and AppContext.run,
or a service function); none imports the store.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from shop_orders import paths
from shop_orders.cli.common import PASSWORD_ENV, Secret
from shop_orders.cli.parser import build_gui_parser, build_parser, choose_language, parse_gui_args
from shop_orders.cli.zh_cli import ZH as CLI_ZH
from shop_orders.cli.zh_stock_cli import ZH as STOCK_CLI_ZH
from shop_orders.domain import messages
from shop_orders.domain.changes import Actor
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.services.context import DB_PASSWORD_ENV, NoPassword, open_context

__all__ = ["DB_PASSWORD_ENV", "build_gui_parser", "build_parser", "main", "parse_gui_args"]

messages.register(CLI_ZH)  # the command line's Chinese, wherever the command line is imported
messages.register(STOCK_CLI_ZH)


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
    row values (customer data), so only its safe details are written (services/errors.py)."""
    from shop_orders.services.errors import crash_details

    log = _log_path()
    try:
        paths.private_dir(log.parent)
        paths.new_private_file(log)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()}\nTraceback:\n{crash_details(exc)}\n")
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
    choose_language(argv)
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
            try:
                return auth.signed_in_actor(db, user, args.secret, damaged_ok=damaged_ok)
            except auth.NoSuchUser:
                if getattr(args, "user", None):
                    raise
                # No --user: the OS account's name was tried (e.g. `shop-orders demo` after the window's
                # first start made an owner of another name). Say how to name oneself.
                raise auth.NoSuchUser(t("There is no user {name} in this store: sign in with --user NAME (the "
                                        "owner made at the first start, for one); the password is asked, or read "
                                        "from {env}.", name=user, env=PASSWORD_ENV)) from None

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
        from shop_orders.services.errors import user_message

        log = _log_crash(exc)
        print(t("error: {message} (details in {log})", message=user_message(exc), log=log), file=sys.stderr)
        return 1
    finally:
        if ctx is not None:
            ctx.close()
