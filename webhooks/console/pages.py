"""Rendering console pages: Jinja2 with autoescape, the language, the navigation per role."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from callback.store.users import Role, User
from webhooks.console.i18n import LANG_COOKIE, NAMES, language_of
from webhooks.console.session import csrf_token

TEMPLATES = Path(__file__).with_name("templates")
LANG_COOKIE_SECONDS = 365 * 24 * 3600
# Where each role may go: (path, catalogue key). The next screens add their entries here.
NAVIGATION: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.SUPERVISOR: (
        ("/console/", "wallboard"),
        ("/console/requests", "requests"),
        ("/console/agents", "agents"),
        ("/console/voicemail", "voicemail"),
        ("/console/reports", "reports"),
        ("/console/config", "config"),
    ),
    Role.VIEWER: (
        ("/console/", "wallboard"),
        ("/console/requests", "requests"),
        ("/console/agents", "agents"),
        ("/console/reports", "reports"),
        ("/console/config", "config"),
    ),
    Role.AGENT: (("/console/", "my_state"),),
}


@cache
def environment() -> Environment:
    """The template environment (built once: it caches compiled templates)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    request: Request,
    template: str,
    user: User | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page `template` for `user` (None: signed out) in the request's language."""
    language = language_of(request)
    nav = [
        {"href": href, "label": language.texts[key], "current": request.url.path == href}
        for href, key in (NAVIGATION[user.role] if user is not None else ())
    ]
    page = (
        environment()
        .get_template(template)
        .render(
            t=language.texts,
            lang=language.code,
            dir=language.direction,
            languages=NAMES,
            user=user,
            nav=nav,
            csrf=csrf_token(request),
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(page, status_code=status)
    if language.chosen:
        response.set_cookie(
            LANG_COOKIE,
            language.code,
            max_age=LANG_COOKIE_SECONDS,
            path="/console",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response
