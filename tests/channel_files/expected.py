"""What every sample file in this folder must import as (tests/services/test_channel_files.py).

Per file: the profile it is recognised as. Per order (by its channel order number): the stored
status code, total and paid (paid now: received less refunded) in minor units, the number of
lines, and for orders paid and then refunded the refund recorded beside the payment. For some
files the recipient and phone exactly as stored: masked data (138****5678, 张**) and Douyin's
ciphertext (##…, $$…) are kept as given; quirks (a leading ', a trailing TAB) are not data.

Worked by hand from the rules in services/importing (layouts.py, plan.py), not read back from a
run. Notable cases:
- Taobao 交易关闭 without a payment time was never paid; with one (订单关闭原因 退款) it was paid and
  refunded. 买家实际支付金额 is what is left after 退款金额 (as two real sets show it: tests/real/
  exports/MEANINGS.md): 交易成功 with 实付 179.00 and 退款金额 20.00 received 199.00, 20.00 refunded. A
  closed refunded order's 实付 is 0.00; without a 退款金额 column (2016) nothing says a refund.
- JD's bracketed prefixes are flags, not statuses: (删除)等待出库 is awaiting shipment, flagged;
  (删除)等待付款 awaiting payment; (锁定)/(暂停) keep their stage and hold the order. JD's total is 应付金额.
- PDD …，退款成功 words were paid and refunded; 待付款 has empty 订单成交时间/支付时间.
- Douyin: sub-orders summed; 已关闭 beside 已发货 is a closed sub-order (its amount refunded when
  the order was paid; a 0.00 gift refunds nothing); 已发货 beside 待发货 is partially shipped.
- Youzan 交易关闭 with 订单已退款金额 was paid and refunded; 待成团 (group buy forming) was paid.
- Shopify: statuses from Financial Status, Fulfillment Status and Cancelled at; later rows of an
  order carry only its lines (their prices in the order's currency: CLP has no decimals).
- WooCommerce AlgolPlus Item Cost is a unit price; a refunded line's 'Quantity (- Refund)' 0
  leaves no line. WebToffee line_item_N cells and item_total are amounts for the quantity.
  Analytics: Net sales is the only amount; not divisible by Items sold, the line's price is 0.
- Amazon item-price is for the quantity; Pending has no price yet (total 0); a cancelled item has
  quantity 0 (no line); Shipped - Returned to Seller was paid and refunded. The Order Report has
  no status column: paid when payments-date is set.
- shoporders-export.xlsx is our own export of a store filled by importing
  taobao-orderlist-2016.csv and shopify-orders-2025.csv (build.py): the same orders, paid net of
  refunds, no lines (the Orders sheet has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Order:
    status: str
    total: int
    paid: int
    lines: int
    refunded: int = 0
    recipient: str | None = None  # checked exactly when given
    phone: str | None = None


@dataclass(frozen=True)
class File:
    profile: str
    orders: dict[str, Order] = field(default_factory=dict)


EXPECTED: dict[str, File] = {
    "amazon-all-orders-2024.txt": File("amazon", {
        "114-3941689-8772232": Order("shipped", 5297, 5297, 2),
        "112-0987654-3210987": Order("awaiting_payment", 0, 0, 1),
        "113-5556667-7778889": Order("cancelled", 0, 0, 0),
        "111-2223334-4445556": Order("completed", 1999, 1999, 1),
        "115-6667778-8889990": Order("cancelled", 1299, 0, 1, refunded=1299),
        "116-7778889-9990001": Order("awaiting_shipment", 4497, 4497, 1),
    }),
    "amazon-all-orders-uk-2019.tsv": File("amazon", {
        "202-1234567-1234567": Order("shipped", 4500, 4500, 1),
        "202-7654321-7654321": Order("awaiting_shipment", 2400, 2400, 1),
        "202-1111111-2222222": Order("shipped", 4500, 4500, 1),
    }),
    "amazon-order-report-2017.txt": File("amazon-orders", {
        "113-1234567-7654321": Order("awaiting_shipment", 5297, 5297, 2, recipient='Jane Doe', phone='+1 206-555-0100 ext. 51234'),
        "114-7654321-1234567": Order("awaiting_payment", 1499, 0, 1, recipient='John Roe', phone='503-555-0147'),
        "112-3456789-9876543": Order("awaiting_shipment", 2995, 2995, 1, recipient='María García', phone='323-555-0188'),
    }),
    "douyin-orders-2021.csv": File("douyin", {
        "4812345678901234567": Order("completed", 5990, 5990, 1, recipient='李**', phone='138****5678'),
        "4812345678901234600": Order("awaiting_shipment", 3990, 3990, 1, recipient='王*', phone='139****0000'),
        "4812345678901234700": Order("shipped", 15180, 13980, 2, refunded=1200, recipient='张**', phone='186****1111'),
    }),
    "douyin-orders-2024.csv": File("douyin", {
        "6953489890610190242": Order("shipped", 7990, 7990, 2, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455001": Order("awaiting_shipment", 4500, 4500, 1, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455112": Order("completed", 8900, 8900, 2, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455223": Order("cancelled", 3990, 0, 1, refunded=3990, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455334": Order("awaiting_payment", 2990, 0, 1, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455445": Order("cancelled", 4990, 0, 1, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
        "6953501122334455556": Order("partially_shipped", 13490, 13490, 2, recipient='##Ab3xKq9Wm2Pz', phone='$$8fQ2Lm0Zx7Rt$$'),
    }),
    "jd-orders-2015.csv": File("jd", {
        "11729384072": Order("awaiting_shipment", 34245, 34245, 2),
        "11730012345": Order("shipped", 27900, 27900, 1),
        "11730198765": Order("awaiting_shipment", 12900, 12900, 1),
        "11730255501": Order("completed", 11800, 11800, 2),
        "11730300077": Order("awaiting_payment", 14900, 0, 1),
        "11730412345": Order("shipped", 36900, 36900, 1),
        "11730500001": Order("cancelled", 7980, 0, 1),
    }),
    "jd-orders-2020.xlsx": File("jd", {
        "121233445566": Order("awaiting_shipment", 114600, 114600, 1, recipient='张**', phone='138****5678'),
        "121233445577": Order("shipped", 20800, 20800, 1, recipient='李*', phone='139****1234'),
        "121233445588": Order("awaiting_payment", 9900, 0, 1, recipient='王**', phone='137****0000'),
        "121233445599": Order("completed", 47900, 47900, 2, recipient='陈**', phone='186****7788'),
    }),
    "pinduoduo-orders-2021.xlsx": File("pinduoduo", {
        "210315-512345678901234": Order("shipped", 6990, 6990, 1),
        "210314-498765432109876": Order("cancelled", 12000, 0, 1, refunded=12000),
        "210313-487654321098765": Order("cancelled", 2580, 0, 1, refunded=2580),
        "210312-476543210987654": Order("cancelled", 3600, 0, 1, refunded=3600),
        "210311-465432109876543": Order("awaiting_shipment", 4000, 4000, 1),
    }),
    "pinduoduo-orders-2026.csv": File("pinduoduo", {
        "260606-400000294410900": Order("shipped", 16800, 16800, 1, recipient='张**', phone='138****5678'),
        "260607-118204356120871": Order("awaiting_payment", 5990, 0, 1, recipient='李*', phone='139****0001'),
        "260605-330119287344102": Order("cancelled", 4500, 0, 1, refunded=4500, recipient='王**', phone='137****2222'),
        "260601-220018876543210": Order("completed", 7980, 7980, 1, recipient='赵**', phone='150****3333'),
        "260606-400000294410955": Order("awaiting_shipment", 3490, 3490, 1, recipient='钱**', phone='186****4444'),
        "260602-101234567890123": Order("cancelled", 4900, 0, 1, recipient='孙*', phone='135****5555'),
        "260530-998877665544332": Order("cancelled", 8800, 0, 1, refunded=8800, recipient='周**', phone='151****6666'),
    }),
    "shopify-orders-2025.csv": File("shopify", {
        "#1001": Order("shipped", 8600, 8600, 2),
        "#1002": Order("awaiting_payment", 2450, 0, 1),
        "#1003": Order("cancelled", 3200, 0, 1, refunded=3200),
        "#1004": Order("shipped", 12000, 10000, 3, refunded=2000),
        "#1005": Order("cancelled", 5800, 0, 1),
        "#1006": Order("awaiting_shipment", 4100, 4100, 1),
        "#1007": Order("partially_shipped", 6300, 6300, 2),
    }),
    "shopify-orders-clp.csv": File("shopify", {
        "1044": Order("shipped", 163056, 163056, 1),
        "1045": Order("awaiting_payment", 33980, 0, 1),
        "1046": Order("awaiting_shipment", 49970, 49970, 2),
    }),
    "shoporders-export.xlsx": File("shoporders", {
        "2716051522473301": Order("completed", 29700, 28700, 0),
        "2716051819004417": Order("cancelled", 12800, 0, 0),
        "2716052011342290": Order("cancelled", 3500, 0, 0),
        "2716052118836620": Order("shipped", 8600, 8600, 0),
        "2716052322021104": Order("awaiting_shipment", 16800, 16800, 0),
        "2716052409118852": Order("awaiting_payment", 5990, 0, 0),
        "#1004": Order("shipped", 12000, 10000, 0),
        "#1003": Order("cancelled", 3200, 0, 0),
        "#1001": Order("shipped", 8600, 8600, 0),
        "#1002": Order("awaiting_payment", 2450, 0, 0),
        "#1005": Order("cancelled", 5800, 0, 0),
        "#1006": Order("awaiting_shipment", 4100, 4100, 0),
        "#1007": Order("partially_shipped", 6300, 6300, 0),
    }),
    "taobao-itemlist-2016.csv": File("taobao-items", {
        "2716052509327711": Order("awaiting_shipment", 20600, 20600, 2),
        "2716052511002238": Order("awaiting_payment", 6800, 0, 1),
        "2716052600918234": Order("completed", 20290, 20290, 3),
        "2716052712345098": Order("cancelled", 4500, 0, 1),
    }),
    "taobao-itemlist-2024.xlsx": File("taobao-items", {
        "4022334455667788990": Order("completed", 32800, 26800, 2, refunded=6000),
        "4022334455667799001": Order("awaiting_payment", 9900, 0, 1),
        "4022334455667799112": Order("shipped", 10300, 10300, 2),
        "4022334455667799223": Order("cancelled", 12000, 0, 1, refunded=12000),
    }),
    "taobao-orderlist-2016.csv": File("taobao", {
        "2716052322021104": Order("awaiting_shipment", 16800, 16800, 1, recipient='王小明', phone='18618486065'),
        "2716052409118852": Order("awaiting_payment", 5990, 0, 1, recipient='刘雨', phone='13916001234'),
        "2716052011342290": Order("cancelled", 3500, 0, 1, recipient='陈建国', phone='13758001122'),
        "2716051819004417": Order("cancelled", 12800, 0, 1, recipient='梅丽', phone='13501234567'),
        "2716051522473301": Order("completed", 29700, 28700, 1, recipient='李强', phone='13601010101'),
        "2716052118836620": Order("shipped", 8600, 8600, 1, recipient='温蒂', phone=''),
    }),
    "taobao-orderlist-2024.xlsx": File("taobao", {
        "4011223344556677889": Order("completed", 19900, 17900, 1, refunded=2000, recipient='张**', phone='138****5678'),
        "4011223344556677890": Order("awaiting_payment", 5900, 0, 1, recipient='刘*', phone='139****0021'),
        "4011223344556677891": Order("cancelled", 8800, 0, 1, refunded=8800, recipient='王**', phone='186****3300'),
        "4011223344556677892": Order("partially_shipped", 25600, 25600, 1, recipient='赵**', phone='151****8899'),
        "4011223344556677893": Order("cancelled", 4500, 0, 1, recipient='孙*', phone='137****4455'),
        "4011223344556677894": Order("awaiting_shipment", 13600, 13600, 1, recipient='周**', phone='158****2468'),
    }),
    "woocommerce-algolplus-2018.csv": File("woocommerce", {
        "1801": Order("awaiting_payment", 1800, 0, 1),
        "1802": Order("awaiting_payment", 800, 0, 1),
        "1803": Order("awaiting_shipment", 1250, 1250, 2),
        "1804": Order("completed", 1500, 1500, 1),
    }),
    "woocommerce-algolplus-2024.xlsx": File("woocommerce", {
        "4512": Order("awaiting_shipment", 5550, 5550, 2),
        "4513": Order("completed", 3500, 3500, 1),
        "4514": Order("awaiting_payment", 2150, 0, 1),
        "4515": Order("awaiting_payment", 1550, 0, 1),
        "4516": Order("cancelled", 6000, 0, 1),
        "4517": Order("cancelled", 2500, 0, 0, refunded=2500),
        "4518": Order("completed", 4000, 3050, 3, refunded=950),
    }),
    "woocommerce-analytics-2024.csv": File("woocommerce-analytics", {
        "1201": Order("awaiting_shipment", 4600, 4600, 1),
        "1202": Order("completed", 3500, 3500, 1),
        "1205": Order("awaiting_payment", 1800, 0, 1),
        "1204": Order("cancelled", 1800, 0, 1, refunded=1800),
        "1199": Order("completed", 1950, 1950, 1),
    }),
    "woocommerce-webtoffee-2024.csv": File("woocommerce-webtoffee", {
        "1201": Order("awaiting_shipment", 5200, 5200, 2, recipient='Oliver', phone='+447700900123'),
        "1202": Order("completed", 3500, 3500, 1, recipient='Amelia', phone='07700 900456'),
        "1203": Order("awaiting_payment", 1550, 0, 1, recipient='Isla', phone=''),
        "1204": Order("cancelled", 1800, 0, 1, refunded=1800, recipient='Ava', phone='07700 900654'),
        "1205": Order("awaiting_payment", 2150, 0, 1, recipient='Harry', phone='07700 900789'),
        "1206": Order("cancelled", 6000, 0, 1, recipient='George', phone='07700 900321'),
    }),
    "woocommerce-webtoffee-rows-2024.csv": File("woocommerce-webtoffee", {
        "1301": Order("completed", 3400, 3400, 2),
        "1302": Order("awaiting_shipment", 2400, 2400, 2),
        "1303": Order("awaiting_payment", 1350, 0, 1),
    }),
    "youzan-items-2022.csv": File("youzan-items", {
        "E20220331142238091806171": Order("awaiting_shipment", 17900, 17900, 2, recipient='王小二', phone='13666666666'),
        "E20220401090011223344556": Order("shipped", 7900, 7900, 1, recipient='李**', phone='186******05'),
        "E20220402101010101010101": Order("completed", 21700, 21700, 2, recipient='赵**', phone='135******88'),
        "E20220403120000777788889999": Order("cancelled", 15800, 0, 1, refunded=15800, recipient='钱**', phone='137******21'),
    }),
    "youzan-items-2024.xlsx": File("youzan-items", {
        "E20240105101010111122223333": Order("partially_shipped", 11800, 11800, 1),
        "E20240106121212444455556666": Order("awaiting_confirmation", 16800, 16800, 1),
        "E20240107080808777788880000": Order("completed", 14900, 12900, 1, refunded=2000),
    }),
    "youzan-orders-2019.xlsx": File("youzan", {
        "E20190214083000123456789": Order("completed", 19900, 19900, 1),
        "E20190213120000987654321": Order("awaiting_payment", 9900, 0, 1),
        "E20190212180000555555555": Order("shipped", 25900, 25900, 1),
        "E20190211100000444444444": Order("cancelled", 12900, 0, 1, refunded=12900),
    }),
    "youzan-orders-2026.csv": File("youzan", {
        "E20260620105512034500011": Order("completed", 12800, 12800, 1, recipient='陈**', phone='186****0005'),
        "E20260620111204567800022": Order("awaiting_shipment", 8600, 8600, 1, recipient='林*', phone='135****1212'),
        "E20260619093012345600033": Order("awaiting_payment", 4500, 0, 1, recipient='郑**', phone='137****3434'),
        "E20260618150000111100044": Order("cancelled", 6600, 0, 1, refunded=6600, recipient='吴**', phone='158****5656'),
        "E20260617120000222200055": Order("completed", 9800, 8800, 1, refunded=1000, recipient='何**', phone='139****7878'),
        "E20260616080000333300066": Order("cancelled", 3200, 0, 1, recipient='冯*', phone='136****9090'),
        "E20260621140000444400077": Order("shipped", 15800, 15800, 1, recipient='许**', phone='188****1313'),
    }),
}
