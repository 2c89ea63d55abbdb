"""The README's first steps, as a newcomer meets them after the first start (issue 26 item 10):
the two commands (app, tests) go through a virtual environment, since Debian 12's Python refuses
`pip install` into itself (PEP 668), and CI runs the test command as written; `demo` on a store
whose owner the first start made (the OS account's name is not a user: one line saying to sign in
with --user; with it, the orders arrive); the documented courier alias options exist (their
behaviour: tests/cli/test_cli_couriers.py)."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.test_cli import ROOT, assert_one_line_error, run

APP = "python3 -m venv .venv && .venv/bin/python -m pip install -e . && .venv/bin/python main.py"
TESTS = 'python3 -m venv .venv && .venv/bin/python -m pip install -e ".[test]" && .venv/bin/python -m pytest'
OWNER = {"SHOP_ORDERS_PASSWORD": "owner-secret-1"}
NEWCOMER = {"USER": "newcomer", "LOGNAME": "newcomer", "USERNAME": "newcomer"}  # whom getpass.getuser() names


def _section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _commands(title: str) -> list[str]:
    return re.findall(r"```\n(.*?)\n```", _section(title), flags=re.S)


def test_the_readme_has_exactly_two_commands_for_a_newcomer_both_in_a_virtual_environment():
    assert _commands("Run the app") == [APP]
    assert _commands("Run the tests") == [TESTS]
    assert TESTS in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs it as written


@pytest.fixture
def owned(tmp_path, built_store):
    """A store after the window's first start: an owner (olivia) and no order yet."""
    return built_store("owned", lambda db: run("init", "--owner", "olivia", db=db, env=OWNER),
                       tmp_path / "shop.sqlite3")


def test_demo_once_the_store_has_an_owner_says_to_sign_in_then_adds_the_orders(owned):
    res = run("demo", "--orders", "30", db=owned, env=NEWCOMER, check=False)
    assert_one_line_error(res)
    assert "There is no user newcomer in this store: sign in with --user NAME" in res.stderr
    assert json.loads(run("--user", "olivia", "orders", "--format", "json", db=owned, env=OWNER).stdout) == []
    done = run("--user", "olivia", "demo", "--orders", "30", db=owned, env={**NEWCOMER, **OWNER})
    assert done.stdout.startswith("Added 30 demo orders")
    assert len(json.loads(run("--user", "olivia", "orders", "--format", "json", db=owned, env=OWNER).stdout)) == 30
    named = run("--user", "nobody", "demo", "--orders", "30", db=owned, check=False)  # named: no hint needed
    assert_one_line_error(named)
    assert named.stderr.strip() == "error: There is no user nobody."


def test_the_documented_courier_alias_options_exist():
    documented = re.search(r"`couriers set NAME [^`]*`", (ROOT / "README.md").read_text(encoding="utf-8")).group(0)
    assert "--alias NAME" in documented and "--no-aliases" in documented
    helped = run("couriers", "set", "--help").stdout
    assert "--alias NAME" in helped and "--no-aliases" in helped
