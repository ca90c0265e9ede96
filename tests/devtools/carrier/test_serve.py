"""The carrier on a real (sped-up) clock, as `make run` uses it."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import httpx
import pytest

from callback.types import E164
from devtools.carrier import Carrier, Person, RealClock
from telephony import TwilioTelephony
from tests.carrier_support import ACCOUNT, BASE, SERVICE_NUMBER, URLS
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio


async def test_serve_plays_calls_the_app_places(app: FakeApp) -> None:
    app.routes["/answer"] = twiml('<Say>Hello.</Say><Pause length="30"/>')
    transport = httpx.ASGITransport(app=app.asgi())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        carrier = Carrier(
            client=client, account=ACCOUNT, urls=URLS, clock=RealClock(speed=2000.0), strict=False
        )
        carrier.register("+442079460321", Person(ring_seconds=4))
        serving = asyncio.create_task(carrier.serve(poll_s=0.01))
        telephony = TwilioTelephony(carrier.twilio_client())
        sid = await asyncio.to_thread(
            telephony.place_call,
            to=E164("+442079460321"),
            from_=SERVICE_NUMBER,
            url=f"{BASE}/answer",
            status_callback=f"{BASE}/status",
            amd_callback=f"{BASE}/amd",
            timeout_s=20,
        )
        # Only serve() starts the call here: wait on the clock alone, without draining.
        deadline = carrier.clock.now() + timedelta(seconds=600)
        while not (done := len(carrier.records.statuses("/status", sid)) == 4):
            if not await carrier.clock.step(deadline):
                break
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await carrier.aclose()
    assert done
    assert carrier.records.statuses("/status", sid)[-1] == "completed"
    assert carrier.app_errors == []
