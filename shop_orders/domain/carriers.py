"""The names a courier goes by: what channel files and staff write ("顺丰速运", "顺丰", "SF Express")
for one courier, and how a written name is compared with an account's name and aliases.

A shop's courier account (services/courier_accounts.py) has a name and aliases the owner edits;
a parcel's courier, as a channel file or a clerk wrote it, belongs to the account whose name or
alias it matches after `carrier_key` (width, case and spaces folded). `KNOWN` gives an account
its first aliases from its carrier code (Kuaidi100's `com`, AfterShip's `slug`), so a new SF
account already answers for "顺丰速运". Names from the carriers' own sites and the couriers'
lists of Kuaidi100 (快递公司编码) and AfterShip (couriers). Pure: no I/O.
"""

from __future__ import annotations

import unicodedata

KNOWN: dict[str, tuple[str, ...]] = {
    # Kuaidi100 com codes
    "shunfeng": ("顺丰速运", "顺丰快递", "顺丰", "SF", "SF Express", "SF-Express"),
    "zhongtong": ("中通快递", "中通", "ZTO", "ZTO Express"),
    "yuantong": ("圆通速递", "圆通快递", "圆通", "YTO", "YTO Express"),
    "yunda": ("韵达快递", "韵达速递", "韵达", "Yunda", "Yunda Express"),
    "shentong": ("申通快递", "申通", "STO", "STO Express"),
    "jd": ("京东快递", "京东物流", "京东", "JD Logistics", "JD Express"),
    "ems": ("EMS", "中国邮政EMS", "邮政EMS", "China EMS"),
    "youzhengguonei": ("邮政快递包裹", "中国邮政", "邮政包裹", "China Post"),
    "jtexpress": ("极兔速递", "极兔快递", "极兔", "J&T Express", "J&T"),
    "debangkuaidi": ("德邦快递", "德邦物流", "德邦", "Deppon"),
    "debangwuliu": ("德邦物流", "德邦", "Deppon"),
    "jingdongkuaiyun": ("京东快运",),
    "shunfengkuaiyun": ("顺丰快运",),
    "fengwang": ("丰网速运", "丰网"),
    "danniao": ("丹鸟",),
    "zhaijisong": ("宅急送", "ZJS"),
    "baishiwuliu": ("百世快运",),
    # AfterShip slugs
    "sf-express": ("顺丰速运", "顺丰", "SF", "SF Express"),
    "china-ems": ("EMS", "中国邮政EMS", "China EMS"),
    "china-post": ("中国邮政", "China Post"),
    "yunexpress": ("云途物流", "YunExpress"),
    "4px": ("递四方", "4PX"),
    "ups": ("UPS",), "fedex": ("FedEx", "Federal Express"), "usps": ("USPS", "US Postal Service"),
    "dhl": ("DHL", "DHL Express"), "royal-mail": ("Royal Mail",), "parcelforce": ("Parcelforce",),
    "evri": ("Evri", "Hermes"), "dpd-uk": ("DPD", "DPD UK"), "dpd": ("DPD",), "yodel": ("Yodel",),
    "amazon": ("Amazon Logistics", "Amazon Shipping"), "canada-post": ("Canada Post",),
    "australia-post": ("Australia Post",), "postnl-3s": ("PostNL",), "dhl-global-mail": ("DHL eCommerce",),
    "india-post": ("India Post",), "delhivery": ("Delhivery",), "bluedart": ("Blue Dart", "BlueDart"),
}


def carrier_key(name: str) -> str:
    """A courier name as compared: NFKC width folding, case folded, spaces, dots and dashes removed
    ("SF Express", "sf-express" and "ＳＦ　Express" are one name)."""
    text = unicodedata.normalize("NFKC", str(name or "")).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-_·")


def default_aliases(carrier_code: str, name: str = "") -> tuple[str, ...]:
    """The names the carrier with this code goes by, except the account's own name."""
    own = carrier_key(name)
    return tuple(a for a in KNOWN.get(carrier_code.strip().lower(), ()) if carrier_key(a) != own)
