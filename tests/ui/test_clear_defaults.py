"""Safe and clear defaults (issue 26, item 7), in both languages: every menu's mnemonics unique,
no placeholder cut off, "取消订单" never a bare "取消" button, channels in the order of their
shown names, and "0 stale" not red."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLineEdit, QMenu, QWidget

from shop_orders.domain.channels import CHANNELS, channel_label
from shop_orders.domain.staleness import Level
from shop_orders.domain.status import Status
from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui import i18n, palette
from tests.factories import make_order
from tests.ui.conftest import settle

_MNEMONIC = re.compile(r"&([^&])")


@pytest.fixture(params=["en", "zh_CN"])
def lang(request, qapp):
    translator = i18n.install(qapp, request.param)
    yield request.param
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
    i18n.install(qapp, "en")


def mnemonic(text: str) -> str | None:
    m = _MNEMONIC.search(text.replace("&&", ""))
    return m[1].lower() if m else None


def _clashes(texts: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    out = []
    for text in texts:
        key = mnemonic(text)
        if key is None:
            continue
        if key in seen:
            out.append(f"&{key}: {seen[key]!r} and {text!r}")
        seen[key] = text
    return out


def _walk(menu: QMenu, where: str) -> list[str]:
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    out = [f"{where}: {c}" for c in _clashes(texts)]
    for a in menu.actions():
        if a.menu() is not None:
            out += _walk(a.menu(), f"{where} → {a.text()}")
    return out


def test_every_menu_and_the_menu_bar_have_unique_mnemonics(make_window, lang):
    w = make_window(lang=lang)
    bar = [a for a in w.menuBar().actions() if a.menu() is not None]
    assert len(bar) >= 6 and all(mnemonic(a.text()) for a in bar)  # every menu can be opened from the keyboard
    clashes = _clashes([a.text() for a in bar])
    for a in bar:
        clashes += _walk(a.menu(), a.text())
    assert clashes == [], "\n".join(clashes)


def test_the_mnemonic_walk_finds_a_clash():
    m = QMenu()
    m.addAction("&Save")
    m.addAction("&Select all")
    m.addAction("Print (&P)")
    assert len(_walk(m, "test")) == 1


# ---- placeholders -------------------------------------------------------------------------------

def _cut_placeholders(root: QWidget) -> list[str]:
    """Every visible line edit whose placeholder is wider than the room for text in it."""
    out = []
    for e in [root] * isinstance(root, QLineEdit) + root.findChildren(QLineEdit):
        text = e.placeholderText()
        if not text or not e.isVisible():
            continue
        margins = e.textMargins()
        room = e.contentsRect().width() - margins.left() - margins.right() - 4  # Qt's 2 px each side
        width = e.fontMetrics().horizontalAdvance(text)
        if width > room:
            out.append(f"{type(e.window()).__name__}/{e.objectName() or '?'}: {text!r} needs {width} px, has {room}")
    return out


def _dialogs(ctx, qsettings):
    from shop_orders.domain.staleness import Thresholds
    from shop_orders.ui.approvals import ApproveAsDialog, BulkEditDialog
    from shop_orders.ui.dialogs import (
        ChangeStatusDialog,
        EditContactDialog,
        PaymentDialog,
        SettingsDialog,
    )
    from shop_orders.ui.first_run import ConnectDialog
    from shop_orders.ui.users import FirstOwnerDialog, SignInDialog, UsersDialog

    lang = "zh_CN" if i18n.messages.is_chinese(None) else "en"
    return [ChangeStatusDialog(None, "SO-20261120-000001", Status.AWAITING_SHIPMENT, lang),
            PaymentDialog(None, "SO-20261120-000001", "CNY", "12.00"),
            EditContactDialog(None, "SO-20261120-000001", "王伟", "138****5678", "浙江省杭州市"),
            SettingsDialog(None, Thresholds(), lang, lang),
            BulkEditDialog(120, lang, couriers=["SF"]), ApproveAsDialog(ctx, 7),
            ConnectDialog(None, qsettings), FirstOwnerDialog(ctx), SignInDialog(ctx), UsersDialog(ctx)]


def test_no_placeholder_is_cut_off_in_the_window_or_the_main_dialogs(make_window, lang, qtbot, sqlite_db, tmp_path,
                                                                     qsettings):
    w = make_window(lang=lang)
    cut = _cut_placeholders(w)
    ctx = AppContext(sqlite_db, tmp_path, tmp_path / "backups", current_actor())
    for d in _dialogs(ctx, qsettings):
        qtbot.addWidget(d)
        d.show()
        QCoreApplication.processEvents()
        cut += _cut_placeholders(d)
        for page in range(getattr(getattr(d, "kind", None), "count", lambda: 0)()):  # the bulk edit's pages
            d.kind.setCurrentIndex(page)
            QCoreApplication.processEvents()
            cut += _cut_placeholders(d)
        d.close()
    assert cut == [], "\n".join(cut)


def test_the_placeholder_check_finds_a_cut_one(qtbot):
    e = QLineEdit()
    qtbot.addWidget(e)
    e.setPlaceholderText("a placeholder far too long for a line edit eighty pixels wide")
    e.setFixedWidth(80)
    e.show()
    assert len(_cut_placeholders(e.window())) == 1


# ---- "取消订单" is not the button "取消" --------------------------------------------------------------

def test_cancelling_an_order_never_reads_as_the_cancel_button(make_window, qtbot, sqlite_db):
    from shop_orders.services import changesets
    from shop_orders.ui.approvals import BulkEditDialog
    from shop_orders.ui.dialogs import ChangeStatusDialog

    translator = i18n.install(QCoreApplication.instance(), "zh_CN")
    try:
        make_order(sqlite_db)
        w = make_window(lang="zh_CN")
        bare = "取消"
        # the window's actions and menus: none is a bare "取消"
        texts = [a.text() for m in w.menuBar().findChildren(QMenu) for a in m.actions()]
        texts += [a.text() for a in w.findChildren(type(w.quit_action))]
        assert not [x for x in texts if re.sub(r"\(&.\)|&", "", x).strip() == bare], texts
        # the order's cancel: as a status, as a bulk edit, in the status dialog
        assert Status.CANCELLED.label("zh_CN") != bare and i18n.messages.t(changesets.KINDS["cancel"]) == "取消订单"
        bulk = BulkEditDialog(3, "zh_CN")
        status = ChangeStatusDialog(None, "SO-20261120-000001", Status.AWAITING_PAYMENT, "zh_CN")
        for d in (bulk, status):
            qtbot.addWidget(d)
            kinds = [d.kind.itemText(i) for i in range(d.kind.count())] if d is bulk else \
                [d.combo.itemText(i) for i in range(d.combo.count())]
            assert bare not in kinds, kinds
            for b in d.findChildren(QAbstractButton):
                if re.sub(r"\(&.\)|&", "", b.text()).strip() == bare:  # only the dialog's own Cancel says 取消
                    box = b.parent()
                    assert isinstance(box, QDialogButtonBox)
                    assert box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)
        i18n.install(QCoreApplication.instance(), "en")


# ---- channels in the order of their shown names; 0 stale not red -------------------------------------

def test_channels_are_listed_by_their_shown_name(make_window, lang, qtbot):
    from PySide6.QtCore import QCollator, QLocale

    w = make_window(lang=lang)
    shown = [w.filters.channel_group.child(i).text(0) for i in range(w.filters.channel_group.childCount())]
    collator = QCollator(QLocale("zh_CN" if lang.startswith("zh") else "en_US"))
    collator.setCaseSensitivity(collator.caseSensitivity().CaseInsensitive)
    assert shown == sorted((channel_label(c, lang) for c in CHANNELS), key=collator.sortKey)
    if lang.startswith("zh"):
        assert shown.index("京东") < shown.index("淘宝")  # by pinyin, not by code point or code
    else:
        assert shown.index("Amazon") < shown.index("JD") < shown.index("Taobao")


def test_zero_stale_orders_is_not_red_and_some_are(make_window, qtbot, sqlite_db, clock):
    from datetime import timedelta

    w = make_window()
    assert w.stale_button.text() == "⚑ 0 stale"
    assert palette.STALE_TEXT not in w.stale_button.styleSheet()
    red = palette.flag_colour(Level.RED)
    assert red is not None and w.filters.stale_item.foreground(0).color().name() != red.name()
    start = clock.now
    clock.now = start - timedelta(days=30)
    make_order(sqlite_db, clock)
    clock.now = start
    w.reload()
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.stale_button.text() == "⚑ 1 stale", timeout=5000)
    assert palette.STALE_TEXT in w.stale_button.styleSheet()
