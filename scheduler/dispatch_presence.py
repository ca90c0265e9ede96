"""Presence after a call: wrap-up, back to available, or away after unanswered offers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from callback.config import SupervisorConfig
from callback.retry import DialOutcome
from callback.store.presence import AgentStatus, EndedOffer, Presence, PresenceStore
from callback.types import AgentId, State

TALKED = frozenset({DialOutcome.CONNECTED.value, State.COMPLETED.value})
"""Outcomes of an attempt in which the agent spoke to the customer: wrap-up follows."""
UNANSWERED = DialOutcome.AGENT_UNAVAILABLE.value
"""The outcome of an offer the agent did not pick up."""


@dataclass(frozen=True, slots=True)
class AfterCall:
    """Where an agent goes when their dial attempt ends."""

    status: AgentStatus
    unanswered: int
    until: datetime | None = None


def after_call(
    offer: EndedOffer, wrap_up: timedelta, max_unanswered: int, now: datetime
) -> AfterCall:
    """The agent's next presence; `max_unanswered` 0 never puts them away."""
    if offer.outcome == UNANSWERED:
        missed = offer.unanswered + 1
        if max_unanswered and missed >= max_unanswered:
            return AfterCall(AgentStatus.AWAY, missed)
        return AfterCall(AgentStatus.AVAILABLE, missed)
    if offer.outcome in TALKED:
        until = (offer.ended_at or now) + wrap_up
        if until > now:
            return AfterCall(AgentStatus.WRAP_UP, 0, until)
        return AfterCall(AgentStatus.AVAILABLE, 0)
    # The customer was not reached (busy, machine, declined): the agent never spoke.
    return AfterCall(AgentStatus.AVAILABLE, offer.unanswered)


def _rules(config: SupervisorConfig, offer: EndedOffer) -> tuple[timedelta, int]:
    agents = {agent.id: agent for agent in config.agents}
    agent = agents.get(offer.agent_id)
    queue = config.queues.get(offer.queue) if offer.queue is not None else None
    wrap_up = queue.wrap_up if queue is not None else timedelta(0)
    return wrap_up, agent.max_unanswered_offers if agent is not None else 0


def follow_calls(presence: PresenceStore, config: SupervisorConfig, now: datetime) -> int:
    """Move agents on from ended calls and ended wrap-ups; how many became available."""
    freed = len(presence.end_wrap_ups(now))
    for offer in presence.ended_offers():
        wrap_up, max_unanswered = _rules(config, offer)
        nxt = after_call(offer, wrap_up, max_unanswered, now)
        moved = presence.finish_offer(
            offer, nxt.status, now, unanswered=nxt.unanswered, until=nxt.until
        )
        freed += moved and nxt.status is AgentStatus.AVAILABLE
    return freed


def moving(presence: Presence, now: datetime) -> bool:
    """Whether `follow_calls` may move this agent on: busy, or a wrap-up that is over."""
    if presence.status is AgentStatus.BUSY:
        return True
    wrapped = presence.until is not None and presence.until <= now
    return presence.status is AgentStatus.WRAP_UP and wrapped


def free_agents(everyone: Iterable[Presence], config: SupervisorConfig) -> dict[str, list[AgentId]]:
    """Available agents of the roster per queue they serve, longest idle first."""
    roster = {agent.id: agent.queues for agent in config.agents}
    idle = sorted(
        (p for p in everyone if p.status is AgentStatus.AVAILABLE and p.agent_id in roster),
        key=lambda p: (p.since, p.agent_id),
    )
    by_queue: dict[str, list[AgentId]] = {}
    for p in idle:
        for queue in roster[p.agent_id]:
            by_queue.setdefault(queue, []).append(p.agent_id)
    return by_queue
