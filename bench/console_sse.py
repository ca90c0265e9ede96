"""CPU of open wallboards: real SSE clients against a real server, CPU read from /proc.

`python -m bench.console_sse [--quick]` fills a SQLite database as `bench.console` does (10,000
waiting; 200,000 finished requests, or 20,000 with --quick) around the real clock, starts
`holdless serve` (uvicorn, the ticker running, the simulated carrier with no traffic), signs in
as a supervisor, and measures the server process's CPU time over a window with no board open
(the idle server: ticker, dispatcher) and then with N boards following `/console/wallboard/stream`
(each an HTTP client reading every event). The figure is the extra CPU the boards cost, as a
share of one core. Goal: 50 boards at one update a second under 10% of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.console import PASSWORD, build
from bench.webhook_servers import HOST, Server, environment, serving

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _sign_in(base: str) -> httpx.Cookies:
    async with httpx.AsyncClient(base_url=base) as client:
        found = CSRF.search((await client.get("/console/sign-in")).text)
        assert found is not None
        form = {"csrf": found[1], "name": "sam", "password": PASSWORD}
        answer = await client.post("/console/sign-in", data=form)
        assert answer.status_code == 303, answer.status_code
        return client.cookies


async def _follow(client: httpx.AsyncClient, seen: list[int], index: int) -> None:
    async with client.stream("GET", "/console/wallboard/stream") as answer:
        assert answer.status_code == 200, answer.status_code
        async for line in answer.aiter_lines():
            if line.startswith("event: snapshot"):
                seen[index] += 1


async def _boards(base: str, count: int, window_s: float, server: Server) -> tuple[float, int]:
    """CPU seconds the server used while `count` boards followed the stream; events read."""
    cookies = await _sign_in(base)
    seen = [0] * count
    limits = httpx.Limits(max_connections=count + 1)
    timeout = httpx.Timeout(30.0, read=None)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=timeout
    ) as client:
        tasks = [asyncio.create_task(_follow(client, seen, n)) for n in range(count)]
        await asyncio.sleep(5)  # every board connected and past its first (full-day) build
        before, events = server.cpu_seconds(), sum(seen)
        await asyncio.sleep(window_s)
        used, events = server.cpu_seconds() - before, sum(seen) - events
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return used, events


def _idle(server: Server, window_s: float) -> float:
    before = server.cpu_seconds()
    time.sleep(window_s)
    return server.cpu_seconds() - before


def main(argv: list[str] | None = None) -> None:
    """Build, serve, measure idle then with boards, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.console_sse")
    parser.add_argument("--quick", action="store_true", help="20,000 history rows, 15 s windows")
    parser.add_argument("--boards", type=int, default=50)
    args = parser.parse_args(argv)
    history, window = (20_000, 15.0) if args.quick else (200_000, 60.0)
    workdir = Path(tempfile.mkdtemp(prefix="holdless-sse-bench-"))
    database = workdir / "console.db"
    build(f"sqlite:///{database}", 10_000, history, datetime.now(UTC))
    command = [sys.executable, "-m", "webhooks.cli", "serve"]
    try:
        with serving("holdless", command, environment(database), workdir / "serve.log") as server:
            base = f"http://{HOST}:{server.port}"
            idle = _idle(server, window)
            used, events = asyncio.run(_boards(base, args.boards, window, server))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"sqlite, 10,000 waiting, {history:,} finished; {window:.0f} s windows")
    print("| case | server CPU (% of one core) | events read |\n|---|---:|---:|")
    print(f"| no board open (ticker only) | {idle / window * 100:.1f} | 0 |")
    print(f"| {args.boards} boards following | {used / window * 100:.1f} | {events} |")
    print(f"| cost of the boards | {(used - idle) / window * 100:.1f} | |")


if __name__ == "__main__":
    main()
