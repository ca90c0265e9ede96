"""Fixtures for the Twilio adapter, simulated carrier and dispatcher tests.

A fake app, a carrier on a virtual clock, and the real twilio client wired to the carrier's
REST side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from devtools.carrier import Account, AppUrls, Carrier, VirtualClock
from tests.scheduler.fakeapp import FakeApp

ACCOUNT = Account(sid="AC" + "5a1f" * 8, auth_token="9c2e" * 8)
BASE = "http://testserver"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SERVICE_NUMBER = "+442079460001"
CALLER = "+442079460000"
URLS = AppUrls(
    voice=f"{BASE}/voice",
    status=f"{BASE}/status",
    fallback=f"{BASE}/fallback",
    sms=f"{BASE}/sms",
)


@pytest.fixture
def anyio_backend() -> str:
    """The simulated carrier runs on asyncio."""
    return "asyncio"


@pytest.fixture
def app() -> FakeApp:
    """A fresh fake app; tests fill in its routes."""
    return FakeApp(auth_token=ACCOUNT.auth_token)


@pytest.fixture
async def carrier(app: FakeApp) -> AsyncIterator[Carrier]:
    """A strict carrier on a virtual clock, talking to `app` in-process."""
    transport = httpx.ASGITransport(app=app.asgi())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        carrier = Carrier(
            client=client, account=ACCOUNT, urls=URLS, clock=VirtualClock(START), seed=7
        )
        try:
            yield carrier
        finally:
            await carrier.aclose()
