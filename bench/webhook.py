"""The incoming-call webhook against a bare Starlette route, side by side on one uvicorn each.

`python -m bench.webhook [--quick]` starts two servers on 127.0.0.1 with the same uvicorn
set-up: `holdless serve` (fresh SQLite database, the example config, simulated carrier with
no traffic, log level WARNING) and `bench.webhook_bare` (a constant TwiML string). Each
request is a signed `POST /twilio/voice` as Twilio sends it, with a new CallSid and caller.
Rounds alternate the targets (ABBA) so that noise on this shared machine hits both.
`--against DIR` adds a third server: the same webhook from another checkout (PYTHONPATH=DIR,
its own database), to compare two versions side by side in one run.

(a) Saturation: a fixed number of keep-alive connections, each sending on the last answer.
(b) Fixed offered rate: an open-loop schedule, latency charged from the scheduled time.
Goals (issue 3): webhook/bare throughput at least 0.5; webhook p99 under 50 ms at 300/s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.webhook_bare import VOICE_PATH
from bench.webhook_load import Tally, Target, closed_loop, open_loop
from bench.webhook_servers import HOST, Server, environment, serving
from ivr.apology import FALLBACK_TEXT
from webhooks.simulation import SIMULATED_ACCOUNT_SID
from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN

SERVICE_NUMBER = "+442079460000"  # the example config's first service number, as E.164
WEBHOOK, BARE, AGAINST = "webhook", "bare", "webhook (against)"


@dataclass(frozen=True, slots=True)
class Size:
    """How long a run is."""

    rounds: int
    saturation_s: float
    rate_s: float
    concurrency: int = 32
    rate: float = 300.0
    connections: int = 64
    warmup_s: float = 2.0


FULL = Size(rounds=5, saturation_s=5.0, rate_s=10.0)
QUICK = Size(rounds=2, saturation_s=1.0, rate_s=1.5, warmup_s=0.5)


class Calls:
    """Signed incoming-call requests for one server, each with a new CallSid and caller."""

    def __init__(self, port: int) -> None:
        self._host = f"{HOST}:{port}"
        self._url = f"http://{HOST}:{port}{VOICE_PATH}"
        self._validator = RequestValidator(SIMULATED_AUTH_TOKEN)
        self._serial = itertools.count(1)

    def __call__(self) -> bytes:
        """The next request, ready to write."""
        n = next(self._serial)
        params = {
            "AccountSid": SIMULATED_ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "CallSid": f"CA{n:032x}",
            "CallStatus": "ringing",
            "Direction": "inbound",
            "From": caller(n),
            "To": SERVICE_NUMBER,
        }
        body = urlencode(params).encode()
        signature = self._validator.compute_signature(self._url, params)
        head = (
            f"POST {VOICE_PATH} HTTP/1.1\r\nHost: {self._host}\r\n"
            "User-Agent: TwilioProxy/1.1\r\nAccept: */*\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body


def caller(n: int) -> str:
    """The n-th caller: a London number (020 7xxx xxxx), distinct for n below nine million."""
    return f"+44207{1_000_000 + n:07d}"


@dataclass
class Results:
    """Everything measured for one target."""

    warmup: list[Tally] = field(default_factory=list)
    saturation: list[Tally] = field(default_factory=list)
    rated: list[Tally] = field(default_factory=list)
    cpu_s: float = 0.0

    def rates(self) -> list[float]:
        """Answered requests per second in each saturation round."""
        return [len(t.latencies) / t.elapsed for t in self.saturation]

    def failures(self) -> int:
        """Non-200 answers and apologies, warm-up aside."""
        return sum(t.failures for t in (*self.saturation, *self.rated))


def _target(server: Server) -> Target:
    # The voice route never answers 5xx: a failure inside is a 200 carrying the apology.
    return Target(HOST, server.port, Calls(server.port), FALLBACK_TEXT.encode())


def _saturate(target: Target, size: Size, seconds: float) -> Tally:
    return asyncio.run(closed_loop(target, size.concurrency, seconds, Tally(target.refusal)))


def _offer(target: Target, size: Size) -> Tally:
    tally = Tally(target.refusal)
    return asyncio.run(open_loop(target, size.rate, size.rate_s, size.connections, tally))


def _abba(servers: Sequence[Server], n: int) -> Sequence[Server]:
    return servers if n % 2 == 0 else servers[::-1]


def measure(servers: Sequence[Server], size: Size) -> dict[str, Results]:
    """Warm up, then saturation rounds, then fixed-rate rounds, alternating the targets."""
    targets = {s.name: _target(s) for s in servers}
    results = {s.name: Results() for s in servers}
    for server in servers:
        results[server.name].warmup.append(_saturate(targets[server.name], size, size.warmup_s))
    for n in range(size.rounds):
        for server in _abba(servers, n):
            cpu = server.cpu_seconds()
            tally = _saturate(targets[server.name], size, size.saturation_s)
            results[server.name].saturation.append(tally)
            results[server.name].cpu_s += server.cpu_seconds() - cpu
    for n in range(size.rounds):
        for server in _abba(servers, n):
            results[server.name].rated.append(_offer(targets[server.name], size))
    return results


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1..99) of `values`."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _ms(values: Sequence[float], q: int) -> str:
    return f"{percentile(values, q) * 1000:.1f}"


def _saturation_row(name: str, result: Results) -> str:
    latencies = [x for t in result.saturation for x in t.latencies]
    cpu_us = result.cpu_s / len(latencies) * 1e6
    return (
        f"| {name} | {statistics.median(result.rates()):,.0f} | {min(result.rates()):,.0f} "
        f"| {max(result.rates()):,.0f} | {_ms(latencies, 50)} | {_ms(latencies, 99)} "
        f"| {cpu_us:,.0f} |"
    )


def _rated_row(name: str, result: Results, size: Size) -> str:
    latencies = [x for t in result.rated for x in t.latencies]
    sent = sum(len(t.latencies) + t.failures for t in result.rated)
    served = len(latencies) / sum(t.elapsed for t in result.rated)
    return (
        f"| {name} | {size.rate:.0f} | {served:.0f} | {sent:,} | {_ms(latencies, 50)} "
        f"| {_ms(latencies, 90)} "
        f"| {_ms(latencies, 99)} | {max(latencies) * 1000:.1f} | {result.failures()} |"
    )


def _goals(name: str, results: dict[str, Results], size: Size) -> list[str]:
    web, bare = results[name], results[BARE]
    ratio = statistics.median(web.rates()) / statistics.median(bare.rates())
    round_ratios = [w / b for w, b in zip(web.rates(), bare.rates(), strict=True)]
    p99 = percentile([x for t in web.rated for x in t.latencies], 99) * 1000
    return [
        f"throughput ratio {name}/bare: {ratio:.3f} (per round: "
        + ", ".join(f"{r:.3f}" for r in round_ratios)
        + f"); goal >= 0.5: {'met' if ratio >= 0.5 else 'MISSED'}",
        f"{name} p99 at {size.rate:g}/s: {p99:.1f} ms; goal < 50 ms: "
        + ("met" if p99 < 50 else "MISSED"),
    ]


def _checks(name: str, web: Results, stored: int, errors: str) -> str:
    tallies = (*web.warmup, *web.saturation, *web.rated)
    good = sum(len(t.latencies) for t in tallies)
    failed = sum(t.failures for t in tallies)
    return (
        f"{name} requests: {good + failed:,} sent, {good:,} answered with the IVR, {failed:,} "
        f"failed (non-200 or the apology); calls stored: {stored:,}; server log: {errors}"
    )


def report(results: dict[str, Results], size: Size, checks: dict[str, tuple[int, str]]) -> str:
    """The two tables, the ratios and the goals, in markdown; `checks`: rows stored, errors."""
    webs = [name for name in results if name != BARE]
    lines = [
        f"(a) saturation: {size.concurrency} keep-alive connections, {size.rounds} rounds "
        f"of {size.saturation_s:g} s per target",
        "",
        "| target | req/s median | req/s min | req/s max | p50 (ms) | p99 (ms) "
        "| server CPU per request (µs) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(_saturation_row(name, result) for name, result in results.items()),
        "",
        f"(b) open loop at {size.rate:g} requests/s: {size.rounds} rounds of {size.rate_s:g} s "
        "per target, latency from the scheduled send time",
        "",
        "| target | offered/s | answered/s | sent | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) "
        "| failed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_rated_row(name, result, size) for name, result in results.items()),
        "",
        *(line for name in webs for line in _goals(name, results, size)),
        *(_checks(name, results[name], *checks[name]) for name in webs),
        f"sample webhook answer: "
        f"{results[WEBHOOK].saturation[0].sample[:160].decode(errors='replace')}...",
    ]
    return "\n".join(lines)


def logged_errors(log: Path) -> str:
    """How many ERROR records the server logged, and the first one."""
    errors = [line for line in log.read_text(errors="replace").splitlines() if " ERROR " in line]
    return f"{len(errors)} errors" + (f", first: {errors[0][:200]}" if errors else "")


def stored_calls(database: Path) -> int:
    """Rows in the call table: every answered incoming call must have written one."""
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM phone_call").fetchone()
    return int(count)


def _servers(stack: ExitStack, workdir: Path, against: Path | None) -> list[Server]:
    python, serve = sys.executable, ["-m", "webhooks.cli", "serve"]
    env = environment(workdir / "webhook.db")
    servers = [
        stack.enter_context(serving(WEBHOOK, [python, *serve], env, workdir / "webhook.log")),
        stack.enter_context(
            serving(BARE, [python, "-m", "bench.webhook_bare"], env, workdir / "bare.log")
        ),
    ]
    if against is not None:  # the same webhook from another checkout, same config
        other = environment(workdir / "against.db") | {"PYTHONPATH": str(against.resolve())}
        log = workdir / "against.log"
        servers.append(stack.enter_context(serving(AGAINST, [python, *serve], other, log)))
    return servers


def main(argv: Sequence[str] | None = None) -> None:
    """Start the servers, measure side by side, print the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.webhook", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    parser.add_argument("--rate", type=float, default=FULL.rate, help="offered requests/s in (b)")
    parser.add_argument(
        "--against", type=Path, help="also serve the webhook from this checkout, side by side"
    )
    options = parser.parse_args(argv)
    size = replace(QUICK if options.quick else FULL, rate=options.rate)
    with tempfile.TemporaryDirectory(prefix="holdless-bench-web-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        results = measure(_servers(stack, workdir, options.against), size)
        stack.close()
        checks = {
            name: (stored_calls(workdir / f"{file}.db"), logged_errors(workdir / f"{file}.log"))
            for name, file in ((WEBHOOK, "webhook"), (AGAINST, "against"))
            if name in results
        }
        print(report(results, size, checks))


if __name__ == "__main__":
    main()
