"""Simplified Chinese: export messages (see the package docstring)."""

ZH: dict[str, str] = {
    # sheets and headers of the bookkeeper's workbook (the others are the grid's, in zh_shared)
    "Orders": "订单", "Summary": "汇总", "Audit trail": "审计记录", "{sheet} ({n})": "{sheet} ({n})",
    "Status code": "状态代码", "Line": "行号", "Action": "操作", "Old": "原值", "New": "新值", "By": "分类",
    "Status: {name}": "状态：{name}", "Channel: {name}": "渠道：{name}",
    "The orders continue on {n} sheets": "订单共分 {n} 个工作表",
    "The lines continue on {n} sheets": "商品明细共分 {n} 个工作表",
    "The audit trail continues on {n} sheets": "审计记录共分 {n} 个工作表",
    "The export was cancelled; no file was written.": "导出已取消，未写入任何文件。",
    # the desktop app's export flow (ui/main_window.py)
    "Language of the workbook": "工作簿语言", "Export": "导出",
}

ZH.update({
    "permission is denied": "没有权限", "the folder is read-only": "文件夹是只读的", "the disk is full": "磁盘已满",
    "the folder does not exist": "文件夹不存在", "a folder has that name": "已有同名文件夹", "the system refused it": "系统拒绝了写入",
    "{file} cannot be written: {reason}. Choose another folder.": "无法写入 {file}：{reason}。请选择其他文件夹。",
    # issue 26 item 8: the shop names the workbook and its summary
    "{shop}: orders": "{shop}：订单", "Shop: {name}": "店铺：{name}",
})
