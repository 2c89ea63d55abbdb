"""The built-in channel layouts: the files the channels' back offices and export plugins write.

Each layout names where its columns and status words were taken from. Sources were read through
public code that parses or emulates the real exports (shop ERPs, analysis scripts, importers),
the plugins' own source and the channels' open-platform documentation; notes of the research are
summarised in each docstring. Where sources disagree, the decision is written beside the entry.

Money: `total` is what the buyer owes for the order (after discounts, postage included where the
file says so); `paid` what the buyer actually paid. A file without a paid column is read as paid
in full once the order is past payment. A closed or cancelled order counts as paid only when the
file shows money was received (a payment time, or a word such as 未发货，退款成功); a refund the
word or a refund column states is recorded as a refund beside the payment. What every money column
of the real exports means, and the evidence, is written in tests/real/exports/MEANINGS.md; the
tests there import real files and compare with orders worked out from it.

A file without a status column (or a row with an empty one) gets the status its facts say
(plan.facts_status). A file without any amount (Amazon's pickup list) gives orders whose amounts
are unknown, never 0.00.
"""

from __future__ import annotations

from collections.abc import Sequence

from shop_orders.domain.messages import N_, t
from shop_orders.domain.status import Status
from shop_orders.services.importing.profiles import Profile

S = Status

# ---- Taobao / Tmall -------------------------------------------------------------------------

TAOBAO_WORDS = {
    "等待买家付款": S.AWAITING_PAYMENT, "没有创建支付宝交易": S.AWAITING_PAYMENT,
    "国际信用卡支付付款确认中": S.AWAITING_PAYMENT, "外卡支付付款确认中": S.AWAITING_PAYMENT,
    "0元购合约中": S.AWAITING_PAYMENT, "余额宝0元购合约中": S.AWAITING_PAYMENT,
    "等待买家确认货到付款订单信息": S.AWAITING_CONFIRMATION,
    "拼团中订单,已付款但禁止发货": S.AWAITING_CONFIRMATION, "已付款但禁止发货": S.AWAITING_CONFIRMATION,
    "买家已付款,等待卖家发货": S.AWAITING_SHIPMENT, "等待卖家发货": S.AWAITING_SHIPMENT, "买家已付款": S.AWAITING_SHIPMENT,
    "买家已确认,等待卖家发货": S.AWAITING_SHIPMENT,  # cash on delivery, confirmed
    "卖家部分发货": S.PARTIALLY_SHIPPED,
    "卖家已发货,等待买家确认": S.SHIPPED, "卖家已发货,等待买家确认收货": S.SHIPPED, "卖家已发货": S.SHIPPED,
    "等待买家确认收货": S.SHIPPED, "等待买家确认": S.SHIPPED, "卖家已发货,等待买家确认收货并付款": S.SHIPPED,
    "交易成功": S.COMPLETED, "买家已签收": S.COMPLETED, "买家已签收,回款至卖家": S.COMPLETED,
    "交易关闭": S.CANCELLED, "交易已关闭": S.CANCELLED, "交易被淘宝关闭": S.CANCELLED,
    "付款以后用户退款成功,交易自动关闭": S.CANCELLED, "付款以前,卖家或买家主动关闭交易": S.CANCELLED,
}
TAOBAO_PAID = ("拼团中订单,已付款但禁止发货", "已付款但禁止发货")
TAOBAO_REFUNDED = ("付款以后用户退款成功,交易自动关闭",)

TAOBAO = Profile(
    "taobao", "taobao", N_("Taobao/Tmall order report (订单报表)"), {
        "channel_order_no": ("订单编号",), "buyer": ("买家会员名", "买家昵称"), "status": ("订单状态",),
        "total": ("总金额", "总金额(旧版)", "订单金额"), "paid": ("买家实际支付金额", "买家实付金额"),
        "refunded": ("退款金额",), "recipient": ("收货人姓名",), "address": ("收货地址",),
        "phone": ("联系手机", "联系电话"), "created_at": ("订单创建时间", "买家下单时间", "创建时间"),
        "paid_at": ("订单付款时间", "买家付款时间", "付款时间"), "shipped_at": ("发货时间",),
        "finished_at": ("确认收货时间", "交易成功时间"), "title": ("宝贝标题", "商品标题"),
        "qty": ("宝贝总数量", "宝贝数量"), "tracking_no": ("物流单号", "运单号"), "courier": ("物流公司",),
        "sku": ("商家编码", "商家编码(sku)"),
    }, TAOBAO_WORDS, identity=("status", "buyer"), paid_words=TAOBAO_PAID, refunded_words=TAOBAO_REFUNDED,
    paid_net=True,
    source="千牛/卖家中心 已卖出的宝贝 → 批量导出, ExportOrderList*.csv/.xlsx (44 columns in the CSV of "
           "2014–2018, later with 支付单号 and 打款商家金额; the newest xlsx renames 买家实际支付金额 to 买家实付金额, "
           "订单创建时间 to 买家下单时间, 总金额 to 总金额(旧版)). Words: ExportOrderList parsers in shop ERPs and "
           "the open platform's Trade.status texts (TRADE_CLOSED = paid, then refunded). 订单付款时间 is empty "
           "for unpaid orders; 交易关闭 with a payment time was paid and refunded. 总金额 is what was charged "
           "(= the Alipay amount); 买家实际支付金额 is what is left after 退款金额 (总金额 − 退款金额 on every "
           "paid row of two real sets, 24,704 orders): received = 买家实际支付金额 + 退款金额.")

