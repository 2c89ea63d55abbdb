"""Simplified Chinese: `shop-orders stock` (cli/stock.py). Registered with the catalogue when the
cli package is imported, as cli/zh_cli.py is; the column titles it shares with the stock sheet
are in domain/messages/zh_stock_sheet.py."""

ZH: dict[str, str] = {
    "{n} SKUs": "{n} 个商品",
    "{n} SKUs written to {file}.": "已将 {n} 个商品写入 {file}。",
    "{n} SKUs to buy written to {file}.": "已将 {n} 个待采购商品写入 {file}。",
    "returned at the courier": "快递已退回",
    "return ticket closed": "退货工单已关闭",
    "{n} parcels wait to go back on the shelf": "{n} 个包裹等待重新上架",
    "Parcel {id} of order {order} is back on the shelf.": "订单 {order} 的包裹 {id} 已重新上架。",
    "A stock change of more than {n} units needs a second person.": "超过 {n} 件的库存变动需要第二人确认。",
    "Reserved again for every SKU; {n} orders are short.": "已为所有商品重新预占；{n} 个订单缺货。",
    "text for people; json keeps keys and numbers, for programs": "text 供人阅读；json 保留键名和数字，供程序使用",
    "Short orders": "缺货订单",
    "Parcel": "包裹",
    "Why": "原因",
    "Items": "商品",
    "The stock agrees with its movements, the audit trail and a recomputation of the reservations.":
        "库存与其变动记录、审计轨迹以及重新计算的预占一致。",
    "the stock catalogue: on hand, reserved, stocktakes, receipts, what to buy": "库存目录：在库、预占、盘点、收货、采购建议",
    "every SKU: on hand, reserved, available, safety stock, incoming": "所有商品：在库、已预占、可用、安全库存、在途",
    "only SKUs that paid orders are short of": "只显示已付款订单缺货的商品",
    "only SKUs whose available stock is below safety": "只显示可用库存低于安全库存的商品",
    "only SKUs at this shelf location": "只显示此库位的商品",
    "a stocktake sheet (CSV or Excel): all or nothing": "导入盘点表（CSV 或 Excel）：全部成功或全部不写入",
    "say what the stocktake would change; write nothing": "说明盘点会改变什么；不写入任何内容",
    "why (default: the sheet's name)": "原因（默认：盘点表的文件名）",
    "the catalogue as .xlsx or .csv, as the import reads it back": "将库存目录导出为 .xlsx 或 .csv，可原样导入",
    "add or take away units with a reason (prints applied or proposed #id)":
        "按原因增加或减少数量（输出 applied 或 proposed #编号）",
    "units to add, or negative to take away": "要增加的数量，负数表示减少",
    "why (kept in the audit trail)": "原因（记入审计轨迹）",
    "goods arrived from the supplier: on hand rises, incoming falls": "供应商到货：在库增加，在途减少",
    "a purchase was placed with the supplier: incoming rises": "已向供应商下采购单：在途增加",
    "what to buy: SKUs below safety stock or short for paid orders": "采购建议：低于安全库存或已付款订单缺货的商品",
    "json for programs; xlsx for the supplier (give FILE)": "json 供程序使用；xlsx 发给供应商（需给出文件）",
    "put a new SKU in the catalogue with nothing on hand": "将新商品加入库存目录，在库为 0",
    "its shelf location": "其库位",
    "its safety stock (units)": "其安全库存（件）",
    "a barcode (repeat for more)": "条码（可重复给出多个）",
    "parcels that came back and wait to go back on the shelf": "已退回、等待重新上架的包裹",
    "put a returned parcel back on the shelf": "将退回的包裹重新上架",
    "show or set the units over which a stock change needs a second person": "显示或设置库存变动需第二人确认的件数上限",
    "reserve again for every SKU from the orders": "按订单为所有商品重新预占",
    "compare the stock with its movements and the audit trail (exit 1 naming what differs)":
        "将库存与其变动记录和审计轨迹核对（有差异时以退出码 1 指出）",
    "Name the workbook to write, e.g. stock suggest --format xlsx buy.xlsx.":
        "请给出要写入的工作簿，例如 stock suggest --format xlsx buy.xlsx。",
}
