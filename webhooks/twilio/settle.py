"""Ending a dial attempt: the retry policy decides where its request goes next."""

from __future__ import annotations

import logging
from datetime import datetime

from callback.request import CallbackRequest, IllegalTransition
from callback.retry import Decision, DialOutcome, Done, GiveUp, RetryAt
from callback.store.calls import AttemptRecord
from callback.types import State
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.twilio")


def target_of(decision: Decision) -> tuple[State, datetime | None]:
    """The state (and due time) a decision sends a request to."""
    match decision:
        case Done():
            return State.COMPLETED, None
        case RetryAt(at=at):
            return State.WAITING, at
        case GiveUp():
            return State.FAILED, None


def settle(
    turn: Turn, attempt: AttemptRecord, request: CallbackRequest, outcome: DialOutcome
) -> CallbackRequest | None:
    """End `attempt` with `outcome` and move the request; None if it was already ended."""
    decision = turn.config.retry_policy(request.queue).decide(
        outcome=outcome,
        attempts=max(1, request.attempts),
        first_attempt_at=attempt.first_claimed_at,
        requested_at=request.created_at,
        now=turn.now,
    )
    target, due_at = target_of(decision)
    store = turn.svc.store
    try:
        return store.end_dial(
            request.id,
            attempt.attempt_id,
            attempt.fence,
            outcome.value,
            target,
            turn.now,
            due_at=due_at,
            call_sid=turn.call_sid or None,
        )
    except IllegalTransition:  # moved meanwhile (cancelled by SMS): just close the attempt
        store.finish_attempt(attempt.attempt_id, attempt.fence, outcome.value, turn.now)
        log.info("request %s was %s; attempt closed only", request.id, request.state.value)
        return None
