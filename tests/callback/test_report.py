"""Report figures: rates worked out by hand, and slots folded into local days and intervals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callback.report import (
    Bucket,
    Grain,
    Tally,
    bucket_of,
    group,
    span,
    total,
)

LONDON = ZoneInfo("Europe/London")
TEHRAN = ZoneInfo("Asia/Tehran")  # +03:30: a half-hour offset
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # +05:45: a quarter-hour offset


def test_rates_from_a_tally_worked_out_by_hand() -> None:
    # 8 handled (6 callbacks, 2 from hold), 2 abandoned, 5 of the 10 within target.
    tally = Tally(
        offered=12,
        completed=6,
        served_held=2,
        abandoned=2,
        within_target=5,
        answer_seconds=480.0,
        attempts=9,
        kept=3,
        broken=1,
        estimated=4,
        estimate_error_seconds=100.0,
        estimate_in_range=3,
        ratings=2,
        rating_total=9,
    )
    assert tally.handled == 8
    assert tally.service_level == pytest.approx(0.5)
    assert tally.average_answer == pytest.approx(60.0)
    assert tally.abandonment == pytest.approx(0.2)
    assert tally.attempts_per_callback == pytest.approx(1.5)
    assert tally.kept_rate == pytest.approx(0.75)
    assert tally.estimate_error == pytest.approx(25.0)
    assert tally.estimate_hit_rate == pytest.approx(0.75)
    assert tally.survey_score == pytest.approx(4.5)


def test_an_empty_tally_has_no_rates() -> None:
    empty = Tally()
    rates = (
        empty.service_level,
        empty.average_answer,
        empty.abandonment,
        empty.attempts_per_callback,
        empty.kept_rate,
        empty.estimate_error,
        empty.estimate_hit_rate,
        empty.survey_score,
    )
    assert rates == (None,) * 8


def test_tallies_add_field_by_field() -> None:
    one = Tally(offered=1, answer_seconds=2.5, ratings=1, rating_total=4)
    two = Tally(offered=2, answer_seconds=1.0, broken=1)
    assert one.plus(two) == Tally(
        offered=3, answer_seconds=3.5, ratings=1, rating_total=4, broken=1
    )


def test_span_covers_local_days_across_the_spring_change() -> None:
    # London moves to summer time on 29 March 2026: that day has 23 hours.
    start, end = span(date(2026, 3, 29), date(2026, 3, 29), LONDON)
    assert start == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


def test_an_instant_falls_in_its_local_day_and_interval() -> None:
    instant = datetime(2026, 3, 2, 20, 50, tzinfo=UTC)  # 00:20 on 3 March in Tehran
    assert bucket_of(instant, TEHRAN, Grain.DAY) == datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    assert bucket_of(instant, TEHRAN, Grain.HOUR) == datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    assert bucket_of(instant, TEHRAN, Grain.HALF_HOUR) == datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    later = datetime(2026, 3, 2, 21, 5, tzinfo=UTC)  # 00:35 in Tehran
    assert bucket_of(later, TEHRAN, Grain.HALF_HOUR) == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    # 02:35 in Kathmandu: its half hour began at 02:30 local, 20:45 UTC the day before.
    nepal = datetime(2026, 3, 1, 20, 50, tzinfo=UTC)
    assert bucket_of(nepal, KATHMANDU, Grain.HALF_HOUR) == datetime(2026, 3, 1, 20, 45, tzinfo=UTC)


def test_slots_fold_into_days_with_the_empty_ones_shown() -> None:
    # Two London days in winter (UTC+0): slot 0 is 00:00-00:15 on the 2nd, slot 96 the 3rd.
    slots = {0: Tally(offered=2), 95: Tally(offered=1), 96: Tally(completed=4)}
    rows = group(slots, date(2026, 3, 2), date(2026, 3, 3), LONDON, Grain.DAY)
    assert [row.start.date() for row in rows] == [date(2026, 3, 2), date(2026, 3, 3)]
    assert [row.tally for row in rows] == [Tally(offered=3), Tally(completed=4)]
    assert total(rows) == Tally(offered=3, completed=4)


def test_slots_fold_into_half_hours_on_a_half_hour_offset() -> None:
    # Tehran's day starts 20:30 UTC; slots 0 and 1 make its first half hour, 2 the second.
    slots = {1: Tally(offered=1), 2: Tally(offered=5)}
    rows = group(slots, date(2026, 3, 3), date(2026, 3, 3), TEHRAN, Grain.HALF_HOUR)
    assert len(rows) == 48
    assert rows[0] == Bucket(datetime(2026, 3, 3, 0, 0, tzinfo=TEHRAN), Tally(offered=1))
    assert rows[1].start.strftime("%H:%M") == "00:30"
    assert rows[1].tally == Tally(offered=5)


def test_the_repeated_autumn_hour_gets_rows_of_its_own() -> None:
    # London leaves summer time on 25 October 2026: 01:00-02:00 happens twice, 25 hours.
    rows = group({}, date(2026, 10, 25), date(2026, 10, 25), LONDON, Grain.HOUR)
    assert len(rows) == 25
    assert [row.start.strftime("%H") for row in rows[:4]] == ["00", "01", "01", "02"]
