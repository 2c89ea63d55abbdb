"""Matching statement lines to orders (services/reconcile.py), on SQLite and PostgreSQL: every rule
of the chain, refunds and fees to their payment, payouts many to one (and one that does not add
up), a second run that adds nothing, exclusion by rule, the bookkeeper's decisions by hand in the
trail, the two-person rule on a large match by hand, payment tickets opened on red and resolved
on green, and the 0.5% boundary on both sides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.reconcile import Figures, State, order_state, within_tolerance
from shop_orders.domain.statements import LineKind, Statement, StatementLine
from shop_orders.domain.status import Status
from shop_orders.services import auth, changesets, permissions, reconcile, statements
from shop_orders.services.verification import verify_store
from shop_orders.store.models import (
    AuditEvent,
    LineMatch,
    Order,
    OrderReconciliation,
    StatementLineRow,
    Ticket,
)
from tests.factories import make_order, run, settled_user

OWNER, BOOKKEEPER, MANAGER, SERVICE = (Actor("olivia", "owner"), Actor("bea", "bookkeeper"), Actor("max", "manager"),
                                       Actor("sam", "service"))
PASSWORDS = {a.name: f"{a.name}-secret-1" for a in (OWNER, BOOKKEEPER, MANAGER, SERVICE)}
T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
_ext = iter(range(1, 10**9))


def ctx(actor: Actor, reason: str = "") -> ChangeContext:
    return ChangeContext(actor, "manual", reason)


@pytest.fixture
def shop(db):
    run(db, auth.create_user, ctx(OWNER), OWNER.name, OWNER.role, PASSWORDS[OWNER.name])
    for a in (BOOKKEEPER, MANAGER, SERVICE):
        settled_user(db, ctx(OWNER), a.name, a.role, PASSWORDS[a.name])
    return db


def order(db, channel="tmall", no=None, paid=10000, currency="CNY", status=Status.AWAITING_SHIPMENT, at=T0):
    """An order paid `paid` on `channel`; returns (id, order number, channel order number)."""
    no = no or f"{4100000000000000000 + next(_ext)}"
    order_no = make_order(db, channel=channel, channel_order_no=no, paid_minor=paid, currency=currency,
                          status=status, created_at=at, total_minor=paid)
    with db.read_session() as s:
        oid = s.execute(select(Order.id).where(Order.order_no == order_no)).scalar_one()
    return oid, order_no, no


def statement(db, provider: str, *lines: dict, start=T0 - timedelta(days=1), end=T0 + timedelta(days=5)) -> list[int]:
    """A statement of `provider` with these lines (fields of domain.statements.StatementLine),
    imported through services/statements.apply as `statements import` does; returns the lines' ids."""
    made = []
    for i, fields in enumerate(lines, 1):
        base = dict(row=i, external_id=f"x{next(_ext)}", kind="payment", amount_minor=10000, currency="CNY",
                    occurred_at=T0 + timedelta(hours=1))
        base.update(fields)
        base["kind"] = LineKind(base["kind"])
        made.append(StatementLine(**base))
    st = Statement(provider, "test", "shop@example.com", tuple(made), start, end)
    done = run(db, statements.apply, ctx(OWNER), statements.StatementPlan("test.csv", "0" * 64, st, st.lines, 0))
    with db.read_session() as s:
        return list(s.execute(select(StatementLineRow.id).where(StatementLineRow.statement_id == done.statement_id)
                              .order_by(StatementLineRow.row_no)).scalars())


def reconcile_run(db, actor=BOOKKEEPER, **kw) -> reconcile.RunSummary:
    return run(db, reconcile.run, ctx(actor), **kw)


def line(db, lid: int) -> StatementLineRow:
    with db.read_session() as s:
        return s.get(StatementLineRow, lid)


