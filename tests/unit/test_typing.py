"""mypy over shop_orders/ with the project's settings ([tool.mypy] in pyproject.toml): a type error
fails the suite, and so CI, as a failing test does (issue 13 item 5)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_shop_orders_has_no_type_errors():
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"mypy found errors:\n{done.stdout}{done.stderr}"
