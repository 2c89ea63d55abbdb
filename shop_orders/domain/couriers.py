"""The couriers in the domain's words: which protocols there are (KINDS), a courier account's
settings (`CourierConfig`, safe to show: the secret is kept apart), how patient an adapter is
(`CourierLimits`), what may be asked about one parcel (`ParcelQuery`), what every adapter offers
(`Adapter`), and the errors, each one sentence naming the courier.

The adapters that speak HTTP to the real couriers are in adapters/couriers/; the services
(courier_accounts, tracking) use these types and `adapters.couriers.adapter_for`. Pure: no I/O.

Errors come in two kinds. A `ParcelError` is about one parcel's answer (garbled, about another
number, in a shape we do not know, a phone the courier needs): the sync reports it for that parcel
and goes on with the others. Every other `CourierError` is about the courier (down, slow, our key
refused, our carrier code refused, rate limit): the sync stops asking that courier for this run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shop_orders.domain.errors import ShopOrdersError
from shop_orders.domain.messages import t
from shop_orders.domain.tracking import TrackResult

KINDS = ("kuaidi100", "aftership")


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