def matches(db, lid: int) -> list[tuple[int, int, str]]:
    with db.read_session() as s:
        return [(m.order_id, m.amount_minor, m.rule) for m in
                s.execute(select(LineMatch).where(LineMatch.line_id == lid)).scalars()]


def recon(db, oid: int) -> OrderReconciliation | None:
    with db.read_session() as s:
        return s.get(OrderReconciliation, oid)


def payment_tickets(db, oid: int) -> list[tuple[str, str]]:
    with db.read_session() as s:
        return [(tk.state, tk.rule_key) for tk in s.execute(
            select(Ticket).where(Ticket.order_id == oid, Ticket.kind == "payment").order_by(Ticket.id)).scalars()]


# ---- the rules ------------------------------------------------------------------------------------

def test_every_keyed_rule_matches_the_one_order_and_says_which_rule(shop):
    db = shop
    exact = order(db, "tmall")
    pre = order(db, "tmall")
    base = order(db, "tmall")
    memo = order(db, "taobao")
    shopify = order(db, "shopify", no="#1001", currency="USD")
    ours = order(db, "pos")
    a = statement(db, "alipay",
                  dict(merchant_order_no=exact[2]),
                  dict(merchant_order_no=f"T200P{pre[2]}"),
                  dict(merchant_order_no="T200P999999999999", platform_order_no=base[2]),
                  dict(memo=f"货款 订单 {memo[2]} 谢谢"),
                  dict(memo=f"till sale {ours[1].lower()}"))
    s = statement(db, "shopify_payments", dict(platform_order_no="1001", currency="USD"))
    summary = reconcile_run(db)
    assert [matches(db, i) for i in a] == [[(exact[0], 10000, "exact")], [(pre[0], 10000, "prefix")],
                                           [(base[0], 10000, "base_order")], [(memo[0], 10000, "memo")],
                                           [(ours[0], 10000, "memo")]]
    assert matches(db, s[0]) == [(shopify[0], 10000, "prefix")]  # '#' + 1001
    assert [line(db, i).rule for i in a] == ["exact", "prefix", "base_order", "memo", "memo"]
    assert all(line(db, i).state == "matched" for i in [*a, *s])
    assert summary.matched["exact"] == 1 and summary.matched["memo"] == 2 and summary.matched_total == 6
    assert recon(db, exact[0]).state == "green" and recon(db, exact[0]).line_count == 1


def test_a_number_two_orders_fit_or_of_a_channel_the_provider_does_not_pay_for_is_no_match(shop):
    db = shop
    _tb = order(db, "taobao", no="555000111")
    _tm = order(db, "tmall", no="555000111")
    shopify = order(db, "shopify", no="777000222")
    ids = statement(db, "alipay", dict(merchant_order_no="555000111"), dict(merchant_order_no="777000222"))
    reconcile_run(db)
    assert [line(db, i).state for i in ids] == ["open", "open"]
    assert recon(db, shopify[0]) is None


def test_amount_and_time_take_the_one_candidate_never_two(shop):
    db = shop
    one = order(db, "tmall", paid=12345, at=T0 - timedelta(days=1))
    order(db, "tmall", paid=777, at=T0 - timedelta(days=1))
    order(db, "taobao", paid=777, at=T0 - timedelta(days=2))
    order(db, "tmall", paid=4242, at=T0 - timedelta(days=10))  # paid long before: not a candidate
    ids = statement(db, "alipay", dict(amount_minor=12345), dict(amount_minor=777), dict(amount_minor=4242))
    reconcile_run(db)
    assert matches(db, ids[0]) == [(one[0], 12345, "amount_time")]
    assert line(db, ids[1]).state == "open" and line(db, ids[2]).state == "open"