TAOBAO_ITEMS = Profile(
    "taobao-items", "taobao", N_("Taobao/Tmall item report (宝贝报表)"), {
        "channel_order_no": ("主订单编号", "订单编号"), "title": ("标题", "商品标题"),
        "unit_price": ("价格", "商品价格"), "qty": ("购买数量",), "sku": ("商家编码", "外部系统编号"),
        "status": ("订单状态",), "total": ("买家应付货款",), "line_total": ("买家应付货款",),
        "refunded": ("退款金额",), "created_at": ("订单创建时间",), "paid_at": ("订单付款时间",),
        "shipped_at": ("发货时间",), "tracking_no": ("物流单号",), "courier": ("物流公司",),
    }, TAOBAO_WORDS, identity=("title", "qty"), paid_words=TAOBAO_PAID, refunded_words=TAOBAO_REFUNDED,
    per_row=("status", "total", "refunded"),
    source="千牛 宝贝报表 ExportOrderDetailList*.csv (订单编号, 标题, 价格, 购买数量, 外部系统编号, 商品属性, "
           "套餐信息, 备注, 订单状态, 商家编码), newer with 子订单编号/主订单编号, 商品标题, 商品价格, 买家实付金额, "
           "退款状态, 退款金额 (无退款申请 when none); the 2024 xlsx adds 发货时间, 物流单号, 物流公司. One row per "
           "item: 买家应付货款 is the line's amount after discounts and the order's total is their sum (= the order "
           "report's 总金额 for 576 of 576 real orders); 价格 is a list price. A line's 买家实际支付金额 keeps a "
           "refunded line's value and is below 应付 where the platform paid a discount, so the order counts "
           "as received in full once paid; its refunds are the lines' 退款金额.")

# ---- JD --------------------------------------------------------------------------------------

JD = Profile(
    "jd", "jd", N_("JD order export (京东订单导出)"), {
        "channel_order_no": ("订单号",), "sku": ("商品ID", "商家SKUID", "货号"), "title": ("商品名称",),
        "qty": ("订购数量",), "created_at": ("下单时间",), "paid_at": ("付款确认时间",),
        "finished_at": ("订单完成时间",), "unit_price": ("京东价",), "total": ("应付金额", "订单金额"),
        "status": ("订单状态",), "buyer": ("下单帐号", "下单账号"), "recipient": ("客户姓名",),
        "address": ("客户地址",), "phone": ("联系电话", "联系手机"), "courier": ("承运商", "快递公司"),
        "tracking_no": ("运单号",),
    }, {
        "等待付款": S.AWAITING_PAYMENT, "未付款": S.AWAITING_PAYMENT, "待付款": S.AWAITING_PAYMENT,
        "等待付款确认": S.AWAITING_PAYMENT, "延迟付款确认": S.AWAITING_PAYMENT, "新订单": S.AWAITING_CONFIRMATION,
        "等待出库": S.AWAITING_SHIPMENT, "待出库": S.AWAITING_SHIPMENT, "等待境内发货": S.AWAITING_SHIPMENT,
        "等待境外出库": S.AWAITING_SHIPMENT, "锁定": S.AWAITING_SHIPMENT, "锁定订单": S.AWAITING_SHIPMENT,
        "已锁定": S.AWAITING_SHIPMENT, "暂停": S.AWAITING_SHIPMENT, "暂停订单": S.AWAITING_SHIPMENT,
        "等待确认收货": S.SHIPPED, "已发货": S.SHIPPED, "发往配送中心": S.SHIPPED, "配送中心已收货": S.SHIPPED,
        "完成": S.COMPLETED, "已完成": S.COMPLETED, "收款确认": S.COMPLETED,
        "已取消": S.CANCELLED, "取消": S.CANCELLED, "拒收": S.CANCELLED,
    }, identity=("status", "qty"),
    source="京东商家后台/京麦 订单导出 (订单号, 商品ID, 商品名称, 订购数量, 支付方式, 下单时间, 京东价, 订单金额, "
           "结算金额, 余额支付, 应付金额, 订单状态, 订单类型, 下单帐号, 客户姓名, 客户地址, 联系电话, ..., 运费金额, "
           "付款确认时间, 货号, 订单完成时间; later 商家SKUID), one row per SKU with the order's fields repeated; "
           "words from JD export importers and the order_state enum. A '(删除)' prefix is a deleted order "
           "(cancelled; paid if the stage it names was past payment); '(锁定)' and '(暂停)' hold the stage. "
           "应付金额 is what the buyer pays (goods − discounts + freight), so it is the total.")

# ---- Pinduoduo -------------------------------------------------------------------------------

