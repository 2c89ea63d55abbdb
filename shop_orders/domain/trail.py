"""How an audit event's old and new values read for people, in the language of the messages.

The trail stores codes (a status code, a channel code, the creation event's canonical JSON) so
its hashes never depend on a language; the command line's `show` and the bookkeeper's export
show them with this module: statuses, channels and ticket states by name, a creation event as one
short line.
Pure: no SQL, no Qt.
"""

from __future__ import annotations

from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import t
from shop_orders.domain.replay import describe_created
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import STATE_LABELS, State

# Fields whose values are codes (a creation event's value is JSON whatever its field).
NAMED_FIELDS = frozenset({"status", "channel"})


def status_name(code: str | None, lang: str | None = None) -> str | None:
    """A status code's label; anything else (None, an unknown word) as it is."""
    try:
        return Status(code).label(lang) if code else code
    except ValueError:
        return code


def ticket_state_name(code: str, lang: str | None = None) -> str:
    """A ticket state's label ('waiting' -> 'waiting on customer'); anything else as it is."""
    try:
        return t(STATE_LABELS[State(code)], lang=lang)
    except ValueError:
        return code


def readable(action: str, field: str, value: str | None, lang: str | None = None) -> str | None:
    """One old or new value of an event as people read it (None stays None)."""
    if value is None:
        return None
    if action == "create":
        return describe_created(value, lang)
    if field == "status":
        return status_name(value, lang)
    if field == "channel":
        return channel_label(value, lang)
    if field.startswith("ticket#") and field.endswith(".state"):
        return ticket_state_name(value, lang)
    return value  # amounts, quantities, names and addresses read as they are
