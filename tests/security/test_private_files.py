"""The store, its WAL and SHM, backups, manifests, key files and logs are the owner's alone on
POSIX, and the data folder too, whatever the umask (issue 23 item 8). Another account on the shop
PC reads none of them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shop_orders import paths
from shop_orders.services import orders
from shop_orders.services.backup import backup, manifest_path, restore
from shop_orders.store.open import open_database
from tests.factories import apply, make_shippable

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # what most desktops run with: files 0644, folders 0755
    yield
    os.umask(old)


def test_a_new_store_its_journal_and_its_backups_are_private_under_a_loose_umask(loose_umask, _isolated_home):
    data = paths.data_dir()
    store = data / "shop-orders.sqlite3"
    db = open_database(store, data_dir=data, create=True)
    try:
        no = make_shippable(db)
        apply(db, orders.record_payment, no, 100)  # the WAL and SHM exist while the store is open
        assert mode(data) == 0o700
        for f in (store, store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
            assert f.exists() and mode(f) == 0o600, f
        keys = list((data / "audit-keys").iterdir())
        assert keys and all(mode(k) == 0o600 for k in keys)
        report = backup(db, None, paths.default_backup_dir())
        assert mode(paths.default_backup_dir()) == 0o700
        assert mode(report.path) == 0o600 and mode(manifest_path(report.path)) == 0o600
        restored = restore(db, report.path, paths.default_backup_dir())
        assert mode(restored.path) == 0o600 and mode(manifest_path(restored.path)) == 0o600
        assert not [p.name for p in paths.default_backup_dir().iterdir() if p.name.endswith((".partial", "-journal"))
                    or p.name.startswith(".restoring")]
    finally:
        db.dispose()


def test_a_store_made_world_readable_is_made_private_again_when_opened(loose_umask, tmp_path, _isolated_home):
    store = tmp_path / "shop.sqlite3"
    open_database(store, data_dir=paths.data_dir(), create=True).dispose()
    os.chmod(store, 0o644)
    open_database(store, data_dir=paths.data_dir()).dispose()
    assert mode(store) == 0o600


def test_the_command_lines_error_log_is_private(tmp_path, _isolated_home):
    env = {**os.environ, "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); from shop_orders.cli import main; "
                          "sys.exit(main(['--db', sys.argv[1], 'orders']))", str(tmp_path / "none.sqlite3")],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 1
    log = paths.data_dir() / "logs" / "cli-errors.log"
    assert log.exists() and mode(log) == 0o600 and mode(log.parent) == 0o700
