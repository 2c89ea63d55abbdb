"""How an audit event reads for people, in the language of the messages: the one place that
describes a row of the trust chain for the window's detail panel, the command line's `show` and
the bookkeeper's export (`Describer.row`).

The trail stores codes (a status code, a channel code, the creation event's canonical JSON, a
ticket's "address P1 service", the actor "system" of the rules, "rule:stuck", an attachment's
SHA-256 and name, the approver as "name (role)") so its hashes never depend on a language; this
module names them: statuses, channels, ticket kinds, states and assignees by the labels the ticket
panel uses, the rules by name, a creation event as one short line, an attachment by its file name
(its hash only when asked), and who approved a two-person change beside who proposed it.
Pure: no SQL, no Qt.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from typing import NamedTuple, Protocol

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
    if what == "attachment":
        return attachment_parts(value)[1]
    if what == "seen":
        return rule_key_text(value, lang)
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
    if action == "stock":
        quantities = re.match(r"^on_hand=(-?\d+) incoming=(-?\d+)$", value)
        if quantities:
            return t("on hand {on_hand}, incoming {incoming}", lang=lang, on_hand=quantities.group(1),
                     incoming=quantities.group(2))
    return value  # amounts, quantities, names and addresses read as they are


# ---- one row of the trust chain ------------------------------------------------------------------

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def attachment_parts(value: str) -> tuple[str, str]:
    """An attachment event's value ("<sha256> <file name>", services/tickets.py) as (digest, name);
    a value of another shape is ("", value)."""
    digest, sep, name = value.partition(" ")
    return (digest, name) if sep and _DIGEST.match(digest) else ("", value)


_RULE_KEYS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^paid (-?\d+) expected (-?\d+)$"), N_("the paid amount differs from the total")),
    (re.compile(r"^cancelled on the channel$"), N_("cancelled on the channel")),
    (re.compile(r"^invalid (?P<number>.+)$"), N_("the courier does not know tracking number {number}")),
    (re.compile(r"^failed pickup (?P<number>.+)$"), N_("the courier's pickup of {number} failed")),
    (re.compile(r"^no pickup (?P<number>.+)$"), N_("no pickup by the courier of {number} in time")),
)


def rule_key_text(key: str, lang: str | None = None) -> str:
    """What a rule saw ('no update since 2026-11-20T09:30:00+00:00', 'held: locked', the keys of
    services/rules.py and services/tracking.py) as people read it; an unknown key as it is."""
    since = re.match(r"^no update since (\S+)$", key)
    if since:
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(since.group(1)).astimezone()  # shown in local time
            return t("no update since {time}", lang=lang, time=f"{at:%Y-%m-%d %H:%M}")
    if key.startswith("held: "):
        from shop_orders.domain import flags

        return flags.describe(key.removeprefix("held: "), lang)  # "locked by the channel: do not ship"
    for pattern, message in _RULE_KEYS:
        found = pattern.match(key)
        if found:
            return t(message, lang=lang, **found.groupdict())
    return key


class TrailEvent(Protocol):
    """What the describing reads of an audit event (store/models.AuditEvent, or a row of its table)."""

    at: datetime
    actor: str
    role: str
    approver: str
    source: str
    action: str
    field: str
    old: str | None
    new: str | None
    reason: str


class TrailRow(NamedTuple):
    """One event as people read it. `who` names the proposer and the approver of a two-person
    change; `digest` is an attachment's SHA-256 (shown only on demand), else ""."""

    at: datetime
    actor: str  # who made the change ("system" named), without the approver
    approver: str  # who approved it, "name (role)" in the language, or ""
    who: str  # the actor, and the approver when there is one
    source: str
    action: str
    field: str
    old: str | None
    new: str | None
    reason: str
    digest: str
    created: bool  # a creation event: `new` is the whole sentence

    def change(self, lang: str | None = None) -> str:
        """The change in one line: "status: Awaiting payment → Cancelled", "#5 state: open → closed",
        or the creation sentence."""
        if self.created:
            return self.new or ""
        what = self.field or self.action
        if self.old is None:
            return t("{field}: {new}", lang=lang, field=what, new=self.new or "")
        return t("{field}: {old} → {new}", lang=lang, field=what, old=self.old, new=self.new or "")


SYSTEM_ACTOR = "system"  # the rules', reminders' and escalation's actor (services/tickets.SYSTEM), with no role


def actor_name(name: str, role: str = "", lang: str | None = None) -> str:
    """A person as named; the rules' own actor ("system", no role) as "system" / "系统" (also a ticket's
    opener or a comment's author, which keep no role)."""
    return t("system", lang=lang) if name == SYSTEM_ACTOR and not role else name


