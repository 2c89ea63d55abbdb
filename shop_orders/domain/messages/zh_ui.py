"""Simplified Chinese: the desktop UI's texts (see the package docstring)."""

ZH = {
    "Order": "订单", "Channel": "渠道", "Channel order no.": "渠道订单号", "Buyer": "买家", "Total": "金额",
    "Paid": "已付", "Status": "状态", "Courier": "快递公司", "Tracking no.": "运单号", "Created": "下单时间",
    "Last update": "最后更新", "Change status of %s": "修改 %s 的状态", "Now": "当前", "New status": "新状态",
    "Reason": "原因", "No status change is possible by hand from here.": "此状态不能手动修改。",
    "Cancelling needs a reason.": "取消订单需要填写原因。", "No order selected": "未选择订单",
    "Total / paid": "金额 / 已付", "Recipient": "收货人", "Phone": "电话", "Address": "地址",
    "Created / last update": "下单 / 最后更新", "Time": "时间", "Who": "操作人", "Source": "来源",
    "Change": "变更", "#": "#", "SKU": "SKU", "Item": "商品", "Qty": "数量", "Unit price": "单价",
    "Shipped": "已发", "Paid at": "付款时间", "Amount": "金额", "Method": "方式", "Reference": "流水号",
    "Lines": "商品明细", "Trust chain": "状态信任链", "Payments": "付款",
    "Shipments": "发货", "Edit recipient of %s": "修改 %s 的收货信息", "Nothing was changed.": "没有任何修改。",
    "Say why (the customer called, a typo...): it goes into the trust chain.": "请说明原因（客户来电、录入错误……），会记入信任链。",
    "Search order no., buyer, phone, tracking no.": "搜索订单号、买家、电话、运单号",
    "All orders": "全部订单", "Stale (no update for too long)": "超时未更新", "Created between": "下单日期",
    "From": "从", "To": "到", "Shop Orders 订单台 — %s": "订单台 Shop Orders — %s", "Filters": "筛选",
    "&Back up database…": "备份数据库(&B)…", "&Settings…": "设置(&S)…", "&Quit": "退出(&Q)",
    "&Copy rows": "复制行(&C)", "&Find…": "查找(&F)…", "&Refresh": "刷新(&R)",
    "Show &stale orders": "显示超时订单(&S)", "Change &status…": "修改状态(&S)…",
    "Record &payment…": "登记付款(&P)…", "&Edit recipient, phone, address…": "修改收货人、电话、地址(&E)…",
    "Show &details": "显示详情(&D)", "Last order": "最后一单", "First order": "第一单",
    "&About Shop Orders": "关于订单台(&A)", "&File": "文件(&F)", "&Edit": "编辑(&E)", "&Order": "订单(&O)",
    "&View": "查看(&V)", "&Help": "帮助(&H)", "Database: %s": "数据库：%s",
    "Show only the orders with no update for too long": "只显示超时未更新的订单",
    "%s orders shown": "显示 %s 单", "%s of %s orders": "%s / %s 单", "⚑ %s stale": "⚑ %s 单超时",
    "Copied %s rows": "已复制 %s 行", "Changed meanwhile": "订单已被他人修改", "Not changed": "未修改",
    "Back up database": "备份数据库", "Shop Orders backup (*.sqlite3)": "订单台备份 (*.sqlite3)",
    "Backing up and checking the copy…": "正在备份并校验副本…", "Backup written and checked: %s": "备份已写入并校验：%s",
    "Backup failed": "备份失败", "About Shop Orders": "关于订单台",
    "Shop Orders (订单台) %s\nEvery channel's orders in one place.\nDatabase: %s":
        "订单台 (Shop Orders) %s\n所有渠道的订单，一处管理。\n数据库：%s",
    "No update for %s: past the %s h threshold": "已 %s 未更新：超过 %s 小时阈值",
    "No update for %s: nearing the %s h threshold": "已 %s 未更新：接近 %s 小时阈值",
    "(could not load)": "（无法加载）", "Record a payment for %s": "登记 %s 的付款",
    "Amount (%s; negative for a refund)": "金额（%s；退款填负数）", "A payment of 0 changes nothing.": "付款金额为 0，没有变化。",
    "Settings": "设置",
    "<b>Red flag</b>: an unfinished order with no update for this long. Amber from two thirds of it. Shared by every seat.":
        "<b>红旗</b>：未完成订单超过此时长未更新。达到三分之二时显示黄旗。所有电脑共用此设置。",
    "Default (hours)": "默认（小时）", "default": "默认", "Language (after restart)": "界面语言（重启后生效）",
    "Import %s": "导入 %s", "Reading and checking %s…": "正在读取并检查 %s…", "Row": "行", "Column": "列",
    "Problem": "问题", "Field": "字段", "From the file": "文件中的值", "Not applied": "未应用",
    "Problems": "问题", "New orders": "新订单", "Updates": "更新", "Refused": "拒绝",
    "Skip the rows with problems": "跳过有问题的行", "Import": "导入", "Cancel": "取消", "Reading": "读取",
    "Checking": "检查", "Importing": "导入",
    "%s — %s (header on row %s): %s orders. Will create %s, update %s; %s unchanged, %s refused, %s problems.":
        "%s — %s（表头在第 %s 行）：%s 单。将新建 %s 单、更新 %s 单；%s 单无变化，%s 单被拒绝，%s 个问题。",
    "Importing… (one transaction: cancel leaves everything as it was)": "正在导入…（单一事务：取消后数据保持原样）",
    "Imported: created %s, updated %s, unchanged %s, refused %s.": "导入完成：新建 %s，更新 %s，无变化 %s，拒绝 %s。",
    "Close": "关闭", "Cancelling…": "正在取消…", "&Import orders…": "导入订单(&I)…", "&Export to Excel…": "导出 Excel(&E)…",
    "Import a channel's order export": "导入渠道订单导出文件",
    "Order exports (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;All files (*)": "订单导出文件 (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;所有文件 (*)",
    "Export to Excel": "导出 Excel", "Excel workbook (*.xlsx)": "Excel 工作簿 (*.xlsx)", "Exporting orders…": "正在导出订单…",
    "Exported %s orders to %s": "已导出 %s 单到 %s", "Export stopped": "导出已停止",
    "Map columns…": "映射列…", "Build a profile for a channel this app does not know yet": "为尚未支持的渠道建立导入方案",
    "Map the columns of %s": "映射 %s 的列", "Profile name": "方案名称", "Currency when the file has none": "文件未写币种时使用",
    "Columns in the file (drag onto a field)": "文件中的列（拖到字段上）", "(not in the file)": "（文件中没有）",
    "Status in the file": "文件中的状态", "Standard status": "标准状态", "Status words": "状态词",
    "Choose the column that holds the channel order number.": "请选择渠道订单号所在的列。",
    "%s orders read from the first 500 rows, %s problems.": "前 500 行读出 %s 单，%s 个问题。",
    "Channel order no. (required)": "渠道订单号（必填）", "Order time": "下单时间", "Currency": "币种",
    "Order total": "订单金额", "Quantity": "数量", "Province / country": "省 / 国家", "City": "市",
    "District / postcode": "区 / 邮编", "Street": "街道",
    "&Verify trail…": "校验审计记录(&V)…", "&Tools": "工具(&T)",
    "Checking the audit trail…": "正在校验审计记录…", "Checking the audit chain…": "正在校验审计哈希链…",
    "Comparing every order with its audit trail…": "正在逐单比对订单与审计记录…",
    "Verify trail": "校验审计记录",
    "The audit trail is intact: %s events and %s orders checked.": "审计记录完好：已校验 %s 条记录、%s 个订单。",
    "The audit trail check failed: %s": "审计记录校验未通过：%s",
    "The check of the audit trail was cancelled.": "已取消审计记录校验。",
    "%s: whole hours from 1 h to 90 days (2160 h).": "%s：须为 1 小时到 90 天（2160 小时）之间的整小时数。",
    "Folder": "文件夹", "File": "文件",
    "&Restore from backup…": "从备份恢复(&R)…", "Restore from backup": "从备份恢复",
    "Replace everything in the store with the backup %s? The current store is kept as a copy in %s first, so nothing is lost.":
        "用备份 %s 替换数据库中的全部内容？当前数据库会先在 %s 中保留一份副本，不会丢失任何数据。",
    "Checking the backup…": "正在校验备份…",
    "Waiting for %s other seat(s) to close: %s": "正在等待其他 %s 个席位关闭：%s",
    "Replacing the store's content with the backup…": "正在用备份替换数据库内容…",
    "Restored %s orders from %s.": "已恢复 %s 个订单（来自 %s）。",
    "The backup was restored; the replaced store was kept as %s.": "备份已恢复；被替换的数据库已保留为 %s。",
    "The backup was restored; the replaced store failed its checks (%s) and was kept as %s for investigation.":
        "备份已恢复；被替换的数据库未通过校验（%s），已保留为 %s 以供调查。",
    "The restore was cancelled; nothing was replaced.": "已取消恢复，未替换任何内容。",
    "Restore failed": "恢复失败",
}

