"""The selected order in full: fields, lifecycle progress, lines, payments, shipments, and the
trust chain (every audit event: time, who, source, old → new, reason; newest first)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QPainter, QPen
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shop_orders.domain import flags as flag_codes
from shop_orders.domain import lifecycle, trail
from shop_orders.domain.channels import channel_label
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor, shown
from shop_orders.domain.staleness import Level, Thresholds, describe_age, level
from shop_orders.domain.status import Status
from shop_orders.domain.tickets import ACTIVE, Kind
from shop_orders.domain.tickets import State as TicketState
from shop_orders.domain.vocabulary import method_label, source_label
from shop_orders.services.browse import OrderDetail
from shop_orders.ui import palette
from shop_orders.ui.order_model import local_text
from shop_orders.ui.tables import fill, text_table
from shop_orders.ui.tickets import who_label

APART = timedelta(minutes=15)  # two systems' times of one step further apart than this are shown red


class LifecycleBar(QWidget):
    """ordered → paid → packed → scanned out → picked up → in transit → delivered, as dots on a line."""

    def __init__(self, lang: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lifecycleBar")
        self.lang = lang
        self.stage: lifecycle.Stage | None = None
        self.cancelled = False
        self.setMinimumHeight(3 * self.fontMetrics().height() + 8)  # labels above and below the dots

    def set_stage(self, stage: lifecycle.Stage | None, cancelled: bool = False) -> None:
        self.stage, self.cancelled = stage, cancelled
        names = [lifecycle.LABELS[s][1 if self.lang.startswith("zh") else 0] for s in lifecycle.Stage]
        reached = names[: (stage + 1) if stage is not None else 0]
        self.setToolTip(" → ".join(reached))
        self.update()

    def paintEvent(self, _event) -> None:
        """Dots on a line; labels alternate above and below so long names never collide."""
        stages = list(lifecycle.Stage)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin = 34
        step = (self.width() - 2 * margin) / (len(stages) - 1)
        y = self.height() // 2
        done = QColor(palette.STATUS_COLOURS[Status.CANCELLED if self.cancelled else Status.SHIPPED])
        todo = QColor(palette.LIFECYCLE_TODO)
        for i, s in enumerate(stages):
            on = self.stage is not None and s <= self.stage
            if i:
                x = margin + i * step
                p.setPen(QPen(done if on else todo, 3))
                p.drawLine(int(x - step), y, int(x), y)
        fm_h = self.fontMetrics().height()
        for i, s in enumerate(stages):
            x = margin + i * step
            on = self.stage is not None and s <= self.stage
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(done if on else todo)
            p.drawEllipse(QRectF(x - 6, y - 6, 12, 12))
            p.setPen(self.palette().text().color() if on else QColor(palette.QUIET_TEXT))
            label = lifecycle.LABELS[s][1 if self.lang.startswith("zh") else 0]
            top = y + 8 if i % 2 == 0 else y - 8 - fm_h
            p.drawText(QRectF(x - step, top, 2 * step, fm_h), Qt.AlignmentFlag.AlignHCenter, label)
        p.end()


class ElidedLabel(QLabel):
    """One line of plain text that never pushes the panel wider: cut with "…" where it does not
    fit, the whole text in its tooltip."""

    def __init__(self, text: str, parent=None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self._elide()

    def text(self) -> str:  # noqa: N802 (Qt's name): the whole text, as set; shown_text() is what fits
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name): a style sheet's font arrives here
        super().changeEvent(event)
        self._elide()


class DetailPanel(QWidget):
    def __init__(self, lang: str = "en", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.lang = lang
        self.detail: OrderDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # a long order number or channel must never push the splitter over the grid: elided, whole in its tooltip
        self.title = ElidedLabel(t("No order selected"), self)
        self.title.setObjectName("detailTitle")
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        layout.addWidget(self.title)
        self.lifecycle = LifecycleBar(lang, self)
        layout.addWidget(self.lifecycle)
        # the fields above, the tabs (trust chain first) below, in a splitter: on a 1366 x 768
        # screen the fields scroll rather than squeeze the trust chain to a row (see _share)
        self.fields_box = fields = QWidget(self)
        form = QFormLayout(fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        for key, label in [("status", t("Status")), ("channel", t("Channel")),
                           ("money", t("Total / paid")), ("buyer", t("Buyer")),
                           ("recipient", t("Recipient")), ("phone", t("Phone")),
                           ("address", t("Address")), ("courier", t("Courier")),
                           ("times", t("Created / last update")), ("staleness", t("Without an update"))]:
            value = QLabel("", self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"detail_{key}")
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.fields[key] = value
            form.addRow(label, value)
        self.fields_area = QScrollArea(self)
        self.fields_area.setObjectName("detailFields")
        self.fields_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields_area.setWidget(fields)
        # a scroll area lays its widget out at its size hint, which knows nothing of wrapped lines:
        # the fields are given the height their wrapped text needs at the width they have
        self.fields_area.viewport().installEventFilter(self)
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setObjectName("detailSplit")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.fields_area)
        self.tabs = QTabWidget(self)
        self.history = text_table(self, [t("Time"), t("Who"), t("Source"), t("Change"),
                                     t("Reason")], "trustChain")
        self._hash_on_demand()
        self.lines = text_table(self, [t("#"), t("SKU"), t("Item"), t("Qty"),
                                   t("Unit price"), t("Shipped")], "detailLines")
        self.payments = text_table(self, [t("Paid at"), t("Amount"), t("Method"),
                                      t("Reference")], "detailPayments")
        self.shipments = text_table(self, [t("Scanned out (ours)"), t("Picked up (courier)"), t("Delivered (courier)"),
                                           t("Completed (ours)"), t("Courier"), t("Tracking no."), t("Courier says"),
                                           t("Lines")], "detailShipments")
        self.shipments.setToolTip(t("Each system's time of the same step side by side; red: more than 15 minutes "
                                    "apart."))
        self.tabs.addTab(self.history, t("Trust chain"))
        self.tabs.addTab(self.lines, t("Lines"))
        self.tabs.addTab(self.payments, t("Payments"))
        self.tabs.addTab(self.shipments, t("Shipments"))
        self.tickets = text_table(self, [t("#"), t("Kind"), t("Priority"), t("State"), t("Assignee"), t("Due"),
                                         t("Resolution")], "detailTickets")
        self.tabs.addTab(self.tickets, t("Tickets"))
        self.tabs.setUsesScrollButtons(True)
        row = self.fontMetrics().height() + 6  # one line of text a row: more of the trust chain in sight
        for table in (self.history, self.lines, self.payments, self.shipments, self.tickets):
            table.verticalHeader().setMinimumSectionSize(row)
            table.verticalHeader().setDefaultSectionSize(row)
        self.split.addWidget(self.tabs)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        layout.addWidget(self.split, 1)
        self._shared = False  # the split is shared out once, at the first size (then the user's)
        self.clear()

    TABS_SHARE = 0.5  # the tabs (trust chain) get at least this share of the split's height

    def _share(self) -> None:
        """The fields take what they need up to half the height; the trust chain the rest."""
        total = self.split.height()
        if total <= 0:
            return
        need = self.fields_box.sizeHint().height() + 2
        top = min(need, int(total * (1 - self.TABS_SHARE)))
        self.split.setSizes([top, total - top])

    def _fit_fields(self) -> None:
        box = self.fields_box.layout()
        width = self.fields_area.viewport().width()
        if box is not None and box.hasHeightForWidth() and width > 0:
            self.fields_box.setMinimumHeight(box.totalHeightForWidth(width))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and watched is self.fields_area.viewport():
            self._fit_fields()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if not self._shared and self.split.height() > 100:
            self._shared = True
            self._share()

    def clear(self) -> None:
        self.detail = None
        self.title.setText(t("No order selected"))
        for v in self.fields.values():
            v.setText("")
        for table in (self.history, self.lines, self.payments, self.shipments, self.tickets):
            table.setRowCount(0)
        self.lifecycle.set_stage(None)

    def change_text(self, e) -> str:
        """One event for people, in the UI's language: "status: 待付款 → 已取消", "created as …" (domain/trail.py
        describes it, as for `show` and the export)."""
        return trail.Describer(self.lang).row(e).change(self.lang)

    def _hash_on_demand(self) -> None:
        """The trust chain's right-click: copy the chosen attachment's SHA-256 (a row shows the file's name;
        its hash is asked for, to compare with a file). One action kept with the table: no menu left behind."""
        self.copy_hash = QAction(t("Copy the file's SHA-256"), self.history)
        self.copy_hash.setObjectName("copyAttachmentHash")
        self.copy_hash.setEnabled(False)
        self.copy_hash.triggered.connect(self._copy_hash)
        self.history.addAction(self.copy_hash)
        self.history.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.history.currentCellChanged.connect(lambda row, *_: self.copy_hash.setEnabled(bool(self.digest_at(row))))

    def digest_at(self, row: int) -> str:
        """The SHA-256 of the attachment event in this row of the trust chain, else ""."""
        item = self.history.item(row, 0) if row >= 0 else None
        return str(item.data(Qt.ItemDataRole.UserRole) or "") if item is not None else ""

    def _copy_hash(self) -> None:
        digest = self.digest_at(self.history.currentRow())
        if digest:
            QGuiApplication.clipboard().setText(digest)

    def _fill_history(self, history) -> None:
        """The trust chain: each event described by domain/trail.py (the one describing of the window, `show`
        and the export); an attachment by its file name, its SHA-256 in the row's tooltip and copied by the
        right-click's action."""
        describe = trail.Describer(self.lang)
        rows = [describe.row(e) for e in history]
        self.copy_hash.setEnabled(False)
        fill(self.history, [[local_text(r.at), r.who, r.source, r.change(self.lang), r.reason] for r in rows])
        for i, r in enumerate(rows):
            if r.digest:
                for c in range(self.history.columnCount()):
                    item = self.history.item(i, c)
                    if item is not None:
                        item.setToolTip(t("File's SHA-256: %s") % r.digest)
                        item.setData(Qt.ItemDataRole.UserRole, r.digest)
        self.copy_hash.setEnabled(bool(self.digest_at(self.history.currentRow())))

    def staleness_text(self, status: Status, updated_at, thresholds: Thresholds, now) -> str:
        """How long the order has been without an update, against which threshold."""
        hours = thresholds.hours_for(status)
        if hours is None:
            return t("finished: never flagged")
        age = describe_age(now - updated_at)
        lvl = level(status, updated_at, now, thresholds)
        if lvl is Level.RED:
            text = t("%s — past the %s h threshold") % (age, f"{hours:g}")
            return f'<span style="color:{palette.STALE_TEXT}; font-weight:600">{text}</span>'
        if lvl is Level.AMBER:
            return t("%s — nearing the %s h threshold") % (age, f"{hours:g}")
        return t("%s of the %s h threshold") % (age, f"{hours:g}")

    def _fill_parcels(self, o, d: OrderDetail) -> None:
        """Each parcel's times as each system has them: our scan-out beside the courier's pickup,
        the courier's delivery beside our completion (seed 002: "各系统状态快照 ... 差异超过15分钟自动
        标红"); a pair more than 15 minutes apart is red. A recalled parcel says so."""
        from shop_orders.domain.tracking import STATE_LABELS, TrackState

        completed = next((e.at for e in d.history if e.action == "status" and e.new == Status.COMPLETED.value), None)
        fill(self.shipments, [[
            local_text(p.shipped_at), local_text(p.picked_up_at) if p.picked_up_at else "",
            local_text(p.delivered_at) if p.delivered_at else "", local_text(completed) if completed else "",
            p.courier, p.tracking_no,
            t("recalled: it never left") if p.recalled_at is not None else
            t(STATE_LABELS[TrackState(p.track_state)]) if p.track_state in TrackState.__members__.values() else "",
            ", ".join(f"#{k}×{v}" for k, v in json.loads(p.items).items())] for p in o.shipments])
        for r, p in enumerate(o.shipments):
            for ours, theirs, cells in ((p.shipped_at, p.picked_up_at, (0, 1)), (completed, p.delivered_at, (2, 3))):
                if ours is not None and theirs is not None and abs(ours - theirs) > APART:
                    for c in cells:
                        item = self.shipments.item(r, c)
                        if item is not None:
                            item.setForeground(QColor(palette.ERROR_TEXT))
                            item.setToolTip(t("%s apart") % describe_age(abs(ours - theirs)))

    def show_detail(self, d: OrderDetail | None, thresholds: Thresholds | None = None, now=None) -> None:
        if d is None:
            self.clear()
            return
        self.detail = d
        o = d.order
        status = Status(o.status)
        cur = o.currency
        self.title.setText(f"{o.order_no}  ·  {channel_label(o.channel, self.lang)} {o.channel_order_no}")
        colour = palette.STATUS_COLOURS[status]
        flagged = (f'  <span style="color:{palette.FLAG_COLOURS[Level.RED]}">⚑ {html.escape(flag_codes.describe(o.flags, self.lang))}'
                   '</span>') if o.flags else ""
        short = (f'<br><span style="color:{palette.SHORT_TEXT}; font-weight:600">⚠ '
                 + html.escape(t("Short of stock: %s") % d.short) + "</span>") if d.short else ""
        self.fields["status"].setText(f'<span style="color:{colour}; font-weight:600">{status.label(self.lang)}</span>'
                                      f'  <span style="color:{palette.VERSION_TEXT}">v{o.version}</span>{flagged}{short}')
        self.fields["channel"].setText(f"{channel_label(o.channel, self.lang)} · {o.channel_order_no}")
        known = o.amount_known
        self.fields["money"].setText(f"{shown(o.total_minor, cur, known)} / {shown(o.paid_minor, cur, known)} {cur}"
                                     + ("" if known else "  " + t("(the channel's file gave no amounts)")))
        self.fields["buyer"].setText(o.buyer)
        self.fields["recipient"].setText(o.recipient)
        self.fields["phone"].setText(o.phone)
        self.fields["address"].setText(o.address)
        self.fields["courier"].setText(" ".join(x for x in (o.courier, o.tracking_no) if x))
        self.fields["times"].setText(f"{local_text(o.created_at)} / {local_text(o.updated_at)}")
        self.fields["staleness"].setText(self.staleness_text(status, o.updated_at, thresholds or Thresholds(),
                                                             now or datetime.now(UTC)))
        live = [p for p in o.shipments if p.recalled_at is None]  # a recalled parcel never left
        furthest = max((lifecycle.TRACKING_STAGE.get(p.track_state, lifecycle.Stage.ORDERED) for p in live),
                       default=None)
        stage = lifecycle.reached(status, o.total_minor, o.paid_minor, len(live),
                                  next((k for k, v in lifecycle.TRACKING_STAGE.items() if v == furthest), None))
        self.lifecycle.set_stage(stage, cancelled=status is Status.CANCELLED)
        self._fill_history(d.history)
        fill(self.lines, [[str(li.line_no), li.sku, li.title, str(li.qty), format_minor(li.unit_price_minor, cur),
                            str(li.shipped_qty)] for li in o.lines])
        fill(self.payments, [[local_text(p.paid_at), format_minor(p.amount_minor, cur) if p.amount_minor >= 0 else
                               t("refund %s") % format_minor(-p.amount_minor, cur), method_label(p.method),
                               source_label(p.reference, self.lang)]
                              for p in o.payments])
        fill(self.tickets, [[str(k.id), Kind(k.kind).label(), f"P{k.priority}", TicketState(k.state).label(),
                             who_label(k.assignee_user, k.assignee_role), local_text(k.due_at) if k.due_at else "", k.resolution]
                            for k in d.tickets])
        active = sum(1 for k in d.tickets if TicketState(k.state) in ACTIVE)
        self.tabs.setTabText(self.tabs.indexOf(self.tickets), t("Tickets (%s open)") % active if active else t("Tickets"))
        self._fill_parcels(o, d)
        self._fit_fields()
