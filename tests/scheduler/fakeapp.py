"""A tiny Starlette app standing in for Holdless: fixed TwiML per path, signatures checked.

Every request is verified with twilio's RequestValidator exactly as the real routes do
(full URL, POST form parameters) and answered 403 when the signature is wrong; what
each route received is recorded for the test to inspect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

Answer = str | int | Callable[[dict[str, str]], str]
"""TwiML, an HTTP status to fail with, or a function of the request's parameters."""


@dataclass(frozen=True)
class Seen:
    """One request the app accepted."""

    method: str
    path: str
    params: dict[str, str]


@dataclass
class FakeApp:
    """Routes from path to an answer; other paths answer 204 (fine for callbacks)."""

    auth_token: str
    routes: dict[str, Answer] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    rejected: int = 0

    def asgi(self) -> Starlette:
        """The ASGI app."""
        return Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST"])])

    def params(self, path: str) -> list[dict[str, str]]:
        """The parameters of each accepted request to `path`, in order."""
        return [seen.params for seen in self.seen if seen.path == path]

    async def _handle(self, request: Request) -> Response:
        if request.method == "POST":
            body = (await request.body()).decode()
            params = dict(parse_qsl(body, keep_blank_values=True))
            signed: dict[str, str] = params
        else:
            params = dict(request.query_params)
            signed = {}
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(self.auth_token).validate(str(request.url), signed, signature):
            self.rejected += 1
            return Response(status_code=403)
        self.seen.append(Seen(request.method, request.url.path, params))
        answer = self.routes.get(request.url.path)
        if answer is None:
            return Response(status_code=204)
        if isinstance(answer, int):
            return Response("boom", status_code=answer)
        body = answer if isinstance(answer, str) else answer(params)
        return Response(body, media_type="application/xml")


def twiml(*verbs: str) -> str:
    """A `<Response>` around raw verb markup."""
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(verbs) + "</Response>"