ZH.update({
    # import dialog: layouts, columns, status words
    "Read as": "读取为", "Column in the file": "文件中的列", "Columns": "列", "Map status words…": "映射状态词…",
    "Say what the file's unknown status words mean; remembered for this layout": "说明文件中未知状态词的含义；此格式会记住",
    "(choose)": "（请选择）",
    "The columns fit several layouts equally well (%s): choose the right one under \"Read as\".":
        "文件的列同样符合多种格式（%s）：请在“读取为”中选择正确的一种。",
    "Status words of %s": "%s 的状态词",
    "These status words are new to this layout. Say what each means; it is remembered for every file of the layout.":
        "这些状态词对此格式是新的。请说明每个词的含义；此格式的所有文件都会记住。",
    "Choose the standard status of: %s": "请选择以下状态词对应的标准状态：%s",
    "Payment time": "付款时间", "Shipping time": "发货时间", "Finishing time": "完成时间", "Refunded": "已退款",
    "Line amount": "商品金额", "Unexpected {kind}: {problem}": "意外错误 {kind}：{problem}",
})

ZH.update({"System language": "系统语言"})
ZH.update({"{field}: {new}": "{field}：{new}", "{field}: {old} → {new}": "{field}：{old} → {new}"})
ZH.update({
    "Without an update": "未更新时长", "finished: never flagged": "已结束：不会标记超时",
    "%s — past the %s h threshold": "%s —— 超过 %s 小时阈值", "%s — nearing the %s h threshold": "%s —— 接近 %s 小时阈值",
    "%s of the %s h threshold": "%s（阈值 %s 小时）",
})

