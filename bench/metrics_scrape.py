"""The cost of one `/metrics` scrape's database figures with 10,000 people in the line.

`python -m bench.metrics_scrape [--quick] [--backend sqlite|postgres]` loads 10,000 requests in
line over 4 queues, 200 callers on hold, 40 agents and a history of a million finished requests
with their dial attempts (one ending every second), then times the collector (both queries
and the text encoding) scrape after scrape, its clock moving 15 s each time as Prometheus
would scrape, through that history. Results go to bench/results/metrics_scrape.md and, by
hand with the command, to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine, insert

from bench.queue_ops import FULL, QUICK, START, Size, prepare
from callback.store.engine import write_transaction
from callback.store.figures import FiguresStore
from callback.store.presence import AgentStatus, PresenceStore
from callback.store.tables import PHONE_CALL
from callback.types import AgentId
from devtools.postgres import create_database, running_cluster
from webhooks.metrics import LineCollector

RESULTS = Path(__file__).with_name("results") / "metrics_scrape.md"
ON_HOLD, AGENTS = 200, 40
INTERVAL = timedelta(seconds=15)


@dataclass(frozen=True, slots=True)
class Timing:
    """Milliseconds per scrape of one backend."""

    backend: str
    millis: Sequence[float]
    cpu_millis: Sequence[float]
    """This thread's CPU time: the scraper's own work, less the machine's other load (with
    PostgreSQL the server's work is in its own processes, not here)."""
    size_bytes: int


def _around(engine: Engine, size: Size) -> None:
    calls = [
        {
            "call_sid": f"CA{n:032d}",
            "direction": "inbound",
            "queue": f"queue-{n % size.queues}",
            "arrived_at": START + timedelta(seconds=n),
            "status_rank": 1,
            "hold_since": START + timedelta(seconds=n),
            "updated_at": START + timedelta(seconds=n),
        }
        for n in range(ON_HOLD)
    ]
    with write_transaction(engine) as connection:
        connection.execute(insert(PHONE_CALL), calls)
    presence = PresenceStore(engine)
    agents = [AgentId(f"agent-{n}") for n in range(AGENTS)]
    presence.sync_roster(agents, START)
    for agent in agents[::2]:
        presence.set_status(agent, AgentStatus.OFFLINE, AgentStatus.AVAILABLE, START, "bench")


def _time(engine: Engine, size: Size, scrapes: int) -> tuple[list[float], list[float], int]:
    queues = [f"queue-{n}" for n in range(size.queues)]
    # Inside the history (load_history ends one attempt per second before START - 1 day).
    times = [START - timedelta(days=1, seconds=size.history // 2)]
    registry = CollectorRegistry()
    collector = LineCollector(FiguresStore(engine), lambda: queues, lambda: times[-1], times[0])
    registry.register(collector)
    body = generate_latest(registry)  # warm: the first scrape opens the connection
    millis, cpu = [], []
    for _ in range(scrapes):
        times.append(times[-1] + INTERVAL)
        started, started_cpu = time.perf_counter(), time.thread_time()
        body = generate_latest(registry)
        millis.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    assert b"holdless_dials_total{" in body, "no dial in any window: the clock missed the history"
    return millis, cpu, len(body)


def measure(backend: str, url: str, size: Size, scrapes: int) -> list[Timing]:
    """Time the scrapes on one loaded database."""
    engine, _ = prepare(url, size, size.history)
    try:
        _around(engine, size)
        millis, cpu, size_bytes = _time(engine, size, scrapes)
        return [Timing(backend, millis, cpu, size_bytes)]
    finally:
        engine.dispose()


@contextmanager
def _database(backend: str, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'metrics.db'}"
        return
    with running_cluster() as cluster:
        yield create_database(cluster, "bench_metrics")


def _row(timing: Timing) -> str:
    ms = sorted(timing.millis)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    return (
        f"| {timing.backend} | {statistics.median(ms):.2f} | {p95:.2f} "
        f"| {ms[-1]:.2f} | {statistics.median(timing.cpu_millis):.2f} | {timing.size_bytes:,} |"
    )


def report(timings: Sequence[Timing], size: Size, scrapes: int) -> str:
    """A markdown table of the scrape cost per backend and case."""
    head = (
        f"# Metrics scrape cost\n\n{size.waiting:,} requests in line over {size.queues} queues, "
        f"{ON_HOLD} callers on hold, {AGENTS} agents, {size.history:,} finished requests with "
        f"their dial attempts; {scrapes} scrapes each, 15 s apart on the clock (collector only: "
        f"both queries and the text). SQLite {sqlite3.sqlite_version}, "
        f"Python {platform.python_version()}, {platform.machine()}.\n\n"
        "| backend | p50 (ms) | p95 (ms) | max (ms) | CPU p50 (ms) | text (bytes) |\n"
        "|---|---:|---:|---:|---:|---:|\n"
    )
    return head + "\n".join(_row(timing) for timing in timings) + "\n"


def main(argv: Sequence[str] | None = None, run: Callable[..., list[Timing]] = measure) -> None:
    """Run on SQLite and PostgreSQL; print and save the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_scrape", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, for smoke tests")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    options = parser.parse_args(argv)
    size = QUICK if options.quick else FULL
    scrapes = 20 if options.quick else 200
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="holdless-bench-") as workdir:
        for backend in options.backend or ["sqlite", "postgres"]:
            with _database(backend, Path(workdir)) as url:
                timings += run(backend, url, size, scrapes)
    text = report(timings, size, scrapes)
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
