"""Serve a caller on hold: take the chosen caller out of the carrier's queue for an agent,
and settle how it went (connected, the agent missed it, the caller hung up).

The claim (the dispatcher's transaction) holds the agent and the caller under one fence;
this use case acts on it. It never dials: the caller's own call runs the connect step,
whose TwiML rings the agent. Each ending is one compare-and-set on the caller and the offer,
so a caller ends up in exactly one place: back in line at their own place (the same row,
the same virtual start), served, or abandoned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from callback.carrier import CallRecord, CallStatus, HeldCalls, TelephonyError
from callback.retry import DialOutcome
from callback.store.held import HeldStore
from callback.store.held_line import IN_LINE, ON_OFFER, HeldCaller, HeldClaim, HeldState
from callback.types import AgentId, QueueName

log = logging.getLogger("holdless.held")

CONNECTED = DialOutcome.CONNECTED.value
"""The offer's outcome when agent and caller talked: the agent wraps up."""
UNANSWERED = DialOutcome.AGENT_UNAVAILABLE.value
"""The offer's outcome when the agent did not answer: the unanswered-offer rule applies."""
CALLER_GONE = "caller_gone"
"""The caller hung up before the bridge: the agent is free at once, not blamed."""
NOT_CONNECTED = "not_connected"
"""Our side could not hand the caller over (refused, no endpoint, lease lost): back in line."""
CALLER_CANCELED = "canceled"
"""DialCallStatus when the Dial ended before the agent answered for want of the caller: we
never cancel the agent's leg ourselves, so it means the caller hung up while it rang."""
BRIDGED_STATUSES = frozenset({"completed", "answered"})
"""DialCallStatus values meaning agent and caller were connected."""


class CallLookup(Protocol):
    """The part of the Calls API the sweep needs (`Telephony.call_status`)."""

    def call_status(self, sid: str) -> CallRecord | None:
        """The call `sid` as the carrier knows it now; None when it has no such call."""
        ...


class Handover(StrEnum):
    """What asking the carrier to hand a claimed caller over came to."""

    DEQUEUED = "dequeued"
    """The caller is on the way to the connect step."""
    GONE = "gone"
    """The caller was no longer in the queue (hung up): abandoned, the agent is free."""
    RETURNED = "returned"
    """Not handed over; the caller keeps their place, the agent is free."""
    UNKNOWN = "unknown"
    """The carrier's answer was lost: the lease sweep finds out."""


@dataclass(frozen=True, slots=True)
class Connecting:
    """A caller whose connect step may ring an agent now."""

    caller: HeldCaller
    agent: AgentId


