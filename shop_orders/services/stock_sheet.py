"""The stocktake sheet in and out (issue 29 items 1 and 4): a CSV or Excel sheet of what is on the
shelf, imported all or nothing; the catalogue exported as a sheet the import reads back unchanged;
the purchase suggestions as a workbook for the supplier.

Reading (adapters/readers.py after adapters/safety.py: sizes, encodings UTF-8/GBK, XML entities,
zip bombs) finds the header row among the first rows by its column names, in English or Chinese,
our own export's and those of real inventory exports:

- Shopify's inventory CSV (Handle, Title, Option1 Value, SKU, HS Code, COO, Location, Bin name,
  Incoming, Committed, Available, On hand / On hand (current), On hand (new)): the count is
  "On hand (new)" when the file has it (an empty cell there is "not counted", as in Shopify),
  else "On hand"; the shelf is "Bin name" (Shopify's "Location" is a warehouse or shop, not a
  shelf, so a Shopify file's Location is not read); the title is the product's Title with its
  option values ("Bracelet / Red");
- WooCommerce's product CSV (SKU, Name, Stock, Low stock amount, "GTIN, UPC, EAN, or ISBN");
- a Chinese ERP's stock sheet (商品编码, 商品名称, 条码/条形码, 库位/货位, 盘点数量/实际库存/库存数量, 安全库存).

Columns: SKU and the count are required; title, location, safety stock and barcodes (several
codes in one cell, separated by spaces , ; or /) are optional, and an empty cell keeps what the
catalogue says; an empty count cell means the SKU was not counted (its details still apply). A
row with neither an SKU nor a count (Shopify exports its variants without an SKU with an empty
"On hand (new)") is left out, and the result says how many were.

All or nothing: the first bad cell is one sentence naming the file, the row and the column, and
nothing is written: an unknown SKU, a count that is not a whole number from 0 (2.5, -1, abc), the
same SKU twice with different counts (twice with the same count is fine), a barcode claimed by two
SKUs (in the sheet, or by another SKU in the catalogue: clear it there first), a cell longer than
its field. A SKU that the catalogue does not know but some order line sells is ADDED to the
catalogue by the stocktake (services/stock.add_sku, titled from the sheet or its newest order
line), so the first stocktake of a shop builds its catalogue from what it sells; a SKU neither
catalogued nor ever sold is a typo and refused.

The stocktake itself is services/stock.count: over the owner's limit the whole stocktake waits
for a second person ("proposed #id"; SKUs added from orders are added at once, with nothing on
hand until the stocktake is approved). The dry run is the same code path in a unit of work that
is rolled back: it says exactly what the import would say, and writes nothing.

Export: text cells that look like formulas get Excel's quote prefix (xlsx) or a leading
apostrophe (csv), as the orders' export does (domain/cells.py); the import takes that
apostrophe off again, so the catalogue comes back unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlmodel import col

from shop_orders.adapters import readers
from shop_orders.atomic import replacing
from shop_orders.domain.cells import csv_text, looks_like_formula, xml_text
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.stock import StockFilter, StockRow, Suggestion
from shop_orders.services import exporting, stock, stock_browse
from shop_orders.services.importing.profiles import norm
from shop_orders.services.stock_moves import MAX_QTY
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import stock_queries
from shop_orders.store.db import Database
from shop_orders.store.models import OrderLine, StockBarcode, StockItem

SCAN_ROWS = 30  # the header is among the first rows (title rows above it are skipped)
LIMITS = {"sku": 64, "title": 300, "location": 64, "barcode": 64, "safety": 40, "count": 40, "barcodes": 2000}
BATCH = 2000
_SPLIT = re.compile(r"[\s,;/，；、]+")
_WHOLE = re.compile(r"-?[0-9]+(\.0+)?")

# Our own export's columns (English and Chinese, through the catalogue: the import reads both).
EXPORT_COLUMNS: list[tuple[str, str, int]] = [
    ("sku", N_("SKU"), 18), ("title", N_("Title"), 36), ("barcodes", N_("Barcodes"), 24),
    ("location", N_("Location"), 12), ("count", N_("On hand"), 10), ("reserved", N_("Reserved"), 10),
    ("available", N_("Available"), 10), ("safety", N_("Safety stock"), 12), ("incoming", N_("Incoming"), 10),
]
SUGGESTION_COLUMNS: list[tuple[str, int]] = [
    (N_("SKU"), 18), (N_("Title"), 36), (N_("Location"), 12), (N_("On hand"), 10), (N_("Reserved"), 10),
    (N_("Demand"), 10), (N_("Safety stock"), 12), (N_("Incoming"), 10), (N_("Suggested"), 11),
    (N_("Waiting orders"), 60),
]

# Header names of real exports, by field; within a field the first that the file has wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("SKU", "Variant SKU", "商品编码", "SKU编码", "商家编码", "商品编号", "货号", "货品编码", "规格编码"),
    "count": ("On hand (new)", "Counted", "Count", "On hand", "Stock", "Quantity", "Qty", "盘点数量", "实盘数量",
              "实际库存", "实际库存数", "实物数量", "实际数量", "库存数量", "在库数量", "数量"),
    "title": ("Title", "Name", "Product name", "商品名称", "名称", "品名", "货品名称"),
    "location": ("Bin name", "Location", "Bin", "Shelf", "库位", "货位", "仓位", "储位"),
    "safety": ("Safety stock", "Low stock amount", "Safety", "安全库存", "安全库存数"),
    "barcodes": ("Barcodes", "Barcode", "Variant Barcode", "GTIN, UPC, EAN, or ISBN", "EAN", "UPC", "条码", "条形码",
                 "商品条码", "国际条码"),
}
SHOPIFY_OPTIONS = ("Option1 Value", "Option2 Value", "Option3 Value")
SHOPIFY_DEFAULT = "default title"


@dataclass(frozen=True)
class Layout:
    """Where the fields stand in the file: the header row (0-based) and field -> column index."""

    row: int
    columns: dict[str, int]
    headers: list[str]
    options: tuple[int, ...] = ()  # a Shopify file's option value columns (joined to the title)

    def header(self, fld: str) -> str:
        return str(self.headers[self.columns[fld]]).strip()


@dataclass(frozen=True)
class SheetRow:
    row: int  # 1-based, as a spreadsheet shows it
    sku: str
    count: int | None  # None: not counted
    details: stock.Details


@dataclass(frozen=True)
class SkuChange:
    """What the stocktake does to one SKU: on hand old -> new (None: not counted) and the details
    it changes ("title: A → B"); `added` when the SKU joins the catalogue from the orders."""

    sku: str
    old: int
    new: int | None
    details: tuple[str, ...] = ()
    added: bool = False

    def as_json(self) -> dict[str, object]:
        return {"sku": self.sku, "old_on_hand": self.old, "new_on_hand": self.new, "details": list(self.details),
                "added": self.added}


@dataclass(frozen=True)
class StocktakeResult:
    file: str
    rows: int  # SKUs in the sheet
    changes: tuple[SkuChange, ...]  # the SKUs whose quantity or details change, or which are added
    outcome: str  # "applied" | "proposed #id"
    dry_run: bool = False
    not_counted: int = 0
    unchanged: int = 0
    left_out: int = 0  # rows with neither an SKU nor a count

    @property
    def proposed(self) -> bool:
        return self.outcome.startswith("proposed")

    def describe(self, lang: str | None = None) -> list[str]:
        """The result as people read it: what changes, then what happened (or would)."""
        out = []
        for c in self.changes:
            parts = []
            if c.added:
                parts.append(t("added to the catalogue from the orders", lang=lang))
            if c.new is not None and c.new != c.old:
                parts.append(t("on hand {old} → {new}", lang=lang, old=c.old, new=c.new))
            parts.extend(c.details)
            out.append(f"{c.sku}: " + "; ".join(parts))
        out.append(t("{file}: {rows} SKUs: {changed} changed, {unchanged} unchanged, {skipped} not counted.", lang=lang,
                     file=self.file, rows=self.rows, changed=len(self.changes), unchanged=self.unchanged,
                     skipped=self.not_counted))
        if self.left_out:
            out.append(t("{n} rows with neither an SKU nor a count were left out.", lang=lang, n=self.left_out))
        out.append(self.verdict(lang))
        return out

    def verdict(self, lang: str | None = None) -> str:
        if self.dry_run:
            if self.proposed:
                return t("Dry run: a count moves more than the shop's limit, so the stocktake would wait for a second "
                         "person; nothing was written.", lang=lang)
            return t("Dry run: the stocktake would be applied; nothing was written.", lang=lang)
        if self.proposed:
            return t("Over the shop's limit: the stocktake waits for a second person ({outcome}).", lang=lang,
                     outcome=self.outcome)
        return t("The stocktake was applied.", lang=lang)

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "rows": self.rows, "outcome": self.outcome, "dry_run": self.dry_run,
                "not_counted": self.not_counted, "unchanged": self.unchanged, "left_out": self.left_out,
                "changes": [c.as_json() for c in self.changes]}


def _problem(file: str, row: int, column: str, message: str) -> ValidationError:
    return ValidationError(t("{file}, row {row}, column {column}: {message}", file=file, row=row, column=column,
                             message=message))


# ---- cells -------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A cell as text: a whole float as an integer (Excel stores 123 as 123.0), a CSV's `="..."`
    wrapper and the apostrophe our export puts before formula-looking text taken off, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text_value = str(value).strip()
    if text_value[:2] == '="' and text_value.endswith('"'):
        text_value = text_value[2:-1].strip()
    if text_value[:1] == "'" and looks_like_formula(text_value[1:]):
        text_value = text_value[1:]
    return text_value


def _whole(value: Any, what: str) -> int:
    """A whole number of units from 0 (a float cell or "5.0" that is whole counts)."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(t("{what} must be a whole number of units, not '{value}'.", what=what,
                                    value=f"{value:g}"))
        if abs(value) > MAX_QTY:
            raise ValidationError(t("{what} is too large ({value}).", what=what, value=f"{value:g}"))
        value = int(value)
    text_value = _text(value)
    if _WHOLE.fullmatch(text_value):
        text_value = text_value.split(".")[0]
    return stock.quantity(text_value, what)


