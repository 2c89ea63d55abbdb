"""Flags a channel sets on an order beside its status: the bracketed prefixes of JD's status words.

A prefix never replaces the status; it is kept on the order (Order.flags, codes separated by
commas) and shown in the grid, the order's detail and the command line.

- "(删除)" -> `deleted`: the order is no longer in the buyer's list of their own orders, or is the
  parent of an order JD split into child orders (a real export's "(删除)等待出库" carries the note
  "订单拆分为 …", and JD's API has the matching PARENT_TRADE_CANCELED). The channel did not cancel it:
  it keeps its status, and the flag asks a person to look (its children may carry the goods).
- "(锁定)" -> `locked`: JD's LOCKED state (已锁定), an order JD froze, typically while the buyer's
  cancellation or after-sales request waits; "(暂停)" -> `paused` (POP_ORDER_PAUSE) and "(冻结)" ->
  `frozen` likewise. These HOLD the order: it may not be shipped, by scan or by hand, and a ticket
  asks the shop to wait for the channel (services/rules.py channel_hold), until a later file of the
  channel comes without the prefix.
- Any other prefix is kept as it is (`prefix:<text>`) and shown as written.

Sources: JD's order states (LOCKED 已锁定, POP_ORDER_PAUSE 暂停, PARENT_TRADE_CANCELED 父单取消) in the open
platform's order API as quoted in ERP code; a real JD export row quoted in public code
("(删除)等待出库", "订单拆分为 11729439936 11749907506"); JD merchants' ERP mappings of the prefixes.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from shop_orders.domain.messages import N_, t

DELETED, LOCKED, PAUSED, FROZEN = "deleted", "locked", "paused", "frozen"
PREFIXES = {"删除": DELETED, "已删除": DELETED, "锁定": LOCKED, "已锁定": LOCKED, "暂停": PAUSED, "冻结": FROZEN}
HOLDS = frozenset({LOCKED, PAUSED, FROZEN})
LABELS = {
    DELETED: N_("removed from the buyer's list or split by the channel"),
    LOCKED: N_("locked by the channel: do not ship"),
    PAUSED: N_("paused by the channel: do not ship"),
    FROZEN: N_("frozen by the channel: do not ship"),
}
MAX_LENGTH = 200  # the column's length


def prefix_flag(prefix: str) -> str:
    """The flag a status word's bracketed prefix sets (see the module docstring)."""
    prefix = prefix.strip()
    return PREFIXES.get(prefix) or (f"prefix:{prefix[:20]}" if prefix else "")


def parse(text: str | None) -> tuple[str, ...]:
    """The flags an order's `flags` column holds."""
    return tuple(f for f in (text or "").split(",") if f)


def join(flags: Iterable[str]) -> str:
    """The column's text for these flags: sorted, without duplicates, within the column."""
    out = ",".join(sorted({f for f in flags if f}))
    return out[:MAX_LENGTH]


def holds(text: str | None) -> bool:
    """True when a flag holds the order from shipping."""
    return any(f in HOLDS for f in parse(text))


def label(flag: str, lang: str | None = None) -> str:
    """A flag for people, in the language of the messages."""
    if flag.startswith("prefix:"):
        return flag[len("prefix:"):]
    return t(LABELS[flag], lang=lang) if flag in LABELS else flag


def describe(text: str | None, lang: str | None = None) -> str:
    """Every flag of the column for people, separated by "; "."""
    return "; ".join(label(f, lang) for f in parse(text))
