"""The notice bar above the grid: a sentence to read (the welcome, a seat without the audit key),
or, after a change that moved an order out of the current view, that order with Show and Undo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from shop_orders.domain.messages import t
from shop_orders.ui import palette


class ViewNotice(QFrame):
    showOrder = Signal(str)  # Show: the order that left the view (its number)
    undoChange = Signal(object)  # Undo: the change that undoes it, change(uow, ctx)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("viewNotice")
        self.setStyleSheet(f"#viewNotice {{ background: {palette.NOTICE_BACKGROUND}; "
                           f"border-bottom: 1px solid {palette.NOTICE_BORDER}; }}")
        bar = QHBoxLayout(self)
        bar.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel("", self)
        self.label.setObjectName("viewNoticeText")
        bar.addWidget(self.label, 1)
        self.show_button = QPushButton(t("Show it"), self)
        self.show_button.setObjectName("viewNoticeShow")
        self.undo_button = QPushButton(t("Undo"), self)
        self.undo_button.setObjectName("viewNoticeUndo")
        close = QPushButton("×", self)
        close.setFlat(True)
        close.setToolTip(t("Close"))
        close.clicked.connect(self.hide)
        for b in (self.show_button, self.undo_button, close):
            bar.addWidget(b)
        self.show_button.clicked.connect(self._show_order)
        self.undo_button.clicked.connect(self._undo)
        self.hide()
        self._order_no: str | None = None
        self._undo_change: Callable | None = None

    def say(self, sentence: str) -> None:
        """A notice with nothing to click but its close button."""
        self._order_no, self._undo_change = None, None
        self.label.setText(sentence)
        self.label.setWordWrap(True)
        self.show_button.hide()
        self.undo_button.hide()
        self.show()

    def moved_out(self, order_no: str, undo: Callable | None, why: str) -> None:
        """The order is no longer in this view (why), with Show and, if it can be, Undo."""
        self.show_button.show()
        self.undo_button.show()
        self._order_no = order_no
        self._undo_change = undo
        self.label.setText(t("%s is no longer in this view: %s.") % (order_no, why))
        self.undo_button.setEnabled(undo is not None)
        self.undo_button.setToolTip("" if undo is not None else t("This change cannot be undone by hand; "
                                                                  "the trust chain keeps it."))
        self.show()

    def _show_order(self) -> None:
        if self._order_no is None:
            return
        self.hide()
        self.showOrder.emit(self._order_no)

    def _undo(self) -> None:
        undo, self._undo_change = self._undo_change, None
        self.hide()
        if undo is not None:
            self.undoChange.emit(undo)
