"""The dial rate cap over a sliding 60 s window, from the start times of recent dials."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.dispatch.rate import WINDOW, next_rate_slot, rate_allowance
from tests.callback.dispatch.builders import utc

NOW = utc(2026, 3, 2, 10)


def ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


@pytest.mark.parametrize(
    ("starts", "per_minute", "expected"),
    [
        ([], 30, 30),
        (ago(1, 2, 3), 5, 2),
        (ago(1, 2, 3, 4, 5), 5, 0),
        (ago(1, 2, 3, 4, 5, 6, 7), 5, 0),
        (ago(59.999), 1, 0),
        (ago(60), 1, 1),  # exactly a minute ago has left the window
        (ago(61, 120, 3600), 1, 1),
        (ago(-5), 1, 0),  # another instance's clock runs ahead: its dial still counts
    ],
)
def test_the_allowance_counts_starts_within_the_last_minute(
    starts: list[datetime], per_minute: int, expected: int
) -> None:
    assert rate_allowance(starts, NOW, per_minute) == expected


def test_the_next_slot_is_now_while_the_cap_has_room() -> None:
    assert next_rate_slot(ago(1, 2), NOW, 3) == NOW


def test_the_next_slot_waits_for_enough_starts_to_age_out() -> None:
    starts = ago(50, 10, 40, 5)  # unsorted on purpose
    assert next_rate_slot(starts, NOW, 4) == NOW + timedelta(seconds=10)
    assert next_rate_slot(starts, NOW, 3) == NOW + timedelta(seconds=20)
    assert next_rate_slot(starts, NOW, 1) == NOW + timedelta(seconds=55)


def test_the_rate_must_be_positive_and_now_aware() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        rate_allowance([], NOW, 0)
    with pytest.raises(ValueError, match="at least 1"):
        next_rate_slot([], NOW, 0)
    with pytest.raises(ValueError, match="aware"):
        rate_allowance([], NOW.replace(tzinfo=None), 1)


offsets = st.lists(st.integers(min_value=-5_000, max_value=120_000), max_size=40)


@given(offsets, st.integers(min_value=1, max_value=10))
def test_the_next_slot_is_the_first_instant_with_room(ms_ago: list[int], per_minute: int) -> None:
    starts = [NOW - timedelta(milliseconds=ms) for ms in ms_ago]
    slot = next_rate_slot(starts, NOW, per_minute)
    assert slot >= NOW
    assert rate_allowance(starts, slot, per_minute) >= 1
    if slot > NOW:
        assert rate_allowance(starts, slot - timedelta(microseconds=1), per_minute) == 0


@given(offsets, st.integers(min_value=1, max_value=10))
def test_dialling_whenever_allowed_never_exceeds_the_rate(
    ms_ago: list[int], per_minute: int
) -> None:
    # A dispatcher that starts as many dials as allowed, each time it is allowed, for
    # two minutes: no 60 s window may then hold more than the rate of new dials.
    history = [NOW - timedelta(milliseconds=ms) for ms in ms_ago]
    started: list[datetime] = []
    at = NOW
    while at < NOW + 2 * WINDOW:
        allowed = rate_allowance(history + started, at, per_minute)
        started.extend([at] * allowed)
        at = next_rate_slot(history + started, at, per_minute)
    for first in started:
        assert sum(first <= other < first + WINDOW for other in started) <= per_minute
