"""`shop-orders health`: the shop's health figures (issue 28), the same numbers as the dashboard
and the export (services/health.py computes them; domain/health.py defines them).

- `health [--span today|7d|30d] [--from DATE --to DATE] [--channel C] [--format text|json]`: every
  figure of the period against the previous period of the same length: value, previous, change,
  light, the orders a click shows, how many were measured and excluded, the figure's extras and
  its breakdown. JSON keeps keys, codes and numbers (for programs); text is a table in the
  language of --lang;
- `health export FILE.xlsx [the same period options]`: the figures to Excel (services/health_export.py);
- `health rebuild`: the rollup made again from the orders; `health check`: the rollup against a
  rebuild (exit 1 naming the orders that differ);
- `health lights`: every figure's traffic-light thresholds; `health lights KEY GREEN AMBER`: set
  one figure's (the owner or a manager).

Bad input (a day that is not a day, a range ending before it starts, a channel the store has no
orders of, thresholds out of range) is one sentence on stderr and exit code 2, as argparse's own
refusals; nothing is read further or changed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from shop_orders.cli.common import channel_arg, print_table, xlsx_path
from shop_orders.domain.channels import channel_label
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.services.context import AppContext

if TYPE_CHECKING:
    from shop_orders.services.health import Report

BAD_INPUT = 2  # the exit code of a refused argument, as argparse's
SPANS = ("today", "7d", "30d")


class BadInput(Exception):
    """A refused argument: its one sentence goes to stderr with exit code 2."""


def _refusal(exc: Exception) -> int:
    print(t("error: {message}", message=exc), file=sys.stderr)
    return BAD_INPUT


# --- the period's options -----------------------------------------------------------------

def _period_options(p: argparse.ArgumentParser) -> None:
    """--span, --from, --to, --channel (SUPPRESS: given before or after `export`, neither hides
    the other)."""
    s = argparse.SUPPRESS
    p.add_argument("--span", choices=SPANS, default=s,
                   help=t("today, the last 7 or the last 30 days, today included (default: 7d)"))
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", default=s,
                   help=t("a chosen range's first day (local time; with --to)"))
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", default=s,
                   help=t("a chosen range's last day, included (local time; with --from)"))
    p.add_argument("--channel", type=channel_arg, metavar="CHANNEL", default=s,
                   help=t("only this channel's orders (default: every channel)"))


def _report(args: argparse.Namespace, ctx: AppContext) -> Report:
    """The period's report, or BadInput for options that do not make a period or a channel."""
    from shop_orders.domain.health import parse_day
    from shop_orders.services import health

    span, first, last = getattr(args, "span", None), getattr(args, "date_from", None), getattr(args, "date_to", None)
    try:
        if first is not None or last is not None:
            if span is not None:
                raise ValidationError(t("Choose either --span or --from and --to, not both."))
            if first is None or last is None:
                raise ValidationError(t("A chosen range needs both --from and --to."))
            return health.report(ctx.db, span="range", first=parse_day(first, "--from"),
                                 last=parse_day(last, "--to"), channel=getattr(args, "channel", None))
        return health.report(ctx.db, span=span or "7d", channel=getattr(args, "channel", None))
    except ValidationError as exc:
        raise BadInput(str(exc)) from None


# --- the figures as numbers (json) and for people (text) ------------------------------------

