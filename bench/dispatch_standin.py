"""A stand-in for Twilio's REST API on 127.0.0.1 that notes when each call request arrives.

The app under test talks to it through its real Twilio adapter (the official client and its
`requests` session, keep-alive included), so a dial is timed when its first bytes reach this
socket: after the app has claimed, committed and handed the request to the network.
Calls are answered 201 with Twilio's JSON for a queued call; call listings with an empty page.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

from callback.carrier import Direction
from devtools.carrier.resources import CallResource, PageRequest, call_json, page_json

_HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Arrival:
    """One request to create a call: when its first byte arrived, and its form."""

    at: float
    """`time.perf_counter()` of this process when the first byte was read."""
    sid: str
    form: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    query: str
    body: bytes


def _parse(head: bytes, body: bytes) -> _Request:
    method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    parts = urlsplit(target)
    return _Request(method, parts.path, parts.query, body)


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _response(status: int, payload: object) -> bytes:
    body = json.dumps(payload).encode()
    reason = {200: "OK", 201: "Created", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class StandIn:
    """The stand-in server: every call request becomes an `Arrival` on `arrivals`."""

    def __init__(self, account_sid: str) -> None:
        self.account_sid = account_sid
        self.arrivals: asyncio.Queue[Arrival] = asyncio.Queue()
        self._serial = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Transport] = set()

    async def start(self, host: str) -> int:
        """Listen on a free port of `host`; returns the port."""
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _Protocol(self), host, 0
        )
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
        for transport in list(self._open):
            transport.close()

    def opened(self, transport: asyncio.Transport) -> None:
        """Track a new connection, to close it at the end."""
        self._open.add(transport)

    def closed(self, transport: asyncio.Transport) -> None:
        """Forget a closed connection."""
        self._open.discard(transport)

    def answer(self, request: _Request, first_byte: float) -> bytes:
        """Twilio's answer to `request`; a call creation is recorded as an arrival."""
        if request.path.endswith("/Calls.json") and request.method == "POST":
            form = dict(parse_qsl(request.body.decode()))
            sid = f"CA{next(self._serial):032x}"
            self.arrivals.put_nowait(Arrival(first_byte, sid, form))
            return _response(201, call_json(self._call(sid, form)))
        if request.path.endswith("/Calls.json") and request.method == "GET":
            page = PageRequest(request.path, dict(parse_qsl(request.query)), 0, 50)
            return _response(200, page_json("calls", [], page))
        return _response(404, {"code": 20404, "message": "not found", "status": 404})

    def _call(self, sid: str, form: dict[str, str]) -> CallResource:
        return CallResource(
            sid=sid,
            account_sid=self.account_sid,
            to=form.get("To", ""),
            from_=form.get("From", ""),
            direction=Direction.OUTBOUND_API,
            created=datetime.now(UTC),
        )


class _Protocol(asyncio.Protocol):
    """One keep-alive connection from the app's HTTP client."""

    def __init__(self, standin: StandIn) -> None:
        self._standin = standin
        self._buffer = bytearray()
        self._first_byte: float | None = None
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._standin.opened(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._standin.closed(self._transport)

    def data_received(self, data: bytes) -> None:
        first_byte = self._first_byte or time.perf_counter()
        self._buffer += data
        while (end := self._buffer.find(_HEAD_END)) >= 0:
            head = bytes(self._buffer[:end])
            size = end + len(_HEAD_END) + _length(head)
            if len(self._buffer) < size:
                break
            request = _parse(head, bytes(self._buffer[end + len(_HEAD_END) : size]))
            del self._buffer[:size]
            assert self._transport is not None
            self._transport.write(self._standin.answer(request, first_byte))
            first_byte = time.perf_counter()  # a pipelined request already in the buffer
        # The first byte of a request still incomplete is kept for its arrival time.
        self._first_byte = first_byte if self._buffer else None
