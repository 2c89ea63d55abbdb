"""Small read-only tables of text (detail tabs, import preview, tickets): one way to build and fill them.

Columns fit their contents once per fill (`fitted`), not on every cell: a header left in
ResizeToContents measures every row again at each setItem, which made filling 756 tickets freeze
the window for two minutes with Chinese text (font fallback makes each measure slow).
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def text_table(parent, headers: list[str], object_name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setObjectName(object_name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    return t


@contextmanager
def fitted(t: QTableWidget):
    """Fill the table inside this; its columns then fit their contents once."""
    t.setUpdatesEnabled(False)
    try:
        yield t
    finally:
        t.resizeColumnsToContents()
        t.setUpdatesEnabled(True)


def fill(t: QTableWidget, rows: list[list[str]]) -> None:
    with fitted(t):
        t.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                t.setItem(r, c, QTableWidgetItem(v))
