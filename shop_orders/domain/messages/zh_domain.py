"""Simplified Chinese: the domain's messages (statuses, money, thresholds, changes)."""

ZH: dict[str, str] = {
    "every change needs an actor name": "每次修改都必须写明操作人",
    "unknown change source '{source}'; use manual, scan, import:<file>, courier:<name>, rule:<name> or sync:<channel>":
        "未知的修改来源“{source}”；可用：manual、scan、import:<文件>、courier:<快递>、rule:<规则> 或 sync:<渠道>",
    "staleness thresholds must be more than 0 hours": "超时阈值必须大于 0 小时",
    "{status} orders are finished and never go stale": "“{status}”的订单已结束，不会超时",
    "The default threshold": "默认阈值",
    "The threshold for {status}": "“{status}”的阈值",
    "{days} d {hours} h": "{days} 天 {hours} 小时",
    "{hours} h {mins} min": "{hours} 小时 {mins} 分钟",
    "{mins} min": "{mins} 分钟",
    "{what} is too large (at most {most} in whole units)": "{what}太大（最多 {most}）",
    "the amount": "金额",
    "'{text}' is not an amount of money": "“{text}”不是金额",
    "'{text}' has more than {places} decimal places for {currency}": "“{text}”的小数位超过 {currency} 允许的 {places} 位",
    "unknown channel '{text}'; expected one of: {choices}": "未知渠道“{text}”；可用：{choices}",
    "{field} must be a whole number of hours from {low} to {high} (90 days), not {value}.":
        "{field}必须是 {low} 到 {high} 之间的整小时数（90 天），不能是 {value}。",
    "unknown status '{text}'; expected one of: {choices}": "未知状态“{text}”；可用：{choices}",
    "The order is already {status}.": "订单已经是“{status}”。",
    "An order that is {current} cannot become {target}.": "“{current}”的订单不能改为“{target}”。",
    "{status} cannot be set by hand: {reason}.": "“{status}”不能手动设置：{reason}。",
    "An order that is {status} cannot be shipped.": "“{status}”的订单不能发货。",
    "it follows from the recorded payments; record a payment instead": "它由登记的付款决定，请改为登记付款",
    "it follows from the shipped line quantities; ship the lines instead": "它由商品的已发数量决定，请改为发货",
    "it follows from the shipped line quantities; ship (scan out) the lines instead":
        "它由商品的已发数量决定，请改为发货（扫描出库）",
    "amount {text} must be given as text or Decimal, not a float": "金额 {text} 必须以文本或 Decimal 给出，不能是浮点数",
}

ZH.update({
    # vocabulary.py: fields, audit actions, change sources
    "order": "订单", "channel": "渠道", "channel order number": "渠道订单号", "status": "状态", "currency": "币种",
    "total": "金额", "paid amount": "已付金额", "buyer": "买家", "recipient": "收货人", "phone": "电话",
    "address": "地址", "courier": "快递公司", "tracking number": "运单号", "order time": "下单时间",
    "shipped quantity": "已发数量", "SKU": "SKU", "item": "商品", "quantity": "数量", "unit price": "单价",
    "staleness thresholds": "超时阈值", "time zone": "时区", "import profiles": "导入方案", "lines": "商品明细",
    "created": "创建", "payment": "付款", "shipped": "发货", "edited": "修改", "setting": "设置",
    "by hand": "手动", "scan": "扫描", "demo data": "演示数据", "system": "系统", "import": "导入",
    "rule": "规则", "channel sync": "渠道同步", "restore": "恢复", "command line": "命令行",
    "{kind}: {name}": "{kind}：{name}",
})
ZH.update({
    "Alipay": "支付宝", "WeChat Pay": "微信支付", "UnionPay": "银联", "bank transfer": "银行转账", "cash": "现金",
    "card": "银行卡", "PayPal": "PayPal",
})
ZH.update({"change set": "变更单"})
