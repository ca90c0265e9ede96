"""The status link says what happened to a request, not a stale wait: its place while it
waits, being called now, missed with the time of the next try, back in line, connected,
done; cancelled; expired. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from callback.carrier import CallStatus
from callback.types import RequestId
from devtools.carrier import Agent, Person
from settings import Settings
from tests.conftest import BACKENDS
from tests.e2e.conftest import World
from tests.e2e.one_line_support import SHOP, WIDGET_KEY, ask_web, on_backend, with_api
from tests.e2e.steps import CALLBACK, press_at_gather

pytestmark = pytest.mark.anyio

CUSTOMER = "+442079460371"
ALICE = "client:alice"
BACKOFF = timedelta(minutes=5)
"""The example's first backoff."""
EXPIRY = timedelta(hours=24)


@pytest.fixture
def config_file(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The e2e config with a widget site."""
    return with_api(config_file, monkeypatch)


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, config_file: Path) -> Settings:
    """The e2e instance on SQLite, then on PostgreSQL."""
    return on_backend(request, config_file)


async def _booked(world: World) -> str:
    done = await ask_web(world, SHOP, WIDGET_KEY, CUSTOMER)
    assert done.status_code == 201, done.text
    url: str = done.json()["status_url"]
    return url


async def _status(world: World, url: str) -> dict[str, Any]:
    answer = await world.client.get(url)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


async def test_missed_then_called_again_connected_and_done(world: World) -> None:
    world.carrier.register(ALICE, Agent(talk_seconds=60))
    world.carrier.register(CUSTOMER, Person(answer_probability=0.0))
    url = await _booked(world)
    waiting = await _status(world, url)
    assert (waiting["state"], waiting["position"], waiting["attempts"]) == ("waiting", 1, 0)
    assert waiting["estimate"] is not None and waiting["next_try"] is None

    world.on_duty("alice")
    [_, support] = await world.dispatch()
    [sid] = support.placed
    calling = await _status(world, url)
    assert (calling["state"], calling["position"], calling["estimate"]) == ("dialing", None, None)
    assert await (await world.carrier.outbound_call(sid)).until_end() is CallStatus.NO_ANSWER

    missed = await _status(world, url)
    due = world.due_at(RequestId(missed["id"]))
    assert (missed["state"], missed["attempts"], missed["position"]) == ("waiting", 1, None)
    assert missed["estimate"] is None  # not "about 3 min": the next try's time instead
    assert datetime.fromisoformat(missed["next_try"]) == due == world.now + BACKOFF

    world.carrier.register(CUSTOMER, Person())
    await world.carrier.run_for(BACKOFF.total_seconds())
    back = await _status(world, url)
    assert (back["state"], back["position"], back["next_try"]) == ("waiting", 1, None)
    assert back["estimate"] is not None

    await world.dispatch()
    customer = await world.carrier.outbound_call()
    await press_at_gather(customer, CALLBACK)
    await customer.until_gather()  # the survey, once the agent has hung up
    assert (await _status(world, url))["state"] == "connected"
    await customer.press("5")
    assert await customer.until_end() is CallStatus.COMPLETED
    done = await _status(world, url)
    assert (done["state"], done["attempts"], done["next_try"]) == ("completed", 2, None)


async def test_a_cancelled_request_says_so(world: World) -> None:
    url = await _booked(world)
    assert (await world.client.delete(url)).status_code == 200
    cancelled = await _status(world, url)
    assert (cancelled["state"], cancelled["position"], cancelled["estimate"]) == (
        "cancelled",
        None,
        None,
    )


async def test_a_request_nobody_reached_in_time_has_expired(world: World) -> None:
    url = await _booked(world)
    await world.carrier.run_for((EXPIRY + timedelta(minutes=1)).total_seconds())
    world.on_duty("alice")
    await world.dispatch()  # the dispatcher passes over what has expired
    expired = await _status(world, url)
    assert (expired["state"], expired["position"], expired["next_try"]) == ("expired", None, None)
