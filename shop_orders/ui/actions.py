"""A window's actions: one way to make one (its text, what it does, its shortcut and object
name; added to the window so its shortcut works wherever the focus is in it), and their
shortcuts kept working while the focus is in a search box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def action(window: QWidget, text: str, slot: Callable, shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
           name: str = "") -> QAction:
    a = QAction(text, window)
    a.triggered.connect(slot)
    if shortcut is not None:
        a.setShortcut(shortcut)
    if name:
        a.setObjectName(name)
    window.addAction(a)
    return a


class ShortcutsPassThrough(QObject):
    """The window's shortcuts (Ctrl+E, Ctrl+I, F5, ...) work while the focus is in the search
    box: a line edit claims some of them for itself (Ctrl+E moves to the end of the line on
    Linux), so their ShortcutOverride is refused there. Editing keys (copy, paste, undo, select
    all, the arrows) stay the box's."""

    EDITING = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste, QKeySequence.StandardKey.Cut,
               QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(QKeySequence(k)) == QKeySequence.SequenceMatch.ExactMatch for k in self.EDITING):
                return False
            for a in self.window.actions():
                if any(seq.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for seq in a.shortcuts()):
                    event.ignore()
                    return True  # not the box's: the window's shortcut fires
        return False