PINDUODUO = Profile(
    "pinduoduo", "pinduoduo", N_("Pinduoduo order export (拼多多订单导出)"), {
        "channel_order_no": ("订单号",), "title": ("商品", "货品名称"), "status": ("订单状态",),
        "total": ("用户实付金额(元)", "商品总价(元)"), "paid": ("用户实付金额(元)",), "qty": ("商品数量(件)",),
        "recipient": ("收货人",), "phone": ("手机", "收货人手机号"), "address_province": ("省",), "address_city": ("市",),
        "address_district": ("区",), "address_street": ("街道", "详细地址"),
        "created_at": ("订单成交时间", "拼单成功时间", "订单确认时间"), "paid_at": ("支付时间",),
        "shipped_at": ("发货时间",), "finished_at": ("确认收货时间",), "tracking_no": ("快递单号",),
        "courier": ("快递公司",), "sku": ("商家编码-SKU维度", "商家编码-规格维度", "样式ID", "商家编码-商品维度"),
    }, {
        "待支付": S.AWAITING_PAYMENT, "待付款": S.AWAITING_PAYMENT, "待成团": S.AWAITING_CONFIRMATION,
        "拼团中": S.AWAITING_CONFIRMATION, "待发货": S.AWAITING_SHIPMENT,
        "已发货,待签收": S.SHIPPED, "已发货,待收货": S.SHIPPED, "已签收": S.COMPLETED, "已收货": S.COMPLETED,
        "已取消": S.CANCELLED, "未成交": S.CANCELLED,
        "未发货,退款成功": S.CANCELLED, "已发货,退款成功": S.CANCELLED, "已签收,退款成功": S.CANCELLED,
        "已收货,退款成功": S.CANCELLED, "已取消,退款成功": S.CANCELLED, "未成交,退款成功": S.CANCELLED,
        "退款成功": S.CANCELLED,
    }, identity=("status", "qty"), paid_words=("待成团", "拼团中"),
    refunded_words=("未发货,退款成功", "已发货,退款成功", "已签收,退款成功", "已收货,退款成功", "已取消,退款成功",
                    "未成交,退款成功", "退款成功"),
    source="拼多多商家后台 订单查询 → 导出 (商品, 订单号, 订单状态, 商品总价(元), 店铺优惠折扣(元), 平台优惠折扣(元), "
           "邮费(元), 用户实付金额(元), 商家实收金额(元), 收货人, 手机, 省, 市, 区, 街道, 支付时间, 拼单成功时间, "
           "订单成交时间, 发货时间, 确认收货时间, 商品id, 商品规格, 商品数量(件), 样式ID, 商家编码-SKU维度 (older: "
           "-规格维度), 快递单号, 快递公司, 售后状态 ...). One row per order (one SKU each). 订单成交时间 and "
           "支付时间 are empty for unpaid orders. Words with ，退款成功 were paid and refunded. 用户实付金额 is "
           "what the buyer pays after discounts, so it is the total.")

# ---- Douyin (抖店) ----------------------------------------------------------------------------

DOUYIN = Profile(
    "douyin", "douyin", N_("Douyin shop order export (抖店订单导出)"), {
        "channel_order_no": ("主订单编号",), "title": ("选购商品",), "qty": ("商品数量",), "sku": ("商家编码", "货号"),
        "unit_price": ("商品单价", "商品金额"), "total": ("订单应付金额",), "recipient": ("收件人",),
        "phone": ("收件人手机号",), "address_province": ("省",), "address_city": ("市",),
        "address_district": ("区",), "address_street": ("详细地址", "街道", "收件地址"),
        "created_at": ("订单提交时间",), "paid_at": ("支付完成时间",), "shipped_at": ("发货时间",),
        "finished_at": ("订单完成时间",), "status": ("订单状态",), "tracking_no": ("快递单号",),
        "courier": ("快递公司",),
    }, {
        "待支付": S.AWAITING_PAYMENT, "待确认": S.AWAITING_CONFIRMATION, "部分支付": S.PARTIALLY_PAID,
        "已支付": S.AWAITING_SHIPMENT, "备货中": S.AWAITING_SHIPMENT, "待发货": S.AWAITING_SHIPMENT,
        "部分发货": S.PARTIALLY_SHIPPED, "已发货": S.SHIPPED, "售后中": S.SHIPPED, "已完成": S.COMPLETED,
        "已关闭": S.CANCELLED, "已取消": S.CANCELLED, "发货前退款完成": S.CANCELLED,
        "发货后退款完成": S.CANCELLED, "收货后退款完成": S.CANCELLED,
    }, identity=("status", "title"), paid_words=("已支付",),
    refunded_words=("发货前退款完成", "发货后退款完成", "收货后退款完成"),
    per_row=("status", "total", "tracking_no", "courier"),
    source="抖店 订单管理 → 导出 (主订单编号, 子订单编号, 选购商品, 商品规格, 商品数量, 商品ID, 商家编码, 商品单价, "
           "订单应付金额, 运费, 收件人, 收件人手机号, 省, 市, 区, 街道, 详细地址, 订单提交时间, 支付完成时间, 订单状态, "
           "售后状态, 快递单号, 快递公司 ...), one row per sub-order: amounts are the sub-order's (summed), a "
           "status each (combined). Recipient and phone come masked or as ciphertext (##…, $$…): kept as given. "
           "Words from export rows in Douyin shop scripts and the doudian order_status/main_status texts.")

