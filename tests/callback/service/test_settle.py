"""The settle use case's decisions: what a finished call means, and where a request goes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from callback.config import SupervisorConfig, load_config
from callback.retry import DialOutcome, Done, GiveUp, RetryAt
from callback.service.settle import deciding, outcome_of, target_of
from callback.types import QueueName, State
from tests.callback.config.test_loader import EXAMPLE
from tests.callback.factories import at, request


@pytest.fixture(scope="module")
def example() -> SupervisorConfig:
    return load_config(EXAMPLE)


@pytest.mark.parametrize(
    ("state", "call_status", "answered_by", "expected"),
    [
        (State.CONNECTED, "completed", None, DialOutcome.CONNECTED),
        (State.DIALING, "completed", "human", DialOutcome.DECLINED),
        (State.DIALING, "completed", "machine_end_beep", DialOutcome.MACHINE),
        (State.DIALING, "completed", "fax", DialOutcome.MACHINE),
        (State.DIALING, "completed", "unknown", DialOutcome.DECLINED),
        (State.DIALING, "busy", None, DialOutcome.BUSY),
        (State.DIALING, "no-answer", None, DialOutcome.NO_ANSWER),
        (State.DIALING, "canceled", None, DialOutcome.NO_ANSWER),
        (State.DIALING, "failed", None, DialOutcome.FAILED),
        (State.CONNECTED, "failed", None, DialOutcome.FAILED),
    ],
)
def test_a_customer_first_call_means_what_its_status_and_answer_say(
    example: SupervisorConfig,
    state: State,
    call_status: str,
    answered_by: str | None,
    expected: DialOutcome,
) -> None:
    found = outcome_of(example, request(state=state), call_status, answered_by)
    assert found is expected


def test_an_agent_first_call_that_never_reached_the_customer_is_ours(
    example: SupervisorConfig,
) -> None:
    sales = replace(request(state=State.DIALING), queue=QueueName("sales"))
    assert outcome_of(example, sales, "no-answer", None) is DialOutcome.AGENT_UNAVAILABLE
    assert outcome_of(example, sales, "completed", "human") is DialOutcome.AGENT_UNAVAILABLE


def test_decisions_become_states() -> None:
    assert target_of(Done()) == (State.COMPLETED, None)
    assert target_of(RetryAt(at(5), "again")) == (State.WAITING, at(5))
    assert target_of(GiveUp("enough")) == (State.FAILED, None)


def test_the_window_runs_from_the_first_attempt_the_store_hands_over(
    example: SupervisorConfig,
) -> None:
    # The second try ends 3 h 50 min after the first: its 15-minute backoff ends past the
    # support queue's 4-hour window from the first attempt, though not from this one.
    decide = deciding(example, DialOutcome.FAILED, at(230))
    assert decide(request(state=State.DIALING, attempts=2), at(0)) == (State.FAILED, None)
    assert decide(request(state=State.DIALING, attempts=2), at(229)) == (
        State.WAITING,
        at(245),
    )
