"""Where things live on this computer (platformdirs): the default database, backups, logs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "ShopOrders"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "shop-orders.sqlite3"


def default_backup_dir() -> Path:
    return data_dir() / "backups"
