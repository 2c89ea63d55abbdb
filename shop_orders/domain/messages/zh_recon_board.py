"""Simplified Chinese: the reconciliation board's read side and the bookkeeper's reconciliation
workbook (services/recon_browse.py, services/recon_export.py)."""

ZH: dict[str, str] = {
    # a statement line's state as the board and the workbook name it (the orders' states and the rules'
    # names are domain/reconcile.py's, in zh_reconcile.py)
    "not matched": "未匹配",
    # the workbook (services/recon_export.py)
    "Reconciliation": "对账", "Of": "类别", "Count": "数量", "Expected": "应收", "Received": "实收",
    "Difference": "差额", "Fees": "手续费合计", "Fee": "手续费", "Line count": "明细笔数",
    "Statement lines": "对账单明细", "statement lines": "对账单明细", "Confirmed or excluded by": "确认/排除人",
    "Last worked out": "最近计算", "Statement id": "流水号", "Merchant order no.": "商户订单号",
    "Platform order no.": "平台订单号", "Provider transaction": "支付交易号", "Memo": "备注",
    "Counterparty": "对方", "Rule": "规则", "Matched orders": "匹配的订单",
    "Disagrees": "不一致", "Small difference": "小额差异", "Matched": "已对平", "Excluded": "已排除",
    "Confirmed by hand": "已人工确认", "no statement line": "无对账单明细",
    "Period: {start} to {end}": "期间：{start} 至 {end}", "Made {at}": "生成于 {at}",
    "{sheet} continues on {n} sheets": "{sheet}续于 {n} 张工作表",
    "Amount": "金额",
}
