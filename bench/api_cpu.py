"""CPU per `POST /api/v1/callbacks` inside the app, two checkouts side by side.

`python -m bench.api_cpu [--quick] [--against DIR] [--always-open]` starts one worker
process per checkout (this one, and DIR's with `PYTHONPATH=DIR`), each driving its own
app's ASGI callable directly (`create_app`, no ticker, `bench.api_create`'s config and app
key, a fresh SQLite file): no HTTP server and no load generator in the figure. Each request
is `bench.api_create`'s: a new London number, signed with the app key, a fresh timestamp,
so the replay check, the number check and the admission all run; every answer must be 201.
Thread-pool hops run as in the server. Rounds alternate the workers (ABBA,
`bench.side_by_side`); the figure is the median over rounds of process CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

SCRIPT = Path(__file__).resolve()
"""Run by path as a worker, with another checkout first on the path: it imports no `bench`
module at the top, since that checkout may not have them."""
PATH = "/api/v1/callbacks"
WARM_UP = 300


def _request(n: int, key_id: str, secret: str) -> tuple[dict[str, object], bytes]:
    from bench.api_create import phone
    from bench.api_setup import QUEUE

    context = {"screen": "billing", "order_id": f"B{n:08d}", "app_version": "4.2"}
    fields: dict[str, object] = {"queue": QUEUE, "phone": phone(n), "name": f"Customer {n}"}
    fields |= {"reason": "my bill looks wrong", "language": "en", "context": context}
    body = json.dumps(fields).encode()
    stamp = str(int(time.time()))
    message = f"{stamp}\nPOST\n{PATH}\n{hashlib.sha256(body).hexdigest()}".encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"content-type", b"application/json"),
        (b"user-agent", b"BenchApp/4.2"),
        (b"accept", b"application/json"),
        (b"x-holdless-key-id", key_id.encode()),
        (b"x-holdless-timestamp", stamp.encode()),
        (b"x-holdless-signature", signature.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    scope: dict[str, object] = {
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
    return scope, body


async def _post(app: object, scope: dict[str, object], body: bytes) -> None:
    from starlette.types import ASGIApp, Message

    answer: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.append(message["status"])

    asgi: ASGIApp = app  # type: ignore[assignment]
    await asgi(scope, receive, send)
    if answer != [201]:
        raise RuntimeError(f"a booking was answered {answer}")


async def _worker(database: Path, always_open: bool) -> None:
    """Serve rounds on stdin's request (`bench.side_by_side`): a count in, CPU µs out."""
    from datetime import datetime

    from asgi_lifespan import LifespanManager

    from bench.api_setup import ALWAYS, SECRET_ENV, ZONE, AppKey, hours_around, write_config
    from callback.store import upgrade
    from settings import Settings
    from webhooks.app import create_app

    key = AppKey.fresh()
    os.environ[SECRET_ENV] = key.secret
    hours = ALWAYS if always_open else hours_around(datetime.now(ZONE))
    config = write_config(database.with_suffix(".toml"), hours)
    url = f"sqlite:///{database}"
    upgrade(url)
    settings = Settings(
        database_url=url, config_file=config, log_level="WARNING", carrier="simulated"
    )
    serial = itertools.count(1)
    async with LifespanManager(create_app(settings, ticker=False)) as manager:
        for n in itertools.islice(serial, WARM_UP):
            await _post(manager.app, *_request(n, key.id, key.secret))
        for line in sys.stdin:
            count = int(line)
            prepared = [_request(n, key.id, key.secret) for n in itertools.islice(serial, count)]
            start = time.process_time()
            for scope, body in prepared:
                await _post(manager.app, scope, body)
            print(f"{(time.process_time() - start) / count * 1e6:.1f}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure this checkout (and `--against DIR`) and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.api_cpu", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    parser.add_argument("--against", type=Path, help="also measure this checkout, side by side")
    parser.add_argument("--always-open", action="store_true", help="the queue open 24/7")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker is not None:
        asyncio.run(_worker(options.worker, os.environ.get("BENCH_ALWAYS_OPEN") == "1"))
        return
    from bench.side_by_side import ROOT, measure, report

    if options.always_open:
        os.environ["BENCH_ALWAYS_OPEN"] = "1"
    sources = {"after (this checkout)": ROOT}
    if options.against is not None:
        sources["before (" + str(options.against) + ")"] = options.against.resolve()
    rounds, count = (2, 50) if options.quick else (9, 400)
    print(report(measure(SCRIPT, sources, rounds, count), "booking"))


if __name__ == "__main__":
    main()
