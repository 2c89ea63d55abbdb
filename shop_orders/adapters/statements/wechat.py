"""WeChat Pay 交易账单 (the merchant's trade bill: 下载交易账单, bill_type ALL / SUCCESS / REFUND).

The file as the merchant platform and the download API give it: CSV (UTF-8, older ones GBK), the
header line 交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,
交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,
充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注,
every value prefixed with a back-tick so a spreadsheet keeps long numbers as text
(`` `2019-07-25 08:35:41``, `` `4200000925202101284997714292``), 手续费 with five decimals
(`` `0.04000``), and the summary block at the end: the line 总交易单数,应结订单总金额,退款总金额,
充值券退款总金额,手续费总金额,订单总金额,申请退款总金额 and its back-ticked values. The REFUND
bill adds 退款申请时间 / 退款成功时间; the bill before 2017 says 总金额 / 代金券或立减优惠金额 and
总交易额 / 总退款金额 in its summary; all are read. Real shapes are cited in
tests/real/statements/README.md.

What each row becomes: 交易状态 SUCCESS → payment of 应结订单金额 (the order less WeChat's
no-top-up coupons: what is settled to the shop), REFUND → refund of −退款金额; any other state is
refused naming row and column. 手续费 is on the row itself, so it is the line's fee_minor (the
file writes a fee charged as positive and a fee handed back with a refund as negative; fee_minor is
the opposite: charged → negative). Keys: 商户订单号 → merchant_order_no, 微信订单号 → provider_txn of
a payment and original_txn of a refund, 微信退款单号 → a refund's provider_txn, 商户退款单号 →
refund_no. Time: 交易时间 (for a refund row of the ALL bill, the refund's time; the REFUND bill's
退款成功时间 when it has one), Asia/Shanghai, in UTC. external_id: `pay:<微信订单号>` and
`refund:<微信退款单号>`, stable across the day's, the month's and an ALL/REFUND bill of the same day.

The summary is checked: 总交易单数 must be the number of rows, 应结订单总金额, 退款总金额 and
手续费总金额 the sums of their columns; a file without its summary block is refused as incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shop_orders.adapters.statements import common
from shop_orders.adapters.statements.alipay_account import row_values
from shop_orders.domain.messages import N_, t
from shop_orders.domain.money import format_minor
from shop_orders.domain.statements import (
    LineKind,
    Statement,
    StatementFileError,
    StatementLine,
    where,
)

CODE = "wechat"
PROVIDER = "wechat_pay"
LABEL = N_("WeChat Pay trade bill (交易账单)")

C_TIME = "交易时间"
C_MCH = "商户号"
C_TXN = "微信订单号"
C_ORDER = "商户订单号"
C_STATE = "交易状态"
C_CURRENCY = "货币种类"
C_SETTLED = ("应结订单金额", "总金额")
C_FEE = "手续费"
C_REFUND_ID = "微信退款单号"
C_REFUND_NO = "商户退款单号"
C_REFUND = "退款金额"
C_REFUND_DONE = "退款成功时间"
C_ITEM = "商品名称"
C_USER = "用户标识"
REQUIRED = (C_TIME, C_TXN, C_ORDER, C_STATE, C_CURRENCY, C_FEE)
OPTIONAL = (C_MCH, C_REFUND_ID, C_REFUND_NO, C_REFUND, C_REFUND_DONE, C_ITEM, C_USER) + C_SETTLED

S_COUNT = "总交易单数"
S_SETTLED = ("应结订单总金额", "总交易额")
S_REFUND = ("退款总金额", "总退款金额")
S_FEE = "手续费总金额"


def sniff(head: str) -> bool:
    """The bill's header: 交易时间 first, with 微信订单号 and 商户订单号, and back-ticked rows."""
    for line in head.splitlines()[:5]:
        cells = [c.strip() for c in line.lstrip("\ufeff").split(",")]
        if cells and cells[0] == C_TIME and C_TXN in cells and C_ORDER in cells:
            return "`" in head
    return False


def parse(path: Path, raw: bytes | None = None, **options: Any) -> Statement:
    """The statement in `path` (or in `raw`, its bytes, when the caller has read them); no options."""
    data = common.read_bytes(path) if raw is None else raw
    rows = common.csv_rows(common.decode(data, path.name), delimiter=",")
    file = path.name
    start = next((i for i, r in enumerate(rows) if r and common.clean(r[0]) == C_TIME), None)
    if start is None:
        raise StatementFileError(t("{file}: no table starting with the column '{column}' was found; the file is "
                                   "not {what}", file=file, column=C_TIME, what=t(LABEL)))
    header = rows[start]
    cols = _columns(header, file, start + 1)
    end = next((i for i in range(start + 1, len(rows)) if rows[i] and common.clean(rows[i][0]) == S_COUNT), None)
    if end is None or end + 1 >= len(rows):
        raise StatementFileError(t("{file}: the summary block at the end ({name}, …) is missing; the file is "
                                   "incomplete", file=file, name=S_COUNT))
    lines = [_line(rows[i], cols, file, i + 1) for i in range(start + 1, end) if any(c.strip() for c in rows[i])]
    common.check_unique(lines, file)
    _check_summary(rows[end], rows[end + 1], lines, file, end + 2)
    times = [ln.occurred_at for ln in lines]
    merchants = {v for v in (common.clean(r[cols[C_MCH]]) for r in rows[start + 1:end]
                             if C_MCH in cols and len(r) > cols[C_MCH]) if v}
    currency = lines[0].currency if lines else "CNY"
    note = t("the statement's own totals agree with its {count} lines: in {money_in}, out {money_out}",
             count=len(lines), money_in=format_minor(sum(ln.amount_minor for ln in lines if ln.amount_minor > 0),
                                                     currency),
             money_out=format_minor(sum(ln.amount_minor for ln in lines if ln.amount_minor < 0), currency))
    return Statement(provider=PROVIDER, format=CODE, account=merchants.pop() if len(merchants) == 1 else "",
                     lines=tuple(lines), period_from=min(times) if times else None,
                     period_to=max(times) if times else None, notes=(note,))


