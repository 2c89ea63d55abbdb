"""Text from channels written into spreadsheets and CSV files: never evaluated, never unwritable.

One place decides what "formula-looking" means (the Excel export and `orders --format csv` both
use it) and how characters XML cannot carry are written.

- Formula-looking text starts with = + - @ tab or CR. Excel gets it as a text cell with the
  quote prefix (shown, never evaluated); a CSV gets a leading apostrophe (OWASP's advice for CSV
  injection), because a CSV cannot mark a cell as text.
- XML 1.0 cannot carry most C0 control characters (vertical tab, ESC, ...). They are ESCAPED, not
  dropped, the way Excel itself writes them in a workbook: `_xHHHH_` (ECMA-376 ST_Xstring), and a
  literal `_xHHHH_` in the text is protected as `_x005F_xHHHH_`. Excel and our importer read the
  original text back, so the store keeps the original and a re-import changes nothing.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What openpyxl refuses (IllegalCharacterError) plus the two non-characters XML forbids.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_text(text: str) -> str:
    """The text as a CSV cell that a spreadsheet shows and never evaluates."""
    return "'" + text if looks_like_formula(text) else text


_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def pasted_text(text: str) -> str:
    """A cell of rows copied to the clipboard (pasted into a spreadsheet): csv_text, except that
    a plain number (a negative amount) stays a number."""
    return text if _PLAIN_NUMBER.fullmatch(text) else csv_text(text)


def xml_text(text: str) -> str:
    """The text with every character XML cannot carry escaped as Excel does (_xHHHH_)."""
    if "_x" in text:
        text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    if _XML_ILLEGAL.search(text) is None:
        return text
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
