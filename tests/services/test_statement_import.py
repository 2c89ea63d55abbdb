"""Statement lines are kept once, all or nothing, and sealed (issue 27), on SQLite and PostgreSQL:
importing the same statement again or an overlapping one adds nothing; a line the store holds
with other money is refused naming the row and nothing is written; the dry run counts what the
import writes; a line changed, added or removed behind the app's back is named by audit verify."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.statements import LineKind, Statement, StatementFileError, StatementLine
from shop_orders.services import statements
from shop_orders.services.permissions import PermissionDenied
from shop_orders.services.verification import verify_store
from shop_orders.store.models import AuditEvent, StatementLineRow
from tests import factories

T0 = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
BOOKS = ChangeContext(Actor("bea", "bookkeeper"), "statement:test.csv")


def line(n: int, amount: int = 12800, kind: LineKind = LineKind.PAYMENT, **kw) -> StatementLine:
    return StatementLine(row=n + 1, external_id=f"2026110222001{n:06d}", kind=kind, amount_minor=amount,
                         currency="CNY", occurred_at=T0 + timedelta(minutes=n), merchant_order_no=f"T200P{n:08d}", **kw)


def statement(*lines: StatementLine) -> Statement:
    return Statement(provider="alipay", format="alipay_account", account="shop@example.com", lines=tuple(lines))


def plan(st: Statement, file: str = "test.csv") -> statements.StatementPlan:
    return statements.StatementPlan(file, "0" * 64, st, st.lines, 0)


OWNER = ChangeContext(Actor("olivia", "owner"), "manual")


@pytest.fixture(autouse=True)
def _people(db):
    factories.settled_user(db, OWNER, "olivia", "owner", "owner-pass-1")
    factories.settled_user(db, OWNER, "bea", "bookkeeper", "books-pass-1")
    factories.settled_user(db, OWNER, "wang", "warehouse", "shelf-pass-1")


def run(db, fn, *args):
    return factories.run(db, fn, *args, clock=lambda: T0 + timedelta(days=1), rules=())


def rows(db) -> int:
    with db.read_session() as s:
        return s.scalar(select(func.count()).select_from(StatementLineRow)) or 0


def test_a_statement_is_kept_once_and_a_second_import_adds_nothing(db):
    first = run(db, statements.apply, BOOKS, plan(statement(line(1), line(2, -3000, LineKind.REFUND))))
    assert (first.new, first.known, first.statement_id is not None) == (2, 0, True)
    assert first.totals == (("CNY", 12800, -3000),)
    again = run(db, statements.apply, BOOKS, plan(statement(line(1), line(2, -3000, LineKind.REFUND), line(3))))
    assert (again.new, again.known) == (1, 2)
    same = run(db, statements.apply, BOOKS, plan(statement(line(1), line(3))))
    assert (same.new, same.known, same.statement_id) == (0, 2, None)
    assert rows(db) == 3
    with db.read_session() as s:
        events = s.execute(select(AuditEvent.field, AuditEvent.actor).where(AuditEvent.action == "statement")).all()
    assert [e.actor for e in events] == ["bea", "bea"]  # one event per import that wrote lines


def test_the_dry_run_counts_what_the_import_writes(db, tmp_path):
    run(db, statements.apply, BOOKS, plan(statement(line(1))))
    p = plan(statement(line(1), line(2), line(3)))
    with db.read_session() as s:
        dry = statements.outcome(statements._compare(s, p.file, p.sha256, p.statement))
    assert rows(db) == 1
    real = run(db, statements.apply, BOOKS, p)
    assert (dry.new, dry.known, dry.totals) == (real.new, real.known, real.totals) == (2, 1, (("CNY", 25600, 0),))


def test_a_line_the_store_holds_with_other_money_is_refused_and_nothing_is_written(db):
    run(db, statements.apply, BOOKS, plan(statement(line(1)), "october.csv"))
    with pytest.raises(StatementFileError) as caught:
        run(db, statements.apply, BOOKS, plan(statement(line(2), line(1, amount=12900)), "november.csv"))
    assert str(caught.value) == ("november.csv, row 2: line 2026110222001000001 is already in the store from "
                                 "october.csv with 128.00 CNY, but this file says 129.00 CNY; nothing was imported")
    assert rows(db) == 1


def test_a_line_repeated_in_one_file_is_refused_naming_both_rows(db, tmp_path, monkeypatch):
    from shop_orders.adapters import statements as formats

    monkeypatch.setattr(formats, "read", lambda path, fmt, **kw: statement(line(1), line(2), replace(line(1), row=9)))
    (tmp_path / "twice.csv").write_text("x")
    with pytest.raises(StatementFileError, match=r"^twice.csv, row 9: the id 2026110222001000001 is already on row 2; "):
        statements.read(tmp_path / "twice.csv")


def test_only_those_the_matrix_allows_import_statements(db):
    clerk = ChangeContext(Actor("wang", "warehouse"), "statement:x")
    with pytest.raises(PermissionDenied):
        run(db, statements.apply, clerk, plan(statement(line(1))))
    assert rows(db) == 0


def _tamper(db, sql: str) -> None:
    with db.write_session() as s:
        s.execute(text(sql))
        s.commit()


@pytest.mark.parametrize("sql, named", [
    ("UPDATE statement_lines SET amount_minor = 99900 WHERE row_no = 3", "row 3: the line is not what was imported"),
    ("UPDATE statement_lines SET merchant_order_no = 'T200P99999999' WHERE row_no = 2",
     "row 2: the line is not what was imported"),
    ("DELETE FROM statement_lines WHERE row_no = 2", "its lines are not the ones imported"),
])
def test_audit_verify_names_a_statement_line_changed_behind_the_apps_back(db, sql, named):
    run(db, statements.apply, BOOKS, plan(statement(line(1), line(2), line(3)), "alipay.csv"))
    assert verify_store(db).ok
    _tamper(db, sql)
    check = verify_store(db)
    assert check.kind == "statement" and check.problem is not None
    assert check.problem.startswith("statement #1 (alipay.csv)") and named in check.problem


def test_a_line_copied_from_one_statement_into_another_is_named(db):
    run(db, statements.apply, BOOKS, plan(statement(line(1), line(2)), "a.csv"))
    run(db, statements.apply, BOOKS, plan(statement(line(3)), "b.csv"))
    _tamper(db, "UPDATE statement_lines SET statement_id = 2 WHERE row_no = 2")
    check = verify_store(db)
    assert check.kind == "statement" and "its lines are not the ones imported" in (check.problem or "")


def test_one_trade_from_two_kinds_of_statement_of_one_provider_is_not_counted_twice(db):
    """Alipay's 账务明细 and 业务明细 show the same sale with ids of their own: the second kind is
    refused naming the row and the transaction, and nothing of it is written."""
    ledger = statement(line(1, provider_txn="2024050122001456781000000001"))
    run(db, statements.apply, BOOKS, plan(ledger, "账务明细.csv"))
    business = Statement(provider="alipay", format="alipay_business", account="", lines=(
        replace(line(7), external_id="trade:2024050122001456781000000007", provider_txn="2024050122001456781000000007"),
        replace(line(1), external_id="trade:2024050122001456781000000001", row=3,
                provider_txn="2024050122001456781000000001")))
    with pytest.raises(StatementFileError) as caught:
        run(db, statements.apply, BOOKS, plan(business, "业务明细.csv"))
    assert str(caught.value).startswith("业务明细.csv, row 3: transaction 2024050122001456781000000001 is already in "
                                        "the store from 账务明细.csv, another kind of statement of the same account")
    assert rows(db) == 1
    same_kind_again = Statement(provider="alipay", format="alipay_account", account="", lines=(
        replace(line(2), provider_txn="2024050122001456781000000001", kind=LineKind.FEE, amount_minor=-77),))
    assert run(db, statements.apply, BOOKS, plan(same_kind_again)).new == 1  # its fee, same kind of statement


def test_a_known_line_is_completed_with_what_the_provider_added_since_and_still_verifies(db):
    """A charge imported while pending (no payout yet) and again once paid out: the second import
    adds its payout id (nothing else changes) and audit verify holds; a dry run says so first."""
    run(db, statements.apply, BOOKS, plan(statement(line(1), line(2)), "pending.csv"))
    paid = statement(replace(line(1), payout_id="po_1PqR"), replace(line(2), payout_id="po_1PqR", memo="changed"),
                     line(3, payout_id="po_1PqR"))
    with db.read_session() as s:
        dry = statements.outcome(statements._compare(s, "paid.csv", "0" * 64, paid))
    assert (dry.new, dry.known, dry.completed) == (1, 2, 2)
    assert "2 of them completed with what the provider added since" in dry.describe()
    real = run(db, statements.apply, BOOKS, plan(paid, "paid.csv"))
    assert (real.new, real.known, real.completed) == (1, 2, 2)
    with db.read_session() as s:
        stored = s.execute(select(StatementLineRow.row_no, StatementLineRow.payout_id, StatementLineRow.memo)
                           .order_by(StatementLineRow.id)).all()
    assert [tuple(r) for r in stored] == [(2, "po_1PqR", ""), (3, "po_1PqR", ""), (4, "po_1PqR", "")]
    assert verify_store(db).ok
    again = run(db, statements.apply, BOOKS, plan(paid, "paid.csv"))
    assert (again.new, again.known, again.completed) == (0, 3, 0)
    _tamper(db, "UPDATE statement_lines SET payout_id = 'po_other' WHERE row_no = 2")
    assert "row 2: the line is not what was imported" in (verify_store(db).problem or "")
