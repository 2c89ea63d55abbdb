"""Simplified Chinese: tracking sync, the parcels it rolls back, courier accounts."""

ZH: dict[str, str] = {
    # what the logistics rule writes on its ticket (domain/tickets.py RULE_NOTES)
    "{courier} says {tracking} of {order} is not a valid tracking number; {order} is back to {status}.":
        "{courier} 表示 {order} 的 {tracking} 不是有效的快递单号；{order} 已退回{status}。",
    "{courier} has not picked up {tracking} of {order} within {hours} h of its scan-out; {order} is back to {status}.":
        "{order} 的 {tracking} 扫描出库后 {hours} 小时内 {courier} 仍未揽收；{order} 已退回{status}。",
    "{courier} reports a failed pickup of {tracking} of {order} ({said}); {order} is back to {status}.":
        "{courier} 报告 {order} 的 {tracking} 揽收失败（{said}）；{order} 已退回{status}。",
    # the trail
    "courier's tracking state": "快递物流状态", "courier tracking settings": "物流同步设置",
    "courier accounts": "快递账号", "tracking": "物流跟踪",
    # courier accounts (services/courier_accounts.py)
    "none yet": "暂无",
    "There is no courier '{name}' (known: {known}).": "没有名为“{name}”的快递账号（已有：{known}）。",
    "'{name}' is not a courier name: 1 to 40 letters, digits, spaces, dots or dashes.":
        "“{name}”不能作快递名称：请用 1 到 40 个字母、数字、空格、点或“-”。",
    "'{kind}' is not a courier API; use one of: {kinds}.": "“{kind}”不是支持的快递接口；可选：{kinds}。",
    "'{url}' is not a web address such as https://api.example.com.": "“{url}”不是网址，应形如 https://api.example.com。",
    "The courier's key would travel unencrypted to {host}: use an https:// address.":
        "快递接口密钥将以明文发往 {host}：请使用 https:// 地址。",
    "A new courier needs its API key.": "新增快递账号需要填写接口密钥。",
    # parcels (services/orders.py)
    "There is no parcel {id}.": "没有编号为 {id} 的包裹。",
    "The parcel {tracking} of {order} cannot be recalled: the order is {status}.":
        "{order} 的包裹 {tracking} 不能撤回：订单状态为{status}。",
    "Only the courier's delivery completes an order this way.": "只有快递签收才能以这种方式完成订单。",
    "Order {order} is {status}; only a shipped order is completed by its delivery.":
        "订单 {order} 状态为{status}；只有已发货的订单才会因签收而完成。",
    # tracking sync (services/tracking.py)
    "courier {courier}: {state}": "快递 {courier}：{state}",
    "courier {courier}: delivered": "快递 {courier}：已签收",
    "The sync period must be 0 to 1440 minutes, not {n}.": "同步间隔应为 0 到 1440 分钟，而不是 {n}。",
    "The pickup time must be 1 to 720 hours, not {n}.": "揽收时限应为 1 到 720 小时，而不是 {n}。",
    "{order}: '{tracking}' is not a tracking number {courier} could know; it was not asked.":
        "{order}：“{tracking}”不是 {courier} 能查询的快递单号，未向其查询。",
    # the command line (cli.py)
    "Courier {name} ({kind}) at {url} saved; its key is in the vault.": "快递账号 {name}（{kind}，{url}）已保存；密钥存于保险库。",
    "{name} answers: the address and the key work.": "{name} 已应答：接口地址和密钥均可用。",
    "Courier {name} and its key removed.": "快递账号 {name} 及其密钥已删除。",
    "{done}/{total} parcels": "{done}/{total} 个包裹",
    "Checked {checked}, updated {updated}, rolled back {rolled_back}, completed {completed}, failed {failed}.":
        "已查询 {checked}，更新 {updated}，退回待发货 {rolled_back}，完成 {completed}，失败 {failed}。",
    "The courier keys are locked: set ${env} or run this on a terminal.": "快递密钥已锁定：请设置 ${env}，或在终端中运行。",
    "API": "接口", "Customer id": "客户编号", "Carrier code": "快递公司编码", "Key": "密钥", "stored": "已保存",
    "missing": "缺失", "API key": "接口密钥",
    "No courier is set up yet: add one with shop-orders couriers set NAME --kind K.":
        "尚未设置快递账号：请用 shop-orders couriers set 名称 --kind 类型 添加。",
    "the shop's courier accounts (their keys in the vault)": "店铺的快递账号（密钥存于保险库）",
    "add or change a courier (an option left out keeps what it has); the API key from standard input or a prompt, "
    "never an argument": "添加或修改快递账号（未给出的选项保持原值）；接口密钥从标准输入或提示输入，绝不作为参数",
    "as the parcels name it, e.g. SF or YTO": "与包裹上的快递名称一致，如 SF 或 YTO",
    "the API it speaks": "使用的接口", "the API's address (default: the real service's)": "接口地址（默认：官方服务地址）",
    "Kuaidi100's customer id": "快递100 的 customer 编号",
    "the carrier's code there (Kuaidi100 com, AfterShip slug)": "快递公司编码（快递100 的 com，AfterShip 的 slug）",
    "the couriers: name, API, address, whether a key is stored (never the key)": "快递账号：名称、接口、地址、是否已存密钥（不显示密钥）",
    "ask the courier once with the stored key": "用已存密钥向快递接口查询一次",
    "forget a courier and its key": "删除快递账号及其密钥",
    "ask the couriers about shipped parcels: a false 'shipped' goes back to awaiting shipment with a ticket; prints "
    "checked, updated, rolled back, failed":
        "向快递查询已发货包裹：虚假“已发货”退回待发货并创建工单；输出已查询、已更新、已退回、失败数",
    "only this courier's parcels": "仅查询该快递的包裹",
    "a fake courier on 127.0.0.1 speaking Kuaidi100 and AfterShip, for tests and the demo":
        "在 127.0.0.1 上模拟快递100 和 AfterShip 接口，用于测试和演示",
    "the port (default 8765)": "端口（默认 8765）", "the API key it accepts": "接受的接口密钥",
    "the Kuaidi100 customer id it accepts": "接受的快递100 customer 编号",
    "Vault passphrase: ": "保险库口令：",
    "API key for {name} (empty: keep the stored one): ": "{name} 的接口密钥（留空：保留已存的）：",
    "API key for {name}: ": "{name} 的接口密钥：",
    # the window (ui/couriers.py, ui/main_window.py, ui/detail_panel.py)
    "Vault passphrase": "保险库口令",
    "A new passphrase for the courier keys (at least 8 characters):": "为快递密钥设置新口令（至少 8 个字符）：",
    "The passphrase of the courier keys:": "快递密钥的口令：", "The same passphrase again:": "再次输入同一口令：",
    "empty: the real service's address": "留空：官方服务地址",
    "e.g. shunfeng (Kuaidi100) or ups (AfterShip)": "快递100 的公司编码（如 shunfeng）或 AfterShip 的快递编码",
    "Couriers": "快递账号", "only when asked": "仅手动", "A delivered parcel completes its order": "包裹签收后订单自动完成",
    "Ask the couriers every (minutes)": "查询快递的间隔（分钟）",
    "Not picked up this many hours after scan-out: roll back": "扫描出库后超过此小时数未揽收：退回待发货",
    "Save settings": "保存设置", "Tracking settings saved.": "物流同步设置已保存。", "New courier": "新增快递账号",
    "stored: type a new key to replace it": "已保存：输入新密钥以替换", "the API key": "接口密钥",
    "Add…": "添加…", "Edit…": "编辑…", "Remove": "删除",
    "The keys are kept in this computer's system keychain.": "密钥保存在本机系统钥匙串中。",
    "The keys are kept encrypted in the store, under the owner's passphrase.": "密钥以店主口令加密保存在数据库中。",
    "Courier %s saved.": "快递账号 %s 已保存。", "Courier %s and its key removed.": "快递账号 %s 及其密钥已删除。",
    "Asking %s…": "正在查询 %s…", "Courier %s": "快递账号 %s", "%s answers: the address and the key work.":
        "%s 已应答：接口地址和密钥均可用。",
    "Kuaidi100 (快递100)": "快递100", "AfterShip": "AfterShip",
    "Each system's time of the same step side by side; red: more than 15 minutes apart.":
        "同一环节在各系统中的时间并列显示；相差超过 15 分钟标红。",
    "Scanned out (ours)": "扫描出库（本店）", "Picked up (courier)": "揽收（快递）", "Delivered (courier)": "签收（快递）",
    "Completed (ours)": "完成（本店）", "Courier says": "快递状态", "recalled: it never left": "已撤回：包裹未发出",
    "%s apart": "相差 %s",
    "&Couriers…": "快递账号(&C)…", "&Sync tracking now": "立即同步物流(&S)", "Asking the couriers…": "正在查询快递…",
    "Couriers: %s checked, %s updated, %s rolled back, %s completed, %s failed.":
        "快递：已查询 %s，更新 %s，退回待发货 %s，完成 %s，失败 %s。",
    "No courier is set up yet: add one in Tools → Couriers….": "尚未设置快递账号：请在 工具 → 快递账号… 中添加。",
    "Courier sync waits for the vault to be unlocked (Tools → Couriers…).": "物流同步需先解锁保险库（工具 → 快递账号…）。",
    "New vault passphrase: ": "新的保险库口令：",
    "Both passphrases are needed: the current one from ${old} or a terminal, the new one from ${new} or a terminal.":
        "需要两个口令：当前口令来自 ${old} 或终端，新口令来自 ${new} 或终端。",
    "The vault passphrase is changed; every key is encrypted under the new one.": "保险库口令已更改；所有密钥均已用新口令重新加密。",
    "change the vault's passphrase (the current one from $SHOP_ORDERS_VAULT_PASSPHRASE or a prompt, the new one from "
    "$SHOP_ORDERS_NEW_VAULT_PASSPHRASE or typed twice)":
        "更改保险库口令（当前口令来自 $SHOP_ORDERS_VAULT_PASSPHRASE 或提示输入，新口令来自 $SHOP_ORDERS_NEW_VAULT_PASSPHRASE 或输入两次）",
    "Ticket #%s: a parcel never left, its order is back to awaiting shipment": "工单 #%s：包裹未发出，订单已退回待发货",
    "Change passphrase…": "更改口令…",
    "There is no passphrase to change: the keys are in the system keychain, or none is stored yet.":
        "没有可更改的口令：密钥保存在系统钥匙串中，或尚未保存任何密钥。",
    # unknown is not invalid; parcels matched by courier aliases (issue 22)
    "It also answers for parcels of: {names}.": "它也负责以下名称的包裹：{names}。",
    "Also called": "别名",
    "{n} of the checked parcels are not known to their courier yet; they stay shipped until the pickup deadline.":
        "已查询的包裹中有 {n} 个快递尚无信息；在揽收时限之前它们保持已发货。",
    "another name its parcels carry, e.g. 顺丰速运 or 'SF Express'; repeatable, replaces the stored aliases (a new "
    "courier starts with its carrier code's usual names)":
        "包裹上该快递的其他名称，如 顺丰速运 或 “SF Express”；可重复，替换已存的别名（新快递账号默认带有其公司编码的常用名称）",
    "forget every alias": "清除所有别名",
    "minutes an AfterShip tracking stays Pending after it is registered (default 10)":
        "AfterShip 运单登记后保持 Pending 的分钟数（默认 10）",
    "A courier has at most {n} aliases.": "一个快递账号最多有 {n} 个别名。",
    "'{alias}' already names the courier {other}; a parcel's courier must point to one account.":
        "“{alias}”已是快递账号 {other} 的名称；包裹的快递名称只能对应一个账号。",
    "The courier alias '{alias}' is longer than 40 characters.": "快递别名“{alias}”超过 40 个字符。",
    "The courier {name} answers {number} only with the recipient's phone number (its last 4 digits); the order has none.":
        "快递接口“{name}”需要收件人手机号（后 4 位）才能查询 {number}；该订单没有可用的手机号。",
    "{order} ({tracking}): {problem}": "{order}（{tracking}）：{problem}",
    "%s not known to their courier yet.": "%s 个包裹快递尚无信息。",
    "{count} parcels of {courier} were not checked: no courier account answers for that name. Add one, or add "
    "{courier} as an alias of the right account (Tools → Couriers…).":
        "{courier} 的 {count} 个包裹未查询：没有快递账号对应这个名称。请添加一个账号，或把 {courier} 设为相应账号的别名（工具 → 快递账号…）。",
    "{count} parcels name no courier and were not checked.": "{count} 个包裹没有快递名称，未查询。",
    "other names in channel files, e.g. 顺丰速运, SF Express (empty for a new courier: the carrier code's usual names)":
        "渠道文件中的其他名称，如 顺丰速运, 顺丰（新账号留空：使用其公司编码的常用名称）",
    "A courier key is 1 to 500 printable ASCII characters (letters, digits, signs), without spaces.":
        "快递密钥应为 1 到 500 个可打印的 ASCII 字符（字母、数字、符号），不含空格。",
}
