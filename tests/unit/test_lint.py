"""ruff over the code and its tests, with the project's rules ([tool.ruff] in pyproject.toml:
pycodestyle, pyflakes, isort, bugbear, pyupgrade, simplify and mccabe's complexity at most 15), so
a lint finding fails the suite, and so CI, as a failing test does (issue 25 item 7)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ["shop_orders", "tests", "packaging", "main.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args, *CHECKED], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_ruff_finds_nothing():
    done = _ruff()
    assert done.returncode == 0, f"ruff found problems:\n{done.stdout}{done.stderr}"
