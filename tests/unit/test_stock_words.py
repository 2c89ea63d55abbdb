"""The trust chain names stock's codes in both languages (domain/vocabulary.py, domain/trail.py):
a movement's quantities, an order's shortage, the stock rule, a catalogue field."""

from shop_orders.domain.trail import readable
from shop_orders.domain.vocabulary import action_label, field_label, source_label


def test_stock_events_read_in_both_languages():
    assert readable("stock", "TEA-1", "on_hand=3 incoming=10", "en") == "on hand 3, incoming 10"
    assert readable("stock", "TEA-1", "on_hand=3 incoming=10", "zh_CN") == "在库 3，在途 10"
    assert readable("stock", "short", "2 × TEA-1", "zh_CN") == "2 × TEA-1"
    assert source_label("rule:stock", "zh_CN") == "规则：库存预占"
    assert source_label("rule:stock", "en") == "rule: stock reservations"
    assert field_label("short", "zh_CN") == "缺货"
    assert field_label("TEA-1.location", "zh_CN") == "TEA-1 库位"
    assert field_label("A.B.barcodes", "en") == "A.B barcodes"  # an SKU with a dot keeps it
    assert action_label("catalogue", "zh_CN") == "库存目录"
