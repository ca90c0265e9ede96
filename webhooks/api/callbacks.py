"""`POST /api/v1/callbacks`, and `GET`/`DELETE /api/v1/callbacks/{token}`."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.dispatch.opening import Gate, gate
from callback.merge import Incoming
from callback.numbers import AcceptedNumber, RefusedNumber, check_number
from callback.privacy import mask_number
from callback.request import CallbackRequest, ContextEntry, Slot
from callback.store.records import StateConflict
from callback.types import PENDING_STATES, QueueName, State
from ivr.capture import refusal_key
from webhooks.api.auth import SITE_KEY, Client, Signed, Verifier, sha256_hex, site_client
from webhooks.api.body import callback_in, capped_body, json_object
from webhooks.api.captcha import verifier_for
from webhooks.api.cors import answer, with_cors
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.limits import bot_check, breaker_open, paused, refused, windows
from webhooks.api.schemas import CallbackIn, CallbackOut
from webhooks.api.state import ApiState, api_state
from webhooks.api.view import next_slots, promise, status_out
from webhooks.services import Services, services
from webhooks.twilio.outlook import free_slots
from webhooks.twilio.turn import Turn

log = logging.getLogger("holdless.api")
SLOT_SCAN = 64


@dataclass(frozen=True, slots=True)
class Ask:
    """One POST, checked: who sent it, what they want, the number and the language."""

    client: Client
    body: CallbackIn
    queue: QueueName
    number: AcceptedNumber
    language: str
    ip: str


async def create_callback(request: Request) -> Response:
    """Store a callback request (201), or merge it into the number's pending one (200)."""
    svc, api = services(request), api_state(request)
    now = svc.clock()
    try:
        return with_cors(
            request, await _create(request, svc, api, Turn(svc, svc.config.current, now, {}))
        )
    except ApiProblem as problem:
        await run_in_threadpool(api.abuse.refused, problem.tally, now)
        return answer(request, problem)


async def _create(request: Request, svc: Services, api: ApiState, turn: Turn) -> Response:
    raw = await capped_body(request)
    client = await _client(request, turn, api, raw)
    data = json_object(raw)
    abuse = turn.config.abuse
    honeypot = data.pop(abuse.honeypot_field, None) if client.is_web else None
    body = callback_in(data)
    ip = request.client.host if request.client is not None else "unknown"
    if client.is_web:
        bot_check(abuse, body, honeypot)
        await _captcha(turn.config, api, body, ip)
    queue = _queue(turn.config, client, body.queue)
    language = _language(turn.config, queue, body.language)
    number = _number(turn.config, queue, body.phone, language)
    ask = Ask(client, body, queue, number, language, ip)
    stored, merged = await run_in_threadpool(_book, turn, api, ask)
    token = secrets.token_urlsafe(32)
    await run_in_threadpool(api.tokens.add, sha256_hex(token.encode()), stored.id, turn.now)
    status = await run_in_threadpool(status_out, turn, stored)
    url = str(request.url_for("callback_status", token=token))
    out = CallbackOut(**status.model_dump(), status_url=url, merged=merged)
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if merged else 201)


async def _client(request: Request, turn: Turn, api: ApiState, raw: bytes) -> Client:
    config = turn.config.api
    key = request.headers.get(SITE_KEY)
    if key is not None:
        return site_client(config, key, request.headers.get("origin"))
    signed = Signed(request.method, request.url.path, request.url.query, raw)
    verifier = Verifier(config, api.environ, api.abuse)
    return await run_in_threadpool(verifier.client, request.headers, signed, turn.now)


async def _captcha(config: SupervisorConfig, api: ApiState, body: CallbackIn, ip: str) -> None:
    verifier = api.captcha or verifier_for(config.abuse.captcha, api.environ, api.http)
    if verifier is None:
        return
    if not body.captcha_token or not await verifier.verify(body.captcha_token, ip):
        message = "please complete the challenge and send the form again"
        raise ApiProblem(400, Code.CAPTCHA_FAILED, "captcha_token", message)


def _queue(config: SupervisorConfig, client: Client, name: str) -> QueueName:
    if name not in config.queues:
        raise ApiProblem(404, Code.UNKNOWN_QUEUE, "queue", f"there is no queue {name!r}")
    if not client.may_use(name):
        raise ApiProblem(403, Code.FORBIDDEN, "queue", "this key may not use this queue")
    return QueueName(name)


def _language(config: SupervisorConfig, queue: QueueName, wanted: str | None) -> str:
    spoken = config.queues[queue].languages
    return wanted if wanted in spoken else spoken[0]


