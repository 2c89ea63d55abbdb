"""Names people read for the codes the store keeps: fields, audit actions and change sources.

The audit trail stores codes ("status", "import:taobao.xlsx", "edit") so it reads the same in any
language and its hashes never depend on one; these functions name them in the language of the
messages (domain/messages) when the trail is shown, printed or exported.
"""

from __future__ import annotations

from shop_orders.domain.messages import N_, t

FIELDS: dict[str, str] = {
    "track_state": N_("courier's tracking state"), "tracking": N_("courier tracking settings"),
    "couriers": N_("courier accounts"),
    "order": N_("order"), "channel": N_("channel"), "channel_order_no": N_("channel order number"),
    "status": N_("status"), "currency": N_("currency"), "total": N_("total"), "paid": N_("paid amount"),
    "buyer": N_("buyer"), "recipient": N_("recipient"), "phone": N_("phone"), "address": N_("address"),
    "courier": N_("courier"), "tracking_no": N_("tracking number"), "created_at": N_("order time"),
    "shipped_qty": N_("shipped quantity"), "sku": N_("SKU"), "title": N_("item"), "qty": N_("quantity"),
    "unit_price": N_("unit price"), "staleness": N_("staleness thresholds"), "timezone": N_("time zone"),
    "import_profiles": N_("import profiles"), "import_status_words": N_("status words of imports"),
    "lines": N_("lines"), "paid_at": N_("payment time"), "shipped_at": N_("shipping time"),
    "finished_at": N_("finishing time"), "refunded": N_("refunded amount"), "line_total": N_("line amount"),
    "address_province": N_("province / country"), "address_city": N_("city"),
    "address_district": N_("district / postcode"), "address_street": N_("street"),
    "financial_status": N_("payment status"), "fulfillment_status": N_("fulfilment status"),
    "cancelled_at": N_("cancellation time"), "archived": N_("archived"),
    "item_check": N_("item check"),
    "flags": N_("channel flags"), "amount_known": N_("amounts known"), "outstanding": N_("outstanding balance"),
    "payment_method": N_("payment method"), "marketplace": N_("marketplace"), "address_line2": N_("address line 2"),
    "address_line3": N_("address line 3"), "address_postcode": N_("postcode"), "address_country": N_("country"),
    "line_status": N_("line's fulfilment status"),
}

ACTIONS: dict[str, str] = {
    "create": N_("created"), "status": N_("status"), "payment": N_("payment"), "ship": N_("shipped"),
    "edit": N_("edited"), "setting": N_("setting"), "ticket": N_("ticket"),
    "tracking": N_("tracking"), "scan": N_("scan check"), "reconcile": N_("reconciliation"),
    "stock": N_("stock"), "catalogue": N_("stock catalogue"),
}

# A ticket's events are on its order, field "ticket#<id>.<what>" (services/tickets.py).
TICKET_FIELDS: dict[str, str] = {
    "opened": N_("opened"), "seen": N_("seen again by a rule"), "assignee": N_("assignee"),
    "comment": N_("comment"), "attachment": N_("attachment"), "state": N_("state"),
    "resolution": N_("resolution"), "reminder": N_("reminder"), "escalated": N_("escalated"),
    "summary": N_("gathered into a summary ticket"), "orders": N_("orders held"),
}

# A statement line's events (services/reconcile.py): field "statement_line#<id>.<what>", on the
# order it was matched to, or line-only (no order); an order's reconciliation: "reconcile.<what>".
LINE_FIELDS: dict[str, str] = {
    "match": N_("matched by hand"), "unmatch": N_("unmatched"), "exclude": N_("excluded by hand"),
}
FIELDS.update({"reconcile.state": N_("reconciliation state"), "reconcile.run": N_("reconciliation run")})

# Stock (services/stock*.py): an order's shortage and a returned parcel put back; a catalogue
# event's field is "<SKU>.<what>"; a movement's field is the SKU itself (read as it is).
FIELDS.update({"short": N_("short of stock"), "restocked": N_("put back on the shelf")})
CATALOGUE_FIELDS: dict[str, str] = {
    "title": N_("title"), "location": N_("location"), "safety": N_("safety stock"), "barcodes": N_("barcodes"),
}

