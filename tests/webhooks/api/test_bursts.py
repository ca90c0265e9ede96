"""Bursts fired at real servers, as an attacker would: of any burst, exactly the limit gets in.

Each app is served by uvicorn on 127.0.0.1 with a clock that moves (each request reads its own
time as it arrives) over SQLite and PostgreSQL; "two instances" are two apps on one database.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from settings import Settings
from tests.browser.servers import Served, bound_socket
from tests.webhooks.api.conftest import API_TABLES, APP_ID, APP_SECRET, ORIGIN, SITE_KEY_VALUE
from tests.webhooks.conftest import MONDAY_10
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP, Signed, signature
from webhooks.app import create_app

PATH = "/api/v1/callbacks"
PARTNER = "partner"  # a server-to-server key: no per-IP window, so the prefix's can fill
PARTNER_KEY = f"""
[[api.keys]]
id = "{PARTNER}"
secret_env = "HOLDLESS_TEST_APP_SECRET"
channel = "api"
"""
STAMP = str(int(MONDAY_10.timestamp()))


def _moving_clock() -> Callable[[], datetime]:
    """MONDAY_10 (the queue is open), then moving on in real time like any clock."""
    started = time.monotonic()
    return lambda: MONDAY_10 + timedelta(seconds=time.monotonic() - started)


@dataclass(frozen=True)
class Sent:
    """One request as a client sends it."""

    body: bytes
    headers: dict[str, str]


def widget(phone: str) -> Sent:
    """The widget's form from the site's own page."""
    body = json.dumps({"queue": "support", "phone": phone, "fill_ms": 8000}).encode()
    headers = {SITE_KEY: SITE_KEY_VALUE, "Origin": ORIGIN, "Content-Type": "application/json"}
    return Sent(body, headers)


def signed(phone: str, name: str, key: str = APP_ID) -> Sent:
    """A request signed with the key's secret; `name` makes each body (and signature) new."""
    body = json.dumps({"queue": "support", "phone": phone, "name": name}).encode()
    digest = signature(APP_SECRET, STAMP, Signed("POST", PATH, "", body))
    headers = {KEY_ID: key, TIMESTAMP: STAMP, SIGNATURE: digest}
    return Sent(body, headers | {"Content-Type": "application/json"})


@pytest.fixture
def servers(db_url: str, config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Two started instances of the app on one database, by their base URLs."""
    marker = "# How long personal data"
    tables = API_TABLES + PARTNER_KEY + "\n" + marker
    text = config_file.read_text().replace(marker, tables)
    # The surge breaker counts every channel from 20 on: these bursts test the windows.
    raised = text.replace("min_requests = 20 ", "min_requests = 1000 ", 1)
    assert raised != text, "the example changed"
    config_file.write_text(raised)
    monkeypatch.setenv("HOLDLESS_TEST_APP_SECRET", APP_SECRET)
    settings = Settings(
        _env_file=None, database_url=db_url, config_file=config_file, carrier="simulated"
    )
    served = [
        Served(create_app(settings, clock=_moving_clock(), ticker=False), bound_socket()).start()
        for _ in range(2)
    ]
    yield [server.origin for server in served]
    for server in served:
        server.stop()


def burst(origins: list[str], requests: list[Sent]) -> list[httpx.Response]:
    """Send every request at once, spread over the instances, each on its own connection."""

    async def fire() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests))
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            sends = [
                client.post(origins[n % len(origins)] + PATH, content=r.body, headers=r.headers)
                for n, r in enumerate(requests)
            ]
            return list(await asyncio.gather(*sends))

    return asyncio.run(fire())


def _outcomes(answers: list[httpx.Response]) -> Counter[tuple[int, str]]:
    """How many got each (status, refusal reason or error code)."""
    return Counter((a.status_code, _why(a)) for a in answers)


def _why(answer: httpx.Response) -> str:
    if answer.status_code < 400:
        return ""
    error = answer.json()["error"]
    return str(error.get("reason") or error["code"])


def _admitted(answers: list[httpx.Response]) -> int:
    """Booked (201) or merged into the number's pending request (200)."""
    return sum(a.status_code in (200, 201) for a in answers)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("instances", [1, 2])
def test_twenty_widget_posts_from_one_ip_admit_five(servers: list[str], instances: int) -> None:
    answers = burst(servers[:instances], [widget(f"+44 20 7946 04{n:02d}") for n in range(20)])
    assert _outcomes(answers) == {(201, ""): 5, (429, "ip"): 15}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("instances", [1, 2])
def test_thirty_posts_for_one_number_admit_three(servers: list[str], instances: int) -> None:
    requests = [signed("+44 20 7946 0456", f"caller {n}") for n in range(30)]
    answers = burst(servers[:instances], requests)
    assert _admitted(answers) == 3
    assert _outcomes(answers)[(429, "number")] == 27


@pytest.mark.timeout(120)
@pytest.mark.parametrize("instances", [1, 2])
def test_thirty_posts_under_one_prefix_admit_twenty(servers: list[str], instances: int) -> None:
    # Thirty numbers with the same first seven digits (4420794), from a key with no IP window.
    requests = [signed(f"+44 20 7946 04{n:02d}", "x", PARTNER) for n in range(30)]
    answers = burst(servers[:instances], requests)
    assert _outcomes(answers) == {(201, ""): 20, (429, "prefix"): 10}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("instances", [1, 2])
def test_one_signed_request_sent_24_times_at_once_is_accepted_once(
    servers: list[str], instances: int
) -> None:
    answers = burst(servers[:instances], [signed("+44 20 7946 0456", "once")] * 24)
    assert _outcomes(answers) == {(201, ""): 1, (401, "unauthorized"): 23}
    refused = {a.json()["error"]["message"] for a in answers if a.status_code == 401}
    assert refused == {"this request was already sent"}
