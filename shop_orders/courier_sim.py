"""A fake courier on 127.0.0.1 that speaks Kuaidi100's and AfterShip's protocols, for tests and the demo.

`shop-orders courier-sim [--port N]` runs `main()`; tests use `CourierSim` (port 0, a thread, a
context manager). It answers as the real services' recorded answers do (tests/real/couriers/,
each with its source), not as our adapters expect:

- Kuaidi100 (`POST /poll/query.do`, MD5-signed): a number the courier has no event for yet is
  `{"result":false,"returnCode":"500","message":"查询无结果，请隔段时间再查"}` (no result yet: a
  fresh waybill, or a wrong number; the real service never says which), a success carries no
  returnCode, events newest first in China time.
- AfterShip (`/tracking/<YYYY-MM>/...` dated, `/v4/...` legacy, key in `as-api-key`): it knows only
  the numbers registered with `POST /trackings`; reading any other is 404 / 4004 "Tracking does
  not exist.", registering one twice is 400 / 4003. A registered tracking is Pending with no
  checkpoints until AfterShip's first fetch from the carrier (`first_fetch` after registering),
  then tells the story. The dated API answers flat (`data` is the tracking), reads by id and finds
  by `GET /trackings?tracking_numbers=..&slug=..`; v4 (and 2024-04) wrap it in "tracking" and read
  by slug and number. Numbers starting INVALID are refused when registered (4005).

The story for a number is chosen by its prefix; each event becomes visible when the simulator's
clock (`now`, the real time unless a test sets it) reaches it:

  INVALID...   AfterShip refuses the number (4005); Kuaidi100 has no result, ever
  NEVER...     no event ever: Kuaidi100 no result, AfterShip Pending
  FRESH...     nothing for the first 3 hours (no result / Pending), then picked up, in transit (+9 h)
  NOPICKUP...  a waybill and nothing more: information received, never picked up
  DELIVERED... picked up, in transit (+6 h), out for delivery (+30 h), delivered (+34 h)
  RETURNED...  picked up, in transit (+6 h), on the way back (+50 h), returned (+98 h)
  SLOW...      answers (in transit) only after `slow_seconds` (10 s by default)
  ERR500...    a server error (AfterShip HTTP 500, Kuaidi100 returnCode 501)
  GARBAGE...   malformed JSON
  HUGE...      an answer of about 2 MB, sent without a length (for the adapters' size cap)
  anything else: picked up, then in transit (+6 h)

Times are deterministic: the story starts at `start_time(number)`, a fixed base plus an offset of
up to a week taken from the number's SHA-256, so tests can assert them. Over `rate` requests per
second (10 by default, AfterShip v4's limit) AfterShip's clients get 429 with X-RateLimit-Reset,
-Limit and -Remaining, Kuaidi100's get returnCode 502 (server busy). Only the standard library: it
is a test tool, not part of a shop's installation.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from shop_orders.adapters.couriers.kuaidi100 import SHANGHAI, sign
from shop_orders.domain.messages import t

DEFAULT_KEY = "sim-key"
DEFAULT_CUSTOMER = "SIMCUSTOMER"
BASE_TIME = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
HOUR = timedelta(hours=1)
MAX_REQUEST = 64 * 1024


@dataclass(frozen=True)
class Step:
    """One event of a story, in both protocols' words."""
    offset: timedelta
    k100_state: str  # Kuaidi100's state for the shipment once this is its newest event
    k100_code: str  # the event's advanced state (resultv2=4)
    k100_name: str
    k100_text: str
    as_tag: str
    as_subtag: str
    as_text: str
    location: str


INFO = Step(0 * HOUR, "1", "102", "待揽收", "商家已下单，等待快递员揽收", "InfoReceived", "InfoReceived_001",
            "Shipment information received", "深圳市")
PICKUP = Step(0 * HOUR, "1", "103", "揽收", "快递员已揽收", "InTransit", "InTransit_001",
              "Picked up by the courier", "深圳市")
TRANSIT = Step(6 * HOUR, "0", "1002", "在途", "快件已到达【上海转运中心】", "InTransit", "InTransit_001",
               "Arrived at the sorting centre", "上海市")
OUT = Step(30 * HOUR, "5", "501", "派件", "快递员正在派件", "OutForDelivery", "OutForDelivery_001",
           "Out for delivery", "北京市")
