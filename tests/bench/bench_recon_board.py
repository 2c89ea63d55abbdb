"""Benchmark: the reconciliation board's first paint at 100,000 statement lines (issue 27: goal under
200 ms), against the bare SQL of the same reads in the same run.

A store is built in a temporary folder (untimed): --orders N orders (default 25,000) and --lines M
statement lines (default 100,000) in one month, written straight into the tables as matching leaves
them: a payment and a fee line matched to each order, the rest open payments (40%) and transfers
excluded by rule, and each order's reconciliation (green, amber, red, excluded, confirmed in turn).

First paint: from constructing the ReconciliationBoard (offscreen, 1366 x 768) to both lists showing
their counts and first rows, painted (a forced repaint of both views when they arrived), wall clock,
workers included; then the time until everything is read (the figures across the top and the whole id
lists, in their own workers), and the UI thread's own share of it all (the constructor, each answer
shown, the repaint). Bare SQL: the listing's reads replayed with the sqlite3 module on the same file (the
statements caught with SQLAlchemy's before_cursor_execute during a first, untimed paint, with their
bound values), run one after the other on one connection. Median and max of --runs.

    QT_QPA_PLATFORM=offscreen python3 tests/bench/bench_recon_board.py [--lines 100000] [--orders 25000] [--runs 7]
        [--no-index]   (without the index on the lines' time, migration 0018: what it gives)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GOAL_MS = 200.0
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
STATES = ("green", "amber", "red", "excluded", "confirmed")


def build(folder: Path, n_orders: int, n_lines: int):
    from sqlalchemy import insert, select

    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import orders
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.models import (
        LineMatch,
        Order,
        OrderReconciliation,
        StatementFile,
        StatementLineRow,
    )
    from shop_orders.store.open import open_database
    from tests.factories import draft

    db = open_database(folder / "shop.sqlite3", data_dir=folder / "data", create=True)
    owner = ChangeContext(Actor("olivia", "owner"), "manual")
    with UnitOfWork(db, clock=lambda: NOW, rules=()) as uow:
        orders.create_orders_bulk(uow, owner, [draft() for _ in range(n_orders)])
        uow.commit()
    with db.write_session() as s:
        ids = [int(i) for i in s.execute(select(Order.id).order_by(Order.id)).scalars()]
        sf = StatementFile(provider="alipay", format="alipay_account", file_name="bench.csv", file_sha256="0" * 64,
                           imported_at=NOW, imported_by="olivia")
        s.add(sf)
        s.flush()
        start = datetime(2026, 11, 1, tzinfo=UTC)
        lines, matches, recs = [], [], []
        for n in range(n_lines):
            at = start + timedelta(seconds=n * (29 * 86400 // max(n_lines, 1)))
            order = ids[n // 2] if n < 2 * len(ids) else None
            kind = "fee" if order is not None and n % 2 else ("payment" if order is not None or n % 5 else "transfer")
            state = "matched" if order is not None else ("open" if kind == "payment" else "excluded")
            lines.append(dict(id=n + 1, statement_id=sf.id, provider="alipay", external_id=f"2026{n:012d}", row_no=n + 1,
                              kind=kind, amount_minor=-60 if kind == "fee" else 10000 + n % 997, fee_minor=0,
                              currency="CNY", occurred_at=at, merchant_order_no=f"T{n:010d}", state=state,
                              rule="exact" if order is not None else ("not_sale" if state == "excluded" else ""),
                              memo="余额宝" if kind == "transfer" else ""))
            if order is not None:
                matches.append(dict(line_id=n + 1, order_id=order, amount_minor=lines[-1]["amount_minor"],
                                    rule="exact" if kind == "payment" else "fee", matched_by="", matched_at=NOW))
        for k, order in enumerate(ids):
            recs.append(dict(order_id=order, state=STATES[k % 5], expected_minor=10000, received_minor=10000 - k % 3,
                             difference_minor=-(k % 3), currency="CNY", line_count=2, decided_by="", reason="",
                             updated_at=NOW))
        for table, rows in ((StatementLineRow, lines), (LineMatch, matches), (OrderReconciliation, recs)):
            for i in range(0, len(rows), 5000):
                s.execute(insert(table), rows[i:i + 5000])
        s.commit()
    return db


def drop_time_index(path: str) -> None:
    with sqlite3.connect(path) as con:
        con.execute("DROP INDEX ix_statement_lines_time")


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--orders", type=int, default=25_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-index", action="store_true",
                    help="drop the index on statement_lines (occurred_at, id) first (migration 0018): what it gives")
    return ap.parse_args()


def timed(fn, ui_time: list[float], repaint: bool = False):
    """fn (a board's method run on the UI thread), its time added to ui_time[0]."""
    def call(self, *args):
        t0 = time.perf_counter()
        fn(self, *args)
        if repaint:
            for view in (self.line_view, self.order_view):
                view.viewport().repaint()
        ui_time[0] += time.perf_counter() - t0
    return call


def selects(found):
    return [(sql, params) for sql, params in found if sql.lstrip().upper().startswith("SELECT")]


def bare(con: sqlite3.Connection, statements) -> float:
    t0 = time.perf_counter()
    for sql, params in statements:
        con.execute(sql, tuple(_plain(p) for p in (params or ()))).fetchall()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    args = arguments()

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event

    from shop_orders.services.context import AppContext, current_actor
    from shop_orders.ui import reconciliation

    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-recon-"))
    t = time.perf_counter()
    db = build(folder, args.orders, args.lines)
    if args.no_index:
        drop_time_index(db.engine.url.database)
    print(f"store: {args.orders:,} orders, {args.lines:,} statement lines, built in {time.perf_counter() - t:.1f} s")
    ctx = AppContext(db, folder, folder / "backups", current_actor())
    caught: list[tuple[str, object]] = []
    marks: list[int] = []
    catching = [False]

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if catching[0]:
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    ui_time = [0.0]
    board_class = reconciliation.ReconciliationBoard
    board_class._arrived = timed(board_class._arrived, ui_time, repaint=True)  # each list's first page
    board_class._figures_arrived = timed(board_class._figures_arrived, ui_time)
    board_class._ids_arrived = timed(board_class._ids_arrived, ui_time)

    def paint_once() -> tuple[float, float, float]:
        ui_time[0] = 0.0
        t0 = time.perf_counter()
        board = board_class(ctx, "en", clock=lambda: NOW)
        board.resize(1366, 768)
        board.show()
        ui_time[0] += time.perf_counter() - t0
        painted = []

        def first_paint() -> None:
            painted.append(time.perf_counter())
            marks.append(len(caught))  # the statements sent before the first paint
        board.painted.connect(first_paint)
        while not painted:
            app.processEvents()
        first = (painted[0] - t0) * 1000
        while board.loading:
            app.processEvents()
        whole = (time.perf_counter() - t0) * 1000
        rows = board.lines.rowCount(), board.orders.rowCount()
        board.close()
        board.deleteLater()
        QCoreApplication.processEvents()
        assert rows[0] == args.lines, rows
        return first, whole, ui_time[0] * 1000

    catching[0] = True
    paint_once()  # warm (and catch the listing's statements)
    catching[0] = False
    first_reads, reads = selects(caught[:marks[0]]), selects(caught)
    firsts, wholes, uis, bare_firsts, bares = [], [], [], [], []
    con = sqlite3.connect(db.engine.url.database)

    for _ in range(args.runs):
        first, whole, ui = paint_once()
        firsts.append(first)
        wholes.append(whole)
        uis.append(ui)
        bare_firsts.append(bare(con, first_reads))
        bares.append(bare(con, reads))
    report(firsts, wholes, uis, bare_firsts, bares, len(first_reads), len(reads))


def report(firsts: list[float], wholes: list[float], uis: list[float], bare_firsts: list[float],
           bares: list[float], n_first: int, n_all: int) -> None:
    med = statistics.median
    print(f"first paint (both lists' counts and first rows painted, wall, workers included): "
          f"median {med(firsts):.0f} ms, max {max(firsts):.0f} ms  (goal < {GOAL_MS:.0f} ms)")
    print(f"  bare SQL of its {n_first} reads (sqlite3, one after the other): median {med(bare_firsts):.0f} ms;"
          f" ratio first paint / bare: {med(firsts) / max(med(bare_firsts), 0.001):.2f}x")
    print(f"everything read (figures and the whole id lists too): median {med(wholes):.0f} ms, max {max(wholes):.0f} ms")
    print(f"  bare SQL of all its {n_all} reads: median {med(bares):.0f} ms;"
          f" ratio everything / bare: {med(wholes) / max(med(bares), 0.001):.2f}x")
    print(f"UI thread's share of it all: median {med(uis):.0f} ms, max {max(uis):.0f} ms")


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # naive UTC, as the store's type binds it
    return value


if __name__ == "__main__":
    main()