# ---- Youzan ------------------------------------------------------------------------------------

YOUZAN_WORDS = {
    "待付款": S.AWAITING_PAYMENT, "等待买家付款": S.AWAITING_PAYMENT, "等待支付确认": S.AWAITING_PAYMENT,
    "待成团": S.AWAITING_CONFIRMATION, "待接单": S.AWAITING_CONFIRMATION,
    "待发货": S.AWAITING_SHIPMENT, "等待卖家发货": S.AWAITING_SHIPMENT, "部分发货": S.PARTIALLY_SHIPPED,
    "已发货": S.SHIPPED, "待收货": S.SHIPPED, "等待买家确认收货": S.SHIPPED,
    "交易成功": S.COMPLETED, "交易完成": S.COMPLETED, "已完成": S.COMPLETED, "买家已签收": S.COMPLETED,
    "交易关闭": S.CANCELLED, "已关闭": S.CANCELLED, "已取消": S.CANCELLED,
}
_YOUZAN_RECIPIENT = {
    "recipient": ("收货人/提货人", "收货人/提货人姓名", "收货人"),
    "phone": ("收货人手机号/提货人手机号", "收货人手机号/提货人手机", "收货人/提货人手机号", "收货人手机号"),
    "address_province": ("收货人省份",), "address_city": ("收货人城市",), "address_district": ("收货人地区",),
    "address_street": ("详细收货地址/提货地址", "收货地址/提货地址", "详细收货地址"),
}

YOUZAN = Profile(
    "youzan", "youzan", N_("Youzan order export (有赞订单导出)"), {
        "channel_order_no": ("订单号",), "status": ("订单状态",), "created_at": ("订单创建时间", "下单时间"),
        "paid_at": ("买家付款时间", "付款时间"), "finished_at": ("交易成功时间",),
        "title": ("全部商品名称", "商品名称"), "sku": ("规格编码", "商品编码"), "unit_price": ("单价",), "qty": ("数量",),
        "total": ("应收订单金额", "订单实付金额"), "paid": ("订单实付金额", "订单实收金额"), "refunded": ("订单已退款金额",),
        **_YOUZAN_RECIPIENT, "buyer": ("买家昵称", "买家姓名"), "courier": ("快递公司",), "tracking_no": ("快递单号",),
    }, YOUZAN_WORDS, identity=("status", "recipient"), paid_words=("待成团", "待接单"),
    source="有赞 订单 → 导出 按订单 (订单号, 销售渠道, 归属店铺, 订单类型, 订单状态, ..., 订单创建时间, 买家付款时间, "
           "交易成功时间, 付款方式, 支付流水号, 商品金额合计, 运费, 店铺优惠合计, 应收订单金额, 订单实付金额, ..., "
           "全部商品名称, ..., 收货人省份, 收货人城市, 收货人地区, 详细收货地址/提货地址, 收货人/提货人, "
           "收货人手机号/提货人手机号, 买家备注, 订单星级, 买家昵称, ..., 订单退款状态, 订单已退款金额 ...); older "
           "files have 买家姓名 and 外部订单号. Words from Youzan export mappings and its trade status enum.")

YOUZAN_ITEMS = Profile(
    "youzan-items", "youzan", N_("Youzan order items export (有赞订单商品明细)"), {
        "channel_order_no": ("订单号",), "status": ("订单商品状态",), "finished_at": ("交易成功时间",),
        "title": ("商品名称",), "sku": ("规格编码", "商品编码"), "unit_price": ("商品单价", "商品优惠后价格"),
        "qty": ("商品数量",), "line_total": ("商品实际成交金额", "商品金额小计"), "total": ("商品实际成交金额",),
        "refunded": ("商品已退款金额",), **_YOUZAN_RECIPIENT, "courier": ("商品发货物流公司",),
        "tracking_no": ("商品发货物流单号",), "shipped_at": ("商品发货时间",),
    }, YOUZAN_WORDS, identity=("status", "recipient"), paid_words=("待成团", "待接单"),
    per_row=("status", "total", "refunded", "courier", "tracking_no", "shipped_at"),
    source="有赞 订单 → 导出 按商品 / 订单商品明细 (订单号, 外部订单号, 订单商品状态, 交易成功时间, 商品名称, 商品类型, "
           "商品类目, 商品规格, 规格编码, 商品编码, 商品单价, 商品成本价, 商品优惠方式, 商品优惠后价格, 商品数量, "
           "商品金额小计, 店铺优惠（分摊）, 商品实际成交金额, 商品抵用积分数, 商品留言, 收货人/提货人, "
           "收货人手机号/提货人手机号, 收货人省份, 收货人城市, 收货人地区, 详细收货地址/提货地址, 买家备注, "
           "商品发货状态, 商品发货方式, 商品发货物流公司, 商品发货物流单号, 发货员工, 商品发货时间, 商品退款状态, "
           "商品已退款金额, 商家订单备注, 周期购信息), as checked column by column by a Youzan importer. One row per "
           "item: the order's total is the sum of its items' 商品实际成交金额. There is no order time: the "
           "order is dated when it is imported unless the items say when they were paid.")

# ---- Shopify -------------------------------------------------------------------------------------

