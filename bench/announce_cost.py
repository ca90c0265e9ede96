"""What keeping a booking's announcement costs its transaction, on SQLite and PostgreSQL.

`python -m bench.announce_cost [--quick]` runs the booking's write on a fresh database (the
admission's transaction of `BookingStore.run`: a new request, its place, its promise) two
ways in turn: with `Ledger.announce` as it is (the promise on the request and the
announcement row beside it), and with only the promise written on the request (before
announcements were kept). Rounds alternate the order (ABBA); per way, the median over rounds
of the mean CPU time (`time.process_time`) and wall time per booking. The difference is the
cost of the one insert on the path.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from callback.merge import Incoming
from callback.request import ContextEntry, Promise
from callback.store import commands, make_engine, upgrade
from callback.store.abuse import AbuseStore, Admission
from callback.store.booking import BookingStore, Ledger
from callback.types import E164, Channel, QueueName
from devtools.postgres import create_database, running_cluster

QUEUE = QueueName("support")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WAYS = ("without", "with")
Way = Callable[[Admission, Ledger], None]


@dataclass(frozen=True, slots=True)
class Size:
    """How long a run is."""

    bookings_per_round: int
    rounds: int


FULL = Size(bookings_per_round=400, rounds=8)
QUICK = Size(bookings_per_round=20, rounds=2)


@dataclass(frozen=True, slots=True)
class Figures:
    """One way's medians per booking, in milliseconds."""

    cpu_ms: float
    wall_ms: float


def _booking(serial: Iterator[int], keep: bool) -> Way:
    def book(admission: Admission, ledger: Ledger) -> None:
        n = next(serial)
        incoming = Incoming(ContextEntry(Channel.API, NOW, {}), virtual_start=NOW)
        request = ledger.enqueue(QUEUE, E164(f"+4420{7_000_000 + n:08d}"), incoming, NOW).request
        position = ledger.position(request.id, NOW)
        assert position is not None
        wait = timedelta(minutes=4)
        promise = Promise(NOW, wait, wait / 2, wait * 2, NOW + wait * 3)
        if keep:
            ledger.announce(request, position.ahead, promise, Channel.API.value)
        else:
            commands.announce(admission.connection, request.id, position.ahead, promise, NOW)

    return book


def _round(bookings: BookingStore, way: Way, size: Size) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(size.bookings_per_round):
        bookings.run(way)
    n = size.bookings_per_round
    return (time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n


def measure(url: str, size: Size) -> dict[str, Figures]:
    """Each way's medians on the database at `url` (migrated here)."""
    upgrade(url)
    engine = make_engine(url)
    try:
        serial = itertools.count(1)
        bookings = BookingStore(AbuseStore(engine))
        ways = {way: _booking(serial, keep=way == "with") for way in WAYS}
        found: dict[str, list[tuple[float, float]]] = {way: [] for way in WAYS}
        for n in range(size.rounds):
            for way in WAYS if n % 2 == 0 else reversed(WAYS):
                found[way].append(_round(bookings, ways[way], size))
    finally:
        engine.dispose()
    return {
        way: Figures(
            statistics.median(cpu for cpu, _ in rounds),
            statistics.median(wall for _, wall in rounds),
        )
        for way, rounds in found.items()
    }


@contextmanager
def _databases(backends: tuple[str, ...]) -> Iterator[dict[str, str]]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        urls = {"sqlite": f"sqlite:///{folder / 'announce.db'}"}
        if "postgres" in backends:
            cluster = stack.enter_context(running_cluster())
            urls["postgres"] = create_database(cluster, "bench_announce")
        yield {name: url for name, url in urls.items() if name in backends}


def report(results: dict[str, dict[str, Figures]]) -> str:
    """A Markdown table: per backend, both ways and the difference."""
    lines = [
        "| backend | CPU ms without / with | added CPU | wall ms without / with | added wall |",
        "|---|---:|---:|---:|---:|",
    ]
    for backend, ways in results.items():
        before, after = ways["without"], ways["with"]
        cpu = after.cpu_ms - before.cpu_ms
        wall = after.wall_ms - before.wall_ms
        lines.append(
            f"| {backend} | {before.cpu_ms:.3f} / {after.cpu_ms:.3f} | {cpu * 1000:+.0f} µs "
            f"({cpu / before.cpu_ms:+.1%}) | {before.wall_ms:.3f} / {after.wall_ms:.3f} "
            f"| {wall * 1000:+.0f} µs ({wall / before.wall_ms:+.1%}) |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run both backends (or the one asked for) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help="only this backend")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    backends = (args.backend,) if args.backend else ("sqlite", "postgres")
    with _databases(backends) as urls:
        results = {backend: measure(url, size) for backend, url in urls.items()}
    print(report(results))


if __name__ == "__main__":
    main()
