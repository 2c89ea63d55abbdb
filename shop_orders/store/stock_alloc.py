"""What each paid order line reserves of its SKU: one set-based statement per settle.

The demand is every line still to ship (qty − shipped_qty > 0) of an order that is not archived,
waits for shipment (awaiting_shipment or partially_shipped) and was not refunded in full (a
refund recorded and the order's net paid amount, orders.paid_minor, kept by every payment and
refund, at nothing or less), whose SKU the catalogue (`stock_items`) knows. Cash-on-delivery orders (no payment yet) are in the demand. Lines of SKUs outside the catalogue are not stock-controlled.

First paid, first served: within an SKU the lines queue by their order's first positive payment
(else the order's creation, e.g. cash on delivery), then order id, then line id. A line reserves
what the SKU's on-hand quantity leaves after every line before it, at most what it wants:

    reserved = clamp(on_hand − SUM(wanted of the lines before it), 0, wanted)

so a line that cannot be served in full holds what is left (it is first when stock arrives) and
the lines behind it wait. `stock_reservations` holds one row per demand line (derived data:
`settle` writes it for some SKUs or all, in the caller's transaction), and `stock_items.reserved`
their sum, which the table's CHECK keeps between 0 and on hand.

Writers take turns on the audit chain's head (services/uow.py), so a settle always sees every
committed reservation: two seats never reserve the last unit twice (tests/services/test_stock_race.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

CHUNK = 500
WAITING = ("awaiting_shipment", "partially_shipped")

# The demand and its allocation: the one statement the benchmark also runs bare (tests/bench/bench_stock.py).
ALLOCATION = """
WITH d AS (
    SELECT l.id AS line_id, l.order_id AS order_id, l.sku AS sku, l.qty - l.shipped_qty AS wanted,
           COALESCE((SELECT MIN(p.paid_at) FROM payments p WHERE p.order_id = o.id AND p.amount_minor > 0),
                    o.created_at) AS priority_at
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN stock_items s ON s.sku = l.sku
    WHERE o.archived = :no AND o.status IN ('awaiting_shipment', 'partially_shipped') AND l.qty > l.shipped_qty
          AND (o.paid_minor > 0
               OR NOT EXISTS (SELECT 1 FROM payments r WHERE r.order_id = o.id AND r.amount_minor < 0))
          {where}
), c AS (
    SELECT d.*, SUM(d.wanted) OVER (PARTITION BY d.sku ORDER BY d.priority_at, d.order_id, d.line_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - d.wanted AS before
    FROM d
)
SELECT c.line_id, c.order_id, c.sku, c.wanted,
       CASE WHEN s.on_hand - c.before >= c.wanted THEN c.wanted
            WHEN s.on_hand - c.before > 0 THEN s.on_hand - c.before ELSE 0 END AS reserved,
       c.priority_at
FROM c JOIN stock_items s ON s.sku = c.sku
"""

INSERT = """
INSERT INTO stock_reservations (line_id, order_id, sku, wanted, reserved, missing, priority_at)
SELECT a.line_id, a.order_id, a.sku, a.wanted, a.reserved, a.wanted - a.reserved, a.priority_at
FROM ({allocation}) a
"""

# The same for some SKUs (`where` names them): their lines lead, by the lines' SKU index, then each
# line's order by its id. Planned freely, SQLite walks every waiting order for each chunk of SKUs
# (a scan-out's settle of one SKU read all 100,000 of them; tests/bench/bench_stock.py); CROSS JOIN
# fixes SQLite's join order, and PostgreSQL plans it as the same inner join.
_JOINED = """
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN stock_items s ON s.sku = l.sku
    WHERE """
ALLOCATION_BY_SKU = ALLOCATION.replace(_JOINED, """
    FROM order_lines l
    CROSS JOIN orders o
    CROSS JOIN stock_items s
    WHERE o.id = l.order_id AND s.sku = l.sku AND """)
assert ALLOCATION_BY_SKU != ALLOCATION

TOTALS = """
UPDATE stock_items SET reserved = COALESCE((SELECT SUM(r.reserved) FROM stock_reservations r
                                            WHERE r.sku = stock_items.sku), 0)
{where}
"""


def present(conn: Connection) -> bool:
    """Whether the catalogue holds any SKU (without one nothing is stock-controlled)."""
    return conn.execute(text("SELECT 1 FROM stock_items LIMIT 1")).first() is not None


def skus_of_orders(conn: Connection, order_ids: Iterable[int]) -> set[str]:
    """The catalogued SKUs these orders' lines name now or reserved before (a line's SKU may
    have changed)."""
    ids = sorted(set(order_ids))
    out: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        out.update(r[0] for r in conn.execute(text(
            "SELECT DISTINCT l.sku FROM order_lines l JOIN stock_items s ON s.sku = l.sku "
            "WHERE l.order_id IN :ids").bindparams(bindparam("ids", expanding=True)), {"ids": chunk}))
        out.update(r[0] for r in conn.execute(text(
            "SELECT DISTINCT sku FROM stock_reservations WHERE order_id IN :ids")
            .bindparams(bindparam("ids", expanding=True)), {"ids": chunk}))
    return out


Missing = dict[int, dict[str, int]]  # order id -> {sku: missing}


def _short(conn: Connection, skus: Sequence[str] | None) -> Missing:
    out: Missing = {}
    if skus is None:
        rows: Iterable[Any] = conn.execute(text("SELECT order_id, sku, missing FROM stock_reservations WHERE missing > 0"))
        for oid, sku, missing in rows:
            out.setdefault(int(oid), {})[sku] = int(missing)
        return out
    for i in range(0, len(skus), CHUNK):
        rows = conn.execute(text("SELECT order_id, sku, missing FROM stock_reservations "
                                 "WHERE missing > 0 AND sku IN :skus")
                            .bindparams(bindparam("skus", expanding=True)), {"skus": list(skus[i:i + CHUNK])})
        for oid, sku, missing in rows:
            out.setdefault(int(oid), {})[sku] = int(missing)
    return out


def settle(conn: Connection, skus: Iterable[str] | None) -> tuple[Missing, Missing]:
    """Reserve again for these SKUs (None: all), in the caller's transaction. Returns what was
    missing before and after for the orders of these SKUs that were or are short (order id ->
    {sku: missing}, these SKUs only)."""
    chosen = None if skus is None else sorted(set(skus))
    if chosen is not None and not chosen:
        return {}, {}
    before = _short(conn, chosen)
    if chosen is None:
        conn.execute(text("DELETE FROM stock_reservations"))
        conn.execute(text(INSERT.format(allocation=ALLOCATION.format(where=""))), {"no": False})
        conn.execute(text(TOTALS.format(where="")))
    else:
        for i in range(0, len(chosen), CHUNK):
            part = {"skus": chosen[i:i + CHUNK], "no": False}
            conn.execute(text("DELETE FROM stock_reservations WHERE sku IN :skus")
                         .bindparams(bindparam("skus", expanding=True)), {"skus": part["skus"]})
            conn.execute(text(INSERT.format(allocation=ALLOCATION_BY_SKU.format(where="AND l.sku IN :skus")))
                         .bindparams(bindparam("skus", expanding=True)), part)
            conn.execute(text(TOTALS.format(where="WHERE sku IN :skus"))
                         .bindparams(bindparam("skus", expanding=True)), {"skus": part["skus"]})
    return before, _short(conn, chosen)


def missing_of(conn: Connection, order_ids: Iterable[int]) -> Missing:
    """What each of these orders is short of now, over all its SKUs (orders not short are absent)."""
    ids = sorted(set(order_ids))
    out: Missing = {}
    for i in range(0, len(ids), CHUNK):
        rows = conn.execute(text("SELECT order_id, sku, missing FROM stock_reservations "
                                 "WHERE missing > 0 AND order_id IN :ids")
                            .bindparams(bindparam("ids", expanding=True)), {"ids": ids[i:i + CHUNK]})
        for oid, sku, missing in rows:
            out.setdefault(int(oid), {})[sku] = int(missing)
    return out


def differences(conn: Connection, limit: int = 20) -> tuple[int, list[str]]:
    """How many SKUs' reservations differ from a recomputation (rows or totals), and the first
    `limit` of them. Read only."""
    fresh = {(r[0]): (r[1], r[2], r[3], r[4]) for r in conn.execute(
        text(f"SELECT line_id, order_id, sku, wanted, reserved FROM ({ALLOCATION.format(where='')}) a"),
        {"no": False})}
    kept = {(r[0]): (r[1], r[2], r[3], r[4]) for r in conn.execute(
        text("SELECT line_id, order_id, sku, wanted, reserved FROM stock_reservations"))}
    bad: set[str] = set()
    for line_id in fresh.keys() | kept.keys():
        a, b = fresh.get(line_id), kept.get(line_id)
        if a != b:
            bad.update(x[1] for x in (a, b) if x is not None)
    totals: dict[str, int] = {}
    for _, (_, sku, _, reserved) in fresh.items():
        totals[sku] = totals.get(sku, 0) + int(reserved)
    for sku, reserved in conn.execute(text("SELECT sku, reserved FROM stock_items")):
        if totals.get(sku, 0) != int(reserved):
            bad.add(sku)
    ordered = sorted(bad)
    return len(ordered), ordered[:limit]