SHOPIFY = Profile(
    "shopify", "shopify", N_("Shopify orders export"), {
        "channel_order_no": ("Name",), "buyer": ("Email",), "financial_status": ("Financial Status",),
        "fulfillment_status": ("Fulfillment Status",), "currency": ("Currency",), "total": ("Total",),
        "refunded": ("Refunded Amount",), "outstanding": ("Outstanding Balance",),
        "payment_method": ("Payment Method",), "created_at": ("Created at",), "paid_at": ("Paid at",),
        "shipped_at": ("Fulfilled at", "Fulfillment Date"), "qty": ("Lineitem quantity",),
        "title": ("Lineitem name",), "unit_price": ("Lineitem price",), "sku": ("Lineitem sku",),
        "line_status": ("Lineitem fulfillment status",),
        "recipient": ("Shipping Name",), "address_street": ("Shipping Address1", "Shipping Street"),
        "address_line2": ("Shipping Address2",), "address_city": ("Shipping City",),
        "address_province": ("Shipping Province Name", "Shipping Province"), "address_postcode": ("Shipping Zip",),
        "address_country": ("Shipping Country",), "phone": ("Shipping Phone", "Phone", "Billing Phone"),
        "cancelled_at": ("Cancelled at",), "courier": ("Shipping Method",),
    }, currency="USD", identity=("financial_status", "qty"), status_rule="shopify",
    fallbacks={"buyer": ("Billing Name", "Shipping Name"), "recipient": ("Billing Name",)}, address_style="west",
    source="Shopify admin → Orders → Export (Name, Email, Financial Status, Paid at, Fulfillment Status, "
           "Fulfilled at, Accepts Marketing, Currency, Subtotal, Shipping, Taxes, Total, ..., Created at, "
           "Lineitem quantity, Lineitem name, Lineitem price, ..., Shipping Name, Shipping Street, ..., Cancelled "
           "at, Payment Method, Payment Reference, Refunded Amount, Outstanding Balance, ...; 75 to 79 columns), as "
           "eight real exports of six stores show it (tests/real/exports). One row per line item; the order's "
           "fields only on its first row. Total is not reduced by refunds; Outstanding Balance is what was not "
           "captured (received = Total − Outstanding Balance); Lineitem price is a unit price. Statuses from "
           "Financial Status, Fulfillment Status, Cancelled at and Payment Method (profiles.shopify_status: a "
           "fulfilled cash-on-delivery order is shipped and unpaid). Buyer: Email, else Billing or Shipping Name.")

# ---- WooCommerce -----------------------------------------------------------------------------------

WOO_WORDS = {
    "pending payment": S.AWAITING_PAYMENT, "pending": S.AWAITING_PAYMENT, "on hold": S.AWAITING_PAYMENT,
    "on-hold": S.AWAITING_PAYMENT, "draft": S.AWAITING_PAYMENT, "checkout-draft": S.AWAITING_PAYMENT,
    "processing": S.AWAITING_SHIPMENT, "completed": S.COMPLETED, "cancelled": S.CANCELLED,
    "refunded": S.CANCELLED, "failed": S.CANCELLED,
    # WooCommerce's own Chinese labels (a shop running WordPress in Chinese)
    "等待付款": S.AWAITING_PAYMENT, "待付款": S.AWAITING_PAYMENT, "保留": S.AWAITING_PAYMENT,
    "处理中": S.AWAITING_SHIPMENT, "已完成": S.COMPLETED, "已取消": S.CANCELLED, "已退款": S.CANCELLED,
    "失败": S.CANCELLED,
}
WOO_REFUNDED = ("refunded", "已退款")

WOOCOMMERCE = Profile(
    "woocommerce", "woocommerce", N_("WooCommerce order export (Advanced Order Export)"), {
        "channel_order_no": ("Order Number", "Order ID"), "status": ("Order Status",),
        "created_at": ("Order Date",), "paid_at": ("Paid Date",), "finished_at": ("Completed Date",),
        "buyer": ("Email (Billing)", "Billing Email"),
        "recipient": ("Full Name (Shipping)", "First Name (Shipping)"),
        "address_street": ("Address 1&2 (Shipping)", "Address 1 (Shipping)"), "address_city": ("City (Shipping)",),
        "address_district": ("Postcode (Shipping)",), "address_province": ("Country Code (Shipping)",),
        "phone": ("Phone (Billing)", "Phone (Shipping)", "Billing Phone"),
        "total": ("Order Total Amount", "Order Total"), "refunded": ("Order Refund Amount",),
        "currency": ("Order Currency", "Currency"), "sku": ("SKU",), "title": ("Item Name", "Product Name", "Name"),
        "qty": ("Quantity (- Refund)", "Quantity"), "unit_price": ("Item Cost",),
        "courier": ("Shipping Method Title",),
    }, WOO_WORDS, currency="GBP", identity=("status",), refunded_words=WOO_REFUNDED, line_price_from_total=False,
    address_style="west",
    source="Advanced Order Export For WooCommerce (AlgolPlus, woo-order-export-lite 4.0.7, classes/core/"
           "trait-woe-core-extractor-ui.php): \"Order Number\",\"Order Status\",\"Order Date\",\"Customer Note\","
           "\"First Name (Billing)\",...,\"Order Total Amount\",\"Order Total Tax Amount\",SKU,\"Item #\",\"Item "
           "Name\",\"Quantity (- Refund)\",\"Item Cost\",\"Coupon Code\",...; one row per product with the order's "
           "fields repeated; Order Status is WooCommerce's label (Processing, On hold...); Item Cost is a unit price.")

