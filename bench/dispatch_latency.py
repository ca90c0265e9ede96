"""Dispatch latency: from "agent available" to the REST request to Twilio leaving the app.

`python -m bench.dispatch_latency [--quick]` runs `holdless serve` twice on 127.0.0.1, one on
SQLite and one on PostgreSQL (a throwaway cluster), both with the ticker running and the real
Twilio adapter pointed at a stand-in REST server in this process (`bench.dispatch_standin`).
Each line holds a few hundred web requests, due now; the one agent starts offline.

One sample: the agent's `POST /api/v1/agents/a1/status {"status": "available"}` is written
to the socket (t0); the app answers, its background dispatch claims the next request and a
free agent, commits, and calls `calls.create`; the stand-in reads the first byte of
`POST /2010-04-01/Accounts/AC.../Calls.json` (t1). Latency is t1 - t0 on one clock. Then the
agent goes offline again and the call is ended with a signed `no-answer` status callback;
a random pause of 0.15-0.35 s follows, so kicks fall anywhere within the 1 s tick.
Samples alternate between the two servers (ABBA). Goal (issue 4): p99 under 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.dispatch_setup import (
    AGENT,
    Secrets,
    attempts_stored,
    customer,
    fill_line,
    holdless,
    write_config,
)
from bench.dispatch_standin import Arrival, StandIn
from bench.webhook import logged_errors, percentile
from bench.webhook_load import Connection, connect
from bench.webhook_servers import HOST, Server
from devtools.postgres import create_database, running_cluster

BACKENDS = ("sqlite", "postgres")
GOAL_MS = 250.0
DIAL_WAIT_S = 5.0


@dataclass(frozen=True, slots=True)
class Size:
    """How long a run is."""

    samples: int
    warmup: int = 10
    spare: int = 20


FULL = Size(samples=300)
QUICK = Size(samples=10, warmup=2)


@dataclass
class Backend:
    """One running server, its stand-in, its line and what was measured on it."""

    name: str
    url: str
    server: Server
    standin: StandIn
    keys: Secrets
    line: frozenset[str]
    latencies: list[float] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)
    dialled: list[str] = field(default_factory=list)
    missed: int = 0


def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def presence(backend: Backend, status: str) -> bytes:
    """The agent's own request to set their presence."""
    headers = {
        "Authorization": f"Bearer {backend.keys.agent_key}",
        "Content-Type": "application/json",
    }
    body = json.dumps({"status": status}).encode()
    return _request(backend.server.port, "POST", f"/api/v1/agents/{AGENT}/status", headers, body)


def no_answer(backend: Backend, arrival: Arrival) -> bytes:
    """Twilio's final status callback for the dialled call, signed as Twilio signs it."""
    path = "/twilio/status"
    params = {
        "AccountSid": backend.keys.account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": arrival.sid,
        "CallStatus": "no-answer",
        "Direction": "outbound-api",
        "From": arrival.form.get("From", ""),
        "To": arrival.form.get("To", ""),
    }
    url = f"http://{HOST}:{backend.server.port}{path}"
    signature = RequestValidator(backend.keys.auth_token).compute_signature(url, params)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }
    return _request(backend.server.port, "POST", path, headers, urlencode(params).encode())


async def _expect(connection: Connection, request: bytes, statuses: tuple[int, ...]) -> None:
    answer = await connection.send(request)
    if answer.status not in statuses:
        raise RuntimeError(f"unexpected answer {answer.status}: {answer.body[:200]!r}")


async def sample(backend: Backend, connection: Connection, *, keep: bool) -> None:
    """One dispatch from the agent's "available" to the dial, then back to the start."""
    started = time.perf_counter()
    await _expect(connection, presence(backend, "available"), (200,))
    answered = time.perf_counter()
    try:
        arrival = await asyncio.wait_for(backend.standin.arrivals.get(), DIAL_WAIT_S)
    except TimeoutError:
        backend.missed += 1
        await _expect(connection, presence(backend, "offline"), (200,))
        return
    backend.dialled.append(arrival.form.get("To", ""))
    if keep:
        backend.latencies.append(arrival.at - started)
        backend.answered.append(answered - started)
    await _expect(connection, presence(backend, "offline"), (200,))
    await _expect(connection, no_answer(backend, arrival), (200, 204))


def _abba(backends: Sequence[Backend], n: int) -> Sequence[Backend]:
    return backends if n % 2 == 0 else backends[::-1]


