"""Benchmark: every hostile file of issue 23 at full size, refused by `runner.prepare` (the import's
check, the same code path as the dry run and the dialog), each in its own process for its time and
peak memory (ru_maxrss), against the baseline of the same run: a plain sequential read of a normal
file of the same size (a real-looking Taobao CSV or workbook padded to that size), also in its own
process. Goal: every hostile file refused with one sentence, peak memory under 512 MB.

    python3 tests/bench/bench_hostile.py [--quick]

--quick builds the one-line CSV at a tenth of its size and the shared strings at 300 MB (still
past the 256 MB limit): seconds instead of minutes.

Files (sizes of the report): a 5 KB sheet with one cell at XFD1048576 and no <dimension> (calamine
aborted the process with SIGABRT); a 135 MB workbook whose shared strings unpack to 1 GB (3.1 GB
peak before); a 480 MB one-line CSV (1.55 GB before); a workbook whose sheet's CRC is wrong and one
whose sizes lie ("unexpected BadZipFile" before); a CSV with a NUL byte after its first 8 KB
(stored as text before).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def child(mode: str, path: str, db: str) -> None:
    """One side, timed from when the file is first touched (the store opened before)."""
    said = ""
    if mode == "plain":
        began = time.perf_counter()
        with open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
        seconds = time.perf_counter() - began
    else:
        from shop_orders.services.importing import runner
        from shop_orders.store.open import open_database

        store = open_database(db, data_dir=Path(db).parent / "data", create=True)
        began = time.perf_counter()
        try:
            runner.prepare(store, Path(path))
            said = "ACCEPTED"
        except runner.ImportFileError as exc:
            said = str(exc)
        seconds = time.perf_counter() - began
        store.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "said": said}))


def run(mode: str, path: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(db)], capture_output=True,
                         text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if out.returncode != 0:
        return {"seconds": 0.0, "peak_mb": 0.0, "said": f"PROCESS DIED WITH {out.returncode}: {out.stderr[-300:]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def normal_of_size(path: Path, size: int, xlsx: bool) -> Path:
    """A normal file of about `size` bytes for the plain read (its content does not matter to a
    plain read; it is a real-looking export so the comparison is file to file)."""
    if xlsx:
        from tests import channel_files as cf
        from tests.security import hostile

        cf.write_xlsx(path, [hostile.HEADER] + [[str(10_000 + i), f"tb_{i}", "交易成功", "10.00"] for i in range(200)])
    else:
        with open(path, "wb") as fh:
            fh.write("订单编号,买家会员名,订单状态,总金额\n".encode())
            row = "3012345678901234567,tb_小明,交易成功,1234.50\n".encode()
            block = row * 20000
            while fh.tell() < size:
                fh.write(block)
    if path.stat().st_size < size:  # pad a workbook to the size with a stored part
        import zipfile

        with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z, z.open("docProps/padding.bin", "w",
                                                                         force_zip64=True) as fh:
            left = size - path.stat().st_size
            while left > 0:
                fh.write(os.urandom(min(left, 1 << 20)))
                left -= 1 << 20
    return path


def main() -> None:
    from tests.security import hostile

    quick = "--quick" in sys.argv
    scale = 10 if quick else 1
    mb = hostile.MB
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp_name:
        tmp = Path(tmp_name)
        cases = [
            ("far cell, no dimension", lambda: hostile.far_cell_without_dimension(tmp / "far.xlsx", tmp), True),
            ("shared strings 1 GB", lambda: hostile.shared_strings(tmp / "strings.xlsx", tmp,
                                                                   (300 if quick else 1024) * mb), True),
            ("one-line CSV 480 MB", lambda: hostile.one_line_csv(tmp / "line.csv", 480 * mb // scale), False),
            ("bad CRC", lambda: hostile.bad_crc(tmp / "crc.xlsx", tmp), True),
            ("sizes that lie", lambda: hostile.lying_size(tmp / "lies.xlsx", tmp), True),
            ("NUL after 8 KB", lambda: hostile.nul_after_8k(tmp / "nul.csv"), False),
        ]
        print(f"{'file':26} {'size':>9} {'refused in':>10} {'peak':>8} | {'plain read':>10} {'peak':>8} | "
              f"{'time x':>7} {'memory x':>8}  sentence")
        worst = 0.0
        for n, (label, build, xlsx) in enumerate(cases):
            path = build()
            size = path.stat().st_size
            normal = normal_of_size(tmp / f"normal-{n}{path.suffix}", size, xlsx)
            ours = run("ours", path, tmp / f"store-{n}.sqlite3")
            base = run("plain", normal, tmp / "unused")
            worst = max(worst, ours["peak_mb"])
            print(f"{label:26} {size / mb:8.1f}M {ours['seconds']:9.2f}s {ours['peak_mb']:7.0f}M | "
                  f"{base['seconds']:9.2f}s {base['peak_mb']:7.0f}M | "
                  f"{ours['seconds'] / max(base['seconds'], 1e-3):6.1f}x {ours['peak_mb'] / max(base['peak_mb'], 1):7.1f}x"
                  f"  {ours['said'][:110]}")
            path.unlink()
            normal.unlink()
        print(f"highest peak memory of a refusal: {worst:.0f} MB (goal: under 512 MB)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main()
