"""Locate the top-level resources/ folder from a checkout, an installed wheel or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

from shop_orders.domain.messages import t


def resources_dir() -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")  # checkout / editable
    candidates.append(Path(sys.prefix) / "share" / "shop-orders" / "resources")  # wheel data-files
    for c in candidates:
        if (c / "icons").is_dir():
            return c
    raise FileNotFoundError(t("the Shop Orders resources folder is missing from this installation"))


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
