"""Benchmark: `audit verify` (hash chain + replay of every order) against a bare floor.

Floor, measured in the same run on the same store: bare sqlite3 reads the same audit rows (every
column the digest covers) and computes the same hashes with hashlib (or hmac, when the chain is
HMAC-keyed), nothing else. The ratio is verify time / floor time; the goal is at most 3x.

The floor's digest follows store/audit.py: it first checks that plain SHA-256 over the canonical
payload reproduces the stored hashes; if it does not (a keyed chain), it uses HMAC-SHA256 with the
key from --key-file, or with a random 32-byte key of the same size (same cost; the hashes then
cannot match, which is said in the output).

    python3 tests/bench/bench_audit.py [N] [--key-file PATH] [--repeat R] [--store PATH] [--keep]
                                                   # default N = 200,000 demo orders (1.14M events)
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENESIS = "0" * 64
COLUMNS = "id, at, actor, source, order_id, order_no, action, field, old, new, reason, prev_hash, hash"


def cli(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "shop_orders", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def _iso(at: str) -> str:
    """SQLite's stored UTC text ('2026-08-03 08:24:17.260653') as the digest writes it."""
    return at.replace(" ", "T") + "+00:00"


def floor(path: Path, key: bytes | None, limit: int | None = None) -> tuple[int, str, bool]:
    """Read every audit row and hash it like the chain; returns (rows, last hash, all matched)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    sha256 = hashlib.sha256
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    prev, n, matched = GENESIS, 0, True
    sql = f"SELECT {COLUMNS} FROM audit_events ORDER BY id" + (f" LIMIT {limit}" if limit else "")
    cur = con.execute(sql)
    while rows := cur.fetchmany(20000):
        for r in rows:
            payload = (prev + encode([r[0], _iso(r[1]), *r[2:11]])).encode("utf-8")
            h = hmac.new(key, payload, sha256).hexdigest() if key is not None else sha256(payload).hexdigest()
            if h != r[12] or r[11] != prev:
                matched = False
            prev, n = r[12], n + 1  # follow the stored chain, as verify does
    con.close()
    return n, prev, matched


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("orders", nargs="?", type=int, default=200_000)
    ap.add_argument("--key-file", help="the chain's HMAC key (32 bytes), if it is keyed")
    ap.add_argument("--repeat", type=int, default=2, help="timed runs of each (best kept)")
    ap.add_argument("--store", help="an existing SQLite store to check instead of building one")
    ap.add_argument("--keep", action="store_true", help="keep the store built for the run")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg")}
    os.environ["XDG_DATA_HOME"] = env["XDG_DATA_HOME"]
    path = work / "audit.sqlite3"
    if args.store:
        shutil.copyfile(args.store, path)
    else:
        cli("--db", str(path), "init", env=env)
        t0 = time.perf_counter()
        cli("--db", str(path), "demo", "--orders", str(args.orders), "--seed", "1", env=env)
        print(f"demo --orders {args.orders:,}: {time.perf_counter() - t0:.1f} s")

    from shop_orders.services.verification import verify_store
    from shop_orders.store.open import open_database

    db = open_database(str(path), data_dir=work / "xdg" / "ShopOrders")
    key = None
    if not floor(path, None, limit=1000)[2]:  # keyed: the store's own key when this user has it
        if db.chain_key is not None:
            key = db.chain_key.secret
        else:
            key = Path(args.key_file).read_bytes() if args.key_file else secrets.token_bytes(32)
    verify_s = chain_s = floor_s = float("inf")
    try:
        verify_store(db)  # warm the file cache for both alike
        for _ in range(args.repeat):  # alternate, keep the best of each: the machine is shared
            marks: dict[str, float] = {}
            t0 = time.perf_counter()
            result = verify_store(db, progress=lambda st, _d, _t, m=marks: m.setdefault(st, time.perf_counter()))
            verify_s = min(verify_s, time.perf_counter() - t0)
            chain_s = min(chain_s, marks.get("orders", t0) - t0)
            t0 = time.perf_counter()
            rows, _last, matched = floor(path, key)
            floor_s = min(floor_s, time.perf_counter() - t0)
    finally:
        db.dispose()

    digest = "sha256" if key is None else "hmac-sha256"
    print(f"events: {result.events:,}   orders replayed: {result.orders:,}   verify ok: {result.ok}")
    print(f"audit verify (chain + replay, in process): {verify_s:8.2f} s  ({result.events / verify_s:,.0f} events/s)"
          f"   chain {chain_s:.2f} s ({chain_s / floor_s:.2f}x), replay {verify_s - chain_s:.2f} s "
          f"({(verify_s - chain_s) / floor_s:.2f}x)")
    print(f"floor (bare sqlite3 + {digest}, same rows): {floor_s:8.2f} s  ({rows / floor_s:,.0f} events/s)"
          + ("" if matched else "  [hashes not reproduced: no key given; same cost]"))
    print(f"ratio verify / floor: {verify_s / floor_s:.2f}x   (goal: at most 3x)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"store kept: {path}")


if __name__ == "__main__":
    main()
