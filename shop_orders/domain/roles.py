"""Roles, the actions a role may take, and the default permission matrix (the owner edits it).

Actions are stable codes. Each manual status change is its own action
(`status:awaiting_payment>awaiting_shipment`), so the matrix says which role may make which
status change, as the seeds ask. The services check the matrix (services/permissions.py); the UI
only hides or disables what the matrix refuses and says why.
"""

from __future__ import annotations

from enum import StrEnum

from shop_orders.domain.messages import N_, is_chinese, t
from shop_orders.domain.status import ALLOWED, DERIVED, Status


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    SERVICE = "service"
    WAREHOUSE = "warehouse"
    BOOKKEEPER = "bookkeeper"

    def label(self, lang: str | None = None) -> str:
        return ROLE_LABELS[self][1 if is_chinese(lang) else 0]

    @classmethod
    def parse(cls, text: str) -> Role:
        key = text.strip().lower()
        for role in cls:
            if key in (role.value, ROLE_LABELS[role][0].lower(), ROLE_LABELS[role][1]):
                return role
        raise ValueError(t("unknown role '{text}'; expected one of: {choices}", text=text,
                           choices=", ".join(r.value for r in cls)))


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OWNER: ("Owner", "老板"),
    Role.MANAGER: ("Manager", "店长"),
    Role.SERVICE: ("Customer service", "客服"),
    Role.WAREHOUSE: ("Warehouse", "仓管"),
    Role.BOOKKEEPER: ("Bookkeeper", "会计"),
}


def status_action(current: Status, target: Status) -> str:
    return f"status:{current.value}>{target.value}"


# Every manual status change the status machine allows (derived statuses are never set by hand).
STATUS_ACTIONS: tuple[str, ...] = tuple(
    status_action(a, b) for a in Status for b in sorted(ALLOWED[a], key=list(Status).index) if not DERIVED[b])

# Actions other than status changes, with the words people read.
ACTIONS: dict[str, str] = {
    "order.pay": N_("record payments and refunds"),
    "order.ship": N_("ship orders (scan out)"),
    "order.ship_manual": N_("ship without a scan (with a reason)"),
    "order.edit_contact": N_("edit recipient, phone and address"),
    "order.edit_courier": N_("edit courier and tracking number"),
    "order.edit_buyer": N_("edit the buyer"),
    "orders.import": N_("import channel files"),
    "orders.export": N_("export to Excel"),
    "orders.bulk": N_("propose bulk edits"),
    "orders.prices": N_("change prices and discounts"),
    "orders.archive": N_("archive (delete) orders"),
    "orders.purge": N_("purge archived orders"),
    "changes.approve": N_("approve another person's change"),
    "tickets.open": N_("open and handle exception tickets"),
    "statements.import": N_("import payment and bank statements"),
    "reconcile.match": N_("reconcile statements with orders (match, exclude, confirm)"),
    "settings.shop": N_("change shop settings (thresholds, time zone)"),
    "settings.permissions": N_("change the permission matrix and the two-person rule"),
    "users.manage": N_("add, disable and re-role users"),
    "store.backup": N_("back up the store"),
    "store.restore": N_("restore a backup"),
    "audit.keys": N_("move the audit key to another seat"),
    "settings.secrets": N_("store, replace and delete courier secrets"),
    "stock.manage": N_("count, adjust, receive and order stock"),
}

ALL_ACTIONS: tuple[str, ...] = (*ACTIONS, *STATUS_ACTIONS)


def action_label(action: str, lang: str | None = None) -> str:
    """An action for people: 'record payments and refunds', 'Awaiting payment → Cancelled'."""
    if action.startswith("status:"):
        a, _, b = action[len("status:"):].partition(">")
        return t("status {current} → {target}", lang=lang, current=Status(a).label(lang), target=Status(b).label(lang))
    return t(ACTIONS[action], lang=lang) if action in ACTIONS else action


R = Role
_EVERYONE = frozenset(Role)
_MANAGERS = frozenset({R.OWNER, R.MANAGER})


