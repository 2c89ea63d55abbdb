"""The couriers' own recorded answers (tests/real/couriers/, each cited in its SOURCES.md), replayed to
the adapters: each must mean what the service means by it.

The expected state, pickup and delivery of every recording were worked out by hand from the
courier's documentation and the recording itself (times converted from the courier's zone, China
time for Kuaidi100), and written here before the adapters were changed to read them. Above all:
Kuaidi100's returnCode 500 ("查询无结果，请隔段时间再查") and AfterShip's Pending are "not known
yet", never "invalid"; AfterShip knows a parcel only after it is registered.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from shop_orders.adapters.couriers import adapter_for
from shop_orders.domain.couriers import (
    CourierAuthError,
    CourierConfig,
    CourierLimits,
    CourierRateLimited,
    CourierRefused,
    CourierServerError,
    ParcelQuery,
)
from shop_orders.domain.tracking import TrackState

HERE = Path(__file__).parent / "couriers"
S = TrackState
CST = timezone(timedelta(hours=8))


def china(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CST).astimezone(UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class Recorded:
    """An httpx transport that answers each request with a recording chosen by `route`, and keeps
    the requests it was sent."""

    def __init__(self, route) -> None:
        self.route, self.requests = route, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, name, headers = self.route(request)
        body = (HERE / name).read_bytes() if name else b""
        return httpx.Response(status, content=body, headers=headers or {"content-type": "application/json"})


def adapter(kind: str, url: str, route, carrier: str, zone=None):
    transport = Recorded(route)
    client = httpx.Client(transport=httpx.MockTransport(transport))
    config = CourierConfig("X", kind, url, "CUSTOMER", carrier)
    ad = adapter_for(config, "KEY", client, limits=CourierLimits(rate_per_second=0, tries=2), sleep=lambda s: None,
                     zone=zone)
    return ad, transport


# --- Kuaidi100 -----------------------------------------------------------------------------------

KUAIDI100 = [
    # file, number, state, picked up, delivered, events
    ("sto-in-transit-state0.json", "156156131846523189", S.IN_TRANSIT, china("2024-04-26 21:35:28"), None, 6),
    ("yto-in-transit-state0-resultv2-4.json", "YT6186594166532", S.IN_TRANSIT, china("2021-12-15 17:10:09"), None, 4),
    ("yto-collected-state1.json", "YT6074326614455", S.PICKED_UP, china("2023-02-02 09:57:03"), None, 1),
    ("yunda-delivered-state3.json", "4302557768029", S.DELIVERED, china("2019-11-29 10:49:57"),
     china("2019-12-01 08:36:29"), 9),
    # the top-level state is the advanced code 304 (signed at a station); the recording starts mid-way
    ("jd-delivered-state304.json", "JD0076810060555", S.DELIVERED, china("2022-06-29 22:28:45"),
     china("2022-06-30 10:34:33"), 5),
    ("yto-delivered-state304-resultv2-4.json", "YT6247854916511", S.DELIVERED, china("2022-01-10 14:25:24"),
     china("2022-01-13 18:52:32"), 12),
    ("sto-delivered-equal-times-state3.json", "773027491214552", S.DELIVERED, china("2020-03-14 22:45:07"),
     china("2020-03-17 13:32:03"), 18),
    # Kuaidi100's Java SDK passes a success on with "returnCode": null and "result": false
    ("yto-delivered-java-sdk-returncode-null.json", "YT5555508965056", S.DELIVERED, china("2021-06-13 13:03:42"),
     china("2021-06-14 17:31:57"), 9),
]


@pytest.mark.parametrize("name, number, state, picked, delivered, count", KUAIDI100, ids=[k[0] for k in KUAIDI100])
def test_each_recorded_kuaidi100_answer_means_the_state_and_times_the_courier_gave(name, number, state, picked,
                                                                                   delivered, count):
    ad, sent = adapter("kuaidi100", "https://poll.kuaidi100.com", lambda r: (200, f"kuaidi100/{name}", None), "yuantong")
    result = ad.track(number)
    assert (result.state, result.picked_up_at, result.delivered_at, len(result.events)) == (state, picked, delivered,
                                                                                          count)
    assert [e.at for e in result.events] == sorted(e.at for e in result.events)  # oldest first
    form = parse_qs(sent.requests[0].content.decode())
    assert json.loads(form["param"][0])["num"] == number and form["customer"] == ["CUSTOMER"]


def test_events_at_the_same_second_keep_the_couriers_order():
    ad, _ = adapter("kuaidi100", "https://poll.kuaidi100.com",
                    lambda r: (200, "kuaidi100/sto-delivered-equal-times-state3.json", None), "shentong")
    events = ad.track("773027491214552").events
    same = [e.text for e in events if e.at == china("2020-03-15 18:10:46")]
    # Kuaidi100 lists the newest first: of two events in one second, the one it lists second came first
    assert same == ["已到达-湖南长沙转运中心", "快件已在【湖南长沙转运中心】进行卸车，扫描员【进港五面扫4号】"]


def test_no_result_yet_is_unknown_never_invalid():
    ad, _ = adapter("kuaidi100", "https://poll.kuaidi100.com", lambda r: (200, "kuaidi100/no-result-500.json", None),
                    "yuantong")
    result = ad.track("YT6186594166532")
    assert result.state is S.UNKNOWN and result.picked_up_at is None and result.events == ()


@pytest.mark.parametrize("name, error", [("refused-400.json", CourierRefused), ("sign-failed-503.json", CourierAuthError),
                                         ("key-expired-601.json", CourierAuthError)])
def test_recorded_kuaidi100_refusals_are_about_the_account_not_the_parcel(name, error):
    ad, _ = adapter("kuaidi100", "https://poll.kuaidi100.com", lambda r: (200, f"kuaidi100/{name}", None), "yuantong")
    with pytest.raises(error):
        ad.track("YT6186594166532")


# --- AfterShip -----------------------------------------------------------------------------------

def v4_route(get_file: str, *, post_file: str = "aftership/v4-create-201-pending-4px.json"):
    def route(request: httpx.Request):
        if request.method == "POST":
            status = 201 if "201" in post_file else 400
            return status, post_file, None
        status = 404 if "4004" in get_file else 200
        return status, get_file, None
    return route


def test_v4_a_parcel_aftership_does_not_know_is_registered_and_is_unknown_not_invalid():
    ad, sent = adapter("aftership", "https://api.aftership.com/v4", v4_route("aftership/v4-get-4004-not-found.json"),
                       "4px")
    result = ad.track(ParcelQuery("HH19260817", order_no="SO-20261206-000001"))
    assert result.state is S.UNKNOWN and result.ref == "pm0e3fhxj33cdk72setpy025"
    get, post = sent.requests
    assert (get.method, get.url.path) == ("GET", "/v4/trackings/4px/HH19260817")
    assert (post.method, post.url.path) == ("POST", "/v4/trackings")
    assert json.loads(post.content) == {"tracking": {"slug": "4px", "tracking_number": "HH19260817",
                                                     "order_id": "SO-20261206-000001"}}
    assert post.headers["as-api-key"] == "KEY"


def test_v4_already_registered_is_success_and_the_tracking_is_read_again():
    calls = []

    def route(request):
        calls.append(request.method)
        if request.method == "POST":
            return 400, "aftership/v4-create-4003-already-exists.json", None
        if len(calls) == 1:
            return 404, "aftership/v4-get-4004-not-found.json", None
        return 200, "aftership/v4-get-pending-4px.json", None

    ad, _ = adapter("aftership", "https://api.aftership.com/v4", route, "4px")
    assert ad.track("HH19260817").state is S.UNKNOWN and calls == ["GET", "POST", "GET"]


AFTERSHIP_V4 = [
    # file, number, slug, state, picked up, delivered, events
    ("v4-get-pending-4px.json", "HH19260817", "4px", S.UNKNOWN, None, None, 0),
    ("v4-get-in-transit-postnl.json", "3SKAAG5995399", "postnl-3s", S.IN_TRANSIT, utc("2021-03-22T18:33:57+01:00"),
     None, 6),
    ("v4-update-in-transit-postnl-utc-times.json", "3SKAAG5995399", "postnl-3s", S.IN_TRANSIT,
     utc("2021-03-22T18:33:57+01:00"), None, 6),
    # shipment_pickup_date "2018-07-23T08:58:00" without offset is UTC: its checkpoint "16:58:00+08:00"
    ("v4-get-delivered-fedex.json", "111111111111", "fedex", S.DELIVERED, utc("2018-07-23T16:58:00+08:00"),
     utc("2018-07-25T10:10:00+09:00"), 14),
    # the tracking says lost, although its last checkpoint says delivered: the tracking's word counts
    ("v4-lost-exception013-after-delivered-checkpoint.json", "111111111111", "fedex", S.EXCEPTION,
     utc("2018-07-23T16:58:00+08:00"), utc("2018-07-25T10:10:00+09:00"), 14),
]


@pytest.mark.parametrize("name, number, slug, state, picked, delivered, count", AFTERSHIP_V4,
                         ids=[a[0] for a in AFTERSHIP_V4])
def test_each_recorded_aftership_tracking_means_its_tags_state_and_times(name, number, slug, state, picked, delivered,
                                                                         count):
    ad, sent = adapter("aftership", "https://api.aftership.com/v4", v4_route(f"aftership/{name}"), slug)
    result = ad.track(number)
    assert (result.state, result.picked_up_at, result.delivered_at, len(result.events)) == (state, picked, delivered,
                                                                                          count)
    assert [r.method for r in sent.requests] == ["GET"]  # registered already: read, not registered again


def test_the_same_checkpoints_in_two_time_formats_are_the_same_instants():
    read = []
    for name in ("v4-get-in-transit-postnl.json", "v4-update-in-transit-postnl-utc-times.json"):
        ad, _ = adapter("aftership", "https://api.aftership.com/v4", v4_route(f"aftership/{name}"), "postnl-3s")
        read.append([e.at for e in ad.track("3SKAAG5995399").events])
    assert read[0] == read[1] and read[0][0] == utc("2021-03-20T15:29:27+01:00")


def test_checkpoint_times_without_an_offset_are_read_in_the_shops_zone():
    kolkata = timezone(timedelta(hours=5, minutes=30))
    ad, _ = adapter("aftership", "https://api.aftership.com/v4",
                    v4_route("aftership/v4-get-delivered-ups-local-times.json"), "ups", zone=kolkata)
    result = ad.track("1ZA2207X0444990982")
    assert result.state is S.DELIVERED and len(result.events) == 15
    # no subtags in 2014: the pickup is the first InTransit checkpoint, "PICKUP SCAN" in Mumbai
    assert result.picked_up_at == datetime(2014, 10, 30, 20, 2, tzinfo=kolkata)
    assert result.events[1].text == "PICKUP SCAN"


@pytest.mark.parametrize("status, name, error", [
    (401, "aftership/v4-401-invalid-key.json", CourierAuthError),
    (429, "aftership/v4-429-rate-limit.json", CourierRateLimited),
    (500, "aftership/v4-500-internal-error.json", CourierServerError),
    (502, "aftership/v4-502-plain-text.txt", CourierServerError),  # a plain-text body, not JSON
])
def test_recorded_aftership_errors_are_about_the_account_or_the_service(status, name, error):
    headers = {"x-ratelimit-reset": "1458463600", "x-ratelimit-limit": "10", "x-ratelimit-remaining": "9"}
    ad, sent = adapter("aftership", "https://api.aftership.com/v4", lambda r: (status, name, headers), "ups")
    with pytest.raises(error):
        ad.track("1ZA2207X0444990982")
    assert len(sent.requests) == (1 if status == 401 else 2)  # 429 and 5xx are tried again, a bad key is not


EMPTY_LIST = {"meta": {"code": 200}, "data": {"pagination": {"total": 0, "next_cursor": None, "has_next_page": False},
                                              "trackings": []}}


def test_dated_api_registers_flat_and_keeps_aftership_id_for_the_next_read():
    sent = []

    def answer(request):  # nothing registered yet (an empty list), then the documented 201
        sent.append(request)
        if request.method == "GET":
            return httpx.Response(200, json=EMPTY_LIST)
        return httpx.Response(201, content=(HERE / "aftership/dated-2026-07-create-201-docs.json").read_bytes())

    client = httpx.Client(transport=httpx.MockTransport(answer))
    ad = adapter_for(CourierConfig("X", "aftership", "https://api.aftership.com/tracking/2026-07", "", "fedex"), "KEY",
                     client, limits=CourierLimits(rate_per_second=0, tries=1), sleep=lambda s: None)
    result = ad.track(ParcelQuery("61293150000079650811", order_no="SO-20261206-000002"))
    assert result.state is S.UNKNOWN and result.ref == "0b02015fc7fd4f3c8d5490cece4d124d"
    find, post = sent
    assert find.url.path == "/tracking/2026-07/trackings"
    assert dict(find.url.params) == {"tracking_numbers": "61293150000079650811", "slug": "fedex"}
    assert json.loads(post.content) == {"slug": "fedex", "tracking_number": "61293150000079650811",
                                        "order_id": "SO-20261206-000002"}  # flat since 2024-07


def test_dated_api_finds_a_registered_tracking_and_reads_it_from_the_list():
    def answer(request):
        assert request.method == "GET"
        return httpx.Response(200, content=(HERE / "aftership/dated-2026-07-list-docs.json").read_bytes())

    client = httpx.Client(transport=httpx.MockTransport(answer))
    ad = adapter_for(CourierConfig("X", "aftership", "https://api.aftership.com/tracking/2026-07", "", "fedex"), "KEY",
                     client, limits=CourierLimits(rate_per_second=0, tries=1), sleep=lambda s: None)
    result = ad.track("61293150000079650811")
    assert result.state is S.DELIVERED and result.ref == "0b02015fc7fd4f3c8d5490cece4d124d"
    assert (result.picked_up_at, result.delivered_at) == (utc("2022-01-21T15:00:00+00:00"),
                                                          utc("2022-01-29T11:23:00+00:00"))


def test_dated_api_reads_by_the_kept_id_and_an_expired_tracking_is_a_courier_problem():
    doc = json.loads((HERE / "aftership/v4-list-delivered-and-expired.json").read_text())
    expired = doc["data"]["trackings"][1]  # 2222222222222, ups, Expired_001, no checkpoints

    def answer(request):
        assert request.url.path == "/tracking/2026-07/trackings/5b0516676a810a1400eb5c1c"
        return httpx.Response(200, json={"meta": {"code": 200}, "data": expired})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    ad = adapter_for(CourierConfig("X", "aftership", "https://api.aftership.com/tracking/2026-07", "", "ups"), "KEY",
                     client, limits=CourierLimits(rate_per_second=0, tries=1), sleep=lambda s: None)
    result = ad.track(ParcelQuery("2222222222222", ref="5b0516676a810a1400eb5c1c"))
    assert result.state is S.EXCEPTION and result.picked_up_at is None
