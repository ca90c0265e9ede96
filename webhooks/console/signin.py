"""Signing in and out: limited attempts, constant-cost checks, every outcome audited."""

from __future__ import annotations

import math
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.store.abuse import Exceeded
from callback.store.users import Role, User
from webhooks.console import session
from webhooks.console.guard import SIGN_IN, csrf_refusal, requires
from webhooks.console.pages import render
from webhooks.console.state import abuse, audit, client_ip, state_of, users
from webhooks.services import services

HOME = "/console/"
MAX_NAME = 64
UNKNOWN_ACTOR = "(unknown name)"


async def sign_in_page(request: Request) -> Response:
    """The sign-in form (a signed-in user goes home)."""
    if session.signed_in(request, services(request).clock()) is not None:
        return RedirectResponse(HOME, status_code=303)
    notice = _notice(request)
    return render(request, "sign_in.html", None, notice=notice, name="", error=None)


def _notice(request: Request) -> str | None:
    if "expired" in request.query_params:
        return "expired"
    return "signed_out" if "out" in request.query_params else None


async def sign_in(request: Request) -> Response:
    """Check the name and password within the limits; start a session when they match."""
    refused = await csrf_refusal(request)
    if refused is not None:
        return refused
    form = await request.form()
    name = str(form.get("name", "")).strip().lower()[:MAX_NAME]
    password = str(form.get("password", ""))
    now, ip = services(request).clock(), client_ip(request)
    windows = state_of(request).login_windows(name, ip)
    exceeded = await run_in_threadpool(abuse(request).admit, windows, now)
    if exceeded is not None:
        return _limited(request, name, ip, exceeded, now)
    user = await run_in_threadpool(_check, request, name, password)
    if user is None:
        return _wrong(request, name, ip, now)
    session.start(request, user, now)
    audit(request).record(user.name, "sign-in", f"ip={ip}", now)
    return RedirectResponse(HOME, status_code=303)


def _check(request: Request, name: str, password: str) -> User | None:
    """The active user `name` if `password` is theirs; the same cost when there is none."""
    user = users(request).by_name(name) if name else None
    stored = user.password_hash if user is not None else None
    matches = state_of(request).passwords.matches(stored, password)
    return user if matches and user is not None and user.active else None


def _wrong(request: Request, name: str, ip: str, now: datetime) -> Response:
    known = users(request).by_name(name) if name else None
    # A name nobody has may be a password typed in the wrong box: it is not written down.
    actor = known.name if known is not None else UNKNOWN_ACTOR
    reason = "disabled" if known is not None and not known.active else "wrong password"
    reason = reason if known is not None else "unknown name"
    audit(request).record(actor, "sign-in-failed", f"reason={reason} ip={ip}", now)
    return render(request, "sign_in.html", None, status=401, notice=None, name=name, error="wrong")


def _limited(request: Request, name: str, ip: str, exceeded: Exceeded, now: datetime) -> Response:
    known = users(request).by_name(name) if name else None
    actor = known.name if known is not None else UNKNOWN_ACTOR
    detail = f"reason=rate limited ({exceeded.window.kind}) ip={ip}"
    audit(request).record(actor, "sign-in-failed", detail, now)
    seconds = math.ceil(exceeded.retry_after.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    response = render(
        request,
        "sign_in.html",
        None,
        status=429,
        notice=None,
        name=name,
        error="too_many",
        minutes=minutes,
    )
    response.headers["Retry-After"] = str(seconds)
    return response


@requires(*Role)
async def sign_out(request: Request, user: User) -> Response:
    """End every session of the user (this browser's and any copy of its cookie)."""
    now = services(request).clock()
    users(request).end_sessions(user.name)
    session.end(request)
    audit(request).record(user.name, "sign-out", f"ip={client_ip(request)}", now)
    return RedirectResponse(f"{SIGN_IN}?out=1", status_code=303)
