"""Backups and restores that are checked before anyone relies on them, and work when needed.

A backup is one SQLite file (SQLite: online backup API in one read snapshot; PostgreSQL: a row
copy with COPY in one snapshot into the same schema) plus a manifest (`<file>.manifest.json`) holding the
schema revision, the order count, the file's sha256 and the audit chain head. Backup reports
success only after the copy passes SQLite's integrity check and a full audit chain verification;
it finishes however busy the store is, reports progress, and leaves no file when it fails or is
cancelled.

Restore refuses a file without its manifest, one that does not match its manifest, or one that
fails the same checks. It needs the store to itself: it refuses naming the other connected seats
(store/seats.py), or waits for them to leave. It then replaces the store's rows in one
transaction that holds the store exclusively and first copies what it replaces into a kept file,
so no committed write is lost. A live store that fails its own checks (damaged or tampered) does
not stop a restore: it is kept, unchecked, as `damaged-before-restore-<stamp>.sqlite3`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shop_orders import __version__, paths
from shop_orders.atomic import partial_path, replacing
from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.services import verification
from shop_orders.store import audit, copying, migrate, seats, signing
from shop_orders.store.db import Database, looks_like_sqlite, sqlite_path
from shop_orders.store.keys import ChainKey, write_private
from shop_orders.store.models import Order

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
Waiting = Callable[[list[seats.SeatInfo]], None]


log = logging.getLogger(__name__)


class BackupError(ShopOrdersError):
    """A backup could not be written or checked, or a file offered for restore fails the checks."""


class BackupCancelled(BackupError):
    """The person (or quitting the app) cancelled; no copy or partial file is kept, nothing replaced."""


class StoreInUse(BackupError):
    """Other seats are connected, so a restore cannot take the store to itself."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    manifest: Path
    orders: int
    events: int
    head: tuple[int, str]
    replaced_problem: str | None = None  # restore: why the replaced store was kept as damaged


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


def _looks_like_a_backup(path: Path) -> None:
    if not path.is_file():
        raise BackupError(t("{path} does not exist.", path=path))
    if path.stat().st_size == 0 or not looks_like_sqlite(path):
        raise BackupError(t("{path} is not a Shop Orders backup (not an SQLite file).", path=path))


def check_file(path: Path, outside_head: tuple[int, str] | None = None) -> tuple[str, int, audit.VerifyResult]:
    """Integrity check, schema revision, audit chain and the replay of every order (with its seal:
    services/verification.py) of a backup file; raises BackupError."""
    _looks_like_a_backup(path)
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
        raise BackupError(t("{path} is damaged or not a database ({error}).", path=path, error=exc)) from None
    if result != [("ok",)]:
        raise BackupError(t("{path} fails SQLite's integrity check: {problem}.", path=path, problem=result[0][0]))
    if rev is None:
        raise BackupError(t("{path} is an SQLite file but not a Shop Orders backup.", path=path))
    if rev[0] not in migrate.known_revisions():
        raise BackupError(t("{path} was made by a newer version of Shop Orders (schema {rev}).", path=path, rev=rev[0]))
    engine = copying.sqlite_file_engine(path)
    try:
        with Session(engine) as s:
            verdict = audit.verify(s, outside_head)
            if verdict.ok and rev[0] == migrate.head_revision():  # older: replayed once upgraded (restore)
                _replay(s, path, verdict)
            orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
    finally:
        engine.dispose()
    if not verdict.ok:
        raise BackupError(t("{path} fails the audit check: {problem}.", path=path, problem=verdict.problem))
    return rev[0], orders, verdict


def _replay(s: Session, path: Path, verdict: audit.VerifyResult) -> None:
    """Every order of the file replays to its row and matches its seal; else BackupError."""
    replayed = verification.replay_orders(s, verdict, audit.key_for(s))
    if not replayed.ok:
        raise BackupError(t("{path} fails the audit check: {problem}.", path=path, problem=replayed.problem))


def _upgrade_checked(work: Path, src: Path, key: ChainKey | None) -> None:
    """Bring a copy of an older backup to this version's schema, sign its rows and seal its
    orders when it predates them (store/signing.py), then replay its orders; else BackupError."""
    engine = copying.sqlite_file_engine(work)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
        with Session(engine) as s:
            if key is not None:
                signing.sign_all(s, key)
                s.commit()
            _replay(s, src, audit.verify(s))
    finally:
        engine.dispose()


