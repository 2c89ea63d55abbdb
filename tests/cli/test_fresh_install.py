"""The README's "Run the app" as it reads (`python3 -m venv .venv && .venv/bin/python -m pip install
-e . && .venv/bin/python main.py`), with `--self-test` (offscreen): a fresh virtual environment, the
install, the self-test. Catches a dependency missing from pyproject.toml,
or a file the app needs that is not installed with it, which the test run (with the test extra
and the checkout on sys.path) cannot see. Uses pip's own cache, so a second run installs offline
in well under a minute."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_readme_install_then_self_test_in_a_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    # nothing of this process's environment may help the fresh one find our code or packages
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", PIP_DISABLE_PIP_VERSION_CHECK="1",
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(ROOT)], env=env,
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    res = subprocess.run([str(python), "main.py", "--self-test"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip().splitlines()[-1] == "self-test passed"
    # the installed scripts start the same way
    gui = venv / ("Scripts/shop-orders-gui.exe" if sys.platform == "win32" else "bin/shop-orders-gui")
    assert subprocess.run([str(gui), "--version"], env=env, capture_output=True, text=True).stdout.startswith(
        "shop-orders ")
