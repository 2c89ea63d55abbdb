"""Every window and dialog in Chinese: no English sentence, label, menu, tooltip, tab or header
left over. Walks the widget trees of the real windows (offscreen) with the store's data Chinese,
and collects every visible text: titles, labels, buttons, menus and their actions, tabs, combo
items, placeholders, tooltips, table and tree headers."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QWidget,
)

from shop_orders.domain import messages
from shop_orders.domain.status import Status
from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui import i18n
from shop_orders.ui.order_model import OrderNoRole
from tests import channel_files as cf
from tests.factories import apply, make_order, run

# Names that stay as they are in a Chinese UI (products, formats, codes).
PROPER = ["Shop Orders", "Advanced Order Export", "All Orders", "WooCommerce", "WebToffee", "Shopify", "Amazon",
          "Excel", "CSV", "SKU", "UTF-8", "GBK", "GB18030", "PostgreSQL", "SQLite", "CNY", "USD", "GBP", "EUR",
          "Analytics", "JD", "ERP", "zip", "XML", "PayPal", "AfterShip", "YTO", "shunfeng", "PIN", "Esc",
          "PDF", "English", "EtsySoldOrders", "Etsy", "eBay", "Seller Hub", "Sales History", "Easy Ship",
          "SHA-256", "HKD", "TWD", "JPY", "KRW", "SGD", "AUD", "CAD", "INR", "ZAR", "PKR", "AED"]  # the language list names each language in itself
_PATHS = re.compile(r"\S*[/\\]\S*|\S+\.(sqlite3|xlsx|xlsm|xls|csv|tsv|txt|json|key|png|jpg|pdf)\b|SO-\d{8}-\d{6}|--[a-z-]+")
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_in(text: str) -> list[str]:
    text = _PATHS.sub(" ", str(text or "").replace("&", ""))
    for name in PROPER:
        text = text.replace(name, " ")
    text = re.sub(rf"\b{re.escape(current_actor().name)}\b", " ", text)  # the signed-in person's name is data
    return _WORD.findall(text)


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person can see in root and its children."""
    out: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}({w.objectName()})"
        for where, text in [*_own_texts(w, name), *_item_texts(w, name), *_action_texts(w, name)]:
            if text:
                out.append((where, text))
    return out


def _own_texts(w: QWidget, name: str) -> list[tuple[str, str]]:
    """The widget's title, tooltip, and its text, title or placeholder by kind."""
    out = [(name + ".windowTitle", w.windowTitle())] if w.isWindow() else []
    out.append((name + ".toolTip", w.toolTip()))
    if isinstance(w, QLabel) and not w.objectName().startswith("detail_") or isinstance(w, QAbstractButton):  # detail_*: the order's data
        out.append((name, w.text()))
    elif isinstance(w, QGroupBox):
        out.append((name, w.title()))
    elif isinstance(w, QLineEdit):
        out.append((name + ".placeholder", w.placeholderText()))
    elif isinstance(w, QMenu):
        out.append((name + ".title", w.title()))
    return out


def _item_texts(w: QWidget, name: str) -> list[tuple[str, str]]:
    """Tabs, combo box items, tree items and table headers."""
    if isinstance(w, QTabWidget):
        return [(f"{name}.tab{i}", w.tabText(i)) for i in range(w.count())]
    if isinstance(w, QComboBox):
        return [(f"{name}.item{i}", w.itemText(i)) for i in range(w.count())]
    if isinstance(w, QTreeWidget):
        out = []
        for i in range(w.topLevelItemCount()):
            item = w.topLevelItem(i)
            out.append((f"{name}.group{i}", item.text(0)))
            out += [(f"{name}.item{i}.{k}", item.child(k).text(0)) for k in range(item.childCount())]
        return out
    if isinstance(w, (QTableView, QTreeView)) and w.model() is not None:  # the file dialog's list is a tree
        header = w.horizontalHeader() if isinstance(w, QTableView) else w.header()
        return [(f"{name}.header{c}", str(w.model().headerData(c, Qt.Orientation.Horizontal) or ""))
                for c in range(header.count()) if not header.isSectionHidden(c)]
    return []


def _action_texts(w: QWidget, name: str) -> list[tuple[str, str]]:
    """The widget's actions, their tooltips when they say more, and their menus' actions."""
    out = []
    for a in w.actions():
        out.append((f"{name}.action", a.text()))
        out.append((f"{name}.action.tip", a.toolTip() if a.toolTip() != a.text().replace("&", "") else ""))
        if a.menu() is not None:
            out += [(f"{name}.menu.action", sub.text()) for sub in a.menu().actions()]
    return out


