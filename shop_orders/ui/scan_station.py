"""The scan station (F9): shipping happens by scanning the parcel out.

A full-screen, big-type window for the warehouse. Its one input (`scanInput`) keeps the focus;
a keyboard-wedge scanner types a burst of keys ending in Enter, and every Enter is one scan:

  1. the order's barcode (global id or channel order number) -> the order and its lines, large;
  2. each item's barcode (SKU), counted against the lines (a partial shipment ships what was
     counted: F3 "ship these"); F2 skips the item check, which needs a supervisor's PIN there and
     then and is marked in the trust chain;
  3. the tracking number (the courier's pattern, not used on another order, never a SKU or order
     id of the store) -> the order is shipped or partially shipped, source `scan`, the clerk as
     actor. One of the order's items scanned here is one too many: red, nothing shipped.

Every answer is a full-screen green or red with one spoken-language sentence and a sound; the
input stays live meanwhile, so a burst scanned during the feedback is queued, never lost. F8
undoes the last parcel within 60 s (with a reason); Esc drops the order on screen; F9 or the
close button leaves. Each scan's checks and its write are indexed reads and one short unit of
work (tests/bench/bench_scan.py: p95 well under 50 ms), so they run on the UI thread in order,
which is what keeps a burst's scans in sequence.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain.changes import Actor
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.status import Status
from shop_orders.services import scanning
from shop_orders.services.browse import WarehouseBrowser
from shop_orders.services.context import AppContext
from shop_orders.ui import palette
from shop_orders.ui.tables import fitted

GREEN, RED, IDLE = palette.STATION_OK, palette.STATION_REFUSED, palette.STATION_IDLE
FEEDBACK_MS = 1500
UNDO_SECONDS = scanning.UNDO_SECONDS


class ScanStation(QWidget):
    """`scanned(ok, sentence)` after every scan (tests and the window's status bar listen). What
    was scanned lives in a services.scanning.ScanSession (the command line's scan uses one too);
    the station feeds it the scans, asks for the PIN and the reason, and says what happened."""

    scanned = Signal(bool, str)
    shipped = Signal(str)  # an order number, after its parcel went out

    def __init__(self, ctx: AppContext, parent=None, *, qsettings: QSettings | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("scanStation")
        self.setWindowTitle(t("Scan station"))
        self.ctx, self.clock = ctx, clock
        self.browser = WarehouseBrowser(ctx.db)
        self.qsettings = qsettings or QSettings()
        self.session = scanning.ScanSession(ctx, clock=lambda: self.clock())
        self._queue: deque[str] = deque()
        self._busy = False
        big = QFont(self.font())
        big.setPointSize(28)
        huge = QFont(self.font())
        huge.setPointSize(40)
        huge.setBold(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        top = QHBoxLayout()
        self.step = QLabel("", self)
        self.step.setObjectName("scanStep")
        self.step.setFont(big)
        top.addWidget(self.step, 1)
        layout.addLayout(top)
        top = QHBoxLayout()  # the courier and the counter on their own row: the step never gets cut
        self.courier = QComboBox(self)
        self.courier.setObjectName("scanCourier")
        self.courier.setEditable(True)
        self.courier.setFont(big)
        self.courier.setMinimumWidth(220)
        self.courier.setToolTip(t("The courier whose tracking numbers are scanned"))
        top.addWidget(self.courier)
        top.addStretch(1)
        self.counter = QLabel("", self)
        self.counter.setObjectName("scanCounter")
        self.counter.setFont(big)
        top.addWidget(self.counter)
        layout.addLayout(top)
        self.input = QLineEdit(self)
        self.input.setObjectName("scanInput")
        self.input.setFont(huge)
        self.input.setPlaceholderText(t("Scan…"))
        self.input.returnPressed.connect(self._entered)
        layout.addWidget(self.input)
        self.title = QLabel("", self)
        self.title.setObjectName("scanOrder")
        self.title.setFont(huge)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.address = QLabel("", self)
        self.address.setObjectName("scanAddress")
        self.address.setFont(big)
        self.address.setWordWrap(True)
        layout.addWidget(self.address)
        self.lines = QTableWidget(0, 4, self)
        self.lines.setObjectName("scanLines")
        self.lines.setHorizontalHeaderLabels([t("SKU"), t("Item"), t("Scanned"), t("To ship")])
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # fitted once per fill (ui/tables.py)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setFont(self.font())
        self.lines.verticalHeader().setVisible(False)
        self.lines.setFont(big)
        self.lines.verticalHeader().setDefaultSectionSize(QFontMetrics(big).height() + 16)
        self.lines.setMinimumHeight(3 * (QFontMetrics(big).height() + 16) + 30)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.lines, 1)
        self.message = QLabel("", self)
        self.message.setObjectName("scanMessage")
        said = QFont(big)
        said.setBold(True)
        self.message.setFont(said)
        self.message.setMinimumHeight(3 * QFontMetrics(said).height())
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        self.keys = QLabel(t("F2 skip the item check (supervisor PIN) · F3 ship what was scanned · F8 undo the last "
                             "parcel · Esc drop this order · F9 leave"), self)
        self.keys.setObjectName("scanKeys")
        self.keys.setWordWrap(True)
        layout.addWidget(self.keys)
        for key, slot in (("F2", self.skip_check), ("F3", self.ship_counted), ("F8", self.undo_last),
                          ("Esc", self.drop_order), ("F9", self.close)):
            QShortcut(QKeySequence(key), self, slot)
        self.calm = QTimer(self)
        self.calm.setSingleShot(True)
        self.calm.timeout.connect(lambda: self._colour(IDLE))
        self.setMinimumSize(1100, 760)  # readable from a step away even before it is full screen
        self._load_couriers()
        self._colour(IDLE)
        self._show()

    @property
    def order(self) -> scanning.ScanOrder | None:
        return self.session.order

    @property
    def counted(self) -> dict[int, int]:
        return self.session.counted

    @property
    def skipped_by(self) -> Actor | None:
        """The supervisor who let the item check be skipped."""
        return self.session.skipped_by

    # ---- the screen ------------------------------------------------------------------------------
    def _load_couriers(self) -> None:
        self.courier.addItems(self.browser.courier_names())
        last = str(self.qsettings.value("scan/courier", "") or "")
        if last:
            self.courier.setCurrentText(last)

    def _colour(self, colour: str) -> None:
        self.setStyleSheet(f"QWidget#scanStation {{ background: {colour}; }} "
                           f"QWidget#scanStation QLabel {{ color: white; }}")

    def _show(self) -> None:
        o = self.order
        if o is None:
            self.step.setText(t("1 · Scan the order's barcode"))
            self.title.setText("")
            self.address.setText("")
            self.lines.setRowCount(0)
        else:
            self.step.setText(t("2 · Scan each item, or F2 / F3") if self.session.step == scanning.STEP_ITEMS
                              else t("3 · Scan the tracking number"))
            self.title.setText(f"{o.order_no} · {o.recipient}")
            self.address.setText(o.address)
            with fitted(self.lines):
                self.lines.setRowCount(len(o.lines))
                for r, line in enumerate(o.lines):
                    left = line.qty - line.shipped_qty
                    got = left if self.skipped_by is not None else self.counted.get(line.line_no, 0)
                    for c, v in enumerate((line.sku, line.title, str(got), str(left))):
                        item = QTableWidgetItem(v)
                        if c == 2 and got >= left:
                            item.setForeground(QColor(palette.COUNTED_TEXT))
                        self.lines.setItem(r, c, item)
        self.counter.setText(t("%s parcels · %s in the last hour") % (self.session.parcels, self.session.last_hour()))
        self.input.setFocus()

    def _say(self, ok: bool, sentence: str) -> None:
        self.message.setText(sentence)
        self._colour(GREEN if ok else RED)
        QApplication.beep()
        if not ok:
            QApplication.beep()  # two beeps: look up
        self.calm.start(FEEDBACK_MS)
        self._show()
        self.scanned.emit(ok, sentence)

    # ---- scans -----------------------------------------------------------------------------------
    def _entered(self) -> None:
        """One Enter = one scan. Scans are handled one after another in arrival order; one that
        arrives while another is handled (or during the feedback) waits in the queue."""
        text = self.input.text()
        self.input.clear()
        if text.strip():
            self._queue.append(text)
        if not self._busy:
            self._drain()

    def feed(self, text: str) -> None:
        """A scan as a scanner types it (for the command line's twin and for tests)."""
        self.input.setText(text)
        self._entered()

    def _drain(self) -> None:
        self._busy = True
        try:
            while self._queue:
                self._one(self._queue.popleft().strip())
        finally:
            self._busy = False
            self.input.setFocus()

    def _one(self, code: str) -> None:
        try:
            courier = self.courier.currentText().strip()
            if self.session.step == scanning.STEP_TRACKING and not courier:
                self._say(False, t("Choose the courier first (the list at the top), then scan the number again."))
                return
            self._said(self.session.scan(code, courier), courier)
        except ShopOrdersError as exc:
            self._say(False, str(exc))

    def _said(self, done: scanning.Scanned, courier: str) -> None:
        """What a scan did, in the station's words."""
        if done.kind == scanning.ORDER:
            self._say(True, t("%s: scan each item.") % done.order_no)
        elif done.kind == scanning.ORDER_AGAIN and self.session.step == scanning.STEP_TRACKING:
            self._say(True, t("%s is on screen: scan the tracking number.") % done.order_no)
        elif done.kind == scanning.ORDER_AGAIN:
            self._say(True, t("%s is on screen: scan its items.") % done.order_no)
        elif done.kind == scanning.COMPLETE:
            self._say(True, t("Every item is here: scan the tracking number."))
        elif done.kind == scanning.ITEM:
            self._say(True, t("%s: %s of %s.") % (done.sku, done.counted, done.needed))
        else:  # SHIPPED
            self.qsettings.setValue("scan/courier", courier)
            self._say(True, t("%s is %s. Next order.") % (done.order_no, Status(done.status).label()))
            self.shipped.emit(done.order_no)

    # ---- keys --------------------------------------------------------------------------------------
    def skip_check(self) -> None:
        """F2: ship every remaining item without scanning them: a supervisor's PIN, here and now."""
        if self.order is None:
            self._say(False, t("Scan an order first."))
            return
        name, ok = QInputDialog.getText(self, t("Supervisor"), t("Supervisor's name (a manager or the owner):"))
        if not ok or not name.strip():
            self.input.setFocus()
            return
        pin, ok = QInputDialog.getText(self, t("Supervisor"), t("PIN of %s:") % name.strip(),
                                       QLineEdit.EchoMode.Password)
        if not ok:
            self.input.setFocus()
            return
        try:
            who = self.session.skip_check(name.strip(), pin)  # a wrong PIN counts toward the lock
        except ShopOrdersError as exc:
            self._say(False, str(exc))
            return
        self._say(True, t("%s lets this order go without the item check: scan the tracking number.") % who.name)

    def ship_counted(self) -> None:
        """F3: a partial shipment of what was scanned so far."""
        if not self.session.ship_counted():
            self._say(False, t("Scan at least one item first."))
            return
        self._say(True, t("Shipping what was scanned: scan the tracking number."))

    def undo_last(self) -> None:
        """F8: the last parcel back, within 60 s, with a reason."""
        last = self.session.last
        if last is None or not self.session.can_undo():
            self._say(False, t("There is no parcel of the last %s seconds to undo.") % UNDO_SECONDS)
            return
        reason, ok = QInputDialog.getText(self, t("Undo the last parcel"), t("Why is %s undone?") % last.order_no)
        if not ok or not reason.strip():
            self.input.setFocus()
            return
        try:
            done = self.session.undo(reason.strip())
        except ShopOrdersError as exc:
            self._say(False, str(exc))
            return
        self._say(True, t("%s is back to %s.") % (done.order_no, Status(done.status).label()))
        self.shipped.emit(done.order_no)

    def drop_order(self) -> None:
        if self.session.drop():
            self._say(True, t("Dropped. Scan the next order."))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.input.setFocus()
