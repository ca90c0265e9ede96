"""The forecast of a queue open around the clock: its closing as before, found in a few steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callback.forecast import Measured, forecast
from tests.callback.config.snippets import build

ROUND_THE_CLOCK = """
[queues.support.hours]
weekdays = ["00:00-24:00"]
weekend = ["00:00-24:00"]

[queues.support.staffing]
daily = [{ from = "00:00", to = "24:00", agents = 5 }]
"""
GOOD_FRIDAY = """
[[queues.support.closures]]
date = 2026-04-03
reason = "Good Friday"
"""
# Monday 2 March 2026, 10:00 in London (GMT, so 10:00 UTC).
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_round_the_clock_queue_stays_open_for_the_whole_horizon() -> None:
    config = build(ROUND_THE_CLOCK)
    queue, policy = config.queues["support"], config.callback_policy("support")
    result = forecast(queue, policy, 30, Measured(), MONDAY_10)
    assert result.open and result.next_opening is None
    assert result.closes_at == MONDAY_10 + timedelta(days=366)
    assert result.estimate is not None and result.estimate.before_close


def test_a_holiday_next_month_is_the_closing_a_promise_must_beat() -> None:
    config = build(ROUND_THE_CLOCK + GOOD_FRIDAY)
    queue, policy = config.queues["support"], config.callback_policy("support")
    result = forecast(queue, policy, 30, Measured(), MONDAY_10)
    # London is on summer time by then (since 29 March): its midnight is 23:00 UTC.
    assert result.closes_at == datetime(2026, 4, 2, 23, 0, tzinfo=UTC)
    assert result.estimate is not None and result.estimate.before_close
