"""Closed and open load loops for the API benchmark, over `bench.webhook_load`'s connections.

The webhook's loops count only a 200 as good; a created callback is a 201, and every other
answer is kept by status so that a refusal shows up by name in the report.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.webhook_load import Answer, Connection, RequestMaker, connect

CREATED = 201


@dataclass
class Tally:
    """What one load phase saw: latencies (seconds) of 201s, every status, elapsed time."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    elapsed: float = 0.0
    sample: bytes = b""
    refusal: bytes = b""

    def record(self, answer: Answer, latency: float) -> None:
        """Count the answer by status; keep the latency of a 201 and the first other body."""
        self.statuses[answer.status] += 1
        if answer.status == CREATED:
            self.latencies.append(latency)
            self.sample = self.sample or answer.body
        elif not self.refusal:
            self.refusal = answer.body

    @property
    def failures(self) -> int:
        """Answers other than 201."""
        return sum(n for status, n in self.statuses.items() if status != CREATED)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to send, and the maker of each next request."""

    host: str
    port: int
    make: RequestMaker


async def _open(endpoint: Endpoint, count: int) -> list[Connection]:
    return [await connect(endpoint.host, endpoint.port) for _ in range(count)]


async def closed_loop(endpoint: Endpoint, concurrency: int, duration: float) -> Tally:
    """`concurrency` connections, each sending its next request as soon as one is answered."""
    tally = Tally()
    connections = await _open(endpoint, concurrency)
    clock = time.perf_counter
    started = clock()
    deadline = started + duration

    async def worker(connection: Connection) -> None:
        while clock() < deadline:
            request = endpoint.make()  # signed now: built before the clock starts
            sent = clock()
            tally.record(await connection.send(request), clock() - sent)

    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        tally.elapsed = clock() - started
        for connection in connections:
            connection.close()
    return tally


async def open_loop(endpoint: Endpoint, rate: float, duration: float, connections: int) -> Tally:
    """Requests on a fixed schedule of `rate` per second, latency from the scheduled time.

    As in `bench.webhook_load.open_loop`: no coordinated omission, and the wait for a free
    connection is charged to the request.
    """
    tally = Tally()
    # Last in, first out: at a low rate the same few connections carry the load, and one
    # left idle past uvicorn's keep-alive timeout (5 s) is replaced when it is needed.
    idle: asyncio.LifoQueue[Connection] = asyncio.LifoQueue()
    opened = await _open(endpoint, connections)
    for connection in opened:
        idle.put_nowait(connection)
    clock = time.perf_counter

    async def one(request: bytes, due: float) -> None:
        connection = await idle.get()
        try:
            answer = await connection.send(request)
        except ConnectionResetError:
            # Closed while idle. Had the server closed it mid-request instead, this resend
            # of the same signed bytes would be refused as a replay and counted as a failure.
            connection = await connect(endpoint.host, endpoint.port)
            opened.append(connection)
            answer = await connection.send(request)
        tally.record(answer, clock() - due)
        idle.put_nowait(connection)

    started = clock()
    tasks = []
    try:
        for n in range(int(rate * duration)):
            due = started + n / rate
            request = endpoint.make()
            await asyncio.sleep(max(0.0, due - clock()))
            tasks.append(asyncio.create_task(one(request, due)))
        await asyncio.gather(*tasks)
    finally:
        tally.elapsed = clock() - started
        for connection in opened:
            connection.close()
    return tally
