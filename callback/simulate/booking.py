"""Scheduled callbacks in the simulation: the first slot with room, by the product's own rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from callback.config.model import SupervisorConfig
from callback.request import CallbackRequest, Slot
from callback.service.slots import free_slots
from callback.types import QueueName


@dataclass
class Ledger:
    """The unfinished callbacks booked per slot start (the store's count, in memory)."""

    counts: Counter[datetime] = field(default_factory=Counter)

    def booked(self, queue: QueueName, start: datetime) -> int:
        """Unfinished requests booked for the slot starting at `start` (one queue per run)."""
        return self.counts[start]

    def book(self, config: SupervisorConfig, queue: str, now: datetime) -> Slot | None:
        """The soonest slot with room after `now`, counted as booked; None when none has."""
        found = free_slots(config, self, QueueName(queue), now, limit=1)
        if not found:
            return None
        self.counts[found[0].start] += 1
        return found[0]

    def release(self, request: CallbackRequest) -> None:
        """The request is finished (reached, given up, expired): its slot has room again."""
        if request.slot is not None:
            self.counts[request.slot.start] -= 1
