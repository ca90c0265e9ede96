"""`GET /api/v1/queues`: what each queue looks like now, and the state of the live config."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from callback.config import SupervisorConfig
from callback.estimate import Estimate
from callback.forecast import Forecast, forecast
from callback.store.events import EventStore
from callback.store.records import QueueCounts
from callback.types import QueueName
from webhooks.api.view import estimate_out
from webhooks.line import line_length
from webhooks.services import Services, services

PROMISE_WINDOW = timedelta(hours=24)
"""How far back the broken promises shown are counted."""


async def queue_state(request: Request) -> JSONResponse:
    """Counts, forecast and config status; no personal data."""
    svc = services(request)
    now = svc.clock()
    config = svc.config.current
    body = await run_in_threadpool(_snapshot, svc, config, now)
    return JSONResponse(body)


def _snapshot(svc: Services, config: SupervisorConfig, now: datetime) -> dict[str, object]:
    counts = svc.store.counts(now)
    # Messages left without a callback number, counted only: the list is the supervisor's.
    voicemails = svc.voicemails.unhandled_counts()
    queues = {
        name: {
            **_queue(svc, config, QueueName(name), counts.get(QueueName(name)), now),
            "voicemails_unhandled": voicemails.get(QueueName(name), 0),
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


def _queue(
    svc: Services,
    config: SupervisorConfig,
    name: QueueName,
    counts: QueueCounts | None,
    now: datetime,
) -> dict[str, object]:
    line = line_length(svc, name, counts)
    counts = counts or QueueCounts()
    measured = svc.measured.get(name, now)
    outlook = forecast(config.queues[name], config.callback_policy(name), line, measured, now)
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
