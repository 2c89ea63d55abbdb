"""Benchmark: importing 100,000 statement lines and matching them against 1,000,000 orders, against
the bare floor in the same run.

A store of --orders N (default 1,000,000) is prepared once (untimed): migrated by the app, then its
orders and their payments written with bare sqlite3 (indexes dropped and built again after), all
Tmall orders paid in CNY; the last --lines of them (default 100,000) were created within the month
one Alipay statement covers. The statement file (--lines lines) is written beside it:
- 94% payments of those orders, half with the order number as 商户订单号 (rule `exact`), half as
  `T200P` + the number (rule `prefix`);
- 1% refunds and 1% fees (收费) booked under their payment's 业务流水号 (rules `refund`, `fee`; the
  refunded orders say what was kept), 1% transfers to 余额宝 (rule `not_sale`);
- 1% payments without any number, each the only order paid that amount within three days before
  (rule `amount_time`);
- and the other 5% of the month's orders get no line: red, "money not seen", a payment ticket each.

The file is an Alipay 账务明细 (adapters/statements/alipay_account.py, whose real shape is cited in
tests/real/statements/README.md): GB18030, the four `#` lines above, values ending in a tab, the
#收入合计 / #支出合计 summary below (checked by the parser). Ours runs what `statements import` and
`reconcile` run: services/statements.read (the parser), statements.apply (the import, its own unit
of work and commit), then services/reconcile.run (its own unit of work and commit). With --plain
the same lines are written as a plain UTF-8 CSV and read by a stand-in reader here into the same
domain.statements.Statement objects (what the parser costs, apart).

The floor, on its own copy of the prepared store: read the same file with the csv module (decoded,
its `#` lines skipped, the tabs stripped), one indexed lookup per line (SELECT id FROM orders WHERE
channel_order_no = ?), insert the lines (executemany into statement_lines), one commit; same
pragmas as the store (WAL, synchronous=FULL).
Each side runs in its own process (time and peak memory its own), on a fresh copy, interleaved
(floor, ours, ours, floor: the machine's drift cancels) and the best of each is compared.
Goal: ours / floor <= 3.

    python3 tests/bench/bench_reconcile.py [--orders 1000000] [--lines 100000] [--plain] [--keep DIR]

(98% of --lines are written: 94% payments and 1% of each other kind.)
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the children run this file: shop_orders from this checkout

OWNER = ("olivia", "owner")
MONTH = datetime(2026, 10, 1, tzinfo=UTC)  # the statement covers October 2026
FILES = 2  # the layout of the files prepare() writes (a kept store of another layout is prepared again)
COLUMNS = ["external_id", "kind", "amount", "fee", "time", "merchant_order_no", "provider_txn", "original_txn", "memo"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stamp(moment: datetime) -> str:
    """A UTC instant as the store keeps it on SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def open_store(folder: Path, create: bool = False):
    from shop_orders.store.open import open_database

    return open_database(folder / "shop.sqlite3", data_dir=folder / "data", create=create)


def channel_no(i: int) -> str:
    return f"{3100000000000000000 + i}"


