"""Global order ids: SO-YYYYMMDD-NNNNNN.

Format: "SO-", the UTC calendar day the order was created (YYYYMMDD), "-", then that day's
sequence number, zero-padded to six digits. Ids are unique (one counter per day in the store),
human-readable (read aloud over the phone, typed into search), and sort as text in creation-day
order. A day with more than 999,999 orders widens the number; ids of such a day still sort
correctly among themselves by (day, length, text), which is how `order_id_sort_key` sorts.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

PREFIX = "SO"
_PATTERN = re.compile(r"^SO-(\d{8})-(\d{6,})$")


def day_key(created_at: datetime) -> str:
    d = created_at.astimezone(UTC)
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def format_order_id(day: str, seq: int) -> str:
    if seq < 1:
        raise AssertionError("order sequence numbers start at 1")
    return f"{PREFIX}-{day}-{seq:06d}"


def parse_order_id(text: str) -> tuple[date, int] | None:
    m = _PATTERN.match(text.strip().upper())
    if not m:
        return None
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d").date()
    except ValueError:
        return None
    return day, int(m.group(2))


def order_id_sort_key(text: str) -> tuple[str, int, str]:
    day, _, seq = text.rpartition("-")
    return day, len(seq), seq
