"""Liveness and readiness: the process answers and its database is reachable."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from webhooks.services import services


async def healthz(request: Request) -> JSONResponse:
    """200 when the database answers, 503 otherwise (load balancers take us out)."""
    svc = services(request)
    database_ok = await run_in_threadpool(svc.store.ping)
    body = {"status": "ok" if database_ok else "degraded", "database": database_ok}
    return JSONResponse(body, status_code=200 if database_ok else 503)
