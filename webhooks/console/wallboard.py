"""The wallboard page and its live updates by server-sent events (no reload)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from callback.store.presence import AgentStatus
from callback.store.users import Role, User
from webhooks.console.board import Board, Fields
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.state import state_of
from webhooks.services import Services, services

STREAM_LIFETIME = timedelta(minutes=10)
"""A stream ends after this; EventSource reconnects, and the session is checked again."""
KEEPALIVE_EVERY = 15
"""Intervals without a change before a comment line keeps proxies from closing the stream."""
WATCHERS = (Role.SUPERVISOR, Role.VIEWER)


async def wallboard_page(request: Request, user: User) -> Response:
    """The wallboard as it is now; the page's script then follows the stream."""
    svc = services(request)
    fields = await state_of(request).board.latest(svc)
    config = svc.config.current
    queues = [
        {
            "name": name,
            "title": queue.display_name or name,
            "target": round(queue.service_level_target.total_seconds()),
            "agents": [agent for agent in config.agents if name in agent.queues],
        }
        for name, queue in config.queues.items()
    ]
    statuses = [status.value for status in AgentStatus]
    return render(request, "wallboard.html", user, fields=fields, queues=queues, statuses=statuses)


@requires(*WATCHERS)
async def wallboard_stream(request: Request, user: User) -> Response:
    """`text/event-stream` of the snapshot: an event whenever a shown figure changes."""
    svc, board = services(request), state_of(request).board
    events = _events(request, svc, board)
    headers = {"X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


def event(fields: Fields) -> str:
    """One server-sent event carrying the snapshot as JSON."""
    return f"event: snapshot\ndata: {json.dumps(fields, separators=(',', ':'))}\n\n"


async def _events(request: Request, svc: Services, board: Board) -> AsyncIterator[str]:
    interval = board.interval.total_seconds()
    rounds = int(STREAM_LIFETIME.total_seconds() / interval)
    last: Fields | None = None
    quiet = 0
    yield f"retry: {round(interval * 1000) * 2}\n\n"
    for _ in range(rounds):
        if await request.is_disconnected():
            return
        fields = await board.latest(svc)
        if fields != last:
            last, quiet = fields, 0
            yield event(fields)
        else:
            quiet += 1
            if quiet % KEEPALIVE_EVERY == 0:
                yield ": still here\n\n"
        await asyncio.sleep(interval)
