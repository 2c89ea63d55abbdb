"""Real channel exports (tests/real/exports/, each cited in its SOURCES.md) imported as a shop would,
on SQLite and PostgreSQL: every file gives the orders worked out by hand from what its columns mean
(exports/MEANINGS.md, exports/expected.py); the preview (the dry run) says what the import then
does; importing it again changes nothing; the trail replays.

What these pin, above all: an amount that is already net of refunds is never reduced again (Tmall),
a fulfilled cash-on-delivery order is shipped and unpaid (Shopify), a file without amounts gives
unknown amounts, never 0.00, in its marketplace's currency (Amazon.in), a file without a status
gets the status its facts say (Tmall 2020, Etsy, eBay).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.services.importing import runner
from shop_orders.services.verification import verify_store
from shop_orders.store.models import Order, OrderLine, Payment
from tests.real.exports.expected import EXPECTED, OPTIONS

HERE = Path(__file__).parent / "exports"
FILES = sorted(EXPECTED)
IMPORT = ChangeContext(Actor("olivia", "owner"), "import:real")


def stored(db) -> dict[str, dict]:
    """Every order in the store as the expectations describe one, by channel order number."""
    with db.read_session() as s:
        orders = {o.id: o for o in s.execute(select(Order)).scalars()}
        pays: dict[int, list[int]] = {}
        for p in s.execute(select(Payment)).scalars():
            pays.setdefault(p.order_id, []).append(p.amount_minor)
        lines: dict[int, list[list]] = {}
        for li in s.execute(select(OrderLine).order_by(OrderLine.order_id, OrderLine.line_no)).scalars():
            lines.setdefault(li.order_id, []).append([li.qty, li.unit_price_minor])
        return {o.channel_order_no: {
            "status": o.status, "currency": o.currency, "paid_minor": o.paid_minor,
            "total_minor": o.total_minor if o.amount_known else None,
            "received_minor": sum(a for a in pays.get(i, []) if a > 0),
            "refunded_minor": -sum(a for a in pays.get(i, []) if a < 0),
            "lines": lines.get(i, [])} for i, o in orders.items()}


def summary(orders: dict[str, dict]) -> dict:
    return {"orders": len(orders), "by_status": dict(Counter(o["status"] for o in orders.values())),
            "total_minor": sum(o["total_minor"] or 0 for o in orders.values()),
            "unknown_totals": sum(1 for o in orders.values() if o["total_minor"] is None),
            "received_minor": sum(o["received_minor"] for o in orders.values()),
            "refunded_minor": sum(o["refunded_minor"] for o in orders.values()),
            "lines": sum(len(o["lines"]) for o in orders.values()),
            "units": sum(q for o in orders.values() for q, _ in o["lines"])}


def planned(plan) -> dict[str, dict]:
    """What the preview says each order will be."""
    out = {}
    for o in plan.orders:
        draft = o.to_draft()
        out[o.channel_order_no] = {
            "status": draft.status.value, "currency": draft.currency,
            "total_minor": o.final_total() if o.amount_known else None,
            "received_minor": draft.paid_minor, "refunded_minor": draft.refunded_minor,
            "lines": [[li.qty, li.unit_price_minor] for li in draft.lines]}
    return out


@pytest.mark.parametrize("name", FILES)
def test_a_real_export_gives_the_orders_its_channel_means(db, name):
    want, options = EXPECTED[name], OPTIONS.get(name, {})
    plan = runner.prepare(db, HERE / name, options.get("channel", "auto"), currency=options.get("currency"))
    assert [str(p) for p in plan.problems] == []
    preview = planned(plan)
    runner.apply(db, IMPORT, plan)
    got = stored(db)

    assert summary(got) == {k: want[k] for k in ("orders", "by_status", "total_minor", "unknown_totals",
                                                  "received_minor", "refunded_minor", "lines", "units")}
    assert {o["currency"] for o in got.values()} == {want["currency"]}
    for number, sample in want["samples"].items():
        order = got[number]
        lines = [[q, p if p is not None else 0] for q, p in sample["lines"]]
        assert (order["status"], order["total_minor"], order["received_minor"], order["refunded_minor"],
                order["lines"]) == (sample["status"], sample["total_minor"], sample["received_minor"],
                                    sample["refunded_minor"], lines), number
        assert order["paid_minor"] == order["received_minor"] - order["refunded_minor"]  # never reduced twice
    # the preview said exactly this
    assert {k: {f: v[f] for f in preview[k]} for k, v in got.items()} == preview
    # the same file again changes nothing
    again = runner.prepare(db, HERE / name, options.get("channel", "auto"), currency=options.get("currency"))
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, want["orders"])
    assert verify_store(db).ok
