"""Business hours, closures, special days and DST handling."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callback.hours import Closure, Interval, Schedule, wall_to_utc

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
# Iceland has kept UTC+0 all year since 1968; the IANA name is Atlantic/Reykjavik.
REYKJAVIK = ZoneInfo("Atlantic/Reykjavik")
# Cuba springs forward at midnight (00:00 -> 01:00), so a whole day starts inside a gap.
HAVANA = ZoneInfo("America/Havana")

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NINE_TO_FIVE = (Interval(time(9), time(17)),)
ALL_DAY = (Interval(time(0), time(0)),)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def office(closures: Mapping[date, Closure] | None = None) -> Schedule:
    """Monday to Friday, 09:00-17:00, in Reykjavik."""
    weekly = dict.fromkeys((MON, TUE, WED, THU, FRI), NINE_TO_FIVE)
    return Schedule(REYKJAVIK, weekly, closures or {})


# --- values and validation ---------------------------------------------------------------


def test_interval_end_midnight_means_end_of_day() -> None:
    interval = Interval(time(22), time(0))
    assert interval.end_offset == timedelta(hours=24)
    assert str(interval) == "22:00-24:00"


@pytest.mark.parametrize(("start", "end"), [(time(9), time(9)), (time(17), time(9))])
def test_interval_must_end_after_it_starts(start: time, end: time) -> None:
    with pytest.raises(ValueError, match="must be after its start"):
        Interval(start, end)


def test_interval_refuses_zone_aware_times() -> None:
    with pytest.raises(ValueError, match="wall-clock"):
        Interval(time(9, tzinfo=UTC), time(17))


def test_overlapping_weekly_hours_name_the_weekday() -> None:
    hours = (Interval(time(9), time(12)), Interval(time(11), time(14)))
    with pytest.raises(ValueError, match="Wednesday"):
        Schedule(REYKJAVIK, {WED: hours})


def test_overlapping_special_hours_name_the_date() -> None:
    hours = (Interval(time(9), time(0)), Interval(time(23), time(0)))
    with pytest.raises(ValueError, match="2024-12-24"):
        Closure(date(2024, 12, 24), "Christmas Eve", hours)


def test_touching_hours_are_allowed_and_sorted() -> None:
    schedule = Schedule(
        REYKJAVIK, {MON: (Interval(time(12), time(17)), Interval(time(9), time(12)))}
    )
    assert schedule.hours_on(date(2024, 1, 1)) == (
        Interval(time(9), time(12)),
        Interval(time(12), time(17)),
    )


def test_weekday_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="weekday 7"):
        Schedule(REYKJAVIK, {7: NINE_TO_FIVE})


def test_closure_filed_under_another_date_is_refused() -> None:
    closure = Closure(date(2024, 12, 25), "Christmas Day")
    with pytest.raises(ValueError, match="2024-12-24"):
        Schedule(REYKJAVIK, {}, {date(2024, 12, 24): closure})


def test_schedule_is_immutable_and_detached_from_its_inputs() -> None:
    weekly = {MON: NINE_TO_FIVE}
    schedule = Schedule(REYKJAVIK, weekly)
    weekly[TUE] = NINE_TO_FIVE
    assert schedule.hours_on(date(2024, 1, 2)) == ()
    with pytest.raises(TypeError):
        schedule.weekly[TUE] = NINE_TO_FIVE  # type: ignore[index]
    assert schedule == Schedule(REYKJAVIK, {MON: NINE_TO_FIVE})
    assert hash(schedule) == hash(Schedule(REYKJAVIK, {MON: NINE_TO_FIVE}))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        office().is_open(datetime(2024, 1, 1, 10))


# --- a zone without DST --------------------------------------------------------------------


def test_open_inside_hours_and_closed_at_the_end_instant() -> None:
    schedule = office()
    assert schedule.is_open(utc(2024, 1, 1, 9))  # Monday
    assert schedule.is_open(utc(2024, 1, 1, 16, 59, 59))
    assert not schedule.is_open(utc(2024, 1, 1, 17))
    assert not schedule.is_open(utc(2024, 1, 1, 8, 59, 59))
    assert not schedule.is_open(utc(2024, 1, 6, 12))  # Saturday


def test_answers_do_not_depend_on_the_zone_of_now() -> None:
    schedule = office()
    tokyo_evening = datetime(2024, 1, 1, 19, tzinfo=ZoneInfo("Asia/Tokyo"))  # 10:00 UTC
    assert schedule.is_open(tokyo_evening)
    closes = schedule.closes_at(tokyo_evening)
    assert closes == utc(2024, 1, 1, 17)
    assert closes is not None and closes.tzinfo is UTC


def test_closes_at_is_none_when_closed() -> None:
    assert office().closes_at(utc(2024, 1, 1, 18)) is None


def test_next_opening_is_now_when_open() -> None:
    assert office().next_opening(utc(2024, 1, 1, 10, 30)) == utc(2024, 1, 1, 10, 30)


def test_next_opening_after_friday_close_is_monday_morning() -> None:
    opening = office().next_opening(utc(2024, 1, 5, 17))
    assert opening == utc(2024, 1, 8, 9)
    assert opening is not None and opening.tzinfo is UTC


def test_schedule_with_no_hours_never_opens() -> None:
    schedule = Schedule(REYKJAVIK, {})
    assert schedule.next_opening(utc(2024, 1, 1)) is None
    assert list(schedule.open_periods(utc(2024, 1, 1), utc(2024, 2, 1))) == []


def test_next_opening_beyond_the_horizon_is_none() -> None:
    schedule = office()
    assert schedule.next_opening(utc(2024, 1, 5, 18), horizon_days=2) is None
    assert schedule.next_opening(utc(2024, 1, 5, 18), horizon_days=3) == utc(2024, 1, 8, 9)


# --- holidays, special hours, closed weeks -------------------------------------------------


def test_holiday_on_a_weekday_closes_the_day() -> None:
    christmas = Closure(date(2024, 12, 25), "Christmas Day")  # a Wednesday
    schedule = office(closures={christmas.day: christmas})
    assert not schedule.is_open(utc(2024, 12, 25, 10))
    assert schedule.closure_on(date(2024, 12, 25)) == christmas
    assert schedule.closure_on(date(2024, 12, 26)) is None
    assert schedule.next_opening(utc(2024, 12, 25, 10)) == utc(2024, 12, 26, 9)


def test_special_hours_replace_the_weekly_hours() -> None:
    eve = Closure(date(2024, 12, 24), "Christmas Eve", (Interval(time(9), time(13)),))
    schedule = office(closures={eve.day: eve})
    assert schedule.hours_on(date(2024, 12, 24)) == (Interval(time(9), time(13)),)
    assert schedule.is_open(utc(2024, 12, 24, 12, 59))
    assert not schedule.is_open(utc(2024, 12, 24, 13))
    assert schedule.closes_at(utc(2024, 12, 24, 10)) == utc(2024, 12, 24, 13)


def test_special_hours_can_open_a_weekend_day() -> None:
    sale = Closure(date(2024, 11, 30), "Black Friday weekend", (Interval(time(10), time(14)),))
    schedule = office(closures={sale.day: sale})
    assert schedule.next_opening(utc(2024, 11, 29, 18)) == utc(2024, 11, 30, 10)


def test_next_opening_skips_a_whole_closed_week() -> None:
    week = [date(2024, 12, 23) + timedelta(days=offset) for offset in range(5)]
    closures = {day: Closure(day, "year-end shutdown") for day in week}
    schedule = office(closures=closures)
    assert schedule.next_opening(utc(2024, 12, 20, 17)) == utc(2024, 12, 30, 9)


# --- overnight and round-the-clock queues --------------------------------------------------


def test_overnight_hours_are_one_period_across_midnight() -> None:
    schedule = Schedule(
        REYKJAVIK, {MON: (Interval(time(22), time(0)),), TUE: (Interval(time(0), time(6)),)}
    )
    periods = list(schedule.open_periods(utc(2024, 1, 1), utc(2024, 1, 3)))
    assert periods == [(utc(2024, 1, 1, 22), utc(2024, 1, 2, 6))]
    assert schedule.is_open(utc(2024, 1, 2, 3))
    assert schedule.closes_at(utc(2024, 1, 1, 23)) == utc(2024, 1, 2, 6)


def test_periods_touching_within_a_day_merge() -> None:
    schedule = Schedule(
        REYKJAVIK, {MON: (Interval(time(9), time(12)), Interval(time(12), time(17)))}
    )
    assert list(schedule.open_periods(utc(2024, 1, 1), utc(2024, 1, 2))) == [
        (utc(2024, 1, 1, 9), utc(2024, 1, 1, 17))
    ]


def test_open_periods_are_clipped_to_the_window() -> None:
    schedule = office()
    periods = list(schedule.open_periods(utc(2024, 1, 1, 12), utc(2024, 1, 2, 10)))
    assert periods == [
        (utc(2024, 1, 1, 12), utc(2024, 1, 1, 17)),
        (utc(2024, 1, 2, 9), utc(2024, 1, 2, 10)),
    ]
    assert list(schedule.open_periods(utc(2024, 1, 1, 12), utc(2024, 1, 1, 12))) == []


def test_round_the_clock_queue() -> None:
    schedule = Schedule(LONDON, dict.fromkeys(range(7), ALL_DAY))
    now = utc(2024, 3, 30, 12)
    assert schedule.is_open(now)
    assert schedule.next_opening(now) == now
    assert list(schedule.open_periods(now, now + timedelta(days=9))) == [
        (now, now + timedelta(days=9))
    ]
    # It never closes: the answer is the horizon, a lower bound.
    assert schedule.closes_at(now, horizon_days=30) == now + timedelta(days=30)


# --- DST: spring-forward gaps map to the end of the gap, fall-back folds to the first ------


def test_london_opening_inside_the_spring_gap_opens_when_clocks_jump() -> None:
    # UK clocks went 01:00 GMT -> 02:00 BST on Sun 31 Mar 2024 (tzdb rule EU).
    schedule = Schedule(LONDON, {SUN: (Interval(time(1, 30), time(3)),)})
    assert list(schedule.open_periods(utc(2024, 3, 30), utc(2024, 4, 1))) == [
        (utc(2024, 3, 31, 1), utc(2024, 3, 31, 2))
    ]


def test_london_opening_inside_the_autumn_fold_uses_the_first_occurrence() -> None:
    # UK clocks went 02:00 BST -> 01:00 GMT on Sun 27 Oct 2024: 01:30 happened twice.
    schedule = Schedule(LONDON, {SUN: (Interval(time(1, 30), time(2, 30)),)})
    assert list(schedule.open_periods(utc(2024, 10, 26), utc(2024, 10, 28))) == [
        (utc(2024, 10, 27, 0, 30), utc(2024, 10, 27, 2, 30))
    ]


def test_new_york_spring_gap() -> None:
    # US clocks went 02:00 EST -> 03:00 EDT on Sun 10 Mar 2024 (Energy Policy Act 2005 rule).
    schedule = Schedule(NEW_YORK, {SUN: (Interval(time(2, 30), time(4)),)})
    assert schedule.next_opening(utc(2024, 3, 10)) == utc(2024, 3, 10, 7)
    assert schedule.closes_at(utc(2024, 3, 10, 7)) == utc(2024, 3, 10, 8)


def test_new_york_autumn_fold() -> None:
    # US clocks went 02:00 EDT -> 01:00 EST on Sun 3 Nov 2024.
    schedule = Schedule(NEW_YORK, {SUN: (Interval(time(1, 30), time(3)),)})
    assert list(schedule.open_periods(utc(2024, 11, 2), utc(2024, 11, 4))) == [
        (utc(2024, 11, 3, 5, 30), utc(2024, 11, 3, 8))
    ]


def test_hours_entirely_inside_a_gap_never_open() -> None:
    schedule = Schedule(NEW_YORK, {SUN: (Interval(time(2, 10), time(2, 40)),)})
    assert list(schedule.open_periods(utc(2024, 3, 9), utc(2024, 3, 12))) == []
    assert schedule.next_opening(utc(2024, 3, 10)) == utc(2024, 3, 17, 6, 10)


@pytest.mark.parametrize(
    ("sunday", "hours"),
    [
        # Sydney: AEDT (UTC+11) ended 03:00 -> 02:00 on Sun 7 Apr 2024; began 02:00 -> 03:00
        # on Sun 6 Oct 2024 (NSW Standard Time Act 1987 as amended).
        (date(2024, 4, 7), 25),
        (date(2024, 10, 6), 23),
        (date(2024, 6, 2), 24),
    ],
)
def test_sydney_whole_day_lasts_the_real_length_of_the_day(sunday: date, hours: int) -> None:
    schedule = Schedule(SYDNEY, {SUN: ALL_DAY})
    start = wall_to_utc(sunday, timedelta(0), SYDNEY)
    (period,) = schedule.open_periods(start - timedelta(days=1), start + timedelta(days=2))
    assert period[0] == start
    assert period[1] - period[0] == timedelta(hours=hours)


def test_day_starting_inside_a_midnight_gap_still_joins_the_night_before() -> None:
    # Cuba went 00:00 CST -> 01:00 CDT on Sun 10 Mar 2024: Sunday has no midnight.
    schedule = Schedule(
        HAVANA, {SAT: (Interval(time(22), time(0)),), SUN: (Interval(time(0), time(6)),)}
    )
    assert list(schedule.open_periods(utc(2024, 3, 9), utc(2024, 3, 11))) == [
        (utc(2024, 3, 10, 3), utc(2024, 3, 10, 10))
    ]
    assert wall_to_utc(date(2024, 3, 10), timedelta(0), HAVANA) == utc(2024, 3, 10, 5)


# --- slot grid -----------------------------------------------------------------------------


def test_slots_start_at_the_opening_and_fit_inside() -> None:
    slots = office().slots(utc(2024, 1, 1), utc(2024, 1, 2), timedelta(minutes=150))
    assert slots == [
        (utc(2024, 1, 1, 9), utc(2024, 1, 1, 11, 30)),
        (utc(2024, 1, 1, 11, 30), utc(2024, 1, 1, 14)),
        (utc(2024, 1, 1, 14), utc(2024, 1, 1, 16, 30)),
    ]


def test_slots_keep_the_grid_when_starting_mid_period() -> None:
    slots = office().slots(utc(2024, 1, 1, 10, 7), utc(2024, 1, 1, 16), timedelta(minutes=150))
    assert slots == [(utc(2024, 1, 1, 11, 30), utc(2024, 1, 1, 14))]


def test_slots_run_across_midnight_in_an_overnight_period() -> None:
    schedule = Schedule(
        REYKJAVIK, {MON: (Interval(time(22), time(0)),), TUE: (Interval(time(0), time(2)),)}
    )
    slots = schedule.slots(utc(2024, 1, 1), utc(2024, 1, 3), timedelta(minutes=90))
    assert slots == [
        (utc(2024, 1, 1, 22), utc(2024, 1, 1, 23, 30)),
        (utc(2024, 1, 1, 23, 30), utc(2024, 1, 2, 1)),
    ]


def test_slots_need_a_positive_length() -> None:
    with pytest.raises(ValueError, match="positive"):
        office().slots(utc(2024, 1, 1), utc(2024, 1, 2), timedelta(0))


# --- properties ----------------------------------------------------------------------------

ZONES = [LONDON, NEW_YORK, SYDNEY, REYKJAVIK, HAVANA]
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


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[Interval, ...]:
    """Non-overlapping intervals on a quarter-hour grid."""
    marks = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    pairs = zip(marks[0::2], marks[1::2], strict=False)

    def clock(quarter: int) -> time:
        return time((quarter // 4) % 24, quarter % 4 * 15)

    return tuple(Interval(clock(start), clock(end)) for start, end in pairs)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    weekly = draw(st.dictionaries(st.integers(0, 6), day_hours()))
    days = st.dates(date(2024, 1, 1), date(2024, 12, 31))
    special = draw(st.dictionaries(days, day_hours(), max_size=8))
    closures = {day: Closure(day, "special", hours) for day, hours in special.items()}
    return Schedule(draw(st.sampled_from(ZONES)), weekly, closures)


def instants_near(transitions: list[datetime]) -> st.SearchStrategy[datetime]:
    """Instants of 2024 in UTC, often within 30 hours of one of `transitions`."""
    return st.one_of(
        st.datetimes(datetime(2024, 1, 1), datetime(2024, 12, 31), timezones=st.just(UTC)),
        st.builds(
            lambda at, shift: at + shift,
            st.sampled_from(transitions),
            st.timedeltas(-timedelta(hours=30), timedelta(hours=30)),
        ),
    )


instants = instants_near(TRANSITIONS)
HORIZON = 15


@settings(deadline=None)
@given(schedules(), instants)
def test_is_open_agrees_with_open_periods(schedule: Schedule, at: datetime) -> None:
    around = schedule.open_periods(at - timedelta(days=2), at + timedelta(days=2))
    assert schedule.is_open(at) == any(start <= at < end for start, end in around)


@settings(deadline=None)
@given(schedules(), instants)
def test_next_opening_is_open_and_nothing_before_it_is(schedule: Schedule, at: datetime) -> None:
    opening = schedule.next_opening(at, horizon_days=HORIZON)
    if opening is None:
        assert list(schedule.open_periods(at, at + timedelta(days=HORIZON))) == []
        return
    assert at <= opening < at + timedelta(days=HORIZON)
    assert schedule.is_open(opening)
    assert list(schedule.open_periods(at, opening)) == []


@settings(deadline=None)
@given(schedules(), instants)
def test_closes_at_ends_the_open_period(schedule: Schedule, at: datetime) -> None:
    closes = schedule.closes_at(at, horizon_days=HORIZON)
    if not schedule.is_open(at):
        assert closes is None
        return
    assert closes is not None and closes > at
    assert list(schedule.open_periods(at, closes)) == [(at, closes)]
    assert closes == at + timedelta(days=HORIZON) or not schedule.is_open(closes)


@settings(deadline=None)
@given(schedules(), instants)
def test_open_periods_are_sorted_disjoint_and_in_utc(schedule: Schedule, at: datetime) -> None:
    periods = list(schedule.open_periods(at, at + timedelta(days=4)))
    for start, end in periods:
        assert start.tzinfo is UTC and end.tzinfo is UTC
        assert at <= start < end <= at + timedelta(days=4)
    for (_, before_end), (after_start, _) in pairwise(periods):
        assert before_end < after_start


def _changes_offset(tz: ZoneInfo, at: datetime) -> bool:
    return (at - timedelta(seconds=1)).astimezone(tz).utcoffset() != at.astimezone(tz).utcoffset()


# Each transition as (zone, local date); all of them happen within four hours of midnight.
TRANSITION_DAYS = [
    (tz, at.astimezone(tz).date()) for at in TRANSITIONS for tz in ZONES if _changes_offset(tz, at)
]
quarter_hours = st.integers(0, 24 * 4).map(lambda quarter: timedelta(minutes=15 * quarter))
wall_readings = st.one_of(
    st.tuples(
        st.sampled_from(ZONES), st.dates(date(2024, 1, 1), date(2024, 12, 31)), quarter_hours
    ),
    st.builds(
        lambda zone_day, since_midnight: (*zone_day, since_midnight),
        st.sampled_from(TRANSITION_DAYS),
        st.integers(0, 16).map(lambda quarter: timedelta(minutes=15 * quarter)),
    ),
)


def test_every_transition_is_found() -> None:
    assert len(TRANSITION_DAYS) == len(TRANSITIONS)


@given(wall_readings)
def test_wall_to_utc_jumps_gaps_forward_and_takes_the_first_of_a_fold(
    reading: tuple[ZoneInfo, date, timedelta],
) -> None:
    tz, day, since_midnight = reading
    wall = datetime.combine(day, time(0)) + since_midnight
    instant = wall_to_utc(day, since_midnight, tz)
    shown = instant.astimezone(tz).replace(tzinfo=None)
    if shown == wall:
        assert instant <= wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    else:
        just_before = (instant - timedelta(seconds=1)).astimezone(tz).replace(tzinfo=None)
        assert just_before < wall < shown
