"""The estimate's inputs: who works now, who can abandon, who comes back, the own retry."""

from datetime import UTC, datetime, timedelta

from callback.config.policy import CallbackPolicy
from callback.estimate import Estimate, EstimateInputs, estimate_wait
from callback.forecast import Measured, blended_patience, forecast, no_answer
from callback.inputs import LineInputs, Staffed, counting_returns, estimate_for, staffed_now
from tests.callback.config.snippets import build

STAFFED = """
[queues.support.staffing]
weekdays = [
  { from = "09:00", to = "12:00", agents = 4 },
  { from = "12:00", to = "17:00", agents = 8 },
]
"""
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
ZERO = timedelta(0)


def _inputs(
    ahead: int, mean_patience: timedelta | None = 10 * MINUTE, abandoning: int | None = None
) -> EstimateInputs:
    return EstimateInputs(
        ahead=ahead,
        now=NOW,
        agents_now=4,
        mean_handle=6 * MINUTE,
        mean_patience=mean_patience,
        staffing=((NOW - HOUR, NOW + 2 * HOUR, 4), (NOW + 2 * HOUR, NOW + 7 * HOUR, 8)),
        abandoning=abandoning,
    )


def _wait(
    queue_line: LineInputs, policy: CallbackPolicy | None = None, m: Measured | None = None
) -> timedelta:
    config = build(STAFFED)
    chosen = policy or config.callback_policy("support")
    measured = m or Measured()
    result = forecast(config.queues["support"], chosen, queue_line, measured, MONDAY_10)
    assert result.estimate is not None
    return result.estimate.wait


def test_presence_counts_available_busy_and_wrapping_up_only() -> None:
    wrap_end = NOW + MINUTE
    statuses = [
        ("available", None),
        ("busy", None),
        ("wrap_up", wrap_end),
        ("wrap_up", NOW - MINUTE),  # over, not yet moved on: free
        ("away", None),
        ("offline", None),
    ]
    assert staffed_now(statuses, NOW) == Staffed(4, 2, (wrap_end,))


def test_agents_now_come_from_presence_not_the_plan() -> None:
    plan = _wait(LineInputs(10))
    many = _wait(LineInputs(10, staffed=Staffed(logged_in=12)))
    assert many < plan / 2
    # Nobody logged in: the 4 planned now do not serve; the wait reaches the 8 of noon.
    nobody = _wait(LineInputs(10, staffed=Staffed(logged_in=0)))
    assert nobody > 2 * HOUR


def test_a_free_agent_serves_at_once_and_a_wrap_up_at_its_end() -> None:
    ends = (NOW + 40 * timedelta(seconds=1), NOW + 90 * timedelta(seconds=1))
    staffed = Staffed(logged_in=5, available=1, wrap_ends=ends)
    assert estimate_for(_inputs(0), staffed).wait == timedelta(0)
    first_wrap = estimate_for(_inputs(1), staffed)
    assert (first_wrap.wait, first_wrap.low, first_wrap.high) == (ends[0] - NOW,) * 3
    assert estimate_for(_inputs(2), staffed).wait == ends[1] - NOW
    # Past the releases, the two busy agents (then three, then four) move the line.
    later = estimate_for(_inputs(3), staffed).wait
    assert later > timedelta(0)
    assert estimate_for(_inputs(3), Staffed(logged_in=5, available=3)).wait < later


def test_abandonment_applies_only_to_those_who_can_abandon() -> None:
    nobody_leaves = estimate_wait(_inputs(12, mean_patience=None)).wait
    callbacks_only = estimate_wait(_inputs(12, abandoning=0)).wait
    half_on_hold = estimate_wait(_inputs(12, abandoning=6)).wait
    all_on_hold = estimate_wait(_inputs(12)).wait
    assert callbacks_only == nobody_leaves
    assert all_on_hold < half_on_hold < callbacks_only


def test_patience_converges_to_nobody_abandons() -> None:
    policy = CallbackPolicy(patience_prior=20 * MINUTE)
    assert blended_patience(policy, Measured()) == 20 * MINUTE
    calm = Measured(exposure=timedelta(hours=50))
    assert blended_patience(policy, calm) is None
    impatient = Measured(abandoned=30, exposure=timedelta(hours=5))
    patience = blended_patience(policy, impatient)
    assert patience is not None
    assert abs(patience - timedelta(minutes=10)) < MINUTE


def test_a_supervisor_may_switch_abandonment_off() -> None:
    config = build(STAFFED + "\n[queues.support.callback]\nabandonment = false\n")
    policy = config.callback_policy("support")
    assert not policy.abandonment
    assert blended_patience(policy, Measured(abandoned=30, exposure=HOUR)) is None
    on = build(STAFFED).callback_policy("support")
    assert _wait(LineInputs(20), policy) > _wait(LineInputs(20), on)


def test_a_callback_in_backoff_counts_only_if_due_before_the_turn() -> None:
    def at(ahead: int) -> Estimate | None:
        return estimate_wait(_inputs(ahead, mean_patience=None))

    base = estimate_wait(_inputs(8, mean_patience=None))
    soon = counting_returns(at, 8, (NOW + MINUTE,), NOW)
    late = counting_returns(at, 8, (NOW + 5 * HOUR,), NOW)
    assert soon is not None and late is not None
    assert late.wait == base.wait
    assert soon.wait == estimate_wait(_inputs(9, mean_patience=None)).wait
    # One due just before the turn pushes it later, bringing in one due just after the old turn.
    chain = (NOW + base.wait - MINUTE, NOW + base.wait + MINUTE)
    both = counting_returns(at, 8, chain, NOW)
    assert both is not None
    assert both.wait == estimate_wait(_inputs(10, mean_patience=None)).wait


def test_a_callbacks_estimate_includes_its_no_answer_and_retry() -> None:
    policy = build(STAFFED).callback_policy("support")
    measured = Measured(attempts=99, mean_handle=6 * MINUTE, unanswered=30, dials=99)
    chance, delay = no_answer(policy, measured) or (0.0, timedelta(0))
    assert chance == 0.3
    assert delay == policy.ring_timeout + policy.backoff[0]
    live = _wait(LineInputs(5, on_hold=0), m=measured)
    callback = _wait(LineInputs(5, on_hold=0, callback=True), m=measured)
    # The first retry with chance p, the second (after the second backoff) with p**2.
    second = policy.ring_timeout + policy.backoff[1]
    assert abs((callback - live) - delay * chance - second * chance**2) < timedelta(seconds=1)


def test_a_callback_served_at_once_still_carries_its_retry() -> None:
    retry = (0.2, 330 * timedelta(seconds=1))
    staffed = Staffed(logged_in=3, available=1)
    inputs = EstimateInputs(0, NOW, 4, 6 * MINUTE, None, (), None, None, retry)
    result = estimate_for(inputs, staffed)
    # 80% are reached at once, 20% after the retry: the 90th percentile is in the second hump.
    assert (result.wait, result.low, result.high) == (66 * timedelta(seconds=1), ZERO, retry[1])
    rare = EstimateInputs(0, NOW, 4, 6 * MINUTE, None, (), None, None, (0.05, retry[1]))
    assert estimate_for(rare, staffed).high == ZERO