def test_refunds_and_fees_go_to_their_payments_order_and_fees_are_not_received_money(shop):
    db = shop
    oid, _no, cno = order(db, "shopify", paid=9000, currency="USD", no="#2002")
    ids = statement(db, "stripe",
                    dict(kind="payment", amount_minor=10000, currency="USD", merchant_order_no="#2002",
                         provider_txn="ch_1"),
                    dict(kind="refund", amount_minor=-1000, currency="USD", original_txn="ch_1", provider_txn="re_1"),
                    dict(kind="fee", amount_minor=-320, currency="USD", original_txn="ch_1"))
    reconcile_run(db)
    assert [matches(db, i) for i in ids] == [[(oid, 10000, "exact")], [(oid, -1000, "refund")],
                                             [(oid, -320, "fee")]]
    r = recon(db, oid)
    assert (r.state, r.expected_minor, r.received_minor, r.difference_minor, r.line_count) == ("green", 9000, 9000, 0,
                                                                                                 3)


def test_an_alipay_refund_carrying_its_payments_trade_number_finds_the_order(shop):
    db = shop
    oid, _no, cno = order(db, "tmall", paid=5000)
    ids = statement(db, "alipay", dict(amount_minor=10000, merchant_order_no=f"T200P{cno}", provider_txn="2026112022001"),
                    dict(kind="refund", amount_minor=-5000, provider_txn="2026112022001"))
    reconcile_run(db)
    assert matches(db, ids[1]) == [(oid, -5000, "refund")]
    assert recon(db, oid).state == "green"


def test_a_payout_is_matched_to_the_lines_it_paid_out_when_they_add_up_else_stays_open_with_the_difference(shop):
    db = shop
    order(db, "shopify", no="#3001", currency="USD")
    good = statement(db, "stripe",
                     dict(kind="payment", amount_minor=10000, fee_minor=-320, currency="USD", payout_id="po_1",
                          merchant_order_no="#3001"),
                     dict(kind="payment", amount_minor=5000, fee_minor=-175, currency="USD", payout_id="po_1"),
                     dict(kind="payout", amount_minor=-14505, currency="USD", payout_id="po_1"),
                     dict(kind="payment", amount_minor=2000, currency="USD", payout_id="po_2"),
                     dict(kind="payout", amount_minor=-2100, currency="USD", payout_id="po_2"))
    summary = reconcile_run(db)
    assert line(db, good[2]).state == "matched" and line(db, good[2]).rule == "payout"
    assert [line(db, i).paid_out_by for i in good[:2]] == [good[2], good[2]]
    assert line(db, good[4]).state == "open" and reconcile.payout_difference(line(db, good[4]).reason) == -100
    assert line(db, good[3]).paid_out_by is None
    assert summary.payouts_off == [(good[4], -100, "USD")] and summary.matched["payout"] == 1


def test_what_is_not_a_sale_is_excluded_by_rule_never_left_unmatched(shop):
    db = shop
    ids = statement(db, "alipay", dict(kind="transfer", amount_minor=-50000, memo="余额宝-自动转入"),
                    dict(kind="other", amount_minor=-100), dict(kind="payment", amount_minor=20000, memo="余额宝收益"),
                    dict(kind="payment", amount_minor=20000, memo="unknown buyer"))
    withdrawal = statement(db, "alipay", dict(kind="payout", amount_minor=-100000, memo="提现到银行卡"))
    bank = statement(db, "bank", dict(kind="payment", amount_minor=30000, memo="转账 Zhang San"))
    summary = reconcile_run(db)
    assert [(line(db, i).state, line(db, i).rule) for i in ids] == [
        ("excluded", "not_sale"), ("excluded", "not_sale"), ("excluded", "not_sale"), ("open", "")]
    assert line(db, bank[0]).state == "open"  # a customer's bank transfer is how orders are paid
    assert (line(db, withdrawal[0]).state, line(db, withdrawal[0]).rule) == ("excluded", "not_sale")
    assert summary.excluded == 4


