"""What the use cases need from outside the core: a way to text, measured figures, presence.

The `Telephony` port for calls is `callback.carrier.Telephony`.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from callback.config import SupervisorConfig
from callback.forecast import Measured
from callback.inputs import Staffed
from callback.store.request_sms import SmsKind
from callback.types import E164, QueueName, RequestId


class SmsAbout(NamedTuple):
    """Which request a text is about and why it is sent (recorded for its timeline)."""

    request_id: RequestId
    kind: SmsKind


class Notifier(Protocol):
    """Sends one text message; must not block for long (it runs in a worker thread)."""

    def send(self, to: E164, body: str, about: SmsAbout | None = None) -> None:
        """Send `body` to `to`; a text `about` a request is recorded once the carrier takes it."""


class Measurements(Protocol):
    """Measured handle time and patience of a queue, as of about `now`."""

    def get(self, queue: QueueName, now: datetime) -> Measured:
        """The queue's measured figures."""
        ...


class Presence(Protocol):
    """The agents of a queue logged in now, as of a couple of seconds ago at most."""

    def get(self, config: SupervisorConfig, queue: QueueName, now: datetime) -> Staffed | None:
        """None: nobody of the queue reports presence (the staffing plan decides)."""
        ...


class Returns(Protocol):
    """When the callbacks of a queue waiting out a backoff are due back (all of them)."""

    def get(self, queue: QueueName, now: datetime) -> tuple[datetime, ...]:
        """Soonest first."""
        ...
