"""Packing slips scan back: render a Chinese order's slip, decode every barcode, compare."""

from __future__ import annotations

import re

import pytest
import zxingcpp

from shop_orders.adapters import slip_painting
from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.status import Status
from shop_orders.services import orders, slips
from shop_orders.services.uow import UnitOfWork
from shop_orders.store.models import Setting
from tests.factories import apply, make_order


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _decoded(image) -> list[str]:
    return sorted(b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128))


def _chinese_order(db) -> str:
    return make_order(db, recipient="张**", phone="138****5678", address="浙江省杭州市西湖区龙井路18号3栋201室",
                      lines=[orders.LineDraft("TEA-LJ-250", "西湖龙井 250g 明前特级", 2, 16800),
                             orders.LineDraft("TEA-PE-357", "普洱茶饼 357g", 1, 12800),
                             orders.LineDraft("cup/gl-01", "玻璃茶杯", 3, 3900)])


def test_the_slip_of_a_chinese_order_scans_back_to_its_id_and_every_sku(db, qapp, tmp_path):
    no = _chinese_order(db)
    [slip] = slips.load_slips(db, [no])
    assert slip.recipient == "张**" and slip.phone == "138****5678"  # as stored, masked
    [page] = slip_painting.render_images(slip, dpi=300)
    assert _decoded(page) == sorted([no, "TEA-LJ-250", "TEA-PE-357", "cup/gl-01"])
    pdf = tmp_path / "slip.pdf"
    assert slips.write_pdf(pdf, [slip]) == 1
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and _page_count(data) == 1
    assert not (tmp_path / "slip.pdf.partial").exists()


def test_bars_are_whole_pixels_of_at_least_a_third_of_a_millimetre(qapp):
    for dpi in (203, 300, 600, 1200):
        assert slip_painting.module_px(dpi) * 25.4 / dpi >= slip_painting.MIN_MODULE_MM
    assert slip_painting.code128_modules("SO-20261122-000123").startswith("11010010000")  # start code B


def test_the_font_has_chinese_glyphs_when_the_system_has_a_cjk_font(qapp):
    from PySide6.QtGui import QFontDatabase, QRawFont

    if not set(slip_painting.CJK_FAMILIES) & set(QFontDatabase.families()):
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    raw = QRawFont.fromFont(slip_painting.slip_font(9))
    assert all(raw.supportsCharacter(ch) for ch in "张西湖龙井收件人")


def test_one_page_per_order_and_only_what_is_left_to_ship(db, qapp, tmp_path):
    first, second = _chinese_order(db), make_order(db)
    pdf = tmp_path / "two.pdf"
    loaded = slips.load_slips(db, [first, second, first])  # each order once
    assert [s.order_no for s in loaded] == [first, second]
    assert slips.write_pdf(pdf, loaded) == 2
    assert _page_count(pdf.read_bytes()) == 2


def test_an_order_with_many_lines_continues_on_a_second_page_with_its_barcode(db, qapp):
    no = make_order(db, lines=[orders.LineDraft(f"SKU-{i:02d}", f"商品 {i}", 1, 100) for i in range(12)])
    [slip] = slips.load_slips(db, [no])
    pages = slip_painting.render_images(slip, dpi=300)
    assert len(pages) >= 2
    found = [text for page in pages for text in _decoded(page)]
    assert found.count(no) == len(pages)
    assert sorted(t for t in found if t != no) == [f"SKU-{i:02d}" for i in range(12)]


def test_a_channel_order_number_finds_its_order_and_an_unknown_one_is_one_sentence(db, qapp, tmp_path):
    no = make_order(db, channel_order_no="TB-778899")
    assert [s.order_no for s in slips.load_slips(db, ["TB-778899"])] == [no]
    assert [s.order_no for s in slips.load_slips(db, [no.lower()])] == [no]
    with pytest.raises(ValidationError, match="There is no order SO-20990101-000001."):
        slips.load_slips(db, [no, "SO-20990101-000001"])


def test_the_same_channel_number_on_two_channels_asks_for_the_global_id(db, qapp):
    make_order(db, channel="taobao", channel_order_no="12345")
    make_order(db, channel="jd", channel_order_no="12345")
    with pytest.raises(ValidationError, match="channel order number of 2 orders"):
        slips.load_slips(db, ["12345"])


def test_the_shop_name_comes_from_the_shop_setting(db, qapp):
    no = make_order(db)
    assert slips.load_slips(db, [no])[0].shop == "Shop Orders"
    with UnitOfWork(db) as uow:
        uow.session.add(Setting(key=slips.SHOP_NAME_KEY, value='"茶叶小铺"', updated_at=uow.now))
        uow.commit()
    assert slips.load_slips(db, [no])[0].shop == "茶叶小铺"


def test_the_slip_lists_only_what_is_left_to_ship(db, qapp):
    no = make_order(db, status=Status.AWAITING_SHIPMENT, paid_minor=2 * 16800 + 3900)
    apply(db, orders.ship, no, {1: 1, 2: 1}, context=ChangeContext(Actor("alice"), "manual", "a test parcel"))
    [slip] = slips.load_slips(db, [no])
    assert [(line.sku, line.to_ship) for line in slip.lines] == [("TEA-LJ-250", 1)]


def test_a_failed_write_leaves_no_file(db, qapp, tmp_path):
    [slip] = slips.load_slips(db, [make_order(db)])
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(slips.SlipCancelled):
        slips.write_pdf(folder / "slips.pdf", [slip], cancelled=lambda: True)
    assert list(folder.iterdir()) == []


def test_a_folder_that_does_not_exist_is_one_sentence(db, qapp, tmp_path):
    [slip] = slips.load_slips(db, [make_order(db)])
    with pytest.raises(ShopOrdersError, match="cannot be written"):
        slips.write_pdf(tmp_path / "nowhere" / "slips.pdf", [slip])
