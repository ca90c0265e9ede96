"""The simulated carrier inside a running service: `make run` with no Twilio account.

The carrier talks to this very process over HTTP at the public base URL, exactly as Twilio
would: signed webhooks in, the real twilio REST client out. Agents in the roster answer
their endpoints; with a rate of simulated traffic, the demo day (devtools.carrier.day)
brings callers to every line and web visitors to the development site.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from twilio.rest import Client

from callback.config import SupervisorConfig
from devtools.carrier import (
    Account,
    AppUrls,
    Carrier,
    RealClock,
    VirtualClock,
)
from devtools.carrier.day import DemoDay, WebDesk, demo_agents, play_day
from devtools.carrier.leg import Leg
from settings import Settings
from telephony import TwilioTelephony
from webhooks.call_log import CallRecord, Step
from webhooks.devsite import DEV_SITE_KEY, dev_origins
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

    def calls(self) -> list[CallRecord]:
        """Every call the carrier played, newest first (a `CallLog`)."""
        return CarrierLog(self.carrier).calls()

    async def stop(self) -> None:
        """Cancel the carrier's loop and its calls, close the HTTP client."""
        self.task.cancel()
        with suppress(asyncio.CancelledError):
            await self.task
        await self.carrier.aclose()
        await self.http.aclose()


@dataclass(frozen=True, slots=True)
class CarrierLog:
    """The calls of a carrier as `CallRecord`s: the `CallLog` of `/dev/calls`."""

    carrier: Carrier

    def calls(self) -> list[CallRecord]:
        """Every leg with its transcript, newest first."""
        found = [_record(self.carrier, leg) for leg in list(self.carrier.sim.legs.values())]
        return sorted(found, key=lambda call: call.started, reverse=True)


def _record(carrier: Carrier, leg: Leg) -> CallRecord:
    resource = carrier.book.call(leg.sid)
    heard = list(leg.transcript)
    started = resource.created if resource is not None else heard[0].at
    steps = tuple(
        Step((h.at - started).total_seconds(), h.verb, h.text or _attrs(h.attrs)) for h in heard
    )
    return CallRecord(
        sid=leg.sid,
        direction=str(leg.direction),
        from_=leg.from_,
        to=leg.to,
        status=str(leg.status),
        started=started,
        answered_by=None if leg.answered_by is None else str(leg.answered_by),
        parent_sid=leg.parent_sid,
        steps=steps,
    )


def _attrs(attrs: Mapping[str, str]) -> str:
    return " ".join(f"{name}={value}" for name, value in sorted(attrs.items()))


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


def demo_day(settings: Settings, config: SupervisorConfig, rate: float, seed: int = 0) -> DemoDay:
    """`make run`'s day: `rate` callers a minute over the service lines, and a web visitor
    for every four of them booking through the development site."""
    web = WebDesk(
        base_url=str(settings.public_base_url).rstrip("/"),
        origin=dev_origins(settings)[0],
        site_key=DEV_SITE_KEY,
        queues=tuple((name, queue.region) for name, queue in config.queues.items()),
    )
    lines = tuple(config.service.numbers)
    return DemoDay(lines, rate, web=web, web_per_minute=rate / WEB_SHARE, seed=seed)


WEB_SHARE = 4
"""One web visitor for this many callers."""


def start_simulation(settings: Settings, config: SupervisorConfig) -> Simulation:
    """Start the carrier on the running loop; agents of the roster answer their endpoints,
    and with a rate of simulated traffic, the demo day's callers and web visitors come."""
    http = httpx.AsyncClient(timeout=15.0)
    carrier = Carrier(
        client=http,
        account=Account(SIMULATED_ACCOUNT_SID, SIMULATED_AUTH_TOKEN),
        urls=app_urls(settings),
        clock=RealClock(),
        strict=False,
    )
    demo_agents(carrier, [agent.endpoint for agent in config.agents])
    task = asyncio.create_task(carrier.serve(), name="simulated-carrier")
    rate = settings.simulated_traffic_per_minute
    if rate > 0 and config.service.numbers:
        play_day(carrier, demo_day(settings, config, rate), http)
        log.info("demo day: %.1f callers and %.2f web visitors a minute", rate, rate / WEB_SHARE)
    return Simulation(carrier=carrier, http=http, task=task)