WOO_WEBTOFFEE = Profile(
    "woocommerce-webtoffee", "woocommerce", N_("WooCommerce order export (WebToffee)"), {
        "channel_order_no": ("order_number", "order_id"), "status": ("status",), "created_at": ("order_date",),
        "paid_at": ("paid_date",), "finished_at": ("completed_date",), "total": ("order_total",),
        "currency": ("order_currency",), "buyer": ("billing_email", "customer_email"),
        "recipient": ("shipping_full_name", "shipping_first_name"), "phone": ("billing_phone", "shipping_phone"),
        "address_street": ("shipping_address_1",), "address_city": ("shipping_city",),
        "address_district": ("shipping_postcode",), "address_province": ("shipping_country",),
        "courier": ("shipping_method",), "title": ("item_name",), "sku": ("item_sku",), "qty": ("item_quantity",),
        "line_total": ("item_total",),
    }, WOO_WORDS, currency="GBP", identity=("status", "total"), refunded_words=WOO_REFUNDED,
    line_items="webtoffee",
    source="Order Export & Order Import for WooCommerce (WebToffee, order-import-export-for-woocommerce 2.7.4, "
           "admin/modules/order/data/data-order-post-columns.php): order_id, order_number, order_date, paid_date, "
           "status, shipping_total, ..., order_total, order_subtotal, order_key, order_currency, payment_method, "
           "..., billing_first_name ... shipping_country, customer_note, wt_import_key, tax_items, "
           "shipping_items, fee_items, coupon_items, refund_items, order_notes, download_permissions, then "
           "line_item_1..N ('name:…|product_id:…|sku:…|quantity:…|total:…|sub_total:…'); in its 'separate rows' "
           "mode item_name, item_sku, item_quantity, item_total instead. Status is the slug (processing).")

WOO_ANALYTICS = Profile(
    "woocommerce-analytics", "woocommerce", N_("WooCommerce Analytics orders (CSV download)"), {
        "channel_order_no": ("Order #",), "status": ("Status",), "created_at": ("Date",), "buyer": ("Customer",),
        "title": ("Product(s)",), "qty": ("Items sold",), "total": ("Net Sales", "N. Revenue (formatted)"),
    }, WOO_WORDS, currency="GBP", identity=("status", "created_at"), refunded_words=WOO_REFUNDED,
    source="WooCommerce → Analytics → Orders → Download (woocommerce-admin client/analytics/report/orders/"
           "table.js): Date, Order #, Status, Customer, Customer type, Product(s), Items sold, Coupon(s), Net "
           "Sales[, Attribution][, Payment method]. No address, SKU or currency (the shop's currency is used); "
           "Net Sales (after refunds, before shipping and tax) is the only amount, so it is the total.")

# ---- Amazon ----------------------------------------------------------------------------------------

AMAZON = Profile(
    "amazon", "amazon", N_("Amazon All Orders report (tab-separated)"), {
        "channel_order_no": ("amazon-order-id",), "created_at": ("purchase-date",), "status": ("order-status",),
        "title": ("product-name",), "sku": ("sku",), "qty": ("quantity", "quantity-purchased"),
        "currency": ("currency",), "line_total": ("item-price",), "total": ("item-price",),
        "recipient": ("recipient-name", "buyer-name"), "buyer": ("buyer-email",),
        "phone": ("ship-phone-number", "buyer-phone-number"), "address_street": ("ship-address-1",),
        "address_line2": ("ship-address-2",), "address_line3": ("ship-address-3",), "address_city": ("ship-city",),
        "address_province": ("ship-state",), "address_postcode": ("ship-postal-code",),
        "address_country": ("ship-country",), "courier": ("ship-service-level",), "marketplace": ("sales-channel",),
    }, {
        "Pending": S.AWAITING_PAYMENT, "Pending - Waiting for Pick Up": S.AWAITING_SHIPMENT,
        "Unshipped": S.AWAITING_SHIPMENT, "Shipping": S.AWAITING_SHIPMENT,
        "PartiallyShipped": S.PARTIALLY_SHIPPED, "Partially Shipped": S.PARTIALLY_SHIPPED, "Shipped": S.SHIPPED,
        "Shipped - Picked Up": S.SHIPPED, "Shipped - Out for Delivery": S.SHIPPED,
        "Shipped - Lost in Transit": S.SHIPPED, "Shipped - Returning to Seller": S.SHIPPED,
        "Shipped - Damaged": S.SHIPPED, "Shipped - Delivered to Buyer": S.COMPLETED,
        "Shipped - Returned to Seller": S.CANCELLED, "Shipped - Undeliverable": S.CANCELLED,
        "Shipped - Rejected by Buyer": S.CANCELLED, "Canceled": S.CANCELLED, "Cancelled": S.CANCELLED,
        "Unfulfillable": S.CANCELLED,
    }, currency="USD", identity=("status",), per_row=("total",), address_style="west",
    paid_words=("Shipped - Returned to Seller", "Shipped - Undeliverable", "Shipped - Rejected by Buyer"),
    source="Seller Central → Reports → Fulfilment → All Orders, GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL "
           "(amazon-order-id, merchant-order-id, purchase-date, last-updated-date, order-status, fulfillment-channel, "
           "sales-channel, order-channel, url, ship-service-level, product-name, sku, asin, item-status, quantity, "
           "currency, item-price, item-tax, shipping-price, ...), SP-API order-tracking report attributes. One row "
           "per order item; item-price is the item's amount for its quantity (summed into the total; taxes "
           "Amazon collects are not the shop's). Statuses as 1.28 M real orders wrote them. The currency is the "
           "row's, else its marketplace's (sales-channel Amazon.in: INR): currency is empty on cancelled rows.")

