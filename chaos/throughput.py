"""Sustained dial throughput on PostgreSQL, one instance against two, same stand-in faults.

The callbacks are queued while every agent is offline; then all agents become available at
once and the stand-in records every dial. The figure is the bulk rate: dials per second from
the first dial until nine in ten of them were placed. The last tenth is left out: it is the
retries of faulted dials, which wait for their backoff or for the lease sweep (tens of
seconds), and would measure those waits instead of how fast dials go out.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chaos.config import DIAL_RATE_PER_MINUTE
from chaos.harness import Plan, stage
from chaos.load import numbers
from chaos.pg import Cluster, create_database
from chaos.report import Figures
from chaos.scenarios import finish

BULK_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Rate:
    """Dials per second of one run."""

    instances: int
    dials: int
    bulk: float


def bulk_rate(times: Sequence[datetime], share: float = BULK_SHARE) -> float:
    """Dials per second between the first dial and the one that completes `share` of them;
    0.0 with fewer than two dials in that span or no time between them."""
    ordered = sorted(times)
    last = math.ceil(len(ordered) * share) - 1
    if last < 1:
        return 0.0
    span = (ordered[last] - ordered[0]).total_seconds()
    return last / span if span > 0 else 0.0


async def measure(cluster: Cluster, instances: int, size: int) -> tuple[Rate, Figures]:
    """Queue `size` callbacks, free the agents, and count the dials."""
    url = create_database(cluster, f"chaos_rate_{instances}")
    async with stage(Plan(f"rate{instances}", url, instances=instances), lambda _: url) as run:
        await run.start_instances()
        await run.request(numbers(size), concurrency=20)
        started = time.monotonic()
        await run.agents_available()
        figures = await finish(run, f"rate x{instances}", size, started)
        placed = [call.at for call in run.standin.placed]
        rate = Rate(instances, len(placed), bulk_rate(placed))
        notes = (
            f"{rate.bulk:.2f} dials/s until {BULK_SHARE:.0%} of the {len(placed)} dials were "
            f"placed (dial rate cap {DIAL_RATE_PER_MINUTE}/min)"
        )
        return rate, Figures(
            figures.scenario,
            figures.tally,
            figures.duration_s,
            notes=notes,
            failures=figures.failures,
        )
