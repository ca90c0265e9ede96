"""Two instances on one database serve callers on hold: no caller is dequeued twice, no agent
gets two parties, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from callback.store.held_line import HeldState
from callback.store.tables import HELD_OFFER
from devtools.carrier import Agent, CallHandle
from settings import Settings
from telephony import TwilioTelephony
from tests.conftest import BACKENDS
from tests.e2e.conftest import PUBLIC, World
from tests.e2e.held_support import dequeued, state, to_hold
from webhooks.assembly import build_services
from webhooks.services import Services
from webhooks.twilio.notify import MemoryNotifier

pytestmark = pytest.mark.anyio

CALLERS = ("+442079460331", "+442079460332", "+442079460333")
AGENTS = {"alice": "client:alice", "boris": "sip:boris@pbx.example.com"}


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, config_file: Path) -> Settings:
    """The e2e instance on SQLite, then on PostgreSQL."""
    fixture = "pg_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return Settings(
        _env_file=None,
        database_url=url,
        config_file=config_file,
        public_base_url=PUBLIC,
        carrier="simulated",
    )


@pytest.fixture
def second(world: World, settings: Settings) -> Iterator[Services]:
    """Another instance: its own engine, stores and dispatcher, the same database."""
    phone = TwilioTelephony(world.carrier.twilio_client())
    svc = build_services(settings, world.carrier.clock.now, MemoryNotifier(), phone)
    yield svc
    svc.store.close()


def _dialled(call: CallHandle) -> bool:
    return bool(call.heard("Dial"))


def _open_offers_per_agent(world: World) -> Counter[str]:
    query = select(HELD_OFFER.c.agent_id).where(HELD_OFFER.c.ended_at.is_(None))
    with world.svc.store.engine.connect() as connection:
        return Counter(connection.execute(query).scalars())


async def test_two_instances_never_serve_one_caller_twice(world: World, second: Services) -> None:
    for endpoint in AGENTS.values():
        world.carrier.register(endpoint, Agent(talk_seconds=600))
    calls = [await to_hold(world.carrier, number) for number in CALLERS]
    world.on_duty(*AGENTS)

    for _ in range(3):  # both instances' passes at once, again and again
        now = world.now
        await asyncio.gather(
            asyncio.to_thread(world.svc.dispatcher.dispatch, now),
            asyncio.to_thread(second.dispatcher.dispatch, now),
        )
        await world.carrier.settle()
        assert max(_open_offers_per_agent(world).values()) == 1

    served = dequeued(world)
    assert sorted(served) == sorted(call.sid for call in calls[:2])  # in line order, once each
    assert state(world, calls[2]) is HeldState.HOLDING
    for call in calls[:2]:
        await call.until(partial(_dialled, call))
    rung = [h.text for call in calls for h in call.heard("Dial")]
    assert sorted(rung) == sorted(AGENTS.values())  # one party per agent, one agent per caller
    assert world.carrier.app_errors == []
