"""Placing one claimed callback: who is rung, with which URLs, and what a failure means."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.carrier import Telephony, TelephonyError, TooLate
from callback.config import SupervisorConfig
from callback.config.policy import DialMode
from callback.retry import DialOutcome
from callback.service.settle import Settler
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.records import Claim
from callback.types import E164
from ivr.links import Entry, Link, Links, Step

log = logging.getLogger("holdless.dispatch")

CARRIER_BUSY = "carrier_unavailable"
"""The attempt's outcome when Twilio refused the dial for a passing reason (429, 503, network)."""
CARRIER_REFUSED = "carrier_refused"
"""The attempt's outcome when Twilio refused the dial request itself (a 4xx)."""
NOT_DIALLED = "not_dialled"
"""The attempt's outcome when its call provably never reached the carrier."""
HTTP_TIMEOUT = timedelta(seconds=10)
"""The default Twilio REST timeout (`Settings.twilio_http_timeout`): the lease must outlast it."""


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


@dataclass(frozen=True, slots=True)
class Dialler:
    """Places claimed calls and records the CallSid, or what the failure means."""

    settler: Settler
    """Settles an attempt whose dial the carrier refused, as every other ending is settled."""
    calls: CallStore
    telephony: Telephony
    claims: DispatchStore
    clock: Callable[[], datetime] | None = None
    """Read right before each dial; without one, the pass's `now` stands in for it."""
    http_timeout: timedelta = HTTP_TIMEOUT
    """How long one REST request may take: the claim's lease must run at least this long."""

    def place(
        self, config: SupervisorConfig, claim: Claim, dial: Dial, now: datetime
    ) -> str | None:
        """Start the call (blocking: run it off the event loop); its CallSid, or None."""
        checked = now if self.clock is None else self.clock()
        if not self._held(claim, checked):
            return None
        # What is left of the lease once a request may have taken its whole timeout, as a
        # deadline on the monotonic clock (the adapter checks it as late as it can).
        spare = claim.lease_until - self.http_timeout - checked
        try:
            sid = self.telephony.place_call(
                to=dial.to,
                from_=dial.from_,
                url=dial.url,
                status_callback=dial.status_callback,
                amd_callback=dial.amd_callback,
                timeout_s=dial.timeout_s,
                machine_detection=dial.machine_detection,
                send_before=time.monotonic() + spare.total_seconds(),
            )
        except TooLate:
            self._lost(claim, now if self.clock is None else self.clock())
            return None
        except TelephonyError as error:
            self._failed(config, claim, error, now)
            return None
        if not self.calls.attach(claim.attempt_id, claim.fence, sid):
            self._orphaned(claim, sid)
        return sid

    def _held(self, claim: Claim, now: datetime) -> bool:
        # The request leaves within the HTTP timeout of this check, so while the lease outlasts
        # it, a sweep (which waits for the lease to run out) finds the call at the carrier. A
        # pause after this check is caught by the adapter, which looks at the clock again
        # right before sending (`send_before`); only a pause inside the send itself is left.
        if self.claims.still_held(claim, now, self.http_timeout):
            return True
        self._lost(claim, now)
        return False

    def _lost(self, claim: Claim, now: datetime) -> None:
        log.warning("request %s: claim lost or lease too short; not dialled", claim.request.id)
        if self.calls.attached_sid(claim.attempt_id) is None:
            # Ends the attempt only while it is still ours: a taken-over claim is left alone.
            self.claims.return_undialled(claim, NOT_DIALLED, now)

    def _orphaned(self, claim: Claim, sid: str) -> None:
        request = claim.request.id
        if self.calls.attempt_for(sid) is not None:
            # The lease sweep found this call at the carrier and adopted it: it stays.
            log.warning("request %s: call %s was adopted by the sweep", request, sid)
            return
        # The attempt ended or was taken over while the call was placed: nothing would
        # settle this call, and another may already ring the same number.
        log.warning("request %s: call %s placed after its attempt ended; hanging up", request, sid)
        try:
            self.telephony.hang_up(sid)
        except TelephonyError as error:
            log.warning("request %s: stale call %s not hung up (%s)", request, sid, error)

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
        moved = self.settler.settle(
            config, claim, DialOutcome.FAILED, now, recorded_as=CARRIER_REFUSED
        )
        after = "left as it was" if moved is None else moved.state.value
        log.warning("request %s: dial refused (%s); %s", request.id, error, after)
