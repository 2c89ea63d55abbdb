"""One message catalogue: every sentence a person can see comes from `t()` with Chinese beside it.

Reads the code itself (ast): every `t("...")` has a Chinese text with the same placeholders, and
no raise, print or problem report carries an English sentence written outside the catalogue.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import shop_orders.cli  # noqa: F401 - registers the command line's own section of the catalogue
import shop_orders.ui  # noqa: F401 - brings the desktop UI's own texts into the catalogue
from shop_orders.domain import messages
from shop_orders.domain.messages import ZH, t

ROOT = Path(__file__).resolve().parents[2] / "shop_orders"
SOURCES = sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and "messages" not in p.parts)
# Errors that only a programmer sees (a broken invariant, a wrong argument in our own code).
INTERNAL = {"AssertionError", "TypeError", "NotImplementedError", "KeyError", "RuntimeError", "StopIteration",
            "SystemExit"}
# Calls whose first text argument a person reads.
SHOWN = {"print", "Problem", "setText", "setToolTip", "setWindowTitle", "setPlaceholderText", "showMessage",
         "addAction", "addMenu", "addTab", "setStatusTip", "setLabelText", "QLabel", "QPushButton", "QCheckBox",
         "QAction", "setHorizontalHeaderLabels", "addRow", "setFormat", "warn", "fail", "ArgumentTypeError"}
WORDS = re.compile(r"[A-Za-z]{2,}[ ,.;:'’]+[A-Za-z]{2,}")


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal_text(node) -> str | None:
    """The text of a str constant or an f-string's literal parts (None for anything else)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_text(node.left)
    return None


def _placeholders(text: str) -> tuple[list[str], int]:
    names = sorted({f for _, f, _, _ in string.Formatter().parse(text) if f is not None})
    return names, len(re.findall(r"%[sd]", text))


def _message_ids() -> list[tuple[str, int, str]]:
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            if _name(call.func) in ("t", "both", "N_") and call.args:
                arg = call.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((str(path.relative_to(ROOT)), call.lineno, arg.value))
    return found


def test_every_message_has_chinese_with_the_same_placeholders():
    ids = _message_ids()
    assert len(ids) > 300
    missing = [f"{f}:{n}: {m!r}" for f, n, m in ids if m not in ZH]
    assert missing == [], "add these to shop_orders/domain/messages/zh_*.py:\n" + "\n".join(missing)
    wrong = [f"{f}:{n}: {m!r}" for f, n, m in ids if _placeholders(m) != _placeholders(ZH[m])]
    assert wrong == []
    # a sentence ends as a sentence in both languages; a fragment (put inside another message) in neither
    ends = [f"{m!r} -> {ZH[m]!r}" for m in ZH if ZH[m].endswith("。") and not m.rstrip().endswith((".", "?", "!"))]
    assert ends == []


def test_no_sentence_for_people_is_written_outside_the_catalogue():
    leaks = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            args = []
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                if _name(node.exc.func) not in INTERNAL:
                    args = node.exc.args[:1]
            elif isinstance(node, ast.Call) and _name(node.func) in SHOWN:
                args = node.args[:3]
            for arg in args:
                text = _literal_text(arg)
                text = re.sub(r"<[^>]*>", " ", text) if text else text  # markup around values is not words
                if text and WORDS.search(text):
                    leaks.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:70]!r}")
    assert leaks == [], "wrap these in t() and add their Chinese:\n" + "\n".join(leaks)


def test_unused_catalogue_entries_are_few():
    used = {m for _, _, m in _message_ids()}
    unused = sorted(set(ZH) - used)
    assert unused == [], "remove these from the catalogue or use them:\n" + "\n".join(unused)


def test_language_follows_the_locale_and_can_be_chosen():
    assert messages.from_environment({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert messages.from_environment({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert messages.from_environment({}) == "en"
    try:
        messages.set_language("zh_CN")
        assert t("Cancel") == "取消"
        assert t("Cancel", lang="en") == "Cancel"
    finally:
        messages.set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_message_with_values_fills_them_in_either_language(lang):
    text = t("the order number is empty", lang=lang)
    assert text and ("order" in text if lang == "en" else "订单" in text)