async def measure(backends: Sequence[Backend], size: Size, rng: random.Random) -> None:
    """Warm-up samples, then timed ones, alternating the servers."""
    connections = {b.name: await connect(HOST, b.server.port) for b in backends}
    try:
        for n in range(size.warmup + size.samples):
            for backend in _abba(backends, n):
                await sample(backend, connections[backend.name], keep=n >= size.warmup)
                await asyncio.sleep(rng.uniform(0.15, 0.35))
        await asyncio.sleep(1.5)  # a stray dial (a tick's, a retry) would arrive by now
    finally:
        for connection in connections.values():
            connection.close()


def _ms(values: Sequence[float], q: int) -> str:
    return f"{percentile(values, q) * 1000:.1f}"


def row(backend: Backend) -> str:
    """The latency row of one backend."""
    lat = backend.latencies
    return (
        f"| {backend.name} | {len(lat)} | {_ms(lat, 50)} | {_ms(lat, 90)} | {_ms(lat, 99)} "
        f"| {max(lat) * 1000:.1f} | {statistics.median(backend.answered) * 1000:.1f} |"
    )


def checks(backend: Backend, size: Size, attempts: tuple[int, int], errors: str) -> str:
    """The correctness checks of one backend, in a line."""
    dials = len(backend.dialled)
    extra = backend.standin.arrivals.qsize()
    outside = sum(number not in backend.line for number in backend.dialled)
    doubles = dials - len(set(backend.dialled))
    return (
        f"{backend.name}: {size.warmup + size.samples} kicks, {dials} dials, "
        f"{backend.missed} without a dial within {DIAL_WAIT_S:g} s, {extra} unexpected dials, "
        f"{doubles} numbers dialled twice, {outside} not in line; dial attempts stored: "
        f"{attempts[0]}, ended by their no-answer callback: {attempts[1]}; server log: {errors}"
    )


def report(backends: Sequence[Backend], size: Size, notes: list[str]) -> str:
    """The table, the goal and the checks, in markdown."""
    worst = max(percentile(b.latencies, 99) for b in backends) * 1000
    lines = [
        "| backend | samples | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) "
        "| status API answered, p50 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(row(b) for b in backends),
        "",
        f"goal p99 < {GOAL_MS:g} ms: "
        + ("met" if worst < GOAL_MS else "MISSED")
        + f" (worst p99 {worst:.1f} ms)",
        *notes,
    ]
    return "\n".join(lines)


@contextmanager
def _urls(workdir: Path, backends: Sequence[str]) -> Iterator[dict[str, str]]:
    urls = {"sqlite": f"sqlite:///{workdir / 'dispatch.db'}"}
    if "postgres" not in backends:
        yield urls
        return
    with running_cluster() as cluster:
        yield urls | {"postgres": create_database(cluster, "bench_dispatch")}


async def run(names: Sequence[str], size: Size, workdir: Path) -> str:
    """Fill the lines, start the stand-ins and servers, measure, check."""
    rng = random.Random(4)
    with _urls(workdir, names) as urls, ExitStack() as stack:
        backends = []
        for index, name in enumerate(names):
            keys = Secrets.fresh()
            line = [customer(index, n) for n in range(size.warmup + size.samples + size.spare)]
            fill_line(urls[name], line)
            standin = StandIn(keys.account_sid)
            twilio_url = f"http://{HOST}:{await standin.start(HOST)}"
            config = write_config(workdir / f"{name}.toml", keys)
            log = workdir / f"{name}.log"
            server = stack.enter_context(holdless(name, urls[name], config, keys, twilio_url, log))
            backends.append(Backend(name, urls[name], server, standin, keys, frozenset(line)))
        await measure(backends, size, rng)
        stack.close()
        notes = [
            checks(b, size, attempts_stored(b.url), logged_errors(workdir / f"{b.name}.log"))
            for b in backends
        ]
        for backend in backends:
            await backend.standin.stop()
        return report(backends, size, notes)


def main(argv: Sequence[str] | None = None) -> None:
    """Run on SQLite and PostgreSQL side by side and print the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch_latency", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    parser.add_argument("--backend", choices=BACKENDS, action="append")
    options = parser.parse_args(argv)
    size = QUICK if options.quick else FULL
    with tempfile.TemporaryDirectory(prefix="holdless-bench-dispatch-") as tmp:
        print(asyncio.run(run(options.backend or list(BACKENDS), size, Path(tmp))))


if __name__ == "__main__":
    main()
