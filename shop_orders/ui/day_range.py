"""A range of whole days chosen with two date edits (the reconciliation board's period, the health
dashboard's chosen range): Python dates in and out, ISO display, a calendar popup."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def day_edits(parent: QWidget, names: tuple[str, str], first: date, last: date) -> tuple[QDateEdit, QDateEdit]:
    """Two date edits (object names `names`) showing first and last as YYYY-MM-DD."""
    edits = (QDateEdit(parent), QDateEdit(parent))
    for edit, name, day in zip(edits, names, (first, last), strict=True):
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(qdate(day))
    return edits
