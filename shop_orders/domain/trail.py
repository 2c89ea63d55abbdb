"""How an audit event's old and new values read for people, in the language of the messages.

The trail stores codes (a status code, a channel code, the creation event's canonical JSON) so
its hashes never depend on a language; the command line's `show` and the bookkeeper's export
show them with this module: statuses, channels and ticket states by name, a creation event as one
short line.
Pure: no SQL, no Qt.
"""

from __future__ import annotations

import contextlib

from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import N_, t
from shop_orders.domain.replay import describe_created
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import STATE_LABELS, State

# Fields whose values are codes (a creation event's value is JSON whatever its field).
NAMED_FIELDS = frozenset({"status", "channel", "track_state"})


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


def _role_name(code: str, lang: str | None) -> str:
    from shop_orders.domain.roles import Role

    try:
        return Role(code).label(lang)
    except ValueError:
        return code  # a person's name


def _ticket_value(what: str, value: str, lang: str | None) -> str:
    """A ticket event's value (services/tickets.py writes codes) by name: 'address P1 service' ->
    'address problem P1 customer service'; an assignee's role by its label, a person as named."""
    from shop_orders.domain.tickets import KIND_LABELS, Kind

    if what == "state":
        return ticket_state_name(value, lang)
    if what == "opened":
        kind, _, rest = value.partition(" ")
        priority, _, role = rest.partition(" ")
        with contextlib.suppress(ValueError):
            kind = t(KIND_LABELS[Kind(kind)], lang=lang)
        return " ".join(x for x in (kind, priority, _role_name(role, lang)) if x)
    if what in ("assignee", "reminder"):
        return _role_name(value, lang)
    if what == "escalated":
        priority, _, who = value.partition(" ")
        return f"{priority} {_role_name(who, lang)}" if who else value
    if what == "summary":  # 'stuck 7-30d': the kind and the age band of the summary ticket
        from shop_orders.domain.tickets import AGE_BANDS

        kind, _, band = value.partition(" ")
        with contextlib.suppress(ValueError):
            kind = t(KIND_LABELS[Kind(kind)], lang=lang)
        bands = {code: label for code, _days, label in AGE_BANDS}
        return f"{kind} · {t(bands[band], lang=lang)}" if band in bands else kind
    return value


# What a vault event says happened (services/vault.py records these codes, never a value).
VAULT_WORDS = {"stored": N_("stored (value not shown)"), "replaced": N_("replaced (value not shown)"),
               "deleted": N_("deleted"), "set": N_("set"), "changed": N_("changed")}


# The scan-out's item check (services/scanning.py): counted item by item, or skipped by a supervisor.
ITEM_CHECK_WORDS = {"counted": N_("counted item by item"), "skipped": N_("skipped with a supervisor's PIN")}


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
    if field == "track_state":
        from shop_orders.domain.tracking import STATE_LABELS, TrackState

        with contextlib.suppress(ValueError):
            return t(STATE_LABELS[TrackState(value)], lang=lang)
        return value
    if field.startswith("ticket#"):
        return _ticket_value(field.rsplit(".", 1)[-1], value, lang)
    if field == "item_check":
        return t(ITEM_CHECK_WORDS[value], lang=lang) if value in ITEM_CHECK_WORDS else value
    if field.startswith("secret:") or field == "vault:passphrase":
        return t(VAULT_WORDS[value], lang=lang) if value in VAULT_WORDS else value
    return value  # amounts, quantities, names and addresses read as they are
