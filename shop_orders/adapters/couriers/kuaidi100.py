"""Kuaidi100 (快递100) real-time query (实时快递查询): one signed POST per tracking number.

The protocol, as documented by Kuaidi100 and as its recorded answers show it (tests/real/couriers/
kuaidi100/, each answer with its source):
- POST `<url>/poll/query.do`, form-encoded, fields `customer` (the account's customer id),
  `param` (JSON: `com` the carrier's lower-case code, `num` the number, `resultv2`, and `phone`
  for the carriers that demand it) and `sign`, the upper-case hex MD5 of `param + key + customer`.
- Success: `{"message": "ok", "nu": ..., "ischeck": "0|1", "com": ..., "status": "200",
  "state": ..., "data": [{"time", "ftime", "context", "location", "status", "statusCode"}]}`,
  newest event first, times in China's local time, and events of the same second happen (a
  recorded STO parcel has three such pairs): their order is the courier's. A success has no
  `returnCode` (Kuaidi100's own Java SDK fills one in as null: only a non-empty one is a failure).
- `state` is the courier's overall state; with `resultv2=4` it may itself be an advanced code
  (recorded: "304"). Basic: 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 8 清关
  (10-13 customs), 14 拒签. Advanced: 101 已下单 and 102 待揽收 (a waybill, no parcel yet), 103
  已揽收, 1001-1003 in transit, 501 投柜或驿站, 301-304 signed, 201-210 疑难's kinds (201 not signed
  for long, 204 delivery failed, 205 not collected from the locker, 206 recipient unreachable:
  failed attempts; 203 拒收 refused, 207 out of area, 208 held, 209 damaged, 210 sender cancelled:
  problems), 401 已销单.
- Failure: `{"result": false, "returnCode": "...", "message": ...}`. 500 "查询无结果，请隔段时间再查"
  means NO RESULT YET: Kuaidi100 gives it for a fresh waybill the courier has not scanned, and
  equally for a wrong number or carrier; nothing in it tells these apart. No answer of this API
  positively says a number is wrong, so this adapter never answers INVALID_NUMBER: an unknown
  parcel is recalled only when the owner's pickup deadline passes (services/tracking.py). 400
  (找不到对应公司: our carrier code or customer id, or no balance) is a refusal of the account;
  408 (验证码错误) asks for the recipient's phone (SF, ZTO); 501 server error and 502 busy are
  retried; 503 (验证签名失败) and 601 (key expired, no balance) are our credentials.

Mapping of the overall state: 101/102 -> INFO_RECEIVED (also a 1 whose newest event is 101/102),
1/103 -> PICKED_UP, 0/7/8/10-12/1001-1003 -> IN_TRANSIT, 5/501 -> OUT_FOR_DELIVERY, 3/301-304 ->
DELIVERED, 201/204/205/206 -> FAILED_ATTEMPT, 4/6 -> RETURNED, 14/203 refused -> EXCEPTION (the
courier says when it is on its way back), 2/202/207-210/13/401 and any code we do not know ->
EXCEPTION; a success without events, and returnCode 500 -> UNKNOWN.

Sources:
- Kuaidi100, 实时快递单号查询技术文档, https://api.kuaidi100.com/document/5f0ffb5ebc8da837cbd8aefc
  (fields, sign, resultv2, phone required for 顺丰速运/顺丰快运/中通快递, newest first, "query each
  number at most every half hour, else it is locked")
- Kuaidi100 API on Apifox, https://apifox.com/apidoc/project-514987/api-8562559 (1.6 运单快递状态)
- Kuaidi100 FAQ, https://api.kuaidi100.com/document/chaxunwujieguo ("查询无结果，请隔段时间再查": a
  success and a no-result answer differ; judge by a non-empty returnCode), .../chaxunzhaobudaogongsi
  (400), .../cha-xun-bao-cuo1 (验证码错误: the phone)
- kuaidi100-api/java-demo (Apache-2.0) QueryTrackResp/QueryTrackData/QueryTrackParam (fields)
- Recorded answers: see tests/real/couriers/kuaidi100/SOURCES.md
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from shop_orders.adapters.couriers.http import HttpCourier, Retry
from shop_orders.domain.couriers import (
    CourierAuthError,
    CourierBadAnswer,
    CourierNeedsPhone,
    CourierRefused,
    ParcelQuery,
)
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState

S = TrackState
STATES = {
    "0": S.IN_TRANSIT, "1": S.PICKED_UP, "2": S.EXCEPTION, "3": S.DELIVERED, "4": S.RETURNED,
    "5": S.OUT_FOR_DELIVERY, "6": S.RETURNED, "7": S.IN_TRANSIT, "8": S.IN_TRANSIT,
    "10": S.IN_TRANSIT, "11": S.IN_TRANSIT, "12": S.IN_TRANSIT, "13": S.EXCEPTION, "14": S.EXCEPTION,
    # advanced states (resultv2=4), in the events and, recorded, at the top level too
    "101": S.INFO_RECEIVED, "102": S.INFO_RECEIVED, "103": S.PICKED_UP,
    "1001": S.IN_TRANSIT, "1002": S.IN_TRANSIT, "1003": S.IN_TRANSIT, "501": S.OUT_FOR_DELIVERY,
    "301": S.DELIVERED, "302": S.DELIVERED, "303": S.DELIVERED, "304": S.DELIVERED,
    "201": S.FAILED_ATTEMPT, "202": S.EXCEPTION, "203": S.EXCEPTION, "204": S.FAILED_ATTEMPT,
    "205": S.FAILED_ATTEMPT, "206": S.FAILED_ATTEMPT, "207": S.EXCEPTION, "208": S.EXCEPTION,
    "209": S.EXCEPTION, "210": S.EXCEPTION, "401": S.EXCEPTION,
}
NAMES = {
    "在途": S.IN_TRANSIT, "揽收": S.PICKED_UP, "疑难": S.EXCEPTION, "签收": S.DELIVERED, "退签": S.RETURNED,
    "派件": S.OUT_FOR_DELIVERY, "退回": S.RETURNED, "转投": S.IN_TRANSIT, "转单": S.IN_TRANSIT,
    "清关": S.IN_TRANSIT, "待清关": S.IN_TRANSIT, "清关中": S.IN_TRANSIT, "已清关": S.IN_TRANSIT,
    "清关异常": S.EXCEPTION, "拒签": S.EXCEPTION, "已下单": S.INFO_RECEIVED, "待揽收": S.INFO_RECEIVED,
    "已揽收": S.PICKED_UP, "干线": S.IN_TRANSIT, "到达派件城市": S.IN_TRANSIT, "转递": S.IN_TRANSIT,
    "投柜或驿站": S.OUT_FOR_DELIVERY, "本人签收": S.DELIVERED, "代签": S.DELIVERED,
    "投柜或站签收": S.DELIVERED, "派件异常后签收": S.DELIVERED,
}
NO_RESULT_CODES = {"500"}  # 查询无结果，请隔段时间再查: nothing yet, not "invalid"
AUTH_CODES = {"503", "601"}
SERVER_CODES = {"501"}
BUSY_CODES = {"502"}
PHONE_CODES = {"408"}  # 快递公司参数异常：验证码错误: the carrier answers only with the recipient's phone
# Carriers whose answers Kuaidi100 gives only with the recipient's phone (its last 4 digits).
PHONE_CARRIERS = frozenset({"shunfeng", "shunfengkuaiyun", "fengwang", "zhongtong"})
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


def phone_digits(phone: str) -> str:
    """The last 4 digits Kuaidi100 accepts for a phone (of an e-commerce virtual number
    13800138000-1234, the 4 after the dash); "" when the phone is masked or too short."""
    phone = phone.strip()
    if "-" in phone:
        phone = phone.rsplit("-", 1)[1]
    tail = phone[-4:]
    return tail if len(tail) == 4 and tail.isdigit() else ""


class Kuaidi100Adapter(HttpCourier):
    """Kuaidi100's real-time query. The secret is the account's key (授权key)."""

    def _track(self, query: ParcelQuery) -> TrackResult:
        return self._with_retries(lambda: self._query(query))

    def test_connection(self) -> None:
        self.track(PROBE_NUMBER)  # credentials are checked before the number: "no result" will do

    def _carrier(self) -> str:
        code = str(self.config.carrier).strip().lower()
        if not code or len(code) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
            raise ValidationError(t("The courier {name} needs a carrier code, such as 'yuantong' or 'ups'.",
                                    name=self.config.name))
        return code

    def _query(self, query: ParcelQuery) -> TrackResult:
        number, carrier = query.number, self._carrier()
        fields = {"com": carrier, "num": number, "resultv2": "4"}
        if carrier in PHONE_CARRIERS and (digits := phone_digits(query.phone)):
            fields["phone"] = digits
        param = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        customer = str(self.config.customer)
        form = {"customer": customer, "sign": sign(param, self._secret, customer), "param": param}
        answer = self._fetch("POST", "/poll/query.do", data=form)
        if answer.status in (401, 403):
            raise CourierAuthError(self.config.name)
        doc = self._json(answer.body)
        if not isinstance(doc, dict):
            self._bad_answer()
        code = doc.get("returnCode")
        if code not in (None, ""):  # only a returnCode makes a failure: "result" false comes with successes too
            return self._failure(number, _code(code))
        if answer.status != 200:
            raise CourierRefused(self.config.name, answer.status)
        return self._success(number, doc)

    def _failure(self, number: str, code: str) -> TrackResult:
        name = self.config.name
        if code in NO_RESULT_CODES:
            return TrackResult.unknown(number)
        if code in AUTH_CODES:
            raise CourierAuthError(name)
        if code in SERVER_CODES:
            raise Retry("server", code)
        if code in BUSY_CODES:
            raise Retry("rate", code)
        if code in PHONE_CODES:
            raise CourierNeedsPhone(name, number)
        if not code.isdigit():
            self._bad_answer()
        raise CourierRefused(name, code)

    def _success(self, number: str, doc: dict[str, Any]) -> TrackResult:
        nu, data, state_code = doc.get("nu"), doc.get("data"), _code(doc.get("state"))
        if not isinstance(nu, str) or nu.strip().upper() != number.upper():
            raise CourierBadAnswer(self.config.name)  # an answer about another parcel is not about this one
        if not isinstance(data, list) or not state_code:
            self._bad_answer()
        if not data:
            return TrackResult.unknown(number)  # a success that knows no event yet
        state = STATES.get(state_code, S.EXCEPTION)
        # Newest first, as Kuaidi100 sends them; each event's own code says little (a recorded 正在派送中
        # is labelled 在途), so the newest takes the overall state and the others their own codes.
        newest_first = [self._event(item, state if i == 0 else S.IN_TRANSIT)
                        for i, item in enumerate(data[: self.limits.max_events])]
        # A 揽收 shipment whose newest event is 已下单/待揽收 has a waybill, not yet a parcel.
        if state is S.PICKED_UP and newest_first[0].state is S.INFO_RECEIVED:
            state = S.INFO_RECEIVED
        return TrackResult.of(number, state, reversed(newest_first))

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
        location = item.get("location") or item.get("areaName")
        return TrackEvent(at, state or fallback, self._text(item.get("context")), self._text(location))
