"""Simplified Chinese: payment and bank statements (domain/statements.py, adapters/statements/
__init__.py and common.py, services/statements.py)."""

ZH: dict[str, str] = {
    # line kinds and providers (domain/statements.py)
    "refund": "退款", "fee": "手续费", "payout": "提现到银行", "transfer": "转账",
    "{file}, row {row}, column {column}": "{file}，第 {row} 行，“{column}”列",
    "{file}, row {row}": "{file}，第 {row} 行",
    # reading (adapters/statements/common.py)
    "{file}: the file cannot be read ({why})": "{file}：无法读取文件（{why}）",
    "{file} is not a file": "{file} 不是文件",
    "{file} is {mb} MB, more than a statement file can be ({most} MB)":
        "{file} 有 {mb} MB，超过对账单文件的上限（{most} MB）",
    "{file} holds binary data, not a statement's text": "{file} 含有二进制数据，不是对账单文本",
    "{where}: byte 0x{byte:02X} is not valid GBK/GB18030 text; the file is damaged or not a statement":
        "{where}：字节 0x{byte:02X} 不是有效的 GBK/GB18030 文字；文件已损坏或不是对账单",
    "the file has more than {most} rows": "文件超过 {most} 行",
    "line {line}: {problem}": "第 {line} 行：{problem}",
    "{where}: '{text}' is not an amount of money": "{where}：“{text}”不是金额",
    "{where}: '{text}' has more than {places} decimal places for {currency}":
        "{where}：“{text}”的小数位超过 {currency} 的 {places} 位",
    "{where}: '{text}' is too large for an amount": "{where}：“{text}”金额过大",
    "{where}: '{text}' is not a date and time": "{where}：“{text}”不是日期时间",
    "{where}: the statement says {what} is {stated} but its lines add up to {found} (a difference of {diff}); "
    "the file is incomplete or was changed":
        "{where}：对账单写明{what}为 {stated}，但各明细合计为 {found}（相差 {diff}）；文件不完整或已被改动",
    "{where}: the column '{column}' is missing": "{where}：缺少“{column}”列",
    # recognising the format (adapters/statements/__init__.py)
    "{file} is not a statement this app reads; known formats: {known}":
        "{file} 不是本软件能读取的对账单；可读格式：{known}",
    "{file} fits more than one statement format ({fits}); name one with --source":
        "{file} 同时符合多种对账单格式（{fits}）；请用 --source 指定",
    "unknown statement format '{text}'; expected one of: {choices}": "未知对账单格式“{text}”；可用：{choices}",
    # importing (services/statements.py) and checking (services/verification.py)
    "{currency} in {money_in}, out {money_out}": "{currency} 收入 {money_in}，支出 {money_out}",
    "{file} ({format}): {lines} lines, {new} new, {known} already imported":
        "{file}（{format}）：共 {lines} 行，新增 {new} 行，{known} 行已导入过",
    "{where}: the line has no id of its own": "{where}：此行没有自己的流水号",
    "{where}: line {id} is already in the store from {other} with {stored}, but this file says {says}; "
    "nothing was imported":
        "{where}：流水 {id} 已从 {other} 导入，金额为 {stored}，而此文件写的是 {says}；未导入任何内容",
    "the line is not what was imported": "此行与导入时不一致",
    "its lines are not the ones imported (a line was added or removed)": "其明细与导入时不一致（有行被增加或删除）",
    "statement #{id} ({file}): {what}": "对账单 #{id}（{file}）：{what}",
    "statement #{id} ({file}), row {row}: {what}": "对账单 #{id}（{file}），第 {row} 行：{what}",
    # permissions (domain/roles.py) and sources (domain/vocabulary.py)
    "import payment and bank statements": "导入支付和银行对账单",
    "reconcile statements with orders (match, exclude, confirm)": "将对账单与订单核对（匹配、排除、确认）",
    "statement import": "对账单导入",
    "{what}; {money}": "{what}；{money}", "; ": "；",
    "{where}: transaction {txn} is already in the store from {other}, another kind of statement of the same account; "
    "import one kind per account and period, or every sale counts twice; nothing was imported":
        "{where}：交易 {txn} 已从 {other}（同一账户的另一种对账单）导入；每个账户每个期间只导入一种，否则每笔销售会计算两次；"
        "未导入任何内容",
    "{what}; {n} of them completed with what the provider added since (their payout, ...)":
        "{what}；其中 {n} 行补上了支付渠道之后添加的信息（如其结算批次）",
    # the self-test (shop_orders/selftest.py)
    "statement formats": "对账单格式", "a statement format cannot be loaded: {why}": "无法加载对账单格式：{why}",
    "{n} statement formats ready: {codes}": "{n} 种对账单格式可用：{codes}",
}
