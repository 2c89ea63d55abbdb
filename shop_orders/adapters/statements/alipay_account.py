"""Alipay 账务明细 (the account statement: every movement of the shop's Alipay balance).

The file as Alipay's merchant site (商家中心 → 对账中心 → 账务明细 → 下载) and the bill API
(alipay.data.dataservice.bill.downloadurl.query, bill_type signcustomer) give it: CSV in GBK, four
`#` lines above the table (#支付宝账务明细查询, #账号：[…], #起始日期：[…]   终止日期：[…], the
#---账务明细列表--- rule), the header, one row per movement with most values ending in a tab
(`54632446537371\t,2012122923922029\t,…`), then the #---账务明细列表结束--- rule and the summary
(#支出合计：N笔，共X元, #收入合计：N笔，共X元, #导出时间：[…]). Brackets in 收入金额（+元） /
支出金额（-元） are full-width in the download and half-width in some re-saved copies; both are read.
Newer downloads add 业务描述, 业务账单来源, 业务基础订单号, 业务订单号 after 备注. Real shapes are cited
in tests/real/statements/README.md.

What each row becomes:

- `external_id` = 账务流水号, the ledger's own id of the movement. The Tmall seller statement
  (tmall.py) is this same ledger of a Tmall shop's Alipay account, read by the same code: one
  movement has the same id in both. The 业务明细 (alipay_business.py) shows trades, not ledger
  movements, and never carries the 账务流水号; see that module for why its ids differ.
- amount = 收入金额 − |支出金额| (a file writes expenses either as 12.00 or -12.00).
- kind, from 业务类型 and, for the platform's charges that Alipay books as plain outgoing
  movements, from the 备注 / 业务描述 words (天猫佣金, 淘宝客佣金代扣款, 基础软件服务费, 花呗
  服务费…): a sale → payment, 交易退款 / 售后退款 → refund, 收费 and those charges → fee (a separate
  line, as the ledger books it, never folded into the sale), 提现 → payout, 转账 / 充值 / 余额宝 /
  余利宝 / 理财 / 保证金 / 转出到网商银行 → transfer, anything else → other.
- keys: 业务流水号 → provider_txn (the Alipay trade a sale, refund or fee is booked under) and, for
  a refund or a fee, original_txn too (its payment's trade: the ledger books a trade's fee and
  refund under the trade's number; the platform's charges reach their order by platform_order_no), 商户订单号 → merchant_order_no, 业务基础订单号 →
  platform_order_no, 对方账号 → counterparty, 备注 (and 业务描述) → memo.
- time: 发生时间, Asia/Shanghai, stored in UTC.

The summary is checked: the number of incoming and outgoing rows and their sums must be what
#收入合计 / #支出合计 say, or the file is refused naming the difference (a cut or edited file).
账户余额 is not checked row to row: Alipay documents the balance as indicative only, not
guaranteed continuous from one movement to the next (AccountLogItemResult.balance).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shop_orders.adapters.statements import common
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)

CODE = "alipay_account"
PROVIDER = "alipay"
LABEL = N_("Alipay account statement (账务明细)")
CURRENCY = "CNY"

TITLE = "支付宝账务明细"
HEADER_FIRST = "账务流水号"

C_ID = "账务流水号"
C_TRADE = "业务流水号"
C_ORDER = "商户订单号"
C_ITEM = "商品名称"
C_TIME = "发生时间"
C_PARTY = "对方账号"
C_IN = "收入金额（+元）"
C_OUT = "支出金额（-元）"
C_TYPE = "业务类型"
C_NOTE = "备注"
C_DESC = "业务描述"
C_BASE = "业务基础订单号"
REQUIRED = (C_ID, C_TRADE, C_ORDER, C_TIME, C_IN, C_OUT, C_TYPE)
OPTIONAL = (C_ITEM, C_PARTY, C_NOTE, C_DESC, C_BASE)

# 业务类型 as the ledger writes it.
TYPE_KINDS: dict[str, LineKind] = {
    "在线支付": LineKind.PAYMENT, "交易付款": LineKind.PAYMENT, "交易收款": LineKind.PAYMENT,
    "交易": LineKind.PAYMENT, "即时到账": LineKind.PAYMENT,
    "交易退款": LineKind.REFUND, "退款": LineKind.REFUND, "退款（交易退款）": LineKind.REFUND,
    "收费": LineKind.FEE, "服务费": LineKind.FEE, "手续费": LineKind.FEE,
    "提现": LineKind.PAYOUT,
    "转账": LineKind.TRANSFER, "充值": LineKind.TRANSFER, "余额宝": LineKind.TRANSFER,
    "理财": LineKind.TRANSFER, "余利宝": LineKind.TRANSFER,
}
# Words in 备注 / 业务描述 that say what a movement is when 业务类型 does not (the platform's
# charges are booked as outgoing movements with the order in the 备注). Checked in this order.
MEMO_KINDS: tuple[tuple[str, LineKind], ...] = (
    ("余利宝", LineKind.TRANSFER), ("余额宝", LineKind.TRANSFER), ("转出到网商银行", LineKind.TRANSFER),
    ("保证金", LineKind.TRANSFER), ("理财", LineKind.TRANSFER),
    ("售后退款", LineKind.REFUND),
    ("佣金", LineKind.FEE), ("服务费", LineKind.FEE), ("返点积分", LineKind.FEE), ("退回积分", LineKind.FEE),
    ("消费券代付资金扣回", LineKind.FEE), ("公益宝贝", LineKind.FEE), ("运费险", LineKind.FEE),
    ("手续费", LineKind.FEE),
)

_SUMMARY = re.compile(r"#\s*(收入|支出)合计[:：]\s*(\d+)\s*笔\s*[,，]\s*共\s*([-+]?[\d,]*\.?\d*)\s*元")
_ACCOUNT = re.compile(r"^#?\s*账号[:：]\s*\[([^\]]*)\]")
_PERIOD = re.compile(r"起始日期[:：]\s*\[([^\]]+)\]\s*终止日期[:：]\s*\[([^\]]+)\]")


# ---- the comment-framed table every Alipay download shares (also used by alipay_business, tmall) ----

@dataclass
class Table:
    """An Alipay download's table: the `#` lines above it, its header (1-based row), its data rows
    (row number, cells) and the `#` lines below it (row number, text)."""
    above: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    header_row: int = 0
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    below: list[tuple[int, str]] = field(default_factory=list)


def read_table(path: Path, raw: bytes | None, first_heading: str, what: str) -> Table:
    """The file's comment-framed table whose header starts with `first_heading`; refused (one
    sentence) when there is none. `what` names the statement for that sentence."""
    data = common.read_bytes(path) if raw is None else raw
    text = common.decode(data, path.name)
    rows = common.csv_rows(text, delimiter=",")
    table = Table()
    for i, cells in enumerate(rows, start=1):
        first = common.clean(cells[0]) if cells else ""
        if not table.header_row:
            if _norm(first) == _norm(first_heading):
                table.header, table.header_row = cells, i
            else:
                table.above.append(",".join(cells).strip(", \t"))
            continue
        if first.startswith("#") or (table.below and not _blank(cells)):
            table.below.append((i, ",".join(c for c in cells if c.strip()).strip()))
        elif not _blank(cells):
            table.rows.append((i, cells))
    if not table.header_row:
        raise StatementFileError(t("{file}: no table starting with the column '{column}' was found; the file is "
                                   "not {what}", file=path.name, column=first_heading, what=what))
    return table


def _blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def account_of(above: Sequence[str]) -> str:
    """The account the #账号：[…] line names ('' when the file does not say)."""
    for line in above:
        found = _ACCOUNT.search(line)
        if found:
            return found.group(1).strip()
    return ""


