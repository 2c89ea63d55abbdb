"""Simplified Chinese: the Chinese payment statements' parsers (adapters/statements/alipay_account.py,
alipay_business.py, tmall.py, wechat.py)."""

ZH: dict[str, str] = {
    # the formats' names
    "Alipay account statement (账务明细)": "支付宝账务明细",
    "Alipay trade statement (业务明细)": "支付宝业务明细",
    "Tmall seller account statement (天猫 账务明细)": "天猫卖家账务明细（支付宝）",
    "WeChat Pay trade bill (交易账单)": "微信支付交易账单",
    # what the parsers checked
    "the statement's own totals agree with its {count} lines: in {money_in}, out {money_out}":
        "对账单自带的合计与其 {count} 条明细相符：收入 {money_in}，支出 {money_out}",
    "the number of lines of {what}": "{what}的笔数",
    # refusals
    "{file}: no table starting with the column '{column}' was found; the file is not {what}":
        "{file}：找不到以“{column}”列开头的表格；该文件不是{what}",
    "{file}: the summary line {what} below the table is missing; the file is incomplete":
        "{file}：表格下方缺少合计行 {what}；文件不完整",
    "{file}: the summary block at the end ({name}, …) is missing; the file is incomplete":
        "{file}：文件末尾缺少汇总（{name}……）；文件不完整",
    "{where}: '{text}' is negative but the column is for money in": "{where}：“{text}”是负数，但该列记的是收入",
    "{where}: '{text}' is not a currency code": "{where}：“{text}”不是币种代码",
    "{where}: '{text}' is not a kind of row this statement has (交易 or 退款)":
        "{where}：“{text}”不是该对账单的业务类型（交易或退款）",
    "{where}: '{text}' is not a number of lines": "{where}：“{text}”不是笔数",
    "{where}: '{text}' is not a state this app reads (SUCCESS or REFUND)":
        "{where}：“{text}”不是本软件能读取的交易状态（SUCCESS 或 REFUND）",
    "{where}: a refund row needs its refund batch or request number": "{where}：退款行缺少退款批次号/请求号",
    "{where}: a refund row needs its refund number": "{where}：退款行缺少微信退款单号",
    "{where}: the cell is empty but every line needs one": "{where}：该单元格为空，但每条明细都必须填写",
    "{where}: the id {id} is already on row {other}; the file is damaged":
        "{where}：编号 {id} 已出现在第 {other} 行；文件已损坏",
    "{where}: the summary has no value for '{column}'": "{where}：汇总中缺少“{column}”的数值",
}
