"""Simplified Chinese: the international and bank statement formats (adapters/statements/stripe.py,
paypal.py, shopify_payments.py, bank_csv.py, camt053.py, mt940.py and _bank.py)."""

ZH: dict[str, str] = {
    # formats' names
    "Stripe itemised balance or payout reconciliation report (CSV)": "Stripe 逐笔余额或提现对账报表（CSV）",
    "PayPal activity download (CSV)": "PayPal 活动记录下载（CSV）",
    "Shopify Payments transactions export (CSV)": "Shopify Payments 交易导出（CSV）",
    "Bank statement (CSV, through a column mapping)": "银行对账单（CSV，按列映射读取）",
    "Bank statement, ISO 20022 camt.053 (XML)": "银行对账单，ISO 20022 camt.053（XML）",
    "Bank statement, SWIFT MT940": "银行对账单，SWIFT MT940",
    "Lloyds Bank (UK) current account CSV": "劳埃德银行（英国）活期账户 CSV",
    "DKB (Germany) Girokonto CSV": "DKB（德国）往来账户 CSV",
    "Monzo (UK) CSV export": "Monzo（英国）CSV 导出",
    # shared (_bank.py) and several formats
    "'{text}' is not a time zone (e.g. Europe/Berlin)": "“{text}”不是时区（例如 Europe/Berlin）",
    "{file} is empty: not even a heading row": "{file} 是空文件：连表头行都没有",
    "{where}: the transaction {id} is already on row {other}": "{where}：交易 {id} 已在第 {other} 行出现",
    # Stripe
    "{where}: the balance transaction id is empty": "{where}：余额交易号为空",
    "{where}: gross {gross} less fee {fee} is {found}, not the net {net} the file states (a difference of {diff})":
        "{where}：总额 {gross} 减手续费 {fee} 为 {found}，不是文件写明的净额 {net}（相差 {diff}）",
    "{where}: the balance transaction {id} is already on row {other}": "{where}：余额交易 {id} 已在第 {other} 行出现",
    "{count} lines; gross less fee is net on every line": "共 {count} 笔；每笔总额减手续费都等于净额",
    # PayPal
    "{count} lines read from the activity download": "从活动记录读取 {count} 笔",
    "{where}: '{text}' is not a time zone this app knows": "{where}：“{text}”不是本软件认识的时区",
    "{file} is not a PayPal activity download (no Transaction ID, Gross, Net and TimeZone headings)":
        "{file} 不是 PayPal 活动记录下载（没有 Transaction ID、Gross、Net 和 TimeZone 表头）",
    "{count} memo lines left out (they move no money)": "略过 {count} 笔备忘记录（不涉及资金变动）",
    "the running balance agrees with every line": "逐笔余额与每笔记录一致",
    "{where}: '{text}' is not a balance impact (expected one of: {choices})":
        "{where}：“{text}”不是余额影响（应为以下之一：{choices}）",
    "{where}: the transaction id is empty": "{where}：交易号为空",
    "{where}: gross {gross} and fee {fee} do not make the net {net} the file states (a difference of {diff})":
        "{where}：总额 {gross} 与手续费 {fee} 得不出文件写明的净额 {net}（相差 {diff}）",
    "{where}: the balance {stated} does not follow from the line before ({found}; a difference of {diff})":
        "{where}：余额 {stated} 与上一笔推算不符（应为 {found}；相差 {diff}）",
    # Shopify Payments
    "{where}: amount {amount} less fee {fee} is {found}, not the net {net} the file states (a difference of {diff})":
        "{where}：金额 {amount} 减手续费 {fee} 为 {found}，不是文件写明的净额 {net}（相差 {diff}）",
    "{count} lines; amount less fee is net on every line": "共 {count} 笔；每笔金额减手续费都等于净额",
    # bank CSV
    "{file}: the headings '{date}' and '{amount}' of the mapping {mapping} are not in its first 30 rows":
        "{file}：前 30 行中没有映射“{mapping}”的表头“{date}”和“{amount}”",
    "{file}: no bank column mapping fits its headings; name one ({known}) or give your own":
        "{file}：没有与表头相符的银行列映射；请指定一个（{known}）或提供自定义映射",
    "{where}: a line has both a debit and a credit amount; it needs one of them":
        "{where}：一笔记录同时有借方和贷方金额；只能有其中一个",
    "{where}: a line has neither a debit nor a credit amount": "{where}：一笔记录既无借方也无贷方金额",
    "the bank column mapping names unknown fields: {fields} (known: {known})":
        "银行列映射含有未知字段：{fields}（可用：{known}）",
    "the bank column mapping needs a date column and an amount column (or debit and credit columns)":
        "银行列映射需要日期列和金额列（或借方列和贷方列）",
    "the bank column mapping's decimal mark must be '.' or ','": "银行列映射的小数点只能是“.”或“,”",
    "{count} lines read with the mapping {mapping}": "按映射“{mapping}”读取 {count} 笔",
    "the bank column mapping is not valid JSON with a code and columns": "银行列映射不是含 code 和 columns 的有效 JSON",
    "{file} is not {encoding} text": "{file} 不是 {encoding} 编码的文本",
    # camt.053
    "statement {id}: opening balance and {count} entries make the closing balance":
        "对账单 {id}：期初余额加 {count} 笔记录等于期末余额",
    "statement {id}: {count} entries; it states no opening and closing balance to check them against":
        "对账单 {id}：{count} 笔记录；未写明期初和期末余额，无法核对",
    "the closing balance of statement {id}": "对账单 {id} 的期末余额",
    "{file} is XML but not a camt.053 bank statement (no Document/BkToCstmrStmt)":
        "{file} 是 XML，但不是 camt.053 银行对账单（没有 Document/BkToCstmrStmt）",
    "{where}: the amount is missing": "{where}：缺少金额",
    "{where}: an amount in camt.053 is never negative ('{text}'); the direction is CdtDbtInd":
        "{where}：camt.053 中的金额不会为负（“{text}”）；方向由 CdtDbtInd 表示",
    "{where}: '{text}' is not CRDT or DBIT": "{where}：“{text}”既不是 CRDT 也不是 DBIT",
    "{where}: the booking date is missing": "{where}：缺少记账日期",
    "{file} declares a document type (DTD); statements never need one and it is refused (it can hide an entity bomb "
    "or read other files)":
        "{file} 声明了文档类型（DTD）；对账单从不需要它，已拒绝（它可能藏有实体炸弹或读取其他文件）",
    "{file} uses XML entities; they are refused (they can hide an entity bomb or read other files)":
        "{file} 使用了 XML 实体；已拒绝（它们可能藏有实体炸弹或读取其他文件）",
    "{file}, line {line}, column {column}: the XML is broken ({problem})": "{file}，第 {line} 行第 {column} 列：XML 已损坏（{problem}）",
    "the number of entries of statement {id}": "对账单 {id} 的记录笔数",
    "the sum of {what} of statement {id}": "对账单 {id} 的 {what} 合计",
    # MT940
    "{file} holds no MT940 statement (no :20: line)": "{file} 中没有 MT940 对账单（没有 :20: 行）",
    "{where}: the entry has no amount": "{where}：该笔记录没有金额",
    "{where}: the entry has no date": "{where}：该笔记录没有日期",
    "{where}: the statement {id} states no opening (:60F:) or closing (:62F:) balance":
        "{where}：对账单 {id} 未写明期初（:60F:）或期末（:62F:）余额",
    "{where}: the MT940 statement cannot be read ({problem})": "{where}：无法读取该 MT940 对账单（{problem}）",
    "{where}: '{text}' is not a valid MT940 :{tag}: line": "{where}：“{text}”不是有效的 MT940 :{tag}: 行",
}
