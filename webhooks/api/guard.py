"""A database error anywhere under `/api/v1` answers a JSON 503 with Retry-After, never a 500."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webhooks.api.cors import answer
from webhooks.api.errors import unavailable

log = logging.getLogger("holdless.api")


class DatabaseGuard:
    """ASGI middleware: turns a `SQLAlchemyError` raised before the answer into a 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the route; answer 503 if the database fails before it has answered."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except SQLAlchemyError as error:
            if started:
                raise
            # Logged whole: an operator needs to tell a lock timeout from a lost server.
            log.error("database error on %s %s", scope["method"], scope["path"], exc_info=error)
            await answer(Request(scope), unavailable())(scope, receive, send)
