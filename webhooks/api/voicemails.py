"""`GET /api/v1/voicemails` and `POST /api/v1/voicemails/{id}/handled`: the supervisor's list.

Messages left without a number to call back wait here until someone listens to them and
marks them handled. Only the supervisor's bearer key is accepted: a missing key answers 401,
any other key 403 (as for agent presence).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from callback.config import SupervisorConfig
from callback.store.voicemails import Voicemail
from callback.types import QueueName
from webhooks.api.auth import refused, supervisor_only
from webhooks.api.body import capped_body, json_object
from webhooks.api.errors import ApiProblem, Code
from webhooks.api.schemas import Strict, plain_text
from webhooks.services import services

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_ID = 2**31 - 1
"""The largest id the column holds on PostgreSQL; a larger one cannot exist."""
_QUEUE = re.compile(r"[a-z0-9_-]{1,40}")
QUEUE_PARAMETER = {
    "name": "queue",
    "in": "query",
    "required": False,
    "description": "Only this queue's messages (default: every queue's)",
    "schema": {"type": "string", "pattern": f"^{_QUEUE.pattern}$"},
}
LIMIT_PARAMETER = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
}
_PARAMETERS = frozenset({str(QUEUE_PARAMETER["name"]), str(LIMIT_PARAMETER["name"])})
ID_PARAMETER = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

_Who = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class VoicemailOut(Strict):
    """A message left without a number to call back."""

    id: int
    call_sid: str
    queue: str
    language: str
    recording_url: str
    recording_seconds: int
    transcription: str | None
    received_at: datetime
    handled_at: datetime | None
    handled_by: str | None


class VoicemailsOut(Strict):
    """The messages nobody has handled yet, oldest first."""

    voicemails: list[VoicemailOut]


class HandledIn(Strict):
    """`POST /api/v1/voicemails/{id}/handled`: who dealt with the message."""

    by: Annotated[_Who, AfterValidator(plain_text)]


def voicemail_out(found: Voicemail) -> VoicemailOut:
    """A stored message as the API shows it."""
    return VoicemailOut.model_validate(asdict(found))


def _single(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ApiProblem(422, Code.INVALID_FIELD, name, "give this parameter at most once")
    return values[0] if values else None


def _known_parameters(request: Request) -> None:
    for name in request.query_params:
        if name not in _PARAMETERS:
            raise ApiProblem(422, Code.UNKNOWN_FIELD, name, "this parameter is not part of the API")


def _queue(request: Request, config: SupervisorConfig) -> QueueName | None:
    raw = _single(request, "queue")
    if raw is None:
        return None
    if not _QUEUE.fullmatch(raw):
        rule = "a queue name: 1 to 40 of a-z, 0-9, '_' and '-'"
        raise ApiProblem(422, Code.INVALID_FIELD, "queue", rule)
    if raw not in config.queues:
        raise ApiProblem(404, Code.UNKNOWN_QUEUE, "queue", f"there is no queue {raw!r}")
    return QueueName(raw)


def _limit(request: Request) -> int:
    raw = _single(request, "limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiProblem(422, Code.INVALID_FIELD, "limit", f"a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


async def list_voicemails(request: Request) -> Response:
    """The unhandled messages of one queue (`?queue=`) or of all, oldest first."""
    svc = services(request)
    config = svc.config.current
    try:
        supervisor_only(request, config)
        _known_parameters(request)
        queue, limit = _queue(request, config), _limit(request)
    except ApiProblem as problem:
        return refused(problem)
    found = await run_in_threadpool(svc.voicemails.unhandled, queue, limit)
    out = VoicemailsOut(voicemails=[voicemail_out(voicemail) for voicemail in found])
    return JSONResponse(out.model_dump(mode="json"))


async def voicemail_handled(request: Request) -> Response:
    """Mark a message handled by the person named in the body (a second mark keeps the first)."""
    svc = services(request)
    try:
        supervisor_only(request, svc.config.current)
        voicemail_id = _voicemail_id(request.path_params["id"])
        handled = _handled_in(json_object(await capped_body(request)))
        found = await run_in_threadpool(
            svc.voicemails.mark_handled, voicemail_id, handled.by, svc.clock()
        )
        if found is None:
            raise _unknown(voicemail_id)
    except ApiProblem as problem:
        return refused(problem)
    return JSONResponse(voicemail_out(found).model_dump(mode="json"))


def _voicemail_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()):
        raise ApiProblem(422, Code.INVALID_FIELD, "id", "a voicemail id: a whole number")
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise _unknown(value)
    return value


def _unknown(voicemail_id: int) -> ApiProblem:
    return ApiProblem(404, Code.NOT_FOUND, "id", f"there is no voicemail {voicemail_id}")


def _handled_in(body: dict[str, object]) -> HandledIn:
    try:
        return HandledIn.model_validate(body)
    except ValidationError as error:
        detail = error.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in detail["loc"][:1]) or None
        if detail["type"] == "extra_forbidden":
            message, code = "this field is not part of the API", Code.UNKNOWN_FIELD
        else:
            message, code = detail["msg"].removeprefix("Value error, "), Code.INVALID_FIELD
        raise ApiProblem(422, code, field, message) from None
