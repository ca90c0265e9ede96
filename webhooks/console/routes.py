"""The console's routes under /console, with its session cookie and security headers."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from callback.passwords import Passwords
from settings import Settings
from webhooks.console.agents import agents_page, set_agent_state
from webhooks.console.config_page import config_page
from webhooks.console.dryrun import apply_dry_run, dry_run_page, run_dry_run
from webhooks.console.export import requests_csv
from webhooks.console.home import home, not_found, set_my_state
from webhooks.console.my_call import my_party, my_stream, my_voice_token, wrap_up
from webhooks.console.reports import report_csv, reports_page
from webhooks.console.requests import (
    cancel_request,
    move_up_request,
    request_list,
    reschedule_request,
)
from webhooks.console.security import ConsoleMiddleware
from webhooks.console.signin import sign_in, sign_in_page, sign_out
from webhooks.console.staffing_page import make_staffing, staffing_page
from webhooks.console.state import console_state
from webhooks.console.timeline import request_timeline, reveal_number
from webhooks.console.voicemail import mark_handled, voicemail_page
from webhooks.console.wallboard import wallboard_stream

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "holdless_console"
UNCONFIGURED = (
    "The console is off: set HOLDLESS_SESSION_SECRET (at least 32 random characters) "
    "to sign session cookies, then restart."
)


def session_secret(settings: Settings) -> str | None:
    """The configured secret; a random one per process when simulated; else None (off)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    # Sessions then end with the process, which a local simulation does not mind.
    return secrets.token_urlsafe(32) if settings.carrier == "simulated" else None


def console_routes(settings: Settings, passwords: Passwords | None = None) -> list[BaseRoute]:
    """The console mounted at /console; a 503 naming the missing secret when it is off."""
    secret = session_secret(settings)
    if secret is None:
        return [Mount("/console", app=_unconfigured)]
    console = console_state(settings, passwords)
    session = Middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        # The cookie's own limit; the idle and sign-in limits are checked on every request.
        max_age=int(console.lifetime.total_seconds()),
        path="/console",
        same_site="lax",
        https_only=str(settings.public_base_url).startswith("https:"),
    )
    routes = [
        Route("/", home, methods=["GET"]),
        Route("/", set_my_state, methods=["POST"], name="my-state"),
        Route("/me/party", my_party, methods=["GET"]),
        Route("/me/stream", my_stream, methods=["GET"]),
        Route("/me/wrap-up", wrap_up, methods=["POST"]),
        Route("/me/voice-token", my_voice_token, methods=["POST"]),
        Route("/sign-in", sign_in_page, methods=["GET"]),
        Route("/sign-in", sign_in, methods=["POST"]),
        Route("/sign-out", sign_out, methods=["POST"]),
        Route("/agents", agents_page, methods=["GET"]),
        Route("/agents/{agent_id}/state", set_agent_state, methods=["POST"]),
        Route("/voicemail", voicemail_page, methods=["GET"]),
        Route("/voicemail/{voicemail_id}/handled", mark_handled, methods=["POST"]),
        Route("/config", config_page, methods=["GET"]),
        Route("/config/dry-run", dry_run_page, methods=["GET"]),
        Route("/config/dry-run", run_dry_run, methods=["POST"]),
        Route("/config/apply", apply_dry_run, methods=["POST"]),
        Route("/config/staffing", staffing_page, methods=["GET"]),
        Route("/config/staffing", make_staffing, methods=["POST"]),
        Route("/wallboard/stream", wallboard_stream, methods=["GET"]),
        Route("/requests", request_list, methods=["GET"]),
        Route("/requests.csv", requests_csv, methods=["GET"]),
        Route("/reports", reports_page, methods=["GET"]),
        Route("/reports.csv", report_csv, methods=["GET"]),
        Route("/requests/{request_id:int}", request_timeline, methods=["GET"]),
        Route("/requests/{request_id:int}/reveal", reveal_number, methods=["POST"]),
        Route("/requests/{request_id:int}/cancel", cancel_request, methods=["POST"]),
        Route("/requests/{request_id:int}/move-up", move_up_request, methods=["POST"]),
        Route("/requests/{request_id:int}/reschedule", reschedule_request, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        # Last: the console's own 404 page, so that it too carries the console's headers.
        Route("/{rest:path}", not_found),
    ]
    middleware = [Middleware(ConsoleMiddleware, console=console), session]
    return [Mount("/console", routes=routes, middleware=middleware)]


async def _unconfigured(scope: Scope, receive: Receive, send: Send) -> None:
    response: Response = PlainTextResponse(UNCONFIGURED, status_code=503)
    await response(scope, receive, send)
