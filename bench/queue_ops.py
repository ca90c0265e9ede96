"""Queue store latency: enqueue, position, claim and settle, with and without a big history.

Claim and settle are the dispatcher's path (`bench.queue_dispatch`): the budgeted claim with an
agent, and the end of a completed call as the status callback writes it.

`python -m bench.queue_ops [--quick]` runs each backend twice on a fresh database holding the
same waiting requests: once with an empty history, once after bulk-loading a million completed
requests (each with its ended dial attempt). The partial indexes should make the history
invisible: p99 with history within 1.5x of p99 without. Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, insert, text

from bench.queue_dispatch import SPACING, Dialling, bench_config
from callback.merge import Incoming
from callback.request import ContextEntry
from callback.store import QueueStore, make_engine, upgrade
from callback.store.engine import write_transaction
from callback.store.tables import REQUEST
from callback.store.utc import to_micros
from callback.types import E164, Channel, QueueName, RequestId, State
from devtools.postgres import create_database, running_cluster

OPERATIONS = ("enqueue", "position", "claim", "settle")
RESULTS = Path(__file__).with_name("results") / "queue_ops.md"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Latencies = dict[str, list[float]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Size:
    """How big a run is."""

    waiting: int
    operations: int
    history: int
    queues: int = 4


FULL = Size(waiting=10_000, operations=2_000, history=1_000_000)
QUICK = Size(waiting=1_000, operations=200, history=20_000)


@dataclass(frozen=True, slots=True)
class Run:
    """Latencies of one backend with one history size."""

    backend: str
    history: int
    load_seconds: float
    latencies: Latencies


def _queue(n: int, size: Size) -> QueueName:
    return QueueName(f"queue-{n % size.queues}")


def _number(n: int) -> E164:
    return E164(f"+1555{n:07d}")


def _waiting_row(n: int, size: Size, rng: random.Random) -> dict[str, object]:
    joined = START + timedelta(seconds=n)
    row: dict[str, object] = {
        "queue": _queue(n, size),
        "number": _number(n),
        "channel": Channel.WEB.value,
        "state": State.WAITING.value,
        "language": "en",
        "priority": 1 if rng.random() < 0.05 else 0,
        "virtual_start": joined,
        "due_at": joined,
        "attempts": 0,
        "contexts": [{"channel": "web", "at": joined.isoformat(), "data": {"page": "/help"}}],
        "entered_line_at": joined,
        "fence": 0,
        "created_at": joined,
        "updated_at": joined,
    }
    if rng.random() < 0.1:  # a slot later in the day: in the table, not yet in line
        slot = START + timedelta(hours=8)
        row |= {"state": State.SCHEDULED.value, "due_at": slot, "slot_start": slot}
        row["slot_end"] = slot + timedelta(minutes=30)
    if rng.random() < 0.5:  # told a position when it joined: later moves must be explained
        row |= {"announced_ahead": 0, "announced_at": joined}
    return row


def load_waiting(engine: Engine, size: Size) -> None:
    """Insert the waiting requests every run starts from (same seed, same rows)."""
    rng = random.Random(7)
    rows = [_waiting_row(n, size, rng) for n in range(size.waiting)]
    with write_transaction(engine) as connection:
        connection.execute(insert(REQUEST), rows)


_SQLITE_HISTORY = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at)
SELECT 1000000000 + i, 'queue-' || (i % :queues), '+1666' || printf('%07d', i), 'web',
    'completed', 'en', 0, :past - i * 1000000, :past - i * 1000000, 1, '[]',
    :past - i * 1000000, 1, :past - i * 1000000, :past - i * 1000000 + 300000000,
    :past - i * 1000000 + 300000000
FROM n
"""
_SQLITE_ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at, due_at + 90000000, finished_at, 'completed'
FROM callback_request WHERE state = 'completed'
"""
_PG_HISTORY = """
INSERT INTO callback_request (id, queue, number, channel, state, language, priority,
    virtual_start, due_at, attempts, contexts, entered_line_at, fence, created_at, updated_at,
    finished_at)
SELECT 1000000000 + i, 'queue-' || (i % :queues), '+1666' || lpad(i::text, 7, '0'), 'web',
    'completed', 'en', 0, t, t, 1, '[]'::json, t, 1, t, t + interval '5 minutes',
    t + interval '5 minutes'
FROM generate_series(1, :count) AS i, LATERAL (SELECT :past - i * interval '1 second' AS t) AS s
"""
_PG_ATTEMPTS = """
INSERT INTO dial_attempt (request_id, fence, queue, number, claimed_at, lease_until, ended_at,
    outcome)
