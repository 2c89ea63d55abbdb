"""The message catalogue: every sentence a person sees, in English and Simplified Chinese.

One catalogue for the services, the command line and the desktop UI. A message is written in
the code in English, wrapped in `t()`; the English text is the key, and the Chinese for it lives
in this package's `zh_*.py` sections (one per area of the app, merged into `ZH` here), or in a
front end's own section that it adds with `register()` when it is imported (the desktop UI's:
shop_orders/ui/messages_zh.py; the command line's: shop_orders/cli/zh_cli.py). Service
messages name their values (`t("'{text}' is not an amount", text=cell)`); UI strings keep Qt's
`%s` style (`t("Import %s") % name`). A message kept in a table and translated later is
marked `N_("...")`. `tests/unit/test_messages.py` reads every `t()` call in the
code and fails when a message has no Chinese or its placeholders differ between the languages.

The language is the process's: the desktop app sets it from the seat's setting at start, the
command line from `--lang` or the locale (LC_ALL, LC_MESSAGES, LANG). Stored data never holds
translated text: the audit trail keeps codes (status, source, field), shown in the language of
whoever reads them. Pure Python: no Qt, no SQL.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from shop_orders.domain.messages import (
    zh_common,
    zh_couriers,
    zh_domain,
    zh_export,
    zh_health,
    zh_health_export,
    zh_import,
    zh_orders,
    zh_recon_board,
    zh_reconcile,
    zh_scan,
    zh_shared,
    zh_slip,
    zh_statements,
    zh_statements_cn,
    zh_statements_intl,
    zh_station,
    zh_stock,
    zh_stock_sheet,
    zh_store,
    zh_tickets,
    zh_tracking,
    zh_users,
    zh_vault,
)

LANGUAGES = ("en", "zh_CN")


def _merge(*sections: Mapping[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for section in sections:
        for key, value in section.items():
            if key in merged and merged[key] != value:
                raise AssertionError(f"message {key!r} has two translations")
            merged[key] = value
    return merged


ZH: dict[str, str] = _merge(zh_station.ZH, zh_domain.ZH, zh_orders.ZH, zh_store.ZH, zh_import.ZH, zh_export.ZH, zh_common.ZH, zh_shared.ZH, zh_users.ZH, zh_tickets.ZH,
                           zh_tracking.ZH, zh_couriers.ZH, zh_vault.ZH, zh_scan.ZH, zh_slip.ZH,
                           zh_statements.ZH, zh_reconcile.ZH, zh_statements_cn.ZH, zh_statements_intl.ZH, zh_recon_board.ZH,
                           zh_health.ZH, zh_health_export.ZH, zh_stock.ZH, zh_stock_sheet.ZH)

_current = "en"


def register(section: Mapping[str, str]) -> None:
    """Add a front end's own section to ZH (the desktop UI's, ui/messages_zh.py, when shop_orders.ui
    is imported; the command line's, cli/zh_cli.py, when the cli package is): the domain imports no
    front end, the front end brings its Chinese.
    Registering the same section again is harmless; a second, different translation is refused."""
    ZH.update(_merge(ZH, section))


def normalise(lang: str | None) -> str:
    """'zh_CN' for any Chinese tag (zh, zh_CN, zh-Hans, zh_CN.UTF-8), else 'en'."""
    return "zh_CN" if str(lang or "").lower().replace("-", "_").startswith("zh") else "en"


def set_language(lang: str | None) -> str:
    """Use `lang` for every message from now on (the process's language); returns it normalised."""
    global _current
    _current = normalise(lang)
    return _current


def language() -> str:
    return _current


def is_chinese(lang: str | None = None) -> bool:
    return (normalise(lang) if lang is not None else _current) == "zh_CN"


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for (POSIX order: LC_ALL, LC_MESSAGES, LANG; LANGUAGE first)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return normalise(value.split(":")[0])
    return "en"


def N_(msgid: str) -> str:
    """Marks a message kept in a table and translated later with t(variable): the English as is."""
    return msgid


def t(msgid: str, /, lang: str | None = None, **values: object) -> str:
    """The message in the current language (or `lang`), with its {named} values filled in."""
    text = ZH.get(msgid, msgid) if is_chinese(lang) else msgid
    return text.format(**values) if values else text


def both(msgid: str, /, **values: object) -> tuple[str, str]:
    """(English, Chinese) of one message, e.g. for an export's "other language" option."""
    return t(msgid, lang="en", **values), t(msgid, lang="zh_CN", **values)
