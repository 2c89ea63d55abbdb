"""A store the command-line tests start from is built once per test session (its commands run
through the CLI as before) and each test gets its own copy: the store file with its sidecars and
head file, and the data and config folders (the audit key, the data-folder head), under the test's
own paths. A copy is what a fresh build would be, minus the minutes of building it again."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

Build = Callable[[Path], object]


@pytest.fixture(scope="session")
def _built_stores(tmp_path_factory) -> dict[str, Path]:
    return {}


@pytest.fixture
def built_store(_built_stores, tmp_path_factory, _isolated_home) -> Callable[[str, Build, Path], Path]:
    """built_store(name, build, to): build(db) runs once per session for `name` (in a home of its
    own); the test gets a copy of the result at `to`, and of its data folder in the test's home."""

    def copy(name: str, build: Build, to: Path) -> Path:
        root = _built_stores.get(name)
        if root is None:
            root = tmp_path_factory.mktemp(f"built-{name}")
            home = {"XDG_DATA_HOME": str(root / "xdg"), "XDG_CONFIG_HOME": str(root / "xdg" / "config")}
            saved = {k: os.environ.get(k) for k in home}
            os.environ.update(home)
            try:
                build(root / "store" / "shop.sqlite3")
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            _built_stores[name] = root
        to.parent.mkdir(parents=True, exist_ok=True)
        for f in (root / "store").iterdir():
            shutil.copy2(f, to.with_name(to.name + f.name.removeprefix("shop.sqlite3")))
        shutil.copytree(root / "xdg", Path(_isolated_home), dirs_exist_ok=True)
        return to

    return copy
