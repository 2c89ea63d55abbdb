"""Soak: drive the real window (scroll to the end and back, sort every column both ways, resize,
quit) in a subprocess, so a Qt binding that aborts Python ("Fatal Python error: none_dealloc",
PySide6-Essentials 6.12.0) fails this test instead of killing pytest."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_soak_scroll_sort_resize_and_quit_ends_cleanly_without_losing_none(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "tests.ui.soak_app", str(tmp_path), "20000"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert "Fatal" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 0, run.stderr[-2000:]
    drop = re.search(r"NONE_DROP=(-?\d+)", run.stdout)
    assert drop is not None, run.stdout[-2000:]
    assert int(drop.group(1)) < 50, f"the soak run dropped {drop.group(1)} references to None"
