"""Measured handle time and patience per queue, shared by every webhook for a few seconds.

The figures move over hours (they cover the last day); recomputing three aggregates on
every call would cost more than the rest of the incoming-call webhook together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from callback.forecast import Measured
from callback.store.queue import QueueStore
from callback.types import QueueName
from webhooks.recent import Recent

WINDOW = timedelta(hours=24)
TTL = timedelta(seconds=30)


class MeasuredCache:
    """`QueueStore.measured` over the last `WINDOW`, reused for `TTL` (thread-safe)."""

    def __init__(self, store: QueueStore, ttl: timedelta = TTL) -> None:
        self._store = store
        self._recent: Recent[QueueName, Measured] = Recent(ttl)

    def get(self, queue: QueueName, now: datetime) -> Measured:
        """The queue's figures as of at most `TTL` before `now`."""
        return self._recent.get(queue, now, lambda: self._store.measured(queue, now - WINDOW, now))
