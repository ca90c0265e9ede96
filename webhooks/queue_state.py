"""`GET /api/v1/queues`: what each queue looks like now; for the supervisor, the live config too.

Without an `Authorization` header it answers only what a caller already hears (open or
closed, the line, the wait): the counts by state and the config's file, hash and change log
are the supervisor's, behind their key. Any other key is refused, never downgraded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Forecast
from callback.store.events import EventStore
from callback.store.records import QueueCounts
from callback.types import QueueName
from webhooks.accuracy import KEY as ACCURACY_KEY
from webhooks.accuracy import accuracy_view
from webhooks.agents import bearer_key
from webhooks.api.auth import refused, supervisor_only
from webhooks.api.errors import ApiProblem
from webhooks.api.view import estimate_out
from webhooks.line import line_length
from webhooks.queue_today import today_view
from webhooks.services import Services, services

PROMISE_WINDOW = timedelta(hours=24)
"""How far back the broken promises shown are counted."""
PUBLIC_FIELDS = frozenset(
    {"display_name", "open", "next_opening", "closes_at", "callback_offered", "line", "estimate"}
)
"""What a customer may see of a queue (`webhooks.queue_views.QueuePublicOut`)."""


async def queue_state(request: Request) -> Response:
    """Counts, forecast and, for the supervisor, config status; no personal data."""
    svc = services(request)
    config = svc.config.current
    full = bearer_key(request) is not None
    if full:
        try:
            supervisor_only(request, config)
        except ApiProblem as problem:
            return refused(problem)
    view = _snapshot if full else _public
    body = await run_in_threadpool(view, svc, config, svc.clock())
    # The answer depends on the key sent: no shared cache may hand one view to the other.
    return JSONResponse(body, headers={"Vary": "Authorization", "Cache-Control": "no-store"})


def _public(svc: Services, config: SupervisorConfig, now: datetime) -> dict[str, object]:
    counts = svc.store.counts(now)
    queues = {}
    for name in config.queues:
        queue = queue_view(svc, config, QueueName(name), counts.get(QueueName(name)), now)
        queues[name] = {key: value for key, value in queue.items() if key in PUBLIC_FIELDS}
    return {"at": now.isoformat(), "queues": queues}


def _snapshot(svc: Services, config: SupervisorConfig, now: datetime) -> dict[str, object]:
    counts = svc.store.counts(now)
    # Messages left without a callback number, counted only: the list is the supervisor's.
    voicemails = svc.voicemails.unhandled_counts()
    queues = {
        name: {
            **queue_view(svc, config, QueueName(name), counts.get(QueueName(name)), now),
            "voicemails_unhandled": voicemails.get(QueueName(name), 0),
            ACCURACY_KEY: accuracy_view(svc.accuracy, config, QueueName(name), now),
            "today": today_view(svc, config, QueueName(name), now),
        }
        for name in config.queues
    }
    broken = EventStore(svc.store.engine).broken_promises(now - PROMISE_WINDOW)
    return {
        "at": now.isoformat(),
        "carrier": svc.settings.carrier,
        "queues": queues,
        "broken_promises_24h": broken,
        "config": svc.config.status(),
    }


def queue_view(
    svc: Services,
    config: SupervisorConfig,
    name: QueueName,
    counts: QueueCounts | None,
    now: datetime,
) -> dict[str, object]:
    line = line_length(svc, name, counts)
    counts = counts or QueueCounts()
    # The newcomer's figure every channel quotes before asking (`callback.service.line`).
    outlook = svc.line.forecast(config, name, now)
    return {
        "display_name": config.queues[name].display_name or name,
        "line": line,
        "on_hold": line - counts.due,
        "waiting": counts.waiting,
        "due": counts.due,
        "scheduled": counts.scheduled,
        "dialing": counts.dialing,
        "connected": counts.connected,
        "oldest_due": counts.oldest_due.isoformat() if counts.oldest_due else None,
        **_outlook(outlook),
    }


def _outlook(outlook: Forecast) -> dict[str, object]:
    return {
        "open": outlook.open,
        "next_opening": outlook.next_opening.isoformat() if outlook.next_opening else None,
        "closes_at": outlook.closes_at.isoformat() if outlook.closes_at else None,
        "callback_offered": outlook.offer_callback,
        "estimate": _estimate(outlook.estimate),
    }


def _estimate(estimate: Estimate | None) -> dict[str, object] | None:
    out = estimate_out(estimate)
    if estimate is None or out is None:
        return None
    return {
        **out.model_dump(),
        "by": estimate.by.isoformat(),
        "before_close": estimate.before_close,
    }
