"""APScheduler as a ticker only: it decides when work runs, never what is correct."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic piece of work; a sync function runs on the scheduler's thread pool."""

    name: str
    func: Callable[[], object]
    every_seconds: float


def build_ticker(jobs: list[Job]) -> AsyncIOScheduler:
    """An unstarted AsyncIO scheduler running each job on its interval.

    Coalescing and one instance at a time mean a slow run is never stacked; the misfire
    grace equals the interval so a busy loop delays a run rather than dropping it.
    """
    ticker = AsyncIOScheduler(timezone="UTC")
    # Every job runs first as the scheduler starts, not one interval later: an instance
    # restarted more often than a job's interval (a crash loop, a rolling deploy) would
    # otherwise never sweep the leases its predecessor left behind.
    start = datetime.now(UTC)
    for job in jobs:
        ticker.add_job(
            job.func,
            "interval",
            seconds=job.every_seconds,
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(job.every_seconds)),
            next_run_time=start,
        )
    return ticker
