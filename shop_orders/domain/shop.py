"""The shop's identity: its name, address and phone, as the owner sets them (a shop setting every
seat shares, services/settings.py) and as slips and exports print them. Pure: no I/O.

    ShopIdentity     the three values, each "" when not set
    checked_field    one value as typed, trimmed, or a ValidationError naming the field
    LIMITS           the longest each may be: what fits a slip's header line (name), its three
                     address lines (address) and a phone with an extension (phone)

Without a name, a slip and an export say the product's name ("Shop Orders", 订单台)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import N_, t

NAME, ADDRESS, PHONE = "name", "address", "phone"
FIELDS = (NAME, ADDRESS, PHONE)
LIMITS = {NAME: 60, ADDRESS: 200, PHONE: 40}
LABELS = {NAME: N_("The shop's name"), ADDRESS: N_("The shop's address"), PHONE: N_("The shop's phone")}

# Control characters (tabs, line breaks included: each value is one line on the slip), format
# characters (zero-width and direction marks that make a name look like another) and the line and
# paragraph separators.
_REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp"})


@dataclass(frozen=True)
class ShopIdentity:
    name: str = ""
    address: str = ""
    phone: str = ""

    def shown_name(self) -> str:
        """The name a slip or an export prints: the shop's, else the product's."""
        return self.name or t("Shop Orders")

    def contact(self) -> str:
        """The address and the phone on one line ("" when neither is set)."""
        return " · ".join(v for v in (self.address, self.phone) if v)


def label(field: str) -> str:
    return t(LABELS[field])


def checked_field(field: str, value: str) -> str:
    """`value` without its surrounding spaces, if it is at most LIMITS[field] characters and holds
    no control or format character; else one sentence naming the field (nothing is stored)."""
    text = str(value if value is not None else "").strip()
    limit = LIMITS[field]
    if len(text) > limit:
        raise ValidationError(t("{field} is at most {limit} characters; this one has {n}.", field=label(field),
                                limit=limit, n=len(text)))
    bad = next((ch for ch in text if unicodedata.category(ch) in _REFUSED), None)
    if bad is not None:
        raise ValidationError(t("{field} holds a control character ({code}); type it on one line without them.",
                                field=label(field), code=f"U+{ord(bad):04X}"))
    return text


def checked(identity: ShopIdentity) -> ShopIdentity:
    """Every field checked (checked_field): the first bad one is the error."""
    return ShopIdentity(*(checked_field(f, getattr(identity, f)) for f in FIELDS))
