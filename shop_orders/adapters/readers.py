"""Files to rows of cells: .xlsx/.xlsm/.xls through python-calamine (after safety.check), .csv/.tsv
in UTF-8 (with or without BOM) or GBK/GB18030, separated by commas, tabs or semicolons, all
detected automatically."""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shop_orders.adapters import safety
from shop_orders.domain.messages import t


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
    raise ReadError(t("{name}: the text is neither UTF-8 nor GBK/GB18030", name=name))


CHUNK_BYTES = 1 << 20


def _scan_text(path: Path) -> tuple[str, int]:
    """The text file's encoding and number of lines, read a chunk at a time (never whole): a file
    with more rows than an import takes is refused here, before any row is parsed."""
    name = path.name
    for enc in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(enc)()
        lines = 0
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK_BYTES):
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                    if lines > safety.MAX_ROWS:
                        raise ReadError(t("{name}: the file has more than {most} rows, more than one import takes; split it into smaller files", name=name, most=format(safety.MAX_ROWS, ',')))
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return ("utf-8" if enc == "utf-8-sig" else enc), lines + 1
    raise ReadError(t("{name}: the text is neither UTF-8 nor GBK/GB18030", name=name))


def _text_rows(path: Path) -> Rows:
    encoding, total = _scan_text(path)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    with open(path, encoding=codec, newline="") as fh:
        first = fh.readline()
    # Comma, tab (Amazon's reports, a re-saved Etsy file) or semicolon (a European spreadsheet's CSV,
    # WooCommerce exports set up that way): the one the first line uses most.
    delimiter = max(",\t;", key=lambda d: (first.count(d), d == ","))

    def rows() -> Iterator[list]:  # the file is open only while its rows are read
        with open(path, encoding=codec, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                yield from reader
            except csv.Error as exc:
                raise ReadError(t("{name}: line {line}: {problem}", name=path.name, line=reader.line_num,
                                  problem=exc)) from None

    return Rows(rows(), encoding, total)


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
            if sheet.start is None or sheet.end is None:  # both or neither
                continue
            rows = _sheet_rows(sheet)
            top = []
            for row in rows:  # skip a sheet whose cells are all empty
                top.append(row)
                if any(c not in (None, "") for c in row):
                    return Rows(itertools.chain(top, rows), name, sheet.end[0] + 1)
    except pc.PasswordError:
        raise ReadError(t("{name}: the workbook is protected with a password", name=path.name)) from None
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError) as exc:
        raise ReadError(t("{name}: the workbook cannot be read ({exc})", name=path.name, exc=exc)) from None
    raise ReadError(t("{name}: every sheet is empty", name=path.name))


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
