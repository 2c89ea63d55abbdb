"""Courier adapters (Kuaidi100, AfterShip) against the courier simulator, and their distrust of answers.

Every prefix scenario in both protocols, wrong credentials, rate limits (backing off and giving up),
timeouts, garbage, oversized answers, and a planted secret that must never show in an error or repr.
Hostile answer shapes the simulator does not tell are served by httpx's MockTransport. The
simulator answers as the recorded real answers do (tests/real/test_courier_recordings.py replays
those): AfterShip knows a parcel only once it is registered, so its first answer is "not known yet".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shop_orders.adapters.couriers import adapter_for
from shop_orders.adapters.couriers.http import TokenBucket, retry_after
from shop_orders.adapters.couriers.kuaidi100 import china_time, sign
from shop_orders.courier_sim import (
    DEFAULT_CUSTOMER,
    DEFAULT_KEY,
    CourierSim,
    event_times,
    start_time,
)
from shop_orders.domain import messages
from shop_orders.domain.couriers import (
    CourierAuthError,
    CourierBadAnswer,
    CourierConfig,
    CourierError,
    CourierLimits,
    CourierRateLimited,
    CourierServerError,
    CourierTimeout,
    CourierUnavailable,
    ParcelQuery,
)
from shop_orders.domain.errors import ValidationError
from shop_orders.domain.tracking import TrackEvent, TrackResult, TrackState, plausible_number

KINDS = ["kuaidi100", "aftership"]
S = TrackState
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def sim():
    with CourierSim(rate=None, first_fetch=timedelta(0)) as server:
        yield server


def ask(adapter, number: str) -> TrackResult:
    """What the courier says of a parcel it has been told about: AfterShip's first answer registers
    it (not known yet, with AfterShip's id), the next one, by that id, tells the story."""
    result = adapter.track(number)
    if adapter.config.kind == "aftership":
        assert result.state is S.UNKNOWN and result.events == () and result.ref
        result = adapter.track(ParcelQuery(number, ref=result.ref))
    return result


class Sleeps(list):
    """An injectable sleep that records each wait (and waits only when told to)."""

    def __init__(self, real: bool = False) -> None:
        super().__init__()
        self.real = real

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))
        if self.real:
            time.sleep(seconds)


def config(kind: str, url: str, customer: str = DEFAULT_CUSTOMER) -> CourierConfig:
    return CourierConfig(name=f"sim-{kind}", kind=kind, url=url, customer=customer,
                         carrier="yuantong" if kind == "kuaidi100" else "ups")


def make(kind, url, secret=DEFAULT_KEY, sleep=None, client=None, customer=DEFAULT_CUSTOMER, **limits):
    limits.setdefault("rate_per_second", 0)
    return adapter_for(config(kind, url, customer), secret, client, limits=CourierLimits(**limits),
                       sleep=sleep if sleep is not None else Sleeps())


# --- the domain ---------------------------------------------------------------------------------

@pytest.mark.parametrize("number, ok", [
    ("SF1234567890", True), ("YT-2026-000001", True), ("ABC123", True), ("A" * 40, True),
    ("ABC12", False), ("A" * 41, False), ("sf1234567890", False), ("SF 123456", False), ("SF123456\n", False),
    ("SF123456;DROP", False), ("ＳＦ１２３４５６", False), ("", False), ("../../etc", False),
])
def test_plausible_number_accepts_only_6_to_40_capitals_digits_and_dashes(number, ok):
    assert plausible_number(number) is ok


def test_track_event_times_are_aware_utc():
    local = datetime(2026, 11, 20, 9, 30, tzinfo=china_time("2026-11-20 09:30:00").tzinfo)
    assert TrackEvent(local, S.IN_TRANSIT, "x").at.tzinfo is UTC
    with pytest.raises(TypeError):
        TrackEvent(datetime(2026, 11, 20, 9, 30), S.IN_TRANSIT, "naive")


def test_result_derives_pickup_and_delivery_from_its_events():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    events = [TrackEvent(t0 + 2 * HOUR, S.DELIVERED, "d"), TrackEvent(t0, S.INFO_RECEIVED, "label"),
              TrackEvent(t0 + HOUR, S.IN_TRANSIT, "t")]
    result = TrackResult.of("SF123456", S.DELIVERED, events)
    assert [e.at for e in result.events] == [t0, t0 + HOUR, t0 + 2 * HOUR]
    assert (result.picked_up_at, result.delivered_at) == (t0 + HOUR, t0 + 2 * HOUR)