AMAZON_ORDERS = Profile(
    "amazon-orders", "amazon", N_("Amazon Order Report / New Orders (tab-separated)"), {
        "channel_order_no": ("order-id",), "created_at": ("purchase-date",), "paid_at": ("payments-date",),
        "buyer": ("buyer-email",), "recipient": ("recipient-name", "buyer-name"), "title": ("product-name",),
        "sku": ("sku",), "qty": ("quantity-purchased",), "currency": ("currency",), "line_total": ("item-price",),
        "total": ("item-price",), "phone": ("ship-phone-number", "buyer-phone-number"),
        "address_street": ("ship-address-1",), "address_line2": ("ship-address-2",),
        "address_line3": ("ship-address-3",), "address_city": ("ship-city",), "address_province": ("ship-state",),
        "address_postcode": ("ship-postal-code",), "address_country": ("ship-country",),
        "courier": ("ship-service-level",), "marketplace": ("sales-channel",),
    }, currency="USD", identity=("paid_at", "qty"), status_rule="paid_time", per_row=("total",), address_style="west",
    source="Seller Central Order Report (GET_FLAT_FILE_ORDER_REPORT_DATA_SHIPPING, help item 201648780: order-id, "
           "order-item-id, purchase-date, payments-date, buyer-email, buyer-name, buyer-phone-number, sku, "
           "product-name, quantity-purchased, currency, item-price, item-tax, shipping-price, shipping-tax, "
           "ship-service-level, recipient-name, ship-address-1..3, ship-city, ship-state, ship-postal-code, "
           "ship-country, ship-phone-number, ..., sales-channel). No status column: every row is an order to ship, "
           "paid when payments-date is set. Amounts are for the quantity, not unit prices; the Unshipped Orders "
           "variant has no amounts at all: those orders' amounts are unknown (—), filled by a later file.")

AMAZON_PICKUP = Profile(
    "amazon-pickup", "amazon", N_("Amazon Easy Ship orders awaiting pickup (tab-separated)"), {
        "channel_order_no": ("order-id",), "tracking_no": ("tracking-id",), "sku": ("sku",),
        "title": ("product-name",), "qty": ("quantity-purchased",), "created_at": ("purchase-date",),
        "courier": ("carrier",), "address_postcode": ("ship-postal-code",), "address_city": ("ship-city",),
        "address_province": ("ship-state",), "address_country": ("ship-country",),
        "marketplace": ("sales-channel", "ship-country"),
    }, currency="USD", identity=("tracking_no", "qty"), fixed_status=S.AWAITING_SHIPMENT, address_style="west",
    source="Seller Central (Amazon.in) → Orders → Easy Ship → schedule pickup → download: order-id, tracking-id, "
           "expected-ship-date, asin, sku, product-name, quantity-purchased, invoice-id, package-identifier, "
           "ship-service-level, is-prime, pickup-slot, order-item-id, purchase-date, ship-postal-code, ship-country, "
           "ship-city, ship-state, carrier, verge-of-cancellation, verge-of-lateShipment (a real file of 645 "
           "orders, tests/real/exports). One row per item. Every order in it is packed and labelled, waiting for "
           "the carrier's pickup: awaiting shipment. No price, buyer or street: the orders' amounts are unknown "
           "(—), filled by a later file that has them; the currency is the marketplace's, and this list of one "
           "marketplace says it by its only ship-country (IN: INR).")

# ---- Etsy ------------------------------------------------------------------------------------------

