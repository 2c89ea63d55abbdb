"""The desktop app's language: Simplified Chinese or English, from the seat's setting or the system.

Our own texts come from the message catalogue (shop_orders/domain/messages); Qt's own widgets and
dialogs (the file dialog's "Look in:", standard buttons, context menus of text fields) from Qt's
base translations shipped with PySide6, loaded here for Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import (
    QCollator,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    Qt,
    QTranslator,
)

from shop_orders.domain import messages

T = TypeVar("T")

SETTING = "ui/language"


def choose_language(settings: QSettings) -> str:
    """'zh_CN' or 'en': the seat's choice, else the system locale."""
    chosen = str(settings.value(SETTING, "") or "")
    if chosen:
        return messages.normalise(chosen)
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Make `lang` the language of every message, and for Chinese load Qt's own translations;
    returns Qt's translator (None for English or when PySide6 ships none)."""
    lang = messages.set_language(lang)
    if lang != "zh_CN":
        return None
    qt_own = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load("qtbase_zh_CN", folder) or qt_own.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(qt_own)
        return qt_own
    return None


def sorted_by_shown_name(items: Iterable[T], shown: Callable[[T], str], lang: str) -> list[T]:
    """items in the order of the names people see, as the language sorts them (Chinese by pinyin:
    京东 before 淘宝), not in the order of their codes."""
    collator = QCollator(QLocale("zh_CN" if messages.is_chinese(lang) else "en_US"))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return sorted(items, key=lambda item: collator.sortKey(shown(item)))
