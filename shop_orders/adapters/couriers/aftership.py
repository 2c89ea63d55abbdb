"""AfterShip Tracking API: register each parcel, then read it, in the dated API or the older v4.

AfterShip tracks only the numbers an account has registered (`POST /trackings`); reading one it
was never given answers 4004 "Tracking does not exist", which means "not in this account", not
"no such parcel". So the adapter registers a parcel the first time it is asked about it (with our
order number as `order_id`; "already exists", 4003, is success) and reads it from then on by
AfterShip's own tracking id, which the sync keeps on the parcel (`TrackResult.ref`). A tracking
just registered is always Pending with no checkpoints: UNKNOWN, never invalid.

Versions, chosen by the account's address (recordings and documentation: tests/real/couriers/
aftership/SOURCES.md):
- `https://api.aftership.com/tracking/YYYY-MM` (dated; 2026-07 is current and the default, also
  for an address without a version). From 2024-07 a tracking is sent and answered flat
  (`data` is the tracking); from 2024-10 there is no read by slug and number: a tracking is read
  by id (`GET /trackings/{id}`) or found by `GET /trackings?tracking_numbers=..&slug=..` (which
  covers the last 120 days). 2024-04 still wraps both in "tracking".
- `https://api.aftership.com/v4` (legacy; keys marked "legacy only" work only there): `GET
  /trackings/{slug}/{number}`, `POST /trackings` with {"tracking": {...}}, answers in
  `data.tracking`.
Every version takes the key in `as-api-key`.

States: the tracking's own tag and subtag (not its last checkpoint's: a tracking marked lost can
end on a "Delivered" checkpoint). `return_to_sender` or Exception_010/011 -> RETURNED (before
Delivered: delivered back to the sender is a return); Pending -> UNKNOWN; InfoReceived ->
INFO_RECEIVED; InTransit_002 (acceptance scan) -> PICKED_UP; InTransit -> IN_TRANSIT;
OutForDelivery, AvailableForPickup -> OUT_FOR_DELIVERY; AttemptFail -> FAILED_ATTEMPT; Delivered
-> DELIVERED; Exception (refused delivery Exception_003 included: the courier says when it goes
back) and Expired (no news for 30 days) -> EXCEPTION; a tag we do not know -> UNKNOWN. Invalid
only when AfterShip refuses the number itself on registering it: 4005, 4017, or 4012 saying the
format is invalid or the number is not recognised. Pickup and delivery times are the tracking's
`shipment_pickup_date` / `shipment_delivery_date` when they carry a time (UTC when without an
offset), else the first checkpoint with the parcel and the last delivery. Checkpoint times are the
place's local time, with an offset, as UTC ("...000Z"), or without an offset: those are read in
the shop's time zone, right for a domestic parcel; an abroad parcel's bare times can be hours off,
which AfterShip's answer gives no way to know.

Errors: 401/403 our key (a "legacy only" key on a dated address); 404/4004 not registered
(register it); 4015 a tracking id it does not know (find it again); 4010 slug, 4011 fields the
courier needs, 4008/4009, 4006/4007, other 4012: the account's settings (refused); 429 with
Retry-After or X-RateLimit-Reset; 5xx (its body may be plain text) retried.

Sources:
- AfterShip, Tracking API changelog and migration guides, https://www.aftership.com/docs/tracking/
  2026-07/changelog, .../2024-10/migration-guide (slug/number read removed), .../2025-07/
  migration-guide-from-legacy (as-api-key, legacy-only keys)
- AfterShip, Delivery Statuses and Sub-statuses, https://www.aftership.com/docs/tracking/2025-01/
  enum/delivery-statuses, .../enum/delivery-sub-statuses (Pending_001 "yet to be tracked",
  Exception_010 returning, Exception_011 returned, InTransit_002 acceptance scan)
- AfterShip, request errors, https://www.aftership.com/docs/tracking/quickstart/request-errors
  and https://docs.aftership.com/api/4/errors (4003, 4004, 4005, 4010-4017)
- AfterShip, rate limit, https://www.aftership.com/docs/tracking/2025-01/quickstart/rate-limit
  (X-RateLimit-Reset/-Limit/-Remaining; per endpoint since 2024-07)
- AfterShip/aftership-sdk-python test cassettes (recorded v4 answers), AfterShip/tracking-sdk-java
  and tracking-sdk-nodejs (the generated clients per version): see tests/real/couriers/aftership/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from shop_orders.adapters.couriers.http import Answer, HttpCourier, Retry
from shop_orders.domain.couriers import (
    CourierAuthError,
    CourierBadAnswer,
    CourierRefused,
    ParcelQuery,
)
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState

S = TrackState
DEFAULT_VERSION = "2026-07"
TAGS = {
    "Pending": S.UNKNOWN, "InfoReceived": S.INFO_RECEIVED, "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY, "AvailableForPickup": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.FAILED_ATTEMPT, "Delivered": S.DELIVERED, "Exception": S.EXCEPTION, "Expired": S.EXCEPTION,
}
RETURN_SUBTAGS = frozenset({"Exception_010", "Exception_011"})
PICKUP_SUBTAGS = frozenset({"InTransit_002"})
NOT_FOUND = 4004
EXISTS = 4003
BAD_ID = 4015
INVALID_CODES = frozenset({4005, 4017})
INVALID_4012 = ("invalid format", "recogni")  # 4012's messages that are about the number itself
_VERSION = re.compile(r"/tracking/(\d{4}-\d{2})$")


def _state(tag: object, subtag: object, returned: object = False) -> TrackState:
    if returned is True or (isinstance(subtag, str) and subtag in RETURN_SUBTAGS):
        return S.RETURNED
    if isinstance(subtag, str) and subtag in PICKUP_SUBTAGS:
        return S.PICKED_UP
    return TAGS.get(tag, S.UNKNOWN) if isinstance(tag, str) else S.UNKNOWN


class AfterShipAdapter(HttpCourier):
    """AfterShip's tracking API. The secret is the API key; `carrier` is the courier slug."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = self._base
        if base.endswith("/v4"):
            self.version = "v4"
        elif m := _VERSION.search(base):
            self.version = m.group(1)
        else:  # an address without a version: the current dated API under it
            self.version = DEFAULT_VERSION
            self._base = f"{base}/tracking/{DEFAULT_VERSION}"
        # v4 and 2024-04 wrap a tracking in {"tracking": ...}; from 2024-07 it is sent and answered flat.
        self.wrapped = self.version == "v4" or self.version < "2024-07"
        # Until 2024-10 a tracking could be read by slug and number; since then only by id.
        self.by_number = self.version == "v4" or self.version < "2024-10"

    # -- the questions --

    def _track(self, query: ParcelQuery) -> TrackResult:
        number, slug = query.number, self._slug()
        if self.by_number:
            code, data = self._call("GET", f"/trackings/{quote(slug, safe='')}/{quote(number, safe='')}")
            if code != NOT_FOUND:
                return self._read(number, self._tracking(data))
            registered = self._register(query, slug)
            if registered is not None:
                return registered
            code, data = self._call("GET", f"/trackings/{quote(slug, safe='')}/{quote(number, safe='')}")
            return TrackResult.unknown(number) if code == NOT_FOUND else self._read(number, self._tracking(data))
        if query.ref:
            code, data = self._call("GET", f"/trackings/{quote(query.ref, safe='')}")
            if code not in (NOT_FOUND, BAD_ID):
                return self._read(number, self._tracking(data))
        found = self._find(number, slug)
        if found is not None:
            return self._read(number, found)
        registered = self._register(query, slug)
        if registered is not None:
            return registered
        found = self._find(number, slug)  # "already exists": registered meanwhile, or elsewhere
        return self._read(number, found) if found is not None else TrackResult.unknown(number)

    def _register(self, query: ParcelQuery, slug: str) -> TrackResult | None:
        """POST /trackings; the new tracking's result (UNKNOWN with its id, or INVALID_NUMBER when
        AfterShip refuses the number itself), None when it already exists."""
        body: dict[str, Any] = {"slug": slug, "tracking_number": query.number}
        if query.order_no:
            body["order_id"] = query.order_no
        code, data = self._call("POST", "/trackings", {"tracking": body} if self.wrapped else body, registering=True)
        if code == EXISTS:
            return None
        if code in INVALID_CODES or code == 4012:
            return TrackResult.invalid(query.number)
        tracking = self._tracking(data)
        self._echo(query.number, tracking)
        return TrackResult.unknown(query.number, self._ref(tracking))

    def _find(self, number: str, slug: str) -> dict | None:
        """The account's tracking of this number and slug (the newest if several), or None."""
        code, data = self._call("GET", "/trackings", params={"tracking_numbers": number, "slug": slug})
        items = data.get("trackings") if isinstance(data, dict) else None
        if code == NOT_FOUND or items is None:
            return None
        if not isinstance(items, list):
            self._bad_answer()
        mine = [x for x in items if isinstance(x, dict) and str(x.get("tracking_number", "")).upper() == number.upper()
                and str(x.get("slug", "")).lower() == slug]
        return max(mine, key=lambda x: str(x.get("created_at", ""))) if mine else None

    def _slug(self) -> str:
        slug = str(self.config.carrier).strip().lower()
        if not slug or len(slug) > 40 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in slug):
            raise ValidationError(t("The courier {name} needs a carrier code, such as 'yuantong' or 'ups'.",
                                    name=self.config.name))
        return slug

    def test_connection(self) -> None:
        self._call("GET", "/couriers")

    def _call(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None,
              registering: bool = False) -> tuple[int, Any]:
        """One request (tried again on 429 and 5xx) and its (meta.code, data); see _meta."""
        headers = {"as-api-key": self._secret, "Accept": "application/json"}
        return self._with_retries(lambda: self._meta(
            self._fetch(method, path, headers=headers, json_body=body, params=params), registering))

    # -- reading the answers (untrusted) --

    def _meta(self, answer: Answer, registering: bool = False) -> tuple[int, Any]:
        """(meta.code, data) of an answer; raises for our key, the rate limit and refusals. Codes
        the caller handles come back: 4004 and 4015 always, 4003, 4005, 4017 and a 4012 about the
        number when registering."""
        if answer.status in (401, 403):
            raise CourierAuthError(self.config.name)
        try:
            doc = self._json(answer.body)
        except CourierBadAnswer:
            if answer.status not in (200, 201):  # e.g. a 404 page from a wrong address, not AfterShip's JSON
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
        if code in (NOT_FOUND, BAD_ID):
            return code, None
        if registering and (code in (EXISTS, *INVALID_CODES) or (code == 4012 and self._about_number(meta))):
            return code, None
        if answer.status not in (200, 201) or code not in (200, 201):
            raise CourierRefused(self.config.name, code)
        return code, doc.get("data")

    @staticmethod
    def _about_number(meta: Any) -> bool:
        message = meta.get("message")
        return isinstance(message, str) and any(w in message.lower() for w in INVALID_4012)

    def _tracking(self, data: Any) -> dict:
        tracking = data.get("tracking") if self.wrapped and isinstance(data, dict) else data
        if not isinstance(tracking, dict):
            self._bad_answer()
        return tracking

    def _echo(self, number: str, tracking: dict) -> None:
        echoed = tracking.get("tracking_number")
        if echoed is not None and (not isinstance(echoed, str) or echoed.strip().upper() != number.upper()):
            raise CourierBadAnswer(self.config.name)  # an answer about another parcel is not about this one

    def _ref(self, tracking: dict) -> str:
        ref = tracking.get("id")
        return ref[:128] if isinstance(ref, str) and re.fullmatch(r"[0-9A-Za-z_-]{1,128}", ref) else ""

    def _read(self, number: str, tracking: dict) -> TrackResult:
        self._echo(number, tracking)
        checkpoints = tracking.get("checkpoints") or []
        if not isinstance(checkpoints, list):
            self._bad_answer()
        events = [self._event(c) for c in checkpoints[-self.limits.max_events:]]  # oldest first: keep the newest
        state = _state(tracking.get("tag"), tracking.get("subtag"), tracking.get("return_to_sender"))
        return TrackResult.of(number, state, events, picked_up_at=self._moment(tracking.get("shipment_pickup_date")),
                              delivered_at=self._moment(tracking.get("shipment_delivery_date")),
                              ref=self._ref(tracking))

    def _moment(self, value: object) -> datetime | None:
        """A tracking's pickup or delivery date when it says the time of day, else None (a bare
        date cannot be compared with our scan-out to the minute). Without an offset it is UTC:
        the recorded FedEx tracking's "2018-07-23T08:58:00" is its pickup checkpoint's
        "2018-07-23T16:58:00+08:00"."""
        if not isinstance(value, str) or "T" not in value:
            return None
        try:
            at = datetime.fromisoformat(value.strip()[:40])
        except ValueError:
            return None
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)

    def _time(self, text: str) -> datetime:
        at = datetime.fromisoformat(text.strip()[:40])
        if at.tzinfo is None:  # the place's local time without its offset: the shop's zone reads it best
            at = at.replace(tzinfo=self.zone or UTC)
        return at

    def _event(self, item: object) -> TrackEvent:
        if not isinstance(item, dict):
            self._bad_answer()
        when = item.get("checkpoint_time")
        if not isinstance(when, str):
            self._bad_answer()
        try:
            at = self._time(when)
        except ValueError:
            self._bad_answer()
        location = item.get("location")
        if not location:
            location = ", ".join(self._text(item.get(k)) for k in ("city", "state", "country_region_name",
                                                                    "country_name") if item.get(k))
        return TrackEvent(at, _state(item.get("tag"), item.get("subtag")), self._text(item.get("message")),
                          self._text(location))
