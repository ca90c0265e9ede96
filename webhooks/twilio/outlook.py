"""What a caller can be told now, read for this webhook from the use cases of the line
(`callback.service.line`) and of the slots (`callback.service.slots`)."""

from __future__ import annotations

from datetime import datetime

from callback.forecast import Forecast
from callback.ordering import Position
from callback.request import Slot
from callback.service import slots
from callback.types import QueueName
from ivr.inbound import Standing
from ivr.schedule import MAX_SLOTS
from webhooks.twilio.turn import Turn


def live_forecast(
    turn: Turn, queue: QueueName, ahead: int | None = None, *, on_hold: int | None = None
) -> Forecast:
    """The forecast for a newcomer (or for someone with `ahead` before them, `on_hold` of
    whom are callers on hold)."""
    return turn.svc.line.forecast(turn.config, queue, turn.now, ahead, on_hold=on_hold)


def standing(turn: Turn, queue: QueueName) -> Standing | None:
    """Where a newcomer would stand; None when no wait can be estimated."""
    ahead, on_hold = turn.svc.line.newcomer(queue, turn.now)
    outlook = live_forecast(turn, queue, ahead, on_hold=on_hold)
    if outlook.estimate is None:
        return None
    return Standing(Position(ahead=ahead), outlook.estimate)


def has_room(turn: Turn, queue: QueueName, start: datetime) -> bool:
    """Whether the slot starting at `start` can take another callback."""
    return slots.room(turn.config, turn.svc.store, queue, start) > 0


def free_slots(turn: Turn, queue: QueueName, limit: int = MAX_SLOTS) -> list[Slot]:
    """The next slots that still have room, soonest first."""
    return slots.free_slots(turn.config, turn.svc.store, queue, turn.now, limit=limit)


def bookable(turn: Turn, queue: QueueName) -> bool:
    """Whether any callback time is free in `queue`, as of a few seconds ago at most."""
    return turn.svc.bookable.get(queue, turn.now, lambda: bool(free_slots(turn, queue, limit=1)))