def _status_default(action: str) -> frozenset[Role]:
    """Who may make a status change by default: owners and managers any; customer service may
    confirm, cancel and put an order back to awaiting payment (what a customer call settles); the
    warehouse may move orders to and from awaiting shipment (stock, parcels); the bookkeeper none."""
    _a, _, b = action[len("status:"):].partition(">")
    target = Status(b)
    who = set(_MANAGERS)
    if target in (Status.AWAITING_PAYMENT, Status.AWAITING_SHIPMENT, Status.CANCELLED):
        who.add(R.SERVICE)
    if target in (Status.AWAITING_SHIPMENT, Status.COMPLETED):
        who.add(R.WAREHOUSE)
    return frozenset(who)


DEFAULT_MATRIX: dict[str, frozenset[Role]] = {
    "order.pay": frozenset({R.OWNER, R.MANAGER, R.BOOKKEEPER, R.SERVICE}),
    "order.ship": frozenset({R.OWNER, R.MANAGER, R.WAREHOUSE}),
    # Shipping without the physical scan-out (a grid action, `ship` on the command line): the
    # seeds' orders marked shipped that never left the shelf. Owners and managers only, with a reason.
    "order.ship_manual": _MANAGERS,
    "order.edit_contact": frozenset({R.OWNER, R.MANAGER, R.SERVICE}),
    "order.edit_courier": frozenset({R.OWNER, R.MANAGER, R.WAREHOUSE, R.SERVICE}),
    "order.edit_buyer": frozenset({R.OWNER, R.MANAGER, R.SERVICE}),
    "orders.import": frozenset({R.OWNER, R.MANAGER, R.SERVICE}),
    "orders.export": _EVERYONE,
    "orders.bulk": _MANAGERS | {R.SERVICE, R.WAREHOUSE},
    "orders.prices": _MANAGERS,
    "orders.archive": _MANAGERS,
    "orders.purge": frozenset({R.OWNER}),
    "changes.approve": _MANAGERS,
    "tickets.open": frozenset({R.OWNER, R.MANAGER, R.SERVICE, R.WAREHOUSE}),
    "statements.import": _MANAGERS | {R.BOOKKEEPER},
    "reconcile.match": _MANAGERS | {R.BOOKKEEPER},
    "settings.shop": _MANAGERS,
    "settings.permissions": frozenset({R.OWNER}),
    "users.manage": frozenset({R.OWNER}),
    "store.backup": _MANAGERS | {R.BOOKKEEPER},
    "store.restore": frozenset({R.OWNER}),
    "audit.keys": frozenset({R.OWNER}),
    "settings.secrets": frozenset({R.OWNER}),
    "stock.manage": frozenset({R.OWNER, R.MANAGER, R.WAREHOUSE}),
    **{a: _status_default(a) for a in STATUS_ACTIONS},
}
assert set(DEFAULT_MATRIX) == set(ALL_ACTIONS)

# Whatever the matrix says, the owner keeps these (so no matrix can lock the shop out of itself).
OWNER_ALWAYS = frozenset({"users.manage", "settings.permissions", "changes.approve", "store.restore",
                          "settings.secrets"})
# ... and these are the owner's alone: no matrix gives them to another role (whoever holds the
# courier secrets can print waybills on the shop's account).
OWNER_ONLY = frozenset({"settings.secrets"})


def allowed(matrix: dict[str, frozenset[Role]], role: Role | str, action: str) -> bool:
    role = Role(role)
    if role is Role.OWNER and action in OWNER_ALWAYS:
        return True
    if action in OWNER_ONLY:
        return False
    return role in matrix.get(action, DEFAULT_MATRIX.get(action, frozenset()))


def least_privileged(matrix: dict[str, frozenset[Role]]) -> Role:
    """The role that may do the fewest things under this matrix (a new user's default role: a
    slip of the hand gives too little, never too much); a tie goes to the role listed last."""
    return min(reversed(list(Role)), key=lambda role: sum(allowed(matrix, role, a) for a in ALL_ACTIONS))
