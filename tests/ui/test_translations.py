"""Simplified Chinese and English: every UI string is translated and the app switches language."""

import glob
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt

from shop_orders.resources import resource
from shop_orders.ui import i18n

ROOT = Path(__file__).resolve().parents[2]


def _sources(ts: Path) -> dict[str, ET.Element]:
    return {m.find("source").text: m for m in ET.parse(ts).getroot().iter("message")}


def test_every_ui_string_has_a_finished_chinese_translation():
    messages = _sources(resource("translations", "shop_orders_zh_CN.ts"))
    assert len(messages) > 80
    unfinished = [s for s, m in messages.items() if m.find("translation").get("type") or not m.find("translation").text]
    assert unfinished == []


def test_the_committed_translations_cover_the_strings_in_the_code(tmp_path):
    fresh = tmp_path / "fresh.ts"
    subprocess.run(["pyside6-lupdate", *sorted(glob.glob(str(ROOT / "shop_orders/ui/*.py"))), "-ts", str(fresh)],
                   check=True, capture_output=True)
    committed = set(_sources(resource("translations", "shop_orders_zh_CN.ts")))
    assert set(_sources(fresh)) - committed == set(), "run: python3 resources/translations/build.py"


def test_language_follows_the_setting_else_the_system(tmp_path):
    s = QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat)
    assert i18n.choose_language(s) in ("en", "zh_CN")
    s.setValue(i18n.SETTING, "zh_CN")
    assert i18n.choose_language(s) == "zh_CN"


def test_chinese_window_shows_chinese_menus_and_status_labels(qapp, make_window, sqlite_db):
    from tests.factories import make_order

    make_order(sqlite_db)
    translator = i18n.install(qapp, "zh_CN")
    assert translator is not None
    try:
        w = make_window(lang="zh_CN")
        titles = [a.text() for a in w.menuBar().actions()]
        assert titles[0] == "文件(&F)" and "订单(&O)" in titles
        assert w.model.index(0, 1).data() == "待付款"  # the status column
        assert w.model.headerData(0, Qt.Orientation.Horizontal) == "订单"
    finally:
        QCoreApplication.removeTranslator(translator)
