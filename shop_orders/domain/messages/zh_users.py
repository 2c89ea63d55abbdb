"""Simplified Chinese: users, roles, permissions and two-person change sets."""

ZH: dict[str, str] = {
    # roles and actions (domain/roles.py)
    "unknown role '{text}'; expected one of: {choices}": "未知角色“{text}”；可用：{choices}",
    "status {current} → {target}": "状态 {current} → {target}",
    "record payments and refunds": "登记付款和退款", "ship orders (scan out)": "发货（扫描出库）",
    "edit recipient, phone and address": "修改收货人、电话和地址", "edit courier and tracking number": "修改快递公司和运单号",
    "edit the buyer": "修改买家", "import channel files": "导入渠道文件", "export to Excel": "导出 Excel",
    "propose bulk edits": "提交批量修改", "change prices and discounts": "修改价格和折扣",
    "archive (delete) orders": "归档（删除）订单", "purge archived orders": "清除已归档订单",
    "approve another person's change": "审批他人的修改", "open and handle exception tickets": "创建和处理异常工单",
    "change shop settings (thresholds, time zone)": "修改店铺设置（阈值、时区）",
    "change the permission matrix and the two-person rule": "修改权限矩阵和双人复核规则",
    "add, disable and re-role users": "添加、停用用户和修改角色", "back up the store": "备份数据库",
    "restore a backup": "恢复备份", "move the audit key to another seat": "把审计密钥转到其他电脑",
    # auth
    "a password needs at least {n} characters": "密码至少需要 {n} 个字符",
    "a PIN is at least {n} digits": "PIN 至少为 {n} 位数字",
    "'{name}' cannot be a user name": "“{name}”不能作为用户名",
    "The first user of a store is its owner.": "数据库的第一个用户是老板。",
    "There is already a user {name}.": "已经有用户 {name}。",
    "There is no user {name}.": "没有用户 {name}。",
    "The account {name} is disabled; the owner can enable it.": "账号 {name} 已停用；老板可以重新启用。",
    "The account {name} is locked after too many wrong attempts; try again in {minutes} min.":
        "账号 {name} 因多次输错已锁定；请 {minutes} 分钟后再试。",
    "Wrong password or PIN; the account {name} is now locked for {minutes} min.":
        "密码或 PIN 错误；账号 {name} 现已锁定 {minutes} 分钟。",
    "Wrong password or PIN for {name}.": "{name} 的密码或 PIN 错误。",
    "Changing a role needs a second person's approval: propose it.": "修改角色需要第二个人审批：请提交变更单。",
    "{name} is the only owner; make someone else owner first.": "{name} 是唯一的老板；请先让其他人成为老板。",
    # permissions
    "{name} is not a user of this store (or is disabled).": "{name} 不是此数据库的用户（或已停用）。",
    "{name} is now {role}; sign in again.": "{name} 现在是“{role}”；请重新登录。",
    "{role} may not {action} (the owner sets this in the permissions).": "“{role}”不能{action}（由老板在权限中设置）。",
    "Changing {what} needs a second person's approval: propose it.": "修改{what}需要第二个人审批：请提交变更单。",
    "the permissions": "权限", "the two-person rule": "双人复核规则",
    "unknown actions: {actions}": "未知操作：{actions}",
    "the two-person rule applies from 1 order up (at most 1,000,000)": "双人复核规则从 1 单起适用（最多 1,000,000）",
    "a proposal expires after 1 hour to 30 days": "变更单的有效期为 1 小时到 30 天",
    "the idle lock is 0 (never) to 1440 minutes": "空闲锁定为 0（从不）到 1440 分钟",
    # orders (two-person operations)
    "{what} needs a second person's approval: propose it.": "{what}需要第二个人审批：请提交变更单。",
    "Changing prices": "修改价格", "Deleting orders": "删除订单", "Purging orders": "清除订单",
    "Order {order} has no such line.": "订单 {order} 没有这一行商品。",
    "a price must be from 0 to {most}": "价格必须在 0 到 {most} 之间",
    "{order} is not archived; only archived orders are purged.": "{order} 未归档；只能清除已归档的订单。",
    # change sets
    "change status": "修改状态", "cancel": "取消订单", "change courier": "修改快递公司", "change prices": "修改价格",
    "delete (archive)": "删除（归档）", "restore from the archive": "从归档恢复",
    "revert a change set": "撤回变更单", "change a user's role": "修改用户角色", "change the permissions": "修改权限",
    "change the two-person rule": "修改双人复核规则",
    "'{text}' is not a percentage": "“{text}”不是百分比",
    "a price change is from -100% to +1000%, not {text}": "价格调整范围为 -100% 到 +1000%，不能是 {text}",
    "{order}: {problem}": "{order}：{problem}",
    "{order} is {status}; its prices stay as they are.": "{order} 为“{status}”；价格保持不变。",
    "unknown change '{kind}'": "未知的修改“{kind}”",
    "A change set needs a reason.": "变更单需要填写原因。",
    "{status} cannot be set by hand.": "“{status}”不能手动设置。",
    "No order matches: nothing to change.": "没有匹配的订单：无需修改。",
    "Order #{id} is no longer in the store.": "订单 #{id} 已不在数据库中。",
    "{order} is archived; restore it from the archive first.": "{order} 已归档；请先从归档中恢复。",
    "Only an applied change set can be reverted (#{id} is not one).": "只有已执行的变更单可以撤回（#{id} 不是）。",
    "#{id} cannot be reverted: {what}.": "#{id} 不能撤回：{what}。",
    "{order} is no longer in the store.": "{order} 已不在数据库中。",
    "{order} cannot go back from {current} to {status}.": "{order} 不能从“{current}”改回“{status}”。",
    "There is no change set #{id}.": "没有变更单 #{id}。",
    "Change set #{id} is {state}: it can no longer be approved or rejected.": "变更单 #{id} {state}：不能再审批或驳回。",
    "waiting for approval": "待审批", "applied": "已执行", "rejected": "已驳回", "expired": "已过期", "reverted": "已撤回",
    "{name} proposed change set #{id}; another person must approve it.": "变更单 #{id} 由 {name} 提交；必须由另一个人审批。",
    "Change set #{id} was modified after it was proposed; it cannot be approved.": "变更单 #{id} 提交后被改动过；不能审批。",
    "{order} changed after change set #{id} was proposed; nothing was changed: propose it again.":
        "变更单 #{id} 提交后 {order} 被修改过；未做任何修改：请重新提交。",
    "A purge takes a backup first, and the backup failed: {reason}": "清除前需要先备份，而备份失败：{reason}",
    "Rejecting needs a reason.": "驳回需要填写原因。",
    "the permissions are an object of action → list of roles": "权限应为“操作 → 角色列表”的对象",
    "the two-person rule is two whole numbers: orders and hours": "双人复核规则是两个整数：订单数和小时数",
    # showing a change set
    "(none)": "（无）", "yes": "是", "no": "否", "purged": "已清除", "archived": "已归档",
    "line {n}: {old} → {new}": "第 {n} 行：{old} → {new}",
    "{name}: {old} → {new}": "{name}：{old} → {new}",
    "a second person from {n} orders; a proposal expires after {hours} h": "{n} 单起需要第二个人审批；变更单 {hours} 小时后过期",
    "{action}: {roles}": "{action}：{roles}", "prices {percent}%": "价格 {percent}%",
    "undoes change set #{id}": "撤回变更单 #{id}",
    # two people means two people (issue 23)
    "{what} needs a second person's approval while two people may approve: propose it.":
        "当有两人可以审批时，{what}需要第二个人审批：请提交变更单。",
    "Enabling {name}": "启用 {name}", "Creating {name} as {role}": "以{role}身份创建 {name}",
    "Setting {name}'s password or PIN": "设置 {name} 的密码或 PIN",
    "add a user who may approve": "添加可审批的用户", "enable a user who may approve": "启用可审批的用户",
    "set another approver's password or PIN": "设置其他审批人的密码或 PIN",
    "{proposer} set {name}'s password or PIN, so {name} may not approve what {proposer} proposes (#{id}) until {name} "
    "sets their own.": "{name} 的密码或 PIN 由 {proposer} 设置，因此在 {name} 自行设置之前，不能审批 {proposer} 提交的变更单（#{id}）。",
    "{proposer} gave {name} their role, so {name} may not approve what {proposer} proposes (#{id}) before {until}.":
        "{name} 的角色由 {proposer} 授予，因此在 {until} 之前不能审批 {proposer} 提交的变更单（#{id}）。",
    "{name} as {role}": "{name}，{role}",
    "the shop setting {key}": "店铺设置 {key}", "the account {name}": "账号 {name}",
    "{what} was changed in the database outside Shop Orders (its signature does not match); nothing was done: run "
    "`shop-orders audit verify`, then restore a backup or set it again.":
        "{what}在订单台之外被改动过（签名不符）；未执行任何操作：请运行 `shop-orders audit verify`，然后恢复备份或重新设置。",
    "Change set #{id} was changed in the database outside Shop Orders; it cannot be approved.":
        "变更单 #{id} 在订单台之外被改动过；无法审批。",
}
