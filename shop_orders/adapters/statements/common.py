"""What every statement parser needs, so each reads its provider's quirks and nothing else:
the file's bytes within limits, its text (UTF-8 or GBK/GB18030; a broken byte is named by row and
column), its CSV rows, amounts to minor units (both decimal marks, thousands separators, full-width
characters, WeChat's back-tick, Alipay's trailing tab), local times to UTC, and the check of a
statement's own totals against its lines. Nothing here trusts the file."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from shop_orders.adapters import readers, safety
from shop_orders.domain.messages import t
from shop_orders.domain.money import MAX_MINOR, digits, format_minor
from shop_orders.domain.statements import StatementFileError, StatementLine, where

MAX_BYTES = 256 * 1024 * 1024  # a year of a busy shop's Alipay statement is a few tens of MB
MAX_ROWS = safety.MAX_ROWS
SHANGHAI = ZoneInfo("Asia/Shanghai")
HEAD_LINES = 60


def read_bytes(path: Path) -> bytes:
    """The whole file, refused (one sentence) when it is missing, a folder or over MAX_BYTES."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StatementFileError(t("{file}: the file cannot be read ({why})", file=path.name,
                                   why=exc.strerror or exc)) from None
    if not path.is_file():
        raise StatementFileError(t("{file} is not a file", file=path.name))
    if size > MAX_BYTES:
        raise StatementFileError(t("{file} is {mb} MB, more than a statement file can be ({most} MB)",
                                   file=path.name, mb=size // (1024 * 1024), most=MAX_BYTES // (1024 * 1024)))
    with open(path, "rb") as fh:
        return fh.read()


def decode(raw: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without BOM), else GB18030 (which reads GBK). A file that is
    neither is refused naming the row and column of its first broken byte (under GB18030, the
    encoding Chinese statements use) and the byte itself."""
    if b"\x00" in raw[:1 << 16]:
        raise StatementFileError(t("{file} holds binary data, not a statement's text", file=name))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        row = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        prefix = raw[line_start:exc.start].decode("gb18030", errors="replace")
        column = _column_at(prefix)
        raise StatementFileError(t("{where}: byte 0x{byte:02X} is not valid GBK/GB18030 text; the file is damaged "
                                   "or not a statement", where=where(name, row, column),
                                   byte=raw[exc.start])) from None


def _column_at(prefix: str) -> str:
    """The 1-based cell number (as text) a position on a CSV line falls in, from the text before it."""
    return str(next(csv.reader([prefix + "\x00"]), [""]).__len__())


def head(raw: bytes, name: str, lines: int = HEAD_LINES) -> str:
    """The first lines of a text file for sniffing ('' when it is binary). UTF-8, else GB18030;
    a GB18030 text with a broken byte or two is still recognised by its header (so that parsing
    it refuses it naming that byte's row and column, not "not a statement"); Latin-1 last: a
    Western bank's Windows-1252 download (a '£' or 'ä' in it) is recognised by its ASCII headings."""
    chunk = raw[: 64 * 1024]
    if b"\x00" in chunk:
        return ""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = chunk.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.start < len(chunk) - 4:  # broken inside, not only a character cut at the end
                continue
            text = chunk[:exc.start].decode(enc)
        return "\n".join(text.splitlines()[:lines])
    lenient = chunk.decode("gb18030", errors="replace")
    text = lenient if lenient.count("\ufffd") <= 2 else chunk.decode("latin-1")
    return "\n".join(text.splitlines()[:lines])


def csv_rows(text: str, delimiter: str | None = None) -> list[list[str]]:
    """The text's rows as lists of cells. The delimiter (comma, tab or semicolon) is the one the
    longest of the first lines uses most, unless given."""
    if delimiter is None:
        sample = sorted(text[:16384].splitlines()[:30], key=len)[-1:] or [""]
        delimiter = max(",\t;", key=lambda d: (sample[0].count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise StatementFileError(t("the file has more than {most} rows", most=f"{MAX_ROWS:,}"))
    except csv.Error as exc:
        raise StatementFileError(t("line {line}: {problem}", line=reader.line_num, problem=exc)) from None
    return rows


def sheet_rows(path: Path) -> list[list[str]]:
    """The first non-empty sheet of a workbook (after safety.check), every cell as text."""
    try:
        table = readers.read(path)
    except readers.ReadError as exc:
        raise StatementFileError(str(exc)) from None
    return [[_cell_text(c) for c in row] for row in table.rows]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):  # a workbook's number: exact decimal text of what it shows
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    return str(value)


def clean(value: str) -> str:
    """A cell's text without what statements wrap values in: WeChat's leading back-tick, Alipay's
    trailing tab, spaces, the '=\"...\"' some exports use to keep numbers as text."""
    text = value.strip().lstrip("`").strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.strip()


_SPACES = re.compile(r"[\s\u00a0\u202f']")
# The shape nearly every amount in a statement has ("128.00", "-0.77", "50"): read without the
# general path below (a statement has hundreds of thousands of them).
_PLAIN = re.compile(r"(-?)(\d{1,15})(?:\.(\d{1,6}))?")
_ISO_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def minor(text: str, currency: str, file: str, row: int, column: str, *, decimal_mark: str = ".",
          round_half_up: bool = False) -> int:
    """An amount as a statement writes it, to signed integer minor units of `currency`.

    Accepts full-width characters (NFKC), currency symbols and codes, thousands separators (the
    other mark than `decimal_mark`, spaces, apostrophes), a leading +/−, and a negative amount in
    parentheses. Extra decimals that are zeros are fine (WeChat Pay writes fees with five decimals:
    0.06000); non-zero ones are refused, unless `round_half_up` (for a provider documented to
    round such a value to the smallest unit itself). Refused with one sentence naming file, row
    and column."""
    plain = _PLAIN.fullmatch(text) if decimal_mark == "." else None
    if plain is not None:
        sign, whole, part = plain.groups()
        places = digits(currency)
        part = (part or "").rstrip("0")
        if len(part) <= places:
            result = int(whole + part.ljust(places, "0"))
            if result <= MAX_MINOR:
                return -result if sign else result
    raw = clean(unicodedata.normalize("NFKC", text))
    negative = raw.startswith("(") and raw.endswith(")")
    body = raw[1:-1] if negative else raw
    body = _SPACES.sub("", body).replace("\u2212", "-")
    body = re.sub(r"^[-+]?(?:[A-Z]{3}|[¥$€£])", lambda m: m.group(0)[0] if m.group(0)[0] in "+-" else "", body)
    body = re.sub(r"(?:[A-Z]{3}|[¥$€£])$", "", body)
    thousands = "," if decimal_mark == "." else "."
    body = body.replace(thousands, "")
    if decimal_mark != ".":
        body = body.replace(decimal_mark, ".")
    try:
        value = Decimal(body) if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", body) else None
    except InvalidOperation:
        value = None
    if value is None:
        raise StatementFileError(t("{where}: '{text}' is not an amount of money", where=where(file, row, column),
                                   text=text.strip()[:40]))
    places = digits(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        if not round_half_up:
            raise StatementFileError(t("{where}: '{text}' has more than {places} decimal places for {currency}",
                                       where=where(file, row, column), text=text.strip()[:40], places=places,
                                       currency=currency))
        scaled = scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    result = int(scaled)
    if abs(result) > MAX_MINOR:
        raise StatementFileError(t("{where}: '{text}' is too large for an amount", where=where(file, row, column),
                                   text=text.strip()[:40]))
    return -result if negative else result


def local_time(text: str, zone: tzinfo, file: str, row: int, column: str,
               formats: Sequence[str] = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M",
                                         "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")) -> datetime:
    """A local time as the statement writes it (in `zone`), in UTC; refused naming where."""
    if "%Y-%m-%d %H:%M:%S" in formats and _ISO_LOCAL.fullmatch(text):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            pass  # not a real date: the general path below names it
    value = clean(unicodedata.normalize("NFKC", text))
    for fmt in formats:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed.astimezone(UTC)
    raise StatementFileError(t("{where}: '{text}' is not a date and time", where=where(file, row, column),
                               text=value[:40]))


def check_total(file: str, what: str, stated: int, lines: Iterable[int], currency: str,
                row: int | None = None, column: str = "") -> None:
    """Refuse a statement whose own total (`stated`, e.g. its summary's 收入金额 or count) is not
    what its lines add up to, naming the difference."""
    found = sum(lines)
    if found != stated:
        show = (lambda v: format_minor(v, currency)) if currency else str
        raise StatementFileError(t("{where}: the statement says {what} is {stated} but its lines add up to {found} "
                                   "(a difference of {diff}); the file is incomplete or was changed",
                                   where=where(file, row, column), what=what, stated=show(stated),
                                   found=show(found), diff=show(found - stated)))


def header_index(header: Sequence[str], wanted: Sequence[str], file: str, row: int) -> dict[str, int]:
    """Column positions of the `wanted` headings (compared after clean() and NFKC, so full- and
    half-width brackets are one), refused naming the first missing heading."""
    norm = {_key(h): i for i, h in enumerate(header)}
    found: dict[str, int] = {}
    for name in wanted:
        i = norm.get(_key(name))
        if i is None:
            raise StatementFileError(t("{where}: the column '{column}' is missing", where=where(file, row),
                                       column=name))
        found[name] = i
    return found


def _key(heading: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean(heading))).lower()


def cell(row: Sequence[str], index: int) -> str:
    """The row's cell at `index`, cleaned ('' when the row is short)."""
    return clean(row[index]) if index < len(row) else ""


def check_unique(lines: Sequence[StatementLine], file: str) -> None:
    """Refuse a file that gives one movement id to two lines, or a line no id at all."""
    seen: dict[str, int] = {}
    for line in lines:
        if not line.external_id:
            raise StatementFileError(t("{where}: the line has no id of its own", where=where(file, line.row)))
        if line.external_id in seen:
            raise StatementFileError(t("{where}: the id {id} is already on row {other}; the file is damaged",
                                       where=where(file, line.row), id=line.external_id, other=seen[line.external_id]))
        seen[line.external_id] = line.row
