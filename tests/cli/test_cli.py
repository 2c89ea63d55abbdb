"""The command line through real subprocesses: output formats, exit codes, one-line errors."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["init", "demo", "orders", "stale", "audit", "backup", "restore", "show", "set-status", "pay",
            "ship", "scan", "edit", "thresholds", "users", "bulk"]


def run(*args, db=None, env=None, check=True, stdin=None):
    cmd = [sys.executable, "-m", "shop_orders"] + (["--db", str(db)] if db else []) + [str(a) for a in args]
    res = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120,
                         input=stdin)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def assert_one_line_error(res, code=1):
    assert res.returncode == code
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.stderr


def _demo_300(db):
    run("init", db=db)
    run("demo", "--orders", "300", "--seed", "5", db=db)


@pytest.fixture
def demo_db(tmp_path, built_store):
    return built_store("demo-300", _demo_300, tmp_path / "shop.sqlite3")


def test_init_creates_the_database_in_the_user_data_folder_by_default(_isolated_home):
    res = run("init")
    path = Path(_isolated_home) / "ShopOrders" / "shop-orders.sqlite3"
    assert path.exists() and str(path) in res.stdout


def test_db_can_come_from_the_environment(tmp_path):
    db = tmp_path / "env.sqlite3"
    run("init", env={"SHOP_ORDERS_DB": str(db)})
    assert db.exists()


def test_orders_json_has_the_documented_keys_money_as_text_and_times_with_offsets(demo_db):
    data = json.loads(run("orders", "--format", "json", db=demo_db).stdout)
    assert len(data) == 300
    keys = {"id", "channel", "channel_order_no", "status", "total", "paid", "currency", "buyer", "recipient",
            "phone", "address", "courier", "tracking_no", "created_at", "updated_at", "stale"}
    assert all(keys <= set(o) for o in data)
    first = data[0]
    assert first["id"].startswith("SO-") and isinstance(first["total"], str) and "." in first["total"]
    assert first["created_at"][-6] in "+-" and isinstance(first["stale"], bool)
    assert any(o["stale"] for o in data) and not all(o["stale"] for o in data)


def test_orders_filters_by_repeated_status_and_channel_and_stale(demo_db):
    data = json.loads(run("orders", "--status", "shipped", "--status", "待发货", "--channel", "jd",
                          "--format", "json", db=demo_db).stdout)
    assert data and {o["status"] for o in data} <= {"shipped", "awaiting_shipment"} and {o["channel"] for o in data} == {"jd"}
    stale = json.loads(run("orders", "--stale", "--format", "json", db=demo_db).stdout)
    assert stale and all(o["stale"] for o in stale)
    assert all(o["status"] not in ("completed", "cancelled") for o in stale)


def test_orders_csv_and_table(demo_db):
    csv_out = run("orders", "--format", "csv", "--channel", "shopify", db=demo_db).stdout.splitlines()
    assert csv_out[0].startswith("id,channel,channel_order_no,status,total")
    table = run("orders", "--status", "completed", db=demo_db).stdout
    assert "Completed" in table and "SO-" in table


def test_stale_lists_how_long_each_order_has_had_no_update(demo_db):
    out = run("stale", db=demo_db).stdout
    assert "No update for" in out and " d " in out
    fewer = run("stale", "--hours", "5000", "--format", "json", db=demo_db).stdout
    more = run("stale", "--hours", "1", "--format", "json", db=demo_db).stdout
    assert len(json.loads(fewer)) < len(json.loads(more))


def test_unknown_status_or_channel_is_a_usage_error(demo_db):
    res = run("orders", "--status", "paid", db=demo_db, check=False)
    assert res.returncode == 2 and "unknown status 'paid'" in res.stderr and "Traceback" not in res.stderr
    res = run("orders", "--channel", "mercadolibre", db=demo_db, check=False)
    assert res.returncode == 2 and "unknown channel 'mercadolibre'" in res.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    res = run(command, "--help")
    assert "usage: shop-orders" in res.stdout


def test_single_order_commands_change_and_show_the_trust_chain(tmp_path):
    db = tmp_path / "s.sqlite3"
    run("init", db=db)
    run("demo", "--orders", "40", db=db)
    data = json.loads(run("orders", "--status", "awaiting_payment", "--format", "json", db=db).stdout)
    no, total = data[0]["id"], data[0]["total"]
    assert "Partially paid" in run("pay", no, "0.01", "--method", "alipay", db=db).stdout
    assert "Awaiting shipment" in run("pay", no, total, db=db).stdout  # overpaid by 0.01 is still paid
    res = run("ship", no, "--line", "1=1", "--courier", "SF", "--tracking-no", "SF1000000001", db=db, check=False)
    assert_one_line_error(res)
    assert "without a scan needs a reason" in res.stderr  # no "shipped" without a scan, or a reason
    assert "Partially shipped" in run("ship", no, "--line", "1=1", "--courier", "SF", "--tracking-no", "SF1000000001",
                                      "--reason", "scanner broken", db=db).stdout \
        or "Shipped" in run("show", no, db=db).stdout
    res = run("edit", no, "--phone", "13800000000", db=db, check=False)
    assert_one_line_error(res)
    assert "needs a reason" in res.stderr
    run("edit", no, "--phone", "13800000000", "--reason", "customer called", db=db)
    res = run("set-status", no, "awaiting_payment", "--expect-version", "1", db=db, check=False)
    assert_one_line_error(res)
    assert "changed by someone else" in res.stderr
    shown = run("show", no, db=db).stdout
    assert "customer called" in shown and "[by hand]" in shown and "[demo data]" in shown  # sources by name


def test_thresholds_are_a_shop_setting_used_by_stale(demo_db):
    run("thresholds", "--default", "48", "--status", "awaiting_payment=12", db=demo_db)
    out = run("thresholds", db=demo_db).stdout
    assert "default: 48 h" in out and "awaiting_payment: 12 h" in out
    res = run("thresholds", "--status", "completed=5", db=demo_db, check=False)
    assert_one_line_error(res)


def test_audit_verify_passes_then_names_a_tampered_event(demo_db):
    assert "Audit chain intact" in run("audit", "verify", db=demo_db).stdout
    with sqlite3.connect(demo_db) as c:
        c.execute("UPDATE audit_events SET new = '0.01' WHERE id = 17")
    res = run("audit", "verify", db=demo_db, check=False)
    assert_one_line_error(res)
    assert "audit event #17" in res.stderr


def test_backup_and_restore_round_trip(demo_db, tmp_path):
    dest = tmp_path / "backups"
    dest.mkdir()
    out = run("backup", dest, db=demo_db).stdout
    assert "Backup written and checked" in out and "300 orders" in out
    [backup_file] = dest.glob("*.sqlite3")
    before = run("orders", "--format", "json", db=demo_db).stdout
    res = run("demo", "--orders", "10", db=demo_db, check=False)  # demo orders never join real ones
    assert_one_line_error(res)
    assert "Demo orders go only into an empty store" in res.stderr
    unpaid = json.loads(run("orders", "--status", "awaiting_payment", "--format", "json", db=demo_db).stdout)[0]
    run("pay", unpaid["id"], "0.01", "--method", "alipay", db=demo_db)  # a change after the backup
    out = run("restore", backup_file, db=demo_db).stdout
    assert "Restored" in out
    assert run("orders", "--format", "json", db=demo_db).stdout == before
    assert "intact" in run("audit", "verify", db=demo_db).stdout


def test_restore_refuses_a_damaged_backup(demo_db, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    res = run("restore", bad, db=demo_db, check=False)
    assert_one_line_error(res)


def test_a_file_that_is_not_a_database_gets_one_sentence_and_is_untouched(tmp_path):
    f = tmp_path / "orders.csv"
    f.write_text("订单编号,买家\n1,a\n", encoding="utf-8")
    res = run("orders", db=f, check=False)
    assert_one_line_error(res)
    assert "not a Shop Orders database" in res.stderr
    assert f.read_text(encoding="utf-8") == "订单编号,买家\n1,a\n"


def test_a_missing_database_says_to_run_init(tmp_path):
    res = run("orders", db=tmp_path / "missing.sqlite3", check=False)
    assert_one_line_error(res)
    assert "shop-orders init" in res.stderr and not (tmp_path / "missing.sqlite3").exists()


def test_a_database_from_a_newer_version_is_refused(demo_db):
    with sqlite3.connect(demo_db) as c:
        c.execute("UPDATE alembic_version SET version_num = 'f00d'")
    res = run("orders", db=demo_db, check=False)
    assert_one_line_error(res)
    assert "newer version of Shop Orders" in res.stderr


def test_a_locked_database_gets_one_sentence_and_nothing_changes(demo_db):
    no = json.loads(run("orders", "--status", "awaiting_payment", "--format", "json", db=demo_db).stdout)[0]["id"]
    holder = sqlite3.connect(demo_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holding the lock past the busy timeout
    try:
        res = run("pay", no, "1.00", db=demo_db, check=False)
        assert "SO-" in run("orders", "--format", "csv", db=demo_db).stdout  # reading still works
    finally:
        holder.rollback()
        holder.close()
    assert_one_line_error(res)
    assert "busy" in res.stderr
    shown = json.loads(run("orders", "--format", "json", db=demo_db).stdout)
    assert next(o for o in shown if o["id"] == no)["paid"] == "0.00"


def test_console_script_is_installed():
    exe = shutil.which("shop-orders")
    assert exe, "pip install should provide the shop-orders command"
    assert "shop-orders" in subprocess.run([exe, "--version"], capture_output=True, text=True).stdout


def test_postgresql_url_works_through_the_cli(pg_admin_url):
    from tests.conftest import _drop, _pg_database

    admin, name, url = _pg_database(pg_admin_url)
    try:
        run("init", db=url)
        run("demo", "--orders", "30", db=url)
        assert len(json.loads(run("orders", "--format", "json", db=url).stdout)) == 30
        assert "intact" in run("audit", "verify", db=url).stdout
    finally:
        _drop(admin, name)


def test_import_dry_run_then_import_then_reimport(tmp_path):
    from tests import channel_files as cf

    db = tmp_path / "i.sqlite3"
    run("init", db=db)
    h = cf.JD_HEADER
    f = cf.write_csv(tmp_path / "jd.csv", [h, cf.row_for(h, **{"订单号": "300001", "商品名称": "龙井", "订购数量": "1",
                                                                "京东价": "168", "订单金额": "168", "应付金额": "168",
                                                                "订单状态": "等待出库", "下单时间": "2026-11-20 08:00:00"})],
                     encoding="gbk")
    out = run("import", f, "--dry-run", db=db).stdout
    assert "京东订单导出" in out and "would create 1, update 0, unchanged 0, refused 0, errors 0" in out
    assert json.loads(run("orders", "--format", "json", db=db).stdout) == []
    assert "created 1" in run("import", f, db=db).stdout
    assert "created 0, updated 0, unchanged 1" in run("import", f, db=db).stdout
    shown = run("show", json.loads(run("orders", "--format", "json", db=db).stdout)[0]["id"], db=db).stdout
    assert "[import: jd.csv]" in shown


def test_import_with_problems_exits_1_naming_row_and_column_and_writes_nothing(tmp_path):
    from tests import channel_files as cf

    db = tmp_path / "i.sqlite3"
    run("init", db=db)
    h = cf.JD_HEADER
    f = cf.write_csv(tmp_path / "bad.csv", [h, cf.row_for(h, **{"订单号": "1.23E+18", "订单状态": "等待出库",
                                                                 "下单时间": "2026-11-20 08:00:00"})])
    res = run("import", f, db=db, check=False)
    assert res.returncode == 1 and "bad.csv, row 2, column 订单号" in res.stderr and "Traceback" not in res.stderr
    assert json.loads(run("orders", "--format", "json", db=db).stdout) == []
    res = run("import", tmp_path / "missing.xlsx", db=db, check=False)
    assert_one_line_error(res)


def test_export_then_import_our_own_file_changes_nothing(demo_db, tmp_path):
    out = run("export", tmp_path / "books.xlsx", "--status", "shipped", db=demo_db).stdout
    assert out.startswith("Exported ")
    res = run("import", tmp_path / "books.xlsx", db=demo_db).stdout
    assert "created 0, updated 0" in res
    res = run("export", tmp_path / "books.csv", db=demo_db, check=False)
    assert_one_line_error(res)


def test_audit_verify_names_a_truncation_and_writes_after_it_stop(demo_db):
    with sqlite3.connect(demo_db) as c:
        top = c.execute("SELECT max(id) FROM audit_events").fetchone()[0]
        c.execute("DELETE FROM audit_events WHERE id > ?", (top - 3,))
        h = c.execute("SELECT hash FROM audit_events WHERE id = ?", (top - 3,)).fetchone()[0]
        c.execute("UPDATE audit_head SET seq = ?, hash = ?", (top - 3, h))
    res = run("audit", "verify", db=demo_db, check=False)
    assert_one_line_error(res)
    assert "[truncated]" in res.stderr and f"#{top - 2} to #{top} are missing" in res.stderr
    order = json.loads(run("orders", "--format", "json", db=demo_db).stdout)[0]["id"]
    res = run("edit", order, "--buyer", "x", db=demo_db, check=False)
    assert_one_line_error(res)
    assert f"ends at event #{top - 3} but this seat recorded #{top}: writing stopped" in res.stderr
    assert "[truncated]" in run("audit", "verify", db=demo_db, check=False).stderr  # the evidence is still there


def test_the_audit_key_moves_to_another_seat_by_file_and_is_never_printed(demo_db, tmp_path):
    key_file = tmp_path / "usb" / "shop.key"
    key_file.parent.mkdir()
    out = run("audit", "key", "export", key_file, db=demo_db).stdout
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    secret = json.loads(key_file.read_text())["key"]
    other = {"XDG_DATA_HOME": str(tmp_path / "other-user")}  # another user / computer: no key yet
    order = json.loads(run("orders", "--format", "json", db=demo_db).stdout)[0]["id"]
    res = run("edit", order, "--buyer", "x", db=demo_db, env=other, check=False)
    assert_one_line_error(res)
    assert "audit key import FILE" in res.stderr
    out += run("audit", "key", "import", key_file, db=demo_db, env=other).stdout
    run("edit", order, "--buyer", "x", db=demo_db, env=other)
    out += run("audit", "verify", db=demo_db, env=other).stdout + run("audit", "verify", db=demo_db).stdout
    import base64

    assert secret not in out and base64.b64decode(secret).hex() not in out


def test_a_lost_head_file_stops_writes_until_the_owner_resets_the_checked_heads(demo_db):
    Path(str(demo_db) + ".audit-head.json").unlink()
    res = run("audit", "verify", db=demo_db, check=False)
    assert_one_line_error(res)
    assert "[head-missing]" in res.stderr
    order = json.loads(run("orders", "--format", "json", db=demo_db).stdout)[0]["id"]
    assert_one_line_error(run("edit", order, "--buyer", "x", db=demo_db, check=False))
    assert "now record event" in run("audit", "heads", "reset", db=demo_db).stdout
    run("edit", order, "--buyer", "x", db=demo_db)
    assert "intact" in run("audit", "verify", db=demo_db).stdout


def test_a_new_computer_restores_a_backup_after_importing_its_key(demo_db, tmp_path):
    backup_dir = tmp_path / "stick"
    backup_dir.mkdir()
    run("backup", backup_dir, db=demo_db)
    [backup_file] = backup_dir.glob("*.sqlite3")
    run("audit", "key", "export", backup_dir / "shop.key", db=demo_db)
    new = {"XDG_DATA_HOME": str(tmp_path / "new-computer")}
    fresh = tmp_path / "new-computer-store.sqlite3"
    run("init", db=fresh, env=new)
    assert "restore a backup of that store" in run("audit", "key", "import", backup_dir / "shop.key",
                                                   db=fresh, env=new).stdout
    run("restore", backup_file, db=fresh, env=new)
    order = json.loads(run("orders", "--format", "json", db=fresh, env=new).stdout)[0]["id"]
    run("edit", order, "--buyer", "x", db=fresh, env=new)
    assert "intact" in run("audit", "verify", db=fresh, env=new).stdout


def test_restore_of_a_tampered_store_keeps_it_as_damaged_and_the_trail_verifies_after(demo_db, tmp_path,
                                                                                     _isolated_home):
    dest = tmp_path / "backups"
    dest.mkdir()
    run("backup", dest, db=demo_db)
    [backup_file] = dest.glob("*.sqlite3")
    with sqlite3.connect(demo_db) as c:
        c.execute("UPDATE audit_events SET new = '0.01' WHERE id = 17")
    c.close()
    out = run("restore", backup_file, db=demo_db).stdout
    assert "failed its checks (the store fails the audit check: audit event #17" in out
    [kept] = (Path(_isolated_home) / "ShopOrders" / "backups").glob("damaged-before-restore-*.sqlite3")
    assert str(kept) in out
    assert "intact" in run("audit", "verify", db=demo_db).stdout


def test_restore_without_a_manifest_is_refused_in_one_sentence(demo_db, tmp_path):
    dest = tmp_path / "backups"
    dest.mkdir()
    run("backup", dest, db=demo_db)
    [backup_file] = dest.glob("*.sqlite3")
    backup_file.with_name(backup_file.name + ".manifest.json").unlink()
    res = run("restore", backup_file, db=demo_db, check=False)
    assert_one_line_error(res)
    assert "has no manifest" in res.stderr


def test_restore_names_a_connected_seat_and_waits_for_it_with_wait(demo_db, tmp_path):
    dest = tmp_path / "backups"
    dest.mkdir()
    run("backup", dest, db=demo_db)
    [backup_file] = dest.glob("*.sqlite3")
    # The other seat stays until told to leave (a line on its stdin): no race with a slow machine.
    code = ("import sys\nfrom pathlib import Path\nfrom shop_orders.store import seats\n"
            "from shop_orders.store.open import open_database\n"
            "db = open_database(sys.argv[1], data_dir=Path(sys.argv[2]))\n"
            "with seats.join(db, 'gui'):\n    print('joined', flush=True)\n    sys.stdin.readline()\n")
    seat = subprocess.Popen([sys.executable, "-c", code, str(demo_db), str(tmp_path / "data")],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    waiting = None
    try:
        assert seat.stdout.readline().strip() == "joined"
        res = run("restore", backup_file, db=demo_db, check=False)
        assert_one_line_error(res)
        assert "Restore needs the store to itself: 1 other seat is connected (" in res.stderr
        assert f" pid {seat.pid} since " in res.stderr and "Close them, or use --wait." in res.stderr
        waiting = subprocess.Popen([sys.executable, "-m", "shop_orders", "--db", str(demo_db), "restore",
                                    str(backup_file), "--wait"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()  # what it waits for, before it can go on
        assert "Waiting for 1 other seat(s)" in said, said
        seat.stdin.write("leave\n")
        seat.stdin.flush()
        assert seat.wait(timeout=60) == 0
        out, err = waiting.communicate(timeout=120)  # returns once the seat has left
        assert waiting.returncode == 0, err
        assert "Restored" in out
    finally:
        for p in (seat, waiting):
            if p is not None:
                p.kill()
                p.wait()


def test_restore_mends_a_store_too_damaged_to_open(demo_db, tmp_path, _isolated_home):
    dest = tmp_path / "backups"
    dest.mkdir()
    run("backup", dest, db=demo_db)
    [backup_file] = dest.glob("*.sqlite3")
    before = run("orders", "--format", "json", db=demo_db).stdout
    with sqlite3.connect(demo_db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    with open(demo_db, "r+b") as fh:  # the schema page's cells: the store no longer opens
        fh.seek(page - 1500)
        fh.write(b"\xa5" * 1500)
    assert "damaged" in run("orders", db=demo_db, check=False).stderr
    out = run("restore", backup_file, db=demo_db).stdout
    assert "failed its checks (SQLite finds it damaged" in out
    assert list((Path(_isolated_home) / "ShopOrders" / "backups").glob("damaged-before-restore-*.sqlite3"))
    assert run("orders", "--format", "json", db=demo_db).stdout == before
    assert "intact" in run("audit", "verify", db=demo_db).stdout
