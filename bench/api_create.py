"""`POST /api/v1/callbacks` on one uvicorn process: SQLite and PostgreSQL side by side.

`python -m bench.api_create [--quick] [--rate N]` starts `holdless serve` twice on 127.0.0.1
(uvicorn, one process each, the ticker running): on a fresh SQLite file and on a fresh
database of a throwaway PostgreSQL cluster. Each request is what a mobile app sends: a new
number (distinct London numbers, written "+44 20 7xxx xxxx"), a name, a reason, a context
object, signed with the app key (HMAC-SHA256 over timestamp, method, path and body hash, as
the README describes) and a fresh timestamp. The per-IP, per-prefix and per-country limits
are raised in the bench config (every request comes from 127.0.0.1); the rest stay on. The
queue is open from two hours before the start to four after (`--always-open`: 24/7).

(a) Saturation: keep-alive connections each sending on the last answer; rounds alternate
the servers (ABBA); requests/s is the median of the rounds.
(b) Open loop: one offered rate for all (default half the slowest backend's median
saturated rate, rounded to 5/s), latency from each request's scheduled send time.
`--against DIR` also serves each backend from another checkout (PYTHONPATH=DIR, its own
database), measured in the same rounds: before and after a change, side by side.
Every answer must be 201, and every 201 a stored row with its own number.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from bench.api_load import Tally
from bench.api_setup import (
    ALWAYS,
    QUEUE,
    ZONE,
    AppKey,
    holdless,
    hours_around,
    logged_errors,
    stored_requests,
    write_config,
)
from bench.webhook import percentile
from bench.webhook_load import Target, closed_loop, open_loop
from bench.webhook_servers import HOST, Server
from devtools.postgres import create_database, running_cluster

BACKENDS = ("sqlite", "postgres")
PATH = "/api/v1/callbacks"


@dataclass(frozen=True, slots=True)
class Size:
    """How long a run is."""

    rounds: int
    saturation_s: float
    rate_s: float
    concurrency: int = 32
    connections: int = 64
    warmup_s: float = 2.0
    rate: float | None = None
    """Offered requests/s in (b); None: half the slower backend's median saturated rate."""


FULL = Size(rounds=5, saturation_s=5.0, rate_s=10.0)
QUICK = Size(rounds=2, saturation_s=1.0, rate_s=1.5, warmup_s=0.5)


class SignedCallbacks:
    """Signed `POST /api/v1/callbacks` requests, each for a new number."""

    def __init__(self, port: int, key: AppKey, first: int) -> None:
        self._port = port
        self._key = key
        self._serial = itertools.count(first)

    def __call__(self) -> bytes:
        """The next request, ready to write."""
        n = next(self._serial)
        body = json.dumps(
            {
                "queue": QUEUE,
                "phone": phone(n),
                "name": f"Customer {n}",
                "reason": "my bill looks wrong",
                "language": "en",
                "context": {"screen": "billing", "order_id": f"B{n:08d}", "app_version": "4.2"},
            }
        ).encode()
        stamp = str(int(time.time()))
        digest = hashlib.sha256(body).hexdigest()
        message = f"{stamp}\nPOST\n{PATH}\n{digest}".encode()
        sig = hmac.new(self._key.secret.encode(), message, hashlib.sha256).hexdigest()
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: {HOST}:{self._port}\r\n"
            "User-Agent: BenchApp/4.2\r\nAccept: application/json\r\n"
            "Content-Type: application/json\r\n"
            f"X-Holdless-Key-Id: {self._key.id}\r\nX-Holdless-Timestamp: {stamp}\r\n"
            f"X-Holdless-Signature: {sig}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


def phone(n: int) -> str:
    """The n-th number, as an app user types it: a London number, distinct below 9,000,000."""
    digits = f"{1_000_000 + n:07d}"
    return f"+44 20 7{digits[:3]} {digits[3:]}"


