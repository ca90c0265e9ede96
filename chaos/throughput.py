"""Sustained dial throughput on PostgreSQL, one instance against two, same stand-in faults.

The callbacks are queued while every agent is offline; then all agents become available at
once and the dials are counted by the stand-in in fixed windows. The figure is the median
of the windows' dials per second between the first and the last dial.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chaos.harness import Plan, stage
from chaos.load import numbers
from chaos.pg import Cluster, create_database
from chaos.report import Figures
from chaos.scenarios import finish

WINDOW_S = 5.0


@dataclass(frozen=True, slots=True)
class Rate:
    """Dials per second of one run."""

    instances: int
    dials: int
    median: float
    windows: int


def window_rates(times: Sequence[datetime], window_s: float = WINDOW_S) -> list[float]:
    """Dials per second in each full window from the first dial on (a last partial one is
    left out: it would understate the rate)."""
    if not times:
        return []
    ordered = sorted(times)
    first = ordered[0]
    offsets = [(t - first).total_seconds() for t in ordered]
    full = int(offsets[-1] // window_s)
    counts = [0] * full
    for offset in offsets:
        index = int(offset // window_s)
        if index < full:
            counts[index] += 1
    return [count / window_s for count in counts]


async def measure(cluster: Cluster, instances: int, size: int) -> tuple[Rate, Figures]:
    """Queue `size` callbacks, free the agents, and count the dials."""
    url = create_database(cluster, f"chaos_rate_{instances}")
    async with stage(Plan(f"rate{instances}", url, instances=instances), lambda _: url) as run:
        await run.start_instances()
        await run.request(numbers(size), concurrency=20)
        started = time.monotonic()
        await run.agents_available()
        figures = await finish(run, f"rate x{instances}", size, started)
        rates = window_rates([call.at for call in run.standin.placed])
        median = statistics.median(rates) if rates else 0.0
        rate = Rate(instances, len(run.standin.placed), median, len(rates))
        notes = f"{median:.2f} dials/s median over {len(rates)} windows of {WINDOW_S:.0f} s"
        return rate, Figures(
            figures.scenario,
            figures.tally,
            figures.duration_s,
            notes=notes,
            failures=figures.failures,
        )
