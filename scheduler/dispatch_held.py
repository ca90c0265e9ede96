"""Handing a claimed caller on hold to their agent: the connect step's URL, and the checks
that come before the carrier is asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.config import SupervisorConfig
from callback.service.held import Handover, HeldService
from callback.store.held_line import HeldClaim
from ivr.links import Link, Links, Step
from scheduler.dispatch_dial import agent_endpoint


def connect_link(claim: HeldClaim) -> Link:
    """The connect step of `claim`: the caller, and the fence the step checks."""
    caller = claim.caller
    return Link(Step.CONNECT, caller.queue, caller.language, request=caller.id, fence=claim.fence)


@dataclass(frozen=True, slots=True)
class HeldHandover:
    """Asks the carrier to hand claimed callers over, within the claim's lease."""

    service: HeldService
    links: Links
    http_timeout: timedelta

    def place(self, config: SupervisorConfig, claim: HeldClaim, now: datetime) -> Handover:
        """Dequeue the claimed caller to the connect step, or give the claim back."""
        if agent_endpoint(config, claim.agent_id) is None:  # the roster changed meanwhile
            self.service.give_back(claim, now)
            return Handover.RETURNED
        if claim.lease_until - self.http_timeout <= now:
            # Too little lease left to be sure the sweep does not act while the request flies.
            self.service.give_back(claim, now)
            return Handover.RETURNED
        return self.service.hand_over(claim, self.links.url(connect_link(claim)), now)
