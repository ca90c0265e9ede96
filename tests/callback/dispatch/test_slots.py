"""Slot capacity from the staffing plan, and the slots still free to book."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callback.dispatch.slots import FreeSlot, free_slots, slot_capacity
from callback.hours import Schedule
from callback.plan import StaffingPlan, StaffInterval
from tests.callback.dispatch.builders import WEEKDAYS, hours, policy, utc

LONDON_TZ = ZoneInfo("Europe/London")
# Weekdays 09:00-17:00 London; Monday 2026-03-02 is on GMT (UTC+0).
OFFICE = hours("Europe/London", time(9), time(17))
HALF_HOUR = timedelta(minutes=30)


def plan(*intervals: tuple[time, time, int]) -> StaffingPlan:
    day = tuple(StaffInterval(start, end, agents) for start, end, agents in intervals)
    return StaffingPlan(tz=LONDON_TZ, weekly=dict.fromkeys(WEEKDAYS, day))


TWO_AGENTS = plan((time(9), time(17), 2))


def capacity(slot: tuple[datetime, datetime], staff: StaffingPlan, **rules: Any) -> int:
    return slot_capacity(OFFICE, staff, policy(**rules), slot)


def test_a_configured_capacity_is_used_as_given() -> None:
    slot = (utc(2026, 3, 2, 10), utc(2026, 3, 2, 10, 30))
    assert capacity(slot, TWO_AGENTS, slot_capacity=4) == 4


def test_auto_capacity_is_agent_time_over_handle_time() -> None:
    # 2 agents x 30 minutes / 6 minutes per call = 10 calls.
    slot = (utc(2026, 3, 2, 10), utc(2026, 3, 2, 10, 30))
    assert capacity(slot, TWO_AGENTS) == 10
    # 60 agent-minutes / 7 minutes = 8.57..., rounded down.
    assert capacity(slot, TWO_AGENTS, handle_time_prior=timedelta(minutes=7)) == 8


def test_auto_capacity_follows_a_plan_that_changes_within_the_slot() -> None:
    staff = plan((time(9), time(12, 15), 2), (time(12, 15), time(17), 4))
    # 2 x 15 + 4 x 15 = 90 agent-minutes; / 6 = 15.
    assert capacity((utc(2026, 3, 2, 12), utc(2026, 3, 2, 12, 30)), staff) == 15


def test_auto_capacity_counts_only_the_open_part_of_the_slot() -> None:
    staff = plan((time(9), time(18), 3))
    # Open only 16:45-17:00 of the slot: 3 x 15 / 6 = 7.5, rounded down.
    assert capacity((utc(2026, 3, 2, 16, 45), utc(2026, 3, 2, 17, 15)), staff) == 7


def test_a_slot_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        capacity((utc(2026, 3, 2, 10), utc(2026, 3, 2, 10)), TWO_AGENTS)


def offer(
    now: datetime,
    until: datetime,
    booked: dict[datetime, int] | None = None,
    limit: int = 10,
    schedule: Schedule = OFFICE,
    staff: StaffingPlan = TWO_AGENTS,
    **rules: Any,
) -> list[FreeSlot]:
    rules = {"slot_length": HALF_HOUR, "cutoff_before_closing": timedelta(minutes=10)} | rules
    return free_slots(schedule, staff, policy(**rules), now, until, booked or {}, limit)


def test_free_slots_start_after_now_and_skip_full_ones() -> None:
    tomorrow = utc(2026, 3, 3, 9)
    booked = {utc(2026, 3, 2, 16): 10, tomorrow: 3}
    assert offer(utc(2026, 3, 2, 15, 40), utc(2026, 3, 3, 10), booked) == [
        FreeSlot(utc(2026, 3, 2, 16, 30), utc(2026, 3, 2, 17), 10),
        FreeSlot(tomorrow, tomorrow + HALF_HOUR, 7),
        FreeSlot(tomorrow + HALF_HOUR, tomorrow + 2 * HALF_HOUR, 10),
    ]


def test_free_slots_stop_at_the_limit() -> None:
    slots = offer(utc(2026, 3, 2, 15, 40), utc(2026, 3, 3, 10), limit=2)
    assert [slot.start for slot in slots] == [utc(2026, 3, 2, 16), utc(2026, 3, 2, 16, 30)]
    assert offer(utc(2026, 3, 2, 15, 40), utc(2026, 3, 3, 10), limit=0) == []
    with pytest.raises(ValueError, match="limit"):
        offer(utc(2026, 3, 2, 15, 40), utc(2026, 3, 3, 10), limit=-1)


def test_a_slot_starting_within_the_cutoff_is_not_offered() -> None:
    slots = offer(utc(2026, 3, 2, 15, 40), utc(2026, 3, 2, 18), cutoff_before_closing=HALF_HOUR)
    assert [slot.start for slot in slots] == [utc(2026, 3, 2, 16)]


def test_no_planned_agents_means_no_auto_slots() -> None:
    assert offer(utc(2026, 3, 2, 9), utc(2026, 3, 2, 17), staff=plan()) == []


def test_bookings_match_slots_whatever_zone_their_start_is_written_in() -> None:
    start = utc(2026, 3, 2, 16)
    booked = {start.astimezone(ZoneInfo("America/New_York")): 9}
    assert offer(start, start + HALF_HOUR, booked) == [FreeSlot(start, start + HALF_HOUR, 1)]


def test_free_slots_follow_the_queues_clock_across_spring_forward() -> None:
    # Friday 2025-03-28 London is on GMT; Monday 2025-03-31 on BST (UTC+1).
    hour = timedelta(hours=1)
    slots = offer(
        utc(2025, 3, 28, 15, 30),
        utc(2025, 3, 31, 10),
        slot_length=hour,
        cutoff_before_closing=timedelta(0),
    )
    assert slots == [
        FreeSlot(utc(2025, 3, 28, 16), utc(2025, 3, 28, 17), 20),
        FreeSlot(utc(2025, 3, 31, 8), utc(2025, 3, 31, 9), 20),
        FreeSlot(utc(2025, 3, 31, 9), utc(2025, 3, 31, 10), 20),
    ]


def test_auto_capacity_across_fall_back_counts_real_time() -> None:
    # Open and staffed all night on Sunday 2025-10-26 London: 01:00-02:00 BST, then
    # 01:00-02:00 GMT again. A slot 00:30-01:30 UTC holds 60 real minutes of one agent.
    night = hours("Europe/London", time(0), time(6), range(7))
    staff = StaffingPlan(tz=LONDON_TZ, weekly={6: (StaffInterval(time(0), time(6), 1),)})
    slot = (utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 1, 30))
    assert slot_capacity(night, staff, policy(), slot) == 10
