"""An ASGI middleware timing each request under its route template, never its raw path.

The template is found with the routes' own `matches`, so `/api/v1/callbacks/{id}` is one
series however many ids are asked for, and any path no route knows is one "unmatched" series.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webhooks.metrics.series import Metrics

UNMATCHED = "unmatched"


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The template of the route that will take `scope`, as the router would choose it."""
    partial: tuple[BaseRoute, Scope] | None = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return _template(route, {**scope, **child})
        if match is Match.PARTIAL and partial is None:
            partial = route, {**scope, **child}
    return _template(*partial) if partial is not None else UNMATCHED


def _template(route: BaseRoute, scope: Scope) -> str:
    if isinstance(route, Mount):
        inner = route_template(route.routes, scope)
        return UNMATCHED if inner == UNMATCHED else route.path + inner
    return route.path if isinstance(route, Route) else UNMATCHED


class RouteTimer:
    """Records each HTTP request's latency and status under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request from its arrival until the app is done with it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_template(self.routes, scope)
        # An app that raises before answering is answered 500 by the outer error middleware.
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.request(route, status, time.perf_counter() - started)
