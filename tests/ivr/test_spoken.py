from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callback.estimate import Estimate
from ivr.spoken import (
    About,
    Between,
    about_minutes,
    clock,
    day_key,
    group_sizes,
    grouped_digits,
    is_uncertain,
    last_digits,
    only_digits,
    round_to_five,
    spoken_digits,
    spoken_wait,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def estimate(wait: float, low: float, high: float, servers: int) -> Estimate:
    """An estimate with waits given in minutes."""
    return Estimate(
        wait=timedelta(minutes=wait),
        low=timedelta(minutes=low),
        high=timedelta(minutes=high),
        by=NOW + timedelta(minutes=high),
        before_close=True,
        servers=servers,
    )


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 2),  # never fewer than two minutes spoken
        (89, 2),
        (150, 3),  # 2.5 minutes rounds half up
        (440, 7),
        (629, 10),
        (631, 10),  # 10.5 minutes is past ten: spoken to five minutes
        (12 * 60 + 24, 10),
        (12 * 60 + 36, 15),
        (47 * 60, 45),
        (48 * 60, 50),
    ],
)
def test_about_minutes_rounds_to_the_minute_then_to_five(seconds: int, minutes: int) -> None:
    assert about_minutes(timedelta(seconds=seconds)) == minutes


def test_a_negative_span_is_spoken_as_the_smallest_figure() -> None:
    assert about_minutes(timedelta(seconds=-30)) == 2


def test_a_large_team_with_a_narrow_range_hears_one_figure() -> None:
    narrow = estimate(wait=12.4, low=8, high=17, servers=8)
    assert not is_uncertain(narrow)
    assert spoken_wait(narrow) == About(10)


def test_a_small_team_hears_a_range_widened_to_its_steps() -> None:
    small = estimate(wait=7.3, low=2.6, high=13.2, servers=3)
    assert is_uncertain(small)
    assert spoken_wait(small) == Between(2, 15)


def test_a_wide_range_is_a_range_even_for_a_large_team() -> None:
    wide = estimate(wait=4, low=0.5, high=9, servers=20)
    assert is_uncertain(wide)
    assert spoken_wait(wide) == Between(1, 9)


def test_a_range_that_rounds_to_one_figure_is_spoken_as_about() -> None:
    tight = estimate(wait=5, low=5, high=5, servers=1)
    assert spoken_wait(tight) == About(5)


def test_a_short_uncertain_wait_never_starts_below_one_minute() -> None:
    short = estimate(wait=1.2, low=0.2, high=1.6, servers=1)
    assert spoken_wait(short) == Between(1, 2)


def test_clock_is_local_wall_time_and_follows_summer_time() -> None:
    assert clock(datetime(2026, 3, 10, 14, 40, tzinfo=UTC), LONDON) == "14:40"
    assert clock(datetime(2026, 7, 10, 14, 40, tzinfo=UTC), LONDON) == "15:40"


@pytest.mark.parametrize(
    ("moment", "rounded"),
    [
        (datetime(2026, 3, 10, 14, 42, 29, tzinfo=UTC), datetime(2026, 3, 10, 14, 40, tzinfo=UTC)),
        (datetime(2026, 3, 10, 14, 42, 30, tzinfo=UTC), datetime(2026, 3, 10, 14, 45, tzinfo=UTC)),
        (datetime(2026, 3, 10, 23, 58, tzinfo=UTC), datetime(2026, 3, 11, 0, 0, tzinfo=UTC)),
        (datetime(2026, 3, 10, 14, 45, tzinfo=UTC), datetime(2026, 3, 10, 14, 45, tzinfo=UTC)),
    ],
)
def test_round_to_five(moment: datetime, rounded: datetime) -> None:
    assert round_to_five(moment) == rounded


def test_round_to_five_returns_utc_for_any_zone() -> None:
    local = datetime(2026, 7, 10, 15, 43, tzinfo=LONDON)
    assert round_to_five(local) == datetime(2026, 7, 10, 14, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "key"),
    [
        (datetime(2026, 3, 10, 23, 59, tzinfo=UTC), "day_today"),
        (datetime(2026, 3, 11, 8, 0, tzinfo=UTC), "day_tomorrow"),
        (datetime(2026, 3, 13, 8, 0, tzinfo=UTC), "day_friday"),
        (datetime(2026, 3, 16, 8, 0, tzinfo=UTC), "day_monday"),
    ],
)
def test_day_key_names_the_local_day(moment: datetime, key: str) -> None:
    assert day_key(moment, NOW, LONDON) == key


def test_day_key_uses_the_queue_zone_not_utc() -> None:
    # 23:30 UTC on 10 March is already 11 March in Tokyo.
    tokyo = ZoneInfo("Asia/Tokyo")
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    assert day_key(late, datetime(2026, 3, 10, 10, 0, tzinfo=UTC), tokyo) == "day_tomorrow"


def test_digits_are_read_one_by_one() -> None:
    assert only_digits("+44 (20) 7946-0000") == "442079460000"
    assert spoken_digits("4567") == "4 5 6 7"
    assert last_digits("+447700900123") == "0 1 2 3"
    assert last_digits("+447700900123", 2) == "2 3"


@pytest.mark.parametrize(
    ("length", "sizes"),
    [
        (0, []),
        (3, [3]),
        (4, [4]),
        (5, [2, 3]),
        (7, [3, 4]),
        (8, [4, 4]),
        (10, [3, 3, 4]),
        (11, [3, 4, 4]),
        (13, [3, 3, 3, 4]),
    ],
)
def test_group_sizes_are_even_and_at_most_four(length: int, sizes: list[int]) -> None:
    assert group_sizes(length) == sizes
    assert sum(sizes) == length


def test_grouped_digits_separates_groups_with_commas() -> None:
    assert grouped_digits("07946000000") == "0 7 9, 4 6 0 0, 0 0 0 0"
    assert grouped_digits("") == ""
