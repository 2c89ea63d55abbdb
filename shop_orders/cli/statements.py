"""The command line's payment and bank statements (issue 27): `shop-orders statements import FILE
[--dry-run] [--source FORMAT]` and `shop-orders statements list [--format json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shop_orders.cli.common import iso, print_table, when
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.statements import provider_label
from shop_orders.services.context import AppContext


def cmd_statements_import(args: argparse.Namespace, ctx: AppContext) -> int:
    """One line saying what the file holds and what was (or would be) imported; the dry run and
    the import take the same path (services/statements.py)."""
    from shop_orders.services import statements

    path = Path(args.file)
    options = {}
    if args.mapping:  # a bank's CSV in a layout of its own: the mapping's JSON (adapters/statements/bank_csv.py)
        options["mapping"] = _mapping_text(Path(args.mapping))
    source = args.source or ("bank_csv" if args.mapping else None)
    summary = ctx.run(lambda uow, change: statements.import_file(uow, change, path, source, dry_run=args.dry_run,
                                                                 **options),
                      f"statement:{path.name}")
    print(summary.describe())
    if args.dry_run:
        print(t("Dry run: nothing was written."))
    elif summary.new == 0:
        print(t("Nothing new: every line of this statement is already in the store."))
    return 0


def _mapping_text(path: Path) -> str:
    try:
        if path.stat().st_size > 64 * 1024:
            raise ValidationError(t("{file} is too large for a column mapping", file=path.name))
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(t("{file}: the column mapping cannot be read ({why})", file=path.name,
                                why=getattr(exc, "strerror", None) or exc)) from None


def cmd_statements_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import statements

    found = ctx.read(statements.listing)
    if args.format == "json":
        print(json.dumps([dict(id=s.id, provider=s.provider, format=s.format, account=s.account, file=s.file,
                               period_from=iso(s.period_from), period_to=iso(s.period_to), lines=s.lines,
                               open=s.open, imported_at=iso(s.imported_at), imported_by=s.imported_by)
                          for s in found], ensure_ascii=False, indent=1))
        return 0
    print_table([t("Statement"), t("Provider"), t("File"), t("Period"), t("Lines"), t("Open"), t("Imported")],
                [[f"#{s.id}", provider_label(s.provider), s.file, f"{when(s.period_from)} – {when(s.period_to)}",
                  str(s.lines), str(s.open), f"{when(s.imported_at)} {s.imported_by}"] for s in found])
    print(t("{n} statements", n=len(found)), file=sys.stderr)
    return 0


def add_statement_commands(sub: Any) -> None:
    """statements import, statements list."""
    from shop_orders.adapters.statements import formats

    c = sub.add_parser("statements", help=t("payment and bank statements: import them, list them"))
    ssub = c.add_subparsers(dest="statements_command", metavar="ACTION", required=True)
    im = ssub.add_parser("import", help=t("import a statement file (Alipay, WeChat Pay, Stripe, PayPal, a bank's "
                                          "CSV, CAMT.053 or MT940); each line is kept once"))
    im.add_argument("file", metavar="FILE")
    im.add_argument("--dry-run", action="store_true", help=t("check the file and say what would be imported; "
                                                             "write nothing"))
    im.add_argument("--source", metavar="FORMAT", choices=sorted(formats()) or None,
                    help=t("the file's format when it is not recognised by its header"))
    im.add_argument("--mapping", metavar="FILE.json",
                    help=t("a bank CSV's columns, for a bank whose layout is not built in: JSON with code, columns "
                           "(date, amount or debit and credit, currency, reference, memo, counterparty), currency, "
                           "decimal_mark, date_formats"))
    im.set_defaults(func=cmd_statements_import)
    li = ssub.add_parser("list", help=t("the imported statements, newest first"))
    li.add_argument("--format", choices=["table", "json"], default="table",
                    help=t("table for people; json keeps codes, for programs"))
    li.set_defaults(func=cmd_statements_list)
