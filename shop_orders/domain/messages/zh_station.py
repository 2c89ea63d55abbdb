"""Simplified Chinese: the scan station window (ui/scan_station.py)."""

ZH: dict[str, str] = {
    "Sc&an station": "扫描发货台(&A)", "Scan station": "扫描发货台",
    "The courier whose tracking numbers are scanned": "所扫描运单号所属的快递公司",
    "Scan…": "请扫描…",
    "F2 skip the item check (supervisor PIN) · F3 ship what was scanned · F8 undo the last parcel · Esc drop this order"
    " · F9 leave": "F2 跳过商品核对（需主管 PIN）· F3 只发已扫描的 · F8 撤销上一个包裹 · Esc 放弃此订单 · F9 退出",
    "Supervisor": "主管", "Supervisor's name (a manager or the owner):": "主管姓名（店长或店主）：",
    "Shipping what was scanned: scan the tracking number.": "只发已扫描的商品：请扫描运单号。",
    "Undo the last parcel": "撤销上一个包裹", "Scanned": "已扫描", "To ship": "待发",
    "1 · Scan the order's barcode": "1 · 扫描订单条码",
    "%s parcels · %s in the last hour": "已发 %s 个包裹 · 最近一小时 %s 个",
    "%s: scan each item.": "%s：请逐件扫描商品。",
    "Every item is here: scan the tracking number.": "商品已齐：请扫描运单号。",
    "Choose the courier first (the list at the top), then scan the number again.": "请先在顶部选择快递公司，再重新扫描运单号。",
    "%s is %s. Next order.": "%s 已变为%s。请扫下一个订单。",
    "Scan an order first.": "请先扫描订单。", "PIN of %s:": "%s 的 PIN：",
    "%s lets this order go without the item check: scan the tracking number.": "%s 同意此订单跳过商品核对：请扫描运单号。",
    "Scan at least one item first.": "请至少先扫描一件商品。",
    "Why is %s undone?": "为什么撤销 %s？", "%s is back to %s.": "%s 已退回%s。",
    "Dropped. Scan the next order.": "已放弃。请扫描下一个订单。",
    "2 · Scan each item, or F2 / F3": "2 · 逐件扫描商品，或按 F2 / F3", "3 · Scan the tracking number": "3 · 扫描运单号",
    "%s is on screen: scan its items.": "%s 已在屏幕上：请扫描其商品。", "%s: %s of %s.": "%s：%s / %s。",
    "There is no parcel of the last %s seconds to undo.": "最近 %s 秒内没有可撤销的包裹。",
    # Order -> Ship... (ui/dialogs.py ShipDialog)
    "why this parcel is not scanned out at the station": "为什么此包裹不在扫描发货台出库",
    "Tracking number": "运单号", "Choose at least one item to ship.": "请至少选择一件要发的商品。",
    "A shipment without the scan station needs a reason.": "不经扫描发货台发货需要填写原因。",
    "Ship %s": "发货 %s", "S&hip…": "发货(&H)…",
    "The order's details are still being read; try again in a moment.": "正在读取订单详情，请稍后再试。",
    # issue 26 item 6: the order's own barcode scanned where the tracking number is due
    "%s is on screen: scan the tracking number.": "%s 已在屏幕上：请扫快递单号。",
}
