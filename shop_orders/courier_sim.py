"""A fake courier on 127.0.0.1 that speaks Kuaidi100's and AfterShip's protocols, for tests and the demo.

`shop-orders courier-sim [--port N]` runs `main()`; tests use `CourierSim` (port 0, a thread, a
context manager). Both protocols check their credentials the way the real services do (Kuaidi100's
MD5 signature, AfterShip's `as-api-key` or older `aftership-api-key` header) and answer the same
story for a number, chosen by its prefix:

  INVALID...   the courier does not know the number (Kuaidi100 returnCode 500, AfterShip 404/4004)
  NOPICKUP...  a waybill and nothing more: information received, never picked up
  DELIVERED... picked up, in transit (+6 h), out for delivery (+30 h), delivered (+34 h)
  RETURNED...  picked up, in transit (+6 h), on the way back (+50 h), returned (+98 h)
  SLOW...      answers (in transit) only after `slow_seconds` (10 s by default)
  ERR500...    a server error (AfterShip HTTP 500, Kuaidi100 returnCode 501)
  GARBAGE...   malformed JSON
  HUGE...      an answer of about 2 MB, sent without a length (for the adapters' size cap)
  anything else: picked up, then in transit (+6 h)

Times are deterministic: the pickup (or the waybill) is at `start_time(number)`, a fixed base plus
an offset of up to a week taken from the number's SHA-256, so tests can assert them. Over `rate`
requests per second (10 by default, like AfterShip's default limit) AfterShip's clients get 429
with `retry-after`, Kuaidi100's get returnCode 502 (server busy). Only the standard library: it is
a test tool, not part of a shop's installation.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from shop_orders.domain.messages import t
from shop_orders.services.couriers.kuaidi100 import SHANGHAI, sign

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
RETURNING = Step(50 * HOUR, "6", "6", "退回", "快件退回中", "Exception", "Exception_011",
                 "Returning to sender", "北京市")
RETURNED = Step(98 * HOUR, "4", "4", "退签", "快件已退回寄件人并签收", "Exception", "Exception_011",
                "Returned to sender", "深圳市")

STORIES: dict[str, tuple[Step, ...]] = {
    "NOPICKUP": (INFO,),
    "DELIVERED": (PICKUP, TRANSIT, OUT, DELIVERED),
    "RETURNED": (PICKUP, TRANSIT, RETURNING, RETURNED),
}
IN_TRANSIT_STORY = (PICKUP, TRANSIT)
SPECIAL = ("INVALID", "SLOW", "ERR500", "GARBAGE", "HUGE")


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
                 rate: float | None = 10.0, slow_seconds: float = 10.0, retry_after: int = 1) -> None:
        self.key, self.customer = key, customer
        self.slow_seconds, self.retry_after = slow_seconds, retry_after
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

    def kuaidi100(self, number: str) -> dict[str, Any]:
        steps = story(number)
        if number.upper().startswith("INVALID") or not steps:
            return {"result": False, "returnCode": "500", "message": "查询无结果，请隔段时间再查"}
        start, last = start_time(number), steps[-1]
        data = [{"time": (start + s.offset).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                 "ftime": (start + s.offset).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                 "context": s.k100_text, "location": s.location, "status": s.k100_name, "statusCode": s.k100_code}
                for s in reversed(steps)]  # newest first
        return {"message": "ok", "nu": number, "ischeck": "1" if last.k100_state in ("3", "4") else "0",
                "condition": "00", "com": "simexpress", "status": "200", "state": last.k100_state, "data": data}

    def aftership(self, slug: str, number: str) -> tuple[int, dict[str, Any]]:
        steps = story(number)
        if number.upper().startswith("INVALID") or not steps:
            return 404, {"meta": {"code": 4004, "type": "BadRequest", "message": "Tracking does not exist."}, "data": {}}
        start, last = start_time(number), steps[-1]
        checkpoints = [{"checkpoint_time": (start + s.offset).astimezone(SHANGHAI).isoformat(), "tag": s.as_tag,
                        "subtag": s.as_subtag, "message": s.as_text, "location": s.location, "slug": slug}
                       for s in steps]
        tracking = {"slug": slug, "tracking_number": number, "tag": last.as_tag, "subtag": last.as_subtag,
                    "checkpoints": checkpoints}
        return 200, {"meta": {"code": 200}, "data": {"tracking": tracking}}


def _handler_for(sim: CourierSim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for an ACK
        timeout = 15  # an idle kept-alive connection is dropped after this

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Quiet: http.server would print every request to stderr (tests and the demo read it)."""

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  limited: bool = False) -> None:
            sim._count(limited)  # before the answer leaves: a client that has it sees it counted
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
                sim._stopping.wait(sim.slow_seconds)
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
                sim._count(False)
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
            if sim._bucket.take():
                return False
            if k100:
                self._json(200, {"result": False, "returnCode": "502", "message": "服务器繁忙，请稍后再试"}, limited=True)
            else:
                reset = int(time.time()) + sim.retry_after
                self._json(429, {"meta": {"code": 429, "type": "TooManyRequests",
                                          "message": "You have exceeded the API call rate limit."}, "data": {}},
                           {"retry-after": str(sim.retry_after), "ratelimit-limit": str(sim._bucket.rate),
                            "ratelimit-remaining": "0", "ratelimit-reset": str(reset)}, limited=True)
            return True

        def do_POST(self) -> None:  # noqa: N802 - the base class's name
            path = urlsplit(self.path).path
            length = self.headers.get("Content-Length", "0")
            if not length.isdigit() or int(length) > MAX_REQUEST:
                self._json(413, {"result": False, "returnCode": "400", "message": "请求过大"})
                return
            raw = self.rfile.read(int(length))
            if path != "/poll/query.do":
                self._json(404, {"result": False, "returnCode": "404", "message": "not found"})
                return
            if self._limited(k100=True):
                return
            try:
                form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
            except UnicodeDecodeError:
                form = {}
            param, customer = form.get("param", ""), form.get("customer", "")
            expected = sign(param, sim.key, sim.customer)
            if customer != sim.customer or form.get("sign", "") != expected:
                self._json(200, {"result": False, "returnCode": "503", "message": "验证签名失败"})
                return
            try:
                number = str(json.loads(param)["num"])
            except (ValueError, KeyError, TypeError):
                self._json(200, {"result": False, "returnCode": "400", "message": "提交的数据不完整"})
                return
            answered = self._special(number, k100=True)
            if not answered:
                self._json(200, sim.kuaidi100(number))

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
            if self._limited(k100=False):
                return
            key = self.headers.get("as-api-key") or self.headers.get("aftership-api-key")
            if key != sim.key:
                self._json(401, {"meta": {"code": 401, "type": "Unauthorized", "message": "Invalid API key."},
                                 "data": {}})
                return
            if parts == ["couriers"]:
                self._json(200, {"meta": {"code": 200}, "data": {"total": 1, "couriers": [
                    {"slug": "simexpress", "name": "Courier Simulator"}]}})
                return
            if len(parts) != 3 or parts[0] != "trackings":
                self._json(404, {"meta": {"code": 404, "type": "NotFound",
                                          "message": "The URI requested is invalid."}, "data": {}})
                return
            slug, number = parts[1], parts[2]
            answered = self._special(number, k100=False)
            if not answered:
                status, doc = sim.aftership(slug, number)
                self._json(status, doc)

    return Handler


def main(port: int, key: str = DEFAULT_KEY, customer: str = DEFAULT_CUSTOMER, *, rate: float | None = 10.0) -> None:
    """Serves both protocols on 127.0.0.1:`port` until interrupted (Ctrl+C)."""
    sim = CourierSim(port=port, key=key, customer=customer, rate=rate)
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
