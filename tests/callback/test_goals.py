"""Staffing goals: how they are written, how wrong ones are refused, the agents they need."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from callback.goals import (
    AbandonmentGoal,
    GoalError,
    Load,
    ServiceGoal,
    agents_for,
    outcome,
    parse_abandonment,
    parse_target,
)


@pytest.mark.parametrize(
    ("text", "share", "seconds"),
    [
        ("80% in 60s", 0.80, 60),
        ("90% in 2m", 0.90, 120),
        (" 95.5 % IN 1m30s ", 0.955, 90),
        ("80% in 20", 0.80, 20),
    ],
)
def test_a_target_is_a_share_and_a_time(text: str, share: float, seconds: int) -> None:
    assert parse_target(text) == ServiceGoal(share, timedelta(seconds=seconds))


@pytest.mark.parametrize(
    "text", ["80 in 60s", "80%", "80% within 60s", "0% in 60s", "100% in 60s", "80% in soon", ""]
)
def test_a_wrong_target_names_the_flag_and_the_rule(text: str) -> None:
    with pytest.raises(GoalError) as refused:
        parse_target(text)
    assert refused.value.flag == "--target"
    assert str(refused.value).startswith("--target ")
    assert 'like "80% in 60s" or "90% in 2m"' in str(refused.value)


def test_abandonment_is_a_share() -> None:
    assert parse_abandonment("5%") == AbandonmentGoal(0.05)
    assert parse_abandonment(" 2.5 % ") == AbandonmentGoal(0.025)


@pytest.mark.parametrize("text", ["5", "0%", "100%", "five %", "-5%"])
def test_a_wrong_abandonment_names_the_flag_and_the_rule(text: str) -> None:
    with pytest.raises(GoalError, match=r'^--abandonment .*: write a share like "5%"'):
        parse_abandonment(text)


def test_goals_read_back_as_text() -> None:
    assert str(parse_target("80% in 1m")) == "80% answered within 60s"
    assert str(parse_abandonment("5%")) == "at most 5% abandoning"


# The example of callback.staffing's published figures: 100 calls in 30 minutes of 180 s
# each is 10 Erlangs; Erlang C needs 14 agents for 80% in 20 s and reaches 88.84% with 14.
EIGHTY_IN_20 = ServiceGoal(0.80, timedelta(seconds=20))
NOBODY_GIVES_UP = Load(10.0, 180.0, None)


def test_without_patience_the_service_goal_is_erlang_c() -> None:
    assert agents_for(EIGHTY_IN_20, NOBODY_GIVES_UP) == 14
    assert outcome(EIGHTY_IN_20, NOBODY_GIVES_UP, 14) == pytest.approx(0.8884, abs=5e-5)


def test_without_patience_an_abandonment_goal_needs_only_a_stable_line() -> None:
    assert agents_for(AbandonmentGoal(0.05), NOBODY_GIVES_UP) == 11
    assert agents_for(AbandonmentGoal(0.05), Load(0.0, 180.0, None)) == 0
    assert outcome(AbandonmentGoal(0.05), NOBODY_GIVES_UP, 11) == 0.0


def test_with_patience_the_goals_are_erlang_a() -> None:
    # Patience = handle time: the count present is Poisson(A) (see tests/callback/test_staffing):
    # with A = 4, 6 agents lose E[(N - 6)+]/4 = 4.886% of the callers.
    poisson = Load(4.0, 240.0, 240.0)
    assert agents_for(AbandonmentGoal(0.05), poisson) == 6
    assert outcome(AbandonmentGoal(0.05), poisson, 6) == pytest.approx(0.048859, abs=1e-6)
    assert agents_for(EIGHTY_IN_20, Load(10.0, 180.0, 300.0)) == 13


def test_the_outcome_of_nothing_offered_and_of_nobody_on_duty() -> None:
    idle = Load(0.0, 180.0, 300.0)
    assert (outcome(EIGHTY_IN_20, idle, 0), outcome(AbandonmentGoal(0.05), idle, 0)) == (1.0, 0.0)
    busy = Load(3.0, 180.0, 300.0)
    assert (outcome(EIGHTY_IN_20, busy, 0), outcome(AbandonmentGoal(0.05), busy, 0)) == (0.0, 1.0)


def test_the_outcome_deep_in_overload_is_the_fluid_limit() -> None:
    # 100 E, 50 agents, patience 10^5 handle times: half give up, none within 20 s.
    deep = Load(100.0, 1.0, 1e5)
    assert outcome(AbandonmentGoal(0.05), deep, 50) == pytest.approx(0.5)
    assert outcome(EIGHTY_IN_20, deep, 50) == 0.0
    assert not math.isnan(outcome(EIGHTY_IN_20, Load(10.0, 180.0, 300.0), 12))
