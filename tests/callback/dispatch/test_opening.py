"""The queue accepts new callbacks while open, except within the cut-off before closing."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from callback.dispatch.opening import Gate, gate, next_accepting
from tests.callback.dispatch.builders import always, hours, policy, spans, utc

TEN = policy(cutoff_before_closing=timedelta(minutes=10))
# Monday 2026-03-02 to Friday 2026-03-06, London on GMT (UTC+0) that week.
LONDON = hours("Europe/London", time(9), time(17))


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (8, 59, Gate.CLOSED),
        (9, 0, Gate.ACCEPTING),
        (16, 49, Gate.ACCEPTING),
        (16, 50, Gate.CUTOFF),
        (16, 59, Gate.CUTOFF),
        (17, 0, Gate.CLOSED),
    ],
)
def test_the_gate_around_opening_and_closing(hour: int, minute: int, expected: Gate) -> None:
    assert gate(LONDON, TEN, utc(2026, 3, 2, hour, minute)) is expected


def test_without_a_cutoff_the_queue_accepts_until_it_closes() -> None:
    assert gate(LONDON, policy(), utc(2026, 3, 2, 16, 59, 59)) is Gate.ACCEPTING


def test_the_cutoff_counts_from_the_end_of_merged_periods() -> None:
    # Open 22:00-24:00 and 00:00-06:00: one night, so no cut-off at midnight.
    night = spans("UTC", ((time(22), time(0)), (time(0), time(6))), range(7))
    assert gate(night, TEN, utc(2026, 3, 2, 23, 55)) is Gate.ACCEPTING
    assert gate(night, TEN, utc(2026, 3, 3, 5, 50)) is Gate.CUTOFF


def test_a_queue_open_around_the_clock_always_accepts() -> None:
    assert gate(always(), policy(cutoff_before_closing=timedelta(hours=2)), utc(2026, 3, 2)) is (
        Gate.ACCEPTING
    )


def test_next_accepting_is_now_while_accepting() -> None:
    now = utc(2026, 3, 2, 12)
    assert next_accepting(LONDON, TEN, now, now + timedelta(days=1)) == now


def test_next_accepting_skips_the_cutoff_the_night_and_a_holiday() -> None:
    shut = hours("Europe/London", time(9), time(17), closed_on=(date(2026, 3, 3),))
    at = next_accepting(shut, TEN, utc(2026, 3, 2, 16, 55), utc(2026, 3, 9))
    assert at == utc(2026, 3, 4, 9)


def test_next_accepting_stops_at_until() -> None:
    now = utc(2026, 3, 2, 17)
    assert next_accepting(LONDON, TEN, now, utc(2026, 3, 3, 9)) is None
    assert next_accepting(LONDON, TEN, now, utc(2026, 3, 3, 9, 0, 1)) == utc(2026, 3, 3, 9)
    assert next_accepting(LONDON, TEN, now, now) is None


def test_a_period_shorter_than_the_cutoff_never_accepts() -> None:
    brief = hours("UTC", time(9), time(9, 5), range(7))
    assert next_accepting(brief, TEN, utc(2026, 3, 2), utc(2026, 3, 9)) is None


def test_a_period_cut_by_the_search_bound_still_accepts_before_it() -> None:
    # The period runs to 17:00; searching up to 09:01 reads it only that far.
    at = next_accepting(LONDON, TEN, utc(2026, 3, 2, 8), utc(2026, 3, 2, 9, 1))
    assert at == utc(2026, 3, 2, 9)
