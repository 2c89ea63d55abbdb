"""Files to rows of cells: .xlsx/.xlsm/.xls through python-calamine (after safety.check), .csv/.tsv
in UTF-8 (with or without BOM) or GBK/GB18030, detected automatically."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shop_orders.services.importing import safety


class ReadError(ValueError):
    """The file cannot be read; the message names the file."""


@dataclass
class Table:
    rows: list[list]
    sheet: str  # sheet name, or the detected encoding for text files


@dataclass
class Rows:
    """A file's rows from its first row, read as they are consumed (a large sheet is never held
    twice as Python objects); `total` is their number, for progress."""

    rows: Iterator[list]
    sheet: str  # sheet name, or the detected encoding for text files
    total: int


def decode(raw: bytes, name: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{name}: the text is neither UTF-8 nor GBK/GB18030")


def _text_rows(path: Path) -> Rows:
    text, encoding = decode(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[list]:
        try:
            yield from reader
        except csv.Error as exc:
            raise ReadError(f"{path.name}: line {reader.line_num}: {exc}") from None

    return Rows(rows(), encoding, text.count("\n") + 1)


def _sheet_rows(sheet) -> Iterator[list]:
    """The sheet's rows from cell A1, as `to_python(skip_empty_area=False)` gives them: calamine's
    iterator starts at the first row but at the first used column."""
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    for row in sheet.iter_rows():
        yield pad + row if pad else row


def _workbook_rows(path: Path) -> Rows:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            if sheet.start is None:
                continue
            rows = _sheet_rows(sheet)
            top = []
            for row in rows:  # skip a sheet whose cells are all empty
                top.append(row)
                if any(c not in (None, "") for c in row):
                    return Rows(itertools.chain(top, rows), name, sheet.end[0] + 1)
    except pc.PasswordError:
        raise ReadError(f"{path.name}: the workbook is protected with a password") from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        raise ReadError(f"{path.name}: the workbook cannot be read ({exc})") from None
    raise ReadError(f"{path.name}: every sheet is empty")


def stream(path: Path) -> Rows:
    """The rows of a checked file, read as they are consumed."""
    try:
        kind = safety.check(path)
    except safety.UnsafeFile as exc:
        raise ReadError(str(exc)) from None
    if kind == "text":
        return _text_rows(path)
    return _workbook_rows(path)


def read(path: Path) -> Table:
    """All rows of a checked file (small files, previews)."""
    src = stream(path)
    return Table(list(src.rows), src.sheet)