ZH.update({
    # the desktop app's options (shop-orders-gui, main.py)
    "Shop Orders (订单台), the desktop app. The database is --db, else ${env}, else the SQLite file in your data "
    "folder. Qt's own options (-platform, -style, ...) are passed on to Qt.":
        "订单台（Shop Orders）桌面程序。数据库取 --db，否则取 ${env}，否则取数据文件夹中的 SQLite 文件。"
        "Qt 自己的选项（-platform、-style 等）交给 Qt 处理。",
    "check this installation on a temporary store (migrations, the window, a change and its audit trail), print "
    "each step and exit": "在临时数据库上检查本安装（迁移、主窗口、一次修改及其审计记录），逐步打印结果后退出",
    "unrecognised arguments: {args}": "无法识别的参数：{args}",
    # before Qt starts: the platform plugin
    "Shop Orders cannot open its window: there is no display (DISPLAY is not set); start it from a desktop "
    "session, or check the installation with --self-test.":
        "订单台无法打开窗口：没有显示器（未设置 DISPLAY）；请在桌面会话中启动，或用 --self-test 检查安装。",
    "Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are not installed; install "
    "them with: sudo apt-get install {packages}":
        "订单台无法打开窗口：Qt 的 xcb 平台插件需要 {libs}，但它们没有安装；请用以下命令安装：sudo apt-get install {packages}",
    "Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are not installed; install "
    "them with: sudo dnf install {packages}":
        "订单台无法打开窗口：Qt 的 xcb 平台插件需要 {libs}，但它们没有安装；请用以下命令安装：sudo dnf install {packages}",
    "Shop Orders cannot open its window: Qt's xcb platform plugin needs {libs}, which are not installed; install "
    "them with your package manager (Debian/Ubuntu: sudo apt-get install {packages}; Fedora: sudo dnf install "
    "{fedora})": "订单台无法打开窗口：Qt 的 xcb 平台插件需要 {libs}，但它们没有安装；请用系统的软件包管理器安装"
                 "（Debian/Ubuntu：sudo apt-get install {packages}；Fedora：sudo dnf install {fedora}）",
    # --self-test
    "versions": "版本", "store and migrations": "数据库与迁移", "orders": "订单", "Qt": "Qt", "icon": "图标",
    "main window": "主窗口", "order change": "订单修改", "audit trail": "审计记录",
    "no display: running offscreen (QT_QPA_PLATFORM=offscreen)": "没有显示器：在屏幕外运行（QT_QPA_PLATFORM=offscreen）",
    "ok: {line}": "通过：{line}",
    "shop-orders {version}, Python {python}, PySide6 {pyside}, Qt {qt}":
        "shop-orders {version}，Python {python}，PySide6 {pyside}，Qt {qt}",
    "temporary store created and migrated to schema {rev} (the newest): {where}":
        "已创建临时数据库并迁移到结构版本 {rev}（最新）：{where}",
    "the migrations stopped at schema {rev}, not the newest {head}": "迁移停在结构版本 {rev}，而不是最新的 {head}",
    "{n} orders written through the services": "已通过服务层写入 {n} 个订单",
    "Qt's own Chinese translations (qtbase_zh_CN.qm) are missing": "缺少 Qt 自带的中文翻译（qtbase_zh_CN.qm）",
    "Qt started on the {platform} platform; Qt's Chinese translations found":
        "Qt 已在 {platform} 平台上启动；已找到 Qt 自带的中文翻译",
    "the app icon could not be drawn (resources/icons/app.svg or Qt's SVG support is missing)":
        "无法绘制程序图标（缺少 resources/icons/app.svg 或 Qt 的 SVG 支持）",
    "app icon drawn ({size} px)": "已绘制程序图标（{size} 像素）",
    "the grid shows {rows} orders instead of {n}": "订单表显示了 {rows} 个订单，而不是 {n} 个",
    "the main window's grid did not paint": "主窗口的订单表没有绘制出来",
    "main window painted offscreen: {rows} orders in the grid, {w}×{h} px":
        "已在屏幕外绘制主窗口：订单表中有 {rows} 个订单，{w}×{h} 像素",
    "order {order} paid and its recipient changed through the services (status {status}, version {version})":
        "已通过服务层为订单 {order} 记录付款并修改收件人（状态：{status}，版本 {version}）",
    "the audit trail does not verify: {problem}": "审计记录校验未通过：{problem}",
    "audit trail verified: {count}": "审计记录校验通过：{count}",
    "self-test failed at '{step}': {problem}": "自检在“{step}”一步失败：{problem}",
    "self-test passed": "自检通过",
})