def test_every_state_has_a_label_in_both_languages():
    for state in TrackState:
        english = state.label()
        messages.set_language("zh_CN")
        try:
            assert state.label() != english
        finally:
            messages.set_language("en")


def test_kuaidi100_local_china_time_becomes_utc_and_the_signature_is_upper_md5():
    assert china_time("2026-11-20 09:30:00") == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        china_time("20/11/2026 09:30")
    assert sign('{"num":"SF1"}', "key", "CUST") == hashlib.md5(b'{"num":"SF1"}keyCUST').hexdigest().upper()


# --- every scenario in both protocols ---------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_a_delivered_parcel_has_pickup_transit_out_for_delivery_and_delivery_at_fixed_times(sim, kind):
    number = "DELIVERED0001"
    with make(kind, sim.url) as adapter:
        result = ask(adapter, number)
    start = start_time(number)
    assert result.number == number and result.state is S.DELIVERED
    assert [e.at for e in result.events] == event_times(number)
    assert [e.at for e in result.events] == [start, start + 6 * HOUR, start + 30 * HOUR, start + 34 * HOUR]
    assert result.picked_up_at == start and result.delivered_at == start + 34 * HOUR
    assert all(e.at.tzinfo is UTC for e in result.events)
    assert [e.state for e in result.events][1:] == [S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert result.events[0].state in (S.PICKED_UP, S.IN_TRANSIT)  # AfterShip has no separate pickup tag
    assert all(e.text and e.location for e in result.events)


def test_both_protocols_tell_the_same_times(sim):
    with make("kuaidi100", sim.url) as k100, make("aftership", sim.url) as aftership:
        for number in ("DELIVERED0002", "RETURNED0002", "NOPICKUP0002", "ZT20261120001"):
            a, b = ask(k100, number), ask(aftership, number)
            assert (a.state, a.picked_up_at, a.delivered_at) == (b.state, b.picked_up_at, b.delivered_at)
            assert [e.at for e in a.events] == [e.at for e in b.events]


@pytest.mark.parametrize("kind", KINDS)
def test_a_waybill_never_picked_up_is_info_received_with_no_pickup_time(sim, kind):
    with make(kind, sim.url) as adapter:
        result = ask(adapter, "NOPICKUP0001")
    assert result.state is S.INFO_RECEIVED
    assert result.picked_up_at is None and result.delivered_at is None
    assert [e.state for e in result.events] == [S.INFO_RECEIVED]
    assert result.events[0].at == start_time("NOPICKUP0001")


@pytest.mark.parametrize("kind", KINDS)
def test_a_returned_parcel_is_returned_and_not_delivered(sim, kind):
    with make(kind, sim.url) as adapter:
        result = ask(adapter, "RETURNED0001")
    assert result.state is S.RETURNED
    assert result.picked_up_at == start_time("RETURNED0001") and result.delivered_at is None
    assert result.events[-1].state is S.RETURNED and result.events[-1].at == start_time("RETURNED0001") + 98 * HOUR


@pytest.mark.parametrize("kind", KINDS)
def test_any_other_number_is_picked_up_then_in_transit(sim, kind):
    with make(kind, sim.url) as adapter:
        result = ask(adapter, "YT9693083639795")
    assert result.state is S.IN_TRANSIT
    assert result.picked_up_at == start_time("YT9693083639795")
    assert [e.at for e in result.events] == event_times("YT9693083639795")


def test_kuaidi100_never_says_a_number_is_invalid_only_that_it_knows_nothing_yet(sim):
    with make("kuaidi100", sim.url) as adapter:
        assert adapter.track("INVALID0001") == TrackResult.unknown("INVALID0001")
        assert adapter.track("NEVER000001") == TrackResult.unknown("NEVER000001")


def test_aftership_says_invalid_only_when_it_refuses_to_register_the_number(sim):
    with make("aftership", sim.url) as adapter:
        assert adapter.track("INVALID0002") == TrackResult("INVALID0002", S.INVALID_NUMBER, (), None, None)
        never = adapter.track("NEVER000002")
        assert never.state is S.UNKNOWN and ask(adapter, "NEVER000003").state is S.UNKNOWN


@pytest.mark.parametrize("kind", KINDS)
def test_a_fresh_waybill_is_not_known_for_hours_then_picked_up(kind):
    number, clock = "FRESH000001", [start_time("FRESH000001") + HOUR]
    with CourierSim(rate=None, first_fetch=timedelta(minutes=30), clock=lambda: clock[0]) as fresh, \
            make(kind, fresh.url) as adapter:
        first = adapter.track(number)
        assert first.state is S.UNKNOWN and first.picked_up_at is None
        clock[0] += HOUR  # AfterShip has fetched from the carrier: the carrier still has nothing
        assert adapter.track(ParcelQuery(number, ref=first.ref)).state is S.UNKNOWN
        clock[0] += 2 * HOUR
        later = adapter.track(ParcelQuery(number, ref=first.ref))
    assert later.state is S.PICKED_UP and later.picked_up_at == start_time(number) + 3 * HOUR


@pytest.mark.parametrize("kind", KINDS)
def test_a_number_of_the_wrong_pattern_is_refused_before_any_request(sim, kind):
    before = sim.served
    with make(kind, sim.url) as adapter, pytest.raises(ValidationError) as caught:
        adapter.track("sf 123;DROP TABLE")
    assert sim.served == before
    assert "is not a tracking number" in str(caught.value) and str(caught.value).count(".") == 1


@pytest.mark.parametrize("kind", KINDS)
def test_test_connection_passes_with_the_right_credentials(sim, kind):
    with make(kind, sim.url) as adapter:
        adapter.test_connection()


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_credentials_are_one_sentence_naming_the_courier(sim, kind):
    with make(kind, sim.url, secret="wrong-key") as adapter:
        with pytest.raises(CourierAuthError) as caught:
            adapter.track("DELIVERED0001")
        with pytest.raises(CourierAuthError):
            adapter.test_connection()
    assert str(caught.value) == (f"The courier sim-{kind} refused our credentials; check the API key and the "
                                 "customer id.")


def test_a_wrong_kuaidi100_customer_id_is_bad_credentials(sim):
    with make("kuaidi100", sim.url, customer="SOMEONEELSE") as adapter, pytest.raises(CourierAuthError):
        adapter.track("DELIVERED0001")


def test_aftership_simulator_v4_knows_only_registered_numbers_and_accepts_the_older_key_header(sim):
    old = {"aftership-api-key": DEFAULT_KEY}
    unknown = httpx.get(f"{sim.url}/v4/trackings/ups/DELIVERED0009", headers=old)
    assert unknown.status_code == 404 and unknown.json()["meta"]["code"] == 4004
    created = httpx.post(f"{sim.url}/v4/trackings", headers=old,
                         json={"tracking": {"slug": "ups", "tracking_number": "DELIVERED0009"}})
    assert created.status_code == 201 and created.json()["data"]["tracking"]["tag"] == "Pending"
    again = httpx.post(f"{sim.url}/v4/trackings", headers=old,
                       json={"tracking": {"slug": "ups", "tracking_number": "DELIVERED0009"}})
    assert again.status_code == 400 and again.json()["meta"]["code"] == 4003
    answer = httpx.get(f"{sim.url}/v4/trackings/ups/DELIVERED0009", headers=old)
    assert answer.status_code == 200 and answer.json()["data"]["tracking"]["tag"] == "Delivered"


@pytest.mark.parametrize("url", ["/v4", "/tracking/2024-04", "/tracking/2024-07", "/tracking/2025-07", ""])
def test_aftership_every_api_version_registers_then_reads(sim, url):
    number = f"DELIVERED{abs(hash(url)) % 10000:04d}"
    with make("aftership", sim.url + url) as adapter:
        result = ask(adapter, number)
    assert result.state is S.DELIVERED and [e.at for e in result.events] == event_times(number)


@pytest.mark.parametrize("kind", KINDS)
def test_a_server_error_is_tried_three_times_with_backoff_then_one_sentence(sim, kind):
    sleeps, before = Sleeps(), sim.served
    with make(kind, sim.url, sleep=sleeps) as adapter, pytest.raises(CourierServerError) as caught:
        adapter.track("ERR5000001")
    assert sim.served - before == 3 and sleeps == [0.5, 1.0]
    assert str(caught.value).startswith(f"The courier sim-{kind} had a server error")


@pytest.mark.parametrize("kind", KINDS)
def test_garbage_json_is_a_bad_answer_and_not_retried(sim, kind):
    before = sim.served
    with make(kind, sim.url) as adapter, pytest.raises(CourierBadAnswer) as caught:
        adapter.track("GARBAGE0001")
    assert sim.served - before == 1
    assert "could not be read" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
def test_an_answer_over_1_mb_is_refused_while_it_is_read(sim, kind):
    with make(kind, sim.url) as adapter, pytest.raises(CourierBadAnswer) as caught:
        adapter.track("HUGE000001")
    assert "larger than 1000000 bytes" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_slow_courier_times_out_with_one_sentence_and_no_hang(sim, kind):
    before, began = sim.served, time.monotonic()
    with make(kind, sim.url, read_timeout=0.5, connect_timeout=1) as adapter, pytest.raises(CourierTimeout) as caught:
        adapter.track("SLOW000001")
    assert time.monotonic() - began < 3
    assert str(caught.value) == f"The courier sim-{kind} did not answer within 0.5 seconds; try again later."
    assert sim.served == before  # the simulator is still sleeping on it; nothing was retried


@pytest.fixture()
def trickler():
    """A server that answers every connection one header byte every 0.1 s, forever: each read
    gets a byte well within any read timeout, so only an overall deadline ends the request."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve(conn):
        with conn:
            conn.recv(65536)
            for ch in itertools.cycle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 50):
                if stop.wait(0.1):
                    return
                try:
                    conn.sendall(bytes([ch]))
                except OSError:
                    return

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    server.close()


@pytest.mark.parametrize("kind", KINDS)
def test_a_courier_trickling_its_headers_is_cut_off_at_the_requests_deadline(trickler, kind):
    began = time.monotonic()
    with make(kind, trickler, connect_timeout=0.5, read_timeout=1.0, tries=3) as adapter, \
            pytest.raises(CourierTimeout) as caught:
        adapter.track("DELIVERED0001")
    took = time.monotonic() - began
    assert 1.4 <= took < 3.0  # the 1.5 s deadline (connect + read), once: a timeout is not tried again
    assert "1.5 seconds" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
def test_an_unreachable_courier_is_tried_three_times_then_one_sentence(kind):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    sleeps = Sleeps()
    with make(kind, f"http://127.0.0.1:{port}", sleep=sleeps) as adapter, pytest.raises(CourierUnavailable) as caught:
        adapter.track("DELIVERED0001")
    assert sleeps == [0.5, 1.0]
    assert str(caught.value).startswith(f"The courier sim-{kind} could not be reached")


# --- rate limits ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_a_rate_limited_courier_is_waited_for_and_every_number_answered(kind):
    sleeps = Sleeps(real=True)
    with CourierSim(rate=4.0, first_fetch=timedelta(0)) as limited, make(kind, limited.url, sleep=sleeps) as adapter:
        results = [ask(adapter, f"DELIVERED{i:04d}") for i in range(7)]
        assert all(r.state is S.DELIVERED for r in results)
        per_parcel = 1 if kind == "kuaidi100" else 3  # AfterShip: find, register, read by id
        assert limited.rate_limited >= 1 and limited.served == 7 * per_parcel + limited.rate_limited
    if kind == "aftership":
        assert sleeps and all(0 < s <= 1.0 for s in sleeps)  # until X-RateLimit-Reset, a second away
    else:
        assert 0.5 in sleeps  # Kuaidi100 sends no Retry-After: exponential backoff


@pytest.mark.parametrize("kind", KINDS)
def test_a_courier_that_keeps_refusing_gives_the_rate_limit_sentence_after_three_tries(kind):
    with CourierSim(rate=0.01) as limited, make(kind, limited.url) as adapter:
        with pytest.raises(CourierRateLimited) as caught:  # the bucket holds one request, then refuses
            for n in range(3):
                adapter.track(f"DELIVERED000{n}")
        assert limited.rate_limited == 3 and limited.served == 4
    assert str(caught.value) == (f"The courier sim-{kind} is limiting our requests and still refused after 3 tries; "
                                 "try again in a few minutes.")


def test_a_long_retry_after_is_cut_to_the_adapters_cap():
    sleeps = Sleeps()
    with CourierSim(rate=0.01, retry_after=3600) as limited, \
            make("aftership", limited.url, sleep=sleeps, max_retry_after=0.25) as adapter, \
            pytest.raises(CourierRateLimited):
        adapter.track("DELIVERED0001")  # finding it takes the one request; registering it is refused
    assert sleeps == [0.25, 0.25]  # X-RateLimit-Reset an hour away, cut to the cap


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("7") == 7.0
    assert retry_after(None) is None and retry_after("soon") is None
    later = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= (retry_after(later) or 0) <= 31


def test_the_client_side_token_bucket_spaces_requests_to_its_rate():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(rate=2.0, burst=2, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        bucket.acquire()
    assert now[0] == pytest.approx(2.0)  # 2 at once, then one every half second
    assert waits == [pytest.approx(0.5)] * 4


def test_the_adapter_rate_limiter_keeps_a_sync_under_the_simulators_limit():
    with CourierSim(rate=5.0) as limited, \
            adapter_for(config("aftership", limited.url), DEFAULT_KEY, limits=CourierLimits(rate_per_second=4, burst=1)) as adapter:
        for i in range(6):
            adapter.track(f"ZT{i:010d}")  # find and register: two requests each
        assert limited.rate_limited == 0 and limited.served == 12


# --- answers are never trusted ----------------------------------------------------------------

def mock(kind: str, status: int, doc: object) -> httpx.Client:
    body = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(status, content=body)))


def k100_answer(**over):
    doc = {"message": "ok", "nu": "SF1234567890", "ischeck": "0", "com": "shunfeng", "status": "200", "state": "0",
           "data": [{"time": "2026-11-20 09:30:00", "context": "在途", "location": "上海"}]}
    doc.update(over)
    return doc


def as_answer(**over):
    tracking = {"tracking_number": "SF1234567890", "tag": "InTransit",
                "checkpoints": [{"checkpoint_time": "2026-11-20T09:30:00+08:00", "tag": "InTransit", "message": "m"}]}
    tracking.update(over)
    return {"meta": {"code": 200}, "data": {"tracking": tracking}}


def url(kind: str) -> str:
    """An address the mocks answer: AfterShip's v4 reads a registered tracking in one request."""
    return "http://courier.invalid" + ("/v4" if kind == "aftership" else "")


@pytest.mark.parametrize("kind, doc, state", [
    ("kuaidi100", k100_answer(state="99"), S.EXCEPTION),  # a code Kuaidi100 does not document: look at it
    ("aftership", as_answer(tag="SomethingNew"), S.UNKNOWN),  # AfterShip's new tags come with new versions
])
def test_state_codes_we_do_not_know(kind, doc, state):
    with make(kind, url(kind), client=mock(kind, 200, doc)) as adapter:
        assert adapter.track("SF1234567890").state is state


@pytest.mark.parametrize("kind, doc", [
    ("kuaidi100", k100_answer(nu="SF0000000000")),
    ("kuaidi100", k100_answer(data={"not": "a list"})),
    ("kuaidi100", k100_answer(data=[{"time": 1700000000, "context": "x"}])),
    ("kuaidi100", k100_answer(data=[{"time": "tomorrow", "context": "x"}])),
    ("kuaidi100", k100_answer(data=[{"time": "2026-11-20 09:30:00", "context": {"__class__": "os.system"}}])),
    ("kuaidi100", [1, 2, 3]),
    ("kuaidi100", b"[" * 100_000),
    ("aftership", as_answer(tracking_number="OTHER000001")),
    ("aftership", as_answer(checkpoints="none")),
    ("aftership", as_answer(checkpoints=[{"checkpoint_time": "last tuesday"}])),
    ("aftership", {"meta": {"code": "200"}, "data": {}}),
    ("aftership", {"meta": {"code": 200}, "data": {"tracking": None}}),
])
def test_answers_of_the_wrong_shape_are_bad_answers(kind, doc):
    with make(kind, url(kind), client=mock(kind, 200, doc)) as adapter, \
            pytest.raises(CourierBadAnswer):
        adapter.track("SF1234567890")


@pytest.mark.parametrize("kind", KINDS)
def test_courier_texts_are_cleaned_and_cut_to_500_characters(kind):
    long = "签收\x00\x1b[31m" + "长" * 5000
    doc = (k100_answer(data=[{"time": "2026-11-20 09:30:00", "context": long, "location": "上海\n市"}])
           if kind == "kuaidi100" else
           as_answer(checkpoints=[{"checkpoint_time": "2026-11-20T09:30:00+08:00", "tag": "InTransit",
                                   "message": long, "location": "上海\n市"}]))
    with make(kind, url(kind), client=mock(kind, 200, doc)) as adapter:
        event = adapter.track("SF1234567890").events[0]
    assert len(event.text) == 500 and "\x00" not in event.text and "\x1b" not in event.text
    assert event.location == "上海 市"
    assert event.at == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


def test_an_aftership_404_page_that_is_not_aftership_is_a_refusal_not_an_unknown_number():
    client = mock("aftership", 404, b"<html>Not Found</html>")
    with make("aftership", url("aftership"), client=client) as adapter, pytest.raises(CourierError) as caught:
        adapter.track("SF1234567890")
    assert "refused the request (code 404)" in str(caught.value)


def test_unknown_kind_bad_address_and_missing_carrier_are_one_sentence():
    with pytest.raises(ValidationError, match="unknown courier kind"):
        adapter_for(CourierConfig("x", "dhl-api", "http://127.0.0.1"), "k")
    with pytest.raises(ValidationError, match="must start with http"):
        adapter_for(CourierConfig("x", "aftership", "ftp://127.0.0.1"), "k")
    with adapter_for(CourierConfig("x", "aftership", "http://127.0.0.1"), "k") as adapter, \
            pytest.raises(ValidationError, match="needs a carrier code"):
        adapter.track("SF1234567890")


# --- the secret stays secret ------------------------------------------------------------------

def _chain(exc: BaseException):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


@pytest.mark.parametrize("kind", KINDS)
def test_a_planted_secret_never_appears_in_any_error_message_or_repr(sim, kind):
    secret = "PLANTED-s3cret-7f1e"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    errors: list[BaseException] = []

    def collect(adapter, *numbers):
        calls = [lambda n=n: adapter.track(n) for n in numbers] or [adapter.test_connection]
        for call in calls:
            with pytest.raises(CourierError) as caught:
                call()
            errors.append(caught.value)
        assert secret not in repr(adapter) and secret not in str(adapter) and secret not in repr(adapter.config)
        adapter.close()

    collect(make(kind, sim.url, secret=secret), "DELIVERED0001")  # a wrong key there
    collect(make(kind, sim.url, secret=secret))
    collect(make(kind, dead, secret=secret), "DELIVERED0001")
    collect(make(kind, dead, secret=secret))
    with CourierSim(rate=None, key=secret) as own:  # the right key here, so every request carries it
        collect(make(kind, own.url, secret=secret, read_timeout=0.3), "SLOW000002", "ERR5000002", "GARBAGE0002",
                "HUGE000002")
    assert {type(e) for e in errors} == {CourierAuthError, CourierTimeout, CourierUnavailable, CourierServerError,
                                         CourierBadAnswer}
    for error in errors:
        for link in _chain(error):
            assert secret not in str(link) and secret not in repr(link) and secret not in repr(link.args)


def test_errors_read_in_chinese_when_the_language_is_chinese(sim):
    messages.set_language("zh_CN")
    try:
        with make("aftership", sim.url, secret="wrong") as adapter, pytest.raises(CourierAuthError) as caught:
            adapter.track("DELIVERED0001")
        assert str(caught.value) == "快递接口“sim-aftership”拒绝了我们的凭据；请检查 API 密钥和客户编号。"
        assert TrackState.DELIVERED.label() == "已签收"
    finally:
        messages.set_language("en")


# --- the simulator itself ---------------------------------------------------------------------

def test_the_simulator_is_deterministic_counts_what_it_serves_and_stops():
    assert start_time("DELIVERED0001") == start_time("delivered0001")
    assert start_time("DELIVERED0001") != start_time("DELIVERED0002")
    assert datetime(2026, 11, 20, 1, 30, tzinfo=UTC) <= start_time("X12345") < datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
    sim = CourierSim(rate=None).start()
    url = sim.url
    try:
        with make("kuaidi100", url) as adapter:
            adapter.track("DELIVERED0001")
            adapter.track("INVALID0001")
        assert (sim.served, sim.rate_limited) == (2, 0)
    finally:
        sim.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/couriers", timeout=1)