# ---- reading -----------------------------------------------------------------------------------

def _own_headers() -> dict[str, tuple[str, ...]]:
    """The aliases plus our own export's headers in both languages (the round trip)."""
    out = {k: list(v) for k, v in ALIASES.items()}
    for fld, title, _ in EXPORT_COLUMNS:
        if fld in out:
            out[fld][:0] = [t(title, lang="en"), t(title, lang="zh_CN")]
    return {k: tuple(v) for k, v in out.items()}


def find_layout(top: Sequence[Sequence[Any]], file: str) -> Layout:
    """The header row (the first with an SKU column and a count column) and where each field is."""
    aliases = _own_headers()
    for i, row in enumerate(top[:SCAN_ROWS]):
        cells = [norm(c) for c in row]
        index: dict[str, int] = {}
        for j, c in enumerate(cells):
            if c:
                index.setdefault(c, j)
        shopify = "handle" in index and ("hs code" in index or "option1 value" in index)
        columns: dict[str, int] = {}
        for fld, names in aliases.items():
            for name in names:
                if shopify and fld == "location" and norm(name) == "location":
                    continue  # Shopify's Location is a warehouse or shop, not a shelf
                at = index.get(norm(name))
                if at is not None:
                    columns[fld] = at
                    break
        if "sku" in columns and "count" in columns:
            options = tuple(index[norm(o)] for o in SHOPIFY_OPTIONS if norm(o) in index) if shopify else ()
            return Layout(i, columns, [str(c if c is not None else "") for c in row], options)
    raise ValidationError(t("{file}: no header row with an SKU column and a count column (e.g. SKU and On hand, or "
                            "商品编码 and 盘点数量) in its first {n} rows; nothing was imported.", file=file, n=SCAN_ROWS))


