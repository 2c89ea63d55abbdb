"""Issue 11 item 6 through the command line: formula-looking CSV text, secrets and customer data
never echoed."""

import csv
import io

from tests.cli.test_cli import run
from tests.factories import make_order


def test_orders_csv_escapes_formula_looking_text_like_the_excel_export(tmp_path, _isolated_home):
    from pathlib import Path

    from shop_orders.store.open import open_database

    path = tmp_path / "shop.sqlite3"
    db = open_database(path, data_dir=Path(_isolated_home) / "ShopOrders", create=True)
    make_order(db, buyer='=HYPERLINK("http://evil","x")', recipient="+1+1", address="-2+3 Road",
               courier="@SUM(A1)", tracking_no="=T1", phone="13800138000")
    make_order(db, buyer="@x", recipient="plain 王伟")
    db.dispose()
    out = run("orders", "--format", "csv", db=path).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for r in rows:
        for key in ("channel_order_no", "buyer", "recipient", "phone", "address", "courier", "tracking_no"):
            assert not r[key].startswith(dangerous), (key, r[key])
    by_buyer = {r["buyer"]: r for r in rows}
    first = by_buyer["'=HYPERLINK(\"http://evil\",\"x\")"]
    assert (first["recipient"], first["address"], first["courier"], first["tracking_no"]) == (
        "'+1+1", "'-2+3 Road", "'@SUM(A1)", "'=T1")
    assert by_buyer["'@x"]["recipient"] == "plain 王伟"
    assert first["total"][0].isdigit()  # money stays a number


def test_an_unsupported_database_url_never_prints_its_password(_isolated_home):
    from pathlib import Path

    res = run("orders", db="mysql://u:s3cret@h/db", check=False)
    assert res.returncode == 1 and "s3cret" not in res.stdout + res.stderr
    assert "mysql" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    for log in Path(_isolated_home).rglob("*.log"):
        assert "s3cret" not in log.read_text(encoding="utf-8")
    res = run("orders", env={"SHOP_ORDERS_DB": "mysql+pymysql://u:s3cret@h:1/db"}, check=False)
    assert res.returncode == 1 and "s3cret" not in res.stdout + res.stderr