def _target(dest: Path | None, default_dir: Path) -> Path:
    if dest is None:
        dest = default_dir
    if dest.is_dir() or dest == default_dir:
        paths.private_dir(dest) if dest == default_dir else dest.mkdir(parents=True, exist_ok=True)
        dest = dest / f"shop-orders-{_stamp()}.sqlite3"
    if dest.exists():
        raise BackupError(t("{path} already exists; choose another name.", path=dest))
    if not dest.parent.is_dir():
        raise BackupError(t("The folder {folder} does not exist.", folder=dest.parent))
    return dest


def copy_database(db: Database, dest: Path, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> None:
    """A consistent copy of the store in dest (no partial file is left on failure or cancel)."""
    path = sqlite_path(db.url)
    if path is not None:
        copying.sqlite_backup(path, dest, progress, cancel)
        return
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn)
    with replacing(dest) as tmp:
        engine = copying.sqlite_file_engine(tmp)
        try:
            with engine.begin() as conn:
                migrate.upgrade(conn, revision or "head")  # the copy has the source's schema
            engine.dispose()
            copying.backup_postgresql(db.engine, tmp, progress=progress, cancel=cancel)
        except BaseException:
            engine.dispose()
            raise


def _write_manifest(db: Database, target: Path, rev: str, orders: int, verdict: audit.VerifyResult) -> Path:
    manifest = {
        "format": 1, "app_version": __version__, "created_at": datetime.now(UTC).isoformat(),
        "source": db.where, "schema": rev, "orders": orders, "audit_events": verdict.count,
        "audit_head": {"seq": verdict.head[0], "hash": verdict.head[1]}, "sha256": _sha256(target),
    }
    mpath = manifest_path(target)
    write_private(mpath, json.dumps(manifest, indent=2))
    return mpath


def backup(db: Database, dest: Path | None, default_dir: Path, progress: Progress | None = None,
           cancel: Cancel | None = None) -> BackupReport:
    """Write a checked backup; progress(done, total) while copying; cancel() -> True stops it and
    removes everything written so far."""
    target = _target(dest, default_dir)
    try:
        copy_database(db, target, progress, cancel)
        if cancel is not None and cancel():
            raise copying.CopyCancelled()
        rev, orders, verdict = check_file(target)
        mpath = _write_manifest(db, target, rev, orders, verdict)
    except copying.CopyCancelled:
        target.unlink(missing_ok=True)
        raise BackupCancelled(t("The backup was cancelled; no backup file was written.")) from None
    except BaseException:
        target.unlink(missing_ok=True)
        manifest_path(target).unlink(missing_ok=True)
        raise
    return BackupReport(target, mpath, orders, verdict.count, verdict.head)


def backup_before_upgrade(backup_dir: Path) -> Callable[[Database, str], Path]:
    def _do(db: Database, rev: str) -> Path:
        paths.private_dir(backup_dir)
        dest = backup_dir / f"before-upgrade-from-{rev}-{_stamp()}.sqlite3"
        copy_database(db, dest)
        return dest
    return _do


