from datetime import time, timedelta

import pytest

from callback.config.durations import (
    format_clock,
    format_duration,
    parse_clock,
    parse_duration,
    parse_end,
    parse_interval,
)
from callback.hours import Interval


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, timedelta(0)),
        (90, timedelta(seconds=90)),
        ("90s", timedelta(seconds=90)),
        ("5m", timedelta(minutes=5)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2d", timedelta(days=2)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        (" 3M ", timedelta(minutes=3)),
        (timedelta(minutes=7), timedelta(minutes=7)),
    ],
)
def test_durations_are_read_from_seconds_or_unit_text(raw: object, expected: timedelta) -> None:
    assert parse_duration(raw) == expected


@pytest.mark.parametrize("raw", ["", "5", "3 minutes", "1m1h", "1.5m", "-5s", "5mm", 1.5, True, -1])
def test_bad_durations_say_how_to_write_one(raw: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(raw)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=90), "1h30m"),
        (timedelta(days=1), "1d"),
        (timedelta(days=1, seconds=5), "1d5s"),
    ],
)
def test_durations_format_back_to_the_shortest_text(value: timedelta, text: str) -> None:
    assert format_duration(value) == text
    assert parse_duration(text) == value


def test_clock_readings() -> None:
    assert parse_clock("09:30") == time(9, 30)
    assert parse_clock(time(7, 0)) == time(7, 0)
    assert parse_end("24:00") == time(0)
    assert format_clock(time(0), end=True) == "24:00"
    assert format_clock(time(0)) == "00:00"


@pytest.mark.parametrize("raw", ["9:30", "24:00", "12:60", "noon", 930, "09:30:00"])
def test_bad_clock_readings_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock(raw)


def test_a_range_may_end_at_24_but_not_at_00() -> None:
    assert parse_interval("22:00-24:00") == Interval(time(22), time(0))
    with pytest.raises(ValueError, match="'24:00', not '00:00'"):
        parse_interval("22:00-00:00")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("17:00-09:00", "split a range across midnight"),
        ("09:00-09:00", "ends before it starts"),
        ("09:00", "HH:MM-HH:MM"),
        ("09:00-12:00-13:00", "HH:MM-HH:MM"),
        (["09:00", "12:00"], "HH:MM-HH:MM"),
    ],
)
def test_bad_ranges_are_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_interval(raw)
