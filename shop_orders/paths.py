"""Where things live on this computer (platformdirs): the default database, backups, logs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ShopOrders"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    return data_dir() / "shop-orders.sqlite3"


def default_backup_dir() -> Path:
    return data_dir() / "backups"


# --- private files (issue 23): the store, its WAL and SHM, backups, manifests, keys and logs
# are the owner's alone on POSIX (0600, folders 0700) whatever the umask. Windows folders under
# the user's profile are private by their ACLs already.

def private_dir(path: Path) -> Path:
    """Make the folder (and its parents) and make it the owner's alone."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Make an existing file the owner's alone (nothing when it does not exist). Only the mode
    changes: the file is not opened (an open and close would drop SQLite's locks on it)."""
    if os.name == "posix":
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            pass


def new_private_file(path: Path) -> None:
    """Create an empty file only the owner may read (before SQLite or a log handler writes it;
    an empty file is an empty SQLite database). Nothing happens if it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    private_file(path)  # O_CREAT's mode is masked by the umask; this is exact


def restrict_umask() -> None:
    """Files this process creates are the owner's alone (the app and the command line call it
    at start): SQLite's journals, exports, temporary files."""
    if os.name == "posix":
        os.umask(0o077)
