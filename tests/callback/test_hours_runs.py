"""A queue open around the clock: one period across its days, found without walking a year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import callback.hours
from callback.hours import Closure, Interval, Period, Schedule, wall_to_utc

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
# Cuba springs forward at midnight (00:00 -> 01:00), so a whole day starts inside a gap.
HAVANA = ZoneInfo("America/Havana")
ZONES = [LONDON, NEW_YORK, SYDNEY, HAVANA]

ALL_DAY = (Interval(time(0), time(0)),)
HALVES = (Interval(time(0), time(12)), Interval(time(12), time(0)))
ROUND_THE_CLOCK = dict.fromkeys(range(7), ALL_DAY)
_DAY = timedelta(days=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def reference_periods(schedule: Schedule, start: datetime, until: datetime) -> list[Period]:
    """The oracle: every local day walked one by one, clipped, touching periods merged."""
    first, last = start.astimezone(UTC), until.astimezone(UTC)
    merged: list[Period] = []
    for begin, end in _every_day(schedule, first, last):
        if end <= first or begin >= last:
            continue
        begin, end = max(begin, first), min(end, last)
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _every_day(schedule: Schedule, first: datetime, last: datetime) -> Iterator[Period]:
    day = first.astimezone(schedule.tz).date() - _DAY
    while day <= last.astimezone(schedule.tz).date():
        for interval in schedule.hours_on(day):
            begin = wall_to_utc(day, interval.start_offset, schedule.tz)
            end = wall_to_utc(day, interval.end_offset, schedule.tz)
            if begin < end:
                yield begin, end
        day += _DAY


def reference_closes_at(schedule: Schedule, now: datetime, horizon_days: int) -> datetime | None:
    """The oracle's closing: the end of the first period when it starts at `now`."""
    periods = reference_periods(schedule, now, now + timedelta(days=horizon_days))
    if not periods or periods[0][0] != now.astimezone(UTC):
        return None
    return periods[0][1]


def test_a_round_the_clock_queue_is_open_until_the_default_horizon() -> None:
    schedule = Schedule(LONDON, ROUND_THE_CLOCK)
    now = utc(2026, 3, 2, 10)
    assert schedule.closes_at(now) == now + timedelta(days=366)
    assert schedule.closes_at(now) == reference_closes_at(schedule, now, 366)


def test_a_holiday_next_month_closes_a_round_the_clock_queue_at_its_midnight() -> None:
    christmas = date(2026, 12, 25)
    closures = {christmas: Closure(christmas, "Christmas Day")}
    schedule = Schedule(LONDON, ROUND_THE_CLOCK, closures)
    now = utc(2026, 11, 22, 12)
    # London keeps GMT in December: local midnight is 00:00 UTC.
    assert schedule.closes_at(now) == utc(2026, 12, 25)
    assert schedule.next_opening(utc(2026, 12, 25, 9)) == utc(2026, 12, 26)
    assert schedule.closes_at(utc(2026, 12, 26, 1)) == utc(2026, 12, 26, 1) + timedelta(days=366)


def test_special_hours_on_a_holiday_end_the_period_at_its_midnight() -> None:
    boxing_day = date(2026, 12, 26)
    short = (Interval(time(10), time(16)),)
    closures = {boxing_day: Closure(boxing_day, "Boxing Day", short)}
    schedule = Schedule(LONDON, ROUND_THE_CLOCK, closures)
    assert schedule.closes_at(utc(2026, 12, 20)) == utc(2026, 12, 26)
    assert list(schedule.open_periods(utc(2026, 12, 25, 12), utc(2026, 12, 27, 12))) == [
        (utc(2026, 12, 25, 12), utc(2026, 12, 26)),
        (utc(2026, 12, 26, 10), utc(2026, 12, 26, 16)),
        (utc(2026, 12, 27), utc(2026, 12, 27, 12)),
    ]


@pytest.mark.parametrize(
    ("now", "closed", "closes"),
    [
        # UK clocks go forward on Sun 29 Mar 2026: local midnight of 1 April is 23:00 UTC.
        (utc(2026, 3, 27, 12), date(2026, 4, 1), utc(2026, 3, 31, 23)),
        # ... and back on Sun 25 Oct 2026: local midnight of 28 October is 00:00 UTC again.
        (utc(2026, 10, 23, 12), date(2026, 10, 28), utc(2026, 10, 28)),
    ],
)
def test_a_dst_week_moves_the_closing_midnight(
    now: datetime, closed: date, closes: datetime
) -> None:
    schedule = Schedule(LONDON, ROUND_THE_CLOCK, {closed: Closure(closed, "closed")})
    assert schedule.closes_at(now) == closes == reference_closes_at(schedule, now, 366)


