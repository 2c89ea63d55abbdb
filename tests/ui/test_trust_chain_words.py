"""The trust chain in the user's language, described in one place (domain/trail.py) for the window's
detail panel, `shop-orders show` and the export's audit sheet: ticket events as the ticket panel
names them (kind, priority, state, assignee), the rules' actor "system" and the rules by name, an
attachment by its file name (its SHA-256 only on demand), and every change of an approved change
set naming the proposer and the approver; the approvals list says who decided."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QGuiApplication
from sqlalchemy import select

from shop_orders.domain.changes import Actor, ChangeContext
from shop_orders.domain.tickets import Kind
from shop_orders.services import auth, changesets, exporting, tickets
from shop_orders.services.browse import OrderBrowser
from shop_orders.store.models import Order
from shop_orders.ui.detail_panel import DetailPanel
from tests.factories import make_shippable, run, settled_user
from tests.ui.test_chinese_everywhere import chinese, english_in  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
OWNER, MANAGER = Actor("王芳", "owner"), Actor("李强", "manager")
PASSWORDS = {OWNER.name: "wangfang-secret-1", MANAGER.name: "liqiang-secret-1"}
RECEIPT = b"bank receipt: 375.00 CNY"
DIGEST = hashlib.sha256(RECEIPT).hexdigest()
STUCK_SINCE = "no update since 2026-11-20T09:30:00+00:00"


def _order(uow, no: str) -> Order:
    return uow.session.execute(select(Order).where(Order.order_no == no)).scalar_one()


@pytest.fixture
def chain(sqlite_db):
    """Two orders awaiting shipment, paid; on the first: a stuck ticket opened by the rule, seen again,
    assigned to the warehouse, in progress, a receipt attached; then a courier set on both by a
    change set the manager proposed and the owner approved."""
    db = sqlite_db
    run(db, auth.create_user, ChangeContext(OWNER), OWNER.name, OWNER.role, PASSWORDS[OWNER.name])
    settled_user(db, ChangeContext(OWNER), MANAGER.name, MANAGER.role, PASSWORDS[MANAGER.name])
    nos = [make_shippable(db) for _ in range(2)]
    rule = ChangeContext(tickets.SYSTEM, "rule:stuck")
    run(db, lambda uow: tickets.detected(uow, rule, _order(uow, nos[0]), Kind.STUCK, STUCK_SINCE, ""))
    later = "no update since 2026-11-19T09:30:00+00:00"
    run(db, lambda uow: tickets.detected(uow, rule, _order(uow, nos[0]), Kind.STUCK, later, ""))
    [ticket] = OrderBrowser(db).detail(nos[0]).tickets
    by_owner = ChangeContext(OWNER)
    run(db, tickets.assign, by_owner, ticket.id, "warehouse")
    run(db, tickets.set_state, by_owner, ticket.id, "in_progress")
    run(db, tickets.attach, by_owner, ticket.id, "回单.png", RECEIPT)
    with db.read_session() as s:
        ids = [s.execute(select(Order.id).where(Order.order_no == n)).scalar_one() for n in nos]
    p = run(db, changesets.submit, ChangeContext(MANAGER), "set_courier", {"courier": "顺丰"}, "今天都走顺丰",
            selection=ids)
    assert p.state == "pending"
    run(db, changesets.approve, OWNER, p.id)
    return {"db": db, "order": nos[0], "ticket": ticket.id, "change_set": p.id}


def _panel_rows(qtbot, chain, lang: str):
    panel = DetailPanel(lang)
    qtbot.addWidget(panel)
    panel.show_detail(OrderBrowser(chain["db"]).detail(chain["order"]))
    h = panel.history
    rows = [[h.item(r, c).text() for c in range(h.columnCount())] for r in range(h.rowCount())]
    return panel, rows


def test_the_detail_panel_names_every_row_of_the_trust_chain_in_chinese(chinese, qtbot, chain):  # noqa: F811
    panel, rows = _panel_rows(qtbot, chain, "zh_CN")
    k = chain["ticket"]
    by_change = {r[3]: r for r in rows}
    opened = by_change[f"#{k} 创建：订单卡住 P2 店长"]
    assert opened[1:3] == ["系统", "规则：订单卡住"]  # not "system", not "规则：stuck"
    seen = next(r for r in rows if r[3].startswith(f"#{k} 规则再次发现："))
    assert "自 2026-11-" in seen[3] and "起没有更新" in seen[3]
    assert by_change[f"#{k} 负责人：店长 → 仓管"][1] == "王芳"
    assert f"#{k} 状态：待处理 → 处理中" in by_change
    attached = by_change[f"#{k} 附件：回单.png"]
    courier = [r for r in rows if r[3].startswith("快递公司：")]
    assert courier and {r[1] for r in courier} == {"李强 提交，王芳（老板） 审批"}
    assert {r[2] for r in courier} == {f"变更单：#{chain['change_set']}"}
    # nothing English, no hash in any row (names and reasons are the shop's own data)
    assert [c for r in rows for c in r[1:4] if english_in(c.replace("alice", ""))] == []  # alice: the factory's
    assert not [c for r in rows for c in r if re.search(r"[0-9a-f]{64}", c)]
    row = rows.index(attached)
    assert DIGEST in panel.history.item(row, 3).toolTip()  # the hash on demand: in the tooltip,
    panel.history.setCurrentCell(row, 0)
    assert panel.copy_hash.isEnabled() and panel.copy_hash.text() == "复制文件的 SHA-256"
    panel.copy_hash.trigger()  # and copied by the right-click's action
    assert QGuiApplication.clipboard().text() == DIGEST
    panel.history.setCurrentCell(rows.index(opened), 0)
    assert not panel.copy_hash.isEnabled()  # a row without a file has no hash to copy


def test_the_detail_panel_names_every_row_of_the_trust_chain_in_english(qtbot, chain):
    _panel, rows = _panel_rows(qtbot, chain, "en")
    k = chain["ticket"]
    by_change = {r[3]: r for r in rows}
    assert by_change[f"#{k} opened: stuck order P2 Manager"][1:3] == ["system", "rule: stuck orders"]
    assert by_change[f"#{k} assignee: Manager → Warehouse"][1] == "王芳"
    assert f"#{k} state: open → in progress" in by_change
    assert f"#{k} attachment: 回单.png" in by_change
    courier = [r for r in rows if r[3].startswith("courier: ")]
    assert {r[1] for r in courier} == {"proposed by 李强, approved by 王芳 (Owner)"}


def _cli(*args, db, lang: str) -> str:
    env = {**os.environ, "SHOP_ORDERS_PASSWORD": PASSWORDS[OWNER.name]}
    res = subprocess.run([sys.executable, "-m", "shop_orders", "--db", str(db), *args, "--user", OWNER.name,
                          "--lang", lang], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_show_on_the_command_line_names_the_trail_and_the_hash_only_when_asked(chain, tmp_path):
    db = tmp_path / "shop.sqlite3"
    k = chain["ticket"]
    zh = _cli("show", chain["order"], db=db, lang="zh_CN")
    assert f"系统  [规则：订单卡住]  工单 #{k} 创建：订单卡住 P2 店长" in zh
    assert f"王芳  [手动]  工单 #{k} 附件：回单.png" in zh and DIGEST not in zh
    assert f"李强 提交，王芳（老板） 审批  [变更单：#{chain['change_set']}]" in zh
    en = _cli("show", chain["order"], db=db, lang="en")
    assert f"system  [rule: stuck orders]  ticket #{k} opened: stuck order P2 Manager" in en
    assert f"proposed by 李强, approved by 王芳 (Owner)  [change set: #{chain['change_set']}]" in en
    assert DIGEST not in en
    hashed = _cli("show", chain["order"], "--hashes", db=db, lang="en")
    assert f"#{k} attachment: 回单.png (SHA-256 {DIGEST})" in hashed


def test_the_exports_audit_sheet_names_the_trail_and_the_approver(chain, tmp_path):
    path = tmp_path / "zh.xlsx"
    exporting.export(chain["db"], path, lang="zh_CN")
    sheet = load_workbook(path)["审计记录"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[-1] == "审批人"
    col = {name: i for i, name in enumerate(header)}
    mine = [r for r in rows if r[col["订单"]] == chain["order"]]
    opened = next(r for r in mine if r[col["新值"]] == "订单卡住 P2 店长")
    assert (opened[col["操作人"]], opened[col["来源"]], opened[col["审批人"]]) == ("系统", "规则：订单卡住", None)
    attached = next(r for r in mine if str(r[col["字段"]]).endswith("附件"))
    assert attached[col["新值"]] == "回单.png"
    courier = next(r for r in mine if r[col["字段"]] == "快递公司")
    assert (courier[col["操作人"]], courier[col["审批人"]]) == ("李强", "王芳（老板）")
    assert courier[col["来源"]] == f"变更单：#{chain['change_set']}"
    assert not [c for r in mine for c in r if isinstance(c, str) and re.search(r"[0-9a-f]{64}", c)]