def _cell(row: Sequence[Any], at: int | None) -> Any:
    return row[at] if at is not None and at < len(row) else None


def _limited(file: str, n: int, layout: Layout, fld: str, value: str, most: int) -> str:
    if len(value) > most:
        raise _problem(file, n, layout.header(fld), t("the text is longer than {most} characters.", most=most))
    return value


def _barcodes(file: str, n: int, layout: Layout, text_value: str) -> tuple[str, ...] | None:
    if not text_value:
        return None
    _limited(file, n, layout, "barcodes", text_value, LIMITS["barcodes"])
    codes = []
    for code in _SPLIT.split(text_value):
        if code and code not in codes:
            _limited(file, n, layout, "barcodes", code, LIMITS["barcode"])
            codes.append(code)
    return tuple(sorted(codes)) or None


def _title(row: Sequence[Any], layout: Layout) -> str:
    title = _text(_cell(row, layout.columns.get("title")))
    if title and layout.options:
        values = [v for v in (_text(_cell(row, i)) for i in layout.options) if v and norm(v) != SHOPIFY_DEFAULT]
        if values:
            title = " / ".join([title, *values])
    return title


def parse_row(file: str, n: int, row: Sequence[Any], layout: Layout) -> SheetRow | None:
    """One data row, or None for an empty row; a bad cell is one sentence naming row and column. A
    row with neither an SKU nor a count (Shopify exports variants without an SKU) comes back with
    the SKU '' and is left out; an SKU-less row with a count is refused (its count would be lost)."""
    if not any(_text(c) for c in row):
        return None
    c = layout.columns
    sku = _limited(file, n, layout, "sku", _text(_cell(row, c["sku"])), LIMITS["sku"])
    raw_count = _cell(row, c["count"])
    if not sku:
        if not _text(raw_count):  # nothing counted and nothing to match it with: left out, and said so
            return SheetRow(n, "", None, stock.Details())
        raise _problem(file, n, layout.header("sku"), t("the SKU is empty, but the row has a count; a count needs its "
                                                         "SKU."))
    count = None
    if _text(raw_count):
        try:
            count = _whole(raw_count, t("The count"))
        except ValidationError as exc:
            raise _problem(file, n, layout.header("count"), str(exc)) from None
    title = _limited(file, n, layout, "title", _title(row, layout), LIMITS["title"]) if "title" in c else ""
    location = _limited(file, n, layout, "location", _text(_cell(row, c.get("location"))), LIMITS["location"]) \
        if "location" in c else ""
    safety = None
    if _text(_cell(row, c.get("safety"))):
        try:
            safety = _whole(_cell(row, c["safety"]), t("The safety stock"))
        except ValidationError as exc:
            raise _problem(file, n, layout.header("safety"), str(exc)) from None
    codes = _barcodes(file, n, layout, _text(_cell(row, c.get("barcodes")))) if "barcodes" in c else None
    return SheetRow(n, sku, count, stock.Details(title or None, location or None, safety, codes))


