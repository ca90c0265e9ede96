from datetime import UTC, datetime, timedelta

from callback.config.policy import CallbackPolicy
from callback.forecast import Measured, blended_handle, blended_patience, forecast, handles
from callback.inputs import LineInputs
from tests.callback.config.snippets import build

STAFFED = """
[queues.support.staffing]
weekdays = [{ from = "09:00", to = "17:00", agents = 4 }]
"""
# Monday 2 March 2026, 10:00 in London (GMT, so 10:00 UTC).
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_an_open_queue_gives_an_estimate_and_its_closing_time() -> None:
    config = build(STAFFED)
    result = forecast(
        config.queues["support"], config.callback_policy("support"), 7, Measured(), MONDAY_10
    )
    assert result.open
    assert result.closes_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert result.estimate is not None
    # 8 stages of 4 agents at 6 minutes, sped up a little by patience: under 12 minutes.
    assert timedelta(minutes=9) < result.estimate.wait < timedelta(minutes=12)
    assert result.estimate.before_close


def test_a_long_wait_offers_a_callback_and_a_short_one_does_not() -> None:
    config = build(STAFFED)
    queue, policy = config.queues["support"], config.callback_policy("support")
    assert forecast(queue, policy, 20, Measured(), MONDAY_10).offer_callback
    assert not forecast(queue, policy, 0, Measured(), MONDAY_10).offer_callback


def test_a_closed_queue_says_when_it_opens() -> None:
    config = build(STAFFED)
    evening = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    result = forecast(
        config.queues["support"], config.callback_policy("support"), 0, Measured(), evening
    )
    assert not result.open
    assert result.next_opening == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert result.estimate is not None
    assert result.estimate.wait > timedelta(hours=13)
    assert result.closes_at == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert result.estimate.before_close


def test_a_promise_past_the_next_closing_is_not_before_close() -> None:
    config = build(STAFFED)
    evening = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    # Nobody gives up: 400 ahead of 4 agents at 6 minutes is 10 hours of work.
    policy = config.callback_policy("support").model_copy(update={"patience_prior": None})
    result = forecast(config.queues["support"], policy, 400, Measured(), evening)
    assert result.estimate is not None
    assert not result.estimate.before_close


def test_no_staffing_at_all_promises_nothing() -> None:
    config = build()
    result = forecast(
        config.queues["support"], config.callback_policy("support"), 3, Measured(), MONDAY_10
    )
    assert result.estimate is None
    assert not result.offer_callback


def test_measurements_outweigh_the_prior_as_they_accumulate() -> None:
    policy = CallbackPolicy(handle_time_prior=timedelta(minutes=6))
    few = Measured(attempts=5, mean_handle=timedelta(minutes=2))
    many = Measured(attempts=2000, mean_handle=timedelta(minutes=2))
    assert blended_handle(policy, Measured()) == timedelta(minutes=6)
    assert timedelta(minutes=5) < blended_handle(policy, few) < timedelta(minutes=6)
    assert blended_handle(policy, many) < timedelta(minutes=2, seconds=5)


def test_each_kind_ahead_counts_at_its_own_handle_time() -> None:
    config = build(STAFFED)
    queue = config.queues["support"]
    policy = config.callback_policy("support").model_copy(update={"patience_prior": None})
    # Measured apart: a caller on hold takes an agent 9 minutes, a callback 3.
    minute = timedelta(minutes=1)
    measured = Measured(attempts=500, mean_handle=3 * minute, offers=500, live_handle=9 * minute)

    def wait(on_hold: int) -> timedelta:
        line = LineInputs(8, on_hold=on_hold)
        found = forecast(queue, policy, line, measured, MONDAY_10).estimate
        assert found is not None
        return found.wait

    # 9 stages of 4 agents: 8 items ahead at their kind's time (8.8 or 3.2 minutes once the
    # priors are blended in), and the completion that frees an agent at the pooled 6.
    assert 18.5 * minute < wait(8) < 19.5 * minute
    assert 7.5 * minute < wait(0) < 8.5 * minute
    assert 12 * minute < wait(4) < 14 * minute
    # Kinds unknown (a bare count): every stage at the pooled figure, 6 minutes here.
    assert handles(policy, measured).ahead(8, None) == 6 * minute


def test_with_one_kind_measured_every_kind_takes_its_blend() -> None:
    policy = CallbackPolicy(handle_time_prior=timedelta(minutes=6))
    calls = Measured(attempts=40, mean_handle=timedelta(minutes=3))
    live = Measured(offers=40, live_handle=timedelta(minutes=3))
    # 20 pseudo-calls of 6 minutes and 40 of 3: 4 minutes for every kind.
    for measured in (calls, live):
        found = handles(policy, measured)
        assert (found.callback, found.live, found.pooled) == (240.0, 240.0, 240.0)
    assert handles(policy, calls).ahead(5, None) == timedelta(minutes=4)


def test_patience_is_exposure_over_abandonments() -> None:
    policy = CallbackPolicy(patience_prior=timedelta(minutes=20))
    impatient = Measured(abandoned=1000, exposure=timedelta(minutes=5000))
    assert blended_patience(policy, Measured()) == timedelta(minutes=20)
    patience = blended_patience(policy, impatient)
    assert patience is not None
    assert timedelta(minutes=5) < patience < timedelta(minutes=5, seconds=30)
    assert blended_patience(CallbackPolicy(patience_prior=None), impatient) is None