@dataclass(frozen=True, slots=True)
class HeldService:
    """Serves callers on hold for every channel that touches them; built by the root."""

    held: HeldStore
    carrier: HeldCalls | None
    """Twilio's Queue Members resource; None where nothing may dequeue (then none is)."""

    def hand_over(self, claim: HeldClaim, url: str, now: datetime) -> Handover:
        """Dequeue the claimed caller by CallSid to run `url`, or settle why not."""
        caller = claim.caller
        if self.carrier is None:
            self.give_back(claim, now)
            return Handover.RETURNED
        try:
            if self.carrier.dequeue(caller.queue_sid, caller.call_sid, url=url):
                return Handover.DEQUEUED
        except TelephonyError as error:
            if error.ambiguous:
                log.warning("held caller %s: dequeue unknown (%s); left to sweep", caller.id, error)
                return Handover.UNKNOWN
            log.warning("held caller %s: dequeue refused (%s)", caller.id, error)
            self.give_back(claim, now)
            return Handover.RETURNED
        log.info("held caller %s hung up before the bridge", caller.id)
        self.held.end(caller, HeldState.ABANDONED, CALLER_GONE, now)
        return Handover.GONE

    def give_back(self, claim: HeldClaim, now: datetime) -> bool:
        """Undo a claim whose dequeue was never sent: the caller is still in Twilio's queue."""
        return self.held.end(claim.caller, HeldState.HOLDING, NOT_CONNECTED, now) is not None

    def release(self, caller: HeldCaller, now: datetime) -> HeldCaller | None:
        """End the caller's offer on our side's account: back in line, the agent not blamed;
        offered again once they are back in Twilio's queue."""
        return self.held.end(caller, HeldState.RETURNING, NOT_CONNECTED, now)

    def connect(self, held_id: int, fence: int, call_sid: str, now: datetime) -> Connecting | None:
        """The connect step ran: the offer under `fence` for this very call, or None (stale)."""
        caller = self.held.get(held_id)
        if caller is None or caller.fence != fence or caller.call_sid != call_sid:
            return None
        agent = self.held.offered_agent(caller)
        offered = (HeldState.OFFERED,)
        if agent is None or self.held.advance(caller, offered, HeldState.CONNECTING, now) is None:
            return None
        return Connecting(caller, agent)

    def answered(self, held_id: int, fence: int, now: datetime) -> bool:
        """The agent picked up (their whisper runs): the two are being bridged."""
        caller = self.held.get(held_id)
        if caller is None or caller.fence != fence:
            return False
        moved = self.held.advance(caller, (HeldState.CONNECTING,), HeldState.BRIDGED, now)
        return moved is not None

    def dial_ended(
        self, held_id: int, fence: int, dial_status: str, caller_status: str, now: datetime
    ) -> HeldCaller | None:
        """The agent's `<Dial>` ended: served, back in line at the same place, or abandoned.

        The caller moved, or None when the offer had already been settled (a repeat).
        """
        caller = self.held.get(held_id)
        if caller is None or caller.fence != fence or caller.state not in ON_OFFER:
            return None
        if dial_status in BRIDGED_STATUSES:
            return self.held.end(caller, HeldState.SERVED, CONNECTED, now)
        if dial_status == CALLER_CANCELED or _ended(caller_status):
            return self.held.end(caller, HeldState.ABANDONED, CALLER_GONE, now)
        if caller.state is HeldState.BRIDGED:
            # The agent answered and the whisper ran, yet the Dial says they never talked:
            # the whisper's answer was lost on our side. Back at their place, agent unblamed.
            return self.held.end(caller, HeldState.RETURNING, NOT_CONNECTED, now)
        return self.held.end(caller, HeldState.RETURNING, UNANSWERED, now)

    def hung_up(self, call_sid: str, now: datetime) -> HeldCaller | None:
        """The caller's call ended (hung up on hold, or its final status arrived)."""
        caller = self.held.by_sid(call_sid)
        if caller is None:
            return None
        if caller.state in IN_LINE:
            return self.held.finish_holding(caller, HeldState.ABANDONED, now)
        if caller.state is HeldState.BRIDGED:
            return self.held.end(caller, HeldState.SERVED, CONNECTED, now)
        if caller.state in ON_OFFER:
            return self.held.end(caller, HeldState.ABANDONED, CALLER_GONE, now)
        return None

    def served_elsewhere(
        self, call_sid: str, queue_time: timedelta | None, now: datetime
    ) -> HeldCaller | None:
        """Another system bridged the caller (`live_callers = "external"`): served there, not
        abandoned. Twilio reports it only once the bridged parties hang up, so the wait ended
        `queue_time` (Twilio's QueueTime) after they joined, not `now`."""
        caller = self.held.by_sid(call_sid)
        if caller is None:
            return None
        reached = now if queue_time is None else min(now, caller.joined_at + queue_time)
        return self.held.served_elsewhere(caller, reached)

    def left(self, call_sid: str, now: datetime) -> HeldCaller | None:
        """The caller left the hold by choice (to be called back, keeping their place)."""
        caller = self.held.by_sid(call_sid)
        if caller is None or caller.state not in IN_LINE:
            return None
        return self.held.finish_holding(caller, HeldState.LEFT, now)

    def sweep(
        self, telephony: CallLookup, lease: Callable[[QueueName], timedelta], now: datetime
    ) -> int:
        """Settle offers whose lease ran out, asking the carrier about the caller's call."""
        settled = 0
        for claim in self.held.expired(now):
            try:
                call = telephony.call_status(claim.caller.call_sid)
            except TelephonyError as error:
                log.warning("held caller %s: carrier not asked (%s)", claim.caller.id, error)
                continue
            status = None if call is None else call.status
            settled += self._resolve(claim, status, lease(claim.caller.queue), now)
        return settled

    def _resolve(
        self, claim: HeldClaim, status: CallStatus | None, lease: timedelta, now: datetime
    ) -> bool:
        caller = claim.caller
        if status is None or status.is_final:
            return self.hung_up(caller.call_sid, now) is not None
        if caller.state is HeldState.OFFERED:
            # The connect step never ran: the dequeue was lost, or the step is late. Either
            # way the caller is back in line once a hold round shows them in Twilio's queue
            # (a late connect step finds its fence stale and puts them back on hold).
            return self.release(caller, now) is not None
        self.held.renew(claim, now + lease)  # ringing the agent, or talking: still going
        return False


def _ended(caller_status: str) -> bool:
    try:
        return CallStatus(caller_status).is_final
    except ValueError:
        return False
