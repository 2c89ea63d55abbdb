"""The one atomic file writer (shop_orders/atomic.py): a failure midway leaves the old file as it
was and no temporary file behind."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from shop_orders import atomic


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_write_atomic_writes_the_whole_file_for_its_owner_only(tmp_path):
    dest = tmp_path / "sub" / "head.json"
    atomic.write_atomic(dest, '{"seq": 1}', prefix=".audit-head-")
    assert dest.read_text(encoding="utf-8") == '{"seq": 1}'
    atomic.write_atomic(dest, b"\x00new")
    assert dest.read_bytes() == b"\x00new"
    assert _listing(dest.parent) == ["head.json"]
    if sys.platform != "win32":
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_write_atomic_failing_midway_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch, failing):
    dest = tmp_path / "key.key"
    dest.write_text("old", encoding="utf-8")

    def boom(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        atomic.write_atomic(dest, "new", prefix=".key-")
    assert dest.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["key.key"]


def test_write_atomic_unsynced_skips_fsync(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: calls.append(fd))
    atomic.write_atomic(tmp_path / "seat.json", "{}", durable=False)
    assert calls == []
    atomic.write_atomic(tmp_path / "seat.json", "{}")
    assert len(calls) == 1


def test_replacing_puts_the_new_file_in_place_when_the_block_returns(tmp_path):
    dest = tmp_path / "orders.xlsx"
    dest.write_bytes(b"old")
    atomic.partial_path(dest).write_bytes(b"stale, from a crash")
    with atomic.replacing(dest) as tmp:
        assert tmp == tmp_path / "orders.xlsx.partial"
        assert not tmp.exists()  # the stale one is gone before the writer starts
        tmp.write_bytes(b"new")
        assert dest.read_bytes() == b"old"  # nothing changes before the block ends
    assert dest.read_bytes() == b"new"
    assert _listing(tmp_path) == ["orders.xlsx"]


def test_replacing_failing_midway_leaves_the_old_file_and_no_temporary_file(tmp_path):
    dest = tmp_path / "slips.pdf"
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="cancelled"), atomic.replacing(dest) as tmp:
        tmp.write_bytes(b"half a fi")
        raise RuntimeError("cancelled")
    assert dest.read_bytes() == b"old"
    assert _listing(tmp_path) == ["slips.pdf"]


def test_replacing_a_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    dest = tmp_path / "backup.sqlite3"
    monkeypatch.setattr(atomic.os, "replace", lambda *_a: (_ for _ in ()).throw(OSError(13, "Permission denied")))
    with pytest.raises(OSError, match="Permission denied"), atomic.replacing(dest) as tmp:
        tmp.write_bytes(b"copy")
    assert not dest.exists()
    assert _listing(tmp_path) == []


def test_every_atomic_write_goes_through_the_one_writer():
    """No module of ours but atomic.py makes its own temporary file to rename over another
    (mkstemp, a ".partial" name). Renames of whole files (a legacy head file, the store a restore
    set aside) are moves, not writes, and stay where they are."""
    root = Path(atomic.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path == Path(atomic.__file__):
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("mkstemp(", "NamedTemporaryFile(", '".partial"'):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
    assert not offenders, "atomic writes outside shop_orders/atomic.py: " + ", ".join(offenders)
