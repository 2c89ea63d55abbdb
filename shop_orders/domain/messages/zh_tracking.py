"""Simplified Chinese: tracking sync, the parcels it rolls back, courier accounts."""

ZH: dict[str, str] = {
    # what the logistics rule writes on its ticket (domain/tickets.py RULE_NOTES)
    "{courier} says {tracking} of {order} is not a valid tracking number; {order} is back to {status}.":
        "{courier} 表示 {order} 的 {tracking} 不是有效的快递单号；{order} 已退回{status}。",
    "{courier} has not picked up {tracking} of {order} within {hours} h of its scan-out; {order} is back to {status}.":
        "{order} 的 {tracking} 扫描出库后 {hours} 小时内 {courier} 仍未揽收；{order} 已退回{status}。",
    "{courier} reports a failed pickup of {tracking} of {order} ({said}); {order} is back to {status}.":
        "{courier} 报告 {order} 的 {tracking} 揽收失败（{said}）；{order} 已退回{status}。",
    # the trail
    "courier's tracking state": "快递物流状态", "courier tracking settings": "物流同步设置",
    "courier accounts": "快递账号", "tracking": "物流跟踪",
    # courier accounts (services/courier_accounts.py)
    "none yet": "暂无",
    "There is no courier '{name}' (known: {known}).": "没有名为“{name}”的快递账号（已有：{known}）。",
    "'{name}' is not a courier name: 1 to 40 letters, digits, spaces, dots or dashes.":
        "“{name}”不能作快递名称：请用 1 到 40 个字母、数字、空格、点或“-”。",
    "'{kind}' is not a courier API; use one of: {kinds}.": "“{kind}”不是支持的快递接口；可选：{kinds}。",
    "'{url}' is not a web address such as https://api.example.com.": "“{url}”不是网址，应形如 https://api.example.com。",
    "The courier's key would travel unencrypted to {host}: use an https:// address.":
        "快递接口密钥将以明文发往 {host}：请使用 https:// 地址。",
    "A new courier needs its API key.": "新增快递账号需要填写接口密钥。",
    # parcels (services/orders.py)
    "There is no parcel {id}.": "没有编号为 {id} 的包裹。",
    "The parcel {tracking} of {order} cannot be recalled: the order is {status}.":
        "{order} 的包裹 {tracking} 不能撤回：订单状态为{status}。",
    "Only the courier's delivery completes an order this way.": "只有快递签收才能以这种方式完成订单。",
    "Order {order} is {status}; only a shipped order is completed by its delivery.":
        "订单 {order} 状态为{status}；只有已发货的订单才会因签收而完成。",
    # tracking sync (services/tracking.py)
    "courier {courier}: {state}": "快递 {courier}：{state}",
    "courier {courier}: delivered": "快递 {courier}：已签收",
    "The sync period must be 0 to 1440 minutes, not {n}.": "同步间隔应为 0 到 1440 分钟，而不是 {n}。",
    "The pickup time must be 1 to 720 hours, not {n}.": "揽收时限应为 1 到 720 小时，而不是 {n}。",
    "{order}: '{tracking}' is not a tracking number {courier} could know; it was not asked.":
        "{order}：“{tracking}”不是 {courier} 能查询的快递单号，未向其查询。",
}
