"""Simplified Chinese: importing channel files (services/importing)."""

ZH: dict[str, str] = {
    # layouts
    "Taobao/Tmall order report (订单报表)": "淘宝/天猫 订单报表",
    "Taobao/Tmall item report (宝贝报表)": "淘宝/天猫 宝贝报表",
    "JD order export (京东订单导出)": "京东订单导出",
    "Pinduoduo order export (拼多多订单导出)": "拼多多订单导出",
    "Douyin shop order export (抖店订单导出)": "抖店订单导出",
    "Youzan order export (有赞订单导出)": "有赞订单导出",
    "Youzan order items export (有赞订单商品明细)": "有赞订单商品明细",
    "Shopify orders export": "Shopify 订单导出",
    "WooCommerce order export (Advanced Order Export)": "WooCommerce 订单导出（Advanced Order Export）",
    "WooCommerce order export (WebToffee)": "WooCommerce 订单导出（WebToffee）",
    "WooCommerce Analytics orders (CSV download)": "WooCommerce 分析 订单（CSV 下载）",
    "Amazon All Orders report (tab-separated)": "亚马逊 All Orders 报告（制表符分隔）",
    "Amazon Order Report / New Orders (tab-separated)": "亚马逊 订单报告 / 新订单（制表符分隔）",
    "Shop Orders export": "订单台导出",
    # header.py
    "{found} of {known} columns": "{known} 列中找到 {found} 列",
    "{file}: no header row found; none of the first {rows} rows has the columns of {which} ({names}). Choose a profile or map the columns.":
        "{file}：找不到表头行；前 {rows} 行中没有一行具有{which}的列（{names}）。请选择导入方案，或映射列。",
    "the chosen profile": "所选导入方案", "a known channel export": "已知渠道导出文件",
    "{file}: the columns fit more than one profile equally well: {names}. Choose one (on the command line: --channel CODE).":
        "{file}：文件的列同样符合多个导入方案：{names}。请选择一个（命令行：--channel 代码）。",
    # plan.py
    "{file}, row {row}, column {column}: {message}": "{file}，第 {row} 行，“{column}”列：{message}",
    "{file}, row {row}: {message}": "{file}，第 {row} 行：{message}",
    "the order number is empty": "订单号为空",
    "unknown order status '{word}' ({where})": "未知的订单状态“{word}”（{where}）",
    "row {rows}": "第 {rows} 行", "rows {rows}": "第 {rows} 行",
    "rows {rows} and {more} more": "第 {rows} 行，另有 {more} 行",
    "this row says {field} '{theirs}' but the order's first row ({row}) says '{ours}'":
        "此行的{field}为“{theirs}”，但该订单的第一行（第 {row} 行）为“{ours}”",
    "'{text}' is not a line item this importer knows": "“{text}”不是可识别的商品行",
    "{order} is {ours} here; the file's '{theirs}' is older and was not applied":
        "{order} 在本地为“{ours}”；文件中的“{theirs}”较旧，未应用",
    # profiles.py
    "unknown import profile '{code}'; known: auto, {names}": "未知的导入方案“{code}”；可用：auto、{names}",
    # runner.py
    "Checking the file was cancelled; nothing was written.": "已取消文件检查，未写入任何内容。",
    "The import was cancelled; nothing was written.": "已取消导入，未写入任何内容。",
    "... and {count} more problems": "……另有 {count} 个问题",
    "{count} problems in {file}; nothing was imported:": "{file} 中有 {count} 个问题；未导入任何内容：",
    "{file}: {problem}": "{file}：{problem}",
    # values.py
    "{value} is a fraction, not an order number": "{value} 是小数，不是订单号",
    "{value} was stored as a number and has lost digits; export the column as text":
        "{value} 被存成了数字，已丢失位数；请把该列导出为文本",
    "'{text}' was turned into a number by Excel and has lost digits; export the order numbers as text":
        "“{text}”已被 Excel 转成数字并丢失位数；请把订单号导出为文本",
    "the order number is longer than 64 characters": "订单号超过 64 个字符",
    "{value} is not an amount": "{value} 不是金额",
    "'{text}' is not an amount": "“{text}”不是金额",
    "'{text}' has more decimals than {currency} allows": "“{text}”的小数位超过 {currency} 允许的位数",
    "'{text}' is too large for an amount (at most {most})": "“{text}”作为金额太大（最多 {most}）",
    "'{text}' is not a quantity": "“{text}”不是数量",
    "'{text}' is not a whole quantity of at least 1": "“{text}”不是至少为 1 的整数数量",
    "'{text}' is too large for a quantity (at most {most})": "“{text}”作为数量太大（最多 {most}）",
    "{value} is not a date": "{value} 不是日期",
    "the time is empty": "时间为空",
    "'{text}' is not a date and time this importer knows": "“{text}”不是可识别的日期时间",
    # readers.py, safety.py
    "{name}: the text is neither UTF-8 nor GBK/GB18030": "{name}：文本既不是 UTF-8 也不是 GBK/GB18030 编码",
    "{name}: the file has more than {most} rows, more than one import takes; split it into smaller files":
        "{name}：文件超过 {most} 行，超出一次导入的上限；请拆分成较小的文件",
    "{name}: line {line}: {problem}": "{name}：第 {line} 行：{problem}",
    "{name}: the workbook is protected with a password": "{name}：工作簿设有密码保护",
    "{name}: the workbook cannot be read ({exc})": "{name}：无法读取工作簿（{exc}）",
    "{name}: every sheet is empty": "{name}：所有工作表都是空的",
    "{name}: the file does not exist": "{name}：文件不存在",
    "{name}: the file is empty": "{name}：文件是空的",
    "{name}: the file is {value} MB; the limit is {value2} MB": "{name}：文件大小为 {value} MB，上限为 {value2} MB",
    "{name}: the workbook is protected with a password; save it without one and import again":
        "{name}：工作簿设有密码保护；请另存为无密码的文件后重新导入",
    "{name}: this is not a spreadsheet or CSV file": "{name}：这不是电子表格或 CSV 文件",
    "{name}: the file is damaged (not a complete Excel workbook)": "{name}：文件已损坏（不是完整的 Excel 工作簿）",
    "{name}: the workbook has {count} parts, far more than a real one": "{name}：工作簿有 {count} 个部件，远多于正常文件",
    "{name}: this is a zip file but not an Excel workbook": "{name}：这是 zip 压缩文件，不是 Excel 工作簿",
    "{name}: the workbook unpacks to {value} MB (a zip bomb?); refused": "{name}：工作簿解压后有 {value} MB（疑似压缩炸弹），已拒绝",
    "{name}: part {filename} is compressed {value}:1 (a zip bomb?); refused":
        "{name}：部件 {filename} 的压缩比为 {value}:1（疑似压缩炸弹），已拒绝",
    "{name}: part {filename} declares XML entities (an attack pattern); refused":
        "{name}：部件 {filename} 声明了 XML 实体（一种攻击手法），已拒绝",
    "{name}: the sheet reaches {rows} rows x {cols} columns; refused": "{name}：工作表达到 {rows} 行 × {cols} 列，已拒绝",
    "{name}: the workbook is damaged: part {filename} does not unpack to what the file says (its size or checksum is "
    "wrong); refused": "{name}：工作簿已损坏：部件 {filename} 解压后与文件所记载的不符（大小或校验和错误），已拒绝",
    "{name}: the workbook is damaged: part {filename} cannot be unpacked; refused":
        "{name}：工作簿已损坏：部件 {filename} 无法解压，已拒绝",
    "{name}: the text is UTF-16; save it as UTF-8 (or GBK) and import it again":
        "{name}：文本为 UTF-16 编码；请另存为 UTF-8（或 GBK）后再导入",
    "{name}: the file holds binary data (NUL bytes), not text; it is not a CSV export":
        "{name}：文件含有二进制数据（NUL 字节），不是文本，不是 CSV 导出文件",
    "{name}: a line of the file is longer than {mb} MB; a channel's export never is":
        "{name}：文件中有一行超过 {mb} MB，渠道导出的文件不会这样",
    "{name}: the workbook unpacks to more than {mb} MB, more than its parts say or more than one import takes (a zip "
    "bomb?); refused": "{name}：工作簿解压后超过 {mb} MB，超出其记载的大小或单次导入的上限（压缩炸弹？），已拒绝",
    "{name}: the workbook's shared strings unpack to more than {mb} MB (a real export's hold far less); refused":
        "{name}：工作簿的共享字符串解压后超过 {mb} MB（真实导出远小于此），已拒绝",
    # vocabulary.py: fields of imports
    "status words of imports": "导入状态词", "payment time": "付款时间", "shipping time": "发货时间",
    "finishing time": "完成时间", "refunded amount": "退款金额", "line amount": "商品金额", "province / country": "省 / 国家",
    "city": "市", "district / postcode": "区 / 邮编", "street": "街道", "payment status": "付款状态",
    "fulfilment status": "发货状态", "cancellation time": "取消时间",
    # real exports (issue 22): flags, unknown amounts, facts, contradictions, new layouts
    "removed from the buyer's list or split by the channel": "已从买家订单列表删除或被渠道拆单",
    "locked by the channel: do not ship": "渠道已锁定：请勿发货",
    "paused by the channel: do not ship": "渠道已暂停：请勿发货",
    "frozen by the channel: do not ship": "渠道已冻结：请勿发货",
    "created as {channel} {number}; {status}; {total} {currency}; received {received}, refunded {refunded}":
        "创建为 {channel} {number}；{status}；{total} {currency}；已收 {received}，已退款 {refunded}",
    "; flagged: {flags}": "；渠道标记：{flags}",
    "The channel holds {order} ({flags}): do not ship it until a later file of the channel no longer says so.":
        "渠道暂扣了 {order}（{flags}）：在渠道后续的导出文件不再这样标记之前请勿发货。",
    "channel flags": "渠道标记", "amounts known": "金额已知", "outstanding balance": "未付余额",
    "payment method": "支付方式", "marketplace": "站点", "address line 2": "地址第二行", "address line 3": "地址第三行",
    "postcode": "邮编", "country": "国家", "line's fulfilment status": "商品行发货状态",
    "{file}: looks like a {layout} ({count} of its columns); missing {missing}: choose the channel or map the columns.":
        "{file}：看起来像{layout}（有其中 {count} 列），但缺少 {missing}：请选择渠道或映射各列。",
    "Amazon Easy Ship orders awaiting pickup (tab-separated)": "亚马逊 Easy Ship 待揽收订单（制表符分隔）",
    "Etsy sold orders (EtsySoldOrders CSV)": "Etsy 已售订单（EtsySoldOrders CSV）",
    "eBay orders report (Seller Hub or Sales History)": "eBay 订单报表（Seller Hub 或 Sales History）",
    "the paid amount {paid} is more than the total {total} in {other}": "已付金额 {paid} 超过“{other}”中的总额 {total}",
    "the refund {refunded} is more than the total {total} in {other}": "退款 {refunded} 超过“{other}”中的总额 {total}",
    "the refund {refunded} is more than the {paid} paid (in {other})": "退款 {refunded} 超过已付的 {paid}（见“{other}”）",
    "Stop: the channel holds order {order} ({flags}); do not send it until a later file of the channel no longer says so.":
        "停：渠道暂扣了订单 {order}（{flags}）；在渠道后续的导出文件不再这样标记之前请勿发出。",
    "Currency if the file has none": "文件无币种时按", "the layout's usual one": "该格式的常用币种",
    "A file without a currency column (WooCommerce's, Etsy's...) is read in this currency":
        "没有币种列的文件（如 WooCommerce、Etsy 的导出）按此币种读取",
    "  the channel's file gave no amounts; a later file that has them fills them in":
        "  渠道文件未提供金额；之后含金额的文件会补上",
    "The channel's file gave no amounts for this order; a later file that has them fills them in.":
        "渠道文件未提供该订单的金额；之后含金额的文件会补上。",
    "(the channel's file gave no amounts)": "（渠道文件未提供金额）",
    "refund %s": "退款 %s",
    "  channel flags: {flags}": "  渠道标记：{flags}",
    "  payment {amount} {currency} at {time} ({method}, {source})": "  付款 {amount} {currency}，{time}（{method}，{source}）",
    "  refund {amount} {currency} at {time} ({method}, {source})": "  退款 {amount} {currency}，{time}（{method}，{source}）",
}

ZH.update({
    "this account": "此账号",
    "{channel} order {number} is {status} in the file and was not imported: a {role} import may not add shipped or "
    "completed orders; someone who may ship without a scan imports the file again":
        "{channel} 订单 {number} 在文件中为{status}，未导入：{role}导入的文件不能添加已发货或已完成的订单；"
        "请由可以不扫描发货的人再导入一次此文件",
    "{order} is {status} in the file; the status was not applied: a {role} import may not mark orders shipped or "
    "completed; someone who may ship without a scan imports the file again":
        "{order} 在文件中为{status}，状态未应用：{role}导入的文件不能把订单标为已发货或已完成；"
        "请由可以不扫描发货的人再导入一次此文件",
    "Your role may not mark orders shipped or completed from a file; someone who may ship without a scan imports it.":
        "您的角色不能通过文件把订单标为已发货或已完成；请由可以不扫描发货的人导入。",
})
