"""Who changed what, from where: the context every change carries into the audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

# manual, scan, demo, import:<file>, statement:<file>, courier:<name>, rule:<name>, sync:<channel>, restore:<file>
_SOURCE = re.compile(r"^(manual|scan|demo|system|(import|statement|courier|rule|sync|restore|cli|changeset):.+)$")


@dataclass(frozen=True)
class Actor:
    """The person making a change: the signed-in user and their role (domain/roles.py). A store
    without users (before its first owner is set up) acts as its owner."""

    name: str
    role: str = "owner"

    def describe(self) -> str:
        """'alice (manager)', as the trail names an approver."""
        return f"{self.name} ({self.role})"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(t("every change needs an actor name"))


@dataclass(frozen=True)
class ChangeContext:
    actor: Actor
    source: str = "manual"
    reason: str = ""
    approver: Actor | None = None  # the second person of a two-person change

    def __post_init__(self) -> None:
        if not _SOURCE.match(self.source):
            raise ValidationError(t("unknown change source '{source}'; use manual, scan, import:<file>, "
                                    "courier:<name>, rule:<name> or sync:<channel>", source=self.source))
