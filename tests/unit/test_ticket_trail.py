"""A ticket's events are stored as codes and read by name, in either language."""

from shop_orders.domain.trail import readable
from shop_orders.domain.vocabulary import field_label


def test_ticket_events_read_by_name_in_both_languages():
    assert readable("ticket", "ticket#3.opened", "address P1 service", "en") == "address problem P1 Customer service"
    assert readable("ticket", "ticket#3.opened", "address P1 service", "zh_CN") == "地址问题 P1 客服"
    assert readable("ticket", "ticket#3.state", "waiting", "en") == "waiting on customer"
    assert readable("ticket", "ticket#3.escalated", "P1 manager", "en") == "P1 Manager"
    assert readable("ticket", "ticket#3.assignee", "olivia", "en") == "olivia"  # a person as named
    assert readable("ticket", "ticket#3.comment", "rang twice", "en") == "rang twice"
    assert field_label("ticket#12.state", "en") == "#12 state" and field_label("ticket#12.state", "zh_CN") == "#12 状态"
    assert field_label("ticket#12.bogus", "en") == "ticket#12.bogus"  # unknown stays as it is
