"""`make run`'s service on a virtual clock: the demo config, the demo day, the ticker's jobs.

The app is built as `holdless serve` builds it in simulated mode (the demo config, the
development site and supervisor key), but on a virtual clock that the carrier moves, with
the dispatcher's passes and sweeps run as carrier tasks at the ticker's intervals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from callback.store.presence import AgentStatus
from callback.types import AgentId
from devtools.carrier import Account, Carrier, VirtualClock
from settings import Settings
from telephony import TwilioTelephony
from tests.e2e.conftest import EXAMPLE, PUBLIC, _Forward
from webhooks.app import create_app
from webhooks.demo_config import demo_config
from webhooks.jobs import DISPATCH_SECONDS, LEASE_SWEEP_SECONDS
from webhooks.services import Services
from webhooks.simulation import SIMULATED_ACCOUNT_SID, CarrierLog, app_urls
from webhooks.twilio.notify import MemoryNotifier
from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN


@dataclass
class DemoWorld:
    """The running demo: carrier, services, and an HTTP client reaching the app."""

    carrier: Carrier
    svc: Services
    http: httpx.AsyncClient
    settings: Settings


def demo_settings(tmp_path: Path, database_url: str) -> Settings:
    """Simulated carrier, the demo config written from the example, a test database."""
    config = tmp_path / "holdless.toml"
    config.write_text(demo_config(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    return Settings(
        _env_file=None,
        database_url=database_url,
        config_file=config,
        public_base_url=PUBLIC,
        carrier="simulated",
    )


def _all_on_duty(svc: Services, now: datetime) -> None:
    # As `holdless serve` does with the simulated carrier: every agent starts available.
    roster = [AgentId(agent.id) for agent in svc.config.current.agents]
    svc.presence.sync_roster(roster, now)
    for agent in roster:
        svc.presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, now, "demo")


async def _ticker(world: DemoWorld) -> None:
    """The dispatcher's jobs, at their intervals on the virtual clock."""
    clock, dispatcher = world.carrier.clock, world.svc.dispatcher
    passes_per_sweep = round(LEASE_SWEEP_SECONDS / DISPATCH_SECONDS)
    n = 0
    while True:
        await clock.sleep(DISPATCH_SECONDS)
        dispatcher.dispatch(clock.now())
        n += 1
        if n % passes_per_sweep == 0:
            dispatcher.sweep(clock.now())


@asynccontextmanager
async def demo_world(settings: Settings, start: datetime, seed: int) -> AsyncIterator[DemoWorld]:
    """The app and a carrier on a virtual clock starting at `start`, the ticker running."""
    forward = _Forward()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=forward), base_url=PUBLIC) as c:
        carrier = Carrier(
            client=c,
            account=Account(SIMULATED_ACCOUNT_SID, SIMULATED_AUTH_TOKEN),
            urls=app_urls(settings),
            clock=VirtualClock(start),
            seed=seed,
        )
        app = create_app(
            settings,
            clock=carrier.clock.now,
            ticker=False,
            notifier=MemoryNotifier(),
            telephony=TwilioTelephony(carrier.twilio_client()),
            simulate=False,
            call_log=CarrierLog(carrier),
        )
        try:
            async with LifespanManager(app) as manager:
                forward.target = manager.app
                svc: Services = manager._state["services"]
                _all_on_duty(svc, carrier.clock.now())
                world = DemoWorld(carrier, svc, c, settings)
                carrier.clock.spawn(_ticker(world), "ticker")
                yield world
        finally:
            await carrier.aclose()
