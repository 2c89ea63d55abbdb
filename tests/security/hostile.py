"""Files crafted to kill a native reader or eat the machine (issue 23 item 5), built at any size:
the tests build them small (with the limits they cross lowered), tests/bench/bench_hostile.py at
the sizes of the report (135 MB workbook with 1 GB of shared strings, 480 MB one-line CSV)."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

from tests import channel_files as cf

HEADER = ["订单编号", "买家会员名", "订单状态", "总金额"]
MB = 1 << 20


def _plain_workbook(tmp: Path) -> Path:
    return cf.write_xlsx(tmp / "plain-source.xlsx", [HEADER, ["1001", "tb_a", "交易成功", "10.00"]])


def _rewritten(path: Path, tmp: Path, parts: dict[str, bytes | None], extra: dict[str, object] | None = None) -> Path:
    """A copy of a small real workbook with some parts replaced (None: removed) or added; a value
    that is a callable writes the part as a stream (large parts)."""
    src = _plain_workbook(tmp)
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            if item.filename in parts:
                if parts[item.filename] is not None:
                    out.writestr(item.filename, parts[item.filename])
                continue
            out.writestr(item, z.read(item))
        for name, writer in (extra or {}).items():
            with out.open(name, "w", force_zip64=True) as fh:
                writer(fh)
    return path


def far_cell_without_dimension(path: Path, tmp: Path) -> Path:
    """5 KB: one sheet, no <dimension>, a cell at XFD1048576 (calamine allocates rows x columns:
    512 GB, and the process dies with SIGABRT)."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe8\xae\xa2\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7</t></is></c>'
             b'</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return _rewritten(path, tmp, {"xl/worksheets/sheet1.xml": sheet})


def shared_strings(path: Path, tmp: Path, size: int) -> Path:
    """A workbook whose shared strings part unpacks to `size` bytes of varied text (compresses
    about 7:1, like real text, so no ratio check stops it)."""
    def write(fh) -> None:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                 b'spreadsheetml/2006/main">')
        written, n = 0, 0
        block = []
        while written < size:
            # a buyer's name and address: varied enough that deflate gets ~7:1, as on real text
            item = b"<si><t>tb_" + os.urandom(3).hex().encode() + "\u6d59\u6c5f\u7701 \u676d\u5dde\u5e02 \u6587\u4e09\u8def".encode() + b"%d</t></si>" % (n % 997)
            block.append(item)
            written += len(item)
            n += 1
            if len(block) == 4096:
                fh.write(b"".join(block))
                block = []
        fh.write(b"".join(block) + b"</sst>")

    return _rewritten(path, tmp, {"xl/sharedStrings.xml": None}, {"xl/sharedStrings.xml": write})


def one_line_csv(path: Path, size: int) -> Path:
    """A CSV of a header and one line of `size` bytes without a line break."""
    with open(path, "wb") as fh:
        fh.write(",".join(HEADER).encode() + b"\n")
        chunk = b"x" * MB
        left = size
        while left > 0:
            fh.write(chunk[:min(left, MB)])
            left -= MB
    return path


def nul_after_8k(path: Path) -> Path:
    """A CSV that looks like text for its first 8 KB, then carries a NUL byte (stored as text today)."""
    rows = "\n".join(f"{1000 + i},tb_{i},交易成功,10.00" for i in range(600))
    data = (",".join(HEADER) + "\n" + rows).encode("utf-8")
    assert len(data) > 8192
    path.write_bytes(data[:9000] + b"\x00" + data[9000:])
    return path


def _patch_entry(path: Path, member: str, *, crc: int | None = None, size: int | None = None) -> Path:
    """Rewrite a member's CRC or uncompressed size in both the local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    local = info.header_offset
    central = data.find(b"PK\x01\x02", 0)
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + name_len].decode() == member:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    for base, (crc_at, size_at) in ((local, (14, 22)), (central, (16, 24))):
        if crc is not None:
            struct.pack_into("<I", data, base + crc_at, crc)
        if size is not None:
            struct.pack_into("<I", data, base + size_at, size)
    path.write_bytes(bytes(data))
    return path


def bad_crc(path: Path, tmp: Path) -> Path:
    """A real workbook whose sheet's CRC is wrong (zipfile raised an unexpected BadZipFile)."""
    src = _rewritten(path, tmp, {})
    return _patch_entry(src, "xl/worksheets/sheet1.xml", crc=0x12345678)


def lying_size(path: Path, tmp: Path) -> Path:
    """A workbook whose sheet says it unpacks to 100 bytes and unpacks to far more."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 3000))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>').encode()
    src = _rewritten(path, tmp, {"xl/worksheets/sheet1.xml": sheet})
    return _patch_entry(src, "xl/worksheets/sheet1.xml", size=100)

