"""Exception tickets: kinds, priorities, states and what may follow what, and the SLA defaults.

The defaults come from the domain page's table (seed 003): payment 2 h, out of stock 4 h, address
1 h, customer cancel 30 min; logistics and return/exchange are shop settings (defaults here: 24 h
and 48 h); a stuck order is the manager's within 4 h; anything else within a working day. The
owner edits the table (services/tickets.py). Pure: no SQL, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t
from shop_orders.domain.roles import Role


class Kind(StrEnum):
    PAYMENT = "payment"
    OUT_OF_STOCK = "out_of_stock"
    ADDRESS = "address"
    CANCEL = "cancel"
    LOGISTICS = "logistics"
    RETURN = "return"
    STUCK = "stuck"
    OTHER = "other"

    def label(self) -> str:
        return t(KIND_LABELS[self])

    @classmethod
    def parse(cls, text: str) -> Kind:
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            raise ValidationError(t("unknown ticket kind '{text}'; expected one of: {choices}", text=text,
                                    choices=", ".join(k.value for k in cls))) from None


KIND_LABELS = {
    Kind.PAYMENT: N_("payment failure or mismatch"), Kind.OUT_OF_STOCK: N_("out of stock"),
    Kind.ADDRESS: N_("address problem"), Kind.CANCEL: N_("customer cancel"), Kind.LOGISTICS: N_("logistics"),
    Kind.RETURN: N_("return / exchange"), Kind.STUCK: N_("stuck order"), Kind.OTHER: N_("other"),
}


class Priority(IntEnum):
    """P0 is the most urgent."""
    P0 = 0
    P1 = 1
    P2 = 2
    P3 = 3

    def label(self) -> str:
        return f"P{self.value}"

    def raised(self) -> Priority:
        """One step more urgent (P0 stays P0)."""
        return Priority(max(0, self.value - 1))

    @classmethod
    def parse(cls, text: str | int) -> Priority:
        s = str(text).strip().upper().removeprefix("P")
        if s in ("0", "1", "2", "3"):
            return cls(int(s))
        raise ValidationError(t("unknown priority '{text}'; expected P0, P1, P2 or P3", text=text))


class State(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"  # on the customer: the SLA clock is paused
    RESOLVED = "resolved"
    CLOSED = "closed"

    def label(self) -> str:
        return t(STATE_LABELS[self])

    @classmethod
    def parse(cls, text: str) -> State:
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            raise ValidationError(t("unknown ticket state '{text}'; expected one of: {choices}", text=text,
                                    choices=", ".join(s.value for s in cls))) from None


STATE_LABELS = {
    State.OPEN: N_("open"), State.IN_PROGRESS: N_("in progress"), State.WAITING: N_("waiting on customer"),
    State.RESOLVED: N_("resolved"), State.CLOSED: N_("closed"),
}
# Still someone's to do: at most one of these per order and kind.
ACTIVE = frozenset({State.OPEN, State.IN_PROGRESS, State.WAITING})
# What may follow what; a resolved or closed ticket may be reopened (→ open).
NEXT: dict[State, frozenset[State]] = {
    State.OPEN: frozenset({State.IN_PROGRESS, State.WAITING, State.RESOLVED, State.CLOSED}),
    State.IN_PROGRESS: frozenset({State.OPEN, State.WAITING, State.RESOLVED, State.CLOSED}),
    State.WAITING: frozenset({State.OPEN, State.IN_PROGRESS, State.RESOLVED, State.CLOSED}),
    State.RESOLVED: frozenset({State.OPEN, State.CLOSED}),
    State.CLOSED: frozenset({State.OPEN}),
}
assert set(NEXT) == set(State)


def check_move(current: State, target: State) -> None:
    if target is current:
        raise ValidationError(t("The ticket is already {state}.", state=current.label()))
    if target not in NEXT[current]:
        raise ValidationError(t("A ticket that is {current} cannot become {target}.", current=current.label(),
                                target=target.label()))


@dataclass(frozen=True)
class Sla:
    """What a kind of ticket gets by default: its time to respond (seconds), priority and owner."""

    seconds: int
    priority: Priority
    role: Role


DEFAULT_SLA: dict[Kind, Sla] = {
    Kind.PAYMENT: Sla(2 * 3600, Priority.P1, Role.SERVICE),
    Kind.OUT_OF_STOCK: Sla(4 * 3600, Priority.P1, Role.WAREHOUSE),
    Kind.ADDRESS: Sla(1 * 3600, Priority.P1, Role.SERVICE),
    Kind.CANCEL: Sla(30 * 60, Priority.P0, Role.SERVICE),
    Kind.LOGISTICS: Sla(24 * 3600, Priority.P2, Role.WAREHOUSE),
    Kind.RETURN: Sla(48 * 3600, Priority.P2, Role.SERVICE),
    Kind.STUCK: Sla(4 * 3600, Priority.P2, Role.MANAGER),
    Kind.OTHER: Sla(8 * 3600, Priority.P3, Role.SERVICE),
}
assert set(DEFAULT_SLA) == set(Kind)
MAX_SLA_SECONDS = 90 * 24 * 3600
# A reminder goes to the assignee this long before the due time (an owner setting).
DEFAULT_REMINDER_MINUTES = 15
# Escalation at the due time: to a manager, then (one SLA later) to the owner.
ESCALATE_TO = (Role.MANAGER, Role.OWNER)
AMBER_SHARE = 0.25  # within the last quarter of its time a ticket shows amber


class Urgency(IntEnum):
    NONE = 0
    AMBER = 1  # within 25% of its time
    RED = 2  # overdue


def urgency(state: State, due_at: datetime | None, left_seconds: int, budget_seconds: int,
            now: datetime) -> Urgency:
    """How the panel colours a ticket: red past its due time, amber within the last quarter of its
    time (counted on the ticket's clock: `left_seconds` of open time, of `budget_seconds`)."""
    if state not in ACTIVE or due_at is None:
        return Urgency.NONE
    if now >= due_at:
        return Urgency.RED
    if left_seconds <= AMBER_SHARE * max(budget_seconds, 1):
        return Urgency.AMBER
    return Urgency.NONE


def check_sla_seconds(seconds: int) -> int:
    if not 60 <= int(seconds) <= MAX_SLA_SECONDS:
        raise ValidationError(t("a response time is from 1 minute to 90 days"))
    return int(seconds)


def countdown(seconds: int) -> str:
    """'1 h 05 min', '12 min 30 s', '-2 h 10 min' (overdue), for the panel's live column."""
    sign = "-" if seconds < 0 else ""
    s = abs(int(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return t("{sign}{d} d {h} h", sign=sign, d=days, h=hours)
    if hours:
        return t("{sign}{h} h {m:02d} min", sign=sign, h=hours, m=minutes)
    return t("{sign}{m} min {s:02d} s", sign=sign, m=minutes, s=secs)


# ---- what a detection rule writes on its ticket -----------------------------------------------------
# A rule's note is stored as codes (its message and the values: an order number, a status code, a
# UTC time, amounts), like the trail, and read in the language of whoever views it. Only the
# messages below are read this way: a comment a person typed that looks like one stays as typed.

NOTE_PREFIX = "rule-note "
RULE_NOTES = frozenset({
    N_("{order} is cancelled but {paid} was paid and not refunded."),
    N_("{order} is {status} with {paid} paid of {total}."),
    N_("{order} ({status}) has had no update since {since}."),
    N_("The channel says the customer cancelled {order}, which is {status} here: stop the parcel or "
       "arrange the return."),
    N_("{courier} says {tracking} of {order} is not a valid tracking number; {order} is back to {status}."),
    N_("{courier} has not picked up {tracking} of {order} within {hours} h of its scan-out; {order} is back to "
       "{status}."),
    N_("{courier} reports a failed pickup of {tracking} of {order} ({said}); {order} is back to {status}."),
    N_("The channel holds {order} ({flags}): do not ship it until a later file of the channel no longer says so."),
    N_("{count} orders were already past their staleness threshold when the store first saw them (last update "
       "{band} ago): one ticket for them all; Show orders lists them."),
    # reconciliation (services/reconcile.py)
    N_("{order}: the statements show no money for it, where the order says {expected} was paid."),
    N_("{order}: the statements show {received} received, where the order says {expected} was paid (a difference "
       "of {diff})."),
    N_("The statements now agree with {order}."),
    # stock (services/stock.py)
    N_("{order} is short of stock: {missing}."),
    N_("{order} no longer waits for stock: it is served, shipped, cancelled or refunded."),
    N_("{count} orders were paid before the stock catalogue knew what they are short of (paid {band} ago): one "
       "ticket for them all; Show orders lists them."),
})


def rule_note(message: str, **values: str) -> str:
    """The stored form of a rule's note: `status` is a status code, `since` an ISO time (UTC)."""
    import json

    assert message in RULE_NOTES, message
    return NOTE_PREFIX + json.dumps({"m": message, "v": values}, ensure_ascii=False, sort_keys=True)


def note_text(stored: str, lang: str | None = None) -> str:
    """A comment as people read it: a rule's note in the language, anything else as it was written."""
    import json

    if not stored.startswith(NOTE_PREFIX):
        return stored
    try:
        data = json.loads(stored[len(NOTE_PREFIX):])
        message, values = data["m"], dict(data["v"])
        if message not in RULE_NOTES or not all(isinstance(v, str) for v in values.values()):
            return stored
        if "status" in values:
            from shop_orders.domain.status import Status

            values["status"] = Status(values["status"]).label(lang)
        if "flags" in values:
            from shop_orders.domain import flags

            values["flags"] = flags.describe(values["flags"], lang)
        if "band" in values:
            values["band"] = band_label(values["band"])
        if "since" in values:
            values["since"] = datetime.fromisoformat(values["since"]).astimezone().strftime("%Y-%m-%d %H:%M")
        return t(message, lang=lang, **values)
    except (ValueError, KeyError, TypeError, IndexError):
        return stored


# ---- history: orders that arrived already stale (services/tickets.py, summary tickets) ----------
HISTORY_SUMMARY = "summary"  # one summary ticket per kind and age band (the default)
HISTORY_EACH = "each"  # one ticket per order, as for news
HISTORY_CHOICES = (HISTORY_SUMMARY, HISTORY_EACH)
SUMMARY_KEY = "summary:"  # a summary ticket's rule key: summary:<band>
AGE_BANDS: tuple[tuple[str, int | None, str], ...] = (  # code, up to this many days, label
    ("0-3d", 3, N_("under 3 days")), ("3-7d", 7, N_("3 to 7 days")), ("7-30d", 30, N_("7 to 30 days")),
    ("30d+", None, N_("over 30 days")))


def age_band(age: timedelta) -> str:
    """The band of an order's time since its last update."""
    for code, days, _label in AGE_BANDS:
        if days is None or age < timedelta(days=days):
            return code
    return AGE_BANDS[-1][0]


def band_label(code: str) -> str:
    for c, _days, label in AGE_BANDS:
        if c == code:
            return t(label)
    return code


def history_choice(text: str) -> str:
    """'summary' or 'each' (how history is ticketed); anything else is one sentence."""
    value = str(text or "").strip().lower()
    if value not in HISTORY_CHOICES:
        raise ValidationError(t("'{text}' is not a choice for old stale orders; expected summary or each", text=text))
    return value