def yuan(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


# ---- preparing (untimed) ---------------------------------------------------------------------------

def prepare(folder: Path, n: int, m: int) -> dict:
    """The store (orders, payments) and the statement file; returns what the run must find."""
    db = open_store(folder, create=True)  # migrated, with its audit key
    db.dispose()
    first = n - m  # orders first..n-1 were created within the statement's month
    pay = int(m * 0.94)
    refunds = fees = transfers = unnumbered = m // 100
    lines: list[dict] = []
    paid: dict[int, int] = {}

    def line(ident: str, trade: str, merchant: str, when: datetime, amount: int, kind: str, note: str = "") -> None:
        lines.append({"id": ident, "trade": trade, "merchant": merchant, "time": when, "amount": amount,
                      "type": kind, "note": note})

    for k in range(pay):
        i = first + k
        amount = 10000 + (k * 37) % 90000
        merchant = channel_no(i) if k % 2 else "T200P" + channel_no(i)
        line(f"2026{k:016d}", f"T{k:027d}", merchant, MONTH + timedelta(seconds=int(k * 2_400_000 / m) + 60),
             amount, "在线支付")
        paid[i] = amount
    for r in range(refunds):  # the first orders' refunds: they now say what was kept
        line(f"2027{r:016d}", f"T{r:027d}", "", MONTH + timedelta(days=28, seconds=r), -1000, "交易退款", "部分退款")
        paid[first + r] -= 1000
    for f in range(fees):
        line(f"2028{f:016d}", f"T{refunds + f:027d}", "", MONTH + timedelta(days=28, seconds=f), -60, "收费",
             "服务费")
    for x in range(transfers):
        line(f"2029{x:016d}", f"X{x:027d}", "", MONTH + timedelta(days=29, seconds=x), -500000, "转账",
             "余额宝-自动转入")
    paid_at = {}
    for u in range(unnumbered):  # one order paid exactly this amount within the window
        i = first + pay + u
        amount = 7_000_000 + u
        when = MONTH + timedelta(days=20, seconds=u * 60)
        line(f"2030{u:016d}", f"U{u:027d}", "", when, amount, "在线支付", "扫码付款")
        paid[i] = amount
        paid_at[i] = when - timedelta(hours=5)
    for i in range(first + pay + unnumbered, n):  # the month's orders without a line: money not seen
        paid[i] = 12300
    write_alipay(folder / "alipay.csv", lines)
    write_plain(folder / "plain.csv", lines)
    _orders(folder / "shop.sqlite3", n, first, paid, paid_at)
    return {"lines": len(lines), "orders": n, "matched": pay + refunds + fees + unnumbered, "excluded": transfers,
            "not_seen": n - first - pay - unnumbered}


SHANGHAI = timedelta(hours=8)
ALIPAY_HEADER = ["账务流水号", "业务流水号", "商户订单号", "商品名称", "发生时间", "对方账号", "收入金额（+元）",
                 "支出金额（-元）", "账户余额（元）", "交易渠道", "业务类型", "备注"]
KINDS = {"在线支付": "payment", "交易退款": "refund", "收费": "fee", "转账": "transfer"}


def write_alipay(path: Path, lines: list[dict]) -> None:
    """The lines as Alipay's 账务明细 download: GB18030, CRLF, the # lines, values ending in a tab."""
    income = [x["amount"] for x in lines if x["amount"] > 0]
    spent = [x["amount"] for x in lines if x["amount"] <= 0]
    start, end = MONTH + SHANGHAI, MONTH + timedelta(days=31) + SHANGHAI
    out = ["#支付宝账务明细查询", "#账号：[20881234567890120156]",
           f"#起始日期：[{start:%Y年%m月%d日 %H:%M:%S}]   终止日期：[{end:%Y年%m月%d日 %H:%M:%S}]",
           "#-----------------------------------------账务明细列表----------------------------------------",
           ",".join(ALIPAY_HEADER)]
    balance = 0
    for x in lines:
        balance += x["amount"]
        out.append(",".join([
            f"{x['id']}\t", f"{x['trade']}\t", f"{x['merchant']}\t", "商品\t",
            f"{x['time'] + SHANGHAI:%Y-%m-%d %H:%M:%S}", "买家 (buyer@example.com)\t",
            yuan(max(x["amount"], 0)), yuan(min(x["amount"], 0)), yuan(balance), "支付宝", x["type"], x["note"]]))
    out += ["#----------------------------------------账务明细列表结束-------------------------------------",
            f"#支出合计：{len(spent)}笔，共{yuan(sum(spent))}元", f"#收入合计：{len(income)}笔，共{yuan(sum(income))}元",
            "#导出时间：[2026年11月01日 08:00:00]"]
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("gb18030"))


