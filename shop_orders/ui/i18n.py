"""The desktop app's language: Simplified Chinese or English, from the seat's setting or the system.

Our own texts come from the message catalogue (shop_orders/domain/messages); Qt's own widgets and
dialogs (the file dialog's "Look in:", standard buttons, context menus of text fields) from Qt's
base translations shipped with PySide6 (qtbase_zh_CN.qm in PySide6/Qt/translations), loaded here
for Chinese. Qt 6 changed a few of its texts that the shipped Chinese still has under the old
ones (the file dialog's "&Look in:" and "Files of &type:"): QT_GAPS gives those, by a translator
asked before Qt's own.
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

# (Qt's context, Qt's English) -> Chinese, for texts of Qt's own widgets that qtbase_zh_CN.qm lacks.
QT_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class QtGaps(QTranslator):
    """QT_GAPS as a translator; None (not translated here) lets Qt's own translation answer."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D102 - Qt's
                  n: int = -1) -> str | None:
        return QT_GAPS.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


_installed: list[QTranslator] = []  # ours, removed when the language is set again


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
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    if lang != "zh_CN":
        return None
    qt_own = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_own.load("qtbase_zh_CN", folder) or qt_own.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(qt_own)
        gaps = QtGaps(app)
        app.installTranslator(gaps)  # installed last: asked first
        _installed[:] = [gaps, qt_own]
        return qt_own
    return None


def sorted_by_shown_name(items: Iterable[T], shown: Callable[[T], str], lang: str) -> list[T]:
    """items in the order of the names people see, as the language sorts them (Chinese by pinyin:
    京东 before 淘宝), not in the order of their codes."""
    collator = QCollator(QLocale("zh_CN" if messages.is_chinese(lang) else "en_US"))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return sorted(items, key=lambda item: collator.sortKey(shown(item)))
