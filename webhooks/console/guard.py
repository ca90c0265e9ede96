"""Who may reach a console endpoint: a live session, a role, and a CSRF token on every POST."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.store.users import Role, User
from webhooks.console.pages import render
from webhooks.console.session import CSRF_FIELD, CSRF_HEADER, csrf_matches, signed_in
from webhooks.services import services

Page = Callable[[Request, User], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN = "/console/sign-in"


async def csrf_refusal(request: Request) -> Response | None:
    """A 403 page unless a state-changing request carries the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if csrf_matches(request, sent):
        return None
    return render(request, "message.html", None, status=403, message_key="csrf")


def requires(*roles: Role) -> Callable[[Page], Endpoint]:
    """An endpoint for signed-in users of `roles` only, CSRF-checked when it changes state."""
    allowed = frozenset(roles)

    def wrap(page: Page) -> Endpoint:
        @functools.wraps(page)
        async def endpoint(request: Request) -> Response:
            refused = await csrf_refusal(request)
            if refused is not None:
                return refused
            had_session = "uid" in request.session
            user = signed_in(request, services(request).clock())
            if user is None:
                suffix = "?expired=1" if had_session else ""
                return RedirectResponse(SIGN_IN + suffix, status_code=303)
            if user.role not in allowed:
                return render(request, "message.html", user, status=403, message_key="forbidden")
            return await page(request, user)

        return endpoint

    return wrap
