"""`GET /metrics`: open without a token, closed to anyone without it when one is set, and
latency series by route template whose number stays bounded whatever paths are asked for."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from settings import Settings
from tests.webhooks.live import on_free_port, served
from tests.webhooks.metrics.scrape import parse, series, value
from webhooks.app import create_app

TOKEN = secrets.token_urlsafe(24)
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TEMPLATES = {
    "/twilio/voice",
    "/twilio/ivr/{step}",
    "/api/v1/callbacks/{token}",
    "/api/v1/{path:path}",
    "/c/{queue}",
    "/metrics",
    "unmatched",
}


def _client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings, clock=lambda: MONDAY_10, ticker=False))


@pytest.fixture
def guarded(settings: Settings) -> Iterator[str]:
    """A real server whose metrics need the token."""
    closed = on_free_port(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    app = create_app(closed, clock=lambda: MONDAY_10, ticker=False)
    with served(app, closed) as url:
        yield url


def test_open_when_no_token_is_set(settings: Settings) -> None:
    with _client(settings) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = parse(response.text)
    assert value(samples, "holdless_line", queue="support", state="waiting") == 0


WRONG = [None, "", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer"]


def test_a_token_is_required_when_set(guarded: str) -> None:
    for authorization in WRONG:
        headers = {} if authorization is None else {"Authorization": authorization}
        # Nor is the token taken from the query string, where logs and proxies would keep it.
        response = httpx.get(f"{guarded}/metrics", headers=headers, params={"token": TOKEN})
        assert response.status_code == 401, authorization
        assert response.headers["www-authenticate"] == "Bearer"
        assert "holdless_" not in response.text


def test_the_token_opens_the_metrics(guarded: str) -> None:
    for scheme in ("Bearer", "bearer"):
        response = httpx.get(f"{guarded}/metrics", headers={"Authorization": f"{scheme} {TOKEN}"})
        assert response.status_code == 200
        assert value(parse(response.text), "holdless_database_up") == 1


def test_a_burst_of_wrong_tokens_gets_nothing(guarded: str) -> None:
    def guess(_: int) -> int:
        wrong = secrets.token_urlsafe(24)
        headers = {"Authorization": f"Bearer {wrong}"}
        return http.get(f"{guarded}/metrics", headers=headers).status_code

    with httpx.Client() as http, ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(guess, range(64))) == {401}


def test_latency_is_counted_by_route_template(settings: Settings) -> None:
    with _client(settings) as client:
        client.get("/api/v1/callbacks/first-token")
        client.get("/api/v1/callbacks/second-token")
        client.post("/twilio/ivr/answer", data={"CallSid": "CA" + "1" * 32})
        samples = parse(client.get("/metrics").text)
    route = "/api/v1/callbacks/{token}"
    assert value(samples, "holdless_api_duration_seconds_count", route=route) == 2
    assert value(samples, "holdless_http_responses_total", route=route, status="404") == 2
    # Unsigned: refused, but timed and counted under the webhook's template.
    webhook = "/twilio/ivr/{step}"
    assert value(samples, "holdless_webhook_duration_seconds_count", route=webhook) == 1
    assert value(samples, "holdless_api_duration_seconds_count", route=webhook) is None
    labels = {labels.get("route") for labels in series(samples, "holdless_http_responses_total")}
    assert labels == {route, webhook}


def test_random_paths_keep_the_series_bounded(settings: Settings) -> None:
    live = on_free_port(settings)
    app = create_app(live, clock=lambda: MONDAY_10, ticker=False)
    prefixes = ["/", "/api/v1/", "/api/v1/callbacks/", "/twilio/", "/twilio/ivr/", "/c/", "/x/"]
    methods = ["GET", "POST", "DELETE", "PROPFIND"]

    def probe(n: int) -> int:
        path = prefixes[n % len(prefixes)] + uuid.uuid4().hex
        return http.request(methods[n % len(methods)], f"{base}{path}").status_code

    with served(app, live) as base, httpx.Client() as http, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(probe, range(280)))
        text = http.get(f"{base}/metrics").text
    assert all(status < 500 for status in statuses)
    samples = parse(text)
    routes = {labels["route"] for labels in series(samples, "holdless_http_responses_total")}
    assert routes <= TEMPLATES
    assert len(series(samples, "holdless_http_responses_total")) <= 20


def test_two_apps_share_no_counter(settings: Settings) -> None:
    with _client(settings) as first, _client(settings) as second:
        first.get("/healthz")
        first.get("/healthz")
        second.get("/healthz")
        seen_first = parse(first.get("/metrics").text)
        seen_second = parse(second.get("/metrics").text)
    count = "holdless_api_duration_seconds_count"
    assert value(seen_first, count, route="/healthz") == 2
    assert value(seen_second, count, route="/healthz") == 1
