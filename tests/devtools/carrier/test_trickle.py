"""Simulated traffic, and the reproducibility of a seeded run."""

from __future__ import annotations

import httpx
import pytest

from devtools.carrier import Carrier, Traffic, VirtualClock, trickle
from devtools.carrier.trickle import drama_number
from tests.carrier_support import ACCOUNT, BASE, SERVICE_NUMBER, START, URLS
from tests.scheduler.fakeapp import FakeApp, twiml

pytestmark = pytest.mark.anyio


def queue_app() -> FakeApp:
    app = FakeApp(auth_token=ACCOUNT.auth_token)
    app.routes["/voice"] = twiml(
        '<Gather action="/menu" numDigits="1" timeout="3"><Say>Press 1 or 2.</Say></Gather>',
        '<Enqueue waitUrl="/wait">support</Enqueue>',
    )
    app.routes["/menu"] = twiml('<Enqueue waitUrl="/wait">support</Enqueue>')
    app.routes["/wait"] = twiml('<Say>Please hold.</Say><Pause length="20"/>')
    return app


async def _run(seed: int, minutes: float) -> tuple[FakeApp, list[list[tuple[str, str]]]]:
    app = queue_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app.asgi()), base_url=BASE) as c:
        carrier = Carrier(client=c, account=ACCOUNT, urls=URLS, clock=VirtualClock(START), seed=1)
        trickle(carrier, Traffic(to=SERVICE_NUMBER, per_minute=2.0, callers=6), seed=seed)
        await carrier.run_for(minutes * 60)
        legs = list(carrier.sim.legs.values())
        await carrier.aclose()
    return app, [[(h.verb, h.text) for h in leg.transcript] for leg in legs]


async def test_trickle_dials_in_callers_at_the_given_rate() -> None:
    app, transcripts = await _run(seed=11, minutes=30)
    voice = app.params("/voice")
    assert len(voice) == 6
    assert [p["From"] for p in voice] == [drama_number(i) for i in range(6)]
    assert all(t and t[0] == ("Say", "Press 1 or 2.") for t in transcripts)


async def test_the_same_seed_replays_the_same_run() -> None:
    first = await _run(seed=5, minutes=10)
    again = await _run(seed=5, minutes=10)
    other = await _run(seed=6, minutes=10)
    assert first[1] == again[1]
    assert [s.params for s in first[0].seen] == [s.params for s in again[0].seen]
    assert [s.params for s in first[0].seen] != [s.params for s in other[0].seen]


def test_drama_numbers_stay_in_ofcoms_range() -> None:
    assert drama_number(0) == "+447700900000"
    assert drama_number(1999) == "+447700900999"


async def test_a_rate_must_be_positive() -> None:
    app = queue_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app.asgi()), base_url=BASE) as c:
        carrier = Carrier(client=c, account=ACCOUNT, urls=URLS, clock=VirtualClock(START))
        with pytest.raises(ValueError, match="positive"):
            trickle(carrier, Traffic(to=SERVICE_NUMBER, per_minute=0))
