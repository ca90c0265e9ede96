"""The shared objects built once by the lifespan and reached from each request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from starlette.requests import Request

from callback.carrier import Telephony
from callback.config.reload import ConfigHolder
from callback.inputs import Staffed
from callback.service.settle import Settler
from callback.store.calls import CallStore
from callback.store.presence import PresenceStore
from callback.store.queue import QueueStore
from callback.store.voicemails import VoicemailStore
from callback.types import QueueName
from scheduler.dispatcher import Dispatcher
from settings import Settings
from webhooks.measured import PRESENCE_TTL, MeasuredCache
from webhooks.recent import Recent
from webhooks.twilio.arrivals import Arrivals
from webhooks.twilio.greetings import Greetings
from webhooks.twilio.notify import Notifier
from webhooks.twilio.signature import SignatureChecker

Clock = Callable[[], datetime]

BOOKABLE_TTL = timedelta(seconds=5)
"""How long "this queue has a callback time free" is reused for the menus that offer one;
the step that lists the times looks again, so a slot filled meanwhile is never offered."""


def _staffed() -> Recent[QueueName, Staffed | None]:
    return Recent(PRESENCE_TTL)


def _returning() -> Recent[QueueName, tuple[datetime, ...]]:
    return Recent(PRESENCE_TTL)


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
    bookable: Recent[QueueName, bool] = field(default_factory=_bookable)
    staffed: Recent[QueueName, Staffed | None] = field(default_factory=_staffed)
    returning: Recent[QueueName, tuple[datetime, ...]] = field(default_factory=_returning)
    greetings: Greetings = field(default_factory=Greetings)


def services(request: Request) -> Services:
    """The services of the running app, as put in the lifespan state."""
    # The scope's own copy of that state: `request.state` would wrap it in a new object on
    # every request.
    found: Services = request.scope["state"]["services"]
    return found