def assert_chinese(root: QWidget) -> None:
    leftovers = [f"{where}: {text!r}" for where, text in visible_texts(root) if english_in(text)]
    assert leftovers == [], "untranslated:\n" + "\n".join(leftovers)


@pytest.fixture
def chinese(qapp):
    translator = i18n.install(qapp, "zh_CN")
    yield
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
    i18n.install(qapp, "en")


@pytest.fixture
def store(sqlite_db):
    """Two orders; the second's trust chain has a ticket the stuck-order rule opened (its actor
    "system"), seen again, assigned, moved and given a file."""
    no = make_order(sqlite_db)
    from sqlalchemy import select

    from shop_orders.domain.changes import ChangeContext
    from shop_orders.domain.tickets import Kind
    from shop_orders.services import orders, tickets
    from shop_orders.store.models import Order

    apply(sqlite_db, orders.record_payment, no, 40500, method="alipay", reference="2026112022001")
    second = make_order(sqlite_db, status=Status.AWAITING_SHIPMENT)
    rule = ChangeContext(tickets.SYSTEM, "rule:stuck")

    def sighting(key):
        return lambda uow: tickets.detected(uow, rule, uow.session.execute(
            select(Order).where(Order.order_no == second)).scalar_one(), Kind.STUCK, key, "")

    run(sqlite_db, sighting("no update since 2026-11-20T09:30:00+00:00"))
    run(sqlite_db, sighting("no update since 2026-11-19T09:30:00+00:00"))
    with sqlite_db.read_session() as s:
        from shop_orders.store.models import Ticket

        ticket = s.execute(select(Ticket.id).where(Ticket.kind == "stuck")).scalar_one()
    apply(sqlite_db, tickets.assign, ticket, "warehouse")
    apply(sqlite_db, tickets.set_state, ticket, "in_progress")
    apply(sqlite_db, tickets.attach, ticket, "回单.png", b"bank receipt")
    return sqlite_db


def test_the_main_window_menus_filters_grid_and_detail_are_chinese(chinese, make_window, store, qtbot):
    w = make_window(lang="zh_CN")
    qtbot.waitUntil(lambda: w.model.rowCount() == 2, timeout=5000)
    w.view.selectRow(0)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    texts = [text for _, text in visible_texts(w)]
    assert len(texts) > 60 and "文件(&F)" in texts  # the walk sees the window's texts
    assert_chinese(w)
    cells = []
    for row in range(2):  # the trust chains of both orders
        w.view.selectRow(row)
        no = w.model.index(row, 0).data(OrderNoRole)
        qtbot.waitUntil(lambda no=no: w.detail.detail is not None and w.detail.detail.order.order_no == no,
                        timeout=5000)  # this row's order, not the one shown before
        chain = w.detail.history
        cells += [chain.item(r, c).text() for r in range(chain.rowCount()) for c in (1, 2, 3)]
    assert "手动" in cells and any(c.startswith("已付金额：") for c in cells), cells  # the trust chain too
    assert "系统" in cells and "规则：订单卡住" in cells and any(c.endswith("附件：回单.png") for c in cells), cells
    assert [c for c in cells if english_in(c.replace("alice", ""))] == []  # ticket events, the rules, files (alice: data)
    assert_chinese(w)
    for menu in w.menuBar().findChildren(QMenu):
        assert_chinese(menu)
    assert messages.language() == "zh_CN"


def test_every_order_dialog_and_the_settings_are_chinese(chinese, qtbot):
    from shop_orders.domain.staleness import Thresholds
    from shop_orders.ui.dialogs import (
        ChangeStatusDialog,
        EditContactDialog,
        PaymentDialog,
        SettingsDialog,
        StatusWordsDialog,
    )

    for d in (ChangeStatusDialog(None, "SO-20261120-000001", Status.AWAITING_SHIPMENT, "zh_CN"),
              PaymentDialog(None, "SO-20261120-000001", "CNY", "12.00"),
              EditContactDialog(None, "SO-20261120-000001", "王伟", "138****5678", "浙江省杭州市"),
              SettingsDialog(None, Thresholds(), "zh_CN", "zh_CN"),
              StatusWordsDialog(None, "京东订单导出", ["火星"], "zh_CN")):
        qtbot.addWidget(d)
        d.show()
        assert_chinese(d)
        d.close()


