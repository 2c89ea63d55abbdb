"""Simplified Chinese: the shop's health figures (domain/health.py, services/health.py)."""

ZH: dict[str, str] = {
    # the figures (domain/health.py FIGURES)
    "Status sync delay": "订单状态同步延迟",
    "Median minutes between a courier's pickup or delivery and this store recording it, over the parcels scanned "
    "out in the period.": "快递揽收或签收到本店记录下来之间的分钟数中位数，统计本期扫描出库的包裹。",
    "the orders whose courier news took longer than the green threshold": "快递消息晚于绿灯阈值到达的订单",
    "Reconciliation automation": "财务对账自动化率",
    "Share of the money on the period's statement lines matched to orders by the rules rather than by hand.":
        "本期对账单明细的金额中，由规则（而非人工）匹配到订单的比例。",
    "the orders matched by hand": "人工匹配的订单",
    "Exception auto-detection": "订单异常自动识别率",
    "Share of the exception tickets opened in the period that the rules opened.": "本期新开的异常工单中由规则自动开出的比例。",
    "the orders whose tickets were opened by hand": "工单由人工开出的订单",
    "Cross-system id consistency": "跨系统订单ID一致率",
    "Share of the period's statement lines and parcels tied to exactly one order.":
        "本期对账单明细和包裹中恰好对应一个订单的比例。",
    "the orders sharing a parcel or a statement line with another order": "与其他订单共用包裹或对账明细的订单",
    "Orders": "订单",
    "Orders placed in the period, by status and channel.": "本期下单的订单，按状态和渠道。",
    "those orders": "这些订单",
    "Stale orders": "停滞订单",
    "Unfinished orders with no update for longer than the shop's staleness threshold, now, by status and age.":
        "当前超过本店停滞阈值未更新的未完成订单，按状态和时长。",
    "Shipped within 24 h": "24 小时内发货率",
    "Share of the orders paid in the period scanned out within 24 hours of payment; orders paid less than 24 hours "
    "ago and not yet shipped are excluded.":
        "本期付款的订单中在付款后 24 小时内扫描出库的比例；付款不足 24 小时且尚未发货的订单不计入。",
    "the orders paid in the period not shipped within 24 hours": "本期付款但未在 24 小时内发货的订单",
    "Scan-out to pickup": "出库到揽收",
    "Median minutes from our scan-out to the courier's pickup, over the parcels scanned out in the period; the share "
    "over 15 minutes beside it.": "本期扫描出库的包裹从出库到快递揽收的分钟数中位数；旁边是超过 15 分钟的比例。",
    "the orders whose courier took more than 15 minutes to pick up": "快递揽收晚于出库 15 分钟以上的订单",
    "Pickup to delivery": "揽收到签收",
    "Median hours from the courier's pickup to delivery, per courier, with the 90th percentile, over the parcels "
    "scanned out in the period.": "本期扫描出库的包裹从揽收到签收的小时数中位数（按快递公司），并给出第 90 百分位。",
    "the delivered orders measured": "计入统计的已签收订单",
    "Recalled parcels": "召回的包裹",
    "Orders with a parcel recalled in the period (it never left: no pickup, invalid number).":
        "本期有包裹被召回的订单（包裹从未发出：未揽收、单号无效）。",
    "Open exceptions": "未结异常",
    "Orders with an open exception ticket now, by kind and priority.": "当前有未结异常工单的订单，按类型和优先级。",
    "SLA hit rate": "时限达成率",
    "Share of the tickets resolved in the period that were resolved within their SLA; the mean time to resolve "
    "beside it.": "本期解决的工单中在 SLA 时限内解决的比例；旁边是平均解决时长。",
    "the orders whose tickets missed their SLA": "工单超出 SLA 的订单",
    "Refund rate": "退款率",
    "Share of the orders paid in the period with a refund; the refunded share of the money beside it.":
        "本期付款的订单中发生退款的比例；旁边是退款金额占比。",
    "the refunded orders": "退款的订单",
    "Unreconciled orders": "未对平订单",
    "Orders paid in the period whose money and statements disagree (red), by reconciliation state.":
        "本期付款且金额与对账单不一致（红色）的订单，按对账状态。",
    "the red orders": "红色订单",
    "under 1 day": "不到 1 天", "1–3 days": "1–3 天", "3–7 days": "3–7 天", "over 7 days": "超过 7 天",
    "'{key}' is not a health figure; the figures are: {keys}.": "“{key}”不是健康指标；指标有：{keys}。",
    "{figure} has no traffic light to set.": "{figure}没有可设置的信号灯。",
    "green": "绿灯", "amber": "黄灯",
    "The {light} threshold of {figure} must be a number from 0 to {top}.": "{figure}的{light}阈值必须是 0 到 {top} 之间的数。",
    "The amber threshold of {figure} ({amber}) must not be above its green one ({green}): higher is better.":
        "{figure}的黄灯阈值（{amber}）不能高于绿灯阈值（{green}）：越高越好。",
    "The amber threshold of {figure} ({amber}) must not be below its green one ({green}): lower is better.":
        "{figure}的黄灯阈值（{amber}）不能低于绿灯阈值（{green}）：越低越好。",
    "The range ends on {end}, before it starts on {start}: nothing was shown.": "时间范围结束于 {end}，早于开始日 {start}：未显示任何内容。",
    "The range from {start} to {end} is longer than ten years: choose a shorter one.":
        "从 {start} 到 {end} 的范围超过十年：请选择更短的范围。",
    "A chosen range needs both its first and its last day.": "自选范围需要起始日和结束日。",
    "{option} '{text}' is not a day: write it as YYYY-MM-DD.": "{option}“{text}”不是日期：请写成 YYYY-MM-DD。",
    "There is no channel '{channel}'; the store's channels are: {known}.": "没有渠道“{channel}”；本店的渠道有：{known}。",
    "not reconciled yet": "尚未对账", "(no courier)": "（无快递公司）",
    "the health figures' rollup differs from the orders for {count} orders (the first: {order}); 'health rebuild' "
    "makes it again from the orders": "健康指标汇总表与 {count} 个订单不一致（第一个：{order}）；“health rebuild”可根据订单重新生成",
    "health dashboard": "健康看板",
    "the health dashboard did not show its figures within 20 s": "健康看板 20 秒内未显示指标",
    "health dashboard drawn: {figures} figures, {charts} charts, {orders} orders this week":
        "健康看板已绘制：{figures} 项指标、{charts} 个图表、本周 {orders} 个订单",
}