def test_a_second_run_adds_nothing(shop):
    db = shop
    oid, _n, cno = order(db, "tmall")
    ids = statement(db, "alipay", dict(merchant_order_no=cno), dict(kind="transfer", amount_minor=-1))
    reconcile_run(db)
    with db.read_session() as s:
        before = (s.execute(select(LineMatch)).all().__len__(), s.execute(select(Ticket)).all().__len__())
    again = reconcile_run(db)
    with db.read_session() as s:
        after = (s.execute(select(LineMatch)).all().__len__(), s.execute(select(Ticket)).all().__len__())
    assert again.matched_total == 0 and again.excluded == 0 and before == after == (1, 0)
    assert matches(db, ids[0]) == [(oid, 10000, "exact")]


def test_lines_left_open_among_matched_ones_are_read_by_their_ids(shop):
    db = shop
    orders = [order(db, "tmall") for _ in range(6)]
    rows = []
    for k in range(3):  # two sales and a transfer, three times: the transfers' ids lie far apart
        rows += [dict(merchant_order_no=orders[2 * k][2]), dict(merchant_order_no=orders[2 * k + 1][2]),
                 dict(kind="transfer", amount_minor=-5, memo="余额宝")]
    ids = statement(db, "alipay", *rows)
    summary = reconcile_run(db)
    assert [line(db, i).rule for i in ids] == ["exact", "exact", "not_sale"] * 3
    assert summary.matched_total == 6 and summary.excluded == 3


def test_a_line_in_another_currency_is_matched_only_through_its_presentment_amount(shop):
    db = shop
    eur = order(db, "shopify", no="#4001", currency="EUR", paid=9000)
    gbp = order(db, "shopify", no="#4002", currency="GBP", paid=9000)
    ids = statement(db, "shopify_payments",
                    dict(currency="USD", amount_minor=9800, presentment_minor=9000, presentment_currency="EUR",
                         platform_order_no="#4001"),
                    dict(currency="USD", amount_minor=9800, platform_order_no="#4002"))
    reconcile_run(db)
    assert matches(db, ids[0]) == [(eur[0], 9000, "exact")] and recon(db, eur[0]).state == "green"
    assert line(db, ids[1]).state == "open"
    with pytest.raises(ValidationError, match=r"line #\d+ is in USD and .* in GBP.*without a rate"):
        run(db, reconcile.match_by_hand, ctx(BOOKKEEPER), ids[1], gbp[0], "the buyer paid in dollars")


# ---- states and tickets --------------------------------------------------------------------------

def test_the_half_percent_boundary_on_both_sides(shop):
    assert within_tolerance(50, 10000) and not within_tolerance(51, 10000) and within_tolerance(-50, 10000)
    assert order_state(Figures(10000, 9950, 1)) is State.AMBER
    assert order_state(Figures(10000, 9949, 1)) is State.RED
    assert order_state(Figures(10000, 10050, 1)) is State.AMBER and order_state(Figures(10000, 10051, 1)) is State.RED
    assert order_state(Figures(0, 100, 1)) is State.RED  # money nobody expected
    db = shop
    a, b = order(db, "tmall", paid=10000), order(db, "tmall", paid=10000)
    statement(db, "alipay", dict(merchant_order_no=a[2], amount_minor=9950), dict(merchant_order_no=b[2],
                                                                                   amount_minor=9949))
    reconcile_run(db)
    ra, rb = recon(db, a[0]), recon(db, b[0])
    assert (ra.state, ra.difference_minor) == ("amber", -50) and (rb.state, rb.difference_minor) == ("red", -51)
    assert payment_tickets(db, a[0]) == [] and payment_tickets(db, b[0]) == [("open", f"reconcile:{b[1]} diff -51")]