def _number(config: SupervisorConfig, queue: QueueName, raw: str, language: str) -> AcceptedNumber:
    checked = check_number(raw, config.queues[queue].region, config.number_policy())
    if isinstance(checked, RefusedNumber):
        message = config.catalogue.render(language, refusal_key(checked.reason))
        raise ApiProblem(422, Code.INVALID_NUMBER, "phone", message, reason=checked.reason.value)
    return checked


def _book(turn: Turn, api: ApiState, ask: Ask) -> tuple[CallbackRequest, bool]:
    slot = _slot(turn, ask)
    abuse = turn.config.abuse
    if api.abuse.active_elsewhere(ask.number.e164, ask.queue) >= abuse.per_number_active:
        message = "this number already has a callback waiting"
        raise ApiProblem(409, Code.ALREADY_REQUESTED, "phone", message, reason="number_active")
    if ask.client.is_web and breaker_open(abuse, api.abuse, turn.now):
        raise paused(abuse)
    exceeded = api.abuse.admit(windows(abuse, ask.client, ask.number, ask.ip), turn.now)
    if exceeded is not None:
        raise refused(exceeded)
    enqueued = turn.svc.store.enqueue(
        ask.queue, ask.number.e164, _incoming(turn, ask, slot), turn.now
    )
    stored = promise(turn, enqueued.request) if slot is None else enqueued.request
    log.info(
        "web callback %s for %s via %s", stored.id, mask_number(ask.number.e164), ask.client.id
    )
    return stored, enqueued.merged is not None


def _slot(turn: Turn, ask: Ask) -> Slot | None:
    wanted = ask.body.preferred_time
    config = turn.config
    if wanted == "asap":
        schedule, policy = config.queues[ask.queue].schedule(), config.callback_policy(ask.queue)
        if gate(schedule, policy, turn.now) is Gate.ACCEPTING:
            return None
        message = "the queue is closed now; choose one of the next slots"
        raise _unavailable(turn, ask.queue, Code.QUEUE_CLOSED, message)
    found = next((s for s in free_slots(turn, ask.queue, SLOT_SCAN) if s.start == wanted), None)
    if found is None:
        message = "that slot is full or does not exist; choose one of the next slots"
        raise _unavailable(turn, ask.queue, Code.SLOT_UNAVAILABLE, message)
    return found


def _unavailable(turn: Turn, queue: QueueName, code: Code, message: str) -> ApiProblem:
    slots = next_slots(turn, queue)
    return ApiProblem(409, code, "preferred_time", message, next_slots=slots)


def _incoming(turn: Turn, ask: Ask, slot: Slot | None) -> Incoming:
    body = ask.body
    data: dict[str, Any] = {"client": ask.client.id, **body.context}
    data |= {key: value for key in ("email", "reason") if (value := getattr(body, key))}
    return Incoming(
        context=ContextEntry(ask.client.channel, turn.now, data),
        virtual_start=turn.now,
        name=body.name,
        language=ask.language,
        slot=slot,
    )


async def callback_status(request: Request) -> Response:
    """The request behind a status token: state, place in line, estimate."""
    return await _by_token(request, cancel=False)


async def cancel_callback(request: Request) -> Response:
    """Cancel the request behind a status token while it still waits."""
    return await _by_token(request, cancel=True)


async def _by_token(request: Request, *, cancel: bool) -> Response:
    svc, api = services(request), api_state(request)
    turn = Turn(svc, svc.config.current, svc.clock(), {})
    try:
        found = await run_in_threadpool(_owned, svc, api, request.path_params["token"])
        if cancel:
            found = await run_in_threadpool(_cancel, turn, found)
        status = await run_in_threadpool(status_out, turn, found)
    except ApiProblem as problem:
        return answer(request, problem)
    return with_cors(request, JSONResponse(status.model_dump(mode="json")))


def _owned(svc: Services, api: ApiState, token: str) -> CallbackRequest:
    request_id = api.tokens.request_for(sha256_hex(token.encode()))
    found = svc.store.get(request_id) if request_id is not None else None
    if found is None:
        raise ApiProblem(404, Code.NOT_FOUND, "token", "no callback request has this link")
    return found


def _cancel(turn: Turn, request: CallbackRequest) -> CallbackRequest:
    if request.state is State.CANCELLED:
        return request
    if request.state not in PENDING_STATES:
        message = f"a {request.state.value} request can no longer be cancelled"
        raise ApiProblem(409, Code.NOT_CANCELLABLE, None, message)
    try:
        return turn.svc.store.transition(
            request.id, State.CANCELLED, turn.now, expected=request.state
        )
    except StateConflict as conflict:
        message = f"the request became {conflict.actual.value} meanwhile"
        raise ApiProblem(409, Code.NOT_CANCELLABLE, None, message) from None
