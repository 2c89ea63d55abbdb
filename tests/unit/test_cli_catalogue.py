"""The command line's Chinese sits with the command line (cli/zh_cli.py) and joins the catalogue
when the cli package is imported; the domain's catalogue imports no front end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shop_orders.domain import messages

ROOT = Path(__file__).resolve().parents[2]


def test_the_cli_package_registers_its_section_and_a_second_translation_is_refused():
    from shop_orders.cli import zh_cli

    assert all(messages.ZH[k] == v for k, v in zh_cli.ZH.items())
    messages.register(zh_cli.ZH)  # again: harmless
    key = next(iter(zh_cli.ZH))
    with pytest.raises(AssertionError, match="two translations"):
        messages.register({key: zh_cli.ZH[key] + "!"})
    assert messages.ZH[key] == zh_cli.ZH[key]


def test_the_catalogue_loads_without_the_command_line():
    code = ("import sys\nfrom shop_orders.domain import messages\n"
            "assert not any(m.startswith('shop_orders.cli') for m in sys.modules), sorted(sys.modules)\n"
            "assert messages.t('{path} cannot be read.', lang='zh_CN', path='x') == '无法读取 x。'\n"
            "assert messages.t('{n} tickets', lang='zh_CN', n=1) == '{n} tickets'.format(n=1)\n"
            "import shop_orders.cli\n"
            "assert messages.t('{n} tickets', lang='zh_CN', n=1) != '1 tickets'\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
