"""Placing one claimed callback: who is rung, with which URLs, and what a failure means."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from callback.config import SupervisorConfig
from callback.config.policy import DialMode
from callback.retry import Decision, DialOutcome, Done, GiveUp, RetryAt
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.queue import QueueStore
from callback.store.records import Claim
from callback.types import E164, State
from ivr.links import Entry, Link, Links, Step
from scheduler.twilio import Telephony, TelephonyError

log = logging.getLogger("holdless.dispatch")

CARRIER_BUSY = "carrier_unavailable"
"""The attempt's outcome when Twilio refused the dial for a passing reason (429, 503, network)."""
CARRIER_REFUSED = "carrier_refused"
"""The attempt's outcome when Twilio refused the dial request itself (a 4xx)."""


@dataclass(frozen=True, slots=True)
class Dial:
    """The REST request that starts one callback call."""

    to: E164
    from_: str
    url: str
    status_callback: str
    amd_callback: str
    timeout_s: int
    machine_detection: bool


def agent_endpoint(config: SupervisorConfig, agent_id: str | None) -> str | None:
    """The endpoint of agent `agent_id` in the roster."""
    found = [agent.endpoint for agent in config.agents if agent.id == agent_id]
    return found[0] if found else None


def dial_for(config: SupervisorConfig, claim: Claim, agent: str, links: Links) -> Dial:
    """Customer-first rings the customer (with AMD); agent-first rings the agent's endpoint.

    Both answer at `Step.ANSWER`: in agent-first mode that step whispers the briefing.
    """
    request = claim.request
    policy = config.callback_policy(request.queue)
    own = config.queues[request.queue].numbers or config.service.numbers
    answer = Link(Step.ANSWER, queue=request.queue, lang=request.language, request=request.id)
    status = links.entry(Entry.STATUS)
    customer_first = policy.dial_mode is DialMode.CUSTOMER_FIRST
    # An agent's endpoint may be sip: or client:, which Twilio's `To` accepts as well.
    to = request.number if customer_first else E164(agent)
    ring = policy.ring_timeout if customer_first else policy.agent_ring_timeout
    return Dial(
        to=to,
        from_=own[0],
        url=links.url(answer),
        status_callback=status,
        amd_callback=status,
        timeout_s=int(ring.total_seconds()),
        machine_detection=customer_first,
    )


def _target(decision: Decision) -> tuple[State, datetime | None]:
    match decision:
        case RetryAt(at=at):
            return State.WAITING, at
        case GiveUp():
            return State.FAILED, None
        case Done():
            return State.COMPLETED, None


@dataclass(frozen=True, slots=True)
class Dialler:
    """Places claimed calls and records the CallSid, or what the failure means."""

    store: QueueStore
    calls: CallStore
    telephony: Telephony
    claims: DispatchStore

    def place(
        self, config: SupervisorConfig, claim: Claim, dial: Dial, now: datetime
    ) -> str | None:
        """Start the call (blocking: run it off the event loop); its CallSid, or None."""
        try:
            sid = self.telephony.place_call(
                to=dial.to,
                from_=dial.from_,
                url=dial.url,
                status_callback=dial.status_callback,
                amd_callback=dial.amd_callback,
                timeout_s=dial.timeout_s,
                machine_detection=dial.machine_detection,
            )
        except TelephonyError as error:
            self._failed(config, claim, error, now)
            return None
        if not self.calls.attach(claim.attempt_id, claim.fence, sid):
            log.warning("request %s: call %s placed after its attempt ended", claim.request.id, sid)
        return sid

    def _failed(
        self, config: SupervisorConfig, claim: Claim, error: TelephonyError, now: datetime
    ) -> None:
        request = claim.request
        if error.ambiguous:
            # The call may have gone out: the lease sweep asks Twilio before any redial.
            log.warning(
                "request %s: dial outcome unknown (%s); left to the sweep", request.id, error
            )
            return
        if error.retryable:
            # A passing fault (429, 503, no connection) refused the call before anyone was
            # rung: ours, not the customer's try, so the attempt is not counted. Recorded
            # apart from an agent's unanswered offer, so presence does not blame the agent.
            delay = config.callback_policy(request.queue).agent_retry_delay
            log.warning("request %s: dial refused (%s); retry in %s", request.id, error, delay)
            self.claims.return_undialled(claim, CARRIER_BUSY, now, due_at=now + delay)
            return
        # A refusal of the request itself (a 4xx) counts as a failed dial.
        decision = config.retry_policy(request.queue).decide(
            outcome=DialOutcome.FAILED,
            attempts=max(1, request.attempts),
            first_attempt_at=claim.lease_until - config.callback_policy(request.queue).lease,
            requested_at=request.created_at,
            now=now,
        )
        target, due_at = _target(decision)
        log.warning("request %s: dial refused (%s); %s", request.id, error, target.value)
        self.store.end_dial(
            request.id, claim.attempt_id, claim.fence, CARRIER_REFUSED, target, now, due_at=due_at
        )
