"""Settle a dial attempt: the retry policy decides where its request goes next.

One use case for every way an attempt ends: a call's final status (the status callback, or
the lease sweep from what it recorded), the customer's choice on the call, and a dial the
carrier refused. The retry window is always measured from the request's first attempt,
read by the store in the transaction that ends this one: no caller supplies the anchor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from callback.carrier import is_machine
from callback.config import SupervisorConfig
from callback.config.policy import DialMode
from callback.request import CallbackRequest
from callback.retry import Decision, DialOutcome, Done, GiveUp, RetryAt
from callback.store.calls import AttemptRecord, CallStore
from callback.store.queue import QueueStore
from callback.store.records import Claim
from callback.store.settling import Decide, Ending, SettleStore, Target
from callback.types import State

log = logging.getLogger("holdless.settle")

MISSED = {
    "busy": DialOutcome.BUSY,
    "no-answer": DialOutcome.NO_ANSWER,
    "failed": DialOutcome.FAILED,
    "canceled": DialOutcome.NO_ANSWER,
}
"""What a final CallStatus (or DialCallStatus) other than completed means for a callback."""


def target_of(decision: Decision) -> Target:
    """The state (and due time) a decision sends a request to."""
    match decision:
        case Done():
            return State.COMPLETED, None
        case RetryAt(at=at):
            return State.WAITING, at
        case GiveUp():
            return State.FAILED, None


def deciding(config: SupervisorConfig, outcome: DialOutcome, now: datetime) -> Decide:
    """The retry policy of the request's queue, applied to `outcome` at `now`."""

    def decide(request: CallbackRequest, first_attempt_at: datetime) -> Target:
        decision = config.retry_policy(request.queue).decide(
            outcome=outcome,
            attempts=max(1, request.attempts),
            first_attempt_at=first_attempt_at,
            requested_at=request.created_at,
            now=now,
        )
        return target_of(decision)

    return decide


def outcome_of(
    config: SupervisorConfig, request: CallbackRequest, call_status: str, answered_by: str | None
) -> DialOutcome:
    """What a finished call means for the callback it was placed for."""
    if request.state is State.CONNECTED and call_status == "completed":
        return DialOutcome.CONNECTED
    mode = config.callback_policy(request.queue).dial_mode
    if mode is DialMode.AGENT_FIRST and request.state is State.DIALING:
        return DialOutcome.AGENT_UNAVAILABLE
    if call_status != "completed":
        return MISSED[call_status]
    return DialOutcome.MACHINE if is_machine(answered_by) else DialOutcome.DECLINED


@dataclass(frozen=True, slots=True)
class Settler:
    """Ends dial attempts for every channel; built once by the composition root."""

    attempts: SettleStore
    store: QueueStore
    calls: CallStore

    def settle(
        self,
        config: SupervisorConfig,
        attempt: AttemptRecord | Claim,
        outcome: DialOutcome,
        now: datetime,
        *,
        recorded_as: str | None = None,
    ) -> CallbackRequest | None:
        """End `attempt` with `outcome` (stored as `recorded_as` when given) and move its
        request; the request moved, or None when the attempt was already ended or the
        request had moved on (cancelled meanwhile: then only the attempt is closed)."""
        request_id = attempt.request.id if isinstance(attempt, Claim) else attempt.request_id
        recorded = recorded_as or outcome.value
        ending = Ending(request_id, attempt.attempt_id, attempt.fence, recorded, now)
        ended = self.attempts.end_attempt(ending, deciding(config, outcome, now))
        if ended is None:
            return None
        if not ended.moved:
            request = ended.request
            log.info("request %s was %s; attempt closed only", request.id, request.state.value)
            return None
        return ended.request

    def settle_call(
        self, config: SupervisorConfig, sid: str, call_status: str, now: datetime
    ) -> CallbackRequest | None:
        """A call's final status: settle the open dial attempt it belongs to, if any."""
        attempt = self.calls.attempt_for(sid)
        if attempt is None or attempt.ended:
            return None
        request = self.store.get(attempt.request_id)
        if request is None or request.is_final:
            return None
        # Only an unbridged call that completed needs to know who answered it.
        unbridged = call_status == "completed" and request.state is State.DIALING
        answered_by = self._answered_by(sid) if unbridged else None
        outcome = outcome_of(config, request, call_status, answered_by)
        return self.settle(config, attempt, outcome, now)

    def settle_recorded(self, config: SupervisorConfig, now: datetime) -> int:
        """Settle calls whose final status was recorded before their CallSid was attached."""
        ended = self.calls.ended_unsettled()
        for sid, call_status in ended:
            self.settle_call(config, sid, call_status, now)
        return len(ended)

    def _answered_by(self, sid: str) -> str | None:
        record = self.calls.get(sid)
        return record.answered_by if record is not None else None
