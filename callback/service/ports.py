"""What the use cases need from outside the core: a way to text, measured figures.

The `Telephony` port for calls is `callback.carrier.Telephony`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from callback.forecast import Measured
from callback.types import E164, QueueName


class Notifier(Protocol):
    """Sends one text message; must not block for long (it runs in a worker thread)."""

    def send(self, to: E164, body: str) -> None:
        """Send `body` to `to`."""


class Measurements(Protocol):
    """Measured handle time and patience of a queue, as of about `now`."""

    def get(self, queue: QueueName, now: datetime) -> Measured:
        """The queue's measured figures."""
        ...