def test_a_day_starting_in_a_midnight_gap_still_joins_the_run() -> None:
    # Havana sprang forward at midnight on Sun 10 Mar 2024 (00:00 CST -> 01:00 CDT).
    closed = date(2024, 3, 12)
    schedule = Schedule(HAVANA, ROUND_THE_CLOCK, {closed: Closure(closed, "closed")})
    now = utc(2024, 3, 8, 12)
    assert schedule.closes_at(now) == utc(2024, 3, 12, 4)  # midnight CDT (UTC-4)
    assert schedule.closes_at(now) == reference_closes_at(schedule, now, 366)


def test_a_round_the_clock_closing_reads_a_few_days_not_a_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readings: list[date] = []

    def counted(day: date, since_midnight: timedelta, tz: ZoneInfo) -> datetime:
        readings.append(day)
        return wall_to_utc(day, since_midnight, tz)

    monkeypatch.setattr(callback.hours, "wall_to_utc", counted)
    schedule = Schedule(LONDON, ROUND_THE_CLOCK)
    assert schedule.closes_at(utc(2026, 3, 2, 10)) == utc(2027, 3, 3, 10)
    assert len(readings) <= 4


# --- properties: the same answers as walking every day ----------------------------------------

days_2024 = st.dates(date(2024, 1, 1), date(2024, 12, 31))
special_hours = st.sampled_from([(), ALL_DAY, HALVES, (Interval(time(9), time(17)),)])


@st.composite
def round_the_clock(draw: st.DrawFn) -> Schedule:
    """Open 24/7 (some days in two touching halves), with a few closures and special days."""
    weekly = {weekday: draw(st.sampled_from([ALL_DAY, HALVES])) for weekday in range(7)}
    special = draw(st.dictionaries(days_2024, special_hours, max_size=4))
    closures = {day: Closure(day, "special", hours) for day, hours in special.items()}
    return Schedule(draw(st.sampled_from(ZONES)), weekly, closures)


# DST transitions of 2024 in the zones above, as UTC instants (IANA tz database).
TRANSITIONS = [
    utc(2024, 3, 31, 1),
    utc(2024, 10, 27, 1),
    utc(2024, 3, 10, 7),
    utc(2024, 11, 3, 6),
    utc(2024, 4, 6, 16),
    utc(2024, 10, 5, 16),
    utc(2024, 3, 10, 5),
    utc(2024, 11, 3, 5),
]
instants = st.one_of(
    st.datetimes(datetime(2024, 1, 1), datetime(2024, 12, 31), timezones=st.just(UTC)),
    st.builds(
        lambda at, shift: at + shift,
        st.sampled_from(TRANSITIONS),
        st.timedeltas(-timedelta(days=3), timedelta(days=3)),
    ),
)
horizons = st.integers(0, 40)


@settings(deadline=None, max_examples=150)
@given(round_the_clock(), instants, horizons)
def test_closes_at_agrees_with_walking_every_day(
    schedule: Schedule, at: datetime, horizon: int
) -> None:
    expected = reference_closes_at(schedule, at, horizon) if horizon else None
    assert schedule.closes_at(at, horizon_days=horizon) == expected


@settings(deadline=None, max_examples=150)
@given(round_the_clock(), instants, horizons)
def test_open_periods_agree_with_walking_every_day(
    schedule: Schedule, at: datetime, horizon: int
) -> None:
    until = at + timedelta(days=horizon, hours=5)
    assert list(schedule.open_periods(at, until)) == reference_periods(schedule, at, until)


@settings(deadline=None, max_examples=150)
@given(round_the_clock(), instants)
def test_is_open_and_next_opening_agree_with_walking_every_day(
    schedule: Schedule, at: datetime
) -> None:
    periods = reference_periods(schedule, at, at + timedelta(days=8))
    assert schedule.is_open(at) == (bool(periods) and periods[0][0] == at)
    assert schedule.next_opening(at, horizon_days=8) == (periods[0][0] if periods else None)
