"""The welcome an incoming call hears, built once per minute for everyone who hears it.

The greeting depends on the config, the queue and language, the minute (opening hours and
"we open tomorrow at 08:00" change at minute boundaries), and the standing and free-slot
flag when it speaks them; every caller with the same inputs hears the very same TwiML.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from cachetools import LRUCache

from callback.config import SupervisorConfig

SIZE = 512


class Greetings:
    """Built greetings by their inputs; an entry built under another config is not reused."""

    def __init__(self, size: int = SIZE) -> None:
        self._built: LRUCache[Hashable, tuple[SupervisorConfig, str]] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, config: SupervisorConfig, key: Hashable, build: Callable[[], str]) -> str:
        """The greeting for `key` under `config`, built by `build` when not already kept."""
        with self._lock:
            kept = self._built.get(key)
        # Identity, not equality: a reloaded config is a new object even when unchanged.
        if kept is not None and kept[0] is config:
            return kept[1]
        twiml = build()
        with self._lock:
            self._built[key] = (config, twiml)
        return twiml
