"""No file kills the process or eats the machine (issue 23 item 5): each hostile file is refused
with one sentence naming the file and what is wrong, nothing is written, in the services, on the
command line (exit 1, no crash) and in the import dialog. The big ones are built small here, with
the limit they cross lowered; tests/bench/bench_hostile.py runs them at full size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shop_orders.adapters import safety
from shop_orders.services.importing import runner
from tests.factories import make_order
from tests.security import hostile

ROOT = Path(__file__).resolve().parents[2]
FILES = {
    "far_cell": (lambda t: hostile.far_cell_without_dimension(t / "far.xlsx", t),
                 "far.xlsx: the sheet reaches 1,048,576 rows x 16,384 columns; refused"),
    "shared_strings": (lambda t: hostile.shared_strings(t / "strings.xlsx", t, 3 * hostile.MB),
                       "strings.xlsx: the workbook's shared strings unpack to more than 1 MB"),
    "one_line": (lambda t: hostile.one_line_csv(t / "line.csv", 3 * hostile.MB),
                 "line.csv: a line of the file is longer than 1 MB"),
    "bad_crc": (lambda t: hostile.bad_crc(t / "crc.xlsx", t),
                "crc.xlsx: the workbook is damaged: part xl/worksheets/sheet1.xml does not unpack to what the file says"),
    "lying_size": (lambda t: hostile.lying_size(t / "lies.xlsx", t),
                   "lies.xlsx: the workbook is damaged: part xl/worksheets/sheet1.xml does not unpack to what the file "
                   "says"),
    "nul": (lambda t: hostile.nul_after_8k(t / "nul.csv"), "nul.csv: the file holds binary data (NUL bytes)"),
}


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(safety, "MAX_SHARED_STRINGS", hostile.MB)
    monkeypatch.setattr(safety, "MAX_LINE", hostile.MB)


@pytest.mark.parametrize("kind", list(FILES))
def test_a_hostile_file_is_one_sentence_and_nothing_is_written(db, tmp_path, small_limits, kind):
    make_order(db)
    build, words = FILES[kind]
    path = build(tmp_path)
    with pytest.raises(runner.ImportFileError) as refused:
        runner.prepare(db, path)
    assert words in str(refused.value) and "\n" not in str(refused.value)
    with db.engine.connect() as c:
        from sqlalchemy import text

        assert c.execute(text("SELECT COUNT(*) FROM orders")).scalar_one() == 1


@pytest.mark.parametrize("kind", ["far_cell", "bad_crc", "nul"])
def test_the_command_line_refuses_it_with_exit_1_and_no_crash(tmp_path, kind):
    build, words = FILES[kind]
    path = build(tmp_path)
    store = tmp_path / "s.sqlite3"
    subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(store), "init"], check=True, cwd=ROOT,
                   capture_output=True)
    out = subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(store), "import", str(path), "--dry-run"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 1, (out.returncode, out.stderr)  # 134 (SIGABRT) before
    assert words in out.stderr and "Traceback" not in out.stderr
