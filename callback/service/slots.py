"""Scheduled callbacks: how many a slot can take, and the slots that still have room."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from callback.config import SupervisorConfig
from callback.request import Slot
from callback.types import QueueName

SLOT_HORIZON = timedelta(days=7)
MAX_SLOTS_SCANNED = 64
"""Slots looked at for free capacity before giving up on offering any."""


class SlotCounts(Protocol):
    """Where the callbacks booked for a slot are counted: the store, or a booking's ledger."""

    def booked(self, queue: QueueName, start: datetime) -> int:
        """Unfinished requests of `queue` booked for the slot that starts at `start`."""
        ...


def slot_capacity(config: SupervisorConfig, queue: QueueName, start: datetime) -> int:
    """Callbacks the slot starting at `start` can take: configured, or from the staffing plan."""
    policy = config.callback_policy(queue)
    if policy.slot_capacity != "auto":
        return policy.slot_capacity
    agents = config.queues[queue].staffing_plan().agents_at(start)
    return int(agents * policy.slot_length / policy.handle_time_prior)


def room(config: SupervisorConfig, counts: SlotCounts, queue: QueueName, start: datetime) -> int:
    """Callbacks the slot starting at `start` can still take."""
    return max(0, slot_capacity(config, queue, start) - counts.booked(queue, start))


def free_slots(
    config: SupervisorConfig,
    counts: SlotCounts,
    queue: QueueName,
    now: datetime,
    *,
    limit: int,
) -> list[Slot]:
    """The next `limit` slots that still have room, soonest first."""
    length = config.callback_policy(queue).slot_length
    periods = config.queues[queue].schedule().slots(now, now + SLOT_HORIZON, length)
    found: list[Slot] = []
    for start, end in periods[:MAX_SLOTS_SCANNED]:
        if start <= now:
            continue
        if room(config, counts, queue, start) > 0:
            found.append(Slot(start, end))
        if len(found) >= limit:
            break
    return found


def slots_on(
    config: SupervisorConfig, counts: SlotCounts, queue: QueueName, day: date, now: datetime
) -> list[tuple[Slot, int]]:
    """The slots of `day` (the queue's local date) that still have room, with that room."""
    settings = config.queues[queue]
    zone = ZoneInfo(settings.time_zone)
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    start, end = max(start, now), min(end, now + SLOT_HORIZON)
    if start >= end:
        return []
    length = config.callback_policy(queue).slot_length
    found: list[tuple[Slot, int]] = []
    for begin, finish in settings.schedule().slots(start, end, length):
        left = room(config, counts, queue, begin)
        if begin > now and left:
            found.append((Slot(begin, finish), left))
    return found
