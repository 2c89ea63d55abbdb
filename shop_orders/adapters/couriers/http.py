"""What every courier adapter shares: careful HTTP.

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
a repr, an error message or an exception's chain. The settings, the errors and the `Adapter`
interface are the domain's (domain/couriers.py); `adapter_for` is in this package's __init__.
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
from typing import Any, NoReturn, TypeVar

import httpcore
import httpx

from shop_orders.domain.couriers import (
    CourierBadAnswer,
    CourierConfig,
    CourierLimits,
    CourierRateLimited,
    CourierServerError,
    CourierTimeout,
    CourierUnavailable,
    ParcelQuery,
)
from shop_orders.domain.tracking import TrackResult, require_plausible

T = TypeVar("T")


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
