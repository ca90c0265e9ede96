"""What a caller can be promised now: the live forecast, their standing, the free slots.

The live line is the callbacks due in the store plus the callers on hold that we track
by CallSid, since both wait for the same agents.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.estimate import Estimate
from callback.forecast import Forecast, forecast
from callback.inputs import Line
from callback.ordering import Position
from callback.request import CallbackRequest, Slot
from callback.types import QueueName, RequestId
from ivr.confirm import promise_for
from ivr.inbound import Standing
from ivr.schedule import MAX_SLOTS
from webhooks.measured import staffed
from webhooks.twilio.turn import Turn

SLOT_HORIZON = timedelta(days=7)
MAX_SLOTS_SCANNED = 64
"""Slots looked at for free capacity before giving up on offering any."""


def live_forecast(
    turn: Turn,
    queue: QueueName,
    ahead: int | None = None,
    *,
    on_hold: int | None = None,
    callback: RequestId | None = None,
) -> Forecast:
    """The forecast for a newcomer (or for someone with `ahead` before them, `on_hold` of
    whom are callers on hold); for the request `callback`, its retries ahead and its own
    no-answer risk."""
    svc, config, now = turn.svc, turn.config, turn.now
    if ahead is None:
        ahead, on_hold = newcomer(turn, queue)
    if callback is None:
        back = svc.returning.get(queue, now, lambda: svc.store.returning(queue, now))
    else:
        back = svc.store.returning(queue, now, callback)
    measured = svc.measured.get(queue, now)
    agents = svc.staffed.get(queue, now, lambda: staffed(svc.presence, config, queue, now))
    line = Line(ahead, on_hold, back, agents, callback=callback is not None)
    policy = config.callback_policy(queue)
    return forecast(config.queues[queue], policy, line, measured, now)


def standing(turn: Turn, queue: QueueName) -> Standing | None:
    """Where a newcomer would stand; None when no wait can be estimated."""
    ahead, on_hold = newcomer(turn, queue)
    outlook = live_forecast(turn, queue, ahead, on_hold=on_hold)
    if outlook.estimate is None:
        return None
    return Standing(Position(ahead=ahead), outlook.estimate)


def newcomer(turn: Turn, queue: QueueName) -> tuple[int, int]:
    """The line a newcomer joins and how many of it are callers on hold (who may give up)."""
    counts = turn.svc.store.counts(turn.now).get(queue)
    on_hold = turn.svc.calls.on_hold(queue)
    return (counts.due if counts is not None else 0) + on_hold, on_hold


def slot_capacity(turn: Turn, queue: QueueName, start: datetime) -> int:
    """Callbacks the slot starting at `start` can take: configured, or from the staffing plan."""
    policy = turn.config.callback_policy(queue)
    if policy.slot_capacity != "auto":
        return policy.slot_capacity
    agents = turn.config.queues[queue].staffing_plan().agents_at(start)
    return int(agents * policy.slot_length / policy.handle_time_prior)


def free_slots(turn: Turn, queue: QueueName, limit: int = MAX_SLOTS) -> list[Slot]:
    """The next slots that still have room, soonest first."""
    settings = turn.config.queues[queue]
    length = turn.config.callback_policy(queue).slot_length
    periods = settings.schedule().slots(turn.now, turn.now + SLOT_HORIZON, length)
    found: list[Slot] = []
    for start, end in periods[:MAX_SLOTS_SCANNED]:
        if start <= turn.now:
            continue
        if slot_capacity(turn, queue, start) > turn.svc.store.booked(queue, start):
            found.append(Slot(start, end))
        if len(found) >= limit:
            break
    return found


def bookable(turn: Turn, queue: QueueName) -> bool:
    """Whether any callback time is free in `queue`, as of a few seconds ago at most."""
    return turn.svc.bookable.get(queue, turn.now, lambda: bool(free_slots(turn, queue, limit=1)))


def record_promise(turn: Turn, request: CallbackRequest) -> Estimate | None:
    """Estimate the wait of a request in line and store it as the promise made to the customer.

    None (and nothing stored) when the request is not in line or no estimate can be made.
    """
    position = turn.svc.store.position(request.id, turn.now)
    if position is None:
        return None
    # Those ahead of a request in the store are callbacks: none of them abandons on hold.
    ahead = position.ahead
    estimate = live_forecast(turn, request.queue, ahead, on_hold=0, callback=request.id).estimate
    if estimate is not None:
        made = promise_for(estimate, turn.now)
        turn.svc.store.record_announcement(request.id, position.ahead, made, turn.now)
    return estimate