def test_a_red_order_opens_a_payment_ticket_and_green_resolves_it(shop):
    db = shop
    oid, no, cno = order(db, "tmall", paid=20000)
    first = statement(db, "alipay", dict(merchant_order_no=cno, amount_minor=10000))
    s1 = reconcile_run(db)
    assert recon(db, oid).state == "red" and s1.tickets_opened == 1
    assert payment_tickets(db, oid) == [("open", f"reconcile:{no} diff -10000")]
    statement(db, "alipay", dict(merchant_order_no=cno, amount_minor=10000))
    s2 = reconcile_run(db)
    assert recon(db, oid).state == "green" and s2.tickets_resolved == 1
    assert payment_tickets(db, oid)[0][0] == "resolved"
    assert line(db, first[0]).state == "matched"


def test_an_order_paid_in_a_statements_period_without_a_line_is_red_money_not_seen(shop):
    db = shop
    seen = order(db, "tmall", at=T0)
    unseen = order(db, "taobao", at=T0 + timedelta(days=1))
    other = order(db, "shopify", at=T0 + timedelta(days=1))  # Alipay does not pay for Shopify
    later = order(db, "tmall", at=T0 + timedelta(days=30))  # outside the statement's period
    statement(db, "alipay", dict(merchant_order_no=seen[2]))
    reconcile_run(db)
    assert recon(db, seen[0]).state == "green"
    r = recon(db, unseen[0])
    assert (r.state, r.received_minor, r.line_count) == ("red", 0, 0)
    assert recon(db, other[0]) is None and recon(db, later[0]) is None


# ---- by hand -------------------------------------------------------------------------------------

def _events(db, field_like: str):
    with db.read_session() as s:
        return [(e.order_id, e.actor, e.field, e.old, e.new, e.reason, e.approver) for e in s.execute(
            select(AuditEvent).where(AuditEvent.field.like(field_like)).order_by(AuditEvent.id)).scalars()]


def test_match_unmatch_exclude_and_confirm_by_hand_are_in_the_trail(shop):
    db = shop
    oid, no, _c = order(db, "tmall", paid=30000)
    lid, other = statement(db, "alipay", dict(amount_minor=30000, memo="no number"),
                           dict(kind="payment", amount_minor=5, memo="??"))
    done = run(db, reconcile.match_by_hand, ctx(BOOKKEEPER), lid, oid, "the buyer's phone call")
    assert done.state == "matched" and matches(db, lid) == [(oid, 30000, "manual")]
    assert recon(db, oid).state == "green"
    run(db, reconcile.unmatch, ctx(BOOKKEEPER), lid, "wrong order")
    assert line(db, lid).state == "open" and line(db, lid).rule == "manual" and matches(db, lid) == []
    reconcile_run(db)
    assert line(db, lid).state == "open"  # left to people after an unmatch
    run(db, reconcile.exclude_line, ctx(BOOKKEEPER), other, "a test payment of the bank")
    run(db, reconcile.confirm_order, ctx(OWNER), oid, "paid in cash at the till")
    assert recon(db, oid).state == "confirmed" and recon(db, oid).decided_by == "olivia"
    assert payment_tickets(db, oid) == [("resolved", f"reconcile:{no} diff -30000")]  # opened when it turned red
    reconcile_run(db)
    assert recon(db, oid).state == "confirmed"  # the rules keep a person's decision
    ev = _events(db, "statement_line#%") + _events(db, "reconcile.state")
    assert (oid, "bea", f"statement_line#{lid}.match", None, f"alipay {line(db, lid).external_id} 30000 CNY",
            "the buyer's phone call", "") in ev
    assert (oid, "bea", f"statement_line#{lid}.unmatch", "matched manual", "open", "wrong order", "") in ev
    assert (None, "bea", f"statement_line#{other}.exclude", "open", "excluded", "a test payment of the bank", "") in ev
    assert (oid, "olivia", "reconcile.state", "red", "confirmed", "paid in cash at the till", "") in ev
    assert verify_store(db).ok  # the trail, the orders' seals and the statement lines' seals all check


