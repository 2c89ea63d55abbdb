"""The shop's identity (issue 26 item 8), on SQLite and PostgreSQL: the owner sets the name,
address and phone (each a shop setting every seat shares, each change a line in the trail); a name
of 10,000 characters or one with a control character is one sentence naming the field and nothing
changes; a clerk may not; packing slips print them (without a name, the product's name); an
export names the shop in the workbook's properties and below its summary, and its columns and
round trip stay as they were."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shop_orders.adapters import slip_painting
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.shop import ShopIdentity
from shop_orders.services import auth, exporting, settings, slips
from shop_orders.services.importing import runner
from shop_orders.store.models import AuditEvent, Setting
from tests.factories import make_order, run

OWNER = ChangeContext(Actor("olivia", "owner"), "manual")
CLERK = ChangeContext(Actor("wang", "warehouse"), "manual")
TEA_SHOP = ShopIdentity("茶叶小铺", "浙江省杭州市西湖区龙井路1号", "0571-88886666")


@pytest.fixture
def shop(db):
    run(db, auth.create_user, OWNER, "olivia", "owner", "olivia-secret-1")
    run(db, auth.create_user, OWNER, "wang", "warehouse", "wang-secret-1")
    return db


def _set(db, who=OWNER, **fields):
    return run(db, settings.set_shop, who, **fields)


def _get(db) -> ShopIdentity:
    with db.read_session() as s:
        return settings.get_shop(s)


def _state(db):
    with db.read_session() as s:
        rows = sorted((r.key, r.value) for r in s.execute(select(Setting)).scalars())
        return rows, s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_the_owner_sets_name_address_and_phone_each_a_line_in_the_trail(shop):
    assert _get(shop) == ShopIdentity()
    assert _set(shop, name="  茶叶小铺 ", address=TEA_SHOP.address, phone=TEA_SHOP.phone)
    assert _get(shop) == TEA_SHOP
    with shop.read_session() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "setting")
                           .order_by(AuditEvent.id)).scalars().all()
    assert [(e.field, e.actor, e.new) for e in events[-3:]] == [
        ("shop_name", "olivia", '"茶叶小铺"'), ("shop_address", "olivia", f'"{TEA_SHOP.address}"'),
        ("shop_phone", "olivia", '"0571-88886666"')]
    before = _state(shop)
    assert not _set(shop, name="茶叶小铺", phone=None)  # the same again: nothing written
    assert _state(shop) == before
    assert _set(shop, phone="")  # cleared
    assert _get(shop) == ShopIdentity(TEA_SHOP.name, TEA_SHOP.address, "")


@pytest.mark.parametrize(("fields", "words"), [
    ({"name": "茶" * 10_000}, "The shop's name is at most 60 characters; this one has 10000."),
    ({"name": "茶叶\n小铺"}, "The shop's name holds a control character (U+000A)"),
    ({"name": "茶叶\u202e小铺"}, "The shop's name holds a control character (U+202E)"),
    ({"address": "路" * 201}, "The shop's address is at most 200 characters"),
    ({"phone": "0571\t8888"}, "The shop's phone holds a control character (U+0009)"),
    ({"name": "Good name", "phone": "1" * 41}, "The shop's phone is at most 40 characters"),
])
def test_bad_input_is_one_sentence_naming_the_field_and_nothing_changes(shop, fields, words):
    _set(shop, name=TEA_SHOP.name)
    before = _state(shop)
    with pytest.raises(ValidationError) as caught:
        _set(shop, **fields)
    said = str(caught.value)
    assert said.startswith(words) and "\n" not in said and len(said) < 200
    assert _state(shop) == before and _get(shop).name == TEA_SHOP.name


def test_a_clerk_may_not_name_the_shop(shop):
    before = _state(shop)
    with pytest.raises(ShopOrdersError):
        _set(shop, CLERK, name="Not my shop")
    assert _state(shop) == before


def test_slips_print_the_shops_name_address_and_phone_and_the_products_name_without_one(shop, qapp, monkeypatch):
    no = make_order(shop)
    [plain] = slips.load_slips(shop, [no])
    assert (plain.shop, plain.shop_contact) == ("Shop Orders", "")
    _set(shop, name=TEA_SHOP.name, address=TEA_SHOP.address, phone=TEA_SHOP.phone)
    [slip] = slips.load_slips(shop, [no])
    assert slip.shop == "茶叶小铺" and slip.shop_contact == "浙江省杭州市西湖区龙井路1号 · 0571-88886666"
    painted: list[str] = []
    original = slip_painting._Page.text

    def text(page, y, value, font, **kw):
        if not page.dry:
            painted.append(value)
        return original(page, y, value, font, **kw)

    monkeypatch.setattr(slip_painting._Page, "text", text)
    [page] = slip_painting.render_images(slip, dpi=300)
    assert painted[:2] == ["茶叶小铺", "浙江省杭州市西湖区龙井路1号 · 0571-88886666"]
    import zxingcpp

    codes = sorted(b.text for b in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.Code128))
    assert codes == sorted([no, "TEA-LJ-250", "CUP-GL-01"])  # the extra line moved nothing off the page
    painted.clear()
    slip_painting.render_images(plain, dpi=300)
    assert painted[0] == "Shop Orders" and "浙江省杭州市西湖区龙井路1号 · 0571-88886666" not in painted


def test_an_export_names_the_shop_in_its_properties_and_below_the_summary_columns_unchanged(shop, tmp_path):
    make_order(shop)
    plain = tmp_path / "plain.xlsx"
    exporting.export(shop, plain)
    wb = load_workbook(plain)
    assert wb.properties.title == "Shop Orders: orders" and wb.properties.creator == "Shop Orders"
    assert not any("Shop:" in str(c) for r in wb["Summary"].iter_rows(values_only=True) for c in r)
    _set(shop, name="=茶叶小铺", address=TEA_SHOP.address, phone=TEA_SHOP.phone)  # a name that looks like a formula
    path = tmp_path / "named.xlsx"
    exporting.export(shop, path)
    named = load_workbook(path)
    assert named.properties.title == "=茶叶小铺: orders" and named.properties.creator == "=茶叶小铺"
    assert named.sheetnames == wb.sheetnames
    for sheet in wb.sheetnames:  # every sheet's columns as they were
        assert [c.value for c in named[sheet][1]] == [c.value for c in wb[sheet][1]]
    assert named["Summary"].auto_filter.ref == wb["Summary"].auto_filter.ref
    notes = [r[0] for r in named["Summary"].iter_rows(values_only=True)][-2:]
    assert notes == ["Shop: =茶叶小铺", "浙江省杭州市西湖区龙井路1号 · 0571-88886666"]
    plan = runner.prepare(shop, path)  # our own export still reads back as ours, changing nothing
    assert plan.profile.code == "shoporders" and not plan.problems
    result = runner.apply(shop, ChangeContext(OWNER.actor, "import:named.xlsx"), plan)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_an_export_in_chinese_names_the_shop_in_chinese(shop, tmp_path):
    make_order(shop)
    path = tmp_path / "zh.xlsx"
    exporting.export(shop, path, lang="zh_CN")
    assert load_workbook(path).properties.title == "订单台：订单"
    _set(shop, name="茶叶小铺")
    exporting.export(shop, path, lang="zh_CN")
    wb = load_workbook(path)
    assert wb.properties.title == "茶叶小铺：订单"
    assert [r[0] for r in wb["汇总"].iter_rows(values_only=True)][-1] == "店铺：茶叶小铺"
