"""Issue 24, item 1: one store identity and one chain that every seat can check.

Each seat is a process with its own data folder on one PostgreSQL database (tests/seats/conftest.py)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from shop_orders.store import audit
from shop_orders.store.db import resolve_url
from shop_orders.store.errors import AuditTrailDamaged
from shop_orders.store.open import open_database
from tests.seats.conftest import cli, data_dir


def _sql(url: str, *statements: str) -> None:
    engine = create_engine(resolve_url(url))
    with engine.begin() as c:
        for s in statements:
            c.execute(text(s))
    engine.dispose()


def _two_seats(pg_url, tmp_path):
    """Seat 1 makes the store with a few orders; seat 2 gets the key by file, as the owner moves it."""
    one, two = tmp_path / "seat1", tmp_path / "seat2"
    cli(one, pg_url, "init")
    cli(one, pg_url, "demo", "--orders", "5", "--seed", "3")
    key = tmp_path / "usb.key"
    cli(one, pg_url, "audit", "key", "export", str(key))
    cli(two, pg_url, "audit", "key", "import", str(key))
    return one, two


def _an_order(home, url) -> str:
    return str(json.loads(cli(home, url, "orders", "--format", "json").stdout)[0]["id"])


def test_a_deleted_store_id_is_refused_by_a_new_seat_and_by_the_real_ones(pg_url, tmp_path):
    one, two = _two_seats(pg_url, tmp_path)
    _sql(pg_url, "DELETE FROM settings WHERE key = 'audit_store_id'")
    new = cli(tmp_path / "seat3", pg_url, "init", check=False)  # a new seat would re-key the store
    assert new.returncode == 1 and "audit store id" in new.stderr and "is missing" in new.stderr
    for seat in (one, two):
        res = cli(seat, pg_url, "orders", check=False)
        assert res.returncode == 1 and "audit store id" in res.stderr
    # Nothing was re-keyed: the store id is still missing, no key file was made for seat 3.
    assert not (data_dir(tmp_path / "seat3") / "audit-keys").exists() or not any(
        (data_dir(tmp_path / "seat3") / "audit-keys").iterdir())


def test_a_changed_store_id_stops_the_seats_that_keyed_it(pg_url, tmp_path):
    one, _two = _two_seats(pg_url, tmp_path)
    order = _an_order(one, pg_url)
    _sql(pg_url, "UPDATE settings SET value = '\"0123456789abcdef0123456789abcdef\"' WHERE key = 'audit_store_id'")
    res = cli(one, pg_url, "edit", order, "--buyer", "x", check=False)
    assert res.returncode == 1 and "is not the one this computer keyed there" in res.stderr


def test_a_cut_tail_one_seat_saw_stops_every_seat(pg_url, tmp_path):
    """Seat 2 last wrote at the start; seat 1 writes more; the newest events are cut and the head
    row fixed. Seat 2's own head files cannot know; seat 1's head on the server does."""
    one, two = _two_seats(pg_url, tmp_path)
    order = _an_order(one, pg_url)
    cli(two, pg_url, "edit", order, "--buyer", "seat two")  # seat 2's head: here
    engine = create_engine(resolve_url(pg_url))
    with engine.connect() as c:
        before = c.execute(text("SELECT seq FROM audit_head")).scalar_one()
    engine.dispose()
    cli(one, pg_url, "edit", order, "--buyer", "seat one")  # seat 1 writes two more events' worth
    cli(one, pg_url, "pay", order, "1", check=False)
    _sql(pg_url, f"DELETE FROM audit_events WHERE id > {before}",
         f"UPDATE audit_head SET seq = {before}, hash = (SELECT hash FROM audit_events WHERE id = {before})")
    res = cli(two, pg_url, "edit", order, "--buyer", "over the cut", check=False)
    assert res.returncode == 1
    assert f"ends at event #{before} but the seat on" in res.stderr and "writing stopped" in res.stderr
    verify = cli(two, pg_url, "audit", "verify", check=False)
    assert verify.returncode == 1 and "[truncated]" in verify.stderr


def test_a_seat_head_rewritten_on_the_server_is_reported(pg_url, tmp_path):
    one, two = _two_seats(pg_url, tmp_path)
    order = _an_order(one, pg_url)
    cli(one, pg_url, "edit", order, "--buyer", "b")
    _sql(pg_url, "UPDATE seat_heads SET seq = seq - 1, hash = (SELECT prev_hash FROM audit_events "
                 "WHERE id = (SELECT seq FROM audit_head))")
    res = cli(two, pg_url, "edit", order, "--buyer", "c", check=False)
    assert res.returncode == 1 and "was changed outside Shop Orders" in res.stderr
    verify = cli(two, pg_url, "audit", "verify", check=False)
    assert verify.returncode == 1 and "[head-forged]" in verify.stderr


@pytest.mark.parametrize("spelling", ["localhost", "?sslmode=disable", "?sslmode=prefer&connect_timeout=5"])
def test_the_same_store_under_another_spelling_is_the_same_store(pg_url, tmp_path, spelling):
    """Head files are named by the server's identity, not by the URL's text (item 3)."""
    home = tmp_path / "seat"
    cli(home, pg_url, "init")
    cli(home, pg_url, "demo", "--orders", "3", "--seed", "1")
    other = pg_url.replace("127.0.0.1", "localhost") if spelling == "localhost" else pg_url + spelling
    order = _an_order(home, other)
    cli(home, other, "edit", order, "--buyer", "spelt otherwise")  # writes: the heads are found
    assert "intact" in cli(home, pg_url, "audit", "verify").stdout
    heads = sorted(p.name for p in (data_dir(home) / "audit-heads").iterdir())
    # (the address as written, not "127": a name's hex digits may hold those three by chance)
    assert len(heads) == 2 and all("127.0.0.1" not in n and "localhost" not in n and "so_test" not in n
                                   for n in heads)


def test_a_seat_never_writes_over_a_cut_in_process(pg_url, tmp_path):
    """The same, through the services, as one seat's window would: seat 2 opened before seat 1's writes."""
    from shop_orders.services import orders
    from tests.factories import apply, make_order

    seat1 = open_database(pg_url, data_dir=tmp_path / "s1", create=True)
    seat2 = open_database(pg_url, data_dir=tmp_path / "s2")
    try:
        audit.adopt_key(seat2, seat1.chain_key, "key file")
        no = make_order(seat1)                                    # event 1
        apply(seat2, orders.edit, no, {"buyer": "b2"})            # event 2: seat 2's last
        apply(seat1, orders.record_payment, no, 100)              # events 3...
        _sql(pg_url, "DELETE FROM audit_events WHERE id > 2",
             "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_events WHERE id = 2)")
        with pytest.raises(AuditTrailDamaged, match="but the seat on"):
            apply(seat2, orders.edit, no, {"buyer": "over the cut"})
        assert audit.verify_database(seat2).kind == "truncated"
    finally:
        seat1.dispose()
        seat2.dispose()


def test_a_forged_seat_head_is_cleared_by_the_owners_heads_reset_and_writing_goes_on(pg_url, tmp_path):
    """A row nobody with the key wrote proves nothing; it must not stop the shop for good."""
    one, two = _two_seats(pg_url, tmp_path)
    order = _an_order(one, pg_url)
    _sql(pg_url, "INSERT INTO seat_heads (seat, host, seq, hash, mac, at) VALUES "
                 "('ffffffffffffffffffffffffffffffff', 'nowhere', 1, 'x', 'forged', CURRENT_TIMESTAMP)")
    assert cli(one, pg_url, "edit", order, "--buyer", "b", check=False).returncode == 1
    cli(one, pg_url, "audit", "heads", "reset")
    cli(two, pg_url, "edit", order, "--buyer", "goes on")
    assert "intact" in cli(two, pg_url, "audit", "verify").stdout
