"""The retry policy's decisions after each dial outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callback.retry import (
    Decision,
    DialOutcome,
    Done,
    GiveUp,
    GiveUpReason,
    RetryAt,
    RetryPolicy,
)

REQUESTED = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
FIRST = REQUESTED + timedelta(minutes=1)
NOW = FIRST + timedelta(minutes=2)
MINUTE = timedelta(minutes=1)
CUSTOMER_MISSES = [
    DialOutcome.MACHINE,
    DialOutcome.NO_ANSWER,
    DialOutcome.BUSY,
    DialOutcome.FAILED,
    DialOutcome.DECLINED,
]


def decide(
    outcome: DialOutcome,
    attempts: int,
    now: datetime = NOW,
    policy: RetryPolicy | None = None,
) -> Decision:
    return (policy or RetryPolicy()).decide(
        outcome=outcome,
        attempts=attempts,
        first_attempt_at=FIRST,
        requested_at=REQUESTED,
        now=now,
    )


# --- one table for every outcome ----------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "attempts", "expected"),
    [
        (DialOutcome.CONNECTED, 1, Done()),
        (DialOutcome.CONNECTED, 3, Done()),
        (DialOutcome.MACHINE, 1, RetryAt(NOW + 5 * MINUTE, "machine on attempt 1 of 3")),
        (DialOutcome.NO_ANSWER, 1, RetryAt(NOW + 5 * MINUTE, "no_answer on attempt 1 of 3")),
        (DialOutcome.BUSY, 2, RetryAt(NOW + 15 * MINUTE, "busy on attempt 2 of 3")),
        (DialOutcome.FAILED, 1, RetryAt(NOW + 5 * MINUTE, "failed on attempt 1 of 3")),
        (DialOutcome.DECLINED, 2, RetryAt(NOW + 15 * MINUTE, "declined on attempt 2 of 3")),
        (DialOutcome.MACHINE, 3, GiveUp("max attempts reached")),
        (DialOutcome.NO_ANSWER, 3, GiveUp("max attempts reached")),
        (DialOutcome.BUSY, 3, GiveUp("max attempts reached")),
        (DialOutcome.FAILED, 4, GiveUp("max attempts reached")),
        (DialOutcome.DECLINED, 3, GiveUp("max attempts reached")),
        (
            DialOutcome.AGENT_UNAVAILABLE,
            3,
            RetryAt(
                NOW + timedelta(seconds=30), "agent unavailable; the customer's attempt is not used"
            ),
        ),
    ],
)
def test_decision_for_each_outcome(outcome: DialOutcome, attempts: int, expected: Decision) -> None:
    assert decide(outcome, attempts) == expected


def test_every_outcome_is_covered_by_the_table() -> None:
    assert set(DialOutcome) == {
        *CUSTOMER_MISSES,
        DialOutcome.CONNECTED,
        DialOutcome.AGENT_UNAVAILABLE,
    }


@pytest.mark.parametrize("outcome", CUSTOMER_MISSES)
def test_no_retry_after_the_retry_window(outcome: DialOutcome) -> None:
    # 4 h window from FIRST; a 5-minute backoff from here would land 1 minute past it.
    late = FIRST + timedelta(hours=4) - 4 * MINUTE
    assert decide(outcome, 1, now=late) == GiveUp(GiveUpReason.RETRY_WINDOW)


def test_retry_landing_exactly_on_the_window_edge_is_allowed() -> None:
    edge = FIRST + timedelta(hours=4) - 5 * MINUTE
    assert decide(DialOutcome.NO_ANSWER, 1, now=edge) == RetryAt(
        FIRST + timedelta(hours=4), "no_answer on attempt 1 of 3"
    )


@pytest.mark.parametrize("outcome", CUSTOMER_MISSES)
def test_no_retry_after_the_request_expires(outcome: DialOutcome) -> None:
    policy = RetryPolicy(retry_window=timedelta(hours=48), expiry=timedelta(hours=2))
    late = REQUESTED + timedelta(hours=2) - MINUTE
    assert decide(outcome, 1, now=late, policy=policy) == GiveUp("request expired")


def test_agent_failure_is_not_bound_by_the_retry_window() -> None:
    after_window = FIRST + timedelta(hours=6)
    decision = decide(DialOutcome.AGENT_UNAVAILABLE, 1, now=after_window)
    assert decision == RetryAt(
        after_window + timedelta(seconds=30),
        "agent unavailable; the customer's attempt is not used",
    )


def test_agent_failure_still_gives_up_once_the_request_expires() -> None:
    near_expiry = REQUESTED + timedelta(hours=24) - timedelta(seconds=10)
    assert decide(DialOutcome.AGENT_UNAVAILABLE, 0, now=near_expiry) == GiveUp(GiveUpReason.EXPIRED)


def test_a_customer_outcome_needs_a_counted_attempt() -> None:
    with pytest.raises(ValueError, match="attempts"):
        decide(DialOutcome.NO_ANSWER, 0)


# --- backoff and validation ----------------------------------------------------------------


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 5), (2, 15), (3, 30), (4, 30), (10, 30)])
def test_backoff_after_each_attempt_with_the_last_repeating(attempts: int, minutes: int) -> None:
    assert RetryPolicy().backoff_after(attempts) == timedelta(minutes=minutes)


def test_backoff_after_no_attempt_is_refused() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy().backoff_after(0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"backoff": ()}, "backoff"),
        ({"backoff": (MINUTE, timedelta(0))}, "backoff"),
        ({"backoff": (-MINUTE,)}, "backoff"),
        ({"retry_window": timedelta(0)}, "retry_window"),
        ({"expiry": -MINUTE}, "expiry"),
        ({"agent_retry_delay": timedelta(0)}, "agent_retry_delay"),
    ],
)
def test_invalid_policy_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**changes)  # type: ignore[arg-type]


def test_policy_is_a_frozen_value() -> None:
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.max_attempts = 5  # type: ignore[misc]
    assert policy == RetryPolicy()
    assert hash(policy) == hash(RetryPolicy())


# --- properties ----------------------------------------------------------------------------

durations = st.timedeltas(timedelta(seconds=1), timedelta(hours=3))
policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 6),
    backoff=st.lists(durations, min_size=1, max_size=4).map(tuple),
    retry_window=st.timedeltas(MINUTE, timedelta(hours=12)),
    expiry=st.timedeltas(MINUTE, timedelta(hours=48)),
    agent_retry_delay=st.timedeltas(timedelta(seconds=1), timedelta(minutes=10)),
)
first_delays = st.timedeltas(timedelta(0), timedelta(hours=2))
elapsed = st.timedeltas(timedelta(0), timedelta(hours=30))


@given(
    policies,
    st.sampled_from([DialOutcome.MACHINE, DialOutcome.NO_ANSWER]),
    st.integers(1, 10),
    first_delays,
    elapsed,
)
def test_machine_and_no_answer_never_complete(
    policy: RetryPolicy,
    outcome: DialOutcome,
    attempts: int,
    first_delay: timedelta,
    since_first: timedelta,
) -> None:
    first = REQUESTED + first_delay
    decision = policy.decide(
        outcome=outcome,
        attempts=attempts,
        first_attempt_at=first,
        requested_at=REQUESTED,
        now=first + since_first,
    )
    assert not isinstance(decision, Done)


@given(policies, st.sampled_from(list(DialOutcome)), st.integers(1, 10), first_delays, elapsed)
def test_retries_are_in_the_future_and_within_the_windows(
    policy: RetryPolicy,
    outcome: DialOutcome,
    attempts: int,
    first_delay: timedelta,
    since_first: timedelta,
) -> None:
    first = REQUESTED + first_delay
    now = first + since_first
    decision = policy.decide(
        outcome=outcome, attempts=attempts, first_attempt_at=first, requested_at=REQUESTED, now=now
    )
    if not isinstance(decision, RetryAt):
        return
    assert decision.at > now
    assert decision.at <= REQUESTED + policy.expiry
    if outcome is not DialOutcome.AGENT_UNAVAILABLE:
        assert decision.at <= first + policy.retry_window
        assert attempts < policy.max_attempts


@given(
    policies,
    st.lists(
        st.sampled_from([*CUSTOMER_MISSES, DialOutcome.AGENT_UNAVAILABLE]), min_size=1, max_size=40
    ),
    first_delays,
)
def test_a_customer_is_never_dialled_more_than_max_attempts(
    policy: RetryPolicy, outcomes: list[DialOutcome], first_delay: timedelta
) -> None:
    first = now = REQUESTED + first_delay
    attempts = 0
    for outcome in outcomes:
        if outcome is not DialOutcome.AGENT_UNAVAILABLE:
            attempts += 1
        assert attempts <= policy.max_attempts
        decision = policy.decide(
            outcome=outcome,
            attempts=attempts,
            first_attempt_at=first,
            requested_at=REQUESTED,
            now=now,
        )
        if not isinstance(decision, RetryAt):
            assert isinstance(decision, GiveUp)
            break
        now = decision.at
