"""A tiny reverse proxy in front of the instances: round robin, failing over when one is dead.

A backend that refuses the connection (killed, restarting) is skipped and the next one is
tried: nothing reached it, so nothing is done twice. A request that broke after it was sent
is answered 502, as a real load balancer would; Twilio then plays its fallback.
`drained` backends get no new requests (a health-checked balancer takes a paused one out).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger("chaos.balancer")

_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "upgrade", "host"})
"""Hop-by-hop headers are not forwarded; the instances rebuild URLs from their settings."""


@dataclass
class Balancer:
    """An ASGI app forwarding to `backends` (base URLs like `http://127.0.0.1:8101`)."""

    backends: list[str]
    timeout_s: float = 20.0
    drained: set[str] = field(default_factory=set)
    failovers: int = 0
    broken: int = 0
    _turn: Iterator[int] = field(default_factory=itertools.count, repr=False)
    _http: httpx.AsyncClient | None = field(default=None, repr=False)

    def order(self) -> list[str]:
        """The live backends to try, starting with the next in turn."""
        live = [backend for backend in self.backends if backend not in self.drained]
        if not live:
            return []
        first = next(self._turn) % len(live)
        return live[first:] + live[:first]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward one HTTP request (lifespan and websockets are not served)."""
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self._forward(request, await request.body())
        await response(scope, receive, send)

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._http is not None:
            await self._http.aclose()

    async def _forward(self, request: Request, body: bytes) -> Response:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout_s)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        for backend in self.order():
            try:
                answer = await self._http.request(
                    request.method, backend + path, headers=headers, content=body
                )
            except httpx.ConnectError:
                self.failovers += 1
                continue
            except httpx.HTTPError as error:
                self.broken += 1
                log.info("%s %s broke at %s: %s", request.method, path, backend, error)
                return Response("bad gateway", status_code=502)
            kept = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
            kept.pop("content-length", None)
            kept.pop("content-encoding", None)
            return Response(answer.content, answer.status_code, headers=kept)
        return Response("no live backend", status_code=503)
