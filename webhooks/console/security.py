"""Headers on every console answer: a strict Content-Security-Policy and no caching."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webhooks.console.state import SCOPE_KEY, ConsoleState

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
RECORDINGS = "https://api.twilio.com"
"""Where Twilio serves voicemail recordings, which the inbox plays in the page."""
HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)


class ConsoleMiddleware:
    """Puts the console state in the scope and the security headers on every answer."""

    def __init__(self, app: ASGIApp, console: ConsoleState) -> None:
        self.app = app
        self.console = console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the console with its state; stamp the headers on the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[SCOPE_KEY] = self.console

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = csp(self.console.public_origin)
                for name, value in HEADERS:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, stamped)


def csp(public_origin: str) -> str:
    """The policy; media (voicemail recordings) also from Twilio and the public base URL."""
    return f"{CSP}; media-src 'self' {RECORDINGS} {public_origin}".rstrip()
