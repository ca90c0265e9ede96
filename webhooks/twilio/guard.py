"""Route wrappers: size cap, signature check, then the handler; voice never answers 5xx.

A voice handler that fails for any reason is logged with its CallSid (numbers masked)
and the caller hears `ivr.apology` and waits in the live queue. The path is logged,
never the query: IVR links may carry keyed digits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeAlias

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from callback.config import SupervisorConfig
from callback.privacy import mask_number
from ivr.apology import after_failure, apology, puts_on_hold
from ivr.call import QueueCall
from ivr.hold import apology_on_hold
from ivr.links import Link, LinkError, parse_link, path_step
from webhooks.services import Services, services
from webhooks.twilio.form import BodyTooLarge, Params, parse_form, read_body
from webhooks.twilio.signature import SETTINGS_HEADER, SIGNATURE_HEADER
from webhooks.twilio.turn import BadInput, Turn

TWIML = "application/xml"
Reply: TypeAlias = str | None
"""TwiML to answer with, or None for an empty 204."""
Handler: TypeAlias = Callable[[Turn], Reply]
Endpoint: TypeAlias = Callable[[Request], Awaitable[Response]]
LinkHandler: TypeAlias = Callable[[Link], Handler]
Before: TypeAlias = Callable[[Turn], Awaitable[Turn]]
"""A step run on the event loop before the handler; the turn the handler gets."""

log = logging.getLogger("holdless.twilio")


def twiml(body: str) -> Response:
    """A 200 TwiML answer."""
    return Response(body, media_type=TWIML)


def _reply(reply: Reply) -> Response:
    return Response(status_code=204) if reply is None else twiml(reply)


def request_target(request: Request) -> tuple[str, str]:
    """The path and the raw query of the request, as `request.url` gives them.

    Read from the ASGI scope: building `request.url` parses the Host header and the whole
    URL again, which took longer than checking the signature. The path is escaped as
    Starlette escapes it in `request.url`.
    """
    path: str = request.scope["path"]
    escaped = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    query: bytes = request.scope.get("query_string", b"")
    return escaped, query.decode()


async def _signed_form(request: Request, svc: Services) -> Params | Response:
    try:
        body = await read_body(request)
    except BodyTooLarge:
        return Response("request body too large", status_code=413)
    form = parse_form(body)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    path, query = request_target(request)
    text = body.decode("utf-8", errors="replace")
    settings = request.headers.get(SETTINGS_HEADER, "")
    if not svc.signatures.valid(path, query, form, signature, body=text, settings_header=settings):
        log.warning("refused %s: missing or wrong Twilio signature", path)
        return Response("invalid signature", status_code=403)
    return form


def _turn(svc: Services, form: Params, link: Link | None) -> Turn:
    return Turn(svc=svc, config=svc.config.current, now=svc.clock(), form=form, link=link)


def _link(request: Request) -> Link | None:
    path, query = request_target(request)
    if not path.startswith("/twilio/ivr/"):
        return None
    return parse_link(path, query)


def _apologise(request: Request, form: Params, error: Exception, link: Link | None) -> Response:
    log.error(
        "voice webhook %s failed for call %s from %s: %s",
        request.url.path,
        form.get("CallSid", "?")[:64],
        mask_number(form.get("From", "")),
        type(error).__name__,
        exc_info=error,
    )
    queue = request.query_params.get("queue", "")
    # Only a queue of the config in force: nobody serves one a live edit removed.
    config = services(request).config.current
    live = queue if queue in config.queues else next(iter(config.queues), None)
    # Named by the path even when the query did not parse: a waitUrl stays a waitUrl.
    step = path_step(request.scope["path"]) if link is None else link.step
    if puts_on_hold(step) and live is not None:
        return twiml(hold_after_failure(config, live, request))
    return twiml(after_failure(step, live))


def hold_after_failure(config: SupervisorConfig, queue: str, request: Request) -> str:
    """The apology, then hold in the one line of `queue` (`ivr.hold.apology_on_hold`); the
    bare apology if even that cannot be built."""
    try:
        return apology_on_hold(QueueCall.of(config, queue, request.query_params.get("lang")))
    except Exception:  # the apology must work when nothing else does
        log.exception("the apology on hold could not be built for queue %s", queue)
        return apology(queue)


async def run_handler(handler: Handler, turn: Turn, *, inline: bool) -> Reply:
    """Run `handler` on the event loop (`inline`) or in a worker thread.

    On embedded SQLite a handler's transactions take a fraction of a millisecond and
    writers queue in-process, so the hop to a worker thread and back cost more than the
    handler itself (BENCHMARKS.md, incoming-call webhook). PostgreSQL's network round trips
    must not hold the loop: there handlers run in the thread pool.
    """
    if inline:
        return handler(turn)
    return await run_in_threadpool(handler, turn)


def voice(
    handler: Handler | None = None,
    *,
    dispatch: LinkHandler | None = None,
    before: Before | None = None,
) -> Endpoint:
    """A voice route: TwiML for every outcome, the apology when anything fails inside."""

    async def endpoint(request: Request) -> Response:
        svc = services(request)
        form = await _signed_form(request, svc)
        if isinstance(form, Response):
            return form
        link: Link | None = None
        try:
            link = _link(request)
            chosen = dispatch(link) if dispatch is not None and link is not None else handler
            if chosen is None:
                raise LinkError("no handler for this path")
            turn = _turn(svc, form, link)
            if before is not None:
                turn = await before(turn)
            reply = await run_handler(chosen, turn, inline=svc.settings.is_sqlite)
        except Exception as error:  # a caller must never hear a dead line, whatever failed
            return _apologise(request, form, error, link)
        return _reply(reply)

    return endpoint


def callback(handler: Handler) -> Endpoint:
    """A non-voice route (status, SMS): 400 for unusable input, 204 or TwiML otherwise.

    An internal failure is logged and answered 204: Twilio does not retry these callbacks,
    and a status lost this way is recovered by the lease sweep asking the Calls API.
    """

    async def endpoint(request: Request) -> Response:
        svc = services(request)
        form = await _signed_form(request, svc)
        if isinstance(form, Response):
            return form
        try:
            reply = await run_handler(
                handler, _turn(svc, form, None), inline=svc.settings.is_sqlite
            )
        except BadInput as error:
            return Response(str(error), status_code=400)
        except Exception as error:  # never a 5xx to Twilio; the lease sweep reconciles
            log.error(
                "callback %s failed for %s: %s",
                request.url.path,
                (form.get("CallSid") or form.get("MessageSid") or "?")[:64],
                type(error).__name__,
                exc_info=error,
            )
            return Response(status_code=204)
        return _reply(reply)

    return endpoint
