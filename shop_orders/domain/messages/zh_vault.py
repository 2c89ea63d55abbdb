"""Simplified Chinese: the vault for courier secrets (services/vault.py) and its trail words."""

ZH: dict[str, str] = {
    # the right (domain/roles.py, services/permissions.py)
    "store, replace and delete courier secrets": "保存、替换和删除快递接口密钥",
    "Only the owner may {action}; no other role can be given it.": "只有老板可以{action}；不能授予其他角色。",
}
