"""What every courier adapter shares: its settings, its errors, and careful HTTP.

An adapter asks one courier about one tracking number and answers a `TrackResult` in the domain's
words (domain/tracking.py), or raises a `CourierError` whose message is one sentence naming the
courier. The HTTP part is here so both protocols behave alike:

- timeouts (connect 5 s, read 10 s by default) and one overall deadline per request, headers
  included (the connection's socket never waits past it: `DeadlineTransport`), so a courier that
  trickles bytes cannot hold a worker, the sync or the window's close;
- at most 3 tries, with exponential backoff on connection errors, 5xx and 429 (a Retry-After
  header is respected up to a cap); a read timeout is not retried: a slow courier stays slow;
- a token bucket per adapter, so a sync of thousands of shipments stays under the courier's limit;
- the answer is never trusted: bodies over 1 MB are refused while they are read, JSON is parsed
  with no code run, types are checked, texts are cut to 500 characters.

The secret (API key) is handed to the adapter separately from `CourierConfig` and is never put in
a repr, an error message or an exception's chain.

Errors come in two kinds. A `ParcelError` is about one parcel's answer (garbled, about another
number, in a shape we do not know, a phone the courier needs): the sync reports it for that parcel
and goes on with the others. Every other `CourierError` is about the courier (down, slow, our key
refused, our carrier code refused, rate limit): the sync stops asking that courier for this run.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, NoReturn, Protocol, TypeVar

import httpcore
import httpx

from shop_orders.domain.errors import ShopOrdersError, ValidationError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackResult, require_plausible

KINDS = ("kuaidi100", "aftership")
T = TypeVar("T")


@dataclass(frozen=True)
class CourierConfig:
    """Where a courier is and who we are there. The secret is not part of it (it lives in the
    vault and is handed to `adapter_for` separately), so this is safe to show, log and store."""
    name: str
    kind: str  # "kuaidi100" | "aftership"
    url: str
    customer: str = ""  # Kuaidi100's customer id; unused by AfterShip
    carrier: str = ""  # Kuaidi100's company code ("yuantong") or AfterShip's slug ("ups")


@dataclass(frozen=True)
class CourierLimits:
    """How patient and how polite an adapter is. Defaults suit the real services."""
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    tries: int = 3
    backoff: float = 0.5  # seconds before the 2nd try, doubled before each next one
    max_retry_after: float = 30.0  # a longer Retry-After is cut to this
    rate_per_second: float = 5.0  # 0 turns the client-side limiter off
    burst: int = 5
    max_body: int = 1_000_000  # bytes
    max_text: int = 500  # characters kept of any text the courier sends
    max_events: int = 200  # newest events kept

    @property
    def deadline(self) -> float:
        """Seconds one request may take in all (connect, then reading the whole body)."""
        return self.connect_timeout + self.read_timeout


# --- errors: each one sentence that names the courier ----------------------------------------

class CourierError(ShopOrdersError):
    """The courier could not give an answer; nothing should change because of it."""

    def __init__(self, message: str, courier: str) -> None:
        super().__init__(message)
        self.courier = courier


class CourierUnavailable(CourierError):
    """Down, unreachable, or the connection broke."""

    def __init__(self, courier: str) -> None:
        super().__init__(t("The courier {name} could not be reached; check its address and the network, then try again.",
                           name=courier), courier)


class CourierTimeout(CourierUnavailable):
    """Connected, but no answer in time."""

    def __init__(self, courier: str, seconds: float) -> None:
        CourierError.__init__(self, t("The courier {name} did not answer within {seconds} seconds; try again later.",
                                      name=courier, seconds=f"{seconds:g}"), courier)


class CourierAuthError(CourierError):
    """The key, the signature or the customer id was refused (or has expired)."""

    def __init__(self, courier: str) -> None:
        super().__init__(t("The courier {name} refused our credentials; check the API key and the customer id.",
                           name=courier), courier)


class CourierRateLimited(CourierError):
    """Still told to slow down after every try."""

    def __init__(self, courier: str, tries: int) -> None:
        super().__init__(t("The courier {name} is limiting our requests and still refused after {tries} tries; try again in a few minutes.",
                           name=courier, tries=tries), courier)


class ParcelError(CourierError):
    """An answer about one parcel that cannot be used; the courier itself answers, so the sync
    goes on with its other parcels."""


class CourierBadAnswer(ParcelError):
    """An answer that is not what the protocol promises: garbage, wrong types, too large, about
    another number."""

    def __init__(self, courier: str, too_large: int | None = None) -> None:
        if too_large is not None:
            message = t("The courier {name} sent an answer larger than {size} bytes; it was refused.",
                        name=courier, size=too_large)
        else:
            message = t("The courier {name} sent an answer that could not be read; nothing was taken from it.",
                        name=courier)
        super().__init__(message, courier)


class CourierServerError(CourierError):
    """The courier's own failure (HTTP 5xx or the protocol's server-error code), after every try."""

    def __init__(self, courier: str, code: object) -> None:
        super().__init__(t("The courier {name} had a server error (code {code}); try again later.",
                           name=courier, code=code), courier)
        self.code = code


class CourierNeedsPhone(ParcelError):
    """The courier answers this number only with the recipient's phone (Kuaidi100 408 for SF and
    ZTO), and the order has none we could send."""

    def __init__(self, courier: str, number: str) -> None:
        super().__init__(t("The courier {name} answers {number} only with the recipient's phone number (its last "
                           "4 digits); the order has none.", name=courier, number=number), courier)


class CourierRefused(CourierError):
    """Any other refusal of the request (e.g. an unknown carrier code)."""

    def __init__(self, courier: str, code: object) -> None:
        super().__init__(t("The courier {name} refused the request (code {code}); check its carrier code and address.",
                           name=courier, code=code), courier)
        self.code = code


# --- the interface ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ParcelQuery:
    """What an adapter may send about one parcel: its number, the courier's own id for it from the
    last answer (`ref`), our order's id (AfterShip's order_id when it registers the parcel) and
    the recipient's phone (Kuaidi100 needs its last 4 digits for SF and ZTO)."""
    number: str
    ref: str = ""
    order_no: str = ""
    phone: str = ""


