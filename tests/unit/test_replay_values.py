"""The creation event's value: canonical JSON, read back exactly; older text still read."""

import json

from shop_orders.domain import replay


def test_creation_value_is_canonical_json_and_reads_back():
    value = replay.created_value("taobao", "301", "awaiting_shipment", "CNY", 123450, 123450, "tb_小明", "王伟",
                                 "13800138000", "浙江省", "", "", [(1, 123450)])
    data = json.loads(value)
    assert value == json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert replay.parse_created(value) == data
    assert replay.describe_created(value) == "created as Taobao 301; Awaiting shipment; 1234.50 CNY; paid 1234.50"
    assert replay.describe_created(value, lang="zh_CN") == "创建为 淘宝 301；待发货；1234.50 CNY；已付 1234.50"


def test_older_creation_text_is_described_like_the_json_and_unreadable_text_shown_as_it_is():
    assert replay.describe_created("jd 351000000001; awaiting_payment; 395.80 CNY") == (
        "created as JD 351000000001; Awaiting payment; 395.80 CNY")
    assert replay.describe_created("not a creation value") == "not a creation value"
    assert replay.describe_created(None) == ""


def test_older_creation_text_is_read_for_the_fields_it_states():
    assert replay.parse_created("jd 351000000001; awaiting_payment; 395.80 CNY") == {
        "channel": "jd", "channel_order_no": "351000000001", "status": "awaiting_payment", "currency": "CNY",
        "total": 39580, "paid": 0}
    assert replay.replay([("create", "order", "pos POS-1; awaiting_payment; 10.00 USD"),
                          ("payment", "paid", "10.00"), ("status", "status", "awaiting_shipment"),
                          ("edit", "tracking_no", "1Z9"), ("payment", "paid", "-0.50")]) == {
        "channel": "pos", "channel_order_no": "POS-1", "status": "awaiting_shipment", "currency": "USD",
        "total": 1000, "paid": -50, "tracking_no": "1Z9"}
