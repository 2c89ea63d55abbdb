"""Simplified Chinese: packing slips (services/slips.py, ui/slips.py, the `slip` command)."""

ZH: dict[str, str] = {
    # the slip itself
    "Shop Orders": "订单台",
    "Packing slip · {channel} {channel_order_no}": "发货单 · {channel} {channel_order_no}",
    "Ordered {day}": "下单时间 {day}",
    "This order is cancelled: do not ship it.": "此订单已取消：请勿发货。",
    "Ship to: {recipient}  {phone}": "收件人：{recipient}  {phone}",
    "Page {n} of {pages}": "第 {n} 页，共 {pages} 页",
    "{qty} × {title}": "{qty} × {title}",
    "(no SKU)": "（无商品编码）",
    "Nothing left to ship on this order.": "此订单已没有待发的商品。",
    "{text} (too long for a barcode on this page)": "{text}（太长，无法在此页上印成条码）",
    "Packing slips": "发货单",
    # refusals
    "{ref} is the channel order number of {n} orders ({orders}); name it by its global id.":
        "{ref} 是 {n} 个订单的渠道订单号（{orders}）；请用订单编号指明。",
    "The packing slips cannot be drawn on this printer or file.": "无法在此打印机或文件上绘制发货单。",
    "Printing the packing slips was cancelled.": "发货单打印已取消。",
    "Name at least one order for the packing slips.": "请至少指定一个订单来打印发货单。",
    # the command line
    "{name}: packing slips are written as PDF; name the file .pdf": "{name}：发货单以 PDF 格式写入；请将文件命名为 .pdf",
    "Wrote {n} packing slips ({pages} pages) to {path}.": "已将 {n} 张发货单（{pages} 页）写入 {path}。",
    "write the packing slips of orders to a PDF, one page per order, with Code 128 barcodes of the order id and "
    "every SKU": "将订单的发货单写入 PDF，每个订单一页，带订单编号和每个商品编码的 Code 128 条码",
    "global order id or channel order number": "订单编号或渠道订单号",
    "the .pdf file to write": "要写入的 .pdf 文件",
    # the desktop app (ui/slips.py, the Order menu)
    "&Print packing slips…": "打印发货单(&P)…",
    "Save packing slips as P&DF…": "将发货单存为 PDF(&D)…",
    "Print %s packing slips": "打印 %s 张发货单",
    "Select the orders to print slips for.": "请先选择要打印发货单的订单。",
    "Printing packing slips…": "正在打印发货单…",
    "Sent %s pages of packing slips to the printer": "已将 %s 页发货单发送到打印机",
    "Save packing slips as PDF": "将发货单存为 PDF",
    "PDF document (*.pdf)": "PDF 文档 (*.pdf)",
    "Writing packing slips…": "正在写入发货单…",
    "Saved the packing slips to %s": "发货单已保存到 %s",
}
