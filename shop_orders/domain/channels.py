"""The sales channels a shop sells on, with stable codes and zh/en names."""

from __future__ import annotations

from shop_orders.domain.messages import is_chinese, t

CHANNELS: dict[str, tuple[str, str]] = {
    "taobao": ("Taobao", "淘宝"),
    "tmall": ("Tmall", "天猫"),
    "jd": ("JD", "京东"),
    "pinduoduo": ("Pinduoduo", "拼多多"),
    "douyin": ("Douyin", "抖音"),
    "youzan": ("Youzan", "有赞"),
    "wechat": ("WeChat mini-program", "微信小程序"),
    "pos": ("Shop till", "门店收银"),
    "phone": ("Phone order", "电话订单"),
    "shopify": ("Shopify", "Shopify"),
    "woocommerce": ("WooCommerce", "WooCommerce"),
    "amazon": ("Amazon", "亚马逊"),
    "etsy": ("Etsy", "Etsy"),
    "ebay": ("eBay", "eBay"),
}


def channel_label(code: str, lang: str | None = None) -> str:
    """The channel's name in `lang`, by default the language of the messages."""
    names = CHANNELS.get(code)
    if names is None:
        return code
    return names[1 if is_chinese(lang) else 0]


_NAMES = {name: code for code, (en, zh) in reversed(CHANNELS.items()) for name in (code, en.lower(), zh)}


def parse_channel(text: str) -> str:
    code = _NAMES.get(text.strip().lower())
    if code is None:
        raise ValueError(t("unknown channel '{text}'; expected one of: {choices}", text=text, choices=", ".join(CHANNELS)))
    return code
