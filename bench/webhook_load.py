"""A lean HTTP/1.1 load generator on asyncio: keep-alive connections, closed and open loop.

A general client (httpx) costs more CPU per request than a small server spends answering
it; on a 2-core machine that would measure the client. This one writes prepared request
bytes and reads only the status line, Content-Length and the body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

RequestMaker = Callable[[], bytes]
"""Returns the complete bytes of the next request (a fresh one each call)."""

_HEAD_END = b"\r\n\r\n"


class ProtocolError(RuntimeError):
    """The server answered something this client does not understand."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One response: its status code and body."""

    status: int
    body: bytes


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    status = int(head.split(b" ", 2)[1])
    if status == 204 or status == 304:
        return 0
    raise ProtocolError("response without Content-Length")


class Connection(asyncio.Protocol):
    """One keep-alive connection carrying one request at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[Answer] | None = None
        self._lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to write requests on."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        """Fail the request in flight, if any."""
        self._lost = exc or ConnectionResetError("server closed the connection")
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(self._lost)

    def data_received(self, data: bytes) -> None:
        """Collect bytes until one whole response is in, then hand it over."""
        self._buffer += data
        end = self._buffer.find(_HEAD_END)
        if end < 0 or self._waiter is None:
            return
        head = bytes(self._buffer[:end])
        size = end + len(_HEAD_END) + _content_length(head)
        if len(self._buffer) < size:
            return
        answer = Answer(int(head.split(b" ", 2)[1]), bytes(self._buffer[end + 4 : size]))
        del self._buffer[:size]
        if not self._waiter.done():
            self._waiter.set_result(answer)

    async def send(self, request: bytes) -> Answer:
        """Write `request` and wait for its response."""
        if self._lost is not None or self._transport is None:
            raise ConnectionResetError("connection is closed")
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        try:
            return await self._waiter
        finally:
            self._waiter = None

    def close(self) -> None:
        """Close the connection."""
        if self._transport is not None:
            self._transport.close()


async def connect(host: str, port: int) -> Connection:
    """A new connection to `host:port`."""
    _, protocol = await asyncio.get_running_loop().create_connection(Connection, host, port)
    return protocol


@dataclass(frozen=True, slots=True)
class Target:
    """Where to send, what to send, and the body marker of a refusal disguised as a 200."""

    host: str
    port: int
    make: RequestMaker
    refusal: bytes = b""


@dataclass
class Tally:
    """What one load phase saw: latencies (seconds) of good answers, failures, elapsed time.

    A 200 whose body contains `refusal` (an apology instead of the real answer) is a failure.
    """

    refusal: bytes = b""
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    elapsed: float = 0.0
    sample: bytes = b""

    def record(self, answer: Answer, latency: float) -> None:
        """Count a real 200 as good (keeping the first body as a sample), the rest as failures."""
        if answer.status != 200 or (self.refusal and self.refusal in answer.body):
            self.failures += 1
            return
        if not self.sample:
            self.sample = answer.body
        self.latencies.append(latency)


class Recording(Protocol):
    """What a load loop reports each answer to, and its elapsed time."""

    elapsed: float

    def record(self, answer: Answer, latency: float) -> None:
        """Count one answer that took `latency` seconds."""


R = TypeVar("R", bound=Recording)


async def closed_loop(target: Target, concurrency: int, duration: float, tally: R) -> R:
    """`concurrency` connections, each sending its next request as soon as one is answered."""
    connections = [await connect(target.host, target.port) for _ in range(concurrency)]
    clock = time.perf_counter
    started = clock()
    deadline = started + duration

    async def worker(connection: Connection) -> None:
        while clock() < deadline:
            request = target.make()  # built (and signed) before its clock starts
            sent = clock()
            tally.record(await connection.send(request), clock() - sent)

    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        tally.elapsed = clock() - started
        for connection in connections:
            connection.close()
    return tally


async def open_loop(target: Target, rate: float, duration: float, connections: int, tally: R) -> R:
    """Requests on a fixed schedule of `rate` per second, whatever the server's pace.

    Latency runs from the scheduled send time, so a stalled server is charged for the
    requests it delayed (no coordinated omission); a request waits for a free connection
    when all `connections` are busy, and that wait is charged too.
    """
    # Last in, first out: at a low rate the same few connections carry the load, and one
    # left idle past uvicorn's keep-alive timeout (5 s) is replaced when it is needed.
    idle: asyncio.LifoQueue[Connection] = asyncio.LifoQueue()
    opened = [await connect(target.host, target.port) for _ in range(connections)]
    for connection in opened:
        idle.put_nowait(connection)
    clock = time.perf_counter

    async def one(request: bytes, due: float) -> None:
        connection = await idle.get()
        try:
            answer = await connection.send(request)
        except ConnectionResetError:
            # Closed while idle. Had the server closed it mid-request instead, a resend of
            # signed bytes with a replay check would be refused and counted as a failure.
            connection = await connect(target.host, target.port)
            opened.append(connection)
            answer = await connection.send(request)
        tally.record(answer, clock() - due)
        idle.put_nowait(connection)

    started = clock()
    tasks = []
    try:
        for n in range(int(rate * duration)):
            due = started + n / rate
            request = target.make()  # built before the due time, so building is not charged
            await asyncio.sleep(max(0.0, due - clock()))
            tasks.append(asyncio.create_task(one(request, due)))
        await asyncio.gather(*tasks)
    finally:
        tally.elapsed = clock() - started
        for connection in opened:
            connection.close()
    return tally
