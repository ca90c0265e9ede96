"""`GET /metrics`: the Prometheus text format, open unless a bearer token is configured."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

Endpoint = Callable[[Request], Awaitable[Response]]


def metrics_endpoint(registry: CollectorRegistry, token: SecretStr | None) -> Endpoint:
    """The handler serving `registry`; with `token`, only to `Authorization: Bearer <token>`."""
    expected = token.get_secret_value().encode() if token is not None else None

    async def metrics(request: Request) -> Response:
        if expected is not None and not _authorised(request, expected):
            return PlainTextResponse(
                "a bearer token is required", 401, headers={"WWW-Authenticate": "Bearer"}
            )
        # The format the scraper asks for (OpenMetrics or the classic text), as exporters do.
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        # Collecting reads the database: off the event loop.
        body = await run_in_threadpool(encode, registry)
        return Response(body, headers={"Content-Type": content_type})

    return metrics


def _authorised(request: Request, expected: bytes) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Constant time: wrong guesses learn nothing from how fast they fail. The scheme is
    # case-insensitive (RFC 9110); the token is compared as sent.
    same = hmac.compare_digest(given.strip().encode(), expected)
    return same and scheme.lower() == "bearer"
