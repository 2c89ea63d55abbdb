"""domain/trail.py, the one describing of the trust chain's rows: every code the trail stores
(the rules' actor and names, a ticket's events, an attachment, a rule's sighting, an approver)
read in both languages; what it does not know stays as it was."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from shop_orders.domain import trail
from shop_orders.domain.vocabulary import RULES, source_label

DIGEST = "ab" * 32


def event(**kw):
    base = dict(at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), actor="olivia", role="owner", approver="",
                source="manual", action="edit", field="phone", old=None, new=None, reason="")
    return SimpleNamespace(**{**base, **kw})


def test_every_rule_has_a_name_in_both_languages():
    for name in RULES:
        zh = source_label(f"rule:{name}", "zh_CN")
        assert zh.startswith("规则：") and not re.search("[A-Za-z]", zh), zh
        assert source_label(f"rule:{name}", "en") == f"rule: {RULES[name]}"
    assert source_label("rule:stuck", "zh_CN") == "规则：订单卡住"
    assert source_label("rule:someone-elses", "en") == "rule: someone-elses"  # an unknown rule as it is


def test_the_rules_actor_and_ticket_events_read_as_the_ticket_panel_names_them():
    d = trail.Describer("zh_CN")
    opened = d.row(event(actor="system", role="", source="rule:stuck", action="ticket", field="ticket#39.opened",
                         new="address P1 service"))
    assert (opened.who, opened.source, opened.change("zh_CN")) == ("系统", "规则：订单卡住", "#39 创建：地址问题 P1 客服")
    moved = d.row(event(action="ticket", field="ticket#39.state", old="open", new="waiting"))
    assert moved.change("zh_CN") == "#39 状态：待处理 → 等待客户"
    person = d.row(event(action="ticket", field="ticket#39.assignee", old="service", new="王伟"))
    assert person.change("zh_CN") == "#39 负责人：客服 → 王伟"
    assert d.row(event(actor="system", role="owner")).who == "system"  # a person called system keeps the name


def test_an_attachment_reads_as_its_file_name_and_its_hash_only_when_asked():
    e = event(action="ticket", field="ticket#5.attachment", new=f"{DIGEST} 回单 1.png")
    row = trail.Describer("en").row(e)
    assert (row.new, row.digest) == ("回单 1.png", DIGEST) and DIGEST not in row.change("en")
    assert trail.Describer("en", hashes=True).row(e).new == f"回单 1.png (SHA-256 {DIGEST})"
    assert trail.attachment_parts("not a digest name.png") == ("", "not a digest name.png")


@pytest.mark.parametrize(("key", "en", "zh"), [
    ("paid 0 expected 37500", "the paid amount differs from the total", "已付金额与总额不符"),
    ("cancelled on the channel", "cancelled on the channel", "渠道上已取消"),
    ("invalid SF123", "the courier does not know tracking number SF123", "快递公司查无运单号 SF123"),
    ("failed pickup SF123", "the courier's pickup of SF123 failed", "快递揽收 SF123 失败"),
    ("no pickup SF123", "no pickup by the courier of SF123 in time", "快递未按时揽收 SF123"),
    ("held: locked", "locked by the channel: do not ship", "渠道已锁定：请勿发货"),
    ("something new", "something new", "something new"),
])
def test_what_a_rule_saw_reads_in_the_language(key, en, zh):
    assert (trail.rule_key_text(key, "en"), trail.rule_key_text(key, "zh_CN")) == (en, zh)
    since = trail.rule_key_text("no update since 2026-11-20T09:30:00+00:00", "zh_CN")
    assert since.startswith("自 2026-11-2") and since.endswith("起没有更新")


def test_a_change_sets_change_names_the_proposer_and_the_approver():
    e = event(actor="max", role="manager", approver="olivia (owner)", source="changeset:7", action="status",
              field="status", old="awaiting_shipment", new="cancelled")
    en, zh = trail.Describer("en").row(e), trail.Describer("zh_CN").row(e)
    assert (en.who, en.approver, en.source) == ("proposed by max, approved by olivia (Owner)", "olivia (Owner)",
                                                "change set: #7")
    assert (zh.who, zh.approver, zh.change("zh_CN")) == ("max 提交，olivia（老板） 审批", "olivia（老板）",
                                                         "状态：待发货 → 已取消")
    skipped = trail.Describer("en").row(event(actor="wang", role="warehouse", approver="max (manager)", source="scan"))
    assert skipped.who == "wang, approved by max (Manager)"  # a supervisor's PIN at the scan station
    assert trail.approver_text("a (b) (c)", "en") == "a (b) (c)"  # not a role: as it was stored
