"""The one atomic file writer: a file is either as it was or the whole new one, never half written.

Two forms, for the two kinds of writer:

- `write_atomic(dest, text_or_bytes)` for a small file written in one go (audit head files, key
  files, seat files): the data goes to a new temporary file beside dest (`mkstemp`: the owner's
  alone, mode 0600, a unique name starting with `prefix`), is flushed to disk (`durable`), and
  the file is renamed over dest in one step (`os.replace`);
- `with replacing(dest) as tmp:` for a writer that makes the file itself (an Excel export, a PDF
  of packing slips, a copy of the database): it writes to `tmp` (dest + ".partial", beside it);
  when the block returns, tmp is flushed to disk and renamed over dest; when it raises
  (a failure, a cancel), tmp is removed and dest is untouched.

Either way a failure midway leaves the old file as it was and no temporary file behind. The
rename is atomic on one file system, hence the temporary file in dest's own folder. Used by
store/ and services/ alike, so it lives at the package's top level and imports nothing of ours.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PARTIAL = ".partial"


def partial_path(dest: Path) -> Path:
    """Where `replacing` writes dest's new content before it takes dest's place."""
    return dest.with_name(dest.name + PARTIAL)


def fsync_file(path: Path) -> None:
    """Flush a written file's content to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(dest: Path, data: str | bytes, *, prefix: str = ".tmp-", durable: bool = True) -> None:
    """Make dest hold exactly `data` (text is written as UTF-8), or leave it as it was: written to
    a temporary file beside it (0600, named `prefix`...), synced to disk unless `durable` is
    False (a file rewritten every few seconds whose loss costs nothing), and renamed over dest.
    dest's folder is made if missing (also when it vanishes just before the write)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, dir=dest.parent)
    except FileNotFoundError:  # the folder was removed meanwhile (the last seat that left)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=prefix, dir=dest.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def replacing(dest: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield the path to write dest's new content to (dest + ".partial"; a stale one from an
    earlier crash is removed first). When the block returns, the file there is synced to disk
    (`durable`) and renamed over dest; when it raises, it is removed and dest stays as it was."""
    dest = Path(dest)
    tmp = partial_path(dest)
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        if durable:
            fsync_file(tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