ZH.update({
    # a change that moves an order out of the current view
    "Show it": "显示它", "Undo": "撤销", "%s is no longer in this view: %s.": "%s 已不在当前视图中：%s。",
    "This change cannot be undone by hand; the trust chain keeps it.": "此修改无法手动撤销；信任链中保留了记录。",
    "undo": "撤销", "now %s": "现为“%s”", "a payment of %s was recorded": "已登记付款 %s",
    "its recipient, phone or address changed": "其收货人、电话或地址已修改",
})

ZH.update({
    # first run: the empty store's guide, the welcome, demo data, the shop server
    "No orders yet": "还没有订单",
    "This store is empty: %s. Bring in your orders, try the app with demo data, or connect this PC to the shop's server where the other seats keep their orders.":
        "数据库是空的：%s。请导入订单、用演示数据试用本程序，或把这台电脑连接到店里其他电脑共用的服务器。",
    "Import a channel file…": "导入渠道文件…", "Try demo data": "试用演示数据", "Connect to a shop server…": "连接店铺服务器…",
    "An order export from Taobao, JD, Pinduoduo, Douyin, Youzan, Shopify, WooCommerce or Amazon":
        "淘宝、京东、拼多多、抖店、有赞、Shopify、WooCommerce 或亚马逊的订单导出文件",
    "Add 500 realistic orders of every channel and status": "添加 500 个涵盖所有渠道和状态的逼真订单",
    "Use the PostgreSQL server the shop's other PCs use": "使用店里其他电脑共用的 PostgreSQL 服务器",
    "Your orders are kept on this PC in %s. Back them up with File → Back up database… (copies go to %s); keep a copy off this PC too.":
        "订单保存在这台电脑的 %s 中。请用“文件 → 备份数据库…”备份（副本保存在 %s）；另外请在别处再保留一份。",
    "Your orders are kept on the shop server %s. Back them up from any seat with File → Back up database… (copies go to %s).":
        "订单保存在店铺服务器 %s 上。可在任意一台电脑用“文件 → 备份数据库…”备份（副本保存在 %s）。",
    "Adding demo orders…": "正在添加演示订单…",
    "Connect to a shop server": "连接店铺服务器",
    "Every PC of the shop can share one PostgreSQL server. Ask whoever set it up for its address, e.g. "
    "postgresql://shop@192.168.1.10/shop, and its password.":
        "店里的所有电脑可以共用一台 PostgreSQL 服务器。请向搭建它的人要地址（例如 postgresql://shop@192.168.1.10/shop）和密码。",
    "kept in this user's ~/.pgpass, never in the address": "保存在本用户的 ~/.pgpass 中，绝不写进地址",
    "Password": "密码",
    "This PC may read the orders but not change them: it has no key for this store's audit trail. Export it on a "
    "seat that has it (`shop-orders audit key export FILE`), then import it here (Tools → Import the store's "
    "audit key…).":
        "这台电脑可以查看订单但不能修改：它没有本库审计记录的密钥。请在有密钥的席位上导出（`shop-orders audit key export FILE`"
        "），再在这里用 工具 → 导入本库的审计密钥… 导入。",
    "Import the store's audit key": "导入本库的审计密钥",
    "Audit key (*.key);;All files (*)": "审计密钥 (*.key);;所有文件 (*)",
    "Checking the key against the audit trail…": "正在用审计记录核对密钥…",
    "Import the store's audit &key…": "导入本库的审计密钥(&K)…",
    "Connect to a shop &server…": "连接店铺服务器(&S)…",
    "This PC joins a shop server…": "这台电脑加入店铺服务器…",
    "Server address": "服务器地址", "Test connection": "测试连接", "Connecting…": "正在连接…",
    "The address of a shop server starts with postgresql://": "店铺服务器的地址以 postgresql:// 开头",
    "The server answered and its store is ready.": "服务器已响应，数据库可以使用。",
    "This PC will open the shop server's store from its next start. Restart Shop Orders now?":
        "这台电脑下次启动时将打开店铺服务器上的数据库。现在重启订单台吗？",
})
ZH.update({"postgresql://user@host/database": "postgresql://用户名@主机/数据库"})
ZH.update({"Archived (deleted)": "已归档（已删除）"})

