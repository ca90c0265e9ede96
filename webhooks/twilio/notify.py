"""Notifiers that send nothing: the default without an SMS adapter, and `MemoryNotifier` for
tests and the simulated carrier (the port is `callback.service.ports.Notifier`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from callback.privacy import mask_number
from callback.types import E164

log = logging.getLogger("holdless.sms")


class LogNotifier:
    """Sends nothing and says so: the default until the Twilio SMS adapter is wired in."""

    def send(self, to: E164, body: str) -> None:
        """Log that a message would have been sent (masked number, no body)."""
        log.info("SMS to %s not sent: no SMS adapter configured", mask_number(to))


@dataclass
class MemoryNotifier:
    """Keeps the messages it is asked to send, for tests and the simulated carrier."""

    sent: list[tuple[E164, str]] = field(default_factory=list)

    def send(self, to: E164, body: str) -> None:
        """Remember the message."""
        self.sent.append((to, body))