def test_manual_refusals_are_one_sentence_and_change_nothing(shop):
    db = shop
    a, b = order(db, "tmall"), order(db, "tmall")
    (lid,) = statement(db, "alipay", dict(merchant_order_no=a[2]))
    reconcile_run(db)
    with pytest.raises(ValidationError, match=rf"Statement line #{lid} is already matched to {a[1]}; unmatch it first "
                                              rf"to match it to {b[1]}\."):
        run(db, reconcile.match_by_hand, ctx(BOOKKEEPER), lid, b[0], "sure")
    with pytest.raises(ValidationError, match="reason"):
        run(db, reconcile.unmatch, ctx(BOOKKEEPER), lid, "  ")
    with pytest.raises(permissions.PermissionDenied, match="Customer service may not reconcile"):
        run(db, reconcile.exclude_order, ctx(SERVICE), b[0], "not ours")
    with pytest.raises(permissions.PermissionDenied):
        run(db, reconcile.run, ctx(SERVICE))
    assert matches(db, lid) == [(a[0], 10000, "exact")]


def test_a_large_match_by_hand_needs_a_second_person(shop):
    db = shop
    oid, no, _c = order(db, "tmall", paid=250000)
    (lid,) = statement(db, "alipay", dict(amount_minor=250000, memo="big order, no number"))
    done = run(db, reconcile.match_by_hand, ctx(BOOKKEEPER), lid, oid, "confirmed with the buyer")
    assert done.state == "proposed" and done.change_set_id is not None
    assert line(db, lid).state == "open" and matches(db, lid) == []
    with pytest.raises(changesets.ChangeSetRefused, match="another person must approve"):
        changesets.confirm(db, "bea", done.change_set_id, PASSWORDS["bea"])
    assert matches(db, lid) == []
    applied = changesets.confirm(db, "max", done.change_set_id, PASSWORDS["max"])
    assert applied.state == "applied" and matches(db, lid) == [(oid, 250000, "manual")]
    assert recon(db, oid).state == "green"
    (ev,) = _events(db, f"statement_line#{lid}.match")
    assert ev[1] == "bea" and ev[6].startswith("max") and ev[5] == "confirmed with the buyer"


def test_one_person_with_two_accounts_cannot_approve_her_own_large_match(db):
    run(db, auth.create_user, ctx(OWNER), OWNER.name, OWNER.role, PASSWORDS[OWNER.name])
    oid, _no, _c = order(db, "tmall", paid=250000)
    (lid,) = statement(db, "alipay", dict(amount_minor=250000))
    done = run(db, reconcile.match_by_hand, ctx(OWNER), lid, oid, "I know this buyer")
    assert done.state == "proposed"
    run(db, auth.create_user, ctx(OWNER), "mallory", "manager", "mallory-secret-1")  # her second account
    with pytest.raises(changesets.ChangeSetRefused, match="olivia set mallory's password or PIN"):
        changesets.confirm(db, "mallory", done.change_set_id, "mallory-secret-1")
    run(db, auth.set_secret, ctx(Actor("mallory", "manager")), "mallory", "mallory-secret-2")
    with pytest.raises(changesets.ChangeSetRefused, match="olivia gave mallory their role"):
        changesets.confirm(db, "mallory", done.change_set_id, "mallory-secret-2")
    assert matches(db, lid) == [] and line(db, lid).state == "open"


def test_the_threshold_is_an_owners_setting(shop):
    db = shop
    with pytest.raises(permissions.PermissionDenied):
        run(db, reconcile.set_two_person_minor, ctx(BOOKKEEPER), 10**9)
    run(db, reconcile.set_two_person_minor, ctx(OWNER), 500000)
    with db.read_session() as s:
        assert reconcile.two_person_minor(s) == 500000
    oid, _no, _c = order(db, "tmall", paid=250000)
    (lid,) = statement(db, "alipay", dict(amount_minor=250000))
    assert run(db, reconcile.match_by_hand, ctx(BOOKKEEPER), lid, oid, "under the new threshold").state == "matched"
