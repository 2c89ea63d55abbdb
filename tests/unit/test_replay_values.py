"""The creation event's value: canonical JSON, read back exactly; older text still read."""

import json

from shop_orders.domain import replay


def test_creation_value_is_canonical_json_and_reads_back():
    value = replay.created_value("taobao", "301", "awaiting_shipment", "CNY", 123450, 123450, "tb_小明", "王伟",
                                 "13800138000", "浙江省", "", "", [(1, 123450)])
    data = json.loads(value)
    assert value == json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert replay.parse_created(value) == {**data, "flags": "", "amount_known": True}  # not stated: none, known
    assert replay.describe_created(value) == "created as Taobao 301; Awaiting shipment; 1234.50 CNY; paid 1234.50"
    assert replay.describe_created(value, lang="zh_CN") == "创建为 淘宝 301；待发货；1234.50 CNY；已付 1234.50"


def test_flags_an_unknown_amount_and_a_refund_are_stated_only_when_set_and_described():
    plain = replay.created_value("jd", "11729384072", "awaiting_shipment", "CNY", 34245, 34245, "", "", "", "", "",
                                 "", [])
    assert "flags" not in plain and "amount_known" not in plain and "refunded" not in plain  # older values read the same
    flagged = replay.created_value("jd", "11729384072", "awaiting_shipment", "CNY", 34245, 34245, "", "", "", "",
                                   "", "", [], flags="deleted")
    assert json.loads(flagged)["flags"] == "deleted"
    assert replay.describe_created(flagged).endswith("; flagged: removed from the buyer's list or split by the channel")
    unknown = replay.created_value("amazon", "403-7089694-1230741", "awaiting_shipment", "INR", 0, 0, "", "", "",
                                   "", "", "", [(1, 0)], amount_known=False)
    assert replay.describe_created(unknown) == "created as Amazon 403-7089694-1230741; Awaiting shipment; — INR"
    refunded = replay.created_value("taobao", "2891363652368332658", "completed", "CNY", 23400, 2531, "", "", "",
                                    "", "", "", [(1, 23400)], refunded=20869)
    assert replay.describe_created(refunded) == ("created as Taobao 2891363652368332658; Completed; 234.00 CNY; "
                                                 "received 234.00, refunded 208.69")
    assert replay.replay([("create", "order", unknown), ("price", "total", "199.00")])["amount_known"] is True


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
