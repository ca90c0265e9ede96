"""Agents on a call free nobody before their wrap-up: the forecast waits for it."""

from datetime import UTC, datetime, timedelta

import pytest

from callback.estimate import EstimateInputs
from callback.forecast import Measured, dead_time, forecast, retries
from callback.inputs import LineInputs, Staffed
from tests.callback.config.snippets import build

MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TEAM = """
[queues.support]
wrap_up = "{wrap}"

[queues.support.staffing]
weekdays = [{{ from = "09:00", to = "17:00", agents = 10 }}]
"""


def _wait(wrap: str, ahead: int) -> tuple[timedelta, timedelta, timedelta]:
    config = build(TEAM.format(wrap=wrap))
    line = LineInputs(ahead, on_hold=0, staffed=Staffed(logged_in=10))
    policy = config.callback_policy("support")
    found = forecast(config.queues["support"], policy, line, Measured(), MONDAY_10).estimate
    assert found is not None
    return found.wait, found.low, found.high


def test_the_first_places_wait_for_the_wrap_up_of_agents_on_a_call() -> None:
    pooled = _wait("0s", 1)
    wrapped = _wait("60s", 1)
    # The 2nd freed of 10 agents on a call: 60 s * (1 - 2/10) = 48 s later, the range shifted.
    shift = timedelta(seconds=48)
    assert wrapped == tuple(value + shift for value in pooled)


def test_a_line_longer_than_the_team_waits_at_the_pooled_rate() -> None:
    assert _wait("60s", 10) == _wait("0s", 10)
    assert dead_time(30.0, 11, 10) == 0.0
    assert dead_time(30.0, 1, 10) == 27.0


def test_a_negative_dead_time_is_refused() -> None:
    now = MONDAY_10
    with pytest.raises(ValueError, match="dead"):
        EstimateInputs(0, now, 1, timedelta(minutes=5), None, dead=-1.0)


def test_a_callback_that_may_miss_twice_carries_both_retries() -> None:
    config = build(TEAM.format(wrap="0s"))
    policy = config.callback_policy("support")
    measured = Measured(attempts=100, mean_handle=timedelta(minutes=5), unanswered=50, dials=99)
    line = LineInputs(0, staffed=Staffed(logged_in=10, available=1), callback=True)
    found = forecast(config.queues["support"], policy, line, measured, MONDAY_10).estimate
    assert found is not None
    first = policy.ring_timeout + policy.backoff[0]
    second = first + policy.ring_timeout + policy.backoff[1]
    # Half miss: reached at once (50%), after one retry (25%) or after two (25%).
    assert found.wait == first * 0.25 + second * 0.25
    assert (found.low, found.high) == (timedelta(0), second)


def test_the_second_retry_follows_the_policys_tries_and_backoff() -> None:
    measured = Measured(attempts=100, mean_handle=timedelta(minutes=5), unanswered=20, dials=99)
    overrides = '\n[queues.support.callback]\nmax_attempts = {tries}\nbackoff = ["5m"]\n'
    two = build(TEAM.format(wrap="0s") + overrides.format(tries=2)).callback_policy("support")
    assert retries(two, measured) == (0.2, timedelta(seconds=330))
    three = build(TEAM.format(wrap="0s") + overrides.format(tries=3)).callback_policy("support")
    # One backoff listed: it repeats for the second retry.
    assert retries(three, measured) == (0.2, timedelta(seconds=330), timedelta(seconds=330))
