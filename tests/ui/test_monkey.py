"""The monkey run (tests/ui/monkey.py) briefly: seeded random clicks, keys, filters, searches,
sorts, menus, the scan station and dialogs opened and closed against the real window, in a
subprocess under faulthandler. SHOP_ORDERS_MONKEY_SECONDS sets how long (25 s by default);
run it at length by hand: `python -X faulthandler -m tests.ui.monkey --seconds 600 --orders 10000`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_monkey_run_crashes_nothing_warns_nothing_stalls_nothing_and_leaks_nothing(tmp_path):
    seconds = float(os.environ.get("SHOP_ORDERS_MONKEY_SECONDS", "25"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "tests.ui.monkey", "--seconds", str(seconds),
                          "--orders", "2000", "--store", str(tmp_path)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 300)
    said = f"{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
    assert "Fatal Python error" not in run.stderr, said  # faulthandler's word for a crash
    assert run.returncode == 0, said  # 1: the problems it found, on stderr
    acts = re.search(r"ACTS=(\d+)", run.stdout)
    assert acts is not None and int(acts.group(1)) >= seconds * 3, said  # it did drive the window
    assert "PROBLEMS=0" in run.stdout, said