class Adapter(Protocol):
    config: CourierConfig

    def track(self, query: ParcelQuery | str) -> TrackResult:
        """The courier's current answer for one parcel. UNKNOWN when the courier has nothing yet
        (a fresh waybill), INVALID_NUMBER only when it positively says the number is wrong.
        Raises ValidationError for a number of the wrong pattern (no request is made), a
        ParcelError for an unusable answer about this parcel, another CourierError when the
        courier gives no answer at all."""
        ...

    def test_connection(self) -> None:
        """Returns when the courier answers and accepts our credentials; raises CourierError."""
        ...

    def close(self) -> None:
        ...


def adapter_for(config: CourierConfig, secret: str, client: httpx.Client | None = None, *,
                limits: CourierLimits | None = None, sleep: Callable[[float], None] = time.sleep,
                clock: Callable[[], float] = time.monotonic, zone: tzinfo | None = None) -> Adapter:
    """The adapter for `config.kind`. A given `client` is used (and left open); without one the
    adapter makes its own and closes it in `close()`. `sleep` and `clock` are for tests. `zone`
    reads a courier's times that carry no offset (AfterShip's checkpoint times are the place's
    local time): the shop's time zone, where a domestic parcel's scans happen."""
    from shop_orders.adapters.couriers.aftership import AfterShipAdapter
    from shop_orders.adapters.couriers.kuaidi100 import Kuaidi100Adapter

    classes: dict[str, type[HttpCourier]] = {"kuaidi100": Kuaidi100Adapter, "aftership": AfterShipAdapter}
    kind = str(config.kind).strip().lower()
    if kind not in classes:
        raise ValidationError(t("unknown courier kind '{kind}'; expected one of: {choices}",
                                kind=str(config.kind)[:40], choices=", ".join(KINDS)))
    if not str(config.url).lower().startswith(("http://", "https://")):
        raise ValidationError(t("The courier {name}'s address must start with http:// or https://.", name=config.name))
    return classes[kind](config, secret, client, limits=limits or CourierLimits(), sleep=sleep, clock=clock,
                         zone=zone)


# --- shared machinery -------------------------------------------------------------------------

_PASSED = "deadline"  # httpcore's timeout's text; the adapter turns it into CourierTimeout's sentence


