"""The scan-out's pure rules (domain/scanning.py): which line a scanned item counts toward, the
counted items checked against what is still to ship, a partial shipment, and the undo window."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shop_orders.domain.scanning import (
    UNDO_SECONDS,
    UNDO_WINDOW,
    ScanLine,
    ScanOrder,
    ScanRefused,
    clean_code,
    counted_items,
    is_complete,
    is_item_code,
    match_item,
    names_order,
    only_counted,
    refuse_extra_item,
    undo_open,
)

ORDER = ScanOrder(7, "SO-20261122-000007", "taobao", "T7", "awaiting_shipment", "Li", "Street 1", "SF",
                  (ScanLine(1, "TEA-LJ-250", "tea", 3, 1), ScanLine(2, "CUP-GL-01", "cup", 1, 0),
                   ScanLine(3, "tea-lj-250", "tea again", 1, 0)))


def _kind(fn, *args) -> str:
    with pytest.raises(ScanRefused) as caught:
        fn(*args)
    assert str(caught.value).strip() and "\n" not in str(caught.value)
    return caught.value.kind


def test_a_scanned_code_loses_the_scanners_noise():
    assert clean_code(" SO-1\r\n\t") == "SO-1" and clean_code(None) == ""  # type: ignore[arg-type]


def test_the_order_on_screen_is_named_by_its_id_in_any_case_or_its_channel_number():
    assert names_order(ORDER, "so-20261122-000007") and names_order(ORDER, "T7")
    assert not names_order(ORDER, "t7") and not names_order(ORDER, "TEA-LJ-250")


def test_items_fill_the_first_line_still_short_then_the_next_with_the_same_sku():
    counted: dict[int, int] = {}
    for expected in (1, 1, 3):
        line = match_item(ORDER, counted, " tea-lj-250\r\n")
        assert line == expected
        counted[line] = counted.get(line, 0) + 1
    assert _kind(match_item, ORDER, counted, "TEA-LJ-250") == "too_many"
    assert _kind(match_item, ORDER, counted, "SOCKS") == "wrong_item"
    assert _kind(match_item, ORDER, counted, "") == "wrong_item"


def test_counted_items_are_checked_against_what_is_still_to_ship():
    assert counted_items(ORDER, {1: 2, 2: 0, 3: 1}) == {1: 2, 3: 1}
    assert _kind(counted_items, ORDER, {1: 3}) == "too_many"  # one of the three is shipped already
    assert _kind(counted_items, ORDER, {9: 1}) == "wrong_item"
    assert _kind(counted_items, ORDER, {2: 0}) == "no_items"


def test_complete_and_a_partial_shipment_cut_to_what_was_counted():
    assert not is_complete(ORDER, {1: 2, 2: 1})
    assert is_complete(ORDER, {1: 2, 2: 1, 3: 1})
    part = only_counted(ORDER, {1: 1})
    assert [(li.line_no, li.qty, li.shipped_qty) for li in part.lines] == [(1, 2, 1)]
    assert is_complete(part, {1: 1}) and part.order_no == ORDER.order_no


def test_a_scan_can_be_undone_for_sixty_seconds_both_ends_included():
    assert UNDO_WINDOW == timedelta(seconds=UNDO_SECONDS) == timedelta(seconds=60)
    assert undo_open(timedelta(0)) and undo_open(UNDO_WINDOW)
    assert not undo_open(UNDO_WINDOW + timedelta(microseconds=1))


def test_an_item_is_known_by_its_sku_in_any_case_through_scanner_noise():
    assert is_item_code(ORDER, " cup-gl-01\r\n") and is_item_code(ORDER, "TEA-LJ-250")
    assert not is_item_code(ORDER, "SF1234567890") and not is_item_code(ORDER, "") and not is_item_code(ORDER, " ")
    assert not is_item_code(ScanOrder(8, "SO-1", "pos", "P8", "awaiting_shipment", "", "", "", ()), "CUP-GL-01")


def test_an_item_where_the_tracking_number_is_due_is_one_too_many():
    assert _kind(refuse_extra_item, ORDER, "cup-gl-01") == "too_many"
    with pytest.raises(ScanRefused, match="CUP-GL-01.*SO-20261122-000007"):
        refuse_extra_item(ORDER, "cup-gl-01")
    refuse_extra_item(ORDER, "SF1234567890")  # a tracking number: nothing to say
    refuse_extra_item(ORDER, "SO-20261122-000007")  # the order itself is not an item
