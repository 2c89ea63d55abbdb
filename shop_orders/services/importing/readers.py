"""Files to rows of cells: .xlsx/.xlsm/.xls through python-calamine (after safety.check), .csv/.tsv
in UTF-8 (with or without BOM) or GBK/GB18030, detected automatically."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from shop_orders.services.importing import safety


class ReadError(ValueError):
    """The file cannot be read; the message names the file."""


@dataclass
class Table:
    rows: list[list]
    sheet: str  # sheet name, or the detected encoding for text files


def decode(raw: bytes, name: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{name}: the text is neither UTF-8 nor GBK/GB18030")


def _read_text(path: Path) -> Table:
    text, encoding = decode(path.read_bytes(), path.name)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader]
    except csv.Error as exc:
        raise ReadError(f"{path.name}: line {reader.line_num}: {exc}") from None
    return Table(rows, encoding)


def _read_workbook(path: Path) -> Table:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            if any(any(c not in (None, "") for c in row) for row in rows):
                return Table(rows, name)
    except pc.PasswordError:
        raise ReadError(f"{path.name}: the workbook is protected with a password") from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        raise ReadError(f"{path.name}: the workbook cannot be read ({exc})") from None
    raise ReadError(f"{path.name}: every sheet is empty")


def read(path: Path) -> Table:
    try:
        kind = safety.check(path)
    except safety.UnsafeFile as exc:
        raise ReadError(str(exc)) from None
    if kind == "text":
        return _read_text(path)
    return _read_workbook(path)
