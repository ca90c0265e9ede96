"""The periodic retention purge, driven by the live config's `[retention]` table."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from callback.config.reload import ConfigHolder
from callback.store.queue import QueueStore
from callback.store.records import Purged
from callback.store.voicemails import VoicemailStore

log = logging.getLogger("holdless.retention")


def retention_job(
    holder: ConfigHolder,
    store: QueueStore,
    voicemails: VoicemailStore,
    clock: Callable[[], datetime],
) -> Callable[[], Purged]:
    """A job erasing personal data and old history as the config says, logging what it did."""

    def run() -> Purged:
        keep = holder.current.retention
        now = clock()
        done = store.purge(
            now, timedelta(days=keep.personal_data_days), timedelta(days=keep.history_days)
        )
        done = replace(
            done, voicemails=voicemails.purge(now - timedelta(days=keep.recordings_days))
        )
        if done.erased or done.deleted or done.history_rows or done.voicemails:
            log.info(
                "retention: erased personal data of %d requests, deleted %d requests, "
                "%d voicemails and %d rows of other history",
                done.erased,
                done.deleted,
                done.voicemails,
                done.history_rows,
            )
        return done

    return run
