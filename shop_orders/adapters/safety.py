"""Checks a file completely before any spreadsheet reader touches it.

Some fast readers do not raise on hostile files but abort the whole process or take gigabytes
(python-calamine on a zip bomb, a sheet whose one cell stands at XFD1048576 with no `<dimension>`,
a gigabyte of shared strings), and a text file can hide binary data or be one 480 MB line. So
nothing is taken on trust: every part of a workbook is decompressed here once, in bounded chunks
(its real size, its CRC, the cells it really holds: their farthest row and column, whatever the
`<dimension>` claims, and the shared strings' real size), and every byte of a text file is looked
at (no NUL byte, no line longer than a real export's). Memory stays a few megabytes whatever the
file; a file that fails is refused with one sentence naming it and what is wrong.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from shop_orders.domain.messages import t

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # all parts together
MAX_RATIO = 150  # a real sheet compresses ~5-20x
MAX_COLUMNS = 500
MAX_ROWS = 2_000_000
MAX_SHARED_STRINGS = 256 * 1024 * 1024  # bytes of the shared strings part (a real 1M-row export: < 100 MB)
MAX_LINE = 1024 * 1024  # bytes of one line of a text file (a real export's longest line: a few KB)
CHUNK = 1 << 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
# A cell's reference with a column of two or three letters, or a row of seven digits or more: the
# only references that can pass the limits (one letter is at most column 26).
_WIDE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{2,3})(\d+)"')
_DEEP = re.compile(rb'\br="[A-Z]{0,3}(\d{7,})"')


class UnsafeFile(ValueError):
    """The file cannot be read safely; the message names the file and what is wrong."""


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def kind_of(path: Path) -> str:
    """'xlsx', 'xls', 'encrypted', 'text' or 'binary' from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as fh:
            blob = fh.read(min(path.stat().st_size, 4 * 1024 * 1024))
        if "EncryptedPackage".encode("utf-16-le") in blob:
            return "encrypted"
        return "xls"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def check(path: Path) -> str:
    """Raise UnsafeFile, or return the file's kind (see kind_of), after reading all of it."""
    name = path.name
    if not path.is_file():
        raise UnsafeFile(t("{name}: the file does not exist", name=name))
    size = path.stat().st_size
    if size == 0:
        raise UnsafeFile(t("{name}: the file is empty", name=name))
    if size > MAX_FILE_BYTES:
        raise UnsafeFile(t("{name}: the file is {value} MB; the limit is {value2} MB", name=name, value=size // 2 ** 20, value2=MAX_FILE_BYTES // 2 ** 20))
    kind = kind_of(path)
    if kind == "encrypted":
        raise UnsafeFile(t("{name}: the workbook is protected with a password; save it without one and import again", name=name))
    if kind == "binary":
        raise UnsafeFile(t("{name}: this is not a spreadsheet or CSV file", name=name))
    if kind == "xlsx":
        _check_zip(path)
    elif kind == "text":
        check_text(path)
    return kind


def check_text(path: Path) -> None:
    """Every byte of a text file: no NUL byte (binary data), no line longer than MAX_LINE."""
    name = path.name
    with open(path, "rb") as fh:
        run = 0  # bytes since the last newline; a line inside one chunk is at most CHUNK <= MAX_LINE long
        while chunk := fh.read(CHUNK):
            if run == 0 and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise UnsafeFile(t("{name}: the text is UTF-16; save it as UTF-8 (or GBK) and import it again",
                                   name=name))
            if b"\x00" in chunk:
                raise UnsafeFile(t("{name}: the file holds binary data (NUL bytes), not text; it is not a CSV export",
                                   name=name))
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run <= MAX_LINE:
                    run = len(chunk) - chunk.rfind(b"\n") - 1
            if run > MAX_LINE:
                raise UnsafeFile(t("{name}: a line of the file is longer than {mb} MB; a channel's export never is",
                                   name=name, mb=MAX_LINE // 2 ** 20))


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UnsafeFile(t("{name}: the file is damaged (not a complete Excel workbook)", name=name)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeFile(t("{name}: the workbook has {count} parts, far more than a real one", name=name, count=len(infos)))
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise UnsafeFile(t("{name}: this is a zip file but not an Excel workbook", name=name))
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise UnsafeFile(t("{name}: the workbook unpacks to {value} MB (a zip bomb?); refused", name=name, value=total // 2 ** 20))
        for i in infos:
            if i.compress_size and i.file_size > 10 * 2**20 and i.file_size / i.compress_size > MAX_RATIO:
                raise UnsafeFile(t("{name}: part {filename} is compressed {value}:1 (a zip bomb?); refused", name=name, filename=i.filename, value=i.file_size // i.compress_size))
        budget = MAX_UNCOMPRESSED
        for i in infos:
            budget -= _check_part(zf, i, name, budget)


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int) -> int:
    """Read one part of the workbook to its end (bounded chunks): its real size, its CRC (zipfile
    checks it at the end), XML entities, a worksheet's farthest cell, the shared strings' size.
    Returns the part's real size."""
    xml = info.filename.endswith(".xml")
    sheet = info.filename.startswith("xl/worksheets/")
    shared = info.filename.lower() == "xl/sharedstrings.xml"
    limit = min(budget, MAX_SHARED_STRINGS) if shared else budget
    real, tail, widest, deepest = 0, b"", 0, 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                if real == 0 and xml and (b"<!ENTITY" in chunk[:16384] or b"<!DOCTYPE" in chunk[:16384]):
                    raise UnsafeFile(t("{name}: part {filename} declares XML entities (an attack pattern); refused",
                                       name=name, filename=info.filename))
                if real == 0 and sheet:
                    m = _DIMENSION.search(chunk[:16384])
                    if m and m.group(3):
                        _refuse_size(name, int(m.group(4)), _col_number(m.group(3)))
                real += len(chunk)
                if real > limit:
                    if shared:
                        raise UnsafeFile(t("{name}: the workbook's shared strings unpack to more than {mb} MB "
                                           "(a real export's hold far less); refused", name=name,
                                           mb=MAX_SHARED_STRINGS // 2 ** 20))
                    raise UnsafeFile(t("{name}: the workbook unpacks to more than {mb} MB, more than its parts say "
                                       "or more than one import takes (a zip bomb?); refused", name=name,
                                       mb=MAX_UNCOMPRESSED // 2 ** 20))
                if sheet:  # the cells it really holds, whatever <dimension> claims (or omits)
                    window = tail + chunk
                    for m in _WIDE.finditer(window):
                        widest = max(widest, _col_number(m.group(1)))
                    for m in _DEEP.finditer(window):
                        deepest = max(deepest, int(m.group(1)))
                    if widest > MAX_COLUMNS or deepest > MAX_ROWS:
                        _refuse_size(name, deepest, widest)
                    tail = chunk[-64:]
    except zipfile.BadZipFile:
        raise UnsafeFile(t("{name}: the workbook is damaged: part {filename} does not unpack to what the file says "
                           "(its size or checksum is wrong); refused", name=name, filename=info.filename)) from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
        if isinstance(exc, UnsafeFile):
            raise
        raise UnsafeFile(t("{name}: the workbook is damaged: part {filename} cannot be unpacked; refused", name=name,
                           filename=info.filename)) from None
    return real


def _refuse_size(name: str, rows: int, cols: int) -> None:
    if cols > MAX_COLUMNS or rows > MAX_ROWS:
        raise UnsafeFile(t("{name}: the sheet reaches {rows} rows x {cols} columns; refused", name=name,
                           rows=format(rows, ","), cols=format(cols, ",")))
