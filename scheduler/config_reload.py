"""The periodic check of the supervisor's config file, applied live when valid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from callback.config.reload import ConfigChange, ConfigHolder
from callback.store.queue import QueueStore


def reload_job(
    holder: ConfigHolder, store: QueueStore, clock: Callable[[], datetime]
) -> Callable[[], object]:
    """A job that polls the file and records every applied change in the database."""

    def run() -> object:
        outcome = holder.poll(clock())
        if isinstance(outcome, ConfigChange):
            store.record_config_change(
                at=outcome.at,
                path=outcome.path,
                old_hash=outcome.old_hash,
                new_hash=outcome.new_hash,
                sections=outcome.sections,
                text=outcome.text,
            )
        return outcome

    return run