DELIVERED = Step(34 * HOUR, "3", "301", "签收", "已签收，签收人：本人", "Delivered", "Delivered_001",
                 "Delivered", "北京市")
RETURNING = Step(50 * HOUR, "6", "6", "退回", "快件退回中", "Exception", "Exception_010",
                 "Returning to sender", "北京市")
RETURNED = Step(98 * HOUR, "4", "4", "退签", "快件已退回寄件人并签收", "Exception", "Exception_011",
                "Returned to sender", "深圳市")

LATE_PICKUP = Step(3 * HOUR, "1", "103", "揽收", "快递员已揽收", "InTransit", "InTransit_002",
                   "Picked up by the courier", "深圳市")
LATE_TRANSIT = Step(9 * HOUR, "0", "1002", "在途", "快件已到达【上海转运中心】", "InTransit", "InTransit_003",
                    "Arrived at the sorting centre", "上海市")

STORIES: dict[str, tuple[Step, ...]] = {
    "NOPICKUP": (INFO,),
    "FRESH": (LATE_PICKUP, LATE_TRANSIT),
    "DELIVERED": (PICKUP, TRANSIT, OUT, DELIVERED),
    "RETURNED": (PICKUP, TRANSIT, RETURNING, RETURNED),
}
IN_TRANSIT_STORY = (PICKUP, TRANSIT)
SPECIAL = ("INVALID", "NEVER", "SLOW", "ERR500", "GARBAGE", "HUGE")
FIRST_FETCH = timedelta(minutes=10)  # AfterShip's first fetch from the carrier after a registration


def start_time(number: str) -> datetime:
    """When the story of `number` starts: BASE_TIME plus up to a week, from the number's hash."""
    digest = hashlib.sha256(number.strip().upper().encode("utf-8")).hexdigest()
    return BASE_TIME + timedelta(minutes=int(digest[:8], 16) % (7 * 24 * 60))


def story(number: str) -> tuple[Step, ...]:
    """The events the simulator tells for `number`, oldest first (empty for INVALID... and the errors)."""
    upper = number.strip().upper()
    for prefix, steps in STORIES.items():
        if upper.startswith(prefix):
            return steps
    if upper.startswith(SPECIAL) and not upper.startswith("SLOW"):
        return ()
    return IN_TRANSIT_STORY


def event_times(number: str) -> list[datetime]:
    """The UTC time of each event of `number`'s story, oldest first."""
    start = start_time(number)
    return [start + step.offset for step in story(number)]


