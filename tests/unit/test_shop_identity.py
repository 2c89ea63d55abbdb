"""The shop's identity's pure rules (domain/shop.py): limits, control characters, what is shown."""

import pytest

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.shop import LIMITS, ShopIdentity, checked, checked_field


def test_each_field_is_trimmed_and_may_be_exactly_its_limit():
    assert checked_field("name", "  茶叶小铺\u3000") == "茶叶小铺"
    for field, limit in LIMITS.items():
        assert checked_field(field, "x" * limit) == "x" * limit
        with pytest.raises(ValidationError, match=f"at most {limit} characters; this one has {limit + 1}"):
            checked_field(field, "x" * (limit + 1))
    assert checked_field("address", "") == ""


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "a\x7fb", "a\u200bb", "a\u2028b"])
def test_control_format_and_line_separator_characters_are_refused_naming_the_field(bad):
    with pytest.raises(ValidationError, match=r"^The shop's address holds a control character \(U\+[0-9A-F]{4}\)"):
        checked_field("address", bad)


def test_without_a_name_the_products_name_is_shown_and_the_contact_joins_what_is_set():
    assert ShopIdentity().shown_name() == "Shop Orders" and ShopIdentity().contact() == ""
    assert ShopIdentity("茶", "", "0571").contact() == "0571"
    assert ShopIdentity("茶", "路1号", "0571").contact() == "路1号 · 0571"
    with pytest.raises(ValidationError, match="The shop's phone"):
        checked(ShopIdentity("ok", "ok", "1" * 41))
