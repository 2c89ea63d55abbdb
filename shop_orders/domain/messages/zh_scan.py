"""Simplified Chinese: the scan-out (services/scanning.py), shipping without a scan, cash on
delivery, and the `scan` command."""

ZH: dict[str, str] = {
    # the scan's refusals, spoken language for the warehouse (services/scanning.py)
    "That was an empty scan; scan the order's barcode.": "刚才没有扫到内容；请扫订单条码。",
    "{code} is not an order of this shop; scan the order's barcode on the packing slip.":
        "{code} 不是本店的订单；请扫发货单上的订单条码。",
    "{number} is an order number of {first} and of {second}; scan the order's own barcode (SO-...) from the "
    "packing slip instead.": "{number} 同时是{first}和{second}的订单号；请改扫发货单上本店的订单条码（SO-...）。",
    "Order {order} was deleted (it is in the archive); do not send it.": "订单 {order} 已删除（在归档里）；不要发货。",
    "Stop: order {order} was cancelled; do not send it.": "停！订单 {order} 已取消；不要发货。",
    "Order {order} has already been shipped; do not send it twice.": "订单 {order} 已经发过货了；不要重复发货。",
    "Stop: order {order} is not paid yet; do not send it. ({why})": "停！订单 {order} 还没付款；不要发货。（{why}）",
    "Order {order} is {status}; it cannot be sent until it is awaiting shipment.":
        "订单 {order} 现在是“{status}”；要等到“待发货”才能发货。",
    "Wrong item: {sku} is not in order {order}; take it out of the parcel.":
        "拿错了：{sku} 不在订单 {order} 里；请把它从包裹里拿出来。",
    "Too many: order {order} needs only {qty} of {sku}; take one out.":
        "多了：订单 {order} 的 {sku} 只要 {qty} 件；请拿出一件。",
    "Choose the courier of the parcel first.": "请先选择这个包裹的快递公司。",
    "{number} is not a tracking number; scan the barcode on the courier's label.":
        "{number} 不是快递单号；请扫快递面单上的条码。",
    "{number} is not a {courier} tracking number; check the label and the courier.":
        "{number} 不是{courier}的快递单号；请核对面单和快递公司。",
    "Tracking number {number} is already on order {other}; use a new label.":
        "快递单号 {number} 已经用在订单 {other} 上了；请换一张新面单。",
    "The PIN was not accepted: {why}": "PIN 码未通过：{why}",
    "{name} is {role}; only a manager or the owner may skip the item check.":
        "{name}是{role}；只有店长或老板可以跳过验货。",
    "{name} may not skip the item check (not a manager or owner now).": "{name}不能跳过验货（现在不是店长或老板）。",
    "A scan-out is recorded with the source scan.": "扫码发货必须以“扫码”为来源记录。",
    "Scan the items first, or have a manager confirm skipping the item check.": "请先扫商品，或请店长确认跳过验货。",
    "Nothing was scanned for order {order}; scan its items.": "订单 {order} 还没有扫任何商品；请扫商品。",
    "Say why the scan is undone.": "请说明撤销这次扫码的原因。",
    "The scan was {seconds} seconds ago; a scan can be undone only within 60 seconds. Ask a manager to recall the "
    "parcel.": "这次扫码已过去 {seconds} 秒；扫码只能在 60 秒内撤销。请找店长召回这个包裹。",
    # shipping without a scan, unpaid orders (services/orders.py), trail words
    "Shipping {order} without a scan needs a reason.": "不扫码给 {order} 发货需要填写原因。",
    "{order} is not paid ({paid} of {total}) and {channel} orders are not cash on delivery: record the payment "
    "first.": "{order} 未付清（已付 {paid}，共 {total}），{channel}的订单不是货到付款：请先登记付款。",
    "ship without a scan (with a reason)": "不扫码发货（须填原因）",
    "counted item by item": "逐件验货", "skipped with a supervisor's PIN": "经主管 PIN 码跳过",
    "item check": "验货", "scan check": "扫码验货",
    # courier accounts' number pattern (services/courier_accounts.py)
    "A tracking-number pattern is at most 200 characters.": "快递单号规则最多 200 个字符。",
    "'{pattern}' is not a tracking-number pattern: it must be a regular expression without back-references or "
    "look-arounds.": "“{pattern}”不是快递单号格式：应为不含反向引用和环视的正则表达式。",
    # the command line (cli.py)
    "ship without a scan (owner or manager, --reason required): line quantities, default everything not yet "
    "shipped": "不扫码发货（老板或店长，须 --reason）：按行数量发货，默认发出所有未发的",
    "scan an order out (as the scan station does): the items, the tracking number, source scan":
        "扫码发货（与扫码台相同）：商品、快递单号，来源为扫码",
    "the order's global id or its channel order number": "订单的全局编号或渠道订单号",
    "the parcel's tracking number": "包裹的快递单号",
    "the courier, e.g. SF": "快递公司，例如 SF",
    "an item scanned (QTY times; default 1), repeatable": "扫到的商品（QTY 件，默认 1），可重复",
    "skip the item check: ship everything not yet shipped, confirmed by a manager or owner":
        "跳过验货：发出所有未发的商品，须店长或老板确认",
    "with --skip-check: the manager or owner confirming; their PIN from ${env} or a prompt, never an argument":
        "与 --skip-check 同用：确认的店长或老板；其 PIN 码取自 ${env} 或提示输入，绝不作为参数",
    "its tracking numbers as a regular expression, checked at the scan-out, e.g. '^SF[0-9]+$' (empty: any)":
        "其快递单号的正则表达式，扫码发货时核对，例如 '^SF[0-9]+$'（留空：不限）",
    "--sku '{spec}' should look like SKU or SKU=QTY, e.g. TEA-LJ-250=2":
        "--sku“{spec}”应写成 SKU 或 SKU=数量，例如 TEA-LJ-250=2",
    "--skip-check needs --pin-user NAME: the manager or owner who confirms it.":
        "--skip-check 需要 --pin-user 姓名：确认的店长或老板。",
    "The supervisor's PIN is asked on a terminal, or set {env}.": "主管的 PIN 码需在终端输入，或设置 {env}。",
    "PIN of {name}: ": "{name}的 PIN 码：",
    "A PIN is never an argument (it would show in the process list and the shell's history): set {env} or type "
    "it when asked.": "PIN 码绝不作为参数（会出现在进程列表和命令历史里）：请设置 {env}，或在提示时输入。",
    "Scan the items with --sku SKU[=QTY], or skip the check with --skip-check --pin-user NAME.":
        "请用 --sku SKU[=数量] 扫商品，或用 --skip-check --pin-user 姓名 跳过验货。",
    # issue 26 item 6: an item is never the tracking number
    "One too many: every {sku} of order {order} is already counted; take this one out of the parcel, then scan the "
    "tracking number on the courier's label.":
        "多了一件：订单 {order} 的 {sku} 已经全部点齐；请把这件从包裹里拿出来，再扫快递面单上的单号。",
    "{number} is an item or an order of this shop ({known}), not a tracking number; scan the barcode on the "
    "courier's label.": "{number} 是本店的商品或订单（{known}），不是快递单号；请扫快递面单上的条码。",
}
