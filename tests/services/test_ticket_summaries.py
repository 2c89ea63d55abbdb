"""History does not flood the ticket queue (issue 26), on SQLite and PostgreSQL: orders already past
their staleness threshold at the store's first sweep, or when an import brought them later, go
into one summary ticket per kind and age band, with their orders listed, audited on each order's
trail and shown by the grid's filter; the owner may choose one ticket per order instead; orders a
summary ticket holds get nothing more while it is active, and news after it is a ticket of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.grid import GridQuery
from shop_orders.domain.staleness import Thresholds
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, note_text
from shop_orders.services import orders, rules, tickets
from shop_orders.services.browse import OrderBrowser, TicketBrowser, TicketFilter
from shop_orders.store.models import AuditEvent, Order, Setting, Ticket, TicketComment
from tests.services.test_tickets import OWNER, at, new_order, run

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def stuck_tickets(db) -> list[Ticket]:
    with db.read_session() as s:
        found = list(s.execute(select(Ticket).where(Ticket.kind == Kind.STUCK.value).order_by(Ticket.id)).scalars())
        for tk in found:
            s.expunge(tk)
        return found


def last_update(db, order_no: str, when: datetime) -> None:
    """An order as an import brings it: the channel's last update, older than its arrival here."""
    with db.write_session() as s:
        s.execute(Order.__table__.update().where(Order.__table__.c.order_no == order_no).values(updated_at=when))
        s.commit()


def history_store(db) -> dict[str, list[str]]:
    """Unpaid orders (72 h threshold) last updated 4, 5, 10, 40 and 50 days before T0, and a fresh one."""
    made: dict[str, list[str]] = {"3-7d": [], "7-30d": [], "30d+": [], "fresh": []}
    for days, band in ((4, "3-7d"), (5, "3-7d"), (10, "7-30d"), (40, "30d+"), (50, "30d+")):
        made[band].append(new_order(db, clock=at(T0 - days * DAY), status=Status.AWAITING_PAYMENT))
    made["fresh"].append(new_order(db, clock=at(T0 - DAY), status=Status.AWAITING_PAYMENT))
    return made


def test_the_first_sweep_gathers_history_into_one_ticket_per_age_band_with_its_orders(db):
    made = history_store(db)
    outcome = run(db, rules.sweep, T0, every_rule=False)
    assert (outcome.opened, outcome.summarised) == (0, 5)  # five old orders, no ticket of their own
    found = stuck_tickets(db)
    assert sorted(tk.rule_key for tk in found) == sorted(["summary:30d+", "summary:3-7d", "summary:7-30d"])
    with db.read_session() as s:
        for tk in found:
            band = tk.rule_key.split(":", 1)[1]
            held = tickets.summary_order_numbers(s, int(tk.id or 0))
            assert held == sorted(made[band])
            assert tk.order_no == made[band][-1]  # it stands on the band's longest-quiet order
            note = s.execute(select(TicketComment.text).where(TicketComment.ticket_id == tk.id)).scalar_one()
            assert note_text(note).startswith(f"{len(held)} orders were already past their staleness threshold")
            # each order's own trail says which ticket holds it
            for no in held:
                assert s.execute(select(AuditEvent.field).where(
                    AuditEvent.order_no == no, AuditEvent.field == f"ticket#{tk.id}.summary")).scalar_one()
        first = s.get(Setting, tickets.FIRST_SWEEP_KEY)
        assert first is not None and T0.isoformat() in first.value  # the first sweep is kept (and audited)
        assert s.execute(select(AuditEvent).where(AuditEvent.field == tickets.FIRST_SWEEP_KEY)).scalar_one()
    again = run(db, rules.sweep, T0 + timedelta(minutes=5), every_rule=False)
    assert (again.opened, again.updated, again.summarised) == (0, 0, 0)  # held: nothing more
    assert len(stuck_tickets(db)) == 3


def test_the_panel_lists_a_summary_ticket_with_its_count_and_the_grid_filters_to_its_orders(db):
    made = history_store(db)
    run(db, rules.sweep, T0, every_rule=False)
    browser = TicketBrowser(db)
    ids = browser.ids(TicketFilter(), OWNER.actor, T0)
    rows = {r.band: r for r in browser.rows(ids, T0)}
    assert (rows["3-7d"].orders, rows["7-30d"].orders, rows["30d+"].orders) == (2, 1, 2)
    thirty = rows["30d+"]
    assert browser.summary_orders(thirty.id) and len(browser.summary_orders(thirty.id)) == 2
    grid = OrderBrowser(db)
    q = GridQuery(summary_of=thirty.id)
    assert grid.count(q) == 2
    assert sorted(r.order_no for r in grid.window(q, 0, 50, 2)) == sorted(made["30d+"])



def test_the_orders_a_summary_holds_count_as_orders_with_open_tickets_until_it_is_closed(db):
    """The grid's "With open tickets" (filter, count beside it, badge per row) includes every order
    an active summary ticket holds, once each, and none of them once it is closed."""
    made = history_store(db)
    run(db, rules.sweep, T0, every_rule=False)
    held = sorted(made["3-7d"] + made["7-30d"] + made["30d+"])
    grid = OrderBrowser(db)
    q = GridQuery(with_tickets=True)
    assert grid.count(q) == 5 and grid.facets(Thresholds(), T0).tickets == 5
    rows = grid.window(q, 0, 50, 5)
    assert sorted(r.order_no for r in rows) == held
    assert {r.order_no: r.tickets for r in rows} == {no: 1 for no in held}  # the one it stands on too, once
    for tk in stuck_tickets(db):
        run(db, tickets.close, OWNER, int(tk.id or 0), "paid reminders sent to every buyer",
            [("reminders.txt", b"sent")])
    assert grid.count(q) == 0 and grid.facets(Thresholds(), T0).tickets == 0

