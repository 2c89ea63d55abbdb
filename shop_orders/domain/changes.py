"""Who changed what, from where: the context every change carries into the audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t

# manual, scan, demo, import:<file>, courier:<name>, rule:<name>, sync:<channel>, restore:<file>
_SOURCE = re.compile(r"^(manual|scan|demo|system|(import|courier|rule|sync|restore|cli):.+)$")


@dataclass(frozen=True)
class Actor:
    """The person (or program) making a change. Users and roles arrive with the users issue."""

    name: str
    role: str = "owner"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(t("every change needs an actor name"))


@dataclass(frozen=True)
class ChangeContext:
    actor: Actor
    source: str = "manual"
    reason: str = ""

    def __post_init__(self) -> None:
        if not _SOURCE.match(self.source):
            raise ValidationError(t("unknown change source '{source}'; use manual, scan, import:<file>, "
                                    "courier:<name>, rule:<name> or sync:<channel>", source=self.source))