def _columns(header: Sequence[str], file: str, row: int) -> dict[str, int]:
    found = common.header_index(header, REQUIRED, file, row)
    names = {common.clean(h): i for i, h in enumerate(header)}
    for name in OPTIONAL:
        if name in names:
            found[name] = names[name]
    if not any(name in found for name in C_SETTLED):
        raise StatementFileError(t("{where}: the column '{column}' is missing", where=where(file, row),
                                   column=C_SETTLED[0]))
    return found


def _value(values: dict[str, str], name: str) -> str:
    return values.get(name, "")


def _settled_column(cols: dict[str, int]) -> str:
    return next(name for name in C_SETTLED if name in cols)


def _money(values: dict[str, str], name: str, currency: str, file: str, row: int) -> int:
    text = values.get(name, "")
    return common.minor(text, currency, file, row, name) if text else 0


def _line(cells: list[str], cols: dict[str, int], file: str, row: int) -> StatementLine:
    vals = row_values(cells, cols)
    state = _value(vals, C_STATE)
    currency = _currency(_value(vals, C_CURRENCY), file, row)
    txn = _value(vals, C_TXN)
    if not txn:
        raise StatementFileError(t("{where}: the cell is empty but every line needs one", where=where(file, row, C_TXN)))
    if state == "SUCCESS":
        external, kind, provider_txn, original = f"pay:{txn}", LineKind.PAYMENT, txn, ""
        signed = _money(vals, _settled_column(cols), currency, file, row)
        occurred = common.local_time(_value(vals, C_TIME), common.SHANGHAI, file, row, C_TIME)
    elif state == "REFUND":
        refund_id = _value(vals, C_REFUND_ID)
        if not refund_id or refund_id == "0":
            raise StatementFileError(t("{where}: a refund row needs its refund number",
                                       where=where(file, row, C_REFUND_ID)))
        external, kind, provider_txn, original = f"refund:{refund_id}", LineKind.REFUND, refund_id, txn
        signed = -abs(_money(vals, C_REFUND, currency, file, row))
        done = _value(vals, C_REFUND_DONE)
        occurred = (common.local_time(done, common.SHANGHAI, file, row, C_REFUND_DONE) if done
                    else common.local_time(_value(vals, C_TIME), common.SHANGHAI, file, row, C_TIME))
    else:
        raise StatementFileError(t("{where}: '{text}' is not a state this app reads (SUCCESS or REFUND)",
                                   where=where(file, row, C_STATE), text=state[:40]))
    return StatementLine(
        row=row, external_id=external, kind=kind, amount_minor=signed, currency=currency, occurred_at=occurred,
        fee_minor=-_money(vals, C_FEE, currency, file, row), merchant_order_no=_value(vals, C_ORDER),
        provider_txn=provider_txn, original_txn=original,
        refund_no=_value(vals, C_REFUND_NO) if kind is LineKind.REFUND else "",
        memo=_value(vals, C_ITEM), counterparty=_value(vals, C_USER))


def _currency(text: str, file: str, row: int) -> str:
    code = text.upper()
    if len(code) != 3 or not code.isalpha():
        raise StatementFileError(t("{where}: '{text}' is not a currency code", where=where(file, row, C_CURRENCY),
                                   text=text[:40]))
    return code



def _check_summary(names: Sequence[str], values: Sequence[str], lines: Sequence[StatementLine], file: str,
                   row: int) -> None:
    """The summary block against the rows: count, settled amounts, refunds, fees."""
    stated = {common.clean(n): common.clean(v) for n, v in zip(names, values, strict=False)}
    currency = lines[0].currency if lines else "CNY"

    def total(name: str) -> int:
        text = stated.get(name, "")
        if not text:
            raise StatementFileError(t("{where}: the summary has no value for '{column}'", where=where(file, row),
                                       column=name))
        return common.minor(text, currency, file, row, name)

    count_text = stated.get(S_COUNT, "")
    if not count_text.isdigit():
        raise StatementFileError(t("{where}: '{text}' is not a number of lines", where=where(file, row, S_COUNT),
                                   text=count_text[:40]))
    common.check_total(file, S_COUNT, int(count_text), [1] * len(lines), "", row, S_COUNT)
    settled = next((n for n in S_SETTLED if n in stated), S_SETTLED[0])
    common.check_total(file, settled, total(settled),
                       [ln.amount_minor for ln in lines if ln.kind is LineKind.PAYMENT], currency, row, settled)
    refunded = next((n for n in S_REFUND if n in stated), S_REFUND[0])
    common.check_total(file, refunded, total(refunded),
                       [-ln.amount_minor for ln in lines if ln.kind is LineKind.REFUND], currency, row, refunded)
    common.check_total(file, S_FEE, total(S_FEE), [-ln.fee_minor for ln in lines], currency, row, S_FEE)

