"""What a caller can be told now, read for this webhook from the use cases of the line
(`callback.service.line`) and of the slots (`callback.service.slots`)."""

from __future__ import annotations

from datetime import datetime

from callback.forecast import Forecast
from callback.request import Slot
from callback.service import slots
from callback.types import QueueName
from ivr.inbound import Standing
from ivr.schedule import MAX_SLOTS
from webhooks.twilio.turn import Turn


def live_forecast(turn: Turn, queue: QueueName) -> Forecast:
    """The forecast for a newcomer to `queue`."""
    return turn.svc.line.forecast(turn.config, queue, turn.now)


def arrived_at(turn: Turn) -> datetime:
    """When the call first arrived: the virtual start it keeps whether it holds or books."""
    record = turn.svc.calls.get(turn.call_sid) if turn.call_sid else None
    return record.arrived_at if record is not None else turn.now


def standing(turn: Turn, queue: QueueName) -> Standing | None:
    """Where the caller stands: the place and the callback figure the booking would promise
    now (see `callback.service.line`); None when no wait can be estimated."""
    line, priority = turn.svc.line, turn.config.queues[queue].priority
    position = line.newcomer(queue, turn.now, priority=priority, virtual_start=arrived_at(turn))
    estimate = line.outlook(turn.config, queue, position, turn.now).estimate
    return None if estimate is None else Standing(position, estimate)


def has_room(turn: Turn, queue: QueueName, start: datetime) -> bool:
    """Whether the slot starting at `start` can take another callback."""
    return slots.room(turn.config, turn.svc.store, queue, start) > 0


def free_slots(turn: Turn, queue: QueueName, limit: int = MAX_SLOTS) -> list[Slot]:
    """The next slots that still have room, soonest first."""
    return slots.free_slots(turn.config, turn.svc.store, queue, turn.now, limit=limit)


def bookable(turn: Turn, queue: QueueName) -> bool:
    """Whether any callback time is free in `queue`, as of a few seconds ago at most."""
    return turn.svc.bookable.get(queue, turn.now, lambda: bool(free_slots(turn, queue, limit=1)))