def _read_manifest(src: Path) -> dict:
    """The backup's manifest, required: without it a truncated chain could not be noticed."""
    mpath = manifest_path(src)
    if not mpath.is_file():
        raise BackupError(t("{path} has no manifest ({manifest}), so it cannot be checked; restore only accepts "
                            "a backup written by 'shop-orders backup' with its manifest beside it.",
                            path=src, manifest=mpath.name))
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        checked = {
            "head": (int(manifest["audit_head"]["seq"]), str(manifest["audit_head"]["hash"])),
            "sha256": str(manifest["sha256"]),
            "orders": int(manifest["orders"]),
            "events": int(manifest["audit_events"]),
            "created_at": str(manifest.get("created_at", "")),
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(t("{path} is not a readable backup manifest ({error}).", path=mpath, error=exc)) from None
    if manifest.get("checked") is False:
        raise BackupError(t("{path} is a copy of a damaged store, kept for investigation; it cannot be restored.",
                            path=src))
    return checked


def _who(others: list[seats.SeatInfo]) -> str:
    n = len(others)
    listed = t(", ").join(s.describe() for s in others[:3]) + (t(", ") + "…" if n > 3 else "")
    if n == 1:
        return t("{n} other seat is connected ({listed})", n=n, listed=listed)
    return t("{n} other seats are connected ({listed})", n=n, listed=listed)


def wait_for_store(db: Database, *, wait: bool, timeout_s: float = 600.0, waiting: Waiting | None = None,
                   cancel: Cancel | None = None, poll_s: float = 0.25, by: str = "") -> None:
    """Return once no other seat is connected; refuse naming them (or, waiting, after timeout_s).
    While it waits, the other seats' windows say who is waiting to restore (seats.announcing_restore)."""
    if not wait or not seats.others(db):
        _wait_for_store(db, wait=wait, timeout_s=timeout_s, waiting=waiting, cancel=cancel, poll_s=poll_s)
        return
    with seats.announcing_restore(db, by or "?"):
        _wait_for_store(db, wait=wait, timeout_s=timeout_s, waiting=waiting, cancel=cancel, poll_s=poll_s)


def _wait_for_store(db: Database, *, wait: bool, timeout_s: float, waiting: Waiting | None,
                    cancel: Cancel | None, poll_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        others = seats.others(db)
        if not others:
            return
        if not wait:
            raise StoreInUse(t("Restore needs the store to itself: {who}. Close them, or use --wait.", who=_who(others)))
        if cancel is not None and cancel():
            raise BackupCancelled(t("The restore was cancelled while waiting for other seats; nothing was changed."))
        if time.monotonic() > deadline:
            raise StoreInUse(t("Restore gave up after waiting {seconds} s for the store: {who}.",
                               seconds=f"{timeout_s:.0f}", who=_who(others)))
        if waiting is not None:
            waiting(others)
        time.sleep(poll_s)


def _reset_outside_heads(db: Database, head: tuple[int, str]) -> None:
    """After a restore the outside copies of the chain head follow the restored chain (the one
    place backup talks to audit's head keeping): both head files, signed with the restored store's key."""
    audit.reset_heads(db, head)


def _outside_head(db: Database) -> tuple[int, str] | None:
    return audit.HeadFile(db.head_file).read()


def _empty_store_like(db: Database, dest: Path) -> None:
    """An empty SQLite store at db's schema revision."""
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn)
    engine = copying.sqlite_file_engine(dest)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn, revision or "head")
    finally:
        engine.dispose()


def _replace_live(db: Database, work: Path, keep_tmp: Path, progress: Progress | None) -> str | None:
    """Replace the store's rows with work's, keeping what was there in keep_tmp. Returns SQLite's
    complaint when the live file was physically damaged (then it is replaced page by page)."""
    path = sqlite_path(db.url)
    if path is not None:
        damage = copying.sqlite_quick_check(path)
        if damage is None:
            try:
                _empty_store_like(db, keep_tmp)
                copying.sqlite_replace_rows(path, work, keep_tmp, progress)
            except BaseException:
                keep_tmp.unlink(missing_ok=True)
                raise
            return None
        # Pages are damaged: rows cannot be replaced in a transaction. Keep the file as it is and
        # overwrite it page by page.
        db.engine.dispose()
        try:
            copying.sqlite_backup(path, keep_tmp)
        except sqlite3.DatabaseError:
            copying.raw_file_copy(path, keep_tmp)
        copying.sqlite_restore_into(work, path)
        return t("SQLite finds it damaged: {problem}", problem=damage)
    _empty_store_like(db, keep_tmp)
    try:
        with db.engine.begin() as live:
            copying.lock_postgresql(live)  # writers now wait; readers too
            copying.pg_to_sqlite(live, keep_tmp)  # committed and synced; unchecked: the live store may be damaged
            copying.sqlite_to_pg(work, live, progress=progress)
    except BaseException:
        keep_tmp.unlink(missing_ok=True)
        raise
    return None


def _name_kept(db: Database, keep_tmp: Path, backup_dir: Path, stamp: str, damage: str | None,
               outside: tuple[int, str] | None) -> tuple[Path, Path, str | None]:
    """Check the copy of the replaced store and give it a name that says whether it was sound."""
    problem = damage
    if problem is None:
        try:
            rev, orders, verdict = check_file(keep_tmp, outside)
        except BackupError as exc:
            problem = str(exc).replace(str(keep_tmp), t("the store")).rstrip(".。")
    if problem is None:
        keep = backup_dir / f"before-restore-{stamp}.sqlite3"
        keep_tmp.replace(keep)
        return keep, _write_manifest(db, keep, rev, orders, verdict), None
    keep = backup_dir / f"damaged-before-restore-{stamp}.sqlite3"
    keep_tmp.replace(keep)
    wal = keep_tmp.with_name(keep_tmp.name + "-wal")
    if wal.exists():
        wal.replace(keep.with_name(keep.name + "-wal"))
    mpath = manifest_path(keep)
    write_private(mpath, json.dumps({
        "format": 1, "app_version": __version__, "created_at": datetime.now(UTC).isoformat(),
        "source": db.where, "checked": False, "problem": problem,
    }, indent=2))
    return keep, mpath, problem


