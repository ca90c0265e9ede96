"""Domain values as API bodies, and the live position and estimate of a stored request."""

from __future__ import annotations

from datetime import datetime

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.ordering import Position
from callback.request import CallbackRequest, Promise, Slot
from callback.service.line import Line
from callback.service.slots import SlotCounts, free_slots, room
from callback.types import QueueName
from webhooks.api.schemas import EstimateOut, PromiseOut, SlotOut, StatusOut

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


def slot_out(
    config: SupervisorConfig, counts: SlotCounts | None, queue: QueueName, slot: Slot
) -> SlotOut:
    """A slot, with the callbacks it can still take when `counts` are given."""
    remaining = None if counts is None else room(config, counts, queue, slot.start)
    return SlotOut(start=slot.start, end=slot.end, remaining=remaining)


def next_slots(
    config: SupervisorConfig, counts: SlotCounts, queue: QueueName, now: datetime
) -> list[SlotOut]:
    """The next slots with room, to offer when the asked-for time cannot be had."""
    free = free_slots(config, counts, queue, now, limit=NEXT_SLOTS)
    return [slot_out(config, counts, queue, slot) for slot in free]


def status_out(
    line: Line, config: SupervisorConfig, request: CallbackRequest, now: datetime
) -> StatusOut:
    """Where the request stands now: state, place in line, current estimate, promise, slot,
    and after a missed call when the next try is."""
    position = line.position(request.id, now)
    estimate = line.estimate(config, request.queue, position, now, request.id)
    missed = request.attempts > 0 and position is None and not request.is_final
    next_try = line.places.next_try(request.id, now) if missed else None
    return status_of(request, position, estimate, next_try)


def status_of(
    request: CallbackRequest,
    position: Position | None,
    estimate: Estimate | None,
    next_try: datetime | None = None,
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
        slot=SlotOut(start=slot.start, end=slot.end) if slot is not None else None,
        attempts=request.attempts,
        next_try=next_try,
    )