class _Bucket:
    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.capacity = max(1.0, float(rate or 1))
        self.tokens, self.last = self.capacity, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        if not self.rate:
            return True
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout, a refused huge answer) resets its connection: expected.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class CourierSim:
    """The simulator in a background thread: `with CourierSim() as sim: ... sim.url ...`."""

    def __init__(self, *, port: int = 0, key: str = DEFAULT_KEY, customer: str = DEFAULT_CUSTOMER,
                 rate: float | None = 10.0, slow_seconds: float = 10.0, retry_after: int = 1,
                 first_fetch: timedelta = FIRST_FETCH, clock: Callable[[], datetime] | None = None) -> None:
        self.key, self.customer = key, customer
        self.slow_seconds, self.retry_after = slow_seconds, retry_after
        self.first_fetch = first_fetch
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.registered: dict[tuple[str, str], tuple[str, datetime, str]] = {}  # AfterShip: -> (id, when, order_id)
        self._bucket = _Bucket(rate)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.served = 0  # requests answered, whatever the answer
        self.rate_limited = 0  # of which refused by the rate limit (429 / returnCode 502)
        self._server = _Server(("127.0.0.1", port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CourierSim:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="courier-sim", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> CourierSim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _count(self, limited: bool) -> None:
        with self._lock:
            self.served += 1
            if limited:
                self.rate_limited += 1

    # -- the stories in each protocol --

    def visible(self, number: str) -> tuple[Step, ...]:
        """The story's events that have happened by the simulator's clock."""
        start, now = start_time(number), self.now()
        return tuple(step for step in story(number) if start + step.offset <= now)

    def kuaidi100(self, number: str) -> dict[str, Any]:
        steps = self.visible(number)
        if not steps:  # as the real service answers a waybill with no event yet, or a wrong number
            return {"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}
        start, last = start_time(number), steps[-1]
        data = [{"time": (start + s.offset).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                 "ftime": (start + s.offset).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                 "context": s.k100_text, "location": "", "areaName": s.location, "status": s.k100_name,
                 "statusCode": s.k100_code}
                for s in reversed(steps)]  # newest first
        return {"message": "ok", "nu": number, "ischeck": "1" if last.k100_state in ("3", "4") else "0",
                "condition": "F00", "com": "simexpress", "status": "200", "state": last.k100_state, "data": data,
                "isLoop": False}

    def aftership_tracking(self, slug: str, number: str, legacy: bool, fresh: bool = False) -> dict[str, Any]:
        """A registered tracking as AfterShip shows it: Pending with no checkpoints when just
        created (`fresh`) and until its first fetch from the carrier, then the story so far."""
        ref, registered, order_id = self.registered[(slug, number.upper())]
        steps = self.visible(number) if not fresh and self.now() >= registered + self.first_fetch else ()
        start = start_time(number)
        checkpoints = [{"slug": slug, "checkpoint_time": (start + s.offset).astimezone(SHANGHAI).isoformat(),
                        "tag": s.as_tag, "subtag": s.as_subtag, "subtag_message": s.as_text, "message": s.as_text,
                        "location": s.location, "city": s.location, "created_at": _iso(registered)}
                       for s in steps]
        last = steps[-1] if steps else None
        pickup = next((start + s.offset for s in steps if s.as_tag == "InTransit"), None)
        delivered = next((start + s.offset for s in steps if s.as_tag == "Delivered"), None)
        returned = any(s.as_subtag in ("Exception_010", "Exception_011") for s in steps)
        tracking = {"id": ref, "created_at": _iso(registered), "updated_at": _iso(self.now()),
                    "tracking_number": number, "slug": slug, "active": last is None or last.as_tag != "Delivered",
                    "order_id": order_id or None, "title": number,
                    "tag": last.as_tag if last else "Pending", "subtag": last.as_subtag if last else "Pending_001",
                    "subtag_message": last.as_text if last else "Pending",
                    "shipment_pickup_date": pickup.astimezone(SHANGHAI).isoformat() if pickup else None,
                    "shipment_delivery_date": delivered.astimezone(SHANGHAI).isoformat() if delivered else None,
                    "return_to_sender": returned, "tracked_count": len(steps), "checkpoints": checkpoints}
        if not legacy:
            tracking["legacy_id"] = ref[:24]
        return tracking

    def aftership_register(self, slug: str, number: str, order_id: str, legacy: bool) -> tuple[int, dict[str, Any]]:
        key = (slug, number.upper())
        if number.upper().startswith("INVALID"):
            return 400, {"meta": {"code": 4005, "type": "BadRequest",
                                  "message": "The value of `tracking_number` is invalid."}, "data": {}}
        if key in self.registered:
            return 400, {"meta": {"code": 4003, "type": "BadRequest", "message": "Tracking already exists."},
                         "data": {"tracking": {"tracking_number": number, "slug": slug}}}
        digest = hashlib.sha256(f"{slug}/{number.upper()}".encode()).hexdigest()
        with self._lock:
            self.registered[key] = (digest[:24] if legacy else digest[:32], self.now(), order_id)
        return 201, {"meta": {"code": 201}, "data": self.aftership_tracking(slug, number, legacy, fresh=True)}

    def aftership_by_id(self, ref: str) -> tuple[str, str] | None:
        return next((key for key, (r, _, _) in self.registered.items() if r == ref), None)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


NOT_FOUND = {"meta": {"code": 4004, "type": "NotFound", "message": "Tracking does not exist."}, "data": {}}
_BASE = re.compile(r"^/(?:v4|tracking/(\d{4}-\d{2}))(/.*)?$")


class _Handler(BaseHTTPRequestHandler):
    """Answers as the real services do; `sim` is the simulator it serves (set by _handler_for)."""

    sim: CourierSim
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for an ACK
    timeout = 15  # an idle kept-alive connection is dropped after this

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: http.server would print every request to stderr (tests and the demo read it)."""

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              limited: bool = False) -> None:
        self.sim._count(limited)  # before the answer leaves: a client that has it sees it counted
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, doc: object, headers: dict[str, str] | None = None,
              limited: bool = False) -> None:
        self._send(status, json.dumps(doc, ensure_ascii=False).encode("utf-8"), headers, limited)

    def _special(self, number: str, k100: bool) -> bool:
        """The prefixes that are about the connection, not the parcel. True when answered."""
        upper = number.upper()
        if upper.startswith("SLOW"):
            self.sim._stopping.wait(self.sim.slow_seconds)
            return False
        if upper.startswith("ERR500"):
            if k100:
                self._json(200, {"result": False, "returnCode": "501", "message": "服务器错误"})
            else:
                self._json(500, {"meta": {"code": 500, "type": "InternalError",
                                          "message": "Something went wrong on AfterShip's end."}, "data": {}})
            return True
        if upper.startswith("GARBAGE"):
            self._send(200, b'{"message": "ok", "nu": "' + upper.encode() + b'", "data": [{"time": \x00\xff<html>')
            return True
        if upper.startswith("HUGE"):
            filler = "x" * 1000
            events = [{"time": "2026-11-20 09:30:00", "context": filler, "checkpoint_time": "2026-11-20T09:30:00+08:00",
                       "message": filler} for _ in range(2000)]
            body = json.dumps({"message": "ok", "nu": number, "state": "0", "status": "200", "data": events,
                               "meta": {"code": 200}}).encode()
            self.sim._count(False)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for i in range(0, len(body), 64 * 1024):
                self.wfile.write(body[i:i + 64 * 1024])
            return True
        return False

    def _limited(self, k100: bool) -> bool:
        if self.sim._bucket.take():
            return False
        if k100:
            self._json(200, {"result": False, "returnCode": "502", "message": "服务器繁忙，请稍后再试"}, limited=True)
        else:
            reset = int(time.time()) + self.sim.retry_after
            self._json(429, {"meta": {"code": 429, "type": "TooManyRequests",
                                      "message": "You have exceeded the API call rate limit. Default limit is 10 "
                                                 "requests per second."}, "data": {}},
                       {"X-RateLimit-Reset": str(reset), "X-RateLimit-Limit": str(int(self.sim._bucket.rate or 0)),
                        "X-RateLimit-Remaining": "0"}, limited=True)
        return True

    def _aftership_path(self) -> tuple[bool, list[str]] | None:
        """(legacy, the path's parts under the version) of an AfterShip address, None for another
        path (answered 404). Legacy: v4, and dated versions before 2024-07 (the wrapped shape)."""
        m = _BASE.match(urlsplit(self.path).path.rstrip("/"))
        if m is None:
            return None
        version = m.group(1)
        legacy = version is None or version < "2024-07"
        return legacy, [unquote(p) for p in (m.group(2) or "").strip("/").split("/") if p]

    def _aftership_key(self) -> bool:
        if self.headers.get("as-api-key") == self.sim.key or self.headers.get("aftership-api-key") == self.sim.key:
            return True
        self._json(401, {"meta": {"code": 401, "type": "Unauthorized", "message": "Invalid API Key."},
                         "data": {}})
        return False

    def _uri_invalid(self) -> None:
        self._json(404, {"meta": {"code": 404, "type": "NotFound", "message": "The URI requested is invalid."},
                         "data": {}})

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        path = urlsplit(self.path).path
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_REQUEST:
            self._json(413, {"result": False, "returnCode": "400", "message": "请求过大"})
            return
        raw = self.rfile.read(int(length))
        if path != "/poll/query.do":
            self._aftership_post(raw)
            return
        if self._limited(k100=True):
            return
        try:
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            form = {}
        param, customer = form.get("param", ""), form.get("customer", "")
        expected = sign(param, self.sim.key, self.sim.customer)
        if customer != self.sim.customer or form.get("sign", "") != expected:
            self._json(200, {"result": False, "returnCode": "503", "message": "验证签名失败"})
            return
        try:
            number = str(json.loads(param)["num"])
        except (ValueError, KeyError, TypeError):
            self._json(200, {"result": False, "returnCode": "400", "message": "找不到对应公司"})
            return
        answered = self._special(number, k100=True)
        if not answered:
            self._json(200, self.sim.kuaidi100(number))

    def _aftership_post(self, raw: bytes) -> None:
        where = self._aftership_path()
        if where is None or where[1] != ["trackings"]:
            self._uri_invalid()
            return
        legacy = where[0]
        if self._limited(k100=False) or not self._aftership_key():
            return
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._json(400, {"meta": {"code": 4001, "type": "BadRequest", "message": "Invalid JSON data."},
                             "data": {}})
            return
        tracking = body.get("tracking") if legacy and isinstance(body, dict) else body
        if not isinstance(tracking, dict):
            self._json(400, {"meta": {"code": 4006, "type": "BadRequest",
                                      "message": "`tracking` object is required."}, "data": {}})
            return
        number, slug = str(tracking.get("tracking_number") or ""), str(tracking.get("slug") or "").lower()
        if not number:
            self._json(400, {"meta": {"code": 4007, "type": "BadRequest",
                                      "message": "`tracking_number` is required."}, "data": {}})
            return
        if self._special(number, k100=False):
            return
        status, doc = self.sim.aftership_register(slug, number, str(tracking.get("order_id") or ""), legacy)
        if status == 201 and legacy:
            doc["data"] = {"tracking": doc["data"]}
        self._json(status, doc)

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        where = self._aftership_path()
        if where is None:
            self._uri_invalid()
            return
        legacy, parts = where
        if self._limited(k100=False) or not self._aftership_key():
            return
        if parts == ["couriers"]:
            self._json(200, {"meta": {"code": 200}, "data": {"total": 1, "couriers": [
                {"slug": "simexpress", "name": "Courier Simulator"}]}})
            return
        version = _BASE.match(urlsplit(self.path).path.rstrip("/")).group(1)  # type: ignore[union-attr]
        by_number = version is None or version < "2024-10"
        if parts == ["trackings"]:
            numbers = parse_qs(urlsplit(self.path).query).get("tracking_numbers", [""])[0].split(",")
            if len(numbers) == 1 and numbers[0] and self._special(numbers[0], k100=False):
                return
            self._aftership_list(legacy)
            return
        if len(parts) == 3 and parts[0] == "trackings" and by_number:
            key: tuple[str, str] | None = (parts[1].lower(), parts[2].upper())
        elif len(parts) == 2 and parts[0] == "trackings" and not by_number:
            key = self.sim.aftership_by_id(parts[1])
        else:
            self._uri_invalid()
            return
        if key is None or key not in self.sim.registered:
            self._json(404, NOT_FOUND)
            return
        number = key[1]
        if not self._special(number, k100=False):
            tracking = self.sim.aftership_tracking(key[0], number, legacy)
            self._json(200, {"meta": {"code": 200}, "data": {"tracking": tracking} if legacy else tracking})

    def _aftership_list(self, legacy: bool) -> None:
        query = parse_qs(urlsplit(self.path).query)
        numbers = {n.strip().upper() for v in query.get("tracking_numbers", []) for n in v.split(",") if n.strip()}
        slugs = {x.strip().lower() for v in query.get("slug", []) for x in v.split(",") if x.strip()}
        found = [self.sim.aftership_tracking(slug, number, legacy) for (slug, number) in list(self.sim.registered)
                 if (not numbers or number in numbers) and (not slugs or slug in slugs)]
        if legacy:
            data: dict[str, Any] = {"page": 1, "limit": 100, "count": len(found), "trackings": found}
        else:
            data = {"pagination": {"total": len(found), "next_cursor": None, "has_next_page": False},
                    "trackings": found}
        self._json(200, {"meta": {"code": 200}, "data": data})


def _handler_for(sim: CourierSim) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"sim": sim})


def main(port: int, key: str = DEFAULT_KEY, customer: str = DEFAULT_CUSTOMER, *, rate: float | None = 10.0,
         first_fetch: timedelta = FIRST_FETCH) -> None:
    """Serves both protocols on 127.0.0.1:`port` until interrupted (Ctrl+C)."""
    sim = CourierSim(port=port, key=key, customer=customer, rate=rate, first_fetch=first_fetch)
    sim.start()
    print(t("The courier simulator is listening on {url} (Kuaidi100 and AfterShip); press Ctrl+C to stop.", url=sim.url),
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print(t("Courier simulator stopped."), file=sys.stderr)
    finally:
        sim.stop()
        print(t("The courier simulator served {count} requests, {limited} of them over its rate limit.",
                count=sim.served, limited=sim.rate_limited), flush=True)
