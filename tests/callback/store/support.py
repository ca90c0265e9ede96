"""Builders for the store's contract tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from callback.dispatch import Budget, Eligible, Limit
from callback.merge import Incoming
from callback.request import CallbackRequest, ContextEntry, Slot
from callback.store import Claim, QueueStore
from callback.store.dispatching import DispatchStore, Offer
from callback.store.presence import AgentStatus, PresenceStore
from callback.types import E164, AgentId, Channel, QueueName

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUPPORT = QueueName("support")
SALES = QueueName("sales")
LEASE = timedelta(seconds=90)
_CLAIMERS = itertools.count(1)


def at(minutes: float) -> datetime:
    """T0 plus `minutes`."""
    return T0 + timedelta(minutes=minutes)


def number(n: int) -> E164:
    """A distinct UK test number (Ofcom's drama range +44 20 7946 0xxx)."""
    return E164(f"+44207946{n:04d}")


def incoming(
    start: float = 0,
    *,
    channel: Channel = Channel.WEB,
    priority: int = 0,
    slot: tuple[float, float] | None = None,
    name: str | None = None,
    language: str | None = None,
    **data: Any,
) -> Incoming:
    """A request that joined the line at T0 + `start` minutes, told through `channel`."""
    return Incoming(
        context=ContextEntry(channel=channel, at=at(start), data=dict(data)),
        virtual_start=at(start),
        name=name,
        language=language,
        priority=priority,
        slot=Slot(at(slot[0]), at(slot[1])) if slot is not None else None,
    )


def _any_request(_request: CallbackRequest, _due: datetime) -> Eligible:
    return Eligible()


def _one_more(_snapshot: object) -> Budget:
    return Budget(allowed=1, limited_by=Limit.NONE)


def claim_next(
    store: QueueStore,
    queue: QueueName,
    now: datetime,
    lease: timedelta,
    agent: AgentId | None = None,
) -> Claim | None:
    """The dispatcher's claim of `queue`'s first due request for `agent`, made available first.

    Without an agent a fresh one is invented, so claims in a row never wait for each other;
    every request is eligible and the budget always allows one: the rules are tested apart.
    """
    agent = agent if agent is not None else AgentId(f"claimer-{next(_CLAIMERS)}")
    presence = PresenceStore(store.engine)
    presence.sync_roster([agent], now)
    current = presence.get(agent)
    if current is not None and current.status is not AgentStatus.AVAILABLE:
        presence.set_status(agent, current.status, AgentStatus.AVAILABLE, now, "test")
    wanted = Offer(queue, agent, (agent,), lease, _any_request, _one_more)
    return DispatchStore(store.engine).offer(wanted, now).claim


def offer(
    store: QueueStore,
    agent: str,
    n: int,
    minutes: tuple[float, float],
    outcome: str,
    rating: int | None = None,
) -> None:
    """A request dialled for `agent`, claimed and ended at the given minutes after T0,
    with the survey rating the customer then gave (if any)."""
    request = store.enqueue(SUPPORT, number(n), incoming(0), at(0)).request
    if rating is not None:
        entry = ContextEntry(Channel.IVR, at(minutes[1]), {"survey_rating": rating})
        store.add_context(request.id, entry, at(minutes[1]))
    claim = claim_next(store, SUPPORT, at(minutes[0]), LEASE, AgentId(agent))
    assert claim is not None
    assert store.finish_attempt(claim.attempt_id, claim.fence, outcome, at(minutes[1]))
