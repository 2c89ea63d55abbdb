"""Kuaidi100 (快递100) real-time query (实时快递查询): one signed POST per tracking number.

The protocol, as documented by Kuaidi100:
- POST `<url>/poll/query.do`, form-encoded, fields `customer` (the account's customer id),
  `param` (JSON: `com` the carrier's lower-case code, `num` the number, `resultv2`) and `sign`,
  the upper-case hex MD5 of `param + key + customer` (no separators).
- Success: `{"message": "ok", "nu": ..., "ischeck": "0|1", "com": ..., "status": "200",
  "state": "0".."14", "data": [{"time", "ftime", "context", "location", "status", "statusCode"}]}`,
  newest event first, times in China's local time ("2026-11-20 09:30:00", Asia/Shanghai, UTC+8).
- `state`: 0 在途 in transit, 1 揽收 picked up, 2 疑难 problem, 3 签收 signed for, 4 退签 returned
  and signed by the sender, 5 派件 out for delivery, 6 退回 on the way back, 7 转投/转单 handed to
  another carrier, 8 清关 customs (10 待清关, 11 清关中, 12 已清关, 13 清关异常), 14 拒签 refused.
  We ask for `resultv2=4`, which adds each event's advanced state (高级物流状态): 101 已下单 and
  102 待揽收 (a waybill, no parcel yet), 103 已揽收, 1001-1003 in transit, 501 投柜或驿站,
  301-304 signed (in person, after a problem, by someone else, at a locker), 401 已销单 (cancelled).
  Without it a "not picked up yet" shipment cannot be told from a picked-up one (both are 揽收).
- Failure: `{"result": false, "returnCode": "...", "message": ...}`: 400 incomplete data or the
  company not authorised, 500 no result for this number (查询无结果), 501 server error, 502 server
  busy, 503 signature check failed (验证签名失败), 601 key expired / no balance. Kuaidi100 documents
  no rate-limit answer (it asks for at most one query per number every half hour, else it locks the
  number); we treat 502 "busy" as "slow down" and back off.

Mapping: 500 -> INVALID_NUMBER; 503 and 601 -> bad credentials; 501 -> server error (retried);
502 -> rate limited (retried); any other code -> refused; any state we do not know -> EXCEPTION.

Sources:
- Kuaidi100, 实时快递单号查询技术文档, https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc
  (address, fields, sign = MD5(param + key + customer) upper case, resultv2, number 6-32 chars,
  "query each number at most every half hour")
- Kuaidi100 API on Apifox, 实时快递查询接口, https://apifox.com/apidoc/project-514987/api-8562559
  (1.6 运单快递状态(state)说明: basic and advanced state values and names)
- Kuaidi100's PHP demo, https://github.com/kuaidi100-api/php-demo/blob/master/src/synquery.php
  (param JSON-encoded with unescaped Unicode, then signed)
- segmentfault.com/a/1190000040012459 (the 1.5 response table: state 0-14 and their names)
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState, require_plausible
from shop_orders.services.couriers.base import (
    CourierAuthError,
    CourierRefused,
    HttpCourier,
    Retry,
)

S = TrackState
STATES = {
    "0": S.IN_TRANSIT, "1": S.PICKED_UP, "2": S.EXCEPTION, "3": S.DELIVERED, "4": S.RETURNED,
    "5": S.OUT_FOR_DELIVERY, "6": S.RETURNED, "7": S.IN_TRANSIT, "8": S.IN_TRANSIT,
    "10": S.IN_TRANSIT, "11": S.IN_TRANSIT, "12": S.IN_TRANSIT, "13": S.EXCEPTION, "14": S.RETURNED,
    # advanced states (resultv2=4)
    "101": S.INFO_RECEIVED, "102": S.INFO_RECEIVED, "103": S.PICKED_UP,
    "1001": S.IN_TRANSIT, "1002": S.IN_TRANSIT, "1003": S.IN_TRANSIT, "501": S.OUT_FOR_DELIVERY,
    "301": S.DELIVERED, "302": S.DELIVERED, "303": S.DELIVERED, "304": S.DELIVERED, "401": S.EXCEPTION,
}
NAMES = {
    "在途": S.IN_TRANSIT, "揽收": S.PICKED_UP, "疑难": S.EXCEPTION, "签收": S.DELIVERED, "退签": S.RETURNED,
    "派件": S.OUT_FOR_DELIVERY, "退回": S.RETURNED, "转投": S.IN_TRANSIT, "转单": S.IN_TRANSIT,
    "清关": S.IN_TRANSIT, "待清关": S.IN_TRANSIT, "清关中": S.IN_TRANSIT, "已清关": S.IN_TRANSIT,
    "清关异常": S.EXCEPTION, "拒签": S.RETURNED, "已下单": S.INFO_RECEIVED, "待揽收": S.INFO_RECEIVED,
    "已揽收": S.PICKED_UP,
}
INVALID_CODES = {"500"}
AUTH_CODES = {"503", "601"}
SERVER_CODES = {"501"}
BUSY_CODES = {"502"}
PROBE_NUMBER = "SHOPORDERS-PROBE"  # what "Test connection" asks about: unknown is a fine answer


def _shanghai() -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # no time zone database (Windows without tzdata)
        return timezone(timedelta(hours=8), "CST")  # China has kept UTC+8 without DST since 1991


SHANGHAI = _shanghai()


def sign(param: str, key: str, customer: str) -> str:
    """Kuaidi100's signature: upper-case hex MD5 of param + key + customer."""
    return hashlib.md5((param + key + customer).encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def china_time(text: str) -> datetime:
    """'2026-11-20 09:30:00' in Asia/Shanghai as aware UTC (ValueError for anything else)."""
    local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC)


