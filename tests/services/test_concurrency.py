"""Two processes each applying 200 updates to the same orders: none is lost, the chain holds."""

import os
import subprocess
import sys
from pathlib import Path

from shop_orders.store import audit, queries
from tests.factories import make_order

ROOT = Path(__file__).resolve().parents[2]


def test_two_processes_racing_200_updates_each_lose_none(db, _isolated_home):
    nos = [make_order(db, total_minor=10**9) for _ in range(2)]
    url = db.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    data_dir = str(Path(_isolated_home) / "ShopOrders")
    procs = [subprocess.Popen([sys.executable, "-m", "tests.services.race_worker", url, data_dir, name, "100", *nos],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("clerk-a", "clerk-b")]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    with db.read_session() as s:
        for no in nos:
            o = queries.order_detail(s, no)
            assert o.paid_minor == 200  # 2 processes x 100 payments of 1 on each order
            assert o.version == 1 + 200 and len(o.payments) == 200
        result = audit.verify(s, audit.HeadFile(db.head_file).read())
    # 2 creates + 400 payments + 2 derived status changes (to partially paid), one unbroken chain
    assert result.ok and result.count == 404
