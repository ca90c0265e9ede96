"""The voicemail inbox: each unhandled message plays in the page and is marked handled there."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.store.users import Role, User
from webhooks.console.guard import requires
from webhooks.console.pages import render
from webhooks.console.state import audit
from webhooks.services import services

INBOX = "/console/voicemail"
SHOWN = 200
MAX_ID = 2**31 - 1


@requires(Role.SUPERVISOR)
async def voicemail_page(request: Request, user: User) -> Response:
    """The unhandled messages, oldest first, each with a player and a "mark handled" button."""
    return await _page(request, user)


async def _page(request: Request, user: User, status: int = 200, **notice: str) -> Response:
    svc = services(request)
    found = await run_in_threadpool(svc.voicemails.unhandled, None, SHOWN)
    handled = request.query_params.get("handled", "")
    context: dict[str, object] = {
        "voicemails": found,
        "just_handled": handled if status == 200 and handled.isdigit() else None,
    }
    return render(request, "voicemail.html", user, status=status, **context, **notice)


@requires(Role.SUPERVISOR)
async def mark_handled(request: Request, user: User) -> Response:
    """Mark one message handled by the signed-in supervisor (the API's store call); audited."""
    svc = services(request)
    raw = request.path_params["voicemail_id"]
    voicemail_id = int(raw) if raw.isascii() and raw.isdigit() else 0
    if not 1 <= voicemail_id <= MAX_ID:
        return await _page(request, user, status=404, refused="there is no such voicemail")
    now = svc.clock()
    found = await run_in_threadpool(svc.voicemails.mark_handled, voicemail_id, user.name, now)
    if found is None:
        return await _page(request, user, status=404, refused="there is no such voicemail")
    # A second mark keeps the first: the trail says whose mark stands.
    kept = found.handled_by == user.name and found.handled_at == now
    detail = f"voicemail={voicemail_id}" + (
        "" if kept else f" already handled by {found.handled_by}"
    )
    audit(request).record(user.name, "voicemail-handled", detail, now)
    return RedirectResponse(f"{INBOX}?handled={voicemail_id}", status_code=303)
