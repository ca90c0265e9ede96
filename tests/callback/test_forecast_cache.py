"""The staffing segments are computed once per plan and local day, and stay exact."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from callback.config.reload import ConfigHolder
from callback.forecast import HORIZON, Measured, day_segments, forecast, staffing_ahead
from callback.plan import StaffingPlan, StaffInterval
from tests.callback.config.snippets import MINIMAL
from tests.callback.test_hours import TRANSITIONS, ZONES, instants_near

# Monday 2 March 2026, 10:00 in London (GMT, so 10:00 UTC).
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@st.composite
def staffed_days(draw: st.DrawFn) -> tuple[StaffInterval, ...]:
    """Non-overlapping intervals on a quarter-hour grid, each with its own agents."""
    marks = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))

    def clock(quarter: int) -> time:
        return time((quarter // 4) % 24, quarter % 4 * 15)

    pairs = zip(marks[0::2], marks[1::2], strict=False)
    return tuple(StaffInterval(clock(a), clock(b), draw(st.integers(0, 3))) for a, b in pairs)


@st.composite
def plans(draw: st.DrawFn) -> StaffingPlan:
    weekly = draw(st.dictionaries(st.integers(0, 6), staffed_days()))
    return StaffingPlan(draw(st.sampled_from(ZONES)), weekly)


@given(plans(), instants_near(TRANSITIONS))
def test_the_clipped_day_is_exactly_the_plan_over_the_horizon(
    plan: StaffingPlan, now: datetime
) -> None:
    staffing = staffing_ahead(plan, now)
    assert staffing == tuple(plan.segments(now, now + HORIZON))
    assert staffing[0][2] == plan.agents_at(now)


def test_a_new_day_is_computed_afresh() -> None:
    plan = StaffingPlan(ZONES[0], {0: (StaffInterval(time(9), time(17), 4),)})
    monday = staffing_ahead(plan, MONDAY_10)
    # Three days on, the horizon reaches past what Monday's entry holds.
    later = MONDAY_10 + timedelta(days=3)
    thursday = staffing_ahead(plan, later)
    assert thursday == tuple(plan.segments(later, later + HORIZON))
    assert thursday[-1][1] == later + HORIZON > monday[-1][1]
    assert day_segments(plan, later.date()) is not day_segments(plan, MONDAY_10.date())


def _config(path: Path, agents: int) -> None:
    weekdays = f'[{{ from = "09:00", to = "17:00", agents = {agents} }}]'
    path.write_text(f"{MINIMAL}\n[queues.support.staffing]\nweekdays = {weekdays}\n")


def _wait(holder: ConfigHolder) -> timedelta:
    config = holder.current
    queue, policy = config.queues["support"], config.callback_policy("support")
    found = forecast(queue, policy, 30, Measured(), MONDAY_10).estimate
    assert found is not None
    return found.wait


def test_a_reloaded_config_is_forecast_with_its_own_staffing(tmp_path: Path) -> None:
    path = tmp_path / "holdless.toml"
    _config(path, 2)
    holder = ConfigHolder(path, MONDAY_10)
    before = _wait(holder)
    _config(path, 12)
    assert holder.poll(MONDAY_10) is not None
    after = _wait(holder)
    assert after < before / 3  # six times the agents, same line: the new plan is used
    fresh = ConfigHolder(path, MONDAY_10)
    assert after == _wait(fresh)