class _Deadline(threading.local):
    """When the request under way on this thread must be over (time.monotonic), or None."""
    at: float | None = None


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the request's deadline: a
    server that sends one header byte every few seconds cannot keep a request going, as httpx's
    per-read timeout alone would let it."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner, self._deadline = inner, deadline

    def _wait(self, timeout: float | None, error: type[Exception]) -> float | None:
        at = self._deadline.at
        if at is None:
            return timeout
        left = at - time.monotonic()
        if left <= 0:
            raise error(_PASSED)
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._wait(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._wait(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._wait(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self._inner, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:  # pragma: no cover - no proxy
        return _DeadlineStream(self._inner.connect_unix_socket(path, timeout, socket_options), self._deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport on connections that keep `deadline` (see _DeadlineStream). httpx
    offers no overall timeout, so its connection pool is built with our network backend; the
    trickling-server test in tests/services/test_couriers.py fails if httpx stops using it."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                             network_backend=_DeadlineBackend(deadline))


class TokenBucket:
    """A client-side rate limiter: `rate` requests per second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate, self.capacity = float(rate), float(max(1, burst))
        self._tokens, self._clock, self._sleep = self.capacity, clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if self.rate <= 0:
            return
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)


class Retry(Exception):  # noqa: N818 - a signal inside the retry loop, never shown to anyone
    """Raised by a parser for an answer worth another try (rate limit, server busy)."""

    def __init__(self, kind: str, code: object, after: float | None = None) -> None:
        super().__init__(kind, code)
        self.kind, self.code, self.after = kind, code, after  # kind: "rate" | "server"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class HttpCourier(ABC):
    """Base of both adapters: the HTTP request with limits, tries and the body cap."""

    def __init__(self, config: CourierConfig, secret: str, client: httpx.Client | None = None, *,
                 limits: CourierLimits | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, zone: tzinfo | None = None) -> None:
        self.config = config
        self.limits = limits or CourierLimits()
        self.__secret = str(secret)
        self._sleep, self._clock = sleep, clock
        self.zone = zone
        self._bucket = TokenBucket(self.limits.rate_per_second, self.limits.burst, clock, sleep)
        self._own_client = client is None
        self._deadline = _Deadline()
        self._began = 0.0  # when the request under way began (time.monotonic)
        self._client = client if client is not None else httpx.Client(
            follow_redirects=False, headers={"User-Agent": "shop-orders"}, transport=DeadlineTransport(self._deadline))
        self._base = str(config.url).rstrip("/")

    @property
    def _secret(self) -> str:
        return self.__secret

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.config.name!r}, url={self.config.url!r})"

    def track(self, query: ParcelQuery | str) -> TrackResult:
        """What the courier says about one parcel (see Adapter.track)."""
        if isinstance(query, str):
            query = ParcelQuery(query)
        require_plausible(query.number)
        return self._track(query)

    @abstractmethod
    def _track(self, query: ParcelQuery) -> TrackResult:
        """Each protocol's question and the reading of its answer, for a plausible number."""

    @abstractmethod
    def test_connection(self) -> None:
        """One cheap request with our credentials; CourierError when it does not work."""

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> HttpCourier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop --

    def _with_retries(self, attempt: Callable[[], T]) -> T:
        """Runs `attempt` up to `tries` times; it calls `_fetch` and parses, raising `Retry` for an
        answer worth another go. Connection errors and 5xx/429 are retried with backoff."""
        name, tries = self.config.name, max(1, self.limits.tries)
        for n in range(1, tries + 1):
            last = n == tries
            wait = self.limits.backoff * 2 ** (n - 1)
            try:
                return attempt()
            except Retry as retry:
                if last:
                    if retry.kind == "rate":
                        raise CourierRateLimited(name, tries) from None
                    raise CourierServerError(name, retry.code) from None
                if retry.after is not None:
                    wait = min(max(retry.after, 0.0), self.limits.max_retry_after)
            except httpx.ConnectTimeout:
                if last:
                    raise CourierTimeout(name, self.limits.connect_timeout) from None
            except httpx.TimeoutException:  # the read timeout, or the whole request's deadline
                waited = time.monotonic() - self._began
                seconds = self.limits.deadline if waited >= self.limits.deadline - 0.05 else self.limits.read_timeout
                raise CourierTimeout(name, seconds) from None
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                if last:
                    raise CourierUnavailable(name) from None
            except httpx.HTTPError:  # a bad URL, an unsupported scheme, a proxy error...
                raise CourierUnavailable(name) from None
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _fetch(self, method: str, path: str, *, data: Mapping[str, str] | None = None,
               headers: Mapping[str, str] | None = None, json_body: Any = None,
               params: Mapping[str, str] | None = None) -> Answer:
        """One request, rate-limited, its body read up to the cap, all of it (connecting, the
        headers, the body) within the deadline. 429 and 5xx raise `Retry`."""
        limits = self.limits
        self._bucket.acquire()
        timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                                write=limits.read_timeout, pool=limits.connect_timeout)
        deadline = self._clock() + limits.deadline
        self._began = time.monotonic()
        self._deadline.at = self._began + limits.deadline
        try:
            with self._client.stream(method, self._base + path, data=data, headers=headers, json=json_body,
                                     params=params, timeout=timeout) as resp:
                if resp.status_code == 429:
                    raise Retry("rate", 429, retry_after(resp.headers.get("retry-after"))
                                or reset_after(resp.headers.get("x-ratelimit-reset")))
                if resp.status_code >= 500:
                    raise Retry("server", resp.status_code)
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limits.max_body:
                    self._bad_answer(too_large=True)
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > limits.max_body:
                        self._bad_answer(too_large=True)
                    if self._clock() > deadline:
                        raise CourierTimeout(self.config.name, limits.deadline)
                return Answer(resp.status_code, resp.headers, bytes(body))
        finally:
            self._deadline.at = None

    # -- reading untrusted answers --

    def _bad_answer(self, too_large: bool = False) -> NoReturn:
        raise CourierBadAnswer(self.config.name, self.limits.max_body if too_large else None)

    def _json(self, body: bytes) -> Any:
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._bad_answer()

    def _text(self, value: object) -> str:
        """A courier's text: a string (numbers are accepted and written out), control characters
        removed, cut to `max_text`. Anything else is garbage."""
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self._bad_answer()
        text = "".join(ch if ch.isprintable() else " " for ch in str(value)[: self.limits.max_text * 2])
        return " ".join(text.split())[: self.limits.max_text]


def reset_after(value: str | None) -> float | None:
    """Seconds until an X-RateLimit-Reset time (Unix seconds; AfterShip's Tracking API), None if
    absent or unreadable."""
    if not value or not value.strip().isdigit():
        return None
    return max(0.0, int(value.strip()) - time.time())


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), None if absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
