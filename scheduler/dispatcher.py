"""The dispatcher: one pass per queue claims eligible requests with free agents, then dials.

Every claim is committed before its call is placed, so a crash between the two leaves an
open attempt under a lease, never an unrecorded call; the lease sweep resolves it by asking
the carrier. Work is synchronous (database and REST calls block): the ticker runs a pass on
its thread pool, and an agent's "available" runs a kick for that agent alone as a background
task, both off the event loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from callback.carrier import Telephony, TelephonyError
from callback.config import ConfigHolder, SupervisorConfig
from callback.config.policy import DialMode
from callback.dispatch import Budget
from callback.service.held import Handover, HeldService
from callback.service.settle import Settler
from callback.store.calls import FINAL_RANK, CallStore
from callback.store.dispatching import DispatchStore, Offered
from callback.store.held_line import HeldClaim
from callback.store.leases import LeaseStore
from callback.store.presence import PresenceStore
from callback.store.queue import QueueStore
from callback.store.records import Claim
from callback.types import E164, AgentId, QueueName, State
from ivr.links import Links
from scheduler.dispatch_dial import HTTP_TIMEOUT, NOT_DIALLED, Dialler, agent_endpoint, dial_for
from scheduler.dispatch_held import HeldHandover
from scheduler.dispatch_presence import follow_calls, free_agents, moving
from scheduler.dispatch_rules import by_priority, idle_budget, offer_for, queues_of

log = logging.getLogger("holdless.dispatch")

MAX_PARALLEL_DIALS = 8
"""REST requests one pass has in flight at most, by default (the dial rate cap still bounds
how many calls start per minute)."""
SWEEP_MARGIN = timedelta(minutes=1)
"""Looked back before a stranded claim when asking the carrier: clocks differ a little."""
MAX_GONE = 5
"""Callers found gone in a row before an agent's turn waits for the next pass."""


@dataclass(frozen=True, slots=True)
class QueuePass:
    """What one queue's pass decided and did."""

    queue: QueueName
    budget: Budget
    placed: tuple[str, ...]