# A source is a kind, or a kind and a name ("import:taobao.xlsx").
SOURCES: dict[str, str] = {
    "manual": N_("by hand"), "scan": N_("scan"), "demo": N_("demo data"), "system": N_("system"),
    "import": N_("import"), "courier": N_("courier"), "rule": N_("rule"), "sync": N_("channel sync"),
    "restore": N_("restore"), "cli": N_("command line"), "changeset": N_("change set"),
    "statement": N_("statement import"),
}

# The rules' names in a source "rule:<name>" (services/rules.py, the tickets' reminders and escalation).
RULES: dict[str, str] = {
    "payment": N_("payment check"), "stuck": N_("stuck orders"), "cancel": N_("channel cancels"),
    "hold": N_("channel holds"), "logistics": N_("courier's word"), "reminder": N_("ticket reminder"),
    "escalation": N_("ticket escalation"), "reconcile": N_("reconciliation"), "stock": N_("stock reservations"),
}


# Payment methods: codes in the store (and on the command line), names for people.
METHODS: dict[str, str] = {
    "alipay": N_("Alipay"), "wechat_pay": N_("WeChat Pay"), "unionpay": N_("UnionPay"),
    "bank_transfer": N_("bank transfer"), "cash": N_("cash"), "card": N_("card"), "paypal": N_("PayPal"),
}


def method_label(code: str, lang: str | None = None) -> str:
    """'alipay' -> 'Alipay' / '支付宝'; a channel code (an imported payment) -> the channel's name."""
    from shop_orders.domain.channels import CHANNELS, channel_label

    if code in METHODS:
        return t(METHODS[code], lang=lang)
    if code in CHANNELS:
        return channel_label(code, lang)
    return code


def field_label(code: str, lang: str | None = None) -> str:
    """'channel_order_no' -> 'channel order number' / '渠道订单号'; a ticket's 'ticket#5.state' -> '#5
    state' / '#5 状态' (its action names it a ticket); an unknown code as it is."""
    name = FIELDS.get(code)
    if name:
        return t(name, lang=lang)
    ticket, sep, what = code.partition(".")
    if sep and ticket.startswith("ticket#") and what in TICKET_FIELDS:
        return t("#{id} {what}", lang=lang, id=ticket.removeprefix("ticket#"),
                 what=t(TICKET_FIELDS[what], lang=lang))
    if sep and ticket.startswith("statement_line#") and what in LINE_FIELDS:
        return t("statement line #{id} {what}", lang=lang, id=ticket.removeprefix("statement_line#"),
                 what=t(LINE_FIELDS[what], lang=lang))
    sku, sep, what = code.rpartition(".")
    if sep and sku and what in CATALOGUE_FIELDS:
        return t("{sku} {what}", lang=lang, sku=sku, what=t(CATALOGUE_FIELDS[what], lang=lang))
    return code


def action_label(code: str, lang: str | None = None) -> str:
    name = ACTIONS.get(code)
    return t(name, lang=lang) if name else code


def source_label(source: str, lang: str | None = None) -> str:
    """'import:taobao.xlsx' -> 'import: taobao.xlsx' / '导入：taobao.xlsx'; 'manual' -> 'by hand' / '手动';
    'rule:stuck' -> 'rule: stuck orders' / '规则：超时订单'; 'changeset:12' -> 'change set: #12'."""
    kind, sep, name = source.partition(":")
    label = SOURCES.get(kind)
    if label is None:
        return source
    if not sep:
        return t(label, lang=lang)
    if kind == "rule" and name in RULES:
        name = t(RULES[name], lang=lang)
    elif kind == "changeset" and name.isdigit():
        name = f"#{name}"
    return t("{kind}: {name}", lang=lang, kind=t(label, lang=lang), name=name)
