"""Quitting the app in the middle of an export (a real process, a real QApplication): the process
exits 0 with no worker failing on its way out, and neither the destination nor a partial file is left in its folder."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quitting_mid_export_exits_cleanly_and_leaves_no_file(tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "tests.faults.quit_mid_export_app", str(tmp_path), str(out / "orders.xlsx")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert "QUIT_MID_EXPORT" in run.stdout, run.stderr[-2000:]
    assert "Fatal" not in run.stderr and run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]  # no worker dying under the closed window
    assert sorted(p.name for p in out.iterdir()) == []
