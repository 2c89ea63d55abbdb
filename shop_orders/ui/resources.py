"""Icons for the UI, from the resources folder."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from shop_orders.resources import resource


def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "app.svg")))
