"""Measured handle time and patience per queue, shared by every webhook for a few seconds.

The figures move over hours (they cover the last day); recomputing three aggregates on
every call would cost more than the rest of the incoming-call webhook together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.config.model import SupervisorConfig
from callback.forecast import Measured
from callback.inputs import Staffed, staffed_now
from callback.store.presence import PresenceStore
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
    """The queue's agents logged in now; None when its roster is empty (the plan decides)."""
    serving = {agent.id for agent in config.agents if queue in agent.queues}
    if not serving:
        return None
    statuses = ((p.status.value, p.until) for p in presence.everyone() if p.agent_id in serving)
    return staffed_now(statuses, now)
