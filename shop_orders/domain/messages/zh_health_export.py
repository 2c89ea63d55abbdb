"""Simplified Chinese: the shop's health figures in a workbook and in tables (services/health_export.py;
the command line's `health` shares these words)."""

ZH: dict[str, str] = {
    # columns
    "Figure": "指标", "Value": "数值", "Unit": "单位", "Previous": "上期", "Against previous": "较上期",
    "Light": "信号灯", "Measured": "计入", "Beside it": "旁注", "Definition": "定义", "Part": "分项",
    "Day": "日期", "{figure} ({unit})": "{figure}（{unit}）", "{figure}: orders": "{figure}：订单数",
    # units and lights
    "%": "%", "minutes": "分钟", "hours": "小时",
    "Green": "绿灯", "Amber": "黄灯", "Red": "红灯", "—": "—",
    # what stands beside a figure
    "median {value} h": "中位数 {value} 小时", "{value}% over 15 min": "{value}% 超过 15 分钟",
    "90th percentile {value} h": "第 90 百分位 {value} 小时", "mean time to resolve {value} h": "平均解决时长 {value} 小时",
    "{value}% of the money": "金额占比 {value}%",
    # the header block and sheets
    "The shop's health": "店铺健康度", "every channel": "全部渠道",
    "Period: {first} to {last}": "期间：{first} 至 {last}", "Compared with: {first} to {last}": "对比：{first} 至 {last}",
    "Channel: {channel}": "渠道：{channel}", "Figures": "指标", "Breakdown": "分项", "Per day": "每日",
}
