"""Measured handle time and patience per queue, shared by every webhook for a few seconds.

The figures move over hours (they cover the last day); recomputing three aggregates on
every call would cost more than the rest of the incoming-call webhook together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.config.model import SupervisorConfig
from callback.forecast import Measured
from callback.inputs import Staffed, staffed_now
from callback.store.presence import ROSTER_CAUSE, AgentStatus, PresenceStore
from callback.store.queue import QueueStore
from callback.types import QueueName
from webhooks.recent import Recent

WINDOW = timedelta(hours=24)
TTL = timedelta(seconds=30)
PRESENCE_TTL = timedelta(seconds=2)
"""Presence moves with every call: read again after a couple of seconds at most."""


class MeasuredCache:
    """`QueueStore.measured` over the last `WINDOW`, reused for `TTL` (thread-safe)."""

    def __init__(self, store: QueueStore, ttl: timedelta = TTL) -> None:
        self._store = store
        self._recent: Recent[QueueName, Measured] = Recent(ttl)

    def get(self, queue: QueueName, now: datetime) -> Measured:
        """The queue's figures as of at most `TTL` before `now`."""
        return self._recent.get(queue, now, lambda: self._store.measured(queue, now - WINDOW, now))


def staffed(
    presence: PresenceStore, config: SupervisorConfig, queue: QueueName, now: datetime
) -> Staffed | None:
    """The queue's agents logged in now; None (the plan decides) when presence is unused.

    Unused: the queue has no agents on the roster, or none of them has ever signed in
    (their rows still hold the roster's initial "offline"), as when another system
    serves the calls.
    """
    serving = {agent.id for agent in config.agents if queue in agent.queues}
    rows = [p for p in presence.everyone() if p.agent_id in serving]
    if all(p.status is AgentStatus.OFFLINE and p.cause == ROSTER_CAUSE for p in rows):
        return None
    return staffed_now(((p.status.value, p.until) for p in rows), now)


class PresenceCache:
    """`staffed` per queue, reused for `PRESENCE_TTL` (thread-safe)."""

    def __init__(self, presence: PresenceStore, ttl: timedelta = PRESENCE_TTL) -> None:
        self._presence = presence
        self._recent: Recent[QueueName, Staffed | None] = Recent(ttl)

    def get(self, config: SupervisorConfig, queue: QueueName, now: datetime) -> Staffed | None:
        """The queue's agents logged in as of at most `PRESENCE_TTL` before `now`."""
        return self._recent.get(queue, now, lambda: staffed(self._presence, config, queue, now))


class ReturnsCache:
    """`QueueStore.returning` of newcomers per queue, reused for `PRESENCE_TTL`."""

    def __init__(self, store: QueueStore, ttl: timedelta = PRESENCE_TTL) -> None:
        self._store = store
        self._recent: Recent[QueueName, tuple[datetime, ...]] = Recent(ttl)

    def get(self, queue: QueueName, now: datetime) -> tuple[datetime, ...]:
        """When the queue's retries are due back, as of at most `PRESENCE_TTL` before `now`."""
        return self._recent.get(queue, now, lambda: self._store.returning(queue, now))