def write_plain(path: Path, lines: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(COLUMNS)
        for x in lines:
            kind = KINDS[x["type"]]
            w.writerow([x["id"], kind, yuan(x["amount"]), "0.00", x["time"].isoformat(), x["merchant"],
                        x["trade"], x["trade"] if kind in ("refund", "fee") else "", x["note"]])


def _orders(path: Path, n: int, first: int, paid: dict[int, int], paid_at: dict[int, datetime]) -> None:
    c = sqlite3.connect(path)
    indexes = [sql for (sql,) in c.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                           "tbl_name IN ('orders', 'payments') AND sql IS NOT NULL")]
    for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                             "('orders', 'payments') AND sql IS NOT NULL").fetchall():
        c.execute(f'DROP INDEX "{name}"')
    early = MONTH - timedelta(days=300)

    def rows():
        for i in range(n):
            created = (early + timedelta(seconds=i * 25_000_000 // max(first, 1)) if i < first
                       else MONTH + timedelta(seconds=(i - first) * 2_400_000 // max(n - first, 1)))
            amount = paid.get(i, 10000 + i % 50000)
            day = created.strftime("%Y%m%d")
            yield (i + 1, f"SO-{day}-{i:07d}", "tmall", channel_no(i), "tm_buyer", "王伟", "13800138000",
                   "浙江省杭州市西湖区文三路1号", "CNY", amount, amount, "", "", "completed", stamp(created),
                   stamp(created), 1, 0, "", 1, "")

    c.executemany("INSERT INTO orders (id, order_no, channel, channel_order_no, buyer, recipient, phone, address, "
                  "currency, total_minor, paid_minor, courier, tracking_no, status, created_at, updated_at, version, "
                  "archived, flags, amount_known, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?)", rows())
    c.execute("INSERT INTO payments (order_id, amount_minor, method, reference, paid_at) "
              "SELECT id, paid_minor, 'alipay', '', created_at FROM orders")
    c.executemany("UPDATE payments SET paid_at = ? WHERE order_id = ?",
                  [(stamp(at), i + 1) for i, at in paid_at.items()])
    for sql in indexes:
        c.execute(sql)
    c.commit()
    # no ANALYZE: the app's stores carry no statistics, and neither does this one
    c.close()


# ---- the children ----------------------------------------------------------------------------------

def read_statement(path: Path):
    """The stand-in reader: the CSV into the Statement a parser returns."""
    from shop_orders.domain.statements import LineKind, Statement, StatementLine

    lines = []
    with open(path, newline="", encoding="utf-8") as f:
        for row, r in enumerate(csv.DictReader(f), 2):
            lines.append(StatementLine(row=row, external_id=r["external_id"], kind=LineKind(r["kind"]),
                                       amount_minor=_minor(r["amount"]), fee_minor=_minor(r["fee"]), currency="CNY",
                                       occurred_at=datetime.fromisoformat(r["time"]),
                                       merchant_order_no=r["merchant_order_no"], provider_txn=r["provider_txn"],
                                       original_txn=r["original_txn"], memo=r["memo"]))
    return Statement("alipay", "bench_csv", "shop@example.com", tuple(lines), MONTH, MONTH + timedelta(days=31))


def _minor(text: str) -> int:
    from decimal import Decimal

    return int(Decimal(text) * 100)


def ours(folder: Path, plain: bool) -> dict:
    import hashlib

    from shop_orders.domain.changes import Actor, ChangeContext
    from shop_orders.services import reconcile, statements
    from shop_orders.services.context import install_rules
    from shop_orders.services.uow import UnitOfWork

    install_rules()  # this script composes the app: its units of work run the detection rules
    ctx = ChangeContext(Actor(*OWNER), "manual")
    db = open_store(folder)
    t0 = time.perf_counter()
    if plain:
        path = folder / "plain.csv"
        statement, sha = read_statement(path), hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        path = folder / "alipay.csv"
        statement, sha = statements.read(path)  # the parser, as `statements import` reads
    plan = statements.StatementPlan(path.name, sha, statement, statement.lines, 0)
    t1 = time.perf_counter()
    with UnitOfWork(db) as uow:
        imported = statements.apply(uow, ctx, plan)
        uow.commit()
    t2 = time.perf_counter()
    with UnitOfWork(db) as uow:
        summary = reconcile.run(uow, ctx)
        uow.commit()
    t3 = time.perf_counter()
    db.dispose()
    return {"read": t1 - t0, "import": t2 - t1, "match": t3 - t2, "total": t3 - t0, "new": imported.new,
            "matched": summary.matched_total, "by_rule": summary.matched, "excluded": summary.excluded,
            "open": summary.still_open, "states": summary.states, "tickets": summary.tickets_opened,
            "peak_mb": peak_mb()}


def _alipay_rows(path: Path):
    """The floor's read of the 账务明细: decoded, the # lines skipped, each value's tab stripped;
    (id, trade, merchant order no, time (UTC text), amount, kind, memo) per line."""
    text = path.read_bytes().decode("gb18030")
    rows = csv.reader(x for x in text.splitlines() if x and not x.startswith("#"))
    next(rows)  # the header
    for r in rows:
        r = [x.strip() for x in r]
        when = datetime.strptime(r[4], "%Y-%m-%d %H:%M:%S") - SHANGHAI
        yield (r[0], r[1], r[2], when.strftime("%Y-%m-%d %H:%M:%S.000000"), _minor(r[6]) + _minor(r[7]),
               KINDS.get(r[10], "other"), r[11])


def _plain_rows(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            yield (r["external_id"], r["provider_txn"], r["merchant_order_no"],
                   stamp(datetime.fromisoformat(r["time"])), _minor(r["amount"]), r["kind"], r["memo"])


def floor(folder: Path, plain: bool) -> dict:
    t0 = time.perf_counter()
    c = sqlite3.connect(folder / "shop.sqlite3", isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = FULL")
    c.execute("BEGIN IMMEDIATE")
    sid = c.execute("INSERT INTO statements (provider, format, account, file_name, file_sha256, line_count, "
                    "imported_at, imported_by, digest) VALUES ('alipay', 'alipay_account', '', 'alipay.csv', '', 0, "
                    "?, 'olivia', '')", (stamp(datetime.now(UTC)),)).lastrowid
    lookup = c.cursor()
    rows, found = [], 0
    read = _plain_rows(folder / "plain.csv") if plain else _alipay_rows(folder / "alipay.csv")
    for row, (ident, trade, merchant, when, amount, kind, memo) in enumerate(read, 1):
        if lookup.execute("SELECT id FROM orders WHERE channel_order_no = ?", (merchant,)).fetchone():
            found += 1
        rows.append((sid, "alipay", ident, row, kind, amount, 0, "CNY", when, merchant, trade, memo))
    c.executemany("INSERT INTO statement_lines (statement_id, provider, external_id, row_no, kind, amount_minor, "
                  "fee_minor, currency, occurred_at, merchant_order_no, provider_txn, memo) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    c.execute("COMMIT")
    c.close()
    return {"total": time.perf_counter() - t0, "lines": len(rows), "found": found, "peak_mb": peak_mb()}


def child(mode: str, folder: str, args: list[str]) -> None:
    path = Path(folder)
    if mode == "prepare":
        out = prepare(path, int(args[0]), int(args[1]))
    elif mode == "floor":
        out = floor(path, args[0] == "plain")
    else:
        out = ours(path, args[0] == "plain")
    print(json.dumps(out, ensure_ascii=False))


def run(mode: str, folder: Path, *args: object) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", mode, str(folder), *map(str, args)],
                         capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"{mode} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def copy(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest)
    head = src / "shop.sqlite3.audit-head.json"
    if head.exists():  # the store's own head file travels with it; the data folder's is renamed by location
        shutil.copy2(head, dest / "shop.sqlite3.audit-head.json")
    from sqlalchemy import make_url

    from shop_orders.store.db import data_head_file_for

    store_id = json.loads(sqlite3.connect(src / "shop.sqlite3").execute(
        "SELECT value FROM settings WHERE key = 'audit_store_id'").fetchone()[0])
    old = data_head_file_for(make_url(f"sqlite:///{src / 'shop.sqlite3'}"), src / "data", store_id)
    new = data_head_file_for(make_url(f"sqlite:///{dest / 'shop.sqlite3'}"), dest / "data", store_id)
    new.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(old, new)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--plain", action="store_true", help="the lines as a plain CSV read by a stand-in reader (what "
                                                         "the Alipay parser costs, apart)")
    ap.add_argument("--rounds", type=int, default=2, help="1: floor and ours once; 2 (default): floor, ours, ours, "
                                                          "floor, each on a fresh copy, the best of each")
    ap.add_argument("--keep", metavar="DIR", help="keep the stores in DIR (a store prepared there before for the same "
                                                  "--orders and --lines is used again)")
    a = ap.parse_args()
    root = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    base = root / "prepared"
    kept = base / "prepared.json"
    if kept.exists() and json.loads(kept.read_text())["asked"] == [a.orders, a.lines, FILES]:
        want = json.loads(kept.read_text())
        print(f"reusing the store prepared in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        t = time.perf_counter()
        want = run("prepare", base, a.orders, a.lines)
        print(f"prepared {a.orders:,} orders and {want['lines']:,} statement lines in {time.perf_counter() - t:.1f} s "
              f"(untimed)")
        kept.write_text(json.dumps({**want, "asked": [a.orders, a.lines, FILES]}))
    results: dict[str, list[dict]] = {"floor": [], "ours": []}
    for side in ("floor", "ours", "ours", "floor")[:4 if a.rounds > 1 else 2]:  # interleaved: drift cancels
        shutil.rmtree(root / side, ignore_errors=True)
        copy(base, root / side)
        results[side].append(run(side, root / side, "plain" if a.plain else "alipay"))
    fl = min(results["floor"], key=lambda r: r["total"])
    us = min(results["ours"], key=lambda r: r["total"])
    times = {side: ", ".join(f"{r['total']:.2f}" for r in rs) for side, rs in results.items()}
    print(f"(best of {len(results['floor'])}: floor {times['floor']} s; ours {times['ours']} s)")
    print(f"file   {'a plain CSV (stand-in reader)' if a.plain else 'Alipay 账务明细 (adapters/statements/alipay_account)'}")
    print(f"floor  read + {fl['lines']:,} indexed lookups ({fl['found']:,} found) + insert: {fl['total']:.2f} s, "
          f"peak {fl['peak_mb']:.0f} MB")
    print(f"ours   read {us['read']:.2f} s + import {us['import']:.2f} s + match {us['match']:.2f} s = "
          f"{us['total']:.2f} s, peak {us['peak_mb']:.0f} MB")
    print(f"       matched {us['matched']:,} {json.dumps(us['by_rule'])}, excluded {us['excluded']:,}, "
          f"open {us['open']:,}; orders {json.dumps(us['states'])}; payment tickets opened {us['tickets']:,}")
    ok = (us["matched"], us["excluded"], us["states"].get("red")) == (want["matched"], want["excluded"],
                                                                     want["not_seen"])
    print(f"       expected matched {want['matched']:,}, excluded {want['excluded']:,}, red {want['not_seen']:,}: "
          f"{'as expected' if ok else 'DIFFERENT'}")
    print(f"ratio  ours / floor = {us['total'] / fl['total']:.2f}x (goal <= 3x); match alone / floor = "
          f"{us['match'] / fl['total']:.2f}x")
    if not a.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
