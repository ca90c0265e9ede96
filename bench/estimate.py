"""Benchmark: estimate_wait calls per second on typical inputs (goal: over 50,000 per second)."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from callback.estimate import EstimateInputs, estimate_wait

CALLS = 20_000
REPEATS = 7


def typical_inputs(*, patience: bool = True) -> EstimateInputs:
    """12 ahead, 5 agents, 6-minute handle, 4-minute patience, 4 plan segments."""
    now = datetime(2025, 3, 3, 14, 7, 13, tzinfo=UTC)
    hour = timedelta(hours=1)
    staffing = (
        (now - hour / 2, now + hour / 3, 5),
        (now + hour / 3, now + hour, 6),
        (now + hour, now + 2 * hour, 4),
        (now + 2 * hour, now + 18 * hour, 0),
    )
    return EstimateInputs(
        ahead=12,
        now=now,
        agents_now=5,
        mean_handle=timedelta(minutes=6),
        mean_patience=timedelta(minutes=4) if patience else None,
        staffing=staffing,
        closes_at=now + 3 * hour,
    )


def calls_per_second(inputs: EstimateInputs) -> float:
    """Median over REPEATS runs of CALLS calls each."""
    rates = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(CALLS):
            estimate_wait(inputs)
        rates.append(CALLS / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> dict[str, float]:
    """Measure, print a short table, and return the figures."""
    figures = {
        "estimate_wait calls/s (with abandonment)": calls_per_second(typical_inputs()),
        "estimate_wait calls/s (no abandonment)": calls_per_second(typical_inputs(patience=False)),
    }
    print(f"estimate_wait: median of {REPEATS} x {CALLS:,} calls")
    for name, rate in figures.items():
        print(f"  {name:<44} {rate:>10,.0f}  ({1e6 / rate:.1f} us/call)")
    return figures


if __name__ == "__main__":
    main()
