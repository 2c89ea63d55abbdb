"""Alipay 业务明细 (the trade statement: one row per trade and per refund).

The file as Alipay gives it (the bill API's bill_type "trade", the merchant site's 交易账单 download,
`<pid>_<date>_业务明细.csv` in the zip): CSV in GBK, `#` lines above the table (#支付宝业务明细查询,
#账号：[…], #起始日期：[…]   终止日期：[…], the #---业务明细列表--- rule), the header 支付宝交易号,
商户订单号, 业务类型, 商品名称, 创建时间, 完成时间, 门店编号, 门店名称, 操作员, 终端号, 对方账户,
订单金额（元）, 商家实收（元）, 支付宝红包（元）, 集分宝（元）, 支付宝优惠（元）, 商家优惠（元）,
券核销金额（元）, 券名称, 商家红包消费金额（元）, 卡消费金额（元）, 退款批次号/请求号, 服务费（元）,
分润（元）, 备注, identifiers ending in a tab, then #---业务明细列表结束--- and the summary
#交易合计：N笔，商家实收共X元，商家优惠共Y元 and #退款合计：N笔，商家实收退款共-X元，…
A refund row repeats its trade's 支付宝交易号 and 商户订单号 and carries the 退款批次号/请求号 and
negative amounts. Real shapes are cited in tests/real/statements/README.md.

What each row becomes: 业务类型 交易 → payment, 退款 → refund (anything else is refused, naming
row and column: this statement has no other rows). amount = 商家实收 (what reached the shop's
account: the buyer's payment less the shop's own discounts), in positive, refunds out negative.
The 服务费 Alipay takes is on the same row, so it is the line's fee_minor (charged → negative, a
fee handed back with a refund → positive), not a line of its own. Keys: 支付宝交易号 →
provider_txn (and original_txn of a refund), 商户订单号 → merchant_order_no, 退款批次号/请求号 →
refund_no, 对方账户 → counterparty, 商品名称 / 备注 → memo. Time: 完成时间, Asia/Shanghai, in UTC.

external_id: `trade:<支付宝交易号>` for a trade, `refund:<支付宝交易号>:<退款批次号>` for a refund;
stable, so a statement imported again (or a day's file and the month's) adds nothing.

Why these ids are not the 账务明细's (alipay_account.py uses the ledger's 账务流水号): the two
files cut the same money differently. The 业务明细 has one row per trade with its fee inside it and
never shows a 账务流水号; the 账务明细 has one row per ledger movement (the sale, then the fee as a
movement of its own, a refund's money back, its fee back) and never shows the refund request
number. No key is common to both rows of the same money, so any shared id would be a guess. The
two must therefore not both be imported for one account and period: the bookkeeper imports the
账务明细 (it also has payouts, transfers and the platform's charges) or the 业务明细, and every line
of either carries the 支付宝交易号 (provider_txn here, 业务流水号 there), so the same trade seen
through both can be found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shop_orders.adapters.statements import alipay_account as ledger
from shop_orders.adapters.statements import common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)

CODE = "alipay_business"
PROVIDER = "alipay"
LABEL = N_("Alipay trade statement (业务明细)")
CURRENCY = ledger.CURRENCY

TITLE = "支付宝业务明细"
HEADER_FIRST = "支付宝交易号"
C_TRADE = "支付宝交易号"
C_ORDER = "商户订单号"
C_TYPE = "业务类型"
C_ITEM = "商品名称"
C_DONE = "完成时间"
C_PARTY = "对方账户"
C_NET = "商家实收（元）"
C_REFUND = "退款批次号/请求号"
C_FEE = "服务费（元）"
C_NOTE = "备注"
REQUIRED = (C_TRADE, C_ORDER, C_TYPE, C_DONE, C_NET, C_REFUND, C_FEE)
OPTIONAL = (C_ITEM, C_PARTY, C_NOTE)
KINDS = {"交易": LineKind.PAYMENT, "退款": LineKind.REFUND}

_SUMMARY = re.compile(r"#\s*(交易|退款)合计[:：]\s*(\d+)\s*笔\s*[,，]\s*商家实收(?:退款)?共\s*([-+]?[\d,]*\.?\d*)\s*元")


def sniff(head: str) -> bool:
    """An Alipay 业务明细: its title or table rule, and its header with the refund batch column."""
    marked = TITLE in head or "业务明细列表" in head
    return marked and HEADER_FIRST in head and "退款批次号" in head


def parse(path: Path, raw: bytes | None = None, **options: Any) -> Statement:
    """The statement in `path` (or in `raw`, its bytes, when the caller has read them); no options."""
    table = ledger.read_table(path, raw, HEADER_FIRST, t(LABEL))
    cols = ledger.columns(table, path.name, REQUIRED, OPTIONAL)
    lines = [_line(cells, cols, path.name, row) for row, cells in table.rows]
    common.check_unique(lines, path.name)
    _check_summary(table, lines, path.name)
    first, last = ledger.period(lines, ledger.period_of(table.above, path.name))
    return Statement(provider=PROVIDER, format=CODE, account=ledger.account_of(table.above), lines=tuple(lines),
                     period_from=first, period_to=last, notes=(ledger.totals_note(lines),))


def _line(cells: list[str], cols: dict[str, int], file: str, row: int) -> StatementLine:
    vals = ledger.row_values(cells, cols)
    kind_text = ledger.value(vals, C_TYPE)
    kind = KINDS.get(kind_text)
    if kind is None:
        raise StatementFileError(t("{where}: '{text}' is not a kind of row this statement has (交易 or 退款)",
                                   where=where(file, row, C_TYPE), text=kind_text[:40]))
    trade = ledger.required_text(vals, C_TRADE, file, row)
    net = abs(ledger.amount(vals, C_NET, file, row))
    fee = abs(ledger.amount(vals, C_FEE, file, row))
    refund_no = ledger.value(vals, C_REFUND)
    if kind is LineKind.REFUND:
        if not refund_no:
            raise StatementFileError(t("{where}: a refund row needs its refund batch or request number",
                                       where=where(file, row, C_REFUND)))
        external, signed, fee_signed = f"refund:{trade}:{refund_no}", -net, fee
    else:
        external, signed, fee_signed = f"trade:{trade}", net, -fee
    memo = " ".join(v for v in (ledger.value(vals, C_ITEM), ledger.value(vals, C_NOTE)) if v)
    return StatementLine(
        row=row, external_id=external, kind=kind, amount_minor=signed, currency=CURRENCY,
        occurred_at=common.local_time(ledger.required_text(vals, C_DONE, file, row), common.SHANGHAI,
                                      file, row, C_DONE),
        fee_minor=fee_signed, merchant_order_no=ledger.value(vals, C_ORDER), provider_txn=trade,
        refund_no=refund_no, original_txn=trade if kind is LineKind.REFUND else "", memo=memo,
        counterparty=ledger.value(vals, C_PARTY))


def _check_summary(table: ledger.Table, lines: Sequence[StatementLine], file: str) -> None:
    """#交易合计 / #退款合计: how many trades and refunds, and the 商家实收 of each."""
    found: set[str] = set()
    for row, text in table.below:
        match = _SUMMARY.search(text)
        if not match:
            continue
        side, count, total = match.group(1), int(match.group(2)), match.group(3)
        kind = LineKind.PAYMENT if side == "交易" else LineKind.REFUND
        what = "#" + side + "合计"
        found.add(side)
        picked = [abs(ln.amount_minor) for ln in lines if ln.kind is kind]
        common.check_total(file, t("the number of lines of {what}", what=what), count, [1] * len(picked), "", row)
        common.check_total(file, what, abs(ledger.summary_amount(total, file, row, what)), picked, CURRENCY, row)
    for side in ("交易", "退款"):
        if side not in found:
            raise StatementFileError(t("{file}: the summary line {what} below the table is missing; the file is "
                                       "incomplete", file=file, what="#" + side + "合计"))
