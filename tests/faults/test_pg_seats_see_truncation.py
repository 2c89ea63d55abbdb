"""PostgreSQL: every seat keeps and checks its own head, so any seat notices a truncated tail.

Two seats are two data folders on the same PostgreSQL database (as two PCs would be)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shop_orders.services import orders
from shop_orders.store import audit
from shop_orders.store.errors import AuditTrailDamaged
from shop_orders.store.open import open_database
from tests.factories import apply, make_order


@pytest.fixture
def pg_url(pg_admin_url):
    from tests.conftest import _drop, _pg_database

    admin, name, url = _pg_database(pg_admin_url)
    yield url
    _drop(admin, name)


def test_each_postgresql_seat_detects_a_truncated_tail(pg_url, tmp_path):
    seat1 = open_database(pg_url, data_dir=tmp_path / "seat1", create=True)
    seat2 = open_database(pg_url, data_dir=tmp_path / "seat2")
    try:
        audit.adopt_key(seat2, seat1.chain_key, "key file")  # `audit key import` on seat 2
        assert seat1.data_head_file != seat2.data_head_file and seat1.head_file != seat2.head_file
        no = make_order(seat1)                               # event 1
        apply(seat1, orders.record_payment, no, 100)         # events 2, 3
        apply(seat2, orders.edit, no, {"buyer": "b2"})       # event 4
        with seat1.engine.begin() as c:                      # cut everything after #1, fix the head row
            c.execute(text("DELETE FROM audit_events WHERE id > 1"))
            h1 = c.execute(text("SELECT hash FROM audit_events WHERE id = 1")).scalar_one()
            c.execute(text("UPDATE audit_head SET seq = 1, hash = :h"), {"h": h1})
        for seat, recorded in ((seat1, 3), (seat2, 4)):
            result = audit.verify_database(seat)  # seat 1 knows #4 too: seat 2's head is on the server
            assert result.kind == "truncated" and "#2 to #4 are missing" in result.problem
            with pytest.raises(AuditTrailDamaged, match=f"ends at event #1 but this seat recorded #{recorded}"):
                apply(seat, orders.edit, no, {"buyer": "x"})
    finally:
        seat1.dispose()
        seat2.dispose()


def test_a_seat_that_verified_knows_the_other_seats_writes(pg_url, tmp_path):
    seat1 = open_database(pg_url, data_dir=tmp_path / "seat1", create=True)
    seat2 = open_database(pg_url, data_dir=tmp_path / "seat2")
    try:
        audit.adopt_key(seat2, seat1.chain_key, "key file")
        no = make_order(seat1)                          # event 1
        apply(seat2, orders.edit, no, {"buyer": "b2"})  # event 2, written by seat 2 only
        assert audit.verify_database(seat1).ok          # seat 1 checks the trail: its heads learn #2
        with seat1.engine.begin() as c:                 # seat 2's event is cut
            c.execute(text("DELETE FROM audit_events WHERE id = 2"))
            h1 = c.execute(text("SELECT hash FROM audit_events WHERE id = 1")).scalar_one()
            c.execute(text("UPDATE audit_head SET seq = 1, hash = :h"), {"h": h1})
        assert audit.verify_database(seat1).kind == "truncated"
        with pytest.raises(AuditTrailDamaged):
            apply(seat1, orders.edit, no, {"buyer": "x"})
    finally:
        seat1.dispose()
        seat2.dispose()
