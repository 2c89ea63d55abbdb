"""Simplified Chinese and English: the app switches language, Qt's own dialogs included."""

from PySide6.QtCore import QCoreApplication, QSettings, Qt

from shop_orders.ui import i18n


def test_language_follows_the_setting_else_the_system(tmp_path):
    s = QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat)
    assert i18n.choose_language(s) in ("en", "zh_CN")
    s.setValue(i18n.SETTING, "zh_CN")
    assert i18n.choose_language(s) == "zh_CN"


def test_chinese_window_shows_chinese_menus_and_status_labels(qapp, make_window, sqlite_db):
    from tests.factories import make_order

    make_order(sqlite_db)
    translator = i18n.install(qapp, "zh_CN")
    assert translator is not None, "Qt's own Chinese translations (qtbase_zh_CN.qm) were not found"
    try:
        w = make_window(lang="zh_CN")
        titles = [a.text() for a in w.menuBar().actions()]
        assert titles[0] == "文件(&F)" and "订单(&O)" in titles
        assert w.model.index(0, 1).data() == "待付款"  # the status column
        assert w.model.headerData(0, Qt.Orientation.Horizontal) == "订单"
        # Qt's own texts: the file dialog's labels and standard buttons
        assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        QCoreApplication.removeTranslator(translator)
        i18n.install(qapp, "en")