def _code(value: object) -> str:
    return str(value).strip()[:12] if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


class Kuaidi100Adapter(HttpCourier):
    """Kuaidi100's real-time query. The secret is the account's key (授权key)."""

    def track(self, number: str) -> TrackResult:
        require_plausible(number)
        return self._with_retries(lambda: self._query(number))

    def test_connection(self) -> None:
        self.track(PROBE_NUMBER)  # credentials are checked before the number: any answer will do

    def _carrier(self) -> str:
        code = str(self.config.carrier).strip().lower()
        if not code or len(code) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
            raise ValidationError(t("The courier {name} needs a carrier code, such as 'yuantong' or 'ups'.",
                                    name=self.config.name))
        return code

    def _query(self, number: str) -> TrackResult:
        param = json.dumps({"com": self._carrier(), "num": number, "resultv2": "4"}, ensure_ascii=False,
                           separators=(",", ":"))
        customer = str(self.config.customer)
        form = {"customer": customer, "sign": sign(param, self._secret, customer), "param": param}
        answer = self._fetch("POST", "/poll/query.do", data=form)
        if answer.status in (401, 403):
            raise CourierAuthError(self.config.name)
        doc = self._json(answer.body)
        if not isinstance(doc, dict):
            self._bad_answer()
        if doc.get("result") is False or "returnCode" in doc:
            return self._failure(number, _code(doc.get("returnCode")))
        if answer.status != 200:
            raise CourierRefused(self.config.name, answer.status)
        return self._success(number, doc)

    def _failure(self, number: str, code: str) -> TrackResult:
        name = self.config.name
        if code in INVALID_CODES:
            return TrackResult.invalid(number)
        if code in AUTH_CODES:
            raise CourierAuthError(name)
        if code in SERVER_CODES:
            raise Retry("server", code)
        if code in BUSY_CODES:
            raise Retry("rate", code)
        if not code.isdigit():
            self._bad_answer()
        raise CourierRefused(name, code)

    def _success(self, number: str, doc: dict[str, Any]) -> TrackResult:
        nu, data, state_code = doc.get("nu"), doc.get("data"), _code(doc.get("state"))
        if not isinstance(nu, str) or nu.strip().upper() != number.upper():
            self._bad_answer()  # an answer about another parcel is not an answer about this one
        if not isinstance(data, list) or not state_code:
            self._bad_answer()
        state = STATES.get(state_code, S.EXCEPTION)
        events: list[TrackEvent] = []
        for i, item in enumerate(data[: self.limits.max_events]):  # newest first: keep the newest
            events.append(self._event(item, state if i == 0 else S.IN_TRANSIT))
        # A 揽收 shipment whose newest event is 已下单/待揽收 has a waybill, not yet a parcel.
        if state is S.PICKED_UP and events and events[0].state is S.INFO_RECEIVED:
            state = S.INFO_RECEIVED
        return TrackResult.of(number, state, events)

    def _event(self, item: object, fallback: TrackState) -> TrackEvent:
        if not isinstance(item, dict):
            self._bad_answer()
        when = item.get("time") or item.get("ftime")
        if not isinstance(when, str):
            self._bad_answer()
        try:
            at = china_time(when[:40])
        except ValueError:
            self._bad_answer()
        state = STATES.get(_code(item.get("statusCode")))
        if state is None:
            status = item.get("status")
            state = NAMES.get(status.strip()) if isinstance(status, str) else None
        return TrackEvent(at, state or fallback, self._text(item.get("context")), self._text(item.get("location")))
