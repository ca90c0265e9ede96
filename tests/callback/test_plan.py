"""The staffing plan: validation, lookups and UTC segments across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.plan import StaffingPlan, StaffInterval

# Transition facts (tz database; e.g. timeanddate.com's pages for each zone):
#   Europe/London     2024-03-31 01:00 GMT -> 02:00 BST;   2024-10-27 02:00 BST -> 01:00 GMT
#   America/New_York  2024-03-10 02:00 EST -> 03:00 EDT;   2024-11-03 02:00 EDT -> 01:00 EST
#   Australia/Sydney  2024-04-07 03:00 AEDT -> 02:00 AEST; 2024-10-06 02:00 AEST -> 03:00 AEDT
#   Asia/Tehran       2022-03-22 00:00 +0330 -> 01:00 +0430; 2022-09-22 00:00 +0430 -> 09-21
#                     23:00 +0330; Iran abolished daylight saving time from 2023 on.
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
TEHRAN = ZoneInfo("Asia/Tehran")
SUNDAY = 6
MICROSECOND = timedelta(microseconds=1)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def every_day(*intervals: StaffInterval) -> dict[int, tuple[StaffInterval, ...]]:
    return dict.fromkeys(range(7), intervals)


def iv(start: str, end: str, agents: int) -> StaffInterval:
    return StaffInterval(time.fromisoformat(start), time.fromisoformat(end), agents)


# --- validation -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "agents", "message"),
    [
        (time(10), time(9), 1, "end must be after start"),
        (time(10), time(10), 1, "end must be after start"),
        (time(9, tzinfo=UTC), time(10), 1, "naive"),
        (time(9), time(10), -1, "agents"),
    ],
)
def test_interval_rejects_bad_values(start: time, end: time, agents: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        StaffInterval(start, end, agents)


def test_interval_end_midnight_means_end_of_day() -> None:
    assert iv("00:00", "00:00", 1).end_seconds == 86_400
    assert iv("22:00", "00:00", 1).start_seconds == 79_200


def test_plan_rejects_overlapping_intervals_naming_the_day() -> None:
    with pytest.raises(ValueError, match=r"weekly\[2\] intervals overlap"):
        StaffingPlan(LONDON, {2: (iv("12:00", "18:00", 2), iv("09:00", "12:30", 3))})


def test_plan_rejects_a_key_that_is_not_a_weekday() -> None:
    with pytest.raises(ValueError, match="weekdays"):
        StaffingPlan(LONDON, {7: (iv("09:00", "17:00", 2),)})


def test_plan_accepts_touching_intervals_and_keeps_its_own_sorted_copy() -> None:
    source: dict[int, tuple[StaffInterval, ...]] = {
        0: (iv("12:00", "17:00", 2), iv("09:00", "12:00", 3))
    }
    plan = StaffingPlan(LONDON, source)
    source[1] = (iv("09:00", "17:00", 9),)
    assert plan.weekly[0] == (iv("09:00", "12:00", 3), iv("12:00", "17:00", 2))
    assert 1 not in plan.weekly
    assert plan == StaffingPlan(LONDON, {0: (iv("09:00", "12:00", 3), iv("12:00", "17:00", 2))})


# --- lookups on ordinary days -----------------------------------------------------------
WEEKDAYS = StaffingPlan(
    LONDON, {day: (iv("09:00", "12:00", 3), iv("13:00", "17:00", 4)) for day in range(5)}
)


def test_agents_at_reads_local_wall_clock() -> None:
    # Monday 2024-06-03, BST (UTC+1).
    assert WEEKDAYS.agents_at(utc(2024, 6, 3, 8, 0)) == 3
    assert WEEKDAYS.agents_at(utc(2024, 6, 3, 11, 30)) == 0  # lunch
    assert WEEKDAYS.agents_at(utc(2024, 6, 3, 15, 59, 59)) == 4
    assert WEEKDAYS.agents_at(utc(2024, 6, 3, 16, 0)) == 0
    assert WEEKDAYS.agents_at(datetime(2024, 6, 8, 10, 0, tzinfo=LONDON)) == 0  # Saturday


def test_agents_at_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        WEEKDAYS.agents_at(datetime(2024, 6, 3, 10, 0))


def test_segments_cover_the_range_with_zero_between_intervals() -> None:
    segments = list(WEEKDAYS.segments(utc(2024, 6, 3, 7, 0), utc(2024, 6, 3, 18, 0)))
    assert segments == [
        (utc(2024, 6, 3, 7, 0), utc(2024, 6, 3, 8, 0), 0),
        (utc(2024, 6, 3, 8, 0), utc(2024, 6, 3, 11, 0), 3),
        (utc(2024, 6, 3, 11, 0), utc(2024, 6, 3, 12, 0), 0),
        (utc(2024, 6, 3, 12, 0), utc(2024, 6, 3, 16, 0), 4),
        (utc(2024, 6, 3, 16, 0), utc(2024, 6, 3, 18, 0), 0),
    ]


def test_segments_clip_to_the_range_and_merge_equal_neighbours() -> None:
    plan = StaffingPlan(LONDON, every_day(iv("00:00", "00:00", 2)))
    segments = list(plan.segments(utc(2024, 6, 3, 7, 30), utc(2024, 6, 6, 7, 0)))
    assert segments == [(utc(2024, 6, 3, 7, 30), utc(2024, 6, 6, 7, 0), 2)]


def test_segments_of_an_empty_range_are_empty() -> None:
    assert list(WEEKDAYS.segments(utc(2024, 6, 3, 9), utc(2024, 6, 3, 9))) == []
    assert list(WEEKDAYS.segments(utc(2024, 6, 3, 9), utc(2024, 6, 3, 8))) == []


def test_segments_accept_any_aware_zone_and_return_utc() -> None:
    start = datetime(2024, 6, 3, 9, 0, tzinfo=NEW_YORK)  # 14:00 London
    first = next(WEEKDAYS.segments(start, start + timedelta(hours=1)))
    assert first == (utc(2024, 6, 3, 13, 0), utc(2024, 6, 3, 14, 0), 4)
    assert first[0].tzinfo is UTC


# --- daylight saving --------------------------------------------------------------------
def day_segments(plan: StaffingPlan, start: datetime, hours: int = 24) -> list[tuple[str, ...]]:
    """Staffed segments as readable UTC strings, for compact expectations."""
    return [
        (f"{a:%m-%d %H:%M}", f"{b:%m-%d %H:%M}", str(n))
        for a, b, n in plan.segments(start, start + timedelta(hours=hours))
        if n
    ]


def test_london_spring_forward_drops_the_missing_hour() -> None:
    plan = StaffingPlan(
        LONDON,
        {SUNDAY: (iv("00:30", "01:30", 2), iv("01:30", "02:30", 3), iv("09:00", "17:00", 5))},
    )
    # 00:30 GMT = 00:30Z; 01:30 does not exist and takes effect at the jump (01:00Z);
    # 02:30 BST = 01:30Z; 09:00 BST = 08:00Z.
    assert day_segments(plan, utc(2024, 3, 31, 0, 0)) == [
        ("03-31 00:30", "03-31 01:00", "2"),
        ("03-31 01:00", "03-31 01:30", "3"),
        ("03-31 08:00", "03-31 16:00", "5"),
    ]


def test_london_fall_back_keeps_the_first_occurrence_of_the_repeated_hour() -> None:
    plan = StaffingPlan(LONDON, {SUNDAY: (iv("00:00", "01:30", 2), iv("01:30", "03:00", 3))})
    # 01:30 first occurs at 00:30Z (BST); 03:00 GMT = 03:00Z. Interval 3 holds the clock
    # through the second 01:00-01:30, so it lasts 2.5 hours.
    assert day_segments(plan, utc(2024, 10, 26, 23, 0)) == [
        ("10-26 23:00", "10-27 00:30", "2"),
        ("10-27 00:30", "10-27 03:00", "3"),
    ]
    assert plan.agents_at(utc(2024, 10, 27, 1, 15)) == 3  # the clock reads 01:15 GMT again


def test_new_york_spring_forward_makes_a_gap_interval_empty() -> None:
    plan = StaffingPlan(
        NEW_YORK,
        {SUNDAY: (iv("01:00", "02:00", 1), iv("02:00", "03:00", 9), iv("03:00", "04:00", 2))},
    )
    assert day_segments(plan, utc(2024, 3, 10, 5, 0)) == [
        ("03-10 06:00", "03-10 07:00", "1"),
        ("03-10 07:00", "03-10 08:00", "2"),
    ]
    assert plan.agents_at(utc(2024, 3, 10, 7, 0)) == 2


def test_new_york_fall_back_doubles_an_interval_over_the_repeated_hour() -> None:
    plan = StaffingPlan(NEW_YORK, {SUNDAY: (iv("01:00", "02:00", 4),)})
    assert day_segments(plan, utc(2024, 11, 3, 4, 0)) == [("11-03 05:00", "11-03 07:00", "4")]
    second_one_thirty = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK)
    assert plan.agents_at(second_one_thirty) == 4


def test_sydney_autumn_and_spring_changes() -> None:
    plan = StaffingPlan(SYDNEY, every_day(iv("09:00", "17:00", 6)))
    # Saturday 6 April 2024 is still AEDT (UTC+11); Monday 8 April is AEST (UTC+10).
    assert day_segments(plan, utc(2024, 4, 5, 12, 0), hours=72) == [
        ("04-05 22:00", "04-06 06:00", "6"),
        ("04-06 23:00", "04-07 07:00", "6"),
        ("04-07 23:00", "04-08 07:00", "6"),
    ]
    # Saturday 5 October 2024 is AEST; Sunday 6 October is AEDT.
    assert day_segments(plan, utc(2024, 10, 4, 12, 0), hours=48) == [
        ("10-04 23:00", "10-05 07:00", "6"),
        ("10-05 22:00", "10-06 06:00", "6"),
    ]


def test_tehran_offsets_before_and_after_daylight_saving_was_abolished() -> None:
    plan = StaffingPlan(TEHRAN, every_day(iv("09:00", "17:00", 3)))
    # Wednesday 15 June 2022 (+0430) and Thursday 15 June 2023 (+0330).
    assert plan.agents_at(utc(2022, 6, 15, 4, 30)) == 3
    assert plan.agents_at(utc(2022, 6, 15, 12, 30)) == 0
    assert plan.agents_at(utc(2023, 6, 15, 4, 30)) == 0
    assert plan.agents_at(utc(2023, 6, 15, 5, 30)) == 3
    assert day_segments(plan, utc(2023, 3, 22, 0, 0)) == [("03-22 05:30", "03-22 13:30", "3")]


def test_tehran_midnight_gap_and_repeated_hour_before_midnight() -> None:
    tuesday, wednesday = 1, 2
    plan = StaffingPlan(
        TEHRAN, {tuesday: (iv("00:00", "02:00", 2),), wednesday: (iv("23:00", "00:00", 7),)}
    )
    # 2022-03-22 00:00 does not exist: the day starts at the jump, 20:30Z, and 02:00 +0430
    # is 21:30Z. On 2022-09-21 23:00 first occurs at 18:30Z (+0430); midnight is 20:30Z.
    assert day_segments(plan, utc(2022, 3, 21, 12, 0)) == [("03-21 20:30", "03-21 21:30", "2")]
    assert day_segments(plan, utc(2022, 9, 21, 12, 0)) == [("09-21 18:30", "09-21 20:30", "7")]


# --- agents_at and segments always agree ------------------------------------------------
TRANSITIONS = [
    (LONDON, utc(2024, 3, 31, 1, 0)),
    (LONDON, utc(2024, 10, 27, 1, 0)),
    (NEW_YORK, utc(2024, 3, 10, 7, 0)),
    (NEW_YORK, utc(2024, 11, 3, 6, 0)),
    (SYDNEY, utc(2024, 4, 6, 16, 0)),
    (SYDNEY, utc(2024, 10, 5, 16, 0)),
    (TEHRAN, utc(2022, 3, 21, 20, 30)),
    (TEHRAN, utc(2022, 9, 21, 19, 30)),
]
AWKWARD = (
    iv("00:00", "00:30", 1),
    iv("01:00", "01:30", 2),
    iv("01:30", "02:30", 3),
    iv("02:30", "03:00", 4),
    iv("03:00", "03:30", 5),
    iv("09:00", "17:00", 6),
    iv("23:30", "00:00", 7),
)


@given(
    transition=st.sampled_from(TRANSITIONS),
    offset_minutes=st.integers(min_value=-36 * 60, max_value=12 * 60),
    length_minutes=st.integers(min_value=1, max_value=48 * 60),
    probes=st.lists(st.floats(min_value=0.0, max_value=1.0, exclude_max=True), max_size=5),
)
def test_segments_tile_the_range_and_agree_with_agents_at(
    transition: tuple[ZoneInfo, datetime],
    offset_minutes: int,
    length_minutes: int,
    probes: list[float],
) -> None:
    zone, moment = transition
    plan = StaffingPlan(zone, every_day(*AWKWARD))
    start = moment + timedelta(minutes=offset_minutes)
    until = start + timedelta(minutes=length_minutes)
    segments = list(plan.segments(start, until))
    assert segments[0][0] == start
    assert segments[-1][1] == until
    for (_, end, agents), (begin, _, next_agents) in pairwise(segments):
        assert end == begin
        assert agents != next_agents
    for begin, end, agents in segments:
        assert begin < end
        assert plan.agents_at(begin) == agents
        for fraction in probes:
            inside = int((end - begin) / MICROSECOND * fraction)  # floors: stays before end
            assert plan.agents_at(begin + inside * MICROSECOND) == agents
