"""A window of local days cut into intervals, and records counted in the one they started in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from callback.history import Arrival, History, Hold, Occupation, Tally, spans, tallies

LONDON = ZoneInfo("Europe/London")
HALF_HOUR = timedelta(minutes=30)


def test_a_day_in_winter_is_48_half_hours_from_local_midnight() -> None:
    cut = spans(LONDON, date(2026, 12, 7), 1, HALF_HOUR)
    assert len(cut) == 48
    assert cut[0] == (
        datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 7, 0, 30, tzinfo=UTC),
    )
    assert cut[-1][1] == datetime(2026, 12, 8, tzinfo=UTC)


def test_a_summer_day_starts_at_local_midnight_an_hour_before_utc() -> None:
    cut = spans(LONDON, date(2026, 7, 1), 2, timedelta(hours=1))
    assert len(cut) == 48
    assert cut[0][0] == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)


def test_days_of_a_clock_change_are_23_and_25_hours() -> None:
    # Europe/London: clocks go forward on 29 March 2026 and back on 25 October 2026.
    assert len(spans(LONDON, date(2026, 3, 29), 1, timedelta(hours=1))) == 23
    assert len(spans(LONDON, date(2026, 10, 25), 1, timedelta(hours=1))) == 25


def test_an_interval_that_does_not_divide_the_day_ends_at_midnight() -> None:
    cut = spans(ZoneInfo("UTC"), date(2026, 12, 7), 1, timedelta(hours=7))
    assert [end - start for start, end in cut] == [timedelta(hours=7)] * 3 + [timedelta(hours=3)]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=UTC)


def test_records_count_in_the_interval_they_started_in() -> None:
    cut = [(_at(9), _at(10)), (_at(10), _at(11))]
    history = History(
        arrivals=[
            Arrival("support", _at(9), True),  # the first instant belongs to the interval
            Arrival("support", _at(9, 59), False),
            Arrival("support", _at(10), True),  # the end belongs to the next one
            Arrival("sales", _at(9, 30), True),  # another queue
            Arrival("support", _at(8, 59), True),  # before the window
            Arrival("support", _at(11), True),  # after it
        ],
        occupations=[
            Occupation("support", _at(9, 10), 300.0, True),
            Occupation("support", _at(9, 20), 60.0, False),
            Occupation("support", _at(10, 5), 200.0, True),
        ],
        holds=[
            Hold("support", _at(9, 1), 120.0, True),
            Hold("support", _at(9, 2), 30.0, False),
            Hold("support", _at(12), 30.0, True),
        ],
    )
    first, second = tallies(history, "support", cut)
    assert first == Tally(
        held=1, callbacks=1, served=1, occupied_s=360.0, abandoned=1, waited=2, exposure_s=150.0
    )
    assert second == Tally(held=1, served=1, occupied_s=200.0)
    assert (first + second).offered == 3


def test_no_records_make_empty_tallies() -> None:
    assert tallies(History(), "support", [(_at(9), _at(10))]) == [Tally()]
