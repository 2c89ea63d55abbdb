"""Simplified Chinese: the vault for courier secrets (services/vault.py) and its trail words."""

ZH: dict[str, str] = {
    # the right (domain/roles.py, services/permissions.py)
    "store, replace and delete courier secrets": "保存、替换和删除快递接口密钥",
    "Only the owner may {action}; no other role can be given it.": "只有老板可以{action}；不能授予其他角色。",
    # names and secrets
    "A secret needs a name.": "密钥需要一个名称。",
    "A secret's name is 1 to {max} printable characters without spaces at its ends.":
        "密钥名称为 1 到 {max} 个可打印字符，首尾不能有空格。",
    "An empty secret cannot be stored; delete it instead.": "不能保存空密钥；如要清除，请删除它。",
    "This secret holds characters that are not text.": "这个密钥含有不是文字的字符。",
    "A secret is at most {max} bytes (about 1,280 letters, as Windows keeps it); this one is {size}.":
        "密钥最多 {max} 字节（按 Windows 的保存方式约 1,280 个英文字母）；这个密钥为 {size} 字节。",
    "No secret named {name} is stored.": "没有保存名为 {name} 的密钥。",
    "The vault's data in the store is damaged; store the secrets again.": "数据库中的密钥库数据已损坏；请重新保存密钥。",
    # our own vault
    "The vault's master passphrase is needed: type it, or set SHOP_ORDERS_VAULT_PASSPHRASE for scripts.":
        "需要密钥库的主密码：请输入，脚本可设置 SHOP_ORDERS_VAULT_PASSPHRASE。",
    "A vault passphrase has at least {min} characters.": "密钥库主密码至少 {min} 个字符。",
    "The vault passphrase is wrong.": "密钥库主密码不正确。",
    # the computer's keychain
    "This store has no id yet, so its secrets have no place in the keychain.": "此数据库还没有编号，无法在系统钥匙串中保存它的密钥。",
    "The computer's keychain refused; unlock it or try again.": "系统钥匙串拒绝了操作；请解锁后重试。",
    "The secret {name} is not in this computer's keychain; the owner stores it again on this computer.":
        "这台电脑的系统钥匙串中没有密钥 {name}；请老板在这台电脑上重新保存。",
    "The computer's keychain keeps these secrets under its own sign-in; there is no vault passphrase to change.":
        "这些密钥由系统钥匙串凭电脑登录保管；没有可更改的密钥库主密码。",
    # the trail (domain/trail.py)
    "stored (value not shown)": "已保存（不显示内容）",
    "replaced (value not shown)": "已替换（不显示内容）",
    "deleted": "已删除",
    "set": "已设置",
    "changed": "已更改",
}
