"""Best guesses for the mapping dialog and for unknown status words: which column holds which
field, and which standard status a channel's word means.

Columns are matched first by their header name, in Chinese and English (every built-in layout's
header names, then synonyms: 订单号/单号/order no., 收货人/收件人/ship to, ...), then, for fields
still unmapped, by their content (dates, amounts, phone numbers, tracking numbers, order numbers).
Status words are guessed by meaning: the words of every built-in layout first, then rules in
an order that keeps "等待买家付款" (awaiting payment) apart from "买家已付款，等待卖家发货" (paid,
awaiting shipment) and sends closed and cancelled words to cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import UTC

from shop_orders.domain.status import Status
from shop_orders.services.importing import values
from shop_orders.services.importing.profiles import norm, status_key

S = Status

# Synonyms by field, most specific first; compared after norm() as whole names, then as parts.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "channel_order_no": ("订单编号", "订单号", "主订单编号", "单号", "订单id", "order number", "order no.", "order no",
                         "order id", "order #", "order", "order_number", "order_id"),
    "status": ("订单状态", "交易状态", "状态", "order status", "status"),
    "created_at": ("下单时间", "订单创建时间", "创建时间", "订单提交时间", "成交时间", "下单日期", "日期", "order date",
                   "created at", "created", "purchase date", "date"),
    "paid_at": ("付款时间", "支付时间", "订单付款时间", "买家付款时间", "paid at", "paid date", "payment date"),
    "shipped_at": ("发货时间", "shipped at", "fulfilled at", "ship date"),
    "finished_at": ("完成时间", "确认收货时间", "成交完成时间", "completed at", "completed date"),
    "buyer": ("买家会员名", "买家昵称", "买家", "客户", "会员", "下单账号", "buyer", "customer", "email", "customer email"),
    "recipient": ("收货人姓名", "收货人", "收件人", "联系人", "客户姓名", "ship to", "shipping name", "recipient",
                  "recipient name", "consignee"),
    "phone": ("联系手机", "收货人手机号", "收件人手机号", "手机号", "手机", "联系电话", "电话", "phone", "mobile",
              "telephone", "tel", "contact number"),
    "address": ("收货地址", "详细地址", "地址", "客户地址", "address", "shipping address"),
    "address_province": ("省份", "省", "province", "state", "country"),
    "address_city": ("城市", "市", "city"),
    "address_district": ("区县", "区", "邮编", "postcode", "zip", "postal code"),
    "address_street": ("街道", "street", "address line 1", "address 1"),
    "currency": ("币种", "货币", "currency"),
    "total": ("订单金额", "总金额", "应付金额", "订单总额", "合计金额", "金额", "order total", "total", "amount",
              "grand total"),
    "paid": ("实付金额", "买家实际支付金额", "实收金额", "已付金额", "已付", "支付金额", "paid", "amount paid",
             "paid amount"),
    "refunded": ("退款金额", "已退款金额", "refunded", "refund amount", "refunded amount"),
    "sku": ("商家编码", "商品编码", "规格编码", "货号", "sku", "item sku", "product code"),
    "title": ("商品名称", "宝贝标题", "商品标题", "商品", "品名", "货品名称", "product", "item", "item name",
              "product name", "title"),
    "qty": ("数量", "购买数量", "件数", "商品数量", "qty", "quantity"),
    "unit_price": ("单价", "价格", "商品单价", "unit price", "price", "item price"),
    "courier": ("快递公司", "物流公司", "承运商", "快递", "courier", "carrier", "shipping company"),
    "tracking_no": ("运单号", "快递单号", "物流单号", "运单编号", "tracking number", "tracking no.", "tracking no",
                    "tracking"),
}

_PHONE = re.compile(r"^(\+?86[- ]?)?1[3-9]\d[\d*]{4}\d{4}$|^\+?\d[\d\s()-]{6,18}\d$|^1[3-9]\d\*{4}\d{4}$")
_TRACKING = re.compile(r"^(SF\d{12,15}|YT\d{13}|JT\d{13}|JD[A-Z0-9]{12,16}|ZTO\d{12}|DPK\d{12}|"
                       r"7\d{11,14}|[1-9]\d{11,13}|[A-Z]{2}\d{9}[A-Z]{2}|1Z[0-9A-Z]{16})$")
_AMOUNT = re.compile(r"^[¥￥$€£]?-?\d{1,3}(,?\d{3})*(\.\d{1,2})?$")


def _header_score(header: str, synonym: str) -> int:
    h, s = norm(header), norm(synonym)
    if not h or not s:
        return 0
    if h == s:
        return 100 + len(s)
    if len(s) >= 2 and s in h:
        return 50 + len(s)
    return 0


def guess_columns(headers: Sequence[str], sample: Sequence[Sequence], known: Sequence = ()) -> dict[str, str]:
    """field -> header: the best guess for every field the file seems to have. `known` are
    profiles whose header names are exact synonyms (the built-in layouts)."""
    candidates: list[tuple[int, str, str]] = []
    exact: dict[str, dict[str, int]] = {}
    for profile in known:
        for fld, aliases in profile.columns.items():
            for a in aliases:
                exact.setdefault(norm(a), {}).setdefault(fld, 0)
                exact[norm(a)][fld] += 1
    for h in headers:
        if not str(h).strip():
            continue
        for fld, count in exact.get(norm(h), {}).items():
            candidates.append((200 + count, fld, h))
        for fld, synonyms in SYNONYMS.items():
            best = max((_header_score(h, s) for s in synonyms), default=0)
            if best:
                candidates.append((best, fld, h))
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for _score, fld, h in sorted(candidates, key=lambda c: -c[0]):
        if fld in chosen or h in used:
            continue
        chosen[fld] = h
        used.add(h)
    for fld, h in _by_content(headers, sample, used).items():
        chosen.setdefault(fld, h)
    return chosen


def _column(sample: Sequence[Sequence], i: int) -> list[str]:
    return [values.clean(r[i]) for r in sample if i < len(r) and values.clean(r[i])]


def _share(cells: list[str], test: Callable[[str], object]) -> float:
    if not cells:
        return 0.0
    ok = 0
    for c in cells:
        with suppress(values.CellError, ValueError):
            ok += bool(test(c))
    return ok / len(cells)


def _by_content(headers: Sequence[str], sample: Sequence[Sequence], used: set[str]) -> dict[str, str]:
    """Fields guessed from what the unclaimed columns hold (at least 80% of their cells)."""
    out: dict[str, str] = {}
    for i, h in enumerate(headers):
        if not str(h).strip() or h in used:
            continue
        cells = _column(sample, i)
        if len(cells) < 1:
            continue
        if "created_at" not in out and _share(cells, lambda c: values.when(c, UTC) and not c.isdigit()) >= 0.8:
            out["created_at"] = h
        elif "phone" not in out and _share(cells, _PHONE.match) >= 0.8:
            out["phone"] = h
        elif "tracking_no" not in out and _share(cells, _TRACKING.match) >= 0.8 and len(set(cells)) == len(cells):
            out["tracking_no"] = h
        elif "channel_order_no" not in out and _share(cells, lambda c: re.fullmatch(r"[A-Za-z#]?[\d-]{6,30}", c)) >= 0.8:
            out["channel_order_no"] = h
        elif "total" not in out and _share(cells, _AMOUNT.match) >= 0.8 and any("." in c for c in cells):
            out["total"] = h
    return out


# Meaning rules, tried in order on the normalised word (after the built-in layouts' own words).
RULES: tuple[tuple[str, Status], ...] = (
    (r"退款成功|退款完成|已退款|交易关闭|关闭|取消|作废|删除|失败|拒收|cancel|refund|closed|void|fail|reject", S.CANCELLED),
    (r"^部分付款|定金|尾款|部分支付|partially.?paid|deposit", S.PARTIALLY_PAID),
    (r"等待买家付款|待付款|待支付|未付款|未支付|等待付款|unpaid|pending.?payment|awaiting.?payment|^pending$|on.?hold", S.AWAITING_PAYMENT),
    (r"部分发货|partially.?shipped|partial", S.PARTIALLY_SHIPPED),
    (r"交易成功|交易完成|已完成|^完成$|已签收|已收货|签收|delivered|completed|complete|finished", S.COMPLETED),
    (r"已发货|待收货|待签收|运输中|派送中|等待确认收货|等待买家确认|(?<!un)shipped|in.?transit|(?<!un)fulfilled|dispatched", S.SHIPPED),
    (r"待确认|未确认|待审核|待成团|待接单|awaiting.?confirmation|unconfirmed", S.AWAITING_CONFIRMATION),
    (r"待发货|等待出库|待出库|备货|已付款|已支付|等待卖家发货|processing|paid|unshipped|ready", S.AWAITING_SHIPMENT),
)


def guess_status(word: str, known: Sequence = ()) -> Status | None:
    """The standard status a channel's word most likely means; None when nothing suggests one."""
    for profile in known:
        status = profile.status_for(word)
        if status is not None:
            return status
    key, _prefix = status_key(word)  # a bracketed prefix is a flag (domain/flags.py): the word decides
    for pattern, status in RULES:
        if re.search(pattern, key):
            return status
    return None
