"""Simplified Chinese: the order services' messages (services/orders.py, settings)."""

ZH: dict[str, str] = {
    "the channel order number is empty": "渠道订单号为空",
    "'{text}' is not a three-letter currency code": "“{text}”不是三个字母的币种代码",
    "the order time has no time zone": "下单时间没有时区",
    "'{text}' is not a phone number": "“{text}”不是电话号码",
    "'{text}' is not a phone number.": "“{text}”不是电话号码。",
    "the {field} is {length} characters long; at most {limit} fit": "{field}有 {length} 个字符，最多 {limit} 个",
    "line {n}: the quantity must be at least 1": "第 {n} 行商品：数量至少为 1",
    "line {n}: the unit price cannot be negative": "第 {n} 行商品：单价不能为负数",
    "line {n}: the unit price is too large": "第 {n} 行商品：单价太大",
    "line {n}: the shipped quantity must be between 0 and {qty}": "第 {n} 行商品：已发数量必须在 0 到 {qty} 之间",
    "line {n}: the {field} is {length} characters long; at most {limit} fit":
        "第 {n} 行商品：{field}有 {length} 个字符，最多 {limit} 个",
    "the order total cannot be negative": "订单金额不能为负数",
    "the order total is too large for the store": "订单金额太大，无法保存",
    "the paid amount cannot be negative": "已付金额不能为负数",
    "the paid amount is too large for the store": "已付金额太大，无法保存",
    "{channel} order {number} already exists as {order}.": "{channel}订单 {number} 已存在，为 {order}。",
    "The same channel order appears twice in one batch.": "同一批次中同一渠道订单出现了两次。",
    "Some of these channel orders already exist (another seat imported them meanwhile); nothing was imported. Check the file again.":
        "其中部分渠道订单已存在（另一台电脑刚刚导入了它们）；未导入任何内容。请重新检查文件。",
    "There is no order {order}.": "没有订单 {order}。",
    "Order {order} was changed by someone else meanwhile (version {version}, you had {expected}); it has been reloaded and nothing was overwritten.":
        "订单 {order} 已被他人修改（版本 {version}，你看到的是 {expected}）；已重新加载，未覆盖任何内容。",
    "Cancelling {order} needs a reason.": "取消订单 {order} 需要填写原因。",
    "A payment of 0 changes nothing.": "付款金额为 0，没有变化。",
    "Order {order} is {status} and takes no more payments.": "订单 {order} 为“{status}”，不能再登记付款。",
    "A refund of {refund} is more than the {paid} paid for {order}.": "退款 {refund} 超过订单 {order} 的已付金额 {paid}。",
    "Order {order} is {status} and cannot be shipped.": "订单 {order} 为“{status}”，不能发货。",
    "Everything in order {order} has already shipped.": "订单 {order} 的商品已全部发货。",
    "Order {order} has no line {n}.": "订单 {order} 没有第 {n} 行商品。",
    "Line {n} of {order}: {qty} cannot be shipped ({shipped} of {ordered} already shipped).":
        "订单 {order} 第 {n} 行商品：不能发货 {qty} 件（{ordered} 件中已发 {shipped} 件）。",
    "{fields} cannot be edited; editable: {editable}.": "{fields} 不能修改；可修改：{editable}。",
    "Nothing to change in {order}.": "订单 {order} 没有需要修改的内容。",
    "Changing the recipient, phone or address needs a reason.": "修改收货人、电话或地址需要填写原因。",
    "{order} is {ours} here; the channel's {theirs} is older and was not applied.":
        "{order} 在本地为“{ours}”；渠道的“{theirs}”较旧，未应用。",
    "the refunded amount cannot be negative": "退款金额不能为负数",
    "more is refunded than was paid": "退款金额超过了已付金额",
}
