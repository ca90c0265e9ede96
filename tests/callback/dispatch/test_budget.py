"""The dial budget: the least any rule allows, and the rule that binds it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.dispatch.budget import Budget, Limit, Snapshot, allowances, dial_budget
from tests.callback.dispatch.builders import hours, policy, utc

# Monday 2026-03-02 in London (GMT): open 09:00-17:00 with a 10 minute cut-off.
SCHEDULE = hours("Europe/London", time(9), time(17))
NOON = utc(2026, 3, 2, 12)


def snapshot(
    free: int = 0, live: int = 0, busy: int = 0, dialled: int = 0, now: datetime = NOON
) -> Snapshot:
    starts = tuple(now - timedelta(seconds=1 + i) for i in range(dialled))
    return Snapshot(
        now=now, free_agents=free, live_waiting=live, in_progress=busy, recent_starts=starts
    )


BASE: dict[str, Any] = {"cutoff_before_closing": timedelta(minutes=10)}

CASES = [
    # (snapshot, policy overrides, expected budget)
    (snapshot(free=5, now=utc(2026, 3, 2, 8)), {}, Budget(0, Limit.CLOSED)),
    (snapshot(free=5, now=utc(2026, 3, 7, 12)), {}, Budget(0, Limit.CLOSED)),  # Saturday
    (snapshot(free=5, now=utc(2026, 3, 2, 16, 55)), {}, Budget(0, Limit.CUTOFF)),
    (snapshot(free=0, now=utc(2026, 3, 2, 8)), {}, Budget(0, Limit.CLOSED)),
    (snapshot(free=0), {}, Budget(0, Limit.NO_FREE_AGENT)),
    (snapshot(free=4), {}, Budget(4, Limit.NONE)),
    (snapshot(free=4, live=1), {"reserve_agents_for_live": 2}, Budget(3, Limit.RESERVED_FOR_LIVE)),
    (snapshot(free=4, live=9), {"reserve_agents_for_live": 2}, Budget(2, Limit.RESERVED_FOR_LIVE)),
    (snapshot(free=2, live=9), {"reserve_agents_for_live": 2}, Budget(0, Limit.RESERVED_FOR_LIVE)),
    (snapshot(free=1, live=9), {"reserve_agents_for_live": 3}, Budget(0, Limit.RESERVED_FOR_LIVE)),
    (snapshot(free=4, live=0), {"reserve_agents_for_live": 2}, Budget(4, Limit.NONE)),
    (snapshot(free=4, busy=3), {"max_concurrent_callbacks": 5}, Budget(2, Limit.MAX_CONCURRENT)),
    (snapshot(free=4, busy=6), {"max_concurrent_callbacks": 5}, Budget(0, Limit.MAX_CONCURRENT)),
    (snapshot(free=4, busy=1), {"max_concurrent_callbacks": 5}, Budget(4, Limit.NONE)),
    (snapshot(free=4, dialled=29), {}, Budget(1, Limit.RATE_CAP)),
    (snapshot(free=4, dialled=30), {"dial_rate_per_minute": 30}, Budget(0, Limit.RATE_CAP)),
    # Ties go to the first rule in `Limit` order.
    (
        snapshot(free=4, live=1, busy=2),
        {"reserve_agents_for_live": 2, "max_concurrent_callbacks": 5},
        Budget(3, Limit.RESERVED_FOR_LIVE),
    ),
    (
        snapshot(free=4, busy=2, dialled=28),
        {"max_concurrent_callbacks": 4, "dial_rate_per_minute": 30},
        Budget(2, Limit.MAX_CONCURRENT),
    ),
    (snapshot(free=0, busy=9), {"max_concurrent_callbacks": 5}, Budget(0, Limit.NO_FREE_AGENT)),
    # A cap that leaves room for every free agent does not bind; the rate does.
    (
        snapshot(free=3, busy=2, dialled=30),
        {"max_concurrent_callbacks": 5},
        Budget(0, Limit.RATE_CAP),
    ),
    (
        snapshot(free=5, live=2, busy=3, dialled=29, now=utc(2026, 3, 2, 16, 50)),
        {"reserve_agents_for_live": 1, "max_concurrent_callbacks": 4},
        Budget(0, Limit.CUTOFF),
    ),
]


@pytest.mark.parametrize(("state", "overrides", "expected"), CASES)
def test_the_budget_table(state: Snapshot, overrides: dict[str, Any], expected: Budget) -> None:
    assert dial_budget(state, policy(**BASE | overrides), SCHEDULE) == expected


def test_dials_older_than_a_minute_do_not_count() -> None:
    old = tuple(NOON - timedelta(seconds=61 + i) for i in range(50))
    state = Snapshot(now=NOON, free_agents=2, live_waiting=0, in_progress=0, recent_starts=old)
    assert dial_budget(state, policy(**BASE), SCHEDULE) == Budget(2, Limit.NONE)


def test_a_snapshot_refuses_negative_counts_and_naive_time() -> None:
    with pytest.raises(ValueError, match="free_agents"):
        Snapshot(now=NOON, free_agents=-1, live_waiting=0, in_progress=0)
    with pytest.raises(ValueError, match="in_progress"):
        Snapshot(now=NOON, free_agents=0, live_waiting=0, in_progress=-2)
    with pytest.raises(ValueError, match="aware"):
        Snapshot(now=NOON.replace(tzinfo=None), free_agents=0, live_waiting=0, in_progress=0)


counts = st.integers(min_value=0, max_value=40)


@st.composite
def situations(draw: st.DrawFn) -> tuple[Snapshot, dict[str, Any]]:
    # Monday 06:00 to Tuesday 06:00 UTC covers closed, open, cut-off and closed again.
    now = utc(2026, 3, 2, 6) + timedelta(minutes=draw(st.integers(0, 24 * 60)))
    state = snapshot(draw(counts), draw(counts), draw(counts), draw(counts), now)
    overrides = {
        "reserve_agents_for_live": draw(st.integers(0, 10)),
        "max_concurrent_callbacks": draw(st.none() | st.integers(1, 40)),
        "dial_rate_per_minute": draw(st.integers(1, 40)),
        "cutoff_before_closing": timedelta(minutes=draw(st.integers(0, 90))),
    }
    return state, overrides


@given(situations())
def test_the_budget_never_exceeds_any_single_rule(
    situation: tuple[Snapshot, dict[str, Any]],
) -> None:
    state, overrides = situation
    rules = policy(**overrides)
    budget = dial_budget(state, rules, SCHEDULE)
    assert 0 <= budget.allowed <= state.free_agents
    reserved = min(rules.reserve_agents_for_live, state.live_waiting)
    assert budget.allowed <= state.free_agents - reserved or budget.allowed == 0
    if rules.max_concurrent_callbacks is not None:
        assert budget.allowed <= max(0, rules.max_concurrent_callbacks - state.in_progress)
    recent = sum(start > state.now - timedelta(seconds=60) for start in state.recent_starts)
    assert budget.allowed <= max(0, rules.dial_rate_per_minute - recent)


@given(situations())
def test_the_reported_rule_allows_exactly_the_budget(
    situation: tuple[Snapshot, dict[str, Any]],
) -> None:
    state, overrides = situation
    rules = policy(**overrides)
    budget = dial_budget(state, rules, SCHEDULE)
    bounds = allowances(state, rules, SCHEDULE)
    assert budget.allowed == min(bound for bound in bounds.values() if bound is not None)
    if budget.limited_by is Limit.NONE:
        assert budget.allowed == state.free_agents > 0
    else:
        assert bounds[budget.limited_by] == budget.allowed


@given(situations())
def test_a_closed_queue_or_the_cutoff_allows_nothing(
    situation: tuple[Snapshot, dict[str, Any]],
) -> None:
    state, overrides = situation
    rules = policy(**overrides)
    budget = dial_budget(state, rules, SCHEDULE)
    closes = SCHEDULE.closes_at(state.now)
    if closes is None:
        assert budget == Budget(0, Limit.CLOSED)
    elif state.now >= closes - rules.cutoff_before_closing:
        assert budget == Budget(0, Limit.CUTOFF)
    else:
        assert budget.limited_by not in {Limit.CLOSED, Limit.CUTOFF}
