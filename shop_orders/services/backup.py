"""Backups and restores that are checked before anyone relies on them.

A backup is one SQLite file (SQLite: online backup API; PostgreSQL: a row copy into the same
schema) plus a manifest (`<file>.manifest.json`) holding the schema revision, the order count,
the file's sha256 and the audit chain head. Backup reports success only after the copy passes
SQLite's integrity check and a full audit chain verification. Restore refuses a file that fails
the same checks (or does not match its manifest), keeps a copy of what it replaces, and resets
the outside chain head to the restored one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from shop_orders import __version__
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.store import audit, copying, migrate
from shop_orders.store.db import Database, looks_like_sqlite, sqlite_path
from shop_orders.store.models import Order

Progress = Callable[[int, int], None]


class BackupError(ShopOrdersError):
    """A backup could not be written or checked, or a file offered for restore fails the checks."""


class BackupCancelled(BackupError):
    """The person (or quitting the app) cancelled a backup; no copy or partial file is kept."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    manifest: Path
    orders: int
    events: int
    head: tuple[int, str]


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def check_file(path: Path, outside_head: tuple[int, str] | None = None) -> tuple[str, int, audit.VerifyResult]:
    """Integrity check, schema revision and audit chain of a backup file; raises BackupError."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    if path.stat().st_size == 0 or not looks_like_sqlite(path):
        raise BackupError(f"{path} is not a Shop Orders backup (not an SQLite file).")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchall()
            has_version = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0]
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged or not a database ({exc}).") from None
    if result != [("ok",)]:
        raise BackupError(f"{path} fails SQLite's integrity check: {result[0][0]}.")
    if rev is None:
        raise BackupError(f"{path} is an SQLite file but not a Shop Orders backup.")
    if rev[0] not in migrate.known_revisions():
        raise BackupError(f"{path} was made by a newer version of Shop Orders (schema {rev[0]}).")
    engine = copying.sqlite_file_engine(path)
    try:
        from sqlalchemy.orm import Session

        with Session(engine) as s:
            verdict = audit.verify(s, outside_head)
            orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
    finally:
        engine.dispose()
    if not verdict.ok:
        raise BackupError(f"{path} fails the audit check: {verdict.problem}.")
    return rev[0], orders, verdict


def _target(dest: Path | None, default_dir: Path) -> Path:
    if dest is None:
        dest = default_dir
    if dest.is_dir() or dest == default_dir:
        dest.mkdir(parents=True, exist_ok=True)
        dest = dest / f"shop-orders-{_stamp()}.sqlite3"
    if dest.exists():
        raise BackupError(f"{dest} already exists; choose another name.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    return dest


def copy_database(db: Database, dest: Path, progress: Progress | None = None) -> None:
    path = sqlite_path(db.url)
    if path is not None:
        copying.sqlite_backup(path, dest, progress)
        return
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn)
    engine = copying.sqlite_file_engine(tmp)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, revision or "head")  # the copy has the source's schema
        copying.copy_rows(db.engine, engine)
    finally:
        engine.dispose()
    tmp.replace(dest)


def backup(db: Database, dest: Path | None, default_dir: Path, progress: Progress | None = None) -> BackupReport:
    target = _target(dest, default_dir)
    try:
        copy_database(db, target, progress)
        rev, orders, verdict = check_file(target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    manifest = {
        "format": 1, "app_version": __version__, "created_at": datetime.now(UTC).isoformat(),
        "source": db.where, "schema": rev, "orders": orders, "audit_events": verdict.count,
        "audit_head": {"seq": verdict.head[0], "hash": verdict.head[1]}, "sha256": _sha256(target),
    }
    mpath = manifest_path(target)
    mpath.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return BackupReport(target, mpath, orders, verdict.count, verdict.head)


def backup_before_upgrade(backup_dir: Path) -> Callable[[Database, str], Path]:
    def _do(db: Database, rev: str) -> Path:
        backup_dir.mkdir(parents=True, exist_ok=True)
        dest = backup_dir / f"before-upgrade-from-{rev}-{_stamp()}.sqlite3"
        copy_database(db, dest)
        return dest
    return _do


def restore(db: Database, src: Path, backup_dir: Path) -> BackupReport:
    """Replace the database's content with a checked backup; the old content is kept as a backup."""
    mpath = manifest_path(src)
    outside = None
    if mpath.exists():
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
            outside = (int(manifest["audit_head"]["seq"]), str(manifest["audit_head"]["hash"]))
            expected_sha = str(manifest["sha256"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{mpath} is not a readable backup manifest ({exc}).") from None
        if src.is_file() and _sha256(src) != expected_sha:
            raise BackupError(f"{src} does not match its manifest: the file was changed after the backup.")
    rev, orders, verdict = check_file(src, outside)
    backup_dir.mkdir(parents=True, exist_ok=True)
    work = backup_dir / f".restoring-{_stamp()}.sqlite3"
    shutil.copyfile(src, work)
    try:
        if rev != migrate.head_revision():
            engine = copying.sqlite_file_engine(work)
            try:
                with engine.begin() as conn:
                    migrate.upgrade(conn)
            finally:
                engine.dispose()
        keep = backup(db, backup_dir / f"before-restore-{_stamp()}.sqlite3", backup_dir)
        db.engine.dispose()
        path = sqlite_path(db.url)
        if path is not None:
            copying.sqlite_restore_into(work, path)
        else:
            source = copying.sqlite_file_engine(work)
            try:
                copying.copy_rows(source, db.engine)
            finally:
                source.dispose()
    finally:
        work.unlink(missing_ok=True)
    audit.reset_heads(db, verdict.head)  # both head files, signed with the restored store's key
    return BackupReport(keep.path, keep.manifest, orders, verdict.count, verdict.head)
