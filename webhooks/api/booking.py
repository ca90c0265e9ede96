"""From a checked POST to a stored request: queue, language, number, limits, slot and answer.

Shared by `POST /callbacks` and `POST /callbacks/verify`, which books what the first one held.
"""

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
from callback.estimate import Estimate
from callback.merge import Incoming
from callback.numbers import AcceptedNumber, RefusedNumber, check_number
from callback.privacy import mask_number
from callback.request import CallbackRequest, ContextEntry, Slot
from callback.store.abuse import AbuseStore, Admission
from callback.types import QueueName
from ivr.capture import refusal_key
from webhooks.api.auth import SITE_KEY, Client, Signed, Verifier, sha256_hex, site_client
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.limits import breaker_open, paused, refused, windows
from webhooks.api.schemas import CallbackIn, CallbackOut, StatusOut
from webhooks.api.state import ApiState
from webhooks.api.view import next_slots, status_of
from webhooks.twilio.outlook import free_slots, record_promise
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


@dataclass(frozen=True, slots=True)
class Booked:
    """A stored (or merged) request, and the estimate its promise was made from, if any."""

    request: CallbackRequest
    merged: bool
    estimate: Estimate | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a booking answers: the request's status, its new private token, merged or not."""

    status: StatusOut
    token: str
    merged: bool


async def authenticated(request: Request, turn: Turn, api: ApiState, raw: bytes) -> Client:
    """The site (by its key and origin) or the key that signed this request."""
    config = turn.config.api
    key = request.headers.get(SITE_KEY)
    if key is not None:
        return site_client(config, key, request.headers.get("origin"))
    signed = Signed(request.method, request.url.path, request.url.query, raw)
    verifier = Verifier(config, api.environ, api.abuse)
    return await run_in_threadpool(verifier.client, request.headers, signed, turn.now)


def client_ip(request: Request) -> str:
    """The connection's peer address (see the README on proxies)."""
    return request.client.host if request.client is not None else "unknown"


def ask_for(turn: Turn, client: Client, body: CallbackIn, ip: str) -> Ask:
    """The request with its queue, language and number checked against the current config."""
    queue = _queue(turn.config, client, body.queue)
    language = _language(turn.config, queue, body.language)
    number = _number(turn.config, queue, body.phone, language)
    return Ask(client, body, queue, number, language, ip)


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


def admit_and_book(turn: Turn, api: ApiState, ask: Ask) -> Outcome:
    """Admit `ask`, store it and make its answer: the whole of a booking, in one thread."""
    return outcome(turn, api, book(turn, ask, admit(turn, api, ask)))


def admit(turn: Turn, api: ApiState, ask: Ask) -> Slot | None:
    """The slot asked for, once every limit has let the request through (and counted it)."""
    slot = _slot(turn, ask)
    abuse = turn.config.abuse
    # Every limit in one transaction: the number's other requests, the breaker, the windows.
    with api.abuse.admission() as admission:
        _number_free(turn, admission, ask)
        if ask.client.is_web and breaker_open(abuse, admission, turn.now):
            raise paused(abuse)
        exceeded = admission.admit(windows(abuse, ask.client, ask.number, ask.ip), turn.now)
    if exceeded is not None:
        raise refused(exceeded)
    return slot


def available(turn: Turn, api: ApiState, ask: Ask) -> Slot | None:
    """The slot asked for (None: as soon as possible), if it and the number are free now."""
    slot = _slot(turn, ask)
    _number_free(turn, api.abuse, ask)
    return slot


def _number_free(turn: Turn, counts: AbuseStore | Admission, ask: Ask) -> None:
    if counts.active_elsewhere(ask.number.e164, ask.queue) >= turn.config.abuse.per_number_active:
        message = "this number already has a callback waiting"
        raise ApiProblem(409, Code.ALREADY_REQUESTED, "phone", message, reason="number_active")


def book(turn: Turn, ask: Ask, slot: Slot | None) -> Booked:
    """Store the request (or merge it into the number's pending one), with its promise."""
    store = turn.svc.store
    enqueued = store.enqueue(ask.queue, ask.number.e164, _incoming(turn, ask, slot), turn.now)
    stored, estimate = enqueued.request, None
    if slot is None:
        estimate = record_promise(turn, stored)
        if estimate is not None:
            stored = store.get(stored.id) or stored
    log.info(
        "web callback %s for %s via %s", stored.id, mask_number(ask.number.e164), ask.client.id
    )
    return Booked(stored, enqueued.merged is not None, estimate)


def outcome(turn: Turn, api: ApiState, booked: Booked) -> Outcome:
    """A new private status token for the booked request, and its status now."""
    token = secrets.token_urlsafe(32)
    request = booked.request
    api.tokens.add(sha256_hex(token.encode()), request.id, turn.now)
    position = turn.svc.store.position(request.id, turn.now)
    # The promise's own estimate: the same inputs a second forecast would read a moment later.
    estimate = booked.estimate if position is not None else None
    return Outcome(status_of(turn, request, position, estimate), token, booked.merged)


def created(request: Request, done: Outcome) -> Response:
    """201 (200 when merged) with the request's place, promise and its private status link."""
    url = str(request.url_for("callback_status", token=done.token))
    out = CallbackOut(**done.status.model_dump(), status_url=url, merged=done.merged)
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if done.merged else 201)


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
