"""The periodic retention purge, driven by the live config's `[retention]` table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from callback.config.reload import ConfigHolder
from callback.store.queue import QueueStore
from callback.store.records import Purged

log = logging.getLogger("holdless.retention")


def retention_job(
    holder: ConfigHolder, store: QueueStore, clock: Callable[[], datetime]
) -> Callable[[], Purged]:
    """A job erasing personal data and old history as the config says, logging what it did."""

    def run() -> Purged:
        keep = holder.current.retention
        done = store.purge(
            clock(), timedelta(days=keep.personal_data_days), timedelta(days=keep.history_days)
        )
        if done.erased or done.deleted or done.history_rows:
            log.info(
                "retention: erased personal data of %d requests, deleted %d requests "
                "and %d rows of other history",
                done.erased,
                done.deleted,
                done.history_rows,
            )
        return done

    return run
