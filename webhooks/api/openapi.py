"""The OpenAPI 3.1 document of `/api/v1`, generated from the operations table and the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse

from webhooks import agents, voice_token
from webhooks.api import schemas, voicemails
from webhooks.api.auth import KEY_ID, SIGNATURE, SITE_KEY, TIMESTAMP
from webhooks.api.widget_style import WidgetStyleOut
from webhooks.queue_views import QueuesOut

PREFIX = "/api/v1"
_REF = "#/components/schemas/{model}"


@dataclass(frozen=True, slots=True)
class Operation:
    """One path and method: what it takes and what it answers."""

    path: str
    method: str
    summary: str
    answers: dict[int, type[BaseModel]]
    body: type[BaseModel] | None = None
    parameters: tuple[dict[str, Any], ...] = ()
    security: tuple[str, ...] = ()
    errors: tuple[int, ...] = field(default=(404,))
    database: bool = True
    """Reads or writes the database, so it may answer 503 `unavailable` (see `DatabaseGuard`)."""


def _in_path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


_DATE = {
    "name": "date",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "format": "date"},
}

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/queues",
        "get",
        "Every queue now: the customer's view without a key, the supervisor's with their key",
        {200: QueuesOut},
        security=("public", "supervisor"),
        errors=(403,),
    ),
    Operation(
        "/agents/{agent_id}/status",
        "post",
        "Set an agent's presence (the agent's own key or the supervisor's)",
        {200: agents.PresenceOut},
        body=agents.PresenceIn,
        parameters=(_in_path("agent_id"),),
        security=("supervisor", "agent"),
        errors=(400, 401, 403, 404, 409, 413, 422),
    ),
    Operation(
        "/agents/{agent_id}/voice-token",
        "post",
        "A Twilio Voice access token for a 'client:' agent's browser phone (their key or the"
        " supervisor's); 503 until the API key and TwiML app settings are given",
        {200: voice_token.VoiceTokenOut},
        parameters=(_in_path("agent_id"),),
        security=("supervisor", "agent"),
        errors=(401, 403, 404, 409, 503),
        database=False,
    ),
    Operation(
        "/callbacks",
        "post",
        "Ask for a callback (a duplicate merges into the pending one; 202: confirm by SMS)",
        {201: schemas.CallbackOut, 200: schemas.CallbackOut, 202: schemas.VerificationOut},
        body=schemas.CallbackIn,
        security=("siteKey", "signed"),
        errors=(400, 401, 403, 404, 409, 413, 422, 429, 503),
    ),
    Operation(
        "/callbacks/verify",
        "post",
        "Confirm a held request with the code sent by SMS; answers as POST /callbacks",
        {201: schemas.CallbackOut, 200: schemas.CallbackOut},
        body=schemas.VerifyIn,
        security=("siteKey", "signed"),
        errors=(400, 401, 403, 404, 409, 410, 413, 422, 429),
    ),
    Operation(
        "/callbacks/{token}",
        "get",
        "A request's state, place in line and estimate",
        {200: schemas.StatusOut},
        parameters=(_in_path("token"),),
    ),
    Operation(
        "/callbacks/{token}",
        "delete",
        "Cancel a request that is still waiting",
        {200: schemas.StatusOut},
        parameters=(_in_path("token"),),
        errors=(404, 409),
    ),
    Operation(
        "/queues/{queue}/estimate",
        "get",
        "Open or closed, the current wait, callback offered",
        {200: schemas.QueueEstimateOut},
        parameters=(_in_path("queue"),),
    ),
    Operation(
        "/queues/{queue}/slots",
        "get",
        "Slots of one day that still have room",
        {200: schemas.SlotsOut},
        parameters=(_in_path("queue"), _DATE),
        errors=(404, 422),
    ),
    Operation(
        "/widget",
        "get",
        "The branding of the site whose key is sent (its own origins only)",
        {200: WidgetStyleOut},
        security=("siteKey",),
        errors=(401, 403),
        database=False,
    ),
    Operation(
        "/abuse",
        "get",
        "Refused requests counted by reason (supervisor)",
        {200: schemas.AbuseOut},
        security=("supervisor",),
        errors=(401, 403),
    ),
    Operation(
        "/voicemails",
        "get",
        "Messages left without a number to call back, not yet handled (supervisor)",
        {200: voicemails.VoicemailsOut},
        parameters=(voicemails.QUEUE_PARAMETER, voicemails.LIMIT_PARAMETER),
        security=("supervisor",),
        errors=(401, 403, 404, 422),
    ),
    Operation(
        "/voicemails/{id}/handled",
        "post",
        "Mark a message handled by the person named (supervisor)",
        {200: voicemails.VoicemailOut},
        body=voicemails.HandledIn,
        parameters=(voicemails.ID_PARAMETER,),
        security=("supervisor",),
        errors=(400, 401, 403, 404, 413, 422),
    ),
)

_SECURITY = {
    "siteKey": {
        "type": "apiKey",
        "in": "header",
        "name": SITE_KEY,
        "description": "A web site's public key; only from the site's listed origins",
    },
    "signed": {
        "type": "apiKey",
        "in": "header",
        "name": SIGNATURE,
        "description": f"Hex HMAC-SHA256, with {KEY_ID} and {TIMESTAMP}: see the README",
    },
    "supervisor": {"type": "http", "scheme": "bearer"},
    "agent": {"type": "http", "scheme": "bearer", "description": "An agent's own key"},
}


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = [schemas.ErrorBody]
    for operation in OPERATIONS:
        found += [*operation.answers.values(), *([operation.body] if operation.body else [])]
    return list(dict.fromkeys(found))


def _content(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}}


def _operation(operation: Operation) -> dict[str, Any]:
    responses = {
        str(status): {"description": model.__doc__ or "", "content": _content(model)}
        for status, model in operation.answers.items()
    }
    for status in operation.errors:
        responses[str(status)] = {"description": "an error", "content": _content(schemas.ErrorBody)}
    if operation.database:
        responses["503"] = {"description": "an error", "content": _content(schemas.ErrorBody)}
    found: dict[str, Any] = {"summary": operation.summary, "responses": responses}
    if operation.parameters:
        found["parameters"] = list(operation.parameters)
    if operation.body is not None:
        found["requestBody"] = {"required": True, "content": _content(operation.body)}
    if operation.security:
        # "public": the operation also answers without credentials (an empty requirement).
        found["security"] = [{} if name == "public" else {name: []} for name in operation.security]
    return found


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    inputs = {operation.body for operation in OPERATIONS}
    modes = [(model, "validation" if model in inputs else "serialization") for model in _models()]
    _, defs = models_json_schema(modes, ref_template=_REF)  # type: ignore[arg-type]
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(PREFIX + operation.path, {})[operation.method] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Holdless public API", "version": "1"},
        "paths": paths,
        "components": {"schemas": defs.get("$defs", {}), "securitySchemes": _SECURITY},
    }


async def openapi(request: Request) -> JSONResponse:
    """`GET /api/v1/openapi.json`."""
    return JSONResponse(document())