# users, sign-in, permissions and approvals (ui/users.py, ui/approvals.py, main_window)
ZH.update({
    "why (goes into the trust chain)": "原因（记入信任链）", "Propose": "提交",
    "A second person approves: type your own name and password (or PIN).":
        "由第二个人审批：请输入您自己的用户名和密码（或 PIN）。",
    "Name": "用户名", "Password or PIN": "密码或 PIN", "Approve": "批准",
    "Approve as another person…": "以另一个人的身份批准…", "Reject…": "驳回…",
    "Propose a revert…": "提交撤销…", "Applying…": "正在应用…",
    "Bulk edit of %s orders": "批量修改 %s 单", "Every selected order is cancelled.": "所有选中的订单都将取消。",
    "The orders are archived: hidden from the grid, kept in the store.": "订单将归档：从列表中隐藏，仍保留在数据库中。",
    "Approve change set #%s": "批准变更单 #%s", "State": "状态", "Proposed by": "提交人", "Expires": "过期时间",
    "After": "修改后", "You proposed it: another person approves.": "这是您提交的：需由另一个人批准。",
    "Reject change set #%s": "驳回变更单 #%s", "Change set #%s was rejected.": "变更单 #%s 已驳回。",
    "Revert change set #%s": "撤销变更单 #%s",
    "Change set #%s proposed: it reverts #%s once another person approves it.":
        "已提交变更单 #%s：另一个人批准后即撤销 #%s。",
    "(no courier)": "（无快递公司）",
    "Change set #%s was approved and applied (%s orders).": "变更单 #%s 已批准并应用（%s 单）。",
    "prices %s": "价格 %s", "see the list": "见列表", "total %s": "合计 %s", "archived": "已归档",
    "in the grid": "在列表中", "purged": "已清除", "Approvals": "审批", "S&witch user…": "切换用户(&W)…",
    "&Lock this PC": "锁定这台电脑(&L)", "&Users…": "用户(&U)…", "&Permissions…": "权限(&P)…",
    "&Bulk edit the selected orders…": "批量修改选中的订单(&B)…",
    "Bulk edit &every order in this filter…": "批量修改当前筛选的所有订单(&E)…",
    "Signed in: %s · %s": "已登录：%s · %s", "Switch user": "切换用户",
    "Locked: sign in to continue": "已锁定：请登录后继续",
    "Your role (%s) may not do this; the owner sets it in the permissions.": "您的角色（%s）无权执行此操作；老板可在权限中设置。",
    "Approvals (%s waiting)": "审批（%s 项待批）",
    "Change set #%s (%s orders) waits for a second person's approval.": "变更单 #%s（%s 单）等待第二个人审批。",
    "Change set #%s was applied (%s orders).": "变更单 #%s 已应用（%s 单）。",
    "The store's owner": "数据库的老板",
    "This store has no owner yet. Create the owner's account: the owner adds the other people who use this PC and decides what each may do.":
        "这个数据库还没有老板。请创建老板账号：老板添加使用这台电脑的其他人，并决定每个人可以做什么。",
    "optional: at least 6 digits, for a quick switch": "可选：至少 6 位数字，用于快速切换",
    "Password": "密码", "Password again": "再次输入密码", "PIN": "PIN", "password or PIN": "密码或 PIN",
    "Sign in": "登录", "Users": "用户", "Role": "角色", "User added.": "用户已添加。",
    "Change set #%s proposed: another person approves it in the Approvals panel.": "已提交变更单 #%s：另一个人在审批面板中批准。",
    "Permissions": "权限", "A bulk edit needs a second person from this many orders": "批量修改达到这么多单时需要第二个人审批",
    "A proposal expires after (hours)": "变更单在多少小时后过期", "Lock an unused PC after (minutes; 0: never)": "电脑闲置多少分钟后锁定（0：从不）",
    "The two passwords differ.": "两次输入的密码不一致。", "Sign in to Shop Orders": "登录订单台",
    "Add user": "添加用户", "Disable / enable": "停用 / 启用", "Propose this role for the selected user": "为选中的用户提交此角色",
    "Saved.": "已保存。", "yes": "是", "disabled": "已停用", "active": "启用中", "permissions": "权限",
    "The idle lock is saved.": "闲置锁定已保存。", "role of %s": "%s 的角色",
    "Change set #%s proposed (the permissions).": "已提交变更单 #%s（权限）。",
    "Change set #%s proposed (the two-person rule).": "已提交变更单 #%s（双人复核规则）。",
})
ZH.update({
    "The orders go back into the grid.": "这些订单将回到列表中。",
    "The orders are removed from the store for good; a backup is taken first and their trail stays.":
        "这些订单将从数据库中永久删除；删除前先备份，其修改记录仍保留。",
})
ZH.update({"sign-in": "登录", "owner account made and signed in (argon2id check {ms} ms)":
           "已创建老板账号并登录（argon2id 校验 {ms} 毫秒）"})
ZH.update({"Not allowed": "无权操作"})
ZH.update({"%s open exception tickets": "%s 个未关闭的异常工单"})
ZH.update({"With open tickets": "有未关闭工单"})