@dataclass
class Dispatcher:
    """Claims and dials for every queue; safe to start from several threads at once."""

    store: QueueStore
    claims: DispatchStore
    presence: PresenceStore
    calls: CallStore
    config: ConfigHolder
    telephony: Telephony
    links: Links
    clock: Callable[[], datetime]
    settler: Settler
    """Settles dial attempts: a refused dial, and calls whose end the sweep learnt."""
    http_timeout: timedelta = HTTP_TIMEOUT
    """How long a REST request may take: a claim is dialled only with at least this much
    lease left, so no other instance can take it over while the request is in flight."""
    parallel_dials: int = MAX_PARALLEL_DIALS
    """REST requests one pass has in flight at most."""
    held: HeldService | None = None
    """Serves callers on hold; without it, none is claimed for an agent."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _again: threading.Event = field(default_factory=threading.Event, repr=False)
    _synced: frozenset[AgentId] = field(default=frozenset(), repr=False)
    """The roster whose presence rows this process has made sure of."""

    @property
    def leases(self) -> LeaseStore:
        """Renews the leases of calls the sweep found still going on."""
        return LeaseStore(self.store.engine)

    @property
    def dialler(self) -> Dialler:
        """Places the calls of this dispatcher's claims."""
        return Dialler(
            self.settler,
            self.calls,
            self.telephony,
            self.claims,
            clock=self.clock,
            http_timeout=self.http_timeout,
        )

    def run(self) -> None:
        """One pass now; if a pass is running, it runs once more instead (a kick, not a queue)."""
        self._again.set()
        if not self._lock.acquire(blocking=False):
            return
        try:
            while self._again.is_set():
                self._again.clear()
                self.dispatch(self.clock())
        except Exception:
            log.exception("dispatch pass failed; the next tick tries again")
        finally:
            self._lock.release()

    def kick(self, agent: AgentId) -> None:
        """Dispatch at once for an agent who just became available (never behind a pass)."""
        try:
            self.offer(agent, self.clock())
        except Exception:
            log.exception("dispatch for agent %s failed; the next tick tries again", agent)

    def offer(self, agent: AgentId, now: datetime) -> QueuePass | None:
        """Offer `agent` to their queues by priority until one claims; that queue's pass.

        Only what this agent's dial needs is read: a pass running meanwhile is kept apart by
        the database (the agent is taken once, a request claimed once, the budget read and
        spent under the queue's lock), so the kick does not wait for it.
        """
        config = self.config.current
        for queue in queues_of(config, agent):
            offered = self._offer(config, queue, agent, now)
            if offered.held is not None:
                sid = self._serve(config, offered.held, now)
                return QueuePass(queue, offered.budget, () if sid is None else (sid,))
            if offered.claim is not None:
                sid = self._place(config, offered.claim, agent, now)
                return QueuePass(queue, offered.budget, () if sid is None else (sid,))
        return None

    def _offer(
        self, config: SupervisorConfig, queue: QueueName, agent: AgentId, now: datetime
    ) -> Offered:
        offer = offer_for(config, queue, agent, now)
        if self.held is None:
            offer = replace(offer, serve_held=False)
        return self.claims.offer(offer, now)

    def serve(self, claim: HeldClaim, now: datetime) -> str | None:
        """Hand a claimed caller on hold to their agent (blocking REST, off the event loop)."""
        return self._serve(self.config.current, claim, now)

    def _serve(self, config: SupervisorConfig, claim: HeldClaim, now: datetime) -> str | None:
        """Hand a claimed caller on hold over; if they hung up meanwhile, the agent is free at
        once and serves the next in line. The caller's CallSid, or a dialled call's."""
        assert self.held is not None
        handover = HeldHandover(self.held, self.links, self.http_timeout)
        for _ in range(MAX_GONE):
            done = handover.place(config, claim, now)
            if done in (Handover.DEQUEUED, Handover.UNKNOWN):
                return claim.caller.call_sid
            follow_calls(self.presence, config, now)
            if done is Handover.RETURNED:
                return None
            offered = self._offer(config, claim.caller.queue, claim.agent_id, now)
            if offered.claim is not None:
                return self._place(config, offered.claim, claim.agent_id, now)
            if offered.held is None:
                return None
            claim = offered.held
        return None

    def dispatch(self, now: datetime) -> list[QueuePass]:
        """Follow ended calls in presence, then claim and dial queue by queue, by priority."""
        config = self.config.current
        self._sync_roster(config, now)
        idle = self._idle(config, now)
        taken: set[AgentId] = set()
        passes = []
        for queue in by_priority(config):
            # An agent of several queues taken by one is busy now.
            free = [agent for agent in idle.get(queue, []) if agent not in taken]
            passes.append(self._queue(config, queue, free, now, taken))
        return passes

    def _sync_roster(self, config: SupervisorConfig, now: datetime) -> None:
        roster = frozenset(AgentId(agent.id) for agent in config.agents)
        # Rows are only ever added, so a roster synced once stays synced: this runs again
        # only when the config's roster changes.
        if not roster <= self._synced:
            self.presence.sync_roster(sorted(roster), now)
            self._synced = roster

    def _idle(self, config: SupervisorConfig, now: datetime) -> dict[str, list[AgentId]]:
        everyone = self.presence.everyone()
        if any(moving(p, now) for p in everyone):
            follow_calls(self.presence, config, now)
            everyone = self.presence.everyone()
        return free_agents(everyone, config)

    def _queue(
        self,
        config: SupervisorConfig,
        queue: QueueName,
        free: list[AgentId],
        now: datetime,
        taken: set[AgentId],
    ) -> QueuePass:
        budget: Budget | None = None
        claimed: list[tuple[Claim, AgentId]] = []
        held: list[HeldClaim] = []
        for agent in free:
            offered = self._offer(config, queue, agent, now)
            budget = budget or offered.budget
            if offered.held is not None:  # a caller on hold: the budget binds callbacks only
                taken.add(agent)
                held.append(offered.held)
                continue
            if offered.budget.allowed < 1:
                break
            if offered.claim is None:
                continue
            taken.add(agent)
            claimed.append((offered.claim, agent))
        served = tuple(sid for claim in held if (sid := self._serve(config, claim, now)))
        placed = self._place_all(config, claimed, now)
        return QueuePass(queue, budget or idle_budget(config, queue, now), served + placed)

    def _place_all(
        self, config: SupervisorConfig, claimed: list[tuple[Claim, AgentId]], now: datetime
    ) -> tuple[str, ...]:
        """Dial every claim of a pass at once: one slow REST answer must not hold the rest
        (one at a time, a 300 ms answer caps an instance at about three dials a second)."""
        workers = min(len(claimed), self.parallel_dials)
        if workers < 2:  # nothing to overlap
            sids = [self._place(config, claim, agent, now) for claim, agent in claimed]
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="dial") as pool:
                sids = list(pool.map(lambda c: self._place(config, c[0], c[1], now), claimed))
        return tuple(sid for sid in sids if sid is not None)

    def _lease(self, config: SupervisorConfig, queue: QueueName) -> timedelta:
        if queue not in config.queues:  # removed from the config while a call went on
            return config.callback_defaults.lease
        return config.callback_policy(queue).lease

    def _place(
        self, config: SupervisorConfig, claim: Claim, agent: AgentId, now: datetime
    ) -> str | None:
        endpoint = agent_endpoint(config, agent)
        if endpoint is None:  # the roster changed under the claim: give the request back
            self.claims.return_undialled(claim, NOT_DIALLED, now)
            return None
        return self.dialler.place(config, claim, dial_for(config, claim, endpoint, self.links), now)

    def sweep(self, now: datetime) -> int:
        """Resolve dials whose lease ran out; how many went back in line undialled."""
        config = self.config.current
        self.settler.settle_recorded(config, now)
        if self.held is not None:
            self.held.sweep(self.telephony, lambda queue: self._lease(config, queue), now)
        returned = 0
        for claim in self.store.expired_claims(now):
            returned += self._resolve(config, claim, now)
        # What this sweep learned from the carrier (an ended call, a CallSid attached to a
        # call whose final status was already recorded) is settled now, not a sweep later.
        self.settler.settle_recorded(config, now)
        return returned

    def _dialled(self, config: SupervisorConfig, claim: Claim) -> E164:
        """Who the attempt's call went to: the customer, or the agent when the agent is first."""
        policy = config.callback_policy(claim.request.queue)
        if policy.dial_mode is DialMode.AGENT_FIRST and claim.agent_id is not None:
            endpoint = agent_endpoint(config, claim.agent_id)
            if endpoint is not None:
                return E164(endpoint)  # Twilio lists calls to sip:/client: targets too
        return claim.request.number

    def _resolve(self, config: SupervisorConfig, claim: Claim, now: datetime) -> bool:
        sid = self.calls.attached_sid(claim.attempt_id)
        try:
            if sid is not None:
                self._follow(config, claim, sid, now)
                return False
            return self._find(config, claim, now)
        except TelephonyError as error:
            log.warning("request %s: carrier not asked (%s); next sweep", claim.request.id, error)
            return False

    def _follow(self, config: SupervisorConfig, claim: Claim, sid: str, now: datetime) -> None:
        """A call known to have gone out: record its end, or hold it for another lease.

        Twilio never retries a status callback, so a lost final status is only ever learnt
        by asking; the recorded end is settled like a status callback (`Settler.settle_recorded`).
        """
        call = self.telephony.call_status(sid)
        if call is not None and call.status.is_final:
            self.calls.advance(sid, str(call.status), FINAL_RANK, now)
            return
        if call is None:
            log.warning("request %s: the carrier has no call %s", claim.request.id, sid)
        self.leases.renew(claim, now + self._lease(config, claim.request.queue))

    def _find(self, config: SupervisorConfig, claim: Claim, now: datetime) -> bool:
        """An attempt without a CallSid: attach the call the carrier placed, or give it back."""
        lease = self._lease(config, claim.request.queue)
        since = claim.lease_until - lease - SWEEP_MARGIN
        for call in self.telephony.calls_to(self._dialled(config, claim), since):
            owner = self.calls.attempt_for(call.sid)
            if owner is None or owner.attempt_id == claim.attempt_id:
                # It went out: its status callbacks, the recorded end or the next sweep
                # settle it.
                self.calls.attach(claim.attempt_id, claim.fence, call.sid)
                return False
        if claim.request.state is not State.DIALING:
            # Answered, so a call went out: the carrier's list has not caught up yet.
            log.warning("request %s: its answered call is not listed yet", claim.request.id)
            return False
        return self.claims.return_undialled(claim, NOT_DIALLED, now) is not None
