"""File → Import statement… (issue 27): the statement is read and compared in a worker and
previewed (what it is, new and known lines, money in and out, the new lines) before anything is
written; Import writes it whole; the same file again has nothing to import; a damaged file is
explained in the dialog and nothing is written; the action is in the File menu, in both languages."""

from __future__ import annotations

from shop_orders.services.context import AppContext, current_actor
from shop_orders.ui.file_dialogs import FileDialog
from shop_orders.ui.statement_import import StatementImportDialog
from tests.real.test_statements_cn import ACCOUNT


def _dialog(qtbot, db, tmp_path, path):
    ctx = AppContext(db, tmp_path, tmp_path, current_actor())
    d = StatementImportDialog(ctx, path)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.task is None, timeout=15000)
    return d


def _lines(db) -> int:
    with db.read_session() as s:
        from sqlalchemy import text

        return s.execute(text("SELECT count(*) FROM statement_lines")).scalar_one()


def test_the_statement_is_previewed_then_imported_whole_and_once(qtbot, sqlite_db, tmp_path):
    d = _dialog(qtbot, sqlite_db, tmp_path, ACCOUNT)
    assert d.summary.text() == (f"Alipay · account 20881234567890120156 · {ACCOUNT.name} (alipay_account): 7 lines, "
                                "7 new, 0 already imported; CNY in 264.40, out -1120.77")
    assert d.lines.rowCount() == 7
    assert [d.lines.item(0, c).text() for c in (0, 1, 2, 3, 4, 6, 7)] == [
        "6", "payment", "128.00", "0.00", "CNY", "SO-240501-0001", "2024050122001456781000000001"]
    assert d.import_button.isEnabled() and _lines(sqlite_db) == 0
    d.import_button.click()
    qtbot.waitUntil(lambda: d.summary_result is not None, timeout=15000)
    assert d.summary.text().startswith("Imported: ") and _lines(sqlite_db) == 7
    assert not d.import_button.isEnabled() and d.cancel_button.text() == "Close"
    again = _dialog(qtbot, sqlite_db, tmp_path, ACCOUNT)
    assert "7 lines, 0 new, 7 already imported" in again.summary.text()
    assert again.lines.rowCount() == 0 and not again.import_button.isEnabled()


def test_a_damaged_statement_is_explained_and_nothing_is_written(qtbot, sqlite_db, tmp_path):
    changed = tmp_path / ACCOUNT.name
    changed.write_bytes(ACCOUNT.read_bytes().replace(b",59.90,", b",59.00,", 1))
    d = _dialog(qtbot, sqlite_db, tmp_path, changed)
    assert "(a difference of -0.90)" in d.summary.text() and "color" in d.summary.styleSheet()
    assert not d.import_button.isEnabled() and _lines(sqlite_db) == 0



def test_the_file_menu_opens_it(make_window, qtbot, monkeypatch):
    """(Its Chinese, with every menu's, is checked by test_chinese_everywhere.py.)"""
    w = make_window()
    act = w.store_actions.statement_action
    assert act.text() == "Import s&tatement…" and act.isEnabled()
    assert act in w.menuBar().actions()[0].menu().actions()
    asked = []
    monkeypatch.setattr(FileDialog, "ask_open", lambda *a, **k: asked.append(a) or None)
    act.trigger()
    assert len(asked) == 1  # the file chooser; cancelled: nothing happens
