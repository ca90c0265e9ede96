"""CPU per hold round (Twilio's waitUrl, `/twilio/ivr/hold-wait`) inside the app, side by side.

`python -m bench.hold_wait [--quick] [--against DIR]` starts one worker process per
checkout (this one, and DIR's with `PYTHONPATH=DIR`), each driving its own app's ASGI
callable directly (`create_app`, no ticker, the example config, a fresh SQLite file, the
clock on a Monday at 10:00 so the queue is open). Each worker puts 20 callers on hold
(their incoming call, then a first round that takes their place); every request after that
is a later round of one of them, signed as Twilio signs it, the callers in turn. Rounds
alternate the workers (ABBA); the figure is the median over rounds of process CPU per
request, and the ratio after/before is taken round by round.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).resolve()
"""Run by path as a worker, with another checkout first on the path: it imports no `bench`
module at the top, since that checkout may not have them."""
CALLERS = 20
START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
"""A Monday morning: the example's support queue is open and staffed."""
HOLD = "/twilio/ivr/hold-wait"
QUERY = "queue=support&lang=en"
BASE = "http://127.0.0.1:8000"
QUEUE_SID = "QU" + "5" * 32


def _clock() -> Callable[[], datetime]:
    began = time.monotonic()
    return lambda: START + timedelta(seconds=time.monotonic() - began)


def _form(n: int, position: int) -> dict[str, str]:
    from webhooks.simulation import SIMULATED_ACCOUNT_SID

    return {
        "AccountSid": SIMULATED_ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": f"CA{n:032x}",
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "From": f"+44207946{n:04d}",
        "To": "+442079460000",
        "QueueSid": QUEUE_SID,
        "QueuePosition": str(position),
        "QueueTime": "30",
        "AvgQueueTime": "30",
        "CurrentQueueSize": str(CALLERS),
    }


def _scope(path: str, query: str, body: bytes, signature: str) -> dict[str, object]:
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
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


async def _post(app: object, path: str, query: str, form: dict[str, str]) -> None:
    """One signed request through the ASGI app; raises unless it is answered 200."""
    from starlette.types import ASGIApp, Message
    from twilio.request_validator import RequestValidator

    from webhooks.twilio.signature import SIMULATED_AUTH_TOKEN

    url = BASE + path + (f"?{query}" if query else "")
    body = urlencode(form).encode()
    signature = RequestValidator(SIMULATED_AUTH_TOKEN).compute_signature(url, form)
    answer: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.append(message["status"])

    asgi: ASGIApp = app  # type: ignore[assignment]
    await asgi(_scope(path, query, body, signature), receive, send)
    if answer != [200]:
        raise RuntimeError(f"{path} answered {answer}")


async def _worker(database: Path) -> None:
    """Serve rounds on stdin's request (`bench.side_by_side`): a count in, CPU µs out."""
    from asgi_lifespan import LifespanManager

    from callback.store import upgrade
    from settings import Settings
    from webhooks.app import create_app

    url = f"sqlite:///{database}"
    upgrade(url)
    config = ROOT / "holdless.example.toml"
    settings = Settings(
        database_url=url, config_file=config, log_level="WARNING", carrier="simulated"
    )
    async with LifespanManager(create_app(settings, clock=_clock(), ticker=False)) as manager:
        for n in range(CALLERS):
            await _post(manager.app, "/twilio/voice", "", _form(n, 0) | {"CallStatus": "ringing"})
            await _post(manager.app, HOLD, QUERY, _form(n, n + 1))
        turn = itertools.cycle(range(CALLERS))
        for line in sys.stdin:
            count = int(line)
            forms = [_form(n, n + 1) for n in itertools.islice(turn, count)]
            start = time.process_time()
            for form in forms:
                await _post(manager.app, HOLD, QUERY, form)
            print(f"{(time.process_time() - start) / count * 1e6:.1f}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Measure this checkout (and `--against DIR`) and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.hold_wait", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short run, for smoke tests")
    parser.add_argument("--against", type=Path, help="also measure this checkout, side by side")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker is not None:
        asyncio.run(_worker(options.worker))
        return
    from bench.side_by_side import measure, report

    sources = {"after (this checkout)": ROOT}
    if options.against is not None:
        sources["before (" + str(options.against) + ")"] = options.against.resolve()
    rounds, count = (2, 100) if options.quick else (9, 1000)
    print(report(measure(SCRIPT, sources, rounds, count), "hold round"))


if __name__ == "__main__":
    main()
