"""The dispatcher: one pass per queue claims eligible requests with free agents, then dials.

Every claim is committed before its call is placed, so a crash between the two leaves an
open attempt under a lease, never an unrecorded call; the lease sweep resolves it by asking
the carrier. The pass is synchronous (database and REST calls block): the ticker runs it on
its thread pool and an agent's "available" runs it as a background task, both off the event
loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from callback.config import ConfigHolder, SupervisorConfig
from callback.config.policy import DialMode
from callback.dispatch import WINDOW, Budget, Eligibility, Snapshot, dial_budget, eligible
from callback.request import CallbackRequest
from callback.store.calls import CallStore
from callback.store.dispatching import DispatchStore
from callback.store.presence import PresenceStore
from callback.store.queue import QueueStore
from callback.store.records import Claim
from callback.types import E164, AgentId, QueueName
from ivr.links import Links
from scheduler.dispatch_dial import Dialler, agent_endpoint, dial_for
from scheduler.dispatch_presence import follow_calls, free_agents
from scheduler.twilio import Telephony, TelephonyError

log = logging.getLogger("holdless.dispatch")

NOT_DIALLED = "not_dialled"
"""The outcome of an attempt whose call provably never reached the carrier."""
SWEEP_MARGIN = timedelta(minutes=1)
"""Looked back before a stranded claim when asking the carrier: clocks differ a little."""


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
    settle_recorded: Callable[[datetime], int] | None = None
    """Settles calls that ended before their CallSid was attached (set by the app: the
    settling rules live with the status webhook)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _again: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def dialler(self) -> Dialler:
        """Places the calls of this dispatcher's claims."""
        return Dialler(self.store, self.calls, self.telephony, self.claims)

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

    def dispatch(self, now: datetime) -> list[QueuePass]:
        """Follow ended calls in presence, then claim and dial queue by queue, by priority."""
        config = self.config.current
        self.presence.sync_roster([AgentId(agent.id) for agent in config.agents], now)
        follow_calls(self.presence, config, now)
        order = sorted(config.queues.items(), key=lambda item: (-item[1].priority, item[0]))
        passes = []
        for name, _ in order:
            # Read again per queue: an agent of several queues taken by one is busy now.
            free = free_agents(self.presence, config).get(name, [])
            passes.append(self._queue(config, QueueName(name), free, now))
        return passes

    def _queue(
        self, config: SupervisorConfig, queue: QueueName, free: list[AgentId], now: datetime
    ) -> QueuePass:
        policy, schedule = config.callback_policy(queue), config.queues[queue].schedule()
        budget = dial_budget(self._snapshot(queue, len(free), now), policy, schedule)
        placed: list[str] = []
        for agent in free[: budget.allowed]:
            claim = self.claims.claim(
                queue, agent, now, self._lease(config, queue), self._check(config, queue, now)
            )
            if claim is None:
                continue
            sid = self._place(config, claim, agent, now)
            if sid is not None:
                placed.append(sid)
        return QueuePass(queue, budget, tuple(placed))

    def _snapshot(self, queue: QueueName, free: int, now: datetime) -> Snapshot:
        counts = self.store.counts(now).get(queue)
        in_progress = 0 if counts is None else counts.dialing + counts.connected
        return Snapshot(
            now=now,
            free_agents=free,
            live_waiting=self.calls.on_hold(queue),
            in_progress=in_progress,
            recent_starts=self.claims.recent_starts(queue, now - WINDOW),
        )

    def _lease(self, config: SupervisorConfig, queue: QueueName) -> timedelta:
        return config.callback_policy(queue).lease

    def _check(
        self, config: SupervisorConfig, queue: QueueName, now: datetime
    ) -> Callable[[CallbackRequest, datetime], Eligibility]:
        window = config.calling_window_policy()
        queue_config = config.queues[queue]
        schedule, zone = queue_config.schedule(), queue_config.zone
        policy = config.callback_policy(queue)

        def check(request: CallbackRequest, due: datetime) -> Eligibility:
            return eligible(
                request,
                now,
                window=window,
                fallback_zone=zone,
                schedule=schedule,
                policy=policy,
                due=due,
            )

        return check

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
        if self.settle_recorded is not None:
            self.settle_recorded(now)
        returned = 0
        for claim in self.store.expired_claims(now):
            returned += self._resolve(config, claim, now)
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
        if self.calls.attached_sid(claim.attempt_id) is not None:
            return False  # it went out: its status callbacks (or the recorded end) settle it
        lease = self._lease(config, claim.request.queue)
        since = claim.lease_until - lease - SWEEP_MARGIN
        try:
            found = self.telephony.calls_to(self._dialled(config, claim), since)
        except TelephonyError as error:
            log.warning("request %s: carrier not asked (%s); next sweep", claim.request.id, error)
            return False
        for call in found:
            owner = self.calls.attempt_for(call.sid)
            if owner is None or owner.attempt_id == claim.attempt_id:
                # It went out: the status callbacks settle it.
                self.calls.attach(claim.attempt_id, claim.fence, call.sid)
                return False
        return self.claims.return_undialled(claim, NOT_DIALLED, now) is not None