def period_of(above: Sequence[str], file: str) -> tuple[datetime | None, datetime | None]:
    """What #起始日期：[2012年12月29日 00:00:00]   终止日期：[…] says the file covers (UTC)."""
    for line in above:
        found = _PERIOD.search(line)
        if found:
            try:
                return _cn_time(found.group(1), file), _cn_time(found.group(2), file)
            except StatementFileError:
                return None, None  # informative only: the lines' own times give the period then
    return None, None


def _cn_time(text: str, file: str) -> datetime:
    value = re.sub(r"(\d+)年(\d+)月(\d+)日", r"\1-\2-\3", text.strip())
    return common.local_time(value, common.SHANGHAI, file, 0, "",
                             formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y%m%d"))


def summary_amount(text: str, file: str, row: int, what: str) -> int:
    """An amount written in a summary line (its row named when it is not one)."""
    return common.minor(text, CURRENCY, file, row, what)


def columns(table: Table, file: str, required: Sequence[str], optional: Sequence[str]) -> dict[str, int]:
    """Positions of the required columns (refused naming the first missing) and of those optional
    ones the file has."""
    found = common.header_index(table.header, required, file, table.header_row)
    norm = {_norm(common.clean(h)): i for i, h in enumerate(table.header)}
    for name in optional:
        if _norm(name) in norm:
            found[name] = norm[_norm(name)]
    return found


def row_values(cells: Sequence[str], cols: dict[str, int]) -> dict[str, str]:
    """The row's cells of the columns in `cols`, cleaned (common.clean), by column name ('' for a
    short row). One pass per row: a statement has hundreds of thousands of them."""
    width = len(cells)
    found: dict[str, str] = {}
    for name, index in cols.items():
        text = cells[index].strip() if index < width else ""
        found[name] = common.clean(text) if text[:1] in ("`", "=") else text
    return found


def value(values: dict[str, str], name: str) -> str:
    """The cleaned cell of column `name` ('' when the file has no such column or the row is short)."""
    return values.get(name, "")


def amount(values: dict[str, str], name: str, file: str, row: int, seen: dict[str, int] | None = None) -> int:
    """The amount in column `name`, 0 for an empty cell. `seen` (text -> amount) keeps what was
    read before: a statement's amounts repeat (every line has one empty side, 0.00)."""
    text = values.get(name, "")
    if not text:
        return 0
    if seen is None:
        return common.minor(text, CURRENCY, file, row, name)
    got = seen.get(text)
    if got is None:
        got = seen[text] = common.minor(text, CURRENCY, file, row, name)
    return got


def required_text(values: dict[str, str], name: str, file: str, row: int) -> str:
    text = values.get(name, "")
    if not text:
        raise StatementFileError(t("{where}: the cell is empty but every line needs one",
                                   where=where(file, row, name)))
    return text



def period(lines: Sequence[StatementLine], stated: tuple[datetime | None, datetime | None]
           ) -> tuple[datetime | None, datetime | None]:
    if stated[0] is not None and stated[1] is not None:
        return stated
    times = [ln.occurred_at for ln in lines]
    return (min(times), max(times)) if times else (None, None)


def totals_note(lines: Sequence[StatementLine]) -> str:
    money_in = sum(ln.amount_minor for ln in lines if ln.amount_minor > 0)
    money_out = sum(ln.amount_minor for ln in lines if ln.amount_minor < 0)
    return t("the statement's own totals agree with its {count} lines: in {money_in}, out {money_out}",
             count=len(lines), money_in=format_minor(money_in, CURRENCY),
             money_out=format_minor(money_out, CURRENCY))


# ---- this format ----

def sniff(head: str) -> bool:
    """An Alipay 账务明细: its title line or its table rule, and its header; a Tmall shop's ledger
    (T200P order numbers in its first lines) is left to tmall.py."""
    return _is_ledger(head) and "T200P" not in head


def _is_ledger(head: str) -> bool:
    marked = TITLE in head or "账务明细列表" in head
    return marked and HEADER_FIRST in head


def kind_of(kind_text: str, memo: str, amount_minor: int) -> LineKind:
    """What a movement is: its 业务类型, unless that is a general one (a transfer, one this app does
    not know, or a trade's money going out) and the words of its 备注 / 业务描述 say more (the
    platform's charges). Money coming in for a trade is a sale whatever its 备注 says."""
    kind = TYPE_KINDS.get(kind_text) or TYPE_KINDS.get(_norm(kind_text))
    general = kind in (None, LineKind.TRANSFER) or (kind is LineKind.PAYMENT and amount_minor < 0)
    if memo and general:
        for word, memo_kind in MEMO_KINDS:
            if word in memo:
                return memo_kind
    if kind is None:
        return LineKind.OTHER
    if kind is LineKind.PAYMENT and amount_minor < 0:
        return LineKind.REFUND  # money leaving through a trade is that trade's refund
    return kind


def parse(path: Path, raw: bytes | None = None, **options: Any) -> Statement:
    """The statement in `path` (or in `raw`, its bytes, when the caller has read them); no options."""
    return read_ledger(path, raw, CODE, t(LABEL))


def read_ledger(path: Path, raw: bytes | None, code: str, what: str,
                platform_order: Callable[[str, str], str] | None = None) -> Statement:
    """The ledger in `path` as `code`'s Statement; `platform_order(merchant_order_no, memo)` gives
    the platform's order number when the 业务基础订单号 column does not (tmall.py)."""
    table = read_table(path, raw, HEADER_FIRST, what)
    cols = columns(table, path.name, REQUIRED, OPTIONAL)
    seen: dict[str, int] = {}
    lines = [_line(cells, cols, path.name, row, platform_order, seen) for row, cells in table.rows]
    common.check_unique(lines, path.name)
    _check_summary(table, lines, path.name)
    stated = period_of(table.above, path.name)
    first, last = period(lines, stated)
    return Statement(provider=PROVIDER, format=code, account=account_of(table.above), lines=tuple(lines),
                     period_from=first, period_to=last, notes=(totals_note(lines),))


def _line(cells: list[str], cols: dict[str, int], file: str, row: int,
          platform_order: Callable[[str, str], str] | None, seen: dict[str, int]) -> StatementLine:
    vals = row_values(cells, cols)
    money_in = amount(vals, C_IN, file, row, seen)
    money_out = amount(vals, C_OUT, file, row, seen)
    if money_in < 0:
        raise StatementFileError(t("{where}: '{text}' is negative but the column is for money in",
                                   where=where(file, row, C_IN), text=value(vals, C_IN)))
    memo = " ".join(v for v in (value(vals, C_NOTE), value(vals, C_DESC)) if v)
    signed = money_in - abs(money_out)
    order_no = value(vals, C_ORDER)
    base = value(vals, C_BASE)
    if not base and platform_order is not None:
        base = platform_order(order_no, memo)
    kind = kind_of(value(vals, C_TYPE), memo, signed)
    trade = value(vals, C_TRADE)
    return StatementLine(
        row=row, external_id=required_text(vals, C_ID, file, row),
        kind=kind, amount_minor=signed, currency=CURRENCY,
        occurred_at=common.local_time(required_text(vals, C_TIME, file, row), common.SHANGHAI, file, row,
                                      C_TIME),
        merchant_order_no=order_no, provider_txn=trade, platform_order_no=base,
        original_txn=trade if kind in (LineKind.REFUND, LineKind.FEE) else "",
        memo=memo, counterparty=value(vals, C_PARTY))


def _check_summary(table: Table, lines: Sequence[StatementLine], file: str) -> None:
    """#收入合计 / #支出合计: how many rows brought money in / took it out and how much."""
    found: set[str] = set()
    for row, text in table.below:
        match = _SUMMARY.search(text)
        if not match:
            continue
        side, count, total = match.group(1), int(match.group(2)), match.group(3)
        what = "#" + side + "合计"
        found.add(side)
        picked = [ln.amount_minor for ln in lines if (ln.amount_minor > 0 if side == "收入" else ln.amount_minor < 0)]
        common.check_total(file, t("the number of lines of {what}", what=what), count, [1] * len(picked), "", row)
        stated = abs(summary_amount(total, file, row, what))
        common.check_total(file, what, stated, [abs(v) for v in picked], CURRENCY, row)
    for side in ("收入", "支出"):
        if side not in found:
            raise StatementFileError(t("{file}: the summary line {what} below the table is missing; the file is "
                                       "incomplete", file=file, what="#" + side + "合计"))