def restore(db: Database, src: Path, backup_dir: Path, *, wait: bool = False, wait_timeout_s: float = 600.0,
            waiting: Waiting | None = None, progress: Progress | None = None,
            cancel: Cancel | None = None, by: str = "") -> BackupReport:
    """Replace the store's content with a checked backup; what it replaces is kept (named
    damaged-before-restore-... when it fails its checks). No committed write is lost. The other
    seats learn of it (`by`, when, to which backup: audit.learn_restore) and go on writing."""
    _looks_like_a_backup(src)
    manifest = _read_manifest(src)
    if _sha256(src) != manifest["sha256"]:
        raise BackupError(t("{path} does not match its manifest: the file was changed after the backup.", path=src))
    rev, orders, verdict = check_file(src, manifest["head"])
    if (orders, verdict.count, verdict.head) != (manifest["orders"], manifest["events"], manifest["head"]):
        raise BackupError(t("{path} does not match its manifest: it holds {orders} orders and {events} audit events, "
                            "the manifest says {said_orders} and {said_events}.", path=src, orders=orders,
                            events=verdict.count, said_orders=manifest["orders"], said_events=manifest["events"]))
    paths.private_dir(backup_dir)
    with _restore_lock(backup_dir) as free:
        if not free:
            raise BackupError(t("Another restore is running on this computer; wait until it has finished."))
        return _restore_locked(db, src, backup_dir, rev, orders, verdict, wait, wait_timeout_s, waiting, progress,
                               cancel, by, str(manifest.get("created_at", "")))


def _record_restore(db: Database, head: tuple[int, str], backup_at: str, by: str) -> None:
    """The signed record the other seats follow (audit.learn_restore); this seat knows it already.
    Written while the restore's journal is still there: a restore killed before it is finished by
    the next start, record included (_finish_interrupted)."""
    from shop_orders.services.uow import UnitOfWork
    from shop_orders.store.models import Setting

    epoch = audit.restore_epoch(db)
    audit.reset_heads(db, head, epoch)
    if db.chain_key is None:
        return  # a restored store this seat has no key for: it may not write (audit key import)
    value = json.dumps({"epoch": epoch, "head": list(head), "by": by or "?", "at": datetime.now(UTC).isoformat(),
                        "backup_at": backup_at})
    with UnitOfWork(db, rules=()) as uow:
        row = uow.session.get(Setting, audit.RESTORED_SETTING)
        if row is None:
            uow.session.add(Setting(key=audit.RESTORED_SETTING, value=value, updated_at=uow.now))
        else:
            row.value, row.updated_at = value, uow.now
        uow.commit()


def _restore_locked(db: Database, src: Path, backup_dir: Path, rev: str, orders: int, verdict: audit.VerifyResult,
                    wait: bool, wait_timeout_s: float, waiting: Waiting | None, progress: Progress | None,
                    cancel: Cancel | None, by: str = "", backup_at: str = "") -> BackupReport:
    _finish_interrupted(db, backup_dir)  # an earlier one killed midway: finished or undone first
    stamp = _stamp()
    work = backup_dir / f".restoring-{stamp}.sqlite3"
    keep_tmp = partial_path(backup_dir / f"replaced-{stamp}.sqlite3")
    paths.new_private_file(work)
    shutil.copyfile(src, work)  # into the private file: copyfile keeps the destination's mode
    journal = backup_dir / JOURNAL
    try:
        if rev != migrate.head_revision():
            _upgrade_checked(work, src, db.chain_key)
        wait_for_store(db, wait=wait, timeout_s=wait_timeout_s, waiting=waiting, cancel=cancel, by=by)
        outside = _outside_head(db)
        write_private(journal, json.dumps({"format": 1, "stamp": stamp, "source": str(src), "store": db.where,
                                           "restored": list(verdict.head), "replaced": list(outside or ()),
                                           "by": by, "backup_at": backup_at,
                                           "replacing": True, "started_at": datetime.now(UTC).isoformat()}))
        try:
            damage = _replace_live(db, work, keep_tmp, progress)
        except BaseException:
            if keep_tmp.exists():  # a damaged store was copied aside but could not be replaced
                keep_tmp.replace(backup_dir / f"damaged-before-restore-{stamp}.sqlite3")
            journal.unlink(missing_ok=True)  # the store was not replaced: nothing to finish
            raise
    finally:
        work.unlink(missing_ok=True)
    _reset_outside_heads(db, verdict.head)
    keep, mpath, problem = _name_kept(db, keep_tmp, backup_dir, stamp, damage, outside)
    try:
        _record_restore(db, verdict.head, backup_at, by)
    except ShopOrdersError as exc:  # the store is restored; the next start writes the record (journal kept)
        log.warning("the restore record could not be written yet: %s", type(exc).__name__)
        return BackupReport(keep, mpath, orders, verdict.count, verdict.head, problem)
    journal.unlink(missing_ok=True)
    return BackupReport(keep, mpath, orders, verdict.count, verdict.head, problem)