@dataclass
class Results:
    """Everything measured on one backend."""

    name: str
    server: Server
    url: str
    endpoint: Target
    warmup: list[Tally] = field(default_factory=list)
    saturation: list[Tally] = field(default_factory=list)
    rated: list[Tally] = field(default_factory=list)
    rate: float = 0.0
    cpu_s: float = 0.0

    def rates(self) -> list[float]:
        """Created callbacks per second in each saturation round."""
        return [len(t.latencies) / t.elapsed for t in self.saturation]

    def tallies(self) -> list[Tally]:
        """Every phase, warm-up included."""
        return [*self.warmup, *self.saturation, *self.rated]


def _abba(results: Sequence[Results], n: int) -> Sequence[Results]:
    return results if n % 2 == 0 else results[::-1]


async def _saturate(results: Results, size: Size) -> None:
    cpu = results.server.cpu_seconds()
    tally = await closed_loop(results.endpoint, size.concurrency, size.saturation_s, Tally())
    results.cpu_s += results.server.cpu_seconds() - cpu
    results.saturation.append(tally)


async def measure(backends: Sequence[Results], size: Size) -> None:
    """Warm up, then saturation rounds, then open-loop rounds, alternating the servers."""
    for backend in backends:
        backend.warmup.append(
            await closed_loop(backend.endpoint, size.concurrency, size.warmup_s, Tally())
        )
    for n in range(size.rounds):
        for backend in _abba(backends, n):
            await _saturate(backend, size)
    slowest = min(statistics.median(backend.rates()) for backend in backends)
    for backend in backends:
        backend.rate = size.rate or max(5.0, round(slowest / 2 / 5) * 5)
    for n in range(size.rounds):
        for backend in _abba(backends, n):
            tally = await open_loop(
                backend.endpoint, backend.rate, size.rate_s, size.connections, Tally()
            )
            backend.rated.append(tally)


def _ms(values: Sequence[float], q: int) -> str:
    return f"{percentile(values, q) * 1000:.1f}"


def saturation_row(r: Results) -> str:
    """Created/s median, min, max, p50, p99 and server CPU per request at saturation."""
    latencies = [x for t in r.saturation for x in t.latencies]
    cpu_ms = r.cpu_s / len(latencies) * 1000
    rates = r.rates()
    return (
        f"| {r.name} | {statistics.median(rates):,.0f} | {min(rates):,.0f} | {max(rates):,.0f} "
        f"| {_ms(latencies, 50)} | {_ms(latencies, 99)} | {cpu_ms:.1f} |"
    )


def rated_row(r: Results) -> str:
    """Offered and served rate and latency percentiles of the open-loop rounds."""
    latencies = [x for t in r.rated for x in t.latencies]
    sent = sum(sum(t.statuses.values()) for t in r.rated)
    served = len(latencies) / sum(t.elapsed for t in r.rated)
    return (
        f"| {r.name} | {r.rate:g} | {served:.0f} | {sent:,} | {_ms(latencies, 50)} "
        f"| {_ms(latencies, 90)} | {_ms(latencies, 99)} | {max(latencies) * 1000:.1f} |"
    )


def checks(r: Results, stored: tuple[int, int], errors: str) -> str:
    """Every answer 201, every 201 a stored row with its own number."""
    statuses: Counter[int] = Counter()
    for tally in r.tallies():
        statuses.update(tally.statuses)
    created = statuses[201]
    refusal = next((t.refusal for t in r.tallies() if t.refusal), b"")
    other = {s: n for s, n in statuses.items() if s != 201}
    rows = "as many as the 201s" if stored == (created, created) else "NOT one per 201"
    return (
        f"{r.name}: {sum(statuses.values()):,} requests, {created:,} answered 201, others: "
        f"{other or 'none'}{f' (first: {refusal[:200]!r})' if refusal else ''}; rows stored: "
        f"{stored[0]:,} with {stored[1]:,} distinct numbers, {rows}; server log: {errors}"
    )


