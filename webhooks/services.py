"""The shared objects built once by the lifespan and reached from each request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from starlette.requests import Request

from callback.carrier import Telephony
from callback.config.reload import ConfigHolder
from callback.service.booking import Bookings
from callback.service.held import HeldService
from callback.service.hold_round import HoldRounds
from callback.service.line import Line
from callback.service.ports import Notifier
from callback.service.settle import Settler
from callback.store.abuse import AbuseStore
from callback.store.announcements import AccuracyStore
from callback.store.calls import CallStore
from callback.store.presence import PresenceStore
from callback.store.queue import QueueStore
from callback.store.voicemails import VoicemailStore
from callback.types import QueueName
from scheduler.dispatcher import Dispatcher
from settings import Settings
from webhooks.measured import MeasuredCache
from webhooks.metrics.series import Metrics
from webhooks.recent import Recent
from webhooks.twilio.arrivals import Arrivals
from webhooks.twilio.greetings import Greetings
from webhooks.twilio.signature import SignatureChecker

Clock = Callable[[], datetime]

BOOKABLE_TTL = timedelta(seconds=5)
"""How long "this queue has a callback time free" is reused for the menus that offer one;
the step that lists the times looks again, so a slot filled meanwhile is never offered."""


def _bookable() -> Recent[QueueName, bool]:
    return Recent(BOOKABLE_TTL)


def system_clock() -> datetime:
    """The wall clock in UTC: read once per request or tick, at the edge."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers need; tests build their own with a fixed clock and a fresh database."""

    settings: Settings
    store: QueueStore
    config: ConfigHolder
    clock: Clock
    calls: CallStore
    signatures: SignatureChecker
    notifier: Notifier
    telephony: Telephony
    measured: MeasuredCache
    presence: PresenceStore
    dispatcher: Dispatcher
    voicemails: VoicemailStore
    arrivals: Arrivals
    settler: Settler
    held: HeldService
    """Callers on hold: their place in the line, the connect step's checks, their endings."""
    abuse: AbuseStore
    line: Line
    holds: HoldRounds
    """The hold rounds (waitUrl): place, position, announcement, in one transaction."""
    bookings: Bookings
    accuracy: AccuracyStore
    """What people were told beside what happened: the daily accuracy figures."""
    bookable: Recent[QueueName, bool] = field(default_factory=_bookable)
    greetings: Greetings = field(default_factory=Greetings)
    metrics: Metrics = field(default_factory=Metrics)


def services(request: Request) -> Services:
    """The services of the running app, as put in the lifespan state."""
    # The scope's own copy of that state: `request.state` would wrap it in a new object on
    # every request.
    found: Services = request.scope["state"]["services"]
    return found