def _number(value: float | None) -> float | None:
    """A figure's number for JSON: None for nothing measured (never NaN), rounded to 4 places."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 4)


def as_json(report: Report) -> dict[str, Any]:
    """The report with stable keys and numbers: figure keys, units and light codes, never words."""
    from shop_orders.domain.health import BY_KEY

    def period(p: Any) -> dict[str, str]:
        return {"first_day": p.first_day.isoformat(), "last_day": p.last_day.isoformat(),
                "start": p.start.isoformat(), "end": p.end.isoformat()}

    return {
        "period": period(report.period), "previous": period(report.previous), "channel": report.channel,
        "now": report.now.isoformat(),
        "figures": [{"key": f.key, "unit": BY_KEY[f.key].unit.value, "value": _number(f.value),
                     "previous": _number(f.previous), "change": _number(f.change), "light": f.light.value,
                     "orders": f.orders, "measured": f.measured, "excluded": f.excluded,
                     "extra": {k: _number(v) for k, v in sorted(f.extra.items())},
                     "parts": [{"part": p.part, "value": _number(p.value), "orders": p.orders} for p in f.parts]}
                    for f in report.figures],
        "charts": [{"key": c.key, "figure": c.figure,
                    "points": [{"part": p.part, "value": _number(p.value), "orders": p.orders} for p in c.points]}
                   for c in report.charts],
    }


def shown(value: float | None, unit: str) -> str:
    """A figure's value for people in its unit: 96.2%, 3.5 min, 12.0 h, 12; '—' for nothing measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "percent":
        return t("{value}%", value=f"{value:.1f}")
    if unit == "minutes":
        return t("{value} min", value=f"{value:.1f}")
    if unit == "hours":
        return t("{value} h", value=f"{value:.1f}")
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def shown_change(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    # a rate changes by points, the others in their own unit
    text = t("{value} pt", value=f"{abs(value):.1f}") if unit == "percent" else shown(abs(value), unit)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def print_text(report: Report) -> None:
    from shop_orders.domain.health import BY_KEY
    from shop_orders.services.health_export import extra_text, light_word

    p, q = report.period, report.previous
    channel = channel_label(report.channel) if report.channel else t("every channel")
    print(t("Health of {channel}, {first} to {last} (compared with {pfirst} to {plast})", channel=channel,
            first=p.first_day.isoformat(), last=p.last_day.isoformat(), pfirst=q.first_day.isoformat(),
            plast=q.last_day.isoformat()))
    rows = []
    for f in report.figures:
        d = BY_KEY[f.key]
        rows.append([t(d.title), shown(f.value, d.unit.value), shown(f.previous, d.unit.value),
                     shown_change(f.change, d.unit.value), light_word(f.light.value), f"{f.orders:,}",
                     f"{f.measured:,}", f"{f.excluded:,}", extra_text(f.extra)])
    print_table([t("Figure"), t("Value"), t("Previous"), t("Against previous"), t("Light"), t("Orders"), t("Measured"),
                 t("Excluded"), t("Beside it")], rows)
    parts = [[t(BY_KEY[f.key].title), part.label, shown(part.value, BY_KEY[f.key].unit.value), f"{part.orders:,}"]
             for f in report.figures for part in f.parts]
    if parts:
        print()
        print_table([t("Figure"), t("Part"), t("Value"), t("Orders")], parts)


def cmd_health_show(args: argparse.Namespace, ctx: AppContext) -> int:
    try:
        report = _report(args, ctx)
    except BadInput as exc:
        return _refusal(exc)
    if args.format == "json":
        print(json.dumps(as_json(report), ensure_ascii=False, indent=1))
    else:
        print_text(report)
    return 0


def cmd_health_export(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.domain import messages
    from shop_orders.services import health_export, permissions

    try:
        path = xlsx_path(args.file)
        report = _report(args, ctx)
    except (BadInput, ValidationError) as exc:
        return _refusal(exc)
    permissions.check(ctx.db, ctx.actor, "orders.export")
    health_export.export(ctx.db, path, report, lang=messages.language())
    print(t("Exported {n} health figures of {first} to {last} to {path}.", n=len(report.figures),
            first=report.period.first_day.isoformat(), last=report.period.last_day.isoformat(), path=path))
    return 0


def cmd_health_rebuild(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import health

    n = health.rebuild(ctx.db)
    print(t("The health rollup was rebuilt from the orders: {n} orders.", n=f"{n:,}"))
    return 0


def cmd_health_check(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.services import health

    count, ids = health.check(ctx.db)
    if not count:
        print(t("The health rollup agrees with the orders."))
        return 0
    print(t("error: the health rollup differs from the orders for {n} orders (ids {ids}); run: shop-orders health "
            "rebuild", n=count, ids=", ".join(str(i) for i in ids) + (", …" if count > len(ids) else "")),
          file=sys.stderr)
    return 1


def cmd_health_lights(args: argparse.Namespace, ctx: AppContext) -> int:
    from shop_orders.domain.health import FIGURES, checked_lights
    from shop_orders.services import health

    if args.key is not None:
        if args.green is None or args.amber is None:
            return _refusal(ValidationError(t("Give the figure's green and amber thresholds, e.g. health lights "
                                              "ship_24h 95 85.")))
        try:
            green, amber = checked_lights(args.key, args.green, args.amber)
        except ValidationError as exc:
            return _refusal(exc)
        ctx.run(lambda uow, change: health.set_lights(uow, change, args.key, green, amber), "manual")
    lights = health.get_lights(ctx.db)
    rows = []
    for d in FIGURES:
        pair = lights.of(d.key)
        if pair is None:
            continue
        chosen = d.key in lights.chosen
        rows.append([d.key, t(d.title), f"{pair[0]:g}", f"{pair[1]:g}",
                     t("higher is better") if d.higher_is_better else t("lower is better"),
                     t("set for this shop") if chosen else t("default (the seeds' best practice)")])
    print_table([t("Figure key"), t("Figure"), t("Green"), t("Amber"), t("Direction"), t("Thresholds from")], rows)
    return 0


def _threshold(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("'{text}' is not a number", text=text)) from None


def add_health_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """health [--span --from --to --channel --format] | export | rebuild | check | lights."""
    c = sub.add_parser("health", help=t("the shop's health figures of a period against the previous one, as the "
                                        "dashboard shows them"))
    _period_options(c)
    c.add_argument("--format", choices=["text", "json"], default="text",
                   help=t("text for people; json keeps keys, codes and numbers, for programs"))
    c.set_defaults(func=cmd_health_show)
    hsub: argparse._SubParsersAction[Any] = c.add_subparsers(dest="health_command", metavar="ACTION", required=False)
    ex = hsub.add_parser("export", help=t("the figures as an Excel workbook, in the language of --lang"))
    ex.add_argument("file", metavar="FILE.xlsx")
    _period_options(ex)
    ex.set_defaults(func=cmd_health_export)
    rb = hsub.add_parser("rebuild", help=t("make the health rollup again from the orders"))
    rb.set_defaults(func=cmd_health_rebuild)
    ck = hsub.add_parser("check", help=t("compare the health rollup with the orders (exit 1 naming those that differ)"))
    ck.set_defaults(func=cmd_health_check)
    li = hsub.add_parser("lights", help=t("show every figure's traffic-light thresholds, or set one figure's (the "
                                          "owner or a manager)"))
    li.add_argument("key", nargs="?", metavar="KEY", help=t("the figure, e.g. ship_24h"))
    li.add_argument("green", nargs="?", type=_threshold, metavar="GREEN", help=t("at least this good is green"))
    li.add_argument("amber", nargs="?", type=_threshold, metavar="AMBER", help=t("at least this good is amber"))
    li.set_defaults(func=cmd_health_lights)
