"""Simplified Chinese: exception tickets, the SLA clock and the detection rules."""

ZH: dict[str, str] = {
    # the week (domain/sla.py)
    "Monday": "星期一", "Tuesday": "星期二", "Wednesday": "星期三", "Thursday": "星期四", "Friday": "星期五",
    "Saturday": "星期六", "Sunday": "星期日",
    "the opening hours leave no time for this due time within {days} days": "按营业时间，{days} 天内排不下这个截止时间",
    "'{text}' is not a time of day such as 09:00": "“{text}”不是时间（例如 09:00）",
    "opening hours name the seven days of the week": "营业时间需列出一周七天",
    "the shop is never open in these opening hours; leave them empty to count every hour":
        "按这些营业时间店铺从不营业；如要按全天计时，请留空",
    "'{text}' is not an opening period such as 09:00-18:00": "“{text}”不是营业时段（例如 09:00-18:00）",
    # kinds, states, priorities (domain/tickets.py)
    "payment failure or mismatch": "支付失败或金额不符", "out of stock": "缺货", "address problem": "地址问题",
    "customer cancel": "客户取消", "logistics": "物流", "return / exchange": "退换货", "stuck order": "订单卡住",
    "other": "其他", "open": "待处理", "in progress": "处理中", "waiting on customer": "等待客户",
    "resolved": "已解决", "closed": "已关闭",
    "{sign}{m} min {s:02d} s": "{sign}{m} 分 {s:02d} 秒", "{sign}{d} d {h} h": "{sign}{d} 天 {h} 小时",
    "{sign}{h} h {m:02d} min": "{sign}{h} 小时 {m:02d} 分",
    "unknown priority '{text}'; expected P0, P1, P2 or P3": "未知优先级“{text}”；可用：P0、P1、P2、P3",
    "The ticket is already {state}.": "工单已经是{state}。",
    "A ticket that is {current} cannot become {target}.": "{current}的工单不能改为{target}。",
    "a response time is from 1 minute to 90 days": "响应时限为 1 分钟到 90 天",
    "unknown ticket kind '{text}'; expected one of: {choices}": "未知工单类型“{text}”；可用：{choices}",
    "unknown ticket state '{text}'; expected one of: {choices}": "未知工单状态“{text}”；可用：{choices}",
    # the rules (services/rules.py)
    "{order} is {status} with {paid} paid of {total}.": "{order} 为{status}，已付 {paid}，应付 {total}。",
    "{order} ({status}) has had no update since {since}.": "{order}（{status}）自 {since} 起没有更新。",
    "The channel says the customer cancelled {order}, which is {status} here: stop the parcel or arrange the return.":
        "渠道显示客户已取消 {order}，而本店为{status}：请拦截包裹或安排退货。",
    "{order} is cancelled but {paid} was paid and not refunded.": "{order} 已取消，但已付 {paid} 尚未退款。",
    # the tickets (services/tickets.py)
    "A comment": "备注", "The resolution": "处理结果", "The note": "说明",
    "a reminder is from 0 to 1440 minutes before the due time": "提醒时间为截止前 0 到 1440 分钟",
    "There is no ticket #{id}.": "没有工单 #{id}。",
    "{what} is longer than {n} characters": "{what}超过 {n} 个字符",
    "{order} is archived; restore it from the archive before opening a ticket.": "{order} 已归档；请先从归档中恢复再创建工单。",
    "{order} already has an open {kind} ticket (#{id}); add to it instead.": "{order} 已有未关闭的{kind}工单（#{id}）；请在该工单上补充。",
    "A comment needs some text.": "备注不能为空。",
    "{name} is {mb} MB; an attachment is at most {limit} MB.": "{name} 为 {mb} MB；附件最大 {limit} MB。",
    "An attachment needs a file name.": "附件需要文件名。",
    "{name} is empty; attach the file itself.": "{name} 是空文件；请附上文件本身。",
    "Closing a ticket needs a resolution and evidence: use close.": "关闭工单需要处理结果和凭证：请使用“关闭”。",
    "Closing a ticket needs a written resolution.": "关闭工单需要填写处理结果。",
    "Closing a ticket needs at least one evidence file (a photo, a screenshot, a receipt).":
        "关闭工单至少需要一个凭证文件（照片、截图、回单）。",
    "'{name}' is neither a user of this store nor a role ({roles}).": "“{name}”既不是本店用户，也不是角色（{roles}）。",
    # audit verify (services/verification.py)
    "the audit trail has no record of this file being attached": "审计记录中没有添加此文件的记录",
    "ticket #{id} on {order}, attachment {name}: {what}": "{order} 的工单 #{id}，附件 {name}：{what}",
    "the file is missing from the store": "数据库中缺少此文件",
    "the file was altered after it was attached (its SHA-256 no longer matches)": "文件在添加后被改动（SHA-256 不再一致）",
}
