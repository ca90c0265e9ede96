"""Console sessions in signed cookies: who signed in, when, and the CSRF token.

The cookie (Starlette's SessionMiddleware, signed by itsdangerous) holds the user's id, the
user's session generation, the sign-in and last-seen times and a CSRF token. A session ends
when it was idle too long, when it is older than its lifetime, when the user is disabled, and
when the generation moved on (sign-out, a new password, disabling).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from starlette.requests import Request

from callback.store.users import User
from webhooks.console.state import state_of, users

CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the sign-in form needs one too)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def csrf_matches(request: Request, sent: str | None) -> bool:
    """Whether `sent` is this session's CSRF token (compared in constant time)."""
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def start(request: Request, user: User, now: datetime) -> None:
    """Sign `user` in: a fresh session (and CSRF token), so no earlier one is carried over."""
    request.session.clear()
    request.session.update(
        {
            "uid": user.id,
            "gen": user.session_generation,
            "at": now.isoformat(),
            "seen": now.isoformat(),
            CSRF_FIELD: secrets.token_urlsafe(32),
        }
    )


def end(request: Request) -> None:
    """Forget the session in this browser."""
    request.session.clear()


def signed_in(request: Request, now: datetime) -> User | None:
    """The user of a live session, its last-seen time moved to `now`; None otherwise."""
    user = _live_user(request, now)
    if user is None:
        if "uid" in request.session:
            end(request)
        return None
    request.session["seen"] = now.isoformat()
    return user


def _live_user(request: Request, now: datetime) -> User | None:
    session = request.session
    uid, generation = session.get("uid"), session.get("gen")
    if not isinstance(uid, int) or not isinstance(generation, int):
        return None
    console = state_of(request)
    at, seen = _time(session.get("at")), _time(session.get("seen"))
    if at is None or seen is None or now - at > console.lifetime or now - seen > console.idle:
        return None
    user = users(request).by_id(uid)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