def report(backends: Sequence[Results], size: Size, notes: Sequence[str]) -> str:
    """Both tables and the checks, in markdown."""
    sample = backends[0].saturation[0].sample[:240].decode(errors="replace")
    return "\n".join(
        [
            f"(a) saturation: {size.concurrency} keep-alive connections, {size.rounds} rounds of "
            f"{size.saturation_s:g} s per backend",
            "",
            "| backend | created/s median | min | max | p50 (ms) | p99 (ms) "
            "| server CPU per request (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *(saturation_row(b) for b in backends),
            "",
            f"(b) open loop: {size.rounds} rounds of {size.rate_s:g} s per backend, "
            "latency from the scheduled send time",
            "",
            "| backend | offered/s | created/s | sent | p50 (ms) | p90 (ms) | p99 (ms) "
            "| max (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *(rated_row(b) for b in backends),
            "",
            *notes,
            f"sample answer: {sample}...",
        ]
    )


AGAINST = " (against)"
"""Suffix of a backend served from the `--against` checkout."""


@contextmanager
def database_urls(workdir: Path, names: Sequence[str]) -> Iterator[dict[str, str]]:
    """A database for each backend: a SQLite file each, PostgreSQL databases on one cluster."""
    urls = {n: f"sqlite:///{_log(workdir, n).with_suffix('.db')}" for n in names}
    pg = [n for n in names if n.startswith("postgres")]
    if not pg:
        yield urls
        return
    with running_cluster() as cluster:
        yield urls | {n: create_database(cluster, f"bench_api{i}") for i, n in enumerate(pg)}


def served(names: Sequence[str], against: Path | None) -> list[str]:
    """The backends, each also from the other checkout when there is one (side by side)."""
    return [*names, *(f"{n}{AGAINST}" for n in names)] if against is not None else [*names]


def _log(workdir: Path, name: str) -> Path:
    return workdir / f"{name.replace(AGAINST, '-against')}.log"


def run(
    names: Sequence[str], size: Size, workdir: Path, hours: str, against: Path | None = None
) -> str:
    """Start the servers, measure, stop them, check the rows."""
    key = AppKey.fresh()
    config = write_config(workdir / "api.toml", hours)
    names = served(names, against)
    with database_urls(workdir, names) as urls, ExitStack() as stack:
        backends = []
        for index, name in enumerate(names):
            log = _log(workdir, name)
            source = against if name.endswith(AGAINST) else None
            server = stack.enter_context(holdless(name, urls[name], config, key, log, source))
            maker = SignedCallbacks(server.port, key, first=index * 2_000_000)
            endpoint = Target(HOST, server.port, maker)
            backends.append(Results(name, server, urls[name], endpoint))
        asyncio.run(measure(backends, size))
        stack.close()
        notes = [
            checks(b, stored_requests(b.url), logged_errors(_log(workdir, b.name)))
            for b in backends
        ]
        return f"queue hours: daily {hours} (Europe/London)\n" + report(backends, size, notes)


def main(argv: Sequence[str] | None = None) -> None:
    """Run on SQLite and PostgreSQL side by side and print the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.api_create", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    parser.add_argument("--rate", type=float, help="offered requests/s in (b), both backends")
    parser.add_argument("--backend", choices=BACKENDS, action="append")
    parser.add_argument(
        "--always-open", action="store_true", help="the queue open 24/7 instead of around now"
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs (and SQLite) here")
    parser.add_argument(
        "--against", type=Path, help="also serve each backend from this checkout, side by side"
    )
    options = parser.parse_args(argv)
    size = replace(QUICK if options.quick else FULL, rate=options.rate)
    backends = options.backend or list(BACKENDS)
    hours = ALWAYS if options.always_open else hours_around(datetime.now(ZONE))
    if options.logs is not None:
        options.logs.mkdir(parents=True, exist_ok=True)
        print(run(backends, size, options.logs, hours, options.against))
        return
    with tempfile.TemporaryDirectory(prefix="holdless-bench-api-") as tmp:
        print(run(backends, size, Path(tmp), hours, options.against))


if __name__ == "__main__":
    main()
