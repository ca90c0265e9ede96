"""Simulated traffic, and the reproducibility of a seeded run."""

from __future__ import annotations

import httpx
import phonenumbers
import pytest

from devtools.carrier import Carrier, Traffic, VirtualClock, trickle
from devtools.carrier.trickle import caller_number
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
    assert [p["From"] for p in voice] == [caller_number(SERVICE_NUMBER, i) for i in range(6)]
    assert all(t and t[0] == ("Say", "Press 1 or 2.") for t in transcripts)


async def test_the_same_seed_replays_the_same_run() -> None:
    first = await _run(seed=5, minutes=10)
    again = await _run(seed=5, minutes=10)
    other = await _run(seed=6, minutes=10)
    assert first[1] == again[1]
    assert [s.params for s in first[0].seen] == [s.params for s in again[0].seen]
    assert [s.params for s in first[0].seen] != [s.params for s in other[0].seen]


@pytest.mark.parametrize("line", [SERVICE_NUMBER, "+3544101234", "+35315550100"])
def test_callers_ring_from_valid_numbers_of_the_lines_country(line: str) -> None:
    region = phonenumbers.region_code_for_number(phonenumbers.parse(line))
    numbers = {caller_number(line, i) for i in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.region_code_for_number(parsed) == region


async def test_a_rate_must_be_positive() -> None:
    app = queue_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app.asgi()), base_url=BASE) as c:
        carrier = Carrier(client=c, account=ACCOUNT, urls=URLS, clock=VirtualClock(START))
        with pytest.raises(ValueError, match="positive"):
            trickle(carrier, Traffic(to=SERVICE_NUMBER, per_minute=0))
