"""The keyed content hash of a two-person change set: what an approval is bound to.

HMAC-SHA256, under the store's audit key (store/keys.py), of the set's exact content (its kind,
parameters, reason, proposer, expiry, what it reverts, and every item: order, version, before and
after). Without the key nobody can make an edited or inserted set check. services/changesets.py
writes it with a proposal and checks it again when the set is approved; `audit verify`
(services/verification.py) checks every pending set with `altered_pending`. Like store/signing.py
for users and settings, it is kept below the services so both can use it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from shop_orders.domain.messages import t
from shop_orders.store.keys import ChainKey
from shop_orders.store.models import ChangeSet, ChangeSetItem

PENDING = "pending"  # services/changesets.py's state of a set that waits for its second person

canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def content_hash(key: ChainKey, kind: str, params: dict, reason: str, proposer: str, proposer_role: str,
                 expires_at: datetime, revert_of: int | None, items: Iterable[tuple[int, str, int, str, str]]) -> str:
    """HMAC-SHA256, under the store's audit key, of the change set's exact content: what an
    approval is bound to. Without the key nobody can make an edited or inserted set check."""
    h = key.mac()
    h.update(b"changeset\x00" + canonical([kind, params, reason, proposer, proposer_role,
                                            expires_at.astimezone(UTC).isoformat(timespec="seconds"),
                                            revert_of]).encode("utf-8"))
    for order_id, order_no, version, before, after in items:
        h.update(b"\n")
        h.update(canonical([order_id, order_no, version, before, after]).encode("utf-8"))
    return h.hexdigest()


def altered_pending(session: Session, key: ChainKey) -> list[str]:
    """One sentence per pending change set whose keyed content hash does not check (an edited or
    inserted set: `audit verify`)."""
    c = ChangeSetItem.__table__.c
    out = []
    for cs in session.execute(select(ChangeSet).where(col(ChangeSet.state) == PENDING)).scalars():
        items = list(session.execute(select(c.order_id, c.order_no, c.version, c.before, c.after)
                                     .where(c.change_set_id == int(cs.id or 0)).order_by(c.id)).all())
        stored = content_hash(key, cs.kind, json.loads(cs.params), cs.reason, cs.proposer, cs.proposer_role,
                              cs.expires_at, cs.revert_of, items)
        if not hmac.compare_digest(stored, cs.content_hash) or len(items) != cs.order_count:
            out.append(t("Change set #{id} was changed in the database outside Shop Orders; it cannot be approved.",
                         id=cs.id))
    return out
