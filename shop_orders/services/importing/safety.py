"""Checks a file before any spreadsheet reader touches it.

Some fast readers do not raise on hostile files but abort the whole process (python-calamine on a
zip bomb or a sheet claiming a huge dimension), so the archive's declared sizes, compression
ratios, entity declarations and sheet dimensions are checked here first, with bounded reads.
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
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


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
    """Raise UnsafeFile, or return the file's kind (see kind_of)."""
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
    return kind


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
        for i in infos:
            if not i.filename.endswith(".xml"):
                continue
            with zf.open(i) as fh:
                head = fh.read(16384)
            if b"<!ENTITY" in head or b"<!DOCTYPE" in head:
                raise UnsafeFile(t("{name}: part {filename} declares XML entities (an attack pattern); refused", name=name, filename=i.filename))
            if i.filename.startswith("xl/worksheets/"):
                m = _DIMENSION.search(head)
                if m and m.group(3):
                    cols = _col_number(m.group(3))
                    rows = int(m.group(4))
                    if cols > MAX_COLUMNS or rows > MAX_ROWS:
                        raise UnsafeFile(t("{name}: the sheet claims {rows} rows x {cols} columns; refused", name=name, rows=format(rows, ','), cols=format(cols, ',')))
