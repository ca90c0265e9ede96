"""The promise check: requests not dialled by their promised time, and their recovery.

Each broken promise is marked once in the store before anything is sent, so a crash
between the two loses an apology rather than sending it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from callback.config.model import SupervisorConfig
from callback.config.reload import ConfigHolder
from callback.privacy import mask_number
from callback.store.calls import CallStore
from callback.store.events import EventStore, Overdue
from callback.types import E164

log = logging.getLogger("holdless.promises")

CHECK_SECONDS = 30.0


def apology(config: SupervisorConfig, language: str, *, tried: bool) -> str:
    """The apology SMS in `language`, naming the company and its first service number.

    It says what really happened: a customer never dialled is not told that we tried.
    """
    key = "sms_apology" if tried else "sms_apology_not_called"
    service = config.service
    return config.catalogue.render(
        language, key, company=service.company, number=service.numbers[0]
    )


class TextSender(Protocol):
    """Sends one SMS (the webhooks' `Notifier` fits; the scheduler cannot import it)."""

    def send(self, to: E164, body: str) -> None:
        """Send `body` to `to`."""


@dataclass(frozen=True, slots=True)
class PromiseCheck:
    """The promise check job: mark, count and recover every newly broken promise."""

    holder: ConfigHolder
    events: EventStore
    calls: CallStore
    sms: TextSender
    clock: Callable[[], datetime]

    def run(self) -> int:
        """Handle the promises broken by now; how many were newly found."""
        now, config = self.clock(), self.holder.current
        broken = 0
        for overdue in self.events.overdue_promises(now):
            if self.events.mark_broken(overdue, now, emit=config.events.enabled):
                broken += 1
                self._apologise(config, overdue)
        if broken:
            log.warning("promises: %d callbacks not dialled by their promised time", broken)
        return broken

    def _apologise(self, config: SupervisorConfig, overdue: Overdue) -> None:
        if not config.promises.apology_sms:
            return
        if self.calls.is_suppressed(overdue.number):
            log.info("promises: no apology to %s (opted out)", mask_number(overdue.number))
            return
        body = apology(config, overdue.language, tried=overdue.attempts > 0)
        self.sms.send(overdue.number, body)