SELECT id, 1, queue, number, due_at, due_at + interval '90 seconds', finished_at, 'completed'
FROM callback_request WHERE state = 'completed'
"""


def load_history(engine: Engine, size: Size) -> None:
    """Bulk-load finished requests and their dial attempts in SQL (no Python per row)."""
    sqlite = engine.dialect.name == "sqlite"
    past = START - timedelta(days=1)
    parameters = {"count": size.history, "queues": size.queues, "past": past}
    if sqlite:
        parameters["past"] = to_micros(past)
    with write_transaction(engine) as connection:
        connection.execute(text(_SQLITE_HISTORY if sqlite else _PG_HISTORY), parameters)
        connection.execute(text(_SQLITE_ATTEMPTS if sqlite else _PG_ATTEMPTS))


def _timed(latencies: list[float], action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    latencies.append((time.perf_counter() - started) * 1000)
    return result


def run_operations(stores: Sequence[QueueStore], size: Size) -> list[Latencies]:
    """The same operations on each store, interleaved so that background noise hits all alike."""
    rng = random.Random(11)
    timings: list[Latencies] = [{name: [] for name in OPERATIONS} for _ in stores]
    runs = list(zip(stores, timings, strict=True))
    now = START + timedelta(hours=4)
    for n in range(size.operations):
        # One in ten comes again from another channel and merges into its request.
        k = rng.randrange(size.waiting) if n % 10 == 0 else size.waiting + n
        told = Incoming(ContextEntry(Channel.IVR, now, {"n": n}), virtual_start=now)
        for store, times in runs:
            _timed(times["enqueue"], partial(store.enqueue, _queue(k, size), _number(k), told, now))
    for _ in range(size.operations):
        request_id = RequestId(rng.randrange(1, size.waiting + 1))
        for store, times in runs:
            _timed(times["position"], partial(store.position, request_id, now))
    config = bench_config([_queue(n, size) for n in range(size.queues)])
    paths = [(Dialling(store, config), times) for store, times in runs]
    for n in range(size.operations):
        at = now + n * SPACING
        for path, times in paths:
            offer = path.offer(_queue(n, size), path.ready(n, at), at)
            claim = _timed(times["claim"], partial(path.claim, offer, at))
            assert claim is not None, "the line ran dry"
            sid = path.connect(claim, at)
            _timed(times["settle"], partial(path.settle, sid, at))
    return timings


def _vacuum(engine: Engine) -> None:
    # PostgreSQL's autovacuum would analyze and set the visibility map soon after such a load.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def prepare(url: str, size: Size, history: int) -> tuple[Engine, float]:
    """A migrated database with the waiting requests and `history` finished ones."""
    upgrade(url)
    engine = make_engine(url)
    load_waiting(engine, size)
    started = time.perf_counter()
    if history:
        load_history(engine, Size(size.waiting, size.operations, history, size.queues))
    load_seconds = time.perf_counter() - started
    _vacuum(engine)
    return engine, load_seconds


@contextmanager
def _ticking(stores: Sequence[QueueStore], every_s: float = 1.0) -> Iterator[None]:
    # What the scheduler's ticker does in production: checkpoint SQLite's log in the background.
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every_s):
            for store in stores:
                store.checkpoint()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()


def measure(backend: str, database: Callable[[str], str], size: Size) -> list[Run]:
    """Time the operations on an empty-history and a full-history database, side by side."""
    histories = (0, size.history)
    prepared = [prepare(database(f"bench_{history}"), size, history) for history in histories]
    try:
        stores = [QueueStore(engine) for engine, _ in prepared]
        with _ticking(stores):
            timings = run_operations(stores, size)
    finally:
        for engine, _ in prepared:
            engine.dispose()
    return [
        Run(backend, history, load_seconds, latencies)
        for history, (_, load_seconds), latencies in zip(histories, prepared, timings, strict=True)
    ]


@contextmanager
def _databases(backend: str, workdir: Path) -> Iterator[Callable[[str], str]]:
    if backend == "sqlite":
        yield lambda name: f"sqlite:///{workdir / name}.db"
        return
    with running_cluster() as cluster:
        yield lambda name: create_database(cluster, name)


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1..99) of `values`."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def table(runs: Sequence[Run]) -> str:
    """A markdown table comparing each backend's empty and full-history runs."""
    lines = [
        "| backend | operation | p50 empty (ms) | p99 empty (ms) | p50 history (ms) "
        "| p99 history (ms) | p99 history / empty |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for empty, full in zip(runs[::2], runs[1::2], strict=True):
        for name in OPERATIONS:
            e, f = empty.latencies[name], full.latencies[name]
            e99, f99 = percentile(e, 99), percentile(f, 99)
            lines.append(
                f"| {empty.backend} | {name} | {percentile(e, 50):.3f} | {e99:.3f} "
                f"| {percentile(f, 50):.3f} | {f99:.3f} | {f99 / e99:.2f} |"
            )
    return "\n".join(lines)


def _report(runs: Sequence[Run], size: Size) -> str:
    loads = ", ".join(f"{run.backend} {run.load_seconds:.1f} s" for run in runs if run.history)
    return (
        f"# Queue store latency\n\n{size.waiting:,} requests in line over {size.queues} queues; "
        f"{size.operations:,} timed operations each; history: {runs[1].history:,} completed "
        f"requests with their dial attempts (bulk load: {loads}).\n"
        f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"{platform.machine()}.\n\n{table(runs)}\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark on SQLite and PostgreSQL and print and save the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.queue_ops", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small run, for smoke tests")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], action="append")
    options = parser.parse_args(argv)
    size = QUICK if options.quick else FULL
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="holdless-bench-") as workdir:
        for backend in options.backend or ["sqlite", "postgres"]:
            with _databases(backend, Path(workdir)) as database:
                runs += measure(backend, database, size)
    report = _report(runs, size)
    print(report)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(report)


if __name__ == "__main__":
    main()
