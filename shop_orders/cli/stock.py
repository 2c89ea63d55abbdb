"""`shop-orders stock`: the stock catalogue from the command line (issue 29 item 6).

- `stock list [--short] [--below-safety] [--location L] [--format text|json]`: every SKU with its
  on hand, reserved, available, safety stock and incoming (JSON keeps keys and numbers for
  programs: sku, title, location, on_hand, reserved, available, safety, incoming, missing,
  short_orders, barcodes);
- `stock import FILE [--dry-run] [--reason TEXT]`: a stocktake sheet, all or nothing
  (services/stock_sheet.py); the dry run takes the same path and writes nothing;
  `stock export FILE.xlsx|FILE.csv`: the catalogue, as the import reads it back;
- `stock adjust SKU DELTA --reason`, `stock receive SKU QTY --reason`, `stock order SKU QTY`,
  `stock add SKU TITLE [--location --safety --barcode ...]`: print "applied" or "proposed #id"
  (over the shop's limit an adjustment waits for a second person);
- `stock suggest --format json|xlsx [FILE]`: what to buy, for the supplier;
- `stock returns`, `stock return SHIPMENT_ID --reason`: parcels waiting to go back on the shelf;
- `stock limit [N]`: the two-person limit (units); `stock rebuild`: reserve again for every SKU;
  `stock check`: the stock tables against the trail and a recomputation (exit 1 naming what differs).

Refusals (an unknown SKU, a bad sheet, below zero) are one sentence on stderr, exit code 1, and
nothing is changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shop_orders.cli.common import positive_int, print_table, xlsx_path
from shop_orders.domain import messages
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.stock import StockFilter
from shop_orders.services.context import AppContext

PAGE = 2000


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a whole number", text=text)) from None


def cmd_stock_list(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock_browse

    f = StockFilter(short=args.short, below_safety=args.below_safety, location=args.location or "")
    rows = []
    offset = 0
    while True:
        part = ctx.read(lambda s, o=offset: stock_browse.page(s, f, o, PAGE))  # type: ignore[misc]
        rows.extend(part)
        if len(part) < PAGE:
            break
        offset += PAGE
    if args.format == "json":
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        return 0
    print_table([t("SKU"), t("Title"), t("Location"), t("On hand"), t("Reserved"), t("Available"), t("Safety stock"),
                 t("Incoming"), t("Short orders")],
                [[r.sku, r.title, r.location, str(r.on_hand), str(r.reserved), str(r.available), str(r.safety),
                  str(r.incoming), str(r.short_orders) if r.short_orders else ""] for r in rows])
    print(t("{n} SKUs", n=len(rows)), file=sys.stderr)
    return 0


def cmd_stock_import(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock_sheet

    path = Path(args.file)
    result = stock_sheet.import_sheet(ctx.db, ctx.change(f"import:{path.name}"), path, dry_run=args.dry_run,
                                      reason=args.reason or "", uow_factory=ctx.uow)
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(result.describe()))
    return 0


def cmd_stock_export(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock_sheet

    path = Path(args.file)
    if not path.parent.is_dir():
        raise ValidationError(t("The folder {folder} does not exist.", folder=path.parent))
    n = stock_sheet.export_catalogue(ctx.db, path, messages.language())
    print(t("{n} SKUs written to {file}.", n=n, file=path))
    return 0


def cmd_stock_adjust(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    print(ctx.run(lambda uow, change: stock.adjust(uow, change, args.sku, args.delta, args.reason), "manual",
                  args.reason))
    return 0


def cmd_stock_receive(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    ctx.run(lambda uow, change: stock.receive(uow, change, args.sku, args.qty, args.reason), "manual", args.reason)
    print("applied")
    return 0


def cmd_stock_order(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    ctx.run(lambda uow, change: stock.mark_ordered(uow, change, args.sku, args.qty, args.reason or ""), "manual",
            args.reason or "")
    print("applied")
    return 0


def cmd_stock_add(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    ctx.run(lambda uow, change: stock.add_sku(uow, change, args.sku, args.title, location=args.location or "",
                                              barcodes=args.barcode or (), safety=args.safety), "manual")
    print("applied")
    return 0


def cmd_stock_suggest(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock_browse, stock_sheet

    if args.format == "xlsx":
        if not args.file:
            raise ValidationError(t("Name the workbook to write, e.g. stock suggest --format xlsx buy.xlsx."))
        path = xlsx_path(args.file)
        found = stock_sheet.export_suggestions(ctx.db, path, messages.language())
        print(t("{n} SKUs to buy written to {file}.", n=len(found), file=path))
        return 0
    found = ctx.read(stock_browse.suggestions)
    text = json.dumps([g.as_json() for g in found], ensure_ascii=False, indent=1)
    if args.file:
        Path(args.file).write_text(text + "\n", encoding="utf-8")
        print(t("{n} SKUs to buy written to {file}.", n=len(found), file=args.file))
    else:
        print(text)
    return 0


def cmd_stock_returns(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock_browse

    found = ctx.read(stock_browse.pending_returns)
    if args.format == "json":
        print(json.dumps([{"shipment_id": r.shipment_id, "order_id": r.order_id, "order_no": r.order_no,
                           "courier": r.courier, "tracking_no": r.tracking_no, "why": r.why, "items": r.items}
                          for r in found], ensure_ascii=False, indent=1))
        return 0
    why = {"courier": t("returned at the courier"), "ticket": t("return ticket closed")}
    print_table([t("Parcel"), t("Order"), t("Courier"), t("Tracking number"), t("Why"), t("Items")],
                [[str(r.shipment_id), r.order_no, r.courier, r.tracking_no, why.get(r.why, r.why), r.items]
                 for r in found])
    print(t("{n} parcels wait to go back on the shelf", n=len(found)), file=sys.stderr)
    return 0


def cmd_stock_return(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    order = ctx.run(lambda uow, change: stock.confirm_return(uow, change, args.shipment, args.reason), "manual",
                    args.reason)
    print(t("Parcel {id} of order {order} is back on the shelf.", id=args.shipment, order=order.order_no))
    return 0


def cmd_stock_limit(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    if args.units is not None:
        ctx.run(lambda uow, change: stock.set_limit(uow, change, args.units), "manual")
    print(t("A stock change of more than {n} units needs a second person.", n=ctx.read(stock.get_limit)))
    return 0


def cmd_stock_rebuild(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    short = ctx.run(stock.rebuild, "manual")
    print(t("Reserved again for every SKU; {n} orders are short.", n=short))
    return 0


def cmd_stock_check(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import stock

    problems = ctx.read(stock.check)
    if not problems:
        print(t("The stock agrees with its movements, the audit trail and a recomputation of the reservations."))
        return 0
    for p in problems:
        print(t("error: {message}", message=p), file=sys.stderr)
    return 1


def add_stock_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """stock list | import | export | adjust | receive | order | add | suggest | returns | return | limit |
    rebuild | check."""
    c = sub.add_parser("stock", help=t("the stock catalogue: on hand, reserved, stocktakes, receipts, what to buy"))
    ssub: argparse._SubParsersAction[Any] = c.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    fmt = {"choices": ["text", "json"], "default": "text",
           "help": t("text for people; json keeps keys and numbers, for programs")}
    li = ssub.add_parser("list", help=t("every SKU: on hand, reserved, available, safety stock, incoming"))
    li.add_argument("--short", action="store_true", help=t("only SKUs that paid orders are short of"))
    li.add_argument("--below-safety", action="store_true", help=t("only SKUs whose available stock is below safety"))
    li.add_argument("--location", metavar="L", help=t("only SKUs at this shelf location"))
    li.add_argument("--format", **fmt)
    li.set_defaults(func=cmd_stock_list)
    im = ssub.add_parser("import", help=t("a stocktake sheet (CSV or Excel): all or nothing"))
    im.add_argument("file", metavar="FILE")
    im.add_argument("--dry-run", action="store_true", help=t("say what the stocktake would change; write nothing"))
    im.add_argument("--reason", metavar="TEXT", help=t("why (default: the sheet's name)"))
    im.add_argument("--format", **fmt)
    im.set_defaults(func=cmd_stock_import)
    ex = ssub.add_parser("export", help=t("the catalogue as .xlsx or .csv, as the import reads it back"))
    ex.add_argument("file", metavar="FILE")
    ex.set_defaults(func=cmd_stock_export)
    ad = ssub.add_parser("adjust", help=t("add or take away units with a reason (prints applied or proposed #id)"))
    ad.add_argument("sku", metavar="SKU")
    ad.add_argument("delta", type=_int, metavar="DELTA", help=t("units to add, or negative to take away"))
    ad.add_argument("--reason", required=True, metavar="TEXT", help=t("why (kept in the audit trail)"))
    ad.set_defaults(func=cmd_stock_adjust)
    rc = ssub.add_parser("receive", help=t("goods arrived from the supplier: on hand rises, incoming falls"))
    rc.add_argument("sku", metavar="SKU")
    rc.add_argument("qty", type=positive_int, metavar="QTY")
    rc.add_argument("--reason", required=True, metavar="TEXT", help=t("why (kept in the audit trail)"))
    rc.set_defaults(func=cmd_stock_receive)
    od = ssub.add_parser("order", help=t("a purchase was placed with the supplier: incoming rises"))
    od.add_argument("sku", metavar="SKU")
    od.add_argument("qty", type=positive_int, metavar="QTY")
    od.add_argument("--reason", metavar="TEXT", help=t("why (kept in the audit trail)"))
    od.set_defaults(func=cmd_stock_order)
    sg = ssub.add_parser("suggest", help=t("what to buy: SKUs below safety stock or short for paid orders"))
    sg.add_argument("--format", choices=["json", "xlsx"], default="json",
                    help=t("json for programs; xlsx for the supplier (give FILE)"))
    sg.add_argument("file", nargs="?", metavar="FILE")
    sg.set_defaults(func=cmd_stock_suggest)
    aa = ssub.add_parser("add", help=t("put a new SKU in the catalogue with nothing on hand"))
    aa.add_argument("sku", metavar="SKU")
    aa.add_argument("title", metavar="TITLE")
    aa.add_argument("--location", metavar="L", help=t("its shelf location"))
    aa.add_argument("--safety", type=positive_int, default=0, metavar="N", help=t("its safety stock (units)"))
    aa.add_argument("--barcode", action="append", metavar="CODE", help=t("a barcode (repeat for more)"))
    aa.set_defaults(func=cmd_stock_add)
    rs = ssub.add_parser("returns", help=t("parcels that came back and wait to go back on the shelf"))
    rs.add_argument("--format", **fmt)
    rs.set_defaults(func=cmd_stock_returns)
    rt = ssub.add_parser("return", help=t("put a returned parcel back on the shelf"))
    rt.add_argument("shipment", type=positive_int, metavar="SHIPMENT_ID")
    rt.add_argument("--reason", required=True, metavar="TEXT", help=t("why (kept in the audit trail)"))
    rt.set_defaults(func=cmd_stock_return)
    lm = ssub.add_parser("limit", help=t("show or set the units over which a stock change needs a second person"))
    lm.add_argument("units", nargs="?", type=positive_int, metavar="N")
    lm.set_defaults(func=cmd_stock_limit)
    rb = ssub.add_parser("rebuild", help=t("reserve again for every SKU from the orders"))
    rb.set_defaults(func=cmd_stock_rebuild)
    ck = ssub.add_parser("check", help=t("compare the stock with its movements and the audit trail (exit 1 naming "
                                         "what differs)"))
    ck.set_defaults(func=cmd_stock_check)
