"""Exception tickets and the detection rules, on SQLite and PostgreSQL: defaults from the SLA
table, the clock paused while waiting on the customer, one active ticket per order and kind, the
rules on every change and on the sweep (every status handled), reminders and escalation at the
exact second, closing only with a resolution and evidence, attachments checked by audit verify."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.sla import OpeningHours
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import Kind, Priority, Sla, note_text
from shop_orders.services import auth, orders, permissions, rules, tickets
from shop_orders.services.uow import UnitOfWork
from shop_orders.services.verification import verify_store
from shop_orders.store import audit
from shop_orders.store.models import AuditEvent, Order, Ticket, TicketComment
from tests import factories
from tests.factories import draft

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


def run(db, fn, *args, clock=None, rules_on=True, **kw):
    return factories.run(db, fn, *args, clock=clock or (lambda: T0), rules=None if rules_on else (), **kw)


def new_order(db, clock=None, **kw) -> str:
    return run(db, lambda uow: orders.create_order(uow, OWNER, draft(**kw)).order_no, clock=clock)


def ticket_of(db, no: str, kind: Kind) -> Ticket | None:
    with db.read_session() as s:
        return s.execute(select(Ticket).where(Ticket.order_no == no, Ticket.kind == kind.value)
                         .order_by(Ticket.id.desc())).scalars().first()


def at(moment: datetime):
    return lambda: moment


# ---- opening and the SLA table ------------------------------------------------------------------

def test_a_ticket_gets_its_kinds_time_priority_and_owner_and_is_in_the_trail(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "address", note="phone dead")
    assert (tk.kind, tk.priority, tk.state, tk.assignee_role) == ("address", 1, "open", "service")
    assert tk.due_at == T0 + timedelta(hours=1)  # address: 1 h
    with db.read_session() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "ticket")).scalars().first()
        assert (ev.order_no, ev.field, ev.actor) == (no, f"ticket#{tk.id}.opened", "olivia")
        assert s.execute(select(TicketComment.text)).scalars().all() == ["phone dead"]


def test_one_active_ticket_per_order_and_kind(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "out_of_stock")
    with pytest.raises(ValidationError, match=rf"already has an open out of stock ticket \(#{tk.id}\)"):
        run(db, tickets.open_ticket, OWNER, no, "out_of_stock")
    other = run(db, tickets.open_ticket, OWNER, no, "address")  # another kind is fine
    assert other.id != tk.id


def test_bad_input_is_one_sentence_and_nothing_changes(db):
    no = new_order(db)
    with pytest.raises(ValidationError, match="unknown ticket kind 'lost'; expected one of: payment"):
        run(db, tickets.open_ticket, OWNER, no, "lost")
    with pytest.raises(ValidationError, match="unknown priority 'P9'"):
        run(db, tickets.open_ticket, OWNER, no, "other", priority="P9")
    tk = run(db, tickets.open_ticket, OWNER, no, "other")
    with pytest.raises(ValidationError, match="unknown ticket state 'done'"):
        run(db, tickets.set_state, OWNER, tk.id, "done")
    with pytest.raises(tickets.TicketNotFound, match="There is no ticket #999"):
        run(db, tickets.comment, OWNER, 999, "hello")
    with db.read_session() as s:
        assert s.execute(select(Ticket.id)).scalars().all() == [tk.id]


def test_a_ticket_for_an_archived_order_is_refused(db):
    no = new_order(db)
    resolved = run(db, tickets.open_ticket, OWNER, no, "address")
    run(db, tickets.set_state, OWNER, resolved.id, "resolved")
    with UnitOfWork(db) as uow:
        uow.session.execute(text("UPDATE orders SET archived = :a WHERE order_no = :no"), {"a": True, "no": no})
        uow.commit()
    with pytest.raises(ValidationError, match="is archived; restore it from the archive before opening a ticket"):
        run(db, tickets.open_ticket, OWNER, no, "other")
    with pytest.raises(ValidationError, match="is archived; restore it from the archive before opening a ticket"):
        run(db, tickets.set_state, OWNER, resolved.id, "open")  # nor reopened
    assert ticket_of(db, no, Kind.ADDRESS).state == "resolved"


def test_roles_without_the_right_cannot_handle_tickets(db):
    no = new_order(db)
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    run(db, auth.create_user, OWNER, "bea", "bookkeeper", "bea-secret-1")
    with pytest.raises(permissions.PermissionDenied, match="Bookkeeper may not open and handle exception tickets"):
        run(db, tickets.open_ticket, ChangeContext(Actor("bea", "bookkeeper"), "manual"), no, "other")


def test_the_owner_edits_the_sla_table_and_the_opening_hours(db):
    hours = OpeningHours(tuple(((time(9), time(18)),) if d < 5 else () for d in range(7)), ZoneInfo("UTC"))
    run(db, tickets.set_ticket_rules, OWNER, sla={Kind.OTHER: Sla(30 * 60, Priority.P1, tickets.Role.MANAGER)},
        hours=hours)
    no = new_order(db)
    friday = datetime(2026, 11, 27, 17, 45, tzinfo=UTC)
    tk = run(db, tickets.open_ticket, OWNER, no, "other", clock=at(friday))
    assert (tk.priority, tk.assignee_role) == (1, "manager")
    assert tk.due_at == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)  # 15 min on Friday, 15 on Monday
    with pytest.raises(ValidationError, match="a response time is from 1 minute to 90 days"):
        run(db, tickets.set_ticket_rules, OWNER, sla={Kind.OTHER: Sla(10, Priority.P1, tickets.Role.MANAGER)})


# ---- the clock: pause, resume, reminders, escalation ---------------------------------------------

def test_waiting_on_the_customer_pauses_the_clock_and_resuming_gives_back_the_rest(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "payment")  # 2 h from 09:00
    run(db, tickets.set_state, OWNER, tk.id, "waiting", clock=at(T0 + timedelta(minutes=30)))
    paused = ticket_of(db, no, Kind.PAYMENT)
    assert paused.due_at is None and paused.used_seconds == 1800
    run(db, tickets.set_state, OWNER, tk.id, "in_progress", clock=at(T0 + timedelta(hours=5)))
    resumed = ticket_of(db, no, Kind.PAYMENT)
    assert resumed.due_at == T0 + timedelta(hours=6, minutes=30)  # 1 h 30 min left from 14:00


def test_a_reminder_before_the_due_time_goes_once(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "payment")
    assert run(db, tickets.remind_due, T0 + timedelta(hours=1, minutes=44, seconds=59)) == []
    first = run(db, tickets.remind_due, T0 + timedelta(hours=1, minutes=45))  # 15 min before
    assert [x.id for x in first] == [tk.id]
    assert run(db, tickets.remind_due, T0 + timedelta(hours=1, minutes=50)) == []


def test_at_the_due_second_a_ticket_escalates_to_a_manager_then_the_owner(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "out_of_stock")  # P1, warehouse, 4 h
    due = T0 + timedelta(hours=4)
    assert run(db, tickets.escalate_due, due - timedelta(seconds=1)) == []
    run(db, tickets.escalate_due, due)
    once = ticket_of(db, no, Kind.OUT_OF_STOCK)
    assert (once.priority, once.assignee_role, once.assignee_user, once.escalation) == (0, "manager", "", 1)
    assert run(db, tickets.escalate_due, due + timedelta(hours=3)) == []  # the next step is one SLA later
    run(db, tickets.escalate_due, due + timedelta(hours=4))
    twice = ticket_of(db, no, Kind.OUT_OF_STOCK)
    assert (twice.priority, twice.assignee_role, twice.escalation, twice.escalate_at) == (0, "owner", 2, None)
    with db.read_session() as s:
        trail = s.execute(select(AuditEvent.source, AuditEvent.old, AuditEvent.new).where(
            AuditEvent.field == f"ticket#{tk.id}.escalated").order_by(AuditEvent.id)).all()
    assert trail == [("rule:escalation", "P1 warehouse", "P0 manager"), ("rule:escalation", "P0 manager", "P0 owner")]


def test_an_archived_orders_tickets_are_neither_reminded_nor_escalated_until_it_is_restored(db):
    no = new_order(db)
    run(db, tickets.open_ticket, OWNER, no, "out_of_stock")  # P1, 4 h, reminded 15 min before
    with db.engine.begin() as c:  # archived (the two-person rule's path is tested with change sets)
        c.execute(text("UPDATE orders SET archived = :on WHERE order_no = :no"), {"on": True, "no": no})
    late = T0 + timedelta(hours=5)
    assert run(db, tickets.remind_due, late) == [] and run(db, tickets.escalate_due, late) == []
    with db.engine.begin() as c:
        c.execute(text("UPDATE orders SET archived = :on WHERE order_no = :no"), {"on": False, "no": no})
    assert len(run(db, tickets.remind_due, late)) == 1 and len(run(db, tickets.escalate_due, late)) == 1


# ---- closing the loop -------------------------------------------------------------------------------

def test_closing_needs_a_resolution_and_evidence_and_a_reopened_ticket_gets_its_time_again(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "address")
    with pytest.raises(ValidationError, match="needs a written resolution"):
        run(db, tickets.close, OWNER, tk.id, "  ", [("photo.jpg", b"jpeg")])
    with pytest.raises(ValidationError, match="needs at least one evidence file"):
        run(db, tickets.close, OWNER, tk.id, "called the customer")
    with pytest.raises(ValidationError, match="use close"):
        run(db, tickets.set_state, OWNER, tk.id, "closed")
    assert ticket_of(db, no, Kind.ADDRESS).state == "open"  # nothing changed
    run(db, tickets.close, OWNER, tk.id, "called the customer, new address", [("call.png", b"\x89PNG")],
        clock=at(T0 + timedelta(minutes=40)))
    closed = ticket_of(db, no, Kind.ADDRESS)
    assert (closed.state, closed.resolution, closed.resolved_at) == ("closed", "called the customer, new address",
                                                                       T0 + timedelta(minutes=40))
    run(db, tickets.set_state, OWNER, tk.id, "open", clock=at(T0 + timedelta(hours=3)))
    again = ticket_of(db, no, Kind.ADDRESS)
    assert (again.state, again.due_at, again.resolved_at) == ("open", T0 + timedelta(hours=4), None)


def test_evidence_that_cannot_be_read_or_is_too_big_is_one_sentence(db, tmp_path, monkeypatch):
    with pytest.raises(ValidationError, match="cannot be read"):
        tickets.read_evidence(tmp_path / "missing.jpg")
    big = tmp_path / "video.mp4"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(tickets, "MAX_ATTACHMENT", 1024)
    with pytest.raises(ValidationError, match=r"video.mp4 is 0.0 MB; an attachment is at most 0 MB"):
        tickets.read_evidence(big)
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "other")
    with pytest.raises(ValidationError, match="empty; attach the file itself"):
        run(db, tickets.attach, OWNER, tk.id, "empty.txt", b"")


def test_attachments_are_stored_by_hash_and_audit_verify_finds_a_changed_or_forged_one(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "other")
    run(db, tickets.attach, OWNER, tk.id, "receipt.pdf", b"%PDF-1.7 receipt")
    run(db, tickets.attach, OWNER, tk.id, "copy.pdf", b"%PDF-1.7 receipt")  # same content: stored once
    with db.read_session() as s:
        assert s.execute(text("SELECT COUNT(*) FROM attachment_blobs")).scalar() == 1
    assert verify_store(db).ok
    with db.engine.begin() as c:
        c.execute(text("UPDATE attachment_blobs SET data = :d"), {"d": b"%PDF-1.7 forged!"})
    result = verify_store(db)
    assert not result.ok and result.kind == "attachment"
    assert f"ticket #{tk.id} on {no}, attachment receipt.pdf: the file was altered" in result.problem


def test_an_attachment_added_behind_the_apps_back_is_reported(db):
    no = new_order(db)
    tk = run(db, tickets.open_ticket, OWNER, no, "other")
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO attachment_blobs (sha256, size, data) VALUES (:h, 1, :d)"), {"h": "0" * 64, "d": b"x"})
        c.execute(text("INSERT INTO ticket_attachments (ticket_id, sha256, name, size, added_at, added_by) "
                       "VALUES (:t, :h, 'forged.jpg', 1, :at, 'mallory')"), {"t": tk.id, "h": "0" * 64, "at": T0})
    result = verify_store(db)
    assert "forged.jpg: the audit trail has no record of this file being attached" in result.problem


# ---- the rules -------------------------------------------------------------------------------------

def test_every_rule_says_what_it_does_for_every_status():
    for rule in rules.RULES:
        assert set(rule.applies) == set(Status), rule.name
        for status in Status:  # each answer is a decision, and firing never crashes on any status
            facts = rules.Facts(1, "SO-1", status, 100, 50, "CNY", T0, stale=True)
            assert rule.fires(facts) is None or rule.applies[status]
    with pytest.raises(AssertionError, match="does not say what it does for every status"):
        rules.register(rules.Rule("partial", Kind.OTHER, {Status.SHIPPED: True}, lambda f: "x", lambda f: "", True))


def test_a_payment_mismatch_opens_a_ticket_on_the_change_itself(db):
    no = new_order(db, status=Status.AWAITING_SHIPMENT)  # nothing paid but waiting to ship
    tk = ticket_of(db, no, Kind.PAYMENT)
    assert tk is not None and tk.source == "rule:payment" and tk.rule_key == "paid 0 expected 37500"
    deposit = new_order(db, status=Status.AWAITING_PAYMENT)
    run(db, orders.record_payment, OWNER, deposit, 5000)  # a deposit: partially paid, not a mismatch
    assert ticket_of(db, deposit, Kind.PAYMENT) is None


def notes(s, lang="en") -> list[str]:
    return [note_text(x, lang) for x in s.execute(select(TicketComment.text).order_by(TicketComment.id)).scalars()]


def test_a_typed_comment_that_looks_like_a_rules_note_stays_as_typed():
    forged = 'rule-note {"m": "{order.__class__}", "v": {"order": "x"}}'
    assert note_text(forged) == forged
    assert note_text('rule-note {"m": "{order} is {status} with {paid} paid of {total}.", "v": {"order": 1}}') \
        .startswith("rule-note")


def test_a_rule_firing_again_adds_to_the_open_ticket_only_when_what_it_sees_changed(db):
    no = new_order(db, status=Status.AWAITING_SHIPMENT)
    opened = [f"{no} is Awaiting shipment with 0.00 paid of 375.00 CNY."]
    run(db, orders.edit, OWNER, no, {"courier": "SF"})  # fires again, same mismatch: nothing new
    with db.read_session() as s:
        assert notes(s) == opened
    run(db, orders.record_payment, OWNER, no, 100)  # a different mismatch: added to the same ticket
    with db.read_session() as s:
        assert len(s.execute(select(Ticket.id).where(Ticket.order_no == no)).scalars().all()) == 1
        assert notes(s) == [*opened, f"{no} is Awaiting shipment with 1.00 paid of 375.00 CNY."]
        assert notes(s, "zh_CN")[1] == f"{no} 为待发货，已付 1.00，应付 375.00 CNY。"  # stored as codes, read in either
    assert ticket_of(db, no, Kind.PAYMENT).rule_key == "paid 100 expected 37500"


def test_rules_can_be_turned_off_for_a_unit_of_work(db):
    no = run(db, lambda uow: orders.create_order(uow, OWNER, draft(status=Status.AWAITING_SHIPMENT)).order_no,
             rules_on=False)
    assert ticket_of(db, no, Kind.PAYMENT) is None
    outcome = run(db, rules.sweep, T0)  # the sweep finds it
    assert outcome.opened == 1 and ticket_of(db, no, Kind.PAYMENT) is not None
    assert run(db, rules.sweep, T0).opened == 0  # and only once


def test_a_stale_order_gets_a_stuck_ticket_from_the_sweep_once(db):
    old = T0 - timedelta(hours=80)
    no = new_order(db, clock=at(old), status=Status.AWAITING_PAYMENT)
    fresh = new_order(db, status=Status.AWAITING_PAYMENT)
    assert run(db, rules.sweep, T0 - timedelta(hours=9), every_rule=False).opened == 0  # 71 h: not yet
    outcome = run(db, rules.sweep, T0, every_rule=False)
    assert outcome.opened == 1 and ticket_of(db, fresh, Kind.STUCK) is None
    stuck = ticket_of(db, no, Kind.STUCK)
    assert (stuck.assignee_role, stuck.source) == ("manager", "rule:stuck")
    assert run(db, rules.sweep, T0 + timedelta(minutes=5), every_rule=False).opened == 0


def test_archived_orders_are_left_to_the_archive_by_the_sweep_and_by_changes(db):
    stale = new_order(db, clock=at(T0 - timedelta(hours=80)), status=Status.AWAITING_PAYMENT)
    unpaid = run(db, lambda uow: orders.create_order(uow, OWNER, draft(status=Status.AWAITING_SHIPMENT)).order_no,
                 rules_on=False)
    with UnitOfWork(db, rules=()) as uow:
        uow.session.execute(text("UPDATE orders SET archived = :a WHERE order_no IN (:x, :y)"),
                            {"a": True, "x": stale, "y": unpaid})
        uow.commit()
    assert run(db, rules.sweep, T0).opened == 0
    with db.read_session() as s:
        oid = s.execute(select(Order.id).where(Order.order_no == unpaid)).scalar_one()
    run(db, rules.on_change, [audit.PendingEvent(T0, "olivia", "manual", oid, unpaid, "edit", "courier")])
    assert ticket_of(db, stale, Kind.STUCK) is None and ticket_of(db, unpaid, Kind.PAYMENT) is None


def test_a_channel_cancel_of_a_shipped_order_opens_a_cancel_ticket_once(db):
    no = new_order(db, status=Status.AWAITING_PAYMENT)
    run(db, orders.record_payment, OWNER, no, 37500)
    run(db, orders.ship, ChangeContext(OWNER.actor, "scan"), no)
    with db.read_session() as s:
        oid = s.execute(select(Order.id).where(Order.order_no == no)).scalar_one()
    imp = ChangeContext(Actor("olivia", "owner"), "import:taobao.csv")
    assert run(db, rules.channel_cancelled, imp, [oid]).opened == 1
    assert run(db, rules.channel_cancelled, imp, [oid]).opened == 0  # the same file again
    tk = ticket_of(db, no, Kind.CANCEL)
    assert (tk.priority, tk.assignee_role) == (0, "service")
    assert tk.due_at == T0 + timedelta(minutes=30)


def test_the_figures_give_the_sla_hit_rate_and_time_to_resolve(db):
    a, b = new_order(db), new_order(db)
    t1 = run(db, tickets.open_ticket, OWNER, a, "address")
    t2 = run(db, tickets.open_ticket, OWNER, b, "address")
    run(db, tickets.set_state, OWNER, t1.id, "resolved", clock=at(T0 + timedelta(minutes=30)))  # in time
    run(db, tickets.set_state, OWNER, t2.id, "resolved", clock=at(T0 + timedelta(hours=2)))  # late
    with db.read_session() as s:
        kinds, people, overall = tickets.stats(s)
    address = next(f for f in kinds if f.group == "address")
    assert (address.tickets, address.resolved, address.in_time, address.hit_rate) == (2, 2, 1, 0.5)
    assert address.mean_resolve_s == 4500 and overall.tickets == 2
    assert [f.group for f in people] == ["service"]
