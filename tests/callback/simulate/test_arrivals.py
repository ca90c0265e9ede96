"""The forecast file: what it accepts, what it refuses (naming the line and column), the stream."""

from __future__ import annotations

from datetime import time

import pytest

from callback.simulate.arrivals import Interval, Kind, ProfileError, contacts, parse_profile

HEADER = "queue,start,end,channel,offered,handle_s,patience_s,callback_share,no_answer,machine\n"


def test_a_forecast_file_is_read_row_by_row() -> None:
    text = (
        HEADER
        + "support,08:00,09:00,phone,80,270,240,0.5,0.15,0.05\nsupport,23:00,24:00,web,4,300,,,,\n"
    )
    phone, web = parse_profile(text)
    assert phone == Interval("support", time(8), time(9), Kind.PHONE, 80, 270, 240, 0.5, 0.15, 0.05)
    assert web.channel is Kind.WEB and web.patience_s is None and web.callback_share == 0.0
    assert web.seconds == (23 * 3600.0, 86400.0)


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (
            "support,08:00,09:00,phone,80,270,240,1.5,0,0",
            "line 2: callback_share must be within 0..1",
        ),
        ("support,8h,09:00,phone,80,270,240,0,0,0", "line 2: start must be HH:MM"),
        ("support,08:00,09:00,fax,80,270,240,0,0,0", "line 2: channel must be phone, web or slot"),
        ("support,08:00,09:00,phone,many,270,240,0,0,0", "line 2: offered must be a number"),
        ("support,08:00,09:00,phone,-1,270,240,0,0,0", "line 2: offered cannot be negative"),
        ("support,09:00,08:00,phone,80,270,240,0,0,0", "line 2: needs a queue, start < end"),
    ],
)
def test_a_wrong_row_is_refused_naming_its_line_and_column(row: str, says: str) -> None:
    with pytest.raises(ProfileError, match=says):
        parse_profile(HEADER + row + "\n")


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(ProfileError, match="missing columns offered, handle_s"):
        parse_profile("queue,start,end,channel\n")


def test_the_same_seed_gives_the_same_people_and_another_seed_others() -> None:
    profile = (Interval("q", time(8), time(10), Kind.PHONE, 200, 300, 600, 0.3, 0.1, 0.1),)
    first = contacts(profile, "q", 2, seed=4)
    assert first == contacts(profile, "q", 2, seed=4)
    assert first != contacts(profile, "q", 2, seed=5)
    assert all(8 * 3600 <= c.at % 86400 < 10 * 3600 for c in first)
    assert 300 < len(first) < 500  # two days of 200 expected: Poisson, not a fixed count
    assert contacts(profile, "other", 2, seed=4) == []


def test_a_row_for_some_days_only_brings_people_on_those_days() -> None:
    text = HEADER.rstrip() + ",day\n"
    text += "q,09:00,10:00,phone,50,300,600,0,0,0,weekend\nq,09:00,10:00,web,5,300,,,,,Monday\n"
    weekend, monday = parse_profile(text)
    with pytest.raises(ProfileError, match="line 2: day must be daily, weekdays, weekend or a"):
        parse_profile(text.replace("weekend", "someday"))
    assert (weekend.day, monday.day) == ("weekend", "monday")
    week = contacts((weekend, monday), "q", 7, seed=1, weekday=4)  # Friday to Thursday
    days = {int(c.at // 86400) for c in week}
    assert days == {1, 2, 3}  # Saturday, Sunday, Monday
    assert {c.kind for c in week if c.at // 86400 == 3} == {Kind.WEB}


def test_a_declined_column_gives_the_share_of_answered_dials_that_say_not_now() -> None:
    text = HEADER.rstrip() + ",day,declined\nq,09:00,10:00,web,5,300,,,0.1,0,,0.25\n"
    (row,) = parse_profile(text)
    assert (row.no_answer, row.declined, row.day) == (0.1, 0.25, "daily")
    assert all(c.declined == 0.25 for c in contacts((row,), "q", 1, seed=1))
    with pytest.raises(ProfileError, match="line 2: declined must be within"):
        parse_profile(text.replace("0.25", "2"))
