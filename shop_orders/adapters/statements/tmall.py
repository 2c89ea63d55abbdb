"""The Tmall seller account statement: the 账务明细 of a Tmall (or Taobao) shop's Alipay account,
as the seller downloads it from the shop's back office or from Alipay.

It is the Alipay ledger (alipay_account.py, which reads it: same GBK file, same `#` lines, same
columns, same summary check), with what a marketplace shop adds to it:

- 商户订单号 of a sale or refund is the Tmall order number with the `T200P` prefix
  (`T200P5116032541422009305`); it is kept as written in merchant_order_no (the matcher strips
  known prefixes, domain/reconcile.py).
- 业务基础订单号 (newer downloads) is the base (parent) order number → platform_order_no. An older
  download without that column gets it from the T200P number, or from the order number the
  platform writes into the 备注 of its charges (天猫佣金（类目）{order}扣款, 淘宝客佣金代扣款[order],
  基础软件服务费(order)扣款, 代扣返点积分order, 消费券代付资金扣回(order)扣款…), so a charge reaches
  the order it was taken for.
- the platform's charges are outgoing movements with those words in 备注 → fee lines (separate
  lines, as the ledger books them; a commission handed back, 佣金退款, is a positive fee line).

Because it is the same ledger, a movement has the same external id (its 账务流水号) whichever of the
two formats reads it: importing a shop's 账务明细 once as Alipay and once as Tmall adds nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shop_orders.adapters.statements import alipay_account
from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import Statement

CODE = "tmall"
PROVIDER = "alipay"
LABEL = N_("Tmall seller account statement (天猫 账务明细)")

PREFIX = "T200P"
_MEMO_ORDER = (
    re.compile(r"T200P(\d{10,22})"),
    re.compile(r"[{\[(（](\d{16,22})[}\])）]"),
    re.compile(r"订单号\s*(\d{16,22})"),
    re.compile(r"(?:返点积分|退回积分)(\d{16,22})"),
)


def sniff(head: str) -> bool:
    """An Alipay 账务明细 whose first lines carry Tmall's T200P order numbers."""
    return alipay_account._is_ledger(head) and PREFIX in head


def platform_order(merchant_order_no: str, memo: str) -> str:
    """The Tmall order a movement belongs to, from its T200P number or its 备注 ('' when neither says)."""
    if merchant_order_no.startswith(PREFIX) and merchant_order_no[len(PREFIX):].isdigit():
        return merchant_order_no[len(PREFIX):]
    for pattern in _MEMO_ORDER:
        found = pattern.search(memo)
        if found:
            return found.group(1)
    return ""


def parse(path: Path, raw: bytes | None = None, **options: Any) -> Statement:
    """The statement in `path` (or in `raw`, its bytes, when the caller has read them); no options."""
    return alipay_account.read_ledger(path, raw, CODE, t(LABEL), platform_order)
