"""The periodic count of the report's closed slots, for every queue of the live config."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from callback.config.reload import ConfigHolder
from callback.store.report_slots import ReportSlots
from callback.types import QueueName

CLOSE_SECONDS = 60.0
"""A slot lasts 15 minutes: counting the closed ones each minute keeps the table a minute behind."""


def close_slots_job(
    holder: ConfigHolder, slots: ReportSlots, clock: Callable[[], datetime]
) -> Callable[[], int]:
    """A job keeping each queue's newly closed slots (a day of them at most per run)."""

    def run() -> int:
        now, kept = clock(), 0
        for name, queue in holder.current.queues.items():
            kept += slots.close(QueueName(name), queue.service_level_target, now)
        return kept

    return run
