"""Tracking-number patterns the owner types (a courier account's `pattern`), matched in linear time.

A pattern is a regular expression, and Python's `re` backtracks: "(a+)+$" against forty a's and a
b takes minutes, holding the scan-out (and, were it matched in a transaction, the store's write
lock). RE2 (google-re2) never backtracks: compiling and matching are linear in the pattern and the
text, its memory is capped here, and constructs that need backtracking (back-references,
look-around) are refused when the pattern is set, in one sentence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import re2

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

MAX_LENGTH = 200
MAX_MEMORY = 1 << 20  # bytes RE2 may use for one compiled pattern


def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_MEMORY
    options.log_errors = False  # a refused pattern is our sentence, not a line on stderr
    return options


class Program(Protocol):
    """What this module uses of a compiled RE2 pattern (google-re2 ships no type information)."""

    def fullmatch(self, text: str) -> object | None: ...


@lru_cache(maxsize=64)
def compiled(pattern: str) -> Program:
    """The RE2 program of a pattern; re2.error for one RE2 cannot run."""
    return re2.compile(pattern, _options())


def check(pattern: str) -> str:
    """The pattern as typed, checked: at most 200 characters, and a regular expression RE2 runs."""
    pattern = pattern.strip()
    if len(pattern) > MAX_LENGTH:
        raise ValidationError(t("A tracking-number pattern is at most 200 characters."))
    try:
        compiled(pattern)
    except re2.error:
        raise ValidationError(t("'{pattern}' is not a tracking-number pattern: it must be a regular expression "
                                "without back-references or look-arounds.", pattern=pattern[:60])) from None
    return pattern


def fullmatch(pattern: str, number: str) -> bool:
    """True when the whole number fits the pattern; a pattern RE2 cannot run (stored by an older
    version, or written into the store by hand) does not stop shipping: True."""
    try:
        return compiled(pattern).fullmatch(number) is not None
    except re2.error:
        return True
