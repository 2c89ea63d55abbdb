"""The main window's menu bar (every part's actions, in the order a person looks for them) and
its status bar (the store, the counts, the stale orders' button, who is signed in)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton

from shop_orders.domain.messages import t
from shop_orders.ui import palette


def build_menus(w: Any) -> None:
    """w: the MainWindow, its parts built."""
    bar = w.menuBar()
    o, s, se, b, g = w.order_actions, w.store_actions, w.session, w.background, w.table
    m = bar.addMenu(t("&File"))
    m.addActions([s.import_action, s.statement_action, s.export_action])
    m.addAction(w.reconcile_action)  # the bookkeeper's work: beside the export
    m.addSeparator()
    m.addActions([s.backup_action, s.restore_action, s.settings_action, s.connect_action])
    m.addSeparator()
    m.addActions([se.switch_action, se.lock_action])
    m.addSeparator()
    m.addAction(w.quit_action)
    m = bar.addMenu(t("&Edit"))
    m.addActions([g.copy_action, w.find_action])
    m = bar.addMenu(t("&Order"))
    m.addActions([o.status_action, o.payment_action, o.contact_action, o.ship_action])
    m.addSeparator()
    m.addActions([o.bulk_selected_action, o.bulk_filter_action])
    m.addSeparator()
    m.addAction(o.ticket_action)
    m.addSeparator()
    m.addActions([s.print_slips_action, s.save_slips_action])
    m.addSeparator()
    m.addAction(w.detail_action)
    m.addSeparator()
    m.addAction(o.station_action)
    m = bar.addMenu(t("&View"))
    m.addActions([w.refresh_action, w.stale_action, g.start_action, g.end_action])
    m.addAction(w.approvals_dock.toggleViewAction())
    m.addAction(w.tickets_dock.toggleViewAction())
    m = bar.addMenu(t("&Tools"))
    m.addAction(w.reconcile_action)
    m.addAction(w.health_action)  # the owner's figures, beside the bookkeeper's board
    m.addAction(w.stock_action)  # the catalogue: what is on the shelf, what is short, what to buy
    m.addSeparator()
    m.addActions([s.verify_action, s.key_import_action])
    m.addSeparator()
    m.addActions([se.users_action, se.permissions_action, w.ticket_settings_action])
    m.addSeparator()
    m.addActions([b.couriers_action, b.sync_action])
    m = bar.addMenu(t("&Help"))
    m.addAction(w.about_action)


def build_status_bar(w: Any) -> tuple[QLabel, QPushButton]:
    """The status bar's permanent parts; returns the counts' label and the stale orders' button."""
    where = QLabel(t("Database: %s") % w.ctx.db.where, w)
    where.setObjectName("databaseLabel")
    counts = QLabel("", w)
    counts.setObjectName("countsLabel")
    stale = QPushButton("", w)
    stale.setObjectName("staleButton")
    stale.setFlat(True)
    show_stale(stale, 0)
    stale.setToolTip(t("Show only the orders with no update for too long"))
    stale.clicked.connect(w.filters.show_stale_only)
    bar = w.statusBar()
    bar.addWidget(where, 1)
    bar.addPermanentWidget(counts)
    bar.addPermanentWidget(stale)
    bar.addPermanentWidget(w.session.label)
    return counts, stale


def show_stale(button: QPushButton, stale: int) -> None:
    """The stale orders' button: "⚑ 12 stale" in red and bold; "⚑ 0 stale" plain (nothing to chase)."""
    button.setText(t("⚑ %s stale") % f"{stale:,}")
    button.setStyleSheet(f"color: {palette.STALE_TEXT}; font-weight: 600;" if stale > 0 else "")
