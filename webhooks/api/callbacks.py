"""`POST /api/v1/callbacks`, and `GET`/`DELETE /api/v1/callbacks/{token}`."""

from __future__ import annotations

from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.request import CallbackRequest
from callback.service import steer
from callback.store.queue import QueueStore
from webhooks.api.auth import sha256_hex
from webhooks.api.body import callback_in, capped_body, json_object
from webhooks.api.booking import (
    Desk,
    admit_and_book,
    ask_for,
    authenticated,
    client_ip,
    created,
    desk,
)
from webhooks.api.captcha import verifier_for
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.limits import bot_check, tally
from webhooks.api.schemas import CallbackIn
from webhooks.api.state import ApiState, api_state
from webhooks.api.verify import hold
from webhooks.api.view import status_out
from webhooks.services import services


async def create_callback(request: Request) -> Response:
    """Store a request (201), merge it into the number's pending one (200), or hold it (202)."""
    here, api = desk(request), api_state(request)
    try:
        return with_cors(request, await _create(request, api, here))
    except ApiProblem as problem:
        await run_in_threadpool(tally, api.abuse, problem, here.now)
        return answer(request, problem)


async def _create(request: Request, api: ApiState, here: Desk) -> Response:
    raw = await capped_body(request)
    config = here.config
    client = await authenticated(request, config, api, raw, here.now)
    data = json_object(raw)
    abuse = config.abuse
    honeypot = data.pop(abuse.honeypot_field, None) if client.is_web else None
    body = callback_in(data)
    ip = client_ip(request)
    if client.is_web:
        bot_check(abuse, body, honeypot)
        await _captcha(config, api, body, ip)
    ask = ask_for(config, client, body, ip)
    if abuse.verifies(client.channel):
        return await hold(here, api, ask)
    return created(request, await run_in_threadpool(admit_and_book, here, ask))


async def _captcha(config: SupervisorConfig, api: ApiState, body: CallbackIn, ip: str) -> None:
    verifier = api.captcha or verifier_for(config.abuse.captcha, api.environ, api.http)
    if verifier is None:
        return
    if not body.captcha_token or not await verifier.verify(body.captcha_token, ip):
        message = "please complete the challenge and send the form again"
        raise ApiProblem(400, Code.CAPTCHA_FAILED, "captcha_token", message)


async def callback_status(request: Request) -> Response:
    """The request behind a status token: state, place in line, estimate."""
    return await _by_token(request, cancel=False)


async def cancel_callback(request: Request) -> Response:
    """Cancel the request behind a status token while it still waits."""
    return await _by_token(request, cancel=True)


async def _by_token(request: Request, *, cancel: bool) -> Response:
    svc, api = services(request), api_state(request)
    config, now = svc.config.current, svc.clock()
    try:
        found = await run_in_threadpool(_owned, svc.store, api, request.path_params["token"])
        if cancel:
            found = await run_in_threadpool(_cancel, svc.store, found, now)
        status = await run_in_threadpool(status_out, svc.line, config, found, now)
    except ApiProblem as problem:
        return answer(request, problem)
    return with_cors(request, JSONResponse(status.model_dump(mode="json")))


def _owned(store: QueueStore, api: ApiState, token: str) -> CallbackRequest:
    request_id = api.tokens.request_for(sha256_hex(token.encode()))
    found = store.get(request_id) if request_id is not None else None
    if found is None:
        raise ApiProblem(404, Code.NOT_FOUND, "token", "no callback request has this link")
    return found


def _cancel(store: QueueStore, request: CallbackRequest, now: datetime) -> CallbackRequest:
    try:
        return steer.cancel(store, request.id, now)
    except steer.NoSuchRequest:
        raise ApiProblem(
            404, Code.NOT_FOUND, "token", "no callback request has this link"
        ) from None
    except steer.Refused as refusal:
        raise ApiProblem(409, Code.NOT_CANCELLABLE, None, str(refusal)) from None
