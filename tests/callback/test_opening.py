"""The cached open/next-opening/closing answers equal the schedule's own, boundaries included."""

from datetime import UTC, datetime, timedelta

import pytest

from callback.opening import OpeningCache, hours_at
from tests.callback.config.snippets import build

WEEKDAYS = ""
ALWAYS = '[queues.support.hours]\nweekdays = ["00:00-24:00"]\nweekend = ["00:00-24:00"]\n'
START = datetime(2026, 3, 27, 8, 0, 1, tzinfo=UTC)  # a Friday, before the clocks change


@pytest.mark.parametrize("hours", [WEEKDAYS, ALWAYS], ids=["weekdays", "always"])
def test_cached_answers_match_the_schedule(hours: str) -> None:
    schedule = build(hours).queues["support"].schedule()
    cache = OpeningCache()
    now = START
    for _ in range(1500):  # five days by 5 minutes less a second: crosses every boundary
        assert cache.hours(schedule, now) == hours_at(schedule, now), now
        now += timedelta(minutes=4, seconds=59)
    assert hours_at(schedule, START).open is (hours == ALWAYS)  # the 24/7 case is one indeed


def test_exact_boundaries_and_a_clock_going_back() -> None:
    schedule = build().queues["support"].schedule()
    cache = OpeningCache()
    closing = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    for now in (closing - timedelta(microseconds=1), closing, START, closing):
        assert cache.hours(schedule, now) == hours_at(schedule, now), now
    assert not cache.hours(schedule, closing).open