JOURNAL = "restore-in-progress.json"  # in the backup folder while a restore replaces the store


def _has_event(db: Database, head: list) -> bool:
    """The store's chain holds this (seq, hash) event."""
    with db.read_session() as s:
        return bool(head) and audit.event_hash(s, int(head[0])) == head[1]


@contextmanager
def _restore_lock(backup_dir: Path) -> Iterator[bool]:
    """Held by the process that restores, for the whole restore: yields False when another
    process of this computer holds it (then its files are not touched). An OS lock, released by
    the OS when that process dies, so a killed restore never blocks the next start."""
    lock = backup_dir / "restore.lock"
    paths.new_private_file(lock)
    fd = os.open(lock, os.O_RDWR)
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def finish_interrupted_restore(db: Database, backup_dir: Path) -> str | None:
    """_finish_interrupted, unless a restore is running in another process of this computer."""
    if not backup_dir.is_dir():
        return None
    with _restore_lock(backup_dir) as free:
        return _finish_interrupted(db, backup_dir) if free else None


def _finish_interrupted(db: Database, backup_dir: Path) -> str | None:
    """After a restore was killed midway (power cut, task manager): finish it when it had already
    replaced the store (the head files then follow the restored chain, and what it replaced gets
    its name and manifest), or clear what it left when it had not; then the leftovers of any
    older one are removed. Returns the sentence to show the person, or None when nothing was
    interrupted. Called when a seat opens the store (services/context.py) and before a restore.

    Which one happened is read from the store itself: the restored backup's newest event is in
    its chain, and the newest event the replaced store had is not."""
    journal = backup_dir / JOURNAL
    said: str | None = None
    data: dict = {}
    if journal.exists():
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            stamp, source, restored, replaced = data["stamp"], data["source"], data["restored"], data["replaced"]
        except (OSError, ValueError, KeyError, TypeError):
            stamp, source, restored, replaced = "", "?", [], []
        keep_tmp = partial_path(backup_dir / f"replaced-{stamp}.sqlite3")
        with db.read_session() as s:
            head = list(audit.read_head(s))
        done = head == restored if not replaced else _has_event(db, restored) and not _has_event(db, replaced)
        if stamp and done:
            _reset_outside_heads(db, (int(restored[0]), str(restored[1])))
            try:
                _record_restore(db, (int(restored[0]), str(restored[1])), str(data.get("backup_at", "")),
                                str(data.get("by", "")))
            except ShopOrdersError as exc:  # tried again at the next start: the journal stays
                log.warning("the restore record could not be written yet: %s", type(exc).__name__)
                return t("A restore of {source} was interrupted after it had replaced the store; it is now "
                         "finished, and what it replaced is in {path}.", source=source, path=backup_dir)
            if keep_tmp.exists():
                keep, _m, _problem = _name_kept(db, keep_tmp, backup_dir, stamp, None,
                                                (int(replaced[0]), str(replaced[1])) if replaced else None)
            else:
                keep = next((p for p in (backup_dir / f"before-restore-{stamp}.sqlite3",
                                         backup_dir / f"damaged-before-restore-{stamp}.sqlite3") if p.exists()),
                            backup_dir)
            said = t("A restore of {source} was interrupted after it had replaced the store; it is now finished, and "
                     "what it replaced is in {path}.", source=source, path=keep)
        else:
            said = t("A restore of {source} was interrupted before it changed the store; the store is as it was.",
                     source=source)
        journal.unlink(missing_ok=True)
    for left in (*backup_dir.glob(".restoring-*"), *backup_dir.glob("replaced-*.partial*")):
        left.unlink(missing_ok=True)  # copies made for a restore that is over: never the only copy of anything
    return said
