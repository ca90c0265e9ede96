"""The promise check job: the broken-promise recovery (`callback.service.promises`) on a tick."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from callback.config.reload import ConfigHolder
from callback.service.ports import Notifier
from callback.service.promises import recover_broken
from callback.store.calls import CallStore
from callback.store.events import EventStore

CHECK_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class PromiseCheck:
    """The promise check job: mark, count and recover every newly broken promise."""

    holder: ConfigHolder
    events: EventStore
    calls: CallStore
    sms: Notifier
    clock: Callable[[], datetime]

    def run(self) -> int:
        """Handle the promises broken by now; how many were newly found."""
        return recover_broken(self.holder.current, self.events, self.calls, self.sms, self.clock())