@dataclass
class Sheet:
    file: str
    layout: Layout
    rows: list[SheetRow] = field(default_factory=list)  # one per SKU, in the file's order
    left_out: int = 0  # rows with neither an SKU nor a count


def read_sheet(path: Path) -> Sheet:
    """The file's rows checked on their own (no store): one per SKU; a SKU twice with different
    counts and a barcode in two SKUs' rows are refused here."""
    file = path.name
    try:
        src = readers.stream(path)
        top: list[list[Any]] = []
        for row in src.rows:
            top.append(row)
            if len(top) >= SCAN_ROWS:
                break
        layout = find_layout(top, file)
        rows = _rows_of(file, layout, _chain(top[layout.row + 1:], src.rows))
    except readers.ReadError as exc:
        raise ValidationError(str(exc)) from None
    kept = [r for r in rows if r.sku]
    return Sheet(file, layout, kept, len(rows) - len(kept))


def _chain(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest


def _rows_of(file: str, layout: Layout, rows: Iterable[list[Any]]) -> list[SheetRow]:
    by_sku: dict[str, SheetRow] = {}
    code_owner: dict[str, SheetRow] = {}
    left_out: list[SheetRow] = []
    for n, row in enumerate(rows, start=layout.row + 2):
        parsed = parse_row(file, n, row, layout)
        if parsed is None:
            continue
        if not parsed.sku:
            left_out.append(parsed)
            continue
        seen = by_sku.get(parsed.sku)
        if seen is not None:
            if seen.count is not None and parsed.count is not None and seen.count != parsed.count:
                raise _problem(file, n, layout.header("count"), t(
                    "{sku} is counted twice with different counts (row {first}: {a}, this row: {b}).",
                    sku=parsed.sku, first=seen.row, a=seen.count, b=parsed.count))
            if seen.count is None and parsed.count is not None:
                by_sku[parsed.sku] = replace(seen, count=parsed.count)
            continue
        for code in parsed.details.barcodes or ():
            other = code_owner.get(code)
            if other is not None:
                raise _problem(file, n, layout.header("barcodes"), t(
                    "the barcode {code} is also {other}'s (row {first}); a barcode names one SKU.",
                    code=code, other=other.sku, first=other.row))
            code_owner[code] = parsed
        by_sku[parsed.sku] = parsed
    return [*by_sku.values(), *left_out]


# ---- against the store -------------------------------------------------------------------------

def _known(uow: UnitOfWork, skus: list[str]) -> tuple[dict[str, StockItem], dict[str, str]]:
    """The catalogued items (locked) and, for SKUs not in the catalogue, those sold in some order
    line -> the title of its newest line."""
    s = uow.session
    items: dict[str, StockItem] = {}
    sold: dict[str, str] = {}
    for i in range(0, len(skus), BATCH):
        part = skus[i:i + BATCH]
        items.update({it.sku: it for it in s.execute(select(StockItem).where(col(StockItem.sku).in_(part))
                                                     .with_for_update()).scalars()})
        missing = [k for k in part if k not in items]
        if missing:
            newest = select(func.max(col(OrderLine.id))).where(col(OrderLine.sku).in_(missing)) \
                .group_by(col(OrderLine.sku))
            sold.update({sku: title for sku, title in s.execute(
                select(col(OrderLine.sku), col(OrderLine.title)).where(col(OrderLine.id).in_(newest)))})
    return items, sold


def _check_barcodes(uow: UnitOfWork, sheet: Sheet) -> None:
    """A barcode the sheet gives one SKU that the catalogue gives another, or that is another SKU."""
    wanted = {code: r for r in sheet.rows for code in r.details.barcodes or ()}
    codes = sorted(wanted)
    s = uow.session
    for i in range(0, len(codes), BATCH):
        part = codes[i:i + BATCH]
        for code, owner in s.execute(select(col(StockBarcode.code), col(StockBarcode.sku))
                                     .where(col(StockBarcode.code).in_(part)).order_by(col(StockBarcode.code))):
            r = wanted[code]
            if owner != r.sku:
                raise _problem(sheet.file, r.row, sheet.layout.header("barcodes"), t(
                    "the barcode {code} already belongs to {other} in the catalogue; take it off {other} first.",
                    code=code, other=owner))
        for (sku,) in s.execute(select(col(StockItem.sku)).where(col(StockItem.sku).in_(part))):
            r = wanted[sku]
            if sku != r.sku:
                raise _problem(sheet.file, r.row, sheet.layout.header("barcodes"), t(
                    "the barcode {code} is another SKU's code.", code=sku))


def _details_text(item: StockItem | None, d: stock.Details, codes: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    old_title, old_location, old_safety = (item.title, item.location, item.safety) if item else ("", "", 0)
    old_codes = codes.get(item.sku, ()) if item else ()
    out = []
    if d.title is not None and d.title.strip() != old_title:
        out.append(t("title: {old} → {new}", old=old_title or "—", new=d.title.strip()))
    if d.location is not None and d.location.strip() != old_location:
        out.append(t("location: {old} → {new}", old=old_location or "—", new=d.location.strip()))
    if d.safety is not None and d.safety != old_safety:
        out.append(t("safety stock: {old} → {new}", old=old_safety, new=d.safety))
    if d.barcodes is not None and tuple(sorted(d.barcodes)) != tuple(sorted(old_codes)):
        out.append(t("barcodes: {old} → {new}", old=" ".join(old_codes) or "—", new=" ".join(d.barcodes)))
    return tuple(out)


def _changed_only(item: StockItem, d: stock.Details, codes: dict[str, tuple[str, ...]]) -> stock.Details:
    """The details a row changes (None: keep), so an unchanged barcode list costs no query per
    row: a stocktake of 10,000 SKUs that sets nothing but counts stays a few seconds."""
    return stock.Details(
        d.title if d.title is not None and d.title.strip() != item.title else None,
        d.location if d.location is not None and d.location.strip() != item.location else None,
        d.safety if d.safety is not None and d.safety != item.safety else None,
        d.barcodes if d.barcodes is not None and tuple(sorted(d.barcodes)) != codes.get(item.sku, ()) else None)


def apply_sheet(uow: UnitOfWork, ctx: ChangeContext, sheet: Sheet, reason: str = "") -> StocktakeResult:
    """The stocktake of a read sheet in this unit of work (the caller commits, or for a dry run
    does not): unknown SKUs refused, SKUs sold in orders added, then services/stock.count."""
    why = (reason or "").strip() or t("stocktake sheet {file}", file=sheet.file)
    skus = [r.sku for r in sheet.rows]
    items, sold = _known(uow, skus)
    for r in sheet.rows:
        if r.sku not in items and r.sku not in sold:
            raise _problem(sheet.file, r.row, sheet.layout.header("sku"), t(
                "{sku} is neither in the stock catalogue nor in any order; check the SKU (add it with `stock add` "
                "if it is new).", sku=r.sku))
    _check_barcodes(uow, sheet)
    catalogued = [k for k in skus if k in items]
    codes: dict[str, tuple[str, ...]] = {}
    for i in range(0, len(catalogued), BATCH):
        codes.update(stock_queries.barcodes_of(uow.session, catalogued[i:i + BATCH]))
    changes: list[SkuChange] = []
    unchanged = 0
    for r in sheet.rows:
        item = items.get(r.sku)
        details = _details_text(item, r.details, codes)
        old = item.on_hand if item else 0
        added = item is None
        if added or details or (r.count is not None and r.count != old):
            changes.append(SkuChange(r.sku, old, r.count, details, added))
        else:
            unchanged += 1
    for r in sheet.rows:
        if r.sku not in items:
            title = r.details.title or sold.get(r.sku) or ""
            items[r.sku] = stock.add_sku(uow, ctx, r.sku, title)
    counts = [stock.Count(r.sku, r.count if r.count is not None else items[r.sku].on_hand,
                          _changed_only(items[r.sku], r.details, codes)) for r in sheet.rows]
    outcome = stock.count(uow, ctx, counts, why) if counts else "applied"
    return StocktakeResult(sheet.file, len(sheet.rows), tuple(changes), outcome,
                           not_counted=sum(1 for r in sheet.rows if r.count is None), unchanged=unchanged,
                           left_out=sheet.left_out)


def import_sheet(db: Database, ctx: ChangeContext, path: Path, *, dry_run: bool = False, reason: str = "",
                 uow_factory: Callable[[], UnitOfWork] | None = None) -> StocktakeResult:
    """Read the sheet and take stock in one unit of work: committed, or for a dry run rolled
    back (the same path, so it says what the import would). Nothing is written on any error."""
    sheet = read_sheet(path)
    with (uow_factory() if uow_factory is not None else UnitOfWork(db)) as uow:
        result = apply_sheet(uow, ctx, sheet, reason)
        if not dry_run:
            uow.commit()
    return replace(result, dry_run=dry_run)


# ---- writing -----------------------------------------------------------------------------------

def _all_rows(db: Database) -> Iterator[StockRow]:
    offset = 0
    while True:
        with db.read_session() as s:
            rows = stock_browse.page(s, StockFilter(), offset, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        offset += BATCH


def _catalogue_values(r: StockRow) -> list[object]:
    return [r.sku, r.title, " ".join(r.barcodes), r.location, r.on_hand, r.reserved, r.available, r.safety,
            r.incoming]


def _text_cell(ws: Any, value: object) -> object:
    if isinstance(value, int):
        return value
    text_value = str(value)
    if looks_like_formula(text_value):
        return exporting.safe_text(ws, text_value)
    cell = WriteOnlyCell(ws, value=xml_text(text_value))
    cell.data_type = "s"  # an SKU of digits stays text
    return cell


def _sheet(wb: Workbook, name: str, titles: Sequence[tuple[str, int]], lang: str | None) -> Any:
    ws = wb.create_sheet(name)
    bold = Font(bold=True)
    for i, (_, width) in enumerate(titles, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    heads = []
    for title, _ in titles:
        c = WriteOnlyCell(ws, value=t(title, lang=lang))
        c.font = bold
        heads.append(c)
    ws.append(heads)
    return ws


def export_catalogue(db: Database, path: Path, lang: str | None = None) -> int:
    """The whole catalogue as .xlsx or .csv (by the file's suffix), in the language asked for;
    the import reads it back and changes nothing. Returns the number of SKUs."""
    titles = [(title, width) for _, title, width in EXPORT_COLUMNS]
    if path.suffix.lower() == ".csv":
        return _catalogue_csv(db, path, [t(title, lang=lang) for title, _ in titles])
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(t("{name}: the catalogue is exported as .xlsx or .csv; name the file so.",
                                name=path.name))

    def fill(wb: Workbook) -> int:
        ws = _sheet(wb, t("Stock", lang=lang), titles, lang)
        n = 0
        for r in _all_rows(db):
            ws.append([_text_cell(ws, v) for v in _catalogue_values(r)])
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{n + 1}"
        return n

    return exporting.write_workbook(path, fill)


def _catalogue_csv(db: Database, path: Path, headers: list[str]) -> int:
    n = 0
    try:
        with replacing(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            for r in _all_rows(db):
                w.writerow([v if isinstance(v, int) else csv_text(str(v)) for v in _catalogue_values(r)])
                n += 1
    except OSError as exc:
        raise ValidationError(t("{file} cannot be written: {reason}. Choose another folder.", file=path,
                                reason=getattr(exc, "strerror", None) or exc)) from None
    return n


def export_suggestions(db: Database, path: Path, lang: str | None = None) -> list[Suggestion]:
    """The purchase suggestions as a workbook for the supplier: SKU, title, location, on hand,
    reserved, demand, safety stock, incoming, suggested quantity and the orders waiting for it."""
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(t("{name}: exports are Excel workbooks; name the file .xlsx", name=path.name))
    with db.read_session() as s:
        found = stock_browse.suggestions(s)

    def fill(wb: Workbook) -> list[Suggestion]:
        ws = _sheet(wb, t("Purchase suggestions", lang=lang), SUGGESTION_COLUMNS, lang)
        for g in found:
            ws.append([_text_cell(ws, v) for v in (g.sku, g.title, g.location, g.on_hand, g.reserved, g.demand,
                                                   g.safety, g.incoming, g.suggested, ", ".join(g.waiting))])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(SUGGESTION_COLUMNS))}{len(found) + 1}"
        return found

    return exporting.write_workbook(path, fill)