ETSY = Profile(
    "etsy", "etsy", N_("Etsy sold orders (EtsySoldOrders CSV)"), {
        "channel_order_no": ("Order ID",), "created_at": ("Sale Date",), "paid_at": ("Sale Date",),
        "shipped_at": ("Date Shipped",), "buyer": ("Buyer", "Buyer User ID"), "recipient": ("Full Name",),
        "address_street": ("Street 1",), "address_line2": ("Street 2",), "address_city": ("Ship City",),
        "address_province": ("Ship State",), "address_postcode": ("Ship Zipcode",),
        "address_country": ("Ship Country",), "currency": ("Currency",), "total": ("Order Total",),
        "status": ("Status",), "qty": ("Number of Items",), "sku": ("SKU",), "payment_method": ("Payment Method",),
    }, currency="USD", identity=("qty", "total"), address_style="west", date_order="mdy",
    line_price_from_total=False,
    source="Etsy Shop Manager → Settings → Options → Download Data → Orders, EtsySoldOrders<year>.csv (Sale Date, "
           "Order ID, Buyer User ID, Full Name, First Name, Last Name, Number of Items, Payment Method, Date "
           "Shipped, Street 1, Street 2, Ship City, Ship State, Ship Zipcode, Ship Country, Currency, Order Value, "
           "Coupon Code, Coupon Details, Discount Amount, Shipping Discount, Shipping, Sales Tax, Order Total, "
           "Status, Card Processing Fees, Order Net, Adjusted ..., Buyer, Order Type, Payment Type, ..., SKU), as "
           "four real files show it (dates MM/DD/YY, one re-saved tab-separated). One row per order; Status is "
           "blank, so the facts decide: paid at checkout (Etsy Payments), shipped when Date Shipped is set. "
           "Order Total is what the buyer paid, tax Etsy collects included; refunds appear only as adjusted "
           "fees, never as an amount, so none is read.")

# ---- eBay ------------------------------------------------------------------------------------------

EBAY = Profile(
    "ebay", "ebay", N_("eBay orders report (Seller Hub or Sales History)"), {
        "channel_order_no": ("Order Number", "Sales Record Number"), "buyer": ("Buyer Username", "User Id"),
        "recipient": ("Ship To Name", "Buyer Fullname", "Buyer Name"),
        "phone": ("Ship To Phone", "Buyer Phone Number"), "address_street": ("Ship To Address 1", "Buyer Address 1"),
        "address_line2": ("Ship To Address 2", "Buyer Address 2"), "address_city": ("Ship To City", "Buyer City"),
        "address_province": ("Ship To State", "Buyer State"), "address_postcode": ("Ship To Zip", "Buyer Zip"),
        "address_country": ("Ship To Country", "Buyer Country"), "title": ("Item Title",), "sku": ("Custom Label",),
        "qty": ("Quantity",), "unit_price": ("Sold For", "Sale Price"), "total": ("Total Price",),
        "created_at": ("Sale Date",), "paid_at": ("Paid On Date",), "shipped_at": ("Shipped On Date",),
        "tracking_no": ("Tracking Number",), "courier": ("Shipping Service",), "payment_method": ("Payment Method",),
    }, currency="USD", identity=("unit_price", "total"), address_style="west", date_order="mdy",
    source="eBay Seller Hub → Orders → Download report (Sales Record Number, Order Number, Buyer Username, Buyer "
           "Name, ..., Ship To Name, Ship To Phone, Ship To Address 1/2, Ship To City/State/Zip/Country, Item "
           "Number, Item Title, Custom Label, Quantity, Sold For, Shipping And Handling, ..., Total Price, Payment "
           "Method, Sale Date, Paid On Date, Shipped On Date, ..., Tracking Number, ...) and the older Selling "
           "Manager Sales History (a real file: a row of commas, a tab before the header, \"N record(s) "
           "downloaded\" and \"Seller ID\" lines at the end; dates Jan-18-16, amounts $19.50). Sold For / Sale "
           "Price is a unit price (2 × $5.90 = $11.80), Total Price the order's with shipping and tax. No status "
           "column: paid when Paid On Date is set, shipped when Shipped On Date is.")

# ---- Our own export ----------------------------------------------------------------------------------

SHOP_ORDERS = Profile(
    "shoporders", "", N_("Shop Orders export"), {
        "channel_order_no": ("Channel order no.", "渠道订单号"), "channel": ("Channel", "渠道"),
        "status": ("Status code", "状态代码"), "total": ("Total", "金额"), "paid": ("Paid", "已付"),
        "currency": ("Currency", "币种"), "buyer": ("Buyer", "买家"), "recipient": ("Recipient", "收货人"),
        "phone": ("Phone", "电话"), "address": ("Address", "地址"), "courier": ("Courier", "快递公司"),
        "tracking_no": ("Tracking no.", "运单号"), "created_at": ("Created", "下单时间"),
    }, identity=("status", "channel"), status_rule="standard",
    source="services/exporting.py: the Orders sheet of our own Excel export, in English or Chinese; the "
           "Status code column keeps the stable status codes so the file reads back unchanged.")

BUILT_IN: list[Profile] = [TAOBAO, TAOBAO_ITEMS, JD, PINDUODUO, DOUYIN, YOUZAN, YOUZAN_ITEMS, SHOPIFY, WOOCOMMERCE,
                           WOO_WEBTOFFEE, WOO_ANALYTICS, AMAZON, AMAZON_ORDERS, AMAZON_PICKUP, ETSY, EBAY, SHOP_ORDERS]


def by_code(code: str, custom: Sequence[Profile] = ()) -> Profile:
    for p in [*custom, *BUILT_IN]:
        if p.code == code:
            return p
    for p in [*custom, *BUILT_IN]:
        if p.channel == code:
            return p
    names = ", ".join(p.code for p in [*BUILT_IN, *custom])
    raise ValueError(t("unknown import profile '{code}'; known: auto, {names}", code=code, names=names))
