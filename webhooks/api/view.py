"""Domain values as API bodies, and the live position and estimate of a stored request."""

from __future__ import annotations

from callback.estimate import Estimate
from callback.ordering import Position
from callback.request import CallbackRequest, Promise, Slot
from callback.types import QueueName
from webhooks.api.schemas import EstimateOut, PromiseOut, SlotOut, StatusOut
from webhooks.twilio.outlook import free_slots, live_forecast, slot_capacity
from webhooks.twilio.turn import Turn

NEXT_SLOTS = 4


def estimate_out(estimate: Estimate | None) -> EstimateOut | None:
    """The estimate in whole seconds."""
    if estimate is None:
        return None
    return EstimateOut(
        wait_seconds=round(estimate.wait.total_seconds()),
        low_seconds=round(estimate.low.total_seconds()),
        high_seconds=round(estimate.high.total_seconds()),
        by=estimate.by,
    )


def promise_out(promise: Promise | None) -> PromiseOut | None:
    """The promise made when the request was stored (or last merged)."""
    if promise is None:
        return None
    return PromiseOut(
        wait_seconds=round(promise.wait.total_seconds()),
        low_seconds=round(promise.low.total_seconds()),
        high_seconds=round(promise.high.total_seconds()),
        by=promise.by,
        announced_at=promise.announced_at,
    )


def slot_out(turn: Turn, queue: QueueName, slot: Slot, *, room: bool = True) -> SlotOut:
    """A slot, with the callbacks it can still take when `room` is asked for."""
    remaining = None
    if room:
        capacity = slot_capacity(turn, queue, slot.start)
        remaining = max(0, capacity - turn.svc.store.booked(queue, slot.start))
    return SlotOut(start=slot.start, end=slot.end, remaining=remaining)


def next_slots(turn: Turn, queue: QueueName) -> list[SlotOut]:
    """The next slots with room, to offer when the asked-for time cannot be had."""
    return [slot_out(turn, queue, slot) for slot in free_slots(turn, queue, NEXT_SLOTS)]


def status_out(turn: Turn, request: CallbackRequest) -> StatusOut:
    """Where the request stands now: state, place in line, current estimate, promise, slot."""
    position = turn.svc.store.position(request.id, turn.now)
    estimate = None
    if position is not None:
        ahead = position.ahead
        estimate = live_forecast(
            turn, request.queue, ahead, on_hold=0, callback=request.id
        ).estimate
    return status_of(turn, request, position, estimate)


def status_of(
    turn: Turn, request: CallbackRequest, position: Position | None, estimate: Estimate | None
) -> StatusOut:
    """The status body of `request` at `position` (None: not in line) with `estimate`."""
    slot = request.slot
    return StatusOut(
        id=request.id,
        queue=request.queue,
        state=request.state.value,
        position=position.number if position is not None else None,
        estimate=estimate_out(estimate),
        promise=promise_out(request.promise),
        slot=slot_out(turn, request.queue, slot, room=False) if slot is not None else None,
    )