def test_with_one_ticket_per_order_history_is_ticketed_like_news(db):
    history_store(db)
    run(db, tickets.set_ticket_rules, OWNER, history="each")
    with db.read_session() as s:
        assert tickets.ticket_rules(s).history == "each"
    outcome = run(db, rules.sweep, T0, every_rule=False)
    assert (outcome.opened, outcome.summarised) == (5, 0)
    assert not any(tk.rule_key.startswith("summary:") for tk in stuck_tickets(db))
    with pytest.raises(ValidationError, match="'sometimes' is not a choice for old stale orders"):
        run(db, tickets.set_ticket_rules, OWNER, history="sometimes")


def test_an_order_going_stale_after_the_first_sweep_is_news_and_an_import_of_old_orders_is_history(db):
    run(db, rules.sweep, T0 - 10 * DAY, every_rule=False)  # the store's first sweep, on an empty store
    news = new_order(db, clock=at(T0 - 4 * DAY), status=Status.AWAITING_PAYMENT)  # stale from T0 - 1 day
    outcome = run(db, rules.sweep, T0, every_rule=False)
    assert (outcome.opened, outcome.summarised) == (1, 0)
    [tk] = stuck_tickets(db)
    assert tk.order_no == news and not tk.rule_key.startswith("summary:")
    # an import at T0 of an order last updated 20 days ago: already stale when it came in
    old = new_order(db, clock=at(T0), status=Status.AWAITING_PAYMENT)
    last_update(db, old, T0 - 20 * DAY)  # the channel's own last update, older than its arrival
    outcome = run(db, rules.sweep, T0 + timedelta(minutes=1), every_rule=False)
    assert (outcome.opened, outcome.summarised) == (0, 1)
    summary = [tk for tk in stuck_tickets(db) if tk.rule_key == "summary:7-30d"]
    assert len(summary) == 1 and summary[0].order_no == old


def test_later_history_joins_the_bands_open_summary_and_after_closing_only_news_is_a_ticket(db):
    made = history_store(db)
    run(db, rules.sweep, T0, every_rule=False)
    [band] = [tk for tk in stuck_tickets(db) if tk.rule_key == "summary:3-7d"]
    late = new_order(db, clock=at(T0), status=Status.AWAITING_PAYMENT)  # imported at T0, last update 6 days before
    last_update(db, late, T0 - 6 * DAY)
    outcome = run(db, rules.sweep, T0 + timedelta(minutes=1), every_rule=False)
    assert (outcome.opened, outcome.summarised) == (0, 1)
    with db.read_session() as s:
        assert tickets.summary_order_numbers(s, int(band.id or 0)) == sorted([*made["3-7d"], late])
        assert s.execute(select(AuditEvent.new).where(AuditEvent.field == f"ticket#{band.id}.orders")).scalar_one() == "3"
    # closed: the same sightings are not news; an order updated and stale again later is
    run(db, tickets.close, OWNER, int(band.id or 0), "Old orders: asked the channel, all abandoned",
        [("channel.png", b"a screenshot")])
    assert run(db, rules.sweep, T0 + timedelta(minutes=2), every_rule=False).opened == 0
    touched = made["3-7d"][0]
    run(db, orders.edit, OWNER, touched, {"buyer": "someone else"}, clock=at(T0 + timedelta(minutes=3)))
    outcome = run(db, rules.sweep, T0 + 4 * DAY, every_rule=False)
    own = [tk for tk in stuck_tickets(db) if tk.order_no == touched and not tk.rule_key.startswith("summary:")]
    assert outcome.opened >= 1 and len(own) == 1
    from shop_orders.services.verification import verify_store

    assert verify_store(db).ok  # every order gathered, early or late, is on the record


def test_an_order_slipped_into_a_summary_behind_the_apps_back_is_reported_by_audit_verify(db):
    """Someone who can write the database file cannot silence the rules for an order by adding it
    to a summary ticket (held orders get no ticket of their own): audit verify names it."""
    from sqlalchemy import text

    from shop_orders.services.verification import verify_store

    made = history_store(db)
    run(db, rules.sweep, T0, every_rule=False)
    assert verify_store(db).ok
    [band] = [tk for tk in stuck_tickets(db) if tk.rule_key == "summary:3-7d"]
    quiet = new_order(db, clock=at(T0), status=Status.AWAITING_PAYMENT)
    with db.engine.begin() as c:
        oid = c.execute(text("SELECT id FROM orders WHERE order_no = :n"), {"n": quiet}).scalar_one()
        c.execute(text("INSERT INTO ticket_orders (ticket_id, order_id, rule_key) VALUES (:t, :o, 'forged')"),
                  {"t": band.id, "o": oid})
    result = verify_store(db)
    assert (result.kind, result.order_no) == ("summary", quiet)
    assert f"ticket #{band.id} holds order {quiet}, but the audit trail has no record" in (result.problem or "")
    assert made["3-7d"]  # the orders gathered on the record still check
