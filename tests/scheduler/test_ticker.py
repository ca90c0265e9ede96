"""The ticker: every job runs once as it starts, then on its interval, never stacked."""

from __future__ import annotations

import asyncio
import threading

from scheduler.ticker import Job, build_ticker

HOUR = 3600.0


def test_jobs_are_coalesced_single_and_forgiving_of_a_busy_loop() -> None:
    ticker = build_ticker([Job("sweep", lambda: None, 15.0), Job("tick", lambda: None, 0.5)])
    sweep, tick = ticker.get_job("sweep"), ticker.get_job("tick")
    assert (sweep.coalesce, sweep.max_instances, sweep.misfire_grace_time) == (True, 1, 15)
    assert tick.misfire_grace_time == 1


def test_a_job_runs_as_the_ticker_starts_not_one_interval_later() -> None:
    # An hourly sweep on an instance restarted every few seconds must still run.
    ran = threading.Event()

    async def start_then_wait() -> bool:
        ticker = build_ticker([Job("sweep", ran.set, HOUR)])
        ticker.start()
        try:
            return await asyncio.to_thread(ran.wait, 30.0)
        finally:
            ticker.shutdown(wait=False)

    assert asyncio.run(start_then_wait())