def approver_text(stored: str, lang: str | None = None) -> str:
    """The approver as the trail stores it ("max (manager)", domain/changes.Actor.describe) with the
    role named in the language: "max (manager)" / "max（经理）"; anything else as it is."""
    from shop_orders.domain.roles import Role

    found = re.match(r"^(.*) \(([a-z_]+)\)$", stored)
    if not found:
        return stored
    try:
        role = Role(found.group(2)).label(lang)
    except ValueError:
        return stored
    return t("{name} ({role})", lang=lang, name=found.group(1), role=role)


class Describer:
    """Describes audit events in one language (`lang`, else the messages' language) for every
    front end: the window's trust chain, `show` and the export's audit sheet. The names of
    sources, actions, fields and people are kept once made (an export describes millions of
    events). `hashes`: an attachment's value names its SHA-256 beside its file name."""

    def __init__(self, lang: str | None = None, *, hashes: bool = False) -> None:
        self.lang, self.hashes = lang, hashes
        self._sources: dict[str, str] = {}
        self._actions: dict[str, str] = {}
        self._fields: dict[str, str] = {}
        self._approvers: dict[str, str] = {}
        self._people: dict[tuple[str, str, str, bool], str] = {}
        self._coded: dict[tuple[str, str], bool] = {}
        self._system = t("system", lang=lang)
        self._codes: dict[tuple[str, str], str] = {}

    def source(self, code: str) -> str:
        name = self._sources.get(code)
        if name is None:
            from shop_orders.domain.vocabulary import source_label

            name = self._sources[code] = source_label(code, self.lang)
        return name

    def action(self, code: str) -> str:
        name = self._actions.get(code)
        if name is None:
            from shop_orders.domain.vocabulary import action_label

            name = self._actions[code] = action_label(code, self.lang)
        return name

    def field(self, code: str) -> str:
        name = self._fields.get(code)
        if name is None:
            from shop_orders.domain.vocabulary import field_label

            name = self._fields[code] = field_label(code, self.lang) if code else ""
        return name

    def actor(self, name: str, role: str = "") -> str:
        """A person as named; the rules' own actor ("system", no role) as "system" / "系统"."""
        return self._system if name == SYSTEM_ACTOR and not role else name

    def approver(self, stored: str) -> str:
        if not stored:
            return ""
        name = self._approvers.get(stored)
        if name is None:
            name = self._approvers[stored] = approver_text(stored, self.lang)
        return name

    def who(self, actor: str, role: str, approver: str, source: str) -> str:
        """The actor, and who approved: "max, approved by olivia (owner)"; for a change set's
        changes "proposed by max, approved by olivia (owner)"."""
        key = (actor, role, approver, source.startswith("changeset:"))
        name = self._people.get(key)
        if name is None:
            person = self.actor(actor, role)
            if not approver:
                name = person
            elif key[3]:
                name = t("proposed by {proposer}, approved by {approver}", lang=self.lang, proposer=person,
                         approver=self.approver(approver))
            else:
                name = t("{actor}, approved by {approver}", lang=self.lang, actor=person,
                         approver=self.approver(approver))
            self._people[key] = name
        return name

    def _named(self, action: str, field: str) -> bool:
        """Whether the values of this action and field are codes to name (else they read as they are)."""
        key = (action, field)
        named = self._coded.get(key)
        if named is None:
            named = self._coded[key] = (action == "create" or field in NAMED_FIELDS
                                        or field.startswith(("ticket#", "secret:"))
                                        or field in ("item_check", "vault:passphrase"))
        return named

    def value(self, e: TrailEvent, value: str | None) -> str | None:
        """One old or new value as people read it; with `hashes`, an attachment's SHA-256 too."""
        if value is None or not self._named(e.action, e.field):
            return value  # amounts, quantities, names and addresses read as they are (the most events)
        if e.field in NAMED_FIELDS and e.action != "create":  # a status, channel or tracking state: few codes
            key = (e.field, value)
            named = self._codes.get(key)
            if named is None:
                named = self._codes[key] = readable(e.action, e.field, value, self.lang) or ""
            return named
        shown = readable(e.action, e.field, value, self.lang)
        if self.hashes and e.field.endswith(".attachment"):
            digest = attachment_parts(value)[0]
            if digest:
                return t("{name} (SHA-256 {digest})", lang=self.lang, name=shown, digest=digest)
        return shown

    def row(self, e: TrailEvent) -> TrailRow:
        action, field, actor, role, approver = e.action, e.field, e.actor, e.role, e.approver
        old, new = e.old, e.new
        if self._named(action, field):
            old, new = self.value(e, old), self.value(e, new)
        source = self._sources.get(e.source) or self.source(e.source)
        return TrailRow(e.at, self.actor(actor, role), self.approver(approver) if approver else "",
                        self.who(actor, role, approver, e.source), source,
                        self._actions.get(action) or self.action(action), self._fields.get(field) or self.field(field),
                        old, new, e.reason, attachment_parts(e.new or "")[0] if field.endswith(".attachment") else "",
                        action == "create")
