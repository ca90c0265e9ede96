"""The simulated carrier inside a running service: `make run` with no Twilio account.

The carrier talks to this very process over HTTP at the public base URL, exactly as Twilio
would: signed webhooks in, the real twilio REST client out. Agents in the roster answer
their endpoints; an optional trickle of callers makes the queue move.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from twilio.rest import Client

from callback.config import SupervisorConfig
from devtools.carrier import (
    Account,
    Agent,
    AppUrls,
    Carrier,
    RealClock,
    Traffic,
    VirtualClock,
    trickle,
)
from settings import Settings
from telephony import TwilioTelephony
from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN

SIMULATED_ACCOUNT_SID = "AC5eed0f5eed0f5eed0f5eed0f5eed0f5e"
"""The account the simulated carrier plays; like its token, public on purpose."""

log = logging.getLogger("holdless.simulation")


@dataclass
class Simulation:
    """A carrier serving REST requests and placing simulated calls until stopped."""

    carrier: Carrier
    http: httpx.AsyncClient
    task: asyncio.Task[None]

    def twilio_client(self) -> Client:
        """The real twilio client, answered by the simulated carrier."""
        return self.carrier.twilio_client()

    async def stop(self) -> None:
        """Cancel the carrier's loop and its calls, close the HTTP client."""
        self.task.cancel()
        with suppress(asyncio.CancelledError):
            await self.task
        await self.carrier.aclose()
        await self.http.aclose()


def app_urls(settings: Settings) -> AppUrls:
    """The webhook URLs a Twilio number would be configured with."""
    base = str(settings.public_base_url).rstrip("/")
    return AppUrls(
        voice=f"{base}/twilio/voice",
        status=f"{base}/twilio/status",
        fallback=f"{base}/twilio/fallback",
        sms=f"{base}/twilio/sms",
    )


def offline_telephony(settings: Settings) -> TwilioTelephony:
    """REST answered and recorded by a carrier that never places a call (tests, tools)."""
    carrier = Carrier(
        client=httpx.AsyncClient(),
        account=Account(SIMULATED_ACCOUNT_SID, SIMULATED_AUTH_TOKEN),
        urls=app_urls(settings),
        clock=VirtualClock(datetime.now(UTC)),
    )
    return TwilioTelephony(carrier.twilio_client())


def start_simulation(settings: Settings, config: SupervisorConfig) -> Simulation:
    """Start the carrier on the running loop; agents of the roster answer their endpoints."""
    http = httpx.AsyncClient(timeout=15.0)
    carrier = Carrier(
        client=http,
        account=Account(SIMULATED_ACCOUNT_SID, SIMULATED_AUTH_TOKEN),
        urls=app_urls(settings),
        clock=RealClock(),
        strict=False,
    )
    for agent in config.agents:
        carrier.register(agent.endpoint, Agent())
    task = asyncio.create_task(carrier.serve(), name="simulated-carrier")
    rate = settings.simulated_traffic_per_minute
    if rate > 0 and config.service.numbers:
        trickle(carrier, Traffic(to=config.service.numbers[0], per_minute=rate))
        log.info("simulated callers arrive at %.1f a minute", rate)
    return Simulation(carrier=carrier, http=http, task=task)
