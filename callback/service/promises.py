"""Recover broken promises: requests not dialled by the time they were promised.

Each broken promise is marked once in the store before anything is sent, so a crash
between the two loses an apology rather than sending it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from callback.config.model import SupervisorConfig
from callback.privacy import mask_number
from callback.service.ports import Notifier
from callback.store.calls import CallStore
from callback.store.events import EventStore, Overdue

log = logging.getLogger("holdless.promises")


def apology(config: SupervisorConfig, language: str, *, tried: bool) -> str:
    """The apology SMS in `language`, naming the company and its first service number.

    It says what really happened: a customer never dialled is not told that we tried.
    """
    key = "sms_apology" if tried else "sms_apology_not_called"
    service = config.service
    return config.catalogue.render(
        language, key, company=service.company, number=service.numbers[0]
    )


def recover_broken(
    config: SupervisorConfig,
    events: EventStore,
    calls: CallStore,
    notifier: Notifier,
    now: datetime,
) -> int:
    """Mark, count and apologise for every promise broken by `now`; how many were new."""
    broken = 0
    for overdue in events.overdue_promises(now):
        if events.mark_broken(overdue, now, emit=config.events.enabled):
            broken += 1
            _apologise(config, calls, notifier, overdue)
    if broken:
        log.warning("promises: %d callbacks not dialled by their promised time", broken)
    return broken


def _apologise(
    config: SupervisorConfig, calls: CallStore, notifier: Notifier, overdue: Overdue
) -> None:
    if not config.promises.apology_sms:
        return
    if calls.is_suppressed(overdue.number):
        log.info("promises: no apology to %s (opted out)", mask_number(overdue.number))
        return
    body = apology(config, overdue.language, tried=overdue.attempts > 0)
    notifier.send(overdue.number, body)
