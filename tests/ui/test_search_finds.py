"""The quick search in the window: any part of a name, a refused one-character search, and an
empty result that says so, names the side filter and offers to search all orders."""

import pytest
from PySide6.QtCore import Qt

from shop_orders.domain.channels import channel_label
from shop_orders.ui.order_model import OrderNoRole
from tests.factories import make_order
from tests.ui.conftest import settle


def shown(w):
    return [w.model.index(r, 0).data(OrderNoRole) for r in range(w.model.rowCount())]


@pytest.fixture
def tea(sqlite_db, clock):
    made = {"tea": make_order(sqlite_db, clock, buyer="爱喝茶的王涛", channel="taobao", phone="13912345678")}
    made["other"] = make_order(sqlite_db, clock, buyer="李雷", channel="jd", phone="13800000001")
    return made


def search(qtbot, w, text):
    w.filters.search.setText(text)
    qtbot.keyClick(w.filters.search, Qt.Key.Key_Return)
    settle(qtbot, w)


def test_two_chinese_characters_find_the_name_they_sit_inside(make_window, tea, qtbot):
    w = make_window()
    search(qtbot, w, "王涛")
    assert shown(w) == [tea["tea"]]
    search(qtbot, w, "5678")  # the phone's tail
    assert shown(w) == [tea["tea"]]
    assert not w.table.empty_note.isVisible()


@pytest.mark.parametrize("text", ["王", "   ", " 7 "])
def test_one_character_or_only_spaces_is_refused_with_a_sentence_and_nothing_searched(make_window, tea, qtbot, text):
    w = make_window()
    search(qtbot, w, "王涛")
    search(qtbot, w, text)
    note = w.filters.search_note
    assert note.isVisible() and note.text().endswith(".") and "two characters" in note.text()
    assert w.model.shown_query.search == "王涛" and shown(w) == [tea["tea"]]  # what was shown stays
    search(qtbot, w, "李雷")
    assert not note.isVisible() and shown(w) == [tea["other"]]


def test_an_empty_result_names_the_side_filter_and_searches_all_orders_on_request(make_window, tea, qtbot):
    w = make_window()
    w.filters.channel_items["jd"].setSelected(True)
    settle(qtbot, w)
    search(qtbot, w, "王涛")
    note = w.table.empty_note
    assert w.model.rowCount() == 0 and note.isVisible()
    assert note.label.text() == f"No orders match “王涛” in {channel_label('jd', 'en')}."
    assert note.button.isVisible() and note.button.text() == "Search all orders"
    qtbot.mouseClick(note.button, Qt.MouseButton.LeftButton)
    settle(qtbot, w)
    assert shown(w) == [tea["tea"]] and w.model.shown_query.search == "王涛" and not w.model.shown_query.channels
    assert not w.filters.tree.selectedItems() and not note.isVisible()


def test_an_empty_result_without_a_side_filter_says_so_without_the_offer(make_window, tea, qtbot):
    w = make_window()
    search(qtbot, w, "没有这个人")
    note = w.table.empty_note
    assert note.isVisible() and note.label.text() == "No orders match “没有这个人”."
    assert not note.button.isVisible()


@pytest.fixture
def chinese(qapp):
    from PySide6.QtCore import QCoreApplication

    from shop_orders.ui import i18n

    translator = i18n.install(qapp, "zh_CN")
    yield
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
    i18n.install(qapp, "en")


def test_the_empty_result_and_the_refusal_speak_chinese(chinese, make_window, tea, qtbot):
    w = make_window(lang="zh_CN")
    w.filters.channel_items["jd"].setSelected(True)
    settle(qtbot, w)
    search(qtbot, w, "王涛")
    note = w.table.empty_note
    assert note.label.text() == f"在“{channel_label('jd', 'zh_CN')}”中没有订单匹配“王涛”。"
    assert note.button.text() == "搜索全部订单"
    search(qtbot, w, "王")
    assert w.filters.search_note.text() == "请至少输入两个字再搜索：一个字几乎会匹配所有订单。"
