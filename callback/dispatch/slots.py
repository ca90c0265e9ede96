"""Scheduled callback slots: how many callbacks fit in one, and which are still free."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from callback.config.policy import CallbackPolicy
from callback.dispatch.opening import Gate, gate
from callback.hours import Period, Schedule
from callback.plan import StaffingPlan


class FreeSlot(NamedTuple):
    """A slot `[start, end)` in UTC with `remaining` callbacks still bookable."""

    start: datetime
    end: datetime
    remaining: int


def _agent_time(schedule: Schedule, plan: StaffingPlan, slot: Period) -> timedelta:
    """Planned agent time within the slot while the queue is open."""
    total = timedelta(0)
    for opens, closes in schedule.open_periods(*slot):
        for begin, end, agents in plan.segments(opens, closes):
            total += (end - begin) * agents
    return total


def slot_capacity(
    schedule: Schedule, plan: StaffingPlan, policy: CallbackPolicy, slot: Period
) -> int:
    """Callbacks one slot can take: the configured number, or "auto" from the staffing plan.

    "auto" is the planned agent time over the open part of the slot divided by the prior
    handle time, rounded down; calls started before the cut-off run into it, so agent time
    up to closing counts.
    """
    start, end = slot
    if end <= start:
        raise ValueError(f"a slot must end after it starts, got {start} to {end}")
    if policy.slot_capacity != "auto":
        return policy.slot_capacity
    return _agent_time(schedule, plan, slot) // policy.handle_time_prior


def free_slots(
    schedule: Schedule,
    plan: StaffingPlan,
    policy: CallbackPolicy,
    now: datetime,
    until: datetime,
    booked: Mapping[datetime, int],
    limit: int,
) -> list[FreeSlot]:
    """Up to `limit` slots starting in `[now, until)` with room left, earliest first.

    A slot is offered only if a callback may start at its start: open, and not within the
    cut-off before closing. `booked` counts the callbacks already in each slot by its start.
    """
    if limit < 0:
        raise ValueError(f"limit cannot be negative, got {limit}")
    found: list[FreeSlot] = []
    for start, end in schedule.slots(now, until, policy.slot_length):
        if len(found) >= limit:
            break
        if gate(schedule, policy, start) is not Gate.ACCEPTING:
            continue
        remaining = slot_capacity(schedule, plan, policy, (start, end)) - booked.get(start, 0)
        if remaining > 0:
            found.append(FreeSlot(start, end, remaining))
    return found
