"""A request's timeline page, and a supervisor revealing its number (audited)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from callback.privacy import mask_number
from callback.request import CallbackRequest
from callback.store.engine import read_transaction
from callback.store.listing import Step, reached_at, timeline
from callback.store.users import Role, User
from callback.types import RequestId
from webhooks.console.board import clock_text
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.requests import LIST, WATCHERS
from webhooks.console.state import audit
from webhooks.services import Services, services

STAMP = "%Y-%m-%d %H:%M:%S"


def _load(svc: Services, request_id: RequestId) -> tuple[CallbackRequest | None, list[Step], str]:
    found = svc.store.get(request_id)
    with read_transaction(svc.store.engine) as connection:
        steps = timeline(connection, request_id)
        reached = reached_at(connection, request_id)
    return found, steps, reached.strftime(STAMP) if reached is not None else ""


async def _page(request: Request, user: User, *, revealed: bool) -> Response:
    svc = services(request)
    request_id = RequestId(int(request.path_params["request_id"]))
    found, steps, reached = await run_in_threadpool(_load, svc, request_id)
    if found is None:
        return render(request, "message.html", user, status=404, message_key="not_found")
    promise = found.promise
    return render(
        request,
        "timeline.html",
        user,
        found=found,
        number=found.number if revealed else mask_number(found.number),
        revealed=revealed,
        steps=[{"at": s.at.strftime(STAMP), "what": s.what, "detail": s.detail} for s in steps],
        promise_by=promise.by.strftime(STAMP) if promise is not None else "",
        promise_wait=clock_text(promise.wait.total_seconds()) if promise is not None else "",
        reached=reached,
        can_act=user.role is Role.SUPERVISOR,
        back=LIST,
    )


@requires(*WATCHERS)
async def request_timeline(request: Request, user: User) -> Response:
    """Every state change, dial and promise of one request; the number masked."""
    return await _page(request, user, revealed=False)


@requires(Role.SUPERVISOR)
async def reveal_number(request: Request, user: User) -> Response:
    """The same page with the number shown, once, to a supervisor; the reveal is audited."""
    request_id = request.path_params["request_id"]
    audit(request).record(user.name, "reveal", f"request={request_id}", services(request).clock())
    return await _page(request, user, revealed=True)
