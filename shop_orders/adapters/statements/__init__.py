"""Payment and bank statement files to domain.statements.Statement: one module per format, each
with CODE, PROVIDER, LABEL, sniff(head) and parse(path). `read(path)` recognises the format by the
file's header (or takes the one named) and parses it; a file no format recognises, or that two
recognise, is refused naming the formats it could be."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from shop_orders.adapters.statements import common
from shop_orders.domain.messages import t
from shop_orders.domain.statements import Statement, StatementFileError

# The formats, in the order they are tried. Each module: CODE, PROVIDER, LABEL (N_ text),
# sniff(head: str) -> bool, parse(path: Path, **options) -> Statement.
_MODULES: tuple[str, ...] = (
    "alipay_account", "alipay_business", "tmall", "wechat",
    "stripe", "paypal", "shopify_payments", "bank_csv", "camt053", "mt940",
)


def formats() -> dict[str, ModuleType]:
    """Every format's module by its code."""
    found: dict[str, ModuleType] = {}
    for name in _MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        found[module.CODE] = module
    return found


def detect(path: Path, raw: bytes | None = None) -> ModuleType:
    """The format whose sniff() accepts the file's first lines."""
    data = common.read_bytes(path) if raw is None else raw
    head = common.head(data, path.name)
    fits = [m for m in formats().values() if m.sniff(head)]
    if len(fits) == 1:
        return fits[0]
    known = ", ".join(f"{code} ({t(m.LABEL)})" for code, m in formats().items())
    if not fits:
        raise StatementFileError(t("{file} is not a statement this app reads; known formats: {known}",
                                   file=path.name, known=known))
    raise StatementFileError(t("{file} fits more than one statement format ({fits}); name one with --source",
                               file=path.name, fits=", ".join(m.CODE for m in fits)))


def read(path: Path, fmt: str | None = None, **options: Any) -> Statement:
    """The statement in `path`, in the format named (a CODE) or recognised."""
    if fmt:
        module = formats().get(fmt)
        if module is None:
            raise StatementFileError(t("unknown statement format '{text}'; expected one of: {choices}", text=fmt,
                                       choices=", ".join(formats())))
    else:
        module = detect(path)
    statement: Statement = module.parse(path, **options)
    return statement
