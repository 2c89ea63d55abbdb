"""Channel profiles: which header names mean which field, and which status words mean which status.

Built in: the order exports of Taobao/Tmall, JD, Pinduoduo, Douyin (抖店), Youzan, Shopify,
WooCommerce and Amazon (tab-separated order report), from their documented column layouts,
with the spellings that vary between versions (下单帐号/下单账号...). Header names are compared
after `norm` (NFKC, trimmed, tabs and `="..."` removed, case folded). Custom profiles made in
the mapping dialog are the same data, saved as a shop setting.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from shop_orders.domain.status import Status

S = Status

# Fields an order export can fill. channel_order_no is the only one a profile must map.
FIELDS = ["channel_order_no", "channel", "status", "created_at", "buyer", "recipient", "phone", "address", "currency",
          "total", "paid", "sku", "title", "qty", "unit_price", "courier", "tracking_no",
          "address_province", "address_city", "address_district", "address_street",
          "financial_status", "fulfillment_status", "cancelled_at"]
REQUIRED = ("channel_order_no",)


def norm(text) -> str:
    t = unicodedata.normalize("NFKC", str(text or "")).strip().strip("\t").strip()
    if t.startswith('="') and t.endswith('"'):
        t = t[2:-1]
    return " ".join(t.split()).casefold()


@dataclass(frozen=True)
class Profile:
    code: str
    channel: str
    name: str
    columns: dict[str, tuple[str, ...]]
    statuses: dict[str, Status] = field(default_factory=dict)
    currency: str = "CNY"
    signature: tuple[str, ...] = ()  # headers that only this channel's export has
    status_rule: str = "words"  # or "shopify", or "standard" (our own status codes)
    custom: bool = False

    def to_json(self) -> str:
        return json.dumps({"code": self.code, "channel": self.channel, "name": self.name,
                           "columns": {k: list(v) for k, v in self.columns.items()},
                           "statuses": {k: v.value for k, v in self.statuses.items()},
                           "currency": self.currency, "signature": list(self.signature)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        d = json.loads(text)
        return cls(d["code"], d["channel"], d["name"], {k: tuple(v) for k, v in d["columns"].items()},
                   {k: Status(v) for k, v in d.get("statuses", {}).items()}, d.get("currency", "CNY"),
                   tuple(d.get("signature", ())), "words", True)

    @cached_property
    def _status_words(self) -> dict[str, Status]:
        words: dict[str, Status] = {}
        for w, s in self.statuses.items():
            words.setdefault(norm(w), s)
        return words

    @cached_property
    def _seen_words(self) -> dict[str, Status | None]:
        return {}

    def status_for(self, word: str) -> Status | None:
        seen = self._seen_words  # a file repeats a handful of status words 100,000 times
        try:
            return seen[word]
        except KeyError:
            status = self._status_words.get(norm(word))
            if len(seen) < 10_000:
                seen[word] = status
            return status


TAOBAO_STATUS = {
    "等待买家付款": S.AWAITING_PAYMENT, "买家已付款,等待卖家发货": S.AWAITING_SHIPMENT,
    "买家已付款，等待卖家发货": S.AWAITING_SHIPMENT, "卖家部分发货": S.PARTIALLY_SHIPPED,
    "卖家已发货,等待买家确认": S.SHIPPED, "卖家已发货，等待买家确认": S.SHIPPED, "交易成功": S.COMPLETED,
    "交易关闭": S.CANCELLED, "付款以后用户退款成功,交易自动关闭": S.CANCELLED,
    "付款以后用户退款成功，交易自动关闭": S.CANCELLED, "等待买家确认": S.AWAITING_CONFIRMATION,
}

BUILT_IN: list[Profile] = [
    Profile("taobao", "taobao", "淘宝/天猫 订单导出", {
        "channel_order_no": ("订单编号",), "buyer": ("买家会员名", "买家昵称"), "status": ("订单状态",),
        "total": ("总金额", "买家应付货款"), "paid": ("买家实付金额", "买家实际支付金额"),
        "recipient": ("收货人姓名",), "address": ("收货地址",), "phone": ("联系手机", "联系电话"),
        "created_at": ("订单创建时间",), "title": ("宝贝标题",), "qty": ("宝贝总数量",),
        "tracking_no": ("物流单号",), "courier": ("物流公司",), "sku": ("商家编码",),
    }, TAOBAO_STATUS, signature=("买家会员名", "宝贝标题")),
    Profile("jd", "jd", "京东 订单导出", {
        "channel_order_no": ("订单号",), "sku": ("商品ID", "商家SKUID"), "title": ("商品名称",),
        "qty": ("订购数量",), "created_at": ("下单时间",), "unit_price": ("京东价",), "total": ("订单金额",),
        "paid": ("应付金额",), "status": ("订单状态",), "buyer": ("下单帐号", "下单账号"),
        "recipient": ("客户姓名",), "address": ("客户地址",), "phone": ("联系电话",),
        "courier": ("承运商", "快递公司"), "tracking_no": ("运单号",),
    }, {"等待付款": S.AWAITING_PAYMENT, "等待出库": S.AWAITING_SHIPMENT, "等待确认收货": S.SHIPPED,
        "完成": S.COMPLETED, "已完成": S.COMPLETED, "已取消": S.CANCELLED, "取消": S.CANCELLED,
        "(删除)锁定": S.CANCELLED}, signature=("订购数量", "京东价")),
    Profile("pinduoduo", "pinduoduo", "拼多多 订单导出", {
        "channel_order_no": ("订单号",), "title": ("商品",), "status": ("订单状态",),
        "total": ("商品总价(元)",), "paid": ("用户实付金额(元)",), "qty": ("商品数量(件)",),
        "recipient": ("收货人",), "phone": ("手机",), "address_province": ("省",), "address_city": ("市",),
        "address_district": ("区",), "address_street": ("街道", "详细地址"), "created_at": ("订单成交时间", "拼单成功时间"),
        "tracking_no": ("快递单号",), "courier": ("快递公司",), "sku": ("商家编码-SKU维度", "样式ID"),
    }, {"待支付": S.AWAITING_PAYMENT, "待付款": S.AWAITING_PAYMENT, "待发货": S.AWAITING_SHIPMENT,
        "已发货,待签收": S.SHIPPED, "已发货，待签收": S.SHIPPED, "已签收": S.COMPLETED,
        "已取消": S.CANCELLED, "未发货,退款成功": S.CANCELLED, "未发货，退款成功": S.CANCELLED},
        signature=("商品总价(元)", "用户实付金额(元)")),
    Profile("douyin", "douyin", "抖店 订单导出", {
        "channel_order_no": ("主订单编号",), "title": ("选购商品",), "qty": ("商品数量",), "sku": ("商家编码",),
        "unit_price": ("商品单价",), "paid": ("订单应付金额",), "recipient": ("收件人",),
        "phone": ("收件人手机号",), "address_province": ("省",), "address_city": ("市",),
        "address_district": ("区",), "address_street": ("街道", "详细地址"), "created_at": ("订单提交时间",),
        "status": ("订单状态",), "tracking_no": ("快递单号",), "courier": ("快递公司",),
    }, {"待支付": S.AWAITING_PAYMENT, "备货中": S.AWAITING_SHIPMENT, "待发货": S.AWAITING_SHIPMENT,
        "部分发货": S.PARTIALLY_SHIPPED, "已发货": S.SHIPPED, "已完成": S.COMPLETED, "已关闭": S.CANCELLED,
        "已取消": S.CANCELLED}, signature=("主订单编号", "选购商品")),
    Profile("youzan", "youzan", "有赞 订单导出", {
        "channel_order_no": ("订单号",), "status": ("订单状态",), "created_at": ("下单时间",),
        "title": ("商品名称",), "sku": ("规格编码", "商品编码"), "unit_price": ("单价",), "qty": ("数量",),
        "paid": ("订单实付金额",), "total": ("订单实付金额",),
        "recipient": ("收货人/提货人", "收货人"), "phone": ("收货人手机号/提货人手机号", "收货人手机号"),
        "address_province": ("收货人省份",), "address_city": ("收货人城市",), "address_district": ("收货人地区",),
        "address_street": ("详细收货地址/提货地址", "详细收货地址"), "buyer": ("买家姓名",),
        "courier": ("快递公司",), "tracking_no": ("快递单号",),
    }, {"待付款": S.AWAITING_PAYMENT, "待发货": S.AWAITING_SHIPMENT, "已发货": S.SHIPPED,
        "交易成功": S.COMPLETED, "交易关闭": S.CANCELLED}, signature=("订单实付金额", "收货人省份")),
    Profile("shopify", "shopify", "Shopify orders export", {
        "channel_order_no": ("Name",), "buyer": ("Email",), "financial_status": ("Financial Status",),
        "fulfillment_status": ("Fulfillment Status",), "currency": ("Currency",), "total": ("Total",),
        "created_at": ("Created at",), "qty": ("Lineitem quantity",), "title": ("Lineitem name",),
        "unit_price": ("Lineitem price",), "sku": ("Lineitem sku",), "recipient": ("Shipping Name",),
        "address_street": ("Shipping Street", "Shipping Address1"), "address_city": ("Shipping City",),
        "address_district": ("Shipping Zip",), "address_province": ("Shipping Country",),
        "phone": ("Shipping Phone", "Phone"), "cancelled_at": ("Cancelled at",),
    }, currency="USD", signature=("Financial Status", "Lineitem quantity"), status_rule="shopify"),
    Profile("woocommerce", "woocommerce", "WooCommerce order export", {
        "channel_order_no": ("Order Number", "Order ID"), "status": ("Order Status",),
        "created_at": ("Order Date",), "buyer": ("Email (Billing)", "Billing Email"),
        "recipient": ("Full Name (Shipping)", "First Name (Shipping)"),
        "address_street": ("Address 1&2 (Shipping)", "Address 1 (Shipping)"), "address_city": ("City (Shipping)",),
        "address_district": ("Postcode (Shipping)",), "address_province": ("Country Code (Shipping)",),
        "phone": ("Phone (Billing)", "Billing Phone"), "total": ("Order Total Amount", "Order Total"),
        "currency": ("Order Currency", "Currency"), "sku": ("SKU",), "title": ("Item Name",),
        "qty": ("Quantity (- Refund)", "Quantity"), "unit_price": ("Item Cost",),
    }, {"Pending payment": S.AWAITING_PAYMENT, "pending": S.AWAITING_PAYMENT, "On hold": S.AWAITING_PAYMENT,
        "on-hold": S.AWAITING_PAYMENT, "Processing": S.AWAITING_SHIPMENT, "processing": S.AWAITING_SHIPMENT,
        "Completed": S.COMPLETED, "completed": S.COMPLETED, "Cancelled": S.CANCELLED, "cancelled": S.CANCELLED,
        "Refunded": S.CANCELLED, "refunded": S.CANCELLED, "Failed": S.CANCELLED, "failed": S.CANCELLED,
        "wc-processing": S.AWAITING_SHIPMENT, "wc-completed": S.COMPLETED, "wc-pending": S.AWAITING_PAYMENT,
        "wc-on-hold": S.AWAITING_PAYMENT, "wc-cancelled": S.CANCELLED},
        currency="GBP", signature=("Order Status", "Order Total Amount")),
    Profile("amazon", "amazon", "Amazon order report (tab-separated)", {
        "channel_order_no": ("amazon-order-id", "order-id"), "created_at": ("purchase-date",),
        "status": ("order-status",), "title": ("product-name",), "sku": ("sku",),
        "qty": ("quantity", "quantity-purchased"), "currency": ("currency",), "unit_price": ("item-price",),
        "buyer": ("buyer-email",), "recipient": ("recipient-name", "buyer-name"),
        "phone": ("ship-phone-number", "buyer-phone-number"), "address_street": ("ship-address-1",),
        "address_city": ("ship-city",), "address_district": ("ship-postal-code",),
        "address_province": ("ship-country",),
    }, {"Pending": S.AWAITING_PAYMENT, "Unshipped": S.AWAITING_SHIPMENT, "PartiallyShipped": S.PARTIALLY_SHIPPED,
        "Partially Shipped": S.PARTIALLY_SHIPPED, "Shipped": S.SHIPPED,
        "Shipped - Delivered to Buyer": S.COMPLETED, "Canceled": S.CANCELLED, "Cancelled": S.CANCELLED},
        currency="USD", signature=("amazon-order-id",)),
]


# Our own Excel export (services/exporting.py), so a bookkeeper's file can be read back, in either
# of its languages (English and Chinese headers; the status code column is the same in both). No
# signature: all of them would be needed and no header is shared by both languages, so it is
# recognised by how many of its columns a header has, against channels that also need theirs.
BUILT_IN.append(Profile("shoporders", "", "Shop Orders export", {
    "channel_order_no": ("Channel order no.", "渠道订单号"), "channel": ("Channel", "渠道"),
    "status": ("Status code", "状态代码"), "total": ("Total", "金额"), "paid": ("Paid", "已付"),
    "currency": ("Currency", "币种"), "buyer": ("Buyer", "买家"), "recipient": ("Recipient", "收货人"),
    "phone": ("Phone", "电话"), "address": ("Address", "地址"), "courier": ("Courier", "快递公司"),
    "tracking_no": ("Tracking no.", "运单号"), "created_at": ("Created", "下单时间"),
}, status_rule="standard"))


def shopify_status(financial: str, fulfillment: str, cancelled_at: str) -> Status | None:
    financial, fulfillment = norm(financial), norm(fulfillment)
    if norm(cancelled_at) or financial in ("refunded", "voided"):
        return S.CANCELLED
    if financial in ("pending", "authorized", ""):
        return S.AWAITING_PAYMENT
    if financial == "partially_paid":
        return S.PARTIALLY_PAID
    if financial in ("paid", "partially_refunded"):
        return {"fulfilled": S.SHIPPED, "partial": S.PARTIALLY_SHIPPED}.get(fulfillment, S.AWAITING_SHIPMENT)
    return None


def by_code(code: str, custom: list[Profile] = ()) -> Profile:
    for p in [*custom, *BUILT_IN]:
        if p.code == code or p.channel == code:
            return p
    names = ", ".join(p.code for p in [*BUILT_IN, *custom])
    raise ValueError(f"unknown import profile '{code}'; known: auto, {names}")
