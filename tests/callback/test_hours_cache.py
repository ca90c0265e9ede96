"""A schedule's kept day periods answer exactly what computing them afresh answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from callback.hours import DAYS_KEPT, Closure, Interval, Schedule, day_periods
from tests.callback.test_hours import (
    HAVANA,
    LONDON,
    NEW_YORK,
    REYKJAVIK,
    SYDNEY,
    day_hours,
    instants_near,
)

# Chile changes its clocks at midnight (24:00 -> 23:00 in April, 24:00 -> 01:00 in
# September) and Lord Howe Island by half an hour (IANA tz database).
SANTIAGO = ZoneInfo("America/Santiago")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
ZONES = [LONDON, NEW_YORK, SYDNEY, REYKJAVIK, HAVANA, SANTIAGO, LORD_HOWE]
# The 2024 transitions of the zones above as UTC instants (IANA tz database).
TRANSITIONS = [
    datetime(2024, 3, 31, 1, tzinfo=UTC),  # London
    datetime(2024, 10, 27, 1, tzinfo=UTC),
    datetime(2024, 3, 10, 7, tzinfo=UTC),  # New York
    datetime(2024, 11, 3, 6, tzinfo=UTC),
    datetime(2024, 4, 6, 16, tzinfo=UTC),  # Sydney
    datetime(2024, 10, 5, 16, tzinfo=UTC),
    datetime(2024, 3, 10, 5, tzinfo=UTC),  # Havana
    datetime(2024, 11, 3, 5, tzinfo=UTC),
    datetime(2024, 4, 7, 3, tzinfo=UTC),  # Santiago
    datetime(2024, 9, 8, 4, tzinfo=UTC),
    datetime(2024, 4, 6, 15, tzinfo=UTC),  # Lord Howe
    datetime(2024, 10, 5, 15, 30, tzinfo=UTC),
]
ALL_DAY = (Interval(time(0), time(0)),)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    """Any weekly hours (round the clock included) with special days around the changes."""
    hours = st.one_of(day_hours(), st.just(ALL_DAY))
    weekly = draw(st.dictionaries(st.integers(0, 6), hours))
    near_changes = st.builds(
        lambda at, shift: at.date() + timedelta(days=shift),
        st.sampled_from(TRANSITIONS),
        st.integers(-2, 2),
    )
    days = st.one_of(st.dates(date(2024, 1, 1), date(2024, 12, 31)), near_changes)
    special = draw(st.dictionaries(days, day_hours(), max_size=8))
    closures = {day: Closure(day, "special", hours) for day, hours in special.items()}
    return Schedule(draw(st.sampled_from(ZONES)), weekly, closures)


instants = instants_near(TRANSITIONS)


def fresh(schedule: Schedule) -> Schedule:
    """An equal schedule that has kept nothing yet."""
    return Schedule(schedule.tz, schedule.weekly, schedule.closures)


def local_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


@settings(deadline=None)
@given(schedules(), st.lists(instants, min_size=1, max_size=12))
def test_kept_periods_are_the_computed_ones(schedule: Schedule, moments: list[datetime]) -> None:
    days = [local_date(at, schedule.tz) + timedelta(days=d) for at in moments for d in (-1, 0, 1)]
    for day in [*days, *reversed(days)]:  # each day asked again once it is kept
        expected = day_periods(schedule.hours_on(day), day, schedule.tz)
        assert schedule.periods_on(day) == expected


@settings(deadline=None)
@given(schedules(), st.lists(instants, min_size=1, max_size=12))
def test_answers_do_not_depend_on_what_was_asked_before(
    schedule: Schedule, moments: list[datetime]
) -> None:
    for at in moments:  # `schedule` keeps more and more days; each `fresh` one starts empty
        assert schedule.is_open(at) == fresh(schedule).is_open(at)
        assert schedule.next_opening(at, 15) == fresh(schedule).next_opening(at, 15)
        assert schedule.closes_at(at, 15) == fresh(schedule).closes_at(at, 15)
        week = (at, at + timedelta(days=7))
        assert list(schedule.open_periods(*week)) == list(fresh(schedule).open_periods(*week))


@settings(deadline=None)
@given(schedules(), instants)
def test_is_open_when_a_computed_period_holds_the_instant(schedule: Schedule, at: datetime) -> None:
    # Computed without the schedule's kept days: every interval of the days around `at`.
    today = local_date(at, schedule.tz)
    around = [today + timedelta(days=d) for d in range(-2, 3)]
    periods = [p for day in around for p in day_periods(schedule.hours_on(day), day, schedule.tz)]
    assert schedule.is_open(at) == any(begin <= at < end for begin, end in periods)


def test_is_open_reads_any_zone_the_same() -> None:
    schedule = Schedule(LONDON, {6: (Interval(time(1), time(3)),)})
    # 01:30 on 27 October 2024 happens twice in London: 00:30 and 01:30 UTC; hours open at
    # its first occurrence and run to 03:00, so both are open.
    first = datetime(2024, 10, 27, 1, 30, tzinfo=LONDON)
    second = first.replace(fold=1)
    assert schedule.is_open(first) and schedule.is_open(second)
    assert schedule.is_open(second.astimezone(UTC))
    assert not schedule.is_open(datetime(2024, 10, 27, 0, 59, tzinfo=LONDON))


def test_answers_stay_right_after_more_days_than_are_kept() -> None:
    weekly = dict.fromkeys(range(5), (Interval(time(9), time(17)),))
    schedule = Schedule(SANTIAGO, weekly)
    start = date(2024, 1, 1)
    for n in range(DAYS_KEPT * 2 + 10):
        day = start + timedelta(days=n)
        assert schedule.periods_on(day) == day_periods(schedule.hours_on(day), day, SANTIAGO)
    noon = datetime(2024, 1, 2, 15, tzinfo=UTC)  # a Tuesday, 12:00 in Santiago (UTC-3)
    assert schedule.is_open(noon)
    assert not schedule.is_open(noon + timedelta(hours=6))
