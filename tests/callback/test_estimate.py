"""The wait estimate: stage sums, the staffing plan, the range and the clock-time promise."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.estimate import Estimate, EstimateInputs, NoAgentsError, estimate_wait

NOW = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
SIX_MINUTES = 6 * MINUTE


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def estimate(
    ahead: int,
    agents_now: int,
    *,
    handle: timedelta = SIX_MINUTES,
    patience: timedelta | None = None,
    staffing: tuple[tuple[datetime, datetime, int], ...] = (),
    closes_at: datetime | None = None,
    now: datetime = NOW,
) -> Estimate:
    return estimate_wait(
        EstimateInputs(ahead, now, agents_now, handle, patience, staffing, closes_at)
    )


def seconds(delta: timedelta) -> float:
    return delta.total_seconds()


# --- the stage sums ---------------------------------------------------------------------
def test_constant_staffing_without_abandonment_is_n_plus_one_over_s_mu() -> None:
    # (4 + 1) / (2 / 360 s) = 900 s.
    result = estimate(4, 2)
    assert seconds(result.wait) == pytest.approx(900.0)
    assert result.servers == 2


def test_abandonment_shortens_the_wait_to_the_stage_sum() -> None:
    mu, theta = 1 / 360, 1 / 240
    expected = sum(1 / (5 * mu + i * theta) for i in range(13))
    result = estimate(12, 5, patience=4 * MINUTE)
    assert seconds(result.wait) == pytest.approx(expected)
    assert result.wait < estimate(12, 5).wait


def test_very_long_patience_matches_no_abandonment() -> None:
    patient = estimate(30, 3, patience=timedelta(days=1_000_000))
    assert seconds(patient.wait) == pytest.approx(seconds(estimate(30, 3).wait), rel=1e-6)


def test_more_agents_later_in_the_plan_shortens_the_wait() -> None:
    # Two agents for 10 minutes serve 600 * 2/360 = 3.33 of the 5 stages; four agents then
    # take the remaining 1.67 stages in 1.67 * 90 s = 150 s.
    staffing = ((NOW, at(10), 2), (at(10), at(600), 4))
    result = estimate(4, 2, staffing=staffing)
    assert seconds(result.wait) == pytest.approx(750.0)
    assert result.wait < estimate(4, 2).wait


def test_more_agents_later_also_helps_with_abandonment() -> None:
    staffing = ((NOW, at(10), 2), (at(10), at(600), 4))
    patience = 20 * MINUTE
    assert (
        estimate(8, 2, patience=patience, staffing=staffing).wait
        < estimate(8, 2, patience=patience).wait
    )


def test_zero_agents_now_but_agents_in_an_hour_adds_the_hour() -> None:
    staffing = ((NOW, at(60), 0), (at(60), at(600), 3))
    result = estimate(2, 0, staffing=staffing)
    assert seconds(result.wait) == pytest.approx(3600 + 3 * 120.0)
    assert result.low >= HOUR
    assert result.servers == 3


def test_a_gap_in_the_segments_counts_as_closed() -> None:
    result = estimate(0, 0, staffing=((at(30), at(120), 3),))
    assert seconds(result.wait) == pytest.approx(1800 + 120.0)


def test_agents_now_replace_the_plan_for_the_current_segment_only() -> None:
    staffing = ((at(-60), at(15), 5), (at(15), at(600), 5))
    # Two agents for 15 minutes do 900 * 2/360 = 5 stages: exactly the 4 ahead plus one.
    assert seconds(estimate(4, 2, staffing=staffing).wait) == pytest.approx(900.0)
    # Nine ahead: 5 stages in the first 15 minutes, the other 5 at 5 agents in 360 s.
    assert seconds(estimate(9, 2, staffing=staffing).wait) == pytest.approx(900 + 360.0)


def test_a_gap_hidden_in_a_repeated_hour_is_still_a_gap() -> None:
    # 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) read the same on New York's clock.
    new_york = ZoneInfo("America/New_York")
    now = datetime(2024, 11, 3, 1, 0, tzinfo=new_york)
    first_half_past = datetime(2024, 11, 3, 1, 30, tzinfo=new_york)
    second_half_past = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=new_york)
    staffing = (
        (now, first_half_past, 2),
        (second_half_past, datetime(2024, 11, 3, 3, 0, tzinfo=new_york), 2),
    )
    # 15 stages of 180 s: 10 before 05:30Z, an hour with nobody, then 5 more.
    result = estimate(14, 2, staffing=staffing, now=now)
    assert seconds(result.wait) == pytest.approx(1800 + 3600 + 900.0)


def test_segments_that_ended_before_now_are_ignored() -> None:
    staffing = ((at(-120), at(-60), 50), (at(-60), at(600), 2))
    assert seconds(estimate(4, 2, staffing=staffing).wait) == pytest.approx(900.0)


def test_past_the_plan_horizon_the_last_staffed_level_continues() -> None:
    # 10 stages: 3.33 in the first 10 minutes, 10 closed minutes, then 6.67 at 2 agents.
    staffing = ((NOW, at(10), 2), (at(10), at(20), 0))
    result = estimate(9, 2, staffing=staffing)
    assert seconds(result.wait) == pytest.approx(600 + 600 + 1200.0)


def test_nobody_now_and_nobody_planned_is_refused() -> None:
    with pytest.raises(NoAgentsError):
        estimate(3, 0)
    with pytest.raises(NoAgentsError):
        estimate(3, 0, staffing=((NOW, at(60), 0), (at(60), at(120), 0)))


# --- the range --------------------------------------------------------------------------
def simulated_percentiles(
    rates: list[float], shift: float = 0.0, draws: int = 20_000
) -> tuple[float, float]:
    """Empirical 10th and 90th percentiles of shift + a sum of exponential stages."""
    rng = random.Random(20250303)
    samples = sorted(shift + sum(rng.expovariate(rate) for rate in rates) for _ in range(draws))
    return samples[draws // 10], samples[9 * draws // 10]


def test_range_matches_simulated_percentiles_for_typical_inputs() -> None:
    mu, theta = 1 / 360, 1 / 240
    low, high = simulated_percentiles([5 * mu + i * theta for i in range(13)])
    result = estimate(12, 5, patience=4 * MINUTE)
    assert seconds(result.low) == pytest.approx(low, rel=0.03)
    assert seconds(result.high) == pytest.approx(high, rel=0.03)
    assert result.low < result.wait < result.high


def test_range_of_a_single_exponential_stage() -> None:
    # The gamma fit is exact here (shape 1); only Wilson-Hilferty's cube-root error is left,
    # about 7% at the 10th percentile and 1% at the 90th.
    low, high = simulated_percentiles([2 / 360])
    result = estimate(0, 2)
    assert seconds(result.low) == pytest.approx(low, rel=0.10)
    assert seconds(result.high) == pytest.approx(high, rel=0.03)


def test_range_shifts_by_closed_time_instead_of_widening() -> None:
    low, high = simulated_percentiles([3 / 360] * 3, shift=3600.0)
    result = estimate(2, 0, staffing=((NOW, at(60), 0), (at(60), at(600), 3)))
    assert seconds(result.low) == pytest.approx(low, rel=0.01)
    assert seconds(result.high) == pytest.approx(high, rel=0.01)


# --- the promise ------------------------------------------------------------------------
def test_by_rounds_the_90th_percentile_up_to_the_next_minute() -> None:
    result = estimate(4, 2, now=datetime(2025, 3, 3, 14, 2, 31, 5, tzinfo=UTC))
    unrounded = datetime(2025, 3, 3, 14, 2, 31, 5, tzinfo=UTC) + result.high
    assert unrounded <= result.by < unrounded + MINUTE
    assert (result.by.second, result.by.microsecond) == (0, 0)


def test_by_is_in_the_zone_of_now_and_counts_real_time_across_fall_back() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2024, 11, 3, 1, 50, tzinfo=new_york)  # EDT, 05:50Z, ten minutes to fall back
    result = estimate(0, 1, handle=20 * MINUTE, now=now)
    unrounded = now.astimezone(UTC) + result.high
    assert result.by.tzinfo is new_york
    assert unrounded <= result.by.astimezone(UTC) < unrounded + 5 * MINUTE
    assert result.by.utcoffset() == timedelta(hours=-5)  # already EST: after the change


def test_before_close() -> None:
    assert estimate(4, 2).before_close
    assert estimate(4, 2, closes_at=at(24 * 60)).before_close
    assert not estimate(4, 2, closes_at=at(1)).before_close
    promised = estimate(4, 2).by
    assert estimate(4, 2, closes_at=promised).before_close
    assert not estimate(4, 2, closes_at=promised - timedelta(microseconds=1)).before_close


def test_before_close_compares_instants_in_a_repeated_hour() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2024, 11, 3, 1, 20, tzinfo=new_york)  # EDT, 05:20Z
    closes_at = datetime(2024, 11, 3, 1, 50, tzinfo=new_york)  # EDT, 05:50Z
    result = estimate(0, 1, handle=20 * MINUTE, now=now, closes_at=closes_at)
    assert result.by.fold == 1  # 01:xx EST: earlier on the wall clock, later in time
    assert result.by.replace(tzinfo=None) < closes_at.replace(tzinfo=None)
    assert not result.before_close


def test_not_before_close_when_the_next_agents_come_after_closing() -> None:
    staffing = ((NOW, at(16 * 60), 0), (at(16 * 60), at(24 * 60), 4))
    result = estimate(0, 0, staffing=staffing, closes_at=at(60))
    assert not result.before_close
    assert result.wait > 16 * HOUR


# --- validation -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"ahead": -1}, "ahead"),
        ({"agents_now": -1}, "agents_now"),
        ({"mean_handle": timedelta(0)}, "mean_handle"),
        ({"mean_patience": -MINUTE}, "mean_patience"),
        ({"now": datetime(2025, 3, 3, 14, 0)}, "now"),
        ({"closes_at": datetime(2025, 3, 3, 18, 0)}, "closes_at"),
    ],
)
def test_inputs_reject_bad_values_naming_the_field(changes: dict[str, object], name: str) -> None:
    fields: dict[str, object] = {
        "ahead": 1,
        "now": NOW,
        "agents_now": 1,
        "mean_handle": SIX_MINUTES,
        "mean_patience": None,
    }
    with pytest.raises(ValueError, match=name):
        EstimateInputs(**(fields | changes))  # type: ignore[arg-type]


# --- properties -------------------------------------------------------------------------
@st.composite
def plans(draw: st.DrawFn) -> tuple[tuple[datetime, datetime, int], ...]:
    """Consecutive segments from a little before now, the last one staffed."""
    cursor = NOW - timedelta(minutes=draw(st.integers(0, 30)))
    segments = []
    for index in range(draw(st.integers(0, 4))):
        end = cursor + timedelta(minutes=draw(st.integers(1, 240)))
        agents = draw(st.integers(0, 8)) if index else draw(st.integers(1, 8))
        segments.append((cursor, end, agents))
        cursor = end
    return tuple(segments)


@given(
    ahead=st.integers(0, 60),
    agents_now=st.integers(1, 8),
    patience=st.none() | st.integers(1, 120).map(lambda m: m * MINUTE),
    handle=st.integers(30, 1800).map(lambda s: timedelta(seconds=s)),
    staffing=plans(),
)
def test_more_ahead_never_shortens_the_wait(
    ahead: int,
    agents_now: int,
    patience: timedelta | None,
    handle: timedelta,
    staffing: tuple[tuple[datetime, datetime, int], ...],
) -> None:
    shorter, longer = (
        estimate(n, agents_now, handle=handle, patience=patience, staffing=staffing)
        for n in (ahead, ahead + 1)
    )
    assert shorter.wait <= longer.wait
    for result in (shorter, longer):
        assert timedelta(0) <= result.low <= result.wait <= result.high
        assert result.high <= result.by - NOW < result.high + 5 * MINUTE
