"""The sample channel exports (tests/channel_files/) import as expected.py says, on both backends.

What is pinned is what is STORED: each file is prepared and applied through the import runner
and the orders are read back from the store. The same run shows that the preview is the import
(no problem in the preview, no error in the import, nothing left to do on a second look), and a
property test shows each layout is recognised however its optional columns are reordered, left
out or mixed with columns of the shop's own.
"""

from __future__ import annotations

import csv
import itertools
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from shop_orders.adapters import readers
from shop_orders.services.importing import header, layouts, runner
from shop_orders.services.importing.profiles import norm
from shop_orders.store import queries
from tests.channel_files.expected import EXPECTED
from tests.factories import ctx

FOLDER = Path(__file__).resolve().parents[1] / "channel_files"
SAMPLES = sorted(p.name for p in FOLDER.iterdir() if p.suffix in (".csv", ".txt", ".tsv", ".xlsx"))


def stored_orders(db) -> dict[str, dict]:
    """channel order no. -> what the store holds: status, total, paid, refunds, lines, people."""
    out = {}
    with db.read_session() as s:
        for row in queries.iter_orders(s, queries.OrderFilter()):
            order = queries.order_detail(s, row["order_no"])
            out[row["channel_order_no"]] = {
                "status": row["status"], "total": row["total_minor"], "paid": row["paid_minor"],
                "refunded": -sum(p.amount_minor for p in order.payments if p.amount_minor < 0),
                "lines": len(order.lines), "recipient": row["recipient"], "phone": row["phone"]}
    return out


def test_every_sample_file_has_its_expectations_and_every_layout_has_a_sample():
    """Every layout is recognised from a file: a sample here, or a real export (tests/real/exports,
    whose layouts Etsy, eBay and Amazon's pickup list were added from real files)."""
    from tests.real.exports.expected import EXPECTED as REAL
    from tests.real.exports.expected import OPTIONS

    assert sorted(EXPECTED) == SAMPLES
    def recognised(path: Path) -> str:
        top = list(itertools.islice(readers.stream(path).rows, header.SCAN_ROWS))
        return header.detect(top, layouts.BUILT_IN, path.name).profile.code

    real = {recognised(Path(__file__).parents[1] / "real" / "exports" / name)
            for name in REAL if "channel" not in OPTIONS.get(name, {})}
    assert {f.profile for f in EXPECTED.values()} | real == {p.code for p in layouts.BUILT_IN}


@pytest.mark.parametrize("name", SAMPLES)
def test_a_sample_file_is_recognised_and_its_orders_are_stored_as_expected(db, name):
    want = EXPECTED[name]
    plan = runner.prepare(db, FOLDER / name)
    assert plan.profile.code == want.profile and not plan.match.ambiguous
    runner.apply(db, ctx("alice", source=f"import:{name}"), plan)
    got = stored_orders(db)
    assert sorted(got) == sorted(want.orders)
    for number, o in want.orders.items():
        g = got[number]
        assert (g["status"], g["total"], g["paid"], g["refunded"], g["lines"]) == \
            (o.status, o.total, o.paid, o.refunded, o.lines), number
        if o.recipient is not None:
            assert (g["recipient"], g["phone"]) == (o.recipient, o.phone), number


@pytest.mark.parametrize("name", SAMPLES)
def test_the_preview_of_a_sample_file_is_its_import(db, name):
    path = FOLDER / name
    plan = runner.prepare(db, path)
    assert plan.problems == [] and plan.refused == []
    result = runner.apply(db, ctx("alice", source=f"import:{name}"), plan)
    assert (result.created, result.updated, result.skipped_invalid) == (len(EXPECTED[name].orders), 0, 0)
    again = runner.prepare(db, path)
    assert (again.problems, again.creates, again.updates, again.refused) == ([], [], [], [])
    assert again.unchanged == len(EXPECTED[name].orders)


# ---- recognition whatever the optional columns do ------------------------------------------------

def _aliases() -> set[str]:
    return {norm(a) for p in layouts.BUILT_IN for aliases in p.columns.values() for a in aliases}


# Columns a shop adds or a newer export brings that no layout reads.
EXTRA = ["自定义列", "内部备注", "仓库编码", "Batch", "Internal ref", "拣货员", "Gift message", "利润(元)", "渠道备注",
         "Picker", "Tags 2"]


@pytest.mark.parametrize("name", SAMPLES)
def test_a_layout_is_recognised_with_its_optional_columns_reordered_dropped_or_mixed_with_others(name):
    """Every sample (so every built-in layout, both WebToffee modes): its header and first rows
    with the columns shuffled, any optional ones dropped, unrelated ones added, as CSV or xlsx."""
    code = EXPECTED[name].profile
    rows = readers.read(FOLDER / name).rows
    match = header.detect(rows, layouts.BUILT_IN, name)
    assert match.profile.code == code
    head, titles = match.row, rows[:match.row]
    width = max(len(r) for r in rows[head:head + 6])
    table = [list(r) + [""] * (width - len(r)) for r in rows[head:head + 6]]
    keep = {match.columns[f] for f in ("channel_order_no", *match.profile.identity)}
    optional = [i for i in range(width) if i not in keep]
    taken = _aliases()
    extra_names = st.one_of(st.sampled_from(EXTRA), st.text("宝贝订单商品扩展xyzQ", min_size=1, max_size=6)
                            .map(lambda s: f"扩展 {s}")).filter(lambda s: norm(s) not in taken)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 2**32 - 1), dropped=st.sets(st.sampled_from(optional)) if optional else st.just(set()),
           extra=st.lists(extra_names, max_size=4), as_xlsx=st.booleans())
    def recognised(seed, dropped, extra, as_xlsx):
        order = [i for i in range(width) if i not in dropped]
        random.Random(seed).shuffle(order)
        out = [[r[i] for i in order] for r in table]
        for n, col in enumerate(extra):
            at = random.Random(seed + n).randrange(len(out[0]) + 1)
            for k, r in enumerate(out):
                r.insert(at, col if k == 0 else f"x{k}")
        out = [*titles, *out]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("shuffled.xlsx" if as_xlsx else "shuffled.csv")
            if as_xlsx:
                wb = Workbook()
                for r in out:
                    wb.active.append([None if c in ("", None) else c for c in r])
                wb.save(path)
            else:
                with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                    csv.writer(fh).writerows(["" if c is None else c for c in r] for r in out)
            found = header.detect(readers.read(path).rows, layouts.BUILT_IN, path.name)
        assert found.profile.code == code and not found.ambiguous, (found.profile.code, found.others)
        assert found.row == head

    recognised()
