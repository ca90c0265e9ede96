"""What sharing a commit saves: an incoming call's transaction alone and in groups, on SQLite.

`python -m bench.group_commit [--quick]` stores calls with `Arrival.run_all` (the statements
the voice webhook runs) on a fresh SQLite file in WAL mode that already holds some calls, in
groups of 1, 2, 4, 8 and 16, and reports the CPU time per call: the median over rounds that
take the group sizes in turn, so the machine's noise falls on all of them alike.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from callback.store import make_engine, upgrade
from callback.store.arrival import Arrival, NewCall
from callback.types import E164, QueueName

GROUPS = (1, 2, 4, 8, 16)
QUEUE = QueueName("support")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Size:
    """How long a run is."""

    stored_first: int
    calls_per_round: int
    rounds: int


FULL = Size(stored_first=50_000, calls_per_round=4_000, rounds=5)
QUICK = Size(stored_first=2_000, calls_per_round=320, rounds=2)


class Calls:
    """Incoming calls, each with a new CallSid and a distinct London caller."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)

    def take(self, n: int) -> list[NewCall]:
        """The next `n` calls."""
        return [self._one(next(self._serial)) for _ in range(n)]

    @staticmethod
    def _one(n: int) -> NewCall:
        return NewCall(f"CA{n:032x}", QUEUE, E164(f"+44207{1_000_000 + n:07d}"), NOW)


def cpu_per_call(arrival: Arrival, engine: Engine, calls: Calls, group: int, total: int) -> float:
    """Thread CPU seconds per call, storing `total` calls in groups of `group`."""
    batches = [calls.take(group) for _ in range(total // group)]
    start = time.thread_time()
    for batch in batches:
        arrival.run_all(engine, batch)
    return (time.thread_time() - start) / (len(batches) * group)


def measure(engine: Engine, size: Size) -> dict[int, list[float]]:
    """Per-call CPU for each group size, one figure per round."""
    arrival = Arrival.of(engine.dialect)
    calls = Calls()
    for batch in _chunks(calls.take(size.stored_first), 500):
        arrival.run_all(engine, batch)
    results: dict[int, list[float]] = {group: [] for group in GROUPS}
    for n in range(size.rounds):
        for group in GROUPS if n % 2 == 0 else GROUPS[::-1]:
            results[group].append(cpu_per_call(arrival, engine, calls, group, size.calls_per_round))
    return results


def _chunks(items: Sequence[NewCall], n: int) -> Iterator[Sequence[NewCall]]:
    for start in range(0, len(items), n):
        yield items[start : start + n]


def report(results: dict[int, list[float]], size: Size) -> str:
    """A markdown table: CPU per call by group size, and the saving against calls alone."""
    alone = statistics.median(results[1])
    lines = [
        f"SQLite, {size.stored_first:,} calls stored first; {size.rounds} rounds of "
        f"{size.calls_per_round:,} calls per group size",
        "",
        "| calls per commit | CPU per call (µs), median | per round | vs alone |",
        "|---:|---:|---|---:|",
    ]
    for group, figures in results.items():
        median = statistics.median(figures)
        rounds = ", ".join(f"{x * 1e6:.0f}" for x in figures)
        lines.append(f"| {group} | {median * 1e6:.1f} | {rounds} | {median / alone:.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure on a fresh SQLite file and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.group_commit", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    size = QUICK if parser.parse_args(argv).quick else FULL
    with tempfile.TemporaryDirectory(prefix="holdless-bench-commit-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'holdless.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            print(report(measure(engine, size), size))
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
