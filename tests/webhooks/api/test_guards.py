"""The surge breaker, the captcha provider call and the `[api]` config rules."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import httpx
import pytest

from callback.config import ConfigError, parse_config
from callback.config.abuse import AbuseConfig, CaptchaConfig, CaptchaProvider
from callback.service.admission import ALL, WEB, breaker_open
from callback.store.abuse import Window
from tests.webhooks.api.conftest import Api, form
from tests.webhooks.conftest import EXAMPLE, MONDAY_10
from webhooks.api.captcha import SiteVerify, verifier_for


def _count_web(api: Api, n: int, at: timedelta) -> None:
    for _ in range(n):
        api.state.abuse.admit([Window(WEB, ALL, timedelta(hours=1), 10**9)], MONDAY_10 - at)


def test_the_breaker_pauses_web_requests_when_volume_jumps(api: Api) -> None:
    _count_web(api, 19, timedelta(minutes=5))
    assert api.web(form()).status_code == 201  # the 20th: not yet above min_requests
    paused = api.web(form("+44 20 7946 0457"))
    assert paused.status_code == 503
    assert paused.json()["error"]["code"] == "service_paused"
    assert paused.headers["Retry-After"] == "900"
    assert api.stored() == 1


def test_usual_volume_does_not_trip_the_breaker(api: Api) -> None:
    config = AbuseConfig()
    _count_web(api, 96 * 5, timedelta(hours=2))  # a busy day: 5 per 15 minutes on average
    _count_web(api, 24, timedelta(minutes=5))
    assert not breaker_open(config, api.state.abuse, MONDAY_10)
    _count_web(api, 2, timedelta(minutes=5))
    assert breaker_open(config, api.state.abuse, MONDAY_10)


def _provider(success: object, status: int = 200) -> tuple[httpx.AsyncClient, list[bytes]]:
    sent: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return httpx.Response(status, json={"success": success})

    return httpx.AsyncClient(transport=httpx.MockTransport(handle)), sent


@pytest.mark.parametrize(
    ("success", "status", "verdict"),
    [(True, 200, True), (False, 200, False), ("true", 200, False), (True, 500, False)],
)
def test_the_provider_must_say_success(success: object, status: int, verdict: bool) -> None:
    http, sent = _provider(success, status)
    verifier = SiteVerify("https://captcha.example/siteverify", "s3cret", http)
    assert asyncio.run(verifier.verify("token", "203.0.113.9")) is verdict
    assert sent == [b"secret=s3cret&response=token&remoteip=203.0.113.9"]


def test_the_configured_provider_is_asked_with_its_secret() -> None:
    http, _ = _provider(True)
    config = CaptchaConfig(
        provider=CaptchaProvider.TURNSTILE, site_key="0x4AAA", secret_env="CAPTCHA_SECRET"
    )
    found = verifier_for(config, {"CAPTCHA_SECRET": "abc"}, http)
    assert isinstance(found, SiteVerify) and found.secret == "abc"
    assert "cloudflare" in found.url
    assert verifier_for(CaptchaConfig(), {}, http) is None


def _with_api(tables: str) -> bytes:
    return (EXAMPLE.read_text() + "\n" + tables).encode()


def test_api_tables_name_existing_queues_and_unique_ids() -> None:
    key = hashlib.sha256(b"k").hexdigest()
    tables = f"""
[api]
[[api.sites]]
id = "www"
key_sha256 = "{key}"
origins = ["https://www.example.com"]
queues = ["billing"]
[[api.sites]]
id = "www"
key_sha256 = "{key}"
origins = ["https://shop.example.com:8443"]
"""
    with pytest.raises(ConfigError) as raised:
        parse_config(_with_api(tables), "holdless.toml")
    text = str(raised.value)
    assert "api.sites[0].queues" in text and "no queue 'billing'" in text
    assert "api.sites[1].id" in text and "used twice" in text


def test_an_origin_is_scheme_and_host_only() -> None:
    key = hashlib.sha256(b"k").hexdigest()
    tables = f'[api]\n[[api.sites]]\nid = "www"\nkey_sha256 = "{key}"\norigins = ["https://a.example/page"]\n'
    with pytest.raises(ConfigError, match="without a path"):
        parse_config(_with_api(tables), "holdless.toml")


def test_a_raw_site_key_is_refused_in_the_config() -> None:
    tables = '[api]\n[[api.sites]]\nid = "www"\nkey_sha256 = "pk_live_123"\norigins = ["https://a.example"]\n'
    with pytest.raises(ConfigError, match="SHA-256"):
        parse_config(_with_api(tables), "holdless.toml")