def test_the_import_and_mapping_dialogs_and_their_problems_are_chinese(chinese, store, qtbot, tmp_path):
    from shop_orders.ui.import_dialog import ImportDialog
    from shop_orders.ui.mapping_dialog import MappingDialog

    h = cf.JD_HEADER
    path = cf.write_csv(tmp_path / "jd.csv", [h, cf.row_for(h, **{
        "订单号": "300001", "商品名称": "龙井", "订购数量": "x", "京东价": "168", "应付金额": "168", "订单状态": "火星",
        "下单时间": "2026-11-20 08:00:00"}), cf.row_for(h, **{"订单号": "300002", "订购数量": "1", "订单状态": "等待出库",
                                                           "下单时间": "某天"})])
    ctx = AppContext(store, tmp_path, tmp_path, current_actor())
    d = ImportDialog(ctx, path, "zh_CN")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.plan is not None, timeout=10000)
    assert len(d.plan.problems) >= 2
    assert_chinese(d)
    problems = [d.problems.item(r, 2).text() for r in range(d.problems.rowCount())]
    assert problems and not [p for p in problems if english_in(p)], problems
    m = MappingDialog(ctx, path, "zh_CN")
    qtbot.addWidget(m)
    m.show()
    assert_chinese(m)


@pytest.mark.parametrize("save", [False, True])
def test_the_file_dialog_is_chinese(chinese, qtbot, tmp_path, save):
    """Qt's own file dialog (ui/file_dialogs.py, the non-native one): its labels ("Look in:", "Files of
    type:"), buttons, tooltips, the list's header and its context menu, all Chinese."""
    from shop_orders.ui.file_dialogs import FileDialog

    (tmp_path / "订单.xlsx").write_bytes(b"")
    d = FileDialog(None, "导出", "Excel (*.xlsx)", protected=[], save=save, start=tmp_path,
                   suggested_name="订单.xlsx" if save else "")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.findChild(QLabel, "lookInLabel").text() != "", timeout=5000)
    texts = dict(visible_texts(d))
    assert texts["QLabel(lookInLabel)"] == "查找范围(&L)：" and texts["QLabel(fileTypeLabel)"] == "文件类型(&T)："
    assert any(where.startswith("QTreeView(treeView).header") and text == "名称" for where, text in texts.items())
    assert_chinese(d)
    d.close()


def test_qts_standard_buttons_and_text_menus_are_chinese(chinese, qtbot):
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    qtbot.addWidget(box)
    names = [box.addButton(b).text() for b in (QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Cancel,
                                               QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)]
    assert names == ["确定", "取消", "是(&Y)", "否(&N)"]
    field = QLineEdit()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    assert [a.text().split("\t")[0] for a in menu.actions() if a.text()][:2] == ["撤消(&U)", "重做(&R)"]
    assert not [a.text() for a in menu.actions() if english_in(a.text().split("\t")[0])]


def test_an_approved_change_sets_rows_in_the_trust_chain_are_chinese(chinese, qtbot, sqlite_db):
    """The trust chain names the proposer and the approver of every change an approved change set made."""
    from sqlalchemy import select

    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import auth, changesets
    from shop_orders.services.browse import OrderBrowser
    from shop_orders.store.models import Order
    from shop_orders.ui.detail_panel import DetailPanel
    from tests.factories import make_shippable, settled_user

    owner, manager = Actor("王芳", "owner"), Actor("李强", "manager")
    run(sqlite_db, auth.create_user, ChangeContext(owner), owner.name, owner.role, "wangfang-secret-1")
    settled_user(sqlite_db, ChangeContext(owner), manager.name, manager.role, "liqiang-secret-1")
    nos = [make_shippable(sqlite_db) for _ in range(2)]
    with sqlite_db.read_session() as s:
        ids = list(s.execute(select(Order.id).where(Order.order_no.in_(nos))).scalars())
    p = run(sqlite_db, changesets.submit, ChangeContext(manager), "set_status", {"status": "cancelled"}, "重复订单",
            selection=ids)
    run(sqlite_db, changesets.approve, owner, p.id)
    panel = DetailPanel("zh_CN")
    qtbot.addWidget(panel)
    panel.show_detail(OrderBrowser(sqlite_db).detail(nos[0]))
    chain = panel.history
    rows = [[chain.item(r, c).text() for c in (1, 2, 3)] for r in range(chain.rowCount())]
    assert ["李强 提交，王芳（老板） 审批", f"变更单：#{p.id}", "状态：待发货 → 已取消"] in rows
    assert [c for r in rows for c in r if english_in(c.replace("alice", ""))] == []  # alice: the factory's


def test_the_walker_finds_english_where_it_is_left(chinese, qtbot):
    """The check itself can fail: an English label in a Chinese dialog is found."""
    w = QDialog()
    qtbot.addWidget(w)
    w.setWindowTitle("订单")
    QLabel("Nothing to change here", w)
    assert [t for _, t in visible_texts(w) if english_in(t)] == ["Nothing to change here"]
