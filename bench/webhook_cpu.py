"""CPU per incoming call inside the app: the ASGI app driven directly, no HTTP server.

`python -m bench.webhook_cpu [--quick]` builds the app (`create_app`, no ticker, the
simulated carrier's token, the example config, a fresh SQLite file), then sends signed
`POST /twilio/voice` requests one after the other, each a new CallSid and caller, straight
to the ASGI callable. Two bodies: the 7 parameters `bench.webhook` sends, and the 26 a real
Twilio voice webhook carries (caller and called geography, STIR/SHAKEN). Rounds alternate
the two; the figure is the median over rounds of process CPU per request.

Calls arrive one at a time, so each stores its leg alone (no group commit): the case where
a call's own statements weigh most. Without the HTTP server and the load generator in the
figure, two code versions can be compared by running this in each, alternately.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp, Message
from twilio.request_validator import RequestValidator

from bench.webhook import SERVICE_NUMBER, caller
from bench.webhook_servers import CONFIG
from callback.store import upgrade
from settings import Settings
from webhooks.app import create_app
from webhooks.simulation import SIMULATED_ACCOUNT_SID
from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN

PATH = "/twilio/voice"
URL = "http://127.0.0.1:8000" + PATH  # the default public base URL
_EMPTY_GEOGRAPHY = ("City", "State", "Zip")


def params(n: int, full: bool) -> dict[str, str]:
    """The n-th call's form: as `bench.webhook` sends it, or with all of Twilio's fields."""
    form = {
        "AccountSid": SIMULATED_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": f"CA{n:032x}",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": caller(n),
        "To": SERVICE_NUMBER,
    }
    if full:
        for party, number in (("Caller", caller(n)), ("Called", SERVICE_NUMBER)):
            form[party] = number
        for party in ("Caller", "Called", "From", "To"):
            form[f"{party}Country"] = "GB"
            form |= {f"{party}{field}": "" for field in _EMPTY_GEOGRAPHY}
        form["StirVerstat"] = "TN-Validation-Passed-A"
    return form


def scope(body: bytes, signature: str) -> dict[str, object]:
    """The ASGI scope of one webhook request."""
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", str(len(body)).encode()),
        (b"x-twilio-signature", signature.encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


async def call(app: ASGIApp, body: bytes, signature: str) -> int:
    """One request through the app; its status."""
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(body, signature), receive, send)
    return status


async def cpu_per_call(app: ASGIApp, serial: itertools.count[int], full: bool, n: int) -> float:
    """Process CPU seconds per request over `n` new calls."""
    signer = RequestValidator(SIMULATED_AUTH_TOKEN)
    prepared = []
    for _ in range(n):
        form = params(next(serial), full)
        prepared.append((urlencode(form).encode(), signer.compute_signature(URL, form)))
    start = time.process_time()
    for body, signature in prepared:
        if await call(app, body, signature) != 200:
            raise RuntimeError("a webhook was not answered 200")
    return (time.process_time() - start) / n


async def measure(database: Path, rounds: int, per_round: int) -> dict[bool, list[float]]:
    """CPU per request for both bodies, one figure per round, the order alternating."""
    url = f"sqlite:///{database}"
    upgrade(url)
    settings = Settings(
        database_url=url, config_file=CONFIG, log_level="WARNING", carrier="simulated"
    )
    serial = itertools.count(1)
    results: dict[bool, list[float]] = {False: [], True: []}
    async with LifespanManager(create_app(settings, ticker=False)) as manager:
        await cpu_per_call(manager.app, serial, True, per_round)  # warm-up
        for n in range(rounds):
            for full in (False, True) if n % 2 == 0 else (True, False):
                results[full].append(await cpu_per_call(manager.app, serial, full, per_round))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Measure and print one line per body."""
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_cpu", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    rounds, per_round = (2, 100) if parser.parse_args(argv).quick else (7, 1000)
    with tempfile.TemporaryDirectory(prefix="holdless-bench-cpu-") as tmp:
        results = asyncio.run(measure(Path(tmp) / "holdless.db", rounds, per_round))
    for full, figures in results.items():
        rounds_us = ", ".join(f"{x * 1e6:.0f}" for x in figures)
        name = "26 parameters (Twilio's)" if full else "7 parameters (bench.webhook's)"
        median = statistics.median(figures) * 1e6
        print(f"{name}: {median:.0f} µs CPU per request, median (rounds: {rounds_us})")


if __name__ == "__main__":
    main()
