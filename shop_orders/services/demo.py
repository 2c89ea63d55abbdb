"""`shop-orders demo`: fill a database with realistic mixed-channel orders for trying the app.

Chinese marketplaces (Taobao, Tmall, JD, Pinduoduo, Douyin, Youzan), the WeChat mini-program,
the till and phone orders in CNY; Shopify, WooCommerce and Amazon in GBP/USD/EUR. Every status
appears, with deposits (partial payments), partial shipments, couriers and tracking numbers,
and some open orders left without an update for days (stale). Each order gets the audit events
that its history implies (created, paid, status changes, shipped with its courier and tracking
number, as services/orders.ship records them), hash-chained like any other
change, with source "demo". The same seed gives the same orders.

Written in bulk (Core executemany in one transaction) because a million orders is a real test
size for the grid; see tests/bench/bench_demo.py for its cost against bare sqlite3.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import col

from shop_orders.domain import ids
from shop_orders.domain.changes import ChangeContext
from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.money import format_minor
from shop_orders.domain.replay import created_value
from shop_orders.domain.roles import Role
from shop_orders.domain.status import Status
from shop_orders.services import permissions
from shop_orders.services.uow import UnitOfWork
from shop_orders.store import audit
from shop_orders.store.db import Database, sync_sequences
from shop_orders.store.models import Order, OrderIdCounter, OrderLine, Payment, Shipment

S = Status
BATCH = 5000

CHANNEL_WEIGHTS = {
    "taobao": 22, "tmall": 8, "jd": 14, "pinduoduo": 14, "douyin": 12, "youzan": 3, "wechat": 8,
    "pos": 5, "phone": 2, "shopify": 5, "woocommerce": 3, "amazon": 4,
}
WESTERN = {"shopify", "woocommerce", "amazon"}
STATUS_WEIGHTS = {
    S.AWAITING_CONFIRMATION: 2, S.AWAITING_PAYMENT: 8, S.PARTIALLY_PAID: 4, S.AWAITING_SHIPMENT: 15,
    S.PARTIALLY_SHIPPED: 4, S.SHIPPED: 17, S.COMPLETED: 43, S.CANCELLED: 7,
}
CN_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
CN_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "晓东", "雨桐", "子涵", "浩然", "欣怡", "梓萱", "一诺"]
CN_PLACES = [
    ("浙江省", "杭州市", ["西湖区", "上城区", "拱墅区", "滨江区", "余杭区"]),
    ("上海市", "上海市", ["浦东新区", "徐汇区", "静安区", "闵行区"]),
    ("北京市", "北京市", ["朝阳区", "海淀区", "东城区", "丰台区"]),
    ("广东省", "广州市", ["天河区", "越秀区", "海珠区", "番禺区"]),
    ("广东省", "深圳市", ["南山区", "福田区", "宝安区", "龙岗区"]),
    ("江苏省", "南京市", ["鼓楼区", "玄武区", "江宁区"]),
    ("四川省", "成都市", ["武侯区", "锦江区", "高新区"]),
    ("湖北省", "武汉市", ["洪山区", "江汉区", "武昌区"]),
]
CN_STREETS = ["文三路", "学院路", "人民路", "解放路", "中山路", "建国路", "南京路", "长江路", "和平路", "新华路"]
WEST_FIRST = ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Noah", "Emily", "James", "Sophie", "Liam", "Grace", "Lucas", "Chloe"]
WEST_LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Walker", "Evans", "Thomas", "Roberts", "Green", "Hall"]
WEST_PLACES = [
    ("GBP", "Leeds LS1 {n}AB, United Kingdom", "+44 7{d}"), ("GBP", "Manchester M1 {n}EF, United Kingdom", "+44 7{d}"),
    ("GBP", "London SE1 {n}XY, United Kingdom", "+44 7{d}"), ("USD", "Austin, TX 787{n:02d}, USA", "+1 512{d}"),
    ("USD", "Portland, OR 972{n:02d}, USA", "+1 503{d}"), ("EUR", "10115 Berlin, Germany", "+49 15{d}"),
]
WEST_STREETS = ["High Street", "Station Road", "Park Lane", "Church Street", "Main Street", "Mill Lane", "Oak Avenue"]
PRODUCTS_CN = [("TEA-LJ-250", "西湖龙井 250g", 16800), ("TEA-PE-357", "普洱茶饼 357g", 12800),
               ("CUP-GL-01", "玻璃茶杯", 3900), ("SET-TEA-06", "功夫茶具套装", 25900),
               ("SNK-NUT-500", "每日坚果 500g", 6990), ("HNY-AC-500", "洋槐蜂蜜 500g", 4580),
               ("SLK-SC-01", "真丝围巾", 19900), ("FAN-SD-02", "檀香扇", 8800)]
PRODUCTS_WEST = [("TEA-LJ-100", "Longjing green tea 100g", 1850), ("TEA-EG-250", "Earl Grey loose leaf 250g", 1200),
                 ("CUP-GL-01", "Double-wall glass cup", 950), ("SET-TEA-06", "Gongfu tea set", 5900),
                 ("SLK-SC-01", "Silk scarf", 3500)]
CN_COURIERS = [("顺丰速运", "SF", 12), ("中通快递", "7", 13), ("圆通速递", "YT", 13), ("京东物流", "JD", 13), ("EMS", "1", 12)]
WEST_COURIERS = [("Royal Mail", "RM", 9), ("UPS", "1Z", 16), ("DHL", "", 10)]
PAY_METHODS_CN = ["alipay", "wechat_pay", "unionpay"]
PAY_METHODS_WEST = ["card", "paypal", "shop_pay"]


# (at, old status, new status, reason): one status change of a demo order
_Step = tuple[datetime, str, str, str]
# (channel, buyer, recipient, phone, address, currency, total, paid, courier, tracking no., status,
# created, updated)
_Fields = tuple[str, str, str, str, str, str, int, int, str, str, str, datetime, datetime]
_Payment = tuple[int, str, str, datetime]  # (amount, method, reference, paid at)
_Shipment = tuple[str, str, str, datetime]  # (courier, tracking no., items as JSON, shipped at)


def _status_path(first: str, final: str, paid_at: datetime, shipped_at: datetime,
                 updated: datetime) -> list[_Step]:
    """The status changes an order went through to reach `final`, with their times."""
    steps: list[_Step] = []
    at = first
    if final in ("partially_paid",):
        return [(paid_at, at, final, "")]
    if final == "cancelled":
        return [(updated, at, final, "买家取消 / customer cancelled")]
    if final in ("awaiting_shipment", "partially_shipped", "shipped", "completed"):
        steps.append((paid_at, at, "awaiting_shipment", ""))
        at = "awaiting_shipment"
    if final in ("partially_shipped", "shipped", "completed"):
        shipped = "partially_shipped" if final == "partially_shipped" else "shipped"
        steps.append((shipped_at, at, shipped, ""))
        at = shipped
    if final == "completed":
        steps.append((updated, at, final, ""))
    return steps


def _channel_order_no(channel: str, n: int, created: datetime, rng: random.Random) -> str:
    digits = f"{n:09d}"
    match channel:
        case "taobao" | "tmall":
            return f"{rng.randint(1000, 4999)}{rng.randint(100000, 999999)}{digits}"
        case "jd":
            return f"3{rng.randint(10, 99)}{digits}"
        case "pinduoduo":
            return f"{created:%y%m%d}-{rng.randint(100000, 999999)}{digits}"
        case "douyin":
            return f"69{rng.randint(10000000, 99999999)}{digits}"
        case "youzan":
            return f"E{created:%Y%m%d}{digits}"
        case "wechat":
            return f"WX{created:%Y%m%d}{digits}"
        case "pos":
            return f"POS-{created:%Y%m%d}-{digits}"
        case "phone":
            return f"TEL-{digits}"
        case "shopify":
            return f"#{1000 + n}"
        case "woocommerce":
            return str(10000 + n)
        case "amazon":
            return f"{rng.randint(100, 999)}-{n % 10000000:07d}-{rng.randint(1000000, 9999999)}"
    raise ValueError(channel)


class _Generator:
    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        rng = self.rng
        self.channels = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()), k=4096)
        self.statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=4096)
        self.cn_people = [self._cn_person() for _ in range(3000)]
        self.west_people = [self._west_person() for _ in range(1500)]

    def _cn_person(self) -> tuple[str, str, str, str]:
        rng = self.rng
        name = rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
        province, city, districts = rng.choice(CN_PLACES)
        address = f"{province}{city}{rng.choice(districts)}{rng.choice(CN_STREETS)}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室"
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"
        buyer = rng.choice(["", "tb", "jd_", "小", "爱喝茶的"]) + name + (str(rng.randint(1, 9999)) if rng.random() < 0.5 else "")
        return buyer, name, phone, address

    def _west_person(self) -> tuple[str, str, str, str, str]:
        rng = self.rng
        name = f"{rng.choice(WEST_FIRST)} {rng.choice(WEST_LAST)}"
        currency, place, phone = rng.choice(WEST_PLACES)
        address = f"{rng.randint(1, 250)} {rng.choice(WEST_STREETS)}, " + place.format(n=rng.randint(1, 9))
        return name.lower().replace(" ", ".") + "@example.com", name, phone.format(d=f"{rng.randint(0, 99999999):08d}"), address, currency

    def order(self, n: int) -> tuple[_Fields, list[list[Any]], list[_Payment], list[_Shipment]]:
        """One order: (fields, lines, payments, shipments, history)."""
        rng, now = self.rng, self.now
        channel = self.channels[n % 4096] if n % 7 else rng.choice(self.channels)
        status = self.statuses[(n * 31 + rng.randint(0, 4095)) % 4096]
        west = channel in WESTERN
        if west:
            buyer, recipient, phone, address, currency = rng.choice(self.west_people)
            products, couriers, methods = PRODUCTS_WEST, WEST_COURIERS, PAY_METHODS_WEST
        else:
            buyer, recipient, phone, address = rng.choice(self.cn_people)
            currency, products, couriers, methods = "CNY", PRODUCTS_CN, CN_COURIERS, PAY_METHODS_CN
        created = now - timedelta(seconds=rng.randint(3600, 180 * 86400))
        lines: list[list[Any]]  # [line_no, sku, title, qty, price, shipped]
        lines, total = [], 0
        for line_no in range(1, rng.choice((1, 1, 1, 2, 2, 3)) + 1):
            sku, title, price = rng.choice(products)
            qty = rng.choice((1, 1, 1, 2, 3))
            lines.append([line_no, sku, title, qty, price, 0])
            total += qty * price
        open_order = status not in (S.COMPLETED, S.CANCELLED)
        if status in (S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT):
            # Nothing has happened since the order came in: its last update is its creation,
            # mostly within the last three days, some left waiting much longer (stale).
            created = now - timedelta(seconds=rng.randint(600, 60 * 3600 if rng.random() < 0.85 else 40 * 86400))
        age = (now - created).total_seconds()
        if status in (S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT):
            updated = created
        elif open_order and rng.random() < 0.85:
            updated = now - timedelta(seconds=rng.randint(60, int(min(age, 60 * 3600))))  # fresh or amber
        else:
            updated = created + timedelta(seconds=rng.randint(60, int(max(120, min(age - 60, 20 * 86400)))))
        paid = 0
        if status is S.PARTIALLY_PAID:
            paid = total * rng.choice((20, 30, 50)) // 100
        elif status not in (S.AWAITING_CONFIRMATION, S.AWAITING_PAYMENT, S.CANCELLED):
            paid = total
        payments: list[_Payment] = []
        if paid:
            payments.append((paid, rng.choice(methods), f"P{n:010d}", created + (updated - created) / 4))
        shipments: list[_Shipment] = []
        courier = tracking = ""
        if status in (S.PARTIALLY_SHIPPED, S.SHIPPED, S.COMPLETED):
            cname, prefix, width = rng.choice(couriers)
            courier, tracking = cname, prefix + f"{rng.randint(0, 10 ** width - 1):0{width}d}"
            if west and cname == "Royal Mail":
                tracking += "GB"
            items = {}
            for line in lines:
                q = line[3] if status is not S.PARTIALLY_SHIPPED else 0
                line[5] = q
                if q:
                    items[str(line[0])] = q
            if status is S.PARTIALLY_SHIPPED:
                if len(lines) == 1 and lines[0][3] == 1:
                    lines[0][3] = 2  # one of two shipped
                lines[0][5] = lines[0][3] - 1 if lines[0][3] > 1 else 1
                items = {"1": lines[0][5]}
                total = sum(line[3] * line[4] for line in lines)
                paid = total
                payments = [(paid, rng.choice(methods), f"P{n:010d}", created + (updated - created) / 4)]
            shipments.append((courier, tracking, json.dumps(items), created + (updated - created) / 2))
        fields = (channel, buyer, recipient, phone, address, currency, total, paid, courier, tracking,
                  status.value, created, updated)
        return fields, lines, payments, shipments


def fill(uow: UnitOfWork, ctx: ChangeContext, count: int, seed: int = 1,
         progress: Callable[[int, int], bool] | None = None) -> int:
    """Add `count` demo orders in the caller's unit of work; progress may return False to stop.

    Only into a store that holds no order at all (archived ones count), and only by its owner:
    demo orders mixed into a shop's real ones would be counted, shipped and exported as real
    (issue 23: a clerk could otherwise bury real orders among thousands of made-up ones)."""
    session = uow.session
    _may_add_demo(uow, ctx)
    gen = _Generator(seed, uow.now)
    first_id = (session.execute(select(func.max(Order.id))).scalar() or 0) + 1
    counters = {c.day: c.last for c in session.execute(select(OrderIdCounter)).scalars()}
    known_days = set(counters)
    line_id = (session.execute(select(func.max(OrderLine.id))).scalar() or 0) + 1
    done = 0
    tables = (Order.__table__, OrderLine.__table__, Payment.__table__, Shipment.__table__)
    actor, source = ctx.actor.name, ctx.source
    while done < count:
        orders, lines, payments, shipments, events = [], [], [], [], []
        for n in range(first_id + done, first_id + min(count, done + BATCH)):
            (channel, buyer, recipient, phone, address, currency, total, paid, courier, tracking,
             status, created, updated), olines, opays, oships = gen.order(n - first_id)
            day = ids.day_key(created)
            seq = counters.get(day, 0) + 1
            counters[day] = seq
            order_no = ids.format_order_id(day, seq)
            cno = _channel_order_no(channel, n, created, gen.rng)
            orders.append({
                "id": n, "order_no": order_no, "channel": channel, "channel_order_no": cno,
                "buyer": buyer, "recipient": recipient, "phone": phone, "address": address,
                "currency": currency, "total_minor": total, "paid_minor": paid, "courier": courier,
                "tracking_no": tracking, "status": status, "created_at": created,
                "updated_at": updated, # one version per service call: a payment or shipment carries its derived status
                "version": 1 + len(opays) + len(oships) + (status in ("completed", "cancelled")),
            })
            for line_no, sku, title, qty, price, shipped in olines:
                lines.append({"id": line_id, "order_id": n, "line_no": line_no, "sku": sku, "title": title,
                              "qty": qty, "unit_price_minor": price, "shipped_qty": shipped})
                line_id += 1
            first = "awaiting_confirmation" if status == "awaiting_confirmation" else "awaiting_payment"
            history = []
            history.append(audit.PendingEvent(created, actor, source, n, order_no, "create", "order", None, created_value(
                channel, cno, first, currency, total, 0, buyer, recipient, phone, address, "", "",
                [(line[3], line[4]) for line in olines])))
            for amount, method, ref, at in opays:
                payments.append({"order_id": n, "amount_minor": amount, "method": method,
                                 "reference": ref, "paid_at": at})
                history.append(audit.PendingEvent(at, actor, source, n, order_no, "payment", "paid",
                                                 format_minor(0, currency), format_minor(amount, currency)))
            for c, tracking_no, items, at in oships:
                shipments.append({"order_id": n, "courier": c, "tracking_no": tracking_no, "items": items, "shipped_at": at})
                history.append(audit.PendingEvent(at, actor, source, n, order_no, "ship", "shipped_qty", "0",
                                                 str(sum(json.loads(items).values()))))
                # As services/orders.ship records them: the parcel's courier and tracking number.
                for name, value in (("courier", c), ("tracking_no", tracking_no)):
                    if value:
                        history.append(audit.PendingEvent(at, actor, source, n, order_no, "edit", name, "", value))
            paid_at = opays[0][3] if opays else updated
            shipped_at = oships[0][3] if oships else updated
            for at, old, new, reason in _status_path(first, status, paid_at, shipped_at, updated):
                history.append(audit.PendingEvent(at, actor, source, n, order_no, "status", "status", old, new, reason))
            events.extend(sorted(history, key=lambda e: e.at))  # the chain in time order
        for table, batch in zip(tables, (orders, lines, payments, shipments), strict=True):
            if batch:
                session.execute(insert(table), batch)
        uow.append_in_bulk(events)
        done += len(orders)
        if progress is not None and progress(done, count) is False:
            break
    for day, last_seq in counters.items():
        if day in known_days:
            session.execute(OrderIdCounter.__table__.update().where(col(OrderIdCounter.day) == day).values(last=last_seq))
        else:
            session.execute(insert(OrderIdCounter.__table__), {"day": day, "last": last_seq})
    sync_sequences(session, tables)
    return done


class DemoCancelled(ShopOrdersError):
    """The person stopped adding demo orders; none were added."""


def _may_add_demo(uow: UnitOfWork, ctx: ChangeContext) -> None:
    if permissions.role_of(uow.session, ctx.actor) is not Role.OWNER:
        raise permissions.PermissionDenied(t("Only the owner may add demo orders."))
    held = uow.session.execute(select(func.count()).select_from(Order.__table__)).scalar() or 0
    if held:
        raise ValidationError(t("Demo orders go only into an empty store, and {where} holds {n} orders: give a new "
                                "file with --db for a demo store.", where=uow.db.where, n=f"{held:,}"))


def add_demo_orders(db: Database, ctx: ChangeContext, count: int, seed: int = 1,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> int:
    """`fill` in its own unit of work, for a worker: all the orders or, when cancelled, none."""
    def step(done: int, total: int) -> bool:
        if progress is not None:
            progress(done, total)
        return not (cancelled is not None and cancelled())

    with UnitOfWork(db) as uow:
        added = fill(uow, ctx, count, seed=seed, progress=step)
        if cancelled is not None and cancelled():
            raise DemoCancelled(t("Adding demo orders was cancelled; none were added."))
        uow.commit()
    return added
