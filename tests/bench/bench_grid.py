"""Benchmark: the order grid on a large demo database against Qt's stock SQL models.

For each variant (ours: OrderTableModel over the services; stock: QSqlTableModel, and
QSqlQueryModel for search, on the same file through Qt's QSQLITE driver) a fresh process opens
the database and times, each followed by a forced paint of the view (`grab()`):

  first paint · filter by status · search by an order number · sort by last update ·
  jump to the last row · peak memory (ru_maxrss of that process)

and prints the figures side by side with the ratio stock / ours (higher is better for us).
Goals: first paint < 1 s, filter/search/sort < 150 ms, jump to end < 100 ms, peak < 400 MB.

    python3 tests/bench/bench_grid.py DB.sqlite3     # e.g. after: shop-orders --db DB demo --orders 1000000
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OPS = ["first paint", "filter by status", "search by order number", "sort by last update", "jump to last row"]


def _ours(path: str, order_no: str) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from shop_orders.domain.status import Status
    from shop_orders.services.browse import OrderBrowser
    from shop_orders.store.grid import GridQuery
    from shop_orders.store.open import open_database
    from shop_orders.ui.delegates import FlagDelegate, StatusDelegate
    from shop_orders.ui.order_model import COLUMNS, OrderTableModel

    app = QApplication([])
    out = {}
    t = time.perf_counter()
    db = open_database(path, data_dir=os.path.dirname(path))
    browser = OrderBrowser(db)
    model = OrderTableModel(browser, GridQuery(thresholds=browser.thresholds()))
    view = QTableView()
    view.resize(1200, 800)
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(26)
    view.setItemDelegateForColumn(0, FlagDelegate(view))
    view.setItemDelegateForColumn([k for k, _ in COLUMNS].index("status"), StatusDelegate(view))
    view.show()
    view.grab()
    out["first paint"] = time.perf_counter() - t

    def timed(name, fn):
        app.processEvents()  # the UI is idle between two things a person does
        t0 = time.perf_counter()
        fn()
        view.grab()
        out[name] = time.perf_counter() - t0

    def jump():  # what the window's Ctrl+End does
        view.setCurrentIndex(model.index(model.ensure_exact_count() - 1, 0))
        view.scrollToBottom()

    q = model.query
    timed("filter by status", lambda: model.set_query(q.with_(statuses=(Status.AWAITING_SHIPMENT,))))
    timed("search by order number", lambda: model.set_query(q.with_(search=order_no)))
    assert model.rowCount() == 1, model.rowCount()
    model.set_query(q.with_(sort="created_at"))
    view.grab()
    col = [k for k, _ in COLUMNS].index("updated_at")
    timed("sort by last update", lambda: model.sort(col, Qt.SortOrder.DescendingOrder))
    timed("jump to last row", jump)
    out["rows"] = model.rowCount()
    app.processEvents()
    return out


def _stock(path: str, order_no: str) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtSql import QSqlDatabase, QSqlQueryModel, QSqlTableModel
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])
    out = {}
    t = time.perf_counter()
    db = QSqlDatabase.addDatabase("QSQLITE")
    db.setDatabaseName(path)
    assert db.open()
    model = QSqlTableModel(None, db)
    model.setTable("orders")
    model.setSort(model.fieldIndex("updated_at"), Qt.SortOrder.DescendingOrder)
    model.select()
    view = QTableView()
    view.resize(1200, 800)
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(26)
    view.show()
    view.grab()
    out["first paint"] = time.perf_counter() - t

    def timed(name, fn):
        app.processEvents()
        t0 = time.perf_counter()
        fn()
        view.grab()
        out[name] = time.perf_counter() - t0

    def filter_status():
        model.setFilter("status = 'awaiting_shipment'")
        model.select()

    timed("filter by status", filter_status)
    qm = QSqlQueryModel()
    like = " OR ".join(f"{c} LIKE '{order_no}%'" for c in ("order_no", "channel_order_no", "buyer", "phone", "tracking_no"))

    def search():
        qm.setQuery(f"SELECT * FROM orders WHERE {like} ORDER BY updated_at DESC, id DESC", db)
        view.setModel(qm)

    timed("search by order number", search)
    view.setModel(model)
    model.setFilter("")
    model.setSort(model.fieldIndex("created_at"), Qt.SortOrder.AscendingOrder)
    model.select()
    view.grab()

    def sort():
        model.setSort(model.fieldIndex("updated_at"), Qt.SortOrder.DescendingOrder)
        model.select()

    timed("sort by last update", sort)

    def jump():
        while model.canFetchMore():  # the stock model only knows the rows it has fetched
            model.fetchMore()
        view.setCurrentIndex(model.index(model.rowCount() - 1, 0))
        view.scrollToBottom()

    timed("jump to last row", jump)
    out["rows"] = model.rowCount()
    app.processEvents()
    return out


def child(variant: str, path: str, order_no: str) -> None:
    result = (_ours if variant == "ours" else _stock)(path, order_no)
    result["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip interpreter teardown of Qt SQL objects (it can crash after the work is done)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("ours", "stock"):
        child(sys.argv[1], sys.argv[2], sys.argv[3])
        return
    path = os.path.abspath(sys.argv[1])
    with sqlite3.connect(path) as c:
        total = c.execute("SELECT count(*) FROM orders").fetchone()[0]
        order_no = c.execute("SELECT order_no FROM orders WHERE id = ?", (total // 2,)).fetchone()[0]
    results = {}
    for variant in ("ours", "stock"):
        res = subprocess.run([sys.executable, __file__, variant, path, order_no], capture_output=True, text=True,
                             env={**os.environ, "XDG_DATA_HOME": os.path.dirname(path)})
        if res.returncode != 0:
            raise SystemExit(res.stderr)
        results[variant] = json.loads(res.stdout.strip().splitlines()[-1])
    ours, stock = results["ours"], results["stock"]
    print(f"database: {path} ({total:,} orders); search term: {order_no}")
    print(f"{'operation':<26}{'ours':>12}{'stock Qt':>12}{'stock/ours':>12}")
    for op in OPS:
        print(f"{op:<26}{ours[op] * 1000:>10.1f}ms{stock[op] * 1000:>10.1f}ms{stock[op] / ours[op]:>11.1f}x")
    print(f"{'peak memory':<26}{ours['peak MB']:>10.0f}MB{stock['peak MB']:>10.0f}MB{stock['peak MB'] / ours['peak MB']:>11.1f}x")
    print(f"rows in the final view: ours {ours['rows']:,}, stock {stock['rows']:,}")


if __name__ == "__main__":
    main()
