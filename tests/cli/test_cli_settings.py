"""`settings show | set` through real subprocesses (issue 26 item 8): the shop's name, address and
phone for every seat; a name of 10,000 characters or with a control character is one line naming
the field, exit 1, nothing changed."""

import pytest

from tests.cli.test_cli import assert_one_line_error, run


def _empty(db):
    run("init", db=db)


@pytest.fixture
def store(tmp_path, built_store):
    return built_store("empty", _empty, tmp_path / "shop.sqlite3")


def _shown(db, *lang) -> str:
    return run(*lang, "settings", "show", db=db).stdout


def test_settings_set_names_the_shop_and_show_reads_it_back(store):
    assert _shown(store).splitlines() == ["The shop's name: (not set)", "The shop's address: (not set)",
                                          "The shop's phone: (not set)"]
    res = run("settings", "set", "--shop-name", " 茶叶小铺 ", "--shop-address", "浙江省杭州市西湖区龙井路1号",
              "--shop-phone", "0571-88886666", db=store)
    assert "The shop's name: 茶叶小铺" in res.stdout
    assert _shown(store, "--lang", "zh_CN").splitlines() == ["店铺名称：茶叶小铺", "店铺地址：浙江省杭州市西湖区龙井路1号",
                                                             "店铺电话：0571-88886666"]
    again = run("settings", "set", "--shop-name", "茶叶小铺", db=store)
    assert again.stdout.startswith("Nothing changed")
    run("settings", "set", "--shop-phone", "", db=store)
    assert "The shop's phone: (not set)" in _shown(store)
    trail = run("audit", "verify", db=store)
    assert trail.returncode == 0


@pytest.mark.parametrize(("args", "words"), [
    (("--shop-name", "茶" * 10_000), "The shop's name is at most 60 characters; this one has 10000."),
    (("--shop-name", "ok", "--shop-address", "路\x1b[31m"), "The shop's address holds a control character (U+001B)"),
    (("--shop-phone", "1" * 41), "The shop's phone is at most 40 characters"),
    ((), "Say what to set"),
])
def test_bad_input_is_one_line_naming_the_field_and_nothing_changes(store, args, words):
    run("settings", "set", "--shop-name", "茶叶小铺", db=store)
    before = _shown(store)
    res = run("settings", "set", *args, db=store, check=False)
    assert_one_line_error(res)
    assert words in res.stderr
    assert _shown(store) == before
