"""Someone who can write the store's file edits what the trail's replay did not state (issue 23
item 3): an order put back as it was before a change (with the seal it had then), a parcel's
tracking number in a backup, an archived order brought back. `audit verify`, a backup's check and
a restore each name the order. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.services import orders, permissions
from shop_orders.services.backup import BackupError, backup, restore
from shop_orders.services.uow import UnitOfWork
from shop_orders.services.verification import verify_store
from tests.factories import apply, ctx, make_shippable
from tests.services.test_restore import _rewrite_manifest_sha

SCAN = ctx("alice", source="scan")
SEALED_ROW = "its archived state, its created or updated time or its version was changed directly in the store"


def _row(db, no: str) -> dict:
    with db.engine.connect() as c:
        return dict(c.execute(text("SELECT archived, updated_at, version, seal FROM orders WHERE order_no = :n"),
                              {"n": no}).one()._mapping)


def test_an_archived_order_put_back_with_its_old_seal_is_reported(db):
    no = make_shippable(db)
    before = _row(db, no)
    with UnitOfWork(db) as uow:  # archived by an approved change set (services/changesets.py)
        permissions.grant_approved(uow, "changeset:7")
        orders.set_archived(uow, ChangeContext(Actor("alice", "owner"), "changeset:7", "duplicate",
                                               Actor("bob", "manager")), no, True)
        uow.commit()
    assert verify_store(db).ok
    with db.engine.begin() as c:  # the row as it was, seal and all: the seal names an older event
        c.execute(text("UPDATE orders SET archived = :archived, updated_at = :updated_at, version = :version, "
                       "seal = :seal WHERE order_no = :n"), {**before, "n": no})
    check = verify_store(db)
    assert check.kind == "changed" and check.order_no == no and SEALED_ROW in check.problem


def test_a_parcel_rewritten_in_a_backup_is_refused_at_restore(db, tmp_path):
    import sqlite3

    no = make_shippable(db)
    apply(db, orders.ship, no, None, courier="SF", tracking_no="SF1234567890123", context=SCAN)
    report = backup(db, tmp_path / "b.sqlite3", tmp_path)
    with sqlite3.connect(report.path) as c:
        c.execute("UPDATE shipments SET tracking_no = 'SF9999999999999'")
    c.close()
    _rewrite_manifest_sha(report.path)  # the forger fixes the checksum too
    with pytest.raises(BackupError, match=f"order {no} .*a parcel .* was changed, added or removed directly"):
        restore(db, report.path, tmp_path / "backups")
    with db.engine.connect() as c:  # nothing was replaced
        assert c.execute(text("SELECT tracking_no FROM shipments")).scalar_one() == "SF1234567890123"


def test_a_backup_of_a_store_with_a_changed_payment_is_not_written_as_checked(db, tmp_path):
    no = make_shippable(db)
    with db.engine.begin() as c:
        c.execute(text("UPDATE payments SET reference = 'not-what-was-paid'"))
    with pytest.raises(BackupError, match=f"order {no} .*a payment's method, reference or time was changed"):
        backup(db, tmp_path / "b.sqlite3", tmp_path)
    assert not (tmp_path / "b.sqlite3").exists()
