"""Simplified Chinese: the stocktake sheet in and out and the purchase suggestions workbook
(services/stock_sheet.py); the column titles are shared with the command line's `stock list`."""

ZH: dict[str, str] = {
    # columns (the export's, which the import reads back in either language)
    "Title": "商品名称",
    "Barcodes": "条码",
    "Location": "库位",
    "On hand": "在库数量",
    "Reserved": "已预占",
    "Available": "可用",
    "Safety stock": "安全库存",
    "Incoming": "在途",
    "Demand": "需求",
    "Suggested": "建议采购",
    "Waiting orders": "等待中的订单",
    "Stock": "库存",
    "Purchase suggestions": "采购建议",
    # the import
    "{file}: no header row with an SKU column and a count column (e.g. SKU and On hand, or 商品编码 and 盘点数量) in "
    "its first {n} rows; nothing was imported.":
        "{file}：前 {n} 行中没有同时含商品编码列和数量列的表头行（例如 SKU 和 On hand，或 商品编码 和 盘点数量）；未导入任何内容。",
    "The count": "盘点数量",
    "the text is longer than {most} characters.": "文字超过 {most} 个字符。",
    "the SKU is empty, but the row has a count; a count needs its SKU.": "商品编码为空，但该行有盘点数量；盘点数量须对应商品编码。",
    "{n} rows with neither an SKU nor a count were left out.": "{n} 行既无商品编码也无盘点数量，已略过。",
    "{sku} is counted twice with different counts (row {first}: {a}, this row: {b}).":
        "{sku} 被盘点了两次且数量不同（第 {first} 行：{a}，本行：{b}）。",
    "the barcode {code} is also {other}'s (row {first}); a barcode names one SKU.":
        "条码 {code} 也属于 {other}（第 {first} 行）；一个条码只能对应一个商品。",
    "the barcode {code} already belongs to {other} in the catalogue; take it off {other} first.":
        "条码 {code} 在库存目录中已属于 {other}；请先从 {other} 上移除。",
    "the barcode {code} is another SKU's code.": "条码 {code} 是另一个商品的编码。",
    "{sku} is neither in the stock catalogue nor in any order; check the SKU (add it with `stock add` if it is new).":
        "{sku} 既不在库存目录中，也不在任何订单中；请核对商品编码（若是新商品，请用 `stock add` 添加）。",
    "stocktake sheet {file}": "盘点表 {file}",
    "added to the catalogue from the orders": "已按订单加入库存目录",
    "on hand {old} → {new}": "在库 {old} → {new}",
    "title: {old} → {new}": "名称：{old} → {new}",
    "location: {old} → {new}": "库位：{old} → {new}",
    "safety stock: {old} → {new}": "安全库存：{old} → {new}",
    "barcodes: {old} → {new}": "条码：{old} → {new}",
    "{file}: {rows} SKUs: {changed} changed, {unchanged} unchanged, {skipped} not counted.":
        "{file}：{rows} 个商品，{changed} 个有变化，{unchanged} 个不变，{skipped} 个未盘点。",
    "Dry run: a count moves more than the shop's limit, so the stocktake would wait for a second person; nothing "
    "was written.": "试运行：有数量变动超过本店上限，盘点将等待第二人确认；未写入任何内容。",
    "Dry run: the stocktake would be applied; nothing was written.": "试运行：盘点将被执行；未写入任何内容。",
    "Over the shop's limit: the stocktake waits for a second person ({outcome}).":
        "超过本店上限：盘点等待第二人确认（{outcome}）。",
    "The stocktake was applied.": "盘点已执行。",
    "{name}: the catalogue is exported as .xlsx or .csv; name the file so.":
        "{name}：库存目录导出为 .xlsx 或 .csv；请以此命名文件。",
}
