"""Simplified Chinese: sentences the command line shares with the services and the desktop app
(file names, the audit key, a password on the command line), kept here since the command line's
own catalogue (cli/zh_cli.py) is loaded only with the command line."""

ZH: dict[str, str] = {
    "{path} already exists; choose another name.": "{path} 已存在，请换一个文件名。",
    "{path} cannot be read.": "无法读取 {path}。",
    "Audit key saved (fingerprint {fingerprint}). It belongs to another store than {where}: restore a backup of "
    "that store (`shop-orders restore FILE`) to use it.":
        "审计密钥已保存（指纹 {fingerprint}）。它属于 {where} 以外的另一个数据库：恢复那个数据库的备份"
        "（`shop-orders restore FILE`）后即可使用。",
    "Audit key imported (fingerprint {fingerprint}); the trail checks out ({count} events). This seat may now write.":
        "审计密钥已导入（指纹 {fingerprint}）；审计记录校验通过（{count} 条事件）。本机现在可以写入。",
    "warning: the password in --db can be read by anyone on this PC (ps shows it); put it in ~/.pgpass or {env} "
    "instead.": "警告：--db 中的密码这台电脑上的任何人都能看到（ps 会显示）；请改放在 ~/.pgpass 或 {env} 中。",
    "The two entries differ; nothing was changed.": "两次输入不一致；未做任何修改。",
    "Ticket": "工单",
}
