"""A value per key, recomputed at most once per time-to-live and shared by request threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Keeps each key's last value for `ttl`; a clock that goes back recomputes."""

    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[datetime, V]] = {}

    def get(self, key: K, now: datetime, compute: Callable[[], V]) -> V:
        """The value of `key` computed at most `ttl` before `now`, else `compute()` now."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] <= now < entry[0] + self._ttl:
            return entry[1]
        # Computed outside the lock: two threads may both compute, which only costs time.
        value = compute()
        with self._lock:
            self._entries[key] = (now, value)
        return value
