"""AfterShip Tracking REST API: GET one tracking by carrier slug and number, with an API key header.

The protocol, as documented by AfterShip:
- `GET <url>/trackings/{slug}/{tracking_number}` with the header `as-api-key: <key>` (older API
  versions used `aftership-api-key`; the simulator accepts both, we send the current one).
- Every answer is `{"meta": {"code", "type", "message"}, "data": {...}}`; success is meta.code 200
  with `data.tracking` holding `tag`, `subtag` and `checkpoints` (oldest first), each checkpoint
  with `checkpoint_time` (ISO 8601, in the checkpoint's time zone), `tag`, `subtag`, `message`,
  `location` (and `city`, `country_name`).
- Tags: InfoReceived, InTransit (accepted or picked up and on the way), OutForDelivery,
  AttemptFail, Delivered, AvailableForPickup, Exception (custom hold, undelivered, returned to the
  sender...), Expired (no information for 30 days), Pending (nothing from the carrier yet).
- Errors: HTTP 401 / meta.code 401 invalid API key; 404 with meta.code 4004 "Tracking does not
  exist" (4005 invalid tracking number); 429 TooManyRequests: 10 requests per second by default,
  with `retry-after`, `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` headers; 5xx
  AfterShip's own failure.

Mapping: InfoReceived and Pending -> INFO_RECEIVED (nothing picked up), InTransit -> IN_TRANSIT
(the first such checkpoint is the pickup), OutForDelivery and AvailableForPickup ->
OUT_FOR_DELIVERY, AttemptFail -> FAILED_ATTEMPT, Delivered -> DELIVERED, Exception -> EXCEPTION
except subtags Exception_011 (returned to sender) and Exception_003 (customer refused delivery,
which Kuaidi100's 14 拒签 also treats as a return) -> RETURNED, Expired and any unknown tag ->
EXCEPTION; 4004/4005 -> INVALID_NUMBER.

Sources:
- AfterShip, Delivery Statuses, https://www.aftership.com/docs/tracking/2025-01/enum/delivery-statuses
- AfterShip, Delivery Sub-statuses, https://www.aftership.com/docs/tracking/2026-07/enum/delivery-sub-statuses
  (Exception_003 customer refused delivery; the subtag scheme)
- AfterShip, Rate limit, https://www.aftership.com/docs/commerce/2026-01/quickstart/rate-limit
  (10 requests/s, 429, retry-after and ratelimit-* headers)
- AfterShip, Request Errors, https://www.aftership.com/docs/commerce/2026-01/quickstart/request-errors
  (meta.code 401 Unauthorized "The API key is invalid", 4xx/5xx with the code in meta)
- after_ship gem (AfterShip v4 client), https://www.rubydoc.info/gems/after_ship/0.0.8/AfterShip/Error/TrackingDoesNotExist
  (4004 TrackingDoesNotExist; 4005 TrackingNumberInvalid in the same error module)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState, require_plausible
from shop_orders.services.couriers.base import (
    Answer,
    CourierAuthError,
    CourierBadAnswer,
    CourierRefused,
    HttpCourier,
    Retry,
)

S = TrackState
TAGS = {
    "InfoReceived": S.INFO_RECEIVED, "Pending": S.INFO_RECEIVED, "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY, "AvailableForPickup": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.FAILED_ATTEMPT, "Delivered": S.DELIVERED, "Exception": S.EXCEPTION,
    "Expired": S.EXCEPTION,
}
RETURN_SUBTAGS = {"Exception_011", "Exception_003"}
NOT_FOUND_CODES = {4004, 4005}


def _state(tag: object, subtag: object) -> TrackState:
    if isinstance(subtag, str) and subtag in RETURN_SUBTAGS:
        return S.RETURNED
    return TAGS.get(tag, S.EXCEPTION) if isinstance(tag, str) else S.EXCEPTION


class AfterShipAdapter(HttpCourier):
    """AfterShip's tracking API. The secret is the API key; `carrier` is the courier slug."""

    def track(self, number: str) -> TrackResult:
        require_plausible(number)
        path = f"/trackings/{quote(self._slug(), safe='')}/{quote(number, safe='')}"
        return self._with_retries(lambda: self._read(number, self._get(path)))

    def test_connection(self) -> None:
        self._with_retries(lambda: self._meta(self._get("/couriers")))

    def _slug(self) -> str:
        slug = str(self.config.carrier).strip().lower()
        if not slug or len(slug) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in slug):
            raise ValidationError(t("The courier {name} needs a carrier code, such as 'yuantong' or 'ups'.",
                                    name=self.config.name))
        return slug

    def _get(self, path: str) -> Answer:
        return self._fetch("GET", path, headers={"as-api-key": self._secret, "Accept": "application/json"})

    def _meta(self, answer: Answer) -> tuple[int, Any]:
        """(meta.code, data) of an answer; raises for credentials, rate limit and refusals."""
        if answer.status in (401, 403):
            raise CourierAuthError(self.config.name)
        try:
            doc = self._json(answer.body)
        except CourierBadAnswer:
            if answer.status != 200:  # e.g. a 404 page from a wrong address, not AfterShip's JSON
                raise CourierRefused(self.config.name, answer.status) from None
            raise
        meta = doc.get("meta") if isinstance(doc, dict) else None
        code = meta.get("code") if isinstance(meta, dict) else None
        if not isinstance(code, int) or isinstance(code, bool):
            self._bad_answer()
        if code in (401, 403):
            raise CourierAuthError(self.config.name)
        if code == 429:
            raise Retry("rate", code)
        if code in NOT_FOUND_CODES:
            return code, None
        if answer.status != 200 or code not in (200, 201):
            raise CourierRefused(self.config.name, code)
        return code, doc.get("data")

    def _read(self, number: str, answer: Answer) -> TrackResult:
        code, data = self._meta(answer)
        if code in NOT_FOUND_CODES:
            return TrackResult.invalid(number)
        tracking = data.get("tracking") if isinstance(data, dict) else None
        if not isinstance(tracking, dict):
            self._bad_answer()
        echoed = tracking.get("tracking_number")
        if echoed is not None and (not isinstance(echoed, str) or echoed.strip().upper() != number.upper()):
            self._bad_answer()  # an answer about another parcel is not an answer about this one
        checkpoints = tracking.get("checkpoints", [])
        if not isinstance(checkpoints, list):
            self._bad_answer()
        events = [self._event(c) for c in checkpoints[-self.limits.max_events:]]  # oldest first: keep the newest
        return TrackResult.of(number, _state(tracking.get("tag"), tracking.get("subtag")), events)

    def _event(self, item: object) -> TrackEvent:
        if not isinstance(item, dict):
            self._bad_answer()
        when = item.get("checkpoint_time")
        if not isinstance(when, str):
            self._bad_answer()
        try:
            at = datetime.fromisoformat(when.strip()[:40])
        except ValueError:
            self._bad_answer()
        if at.tzinfo is None:  # no offset given: the best reading of a bare time is UTC
            at = at.replace(tzinfo=UTC)
        location = item.get("location")
        if not location:
            location = ", ".join(self._text(item.get(k)) for k in ("city", "country_name") if item.get(k))
        return TrackEvent(at, _state(item.get("tag"), item.get("subtag")), self._text(item.get("message")),
                          self._text(location))
