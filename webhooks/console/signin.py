"""Signing in and out: limited attempts, constant-cost checks, every outcome audited."""

from __future__ import annotations

import math
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from callback.store.abuse import Exceeded, Window
from callback.store.users import Role, User
from webhooks.console import session
from webhooks.console.guard import SIGN_IN, csrf_refusal, requires
from webhooks.console.pages import render
from webhooks.console.state import abuse, audit, client_ip, state_of, users
from webhooks.services import services

HOME = "/console/"
MAX_NAME = 64
UNKNOWN_ACTOR = "(unknown name)"
LIMITED = "console-login-limited"


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


def _actor(request: Request, name: str) -> str:
    # A name nobody has may be a password typed in the wrong box: it is not written down.
    known = users(request).by_name(name) if name else None
    return known.name if known is not None else UNKNOWN_ACTOR


def _reason(request: Request, name: str) -> str:
    known = users(request).by_name(name) if name else None
    if known is None:
        return "unknown name"
    return "wrong password" if known.active else "disabled"


def _wrong(request: Request, name: str, ip: str, now: datetime) -> Response:
    detail = f"reason={_reason(request, name)} ip={ip}"
    audit(request).record(_actor(request, name), "sign-in-failed", detail, now)
    return render(request, "sign_in.html", None, status=401, notice=None, name=name, error="wrong")


def _limited(request: Request, name: str, ip: str, exceeded: Exceeded, now: datetime) -> Response:
    _note_refusal(request, name, ip, exceeded, now)
    seconds = math.ceil(exceeded.retry_after.total_seconds())
    response = render(
        request,
        "sign_in.html",
        None,
        status=429,
        notice=None,
        name=name,
        error="too_many",
        minutes=max(1, math.ceil(seconds / 60)),
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def _note_refusal(request: Request, name: str, ip: str, exceeded: Exceeded, now: datetime) -> None:
    """Count the refusal; audit only the first one per full window, so a flood of refused
    tries cannot grow the audit trail (the refusal tally counts all of them)."""
    store, window = abuse(request), exceeded.window
    store.refused(f"{window.kind} limit", now)
    marker = Window(LIMITED, f"{window.kind}:{window.key}", window.length, 1)
    if store.admit([marker], now) is None:
        detail = f"reason=rate limited ({window.kind}) ip={ip}"
        audit(request).record(_actor(request, name), "sign-in-failed", detail, now)


@requires(*Role)
async def sign_out(request: Request, user: User) -> Response:
    """End every session of the user (this browser's and any copy of its cookie)."""
    now = services(request).clock()
    users(request).end_sessions(user.name)
    session.end(request)
    audit(request).record(user.name, "sign-out", f"ip={client_ip(request)}", now)
    return RedirectResponse(f"{SIGN_IN}?out=1", status_code=303)
