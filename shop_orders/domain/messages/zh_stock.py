"""Simplified Chinese: stock (services/stock.py, stock_moves.py, stock_settle.py, stock_check.py)."""

ZH: dict[str, str] = {
    "count, adjust, receive and order stock": "盘点、调整、收货和采购库存",
    "{order} is short of stock: {missing}.": "{order} 缺货：{missing}。",
    "{order} no longer waits for stock: it is served, shipped, cancelled or refunded.": "{order} 不再等待库存：已预占到货、已发货、已取消或已退款。",
    "{count} orders were paid before the stock catalogue knew what they are short of (paid {band} ago): one ticket "
    "for them all; Show orders lists them.":
        "{count} 个订单在库存目录收录其所缺商品之前就已付款（付款于 {band} 前）：合并为一张工单；“显示订单”可列出它们。",
    "The quantity received": "收货数量",
    "The quantity ordered": "采购数量",
    "{sku}: {delta:+d} units": "{sku}：{delta:+d} 件",
    "adjust stock": "调整库存",
    "stocktake": "盘点",
    "The two-person limit for stock must be a whole number of units from 0 to {most}.":
        "库存双人确认的上限必须是 0 到 {most} 之间的整数件数。",
    "The barcode {code} already belongs to {other}.": "条码 {code} 已属于 {other}。",
    "The barcode {code} is another SKU's code.": "条码 {code} 是另一个商品编码。",
    "An SKU is 1 to 64 characters.": "商品编码（SKU）须为 1 到 64 个字符。",
    "{sku} is already in the stock catalogue.": "{sku} 已在库存目录中。",
    "An adjustment is a whole number of units other than 0.": "调整数量必须是非零的整数件数。",
    "{sku} has {on_hand} on hand: taking away {qty} would leave less than none; nothing was changed.":
        "{sku} 现有 {on_hand} 件：减去 {qty} 件会变成负数；未做任何更改。",
    "The quantity received must be at least 1.": "收货数量至少为 1。",
    "The quantity ordered must be at least 1.": "采购数量至少为 1。",
    "{sku} has {on_hand} on hand now: taking away {qty} would leave less than none; nothing was changed.":
        "{sku} 现在有 {on_hand} 件：减去 {qty} 件会变成负数；未做任何更改。",
    "{count} SKUs counted, no quantity changed": "盘点了 {count} 个商品，数量均无变化",
    "The barcode {code}… is longer than 64 characters.": "条码 {code}… 超过 64 个字符。",
    "The safety stock": "安全库存",
    "purchase placed": "已下采购单",
    "{sku} is not in the stock catalogue.": "{sku} 不在库存目录中。",
    "{sku} changed after the stocktake was proposed; nothing was changed: import the stocktake again.":
        "盘点提交后 {sku} 又有变动；未做任何更改：请重新导入盘点表。",
    "{sku}: {old} → {new} on hand": "{sku}：库存 {old} → {new}",
    "the reservations of {count} SKUs differ from a recomputation (the first: {sku}); `stock rebuild` reserves "
    "again.": "有 {count} 个商品的预占与重新计算不一致（第一个：{sku}）；`stock rebuild` 会重新预占。",
    "{sku} has {on_hand} on hand and {incoming} incoming, but its last movement in the audit trail left {trail}.":
        "{sku} 现有 {on_hand} 件、在途 {incoming} 件，但审计日志中最后一次库存变动留下的是 {trail}。",
    "nothing": "无",
    "adjustment": "调整",
    "received": "收货",
    "ordered from the supplier": "已向供应商采购",
    "returned": "退回",
    "parcel recalled": "包裹撤回",
    "Stop: order {order} is short of stock ({missing}); do not send it until the stock arrives.":
        "停：订单 {order} 缺货（{missing}）；到货前不要发出。",
    "{what} must be a whole number of units.": "{what}必须是整数件数。",
    "{what} cannot be negative ({value}).": "{what}不能为负数（{value}）。",
    "{what} is too large ({value}).": "{what}过大（{value}）。",
    "{sku} has {on_hand} on hand: {kind} of {delta} would leave less than none; nothing was changed.":
        "{sku} 现有 {on_hand} 件：{kind} {delta} 件会变成负数；未做任何更改。",
    "A stock change needs a reason.": "库存变动需要填写原因。",
    "The parcel {id} was already put back on the shelf.": "包裹 {id} 已经放回货架。",
    "The parcel {id} was recalled: it never left, so there is nothing to put back.":
        "包裹 {id} 已撤回：它从未发出，无需放回。",
    "The parcel {id} has not come back: neither the courier nor a closed return ticket says so.":
        "包裹 {id} 尚未退回：快递和已关闭的退货工单都没有这样显示。",
    "{what} must be a whole number of units, not '{value}'.": "{what}必须是整数件数，而不是“{value}”。",
    "Stop: {sku} has only {on_hand} on hand and order {order} needs {qty}; do not send it until the stock arrives.":
        "停：{sku} 只有 {on_hand} 件，订单 {order} 需要 {qty} 件；到货前不要发出。",
    # the self-test (shop_orders/selftest.py)
    "stock": "库存",
    "the stock reservations did not flag the self-test order as short": "库存预占没有把自检订单标记为缺货",
    "stock reserved: order {order} is short of {missing}": "库存已预占：订单 {order} 缺 {missing}",
    # the trust chain (domain/vocabulary.py, domain/trail.py)
    "stock catalogue": "库存目录",
    "short of stock": "缺货",
    "put back on the shelf": "放回货架",
    "title": "名称",
    "location": "库位",
    "safety stock": "安全库存",
    "barcodes": "条码",
    "stock reservations": "库存预占",
    "{sku} {what}": "{sku} {what}",
    "on hand {on_hand}, incoming {incoming}": "在库 {on_hand}，在途 {incoming}",
    "shipped on the channel: {qty} left, {on_hand} were on hand here": "已在渠道发货：发出 {qty} 件，本店记录在库 {on_hand} 件",
}
