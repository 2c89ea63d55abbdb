"""Languages: Simplified Chinese and English, from the system locale or the seat's setting.

Translations are Qt .qm files in resources/translations/ (sources: .ts, built with
pyside6-lupdate / pyside6-lrelease; see resources/translations/README.md).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from shop_orders.resources import resource

SETTING = "ui/language"


def choose_language(settings: QSettings) -> str:
    """'zh_CN' or 'en': the seat's choice, else the system locale."""
    chosen = str(settings.value(SETTING, "") or "")
    if chosen:
        return chosen
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install(app: QCoreApplication, lang: str) -> QTranslator | None:
    if not lang.startswith("zh"):
        return None
    qt_own = QTranslator(app)  # Qt's standard buttons and dialogs (Save, Cancel, ...)
    if qt_own.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
    translator = QTranslator(app)
    if translator.load(str(resource("translations", "shop_orders_zh_CN.qm"))):
        app.installTranslator(translator)
        return translator
    return None
