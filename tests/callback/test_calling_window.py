"""Calling windows: the callee's own clock decides, in every zone their number may ring in.

Clock-change dates come from the tz database (IANA): US 2025-03-09 and 2025-11-02 at
02:00 local; EU/UK 2025-03-30 and 2025-10-26 at 01:00 UTC; New South Wales 2025-04-06
at 03:00 local; Iran last observed DST in 2022 (from 2022-03-22 00:00 local) and has
stayed at +03:30 since 2023.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callback.calling_window import (
    HORIZON,
    CallingWindow,
    allows,
    callee_zones,
    next_allowed,
)
from callback.types import E164

DAYTIME = CallingWindow(time(8), time(21))
LONDON_TZ = ZoneInfo("Europe/London")

LONDON = E164("+442079460000")  # Ofcom drama range
NEW_YORK = E164("+12125550100")  # NANPA fictional 555-01xx
NEVADA = E164("+17752345678")  # area code 775: Pacific time, and Mountain in the north-east
ALASKA = E164("+19072345678")  # area code 907: Anchorage, and Adak on the Aleutians
NEWFOUNDLAND = E164("+17092345678")  # 709: Newfoundland (-03:30) and Labrador (-04:00)
US_TOLL_FREE = E164("+18002345678")
SYDNEY = E164("+61298765432")
SOUTH_AND_WEST_AU = E164("+61892345678")  # 08 covers Adelaide and Perth
AU_MOBILE = E164("+61412345678")
TEHRAN = E164("+982188888888")
IRIDIUM = E164("+881612345678")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def zone_names(number: E164) -> set[str]:
    return {zone.key for zone in callee_zones(number, LONDON_TZ)}


def test_a_window_is_naive_and_ends_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        CallingWindow(time(21), time(8))
    with pytest.raises(ValueError, match="end after"):
        CallingWindow(time(8), time(8))
    with pytest.raises(ValueError, match="naive"):
        CallingWindow(time(8, tzinfo=UTC), time(21))


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    assert DAYTIME.contains(time(8))
    assert DAYTIME.contains(time(20, 59, 59, 999999))
    assert not DAYTIME.contains(time(21))
    assert not DAYTIME.contains(time(7, 59, 59))


def test_zones_come_from_the_number_metadata() -> None:
    assert zone_names(LONDON) == {"Europe/London"}
    assert zone_names(NEW_YORK) == {"America/New_York"}
    assert zone_names(NEVADA) == {"America/Los_Angeles", "America/Boise"}
    assert zone_names(TEHRAN) == {"Asia/Tehran"}
    assert {"Australia/Sydney", "Australia/Perth"} <= zone_names(AU_MOBILE)
    assert len(zone_names(US_TOLL_FREE)) > 10


def test_unknown_zones_fall_back() -> None:
    fallback = ZoneInfo("Asia/Tokyo")
    assert callee_zones(IRIDIUM, fallback) == (fallback,)  # metadata says Etc/Unknown
    assert callee_zones(E164("not a number"), fallback) == (fallback,)
    # 07:30 UTC is 16:30 in Tokyo: the fallback's clock decides.
    assert allows(DAYTIME, IRIDIUM, utc(2025, 6, 1, 7, 30), fallback)
    assert not allows(DAYTIME, IRIDIUM, utc(2025, 6, 1, 13), fallback)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        allows(DAYTIME, LONDON, datetime(2025, 6, 1, 12), LONDON_TZ)
    with pytest.raises(ValueError, match="aware"):
        next_allowed(DAYTIME, LONDON, datetime(2025, 6, 1, 12), LONDON_TZ)


def test_london_summer_and_winter() -> None:
    assert allows(DAYTIME, LONDON, utc(2025, 6, 1, 7, 30), LONDON_TZ)  # 08:30 BST
    assert not allows(DAYTIME, LONDON, utc(2025, 1, 15, 7, 30), LONDON_TZ)  # 07:30 GMT
    assert not allows(DAYTIME, LONDON, utc(2025, 6, 1, 20), LONDON_TZ)  # 21:00 BST
    assert allows(DAYTIME, LONDON, utc(2025, 1, 15, 20, 59), LONDON_TZ)  # 20:59 GMT


def test_london_spring_forward_night() -> None:
    # 21:00 GMT on Saturday; clocks go forward overnight, so 08:00 BST is 07:00 UTC.
    assert next_allowed(DAYTIME, LONDON, utc(2025, 3, 29, 21), LONDON_TZ) == utc(2025, 3, 30, 7)


def test_london_fall_back_night() -> None:
    # 21:00 BST on Saturday; clocks go back overnight, so 08:00 GMT is 08:00 UTC.
    assert next_allowed(DAYTIME, LONDON, utc(2025, 10, 25, 20), LONDON_TZ) == utc(2025, 10, 26, 8)


def test_now_is_returned_unchanged_when_already_allowed() -> None:
    now = datetime(2025, 6, 1, 9, 15, 7, 123, tzinfo=LONDON_TZ)
    result = next_allowed(DAYTIME, LONDON, now, LONDON_TZ)
    assert result == now
    assert result is not None and result.tzinfo is LONDON_TZ


def test_new_york_spring_forward_day() -> None:
    assert not allows(DAYTIME, NEW_YORK, utc(2025, 3, 8, 12, 30), LONDON_TZ)  # 07:30 EST
    assert allows(DAYTIME, NEW_YORK, utc(2025, 3, 9, 12, 30), LONDON_TZ)  # 08:30 EDT
    assert next_allowed(DAYTIME, NEW_YORK, utc(2025, 3, 9, 2), LONDON_TZ) == utc(2025, 3, 9, 12)


def test_a_window_starting_inside_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    # 02:30 never happens on 2025-03-09 in New York: 01:59:59 EST is followed by 03:00 EDT.
    night = CallingWindow(time(2, 30), time(3, 30))
    assert next_allowed(night, NEW_YORK, utc(2025, 3, 9, 6), LONDON_TZ) == utc(2025, 3, 9, 7)
    assert not allows(night, NEW_YORK, utc(2025, 3, 9, 6, 59, 59), LONDON_TZ)


def test_the_repeated_hour_of_fall_back_opens_the_window_twice() -> None:
    # 2025-11-02 in New York: 01:00-02:00 EDT (05:00-06:00 UTC), then 01:00-02:00 EST again.
    inside_repeat = CallingWindow(time(1, 15), time(1, 45))
    assert next_allowed(inside_repeat, NEW_YORK, utc(2025, 11, 2, 5, 50), LONDON_TZ) == utc(
        2025, 11, 2, 6, 15
    )
    # The clock falls back from 02:00 EDT into an open window at 01:00 EST.
    falls_into = CallingWindow(time(0, 30), time(1, 30))
    assert next_allowed(falls_into, NEW_YORK, utc(2025, 11, 2, 5, 35), LONDON_TZ) == utc(
        2025, 11, 2, 6
    )


def test_an_area_code_across_a_zone_line_needs_both_clocks() -> None:
    # 775: Los Angeles and Boise are an hour apart, so 08:00-21:00 shrinks to 08:00-20:00
    # Pacific. On spring-forward day that is 15:00 UTC to 03:00 UTC the next day.
    assert not allows(DAYTIME, NEVADA, utc(2025, 3, 9, 14, 59), LONDON_TZ)
    assert allows(DAYTIME, NEVADA, utc(2025, 3, 9, 15), LONDON_TZ)
    assert allows(DAYTIME, NEVADA, utc(2025, 3, 10, 2, 59), LONDON_TZ)
    assert not allows(DAYTIME, NEVADA, utc(2025, 3, 10, 3), LONDON_TZ)
    assert next_allowed(DAYTIME, NEVADA, utc(2025, 3, 9, 6), LONDON_TZ) == utc(2025, 3, 9, 15)


def test_sydney_fall_back_and_perth_without_dst() -> None:
    # Sydney leaves +11 for +10 on 2025-04-06; Perth stays at +08; Adelaide +10:30 -> +09:30.
    assert next_allowed(DAYTIME, SYDNEY, utc(2025, 4, 5, 10), LONDON_TZ) == utc(2025, 4, 5, 22)
    assert next_allowed(DAYTIME, SYDNEY, utc(2025, 4, 4, 10), LONDON_TZ) == utc(2025, 4, 4, 21)
    # Adelaide and Perth: open at 08:00 Perth (00:00 UTC), close at 21:00 Adelaide.
    assert not allows(DAYTIME, SOUTH_AND_WEST_AU, utc(2025, 4, 5, 10, 45), LONDON_TZ)
    assert allows(DAYTIME, SOUTH_AND_WEST_AU, utc(2025, 4, 6, 10, 45), LONDON_TZ)
    assert next_allowed(DAYTIME, SOUTH_AND_WEST_AU, utc(2025, 4, 5, 12), LONDON_TZ) == utc(
        2025, 4, 6
    )


def test_an_australian_mobile_needs_every_australian_clock() -> None:
    result = next_allowed(DAYTIME, AU_MOBILE, utc(2025, 4, 5, 12), LONDON_TZ)
    assert result is not None
    for zone in callee_zones(AU_MOBILE, LONDON_TZ):
        assert DAYTIME.contains(result.astimezone(zone).time()), zone
    assert not allows(DAYTIME, AU_MOBILE, result - timedelta(minutes=1), LONDON_TZ)
    sydney, perth = ZoneInfo("Australia/Sydney"), ZoneInfo("Australia/Perth")
    assert not allows(DAYTIME, AU_MOBILE, utc(2025, 4, 5, 23, 30), LONDON_TZ)  # 07:30 Perth
    assert result.astimezone(sydney).time() >= time(10)  # Perth must be up too
    assert result.astimezone(perth).time() >= time(8)


def test_tehran_half_hour_offset_without_dst() -> None:
    # 2025-03-22 04:00 UTC is 07:30 in Tehran (+03:30 all year since 2023).
    assert not allows(DAYTIME, TEHRAN, utc(2025, 3, 22, 4), LONDON_TZ)
    assert next_allowed(DAYTIME, TEHRAN, utc(2025, 3, 22, 4), LONDON_TZ) == utc(2025, 3, 22, 4, 30)


def test_tehran_last_spring_forward() -> None:
    # 2022-03-22 00:00 +03:30 became 01:00 +04:30, so 08:00 that morning was 03:30 UTC.
    assert next_allowed(DAYTIME, TEHRAN, utc(2022, 3, 21, 18), LONDON_TZ) == utc(2022, 3, 22, 3, 30)


def test_newfoundland_and_labrador_half_hour_apart() -> None:
    # 709: St John's is -02:30 in summer, Labrador (Halifax rules) -03:00.
    assert next_allowed(DAYTIME, NEWFOUNDLAND, utc(2025, 7, 1, 1), LONDON_TZ) == utc(2025, 7, 1, 11)
    assert not allows(DAYTIME, NEWFOUNDLAND, utc(2025, 7, 1, 23, 30), LONDON_TZ)  # 21:00 NDT


def test_us_toll_free_rings_everywhere_in_north_america_so_its_window_is_narrow() -> None:
    # From Pago Pago (-11) to Guam (+10): 21 hours, i.e. 3 hours short of a full day.
    result = next_allowed(DAYTIME, US_TOLL_FREE, utc(2025, 4, 5, 12), LONDON_TZ)
    assert result is not None
    for zone in callee_zones(US_TOLL_FREE, LONDON_TZ):
        assert DAYTIME.contains(result.astimezone(zone).time()), zone


def test_no_common_hour_within_the_horizon_gives_none() -> None:
    # Guam and St John's are 11:30 apart on the dial: no 4-hour window fits them both.
    morning = CallingWindow(time(8), time(12))
    assert next_allowed(morning, US_TOLL_FREE, utc(2025, 4, 5, 12), LONDON_TZ) is None
    assert not allows(morning, US_TOLL_FREE, utc(2025, 4, 5, 22), LONDON_TZ)


def test_the_horizon_is_eight_days() -> None:
    assert timedelta(days=8) == HORIZON


# --- properties -----------------------------------------------------------------------

FEW_ZONES = [LONDON, NEW_YORK, NEVADA, ALASKA, NEWFOUNDLAND, SYDNEY, SOUTH_AND_WEST_AU, TEHRAN]
MANY_ZONES = [*FEW_ZONES, AU_MOBILE, US_TOLL_FREE]
CLOCK_CHANGES = [
    (NEW_YORK, utc(2025, 3, 9, 7)),
    (NEW_YORK, utc(2025, 11, 2, 6)),
    (NEVADA, utc(2025, 3, 9, 9)),  # Boise forward
    (NEVADA, utc(2025, 3, 9, 10)),  # Los Angeles forward
    (NEVADA, utc(2025, 11, 2, 8)),  # Boise back
    (ALASKA, utc(2025, 3, 9, 11)),  # Anchorage forward
    (ALASKA, utc(2025, 3, 9, 12)),  # Adak forward
    (NEWFOUNDLAND, utc(2025, 3, 9, 5, 30)),  # St John's forward
    (LONDON, utc(2025, 3, 30, 1)),
    (LONDON, utc(2025, 10, 26, 1)),
    (SYDNEY, utc(2025, 4, 5, 16)),
    (SYDNEY, utc(2025, 10, 4, 16)),
    (SOUTH_AND_WEST_AU, utc(2025, 4, 5, 16, 30)),  # Adelaide back
    (TEHRAN, utc(2022, 3, 21, 20, 30)),
    (TEHRAN, utc(2022, 9, 21, 19, 30)),
]

any_instant = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2030, 1, 1),
    timezones=st.just(UTC),
)


@st.composite
def numbers_and_instants(draw: st.DrawFn, numbers: list[E164]) -> tuple[E164, datetime]:
    """Any number at any instant, or, half the time, a number shortly before its clock change."""
    if draw(st.booleans()):
        return draw(st.sampled_from(numbers)), draw(any_instant)
    number, change = draw(st.sampled_from(CLOCK_CHANGES))
    before = draw(st.integers(-36 * 3600 * 10**6, 12 * 3600 * 10**6))
    return number, change + timedelta(microseconds=before)


@st.composite
def windows(draw: st.DrawFn, min_minutes: int = 1) -> CallingWindow:
    start = draw(st.integers(0, 24 * 60 - 1 - min_minutes))
    end = draw(st.integers(start + min_minutes, 24 * 60 - 1))
    return CallingWindow(time(start // 60, start % 60), time(end // 60, end % 60))


@given(window=windows(), case=numbers_and_instants(MANY_ZONES))
def test_an_allowed_instant_is_inside_the_window_in_every_zone(
    window: CallingWindow, case: tuple[E164, datetime]
) -> None:
    number, now = case
    if allows(window, number, now, LONDON_TZ):
        for zone in callee_zones(number, LONDON_TZ):
            assert window.start <= now.astimezone(zone).time() < window.end


def minutes_from(now: datetime) -> Iterator[datetime]:
    """`now`, then every whole minute after it, for two days."""
    yield now
    first = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    for step in range(2 * 24 * 60):
        yield first + timedelta(minutes=step)


@settings(deadline=None, max_examples=200)
@given(window=windows(min_minutes=4 * 60), case=numbers_and_instants(FEW_ZONES))
def test_next_allowed_is_the_first_allowed_minute(
    window: CallingWindow, case: tuple[E164, datetime]
) -> None:
    number, now = case
    # Windows start on whole minutes and these zones change offset on whole minutes, so
    # the true answer is `now` or a whole minute: a minute-by-minute scan must agree.
    zones = callee_zones(number, LONDON_TZ)
    expected = next(
        at
        for at in minutes_from(now)
        if all(window.contains(at.astimezone(zone).time()) for zone in zones)
    )
    assert next_allowed(window, number, now, LONDON_TZ) == expected


@settings(deadline=None, max_examples=200)
@given(window=windows(), case=numbers_and_instants(MANY_ZONES))
def test_next_allowed_is_allowed_and_the_minute_before_is_not(
    window: CallingWindow, case: tuple[E164, datetime]
) -> None:
    number, now = case
    result = next_allowed(window, number, now, LONDON_TZ)
    if result is None:
        return
    assert now <= result <= now + HORIZON
    assert allows(window, number, result, LONDON_TZ)
    assert next_allowed(window, number, result, LONDON_TZ) == result
    before = result - timedelta(minutes=1)
    if before >= now:
        assert not allows(window, number, before, LONDON_TZ)
