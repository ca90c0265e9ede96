"""From a checked POST to the booking use case and back: queue, language, number, slot, answer.

Shared by `POST /callbacks` and `POST /callbacks/verify`, which books what the first one held.
The limits, the request and its promise are the one booking of every channel
(`callback.service.booking`); this module only reads the API's input and writes its answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.dispatch.opening import Gate, gate
from callback.merge import Incoming
from callback.numbers import AcceptedNumber, RefusedNumber, check_number
from callback.request import ContextEntry, Slot
from callback.service import booking
from callback.service.admission import Applicant, Refused
from callback.service.booking import Booked, Bookings
from callback.service.slots import SlotCounts, free_slots
from callback.types import Channel, QueueName
from ivr.capture import refusal_key
from webhooks.api.auth import SITE_KEY, Client, Signed, Verifier, sha256_hex, site_client
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.limits import refusal
from webhooks.api.openapi import PREFIX
from webhooks.api.schemas import CallbackIn, CallbackOut, StatusOut
from webhooks.api.state import ApiState
from webhooks.api.view import next_slots, status_of
from webhooks.services import services

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
class Desk:
    """What an API booking needs: the use case, the slot counts, config and time."""

    bookings: Bookings
    slots: SlotCounts
    config: SupervisorConfig
    now: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a booking answers: the request's status, its new private token, merged or not."""

    status: StatusOut
    token: str
    merged: bool


def desk(request: Request) -> Desk:
    """The desk of this request: the running app's collaborators, its config and the time."""
    svc = services(request)
    return Desk(svc.bookings, svc.store, svc.config.current, svc.clock())


async def authenticated(
    request: Request, config: SupervisorConfig, api: ApiState, raw: bytes, now: datetime
) -> Client:
    """The site (by its key and origin) or the key that signed this request."""
    key = request.headers.get(SITE_KEY)
    if key is not None:
        return site_client(config.api, key, request.headers.get("origin"))
    signed = Signed(request.method, request.url.path, request.url.query, raw)
    verifier = Verifier(config.api, api.environ, api.abuse)
    return await run_in_threadpool(verifier.client, request.headers, signed, now)


def client_ip(request: Request) -> str:
    """The connection's peer address (see the README on proxies)."""
    return request.client.host if request.client is not None else "unknown"


def ask_for(config: SupervisorConfig, client: Client, body: CallbackIn, ip: str) -> Ask:
    """The request with its queue, language and number checked against the current config."""
    queue = _queue(config, client, body.queue)
    language = _language(config, queue, body.language)
    number = _number(config, queue, body.phone, language)
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


def applicant(ask: Ask) -> Applicant:
    """Who the admission counts: the number, and the client address for apps and widgets."""
    # A server speaks for many customers from one address; its key is its identity.
    ip = None if ask.client.channel is Channel.API else ask.ip
    return Applicant(ask.queue, ask.number, ip)


def admit_and_book(desk: Desk, ask: Ask) -> Outcome:
    """The slot asked for, then the one booking of every channel, then the answer."""
    return book(desk, ask, slot_for(desk, ask), counted=False)


def book(desk: Desk, ask: Ask, slot: Slot | None, *, counted: bool) -> Outcome:
    """Book `ask` (`counted`: the limits counted it already) and make its answer."""
    # The private status link's token is stored in the booking's own transaction.
    token = secrets.token_urlsafe(32)
    priority = desk.config.queues[ask.queue].priority
    incoming = _incoming(ask, slot, desk.now, priority)
    wanted = booking.Ask(
        applicant(ask), incoming, counted=counted, status_token=sha256_hex(token.encode())
    )
    done = desk.bookings.book(desk.config, wanted, desk.now)
    if isinstance(done, Refused):
        raise refusal(desk.config.abuse, done)
    return outcome(done, token)


def outcome(booked: Booked, token: str) -> Outcome:
    """The booked request's status as booked, with its private status token."""
    # The promise's own estimate: the same inputs a second forecast would read a moment later.
    status = status_of(booked.request, booked.position, booked.estimate)
    return Outcome(status, token, booked.merged)


def status_url(public_base_url: str, token: str) -> str:
    """The private status link of `token`, on the public base URL (never the Host header)."""
    return f"{public_base_url.rstrip('/')}{PREFIX}/callbacks/{token}"


def created(request: Request, done: Outcome) -> Response:
    """201 (200 when merged) with the request's place, promise and its private status link."""
    base = str(services(request).settings.public_base_url)
    url = status_url(base, done.token)
    out = CallbackOut(**done.status.model_dump(), status_url=url, merged=done.merged)
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if done.merged else 201)


def slot_for(desk: Desk, ask: Ask) -> Slot | None:
    """The slot asked for (None: as soon as possible), if the queue or the slot has room."""
    wanted, config, now = ask.body.preferred_time, desk.config, desk.now
    if wanted == "asap":
        schedule, policy = config.queues[ask.queue].schedule(), config.callback_policy(ask.queue)
        if gate(schedule, policy, now) is Gate.ACCEPTING:
            return None
        message = "the queue is closed now; choose one of the next slots"
        raise _unavailable(desk, ask.queue, Code.QUEUE_CLOSED, message)
    free = free_slots(config, desk.slots, ask.queue, now, limit=SLOT_SCAN)
    found = next((s for s in free if s.start == wanted), None)
    if found is None:
        message = "that slot is full or does not exist; choose one of the next slots"
        raise _unavailable(desk, ask.queue, Code.SLOT_UNAVAILABLE, message)
    return found


def _unavailable(desk: Desk, queue: QueueName, code: Code, message: str) -> ApiProblem:
    slots = next_slots(desk.config, desk.slots, queue, desk.now)
    return ApiProblem(409, code, "preferred_time", message, next_slots=slots)


def _incoming(ask: Ask, slot: Slot | None, now: datetime, priority: int) -> Incoming:
    body = ask.body
    data: dict[str, Any] = {"client": ask.client.id, **body.context}
    data |= {key: value for key in ("email", "reason") if (value := getattr(body, key))}
    return Incoming(
        context=ContextEntry(ask.client.channel, now, data),
        virtual_start=now,
        name=body.name,
        language=ask.language,
        # The queue's priority, as a caller of the queue gets: one line, one order.
        priority=priority,
        slot=slot,
    )
