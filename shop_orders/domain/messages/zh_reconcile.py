"""Simplified Chinese: reconciliation of statements with orders (domain/reconcile.py,
services/reconcile.py, the reconcile notes of domain/tickets.py)."""

ZH: dict[str, str] = {
    # states and rules (domain/reconcile.py)
    "matched": "已对平", "small difference": "小额差异", "disagrees": "不一致", "excluded": "已排除",
    "confirmed by hand": "已人工确认",
    "unknown reconciliation state '{text}'; expected one of: {choices}": "未知对账状态“{text}”；可用：{choices}",
    "order number": "订单号", "order number without its prefix": "去掉前缀的订单号", "base order number": "基础订单号",
    "number in the memo": "备注中的单号", "amount and time": "金额和时间", "refund of a payment": "对应付款的退款",
    "fee of a payment": "对应付款的手续费", "payout of its lines": "提现对应的明细", "not a sale": "非销售款",
    "reconciliation": "对账",
    "match a statement line to an order by hand": "手动将对账单明细匹配到订单",
    "statement line #{line} → order #{order}": "对账单明细 #{line} → 订单 #{order}",
    # the payment ticket's notes (domain/tickets.py RULE_NOTES)
    "{order}: the statements show no money for it, where the order says {expected} was paid.":
        "{order}：对账单中没有它的款项，而订单记录已付 {expected}。",
    "{order}: the statements show {received} received, where the order says {expected} was paid (a difference "
    "of {diff}).": "{order}：对账单显示收到 {received}，而订单记录已付 {expected}（相差 {diff}）。",
    "The statements now agree with {order}.": "对账单现已与 {order} 一致。",
    # services/reconcile.py
    "The threshold for a second person is 0 or more minor units.": "需要第二人审批的金额门槛须为 0 或以上（最小货币单位）。",
    "Say why (a reason is kept in the trail).": "请说明原因（原因会记入审计记录）。",
    "There is no statement line #{id}.": "没有对账单明细 #{id}。",
    "There is no order #{id}.": "没有订单 #{id}。",
    "Statement line #{line} is already matched to {other}; unmatch it first to match it to {order}.":
        "对账单明细 #{line} 已匹配到 {other}；要匹配到 {order}，请先取消匹配。",
    "Statement line #{line} is already matched to {order}.": "对账单明细 #{line} 已匹配到 {order}。",
    "Statement line #{line} is excluded; unmatch it first to match it to {order}.":
        "对账单明细 #{line} 已排除；要匹配到 {order}，请先取消。",
    "Statement line #{line} is in {currency} and {order} in {order_currency}, and the line gives no amount in "
    "{order_currency}: it cannot be matched without a rate.":
        "对账单明细 #{line} 的币种是 {currency}，{order} 的币种是 {order_currency}，且该明细没有 {order_currency} "
        "金额：没有汇率无法匹配。",
    "The match was not made.": "未完成匹配。",
    "A match names a statement line and an order.": "匹配须指明一条对账单明细和一个订单。",
    "Statement line #{line} is open: there is nothing to undo.": "对账单明细 #{line} 尚未处理：没有可撤销的操作。",
    "Statement line #{line} is already excluded.": "对账单明细 #{line} 已经排除。",
    "Statement line #{line} is matched; unmatch it first to exclude it.": "对账单明细 #{line} 已匹配；要排除请先取消匹配。",
    "{order} is already {state}.": "{order} 已经是“{state}”。",
    "the lines of its payout": "其提现所含的明细",
    # the trail (domain/vocabulary.py)
    "statement line #{id} {what}": "对账单明细 #{id} {what}", "matched by hand": "人工匹配", "unmatched": "取消匹配",
    "excluded by hand": "人工排除", "reconciliation state": "对账状态", "reconciliation run": "运行对账",
    "The amount for a second person is 0 or more.": "需第二人批准的金额须为 0 或以上。",
}
