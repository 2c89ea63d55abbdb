"""Simplified Chinese: the command line's messages (shop_orders/domain/messages explains the
catalogue). Registered with it when the cli package is imported (cli/__init__.py); a sentence the
command line shares with the services or the desktop app stays in domain/messages."""

ZH: dict[str, str] = {
    # argument checks
    "unknown language '{text}'; expected zh_CN or en": "未知语言“{text}”；应为 zh_CN 或 en",
    "'{text}' is not a whole number": "“{text}”不是整数",
    "'{text}' must not be negative": "“{text}”不能为负数",
    "'{text}' is not a number of hours": "“{text}”不是小时数",
    "hours must be more than 0": "小时数必须大于 0",
    "'{text}' should look like STATUS=HOURS": "“{text}”的格式应为 状态=小时数",
    "{option} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01.":
        "{option} “{text}”不是日期；请写成 YYYY-MM-DD，例如 2026-11-01。",
    "The period starts after it ends (--from {start}, --to {end}).": "起始日期晚于结束日期（--from {start}，--to {end}）。",
    "--line '{spec}' should look like LINE=QTY, e.g. 1=2": "--line “{spec}”的格式应为 行号=数量，例如 1=2",
    "Say what to change, e.g. --phone 13800000000 --reason 'customer called'.":
        "请说明要修改什么，例如 --phone 13800000000 --reason '客户来电'。",
    "{name}: exports are Excel workbooks; name the file .xlsx": "{name}：导出文件是 Excel 工作簿，文件名请以 .xlsx 结尾",
    "The folder {folder} does not exist.": "文件夹 {folder} 不存在。",
    # progress bars
    "{done}/{total} orders": "{done}/{total} 个订单", "{done}/{total} rows": "{done}/{total} 行",
    "{done}/{total}": "{done}/{total}", "Copying": "复制",
    # tables
    "Channel order no": "渠道订单号", "Stale": "超时", "RED": "红色", "No update for": "未更新时长",
    "{n} orders": "{n} 个订单", "{n} stale orders (threshold {hours} h)": "{n} 个超时订单（阈值 {hours} 小时）",
    # results
    "Database ready at {where} ({n} orders).": "数据库已就绪：{where}（{n} 个订单）。",
    "Added {n} demo orders to {where}.": "已向 {where} 添加 {n} 个演示订单。",
    "Audit chain intact: {events} events, {orders} orders replayed, head #{seq} {hash}…":
        "审计链完整：{events} 条事件，已重放 {orders} 个订单，链头 #{seq} {hash}…",
    "error: the store does not match its audit trail [{kind}]: {problem}": "错误：数据库与其审计记录不符 [{kind}]：{problem}",
    "error: audit chain broken [{kind}]: {problem}": "错误：审计链已断裂 [{kind}]：{problem}",
    "The audit key of {where} (fingerprint {fingerprint}) was written to {dest}. Anyone holding it can forge the "
    "trail: carry it to the other seat, import it there, then delete it.":
        "{where} 的审计密钥（指纹 {fingerprint}）已写入 {dest}。持有它的人可以伪造审计记录："
        "请把它带到另一台电脑，在那里导入，然后删除。",
    "Both audit head files now record event #{seq}, the end of the checked trail.":
        "两个审计链头文件现在都记录事件 #{seq}，即已校验审计记录的末尾。",
    "Backup written and checked: {path} ({orders} orders, {events} audit events; manifest {manifest}).":
        "备份已写入并校验：{path}（{orders} 个订单，{events} 条审计事件；清单 {manifest}）。",
    "Waiting for {n} other seat(s) to close the store ({seats})...": "正在等待其他 {n} 台电脑关闭数据库（{seats}）…",
    "Restored {src} ({orders} orders, {events} audit events).": "已恢复 {src}（{orders} 个订单，{events} 条审计事件）。",
    "The store it replaced failed its checks ({problem}); it was kept as it was in {path}.":
        "被替换的数据库未通过检查（{problem}）；已原样保存在 {path}。",
    "The data it replaced was kept in {path}.": "被替换的数据已保存在 {path}。",
    "{order}  {channel} {channel_order_no}  {status} ({code})  version {version}":
        "{order}  {channel} {channel_order_no}  {status}（{code}）  版本 {version}",
    "  total {total} {currency}, paid {paid}": "  金额 {total} {currency}，已付 {paid}",
    "  buyer {buyer}; recipient {recipient}, {phone}, {address}": "  买家 {buyer}；收货人 {recipient}，{phone}，{address}",
    "  courier {courier} {tracking_no}": "  快递 {courier} {tracking_no}",
    "  created {created}, last update {updated}": "  下单 {created}，最后更新 {updated}",
    "  line {n}: {sku} {title} x{qty} @ {price} (shipped {shipped})":
        "  第 {n} 行：{sku} {title} ×{qty} @ {price}（已发 {shipped}）",
    "  history (newest first):": "  历史记录（最新的在前）：",
    "    {time}  {who}  [{source}]  {action} {field}: {change}{reason}":
        "    {time}  {who}  [{source}]  {action} {field}：{change}{reason}",
    "  ({reason})": "  （{reason}）",
    "{order} is now {status} (version {version}).": "{order} 现在是“{status}”（版本 {version}）。",
    "default: {hours} h": "默认：{hours} 小时",
    "  {code}: {hours} h ({status})": "  {code}：{hours} 小时（{status}）",
    "  {code}: {hours} h ({status}, the default)": "  {code}：{hours} 小时（{status}，默认值）",
    "{file}: {profile} (header on row {row}); {n} orders in the file": "{file}：{profile}（表头在第 {row} 行）；文件中有 {n} 个订单",
    "would create {creates}, update {updates}, unchanged {unchanged}, refused {refused}, errors {errors}":
        "将新建 {creates}，更新 {updates}，不变 {unchanged}，拒绝 {refused}，错误 {errors}",
    "create {creates}, update {updates}, unchanged {unchanged}, refused {refused}, errors {errors}":
        "新建 {creates}，更新 {updates}，不变 {unchanged}，拒绝 {refused}，错误 {errors}",
    "  refused: {what}": "  拒绝：{what}",
    "Dry run: nothing was written.": "试运行：未写入任何内容。",
    "error: {n} problems in {file}; nothing was imported (fix the file, or use --skip-invalid to import the other "
    "orders).": "错误：{file} 中有 {n} 个问题；未导入任何内容（请修改文件，或用 --skip-invalid 导入其他订单）。",
    "Imported: created {created}, updated {updated}, unchanged {unchanged}, refused {refused}, skipped as invalid "
    "{skipped}.": "已导入：新建 {created}，更新 {updated}，不变 {unchanged}，拒绝 {refused}，因无效跳过 {skipped}。",
    "Exported {orders} orders, {lines} lines and {events} audit events to {path}.":
        "已导出 {orders} 个订单、{lines} 行商品明细和 {events} 条审计事件到 {path}。",
    "error: {message}": "错误：{message}",
    "error: interrupted; nothing more was written.": "错误：已中断；没有再写入任何内容。",
    "error: {message} (details in {log})": "错误：{message}（详情见 {log}）",
    "(the log could not be written)": "（日志无法写入）",
    # argparse's words and the help
    "usage: ": "用法：", "positional arguments": "位置参数", "options": "选项",
    "show this help message and exit": "显示此帮助信息并退出", "show the version and exit": "显示版本号并退出",
    "{prog}: error: {message}": "{prog}：错误：{message}",
    "language of messages and of the export (default: the locale's)": "消息和导出文件的语言（默认：跟随系统区域设置）",
    "Shop Orders (订单台): every channel's orders in one store. The database is --db, else ${env}, else the SQLite "
    "file in your data folder. Once the store has users, every command signs in as --user with the password from "
    "${password_env} or the terminal; a store with no user yet (before its first owner) acts as its owner.":
        "订单台（Shop Orders）：所有渠道的订单集中在一个数据库。数据库取 --db，否则取 ${env}，否则是数据文件夹中的 "
        "SQLite 文件。数据库有用户后，每条命令都以 --user 登录，密码取自 ${password_env} 或终端输入；"
        "还没有用户的数据库（设置第一个老板之前）以老板身份执行。",
    "create the database (or upgrade an older one), with its first owner": "创建数据库（或升级旧版数据库）并设置第一个老板",
    "add realistic mixed-channel demo orders": "添加逼真的多渠道演示订单",
    "how many orders": "订单数量", "random seed (same seed, same orders)": "随机种子（种子相同，订单相同）",
    "list orders, filtered": "列出订单（可筛选）", "status code, repeatable": "状态代码，可重复",
    "channel code, repeatable": "渠道代码，可重复", "only orders past their staleness threshold": "只列超过超时阈值的订单",
    "table for people; csv and json keep codes, for programs": "table 供人阅读；csv 和 json 保留代码，供程序使用",
    "list orders with no update for too long": "列出太久未更新的订单",
    "threshold for every status (default: the shop setting)": "所有状态的阈值（默认：店铺设置）",
    "table for people; json keeps codes, for programs": "table 供人阅读；json 保留代码，供程序使用",
    "the tamper-evident audit trail": "防篡改的审计记录",
    "check the hash chain and replay every order against it; exit 1 naming the first broken event or order":
        "校验哈希链并据此重放每个订单；发现问题时以 1 退出，并指出第一个出错的事件或订单",
    "move the chain's secret key to another seat or computer": "把审计链的密钥转到另一台电脑",
    "write this store's audit key to FILE (readable by you only)": "把本数据库的审计密钥写入 FILE（仅你本人可读）",
    "take the audit key from FILE; it must fit the whole trail": "从 FILE 读取审计密钥；它必须与整条审计记录相符",
    "the chain heads kept outside the database": "保存在数据库之外的链头",
    "after a checked trail: record its end in both head files again": "审计记录校验通过后：在两个链头文件中重新记录其末尾",
    "write a checked backup (a consistent copy while the shop works)": "写入经过校验的备份（营业中也能得到一致的副本）",
    "file or folder (default: the backups folder)": "文件或文件夹（默认：备份文件夹）",
    "replace the database with a checked backup": "用经过校验的备份替换数据库",
    "a backup file written by 'shop-orders backup' (with its manifest)": "由 'shop-orders backup' 写入的备份文件（连同其清单）",
    "wait for other seats to close the store instead of refusing": "等待其他电脑关闭数据库，而不是拒绝",
    "with --wait: give up after this long (default 600)": "与 --wait 一起用：等待这么久后放弃（默认 600）",
    "one order with its lines and history": "显示一个订单及其商品明细和历史记录",
    "global order id, e.g. SO-20261122-000123": "全局订单号，例如 SO-20261122-000123", "global order id": "全局订单号",
    "why (recorded in the audit trail)": "原因（记入审计记录）",
    "refuse if the order's version is no longer V": "如果订单版本已不是 V 则拒绝",
    "change an order's status along an allowed transition": "按允许的流转修改订单状态",
    "record a payment (negative amount: a refund)": "记录一笔付款（负数金额为退款）",
    "decimal amount in the order's currency, e.g. 88.50": "订单币种的金额，例如 88.50",
    "alipay, wechat_pay, card, cash...": "alipay、wechat_pay、card、cash…", "transaction or bank reference": "交易号或银行流水号",
    "ship QTY of line LINE, repeatable": "第 LINE 行发 QTY 件，可重复",
    "edit buyer, recipient, phone, address, courier or tracking number": "修改买家、收货人、电话、地址、快递公司或运单号",
    "import a channel's order export (.xlsx/.xls/.csv/.tsv)": "导入渠道的订单导出文件（.xlsx/.xls/.csv/.tsv）",
    "profile: auto (recognise from the header) or taobao, jd, pinduoduo, douyin, youzan, shopify, woocommerce, "
    "amazon, etsy, ebay, or a saved custom profile": "格式：auto（根据表头识别）或 taobao、jd、pinduoduo、douyin、"
                                                     "youzan、shopify、woocommerce、amazon、etsy、ebay，或已保存的自定义格式",
    "the currency of the file's amounts when it has no currency column (default: the layout's usual one), e.g. ZAR":
        "文件没有币种列时其金额的币种（默认：该格式的常用币种），如 ZAR",
    "show what would happen; write nothing": "只显示将会发生什么，不写入任何内容",
    "import the valid orders, skip rows with problems": "导入有效的订单，跳过有问题的行",
    "export orders to an Excel workbook for the bookkeeper": "把订单导出为给会计的 Excel 工作簿",
    "the .xlsx file to write": "要写入的 .xlsx 文件",
    "only orders created or last updated on or after this day (local time)": "只导出在这一天或之后下单或最后更新的订单（本地时间）",
    "only orders created or last updated on or before this day (local time)": "只导出在这一天或之前下单或最后更新的订单（本地时间）",
    "only stale orders": "只导出超时订单", "leave out the Lines sheet": "不导出商品明细表",
    "show or set the staleness thresholds (shop setting)": "查看或设置超时阈值（店铺设置）",
    "hours for every status without its own (whole hours, 1 to 2160)": "没有单独阈值的状态所用的小时数（整数，1 到 2160）",
    "per status, repeatable": "按状态设置，可重复", "drop the per-status thresholds": "清除按状态设置的阈值",
    # signing in (--user) and new secrets
    "who acts (default: the user named like your OS account). Once the store has users, every command signs in: "
    "the password or PIN from ${env} or the terminal's prompt, never from an argument. A store with no user yet "
    "acts as its owner.":
        "执行命令的用户（默认：与系统账号同名的用户）。数据库有用户后，每条命令都要登录：密码或 PIN 取自 ${env} "
        "或终端提示输入，绝不取自命令参数。还没有用户的数据库以老板身份执行。",
    "{name} must sign in: run this on a terminal to be asked for the password, or set {env}.":
        "{name} 需要登录：请在终端中运行以输入密码，或设置 {env}。",
    "Password or PIN for {name}: ": "{name} 的密码或 PIN：",
    "Again: ": "再输入一次：",
    "Type it on a terminal when asked, or set {env}; nothing was changed.": "请在终端提示时输入，或设置 {env}；未做任何修改。",
    "New password for {name}: ": "{name} 的新密码：",
    "New PIN for {name} (at least 6 digits): ": "{name} 的新 PIN（至少 6 位数字）：",
    # init
    "the first owner's name (default: your OS user); the password from ${env} or the terminal; without either, "
    "the store has no owner yet": "第一个老板的用户名（默认：系统用户名）；密码取自 ${env} 或终端输入；两者都没有时，数据库暂不设老板",
    "{where} has its owner already; add people with: shop-orders users add NAME --role ROLE":
        "{where} 已经有老板；添加人员请用：shop-orders users add NAME --role ROLE",
    "Password for the owner {name} (Enter: no owner yet): ": "老板 {name} 的密码（直接回车：暂不设老板）：",
    "{name} is the owner of this store; from now on every command signs in (--user).":
        "{name} 是此数据库的老板；此后每条命令都要登录（--user）。",
    "The store has no owner yet, so anyone at this computer acts as its owner. Add one with: shop-orders users add "
    "NAME --role owner (the password from the terminal or ${env})":
        "数据库还没有老板，因此这台电脑上的任何人都以老板身份执行。添加老板：shop-orders users add NAME --role owner"
        "（密码取自终端输入或 ${env}）",
    # users
    "the people who sign in, and their roles": "登录的人员及其角色",
    "add a user; the password from ${env} or the terminal": "添加用户；密码取自 ${env} 或终端输入",
    "owner, manager, service, warehouse or bookkeeper (default: the role that may do the least, bookkeeper unless the "
    "owner changed the permissions)": "owner、manager、service、warehouse 或 bookkeeper（默认：权限最少的角色，"
    "老板未改权限时为 bookkeeper）",
    "also a PIN for a quick switch (from ${env} or the terminal)": "同时设置用于快速切换的 PIN（取自 ${env} 或终端输入）",
    "list the users (never a password)": "列出用户（从不显示密码）",
    "stop a user from signing in and acting": "停用用户：不能登录，也不能操作",
    "let a disabled user sign in again": "重新启用已停用的用户",
    "propose another role for a user (a second person approves); prints the change set's id":
        "提交修改用户角色（由第二个人审批）；输出变更单编号",
    "change your own password, or (the owner) anyone's; the new one from ${env} or the terminal":
        "修改自己的密码，或（老板）修改任何人的密码；新密码取自 ${env} 或终端输入",
    "whose (default: yours)": "谁的（默认：你自己的）",
    "change the PIN instead (from ${env} or the terminal)": "改为修改 PIN（取自 ${env} 或终端输入）",
    "Added {name} ({role}).": "已添加 {name}（{role}）。",
    "User": "用户", "Role": "角色", "Disabled": "已停用", "PIN": "PIN", "Locked until": "锁定至",
    "{name} is disabled.": "{name} 已停用。", "{name} is enabled.": "{name} 已启用。",
    "The PIN of {name} was changed.": "{name} 的 PIN 已修改。",
    "The password of {name} was changed.": "{name} 的密码已修改。",
    # bulk
    "change many orders at once; a second person approves (two-person rule)": "一次修改多个订单；由第二个人审批（双人复核）",
    "propose a change; prints the change set's id alone (applied at once below the two-person threshold)":
        "提交修改；只输出变更单编号（低于双人复核门槛时立即执行）",
    "which orders": "哪些订单",
    "global order ids, e.g. SO-20261122-000123": "全局订单号，例如 SO-20261122-000123",
    "the orders with this status, repeatable": "此状态的订单，可重复",
    "with --where-status: only this channel, repeatable": "与 --where-status 一起用：只限此渠道，可重复",
    "with --where-status: only stale orders": "与 --where-status 一起用：只限超时订单",
    "change the status": "修改状态", "change the courier": "修改快递公司",
    "change every price by P percent (-100 to 1000)": "所有价格按 P 百分比调整（-100 到 1000）",
    "cancel the orders": "取消这些订单", "delete (archive) the orders": "删除（归档）这些订单",
    "restore the orders from the archive": "从归档中恢复这些订单",
    "the permission matrix: a JSON object of action → list of roles": "权限矩阵：“操作 → 角色列表”的 JSON 对象",
    "the two-person rule: a second person from MIN orders; a proposal expires after HOURS":
        "双人复核规则：MIN 单起需要第二个人审批；变更单 HOURS 小时后过期",
    "the change sets, newest first": "变更单，最新的在前",
    "one change set: who, why, and each order's before → after": "一个变更单：谁、为什么，以及每个订单的修改前 → 修改后",
    "approve and apply another person's change set, as --user with their password": "以 --user 及其密码审批并执行他人的变更单",
    "turn a change set down": "驳回变更单",
    "propose undoing an applied change set (a second person approves); prints the new change set's id":
        "提交撤回已执行的变更单（由第二个人审批）；输出新变更单的编号",
    "Change set #{id} applied at once ({n} orders: below the two-person threshold).":
        "变更单 #{id} 已立即执行（{n} 个订单：低于双人复核门槛）。",
    "Change set #{id} waits for another person's approval until {expires}: shop-orders bulk approve {id}":
        "变更单 #{id} 等待另一个人审批，截止 {expires}：shop-orders bulk approve {id}",
    "{path} is not JSON: {problem}": "{path} 不是 JSON：{problem}",
    "--two-person '{text}' should look like MIN,HOURS, e.g. 5,24": "--two-person “{text}”的格式应为 订单数,小时数，例如 5,24",
    "Say which orders: --orders SO-…,SO-…, --orders-from FILE or --where-status S.":
        "请说明哪些订单：--orders SO-…,SO-…、--orders-from 文件 或 --where-status S。",
    "Choose the orders either by --orders or by --orders-from, not both.": "请用 --orders 或 --orders-from 之一选择订单，不要同时使用。",
    "{path} cannot be read: {error}.": "无法读取 {path}：{error}。",
    "{path} is not a UTF-8 text file of order ids.": "{path} 不是 UTF-8 编码的订单号文本文件。",
    "{path} names no order.": "{path} 中没有任何订单号。",
    "standard input": "标准输入",
    "the order ids in a text file, one per line; - reads them from standard input": "文本文件中的订单号，每行一个；- 表示从标准输入读取",
    "Choose the orders either by --orders or by the --where filters, not both.":
        "请用 --orders 或 --where 筛选条件之一选择订单，不要同时使用。",
    "A change of the shop's rules takes no orders.": "修改店铺规则不需要指定订单。",
    "Change set": "变更单", "State": "状态", "Proposed by": "提交人", "Approved by": "审批人", "Expires": "过期时间",
    "{n} change sets": "{n} 个变更单",
    "Change set #{id}: {change}, {state}, {n} orders": "变更单 #{id}：{change}，{state}，{n} 个订单",
    "  proposed by {name} ({role}) on {created}; expires {expires}": "  由 {name}（{role}）于 {created} 提交；{expires} 过期",
    "  reason: {reason}": "  原因：{reason}",
    "  decided by {name} on {when}{reason}": "  由 {name} 于 {when} 决定{reason}",
    "This store has no users yet, so nobody can approve: add its owner first (shop-orders users add NAME --role "
    "owner).": "此数据库还没有用户，因此无人可以审批：请先添加老板（shop-orders users add NAME --role owner）。",
    "Change set #{id} approved by {name} and applied ({n} orders).": "变更单 #{id} 已由 {name} 审批并执行（{n} 个订单）。",
    "Change set #{id} rejected.": "变更单 #{id} 已驳回。",
    # exception tickets and the detection rules
    "the detection rules that open exception tickets": "自动开异常工单的检测规则",
    "run every detection rule once, then reminders and escalation; prints how many tickets were opened and "
    "updated": "把每条检测规则运行一次，再处理提醒和升级；输出新开和更新的工单数",
    "Rules run: {opened} tickets opened, {updated} updated; {reminded} reminders, {escalated} escalations.":
        "规则已运行：新开 {opened} 个工单，更新 {updated} 个；提醒 {reminded} 次，升级 {escalated} 次。",
    "exception tickets on orders: open, assign, comment, close with evidence": "订单的异常工单：创建、指派、备注、凭证结单",
    "the tickets, soonest due first": "工单列表，最先到期的在前",
    "only open, in progress or waiting on the customer": "只列待处理、处理中或等待客户的工单",
    "only those past their due time": "只列已超过截止时间的工单",
    "kind code, repeatable: {kinds}": "类型代码，可重复：{kinds}",
    "only this order's (global order id)": "只列这个订单的工单（全局订单号）",
    "open a ticket on an order; prints its id alone": "为订单创建工单；只输出工单编号",
    "kind code: {kinds}": "类型代码：{kinds}",
    "P0 (most urgent) to P3 (default: the kind's)": "P0（最紧急）到 P3（默认：按类型）",
    "what is wrong (the ticket's first comment)": "出了什么问题（工单的第一条备注）",
    "give a ticket to a user or a role": "把工单指派给用户或角色",
    "a user's name, or owner, manager, service, warehouse or bookkeeper":
        "用户名，或 owner、manager、service、warehouse、bookkeeper",
    "add a comment to a ticket": "给工单添加备注",
    "attach files (evidence) to a ticket": "给工单添加文件（凭证）",
    "a photo, a screenshot, a receipt (at most {mb} MB each)": "照片、截图、回单（每个最大 {mb} MB）",
    "move a ticket: open, in_progress, waiting (the clock pauses), resolved":
        "改变工单状态：open（待处理）、in_progress（处理中）、waiting（等待客户，计时暂停）、resolved（已解决）",
    "close a ticket with a written resolution and at least one evidence file": "填写处理结果并附至少一个凭证文件后关闭工单",
    "what was done (required)": "做了什么处理（必填）",
    "a photo, a screenshot, a receipt (at most {mb} MB each), repeatable; required unless the ticket already has "
    "a file attached": "照片、截图、回单（每个最大 {mb} MB），可重复；工单已有附件时可不填",
    "one ticket with its comments, attachments and history": "一个工单及其备注、附件和历史",
    "SLA hit rate and mean time to resolve, per kind and per assignee": "按类型和负责人统计的时限达成率和平均解决时长",
    "Kind": "类型", "Priority": "优先级", "Assignee": "负责人", "Left": "剩余",
    "Opened": "创建时间", "Tickets": "工单", "Resolved": "已解决", "In time": "按时", "SLA hit rate": "时限达成率",
    "Mean time to resolve": "平均解决时长", "All kinds": "全部类型", "{role} (role)": "{role}（角色）",
    "{left} (paused)": "{left}（已暂停）", "{n} tickets": "{n} 个工单",
    "Ticket #{id} opened on {order} for {who}, due {due}.": "已为 {order} 创建工单 #{id}，负责人 {who}，截止 {due}。",
    "Ticket #{id} is assigned to {who}.": "工单 #{id} 已指派给 {who}。",
    "Comment added to ticket #{id}.": "已给工单 #{id} 添加备注。",
    "{n} files attached to ticket #{id}.": "已给工单 #{id} 添加 {n} 个文件。",
    "Ticket #{id} is now {state}.": "工单 #{id} 现为{state}。",
    "Ticket #{id} closed.": "工单 #{id} 已关闭。",
    "Ticket #{id} on {order}: {kind}, {priority}, {state}": "{order} 的工单 #{id}：{kind}，{priority}，{state}",
    "  assigned to {who}; opened {opened} by {by} [{source}]": "  负责人 {who}；{by} 于 {opened} 创建 [{source}]",
    "  due {due} ({left} left)": "  截止 {due}（剩余 {left}）",
    "  the clock is paused with {left} left": "  计时已暂停，剩余 {left}",
    "  resolved {when}": "  于 {when} 解决",
    "  closed {when}: {resolution}": "  于 {when} 关闭：{resolution}",
    "  comments:": "  备注：", "  attachments:": "  附件：",
    "    {name}  {size} bytes  sha256 {sha}…  ({when}, {who})": "    {name}  {size} 字节  sha256 {sha}…  （{when}，{who}）",
    # ticket list at scale and summary tickets (issue 26)
    'Orders already stale when the store first sees them: {choice}.': '店铺首次看到时已滞留的订单：{choice}。',
    '{n} orders already stale when the store first saw them went into summary tickets (tickets orders ID lists them).': '{n} 个在店铺首次看到时已滞留的订单归入了汇总工单（tickets orders ID 可列出它们）。',
    'show or set how orders already stale when the store first sees them are ticketed: summary (one ticket per kind and age band, the default) or each (one ticket per order)': '查看或设置店铺首次看到时已滞留的订单如何开工单：summary（每种类型、每个时长段一个工单，默认）或 each（每个订单一个工单）',
    "the orders of a ticket (a summary ticket's every order), one a line": '工单的订单（汇总工单的全部订单），每行一个',
    # issue 26 item 8: `settings` (cli/settings.py)
    "{field}: {value}": "{field}：{value}", "{field}: (not set)": "{field}：（未设置）",
    "Say what to set, e.g. --shop-name '茶叶小铺' --shop-phone 0571-88886666.":
        "请说明要设置什么，例如 --shop-name '茶叶小铺' --shop-phone 0571-88886666。",
    "Nothing changed: the settings already say so.": "没有变化：设置已经是这样了。",
    "the shop's settings every seat shares: its name, address and phone": "全店共用的设置：店铺名称、地址和电话",
    "the shop's name, address and phone": "店铺名称、地址和电话",
    "set the shop's name, address or phone (printed on packing slips and exports); an empty value clears it":
        "设置店铺名称、地址或电话（印在发货单和导出文件上）；留空即清除",
    "the shop's name, at most 60 characters": "店铺名称，最多 60 个字符",
    "the shop's address, at most 200 characters": "店铺地址，最多 200 个字符",
    "the shop's phone, at most 40 characters": "店铺电话，最多 40 个字符",
    # issue 26 item 10: a command without --user on a store whose users do not include the OS account
    "There is no user {name} in this store: sign in with --user NAME (the owner made at the first start, for "
    "one); the password is asked, or read from {env}.":
        "本店没有用户 {name}：请用 --user 姓名 登录（例如首次启动时创建的老板）；密码会提示输入，或从 {env} 读取。",
    "name each attached file's SHA-256 beside its name in the history": "在修改记录中于附件文件名旁列出其 SHA-256",
    # reconcile (cli/reconcile.py)
    "Matched {n} statement lines ({rules}); {excluded} excluded as not sales; {open} still open.":
        "已匹配 {n} 条对账单明细（{rules}）；{excluded} 条非销售款已排除；{open} 条仍未处理。",
    "Orders: {counts}.": "订单：{counts}。", "{state} {n}": "{state} {n}", "{rule} {n}": "{rule} {n}",
    "Payout line #{line} does not add up: its lines differ from it by {diff}.":
        "提现明细 #{line} 对不上：其所含明细与它相差 {diff}。",
    "Payment tickets: {opened} opened, {resolved} resolved.": "付款工单：新开 {opened} 个，已解决 {resolved} 个。",
    "Expected": "应收", "Received": "实收", "Difference": "差额", "none": "无", "Statement lines": "对账单明细",
    "Statement line #{line} to {order} is over the owner's threshold: change set #{id} waits for another person's "
    "approval: shop-orders bulk approve {id}":
        "对账单明细 #{line} 匹配到 {order} 超过老板设定的金额门槛：变更集 #{id} 等待另一人审批：shop-orders bulk approve {id}",
    "Statement line #{line} matched to {order}.": "对账单明细 #{line} 已匹配到 {order}。",
    "Statement line #{line} is open again.": "对账单明细 #{line} 已重新变为未处理。",
    "Statement line #{line} excluded.": "对账单明细 #{line} 已排除。",
    "{order} is now {state}.": "{order} 现在为“{state}”。",
    "why (kept in the trail)": "原因（记入审计记录）",
    "match payment and bank statements to the orders: red, amber, green": "将支付和银行对账单与订单对账：红、黄、绿",
    "only statement lines on or after this day (local time)": "只处理这一天（本地时间）及之后的对账单明细",
    "only statement lines on or before this day (local time)": "只处理这一天（本地时间）及之前的对账单明细",
    "the orders' reconciliation: state, expected, received, difference, lines": "订单对账情况：状态、应收、实收、差额、明细",
    "only this state: {states}": "只看此状态：{states}",
    "match a statement line to an order by hand (over the owner's threshold a second person approves)":
        "手动将对账单明细匹配到订单（超过老板设定的门槛须另一人审批）",
    "the statement line's number": "对账单明细编号",
    "undo a statement line's match or exclusion; the line is left to people": "撤销对账单明细的匹配或排除；之后由人工处理",
    "exclude a statement line (not a sale, a duplicate...)": "排除一条对账单明细（非销售款、重复……）",
    "confirm an order's money as it is": "按现状确认订单款项",
    "take an order out of the reconciliation": "将订单移出对账",
    # statements (cli/statements.py)
    "{n} statements": "{n} 份对账单", "Statement": "对账单", "Provider": "支付渠道", "Period": "期间",
    "Open": "未处理", "Imported": "导入",
    "payment and bank statements: import them, list them": "支付和银行对账单：导入、列出",
    "import a statement file (Alipay, WeChat Pay, Stripe, PayPal, a bank's CSV, CAMT.053 or MT940); each line is "
    "kept once": "导入对账单文件（支付宝、微信支付、Stripe、PayPal、银行 CSV、CAMT.053 或 MT940）；每条流水只保留一次",
    "check the file and say what would be imported; write nothing": "检查文件并说明将导入什么；不写入任何内容",
    "the file's format when it is not recognised by its header": "文件表头无法识别时，指定其格式",
    "the imported statements, newest first": "已导入的对账单，最新的在前",
    "Nothing new: every line of this statement is already in the store.": "没有新内容：此对账单的每条流水都已导入过。",
    # reconcile export (cli/reconcile.py)
    "the period's reconciliation as an Excel workbook for the bookkeeper, in the language of --lang":
        "该期间的对账结果导出为 Excel 工作簿（给会计），语言按 --lang",
    "from this day (local time; default: from the first statement line)": "从这一天起（本地时间；默认从第一条对账单流水起）",
    "to this day, included (local time; default: to the last)": "到这一天为止，含当天（本地时间；默认到最后一条）",
    "Exported the reconciliation of {orders} orders and {lines} statement lines to {path}.":
        "已将 {orders} 个订单和 {lines} 条对账单流水的对账结果导出到 {path}。",
    "show, or set (the owner), the amount above which a match by hand needs a second person":
        "显示或（由老板）设置金额：人工匹配超过此金额需第二人批准",
    "e.g. 1000.00 (two decimals; 0: every match by hand)": "例如 1000.00（两位小数；0 表示每次人工匹配都需批准）",
    "A match by hand over {amount} needs a second person.": "超过 {amount} 的人工匹配需要第二人批准。",
    "a bank CSV's columns, for a bank whose layout is not built in: JSON with code, columns (date, amount or debit and "
    "credit, currency, reference, memo, counterparty), currency, decimal_mark, date_formats":
        "银行 CSV 的列（用于没有内置格式的银行）：JSON，含 code、columns（date、amount 或 debit 与 credit、currency、"
        "reference、memo、counterparty）、currency、decimal_mark、date_formats",
    "{file} is too large for a column mapping": "{file} 太大，不是列映射文件",
    "{file}: the column mapping cannot be read ({why})": "{file}：无法读取列映射（{why}）",
    # health (cli/health.py; the figures' words are the domain's, zh_health and zh_health_export)
    "today, the last 7 or the last 30 days, today included (default: 7d)": "今天、最近 7 天或最近 30 天，含今天（默认 7d）",
    "a chosen range's first day (local time; with --to)": "自选范围的第一天（本地时间；与 --to 一起用）",
    "a chosen range's last day, included (local time; with --from)": "自选范围的最后一天，含当天（本地时间；与 --from 一起用）",
    "only this channel's orders (default: every channel)": "只看这个渠道的订单（默认全部渠道）",
    "Choose either --span or --from and --to, not both.": "请选择 --span 或 --from 与 --to，不能同时使用。",
    "A chosen range needs both --from and --to.": "自选范围需要同时给出 --from 和 --to。",
    "{value}%": "{value}%", "{value} min": "{value} 分钟", "{value} h": "{value} 小时", "{value} pt": "{value} 个百分点",
    "Health of {channel}, {first} to {last} (compared with {pfirst} to {plast})":
        "{channel}的健康度，{first} 至 {last}（对比 {pfirst} 至 {plast}）",
    "Exported {n} health figures of {first} to {last} to {path}.": "已将 {first} 至 {last} 的 {n} 项健康指标导出到 {path}。",
    "The health rollup was rebuilt from the orders: {n} orders.": "已根据订单重建健康度汇总：{n} 个订单。",
    "The health rollup agrees with the orders.": "健康度汇总与订单一致。",
    "error: the health rollup differs from the orders for {n} orders (ids {ids}); run: shop-orders health rebuild":
        "错误：健康度汇总与订单不一致，涉及 {n} 个订单（id {ids}）；请运行：shop-orders health rebuild",
    "Give the figure's green and amber thresholds, e.g. health lights ship_24h 95 85.":
        "请给出该指标的绿灯和黄灯阈值，例如 health lights ship_24h 95 85。",
    "higher is better": "越高越好", "lower is better": "越低越好", "set for this shop": "本店设定",
    "default (the seeds' best practice)": "默认（最佳实践）",
    "Figure key": "指标代码", "Direction": "方向", "Thresholds from": "阈值来源",
    "'{text}' is not a number": "“{text}”不是数字",
    "the shop's health figures of a period against the previous one, as the dashboard shows them":
        "店铺健康度指标：某期间与上一期间对比，与看板显示的一致",
    "text for people; json keeps keys, codes and numbers, for programs": "text 供人阅读；json 保留键名、代码和数值，供程序使用",
    "the figures as an Excel workbook, in the language of --lang": "指标导出为 Excel 工作簿，语言按 --lang",
    "make the health rollup again from the orders": "根据订单重建健康度汇总",
    "compare the health rollup with the orders (exit 1 naming those that differ)": "核对健康度汇总与订单（不一致时退出码 1 并列出订单）",
    "show every figure's traffic-light thresholds, or set one figure's (the owner or a manager)":
        "显示各指标的信号灯阈值，或（由老板或经理）设置某个指标的阈值",
    "the figure, e.g. ship_24h": "指标，例如 ship_24h",
    "at least this good is green": "达到此值为绿灯", "at least this good is amber": "达到此值为黄灯",
}
