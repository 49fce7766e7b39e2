"""SsbClient against a PxWebApi v2 stand-in on 127.0.0.1: requests, retries, limits, failures."""

from __future__ import annotations

import json

import pytest

from indicators.sources.ssb import (
    DEFAULT_URL,
    JsonStatError,
    RateLimiter,
    SsbClient,
    SsbRequestError,
    SsbUnavailable,
    parse_jsonstat2,
    selection_body,
)
from tests.indicators.sources.standin import UPDATED, Seen, StandIn, closed_port, dataset, serve


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now, self.slept = 1000.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def population(request: Seen) -> dict:
    regions = request.selection()["Region"]
    return dataset([("Region", regions), ("ContentsCode", ["Folketallet11"]),
                    ("Tid", ["2024K4"])], lambda Region, **_: float(len(Region)))  # noqa: N803


def client(url: str, fake: FakeTime, **options: object) -> SsbClient:
    limiter = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    return SsbClient(url, limiter=limiter, sleep=fake.sleep, timeout=2.0, **options)


def test_data_posts_the_v2_selection_and_returns_json_stat2() -> None:
    fake = FakeTime()
    with serve(StandIn(tables={"01223": population})) as ssb:
        doc = client(ssb.url, fake).data(
            "01223", {"Region": ["K-3201", "K-3203"], "ContentsCode": "Folketallet11",
                      "Tid": "top(4)"},
            codelists={"Region": "agg_KommSummer"}, output_values={"Region": "aggregated"})
    [request] = ssb.seen
    assert request.method == "POST" and request.path.endswith("/tables/01223/data")
    assert request.query == {"lang": "no", "outputFormat": "json-stat2"}
    assert request.body["selection"][0] == {"variableCode": "Region",
                                            "valueCodes": ["K-3201", "K-3203"],
                                            "codeList": "agg_KommSummer",
                                            "outputValues": "aggregated"}
    assert request.selection()["Tid"] == ["top(4)"]  # an expression goes as a value code
    assert doc["updated"] == UPDATED
    assert parse_jsonstat2(doc)["Region"].tolist() == ["K-3201", "K-3203"]
    assert fake.slept == []


def test_table_info_and_metadata_are_gets() -> None:
    fake = FakeTime()
    with serve(StandIn(tables={"01223": population})) as ssb:
        c = client(ssb.url, fake)
        assert c.table("01223")["updated"] == UPDATED
        c.metadata("01223")
    first, second = ssb.seen
    assert (first.method, first.path.split("/v2")[1]) == ("GET", "/tables/01223")
    assert second.path.endswith("/tables/01223/metadata")
    assert second.query["outputFormat"] == "json-stat2"


def test_the_base_url_comes_from_ssb_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSB_API_URL", raising=False)
    assert SsbClient().base_url == DEFAULT_URL == "https://data.ssb.no/api/pxwebapi/v2"
    monkeypatch.setenv("SSB_API_URL", "http://127.0.0.1:1234/v2/")
    assert SsbClient().base_url == "http://127.0.0.1:1234/v2"


def test_selection_body_lists_every_variable() -> None:
    body = selection_body({"Region": "*", "Tid": ["from(2015)"]}, {"Region": "agg_KommFylker"})
    assert body == {"selection": [
        {"variableCode": "Region", "valueCodes": ["*"], "codeList": "agg_KommFylker"},
        {"variableCode": "Tid", "valueCodes": ["from(2015)"]}]}


def test_429_is_retried_after_the_time_ssb_asks_for() -> None:
    fake = FakeTime()
    busy = (429, {"Retry-After": "7"}, b'{"title": "Too many requests"}')
    with serve(StandIn(tables={"01223": population}, script=[busy])) as ssb:
        doc = client(ssb.url, fake).data("01223", {"Region": ["0"], "Tid": "*"})
    assert len(ssb.seen) == 2
    assert fake.slept == [7.0]
    assert doc["class"] == "dataset"


def test_server_errors_back_off_then_give_up_as_unavailable() -> None:
    fake = FakeTime()
    down = [(503, {}, b"down")] * 10
    with serve(StandIn(script=down)) as ssb, pytest.raises(SsbUnavailable, match="HTTP 503"):
        client(ssb.url, fake, retries=3, backoff=2.0).data("01223", {"Tid": "*"})
    assert len(ssb.seen) == 4  # the first try and three retries
    assert fake.slept == [2.0, 4.0, 8.0]


def test_a_refused_query_is_not_retried_and_says_why() -> None:
    fake = FakeTime()
    refused = (400, {}, json.dumps({"title": "Unknown variable Regoin"}).encode())
    with serve(StandIn(script=[refused])) as ssb, pytest.raises(SsbRequestError) as caught:
        client(ssb.url, fake).data("01223", {"Regoin": "*", "Tid": "*"})
    assert caught.value.status == 400
    assert caught.value.detail == "Unknown variable Regoin"
    assert len(ssb.seen) == 1 and fake.slept == []


def test_an_unreachable_host_is_unavailable_after_one_retry() -> None:
    fake = FakeTime()
    c = client(f"http://127.0.0.1:{closed_port()}/api/pxwebapi/v2", fake)
    with pytest.raises(SsbUnavailable) as caught:
        c.data("01223", {"Tid": "*"})
    assert caught.value.url.startswith("http://127.0.0.1:")
    assert "refused" in caught.value.reason.lower()
    assert len(fake.slept) == 1


def test_a_slow_answer_times_out() -> None:
    fake = FakeTime()
    with serve(StandIn(tables={"01223": population}, delay=0.6)) as ssb:
        c = SsbClient(ssb.url, timeout=0.2, connect_retries=0,
                      limiter=RateLimiter(clock=fake.clock, sleep=fake.sleep), sleep=fake.sleep)
        with pytest.raises(SsbUnavailable, match="timed out"):
            c.data("01223", {"Region": ["0"], "Tid": "*"})


def test_an_answer_that_is_not_json_is_refused() -> None:
    fake = FakeTime()
    maintenance = (200, {"Content-Type": "text/html"}, b"<html>maintenance")
    with serve(StandIn(script=[maintenance])) as ssb, pytest.raises(JsonStatError, match="not JSON"):
        client(ssb.url, fake).data("01223", {"Tid": "*"})


def test_the_rate_limiter_allows_30_calls_a_minute() -> None:
    fake = FakeTime()
    limiter = RateLimiter(clock=fake.clock, sleep=fake.sleep)
    for _ in range(30):
        limiter.wait()
    assert fake.slept == []
    limiter.wait()  # the 31st waits until the first call is a minute old
    assert fake.slept == [60.0]
    fake.now += 30
    limiter.wait()
    assert fake.slept == [60.0]  # the first 30 calls have left the window


def test_the_client_keeps_to_the_limit_across_requests() -> None:
    fake = FakeTime()
    with serve(StandIn(tables={"01223": population})) as ssb:
        c = SsbClient(ssb.url, limiter=RateLimiter(calls=2, window=60, clock=fake.clock,
                                                   sleep=fake.sleep), sleep=fake.sleep)
        for _ in range(3):
            c.data("01223", {"Region": ["0"], "Tid": "*"})
    assert len(ssb.seen) == 3
    assert fake.slept == [60.0]
